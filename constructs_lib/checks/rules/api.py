"""API Gateway Lambda integrations: the synchronous, caller-is-waiting model.

REST APIs (methods and OpenAPI bodies), HTTP APIs (integrations, OpenAPI bodies and quick
create) and WebSocket APIs each have their own integration timeout ceiling and default.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import HTTP_API, REST_API, TemplateModel, Trigger, is_intrinsic, number
from constructs_lib.template.properties import (  # noqa: F401 - re-exported: the names the rule used to define
    BEST_EFFORT_ROUTES,
    DEFAULT_INTEGRATION_TIMEOUT_MS,
    integration_timeout,
)
from constructs_lib.value_rules import Violation, fmt_seconds
from constructs_lib.value_rules import api as api_rules

def websocket_timeout_not_below(
    timeout_s: float | None, integration_timeout_s: float | None, *, prop: str = "timeout"
) -> Violation | None:
    """A WebSocket route's function must finish within the integration timeout (at most
    29 s); past it API Gateway stops waiting and the client never gets the function's reply."""
    if timeout_s is None or integration_timeout_s is None or timeout_s < integration_timeout_s:
        return None
    return Violation(
        prop,
        f"{prop} {fmt_seconds(timeout_s)} is not below the WebSocket integration timeout "
        f"{fmt_seconds(integration_timeout_s)} (at most {limits.APIGW_WEBSOCKET_MAX_INTEGRATION_TIMEOUT_S} s, "
        f"not raisable); {consequence('apigw-integration-timeout')} (on a WebSocket, an error message instead "
        "of the route's response). Set the timeout below "
        f"{fmt_seconds(integration_timeout_s)}, or answer at once and reply later over the connection",
        limits.SRC_APIGW_WEBSOCKET_QUOTAS,
    )


@rule(
    "apigw-integration-timeout",
    "error",
    explanation="""API Gateway stops waiting when the integration timeout passes (REST: 29 s
    by default, HTTP: 30 s, WebSocket: 29 s) while the function keeps running (and billing)
    to its own timeout: the caller sees a failure (504 from REST and HTTP APIs, an error
    message on a WebSocket), the side effects may still happen, and the caller's retry runs
    them again. Integrations in an OpenAPI Body and HTTP API quick create (Target) count
    too; WebSocket $disconnect routes are best-effort calls nobody waits for, so they do not.""",
    source=limits.SRC_APIGW_QUOTAS,
    level_reason="""Error: the caller is told the request failed while it may still complete, so
    a retry repeats its side effects (and the answer of a successful request is lost).""",
)
def apigw_integration_timeout(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for trigger in model.triggers:
        if trigger.kind != "apigateway":
            continue
        fn = model.resources[trigger.function]
        via = model.resources[trigger.via]
        api = trigger.detail.get("api", "rest")
        routes = trigger.detail.get("route_keys") or []
        if api == "websocket" and routes and all(key in BEST_EFFORT_ROUTES for key in routes):
            continue  # only best-effort $disconnect calls: nobody waits for the answer
        raw, location = integration_timeout(model, trigger)
        millis = DEFAULT_INTEGRATION_TIMEOUT_MS.get(api, DEFAULT_INTEGRATION_TIMEOUT_MS["rest"]) if raw is None else number(raw)
        integration_s = millis / 1000 if millis is not None else None
        if api == "websocket":
            violation = websocket_timeout_not_below(
                model.timeout_s(fn), integration_s, prop=f"the Timeout of {fn.logical_id}"
            )
        else:
            violation = api_rules.check_timeout_below_integration_timeout(
                model.timeout_s(fn), integration_s, prop=f"the Timeout of {fn.logical_id}",
                integration_prop="integration timeout",
            )
        if violation is None:
            continue
        openapi = trigger.detail.get("openapi")
        where = ""
        if isinstance(openapi, Mapping):
            where = f"{str(openapi.get('method')).upper()} {openapi.get('path')}: "
        elif trigger.detail.get("quick_create"):
            where = "quick create (Target): "
        source = limits.SRC_APIGW_HTTP_QUOTAS if api == "http" else violation.source
        yield Hit(
            via,
            where + violation.message,
            location,
            source,
            origin=_api_origin(model, trigger),
            anchor=trigger.function,
        )
    for api_res in model.of_type(REST_API, HTTP_API):
        body = api_res.get("Body")
        if api_res.get("BodyS3Location") is not None or (body is not None and is_intrinsic(body)):
            yield Hit.not_applicable(
                api_res,
                "the API's OpenAPI definition is outside this template (BodyS3Location or an "
                "included Body), so its Lambda integrations cannot be checked",
                "Properties/BodyS3Location" if api_res.get("BodyS3Location") is not None else "Properties/Body",
            )


def _api_origin(model: TemplateModel, trigger: Trigger) -> str | None:
    """For a SAM app: the function and the Api / HttpApi event behind an OpenAPI path."""
    origin = model.origin(trigger.function)
    openapi = trigger.detail.get("openapi")
    if origin is None or not isinstance(openapi, Mapping):
        return origin
    events = model.sam_events.get(trigger.function, {})
    method = str(openapi.get("method")).lower()
    for name, (path, event_method) in sorted(events.items()):
        event_method = "x-amazon-apigateway-any-method" if event_method == "any" else event_method
        if path == openapi.get("path") and event_method == method:
            return f"{origin}, event {name}"
    return origin


RULES = (apigw_integration_timeout,)
