"""The event store's rules for the users-and-orders service.

Append: each event is a conditional put on (AggregateId, EventSequence) with
`attribute_not_exists(AggregateId)`, at the version the command handler read plus one. If
another command appended in between, the put fails and the command answers 409 (optimistic
concurrency): the caller re-reads and decides again. A command may also state the version
it expects (`expectedVersion`); any other version is a 409 before anything is written.

Commands with a `commandId` that create an aggregate derive its id from the command id, so
a retried command finds its own event instead of creating a second aggregate.
"""
import json
from datetime import datetime, timezone
from decimal import Decimal

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError


class Conflict(Exception):
    """The aggregate is not at the version the command was decided on."""


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_decimal(value):
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_decimal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_decimal(v) for v in value]
    return value


def _plain(obj):
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def to_json(obj) -> str:
    return json.dumps(obj, default=_plain)


def from_json(text: str):
    return json.loads(text, parse_float=Decimal)


def response(status: int, body) -> dict:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": to_json(body)}


def load(table, aggregate_id: str) -> list:
    """All events of an aggregate, in order (strongly consistent)."""
    items, kwargs = [], {"KeyConditionExpression": Key("AggregateId").eq(aggregate_id), "ConsistentRead": True}
    while True:
        page = table.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def append(table, aggregate_id: str, version: int, event_type: str, data: dict, command_id=None) -> dict:
    """Writes the event at `version + 1`, or raises Conflict if that place is taken."""
    item = {
        "AggregateId": aggregate_id,
        "EventSequence": version + 1,
        "EventType": event_type,
        "EventData": to_decimal(data),
        "Timestamp": now(),
    }
    if command_id:
        item["CommandId"] = command_id
    try:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(AggregateId)")
    except ClientError as e:
        if e.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise Conflict(f"{aggregate_id} changed while the command was decided (version {version} is stale)") from e
        raise
    return item
