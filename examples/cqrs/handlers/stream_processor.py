"""Stream processor: publishes each event the event store's stream carries to the bus.

The recipe's processor had no permission to read the stream; here the event source mapping
and its permissions come from `Function::add_dynamodb_stream_source`. Only INSERT records
reach this function (the mapping filters them). Entries that EventBridge does not accept are
reported as batch item failures, so Lambda retries from the first of them (and, after the
retries, sends the batch's description to the dead-letter queue). Publishing is at least
once; the projections are idempotent.

Environment: EVENT_BUS_NAME, EVENT_SOURCE.
"""
import os

import boto3
from boto3.dynamodb.types import TypeDeserializer

from store import to_json

events_client = boto3.client("events")
EVENT_BUS_NAME = os.environ["EVENT_BUS_NAME"]
EVENT_SOURCE = os.environ["EVENT_SOURCE"]
_deserializer = TypeDeserializer()


def _event(record) -> dict:
    image = record["dynamodb"]["NewImage"]
    return {k: _deserializer.deserialize(v) for k, v in image.items()}


def lambda_handler(event, context):
    records = [r for r in event.get("Records", []) if r.get("eventName") == "INSERT"]
    failures = []
    for start in range(0, len(records), 10):
        chunk = records[start : start + 10]
        entries = []
        for record in chunk:
            item = _event(record)
            entries.append(
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": item["EventType"],
                    "Detail": to_json(item),
                    "EventBusName": EVENT_BUS_NAME,
                }
            )
        result = events_client.put_events(Entries=entries)
        for record, outcome in zip(chunk, result["Entries"]):
            if "ErrorCode" in outcome:
                failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}
