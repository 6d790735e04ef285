"""Lambda glue for the payments consumer: SQS batch in, partial batch response out.

Each record is handled on its own by Powertools' BatchProcessor; a failing record is
reported in ``batchItemFailures`` so only it returns to the queue (the event source
mapping has ReportBatchItemFailures on), and after maxReceiveCount receives the queue's
redrive policy moves it to the dead-letter queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from payments.logic import charge, parse_payment

logger = Logger(service="payments")
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> dict[str, Any]:
    receipt = charge(parse_payment(record.body))
    logger.info("charged", extra={"order_id": receipt["order_id"], "message_id": record.message_id})
    return receipt


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
