"""Order-confirmation notifications: pure logic, plain data in and out.

The worker is invoked asynchronously from two places with two shapes of event:

- an EventBridge rule, with the whole EventBridge event (the order is in ``detail``)::

    {"version": "0", "id": "...", "detail-type": "OrderPlaced", "source": "example.orders",
     "account": "...", "time": "...", "region": "...", "resources": [], "detail": {...order...}}

- the checkout function, with ``InvocationType=Event`` and the order itself as payload.

Both reduce to the same order, so the same order is confirmed once whichever way (or
however many times) it arrives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The EventBridge ``detail-type`` this worker understands.
ORDER_PLACED = "OrderPlaced"


class InvalidOrderError(ValueError):
    """The event carries no usable order; retrying will not help."""


def order_from_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The order inside an EventBridge event or a direct asynchronous invocation."""
    if "detail-type" in event and "detail" in event:
        if event["detail-type"] != ORDER_PLACED:
            raise InvalidOrderError(f"unexpected detail-type {event['detail-type']!r}, want {ORDER_PLACED!r}")
        payload = event["detail"]
    else:
        payload = event
    return validate_order(payload)


def validate_order(payload: Any) -> dict[str, Any]:
    """A normalised copy of the order, or ``InvalidOrderError`` naming what is missing."""
    if not isinstance(payload, Mapping):
        raise InvalidOrderError(f"order must be an object, got {type(payload).__name__}")
    order_id = payload.get("order_id")
    email = payload.get("customer_email")
    items = payload.get("items")
    if not isinstance(order_id, str) or not order_id:
        raise InvalidOrderError("order_id is missing or empty")
    if not isinstance(email, str) or "@" not in email:
        raise InvalidOrderError(f"order {order_id}: customer_email is missing or not an address")
    if not isinstance(items, list) or not items:
        raise InvalidOrderError(f"order {order_id}: items is missing or empty")
    normalised_items = []
    for item in items:
        if not isinstance(item, Mapping) or not item.get("sku"):
            raise InvalidOrderError(f"order {order_id}: every item needs a sku")
        quantity = item.get("quantity", 1)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise InvalidOrderError(f"order {order_id}: item {item['sku']} has quantity {quantity!r}")
        normalised_items.append({"sku": str(item["sku"]), "quantity": quantity})
    return {
        "order_id": order_id,
        "customer_email": email,
        "customer_name": str(payload.get("customer_name") or "customer"),
        "items": normalised_items,
    }


def build_confirmation(order: Mapping[str, Any]) -> dict[str, Any]:
    """The notification to send for a validated order: recipient, subject and text."""
    lines = [f"- {item['quantity']} x {item['sku']}" for item in order["items"]]
    count = sum(item["quantity"] for item in order["items"])
    return {
        "order_id": order["order_id"],
        "to": order["customer_email"],
        "subject": f"Your order {order['order_id']} is confirmed",
        "body": "\n".join(
            [f"Hello {order['customer_name']},", "", f"we received your order of {count} item(s):", *lines]
        ),
    }
