"""The event store's SQL, applied to a real PostgreSQL 15 through the same code the
custom resource runs (schema_handler.apply / handle), with the statements the synthesized
stack gives it."""
import base64
import http.server
import json
import struct
import threading
import uuid

import psycopg
import pytest
from psycopg import sql as pgsql
import schema_handler
from pgserver import connect

PASSWORD = "Replica7passwordFromTheSecret"


def executor(conn):
    """Runs a statement as the Data API does, answering its rows."""

    def execute(sql):
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []

    return execute


def apply(admin, schema_properties):
    return schema_handler.apply(executor(admin), schema_properties["Statements"], PASSWORD)


def event(aggregate_id, version, name="UserCreated", correlation="corr-1"):
    """An event shaped as the seed's example."""
    return {
        "event_id": str(uuid.uuid4()),
        "event_name": name,
        "aggregate_id": aggregate_id,
        "aggregate_version": version,
        "json_payload": json.dumps({"email": "a@example.com"}),
        "json_metadata": json.dumps({"source": "test"}),
        "recorded_on": "2024-01-15T10:00:00.000Z",
        "causation_id": "cause-1",
        "correlation_id": correlation,
    }


def insert(conn, e):
    cols = ", ".join(e)
    marks = ", ".join(["%s"] * len(e))
    return conn.execute(f"INSERT INTO event_store ({cols}) VALUES ({marks}) RETURNING id", list(e.values())).fetchone()[0]


def test_schema_applies_twice_and_matches_the_seed(admin, schema_properties):
    assert apply(admin, schema_properties) == len(schema_properties["Statements"])
    assert apply(admin, schema_properties) == len(schema_properties["Statements"]), "idempotent"
    columns = admin.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'event_store' ORDER BY ordinal_position"
    ).fetchall()
    assert columns == [
        ("id", "bigint", "NO"),
        ("event_id", "text", "NO"),
        ("event_name", "text", "NO"),
        ("aggregate_id", "text", "NO"),
        ("aggregate_version", "bigint", "NO"),
        ("json_payload", "text", "NO"),
        ("json_metadata", "text", "NO"),
        ("recorded_on", "text", "NO"),
        ("causation_id", "text", "NO"),
        ("correlation_id", "text", "NO"),
    ]
    indexes = {name: unique for name, unique in admin.execute(
        "SELECT i.relname, x.indisunique FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = 'event_store' AND NOT x.indisprimary"
    ).fetchall()}
    assert indexes == {
        "event_store_idx_event_aggregate_id_version": True,
        "event_store_idx_event_id": True,
        "event_store_idx_event_causation_id": False,
        "event_store_idx_event_correlation_id": False,
        "event_store_idx_occurred_on": False,
        "event_store_idx_event_name": False,
    }
    assert admin.execute(
        "SELECT a.attname FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey) "
        "WHERE x.indrelid = 'event_store_idempotent_reaction'::regclass AND x.indisprimary ORDER BY a.attname"
    ).fetchall() == [("event_id",), ("reaction_name",)]
    assert admin.execute("SELECT pubname FROM pg_publication_tables WHERE tablename = 'event_store'").fetchall() == [("ambar_publication",)]


def test_appends_and_the_uniqueness_rules(admin, schema_properties):
    apply(admin, schema_properties)
    first = insert(admin, event("user-1", 1))
    second = insert(admin, event("user-1", 2))
    assert second > first
    with pytest.raises(psycopg.errors.UniqueViolation, match="event_store_idx_event_aggregate_id_version"):
        insert(admin, event("user-1", 2))
    duplicate_id = event("user-2", 1)
    insert(admin, duplicate_id)
    with pytest.raises(psycopg.errors.UniqueViolation, match="event_store_idx_event_id"):
        insert(admin, {**event("user-3", 1), "event_id": duplicate_id["event_id"]})
    with pytest.raises(psycopg.errors.NotNullViolation):
        insert(admin, {**event("user-4", 1), "correlation_id": None})


def test_the_replication_user_reads_and_streams_but_writes_nothing(server, admin, schema_properties):
    apply(admin, schema_properties)
    insert(admin, event("user-1", 1))
    admin.execute("INSERT INTO event_store_idempotent_reaction VALUES ('e', 'r')")
    with connect(server, user="replication_user", password=PASSWORD, autocommit=True) as replica:
        assert replica.execute("SELECT count(*) FROM event_store").fetchone() == (1,)
        for sql in [
            "INSERT INTO event_store (event_id, event_name, aggregate_id, aggregate_version, json_payload, json_metadata, recorded_on, causation_id, correlation_id) VALUES ('x','x','x',9,'{}','{}','t','c','c')",
            "UPDATE event_store SET event_name = 'changed'",
            "DELETE FROM event_store",
            "SELECT * FROM event_store_idempotent_reaction",
            "INSERT INTO event_store_idempotent_reaction VALUES ('e2', 'r')",
            "CREATE TABLE sneaky (x int)",
            "TRUNCATE event_store",
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                replica.execute(sql)
    role = admin.execute("SELECT rolreplication, rolcanlogin, rolsuper FROM pg_roles WHERE rolname = 'replication_user'").fetchone()
    assert role == (True, True, False)
    with pytest.raises(psycopg.OperationalError):
        connect(server, user="replication_user", password="wrong").close()


def pgoutput_insert_ids(messages, relation="event_store"):
    """The `id` of each INSERT into `relation` in pgoutput (protocol 1) messages, in order."""
    names, ids = {}, []
    for (data,) in messages:
        data = bytes(data)
        kind = chr(data[0])
        if kind == "R":
            relid = struct.unpack(">I", data[1:5])[0]
            rest = data[5:]
            namespace, rest = rest.split(b"\0", 1)
            name, _ = rest.split(b"\0", 1)
            names[relid] = name.decode()
        elif kind == "I":
            relid = struct.unpack(">I", data[1:5])[0]
            assert chr(data[5]) == "N"
            ncols = struct.unpack(">H", data[6:8])[0]
            pos, values = 8, []
            for _ in range(ncols):
                tag = chr(data[pos])
                pos += 1
                if tag == "t":
                    length = struct.unpack(">I", data[pos:pos + 4])[0]
                    values.append(data[pos + 4:pos + 4 + length].decode())
                    pos += 4 + length
                else:
                    values.append(None)
            if names.get(relid) == relation:
                ids.append(int(values[0]))
    return ids


def test_a_logical_slot_on_the_publication_delivers_events_in_id_order(server, admin, schema_properties):
    apply(admin, schema_properties)
    with connect(server, user="replication_user", password=PASSWORD, autocommit=True) as replica:
        replica.execute("SELECT pg_create_logical_replication_slot('ambar_event_store_slot', 'pgoutput')")
        inserted = []
        with connect(server) as writer:
            for version in range(1, 6):
                inserted.append(insert(writer, event("order-9", version, "OrderPlaced", correlation="order-9")))
                writer.execute("INSERT INTO event_store_idempotent_reaction VALUES (%s, 'not published')", [str(version)])
            writer.commit()
        messages = replica.execute(
            "SELECT data FROM pg_logical_slot_get_binary_changes('ambar_event_store_slot', NULL, NULL, "
            "'proto_version', '1', 'publication_names', 'ambar_publication')"
        ).fetchall()
    streamed = pgoutput_insert_ids(messages)
    assert streamed == inserted == sorted(inserted), (streamed, inserted)


class Responses(http.server.BaseHTTPRequestHandler):
    received = []

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Responses.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def response_url():
    Responses.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Responses)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/cfn-response?signature=x", Responses.received
    server.shutdown()


def request(kind, properties, url, physical=None):
    e = {
        "RequestType": kind,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/production-PlatformData/guid",
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": "EventStoreSchema",
        "ResourceType": "Custom::EventStoreSchema",
        "ResourceProperties": {**properties, "Database": "eventstore"},
    }
    if physical:
        e["PhysicalResourceId"] = physical
    return e


def test_custom_resource_create_update_delete_and_its_answers(admin, schema_properties, response_url):
    url, received = response_url
    make_executor = lambda props: executor(admin)  # the Data API stands here, in Lambda
    read_password = lambda arn: PASSWORD
    for kind in ("Create", "Update"):
        e = request(kind, schema_properties, url, physical="event-store-schema-eventstore" if kind == "Update" else None)
        status, reason, physical, data = schema_handler.handle(e, make_executor, read_password)
        assert (status, physical) == ("SUCCESS", "event-store-schema-eventstore"), reason
        assert schema_handler.respond(e, status, reason, physical, data) == 200
    insert(admin, event("user-1", 1))
    e = request("Delete", schema_properties, url, physical="event-store-schema-eventstore")
    status, reason, physical, data = schema_handler.handle(e, lambda p: pytest.fail("Delete must not touch the database"), read_password)
    schema_handler.respond(e, status, reason, physical, data)
    assert admin.execute("SELECT count(*) FROM event_store").fetchone() == (1,), "data left alone on delete"
    assert [r["Status"] for r in received] == ["SUCCESS"] * 3
    assert received[0]["PhysicalResourceId"] == received[2]["PhysicalResourceId"] == "event-store-schema-eventstore"
    assert received[0]["LogicalResourceId"] == "EventStoreSchema" and received[0]["Data"] == {"Statements": str(len(schema_properties["Statements"]))}
    assert all(PASSWORD not in json.dumps(r) for r in received)


def test_a_failure_is_answered_with_the_reason_and_without_the_password(admin, schema_properties, response_url):
    url, received = response_url
    properties = {**schema_properties, "Statements": ["ALTER ROLE no_such_role PASSWORD :'replication_password'"]}
    e = request("Create", properties, url)
    status, reason, physical, data = schema_handler.handle(e, lambda p: executor(admin), lambda arn: PASSWORD)
    schema_handler.respond(e, status, reason, physical, data)
    assert status == "FAILED"
    assert "no_such_role" in reason and PASSWORD not in reason
    assert received[0]["Status"] == "FAILED" and received[0]["Reason"] == reason
    e = request("Create", {"Database": "eventstore"}, url)
    status, reason, _, _ = schema_handler.handle(e, lambda p: executor(admin), lambda arn: PASSWORD)
    assert status == "FAILED" and "KeyError" in reason


def test_as_aurora_runs_it_a_non_superuser_owner_grants_rds_replication(server, admin, schema_properties):
    """Aurora's master user is no superuser: the SQL must take its `rds_replication` branch
    (ALTER ROLE … REPLICATION needs a superuser, so the other branch would fail here)."""
    admin.close()
    with connect(server, dbname="postgres", autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS eventstore WITH (FORCE)")
        c.execute("DROP ROLE IF EXISTS replication_user")
        c.execute("DROP ROLE IF EXISTS aurora_master")
        c.execute("CREATE ROLE rds_replication NOLOGIN")
        c.execute("CREATE ROLE aurora_master LOGIN CREATEROLE PASSWORD 'Master7password'")
        c.execute("GRANT rds_replication TO aurora_master WITH ADMIN OPTION")
        c.execute("CREATE DATABASE eventstore OWNER aurora_master")
    try:
        with connect(server, user="aurora_master", password="Master7password", autocommit=True) as owner:
            assert owner.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
            assert schema_handler.apply(executor(owner), schema_properties["Statements"], PASSWORD) == len(schema_properties["Statements"])
            member = owner.execute(
                "SELECT pg_has_role('replication_user', 'rds_replication', 'MEMBER'), "
                "(SELECT rolreplication FROM pg_roles WHERE rolname = 'replication_user')"
            ).fetchone()
            assert member == (True, False), "granted rds_replication, not the REPLICATION attribute"
            assert owner.execute("SELECT has_table_privilege('replication_user', 'event_store', 'SELECT')").fetchone() == (True,)
            assert owner.execute("SELECT pubname FROM pg_publication").fetchall() == [("ambar_publication",)]
    finally:
        with connect(server, dbname="postgres", autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS eventstore WITH (FORCE)")
            c.execute("DROP ROLE IF EXISTS replication_user")
            c.execute("DROP ROLE IF EXISTS rds_replication")
            c.execute("DROP ROLE IF EXISTS aurora_master")


class DatabaseResumingException(Exception):
    """As the Data API raises while an Aurora writer comes up."""


def test_transient_data_api_errors_are_retried_within_the_deadline_and_others_are_not(admin, schema_properties):
    failures = {"left": 2}
    slept = []

    def flaky(sql):
        if failures["left"]:
            failures["left"] -= 1
            raise DatabaseResumingException("The database is resuming")
        admin.execute(sql)

    clock = {"t": 0.0}

    def sleep(s):
        slept.append(s)
        clock["t"] += s

    statements = schema_properties["Statements"]
    assert schema_handler.apply(flaky, statements, PASSWORD, deadline=100.0, sleep=sleep, now=lambda: clock["t"]) == len(statements)
    assert slept == [1.0, 2.0], "backoff"

    def broken(sql):
        raise ValueError("syntax error at or near SELEC")

    with pytest.raises(ValueError):
        schema_handler.apply(broken, statements, PASSWORD, deadline=100.0, sleep=sleep, now=lambda: clock["t"])

    def never(sql):
        raise DatabaseResumingException("The database is resuming")

    clock["t"] = 0.0
    slept.clear()
    with pytest.raises(DatabaseResumingException):
        schema_handler.apply(never, statements, PASSWORD, deadline=30.0, sleep=sleep, now=lambda: clock["t"])
    assert clock["t"] <= 30.0, "bounded by the deadline"


def test_the_password_reaches_postgresql_only_as_its_scram_verifier(server, admin, schema_properties):
    """The statement PostgreSQL runs (and logs, when DDL logging is on) carries the
    SCRAM-SHA-256 verifier, never the password; the user still logs in with the password."""
    ran = []
    execute = executor(admin)

    def recording(sql):
        ran.append(sql)
        return execute(sql)

    schema_handler.apply(recording, schema_properties["Statements"], PASSWORD)
    assert all(PASSWORD not in sql for sql in ran)
    (alter,) = [sql for sql in ran if "ALTER ROLE replication_user" in sql and "PASSWORD" in sql]
    assert "PASSWORD 'SCRAM-SHA-256$4096:" in alter
    stored = admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'replication_user'").fetchone()[0]
    assert stored in alter, "PostgreSQL keeps the verifier as given"
    with connect(server, user="replication_user", password=PASSWORD, autocommit=True) as replica:
        assert replica.execute("SELECT current_user").fetchone() == ("replication_user",)


def test_the_verifier_is_the_one_postgresql_computes(admin):
    """Same salt and iterations, same verifier as PostgreSQL's own for the password."""
    admin.execute("DROP ROLE IF EXISTS scram_check")
    admin.execute("CREATE ROLE scram_check LOGIN")
    admin.execute("SET password_encryption = 'scram-sha-256'")
    for password in (PASSWORD, "with 'quote' and spaces"):
        admin.execute(pgsql.SQL("ALTER ROLE scram_check PASSWORD {}").format(pgsql.Literal(password)))
        theirs = admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_check'").fetchone()[0]
        iterations, salt = theirs.split("$")[1].split(":")
        ours = schema_handler.scram_sha256_verifier(password, base64.b64decode(salt), int(iterations))
        assert ours == theirs


def test_an_update_builds_missing_indexes_concurrently_on_a_populated_table(admin, schema_properties):
    apply(admin, schema_properties)
    insert(admin, event("user-1", 1))
    admin.execute("DROP INDEX event_store_idx_event_name")
    ran = []
    execute = executor(admin)

    def recording(sql):
        ran.append(sql)
        return execute(sql)

    schema_handler.apply(recording, schema_properties["Statements"], PASSWORD, update=True)
    indexes = [sql for sql in ran if "INDEX" in sql]
    assert indexes and all("INDEX CONCURRENTLY IF NOT EXISTS" in sql for sql in indexes), indexes
    names = {r[0] for r in admin.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'event_store'")}
    assert "event_store_idx_event_name" in names
    # On create (an empty table) they are built plainly.
    created = schema_handler.render(schema_properties["Statements"], PASSWORD)
    assert not any("CONCURRENTLY" in sql for sql in created)


def test_an_index_left_invalid_by_a_failed_concurrent_build_is_rebuilt_on_update(admin, schema_properties):
    apply(admin, schema_properties)
    name = "event_store_idx_event_correlation_id"
    # A concurrent build that fails (here: a unique index over duplicates) leaves an invalid
    # index behind, under the name the schema uses.
    admin.execute(f"DROP INDEX {name}")
    insert(admin, event("a-1", 1, correlation="same"))
    insert(admin, event("a-2", 1, correlation="same"))
    with pytest.raises(psycopg.errors.UniqueViolation):
        admin.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON event_store (correlation_id)")
    state = f"SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = to_regclass('{name}')"
    assert admin.execute(state).fetchone() == (False, True)

    schema_handler.apply(executor(admin), schema_properties["Statements"], PASSWORD, update=True)
    assert admin.execute(state).fetchone() == (True, False), "rebuilt as the schema says, and valid"
    # Valid indexes are left alone: applying again keeps the same index.
    oid = admin.execute(f"SELECT to_regclass('{name}')::oid").fetchone()
    schema_handler.apply(executor(admin), schema_properties["Statements"], PASSWORD, update=True)
    assert admin.execute(f"SELECT to_regclass('{name}')::oid").fetchone() == oid


def test_data_api_answers_become_rows():
    answer = {"records": [[{"longValue": 1}, {"isNull": True}, {"stringValue": "x"}]], "numberOfRecordsUpdated": 0}
    assert schema_handler.rows(answer) == [[1, None, "x"]]
    assert schema_handler.rows({"numberOfRecordsUpdated": 0}) == []
