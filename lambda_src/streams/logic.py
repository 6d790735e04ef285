"""Business logic of the stream handlers: plain data in, plain data out (no Lambda, no AWS).

- Kinesis: order events (JSON) -> a normalised order line; a malformed event is a poison
  record and raises ``PoisonRecordError``.
- DynamoDB Streams: an item change (already deserialised to Python values) -> a change
  summary; a changed item without a ``status`` is a poison record.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


class PoisonRecordError(ValueError):
    """A record that will fail however often it is retried."""


def parse_order_event(text: str) -> dict[str, Any]:
    """A Kinesis record's payload -> ``{"order_id", "amount_cents", "currency"}``."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PoisonRecordError(f"not JSON: {exc.msg}") from exc
    if not isinstance(event, dict):
        raise PoisonRecordError("payload is not a JSON object")
    order_id, amount = event.get("order_id"), event.get("amount")
    if not isinstance(order_id, str) or not order_id:
        raise PoisonRecordError("order_id missing")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
        raise PoisonRecordError(f"amount {amount!r} is not a non-negative number")
    return {
        "order_id": order_id,
        "amount_cents": int(round(Decimal(str(amount)) * 100)),
        "currency": str(event.get("currency", "EUR")),
    }


def summarise_change(
    event_name: str,
    keys: dict[str, Any],
    old_image: dict[str, Any] | None,
    new_image: dict[str, Any] | None,
) -> dict[str, Any]:
    """An item change -> ``{"change", "keys", "status_from", "status_to"}``."""
    if event_name not in ("INSERT", "MODIFY", "REMOVE"):
        raise PoisonRecordError(f"unknown event name {event_name!r}")
    if event_name != "REMOVE" and (not new_image or "status" not in new_image):
        raise PoisonRecordError(f"{event_name} of {keys} has no status")
    return {
        "change": event_name,
        "keys": {k: _plain(v) for k, v in keys.items()},
        "status_from": (old_image or {}).get("status"),
        "status_to": (new_image or {}).get("status"),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
