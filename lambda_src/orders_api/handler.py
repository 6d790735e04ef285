"""Lambda glue for the orders API behind API Gateway (REST: payload v1, HTTP API: v2).

Powertools' event handler routes the request; :mod:`orders_api.logic` does the work. Bad
requests get proper 4xx answers: 400 for a body that is not JSON or an id that is not a
UUID, 422 for a JSON body that is not a valid order, 404 for an unknown order or route.
Anything else is a bug: Powertools answers 500 and the error is logged, and the caller
(who owns retries in the synchronous model) decides whether to try again.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import BadRequestError, NotFoundError

from orders_api.logic import InMemoryOrderStore, InvalidOrder, OrderStore, create_order, get_order, is_order_id

logger = Logger(service="orders-api")
router = Router()

#: The storage behind the API. A later change swaps in a DynamoDB store.
store: OrderStore = InMemoryOrderStore()


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
        order = create_order(body, store)
    except InvalidOrder as invalid:
        return _json(422, {"message": "invalid order", "errors": invalid.errors})
    logger.info("order accepted", extra={"order_id": order["id"]})
    return _json(202, {"id": order["id"], "status": order["status"]})


@router.get("/orders/<order_id>")
def read_order(order_id: str) -> Response:
    if not is_order_id(order_id):
        raise BadRequestError("order id must be a UUID")
    order = get_order(order_id, store)
    if order is None:
        raise NotFoundError(f"order {order_id} not found")
    return _json(200, order)


rest_app = APIGatewayRestResolver()
rest_app.include_router(router)
http_app = APIGatewayHttpResolver()
http_app.include_router(router)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One handler for both integrations: payload v2.0 (HTTP API) or v1.0 (REST API)."""
    app = http_app if event.get("version") == "2.0" else rest_app
    return app.resolve(event, context)
