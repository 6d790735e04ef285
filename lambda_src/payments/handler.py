"""Lambda glue for the payments consumer: SQS batch in, partial batch response out.

Each record is handled on its own by Powertools' BatchProcessor; a failing record is
reported in ``batchItemFailures`` so only it returns to the queue (the event source
mapping has ReportBatchItemFailures on), and after maxReceiveCount receives the queue's
redrive policy moves it to the dead-letter queue.

Idempotent: SQS delivers at least once, and a message whose batch partly failed or
timed out comes back. Powertools' idempotency, keyed on the order ID and persisted in
DynamoDB, charges each order once; a repeat returns the stored receipt. A failed charge
is not remembered (Powertools deletes the record), so the retry charges for real.

Environment:
- ``IDEMPOTENCY_TABLE_NAME`` (required when a message is processed): the Powertools
  persistence table (partition key ``id``, TTL attribute ``expiration``).
- ``ORDERS_TABLE_NAME`` (optional): the orders table; a charged order is marked ``PAID``
  there (the order pipeline). Without it only the charge happens (the minimal example).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

from payments.logic import Payment, charge, parse_payment, payment_data

DAY_S = 24 * 3600
#: The payments DLQ keeps a message 14 days (the SQS maximum, our failure-queue retention),
#: counted from the message's ORIGINAL enqueue time, which is before its charge; the
#: runbook redrives it within that time.
DEAD_LETTER_RETENTION_S = 14 * DAY_S
#: A redriven message is a new message (new id, new enqueue time): the payments queue
#: keeps it up to its own retention, 4 days (SQS's default), before it must be processed.
SOURCE_QUEUE_RETENTION_S = 4 * DAY_S
#: For clocks, a slow redrive task and the receive/visibility cycles of the redriven message.
MARGIN_S = 1 * DAY_S
#: How long a charged order is remembered: 19 days = 14 (DLQ) + 4 (the redriven message in
#: the queue) + 1 (margin). A charge whose mark-PAID failed sends its message to the DLQ;
#: redriven on day 13, it still finds the record and returns the receipt instead of
#: charging twice (a 4-day window, the old value, charged it again). DynamoDB TTL on
#: ``expiration`` deletes the record afterwards (within a few days of expiry), and
#: Powertools ignores an expired record that TTL has not deleted yet.
IDEMPOTENCY_EXPIRES_AFTER_S = DEAD_LETTER_RETENTION_S + SOURCE_QUEUE_RETENTION_S + MARGIN_S

logger = Logger(service="payments")
processor = BatchProcessor(event_type=EventType.SQS)
idempotency_config = IdempotencyConfig(
    event_key_jmespath="order_id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=IDEMPOTENCY_EXPIRES_AFTER_S,
)


def charge_payment(*, payment: dict[str, Any]) -> dict[str, Any]:
    """The provider call (the stand-in in ``payments.logic``); wrapped once per order below."""
    return charge(Payment(**payment))


@cache
def charge_once() -> Callable[..., dict[str, Any]]:
    """``charge_payment`` behind Powertools idempotency, built on first use: the
    persistence layer creates its boto3 client, which the cold start should not pay for
    before a message arrives."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"])
    return idempotent_function(  # type: ignore[no-any-return]
        data_keyword_argument="payment", persistence_store=persistence, config=idempotency_config
    )(charge_payment)


@cache
def dynamodb_client() -> Any:
    """The DynamoDB client, created on first use (not at import, to keep the cold start lean)."""
    import boto3

    return boto3.client("dynamodb")


def mark_paid(order_id: str) -> None:
    """Set the order's status to PAID; a repeat (already PAID) or an unknown order is a no-op."""
    table = os.environ.get("ORDERS_TABLE_NAME")
    if not table:
        return
    client = dynamodb_client()
    try:
        client.update_item(
            TableName=table,
            Key={"id": {"S": order_id}},
            UpdateExpression="SET #status = :paid",
            ConditionExpression="attribute_exists(id) AND #status <> :paid",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":paid": {"S": "PAID"}},
        )
    except client.exceptions.ConditionalCheckFailedException:
        logger.info("order already paid or unknown; status left as is", extra={"order_id": order_id})


def record_handler(record: SQSRecord) -> dict[str, Any]:
    payment = parse_payment(record.body)
    receipt = charge_once()(payment=payment_data(payment))
    mark_paid(payment.order_id)
    logger.info("charged", extra={"order_id": receipt["order_id"], "message_id": record.message_id})
    return receipt


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
