"""User projection: the user-profiles read model (key UserId, index on Email), from
UserCreated and UserProfileUpdated, applied in order and exactly once (projection.py).
Environment: READ_MODEL_TABLE.
"""
import os

import boto3

from projection import create, update
from store import from_json, to_decimal

table = boto3.resource("dynamodb").Table(os.environ["READ_MODEL_TABLE"])


def project(event: dict) -> str:
    user_id = event["AggregateId"]
    sequence = int(event["EventSequence"])
    data = event.get("EventData") or {}
    key = {"UserId": user_id}
    if event["EventType"] == "UserCreated":
        return create(
            table, key, sequence,
            {"Email": data["email"], "Name": data["name"], "CreatedAt": event["Timestamp"], "UpdatedAt": event["Timestamp"]},
        )
    changes = {"UpdatedAt": event["Timestamp"]}
    if event["EventType"] == "UserProfileUpdated":
        if "email" in data:
            changes["Email"] = data["email"]
        if "name" in data:
            changes["Name"] = data["name"]
    return update(table, key, sequence, changes)


def lambda_handler(event, context):
    detail = event.get("detail", event)
    # EventBridge hands `detail` over as parsed JSON, with floats DynamoDB refuses.
    detail = from_json(detail) if isinstance(detail, str) else to_decimal(detail)
    return {"outcome": project(detail)}
