"""Kinesis handler on the real event shape (AWS docs: with-kinesis.html, sample event)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import pytest
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from streams import kinesis_handler
from constructs_lib.handlers import NotAStreamFailureMessage, batch_info
from streams.logic import PoisonRecordError, parse_order_event

STREAM_ARN = "arn:aws:kinesis:us-east-2:111122223333:stream/lambda-stream"


@dataclass
class Context:
    function_name: str = "stream-kinesis"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-2:111122223333:function:stream-kinesis"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"


def seq(i: int) -> str:
    return f"4959033827149025660855969253836157109592157598913658{8890 + i}"


def kinesis_record(i: int, payload: str) -> dict:
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "customer-1",
            "sequenceNumber": seq(i),
            "data": base64.b64encode(payload.encode()).decode(),
            "approximateArrivalTimestamp": 1545084650.987,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000006:{seq(i)}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::111122223333:role/lambda-kinesis-role",
        "awsRegion": "us-east-2",
        "eventSourceARN": STREAM_ARN,
    }


def order(i: int) -> str:
    return json.dumps({"order_id": f"o-{i}", "amount": 12.5, "currency": "EUR"})


def event(payloads: list[str]) -> dict:
    return {"Records": [kinesis_record(i, p) for i, p in enumerate(payloads)]}


@pytest.fixture
def calls(monkeypatch):
    seen: list[str] = []
    original = kinesis_handler.record_handler

    def spy(record):
        seen.append(record.kinesis.sequence_number)
        return original(record)

    monkeypatch.setattr(kinesis_handler, "record_handler", spy)
    return seen


def test_all_good_reports_nothing(calls):
    response = kinesis_handler.lambda_handler(event([order(i) for i in range(5)]), Context())
    assert response == {"batchItemFailures": []}
    assert calls == [seq(i) for i in range(5)]


def test_failure_in_the_middle_reports_it_and_every_later_record(calls):
    payloads = [order(0), order(1), "not json", order(3), order(4)]
    response = kinesis_handler.lambda_handler(event(payloads), Context())
    assert response == {"batchItemFailures": [{"itemIdentifier": seq(i)} for i in (2, 3, 4)]}
    # records after the poison one are not processed: they would run out of order and
    # Lambda redelivers them from the checkpoint anyway
    assert calls == [seq(0), seq(1), seq(2)]


def test_stock_powertools_batch_processor_keeps_going_after_a_failure():
    """Why OrderedBatchProcessor exists: the stock processor processes records 3 and 4
    after record 2 failed and reports only record 2; Lambda then checkpoints at record 2
    and redelivers 2, 3 and 4, so 3 and 4 run twice, the first time out of order."""
    seen: list[str] = []

    def handler(record):
        seen.append(record.kinesis.sequence_number)
        parse_order_event(record.kinesis.data_as_text())

    payloads = [order(0), order(1), "not json", order(3), order(4)]
    response = process_partial_response(
        event=event(payloads), record_handler=handler, processor=BatchProcessor(EventType.KinesisDataStreams)
    )
    assert response == {"batchItemFailures": [{"itemIdentifier": seq(2)}]}
    assert seen == [seq(i) for i in range(5)]


def test_first_record_failing_fails_the_invocation_so_lambda_bisects(calls):
    with pytest.raises(BatchProcessingError):
        kinesis_handler.lambda_handler(event(["{}", order(1)]), Context())
    assert calls == [seq(0)]


def test_processor_state_does_not_leak_between_invocations(calls):
    kinesis_handler.lambda_handler(event([order(0), "bad", order(2)]), Context())
    response = kinesis_handler.lambda_handler(event([order(0), order(1)]), Context())
    assert response == {"batchItemFailures": []}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('{"order_id": "a", "amount": 12.5}', {"order_id": "a", "amount_cents": 1250, "currency": "EUR"}),
        ('{"order_id": "b", "amount": 0, "currency": "USD"}', {"order_id": "b", "amount_cents": 0, "currency": "USD"}),
    ],
)
def test_parse_order_event(payload, expected):
    assert parse_order_event(payload) == expected


@pytest.mark.parametrize(
    "payload", ["nope", "[]", '{"amount": 1}', '{"order_id": "a", "amount": -1}', '{"order_id": "a", "amount": true}']
)
def test_parse_order_event_poison(payload):
    with pytest.raises(PoisonRecordError):
        parse_order_event(payload)


def test_batch_info_of_an_on_failure_message():
    """Shape of the SQS message Lambda sends for a discarded Kinesis batch
    (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html)."""
    message = {
        "requestContext": {
            "requestId": "c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5",
            "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 1,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": "2019-11-14T00:38:06.021Z",
        "KinesisBatchInfo": {
            "shardId": "shardId-000000000001",
            "startSequenceNumber": "49601189658422359378836298521827638475320189012309704722",
            "endSequenceNumber": "49601189658422359378836298522902373528957594348623495186",
            "approximateArrivalOfFirstRecord": "2019-11-14T00:38:04.835Z",
            "approximateArrivalOfLastRecord": "2019-11-14T00:38:05.580Z",
            "batchSize": 500,
            "streamArn": "arn:aws:kinesis:us-east-2:123456789012:stream/mystream",
        },
    }
    assert batch_info(message) == {
        "stream_arn": "arn:aws:kinesis:us-east-2:123456789012:stream/mystream",
        "shard_id": "shardId-000000000001",
        "start_sequence_number": "49601189658422359378836298521827638475320189012309704722",
        "end_sequence_number": "49601189658422359378836298522902373528957594348623495186",
        "batch_size": 500,
        "condition": "RetryAttemptsExhausted",
    }
    with pytest.raises(NotAStreamFailureMessage):
        batch_info({"requestContext": {}})
