"""The AsyncWorker example: order confirmations sent asynchronously, from two callers.

- An EventBridge rule on a custom ``Orders`` bus sends every ``OrderPlaced`` event to the
  worker (target DLQ for delivery failures, explicit retry policy).
- The checkout function offloads the confirmation with ``InvocationType=Event``; it
  learns the worker's name from ``CONFIRMATION_FUNCTION_NAME`` (set by ``grant_invoke``).

The worker is idempotent (Powertools, DynamoDB table below), because both paths may
deliver the same order and asynchronous events can arrive more than once. What still
fails after Lambda's two retries lands, with the error, in ``worker.failure_queue``.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from aws_cdk import aws_events as events
from constructs import Construct

from constructs_lib import AsyncWorker, PlainFunction
from stacks._idempotency import grant_idempotency, idempotency_table
from stacks._outbox import notification_outbox
from stacks._packaging import dependencies_layer, handler_code


class AsyncWorkerExample(Stack):
    """An order-confirmation worker invoked asynchronously by an EventBridge rule and by
    the checkout function."""

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        layer = dependencies_layer(self)

        # Idempotency records: encrypted, on-demand, expired by DynamoDB TTL on the attribute
        # Powertools writes (about 16 days, longer than every redrive window); they protect
        # nothing worth restoring, so no backups (PITR), and the table can go with the stack.
        self.idempotency_table = idempotency_table(self)

        # Where the worker puts confirmations for the email/SMS sender (not part of this stack).
        self.notification_outbox = notification_outbox(self, "NotificationOutbox")

        self.worker = AsyncWorker(
            self,
            "OrderConfirmation",
            code=handler_code(),
            handler="notifications.handler.lambda_handler",
            layers=[layer],
            timeout=Duration.seconds(30),
            # retry_attempts=2 and max_event_age=6 h: the defaults, Lambda's maxima.
            environment={
                "POWERTOOLS_SERVICE_NAME": "order-confirmation",
                "IDEMPOTENCY_TABLE_NAME": self.idempotency_table.table_name,
                "NOTIFICATION_QUEUE_URL": self.notification_outbox.queue_url,
            },
            description="Sends the order-confirmation notification, once per order (idempotent)",
        )
        grant_idempotency(self.idempotency_table, self.worker.function)
        self.notification_outbox.grant_send_messages(self.worker.function)

        # Caller 1: an EventBridge rule on a custom bus.
        self.bus = events.EventBus(self, "Orders")
        self.rule = events.Rule(
            self,
            "OrderPlaced",
            event_bus=self.bus,
            description="Every placed order gets a confirmation",
            event_pattern=events.EventPattern(source=["example.orders"], detail_type=["OrderPlaced"]),
        )
        self.rule_dead_letter_queue = self.worker.add_event_rule(self.rule)

        # Caller 2: a function that offloads the confirmation with InvocationType=Event.
        self.checkout = PlainFunction(
            self,
            "Checkout",
            code=handler_code(),
            handler="checkout.handler.lambda_handler",
            layers=[layer],
            timeout=Duration.seconds(10),
            environment={"POWERTOOLS_SERVICE_NAME": "checkout"},
            description="Accepts an order and queues its confirmation asynchronously",
        ).function
        self.worker.grant_invoke(self.checkout, environment_variable="CONFIRMATION_FUNCTION_NAME")
        Validations.of(self.checkout).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="the checkout function is only invoked synchronously by its caller, who "
                "sees every error; it has no asynchronous trigger for a DLQ to catch",
            )
        )

        CfnOutput(self, "WorkerFunctionName", value=self.worker.function.function_name)
        CfnOutput(self, "FailureQueueUrl", value=self.worker.failure_queue.queue_url)  # type: ignore[union-attr]
        CfnOutput(self, "EventRuleDeadLetterQueueUrl", value=self.rule_dead_letter_queue.queue_url)
        CfnOutput(self, "EventBusName", value=self.bus.event_bus_name)
        CfnOutput(self, "CheckoutFunctionName", value=self.checkout.function_name)
        CfnOutput(self, "IdempotencyTableName", value=self.idempotency_table.table_name)
        CfnOutput(self, "NotificationQueueUrl", value=self.notification_outbox.queue_url)
