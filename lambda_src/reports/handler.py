"""Lambda glue for the order reports: ``GET /report`` on a function URL, and a daily job.

- ``lambda_handler``: behind ``SyncApiFunction(api="url")`` (payload format 2.0, AWS_IAM
  auth). ``GET /report?since=<ISO 8601>`` answers the summary of :func:`reports.logic.summarize`;
  400 for a bad ``since``, 404 for other routes. A function URL has no 29 s budget: the scan
  may run until 5 s before the function timeout, then the answer says ``truncated: true``.
- ``daily_handler``: invoked by EventBridge Scheduler (``AsyncWorker.add_schedule``), it
  summarizes the last 24 hours and publishes one ``Orders`` count per status as CloudWatch
  embedded metrics (Powertools Metrics: a log line, no API call).

The orders come from a DynamoDB scan of ``ORDERS_TABLE_NAME`` that reads only the report's
fields and only orders created since ``since``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, single_metric
from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver
from aws_lambda_powertools.event_handler.exceptions import BadRequestError
from aws_lambda_powertools.metrics import MetricUnit

from reports.logic import FIELDS, InvalidSince, metric_points, parse_since, summarize

ORDERS_TABLE_ENV = "ORDERS_TABLE_NAME"
#: Stop reading when less time than this is left, and answer with what was read.
TIME_RESERVE_MS = 5000
METRICS_NAMESPACE = "OrderPipeline"

logger = Logger(service="reports")
app = LambdaFunctionUrlResolver()


@cache
def dynamodb() -> Any:
    """A DynamoDB client, made on first use (after a SnapStart restore, not in the snapshot)."""
    import boto3
    from botocore.config import Config

    return boto3.client("dynamodb", config=Config(connect_timeout=1, read_timeout=5, retries={"mode": "standard"}))


def scan_orders(since: datetime, remaining_ms: Callable[[], int]) -> tuple[list[dict[str, Any]], bool]:
    """The report fields of the orders created since ``since``; True when cut short by time."""
    table = os.environ.get(ORDERS_TABLE_ENV)
    if not table:
        return [], False
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    names = {f"#f{i}": field for i, field in enumerate(FIELDS)}
    created = next(k for k, v in names.items() if v == "created_at")
    pages = dynamodb().get_paginator("scan").paginate(
        TableName=table,
        ProjectionExpression=", ".join(names),
        FilterExpression=f"{created} >= :since",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={":since": {"S": since.isoformat()}},
    )
    orders: list[dict[str, Any]] = []
    for page in pages:
        orders.extend({k: deserializer.deserialize(v) for k, v in item.items()} for item in page.get("Items", []))
        if remaining_ms() < TIME_RESERVE_MS:
            return orders, True
    return orders, False


@app.get("/report")
def report() -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    try:
        since = parse_since(app.current_event.get_query_string_value("since"), now)
    except InvalidSince as invalid:
        raise BadRequestError(str(invalid)) from None
    orders, truncated = scan_orders(since, app.lambda_context.get_remaining_time_in_millis)
    result = summarize(orders, since=since, truncated=truncated)
    logger.info("report", extra={"since": result["since"], "orders": result["orders"], "truncated": truncated})
    return result


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)


@logger.inject_lambda_context
def daily_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The scheduled daily summary: one ``Orders`` metric per status, dimension ``Status``."""
    since = parse_since(None, datetime.now(timezone.utc))
    orders, truncated = scan_orders(since, context.get_remaining_time_in_millis)
    result = summarize(orders, since=since, truncated=truncated)
    for status, name, value in metric_points(result):
        with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=METRICS_NAMESPACE) as metric:
            metric.add_dimension(name="Status", value=status)
    logger.info("daily report", extra=result)
    return result
