"""The order-confirmation worker: pure logic, and the idempotent handler on moto DynamoDB + SQS."""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from notifications import logic
from notifications.logic import InvalidOrderError, build_confirmation, order_from_event, validate_order

TABLE = "idempotency"
REGION = "eu-west-1"

ORDER = {
    "order_id": "o-1001",
    "customer_email": "ana@example.com",
    "customer_name": "Ana",
    "items": [{"sku": "BOOK-1", "quantity": 2}, {"sku": "PEN-7", "quantity": 1}],
}


def eventbridge_event(detail: dict[str, Any], event_id: str = "6a7e8feb-b491-4cf7-a9f1-bf3703467718") -> dict[str, Any]:
    """The shape EventBridge delivers to a Lambda target (AWS docs, 'Amazon EventBridge events')."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "OrderPlaced",
        "source": "example.orders",
        "account": "123456789012",
        "time": "2025-11-23T10:00:00Z",
        "region": REGION,
        "resources": [],
        "detail": detail,
    }


@dataclass
class FakeContext:
    function_name: str = "OrderConfirmation"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:OrderConfirmation"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


# --------------------------------------------------------------------------------------
# Pure logic
# --------------------------------------------------------------------------------------
def test_order_from_eventbridge_event_and_direct_payload_agree() -> None:
    assert order_from_event(eventbridge_event(ORDER)) == order_from_event(ORDER)
    assert order_from_event(ORDER)["items"] == ORDER["items"]


def test_order_defaults_quantity_and_name() -> None:
    order = validate_order({"order_id": "o-1", "customer_email": "a@b.c", "items": [{"sku": "X"}]})
    assert order["items"] == [{"sku": "X", "quantity": 1}]
    assert order["customer_name"] == "customer"


def test_other_detail_type_is_rejected() -> None:
    event = eventbridge_event(ORDER)
    event["detail-type"] = "OrderShipped"
    with pytest.raises(InvalidOrderError, match="detail-type 'OrderShipped'"):
        order_from_event(event)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("not an object", "must be an object"),
        ({**ORDER, "order_id": ""}, "order_id"),
        ({**ORDER, "customer_email": "nobody"}, "customer_email"),
        ({**ORDER, "items": []}, "items"),
        ({**ORDER, "items": [{"quantity": 1}]}, "sku"),
        ({**ORDER, "items": [{"sku": "X", "quantity": 0}]}, "quantity 0"),
        ({**ORDER, "items": [{"sku": "X", "quantity": True}]}, "quantity True"),
    ],
)
def test_invalid_orders_name_the_problem(payload: Any, message: str) -> None:
    with pytest.raises(InvalidOrderError, match=message):
        validate_order(payload)


def test_build_confirmation() -> None:
    note = build_confirmation(validate_order(ORDER))
    assert note["to"] == "ana@example.com"
    assert note["subject"] == "Your order o-1001 is confirmed"
    assert "Hello Ana," in note["body"]
    assert "3 item(s)" in note["body"]
    assert "- 2 x BOOK-1" in note["body"]


# --------------------------------------------------------------------------------------
# Handler on moto
# --------------------------------------------------------------------------------------
@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "IDEMPOTENCY_TABLE_NAME": TABLE,
        "POWERTOOLS_SERVICE_NAME": "order-confirmation",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED", raising=False)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        # The same table the reference stack creates: partition key "id", TTL "expiration".
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.update_time_to_live(
            TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"}
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="notifications")["QueueUrl"]
        monkeypatch.setenv("NOTIFICATION_QUEUE_URL", queue_url)
        from notifications import handler

        handler = importlib.reload(handler)  # bind the persistence layer to the mock
        handler.sqs_client.cache_clear()
        yield {"handler": handler, "sqs": sqs, "queue_url": queue_url, "dynamodb": dynamodb}
        handler.sqs_client.cache_clear()


def sent(aws: dict[str, Any]) -> list[dict[str, Any]]:
    messages = aws["sqs"].receive_message(QueueUrl=aws["queue_url"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def test_eventbridge_event_sends_one_confirmation(aws: dict[str, Any]) -> None:
    result = aws["handler"].lambda_handler(eventbridge_event(ORDER), FakeContext())
    assert result["order_id"] == "o-1001"
    notes = sent(aws)
    assert len(notes) == 1
    assert notes[0]["to"] == "ana@example.com"
    assert notes[0]["order_id"] == "o-1001"


def test_duplicate_delivery_is_processed_once(aws: dict[str, Any]) -> None:
    event = eventbridge_event(ORDER)
    first = aws["handler"].lambda_handler(event, FakeContext())
    second = aws["handler"].lambda_handler(event, FakeContext(aws_request_id="retry-2"))
    assert second == first  # the stored result, not a second send
    assert len(sent(aws)) == 1


def test_same_order_from_eventbridge_and_direct_invoke_is_processed_once(aws: dict[str, Any]) -> None:
    aws["handler"].lambda_handler(eventbridge_event(ORDER, event_id="e-1"), FakeContext())
    aws["handler"].lambda_handler(dict(ORDER), FakeContext(aws_request_id="direct"))
    assert len(sent(aws)) == 1


def test_different_orders_are_each_sent(aws: dict[str, Any]) -> None:
    aws["handler"].lambda_handler(ORDER, FakeContext())
    aws["handler"].lambda_handler({**ORDER, "order_id": "o-1002"}, FakeContext())
    assert sorted(n["order_id"] for n in sent(aws)) == ["o-1001", "o-1002"]


def test_idempotency_record_expires_with_the_ttl_attribute(aws: dict[str, Any]) -> None:
    before = int(time.time())
    aws["handler"].lambda_handler(ORDER, FakeContext())
    items = aws["dynamodb"].scan(TableName=TABLE)["Items"]
    assert len(items) == 1
    assert items[0]["status"]["S"] == "COMPLETED"
    expiration = int(items[0]["expiration"]["N"])  # the attribute the table's TTL reads
    assert before + aws["handler"].IDEMPOTENCY_EXPIRES_AFTER_S <= expiration <= int(time.time()) + aws["handler"].IDEMPOTENCY_EXPIRES_AFTER_S


def test_idempotency_window_covers_late_delivery_and_the_failure_queue(aws: dict[str, Any]) -> None:
    """16 days 6 h = 24 h (EventBridge retries) + 6 h (async event age) + 14 days (the
    failure queue / rule DLQ keep the event for replay) + 1 day margin."""
    from constructs_lib import limits

    window = aws["handler"].IDEMPOTENCY_EXPIRES_AFTER_S
    assert window == 16 * 24 * 3600 + 6 * 3600
    assert window > 30 * 3600 + limits.FAILURE_QUEUE_RETENTION_S


def age_records(aws: dict[str, Any], seconds: int) -> None:
    """Make every idempotency record ``seconds`` older (as if that much time had passed)."""
    for item in aws["dynamodb"].scan(TableName=TABLE)["Items"]:
        item["expiration"] = {"N": str(int(item["expiration"]["N"]) - seconds)}
        aws["dynamodb"].put_item(TableName=TABLE, Item=item)


@pytest.mark.parametrize("hours", [31, 13 * 24, 14 * 24 + 30])
def test_replay_from_the_failure_queue_within_its_retention_sends_nothing(aws: dict[str, Any], hours: int) -> None:
    """The direct invoke emailed the order; EventBridge's delivery of OrderPlaced failed and
    its invocation record sat in the failure queue until the operator replayed its
    ``requestPayload``, up to 14 days later (plus the 30 h it could arrive late)."""
    aws["handler"].lambda_handler(dict(ORDER), FakeContext())
    age_records(aws, hours * 3600)
    replayed = aws["handler"].lambda_handler(eventbridge_event(ORDER), FakeContext(aws_request_id="replay"))
    assert replayed["order_id"] == "o-1001"
    assert len(sent(aws)) == 1


def test_record_older_than_the_window_is_ignored(aws: dict[str, Any]) -> None:
    aws["handler"].lambda_handler(dict(ORDER), FakeContext())
    age_records(aws, aws["handler"].IDEMPOTENCY_EXPIRES_AFTER_S + 60)
    aws["handler"].lambda_handler(dict(ORDER), FakeContext(aws_request_id="much-later"))
    assert len(sent(aws)) == 2


def test_invalid_event_raises_so_lambda_retries_and_sends_it_to_the_failure_destination(
    aws: dict[str, Any],
) -> None:
    with pytest.raises(InvalidOrderError):
        aws["handler"].lambda_handler({"order_id": "o-bad"}, FakeContext())
    assert sent(aws) == []


def test_failed_send_is_not_remembered_so_the_retry_sends(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    good_url = aws["queue_url"]
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", good_url.replace("notifications", "missing"))
    with pytest.raises(Exception):  # noqa: B017 - botocore's QueueDoesNotExist
        aws["handler"].lambda_handler(ORDER, FakeContext())
    assert aws["dynamodb"].scan(TableName=TABLE)["Items"] == []  # Powertools deleted the record

    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", good_url)
    aws["handler"].lambda_handler(ORDER, FakeContext(aws_request_id="retry-1"))
    assert len(sent(aws)) == 1


def test_logic_module_imports_no_aws_sdk() -> None:
    source = open(logic.__file__, encoding="utf-8").read()
    assert "boto3" not in source and "aws_cdk" not in source
