"""DynamoDB Streams handler on the real event shape (AWS docs: with-ddb.html, sample event)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from streams import ddb_handler
from constructs_lib.handlers import batch_info
from streams.logic import PoisonRecordError, summarise_change

STREAM_ARN = "arn:aws:dynamodb:us-west-2:111122223333:table/TestTable/stream/2015-05-11T21:21:33.291"


@dataclass
class Context:
    function_name: str = "stream-ddb"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-west-2:111122223333:function:stream-ddb"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"


def seq(i: int) -> str:
    return f"{111 + i * 111}"


def ddb_record(i: int, event_name: str, status_old: str | None, status_new: str | None) -> dict:
    image = lambda status: {"Id": {"N": str(100 + i)}, **({"status": {"S": status}} if status else {})}  # noqa: E731
    body: dict = {
        "Keys": {"Id": {"N": str(100 + i)}},
        "StreamViewType": "NEW_AND_OLD_IMAGES",
        "SequenceNumber": seq(i),
        "SizeBytes": 26,
        "ApproximateCreationDateTime": 1428537600,
    }
    if event_name in ("MODIFY", "REMOVE"):
        body["OldImage"] = image(status_old)
    if event_name in ("INSERT", "MODIFY"):
        body["NewImage"] = image(status_new)
    return {
        "eventID": f"{i + 1}",
        "eventVersion": "1.0",
        "dynamodb": body,
        "awsRegion": "us-west-2",
        "eventName": event_name,
        "eventSourceARN": STREAM_ARN,
        "eventSource": "aws:dynamodb",
    }


@pytest.fixture
def calls(monkeypatch):
    seen: list[str] = []
    original = ddb_handler.record_handler

    def spy(record):
        seen.append(record.dynamodb.sequence_number)
        return original(record)

    monkeypatch.setattr(ddb_handler, "record_handler", spy)
    return seen


def good(i: int) -> dict:
    return [
        ddb_record(i, "INSERT", None, "NEW"),
        ddb_record(i, "MODIFY", "NEW", "PAID"),
        ddb_record(i, "REMOVE", "PAID", None),
    ][i % 3]


def test_all_good_reports_nothing(calls):
    response = ddb_handler.lambda_handler({"Records": [good(i) for i in range(3)]}, Context())
    assert response == {"batchItemFailures": []}
    assert calls == [seq(0), seq(1), seq(2)]


def test_failure_in_the_middle_reports_it_and_every_later_record(calls):
    records = [good(0), good(1), ddb_record(2, "MODIFY", "NEW", None), good(3), good(4)]
    response = ddb_handler.lambda_handler({"Records": records}, Context())
    assert response == {"batchItemFailures": [{"itemIdentifier": seq(i)} for i in (2, 3, 4)]}
    assert calls == [seq(0), seq(1), seq(2)]


def test_whole_batch_failing_raises_for_bisect(calls):
    with pytest.raises(BatchProcessingError):
        ddb_handler.lambda_handler({"Records": [ddb_record(0, "INSERT", None, None), good(1)]}, Context())


def test_summarise_change_deserialised_values():
    assert summarise_change("MODIFY", {"Id": 101}, {"status": "NEW"}, {"status": "PAID"}) == {
        "change": "MODIFY", "keys": {"Id": 101}, "status_from": "NEW", "status_to": "PAID",
    }
    assert summarise_change("REMOVE", {"Id": 1}, {"status": "PAID"}, None)["status_to"] is None


def test_handler_passes_deserialised_numbers(calls, monkeypatch):
    seen = []
    monkeypatch.setattr(ddb_handler, "summarise_change", lambda *a: seen.append(a) or {})
    ddb_handler.lambda_handler({"Records": [good(1)]}, Context())
    event_name, keys, old, new = seen[0]
    assert event_name == "MODIFY" and int(keys["Id"]) == 101 and old["status"] == "NEW" and new["status"] == "PAID"


@pytest.mark.parametrize(
    ("name", "new"), [("INSERT", None), ("INSERT", {"Id": 1}), ("MODIFY", {}), ("UPSERT", {"status": "x"})]
)
def test_summarise_change_poison(name, new):
    with pytest.raises(PoisonRecordError):
        summarise_change(name, {"Id": 1}, None, new)


def test_batch_info_of_a_dynamodb_on_failure_message():
    message = {
        "requestContext": {"condition": "RecordAgeExceeded", "approximateInvokeCount": 3},
        "DDBStreamBatchInfo": {
            "shardId": "shardId-00000001573689847184-864758bb",
            "startSequenceNumber": "800000000003126276362",
            "endSequenceNumber": "800000000003126276362",
            "approximateArrivalOfFirstRecord": "2019-11-14T00:13:19Z",
            "approximateArrivalOfLastRecord": "2019-11-14T00:13:19Z",
            "batchSize": 1,
            "streamArn": STREAM_ARN,
        },
    }
    info = batch_info(message)
    assert info["shard_id"] == "shardId-00000001573689847184-864758bb"
    assert info["condition"] == "RecordAgeExceeded" and info["batch_size"] == 1
