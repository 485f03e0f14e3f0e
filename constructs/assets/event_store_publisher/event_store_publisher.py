"""The event store's outbox: publishes each event its DynamoDB stream carries to the bus.

The command handler only appends; this function, invoked by the stream's event source
mapping, is the one way an event reaches the bus. An event is on the bus at least once if
and only if it is in the store: nothing is lost between the write and the publish, and
nothing is published that was not stored.

- Only `INSERT` records arrive (the mapping filters them): events are never changed.
- Each event goes out as one entry: `source` EVENT_SOURCE, `detail-type` its `EventType`,
  `detail` the stored item as JSON (numbers as numbers).
- Records are published in stream order, ten per `PutEvents` call. When EventBridge refuses
  an entry, or a call fails, that record and every later one are reported as batch item
  failures: Lambda checkpoints before the first of them and retries from there, so a record
  is never skipped. Entries EventBridge accepted after a refused one go out again on the
  retry: delivery is at least once, and (as EventBridge keeps no order anyway) the
  projections apply events by their sequence number and skip duplicates.

Environment (set by the `Outbox` construct): EVENT_BUS_NAME, EVENT_SOURCE.
"""
import json
import os
from decimal import Decimal

import boto3
from boto3.dynamodb.types import TypeDeserializer

events_client = boto3.client("events")
EVENT_BUS_NAME = os.environ["EVENT_BUS_NAME"]
EVENT_SOURCE = os.environ["EVENT_SOURCE"]
ENTRIES_PER_CALL = 10
_deserializer = TypeDeserializer()


def _plain(obj):
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def to_json(obj) -> str:
    return json.dumps(obj, default=_plain)


def event_of(record) -> dict:
    """The stored item of an INSERT record."""
    image = record["dynamodb"]["NewImage"]
    return {k: _deserializer.deserialize(v) for k, v in image.items()}


def entry_of(item) -> dict:
    return {
        "Source": EVENT_SOURCE,
        "DetailType": item["EventType"],
        "Detail": to_json(item),
        "EventBusName": EVENT_BUS_NAME,
    }


def _log(level, message, **fields):
    print(json.dumps({"level": level, "message": message, **fields}))


def lambda_handler(event, context):
    records = [r for r in event.get("Records", []) if r.get("eventName") == "INSERT"]
    for start in range(0, len(records), ENTRIES_PER_CALL):
        chunk = records[start : start + ENTRIES_PER_CALL]
        try:
            result = events_client.put_events(Entries=[entry_of(event_of(r)) for r in chunk])
        except Exception as e:  # throttled, or the bus unreachable: retry from this chunk
            _log("ERROR", "PutEvents failed", error=str(e), records=len(records) - start)
            return _failures_from(records, start)
        for offset, outcome in enumerate(result["Entries"]):
            if "ErrorCode" in outcome:
                _log(
                    "ERROR",
                    "EventBridge refused an entry",
                    errorCode=outcome["ErrorCode"],
                    errorMessage=outcome.get("ErrorMessage", ""),
                    sequenceNumber=chunk[offset]["dynamodb"]["SequenceNumber"],
                )
                return _failures_from(records, start + offset)
    return {"batchItemFailures": []}


def _failures_from(records, index):
    """The record at `index` and every later one, so the retry keeps the stream's order."""
    return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in records[index:]]}
