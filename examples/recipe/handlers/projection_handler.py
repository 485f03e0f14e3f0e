"""Projection handler: maintains the AccountSummary read model from the account's events.

Delivery is at least once and not always in order (EventBridge retries, archive replays).
The projection stays right because every write is conditional on the sequence number it
last applied (`LastSequence`):

- an event with sequence LastSequence + 1 is applied, and LastSequence moves to it, in one
  conditional write;
- an event with sequence <= LastSequence was applied before (a duplicate or a replay): it is
  skipped and changes nothing;
- an event with sequence > LastSequence + 1 came early: it raises OutOfOrder, so the
  invocation fails, Lambda retries it later, and after the retries it lands in the
  dead-letter queue instead of being applied out of order.

Every event type the command handler accepts is routed here (one list feeds both), so
per-aggregate sequences have no gaps. Environment: READ_MODEL_TABLE.
"""
import os
from decimal import Decimal

import boto3
from botocore.exceptions import ClientError

from event_store import from_json, to_decimal, to_json

read_model_table = boto3.resource("dynamodb").Table(os.environ["READ_MODEL_TABLE"])
PROJECTION = "AccountSummary"


class OutOfOrder(Exception):
    """An event arrived before the one it follows."""


def _key(aggregate_id):
    return {"AccountId": aggregate_id, "ProjectionType": PROJECTION}


def _conditional_failed(e: ClientError) -> bool:
    return e.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _already_applied_or_early(aggregate_id, sequence):
    current = read_model_table.get_item(Key=_key(aggregate_id), ConsistentRead=True).get("Item")
    last = int(current["LastSequence"]) if current else 0
    if sequence <= last:
        return "duplicate"
    raise OutOfOrder(f"{aggregate_id}: event {sequence} arrived before event {last + 1}")


def project(detail: dict) -> str:
    aggregate_id = detail["AggregateId"]
    sequence = int(detail["EventSequence"])
    event_type = detail["EventType"]
    data = detail.get("EventData") or {}
    timestamp = detail.get("Timestamp")

    if event_type == "AccountCreated":
        try:
            read_model_table.put_item(
                Item={
                    **_key(aggregate_id),
                    "Balance": Decimal("0.00"),
                    "Status": "Active",
                    "CreatedAt": data.get("createdAt", timestamp),
                    "TransactionCount": 0,
                    "LastUpdated": data.get("createdAt", timestamp),
                    "LastSequence": sequence,
                },
                ConditionExpression="attribute_not_exists(AccountId)",
            )
            return "applied"
        except ClientError as e:
            if not _conditional_failed(e):
                raise
            return _already_applied_or_early(aggregate_id, sequence)

    if event_type == "TransactionProcessed":
        update = "SET Balance = Balance + :amount, TransactionCount = TransactionCount + :one, LastTransactionAt = :at, LastUpdated = :at, LastSequence = :seq"
        values = {":amount": Decimal(str(data["amount"])), ":one": 1, ":at": data.get("timestamp", timestamp)}
        names = None
    elif event_type == "AccountClosed":
        update = "SET #status = :closed, ClosedAt = :at, LastUpdated = :at, LastSequence = :seq"
        values = {":closed": "Closed", ":at": data.get("closedAt", timestamp)}
        names = {"#status": "Status"}
    else:
        # A type this projection does not use still advances the sequence.
        update = "SET LastSequence = :seq"
        values = {}
        names = None

    values.update({":seq": sequence, ":previous": sequence - 1})
    kwargs = {
        "Key": _key(aggregate_id),
        "UpdateExpression": update,
        "ConditionExpression": "LastSequence = :previous",
        "ExpressionAttributeValues": values,
    }
    if names:
        kwargs["ExpressionAttributeNames"] = names
    try:
        read_model_table.update_item(**kwargs)
        return "applied"
    except ClientError as e:
        if not _conditional_failed(e):
            raise
        return _already_applied_or_early(aggregate_id, sequence)


def lambda_handler(event, context):
    records = event.get("Records") or [event]
    outcomes = []
    for record in records:
        detail = record.get("detail", record)
        # EventBridge hands `detail` over as parsed JSON, with floats DynamoDB refuses.
        detail = from_json(detail) if isinstance(detail, str) else to_decimal(detail)
        outcomes.append(project(detail))
    # Errors propagate (OutOfOrder, throttling): the invocation fails and is retried, then
    # dead-lettered. The recipe returned 500 here, which Lambda counts as a success.
    print(to_json({"level": "INFO", "outcomes": outcomes}))
    return {"statusCode": 200, "processedEvents": len(outcomes), "outcomes": outcomes}

