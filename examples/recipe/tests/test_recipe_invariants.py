"""The account's rules hold at write time: a command its state cannot take is refused with
409 and stores nothing, and a command sent again with its `commandId` is answered with the
first event and stores nothing, so an ordinary retry can never poison the event store."""
from test_recipe_consistency import OPEN, deposit, race, sequences

CLOSE = {"aggregateId": "acc-1", "eventType": "AccountClosed", "eventData": {"closedAt": "2024-02-01T00:00:00Z"}}


def test_an_account_is_created_once(recipe):
    assert recipe.command(OPEN)[0] == 200
    status, body = recipe.command(OPEN)
    assert (status, body["error"]) == (409, "account acc-1 already exists")
    assert sequences(recipe) == [(1, None)]


def test_a_transaction_on_an_account_that_does_not_exist(recipe):
    status, body = recipe.command(deposit(10))
    assert status == 409
    assert body["error"] == "account acc-1 does not exist: send AccountCreated first"
    assert sequences(recipe) == []
    assert recipe.command(CLOSE)[0] == 409
    assert sequences(recipe) == []


def test_a_closed_account_takes_nothing_more(recipe):
    recipe.command(OPEN)
    recipe.command(deposit(10))
    assert recipe.command(CLOSE)[0] == 200
    for command in (deposit(5), CLOSE, OPEN):
        status, body = recipe.command(command)
        assert status == 409, command
        assert body["error"] in ("account acc-1 is closed", "account acc-1 already exists")
    assert [s for s, _ in sequences(recipe)] == [1, 2, 3]


def test_every_stored_event_applies_to_the_projection(recipe):
    # What used to poison the projection: a second creation, a transaction on a closed account.
    recipe.command(OPEN)
    recipe.command(OPEN)
    recipe.command(deposit(10))
    recipe.command(CLOSE)
    recipe.command(deposit(20))
    assert recipe.project(recipe.delivered()) == ["applied"] * 3
    summary = recipe.summary("acc-1")
    assert (summary["Balance"], summary["Status"], int(summary["LastSequence"])) == (10, "Closed", 3)


def test_a_retried_command_gets_the_first_answer_and_stores_nothing(recipe):
    recipe.command(OPEN)
    first = recipe.command(deposit(10, commandId="cmd-1"))
    again = recipe.command(deposit(10, commandId="cmd-1"))
    assert first[0] == again[0] == 200
    assert {k: first[1][k] for k in ("eventId", "sequence")} == {k: again[1][k] for k in ("eventId", "sequence")}
    assert sequences(recipe) == [(1, None), (2, 10)]
    # The same command id with an expected sequence that has moved on: still the first answer.
    status, body = recipe.command(deposit(10, commandId="cmd-1", expectedSequence=1))
    assert (status, body["eventId"]) == (200, first[1]["eventId"])
    # Another command id is another command.
    assert recipe.command(deposit(10, commandId="cmd-2"))[1]["sequence"] == 3


def test_two_copies_of_a_command_racing_store_one_event(recipe):
    recipe.command(OPEN)
    results = race(recipe, [deposit(10, commandId="cmd-1"), deposit(10, commandId="cmd-1")])
    assert [status for status, _ in results] == [200, 200], results
    assert results[0][1]["eventId"] == results[1][1]["eventId"]
    assert sequences(recipe) == [(1, None), (2, 10)]
