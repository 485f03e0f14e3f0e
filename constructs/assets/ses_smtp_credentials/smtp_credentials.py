"""Custom resource `Custom::SesSmtpCredentials`: SMTP credentials for Amazon SES, kept in a
Secrets Manager secret.

CloudFormation cannot derive an SES SMTP password, so this handler does, with AWS's
documented algorithm (`smtp_password`). On create it makes an access key for the IAM user
(whose only permission is to send from the stack's identity), derives the password for the
region, and writes `{"username": <access key id>, "password": <SMTP password>}` to the
secret. The physical id is the access key's id, never the secret part.

- Update: a change of user, secret, region or `Rotation` makes a new key and answers its id;
  CloudFormation then deletes the old key (a Delete request with the old id). Any other
  update keeps the key.
- Delete: deletes the key; a key that is already gone is a deletion done. A create that
  failed answers a physical id that is not a key (`failed-…`), whose delete does nothing.
- Rollback: when an update that replaced the key is rolled back, CloudFormation goes back to
  the old key and deletes the new one. The secret then still holds the new key, so a delete
  of the key the secret holds puts back the secret's previous version (`AWSPREVIOUS`) when
  that version's key still exists.
- If writing the secret fails after the key was made, the key is deleted before answering,
  so a failed create leaves no key behind.

The secret access key and the password are never logged, returned as data, or put in a
reason. Standard library only, plus the boto3 that Lambda's Python runtime ships.
`handle` takes its clients as arguments, so the tests drive it against moto's IAM and
Secrets Manager.
"""
import base64
import hashlib
import hmac
import json
import urllib.request

# The constants of SES's SMTP password derivation (version 4).
DATE = "11111111"
SERVICE = "ses"
MESSAGE = "SendRawEmail"
TERMINAL = "aws4_request"
VERSION = b"\x04"

FAILED_PREFIX = "failed-"
# A change of one of these needs a new key (the old secret part cannot be read back).
NEW_KEY_ON_CHANGE = ("UserName", "SecretArn", "Region", "Rotation")


def _sign(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def smtp_password(secret_access_key: str, region: str) -> str:
    """The SES SMTP password for an IAM secret access key, in `region`."""
    signature = _sign(("AWS4" + secret_access_key).encode("utf-8"), DATE)
    for part in (region, SERVICE, TERMINAL, MESSAGE):
        signature = _sign(signature, part)
    return base64.b64encode(VERSION + signature).decode("ascii")


class Failed(Exception):
    """What CloudFormation is told; never holds a secret."""


def _code(error):
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


def _props(event, name):
    value = (event.get("ResourceProperties") or {}).get(name)
    if not value and name != "Rotation":
        raise Failed(f"property {name} is missing")
    return str(value or "")


def _create_key(event, iam, secrets):
    user, secret_arn, region = _props(event, "UserName"), _props(event, "SecretArn"), _props(event, "Region")
    existing = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    if len(existing) >= 2:
        raise Failed(
            f"IAM user {user} already has {len(existing)} access keys, the most IAM allows: "
            "delete the ones this stack did not make, then retry"
        )
    key = iam.create_access_key(UserName=user)["AccessKey"]
    key_id = key["AccessKeyId"]
    try:
        value = json.dumps({"username": key_id, "password": smtp_password(key["SecretAccessKey"], region)})
        secrets.put_secret_value(SecretId=secret_arn, SecretString=value)
    except Exception as e:
        iam.delete_access_key(UserName=user, AccessKeyId=key_id)
        raise Failed(f"could not write the SMTP credentials to the secret ({_code(e) or type(e).__name__}); the new key was deleted") from None
    return key_id


def _stage(secrets, secret_arn, stage):
    """(username, SecretString) of the secret's version at `stage`, or (None, None)."""
    try:
        value = secrets.get_secret_value(SecretId=secret_arn, VersionStage=stage)["SecretString"]
    except Exception as e:
        if _code(e) in ("ResourceNotFoundException", "InvalidRequestException"):
            return None, None
        raise
    try:
        return json.loads(value or "{}").get("username"), value
    except ValueError:
        return None, None


def _restore_previous(event, iam, secrets, deleted_key):
    """If the secret holds `deleted_key`, writes back its previous version's value when that
    one's key still exists (the rollback of a replacement)."""
    user, secret_arn = _props(event, "UserName"), _props(event, "SecretArn")
    current, _ = _stage(secrets, secret_arn, "AWSCURRENT")
    if current != deleted_key:
        return
    previous, value = _stage(secrets, secret_arn, "AWSPREVIOUS")
    live = {k["AccessKeyId"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
    if previous and previous in live and previous != deleted_key:
        secrets.put_secret_value(SecretId=secret_arn, SecretString=value)


def _delete_key(event, iam, secrets):
    physical = event.get("PhysicalResourceId") or ""
    if not physical or physical.startswith(FAILED_PREFIX):
        return
    try:
        iam.delete_access_key(UserName=_props(event, "UserName"), AccessKeyId=physical)
    except Exception as e:
        if _code(e) not in ("NoSuchEntity", "NoSuchEntityException"):
            raise
    try:
        _restore_previous(event, iam, secrets, physical)
    except Exception as e:
        # The key is gone, which is what was asked; the secret is left as it is.
        if _code(e) not in ("NoSuchEntity", "NoSuchEntityException", "ResourceNotFoundException"):
            raise


def handle(event, iam, secrets):
    """Returns (status, reason, physical id). Never raises for a request it understands."""
    kind = event.get("RequestType")
    physical = event.get("PhysicalResourceId") or FAILED_PREFIX + str(event.get("RequestId", "unknown"))
    try:
        if kind == "Create":
            return "SUCCESS", "SMTP credentials created", _create_key(event, iam, secrets)
        if kind == "Update":
            old = event.get("OldResourceProperties") or {}
            new = event.get("ResourceProperties") or {}
            if any(str(old.get(k, "")) != str(new.get(k, "")) for k in NEW_KEY_ON_CHANGE):
                return "SUCCESS", "SMTP credentials replaced", _create_key(event, iam, secrets)
            return "SUCCESS", "SMTP credentials unchanged", physical
        if kind == "Delete":
            _delete_key(event, iam, secrets)
            return "SUCCESS", "SMTP credentials deleted", physical
        return "FAILED", f"unknown request type {kind!r}", physical
    except Failed as e:
        return "FAILED", str(e), physical
    except Exception as e:
        return "FAILED", f"{kind} failed: {_code(e) or type(e).__name__}", physical


def respond(event, status, reason, physical, opener=urllib.request.urlopen):
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason,
            "PhysicalResourceId": physical,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "NoEcho": True,
            "Data": {},
        }
    ).encode()
    request = urllib.request.Request(
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))}
    )
    with opener(request, timeout=30) as answer:
        return answer.status


def lambda_handler(event, context):
    try:
        import boto3

        status, reason, physical = handle(event, boto3.client("iam"), boto3.client("secretsmanager"))
    except BaseException as e:  # answer CloudFormation even when the handler itself breaks
        status, reason, physical = "FAILED", f"handler error: {type(e).__name__}", event.get("PhysicalResourceId") or FAILED_PREFIX + str(event.get("RequestId"))
    print(json.dumps({"RequestType": event.get("RequestType"), "LogicalResourceId": event.get("LogicalResourceId"),
                      "Status": status, "Reason": reason, "PhysicalResourceId": physical}))
    respond(event, status, reason, physical)
