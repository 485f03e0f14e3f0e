"""The event store's consistency rules, in one place (shared by the recipe's handlers).

Append rule: an event is written with a conditional put on its primary key
(AggregateId, EventSequence), `attribute_not_exists(AggregateId)`. Two writers that both
computed sequence N cannot both succeed: the second gets ConditionalCheckFailedException.
Without an expected sequence the append re-reads and retries (a few times); with one
(optimistic concurrency), a conflict is reported to the caller as 409.

Write-time rules: before each attempt the aggregate's last event is read (strongly
consistent) and the caller's `decide(last_event)` may refuse the command (`Refused`, 409):
the store never holds an event its projections cannot apply. The conditional put makes the
decision safe: a writer that decided on a stale last event loses the put and decides again.

Idempotency: a command carrying a `commandId` that the aggregate already holds an event for
is answered with that event and stores nothing, also when two copies race (the loser
re-reads and finds the winner's event).

DynamoDB wants Decimal, never float: JSON is parsed with Decimal numbers, and floats in
directly invoked payloads are converted before they are stored.
"""
import json
from datetime import datetime, timezone
from decimal import Decimal

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class ConcurrencyConflict(Exception):
    """Another writer appended to the aggregate first."""


class Refused(Exception):
    """The command is impossible in the aggregate's current state."""


def now() -> str:
    """UTC, fixed width, so timestamps sort as strings (the type index sorts on them)."""
    return datetime.now(timezone.utc).strftime(TIMESTAMP_FORMAT)


def normalize_time(value) -> str:
    """An ISO-8601 time as the store writes it; ValueError when it is not one."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an ISO-8601 time")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def to_decimal(value):
    """Floats (anywhere in a structure) to Decimal, as DynamoDB requires."""
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


def latest_event(table, aggregate_id: str):
    """The aggregate's last event, None when it has none (strongly consistent)."""
    result = table.query(
        KeyConditionExpression=Key("AggregateId").eq(aggregate_id),
        ScanIndexForward=False,
        Limit=1,
        ConsistentRead=True,
    )
    items = result["Items"]
    return items[0] if items else None


def event_of_command(table, aggregate_id: str, command_id: str):
    """The aggregate's event stored for `command_id`, if any (strongly consistent)."""
    events = query_all(
        table,
        KeyConditionExpression=Key("AggregateId").eq(aggregate_id),
        FilterExpression=Attr("CommandId").eq(command_id),
        ConsistentRead=True,
    )
    return events[0] if events else None


def append(table, aggregate_id: str, make_item, expected_sequence=None, attempts: int = 3,
           decide=None, command_id=None):
    """Appends the item `make_item(sequence)` at the aggregate's next sequence number.

    Returns (item, stored): `stored` is False when the command was already applied (its
    `command_id` is on an earlier event, which is returned). Raises Refused when
    `decide(last_event)` refuses, and ConcurrencyConflict when `expected_sequence` is given
    and the aggregate is elsewhere, or when other writers keep winning the race.
    """
    for _ in range(attempts):
        if command_id:
            earlier = event_of_command(table, aggregate_id, command_id)
            if earlier is not None:
                return earlier, False
        last = latest_event(table, aggregate_id)
        current = int(last["EventSequence"]) if last else 0
        if expected_sequence is not None and current != expected_sequence:
            raise ConcurrencyConflict(
                f"{aggregate_id} is at sequence {current}, not the expected {expected_sequence}"
            )
        if decide is not None:
            decide(last)
        item = make_item(current + 1)
        try:
            table.put_item(Item=item, ConditionExpression="attribute_not_exists(AggregateId)")
            return item, True
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            if expected_sequence is not None:
                earlier = command_id and event_of_command(table, aggregate_id, command_id)
                if earlier:
                    return earlier, False
                raise ConcurrencyConflict(
                    f"another command appended to {aggregate_id} at sequence {current + 1} first"
                ) from e
    raise ConcurrencyConflict(f"{aggregate_id}: other writers won {attempts} times in a row; retry the command")


def query_first(table, limit: int, order_key: str, **kwargs) -> list:
    """The first `limit` items of an ascending query (with every item that ties the last one
    on `order_key`), reading only the pages that takes."""
    items = []
    kwargs = {**kwargs, "ScanIndexForward": True, "Limit": limit}
    while True:
        page = table.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        if len(items) >= limit and items[-1][order_key] != items[limit - 1][order_key]:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def query_all(table, **kwargs) -> list:
    """Every page of a query."""
    items = []
    while True:
        page = table.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
