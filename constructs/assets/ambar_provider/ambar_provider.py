"""Custom resources `Custom::AmbarDataSource`, `Custom::AmbarFilter` and
`Custom::AmbarDestination`: Ambar's management API, driven by CloudFormation.

The stack gives the ARNs of the secrets; the values (the API key, the replication user's and
the HTTP Basic credentials) are read from Secrets Manager here, at run time. None of them is
ever logged or put in a reason: every message is scrubbed of them before it leaves.

Replacement follows Ambar's API. A change Ambar cannot make in place creates a new resource
and answers its id: CloudFormation then deletes the old one after the update, so nothing
streams without its destination meanwhile. The physical id is Ambar's `AMBAR-…` id.

Every wait is bounded by the time Lambda has left (less a margin), so CloudFormation always
gets an answer: `READY`, Ambar's message when a resource is `FAILED`, or how long it waited.
A 404 on delete is a deletion done; a 500 is retried with backoff.

`handle` holds the logic with its dependencies passed in, so the tests drive it against a
stand-in of Ambar's API and a real PostgreSQL; `lambda_handler` wires HTTPS and Secrets
Manager. `AMBAR_API_URL` overrides `https://<ApiHost>` (a local stand-in or a proxy).
"""
import base64
import json
import os
import time
import urllib.error
import urllib.request

POLL_SECONDS = 5.0
MARGIN_SECONDS = 30.0
BACKOFF_SECONDS = 1.0
REQUEST_TIMEOUT = 30

PATHS = {"Custom::AmbarDataSource": "/source", "Custom::AmbarFilter": "/filter", "Custom::AmbarDestination": "/destination"}
# Data source config keys Ambar changes in place (`PUT /source`); any other key replaces.
IN_PLACE_CONFIG = {"hostname": "hostname", "hostPort": "port", "tlsTerminationOverrideHost": "tlsTerminationOverrideHost"}


class Failed(Exception):
    """A request that cannot succeed; the message becomes CloudFormation's reason."""


class AmbarError(Failed):
    def __init__(self, status, kind, message):
        super().__init__(f"Ambar answered {status} {kind}: {message}")
        self.status, self.kind = status, kind


class Clock:
    def __init__(self, deadline, now=time.monotonic, sleep=time.sleep):
        self.deadline, self.now, self.sleep = deadline, now, sleep

    def left(self):
        return self.deadline - self.now()

    def wait(self, seconds):
        self.sleep(max(0.0, min(seconds, self.left())))


class Api:
    """Ambar's management API: JSON in and out, `x-api-key`, describe and delete with a body."""

    def __init__(self, base_url, key, clock, opener=urllib.request.urlopen):
        self.base_url, self.key, self.clock, self.opener = base_url.rstrip("/"), key, clock, opener

    def call(self, method, path, body):
        delay = BACKOFF_SECONDS
        while True:
            status, answer = self._once(method, path, body)
            if status < 400:
                return answer
            kind, message = _error(answer)
            if status >= 500 and self.clock.left() > delay:
                print(json.dumps({"retry": f"{method} {path}", "status": status, "after": delay}))
                self.clock.wait(delay)
                delay = min(delay * 2, 30.0)
                continue
            raise AmbarError(status, kind, message)

    def _once(self, method, path, body):
        data = json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"x-api-key": self.key, "Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with self.opener(request, timeout=REQUEST_TIMEOUT) as answer:
                return answer.status, _json(answer.read())
        except urllib.error.HTTPError as e:
            return e.code, _json(e.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            return 599, {"ConnectionError": str(getattr(e, "reason", e))}

    def describe(self, path, resource_id):
        """The resource, or None once it is gone (404)."""
        try:
            return self.call("GET", path, {"resourceId": resource_id})
        except AmbarError as e:
            if e.status == 404:
                return None
            raise

    def wait_ready(self, path, resource_id, what):
        state = None
        while True:
            found = self.describe(path, resource_id)
            if found is None:
                raise Failed(f"{what} {resource_id} disappeared while waiting for READY")
            state = found.get("state")
            if state == "READY":
                return found
            if state == "FAILED":
                raise Failed(f"{what} {resource_id} is FAILED: {_state_message(found)}")
            if self.clock.left() <= POLL_SECONDS:
                raise Failed(f"{what} {resource_id} did not become READY in time (last state {state}); the request was bounded by the provider's timeout")
            self.clock.wait(POLL_SECONDS)

    def delete(self, path, resource_id, what):
        try:
            self.call("DELETE", path, {"resourceId": resource_id})
        except AmbarError as e:
            if e.status == 404:
                return
            raise
        while self.describe(path, resource_id) is not None:
            if self.clock.left() <= POLL_SECONDS:
                raise Failed(f"{what} {resource_id} was still being deleted when the provider's time ran out")
            self.clock.wait(POLL_SECONDS)


def _json(raw):
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"UnreadableAnswer": raw[:200].decode("utf-8", "replace")}


def _error(answer):
    if isinstance(answer, dict) and len(answer) == 1:
        kind, message = next(iter(answer.items()))
        return kind, message if isinstance(message, str) else json.dumps(message)
    return "Error", json.dumps(answer)[:500]


def _state_message(found):
    for key in ("stateReason", "stateMessage", "failureReason", "message", "errorMessage"):
        if found.get(key):
            return str(found[key])
    return "Ambar gave no reason"


class Secrets:
    """Secret values by ARN, read once each; every value read is scrubbed from messages."""

    def __init__(self, read):
        self.read, self.values, self.cache = read, [], {}

    def string(self, arn):
        if arn not in self.cache:
            value = self.read(arn)
            if value is None:
                return None
            self.cache[arn] = value
            self.values.append(value)
            try:
                parsed = json.loads(value)
                if isinstance(parsed, dict):
                    self.values.extend(str(v) for v in parsed.values() if v)
            except ValueError:
                pass
        return self.cache[arn]

    def key(self, arn, key):
        value = self.string(arn)
        if value is None:
            raise Failed(f"secret {arn} holds no value")
        try:
            return str(json.loads(value)[key])
        except (ValueError, KeyError, TypeError):
            raise Failed(f"secret {arn} has no JSON key `{key}`") from None

    def api_key(self, arn, clock):
        """The API key; waits (bounded) for a secret the stack created and the user fills."""
        told = False
        while True:
            value = self.string(arn)
            if value is not None and value.strip():
                self.values.append(value.strip())
                return value.strip()
            if clock.left() <= 2 * POLL_SECONDS:
                raise Failed(
                    f"the Ambar API key secret {arn} holds no key: put it with "
                    f"`aws secretsmanager put-secret-value --secret-id {arn} --secret-string <key>` and deploy again"
                )
            if not told:
                print(json.dumps({"waiting": f"for the Ambar API key in secret {arn}"}))
                told = True
            self.cache.pop(arn, None)
            clock.wait(POLL_SECONDS)

    def scrub(self, message):
        for value in sorted(set(self.values), key=len, reverse=True):
            if len(value) >= 4:
                message = message.replace(value, "****")
        return message


def _data_source_body(props, secrets):
    config = {k: str(v) for k, v in props["Config"].items()}
    arn = props["CredentialsSecretArn"]
    config["username"] = secrets.key(arn, "username")
    config["password"] = secrets.key(arn, "password")
    return {"dataSourceType": props["DataSourceType"], "description": props["Description"], "dataSourceConfig": config}


def _destination_credentials(props, secrets):
    return {
        "username": secrets.key(props["UsernameSecretArn"], "username"),
        "password": secrets.key(props["PasswordSecretArn"], "password"),
    }


def _create(kind, props, api, secrets):
    path = PATHS[kind]
    if kind == "Custom::AmbarDataSource":
        body = _data_source_body(props, secrets)
    elif kind == "Custom::AmbarFilter":
        body = {
            "dataSourceId": props["DataSourceId"],
            "description": props["Description"],
            "filterContents": base64.b64encode(props["Filter"].encode()).decode(),
        }
    else:
        body = {
            "destinationEndpoint": props["Endpoint"],
            "description": props["Description"],
            "filterIds": list(props["FilterIds"]),
            **_destination_credentials(props, secrets),
        }
    resource_id = api.call("POST", path, body)["resourceId"]
    try:
        api.wait_ready(path, resource_id, kind)
    except Failed:
        # Nothing is left behind by a create that failed.
        try:
            api.delete(path, resource_id, kind)
        except Failed as e:
            print(json.dumps({"cleanup": f"{kind} {resource_id}", "error": secrets.scrub(str(e))}))
        raise
    return resource_id


def _replaces(kind, old, new):
    """Whether Ambar cannot apply the change in place."""
    if any(old.get(k) != new.get(k) for k in ("ApiHost", "ApiKeySecretArn", "Description")):
        return True
    if kind == "Custom::AmbarDataSource":
        if old.get("DataSourceType") != new.get("DataSourceType"):
            return True
        a, b = old.get("Config", {}), new.get("Config", {})
        return any(a.get(k) != b.get(k) for k in set(a) | set(b) if k not in IN_PLACE_CONFIG)
    if kind == "Custom::AmbarFilter":
        return any(old.get(k) != new.get(k) for k in ("DataSourceId", "Filter"))
    return old.get("DataSourceId") != new.get("DataSourceId") or len(old.get("FilterIds", [])) != len(new.get("FilterIds", []))


def _update(kind, physical, old, new, api, secrets):
    if _replaces(kind, old, new):
        return _create(kind, new, api, secrets), "replaced"
    path, changed = PATHS[kind], []
    if kind == "Custom::AmbarDataSource":
        a, b = old.get("Config", {}), new["Config"]
        moved = {IN_PLACE_CONFIG[k]: str(b[k]) for k in IN_PLACE_CONFIG if a.get(k) != b.get(k) and k in b}
        if moved:
            api.call("PUT", path, {"resourceId": physical, **moved})
            api.wait_ready(path, physical, kind)
            changed.append("connection")
        if old.get("CredentialsSecretArn") != new["CredentialsSecretArn"]:
            arn = new["CredentialsSecretArn"]
            api.call("PATCH", path, {"resourceId": physical, "username": secrets.key(arn, "username"), "password": secrets.key(arn, "password")})
            api.wait_ready(path, physical, kind)
            changed.append("credentials")
    elif kind == "Custom::AmbarDestination":
        put = {}
        if old.get("Endpoint") != new["Endpoint"]:
            put["destinationEndpoint"] = new["Endpoint"]
        if old.get("FilterIds") != new["FilterIds"]:
            put["filterIds"] = list(new["FilterIds"])
        if put:
            api.call("PUT", path, {"resourceId": physical, **put})
            api.wait_ready(path, physical, kind)
            changed.append("endpoint or filters")
        if (old.get("UsernameSecretArn"), old.get("PasswordSecretArn")) != (new["UsernameSecretArn"], new["PasswordSecretArn"]):
            api.call("PATCH", path, {"resourceId": physical, **_destination_credentials(new, secrets)})
            api.wait_ready(path, physical, kind)
            changed.append("credentials")
    return physical, "updated in place: " + (", ".join(changed) or "nothing Ambar holds changed")


def handle(event, make_api, read_secret, clock):
    """Returns (status, reason, physical id, data) for a CloudFormation request.

    `make_api(host, key, clock)` gives an `Api`; `read_secret(arn)` a secret's string, or
    None when the secret has no value yet."""
    kind = event.get("ResourceType", "")
    request = event.get("RequestType")
    props = event.get("ResourceProperties", {})
    physical = event.get("PhysicalResourceId") or ""
    secrets = Secrets(read_secret)
    try:
        if kind not in PATHS:
            raise Failed(f"this provider does not handle {kind}")
        if request == "Delete":
            if not physical.startswith("AMBAR-"):
                return "SUCCESS", "nothing was created", physical or "none", {}
            api = make_api(props["ApiHost"], secrets.api_key(props["ApiKeySecretArn"], clock), clock)
            api.delete(PATHS[kind], physical, kind)
            return "SUCCESS", f"deleted {physical}", physical, {}
        api = make_api(props["ApiHost"], secrets.api_key(props["ApiKeySecretArn"], clock), clock)
        if request == "Create":
            physical = _create(kind, props, api, secrets)
            return "SUCCESS", f"created {physical}", physical, {"ResourceId": physical}
        if request == "Update":
            new_id, what = _update(kind, physical, event.get("OldResourceProperties", {}), props, api, secrets)
            return "SUCCESS", f"{new_id} {what}", new_id, {"ResourceId": new_id}
        raise Failed(f"unknown request type {request}")
    except Exception as e:  # every failure is reported to CloudFormation, never hangs it
        reason = str(e) if isinstance(e, Failed) else f"{type(e).__name__}: {e}"
        fallback = physical or f"failed-{event.get('LogicalResourceId', 'resource')}"
        return "FAILED", secrets.scrub(reason)[:1000], fallback, {}


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


def secrets_manager_reader():
    import boto3
    from botocore.exceptions import ClientError

    client = boto3.client("secretsmanager")

    def read(arn):
        try:
            return client.get_secret_value(SecretId=arn)["SecretString"]
        except ClientError as e:
            error = e.response.get("Error", {})
            if error.get("Code") == "ResourceNotFoundException" and "secret value" in error.get("Message", ""):
                return None  # the secret exists and has no value yet
            raise

    return read


def https_api(host, key, clock):
    return Api(os.environ.get("AMBAR_API_URL") or f"https://{host}", key, clock)


def lambda_handler(event, context):
    left = context.get_remaining_time_in_millis() / 1000.0 if context else 900.0
    clock = Clock(time.monotonic() + max(1.0, left - MARGIN_SECONDS))
    try:
        status, reason, physical, data = handle(event, https_api, secrets_manager_reader(), clock)
    except BaseException as e:  # answer CloudFormation even when the handler itself breaks
        status, reason, physical, data = "FAILED", f"provider error: {type(e).__name__}", event.get("PhysicalResourceId") or "none", {}
    print(json.dumps({"RequestType": event.get("RequestType"), "ResourceType": event.get("ResourceType"),
                      "LogicalResourceId": event.get("LogicalResourceId"), "Status": status, "Reason": reason}))
    respond(event, status, reason, physical, data)
