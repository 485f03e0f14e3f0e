"""The transactional outbox: the command handler only appends; the library's publisher reads
the table's stream (moto's, through the mapping's filter in the template) and puts each
stored event on the bus. Every stored event reaches the bus at least once, whatever PutEvents does, and nothing reaches the
bus that was not stored. (EventBridge keeps no order; the projections apply events in
sequence order, see test_recipe_consistency.py.)"""
import json

import pytest

from test_recipe_consistency import OPEN, deposit


def stored(recipe):
    items = recipe.table("EventStore").scan()["Items"]
    return sorted((i["AggregateId"], int(i["EventSequence"])) for i in items)


def on_bus(events):
    return [(e["detail"]["AggregateId"], int(e["detail"]["EventSequence"])) for e in events]


def with_put_events(recipe, replacement):
    """Runs the publisher on the next delivery with PutEvents replaced; returns the records
    delivered and the publisher's answer."""
    publisher = recipe.modules["event_store_publisher"]
    records = recipe.stream_records(recipe.mapping_of("event_store_publisher"))
    real = publisher.events_client.put_events
    publisher.events_client.put_events = replacement(real)
    try:
        return records, publisher.lambda_handler(records, None)
    finally:
        publisher.events_client.put_events = real


def retry(recipe, records, answer):
    """What Lambda does with a partial batch failure: invoke again from the lowest failed
    sequence number on."""
    failed = min(int(f["itemIdentifier"]) for f in answer["batchItemFailures"])
    again = {"Records": [r for r in records["Records"] if int(r["dynamodb"]["SequenceNumber"]) >= failed]}
    return recipe.modules["event_store_publisher"].lambda_handler(again, None)


def test_the_command_role_cannot_publish_and_the_outbox_can(template):
    resources = template["Resources"]

    def actions_of(function_prefix):
        (function,) = [r for lid, r in resources.items() if lid.startswith(function_prefix) and r["Type"] == "AWS::Lambda::Function"]
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        documents = [p["PolicyDocument"] for p in resources[role]["Properties"].get("Policies", [])]
        documents += [r["Properties"]["PolicyDocument"] for r in resources.values() if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"]]
        return {a for d in documents for s in d["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}

    assert "events:PutEvents" not in actions_of("HandlersCommand")
    assert "events:PutEvents" in actions_of("HandlersOutboxPublisher")
    (mapping,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert mapping["MaximumRetryAttempts"] == -1, "an outbox retries until the records expire"
    assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": '{"eventName":["INSERT"]}'}]}
    assert "OnFailure" in mapping["DestinationConfig"]


def test_every_stored_event_reaches_the_bus_once_when_nothing_fails(recipe):
    recipe.command(OPEN)
    for amount in (1, 2, 3):
        recipe.command(deposit(amount))
    events = recipe.delivered()
    assert on_bus(events) == stored(recipe) == [("acc-1", s) for s in (1, 2, 3, 4)]
    assert all(e["source"] == "event-sourcing.financial" for e in events)
    assert [e["detail-type"] for e in events] == ["AccountCreated"] + ["TransactionProcessed"] * 3
    assert recipe.publish() == {"batchItemFailures": []} and recipe.routed() == [], "published once per record"


def test_a_refused_entry_is_retried_and_nothing_is_lost(recipe):
    recipe.command(OPEN)
    for amount in (1, 2):
        recipe.command(deposit(amount))

    def second_refused(real):
        # EventBridge accepts the others: a refusal is per entry.
        def put_events(Entries):
            kept = [e for i, e in enumerate(Entries) if i != 1]
            accepted = real(Entries=kept)["Entries"]
            outcomes = accepted[:1] + [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}] + accepted[1:]
            return {"FailedEntryCount": 1, "Entries": outcomes}

        return put_events

    records, answer = with_put_events(recipe, second_refused)
    second = records["Records"][1]["dynamodb"]["SequenceNumber"]
    assert min(f["itemIdentifier"] for f in answer["batchItemFailures"]) == second, "Lambda retries from the refused record"
    assert on_bus(recipe.routed()) == [("acc-1", 1), ("acc-1", 3)]
    assert retry(recipe, records, answer) == {"batchItemFailures": []}
    assert on_bus(recipe.routed()) == [("acc-1", 2), ("acc-1", 3)], "at least once: 3 again"


def test_a_failed_put_events_call_loses_nothing(recipe):
    recipe.command(OPEN)
    recipe.command(deposit(5))

    def throttled(real):
        def put_events(Entries):
            raise RuntimeError("ThrottlingException: Rate exceeded")

        return put_events

    records, answer = with_put_events(recipe, throttled)
    assert len(answer["batchItemFailures"]) == 2 and recipe.routed() == []
    assert retry(recipe, records, answer) == {"batchItemFailures": []}
    assert on_bus(recipe.routed()) == stored(recipe)


def test_a_change_to_a_stored_item_is_not_published(recipe):
    recipe.command(OPEN)
    recipe.delivered()
    # An operator's edit of a stored event: the mapping's filter lets only inserts through.
    recipe.table("EventStore").update_item(
        Key={"AggregateId": "acc-1", "EventSequence": 1}, UpdateExpression="SET Note = :n", ExpressionAttributeValues={":n": "x"}
    )
    assert recipe.stream_records(recipe.mapping_of("event_store_publisher")) == {"Records": []}
    assert recipe.delivered() == []


def test_the_publisher_itself_skips_what_is_not_an_insert(recipe):
    recipe.command(OPEN)
    records = recipe.stream_records(recipe.mapping_of("event_store_publisher"))
    records["Records"][0]["eventName"] = "MODIFY"
    assert recipe.modules["event_store_publisher"].lambda_handler(records, None) == {"batchItemFailures": []}
    assert recipe.routed() == []


def test_an_event_too_large_for_the_bus_is_refused_at_write_time(recipe):
    recipe.command(OPEN)
    big = deposit(1)
    big["eventData"]["memo"] = "x" * (256 * 1024)
    status, body = recipe.command(big)
    assert status == 400 and "the bus takes at most" in body["error"]
    assert stored(recipe) == [("acc-1", 1)]


def test_the_published_detail_is_the_stored_event(recipe):
    recipe.command(OPEN)
    status, _ = recipe.command(deposit(100.25))
    assert status == 200
    (_, transaction) = recipe.delivered()
    item = recipe.table("EventStore").get_item(Key={"AggregateId": "acc-1", "EventSequence": 2})["Item"]
    assert transaction["detail"]["EventData"]["amount"] == pytest.approx(100.25)
    assert set(transaction["detail"]) == set(item)
    assert json.loads(json.dumps(transaction["detail"]))["EventId"] == item["EventId"]
