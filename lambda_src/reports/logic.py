"""Order reports: how many orders, and for how much, per status and currency since a time.

Plain functions over plain data (no AWS): the function URL handler and the daily scheduled
job in :mod:`reports.handler` read the orders and call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

#: Without ``since``, and for the daily job: the last 24 hours.
DEFAULT_WINDOW = timedelta(hours=24)
#: The longest window a report may cover: the API keeps orders forever, but a scan of more
#: than 31 days belongs in an analytics store, not in a synchronous endpoint.
MAX_WINDOW = timedelta(days=31)
#: The order attributes a report reads (the DynamoDB projection keeps the scan small).
FIELDS = ("status", "currency", "amount_cents", "created_at")


class InvalidSince(ValueError):
    """``since`` is not an ISO 8601 time in the allowed window."""


def parse_since(value: str | None, now: datetime) -> datetime:
    """``since`` as an aware UTC datetime: ISO 8601 (a date, or a time with or without an
    offset; naive means UTC), not in the future and at most 31 days back. Default 24 h ago."""
    if value is None or not value.strip():
        return now - DEFAULT_WINDOW
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidSince(f"since {value!r} is not an ISO 8601 date or time (e.g. 2025-01-31T00:00:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    parsed = parsed.astimezone(timezone.utc)
    if parsed > now:
        raise InvalidSince(f"since {value!r} is in the future")
    if now - parsed > MAX_WINDOW:
        raise InvalidSince(f"since {value!r} is more than {MAX_WINDOW.days} days ago")
    return parsed


def summarize(orders: Iterable[Mapping[str, Any]], *, since: datetime, truncated: bool = False) -> dict[str, Any]:
    """Counts and amounts per status (and per currency: amounts in different currencies are
    never added up). ``truncated`` says the reader stopped before reading every order."""
    by_status: dict[str, dict[str, Any]] = {}
    total = 0
    for order in orders:
        created = order.get("created_at")
        if not isinstance(created, str) or created < since.isoformat():
            continue
        status = str(order.get("status", "UNKNOWN"))
        entry = by_status.setdefault(status, {"count": 0, "amount_cents": {}})
        entry["count"] += 1
        currency = str(order.get("currency", "?"))
        amount = int(order.get("amount_cents", 0))
        entry["amount_cents"][currency] = entry["amount_cents"].get(currency, 0) + amount
        total += 1
    return {
        "since": since.isoformat(),
        "orders": total,
        "by_status": dict(sorted(by_status.items())),
        "truncated": truncated,
    }


def metric_points(report: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """(status, metric name, value) for the daily job: an order count per status."""
    return [(status, "Orders", int(entry["count"])) for status, entry in report["by_status"].items()]
