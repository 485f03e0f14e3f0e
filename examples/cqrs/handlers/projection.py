"""The projections' rule: apply an event only at the version after the one stored.

Each read-model item carries `Version`, the sequence number of the last event applied. An
event at Version + 1 is applied in one conditional write; an event at or below Version is a
duplicate or a replay and is skipped; an event further ahead raises OutOfOrder so the
invocation fails, is retried later, and ends in the dead-letter queue if the gap stays.
"""
from botocore.exceptions import ClientError


class OutOfOrder(Exception):
    pass


def _conditional_failed(e):
    return e.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _skip_or_raise(table, key, sequence):
    current = table.get_item(Key=key, ConsistentRead=True).get("Item")
    version = int(current["Version"]) if current else 0
    if sequence <= version:
        return "duplicate"
    raise OutOfOrder(f"{key}: event {sequence} arrived before event {version + 1}")


def create(table, key: dict, sequence: int, item: dict) -> str:
    try:
        table.put_item(Item={**key, **item, "Version": sequence}, ConditionExpression="attribute_not_exists(Version)")
        return "applied"
    except ClientError as e:
        if not _conditional_failed(e):
            raise
        return _skip_or_raise(table, key, sequence)


def update(table, key: dict, sequence: int, changes: dict) -> str:
    names = {f"#f{i}": k for i, k in enumerate(changes)}
    values = {f":v{i}": v for i, v in enumerate(changes.values())}
    assignments = [f"#f{i} = :v{i}" for i in range(len(changes))] + ["Version = :seq"]
    kwargs = {
        "Key": key,
        "UpdateExpression": "SET " + ", ".join(assignments),
        "ConditionExpression": "Version = :previous",
        "ExpressionAttributeValues": {**values, ":seq": sequence, ":previous": sequence - 1},
    }
    if names:
        kwargs["ExpressionAttributeNames"] = names
    try:
        table.update_item(**kwargs)
        return "applied"
    except ClientError as e:
        if not _conditional_failed(e):
            raise
        return _skip_or_raise(table, key, sequence)
