"""Each construct's strategy table covers every keyword argument of its constructor: a new
prop needs a strategy here (and a spec in constructs_lib/_validation.py, which
tests/test_validation_specs.py checks)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from constructs_lib import AsyncWorker, QueueConsumer, StreamProcessor, SyncApiFunction
from tests.property import test_async_worker_props, test_queue_consumer_props, test_stream_processor_props, test_sync_api_props


@pytest.mark.parametrize(
    ("cls", "table"),
    [
        (QueueConsumer, test_queue_consumer_props.TABLE),
        (StreamProcessor, test_stream_processor_props.TABLE),
        (AsyncWorker, test_async_worker_props.TABLE),
        (SyncApiFunction, test_sync_api_props.TABLE),
    ],
)
def test_every_constructor_prop_has_a_strategy(cls: Any, table: dict[str, Any]) -> None:
    params = set(inspect.signature(cls.__init__).parameters) - {"self", "scope", "id", "code", "handler"}
    assert params == set(table), f"no strategy for {sorted(params - set(table))}; unknown: {sorted(set(table) - params)}"
