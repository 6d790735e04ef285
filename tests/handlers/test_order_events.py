"""OrderEvents on the real DynamoDB Streams event shape, publishing to moto EventBridge.

The event shape follows the AWS docs ("Using AWS Lambda with Amazon DynamoDB", example
event): NEW_AND_OLD_IMAGES, typed attribute values, ``eventSourceARN`` on each record.
Published events are read back through a rule on the custom bus that targets an SQS
queue, so what EventBridge accepted is what the test sees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from order_events import handler
from order_events.logic import ORDER_PLACED, ORDER_STATUS_CHANGED, PoisonRecordError, project

REGION = "eu-west-1"
STREAM_ARN = f"arn:aws:dynamodb:{REGION}:123456789012:table/Orders/stream/2025-01-01T00:00:00.000"

ORDER_IMAGE = {
    "id": {"S": "3f1c2b7e-0000-4000-8000-000000000001"},
    "status": {"S": "PENDING"},
    "customer_id": {"S": "c-42"},
    "customer_email": {"S": "ana@example.com"},
    "currency": {"S": "EUR"},
    "payment_token": {"S": "tok_visa_4242"},
    "amount_cents": {"N": "2500"},
    "created_at": {"S": "2025-01-02T03:04:05+00:00"},
    "items": {"L": [{"M": {"sku": {"S": "BOOK-1"}, "quantity": {"N": "2"}, "unit_price_cents": {"N": "1250"}}}]},
}


def ddb_record(event_name: str, seq: str, new: dict | None = None, old: dict | None = None) -> dict[str, Any]:
    image = new or old or ORDER_IMAGE
    record: dict[str, Any] = {
        "eventID": f"c4ca4238a0b923820dcc509a6f75849{seq[-1]}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "ApproximateCreationDateTime": 1735787045,
            "Keys": {"id": image["id"]},
            "SequenceNumber": seq,
            "SizeBytes": 321,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": STREAM_ARN,
    }
    if new is not None:
        record["dynamodb"]["NewImage"] = new
    if old is not None:
        record["dynamodb"]["OldImage"] = old
    return record


@dataclass
class Context:
    function_name: str = "OrderEvents"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:OrderEvents"
    aws_request_id: str = "7f3c2b7e-1111-4000-8000-000000000001"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "EVENT_BUS_NAME": "orders",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        events.create_event_bus(Name="orders")
        queue_url = sqs.create_queue(QueueName="captured")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="all", EventBusName="orders", EventPattern=json.dumps({"source": ["example.orders"]}))
        events.put_targets(Rule="all", EventBusName="orders", Targets=[{"Id": "q", "Arn": queue_arn}])
        handler.events_client.cache_clear()
        yield {"sqs": sqs, "queue_url": queue_url}
        handler.events_client.cache_clear()


def published(bus: dict[str, Any]) -> list[dict[str, Any]]:
    messages = bus["sqs"].receive_message(QueueUrl=bus["queue_url"], MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_insert_publishes_order_placed_for_the_worker(bus: dict[str, Any]) -> None:
    event = {"Records": [ddb_record("INSERT", "100", new=ORDER_IMAGE)]}
    assert handler.lambda_handler(event, Context()) == {"batchItemFailures": []}
    (sent,) = published(bus)
    assert sent["detail-type"] == ORDER_PLACED and sent["source"] == "example.orders"
    detail = sent["detail"]
    assert detail["order_id"] == ORDER_IMAGE["id"]["S"]
    assert detail["amount_cents"] == 2500 and detail["items"] == [{"sku": "BOOK-1", "quantity": 2}]
    assert "payment_token" not in detail
    # exactly what the notification worker accepts from EventBridge
    from notifications.logic import order_from_event

    assert order_from_event(sent)["customer_email"] == "ana@example.com"


def test_status_change_publishes_order_status_changed(bus: dict[str, Any]) -> None:
    paid = {**ORDER_IMAGE, "status": {"S": "PAID"}}
    event = {"Records": [ddb_record("MODIFY", "200", new=paid, old=ORDER_IMAGE)]}
    assert handler.lambda_handler(event, Context()) == {"batchItemFailures": []}
    (sent,) = published(bus)
    assert sent["detail-type"] == ORDER_STATUS_CHANGED
    assert sent["detail"] == {"order_id": ORDER_IMAGE["id"]["S"], "status_from": "PENDING", "status_to": "PAID"}


def test_unchanged_status_and_remove_publish_nothing(bus: dict[str, Any]) -> None:
    touched = {**ORDER_IMAGE, "customer_id": {"S": "c-43"}}
    event = {
        "Records": [
            ddb_record("MODIFY", "300", new=touched, old=ORDER_IMAGE),
            ddb_record("REMOVE", "301", old=ORDER_IMAGE),
        ]
    }
    assert handler.lambda_handler(event, Context()) == {"batchItemFailures": []}
    assert published(bus) == []


def test_poison_record_stops_the_batch_in_order(bus: dict[str, Any]) -> None:
    bad = {k: v for k, v in ORDER_IMAGE.items() if k != "customer_email"}
    second = {**ORDER_IMAGE, "id": {"S": "3f1c2b7e-0000-4000-8000-000000000002"}}
    event = {
        "Records": [
            ddb_record("INSERT", "400", new=ORDER_IMAGE),
            ddb_record("INSERT", "401", new=bad),
            ddb_record("INSERT", "402", new=second),
        ]
    }
    result = handler.lambda_handler(event, Context())
    # the poison record and every later one are reported; Lambda checkpoints before 401
    assert result == {"batchItemFailures": [{"itemIdentifier": "401"}, {"itemIdentifier": "402"}]}
    assert [e["detail"]["order_id"] for e in published(bus)] == [ORDER_IMAGE["id"]["S"]]


def test_rejected_put_events_fails_the_record(bus: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENT_BUS_NAME", "no-such-bus")
    event = {"Records": [ddb_record("INSERT", "500", new=ORDER_IMAGE), ddb_record("INSERT", "501", new=ORDER_IMAGE)]}
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    with pytest.raises(BatchProcessingError):  # every record failed: the whole batch is retried
        handler.lambda_handler(event, Context())


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("INSERT", None, {"id": "o", "status": "PENDING", "customer_email": "a@b.c", "items": [{"sku": "X", "quantity": 1}]}, ORDER_PLACED),
        ("MODIFY", {"id": "o", "status": "PENDING"}, {"id": "o", "status": "PAID"}, ORDER_STATUS_CHANGED),
        ("MODIFY", {"id": "o", "status": "PAID"}, {"id": "o", "status": "PAID"}, None),
        ("REMOVE", {"id": "o", "status": "PAID"}, None, None),
    ],
)
def test_project(name: str, old: Any, new: Any, expected: str | None) -> None:
    event = project(name, old, new)
    assert (event["detail_type"] if event else None) == expected


@pytest.mark.parametrize(
    ("name", "old", "new", "fragment"),
    [
        ("INSERT", None, {"status": "PENDING"}, "id missing"),
        ("INSERT", None, {"id": "o", "status": "PENDING", "customer_email": "a@b.c", "items": []}, "items"),
        ("INSERT", None, {"id": "o", "customer_email": "a@b.c", "items": [{"sku": "X"}]}, "status"),
        ("MODIFY", {"id": "o", "status": "PENDING"}, {"id": "o", "status": "LOST"}, "unknown status 'LOST'"),
        ("TTL", None, None, "unknown event name"),
    ],
)
def test_poison(name: str, old: Any, new: Any, fragment: str) -> None:
    with pytest.raises(PoisonRecordError, match=fragment):
        project(name, old, new)
