"""What a resource's properties mean, read with CloudFormation's and Lambda's defaults.

Small readers over the template model shared by the checks, the simulation and
``explain``: a queue's redrive policy (an object or a JSON string), its retention and
FIFO flag with SQS's defaults, the integration timeout of an API Gateway trigger with
API Gateway's defaults. No rule and no finding lives here: ``constructs_lib.checks``
judges these values, ``constructs_lib.simulate`` plays them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from constructs_lib import limits
from constructs_lib.template.model import Resource, TemplateModel, Trigger, boolean, number

REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"
#: Lambda's default batch size for SQS when ``BatchSize`` is absent: 10. Source: SRC_ESM_API.
SQS_DEFAULT_BATCH_SIZE = 10


def redrive_policy(queue: Resource) -> Mapping[str, Any] | None:
    """The queue's redrive policy as a dict (templates may hold it as a JSON string)."""
    policy = queue.get("RedrivePolicy")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None
    return policy if isinstance(policy, Mapping) else None


def retention_s(queue: Resource) -> float | None:
    value = queue.get("MessageRetentionPeriod")
    return float(limits.SQS_DEFAULT_RETENTION_S) if value is None else number(value)


def is_fifo(queue: Resource) -> bool | None:
    value = queue.get("FifoQueue")
    return False if value is None else boolean(value)


#: Integration timeout when ``TimeoutInMillis`` is absent: 29 s (REST), 30 s (HTTP API),
#: 29 s (WebSocket, its maximum). Sources: limits.SRC_APIGW_QUOTAS, SRC_APIGW_HTTP_QUOTAS,
#: SRC_APIGW_WEBSOCKET_QUOTAS.
DEFAULT_INTEGRATION_TIMEOUT_MS = {
    "rest": limits.APIGW_REST_DEFAULT_MAX_INTEGRATION_TIMEOUT_S * 1000,
    "http": limits.APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S * 1000,
    "websocket": limits.APIGW_WEBSOCKET_MAX_INTEGRATION_TIMEOUT_S * 1000,
}
#: The WebSocket route API Gateway calls after the client has gone, on a best-effort
#: basis: nobody waits for its answer. Source: limits.SRC_APIGW_WEBSOCKET_ROUTES.
BEST_EFFORT_ROUTES = frozenset({"$disconnect"})


def integration_timeout(model: TemplateModel, trigger: Trigger) -> tuple[object, str]:
    """The raw TimeoutInMillis of the trigger's integration, and where it is (or would be)."""
    via = model.resources[trigger.via]
    openapi = trigger.detail.get("openapi")
    if isinstance(openapi, Mapping):
        return openapi.get("timeout_ms"), f"{openapi.get('location')}/timeoutInMillis"
    if trigger.detail.get("quick_create"):
        return None, "Properties/Target"
    if trigger.detail.get("api", "rest") == "rest":
        integration = via.get("Integration")
        raw = integration.get("TimeoutInMillis") if isinstance(integration, Mapping) else None
        return raw, "Properties/Integration/TimeoutInMillis"
    return via.get("TimeoutInMillis"), "Properties/TimeoutInMillis"
