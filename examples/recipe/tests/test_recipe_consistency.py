"""The consistency rules: a conditional append (two concurrent appends to one aggregate can
never both take a sequence number), and an idempotent, ordered projection."""
import sys
import threading

import pytest

OPEN = {"aggregateId": "acc-1", "eventType": "AccountCreated", "eventData": {"createdAt": "2024-01-01T00:00:00Z"}}


def deposit(amount, **extra):
    return {"aggregateId": "acc-1", "eventType": "TransactionProcessed", "eventData": {"amount": amount}, **extra}


def race(recipe, commands):
    """Runs commands concurrently, every one reading the aggregate's last sequence before
    any of them writes: the window the recipe's handler lost events in."""
    store = sys.modules["event_store"]
    real_latest = store.latest_event
    barrier = threading.Barrier(len(commands))
    first_read_done = threading.local()

    def stale_latest(table, aggregate_id):
        value = real_latest(table, aggregate_id)
        if not getattr(first_read_done, "yes", False):
            first_read_done.yes = True
            barrier.wait(timeout=10)
        return value

    store.latest_event = stale_latest
    # moto is one process: serialize the calls into it, keep the race in the handler.
    table = recipe.modules["command_handler"].table
    real_put, lock = table.put_item, threading.Lock()

    def serialized_put(**kwargs):
        with lock:
            return real_put(**kwargs)

    table.put_item = serialized_put
    results = [None] * len(commands)

    def run(i):
        results[i] = recipe.command(commands[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.latest_event = real_latest
    table.put_item = real_put
    return results


def sequences(recipe):
    items = recipe.table("EventStore").query(
        KeyConditionExpression="AggregateId = :a", ExpressionAttributeValues={":a": "acc-1"}
    )["Items"]
    return [(int(i["EventSequence"]), i["EventData"].get("amount")) for i in items]


def test_concurrent_appends_with_the_same_expectation_exactly_one_wins(recipe):
    recipe.command(OPEN)
    results = race(recipe, [deposit(10, expectedSequence=1), deposit(20, expectedSequence=1)])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert "acc-1" in loser["error"]
    # Exactly one event took sequence 2; nothing was overwritten.
    assert [s for s, _ in sequences(recipe)] == [1, 2]


def test_concurrent_appends_without_expectation_all_land_in_order(recipe):
    recipe.command(OPEN)
    results = race(recipe, [deposit(10), deposit(20), deposit(30)])
    assert all(status == 200 for status, _ in results), results
    assert sorted(body["sequence"] for _, body in results) == [2, 3, 4]
    assert sorted(amount for _, amount in sequences(recipe)[1:]) == [10, 20, 30]


def test_stale_expectation_is_a_conflict(recipe):
    recipe.command(OPEN)
    assert recipe.command(deposit(10, expectedSequence=1))[0] == 200
    status, body = recipe.command(deposit(10, expectedSequence=1))
    assert status == 409 and "not the expected 1" in body["error"]


def test_duplicate_delivery_does_not_change_the_projection(recipe):
    recipe.command(OPEN)
    recipe.command(deposit(100))
    events = recipe.delivered()
    assert recipe.project(events) == ["applied", "applied"]
    before = recipe.summary("acc-1")
    # At-least-once: every event delivered again, in any order.
    assert recipe.project(list(reversed(events)) + events) == ["duplicate"] * 4
    assert recipe.summary("acc-1") == before


def test_a_replay_of_the_archive_leaves_projections_unchanged(recipe):
    recipe.command(OPEN)
    for amount in (5, 7, 11):
        recipe.command(deposit(amount))
    events = recipe.delivered()
    recipe.project(events)
    before = recipe.summary("acc-1")
    assert before["Balance"] == 23
    # A replay re-sends the archived events in order: nothing is applied twice.
    assert recipe.project(events) == ["duplicate"] * 4
    assert recipe.summary("acc-1") == before


def test_an_early_event_catches_up_from_the_store(recipe):
    recipe.command(OPEN)
    recipe.command(deposit(1))
    recipe.command(deposit(2))
    created, first, second = recipe.delivered()
    recipe.project([created])
    # Event 2's delivery is late (or lost): event 3 reads it from the store, applies it,
    # then itself.
    assert recipe.project([second]) == ["applied"]
    summary = recipe.summary("acc-1")
    assert (summary["Balance"], summary["TransactionCount"], summary["LastSequence"]) == (3, 2, 3)
    assert recipe.project([first]) == ["duplicate"]
    assert recipe.summary("acc-1") == summary


def test_a_transaction_before_its_creation_catches_up(recipe):
    recipe.command(OPEN)
    recipe.command(deposit(1))
    created, first = recipe.delivered()
    assert recipe.project([first, created]) == ["applied", "duplicate"]
    assert recipe.summary("acc-1")["Balance"] == 1


def test_an_event_the_store_does_not_hold_yet_is_retried(recipe):
    projection = recipe.modules["projection_handler"]
    recipe.command(OPEN)
    (created,) = recipe.delivered()
    recipe.project([created])
    ahead = {**created, "detail": {**created["detail"], "EventSequence": 3, "EventType": "AccountClosed"}}
    with pytest.raises(projection.OutOfOrder, match="does not hold event 2 yet"):
        recipe.project([ahead])
    assert recipe.summary("acc-1")["LastSequence"] == 1
