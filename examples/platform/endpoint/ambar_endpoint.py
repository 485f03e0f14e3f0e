"""A reference endpoint for Ambar's deliveries (Python standard library only).

What Ambar sends (README, "Streaming with Ambar"): one record per `POST`, with HTTP Basic
credentials, and a JSON body

    {"data_source_id": "...", "data_source_description": "...",
     "data_destination_id": "...", "data_destination_description": "...",
     "payload": {"id": 1, "event_id": "...", "event_name": "...", "aggregate_id": "...", ...}}

and what it expects back, as JSON with status 200:

    {"result": {"success": {}}}
    {"result": {"error": {"policy": "keep_going", "class": "...", "description": "..."}}}
    {"result": {"error": {"policy": "must_retry", "class": "...", "description": "..."}}}

`keep_going` skips a record that can never be handled; `must_retry` has Ambar send it again
(records are ordered per `correlation_id` by `id`, and delivered at least once).

This endpoint checks the credentials (401 otherwise), and reacts to each event once: in one
database transaction it records `(event_id, reaction_name)` in the event store's
`event_store_idempotent_reaction` table and runs the reaction; a duplicate delivery finds
the row and answers success without reacting again; a reaction that raises rolls back and
answers `must_retry`. The database is any DB-API 2.0 connection with the `%s` parameter
style (psycopg in production and in the tests).

Run it as it is (`python ambar_endpoint.py`, with the variables the platform gives the
backend: `AMBAR_HTTP_*` and `EVENT_STORE_*`, and psycopg installed), or import `serve` with
your own reactions and `connect()`, as the tests do.
"""
import base64
import hmac
import http.server
import json
import threading

REACTIONS_TABLE = "event_store_idempotent_reaction"


def success():
    return {"result": {"success": {}}}


def error(policy, kind, description):
    return {"result": {"error": {"policy": policy, "class": kind, "description": description}}}


def authorized(header, username, password):
    """Whether an `Authorization` header carries these Basic credentials (constant time)."""
    if not header or not header.startswith("Basic "):
        return False
    try:
        given = base64.b64decode(header[6:], validate=True).decode()
    except ValueError:
        return False
    user, sep, secret = given.partition(":")
    expected_user, expected_secret = username.encode(), password.encode()
    ok_user = hmac.compare_digest(user.encode(), expected_user)
    ok_secret = hmac.compare_digest(secret.encode(), expected_secret)
    return bool(sep) and ok_user and ok_secret


def deliver(body, reaction_name, react, connect):
    """Handles one delivered record; returns Ambar's answer."""
    try:
        envelope = json.loads(body)
        payload = envelope["payload"]
        event_id = str(payload["event_id"])
    except (ValueError, KeyError, TypeError) as e:
        # Sending it again cannot help: skip it, and say why.
        return error("keep_going", "InvalidEnvelope", f"not an Ambar record: {type(e).__name__}")
    conn = connect()
    try:
        cur = conn.cursor()
        cur.execute(
            f"INSERT INTO {REACTIONS_TABLE} (event_id, reaction_name) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (event_id, reaction_name),
        )
        if cur.rowcount == 1:
            react(payload, conn)
        conn.commit()
        return success()
    except Exception as e:  # the reaction failed: nothing is recorded, Ambar sends it again
        conn.rollback()
        return error("must_retry", type(e).__name__, str(e)[:500])
    finally:
        conn.close()


def handler_class(username, password, reactions, connect):
    """A request handler: `reactions` maps a path to `react(payload, connection)`."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status, answer, extra=()):
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if not authorized(self.headers.get("Authorization"), username, password):
                self._answer(401, {"error": "unauthorized"}, [("WWW-Authenticate", 'Basic realm="ambar"')])
                return
            react = reactions.get(self.path)
            if react is None:
                self._answer(404, {"error": f"no reaction at {self.path}"})
                return
            self._answer(200, deliver(body, self.path, react, connect))

    return Handler


def serve(username, password, reactions, connect, host="127.0.0.1", port=0):
    """Starts the endpoint in a thread; returns the server (`server_address`, `shutdown()`)."""
    server = http.server.ThreadingHTTPServer((host, port), handler_class(username, password, reactions, connect))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    import os

    def record(payload, conn):
        print(json.dumps({"reacted": payload.get("event_name"), "aggregate": payload.get("aggregate_id")}))

    def connect():
        import psycopg  # any DB-API driver with the %s style; psycopg is the one the tests use

        return psycopg.connect(host=os.environ["EVENT_STORE_HOST"], port=os.environ.get("EVENT_STORE_PORT", "5432"),
                               dbname=os.environ["EVENT_STORE_DATABASE_NAME"], user=os.environ["EVENT_STORE_USER"],
                               password=os.environ["EVENT_STORE_PASSWORD"], sslmode="require")

    serve(os.environ["AMBAR_HTTP_USERNAME"], os.environ["AMBAR_HTTP_PASSWORD"],
          {"/projections/users": record, "/projections/orders": record}, connect,
          host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))
    threading.Event().wait()
