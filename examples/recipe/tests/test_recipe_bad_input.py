"""Bad commands and queries get 400 with a message that says what is wrong; missing things
get 404. Nothing is stored for a bad command."""
import pytest

GOOD = {"aggregateId": "acc-1", "eventType": "AccountCreated", "eventData": {}}


@pytest.mark.parametrize(
    "command, says",
    [
        ({**GOOD, "aggregateId": ""}, "`aggregateId` must be a non-empty string"),
        ({**GOOD, "aggregateId": 42}, "`aggregateId` must be a non-empty string"),
        ({k: v for k, v in GOOD.items() if k != "aggregateId"}, "`aggregateId`"),
        ({**GOOD, "aggregateId": "x" * 300}, "longer than 256"),
        ({**GOOD, "eventType": "AccountDeleted"}, "is not one of: AccountCreated, TransactionProcessed, AccountClosed"),
        ({**GOOD, "eventData": "nope"}, "`eventData` must be a JSON object"),
        ({**GOOD, "eventType": "TransactionProcessed", "eventData": {"amount": "100"}}, "`eventData.amount` must be a finite number"),
        ({**GOOD, "eventType": "TransactionProcessed", "eventData": {"amount": True}}, "`eventData.amount` must be a finite number"),
        ({**GOOD, "eventType": "TransactionProcessed", "eventData": {"amount": float("inf")}}, "finite number"),
        ({**GOOD, "eventData": {"createdAt": "yesterday"}}, "`eventData.createdAt` is not an ISO-8601 time"),
        ({**GOOD, "expectedSequence": -1}, "`expectedSequence` must be a whole number"),
        ({**GOOD, "expectedSequence": 1.5}, "`expectedSequence` must be a whole number"),
        ({**GOOD, "correlationId": ""}, "`correlationId` must be a non-empty string"),
        ({"body": "{not json"}, "the body is not JSON"),
        ({"body": "[1, 2]"}, "the body must be a JSON object"),
        ({"body": None}, "the request has no body"),
    ],
)
def test_bad_command_is_400(recipe, command, says):
    status, body = recipe.command(command)
    assert status == 400, body
    assert says in body["error"]
    assert recipe.table("EventStore").scan()["Count"] == 0
    assert recipe.delivered() == []


@pytest.mark.parametrize(
    "query, status, says",
    [
        ({"queryType": "dropTables"}, 400, "`queryType` must be one of: getAggregateEvents"),
        ({}, 400, "`queryType` must be one of"),
        ({"queryType": "getAccountSummary"}, 400, "`accountId` must be a non-empty string"),
        ({"queryType": "getAccountSummary", "accountId": "nobody"}, 404, "account nobody not found"),
        ({"queryType": "getAggregateEvents", "aggregateId": "nobody"}, 404, "no events for aggregate nobody"),
        ({"queryType": "reconstructState", "aggregateId": "acc-1", "upToSequence": 0}, 400, "`upToSequence` must be between 1"),
        ({"queryType": "reconstructState", "aggregateId": "acc-1", "upToSequence": "3"}, 400, "`upToSequence` must be a whole number"),
        ({"queryType": "getEventsByType", "eventType": "AccountCreated", "limit": 0}, 400, "`limit` must be between 1 and 1000"),
        ({"queryType": "getEventsByTimeRange", "endTime": "2024-01-01T00:00:00Z"}, 400, "`startTime` must be an ISO-8601 time"),
        ({"queryType": "getEventsByTimeRange", "startTime": "2024-02-01T00:00:00Z", "endTime": "2024-01-01T00:00:00Z"}, 400, "`startTime` is after `endTime`"),
        ({"body": "{"}, 400, "the body is not JSON"),
    ],
)
def test_bad_or_missing_query(recipe, query, status, says):
    recipe.command(GOOD)
    got, body = recipe.query(query)
    assert got == status, body
    assert says in body["error"]
