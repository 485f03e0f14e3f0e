"""Projection handler: maintains the AccountSummary read model from the account's events.

Delivery is at least once and in no particular order (EventBridge retries, archive replays).
The projection stays right because every write is conditional on the sequence number it
last applied (`LastSequence`):

- an event with sequence LastSequence + 1 is applied, and LastSequence moves to it, in one
  conditional write;
- an event with sequence <= LastSequence was applied before (a duplicate or a replay): it is
  skipped and changes nothing;
- an event that came early (a sequence past LastSequence + 1) catches up first: the events
  in between are read from the event store, the source of truth, and applied in order. A
  lost or late delivery never blocks the account. (Only when the store does not have them
  yet does the invocation fail with OutOfOrder, to be retried.)

An event the projection cannot apply (its data is wrong for its type, or DynamoDB refuses
the update it makes) is parked, never retried forever: the summary is marked
(`ParkedSequence`, `ParkedReason`, `ParkedAt`: the account's summary says it is stale and
why), the event goes to the dead-letter queue with the reason (an alarm watches the queue),
and the account's later events are held (`held`: not applied, in the store) until the
parked one applies. After a fix, replaying the archive (or the parked event) applies it,
clears the mark, and the next event catches the account up from the store.

Every event type the command handler accepts is routed here (one list feeds both), so
per-aggregate sequences have no gaps. Environment: READ_MODEL_TABLE, EVENT_STORE_TABLE,
PARKED_QUEUE_URL (the dead-letter queue).
"""
import os
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from event_store import from_json, now, query_all, to_decimal, to_json

dynamodb = boto3.resource("dynamodb")
read_model_table = dynamodb.Table(os.environ["READ_MODEL_TABLE"])
event_store_table = dynamodb.Table(os.environ["EVENT_STORE_TABLE"])
sqs = boto3.client("sqs")
PARKED_QUEUE_URL = os.environ["PARKED_QUEUE_URL"]
PROJECTION = "AccountSummary"
# Another invocation may move the summary between our read and our write; each attempt
# re-reads it.
ATTEMPTS = 5
UNPARK = " REMOVE ParkedSequence, ParkedReason, ParkedAt"


class OutOfOrder(Exception):
    """An event arrived before the store holds the ones it follows."""


class Unapplicable(Exception):
    """The event cannot change the summary: its data is wrong for its type."""


def _key(aggregate_id):
    return {"AccountId": aggregate_id, "ProjectionType": PROJECTION}


def _log(level, message, **fields):
    print(to_json({"level": level, "message": message, "projection": PROJECTION, **fields}))


def _amount(data):
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)) or not Decimal(amount).is_finite():
        raise Unapplicable(f"`EventData.amount` is {amount!r}, not a finite number")
    return Decimal(amount)


def _write(event) -> dict:
    """The conditional write that applies `event` at LastSequence + 1 (and clears a park)."""
    aggregate_id, sequence = event["AggregateId"], int(event["EventSequence"])
    data = event.get("EventData") or {}
    if not isinstance(data, dict):
        raise Unapplicable(f"`EventData` is {type(data).__name__}, not an object")
    timestamp = event.get("Timestamp")
    previous = {":previous": sequence - 1}
    if event["EventType"] == "AccountCreated":
        created = data.get("createdAt", timestamp)
        return {
            "put": {
                "Item": {
                    **_key(aggregate_id),
                    "Balance": Decimal("0.00"),
                    "Status": "Active",
                    "CreatedAt": created,
                    "TransactionCount": 0,
                    "LastUpdated": created,
                    "LastSequence": sequence,
                },
                # A parked creation left a stub at LastSequence 0.
                "ConditionExpression": "attribute_not_exists(AccountId) OR LastSequence = :previous",
                "ExpressionAttributeValues": previous,
            }
        }
    names = None
    if event["EventType"] == "TransactionProcessed":
        update = "SET Balance = Balance + :amount, TransactionCount = TransactionCount + :one, LastTransactionAt = :at, LastUpdated = :at, LastSequence = :seq"
        values = {":amount": _amount(data), ":one": 1, ":at": data.get("timestamp", timestamp)}
    elif event["EventType"] == "AccountClosed":
        update = "SET #status = :closed, ClosedAt = :at, LastUpdated = :at, LastSequence = :seq"
        values = {":closed": "Closed", ":at": data.get("closedAt", timestamp)}
        names = {"#status": "Status"}
    else:
        # A type this projection does not use still advances the sequence.
        update = "SET LastSequence = :seq"
        values = {}
    kwargs = {
        "Key": _key(aggregate_id),
        "UpdateExpression": update + UNPARK,
        "ConditionExpression": "LastSequence = :previous",
        "ExpressionAttributeValues": {**values, ":seq": sequence, **previous},
    }
    if names:
        kwargs["ExpressionAttributeNames"] = names
    return {"update": kwargs}


def _conditional_failed(e: ClientError) -> bool:
    return e.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _park(event, reason):
    """Marks the summary stale at this event and sends the event, with the reason, to the
    dead-letter queue. None when another invocation moved the summary first."""
    aggregate_id, sequence = event["AggregateId"], int(event["EventSequence"])
    try:
        read_model_table.update_item(
            Key=_key(aggregate_id),
            UpdateExpression="SET ParkedSequence = :seq, ParkedReason = :reason, ParkedAt = :at, LastSequence = if_not_exists(LastSequence, :previous)",
            ConditionExpression="attribute_not_exists(AccountId) OR LastSequence = :previous",
            ExpressionAttributeValues={":seq": sequence, ":reason": reason, ":at": now(), ":previous": sequence - 1},
        )
    except ClientError as e:
        if not _conditional_failed(e):
            raise
        return None
    # Marked first: if sending fails, the invocation fails and its retry parks (and sends) again.
    sqs.send_message(
        QueueUrl=PARKED_QUEUE_URL,
        MessageBody=to_json({"parked": True, "projection": PROJECTION, "reason": reason, "event": event}),
        MessageAttributes={
            "reason": {"DataType": "String", "StringValue": reason[:1024]},
            "aggregateId": {"DataType": "String", "StringValue": aggregate_id},
            "sequence": {"DataType": "Number", "StringValue": str(sequence)},
        },
    )
    _log("ERROR", "event parked", aggregateId=aggregate_id, sequence=sequence, reason=reason)
    return "parked"


def _apply(event):
    """'applied' or 'parked'; None when another invocation moved the summary first."""
    try:
        write = _write(event)
    except Unapplicable as e:
        return _park(event, str(e))
    try:
        if "put" in write:
            read_model_table.put_item(**write["put"])
        else:
            read_model_table.update_item(**write["update"])
        return "applied"
    except ClientError as e:
        if _conditional_failed(e):
            return None
        if e.response["Error"]["Code"] == "ValidationException":
            return _park(event, f"DynamoDB refused the update: {e.response['Error'].get('Message', '')}")
        raise


def _stored_between(aggregate_id, first, last):
    """The aggregate's events `first`..`last` from the store (strongly consistent)."""
    return query_all(
        event_store_table,
        KeyConditionExpression=Key("AggregateId").eq(aggregate_id) & Key("EventSequence").between(first, last),
        ConsistentRead=True,
    )


def project(event: dict) -> str:
    aggregate_id, sequence = event["AggregateId"], int(event["EventSequence"])
    for _ in range(ATTEMPTS):
        current = read_model_table.get_item(Key=_key(aggregate_id), ConsistentRead=True).get("Item") or {}
        last = int(current.get("LastSequence", 0))
        if sequence <= last:
            return "duplicate"
        parked = current.get("ParkedSequence")
        if parked is not None and int(parked) != sequence:
            _log("WARN", "event held behind a parked one", aggregateId=aggregate_id, sequence=sequence, parkedSequence=int(parked))
            return "held"
        if sequence > last + 1:
            missing = _stored_between(aggregate_id, last + 1, sequence - 1)
            if len(missing) != sequence - 1 - last:
                raise OutOfOrder(f"{aggregate_id}: event {sequence} arrived and the store does not hold event {last + 1} yet")
            _log("INFO", "catching up from the event store", aggregateId=aggregate_id, first=last + 1, last=sequence - 1)
            outcome = "applied"
            for earlier in missing:
                outcome = _apply(earlier)
                if outcome != "applied":
                    break
            if outcome == "parked":
                return "held"
            continue  # re-read: this event applies on the next pass (or a race is seen)
        outcome = _apply(event)
        if outcome is not None:
            return outcome
    raise OutOfOrder(f"{aggregate_id}: other invocations kept moving the summary; retry")


def lambda_handler(event, context):
    records = event.get("Records") or [event]
    outcomes = []
    for record in records:
        detail = record.get("detail", record)
        # EventBridge hands `detail` over as parsed JSON, with floats DynamoDB refuses.
        detail = from_json(detail) if isinstance(detail, str) else to_decimal(detail)
        outcomes.append(project(detail))
    # Transient errors propagate (throttling, a store not caught up): the invocation fails and
    # is retried, then dead-lettered. The recipe returned 500 here, which Lambda counts as a
    # success.
    _log("INFO", "projected", outcomes=outcomes)
    return {"statusCode": 200, "processedEvents": len(outcomes), "outcomes": outcomes}
