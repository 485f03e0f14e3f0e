"""The recipe's "Validation & Testing" walk-through, end to end through the real handlers:
create an account, process a transaction, read the event store, project, query,
reconstruct."""
from decimal import Decimal

ACCOUNT_CREATED = {
    "aggregateId": "account-123",
    "eventType": "AccountCreated",
    "eventData": {
        "accountId": "account-123",
        "customerId": "customer-456",
        "accountType": "checking",
        "createdAt": "2024-01-15T10:00:00Z",
    },
}
TRANSACTION = {
    "aggregateId": "account-123",
    "eventType": "TransactionProcessed",
    "eventData": {"transactionId": "tx-789", "amount": 100.50, "type": "deposit", "timestamp": "2024-01-15T10:30:00Z"},
}


def test_walkthrough(recipe):
    # 1. Test command processing.
    status, body = recipe.command(ACCOUNT_CREATED)
    assert status == 200, body
    assert body == {"eventId": body["eventId"], "aggregateId": "account-123", "sequence": 1}
    # 2. Test transaction processing (a float amount: the recipe's handler could not store it).
    status, body = recipe.command(TRANSACTION)
    assert (status, body["sequence"]) == (200, 2), body

    # 3. Verify the event store: both events, in order.
    items = recipe.table("EventStore").query(
        KeyConditionExpression="AggregateId = :aid", ExpressionAttributeValues={":aid": "account-123"}
    )["Items"]
    assert [(i["EventSequence"], i["EventType"]) for i in items] == [(1, "AccountCreated"), (2, "TransactionProcessed")]
    assert items[1]["EventData"]["amount"] == Decimal("100.5")

    # 4. Verify the read model: the outbox published both stored events from the table's
    # stream, and the rule routed them to the projection.
    assert recipe.routed() == [], "the command handler itself publishes nothing"
    assert recipe.publish() == {"batchItemFailures": []}
    routed = recipe.routed()
    assert [e["detail-type"] for e in routed] == ["AccountCreated", "TransactionProcessed"]
    assert all(e["source"] == "event-sourcing.financial" for e in routed)
    assert recipe.project(routed) == ["applied", "applied"]
    summary = recipe.summary("account-123")
    assert summary["Balance"] == Decimal("100.5") and summary["TransactionCount"] == 1 and summary["Status"] == "Active"

    status, body = recipe.query({"queryType": "getAccountSummary", "accountId": "account-123"})
    assert status == 200 and body["Balance"] == 100.5

    # 5. Test event reconstruction, now and as of sequence 1.
    status, body = recipe.query({"queryType": "reconstructState", "aggregateId": "account-123"})
    assert status == 200
    assert body["reconstructedState"]["balance"] == 100.5 and body["eventsProcessed"] == 2
    status, body = recipe.query({"queryType": "reconstructState", "aggregateId": "account-123", "upToSequence": 1})
    assert body["reconstructedState"] == {
        "balance": 0,
        "status": "Active",
        "transactionCount": 0,
        "createdAt": "2024-01-15T10:00:00Z",
        "closedAt": None,
    }

    status, body = recipe.query({"queryType": "getAggregateEvents", "aggregateId": "account-123"})
    assert (status, body["eventCount"]) == (200, 2)
    status, body = recipe.query({"queryType": "getEventsByType", "eventType": "TransactionProcessed"})
    assert (status, body["count"]) == (200, 1)
    status, body = recipe.query(
        {"queryType": "getEventsByTimeRange", "startTime": "2000-01-01T00:00:00Z", "endTime": "2100-01-01T00:00:00Z"}
    )
    assert (status, [e["EventSequence"] for e in body["events"]]) == (200, [1, 2])
    status, body = recipe.query(
        {"queryType": "getEventsByTimeRange", "startTime": "2000-01-01T00:00:00Z", "endTime": "2000-01-02T00:00:00Z"}
    )
    assert (status, body["count"]) == (200, 0)


def test_api_gateway_body_is_accepted(recipe):
    status, body = recipe.command({"body": '{"aggregateId": "a-1", "eventType": "AccountCreated", "eventData": {}}'})
    assert (status, body["sequence"]) == (200, 1)
    status, body = recipe.query({"body": '{"queryType": "getAggregateEvents", "aggregateId": "a-1"}'})
    assert (status, body["eventCount"]) == (200, 1)


def test_closing_an_account(recipe):
    recipe.command(ACCOUNT_CREATED)
    recipe.command(TRANSACTION)
    recipe.command({"aggregateId": "account-123", "eventType": "AccountClosed", "eventData": {"closedAt": "2024-02-01T00:00:00Z"}})
    assert recipe.project(recipe.delivered()) == ["applied"] * 3
    assert recipe.summary("account-123")["Status"] == "Closed"
    status, body = recipe.query({"queryType": "reconstructState", "aggregateId": "account-123"})
    assert body["reconstructedState"]["status"] == "Closed"


def test_a_time_range_query_reads_only_what_its_limit_needs(recipe):
    recipe.command(ACCOUNT_CREATED)
    for i in range(40):
        status, _ = recipe.command({**TRANSACTION, "eventData": {**TRANSACTION["eventData"], "transactionId": f"tx-{i}"}})
        assert status == 200
    table = recipe.modules["query_handler"].event_store_table
    real_query, read = table.query, []

    def counting(**kwargs):
        page = real_query(**kwargs)
        read.append(len(page["Items"]))
        return page

    table.query = counting
    try:
        status, body = recipe.query(
            {"queryType": "getEventsByTimeRange", "startTime": "2000-01-01T00:00:00Z", "endTime": "2100-01-01T00:00:00Z", "limit": 3}
        )
    finally:
        table.query = real_query
    assert status == 200 and body["count"] == 3
    assert [e["EventSequence"] for e in body["events"]] == [1, 2, 3], "the earliest three"
    assert sum(read) <= 3 * 2 * 3, f"read {sum(read)} items for 3 (pages {read})"
