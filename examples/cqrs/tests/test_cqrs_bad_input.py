"""Bad commands and queries get 400 with what is wrong; unknown users and orders get 404."""
import pytest

from test_cqrs_walkthrough import create_user

ORDER = {"commandType": "CreateOrder", "items": [{"product": "pen", "quantity": 2, "price": 1.5}], "totalAmount": 3}


@pytest.mark.parametrize(
    "command, says",
    [
        ({"commandType": "DeleteEverything"}, "`commandType` must be one of: CreateUser"),
        ({"commandType": "CreateUser", "name": "A"}, "`email` must be a non-empty string"),
        ({"commandType": "CreateUser", "name": "A", "email": "not-an-address"}, "`email` is not an e-mail address"),
        ({"commandType": "CreateUser", "email": "a@example.com"}, "`name` must be a non-empty string"),
        ({"commandType": "UpdateUserProfile", "userId": "user-1"}, "give `name` or `email` to change"),
        ({"commandType": "UpdateUserProfile", "userId": "user-1", "name": "B", "expectedVersion": -2}, "`expectedVersion` must be a whole number"),
        ({**ORDER, "userId": "u", "items": []}, "`items` must be a non-empty list"),
        ({**ORDER, "userId": "u", "items": [{"product": "pen", "quantity": 0, "price": 1}]}, "`items[0].quantity` must be a whole number, 1 or more"),
        ({**ORDER, "userId": "u", "items": [{"product": "pen", "quantity": 1, "price": -1}]}, "`items[0].price` must be a number, 0 or more"),
        ({**ORDER, "userId": "u", "totalAmount": 4}, "`totalAmount` 4 is not the sum of the items (3.0)"),
        ({"commandType": "UpdateOrderStatus", "orderId": "o", "status": "LOST"}, "`status` must be one of: PENDING"),
        ({"body": "{oops"}, "the body is not JSON"),
    ],
)
def test_bad_command_is_400(service, command, says):
    status, body = service.command(command)
    assert status == 400, body
    assert says in body["error"]
    assert service.table("EventStore").scan()["Count"] == 0


def test_unknown_user_or_order_is_404(service):
    status, body = service.command({**ORDER, "userId": "user-nobody"})
    assert status == 404 and "no user user-nobody" in body["error"]
    status, body = service.command({"commandType": "UpdateOrderStatus", "orderId": "order-nobody", "status": "CONFIRMED"})
    assert status == 404 and "no order order-nobody" in body["error"]
    # A user id is not an order id.
    user_id = create_user(service)
    status, _ = service.command({"commandType": "UpdateOrderStatus", "orderId": user_id, "status": "CONFIRMED"})
    assert status == 404


@pytest.mark.parametrize(
    "query, status, says",
    [
        ({"queryType": "GetEverything"}, 400, "`queryType` must be one of: GetUserProfile"),
        ({"queryType": "GetUserProfile"}, 400, "`userId` must be a non-empty string"),
        ({"queryType": "GetUserProfile", "userId": "user-nobody"}, 404, "no user user-nobody"),
        ({"queryType": "GetUserByEmail", "email": "nobody@example.com"}, 404, "no user with e-mail nobody@example.com"),
        ({"queryType": "GetOrdersByStatus", "status": "LOST"}, 400, "`status` must be one of"),
    ],
)
def test_bad_or_missing_query(service, query, status, says):
    got, body = service.query(query)
    assert got == status, body
    assert says in body["error"]
