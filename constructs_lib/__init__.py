"""Opinionated AWS CDK v2 constructs that make the right Lambda invocation model the easy one."""

from constructs_lib.errors import ConstructPropsError
from constructs_lib.queue_consumer import QueueConsumer

__all__ = ["ConstructPropsError", "QueueConsumer"]
__version__ = "0.1.0"
