"""Query handler of the recipe "Event Sourcing with EventBridge and DynamoDB".

Current state from the read model, history and reconstruction from the event store.
Environment (set by the CqrsLambdas construct): EVENT_STORE_TABLE, READ_MODEL_TABLE,
EVENT_TYPE_INDEX.
"""
import json
import os
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key

dynamodb = boto3.resource("dynamodb")
event_store_table = dynamodb.Table(os.environ["EVENT_STORE_TABLE"])
read_model_table = dynamodb.Table(os.environ["READ_MODEL_TABLE"])
TYPE_INDEX = os.environ.get("EVENT_TYPE_INDEX", "EventType-Timestamp-index")


def lambda_handler(event, context):
    try:
        query_type = event.get("queryType")
        if query_type == "getAggregateEvents":
            return get_aggregate_events(event["aggregateId"])
        if query_type == "getAccountSummary":
            return get_account_summary(event["accountId"])
        if query_type == "reconstructState":
            return reconstruct_state(event["aggregateId"], event.get("upToSequence"))
        if query_type == "getEventsByType":
            return get_events_by_type(event["eventType"], event.get("limit", 100))
        return {"statusCode": 400, "body": json.dumps({"error": "Unknown query type"})}
    except KeyError as e:
        return {"statusCode": 400, "body": json.dumps({"error": f"missing field {e}"})}


def get_aggregate_events(aggregate_id):
    response = event_store_table.query(KeyConditionExpression=Key("AggregateId").eq(aggregate_id), ScanIndexForward=True)
    return {
        "statusCode": 200,
        "body": json.dumps(
            {"aggregateId": aggregate_id, "events": response["Items"], "eventCount": len(response["Items"])},
            default=decimal_default,
        ),
    }


def get_account_summary(account_id):
    response = read_model_table.get_item(Key={"AccountId": account_id, "ProjectionType": "AccountSummary"})
    if "Item" in response:
        return {"statusCode": 200, "body": json.dumps(response["Item"], default=decimal_default)}
    return {"statusCode": 404, "body": json.dumps({"error": "Account not found"})}


def reconstruct_state(aggregate_id, up_to_sequence=None):
    key_condition = Key("AggregateId").eq(aggregate_id)
    if up_to_sequence:
        key_condition = key_condition & Key("EventSequence").lte(up_to_sequence)
    response = event_store_table.query(KeyConditionExpression=key_condition, ScanIndexForward=True)

    state = {"balance": Decimal("0.00"), "status": "Unknown", "transactionCount": 0, "createdAt": None, "closedAt": None}
    for event in response["Items"]:
        event_type = event["EventType"]
        event_data = event["EventData"]
        if event_type == "AccountCreated":
            state["status"] = "Active"
            state["createdAt"] = event_data.get("createdAt")
        elif event_type == "TransactionProcessed":
            state["balance"] += Decimal(str(event_data["amount"]))
            state["transactionCount"] += 1
        elif event_type == "AccountClosed":
            state["status"] = "Closed"
            state["closedAt"] = event_data.get("closedAt")

    return {
        "statusCode": 200,
        "body": json.dumps(
            {
                "aggregateId": aggregate_id,
                "reconstructedState": state,
                "eventsProcessed": len(response["Items"]),
                "upToSequence": up_to_sequence,
            },
            default=decimal_default,
        ),
    }


def get_events_by_type(event_type, limit):
    response = event_store_table.query(
        IndexName=TYPE_INDEX,
        KeyConditionExpression=Key("EventType").eq(event_type),
        Limit=limit,
        ScanIndexForward=False,
    )
    return {
        "statusCode": 200,
        "body": json.dumps(
            {"eventType": event_type, "events": response["Items"], "count": len(response["Items"])},
            default=decimal_default,
        ),
    }


def decimal_default(obj):
    if isinstance(obj, Decimal):
        return float(obj)
    raise TypeError
