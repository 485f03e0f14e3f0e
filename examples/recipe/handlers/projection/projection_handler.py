"""Projection handler of the recipe "Event Sourcing with EventBridge and DynamoDB".

Maintains the AccountSummary read model from the events the projection rule routes here.
Environment (set by the CqrsLambdas construct): READ_MODEL_TABLE.
"""
import json
import os
from decimal import Decimal

import boto3

dynamodb = boto3.resource("dynamodb")
read_model_table = dynamodb.Table(os.environ["READ_MODEL_TABLE"])


def lambda_handler(event, context):
    processed_count = 0
    for record in event.get("Records", [event]):
        detail = record.get("detail", record)
        if isinstance(detail, str):
            detail = json.loads(detail)

        event_type = detail.get("EventType")
        aggregate_id = detail.get("AggregateId")
        event_data = detail.get("EventData", {})

        if event_type == "AccountCreated":
            handle_account_created(aggregate_id, event_data)
        elif event_type == "TransactionProcessed":
            handle_transaction_processed(aggregate_id, event_data)
        elif event_type == "AccountClosed":
            handle_account_closed(aggregate_id, event_data)
        processed_count += 1

    # Errors propagate, so EventBridge retries and then dead-letters the event instead of
    # the recipe's "return 500", which Lambda counts as a success.
    return {"statusCode": 200, "processedEvents": processed_count}


def handle_account_created(aggregate_id, event_data):
    read_model_table.put_item(
        Item={
            "AccountId": aggregate_id,
            "ProjectionType": "AccountSummary",
            "Balance": Decimal("0.00"),
            "Status": "Active",
            "CreatedAt": event_data.get("createdAt"),
            "TransactionCount": 0,
            "LastUpdated": event_data.get("createdAt"),
        }
    )


def handle_transaction_processed(aggregate_id, event_data):
    read_model_table.update_item(
        Key={"AccountId": aggregate_id, "ProjectionType": "AccountSummary"},
        UpdateExpression="SET Balance = Balance + :amount, TransactionCount = TransactionCount + :one, "
        "LastTransactionAt = :timestamp, LastUpdated = :timestamp",
        ConditionExpression="attribute_exists(AccountId)",
        ExpressionAttributeValues={
            ":amount": Decimal(str(event_data["amount"])),
            ":one": 1,
            ":timestamp": event_data.get("timestamp"),
        },
    )


def handle_account_closed(aggregate_id, event_data):
    read_model_table.update_item(
        Key={"AccountId": aggregate_id, "ProjectionType": "AccountSummary"},
        UpdateExpression="SET #status = :status, ClosedAt = :timestamp, LastUpdated = :timestamp",
        ExpressionAttributeNames={"#status": "Status"},
        ExpressionAttributeValues={":status": "Closed", ":timestamp": event_data.get("closedAt")},
    )
