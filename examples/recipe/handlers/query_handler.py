"""Query handler: current state from the read model; history, reconstruction and searches
from the event store.

    {"queryType": "getAccountSummary", "accountId": "account-123"}
    {"queryType": "getAggregateEvents", "aggregateId": "account-123"}
    {"queryType": "reconstructState", "aggregateId": "account-123", "upToSequence": 10}
    {"queryType": "getEventsByType", "eventType": "TransactionProcessed",
     "startTime": "2024-01-01T00:00:00Z", "endTime": "2024-01-31T23:59:59Z", "limit": 100}
    {"queryType": "getEventsByTimeRange", "startTime": "...", "endTime": "...", "limit": 100}

Answers 200, 400 (a bad query, with what is wrong) or 404 (nothing there). Accepts the query
directly or as an API Gateway `body`. Environment: EVENT_STORE_TABLE, READ_MODEL_TABLE,
EVENT_TYPE_INDEX, EVENT_TYPES.
"""
import os
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key

from event_store import from_json, normalize_time, query_all, query_first, response

dynamodb = boto3.resource("dynamodb")
event_store_table = dynamodb.Table(os.environ["EVENT_STORE_TABLE"])
read_model_table = dynamodb.Table(os.environ["READ_MODEL_TABLE"])
TYPE_INDEX = os.environ.get("EVENT_TYPE_INDEX", "EventType-Timestamp-index")
EVENT_TYPES = [t for t in os.environ.get("EVENT_TYPES", "").split(",") if t]
MAX_LIMIT = 1000


class BadQuery(Exception):
    pass


def _text(query, field):
    value = query.get(field)
    if not isinstance(value, str) or not value:
        raise BadQuery(f"`{field}` must be a non-empty string")
    return value


def _whole(query, field, default, low, high):
    value = query.get(field, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        raise BadQuery(f"`{field}` must be a whole number")
    if not low <= value <= high:
        raise BadQuery(f"`{field}` must be between {low} and {high}")
    return int(value)


def _time(query, field, required):
    if query.get(field) is None and not required:
        return None
    try:
        return normalize_time(query.get(field))
    except ValueError as e:
        raise BadQuery(f"`{field}` must be an ISO-8601 time, like 2024-01-15T10:00:00Z ({e})") from e


def _range(query, required):
    start, end = _time(query, "startTime", required), _time(query, "endTime", required)
    if start and end and start > end:
        raise BadQuery("`startTime` is after `endTime`")
    return start, end


def _type_condition(event_type, start, end):
    condition = Key("EventType").eq(event_type)
    if start and end:
        return condition & Key("Timestamp").between(start, end)
    if start:
        return condition & Key("Timestamp").gte(start)
    if end:
        return condition & Key("Timestamp").lte(end)
    return condition


def get_aggregate_events(query):
    aggregate_id = _text(query, "aggregateId")
    events = query_all(event_store_table, KeyConditionExpression=Key("AggregateId").eq(aggregate_id), ScanIndexForward=True)
    if not events:
        return response(404, {"error": f"no events for aggregate {aggregate_id}"})
    return response(200, {"aggregateId": aggregate_id, "events": events, "eventCount": len(events)})


def get_account_summary(query):
    account_id = _text(query, "accountId")
    item = read_model_table.get_item(Key={"AccountId": account_id, "ProjectionType": "AccountSummary"}).get("Item")
    if item is None:
        return response(404, {"error": f"account {account_id} not found"})
    return response(200, item)


def reconstruct_state(query):
    aggregate_id = _text(query, "aggregateId")
    up_to = _whole(query, "upToSequence", None, 1, 2**53)
    condition = Key("AggregateId").eq(aggregate_id)
    if up_to is not None:
        condition = condition & Key("EventSequence").lte(up_to)
    events = query_all(event_store_table, KeyConditionExpression=condition, ScanIndexForward=True)
    if not events:
        return response(404, {"error": f"no events for aggregate {aggregate_id}"})
    state = {"balance": Decimal("0.00"), "status": "Unknown", "transactionCount": 0, "createdAt": None, "closedAt": None}
    for event in events:
        data = event.get("EventData") or {}
        if event["EventType"] == "AccountCreated":
            state["status"] = "Active"
            state["createdAt"] = data.get("createdAt")
        elif event["EventType"] == "TransactionProcessed":
            state["balance"] += Decimal(str(data["amount"]))
            state["transactionCount"] += 1
        elif event["EventType"] == "AccountClosed":
            state["status"] = "Closed"
            state["closedAt"] = data.get("closedAt")
    return response(
        200,
        {
            "aggregateId": aggregate_id,
            "reconstructedState": state,
            "eventsProcessed": len(events),
            "upToSequence": up_to if up_to is not None else int(events[-1]["EventSequence"]),
        },
    )


def get_events_by_type(query):
    event_type = _text(query, "eventType")
    limit = _whole(query, "limit", 100, 1, MAX_LIMIT)
    start, end = _range(query, required=False)
    result = event_store_table.query(
        IndexName=TYPE_INDEX,
        KeyConditionExpression=_type_condition(event_type, start, end),
        Limit=limit,
        ScanIndexForward=False,
    )
    return response(200, {"eventType": event_type, "events": result["Items"], "count": len(result["Items"])})


def get_events_by_time_range(query):
    start, end = _range(query, required=True)
    limit = _whole(query, "limit", 100, 1, MAX_LIMIT)
    if not EVENT_TYPES:
        raise BadQuery("the function knows no event types (EVENT_TYPES is empty)")
    # One query per type on the type index (no table scan: the role is not granted one),
    # each reading only its earliest `limit` events: the earliest overall are among them.
    events = []
    for event_type in EVENT_TYPES:
        events.extend(
            query_first(event_store_table, limit, "Timestamp", IndexName=TYPE_INDEX,
                        KeyConditionExpression=_type_condition(event_type, start, end))
        )
    events.sort(key=lambda e: (e["Timestamp"], e["AggregateId"], int(e["EventSequence"])))
    return response(200, {"startTime": start, "endTime": end, "events": events[:limit], "count": len(events[:limit])})


QUERIES = {
    "getAggregateEvents": get_aggregate_events,
    "getAccountSummary": get_account_summary,
    "reconstructState": reconstruct_state,
    "getEventsByType": get_events_by_type,
    "getEventsByTimeRange": get_events_by_time_range,
}


def lambda_handler(event, context):
    try:
        query = event
        if isinstance(event, dict) and "body" in event:
            body = event["body"]
            query = from_json(body) if isinstance(body, str) else body
        if not isinstance(query, dict):
            raise BadQuery("the query must be a JSON object")
        handler = QUERIES.get(query.get("queryType"))
        if handler is None:
            raise BadQuery(f"`queryType` must be one of: {', '.join(QUERIES)}")
        return handler(query)
    except BadQuery as e:
        return response(400, {"error": str(e)})
    except ValueError as e:
        return response(400, {"error": f"the body is not JSON: {e}"})
