"""The payments consumer on a real SQS event shape: one bad record, only it reported."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

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
