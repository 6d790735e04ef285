"""Checkout: accepts an order and offloads its confirmation to the worker, asynchronously.

The one valid Lambda-to-Lambda pattern: ``InvocationType="Event"`` hands the order to
Lambda's internal queue and returns at once (HTTP 202); the worker's retries and
on-failure destination take care of failures, so checkout never waits for, pays for or
handles the worker's errors. The worker's name comes from ``CONFIRMATION_FUNCTION_NAME``,
set by ``AsyncWorker.grant_invoke(checkout, environment_variable=...)``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from checkout.logic import accept_order, accepted_response

#: The environment variable that names the worker (see AsyncWorker.grant_invoke).
FUNCTION_NAME_ENV = "CONFIRMATION_FUNCTION_NAME"
#: Lambda answers an accepted asynchronous invocation with 202.
ASYNC_ACCEPTED = 202

logger = Logger()


@cache
def lambda_client() -> Any:
    """The Lambda client, created on first use (not at import, to keep the cold start lean)."""
    import boto3

    return boto3.client("lambda")


def offload_confirmation(order: dict[str, Any]) -> None:
    """Queue the confirmation with the worker; raises if Lambda did not accept it."""
    response = lambda_client().invoke(
        FunctionName=os.environ[FUNCTION_NAME_ENV],
        InvocationType="Event",
        Payload=json.dumps(order).encode(),
    )
    if response.get("StatusCode") != ASYNC_ACCEPTED:
        raise RuntimeError(f"worker did not accept order {order['order_id']}: status {response.get('StatusCode')}")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    order = accept_order(event)
    offload_confirmation(order)
    logger.info("order accepted, confirmation queued", order_id=order["order_id"])
    return accepted_response(order)
