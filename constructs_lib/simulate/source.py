"""The events a simulation feeds to a function's source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EventSpec:
    """One event: when it enters its source and what it carries.

    ``payload`` is the message body, stream record, asynchronous event or HTTP request a
    real handler receives (``None`` for the model scenarios); ``partition_key`` places a
    stream record in its shard; ``group`` is a FIFO message group; ``item_id`` the
    message id or sequence number to use (generated when absent).
    """

    index: int
    time: float
    payload: Any = None
    partition_key: str | None = None
    group: str | None = None
    item_id: str | None = None
