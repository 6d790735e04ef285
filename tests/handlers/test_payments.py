"""The payments consumer on a real SQS event shape: one bad record, only it reported;
a duplicate delivery charges once (Powertools idempotency on moto DynamoDB)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from payments import handler
from payments.logic import DECLINED_CARD, InvalidPayment, PaymentDeclined, charge, parse_payment


@dataclass
class LambdaContext:
    function_name: str = "payments"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:payments"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 20_000


def sqs_record(message_id: str, body: dict[str, Any] | str) -> dict[str, Any]:
    """One record exactly as Lambda delivers it from a standard SQS queue."""
    return {
        "messageId": message_id,
        "receiptHandle": f"AQEB{message_id}...",
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1545082649183",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1545082649185",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:payments",
        "awsRegion": "us-east-1",
    }


REGION = "us-east-1"


def create_idempotency_table(client: Any, name: str) -> None:
    """The table the reference stacks create: partition key ``id``, TTL ``expiration``."""
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch):
    """moto DynamoDB with the idempotency table (and an orders table, unset unless asked)."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "IDEMPOTENCY_TABLE_NAME": "payments-idempotency",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("ORDERS_TABLE_NAME", raising=False)
    monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_idempotency_table(client, "payments-idempotency")
        handler.charge_once.cache_clear()
        handler.dynamodb_client.cache_clear()
        yield client
        handler.charge_once.cache_clear()
        handler.dynamodb_client.cache_clear()


@pytest.fixture
def charges(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call that reaches the (stand-in) provider, by order ID."""
    calls: list[str] = []

    def counting_charge(payment_: Any) -> dict[str, Any]:
        calls.append(payment_.order_id)
        return charge(payment_)

    monkeypatch.setattr(handler, "charge", counting_charge)
    return calls


def payment(order_id: str, card: str = "4242-4242-4242-4242") -> dict[str, Any]:
    return {"order_id": order_id, "amount_cents": 1999, "currency": "eur", "card": card}


def test_one_declined_payment_is_the_only_failure_reported() -> None:
    event = {
        "Records": [
            sqs_record("m-1", payment("o-1")),
            sqs_record("m-2", payment("o-2", card=DECLINED_CARD)),
            sqs_record("m-3", payment("o-3")),
        ]
    }
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}


def test_invalid_body_is_reported_as_failure() -> None:
    event = {"Records": [sqs_record("m-1", "not json"), sqs_record("m-2", payment("o-2"))]}
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_all_good_batch_reports_no_failures() -> None:
    event = {"Records": [sqs_record("m-1", payment("o-1"))]}
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}


def test_charge_returns_receipt() -> None:
    receipt = charge(parse_payment(json.dumps(payment("o-9"))))
    assert receipt == {"order_id": "o-9", "amount_cents": 1999, "currency": "EUR", "status": "CHARGED"}


def test_declined_card_raises() -> None:
    with pytest.raises(PaymentDeclined):
        charge(parse_payment(json.dumps(payment("o-9", card=DECLINED_CARD))))


@pytest.mark.parametrize(
    "body,field",
    [
        ("[]", "JSON object"),
        (json.dumps({**payment("o"), "order_id": ""}), "order_id"),
        (json.dumps({**payment("o"), "amount_cents": 0}), "amount_cents"),
        (json.dumps({**payment("o"), "amount_cents": True}), "amount_cents"),
        (json.dumps({**payment("o"), "currency": "EURO"}), "currency"),
        (json.dumps({**payment("o"), "card": None}), "card"),
    ],
)
def test_invalid_payments(body: str, field: str) -> None:
    with pytest.raises(InvalidPayment, match=field):
        parse_payment(body)


# ----------------------------------------------------------------------------------------
# Idempotency and the order status (moto DynamoDB)
# ----------------------------------------------------------------------------------------
def test_duplicate_delivery_charges_once(charges: list[str]) -> None:
    first = {"Records": [sqs_record("m-1", payment("o-1"))]}
    again = {"Records": [sqs_record("m-1", payment("o-1")), sqs_record("m-9", payment("o-1"))]}
    assert handler.lambda_handler(first, LambdaContext()) == {"batchItemFailures": []}
    assert handler.lambda_handler(again, LambdaContext()) == {"batchItemFailures": []}
    assert charges == ["o-1"]


def test_declined_charge_is_not_remembered_so_a_retry_charges_again(
    charges: list[str], aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = {"Records": [sqs_record("m-1", payment("o-1", card=DECLINED_CARD)), sqs_record("m-2", payment("o-2"))]}
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert charges == ["o-1", "o-2", "o-1"]  # the declined one reached the provider twice, o-2 once
    keys = [item["id"]["S"] for item in aws.scan(TableName="payments-idempotency")["Items"]]
    assert len(keys) == 1  # only o-2's record


def test_a_batch_where_every_record_fails_raises_so_lambda_returns_it_whole() -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    event = {"Records": [sqs_record("m-1", payment("o-1", card=DECLINED_CARD))]}
    with pytest.raises(BatchProcessingError):
        handler.lambda_handler(event, LambdaContext())


DAY = 24 * 3600


def test_idempotency_record_outlasts_the_dlq_and_a_redrive(aws: Any) -> None:
    """19 days = 14 (DLQ, from the original enqueue) + 4 (a redriven message is new: the
    source queue keeps it again) + 1 margin; the TTL attribute still expires the record."""
    from constructs_lib import limits

    before = int(time.time())
    handler.lambda_handler({"Records": [sqs_record("m-1", payment("o-1"))]}, LambdaContext())
    (item,) = aws.scan(TableName="payments-idempotency")["Items"]
    assert item["status"]["S"] == "COMPLETED"
    assert handler.IDEMPOTENCY_EXPIRES_AFTER_S == 19 * DAY
    assert handler.IDEMPOTENCY_EXPIRES_AFTER_S > limits.FAILURE_QUEUE_RETENTION_S + limits.SQS_DEFAULT_RETENTION_S
    expiration = int(item["expiration"]["N"])  # the attribute the table's TTL deletes on
    assert before + handler.IDEMPOTENCY_EXPIRES_AFTER_S <= expiration <= int(time.time()) + handler.IDEMPOTENCY_EXPIRES_AFTER_S


def age_records(client: Any, seconds: int) -> None:
    """Make every idempotency record ``seconds`` older (as if that much time had passed)."""
    for item in client.scan(TableName="payments-idempotency")["Items"]:
        item["expiration"] = {"N": str(int(item["expiration"]["N"]) - seconds)}
        client.put_item(TableName="payments-idempotency", Item=item)


@pytest.mark.parametrize("days", [1, 13, 14 + 4])
def test_charge_whose_mark_paid_failed_is_not_charged_again_when_redriven_late(
    charges: list[str], aws: Any, monkeypatch: pytest.MonkeyPatch, days: int
) -> None:
    """Charged, then UpdateItem(PAID) fails: the message is retried, lands in the DLQ and is
    redriven up to 14 days later, then may wait in the source queue another 4 days."""
    failures = iter([RuntimeError("DynamoDB UpdateItem throttled")])

    def flaky_mark_paid(order_id: str) -> None:
        error = next(failures, None)
        if error is not None:
            raise error

    monkeypatch.setattr(handler, "mark_paid", flaky_mark_paid)
    event = {"Records": [sqs_record("m-1", payment("o-1")), sqs_record("m-2", payment("o-2"))]}
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert charges == ["o-1", "o-2"]

    age_records(aws, days * DAY)
    redriven = {"Records": [sqs_record("m-redriven", payment("o-1"))]}  # a redriven message has a new id
    assert handler.lambda_handler(redriven, LambdaContext()) == {"batchItemFailures": []}
    assert charges == ["o-1", "o-2"]  # the stored receipt, no second charge


def test_record_older_than_the_window_is_ignored(charges: list[str], aws: Any) -> None:
    """Past the window, the record counts as expired (TTL may not have deleted it yet)."""
    handler.lambda_handler({"Records": [sqs_record("m-1", payment("o-1"))]}, LambdaContext())
    age_records(aws, handler.IDEMPOTENCY_EXPIRES_AFTER_S + 60)
    handler.lambda_handler({"Records": [sqs_record("m-2", payment("o-1"))]}, LambdaContext())
    assert charges == ["o-1", "o-1"]


def test_charged_order_is_marked_paid_once(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERS_TABLE_NAME", "orders")
    aws.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws.put_item(TableName="orders", Item={"id": {"S": "o-1"}, "status": {"S": "PENDING"}})
    event = {"Records": [sqs_record("m-1", payment("o-1")), sqs_record("m-2", payment("o-unknown"))]}
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}
    assert handler.lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}  # already PAID: no-op
    item = aws.get_item(TableName="orders", Key={"id": {"S": "o-1"}})["Item"]
    assert item["status"]["S"] == "PAID"
    assert "Item" not in aws.get_item(TableName="orders", Key={"id": {"S": "o-unknown"}})  # not created


def test_import_needs_no_environment() -> None:
    """The minimal example imports the module before any table is configured."""
    import importlib
    import os

    saved = os.environ.pop("IDEMPOTENCY_TABLE_NAME")
    try:
        importlib.reload(handler)
    finally:
        os.environ["IDEMPOTENCY_TABLE_NAME"] = saved
