"""Opinionated AWS CDK v2 constructs that make the right Lambda invocation model the easy one."""

from constructs_lib.async_worker import AsyncWorker
from constructs_lib.errors import ConstructPropsError
from constructs_lib.queue_consumer import QueueConsumer
from constructs_lib.stream_processor import StreamProcessor
from constructs_lib.sync_api import Authorization, SyncApiFunction

__all__ = [
    "AsyncWorker",
    "Authorization",
    "ConstructPropsError",
    "QueueConsumer",
    "StreamProcessor",
    "SyncApiFunction",
]
__version__ = "0.1.0"
