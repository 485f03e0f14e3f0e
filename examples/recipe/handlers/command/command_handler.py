"""Command handler of the recipe "Event Sourcing with EventBridge and DynamoDB".

Turns a command into an event, stores it in the event store, then publishes it to the bus
(store first, then publish). The append is a conditional put on (AggregateId,
EventSequence), so two concurrent commands on one aggregate cannot both take the same
sequence number: the loser gets a 409 instead of silently overwriting an event (the
recipe's handler had that race).

Environment (set by the CqrsLambdas construct): EVENT_STORE_TABLE, EVENT_BUS_NAME,
EVENT_SOURCE.
"""
import json
import os
import uuid
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

events_client = boto3.client("events")
dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(os.environ["EVENT_STORE_TABLE"])
EVENT_SOURCE = os.environ.get("EVENT_SOURCE", "event-sourcing.financial")


def lambda_handler(event, context):
    try:
        command = json.loads(event["body"]) if "body" in event else event

        event_id = str(uuid.uuid4())
        aggregate_id = command["aggregateId"]
        event_type = command["eventType"]
        event_data = command["eventData"]

        # Next sequence number for this aggregate.
        response = table.query(
            KeyConditionExpression="AggregateId = :aid",
            ExpressionAttributeValues={":aid": aggregate_id},
            ScanIndexForward=False,
            Limit=1,
        )
        next_sequence = 1
        if response["Items"]:
            next_sequence = int(response["Items"][0]["EventSequence"]) + 1

        timestamp = datetime.now(timezone.utc).isoformat()
        event_record = {
            "EventId": event_id,
            "AggregateId": aggregate_id,
            "EventSequence": next_sequence,
            "EventType": event_type,
            "EventData": event_data,
            "Timestamp": timestamp,
            "Version": "1.0",
        }

        # Store first: the put fails if another writer took this sequence number.
        try:
            table.put_item(
                Item=event_record,
                ConditionExpression="attribute_not_exists(AggregateId)",
            )
        except ClientError as e:
            if e.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return {
                    "statusCode": 409,
                    "body": json.dumps(
                        {"error": f"concurrent write to {aggregate_id} at sequence {next_sequence}: retry the command"}
                    ),
                }
            raise

        # Then publish.
        events_client.put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": event_type,
                    "Detail": json.dumps(event_record, default=str),
                    "EventBusName": os.environ["EVENT_BUS_NAME"],
                }
            ]
        )

        return {
            "statusCode": 200,
            "body": json.dumps({"eventId": event_id, "aggregateId": aggregate_id, "sequence": next_sequence}),
        }

    except Exception as e:  # the recipe's catch-all, kept until issue #4 refines it
        print(f"Error processing command: {str(e)}")
        return {"statusCode": 500, "body": json.dumps({"error": str(e)})}
