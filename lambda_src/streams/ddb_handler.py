"""Lambda glue for a DynamoDB stream: ordered partial batch responses via Powertools."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from constructs_lib.handlers import OrderedBatchProcessor
from streams.logic import summarise_change

logger = Logger(service="stream-ddb")
processor = OrderedBatchProcessor(event_type=EventType.DynamoDBStreams, logger=logger)


def record_handler(record: DynamoDBRecord) -> dict[str, Any]:
    stream_record = record.dynamodb
    assert stream_record is not None and record.event_name is not None
    change = summarise_change(
        record.event_name.name,
        stream_record.keys or {},
        stream_record.old_image,
        stream_record.new_image,
    )
    logger.info("change processed", change=change, sequence_number=stream_record.sequence_number)
    return change


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
