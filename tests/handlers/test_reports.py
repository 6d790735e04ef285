"""The order reports: the pure summary, ``GET /report`` on a real function URL event
(payload format 2.0, AWS_IAM auth) against a moto DynamoDB table, and the daily job's
embedded metrics."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from moto import mock_aws

from reports import handler
from reports.logic import InvalidSince, metric_points, parse_since, summarize

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
REGION = "us-east-1"


@dataclass
class LambdaContext:
    function_name: str = "reports"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:reports:live"
    aws_request_id: str = "0e2b1f3c-1111-2222-3333-444455556666"
    remaining_ms: int = 60_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def url_event(path: str = "/report", query: dict[str, str] | None = None, method: str = "GET") -> dict[str, Any]:
    """A function URL request as Lambda delivers it (AWS docs: "Invoking Lambda function URLs",
    request payload format 2.0), signed with SigV4 (AuthType AWS_IAM)."""
    query = query or {}
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in query.items()),
        "headers": {"host": "abcdefg.lambda-url.us-east-1.on.aws", "x-amz-date": "20250601T120000Z"},
        **({"queryStringParameters": query} if query else {}),
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdefg",
            "authorizer": {"iam": {"accessKey": "AKIA...", "accountId": "123456789012", "callerId": "AIDA...",
                                   "userArn": "arn:aws:iam::123456789012:user/analyst", "userId": "AIDA..."}},
            "domainName": "abcdefg.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abcdefg",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9", "userAgent": "curl/8"},
            "requestId": "2f7c1b7e-aaaa-bbbb-cccc-ddddeeeeffff",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jun/2025:12:00:00 +0000",
            "timeEpoch": 1748779200000,
        },
        "isBase64Encoded": False,
    }


def order(status: str, created: datetime, amount: int = 1000, currency: str = "EUR") -> dict[str, Any]:
    return {"status": status, "created_at": created.isoformat(), "amount_cents": amount, "currency": currency}


# --------------------------------------------------------------------------------------
# Pure logic
# --------------------------------------------------------------------------------------
def test_summary_counts_and_amounts_per_status_and_currency() -> None:
    since = NOW - timedelta(hours=24)
    orders = [
        order("PENDING", NOW - timedelta(hours=1), 500),
        order("PAID", NOW - timedelta(hours=2), 1200),
        order("PAID", NOW - timedelta(hours=3), 300, "USD"),
        order("PAID", NOW - timedelta(hours=30), 9999),  # before since: not counted
    ]
    assert summarize(orders, since=since) == {
        "since": since.isoformat(),
        "orders": 3,
        "by_status": {
            "PAID": {"count": 2, "amount_cents": {"EUR": 1200, "USD": 300}},
            "PENDING": {"count": 1, "amount_cents": {"EUR": 500}},
        },
        "truncated": False,
    }


def test_empty_summary_and_metric_points() -> None:
    assert summarize([], since=NOW)["orders"] == 0
    report = summarize([order("PAID", NOW), order("PAID", NOW)], since=NOW - timedelta(minutes=1))
    assert metric_points(report) == [("PAID", "Orders", 2)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, NOW - timedelta(hours=24)),
        ("", NOW - timedelta(hours=24)),
        ("2025-05-31", datetime(2025, 5, 31, tzinfo=timezone.utc)),
        ("2025-05-31T10:00:00Z", datetime(2025, 5, 31, 10, tzinfo=timezone.utc)),
        ("2025-05-31T12:00:00+02:00", datetime(2025, 5, 31, 10, tzinfo=timezone.utc)),
        ("2025-05-01T12:00:00Z", NOW - timedelta(days=31)),  # the last good day back
    ],
)
def test_parse_since(value: str | None, expected: datetime) -> None:
    assert parse_since(value, NOW) == expected


@pytest.mark.parametrize(("value", "fragment"), [("yesterday", "not an ISO 8601"), ("2025-06-02", "in the future"), ("2025-05-01T11:59:59Z", "more than 31 days")])
def test_parse_since_refuses(value: str, fragment: str) -> None:
    with pytest.raises(InvalidSince, match=fragment):
        parse_since(value, NOW)


# --------------------------------------------------------------------------------------
# The function URL handler and the daily job, on moto DynamoDB
# --------------------------------------------------------------------------------------
@pytest.fixture
def orders_table(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv(handler.ORDERS_TABLE_ENV, "orders")
    with mock_aws():
        handler.dynamodb.cache_clear()
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        now = datetime.now(timezone.utc)
        for i, (status, hours) in enumerate([("PENDING", 1), ("PAID", 2), ("PAID", 48)]):
            item = {"id": f"o-{i}", **order(status, now - timedelta(hours=hours), 1000 + i), "customer_email": "x@example.com"}
            client.put_item(TableName="orders", Item={k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in item.items()})
        yield client
        handler.dynamodb.cache_clear()


def test_get_report_answers_the_last_24_hours(orders_table: Any) -> None:
    response = handler.lambda_handler(url_event(), LambdaContext())
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["orders"] == 2 and body["truncated"] is False
    assert body["by_status"] == {
        "PAID": {"count": 1, "amount_cents": {"EUR": 1001}},
        "PENDING": {"count": 1, "amount_cents": {"EUR": 1000}},
    }


def test_get_report_with_since_reads_older_orders(orders_table: Any) -> None:
    since = (datetime.now(timezone.utc) - timedelta(days=3)).date().isoformat()
    body = json.loads(handler.lambda_handler(url_event(query={"since": since}), LambdaContext())["body"])
    assert body["orders"] == 3


def test_bad_since_is_a_400(orders_table: Any) -> None:
    response = handler.lambda_handler(url_event(query={"since": "soon"}), LambdaContext())
    assert response["statusCode"] == 400
    assert "not an ISO 8601" in json.loads(response["body"])["message"]


def test_other_routes_are_404(orders_table: Any) -> None:
    assert handler.lambda_handler(url_event("/orders"), LambdaContext())["statusCode"] == 404
    assert handler.lambda_handler(url_event(method="POST"), LambdaContext())["statusCode"] == 404


def test_running_out_of_time_answers_what_was_read(orders_table: Any) -> None:
    body = json.loads(handler.lambda_handler(url_event(), LambdaContext(remaining_ms=1000))["body"])
    assert body["truncated"] is True


def test_daily_job_publishes_one_metric_per_status(orders_table: Any, capsys: pytest.CaptureFixture[str]) -> None:
    result = handler.daily_handler({"report": "daily"}, LambdaContext())
    assert result["orders"] == 2
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    by_status = {m["Status"]: m["Orders"] for m in emf}
    assert by_status == {"PAID": [1.0], "PENDING": [1.0]}
    assert all(m["_aws"]["CloudWatchMetrics"][0]["Namespace"] == handler.METRICS_NAMESPACE for m in emf)


def test_without_a_table_the_report_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(handler.ORDERS_TABLE_ENV, raising=False)
    body = json.loads(handler.lambda_handler(url_event(), LambdaContext())["body"])
    assert body["orders"] == 0
