"""An event the projection cannot apply is parked, never retried forever: the summary says
so, the event goes to the dead-letter queue with the reason, the account's later events are
held, and after a fix the account catches up from the store."""
import json
from decimal import Decimal

from test_recipe_consistency import OPEN, deposit


def store_directly(recipe, sequence, event_type, data):
    """An event written by something other than our command handler (an older version, a
    migration): the store holds it, so the outbox publishes it."""
    recipe.table("EventStore").put_item(
        Item={
            "EventId": f"legacy-{sequence}",
            "AggregateId": "acc-1",
            "EventSequence": sequence,
            "EventType": event_type,
            "EventData": data,
            "Timestamp": "2024-01-15T11:00:00.000000Z",
            "Version": "1.0",
        }
    )


def parked_account(recipe):
    recipe.command(OPEN)
    recipe.command(deposit(10))
    store_directly(recipe, 3, "TransactionProcessed", {"amount": "ten"})
    recipe.command(deposit(5))
    return recipe.delivered()


def test_an_event_it_cannot_apply_is_parked_with_the_reason(recipe):
    events = parked_account(recipe)
    assert recipe.project(events) == ["applied", "applied", "parked", "held"]
    summary = recipe.summary("acc-1")
    assert summary["Balance"] == 10 and summary["LastSequence"] == 2
    assert summary["ParkedSequence"] == 3
    assert summary["ParkedReason"] == "`EventData.amount` is 'ten', not a finite number"
    (message,) = recipe.messages("HandlersDeadLetterQueue")
    body = json.loads(message["Body"])
    assert body["reason"] == summary["ParkedReason"] and body["event"]["EventSequence"] == 3
    assert message["MessageAttributes"]["sequence"]["StringValue"] == "3"
    # The query answer shows it: the summary is stale, and why.
    status, answer = recipe.query({"queryType": "getAccountSummary", "accountId": "acc-1"})
    assert status == 200 and answer["ParkedSequence"] == 3


def test_a_parked_account_holds_later_events_without_failing(recipe):
    events = parked_account(recipe)
    recipe.project(events)
    recipe.messages("HandlersDeadLetterQueue")
    # Delivered again (a retry, a replay): held or parked again, never an error to retry.
    assert recipe.project(events) == ["duplicate", "duplicate", "parked", "held"]
    assert recipe.summary("acc-1")["Balance"] == 10


def test_after_a_fix_the_parked_event_applies_and_the_account_catches_up(recipe, monkeypatch):
    events = parked_account(recipe)
    recipe.project(events)
    projection = recipe.modules["projection_handler"]
    # The fix: a projection that reads amounts written as words.
    words = {"ten": Decimal(10)}
    real = projection._amount
    monkeypatch.setattr(projection, "_amount", lambda data: words.get(data.get("amount")) or real(data))
    # The operator replays the parked event: it applies and the mark is cleared; the held
    # event applies when it comes again (or the next event catches up from the store).
    assert recipe.project([events[2]]) == ["applied"]
    summary = recipe.summary("acc-1")
    assert "ParkedSequence" not in summary and "ParkedReason" not in summary and summary["Balance"] == 20
    recipe.command(deposit(1))
    (latest,) = recipe.delivered()
    assert recipe.project([latest]) == ["applied"]
    summary = recipe.summary("acc-1")
    assert (summary["Balance"], summary["LastSequence"]) == (26, 5)


def test_a_creation_it_cannot_apply_is_parked_too(recipe):
    store_directly(recipe, 1, "AccountCreated", "not an object")
    (created,) = recipe.delivered()
    assert recipe.project([created]) == ["parked"]
    summary = recipe.summary("acc-1")
    assert summary["ParkedSequence"] == 1 and summary["LastSequence"] == 0
    assert "`EventData` is str" in summary["ParkedReason"]
