"""Command handler of the users-and-orders service: CreateUser, UpdateUserProfile,
CreateOrder, UpdateOrderStatus. It decides on the aggregate's current events and appends
one event with optimistic concurrency (store.py); it does not publish: the stream processor
publishes what the event store's stream carries.

Answers 200 {aggregateId, version}, 400 (bad command), 404 (unknown user or order), 409
(concurrent change, stale expectedVersion, or a status change the order does not allow).
Environment: EVENT_STORE_TABLE.
"""
import os
import re
import uuid
from decimal import Decimal

import boto3

from store import Conflict, append, from_json, load, response, to_decimal

table = boto3.resource("dynamodb").Table(os.environ["EVENT_STORE_TABLE"])
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATUSES = ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"]
NEXT_STATUS = {
    "PENDING": {"CONFIRMED", "CANCELLED"},
    "CONFIRMED": {"SHIPPED", "CANCELLED"},
    "SHIPPED": {"DELIVERED"},
    "DELIVERED": set(),
    "CANCELLED": set(),
}
NAMESPACE = uuid.UUID("5b8e2a1c-4f0e-4c7e-9a3a-2f6f0b7c1d10")


class BadCommand(Exception):
    pass


class NotFound(Exception):
    pass


def _text(command, field, max_length=256):
    value = command.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadCommand(f"`{field}` must be a non-empty string")
    if len(value) > max_length:
        raise BadCommand(f"`{field}` is longer than {max_length} characters")
    return value.strip()


def _email(command, field="email"):
    value = _text(command, field)
    if not EMAIL.match(value):
        raise BadCommand(f"`{field}` is not an e-mail address")
    return value.lower()


def _number(value):
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool) and Decimal(value).is_finite()


def _expected(command):
    value = command.get("expectedVersion")
    if value is None:
        return None
    if not _number(value) or value < 0 or value != int(value):
        raise BadCommand("`expectedVersion` must be a whole number, 0 or more")
    return int(value)


def _current(aggregate_id, kind, expected):
    events = load(table, aggregate_id)
    if not events or events[0]["EventType"] != f"{kind}Created":
        raise NotFound(f"no {kind.lower()} {aggregate_id}")
    version = int(events[-1]["EventSequence"])
    if expected is not None and expected != version:
        raise Conflict(f"{aggregate_id} is at version {version}, not the expected {expected}")
    return events, version


def _new_id(prefix, command):
    command_id = command.get("commandId")
    if command_id is not None:
        command_id = _text(command, "commandId")
        return f"{prefix}-{uuid.uuid5(NAMESPACE, command_id)}", command_id
    return f"{prefix}-{uuid.uuid4()}", None


def _create(prefix, event_type, data, command):
    aggregate_id, command_id = _new_id(prefix, command)
    try:
        append(table, aggregate_id, 0, event_type, data, command_id)
    except Conflict:
        existing = load(table, aggregate_id)
        if command_id and existing and existing[0].get("CommandId") == command_id:
            return {"aggregateId": aggregate_id, "version": int(existing[-1]["EventSequence"]), "duplicate": True}
        raise
    return {"aggregateId": aggregate_id, "version": 1}


def create_user(command):
    data = {"email": _email(command), "name": _text(command, "name")}
    return _create("user", "UserCreated", data, command)


def update_user_profile(command):
    user_id = _text(command, "userId")
    changes = {}
    if "name" in command:
        changes["name"] = _text(command, "name")
    if "email" in command:
        changes["email"] = _email(command)
    if not changes:
        raise BadCommand("give `name` or `email` to change")
    _, version = _current(user_id, "User", _expected(command))
    append(table, user_id, version, "UserProfileUpdated", {"userId": user_id, **changes})
    return {"aggregateId": user_id, "version": version + 1}


def create_order(command):
    user_id = _text(command, "userId")
    items = command.get("items")
    if not isinstance(items, list) or not items:
        raise BadCommand("`items` must be a non-empty list")
    total = Decimal(0)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadCommand(f"`items[{i}]` must be an object")
        _text(item, "product")
        quantity, price = item.get("quantity"), item.get("price")
        if not _number(quantity) or quantity != int(quantity) or quantity < 1:
            raise BadCommand(f"`items[{i}].quantity` must be a whole number, 1 or more")
        if not _number(price) or price < 0:
            raise BadCommand(f"`items[{i}].price` must be a number, 0 or more")
        total += Decimal(quantity) * Decimal(price)
    amount = command.get("totalAmount")
    if not _number(amount) or amount < 0:
        raise BadCommand("`totalAmount` must be a number, 0 or more")
    if abs(Decimal(amount) - total) > Decimal("0.01"):
        raise BadCommand(f"`totalAmount` {amount} is not the sum of the items ({total})")
    _current(user_id, "User", None)
    order = {"userId": user_id, "items": items, "totalAmount": amount, "status": "PENDING"}
    return _create("order", "OrderCreated", order, command)


def update_order_status(command):
    order_id = _text(command, "orderId")
    status = command.get("status")
    if status not in STATUSES:
        raise BadCommand(f"`status` must be one of: {', '.join(STATUSES)}")
    events, version = _current(order_id, "Order", _expected(command))
    current = "PENDING"
    for e in events:
        if e["EventType"] == "OrderStatusUpdated":
            current = e["EventData"]["status"]
    if status not in NEXT_STATUS[current]:
        raise Conflict(f"order {order_id} is {current}; it cannot become {status}")
    append(table, order_id, version, "OrderStatusUpdated", {"orderId": order_id, "status": status, "previousStatus": current})
    return {"aggregateId": order_id, "version": version + 1}


COMMANDS = {
    "CreateUser": create_user,
    "UpdateUserProfile": update_user_profile,
    "CreateOrder": create_order,
    "UpdateOrderStatus": update_order_status,
}


def lambda_handler(event, context):
    try:
        command = event
        if isinstance(event, dict) and "body" in event:
            body = event["body"]
            try:
                command = from_json(body) if isinstance(body, str) else body
            except ValueError as e:
                raise BadCommand(f"the body is not JSON: {e}") from e
        if not isinstance(command, dict):
            raise BadCommand("the command must be a JSON object")
        command = to_decimal(command)
        handler = COMMANDS.get(command.get("commandType"))
        if handler is None:
            raise BadCommand(f"`commandType` must be one of: {', '.join(COMMANDS)}")
        return response(200, handler(command))
    except BadCommand as e:
        return response(400, {"error": str(e)})
    except NotFound as e:
        return response(404, {"error": str(e)})
    except Conflict as e:
        return response(409, {"error": str(e)})
