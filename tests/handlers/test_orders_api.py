"""The orders API on real API Gateway proxy events: payload v1.0 (REST) and v2.0 (HTTP API).

The event shapes follow the AWS docs ("Input format of a Lambda function for proxy
integration" for REST; "Working with AWS Lambda proxy integrations for HTTP APIs",
payload format version 2.0), for a `{proxy+}` REST resource and a `$default` HTTP route,
exactly what SyncApiFunction creates.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

from orders_api import handler
from orders_api.logic import InMemoryOrderStore, InvalidOrder, create_order, get_order, is_order_id, validate_new_order

VALID = {
    "customer_id": "c-42",
    "customer_email": "ana@example.com",
    "currency": "EUR",
    "payment_token": "tok_visa_4242",
    "items": [{"sku": "BOOK-1", "quantity": 2, "unit_price_cents": 1250}],
}


@dataclass
class LambdaContext:
    function_name: str = "orders-api"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:orders-api"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 9_000


def rest_event(
    method: str, path: str, body: str | None = None, *, base64_body: bool = False, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """API Gateway REST API, Lambda proxy integration, payload format 1.0, `/{proxy+}`.
    Header names arrive as the client spelled them."""
    extra = headers or {}
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Host": "abc123.execute-api.eu-west-1.amazonaws.com",
        "User-Agent": "curl/8.5.0",
        "X-Amzn-Trace-Id": "Root=1-5e66d96f-7491f09xmpl79d18acf3d050",
        "X-Forwarded-For": "198.51.100.7",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **extra,
    }
    if body is not None and base64_body:
        body = base64.b64encode(body.encode()).decode()
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc123",
            "extendedRequestId": "BQGojGxYjoEFT2A=",
            "httpMethod": method,
            "identity": {
                "accessKey": "AKIAIOSFODNN7EXAMPLE",
                "accountId": "123456789012",
                "caller": "AROAEXAMPLE:session",
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": "198.51.100.7",
                "user": "AROAEXAMPLE:session",
                "userAgent": "curl/8.5.0",
                "userArn": "arn:aws:sts::123456789012:assumed-role/caller/session",
            },
            "path": f"/prod{path}",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTime": "09/Apr/2025:12:34:56 +0000",
            "requestTimeEpoch": 1744202096000,
            "resourceId": "xmpl1",
            "resourcePath": "/{proxy+}",
            "stage": "prod",
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }


def http_event(
    method: str, path: str, body: str | None = None, *, base64_body: bool = False, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """API Gateway HTTP API, Lambda proxy integration, payload format 2.0, `$default` route.
    HTTP APIs deliver header names in lower case."""
    if body is not None and base64_body:
        body = base64.b64encode(body.encode()).decode()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "application/json",
            "content-length": str(len(body or "")),
            "content-type": "application/json",
            "host": "r3pmxmplak.execute-api.eu-west-1.amazonaws.com",
            "user-agent": "curl/8.5.0",
            "x-amzn-trace-id": "Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e",
            "x-forwarded-for": "198.51.100.7",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
            **{k.lower(): v for k, v in (headers or {}).items()},
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "r3pmxmplak",
            "authorizer": {
                "iam": {
                    "accessKey": "AKIAIOSFODNN7EXAMPLE",
                    "accountId": "123456789012",
                    "callerId": "AROAEXAMPLE:session",
                    "cognitoIdentity": None,
                    "principalOrgId": None,
                    "userArn": "arn:aws:sts::123456789012:assumed-role/caller/session",
                    "userId": "AROAEXAMPLE:session",
                }
            },
            "domainName": "r3pmxmplak.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "r3pmxmplak",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
                "userAgent": "curl/8.5.0",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "09/Apr/2025:12:34:56 +0000",
            "timeEpoch": 1744202096000,
        },
        "isBase64Encoded": base64_body,
    }
    if body is not None:
        event["body"] = body
    return event


EVENTS = {"rest": rest_event, "http": http_event}


@pytest.fixture(autouse=True)
def fresh_store(monkeypatch):
    store = InMemoryOrderStore()
    monkeypatch.setattr(handler, "store", store)
    return store


def call(
    kind: str, method: str, path: str, body: Any = None, *, key: str | None = "new", **kw: Any
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """One request; a POST carries a fresh ``Idempotency-Key`` unless ``key`` names one
    (``None``: no header)."""
    raw = body if isinstance(body, str) or body is None else json.dumps(body)
    if method == "POST" and key is not None:
        kw.setdefault("headers", {})["Idempotency-Key"] = str(uuid.uuid4()) if key == "new" else key
    response = handler.lambda_handler(EVENTS[kind](method, path, raw, **kw), LambdaContext())
    headers = response.get("headers") or {k: v[0] for k, v in (response.get("multiValueHeaders") or {}).items()}
    return response["statusCode"], json.loads(response["body"]), headers


# ----------------------------------------------------------------------------------------
# Through the Lambda handler, both payload versions
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["rest", "http"])
def test_post_accepts_a_valid_order_and_get_reads_it_back(kind, fresh_store):
    status, body, headers = call(kind, "POST", "/orders", VALID)
    assert status == 202
    assert body["status"] == "PENDING" and is_order_id(body["id"])
    assert headers["Content-Type"] == "application/json"
    assert fresh_store.get(body["id"])["items"] == VALID["items"]

    status, order, _ = call(kind, "GET", f"/orders/{body['id']}")
    assert status == 200
    assert order["id"] == body["id"] and order["customer_id"] == "c-42" and order["currency"] == "EUR"
    assert order["amount_cents"] == 2500
    assert "payment_token" not in order  # stored for the payment, never shown


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_base64_encoded_body_is_decoded(kind):
    status, body, _ = call(kind, "POST", "/orders", json.dumps(VALID), base64_body=True)
    assert status == 202, body


@pytest.mark.parametrize("kind", ["rest", "http"])
@pytest.mark.parametrize("raw", ["{not json", "", None])
def test_post_without_json_body_is_400(kind, raw, fresh_store):
    status, body, _ = call(kind, "POST", "/orders", raw)
    assert status == 400
    assert "body" in body["message"]
    assert fresh_store.orders == {}


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_post_invalid_order_is_422_with_every_error(kind, fresh_store):
    status, body, _ = call(kind, "POST", "/orders", {"customer_id": "", "currency": "XXX", "items": []})
    assert status == 422
    assert body["message"] == "invalid order"
    # customer_id, customer_email, payment_token, currency, items
    assert len(body["errors"]) == 5, body["errors"]
    assert fresh_store.orders == {}


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_get_with_malformed_id_is_400(kind):
    status, body, _ = call(kind, "GET", "/orders/not-a-uuid")
    assert status == 400 and "UUID" in body["message"]


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_get_unknown_order_is_404(kind):
    status, body, _ = call(kind, "GET", f"/orders/{uuid.uuid4()}")
    assert status == 404 and "not found" in body["message"]


@pytest.mark.parametrize("kind", ["rest", "http"])
@pytest.mark.parametrize(("method", "path"), [("GET", "/nope"), ("DELETE", "/orders"), ("GET", "/orders")])
def test_unknown_route_is_404(kind, method, path):
    status, _, _ = call(kind, method, path)
    assert status == 404


# ----------------------------------------------------------------------------------------
# Retry safety: the Idempotency-Key header
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["rest", "http"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_post_without_idempotency_key_is_400_and_stores_nothing(kind, value, fresh_store):
    status, body, _ = call(kind, "POST", "/orders", VALID, key=value)
    assert status == 400
    assert "Idempotency-Key header is required" in body["message"]
    assert fresh_store.orders == {}


@pytest.mark.parametrize("kind", ["rest", "http"])
@pytest.mark.parametrize("value", ["k" * 256, "tab\tin-key", "caf\u00e9", '""'])
def test_post_with_malformed_idempotency_key_is_400(kind, value, fresh_store):
    status, body, _ = call(kind, "POST", "/orders", VALID, key=value)
    assert status == 400 and "Idempotency-Key must be 1 to 255 printable ASCII" in body["message"]
    assert fresh_store.orders == {}


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_a_retry_with_the_same_key_returns_the_same_order(kind, fresh_store):
    key = "8e03978e-40d5-43e8-bc93-6894a57f9324"
    status, first, headers = call(kind, "POST", "/orders", VALID, key=key)
    assert status == 202 and "Idempotent-Replayed" not in headers
    status, again, headers = call(kind, "POST", "/orders", VALID, key=key)
    assert status == 202 and again == first
    assert headers["Idempotent-Replayed"] == "true"
    assert list(fresh_store.orders) == [first["id"]]  # one order, not two


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_header_name_is_case_insensitive_and_a_quoted_key_is_the_same_key(kind, fresh_store):
    key = "8e03978e-40d5-43e8-bc93-6894a57f9324"
    _, first, _ = call(kind, "POST", "/orders", VALID, key=None, headers={"idempotency-KEY": key})
    _, again, _ = call(kind, "POST", "/orders", VALID, key=f'"{key}"')  # the draft's sf-string form
    assert again["id"] == first["id"] and len(fresh_store.orders) == 1


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_the_same_key_with_a_different_order_is_409_and_changes_nothing(kind, fresh_store):
    key = "k-1"
    _, first, _ = call(kind, "POST", "/orders", VALID, key=key)
    changed = {**VALID, "items": [{"sku": "BOOK-1", "quantity": 3, "unit_price_cents": 1250}], "currency": "USD"}
    status, body, _ = call(kind, "POST", "/orders", changed, key=key)
    assert status == 409
    assert body["id"] == first["id"] and body["fields"] == ["currency", "items"]
    assert f"Idempotency-Key was already used for order {first['id']} with a different currency, items" in body["message"]
    assert len(fresh_store.orders) == 1
    assert fresh_store.get(first["id"])["currency"] == "EUR"


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_an_invalid_order_is_422_even_with_a_used_key(kind, fresh_store):
    call(kind, "POST", "/orders", VALID, key="k-1")
    status, body, _ = call(kind, "POST", "/orders", {**VALID, "items": []}, key="k-1")
    assert status == 422 and body["message"] == "invalid order"


def test_keys_are_scoped_by_customer(fresh_store):
    _, ana, _ = call("http", "POST", "/orders", VALID, key="k-1")
    _, bob, _ = call("http", "POST", "/orders", {**VALID, "customer_id": "c-43"}, key="k-1")
    assert ana["id"] != bob["id"] and len(fresh_store.orders) == 2


@pytest.mark.parametrize("length", [1, 255])
def test_idempotency_key_length_bounds(length, fresh_store):
    status, _, _ = call("http", "POST", "/orders", VALID, key="k" * length)
    assert status == 202


# ----------------------------------------------------------------------------------------
# The pure logic
# ----------------------------------------------------------------------------------------
def test_order_id_is_a_uuid_derived_from_customer_and_key():
    from orders_api.logic import order_id_for

    order_id = order_id_for("c-42", "k-1")
    assert is_order_id(order_id) and uuid.UUID(order_id).version == 5
    assert order_id == order_id_for("c-42", "k-1")  # the same on every retry, in every process
    assert order_id == "daf84d0a-a10b-5cde-8f31-322c71252268"  # fixed forever: the namespace never changes
    assert order_id not in {order_id_for("c-42", "k-2"), order_id_for("c-4", "2\nk-1")}


def test_place_order_stores_once_and_recognises_the_retry():
    from orders_api.logic import place_order

    store = InMemoryOrderStore()
    clock = lambda: datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)  # noqa: E731
    first = place_order(VALID, store, idempotency_key="k-1", now=clock)
    assert first.created and first.order["created_at"] == "2025-01-02T03:04:05+00:00"
    store.orders[first.order["id"]]["status"] = "PAID"  # meanwhile, payments marked it
    again = place_order(VALID, store, idempotency_key="k-1")
    assert not again.created and again.order["status"] == "PAID" and again.order["id"] == first.order["id"]


def test_in_memory_store_refuses_to_overwrite():
    from orders_api.logic import OrderExists

    store = InMemoryOrderStore()
    order = create_order(VALID, store)
    with pytest.raises(OrderExists):
        store.put({**order, "status": "PAID"})
    assert store.get(order["id"])["status"] == "PENDING"


CREATED = datetime(2025, 1, 1, tzinfo=timezone.utc)
WINDOW_S = 14 * 24 * 3600


@pytest.mark.parametrize(
    ("status", "age_s", "payment", "confirmation"),
    [
        ("PENDING", 0, True, True),
        ("PENDING", WINDOW_S, True, True),  # last second inside the window
        ("PENDING", WINDOW_S + 1, False, False),  # first second outside
        ("PAID", 0, False, True),  # charged already: a re-send could outlive payments' idempotency
        ("PAID", WINDOW_S + 1, False, False),
    ],
)
def test_replay_resends(status, age_s, payment, confirmation):
    from datetime import timedelta

    from orders_api.logic import REPLAY_RESEND_WINDOW_S, Resend, replay_resends

    assert REPLAY_RESEND_WINDOW_S == WINDOW_S
    order = {"status": status, "created_at": CREATED.isoformat()}
    assert replay_resends(order, CREATED + timedelta(seconds=age_s)) == Resend(payment, confirmation)


@pytest.mark.parametrize("created_at", [None, "yesterday"])
def test_replay_of_an_order_of_unknown_age_resends_nothing(created_at):
    from orders_api.logic import Resend, replay_resends

    assert replay_resends({"status": "PENDING", "created_at": created_at}, CREATED) == Resend(False, False)


def test_resend_window_is_inside_both_consumers_idempotency_windows(monkeypatch):
    """A re-sent payment or confirmation is deduplicated only while the consumer still
    remembers the order; their windows start when they processed it, after creation."""
    import importlib

    from orders_api.logic import REPLAY_RESEND_WINDOW_S

    monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", "idempotency")  # notifications binds it at import
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    for module in ("payments.handler", "notifications.handler"):
        assert REPLAY_RESEND_WINDOW_S < importlib.import_module(module).IDEMPOTENCY_EXPIRES_AFTER_S, module


def test_create_order_is_deterministic_with_injected_id_and_clock():
    store = InMemoryOrderStore()
    order = create_order(
        VALID,
        store,
        new_id=lambda: "00000000-0000-4000-8000-000000000001",
        now=lambda: datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    )
    assert order == {
        "id": "00000000-0000-4000-8000-000000000001",
        "status": "PENDING",
        "created_at": "2025-01-02T03:04:05+00:00",
        **VALID,
        "amount_cents": 2500,
    }
    assert get_order(order["id"], store) == order
    assert get_order("00000000-0000-4000-8000-000000000002", store) is None


def test_store_returns_copies():
    store = InMemoryOrderStore()
    order = create_order(VALID, store)
    store.get(order["id"])["status"] = "TAMPERED"
    assert store.get(order["id"])["status"] == "PENDING"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ([], "JSON object"),
        ("x", "JSON object"),
        ({**VALID, "extra": 1}, "unknown fields: extra"),
        ({**VALID, "customer_id": 7}, "customer_id must be a non-empty string"),
        ({**VALID, "customer_id": "x" * 65}, "at most 64"),
        ({**VALID, "currency": None}, "currency must be one of"),
        ({**VALID, "items": "BOOK-1"}, "items must be a list of 1 to 50"),
        ({**VALID, "items": [{"sku": "A", "quantity": 1, "unit_price_cents": 1}] * 51}, "items must be a list of 1 to 50"),
        ({**VALID, "customer_email": None}, "customer_email must be a non-empty string"),
        ({**VALID, "customer_email": "ana"}, "customer_email must be an email address"),
        ({**VALID, "customer_email": "@example.com"}, "customer_email must be an email address"),
        ({**VALID, "customer_email": "a@" + "x" * 253}, "customer_email must be at most 254"),
        ({**VALID, "payment_token": ""}, "payment_token must be a non-empty string"),
        ({**VALID, "items": [{"sku": "A", "quantity": 1}]}, "items[0].unit_price_cents"),
        ({**VALID, "items": [{"sku": "A", "quantity": 1, "unit_price_cents": 0}]}, "items[0].unit_price_cents"),
        ({**VALID, "items": [{"sku": "A", "quantity": 1, "unit_price_cents": 1_000_001}]}, "items[0].unit_price_cents"),
        ({**VALID, "items": [{"sku": "A", "quantity": 1, "unit_price_cents": True}]}, "items[0].unit_price_cents"),
        ({**VALID, "items": ["A"]}, "items[0] must be an object"),
        ({**VALID, "items": [{"sku": "", "quantity": 1}]}, "items[0].sku"),
        ({**VALID, "items": [{"sku": "A", "quantity": 0}]}, "items[0].quantity"),
        ({**VALID, "items": [{"sku": "A", "quantity": 1001}]}, "items[0].quantity"),
        ({**VALID, "items": [{"sku": "A", "quantity": True}]}, "items[0].quantity"),
        ({**VALID, "items": [{"sku": "A", "quantity": 1.5}]}, "items[0].quantity"),
    ],
)
def test_validate_new_order_rejects(body, fragment):
    with pytest.raises(InvalidOrder) as exc:
        validate_new_order(body)
    assert any(fragment in error for error in exc.value.errors), exc.value.errors


@pytest.mark.parametrize("quantity", [1, 1000])
def test_validate_new_order_quantity_bounds(quantity):
    order = validate_new_order({**VALID, "items": [{"sku": "A", "quantity": quantity, "unit_price_cents": 3}] * 50})
    assert len(order["items"]) == 50
    assert order["amount_cents"] == 50 * quantity * 3


@pytest.mark.parametrize("price", [1, 1_000_000])
def test_validate_new_order_price_bounds(price):
    order = validate_new_order({**VALID, "items": [{"sku": "A", "quantity": 2, "unit_price_cents": price}]})
    assert order["amount_cents"] == 2 * price


@pytest.mark.parametrize(
    ("value", "ok"),
    [("acde0003-3ecb-4092-a42e-783d155966d5", True), ("not-a-uuid", False), ("", False), ("123", False)],
)
def test_is_order_id(value, ok):
    assert is_order_id(value) is ok


# ----------------------------------------------------------------------------------------
# The order pipeline: DynamoDB store, payment message, asynchronous confirmation (moto)
# ----------------------------------------------------------------------------------------
from botocore.stub import ANY, Stubber  # noqa: E402

from orders_api.logic import confirmation_request, payment_request, public_view  # noqa: E402
from orders_api.store import DynamoDBOrderStore, OrderExists  # noqa: E402

REGION = "eu-west-1"


@pytest.fixture
def pipeline(monkeypatch):
    """moto DynamoDB (orders table) and SQS (payments queue); the Lambda Invoke API is
    stubbed with botocore's Stubber (moto would need Docker to run the worker)."""
    import boto3
    from moto import mock_aws

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "ORDERS_TABLE_NAME": "orders",
        "NOTIFICATION_FUNCTION_NAME": "order-confirmation",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="payments")["QueueUrl"]
        monkeypatch.setenv("PAYMENTS_QUEUE_URL", queue_url)
        lambda_client = boto3.client("lambda", region_name=REGION)
        stubber = Stubber(lambda_client)
        clients = {"dynamodb": dynamodb, "sqs": sqs, "lambda": lambda_client}
        monkeypatch.setattr(handler, "client", lambda service: clients[service])
        monkeypatch.setattr(handler, "store", None)  # built from ORDERS_TABLE_NAME on first use
        with stubber:
            yield {"sqs": sqs, "queue_url": queue_url, "dynamodb": dynamodb, "stubber": stubber}


def expect_async_invoke(stubber: Stubber, status: int = 202) -> None:
    stubber.add_response(
        "invoke",
        {"StatusCode": status},
        {"FunctionName": "order-confirmation", "InvocationType": "Event", "Payload": ANY},
    )


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_post_stores_in_dynamodb_requests_payment_and_offloads_confirmation(kind, pipeline):
    expect_async_invoke(pipeline["stubber"])
    status, body, _ = call(kind, "POST", "/orders", VALID)
    assert status == 202
    pipeline["stubber"].assert_no_pending_responses()  # exactly one async invoke, InvocationType=Event

    item = pipeline["dynamodb"].get_item(TableName="orders", Key={"id": {"S": body["id"]}})["Item"]
    assert item["status"] == {"S": "PENDING"} and item["amount_cents"] == {"N": "2500"}

    (message,) = pipeline["sqs"].receive_message(QueueUrl=pipeline["queue_url"], MaxNumberOfMessages=10)["Messages"]
    assert json.loads(message["Body"]) == {
        "order_id": body["id"], "amount_cents": 2500, "currency": "EUR", "card": "tok_visa_4242"
    }

    status, order, _ = call(kind, "GET", f"/orders/{body['id']}")
    assert status == 200
    assert order["items"] == VALID["items"] and order["amount_cents"] == 2500  # ints, not Decimals
    assert "payment_token" not in order


def test_failed_async_invoke_still_answers_202(pipeline):
    pipeline["stubber"].add_client_error("invoke", service_error_code="TooManyRequestsException", http_status_code=429)
    status, body, _ = call("http", "POST", "/orders", VALID)
    assert status == 202  # OrderPlaced on the stream reaches the idempotent worker anyway
    assert pipeline["sqs"].receive_message(QueueUrl=pipeline["queue_url"]).get("Messages")


def payment_messages(pipeline) -> list[dict[str, Any]]:
    messages = pipeline["sqs"].receive_message(QueueUrl=pipeline["queue_url"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


@pytest.mark.parametrize("kind", ["rest", "http"])
def test_a_failed_send_message_then_a_retry_gives_one_order_one_payment_request(kind, pipeline, monkeypatch):
    """SendMessage fails after the order is stored (and its INSERT announced OrderPlaced):
    the client gets a 500 and retries with its key. Before: a second order, charge, email."""
    real_client = handler.client
    failures = iter([RuntimeError("SQS SendMessage timed out")])

    class FlakySqs:
        def send_message(self, **kwargs):
            error = next(failures, None)
            if error is not None:
                raise error
            return real_client("sqs").send_message(**kwargs)

    monkeypatch.setattr(handler, "client", lambda service: FlakySqs() if service == "sqs" else real_client(service))
    with pytest.raises(RuntimeError, match="SendMessage"):  # Lambda reports it; API Gateway answers 500
        call(kind, "POST", "/orders", VALID, key="retry-me")
    (stored,) = pipeline["dynamodb"].scan(TableName="orders")["Items"]
    assert payment_messages(pipeline) == []  # the order exists, its payment was never requested

    expect_async_invoke(pipeline["stubber"])  # the retry offloads the confirmation (idempotent)
    status, body, headers = call(kind, "POST", "/orders", VALID, key="retry-me")
    assert status == 202 and body == {"id": stored["id"]["S"], "status": "PENDING"}
    assert headers["Idempotent-Replayed"] == "true"
    pipeline["stubber"].assert_no_pending_responses()
    assert len(pipeline["dynamodb"].scan(TableName="orders")["Items"]) == 1
    assert [m["order_id"] for m in payment_messages(pipeline)] == [body["id"]]


def test_a_retry_after_success_resends_only_what_consumers_deduplicate(pipeline):
    """The first answer was lost (a 504): the retry re-sends the payment request and the
    confirmation for the same order id; payments and notifications are idempotent on it."""
    expect_async_invoke(pipeline["stubber"])
    expect_async_invoke(pipeline["stubber"])
    _, first, _ = call("http", "POST", "/orders", VALID, key="k-504")
    _, again, _ = call("http", "POST", "/orders", VALID, key="k-504")
    assert again == first
    pipeline["stubber"].assert_no_pending_responses()
    assert [m["order_id"] for m in payment_messages(pipeline)] == [first["id"], first["id"]]
    assert len(pipeline["dynamodb"].scan(TableName="orders")["Items"]) == 1


def test_a_retry_of_a_paid_order_requests_no_payment(pipeline):
    expect_async_invoke(pipeline["stubber"])
    _, first, _ = call("http", "POST", "/orders", VALID, key="k-paid")
    payment_messages(pipeline)  # consumed by payments...
    pipeline["dynamodb"].update_item(  # ...which marked it PAID
        TableName="orders", Key={"id": {"S": first["id"]}},
        UpdateExpression="SET #s = :p", ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":p": {"S": "PAID"}},
    )
    expect_async_invoke(pipeline["stubber"])
    status, again, _ = call("http", "POST", "/orders", VALID, key="k-paid")
    assert status == 202 and again == {"id": first["id"], "status": "PAID"}
    assert "Messages" not in pipeline["sqs"].receive_message(QueueUrl=pipeline["queue_url"], VisibilityTimeout=0)


def test_a_reused_key_in_dynamodb_is_409(pipeline):
    expect_async_invoke(pipeline["stubber"])
    call("http", "POST", "/orders", VALID, key="k-1")
    status, body, _ = call("http", "POST", "/orders", {**VALID, "payment_token": "tok_other"}, key="k-1")
    assert status == 409 and body["fields"] == ["payment_token"]
    pipeline["stubber"].assert_no_pending_responses()  # nothing sent for the conflicting request


def test_invalid_order_touches_nothing(pipeline):
    status, _, _ = call("http", "POST", "/orders", {**VALID, "items": []})
    assert status == 422
    assert pipeline["dynamodb"].scan(TableName="orders")["Items"] == []
    assert "Messages" not in pipeline["sqs"].receive_message(QueueUrl=pipeline["queue_url"])


def test_get_unknown_order_in_dynamodb_is_404(pipeline):
    status, _, _ = call("http", "GET", f"/orders/{uuid.uuid4()}")
    assert status == 404


def test_dynamodb_store_refuses_to_overwrite(pipeline):
    store = DynamoDBOrderStore("orders", pipeline["dynamodb"])
    order = create_order(VALID, store)
    with pytest.raises(OrderExists):
        store.put({**order, "status": "PAID"})
    assert store.get(order["id"])["status"] == "PENDING"


def test_without_pipeline_variables_nothing_is_sent(monkeypatch):
    """The minimal SyncApiFunction examples: in-memory store, no queue, no worker."""
    for var in ("ORDERS_TABLE_NAME", "PAYMENTS_QUEUE_URL", "NOTIFICATION_FUNCTION_NAME"):
        monkeypatch.delenv(var, raising=False)

    def no_aws(service):
        raise AssertionError(f"no {service} client expected")

    monkeypatch.setattr(handler, "client", no_aws)
    status, _, _ = call("http", "POST", "/orders", VALID)
    assert status == 202


def test_downstream_messages_match_their_consumers():
    """The payment message parses in payments.logic, the confirmation in notifications.logic."""
    from notifications.logic import order_from_event
    from payments.logic import parse_payment

    order = create_order(VALID, InMemoryOrderStore())
    payment = parse_payment(json.dumps(payment_request(order)))
    assert (payment.order_id, payment.amount_cents, payment.currency) == (order["id"], 2500, "EUR")
    confirmation = order_from_event(confirmation_request(order))
    assert confirmation["order_id"] == order["id"] and confirmation["customer_email"] == "ana@example.com"
    assert "payment_token" not in public_view(order)
