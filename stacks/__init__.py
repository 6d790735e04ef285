"""The reference stacks that app.py composes; each module holds one example."""

from __future__ import annotations

from aws_cdk import App, Environment, Stack


def build_reference_app(app: App, env: Environment | None = None) -> list[Stack]:
    """Add every reference stack to ``app`` and return them (tests synthesize the same set)."""
    from stacks.async_worker import AsyncWorkerExample
    from stacks.order_pipeline import OrderPipeline
    from stacks.queue_consumer import QueueConsumerExample
    from stacks.stream_processor import StreamProcessorDynamoDbExample, StreamProcessorKinesisExample
    from stacks.sync_api import SyncApiHttpExample, SyncApiRestExample

    stacks: list[Stack] = [
        QueueConsumerExample(app, "QueueConsumerExample", env=env),
        StreamProcessorKinesisExample(app, "StreamProcessorKinesisExample", env=env),
        StreamProcessorDynamoDbExample(app, "StreamProcessorDynamoDbExample", env=env),
        AsyncWorkerExample(app, "AsyncWorkerExample", env=env),
        SyncApiRestExample(app, "SyncApiRestExample", env=env),
        SyncApiHttpExample(app, "SyncApiHttpExample", env=env),
        OrderPipeline(app, "OrderPipeline", env=env),
        # further reference stacks are added here, one line each
    ]
    return stacks
