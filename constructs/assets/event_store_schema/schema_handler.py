"""Custom resource `Custom::EventStoreSchema`: applies the event store's SQL.

The statements come from the stack (escdk generates them; `cargo run -- sql event-store`
prints the same). On Create and Update they run in order through the RDS Data API, as the
cluster's master user (its secret); every statement is idempotent, so an update (or a retry)
re-applies safely. On Delete nothing is dropped: the data stays with the cluster.

The replication user's password is read from its secret at run time and put where the
statements say `:'replication_password'`. It never appears in the template, in the answer to
CloudFormation or in a log: error messages are scrubbed of it.

`handle` holds the logic with its dependencies passed in, so the tests run it against a real
PostgreSQL; `lambda_handler` wires the Data API and Secrets Manager.
"""
import json
import time
import urllib.request

PLACEHOLDER = ":'replication_password'"


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def render(statements, password: str):
    return [s.replace(PLACEHOLDER, literal(password)) for s in statements]


# Errors of the Data API that pass: the writer is starting, resuming or failing over.
TRANSIENT = ("DatabaseResumingException", "ServiceUnavailableError", "InternalServerErrorException",
             "Communications link failure", "is not available", "is resuming", "ThrottlingException")


def transient(error: Exception) -> bool:
    text = f"{type(error).__name__} {getattr(error, 'response', {}) or ''} {error}"
    return any(t in text for t in TRANSIENT)


def apply(execute, statements, password: str, deadline=None, sleep=time.sleep, now=time.monotonic) -> int:
    """Runs the statements in order with `execute(sql)`; returns how many ran. A transient
    error is retried with backoff until `deadline` (a `now()` value); any other error stops."""
    rendered = render(statements, password)
    for sql in rendered:
        delay = 1.0
        while True:
            try:
                execute(sql)
                break
            except Exception as e:
                if not transient(e) or deadline is None or now() + delay > deadline:
                    raise
                print(json.dumps({"retry": type(e).__name__, "after": delay}))
                sleep(delay)
                delay = min(delay * 2, 20.0)
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
        count = apply(make_executor(props), statements, password, deadline=deadline, sleep=sleep)
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


def data_api_executor(props):
    import boto3

    client = boto3.client("rds-data")

    def execute(sql):
        client.execute_statement(
            resourceArn=props["ClusterArn"], secretArn=props["SecretArn"], database=props["Database"], sql=sql
        )

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
