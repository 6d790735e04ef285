"""Opinionated AWS CDK v2 constructs that make the right Lambda invocation model the easy one.

The constructs are imported lazily (PEP 562), so ``python -m constructs_lib check`` and
the pure rules start without loading aws-cdk-lib; ``from constructs_lib import
QueueConsumer`` works as usual.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "AsyncWorker": "constructs_lib.async_worker",
    "Authorization": "constructs_lib.sync_api",
    "ConstructPropsError": "constructs_lib.errors",
    "QueueConsumer": "constructs_lib.queue_consumer",
    "StreamProcessor": "constructs_lib.stream_processor",
    "SyncApiFunction": "constructs_lib.sync_api",
}

__all__ = [
    "AsyncWorker",
    "Authorization",
    "ConstructPropsError",
    "QueueConsumer",
    "StreamProcessor",
    "SyncApiFunction",
]

if TYPE_CHECKING:
    from constructs_lib.async_worker import AsyncWorker
    from constructs_lib.errors import ConstructPropsError
    from constructs_lib.queue_consumer import QueueConsumer
    from constructs_lib.stream_processor import StreamProcessor
    from constructs_lib.sync_api import Authorization, SyncApiFunction


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'constructs_lib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
