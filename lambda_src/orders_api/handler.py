"""Lambda glue for the orders API behind API Gateway (REST: payload v1, HTTP API: v2).

Powertools' event handler routes the request; :mod:`orders_api.logic` does the work. Bad
requests get proper 4xx answers: 400 for a body that is not JSON or an id that is not a
UUID, 422 for a JSON body that is not a valid order, 404 for an unknown order or route.
Anything else is a bug: Powertools answers 500 and the error is logged, and the caller
(who owns retries in the synchronous model) decides whether to try again.

``POST /orders`` in the order pipeline (each step only when its variable is set, so the
minimal SyncApiFunction examples run with the in-memory store and nothing downstream):

1. store the order as PENDING in the orders table (``ORDERS_TABLE_NAME``);
2. send the payment request to the payments queue (``PAYMENTS_QUEUE_URL``); if that
   fails the caller gets a 500 and the order stays PENDING without a payment request;
3. offload the confirmation email to the notification worker with an asynchronous
   invoke (``NOTIFICATION_FUNCTION_NAME``, ``InvocationType=Event``: Lambda answers 202
   at once). A failure here is logged, not returned: the order's INSERT on the table's
   stream also becomes an ``OrderPlaced`` event that reaches the same worker, which is
   idempotent on the order id, so the email still goes out exactly once.

The AWS clients are created on first use, with short timeouts and one retry, so the
three calls stay far inside the function's 3 s timeout.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import BadRequestError, NotFoundError

from orders_api.logic import (
    InMemoryOrderStore,
    InvalidOrder,
    OrderStore,
    confirmation_request,
    create_order,
    get_order,
    is_order_id,
    payment_request,
    public_view,
)

ORDERS_TABLE_ENV = "ORDERS_TABLE_NAME"
PAYMENTS_QUEUE_ENV = "PAYMENTS_QUEUE_URL"
NOTIFICATION_FUNCTION_ENV = "NOTIFICATION_FUNCTION_NAME"
#: Lambda answers an accepted asynchronous invocation with 202.
ASYNC_ACCEPTED = 202

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


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


@router.post("/orders")
def post_order() -> Response:
    raw = router.current_event.decoded_body
    if raw is None or not raw.strip():
        raise BadRequestError("request body is required (a JSON order)")
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise BadRequestError(f"request body is not valid JSON: {error.msg}") from None
    try:
        order = create_order(body, order_store())
    except InvalidOrder as invalid:
        return _json(422, {"message": "invalid order", "errors": invalid.errors})
    request_payment(order)
    offload_confirmation(order)
    logger.info("order accepted", extra={"order_id": order["id"]})
    return _json(202, {"id": order["id"], "status": order["status"]})


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
