"""The reference Ambar endpoint (examples/platform/endpoint) over real HTTP, recording its
reactions in the event store's idempotent-reaction table on PostgreSQL 15 (schema applied
from the synthesized stack). Records are shaped as Ambar delivers them."""
import base64
import json
import sys
import urllib.error
import urllib.request

import pytest

from pgserver import ROOT, connect
from test_event_store_schema import apply, event

sys.path.insert(0, str(ROOT / "examples" / "platform" / "endpoint"))
import ambar_endpoint  # noqa: E402

USER, PASSWORD = "u7Xk2pQz", "Pw9fLm3QzT8vRb2K"


def record(e, eid=1):
    return {"data_source_id": "AMBAR-1000000001", "data_source_description": "Event store",
            "data_destination_id": "AMBAR-1000000003", "data_destination_description": "User projection endpoint",
            "payload": {"id": eid, **e}}


@pytest.fixture
def endpoint(server, admin, schema_properties):
    apply(admin, schema_properties)
    reacted, broken = [], {"on": False}

    def react(payload, conn):
        if broken["on"]:
            raise RuntimeError("projection store unavailable")
        conn.cursor().execute("SELECT 1")
        reacted.append(payload["event_id"])

    httpd = ambar_endpoint.serve(USER, PASSWORD, {"/projections/users": react}, lambda: connect(server))
    url = f"http://127.0.0.1:{httpd.server_address[1]}/projections/users"
    yield url, reacted, broken, admin
    httpd.shutdown()


def post(url, body, user=USER, password=PASSWORD):
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json"})
    if user is not None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def reactions(admin):
    return admin.execute("SELECT event_id, reaction_name FROM event_store_idempotent_reaction").fetchall()


def test_a_duplicate_delivery_reacts_once(endpoint):
    url, reacted, _, admin = endpoint
    e = event("user-1", 1)
    assert post(url, record(e)) == (200, {"result": {"success": {}}})
    assert post(url, record(e)) == (200, {"result": {"success": {}}})
    assert reacted == [e["event_id"]]
    assert reactions(admin) == [(e["event_id"], "/projections/users")]


def test_wrong_or_missing_credentials_get_401_and_nothing_happens(endpoint):
    url, reacted, _, admin = endpoint
    assert post(url, record(event("user-1", 1)), password="wrong")[0] == 401
    assert post(url, record(event("user-1", 1)), user="someone")[0] == 401
    assert post(url, record(event("user-1", 1)), user=None)[0] == 401
    assert reacted == [] and reactions(admin) == []


def test_a_failing_reaction_answers_must_retry_and_records_nothing(endpoint):
    url, reacted, broken, admin = endpoint
    e = event("user-1", 1)
    broken["on"] = True
    status, answer = post(url, record(e))
    assert status == 200 and answer["result"]["error"]["policy"] == "must_retry"
    assert answer["result"]["error"]["class"] == "RuntimeError"
    assert reactions(admin) == [], "rolled back: the retry will react"
    broken["on"] = False
    assert post(url, record(e)) == (200, {"result": {"success": {}}})
    assert reacted == [e["event_id"]]


def test_a_record_that_is_not_ambars_is_skipped_with_a_reason(endpoint):
    url, _, _, admin = endpoint
    status, answer = post(url, b"not json")
    assert status == 200 and answer["result"]["error"]["policy"] == "keep_going"
    status, answer = post(url, {"payload": {"no_event_id": 1}})
    assert answer["result"]["error"]["class"] == "InvalidEnvelope"
    assert reactions(admin) == []
