"""A reference projection for the platform's `/projections/users` endpoint: Ambar's delivery
envelope in, the `users` read model in the MongoDB projection store out.

Each record is an `event_store` row (`payload`): `event_name`, `aggregate_id`,
`aggregate_version`, `json_payload`, ... The projection keeps one document per user,
`{_id: aggregate_id, version: <last applied aggregate_version>, ...fields}`, and applies an
event only when it is the next version of that user:

- version ≤ the stored one: a duplicate or an old delivery; answered `success`, nothing changes;
- version = stored + 1 (or 1 for a new user): applied in one conditional write, so two
  deliveries of the same event can never both apply;
- version > stored + 1: an earlier event is still to come (Ambar orders by
  `correlation_id`, not by aggregate); answered `must_retry` so Ambar sends it again later.

It reads its connection from the variables the `ProjectionStore` construct gives the
services (`MONGODB_PROJECTION_*`); see `connection_uri`.
"""
import json
import urllib.parse

from pymongo.errors import DuplicateKeyError

SUCCESS = {"result": {"success": {}}}


def retry(kind, description):
    return {"result": {"error": {"policy": "must_retry", "class": kind, "description": description}}}


def skip(kind, description):
    return {"result": {"error": {"policy": "keep_going", "class": kind, "description": description}}}


def connection_uri(env, srv=True, host_override=None):
    """The MongoDB URI from the construct's variables: `mongodb+srv://` on Atlas; a plain
    `mongodb://host:port` where SRV cannot resolve (a local server)."""
    user = urllib.parse.quote_plus(env["MONGODB_PROJECTION_DATABASE_USERNAME"])
    password = urllib.parse.quote_plus(env["MONGODB_PROJECTION_DATABASE_PASSWORD"])
    database = env["MONGODB_PROJECTION_DATABASE_NAME"]
    auth = env["MONGODB_PROJECTION_AUTHENTICATION_DATABASE"]
    if srv:
        return f"mongodb+srv://{user}:{password}@{env['MONGODB_PROJECTION_HOST']}/{database}?authSource={auth}&tls=true"
    host = host_override or env["MONGODB_PROJECTION_HOST"]
    return f"mongodb://{user}:{password}@{host}:{env['MONGODB_PROJECTION_PORT']}/{database}?authSource={auth}&directConnection=true"


def ensure_indexes(db):
    db.users.create_index("email")


def apply(db, envelope):
    """Applies one delivered record; returns Ambar's answer."""
    try:
        row = envelope["payload"]
        user_id = str(row["aggregate_id"])
        version = int(row["aggregate_version"])
        name = str(row["event_name"])
        fields = json.loads(row["json_payload"]) if row.get("json_payload") else {}
        if not isinstance(fields, dict):
            raise ValueError("json_payload is not an object")
    except (KeyError, TypeError, ValueError) as e:
        return skip("InvalidRecord", f"not an event_store row: {type(e).__name__}: {e}")
    fields = {k: v for k, v in fields.items() if k not in ("_id", "version") and not k.startswith("$")}
    changes = {"version": version, "last_event": name, **fields}
    if version == 1:
        try:
            db.users.insert_one({"_id": user_id, **changes})
        except DuplicateKeyError:
            pass  # already applied
        return SUCCESS
    applied = db.users.update_one({"_id": user_id, "version": version - 1}, {"$set": changes})
    if applied.matched_count == 1:
        return SUCCESS
    current = db.users.find_one({"_id": user_id}, {"version": 1})
    if current is not None and current["version"] >= version:
        return SUCCESS  # a duplicate or an old delivery
    stored = current["version"] if current else 0
    return retry("OutOfOrder", f"user {user_id} is at version {stored}; {version} waits for {stored + 1}")
