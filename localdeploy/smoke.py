"""The smoke test after ``make deploy TARGET=aws``: post an order to the deployed orders
API and read it back (then, optionally, wait until Payments marked it PAID).

The API is IAM-authorized, so every request is signed with SigV4 (service
``execute-api``) with the caller's credentials via botocore; nothing beyond boto3 and
the standard library is used. The POST carries an ``Idempotency-Key`` (a new UUID per
run; the API requires it) and is sent twice with the same key: the second answer must
name the same order, which proves a client retry cannot create a second order. Call::

    smoke_test(["OrderPipeline"], boto3.session.Session())          # reads the stack outputs
    smoke_test({"OrderPipeline": {"ApiUrl": "https://..."}}, session)  # or pass them

It raises ``SmokeTestFailed`` with what went wrong, and returns what it saw.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

#: The output that names the orders API (stacks/order_pipeline.py).
API_URL_OUTPUT = "ApiUrl"
#: The header that makes POST /orders retry-safe (lambda_src/orders_api/logic.py).
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"

#: A valid order (lambda_src/orders_api/logic.py validate_new_order); the token is one the
#: stand-in payment provider accepts.
SMOKE_ORDER: dict[str, Any] = {
    "customer_id": "smoke-test",
    "customer_email": "smoke-test@example.com",
    "currency": "EUR",
    "payment_token": "tok_smoke_test",
    "items": [{"sku": "SMOKE-1", "quantity": 1, "unit_price_cents": 100}],
}

#: (method, url, headers, body) -> (status, body text)
Sender = Callable[[str, str, Mapping[str, str], bytes | None], tuple[int, str]]


class SmokeTestFailed(AssertionError):
    """The deployed API did not answer as the orders API promises."""


def stack_outputs(stack_names: Iterable[str], session: Any) -> dict[str, dict[str, str]]:
    """``{stack: {output key: value}}`` read with CloudFormation's DescribeStacks."""
    cloudformation = session.client("cloudformation")
    outputs: dict[str, dict[str, str]] = {}
    for name in stack_names:
        (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
        outputs[name] = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return outputs


def find_api_url(outputs: Mapping[str, Any]) -> str:
    """The ``ApiUrl`` output, from ``{stack: {key: value}}`` or a flat ``{key: value}``."""
    if isinstance(outputs.get(API_URL_OUTPUT), str):
        return str(outputs[API_URL_OUTPUT])
    found = [v[API_URL_OUTPUT] for v in outputs.values() if isinstance(v, Mapping) and API_URL_OUTPUT in v]
    if len(found) != 1:
        raise SmokeTestFailed(f"expected exactly one stack with an {API_URL_OUTPUT!r} output, found {len(found)}")
    return str(found[0])


def region_of(url: str, session: Any) -> str:
    """The Region in an execute-api host (``<id>.execute-api.<region>.amazonaws.com``)."""
    host = urlsplit(url).hostname or ""
    parts = host.split(".")
    if len(parts) >= 4 and parts[1] == "execute-api":
        return parts[2]
    if session.region_name:
        return str(session.region_name)
    raise SmokeTestFailed(f"cannot tell the Region of {url}")


def signed_request(
    method: str,
    url: str,
    session: Any,
    region: str,
    body: bytes | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], bytes | None]:
    """Headers (with the SigV4 ``Authorization``, which signs ``extra_headers`` too) for an
    ``execute-api`` request."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    credentials = session.get_credentials()
    if credentials is None:
        raise SmokeTestFailed("no AWS credentials to sign the request with")
    headers = {"Content-Type": "application/json"} if body is not None else {}
    headers.update(extra_headers or {})
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(credentials.get_frozen_credentials(), "execute-api", region).add_auth(request)
    return dict(request.headers.items()), body


def urllib_sender(method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - https URL from our outputs
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def smoke_test(
    outputs_or_stack_names: Mapping[str, Any] | Iterable[str],
    session: Any,
    *,
    send: Sender | None = None,
    wait_for_paid_s: float = 60.0,
    poll_s: float = 2.0,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Post :data:`SMOKE_ORDER` (with ``idempotency_key``, default a new UUID), post it
    again with the same key (a client retry: same order expected), read it back, and
    (``wait_for_paid_s`` > 0) wait until the payments consumer marked it PAID. Returns
    ``{"api_url", "order_id", "order"}``."""
    outputs = (
        dict(outputs_or_stack_names)
        if isinstance(outputs_or_stack_names, Mapping)
        else stack_outputs(outputs_or_stack_names, session)
    )
    api_url = find_api_url(outputs).rstrip("/")
    region = region_of(api_url, session)
    send = send or urllib_sender

    key = idempotency_key or str(uuid.uuid4())

    def call(method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
        body = json.dumps(payload).encode() if payload is not None else None
        extra = {IDEMPOTENCY_KEY_HEADER: key} if method == "POST" else None
        headers, body = signed_request(method, api_url + path, session, region, body, extra)
        status, text = send(method, api_url + path, headers, body)
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    status, created = call("POST", "/orders", SMOKE_ORDER)
    if status != 202 or not isinstance(created, dict) or "id" not in created:
        raise SmokeTestFailed(f"POST /orders answered {status} {created!r}, expected 202 with an id")
    order_id = created["id"]
    status, retried = call("POST", "/orders", SMOKE_ORDER)
    if status != 202 or not isinstance(retried, dict) or retried.get("id") != order_id:
        raise SmokeTestFailed(
            f"POST /orders retried with the same {IDEMPOTENCY_KEY_HEADER} answered {status} {retried!r}, "
            f"expected 202 with the same id {order_id}: a client retry would create a second order"
        )
    deadline = time.monotonic() + wait_for_paid_s
    while True:
        status, order = call("GET", f"/orders/{order_id}")
        if status != 200 or not isinstance(order, dict):
            raise SmokeTestFailed(f"GET /orders/{order_id} answered {status} {order!r}, expected 200")
        wrong = {k: order.get(k) for k in ("customer_id", "customer_email", "currency", "amount_cents") if order.get(k) != _expected(k)}
        if wrong:
            raise SmokeTestFailed(f"order {order_id} read back with {wrong}")
        if wait_for_paid_s <= 0 or order.get("status") == "PAID":
            break
        if time.monotonic() >= deadline:
            raise SmokeTestFailed(f"order {order_id} still {order.get('status')} after {wait_for_paid_s:.0f} s; see the payments DLQ")
        time.sleep(poll_s)
    return {"api_url": api_url, "order_id": order_id, "order": order}


def _expected(key: str) -> Any:
    if key == "amount_cents":
        return sum(i["quantity"] * i["unit_price_cents"] for i in SMOKE_ORDER["items"])
    return SMOKE_ORDER[key]
