"""Custom resource `Custom::EventStoreSchema`: applies the event store's SQL.

The statements come from the stack (escdk generates them; `cargo run -- sql event-store`
prints the same). On Create and Update they run in order through the RDS Data API, as the
cluster's master user (its secret); every statement is idempotent, so an update (or a retry)
re-applies safely. On Delete nothing is dropped: the data stays with the cluster.

The replication user's password is read from its secret at run time; where the statements
say `:'replication_password'` goes its SCRAM-SHA-256 verifier (RFC 5802/7677, as PostgreSQL
stores it), computed here with a fresh salt, never the password: a statement logged by
PostgreSQL (DDL logging exported to CloudWatch) shows only the verifier. The password never
appears in the template, in the answer to CloudFormation or in a log: error messages are
scrubbed of it.

Rotation: the role's password is set on Create and Update only. The secret has no rotation
schedule; to change the password, put a new one in the secret and update the stack with a
new `PasswordVersion` (the construct's `replication_password_version`), which runs this again.

Indexes: on Update the table may hold events, and a plain CREATE INDEX blocks writes while it
builds. Update runs `CREATE INDEX CONCURRENTLY IF NOT EXISTS`: an index that exists costs
nothing and a missing one is built without blocking writes (the Data API runs each statement
on its own, outside a transaction, as CONCURRENTLY requires). Create, on an empty table, builds
them plainly. A concurrent build that failed (a timeout, a cancelled statement) leaves an
invalid index that `IF NOT EXISTS` would then skip forever: before each index statement, an
invalid index of that name is dropped (`DROP INDEX CONCURRENTLY`) so it is built again.

`handle` holds the logic with its dependencies passed in, so the tests run it against a real
PostgreSQL; `lambda_handler` wires the Data API and Secrets Manager.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import time
import unicodedata
import urllib.request

PLACEHOLDER = ":'replication_password'"
SCRAM_ITERATIONS = 4096
INDEX = re.compile(r"^CREATE (UNIQUE )?INDEX IF NOT EXISTS ")
INDEX_NAME = re.compile(r"^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?IF NOT EXISTS (\w+) ON ")


def scram_sha256_verifier(password: str, salt: bytes = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """PostgreSQL's stored form of a SCRAM-SHA-256 password:
    `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64)."""
    salt = os.urandom(16) if salt is None else salt
    # PostgreSQL normalizes with SASLprep; for the ASCII passwords Secrets Manager generates
    # that is the identity, and NFKC is its normalization step for the rest.
    normalized = unicodedata.normalize("NFKC", password).encode()
    salted = hashlib.pbkdf2_hmac("sha256", normalized, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda b: base64.b64encode(b).decode()
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def concurrently(sql: str) -> str:
    """An index statement that does not block writes while it builds."""
    return INDEX.sub(lambda m: f"CREATE {m.group(1) or ''}INDEX CONCURRENTLY IF NOT EXISTS ", sql)


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def render(statements, password: str, update: bool = False):
    """The statements to run: the password's verifier in place of the placeholder, indexes
    built concurrently on update."""
    verifier = literal(scram_sha256_verifier(password)) if any(PLACEHOLDER in s for s in statements) else ""
    out = [s.replace(PLACEHOLDER, verifier) for s in statements]
    return [concurrently(s) for s in out] if update else out


# Errors of the Data API that pass: the writer is starting, resuming or failing over.
TRANSIENT = ("DatabaseResumingException", "ServiceUnavailableError", "InternalServerErrorException",
             "Communications link failure", "is not available", "is resuming", "ThrottlingException")


def transient(error: Exception) -> bool:
    text = f"{type(error).__name__} {getattr(error, 'response', {}) or ''} {error}"
    return any(t in text for t in TRANSIENT)


def invalid_index_check(name: str) -> str:
    """A query answering one row when the index `name` (found through the search path)
    exists but is invalid, as a failed concurrent build leaves it."""
    return f"SELECT 1 FROM pg_index WHERE indexrelid = to_regclass({literal(name)}) AND NOT indisvalid"


def apply(execute, statements, password: str, deadline=None, sleep=time.sleep, now=time.monotonic, update=False) -> int:
    """Runs the statements in order with `execute(sql)` (which returns the rows a statement
    answers); returns how many ran. A transient error is retried with backoff until
    `deadline` (a `now()` value); any other error stops. An invalid index is dropped before
    the statement that builds it."""

    def run(sql):
        delay = 1.0
        while True:
            try:
                return execute(sql)
            except Exception as e:
                if not transient(e) or deadline is None or now() + delay > deadline:
                    raise
                print(json.dumps({"retry": type(e).__name__, "after": delay}))
                sleep(delay)
                delay = min(delay * 2, 20.0)

    rendered = render(statements, password, update)
    for sql in rendered:
        index = INDEX_NAME.match(sql)
        if index and run(invalid_index_check(index.group(1))):
            print(json.dumps({"rebuild_invalid_index": index.group(1)}))
            run(f"DROP INDEX CONCURRENTLY IF EXISTS {index.group(1)}")
        run(sql)
    return len(rendered)


def scrub(message: str, secret: str) -> str:
    return message.replace(secret, "****") if secret else message


def handle(event, make_executor, read_password, deadline=None, sleep=time.sleep):
    """Returns (status, reason, physical id, data) for a CloudFormation request."""
    props = event.get("ResourceProperties", {})
    physical = event.get("PhysicalResourceId") or f"event-store-schema-{props.get('Database', 'db')}"
    request = event.get("RequestType")
    if request == "Delete":
        return "SUCCESS", "the schema and its data are left in place", physical, {}
    password = ""
    try:
        statements = props["Statements"]
        password = read_password(props["ReplicationSecretArn"])
        count = apply(make_executor(props), statements, password, deadline=deadline, sleep=sleep, update=request == "Update")
        return "SUCCESS", f"{count} statements applied", physical, {"Statements": str(count)}
    except Exception as e:  # every failure is reported to CloudFormation, never hangs it
        return "FAILED", scrub(f"{type(e).__name__}: {e}", password)[:2000], physical, {}


def respond(event, status, reason, physical, data, opener=urllib.request.urlopen):
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason,
            "PhysicalResourceId": physical,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "NoEcho": False,
            "Data": data,
        }
    ).encode()
    request = urllib.request.Request(
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))}
    )
    with opener(request, timeout=30) as answer:
        return answer.status


def rows(answer):
    """The rows of a Data API ExecuteStatement answer: each field is one
    `{"<type>Value": value}`, or `{"isNull": true}`."""
    return [
        [None if field.get("isNull") else next(iter(field.values())) for field in record]
        for record in answer.get("records", [])
    ]


def data_api_executor(props):
    import boto3

    client = boto3.client("rds-data")

    def execute(sql):
        answer = client.execute_statement(
            resourceArn=props["ClusterArn"], secretArn=props["SecretArn"], database=props["Database"], sql=sql
        )
        return rows(answer)

    return execute


def secret_password(arn):
    import boto3

    value = boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    return json.loads(value)["password"]


def lambda_handler(event, context):
    # Retries stop 30 seconds before Lambda's time is up, so CloudFormation always gets an answer.
    left = context.get_remaining_time_in_millis() / 1000.0 if context else 300.0
    deadline = time.monotonic() + max(1.0, left - 30.0)
    status, reason, physical, data = handle(event, data_api_executor, secret_password, deadline=deadline)
    print(json.dumps({"RequestType": event.get("RequestType"), "Status": status, "Reason": reason}))
    respond(event, status, reason, physical, data)
