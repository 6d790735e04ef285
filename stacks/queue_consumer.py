"""The minimal QueueConsumer example: a payments queue, its DLQ and a capped consumer."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from constructs import Construct

from constructs_lib import QueueConsumer
from stacks._idempotency import grant_idempotency, idempotency_table
from stacks._packaging import dependencies_layer, handler_code


class QueueConsumerExample(Stack):
    """A consumer that protects a downstream payment provider with reserved concurrency.

    ``reserved_concurrent_executions=5`` caps the function; the construct matches the
    mapping's ``max_concurrency`` to it, derives the visibility timeout (6 x 20 s = 120 s)
    and creates the encrypted DLQ (14 days, maxReceiveCount 5).
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        # Payments are idempotent (a redelivered message charges once): Powertools keeps
        # its records in this table.
        self.idempotency_table = idempotency_table(self)
        self.consumer = QueueConsumer(
            self,
            "Payments",
            code=handler_code(),
            handler="payments.handler.lambda_handler",
            layers=[dependencies_layer(self)],
            timeout=Duration.seconds(20),
            reserved_concurrent_executions=5,
            environment={
                "POWERTOOLS_SERVICE_NAME": "payments",
                "IDEMPOTENCY_TABLE_NAME": self.idempotency_table.table_name,
            },
            description="Charges orders from the payments queue (partial batch responses)",
        )
        grant_idempotency(self.idempotency_table, self.consumer.function)
        CfnOutput(self, "QueueUrl", value=self.consumer.queue.queue_url)
        CfnOutput(self, "DeadLetterQueueUrl", value=self.consumer.dead_letter_queue.queue_url)  # type: ignore[union-attr]
        CfnOutput(self, "FunctionName", value=self.consumer.function.function_name)
