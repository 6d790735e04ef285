"""OrderEvents business logic: an order change on the table's stream -> the domain event
to publish, or nothing. Plain data in and out (images already deserialised), no AWS.

- ``INSERT`` of an order -> ``OrderPlaced`` with what the notification worker needs
  (``order_id``, ``customer_email``, ``items``) and the order's totals.
- ``MODIFY`` whose ``status`` changed -> ``OrderStatusChanged`` (from, to).
- Anything else (``REMOVE``, a modify that left the status alone) -> ``None``. The event
  source mapping's filters already keep these away; the check here keeps the handler
  right on its own.

An order without the fields an event needs is a poison record: it raises
``PoisonRecordError`` and goes, after bisection and the retries, to the on-failure
destination.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: Every status an order can have. The stream filters (stacks/order_pipeline.py) have one
#: "changed to X" pattern per status, so a new status must be added in both places.
STATUSES = ("PENDING", "PAID")
SOURCE = "example.orders"
ORDER_PLACED = "OrderPlaced"
ORDER_STATUS_CHANGED = "OrderStatusChanged"


class PoisonRecordError(ValueError):
    """A stream record that will fail however often it is retried."""


def project(event_name: str, old_image: dict[str, Any] | None, new_image: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{"detail_type", "detail"}`` for the change, or ``None`` when nothing is published."""
    if event_name == "INSERT":
        return {"detail_type": ORDER_PLACED, "detail": order_placed(new_image or {})}
    if event_name == "MODIFY":
        before, after = (old_image or {}).get("status"), (new_image or {}).get("status")
        if before == after:
            return None
        order_id = _required(new_image or {}, "id")
        if after not in STATUSES:
            raise PoisonRecordError(f"order {order_id}: unknown status {after!r}")
        return {
            "detail_type": ORDER_STATUS_CHANGED,
            "detail": {"order_id": order_id, "status_from": before, "status_to": after},
        }
    if event_name == "REMOVE":
        return None
    raise PoisonRecordError(f"unknown event name {event_name!r}")


def order_placed(order: dict[str, Any]) -> dict[str, Any]:
    """The ``OrderPlaced`` detail: the new order without its payment token."""
    order_id = _required(order, "id")
    email = _required(order, "customer_email", order_id)
    items = order.get("items")
    if not isinstance(items, list) or not items:
        raise PoisonRecordError(f"order {order_id}: items missing or empty")
    return {
        "order_id": order_id,
        "status": _required(order, "status", order_id),
        "customer_id": order.get("customer_id"),
        "customer_email": email,
        "currency": order.get("currency"),
        "amount_cents": _plain(order.get("amount_cents")),
        "items": [{"sku": i.get("sku"), "quantity": _plain(i.get("quantity"))} for i in items],
        "created_at": order.get("created_at"),
    }


def _required(data: dict[str, Any], key: str, order_id: str | None = None) -> Any:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        where = f"order {order_id}: " if order_id else ""
        raise PoisonRecordError(f"{where}{key} missing or empty")
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
