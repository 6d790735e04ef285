"""Handler-side helpers: code that runs *inside* your Lambda functions, not in your CDK app.

Importing this package never imports aws-cdk-lib, so it is safe (and cheap) in a function's
cold start. What it offers:

- :func:`batch_info`: a stream on-failure destination message (``StreamProcessor.failure_queue``)
  -> the shard and sequence range of the discarded batch, to read the records back.
  Pure Python, no dependency.
- :class:`OrderedBatchProcessor`: a Powertools batch processor that keeps a stream shard's
  order (stops at the first failed record and reports it and every later one). Needs
  Powertools for AWS Lambda: ``pip install "constructs-lib[handlers]"``.

In a Lambda package, ship ``constructs_lib`` without its CDK dependencies, e.g. in a layer
built with ``pip install --no-deps constructs-lib aws-lambda-powertools``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from constructs_lib.handlers.streams import BatchInfo, NotAStreamFailureMessage, batch_info

if TYPE_CHECKING:
    from constructs_lib.handlers.ordered import OrderedBatchProcessor, ShardStoppedError

#: Loaded on first access: they import Powertools (the ``handlers`` extra).
_LAZY = {
    "OrderedBatchProcessor": "constructs_lib.handlers.ordered",
    "ShardStoppedError": "constructs_lib.handlers.ordered",
}

__all__ = ["BatchInfo", "NotAStreamFailureMessage", "OrderedBatchProcessor", "ShardStoppedError", "batch_info"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
