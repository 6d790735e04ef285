"""Checkout: accept an order and decide what to hand to the confirmation worker.

Pure logic: the handler validates the order here, then offloads the confirmation - work
the caller does not need to wait for - to the worker with an asynchronous invocation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class InvalidOrderError(ValueError):
    """The request carries no usable order."""


def accept_order(payload: Any) -> dict[str, Any]:
    """The order to confirm, or ``InvalidOrderError`` naming what is missing."""
    if not isinstance(payload, Mapping):
        raise InvalidOrderError(f"order must be an object, got {type(payload).__name__}")
    missing = [key for key in ("order_id", "customer_email", "items") if not payload.get(key)]
    if missing:
        raise InvalidOrderError(f"order is missing {', '.join(missing)}")
    order = {key: payload[key] for key in ("order_id", "customer_email", "items")}
    if payload.get("customer_name"):
        order["customer_name"] = payload["customer_name"]
    return order


def accepted_response(order: Mapping[str, Any]) -> dict[str, Any]:
    """What checkout returns: the order is accepted, its confirmation follows."""
    return {"order_id": order["order_id"], "status": "ACCEPTED", "confirmation": "QUEUED"}
