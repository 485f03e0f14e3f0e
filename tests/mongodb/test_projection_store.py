"""The projection store's connection contract on a real MongoDB wire-protocol server: the
user the stack provisions can do what the services need in `projections` and nothing else,
through a connection built from the variables the stack emits; and the reference users
projection applies Ambar's deliveries once each, in aggregate order."""
import json
import sys
import uuid

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from mongoserver import ROOT, SAMPLE_SRV

sys.path.insert(0, str(ROOT / "examples" / "platform" / "projections"))
import users_projection  # noqa: E402


def test_the_variables_are_the_seeds(variables):
    assert variables["MONGODB_PROJECTION_HOST"] == SAMPLE_SRV.removeprefix("mongodb+srv://"), "the SRV host, no scheme"
    assert variables["MONGODB_PROJECTION_PORT"] == "27017"
    assert variables["MONGODB_PROJECTION_AUTHENTICATION_DATABASE"] == "admin"
    assert variables["MONGODB_PROJECTION_DATABASE_NAME"] == "projections"
    assert variables["MONGODB_PROJECTION_DATABASE_USERNAME"] == "production-projection-store-app"
    reference = json.dumps(variables["MONGODB_PROJECTION_DATABASE_PASSWORD"])
    assert ":password::" in reference and "Ref" in reference, "a secret reference, never a value"
    uri = users_projection.connection_uri({**variables, "MONGODB_PROJECTION_DATABASE_PASSWORD": "p w"})
    assert uri == "mongodb+srv://production-projection-store-app:p+w@projection-store.ab1cd.mongodb.net/projections?authSource=admin&tls=true"


def client(env, **overrides):
    env = {**env, **overrides}
    return MongoClient(users_projection.connection_uri(env, srv=False, host_override="127.0.0.1"), serverSelectionTimeoutMS=5000)


def test_the_user_writes_and_indexes_in_projections_only(local_env):
    with client(local_env) as c:
        db = c[local_env["MONGODB_PROJECTION_DATABASE_NAME"]]
        db.probe.insert_one({"_id": str(uuid.uuid4())})
        assert db.probe.create_index("created") == "created_1", "dbAdmin: indexes"
        with pytest.raises(OperationFailure) as refused:
            c["other"].probe.insert_one({"x": 1})
        assert refused.value.code == 13
        with pytest.raises(OperationFailure):
            c.admin.command("createUser", "sneaky", pwd="x", roles=[])


def test_a_wrong_password_is_refused(local_env):
    with client(local_env, MONGODB_PROJECTION_DATABASE_PASSWORD="not-the-password") as c:
        with pytest.raises(OperationFailure) as refused:
            c.projections.probe.find_one()
        assert refused.value.code == 18


def envelope(user, version, name="UserCreated", payload=None):
    return {
        "data_source_id": "AMBAR-1000000001", "data_source_description": "Event store",
        "data_destination_id": "AMBAR-1000000003", "data_destination_description": "User projection endpoint",
        "payload": {"id": version, "event_id": f"{user}-{version}", "event_name": name, "aggregate_id": user,
                    "aggregate_version": version, "json_payload": json.dumps(payload or {}),
                    "json_metadata": "{}", "recorded_on": "2024-01-15T10:00:00.000Z",
                    "causation_id": "c", "correlation_id": user},
    }


@pytest.fixture
def projections(local_env, admin):
    admin.projections.users.delete_many({})
    with client(local_env) as c:
        db = c.projections
        users_projection.ensure_indexes(db)
        yield db


def test_duplicate_deliveries_apply_once(projections):
    created = envelope("u1", 1, payload={"email": "a@example.com"})
    assert users_projection.apply(projections, created) == users_projection.SUCCESS
    assert users_projection.apply(projections, created) == users_projection.SUCCESS
    changed = envelope("u1", 2, "UserEmailChanged", {"email": "b@example.com"})
    assert users_projection.apply(projections, changed) == users_projection.SUCCESS
    assert users_projection.apply(projections, changed) == users_projection.SUCCESS
    assert users_projection.apply(projections, created) == users_projection.SUCCESS, "an old delivery is no error"
    assert list(projections.users.find()) == [
        {"_id": "u1", "version": 2, "last_event": "UserEmailChanged", "email": "b@example.com"}
    ]


def test_an_event_ahead_of_its_predecessor_is_retried_until_it_fits(projections):
    third = envelope("u2", 3, "UserRenamed", {"name": "Ada"})
    answer = users_projection.apply(projections, third)
    assert answer["result"]["error"]["policy"] == "must_retry"
    assert answer["result"]["error"]["class"] == "OutOfOrder"
    assert projections.users.find_one({"_id": "u2"}) is None
    users_projection.apply(projections, envelope("u2", 1, payload={"email": "ada@example.com"}))
    assert users_projection.apply(projections, third)["result"]["error"]["policy"] == "must_retry", "2 is still missing"
    users_projection.apply(projections, envelope("u2", 2, "UserEmailChanged", {"email": "ada@lovelace.dev"}))
    assert users_projection.apply(projections, third) == users_projection.SUCCESS
    latest = {"_id": "u2", "version": 3, "last_event": "UserRenamed", "email": "ada@lovelace.dev", "name": "Ada"}
    assert projections.users.find_one({"_id": "u2"}) == latest
    redelivered = envelope("u2", 2, "UserEmailChanged", {"email": "ada@lovelace.dev"})
    assert users_projection.apply(projections, redelivered) == users_projection.SUCCESS
    assert projections.users.find_one({"_id": "u2"}) == latest, "an old event never rolls the user back"


def test_a_record_that_is_no_event_is_skipped(projections):
    answer = users_projection.apply(projections, {"payload": {"aggregate_id": "u3"}})
    assert answer["result"]["error"]["policy"] == "keep_going"
    assert projections.users.count_documents({}) == 0
