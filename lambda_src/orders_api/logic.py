"""Orders API business logic: plain data in, plain data out; no Lambda, no HTTP.

``POST /orders`` validates a new order and stores it as ``PENDING`` (the API answers
202 Accepted with its id); ``GET /orders/{id}`` reads it back. Storage sits behind the
small :class:`OrderStore` protocol: an in-memory store here, the DynamoDB one in
:mod:`orders_api.store`. :func:`payment_request` and :func:`confirmation_request` build
what the handler hands on: the payments queue's message and the notification worker's
event.

Retry safety (:func:`place_order`): the client sends an ``Idempotency-Key`` with every
POST and the same key when it retries. The order id is derived from it
(:func:`order_id_for`), so a retry finds the order its first attempt stored (the store
refuses to overwrite) instead of creating a second one; the same key with a different
order is :class:`IdempotencyKeyReused`. :func:`replay_resends` says what a retry hands on
again.
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


#: The request header that makes ``POST /orders`` retry-safe (IETF draft "The
#: Idempotency-Key HTTP Header Field", draft-ietf-httpapi-idempotency-key-header).
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
#: A UUID (36 characters) is what we recommend; 255 leaves room for other schemes.
MAX_IDEMPOTENCY_KEY_LENGTH = 255
#: The uuid5 namespace of order ids derived from idempotency keys (fixed forever: changing
#: it would give a retry of an old request a new id).
ORDER_ID_NAMESPACE = uuid.UUID("6f1c1f2e-5d3b-4f7a-9c2e-3b8f0e4a7d21")
#: A retry re-sends the payment request and the confirmation only while the order is at
#: most 14 days old. The consumers deduplicate on the order id for longer, counted from
#: when they first processed it (after the order was created): payments 19 days,
#: notifications 16 days 6 h (their handlers' IDEMPOTENCY_EXPIRES_AFTER_S), so a re-send
#: inside this window can never charge or email twice. Later retries still get 202 and
#: the same id, and nothing is re-sent.
REPLAY_RESEND_WINDOW_S = 14 * 24 * 3600


class OrderExists(RuntimeError):
    """An order with this id is already stored (stores never overwrite)."""


class InvalidIdempotencyKey(ValueError):
    """The ``Idempotency-Key`` header is missing or malformed (a 400)."""


class IdempotencyKeyReused(ValueError):
    """The key already created an order with different content (a 409): answering with the
    old order would silently drop the new one, and storing the new one would break the
    promise that a key names one order."""

    def __init__(self, order_id: str, fields: list[str]) -> None:
        super().__init__(
            f"{IDEMPOTENCY_KEY_HEADER} was already used for order {order_id} with a different "
            f"{', '.join(fields)}; use a new key for a new order"
        )
        self.order_id = order_id
        self.fields = fields


class InvalidOrder(ValueError):
    """The request is well-formed JSON but not a valid order; ``errors`` says why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class OrderStore(Protocol):
    """Where orders live. ``put`` stores a new order and raises :class:`OrderExists` if its
    id is taken (never overwrites); ``get`` returns it or ``None``."""

    def put(self, order: dict[str, Any]) -> None: ...

    def get(self, order_id: str) -> dict[str, Any] | None: ...


@dataclass
class InMemoryOrderStore:
    """Orders in a dict: for tests and for the reference stack until DynamoDB is wired.
    Each Lambda execution environment has its own copy, so it is not shared state."""

    orders: dict[str, dict[str, Any]] = field(default_factory=dict)

    def put(self, order: dict[str, Any]) -> None:
        if order["id"] in self.orders:
            raise OrderExists(f"order {order['id']} already exists")
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


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def create_order(
    body: Any,
    store: OrderStore,
    *,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    now: Callable[[], datetime] = _utcnow,
) -> dict[str, Any]:
    """Validate, store as PENDING under a new id, and return the stored order (no retry
    safety: :func:`place_order` is what the API uses)."""
    order = {
        "id": new_id(),
        "status": "PENDING",
        "created_at": now().isoformat(),
        **validate_new_order(body),
    }
    store.put(order)
    return order


def parse_idempotency_key(value: str | None) -> str:
    """The key from the header's value: 1-255 printable ASCII characters. The draft
    standard sends it as a structured-field string (``"8e03978e-..."``); the quotes are
    removed, a bare token is accepted as it is. Missing or malformed:
    :class:`InvalidIdempotencyKey`."""
    if value is None or not value.strip():
        raise InvalidIdempotencyKey(
            f"{IDEMPOTENCY_KEY_HEADER} header is required: send a new unique value (a UUID) with "
            "each order and the same value when you retry it, so a retry never creates a second order"
        )
    key = value.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        raise InvalidIdempotencyKey(
            f"{IDEMPOTENCY_KEY_HEADER} must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters"
        )
    return key


def order_id_for(customer_id: str, idempotency_key: str) -> str:
    """The order id a key names: uuid5 of the customer and the key, the same on every retry.

    Scoped by ``customer_id`` (validated, part of the order) rather than by the caller's
    IAM identity: an assumed role's ARN carries its session name, which changes when the
    client refreshes its credentials, so a retry could get a different id. Two customers
    may use the same key without colliding."""
    return str(uuid.uuid5(ORDER_ID_NAMESPACE, f"{customer_id}\n{idempotency_key}"))


@dataclass(frozen=True)
class Placement:
    """What :func:`place_order` did: ``created`` False means the key's order already
    existed (a retry) and ``order`` is the stored one, unchanged."""

    order: dict[str, Any]
    created: bool


def place_order(
    body: Any,
    store: OrderStore,
    *,
    idempotency_key: str,
    now: Callable[[], datetime] = _utcnow,
) -> Placement:
    """Validate and store a new order under the id the key names; a retry with the same key
    and the same order returns the stored order (``created=False``), the same key with a
    different order raises :class:`IdempotencyKeyReused`, an invalid body :class:`InvalidOrder`."""
    fields = validate_new_order(body)
    order = {
        "id": order_id_for(fields["customer_id"], idempotency_key),
        "status": "PENDING",
        "created_at": now().isoformat(),
        **fields,
    }
    try:
        store.put(order)
        return Placement(order=order, created=True)
    except OrderExists:
        existing = store.get(order["id"])
        if existing is None:  # put said it exists, and orders are never deleted
            raise
    different = [name for name in sorted(FIELDS) if existing.get(name) != fields[name]]
    if different:
        raise IdempotencyKeyReused(existing["id"], different)
    return Placement(order=existing, created=False)


@dataclass(frozen=True)
class Resend:
    """What a retry of an existing order hands on again."""

    payment: bool
    confirmation: bool


def replay_resends(order: dict[str, Any], now: datetime) -> Resend:
    """A retry re-sends what the first attempt may not have sent (the 500 a client retries
    may have come from a failed SendMessage): the payment request while the order is still
    ``PENDING`` (a PAID order is charged; a later re-send could outlive the payments
    consumer's idempotency), the confirmation too; both only within
    :data:`REPLAY_RESEND_WINDOW_S` of the order's creation, where the consumers are sure
    to deduplicate."""
    try:
        created = datetime.fromisoformat(order["created_at"])
    except (KeyError, TypeError, ValueError):
        return Resend(payment=False, confirmation=False)  # unknown age: do not risk a duplicate
    recent = (now - created).total_seconds() <= REPLAY_RESEND_WINDOW_S
    return Resend(payment=recent and order.get("status") == "PENDING", confirmation=recent)


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
