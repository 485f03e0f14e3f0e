"""Order projection: the order-summaries read model (key OrderId, indexes on UserId and
Status), from OrderCreated and OrderStatusUpdated, applied in order and exactly once
(projection.py). Environment: READ_MODEL_TABLE.
"""
import os

import boto3

from projection import create, update
from store import from_json, to_decimal

table = boto3.resource("dynamodb").Table(os.environ["READ_MODEL_TABLE"])


def project(event: dict) -> str:
    order_id = event["AggregateId"]
    sequence = int(event["EventSequence"])
    data = event.get("EventData") or {}
    key = {"OrderId": order_id}
    if event["EventType"] == "OrderCreated":
        return create(
            table, key, sequence,
            {
                "UserId": data["userId"],
                "Items": data["items"],
                "TotalAmount": data["totalAmount"],
                "Status": data["status"],
                "CreatedAt": event["Timestamp"],
                "UpdatedAt": event["Timestamp"],
            },
        )
    changes = {"UpdatedAt": event["Timestamp"]}
    if event["EventType"] == "OrderStatusUpdated":
        changes["Status"] = data["status"]
    return update(table, key, sequence, changes)


def lambda_handler(event, context):
    detail = event.get("detail", event)
    # EventBridge hands `detail` over as parsed JSON, with floats DynamoDB refuses.
    detail = from_json(detail) if isinstance(detail, str) else to_decimal(detail)
    return {"outcome": project(detail)}
