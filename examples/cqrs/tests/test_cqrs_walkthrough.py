"""The recipe's "Testing the Deployment": create a user, create an order, query the read
models; then change both and see the read models follow."""


def create_user(service, **extra):
    status, body = service.command(
        {"commandType": "CreateUser", "email": "john.doe@example.com", "name": "John Doe", "commandId": "cmd-001", **extra}
    )
    assert status == 200, body
    return body["aggregateId"]


def create_order(service, user_id):
    status, body = service.command(
        {
            "commandType": "CreateOrder",
            "userId": user_id,
            "items": [{"product": "laptop", "quantity": 1, "price": 999.99}],
            "totalAmount": 999.99,
        }
    )
    assert status == 200, body
    return body["aggregateId"]


def test_walkthrough(service):
    user_id = create_user(service)
    order_id = create_order(service, user_id)
    assert user_id.startswith("user-") and order_id.startswith("order-")
    # The commands only appended; the outbox publishes, the rules route, the
    # projections apply.
    assert service.flow() == ["applied", "applied"]

    status, profile = service.query({"queryType": "GetUserProfile", "userId": user_id})
    assert status == 200 and profile["Name"] == "John Doe" and profile["Email"] == "john.doe@example.com"
    status, by_email = service.query({"queryType": "GetUserByEmail", "email": "John.Doe@example.com"})
    assert status == 200 and by_email["UserId"] == user_id
    status, orders = service.query({"queryType": "GetOrdersByUser", "userId": user_id})
    assert status == 200 and orders["count"] == 1
    assert orders["orders"][0]["OrderId"] == order_id and orders["orders"][0]["TotalAmount"] == 999.99
    status, pending = service.query({"queryType": "GetOrdersByStatus", "status": "PENDING"})
    assert (status, pending["count"]) == (200, 1)

    assert service.command({"commandType": "UpdateOrderStatus", "orderId": order_id, "status": "CONFIRMED"})[0] == 200
    assert service.command({"commandType": "UpdateUserProfile", "userId": user_id, "name": "John Q. Doe", "expectedVersion": 1})[0] == 200
    assert sorted(service.flow()) == ["applied", "applied"]
    assert service.query({"queryType": "GetOrdersByStatus", "status": "PENDING"})[1]["count"] == 0
    assert service.query({"queryType": "GetOrdersByStatus", "status": "CONFIRMED"})[1]["count"] == 1
    assert service.query({"queryType": "GetUserProfile", "userId": user_id})[1]["Name"] == "John Q. Doe"

    events = service.table("EventStore").scan()["Items"]
    assert sorted(e["EventType"] for e in events) == ["OrderCreated", "OrderStatusUpdated", "UserCreated", "UserProfileUpdated"]


def test_user_and_order_events_go_to_their_own_projection(service):
    user_id = create_user(service)
    create_order(service, user_id)
    service.publish()
    assert [e["detail-type"] for e in service.routed("UserProjection")] == ["UserCreated"]
    assert [e["detail-type"] for e in service.routed("OrderProjection")] == ["OrderCreated"]
