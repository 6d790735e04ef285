"""Payment business logic: plain data in, plain data out. No AWS, no Lambda."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

#: A card number that the stand-in payment provider always declines: it lets the
#: reference system exercise its failure path (retries, then the dead-letter queue).
DECLINED_CARD = "4000-0000-0000-0002"


class InvalidPayment(ValueError):
    """The message is not a payment request; retrying cannot help."""


class PaymentDeclined(RuntimeError):
    """The provider declined the charge."""


@dataclass(frozen=True)
class Payment:
    """A payment request. ``card`` is the provider's token for the customer's card (the
    orders API passes the order's ``payment_token``), never a card number in the clear."""

    order_id: str
    amount_cents: int
    currency: str
    card: str


def parse_payment(body: str) -> Payment:
    """Parse and validate a payment request (an SQS message body, JSON)."""
    try:
        data: Any = json.loads(body)
    except json.JSONDecodeError as exc:
        raise InvalidPayment(f"body is not JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise InvalidPayment("body must be a JSON object")
    order_id, amount, currency, card = (data.get(k) for k in ("order_id", "amount_cents", "currency", "card"))
    if not isinstance(order_id, str) or not order_id:
        raise InvalidPayment("order_id must be a non-empty string")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidPayment("amount_cents must be a positive integer")
    if not isinstance(currency, str) or len(currency) != 3:
        raise InvalidPayment("currency must be a 3-letter ISO code")
    if not isinstance(card, str) or not card:
        raise InvalidPayment("card must be a non-empty string")
    return Payment(order_id=order_id, amount_cents=amount, currency=currency.upper(), card=card)


def charge(payment: Payment) -> dict[str, Any]:
    """Charge the payment with the stand-in provider; returns the receipt."""
    if payment.card == DECLINED_CARD:
        raise PaymentDeclined(f"card declined for order {payment.order_id}")
    return {
        "order_id": payment.order_id,
        "amount_cents": payment.amount_cents,
        "currency": payment.currency,
        "status": "CHARGED",
    }


def payment_data(payment: Payment) -> dict[str, Any]:
    """The payment as plain data (what the idempotency layer hashes and stores)."""
    return asdict(payment)
