"""Lambda glue for a Kinesis data stream: ordered partial batch responses via Powertools."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord

from constructs_lib.handlers import OrderedBatchProcessor
from streams.logic import parse_order_event

logger = Logger(service="stream-kinesis")
processor = OrderedBatchProcessor(event_type=EventType.KinesisDataStreams, logger=logger)


def record_handler(record: KinesisStreamRecord) -> dict[str, Any]:
    order = parse_order_event(record.kinesis.data_as_text())
    logger.info(
        "order processed",
        order_id=order["order_id"],
        sequence_number=record.kinesis.sequence_number,
    )
    return order


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
