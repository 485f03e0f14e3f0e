"""Optimistic concurrency in the command handler, idempotent commands and projections (the
outbox publisher's own tests are in examples/recipe/tests/test_recipe_outbox.py)."""
import sys

from test_cqrs_walkthrough import create_order, create_user


def test_stale_expected_version_is_a_conflict(service):
    user_id = create_user(service)
    assert service.command({"commandType": "UpdateUserProfile", "userId": user_id, "name": "A", "expectedVersion": 1})[0] == 200
    status, body = service.command({"commandType": "UpdateUserProfile", "userId": user_id, "name": "B", "expectedVersion": 1})
    assert status == 409 and "not the expected 1" in body["error"]


def test_two_commands_decided_on_the_same_version_cannot_both_append(service):
    user_id = create_user(service)
    order_id = create_order(service, user_id)
    command = sys.modules["command_handler"]
    # Both commands read the order at version 1 before either writes.
    real_load = command.load
    snapshot = real_load(command.table, order_id)
    command.load = lambda table, aggregate_id: snapshot if aggregate_id == order_id else real_load(table, aggregate_id)
    first = service.command({"commandType": "UpdateOrderStatus", "orderId": order_id, "status": "CONFIRMED"})
    second = service.command({"commandType": "UpdateOrderStatus", "orderId": order_id, "status": "CANCELLED"})
    command.load = real_load
    assert first[0] == 200
    assert second[0] == 409 and "stale" in second[1]["error"], second
    events = [e for e in service.table("EventStore").scan()["Items"] if e["AggregateId"] == order_id]
    assert sorted(int(e["EventSequence"]) for e in events) == [1, 2]


def test_status_changes_follow_the_order_lifecycle(service):
    order_id = create_order(service, create_user(service))
    assert service.command({"commandType": "UpdateOrderStatus", "orderId": order_id, "status": "SHIPPED"})[0] == 409
    for status in ("CONFIRMED", "SHIPPED", "DELIVERED"):
        assert service.command({"commandType": "UpdateOrderStatus", "orderId": order_id, "status": status})[0] == 200
    status, body = service.command({"commandType": "UpdateOrderStatus", "orderId": order_id, "status": "CANCELLED"})
    assert status == 409 and "is DELIVERED; it cannot become CANCELLED" in body["error"]


def test_a_retried_create_with_the_same_command_id_creates_nothing_new(service):
    first = service.command({"commandType": "CreateUser", "email": "a@example.com", "name": "A", "commandId": "cmd-7"})
    again = service.command({"commandType": "CreateUser", "email": "a@example.com", "name": "A", "commandId": "cmd-7"})
    assert first[0] == again[0] == 200
    assert again[1] == {"aggregateId": first[1]["aggregateId"], "version": 1, "duplicate": True}
    assert service.table("EventStore").scan()["Count"] == 1


def test_duplicate_delivery_does_not_change_the_read_models(service):
    user_id = create_user(service)
    create_order(service, user_id)
    service.publish()
    user_events, order_events = service.routed("UserProjection"), service.routed("OrderProjection")
    users, orders = service.modules["user_projection"], service.modules["order_projection"]
    assert [users.lambda_handler(e, None)["outcome"] for e in user_events] == ["applied"]
    assert [orders.lambda_handler(e, None)["outcome"] for e in order_events] == ["applied"]
    before = service.table("UserProfiles").scan()["Items"], service.table("OrderSummaries").scan()["Items"]
    assert [users.lambda_handler(e, None)["outcome"] for e in user_events * 2] == ["duplicate", "duplicate"]
    assert [orders.lambda_handler(e, None)["outcome"] for e in order_events * 2] == ["duplicate", "duplicate"]
    after = service.table("UserProfiles").scan()["Items"], service.table("OrderSummaries").scan()["Items"]
    assert before == after


def test_an_update_before_its_create_is_out_of_order(service):
    import pytest

    user_id = create_user(service)
    service.command({"commandType": "UpdateUserProfile", "userId": user_id, "name": "B"})
    service.publish()
    created, updated = service.routed("UserProjection")
    users = service.modules["user_projection"]
    with pytest.raises(service.modules["projection"].OutOfOrder):
        users.lambda_handler(updated, None)
    assert [users.lambda_handler(e, None)["outcome"] for e in (created, updated)] == ["applied", "applied"]
