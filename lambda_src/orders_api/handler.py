"""Lambda glue for the orders API behind API Gateway (REST: payload v1, HTTP API: v2).

Powertools' event handler routes the request; :mod:`orders_api.logic` does the work. Bad
requests get proper 4xx answers: 400 for a missing or malformed ``Idempotency-Key``, a
body that is not JSON or an id that is not a UUID, 422 for a JSON body that is not a
valid order, 409 for an idempotency key already used for a different order, 404 for an
unknown order or route. Anything else is a bug: the error is logged and the caller gets
a 500, and the caller (who owns retries in the synchronous model) retries with the same
``Idempotency-Key``, which is safe.

``POST /orders`` requires an ``Idempotency-Key`` header (a new UUID per order, the same
on every retry of it). Required, not optional: every client of this API retries (a
timeout, a 500, a 504 tell it nothing about whether the order was stored), and a retry
without a key would create a second order, charge and email; a missing header fails
loudly on the first request instead of silently on the first retry. The order id is
derived from the key and the customer (``logic.order_id_for``). In the order pipeline
(each step only when its variable is set, so the minimal SyncApiFunction examples run
with the in-memory store and nothing downstream):

1. store the order as PENDING in the orders table (``ORDERS_TABLE_NAME``), a conditional
   put; if the key's order already exists (a retry) with the same content, it is the
   answer (202, same id, header ``Idempotent-Replayed: true``), with different content
   the answer is 409;
2. send the payment request to the payments queue (``PAYMENTS_QUEUE_URL``); if that
   fails the caller gets a 500 and the order stays PENDING without a payment request
   until the caller retries: the retry sends it again (on a retry, while the order is
   PENDING and at most 14 days old; payments are idempotent on the order id);
3. offload the confirmation email to the notification worker with an asynchronous
   invoke (``NOTIFICATION_FUNCTION_NAME``, ``InvocationType=Event``: Lambda answers 202
   at once); a retry invokes again (notifications are idempotent on the order id). A
   failure here is logged, not returned: the order's INSERT on the table's stream also
   becomes an ``OrderPlaced`` event that reaches the same worker, so the email still
   goes out exactly once.

The AWS clients are created on first use, with short timeouts and one retry, so the
three calls stay far inside the function's 3 s timeout.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import BadRequestError, NotFoundError

from orders_api.logic import (
    IDEMPOTENCY_KEY_HEADER,
    IdempotencyKeyReused,
    InMemoryOrderStore,
    InvalidIdempotencyKey,
    InvalidOrder,
    OrderStore,
    confirmation_request,
    get_order,
    is_order_id,
    parse_idempotency_key,
    payment_request,
    place_order,
    public_view,
    replay_resends,
)

ORDERS_TABLE_ENV = "ORDERS_TABLE_NAME"
PAYMENTS_QUEUE_ENV = "PAYMENTS_QUEUE_URL"
NOTIFICATION_FUNCTION_ENV = "NOTIFICATION_FUNCTION_NAME"
#: Lambda answers an accepted asynchronous invocation with 202.
ASYNC_ACCEPTED = 202
#: Set to "true" on the answer to a retry that found its order (as Stripe's API does).
REPLAYED_HEADER = "Idempotent-Replayed"

logger = Logger(service="orders-api")
router = Router()

#: The storage behind the API: None until first use, then the DynamoDB store when
#: ORDERS_TABLE_NAME is set, else an in-memory one (tests may assign their own).
store: OrderStore | None = None


@cache
def client(service: str) -> Any:
    """A boto3 client, created on first use; 1 s to connect, 2 s to read, 2 attempts."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=1, read_timeout=2, retries={"mode": "standard", "total_max_attempts": 2})
    return boto3.client(service, config=config)


def order_store() -> OrderStore:
    global store
    if store is None:
        table = os.environ.get(ORDERS_TABLE_ENV)
        if table:
            from orders_api.store import DynamoDBOrderStore

            store = DynamoDBOrderStore(table, client("dynamodb"))
        else:
            store = InMemoryOrderStore()
    return store


def request_payment(order: dict[str, Any]) -> None:
    queue_url = os.environ.get(PAYMENTS_QUEUE_ENV)
    if queue_url:
        client("sqs").send_message(QueueUrl=queue_url, MessageBody=json.dumps(payment_request(order)))


def offload_confirmation(order: dict[str, Any]) -> None:
    """Invoke the worker asynchronously; a failure is logged (the stream path backs it up)."""
    function_name = os.environ.get(NOTIFICATION_FUNCTION_ENV)
    if not function_name:
        return
    try:
        response = client("lambda").invoke(
            FunctionName=function_name,
            InvocationType="Event",
            Payload=json.dumps(confirmation_request(order)).encode(),
        )
        if response.get("StatusCode") != ASYNC_ACCEPTED:
            raise RuntimeError(f"status {response.get('StatusCode')}")
    except Exception:  # noqa: BLE001 - any failure: the OrderPlaced event still reaches the worker
        logger.exception("confirmation not offloaded; OrderPlaced will trigger it", extra={"order_id": order["id"]})


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body), headers=headers)


@router.post("/orders")
def post_order() -> Response:
    try:
        key = parse_idempotency_key(router.current_event.headers.get(IDEMPOTENCY_KEY_HEADER))
    except InvalidIdempotencyKey as invalid:
        raise BadRequestError(str(invalid)) from None
    raw = router.current_event.decoded_body
    if raw is None or not raw.strip():
        raise BadRequestError("request body is required (a JSON order)")
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise BadRequestError(f"request body is not valid JSON: {error.msg}") from None
    try:
        placement = place_order(body, order_store(), idempotency_key=key)
    except InvalidOrder as invalid:
        return _json(422, {"message": "invalid order", "errors": invalid.errors})
    except IdempotencyKeyReused as reused:
        logger.warning("idempotency key reused for a different order", extra={"order_id": reused.order_id})
        return _json(409, {"message": str(reused), "id": reused.order_id, "fields": reused.fields})
    order = placement.order
    if placement.created:
        request_payment(order)
        offload_confirmation(order)
        logger.info("order accepted", extra={"order_id": order["id"]})
        return _json(202, {"id": order["id"], "status": order["status"]})
    resend = replay_resends(order, datetime.now(timezone.utc))
    if resend.payment:
        request_payment(order)
    if resend.confirmation:
        offload_confirmation(order)
    logger.info(
        "retry of an accepted order",
        extra={"order_id": order["id"], "payment_resent": resend.payment, "confirmation_resent": resend.confirmation},
    )
    return _json(202, {"id": order["id"], "status": order["status"]}, {REPLAYED_HEADER: "true"})


@router.get("/orders/<order_id>")
def read_order(order_id: str) -> Response:
    if not is_order_id(order_id):
        raise BadRequestError("order id must be a UUID")
    order = get_order(order_id, order_store())
    if order is None:
        raise NotFoundError(f"order {order_id} not found")
    return _json(200, public_view(order))


rest_app = APIGatewayRestResolver()
rest_app.include_router(router)
http_app = APIGatewayHttpResolver()
http_app.include_router(router)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One handler for both integrations: payload v2.0 (HTTP API) or v1.0 (REST API)."""
    app = http_app if event.get("version") == "2.0" else rest_app
    return app.resolve(event, context)
