"""The checkout function: invokes the confirmation worker asynchronously (stubbed Lambda client;
moto cannot run Lambda code)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from checkout import handler
from checkout.logic import InvalidOrderError, accept_order, accepted_response

WORKER = "AsyncWorkerExample-OrderConfirmationFunction-abc123"
ORDER = {
    "order_id": "o-2001",
    "customer_email": "bo@example.com",
    "customer_name": "Bo",
    "items": [{"sku": "MUG-3", "quantity": 1}],
}


@dataclass
class FakeContext:
    function_name: str = "Checkout"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:Checkout"
    aws_request_id: str = "4f8f1c6e-2b0b-4b8e-9d0e-1b1f2a3c4d5e"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


class JsonPayload:
    """Equal to any bytes payload that decodes to the same JSON (key order aside)."""

    def __init__(self, expected: Any) -> None:
        self.expected = expected

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (bytes, str)) and json.loads(other) == self.expected

    def __repr__(self) -> str:
        return f"JsonPayload({self.expected!r})"


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    monkeypatch.setenv(handler.FUNCTION_NAME_ENV, WORKER)
    client = boto3.client(
        "lambda", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    monkeypatch.setattr(handler, "lambda_client", lambda: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_accept_order_keeps_what_the_worker_needs() -> None:
    assert accept_order({**ORDER, "coupon": "X"}) == ORDER
    assert accepted_response(ORDER) == {"order_id": "o-2001", "status": "ACCEPTED", "confirmation": "QUEUED"}


@pytest.mark.parametrize(
    ("payload", "message"),
    [([], "must be an object"), ({"order_id": "o"}, "customer_email, items"), ({**ORDER, "items": []}, "items")],
)
def test_accept_order_rejects_incomplete_orders(payload: Any, message: str) -> None:
    with pytest.raises(InvalidOrderError, match=message):
        accept_order(payload)


def test_invokes_the_worker_asynchronously_by_the_name_in_the_environment(stubbed: Stubber) -> None:
    stubbed.add_response(
        "invoke",
        {"StatusCode": 202},
        expected_params={
            "FunctionName": WORKER,
            "InvocationType": "Event",
            "Payload": JsonPayload(ORDER),
        },
    )
    result = handler.lambda_handler(dict(ORDER), FakeContext())
    assert result == {"order_id": "o-2001", "status": "ACCEPTED", "confirmation": "QUEUED"}


def test_a_refused_invocation_raises(stubbed: Stubber) -> None:
    stubbed.add_response("invoke", {"StatusCode": 200})  # not 202: not queued asynchronously
    with pytest.raises(RuntimeError, match="did not accept order o-2001: status 200"):
        handler.lambda_handler(dict(ORDER), FakeContext())


def test_lambda_errors_propagate(stubbed: Stubber) -> None:
    stubbed.add_client_error("invoke", service_error_code="TooManyRequestsException", http_status_code=429)
    with pytest.raises(Exception, match="TooManyRequestsException"):
        handler.lambda_handler(dict(ORDER), FakeContext())


def test_invalid_order_never_invokes_the_worker(stubbed: Stubber) -> None:
    with pytest.raises(InvalidOrderError):
        handler.lambda_handler({"order_id": "o-3"}, FakeContext())
