"""Lambda glue for OrderEvents: the orders table's stream in, EventBridge events out.

Records arrive in shard order; ``constructs_lib.handlers.OrderedBatchProcessor`` stops at the
first failure and reports it and every later record, so Lambda retries from there in
order (bisecting a batch whose first record fails) and finally sends the batch's
metadata to the on-failure queue. Each projected change is put on the custom bus
(``EVENT_BUS_NAME``); a rejected entry raises, so the record is retried rather than lost.
Retries can publish an event twice: its consumers (the notification worker) are
idempotent on the order id.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from constructs_lib.handlers import OrderedBatchProcessor
from order_events.logic import SOURCE, project

logger = Logger(service="order-events")
processor = OrderedBatchProcessor(event_type=EventType.DynamoDBStreams, logger=logger)


class PublishError(RuntimeError):
    """EventBridge did not accept the event (throttled, internal error...): retry."""


@cache
def events_client() -> Any:
    """The EventBridge client, created on first use (not at import)."""
    import boto3

    return boto3.client("events")


def publish(detail_type: str, detail: dict[str, Any]) -> str:
    response = events_client().put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "EventBusName": os.environ["EVENT_BUS_NAME"],
            }
        ]
    )
    entry = response["Entries"][0]
    if response.get("FailedEntryCount") or "EventId" not in entry:
        raise PublishError(f"{detail_type} rejected: {entry.get('ErrorCode')} {entry.get('ErrorMessage')}")
    return str(entry["EventId"])


def record_handler(record: DynamoDBRecord) -> dict[str, Any] | None:
    stream_record = record.dynamodb
    assert stream_record is not None and record.event_name is not None
    event = project(record.event_name.name, stream_record.old_image, stream_record.new_image)
    if event is None:
        return None
    event_id = publish(event["detail_type"], event["detail"])
    logger.info(
        "published",
        detail_type=event["detail_type"],
        order_id=event["detail"]["order_id"],
        event_id=event_id,
        sequence_number=stream_record.sequence_number,
    )
    return event


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
