"""Orders API business logic: plain data in, plain data out; no Lambda, no HTTP.

``POST /orders`` validates a new order and stores it as ``PENDING`` (the API answers
202 Accepted with its id); ``GET /orders/{id}`` reads it back. Storage sits behind the
small :class:`OrderStore` protocol: an in-memory store here, the DynamoDB one in
:mod:`orders_api.store`. :func:`payment_request` and :func:`confirmation_request` build
what the handler hands on: the payments queue's message and the notification worker's
event.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

MAX_ITEMS = 50
MAX_QUANTITY = 1000
MAX_ID_LENGTH = 64
MAX_UNIT_PRICE_CENTS = 1_000_000
MAX_EMAIL_LENGTH = 254
FIELDS = frozenset({"customer_id", "customer_email", "currency", "payment_token", "items"})
CURRENCIES = frozenset({"EUR", "USD", "GBP"})


class InvalidOrder(ValueError):
    """The request is well-formed JSON but not a valid order; ``errors`` says why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class OrderStore(Protocol):
    """Where orders live. ``put`` stores a new order; ``get`` returns it or ``None``."""

    def put(self, order: dict[str, Any]) -> None: ...

    def get(self, order_id: str) -> dict[str, Any] | None: ...


@dataclass
class InMemoryOrderStore:
    """Orders in a dict: for tests and for the reference stack until DynamoDB is wired.
    Each Lambda execution environment has its own copy, so it is not shared state."""

    orders: dict[str, dict[str, Any]] = field(default_factory=dict)

    def put(self, order: dict[str, Any]) -> None:
        self.orders[order["id"]] = dict(order)

    def get(self, order_id: str) -> dict[str, Any] | None:
        order = self.orders.get(order_id)
        return dict(order) if order is not None else None


def _text(value: Any, name: str, errors: list[str], *, max_length: int = MAX_ID_LENGTH) -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{name} must be a non-empty string")
        return None
    if len(value) > max_length:
        errors.append(f"{name} must be at most {max_length} characters")
        return None
    return value


def validate_new_order(body: Any) -> dict[str, Any]:
    """The validated fields of a new order, or :class:`InvalidOrder` listing every problem.

    Expected: ``{"customer_id": str, "customer_email": str, "currency": "EUR"|"USD"|"GBP",
    "payment_token": str, "items": [{"sku": str, "quantity": int 1-1000,
    "unit_price_cents": int 1-1,000,000}, ...]}`` with 1-50 items. ``payment_token`` is the
    payment provider's token for the customer's card (never a card number).
    The result adds ``amount_cents``, the order total.
    """
    if not isinstance(body, dict):
        raise InvalidOrder(["body must be a JSON object"])
    errors: list[str] = []
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        errors.append(f"unknown fields: {', '.join(unknown)}")
    customer_id = _text(body.get("customer_id"), "customer_id", errors)
    email = _text(body.get("customer_email"), "customer_email", errors, max_length=MAX_EMAIL_LENGTH)
    if email is not None and ("@" not in email.strip("@") or any(c.isspace() for c in email)):
        errors.append("customer_email must be an email address")
    payment_token = _text(body.get("payment_token"), "payment_token", errors)
    currency = body.get("currency")
    if currency not in CURRENCIES:
        errors.append(f"currency must be one of {', '.join(sorted(CURRENCIES))}")
    items = body.get("items")
    clean_items: list[dict[str, Any]] = []
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        errors.append(f"items must be a list of 1 to {MAX_ITEMS} items")
    else:
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                errors.append(f"items[{index}] must be an object")
                continue
            sku = _text(item.get("sku"), f"items[{index}].sku", errors)
            quantity = item.get("quantity")
            # bool is an int in Python; true is not a quantity.
            if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
                errors.append(f"items[{index}].quantity must be an integer from 1 to {MAX_QUANTITY}")
                continue
            price = item.get("unit_price_cents")
            if isinstance(price, bool) or not isinstance(price, int) or not 1 <= price <= MAX_UNIT_PRICE_CENTS:
                errors.append(f"items[{index}].unit_price_cents must be an integer from 1 to {MAX_UNIT_PRICE_CENTS}")
                continue
            if sku is not None:
                clean_items.append({"sku": sku, "quantity": quantity, "unit_price_cents": price})
    if errors:
        raise InvalidOrder(errors)
    return {
        "customer_id": customer_id,
        "customer_email": email,
        "currency": currency,
        "payment_token": payment_token,
        "items": clean_items,
        "amount_cents": sum(i["quantity"] * i["unit_price_cents"] for i in clean_items),
    }


def is_order_id(value: str) -> bool:
    """Order ids are UUIDs; anything else cannot exist, so it is a bad request."""
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False


def create_order(
    body: Any,
    store: OrderStore,
    *,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> dict[str, Any]:
    """Validate, store as PENDING, and return the stored order."""
    order = {
        "id": new_id(),
        "status": "PENDING",
        "created_at": now().isoformat(),
        **validate_new_order(body),
    }
    store.put(order)
    return order


def get_order(order_id: str, store: OrderStore) -> dict[str, Any] | None:
    """The order, or ``None`` if there is none with that id."""
    return store.get(order_id)


def payment_request(order: dict[str, Any]) -> dict[str, Any]:
    """The payments queue's message for a stored order (``payments.logic.parse_payment``
    reads it; ``card`` carries the provider token)."""
    return {
        "order_id": order["id"],
        "amount_cents": order["amount_cents"],
        "currency": order["currency"],
        "card": order["payment_token"],
    }


def confirmation_request(order: dict[str, Any]) -> dict[str, Any]:
    """The notification worker's event for a stored order (``notifications.logic``)."""
    return {
        "order_id": order["id"],
        "customer_email": order["customer_email"],
        "items": [{"sku": i["sku"], "quantity": i["quantity"]} for i in order["items"]],
    }


def public_view(order: dict[str, Any]) -> dict[str, Any]:
    """What ``GET /orders/{id}`` shows: the order without its payment token."""
    return {k: v for k, v in order.items() if k != "payment_token"}
