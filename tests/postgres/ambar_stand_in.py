"""A local stand-in of Ambar's management API (../shared/reference/ambar.md), on 127.0.0.1.

What it keeps of Ambar's documented contract: `x-api-key`; JSON in and out; `POST/GET/PUT/
PATCH/DELETE` on `/source`, `/filter`, `/destination`, describe and delete with a JSON body;
`GET /resource`; ids `AMBAR-` + 10 digits; states `CREATING` → `READY`, `UPDATING` → `READY`
after an update, `DELETING` → 404; single-key error bodies with 400/404/500; every
`dataSourceConfig` value a string; credentials never returned.

Its data source really connects to PostgreSQL with the credentials it is given and checks
that the table, the columns and the publication exist and that the user may stream; it is
`FAILED` (with the reason in `stateReason`, a name of ours: Ambar's is not documented) when
not. It refuses to delete a data source that still has filters, or a filter a destination
still uses, so the order of deletes is tested too.

Knobs for the tests: `faults` (answer a status for the next calls of a method and path),
`never_ready`, `settle_after` (describes before a resource leaves its intermediate state).
"""
import base64
import http.server
import itertools
import json
import threading

import psycopg

REQUIRED_SOURCE_KEYS = ["hostname", "hostPort", "username", "password", "databaseName", "tableName",
                        "publicationName", "partitioningColumn", "serialColumn", "columns"]
SECRET_FIELDS = {"username", "password"}


class Refused(Exception):
    def __init__(self, status, kind, message):
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def check_postgres(config):
    """None when Ambar could stream from this database, else why not."""
    try:
        conn = psycopg.connect(host=config["hostname"], port=int(config["hostPort"]), user=config["username"],
                               password=config["password"], dbname=config["databaseName"], connect_timeout=5)
    except Exception as e:
        return f"cannot connect to {config['hostname']}:{config['hostPort']} as {config['username']}: {str(e).strip()}"
    with conn:
        table = config["tableName"]
        columns = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]).fetchall()}
        if not columns:
            return f"table {table} does not exist or is not visible to {config['username']}"
        wanted = [c.strip() for c in config["columns"].split(",")]
        missing = [c for c in wanted if c not in columns]
        if missing:
            return f"table {table} has no column(s) {', '.join(missing)}"
        for key in ("partitioningColumn", "serialColumn"):
            if config[key] not in wanted:
                return f"{key} {config[key]} is not among the columns"
        if not conn.execute("SELECT 1 FROM pg_publication_tables WHERE pubname = %s AND tablename = %s",
                            [config["publicationName"], table]).fetchone():
            return f"publication {config['publicationName']} does not exist or does not publish {table}"
        role = conn.execute("SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        if not role or not role[0]:
            return f"{config['username']} may not replicate"
        if not conn.execute("SELECT has_table_privilege(%s, 'SELECT')", [table]).fetchone()[0]:
            return f"{config['username']} may not read {table}"
    return None


class StandIn:
    def __init__(self, api_key, settle_after=1):
        self.api_key = api_key
        self.settle_after = settle_after
        self.never_ready = False
        self.resources = {}
        self.faults = []  # [method, path, status, remaining]
        self.calls = []  # (method, path, body keys)
        self._ids = itertools.count(1000000001)
        self._lock = threading.Lock()
        self.server = None

    # --- the server
    def start(self):
        stand = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, answer = stand.dispatch(self.command, self.path, self.headers.get("x-api-key"), raw)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def fail(self, method, path, status, times=1):
        self.faults.append([method, path, status, times])

    def of_kind(self, kind):
        return {rid: r for rid, r in self.resources.items() if r["kind"] == kind}

    # --- the API
    def dispatch(self, method, path, key, raw):
        with self._lock:
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return 400, {"InvalidParameterException": "the body is not JSON"}
            self.calls.append((method, path, sorted(body) if isinstance(body, dict) else []))
            if key != self.api_key:
                # Echoes what it was given, as some APIs do: the provider must scrub it.
                return 403, {"AccessDeniedException": f"x-api-key {key!r} is not a key of this environment"}
            for fault in self.faults:
                if fault[0] == method and fault[1] == path and fault[3] > 0:
                    fault[3] -= 1
                    return fault[2], {"AmbarServiceException": "internal error, retry later"}
            try:
                return self._route(method, path, body)
            except Refused as r:
                return r.status, {r.kind: r.message}

    def _route(self, method, path, body):
        kinds = {"/source": "source", "/filter": "filter", "/destination": "destination"}
        if path == "/resource" and method == "GET":
            kind = body.get("resourceType")
            return 200, {"resources": [self._public(rid) for rid, r in self.resources.items() if kind in (None, r["kind"])]}
        if path not in kinds:
            raise Refused(404, "ResourceNotFoundException", f"no such path {path}")
        kind = kinds[path]
        if method == "POST":
            return 200, getattr(self, f"_create_{kind}")(body)
        rid = body.get("resourceId")
        r = self.resources.get(rid)
        if r is None or r["kind"] != kind:
            raise Refused(404, "ResourceNotFoundException", f"{kind} {rid} does not exist")
        if method == "GET":
            return 200, self._describe(rid)
        if r["state"] in ("CREATING", "UPDATING", "DELETING"):
            raise Refused(400, "ResourceInvalidStateException", f"{rid} is {r['state']}")
        if method == "DELETE":
            self._check_unused(rid)
            r["state"], r["pending"] = "DELETING", self.settle_after
            return 200, {"resourceId": rid, "state": r["state"]}
        if method in ("PUT", "PATCH"):
            getattr(self, f"_{method.lower()}_{kind}")(r, body)
            r["state"], r["pending"] = "UPDATING", self.settle_after
            return 200, {"resourceId": rid, "state": r["state"]}
        raise Refused(400, "InvalidParameterException", f"{method} is not an operation on {path}")

    def _new(self, kind, fields, outcome=None):
        rid = f"AMBAR-{next(self._ids)}"
        self.resources[rid] = {"kind": kind, "fields": fields, "state": "CREATING", "pending": self.settle_after,
                               "outcome": outcome, "createdAt": "2026-11-23T00:00:00Z"}
        return {"resourceId": rid, "state": "CREATING"}

    def _describe(self, rid):
        r = self.resources[rid]
        if r["state"] in ("CREATING", "UPDATING", "DELETING") and not self.never_ready:
            r["pending"] -= 1
            if r["pending"] < 0:
                if r["state"] == "DELETING":
                    del self.resources[rid]
                    raise Refused(404, "ResourceNotFoundException", f"{rid} does not exist")
                r["state"] = "FAILED" if r["outcome"] else "READY"
        return self._public(rid)

    def _public(self, rid):
        r = self.resources[rid]
        fields = {k: v for k, v in r["fields"].items() if k not in SECRET_FIELDS}
        if "dataSourceConfig" in fields:
            fields["dataSourceConfig"] = {k: v for k, v in fields["dataSourceConfig"].items() if k not in SECRET_FIELDS}
        out = {"resourceId": rid, "resourceType": r["kind"], "state": r["state"], "createdAt": r["createdAt"], **fields}
        if r["state"] == "FAILED":
            out["stateReason"] = r["outcome"]
        return out

    def _check_unused(self, rid):
        for other_id, o in self.resources.items():
            f = o["fields"]
            if f.get("dataSourceId") == rid or rid in f.get("filterIds", []):
                raise Refused(400, "ResourceInvalidStateException", f"{rid} is still used by {other_id}")

    def _need(self, body, keys):
        for k in keys:
            if not isinstance(body.get(k), str) or not body[k]:
                raise Refused(400, "InvalidParameterException", f"{k} is required and must be a non-empty string")

    # --- data sources
    def _create_source(self, body):
        self._need(body, ["dataSourceType", "description"])
        if body["dataSourceType"] != "postgres":
            raise Refused(400, "InvalidParameterException", "dataSourceType must be postgres")
        config = body.get("dataSourceConfig")
        if not isinstance(config, dict):
            raise Refused(400, "InvalidParameterException", "dataSourceConfig is required")
        bad = [k for k, v in config.items() if not isinstance(v, str)]
        if bad:
            raise Refused(400, "InvalidParameterException", f"dataSourceConfig values must be strings: {', '.join(sorted(bad))}")
        self._need(config, REQUIRED_SOURCE_KEYS)
        return self._new("source", {"dataSourceType": "postgres", "description": body["description"],
                                    "dataSourceConfig": dict(config)}, check_postgres(config))

    def _put_source(self, r, body):
        config = r["fields"]["dataSourceConfig"]
        for key, target in (("hostname", "hostname"), ("port", "hostPort"), ("tlsTerminationOverrideHost", "tlsTerminationOverrideHost")):
            if key in body:
                if not isinstance(body[key], str):
                    raise Refused(400, "InvalidParameterException", f"{key} must be a string")
                config[target] = body[key]
        r["outcome"] = check_postgres(config)

    def _patch_source(self, r, body):
        self._need(body, ["username", "password"])
        config = r["fields"]["dataSourceConfig"]
        config["username"], config["password"] = body["username"], body["password"]
        r["outcome"] = check_postgres(config)

    # --- filters
    def _create_filter(self, body):
        self._need(body, ["dataSourceId", "description", "filterContents"])
        source = self.resources.get(body["dataSourceId"])
        if source is None or source["kind"] != "source":
            raise Refused(404, "ResourceNotFoundException", f"data source {body['dataSourceId']} does not exist")
        try:
            text = base64.b64decode(body["filterContents"], validate=True).decode()
        except ValueError:
            raise Refused(400, "InvalidFilterException", "filterContents is not base64") from None
        if not text.strip():
            raise Refused(400, "InvalidFilterException", "the filter is empty")
        return self._new("filter", {"dataSourceId": body["dataSourceId"], "description": body["description"],
                                    "filterContents": body["filterContents"]})

    # --- destinations
    def _filters_of_one_source(self, ids):
        if not isinstance(ids, list) or not ids:
            raise Refused(400, "InvalidParameterException", "filterIds must be a non-empty list")
        sources = set()
        for fid in ids:
            f = self.resources.get(fid)
            if f is None or f["kind"] != "filter":
                raise Refused(404, "ResourceNotFoundException", f"filter {fid} does not exist")
            sources.add(f["fields"]["dataSourceId"])
        return sources

    def _create_destination(self, body):
        self._need(body, ["destinationEndpoint", "description", "username", "password"])
        if not body["destinationEndpoint"].startswith("https://"):
            raise Refused(400, "InvalidParameterException", "destinationEndpoint must be an https:// URL")
        self._filters_of_one_source(body.get("filterIds"))
        return self._new("destination", {k: body[k] for k in ("destinationEndpoint", "description", "filterIds", "username", "password")})

    def _put_destination(self, r, body):
        if "destinationEndpoint" in body:
            if not str(body["destinationEndpoint"]).startswith("https://"):
                raise Refused(400, "InvalidParameterException", "destinationEndpoint must be an https:// URL")
            r["fields"]["destinationEndpoint"] = body["destinationEndpoint"]
        if "filterIds" in body:
            if len(body["filterIds"]) != len(r["fields"]["filterIds"]):
                raise Refused(400, "InvalidParameterException", "an update keeps the number of filters")
            if self._filters_of_one_source(body["filterIds"]) != self._filters_of_one_source(r["fields"]["filterIds"]):
                raise Refused(400, "InvalidParameterException", "an update keeps the filters' data source")
            r["fields"]["filterIds"] = body["filterIds"]

    def _patch_destination(self, r, body):
        self._need(body, ["username", "password"])
        r["fields"]["username"], r["fields"]["password"] = body["username"], body["password"]
