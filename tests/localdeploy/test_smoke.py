"""localdeploy.smoke: the TARGET=aws smoke test, against moto's CloudFormation for the
outputs and a stubbed HTTP call that checks the SigV4 signature and hands the request to
the real orders API handler (in memory), as API Gateway's HTTP API would."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import boto3
import pytest
from moto import mock_aws

from localdeploy.smoke import SMOKE_ORDER, SmokeTestFailed, smoke_test

REGION = "eu-west-1"
API_URL = f"https://r3pmxmplak.execute-api.{REGION}.amazonaws.com/"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "AKIDSMOKE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    with mock_aws():
        boto3.client("cloudformation", region_name=REGION).create_stack(
            StackName="OrderPipeline",
            TemplateBody=json.dumps(
                {
                    "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                    "Outputs": {"ApiUrl": {"Value": API_URL}, "OrdersTableName": {"Value": "orders"}},
                }
            ),
        )
        yield boto3.session.Session(region_name=REGION)


class ApiStub:
    """API Gateway (HTTP API, IAM authorization) in front of the real orders handler."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, session: Any, *, paid_after_reads: int = 0) -> None:
        from orders_api import handler
        from orders_api.logic import InMemoryOrderStore

        for var in ("ORDERS_TABLE_NAME", "PAYMENTS_QUEUE_URL", "NOTIFICATION_FUNCTION_NAME"):
            monkeypatch.delenv(var, raising=False)
        self.handler = handler
        self.store = InMemoryOrderStore()
        monkeypatch.setattr(handler, "store", self.store)
        self.access_key = session.get_credentials().access_key  # the identity IAM would authorize
        self.paid_after_reads = paid_after_reads
        self.reads = 0
        self.requests: list[tuple[str, str, Mapping[str, str]]] = []

    def __call__(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> tuple[int, str]:
        self.requests.append((method, url, headers))
        auth = headers.get("Authorization", "")
        if not auth.startswith(f"AWS4-HMAC-SHA256 Credential={self.access_key}/") or f"/{REGION}/execute-api/aws4_request" not in auth:
            return 403, json.dumps({"message": "Missing Authentication Token"})
        path = url.removeprefix(API_URL.rstrip("/"))
        if method == "GET":
            self.reads += 1
            if self.reads > self.paid_after_reads:
                for order in self.store.orders.values():
                    order["status"] = "PAID"  # what the payments consumer does
        event = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "rawQueryString": "",
            "headers": {k.lower(): v for k, v in headers.items()},
            "requestContext": {
                "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7", "userAgent": "smoke"},
                "requestId": str(uuid.uuid4()),
                "routeKey": "$default",
                "stage": "$default",
            },
            "isBase64Encoded": False,
        }
        if body is not None:
            event["body"] = body.decode()
        response = self.handler.lambda_handler(event, _Context())
        return response["statusCode"], response["body"]


class _Context:
    function_name = "orders-api"
    memory_limit_in_mb = 256
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:orders-api"
    aws_request_id = "smoke"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 3000


def test_posts_an_order_reads_it_back_and_waits_until_paid(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    api = ApiStub(monkeypatch, session, paid_after_reads=2)
    result = smoke_test(["OrderPipeline"], session, send=api, poll_s=0)
    assert result["api_url"] == API_URL.rstrip("/")
    assert result["order"]["status"] == "PAID" and result["order"]["id"] == result["order_id"]
    assert [m for m, _, _ in api.requests] == ["POST", "POST", "GET", "GET", "GET"]
    assert all("X-Amz-Date" in h for _, _, h in api.requests)
    first, retry = (h for m, _, h in api.requests if m == "POST")
    assert first["Idempotency-Key"] == retry["Idempotency-Key"]  # a retry, not a second order
    assert uuid.UUID(first["Idempotency-Key"]).version == 4
    assert "idempotency-key" in first["Authorization"]  # signed, so it cannot be altered in transit
    assert len(api.store.orders) == 1


def test_every_run_uses_a_new_key(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    api = ApiStub(monkeypatch, session)
    one = smoke_test({"OrderPipeline": {"ApiUrl": API_URL}}, session, send=api, wait_for_paid_s=0)
    two = smoke_test({"OrderPipeline": {"ApiUrl": API_URL}}, session, send=api, wait_for_paid_s=0)
    assert one["order_id"] != two["order_id"] and len(api.store.orders) == 2


def test_an_api_that_is_not_retry_safe_fails_the_smoke_test(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An API that ignores the key (a new order per POST) is caught."""
    api = ApiStub(monkeypatch, session)

    def forgetful(method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> tuple[int, str]:
        headers = dict(headers)
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return api(method, url, headers, body)

    with pytest.raises(SmokeTestFailed, match="retried with the same Idempotency-Key answered 202 .* a client retry would create a second order"):
        smoke_test({"OrderPipeline": {"ApiUrl": API_URL}}, session, send=forgetful, wait_for_paid_s=0)


def test_accepts_outputs_instead_of_stack_names(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    api = ApiStub(monkeypatch, session)
    result = smoke_test({"OrderPipeline": {"ApiUrl": API_URL}}, session, send=api, wait_for_paid_s=0)
    assert result["order"]["customer_email"] == SMOKE_ORDER["customer_email"]
    assert result["order"]["amount_cents"] == 100


def test_a_rejected_signature_fails_the_smoke_test(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    api = ApiStub(monkeypatch, session)
    intruder = boto3.session.Session(region_name=REGION, aws_access_key_id="AKIDOTHER", aws_secret_access_key="x")
    with pytest.raises(SmokeTestFailed, match="POST /orders answered 403"):
        smoke_test({"OrderPipeline": {"ApiUrl": API_URL}}, intruder, send=api, wait_for_paid_s=0)


def test_an_order_never_paid_fails_with_a_pointer_to_the_dlq(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    api = ApiStub(monkeypatch, session, paid_after_reads=10**6)
    with pytest.raises(SmokeTestFailed, match="still PENDING .* payments DLQ"):
        smoke_test(["OrderPipeline"], session, send=api, wait_for_paid_s=0.01, poll_s=0)


def test_missing_output_is_reported(session: Any) -> None:
    with pytest.raises(SmokeTestFailed, match="ApiUrl"):
        smoke_test({"Other": {"Url": API_URL}}, session, send=lambda *a: (500, ""))
