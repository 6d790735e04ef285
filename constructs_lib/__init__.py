"""Opinionated AWS CDK v2 constructs that make the right Lambda invocation model the easy one.

The public API is imported lazily (PEP 562), so ``constructs-lib check`` and the pure
rules start without loading aws-cdk-lib; ``from constructs_lib import QueueConsumer``
works as usual.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Import paths from before the current layout keep working for this version (with a
# DeprecationWarning naming the new path): constructs_lib.checks.loader, .rules, ...
from constructs_lib import _compat  # noqa: E402

_compat.install()

#: Public name -> (module, attribute in that module).
_EXPORTS = {
    "AsyncWorker": ("constructs_lib.async_worker", "AsyncWorker"),
    "Authorization": ("constructs_lib.sync_api", "Authorization"),
    "ConstructPropsError": ("constructs_lib.errors", "ConstructPropsError"),
    "INFINITE": ("constructs_lib.limits", "STREAM_INFINITE"),
    "InvocationModelDashboard": ("constructs_lib._dashboard", "InvocationModelDashboard"),
    "InvocationModelChecks": ("constructs_lib.checks.plugin", "InvocationModelChecks"),
    "PlainFunction": ("constructs_lib.plain_function", "PlainFunction"),
    "QueueConsumer": ("constructs_lib.queue_consumer", "QueueConsumer"),
    "StreamProcessor": ("constructs_lib.stream_processor", "StreamProcessor"),
    "SyncApiFunction": ("constructs_lib.sync_api", "SyncApiFunction"),
}

__all__ = [
    "INFINITE",
    "AsyncWorker",
    "Authorization",
    "ConstructPropsError",
    "InvocationModelChecks",
    "InvocationModelDashboard",
    "PlainFunction",
    "QueueConsumer",
    "StreamProcessor",
    "SyncApiFunction",
]

if TYPE_CHECKING:
    from constructs_lib._dashboard import InvocationModelDashboard
    from constructs_lib.async_worker import AsyncWorker
    from constructs_lib.checks.plugin import InvocationModelChecks
    from constructs_lib.errors import ConstructPropsError
    from constructs_lib.limits import STREAM_INFINITE as INFINITE
    from constructs_lib.plain_function import PlainFunction
    from constructs_lib.queue_consumer import QueueConsumer
    from constructs_lib.stream_processor import StreamProcessor
    from constructs_lib.sync_api import Authorization, SyncApiFunction


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'constructs_lib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
