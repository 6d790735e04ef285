"""Sends the order-confirmation notification; idempotent, because async events can repeat.

Lambda's asynchronous queue and EventBridge both deliver at least once, and the checkout
function may invoke the worker for an order EventBridge also announces. Powertools'
idempotency, keyed on the order ID and persisted in DynamoDB, makes every repeat return
the first result without sending again. A failure raises: Lambda retries the event and,
when the retries or the event age are exhausted, sends the invocation record to the
on-failure destination.

Environment:
- ``IDEMPOTENCY_TABLE_NAME``: the Powertools persistence table (partition key ``id``,
  TTL attribute ``expiration``).
- ``NOTIFICATION_QUEUE_URL``: the outbox the email/SMS sender reads notifications from.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from notifications.logic import build_confirmation, order_from_event

HOUR_S = 3600
DAY_S = 24 * HOUR_S
#: How long an event can arrive late on its own: EventBridge retries delivery for up to
#: 24 h, then Lambda's asynchronous queue keeps it for up to 6 h (maximum event age).
DELIVERY_WINDOW_S = 24 * HOUR_S + 6 * HOUR_S
#: The worker's failure queue (and the rule's DLQ) keep an event 14 days (the SQS maximum,
#: our failure-queue retention); the runbook replays the ``requestPayload`` within that time.
FAILURE_QUEUE_RETENTION_S = 14 * DAY_S
#: A replay is itself an asynchronous invoke that may wait up to 6 h, plus clocks and slack.
MARGIN_S = 1 * DAY_S
#: How long a processed order is remembered: 14 days + 30 h + 1 day = 16 days 6 h. An order
#: emailed via one path while its other delivery (API invoke or OrderPlaced) ended in the
#: failure queue can be replayed on day 13 and still sends nothing (the old 30 h window
#: emailed twice). DynamoDB TTL on ``expiration`` deletes the record afterwards, and
#: Powertools ignores an expired record that TTL has not deleted yet.
IDEMPOTENCY_EXPIRES_AFTER_S = DELIVERY_WINDOW_S + FAILURE_QUEUE_RETENTION_S + MARGIN_S

logger = Logger()
persistence_store = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"])
idempotency_config = IdempotencyConfig(
    event_key_jmespath="order_id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=IDEMPOTENCY_EXPIRES_AFTER_S,
)


@cache
def sqs_client() -> Any:
    """The SQS client, created on first use (not at import, to keep the cold start lean)."""
    import boto3

    return boto3.client("sqs")


@idempotent_function(
    data_keyword_argument="order", persistence_store=persistence_store, config=idempotency_config
)
def send_confirmation(*, order: dict[str, Any]) -> dict[str, Any]:
    """Send the confirmation of one order, once per order ID."""
    notification = build_confirmation(order)
    response = sqs_client().send_message(
        QueueUrl=os.environ["NOTIFICATION_QUEUE_URL"],
        MessageBody=json.dumps(notification),
    )
    logger.info("confirmation sent", order_id=order["order_id"], message_id=response["MessageId"])
    return {"order_id": order["order_id"], "message_id": response["MessageId"]}


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    order = order_from_event(event)
    return send_confirmation(order=order)
