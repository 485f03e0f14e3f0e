"""Query handler: GetUserProfile, GetUserByEmail, GetOrdersByUser, GetOrdersByStatus, from
the read models. Answers 200, 400 (bad query) or 404 (no such user).
Environment: USER_PROFILES_TABLE, ORDER_SUMMARIES_TABLE.
"""
import os

import boto3
from boto3.dynamodb.conditions import Key

from store import from_json, response

dynamodb = boto3.resource("dynamodb")
users = dynamodb.Table(os.environ["USER_PROFILES_TABLE"])
orders = dynamodb.Table(os.environ["ORDER_SUMMARIES_TABLE"])
STATUSES = ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"]


class BadQuery(Exception):
    pass


def _text(query, field):
    value = query.get(field)
    if not isinstance(value, str) or not value:
        raise BadQuery(f"`{field}` must be a non-empty string")
    return value


def _all(table, **kwargs):
    items = []
    while True:
        page = table.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def get_user_profile(query):
    user_id = _text(query, "userId")
    item = users.get_item(Key={"UserId": user_id}).get("Item")
    return response(200, item) if item else response(404, {"error": f"no user {user_id}"})


def get_user_by_email(query):
    email = _text(query, "email").lower()
    found = _all(users, IndexName="Email-index", KeyConditionExpression=Key("Email").eq(email))
    return response(200, found[0]) if found else response(404, {"error": f"no user with e-mail {email}"})


def get_orders_by_user(query):
    user_id = _text(query, "userId")
    found = _all(orders, IndexName="UserId-index", KeyConditionExpression=Key("UserId").eq(user_id))
    return response(200, {"userId": user_id, "orders": found, "count": len(found)})


def get_orders_by_status(query):
    status = query.get("status")
    if status not in STATUSES:
        raise BadQuery(f"`status` must be one of: {', '.join(STATUSES)}")
    found = _all(orders, IndexName="Status-index", KeyConditionExpression=Key("Status").eq(status))
    return response(200, {"status": status, "orders": found, "count": len(found)})


QUERIES = {
    "GetUserProfile": get_user_profile,
    "GetUserByEmail": get_user_by_email,
    "GetOrdersByUser": get_orders_by_user,
    "GetOrdersByStatus": get_orders_by_status,
}


def lambda_handler(event, context):
    try:
        query = event
        if isinstance(event, dict) and "body" in event:
            body = event["body"]
            try:
                query = from_json(body) if isinstance(body, str) else body
            except ValueError as e:
                raise BadQuery(f"the body is not JSON: {e}") from e
        if not isinstance(query, dict):
            raise BadQuery("the query must be a JSON object")
        handler = QUERIES.get(query.get("queryType"))
        if handler is None:
            raise BadQuery(f"`queryType` must be one of: {', '.join(QUERIES)}")
        return handler(query)
    except BadQuery as e:
        return response(400, {"error": str(e)})
