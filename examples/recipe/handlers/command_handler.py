"""Command handler: validates a command and appends its event to the store.

Input: the command itself (direct invoke) or an API Gateway proxy event whose `body` is the
command as JSON:

    {"aggregateId": "account-123", "eventType": "AccountCreated",
     "eventData": {...}, "correlationId": "...", "causationId": "...", "commandId": "...",
     "expectedSequence": 0}

Consistency: the append is the only write (conditional, see event_store.py). The store's
stream is the outbox: the library's publisher puts every stored event on the bus, at least
once, so an event is published if and only if it is stored. A bad command gets 400 with a
message saying what is wrong (an event too large for an EventBridge entry is one: it could
be stored but never published); a lost race with an expected sequence gets 409.

The account's rules hold at write time, against its last event: an account is created once;
transactions and closing need an open account; a closed account takes nothing more. A
command that breaks them gets 409 with the reason, and nothing is stored. A command sent
again with the same `commandId` gets the first answer and stores nothing.

Environment (set by the CqrsLambdas construct): EVENT_STORE_TABLE, EVENT_TYPES
(comma-separated, the types the projection rule routes).
"""
import os
import uuid
from decimal import Decimal

import boto3

from event_store import ConcurrencyConflict, Refused, append, from_json, normalize_time, now, response, to_decimal, to_json

table = boto3.resource("dynamodb").Table(os.environ["EVENT_STORE_TABLE"])
EVENT_TYPES = [t for t in os.environ.get("EVENT_TYPES", "").split(",") if t]

MAX_ID_LENGTH = 256
# EventBridge takes entries of at most 256 KiB (source, detail-type and detail); the item's
# JSON is the detail. The margin leaves room for the source.
MAX_EVENT_BYTES = 256 * 1024 - 1024


class BadCommand(Exception):
    pass


class TooLarge(Exception):
    """The event would not fit in an EventBridge entry."""


def parse(event) -> dict:
    if not isinstance(event, dict):
        raise BadCommand("the command must be a JSON object")
    if "body" in event:
        body = event["body"]
        if body is None:
            raise BadCommand("the request has no body")
        if isinstance(body, str):
            try:
                body = from_json(body)
            except ValueError as e:
                raise BadCommand(f"the body is not JSON: {e}") from e
        if not isinstance(body, dict):
            raise BadCommand("the body must be a JSON object")
        return body
    return to_decimal(event)


def _identifier(command, field, required):
    value = command.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadCommand(f"`{field}` must be a non-empty string")
    if len(value) > MAX_ID_LENGTH:
        raise BadCommand(f"`{field}` is longer than {MAX_ID_LENGTH} characters")
    return value


def _is_number(value) -> bool:
    """A finite int or Decimal (JSON numbers arrive as either; bools are not numbers)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int)


def _number(data, field):
    value = data.get(field)
    if not _is_number(value):
        raise BadCommand(f"`eventData.{field}` must be a finite number")
    return value


def validate(command: dict) -> dict:
    aggregate_id = _identifier(command, "aggregateId", True)
    event_type = command.get("eventType")
    if not isinstance(event_type, str) or not event_type:
        raise BadCommand("`eventType` must be a non-empty string")
    if EVENT_TYPES and event_type not in EVENT_TYPES:
        raise BadCommand(f"`eventType` {event_type!r} is not one of: {', '.join(EVENT_TYPES)}")
    data = command.get("eventData")
    if not isinstance(data, dict):
        raise BadCommand("`eventData` must be a JSON object")
    if event_type == "TransactionProcessed":
        _number(data, "amount")
    for field in ("createdAt", "closedAt", "timestamp"):
        if field in data:
            try:
                normalize_time(data[field])
            except ValueError as e:
                raise BadCommand(f"`eventData.{field}` is not an ISO-8601 time: {e}") from e
    expected = command.get("expectedSequence")
    if expected is not None and (not _is_number(expected) or expected < 0 or expected != int(expected)):
        raise BadCommand("`expectedSequence` must be a whole number, 0 or more")
    return {
        "aggregateId": aggregate_id,
        "eventType": event_type,
        "eventData": data,
        "expectedSequence": None if expected is None else int(expected),
        "correlationId": _identifier(command, "correlationId", False),
        "causationId": _identifier(command, "causationId", False),
        "commandId": _identifier(command, "commandId", False),
    }


def account_rules(command):
    """The account's state from its last event decides which commands it takes."""
    account, event_type = command["aggregateId"], command["eventType"]

    def decide(last):
        if last is None:
            if event_type != "AccountCreated":
                raise Refused(f"account {account} does not exist: send AccountCreated first")
        elif event_type == "AccountCreated":
            raise Refused(f"account {account} already exists")
        elif last["EventType"] == "AccountClosed":
            raise Refused(f"account {account} is closed")

    return decide


def lambda_handler(event, context):
    try:
        command = validate(parse(event))
    except BadCommand as e:
        return response(400, {"error": str(e)})

    event_id = str(uuid.uuid4())

    def make_item(sequence):
        item = {
            "EventId": event_id,
            "AggregateId": command["aggregateId"],
            "EventSequence": sequence,
            "EventType": command["eventType"],
            "EventData": command["eventData"],
            "Timestamp": now(),
            "Version": "1.0",
            "CorrelationId": command["correlationId"] or event_id,
            "CausationId": command["causationId"] or command["commandId"] or event_id,
        }
        if command["commandId"]:
            item["CommandId"] = command["commandId"]
        size = len(to_json(item).encode())
        if size > MAX_EVENT_BYTES:
            raise TooLarge(f"the event is {size} bytes as JSON; the bus takes at most {MAX_EVENT_BYTES}: send less `eventData`")
        return item

    try:
        item, _stored = append(
            table,
            command["aggregateId"],
            make_item,
            command["expectedSequence"],
            decide=account_rules(command),
            command_id=command["commandId"],
        )
    except TooLarge as e:
        return response(400, {"error": str(e)})
    except (ConcurrencyConflict, Refused) as e:
        return response(409, {"error": str(e)})

    return response(
        200,
        {"eventId": item["EventId"], "aggregateId": item["AggregateId"], "sequence": item["EventSequence"]},
    )
