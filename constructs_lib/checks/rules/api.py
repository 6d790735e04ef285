"""API Gateway Lambda integrations: the synchronous, caller-is-waiting model."""

from __future__ import annotations

from collections.abc import Iterator

from constructs_lib import limits
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.checks.model import TemplateModel, number
from constructs_lib.rules import api as api_rules

#: Integration timeout when ``TimeoutInMillis`` is absent: 29 s (REST), 30 s (HTTP API).
DEFAULT_INTEGRATION_TIMEOUT_MS = {
    "rest": limits.APIGW_REST_DEFAULT_MAX_INTEGRATION_TIMEOUT_S * 1000,
    "http": limits.APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S * 1000,
}


@rule(
    "apigw-integration-timeout",
    "error",
    "A function behind API Gateway has a timeout not below the integration timeout.",
    explanation="""API Gateway answers 504 when the integration timeout passes while the
    function keeps running (and billing) to its own timeout: the caller sees a failure, the
    side effects may still happen, and the caller's retry runs them again.""",
    fix="Set the function's Timeout below the integration's TimeoutInMillis (29 s REST, 30 s "
    "HTTP by default), leaving room for a cold start.",
)
def apigw_integration_timeout(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for trigger in model.triggers:
        if trigger.kind != "apigateway":
            continue
        fn = model.resources[trigger.function]
        integration_res = model.resources[trigger.via]
        api = trigger.detail.get("api", "rest")
        if api == "rest":
            integration = integration_res.get("Integration") or {}
            raw, location = integration.get("TimeoutInMillis"), "Properties/Integration/TimeoutInMillis"
        else:
            raw, location = integration_res.get("TimeoutInMillis"), "Properties/TimeoutInMillis"
        millis = DEFAULT_INTEGRATION_TIMEOUT_MS[api] if raw is None else number(raw)
        violation = api_rules.check_timeout_below_integration_timeout(
            model.timeout_s(fn),
            millis / 1000 if millis is not None else None,
            prop=f"the Timeout of {fn.logical_id}",
            integration_prop="integration timeout",
        )
        if violation is not None:
            yield Hit.of(integration_res, violation, location=location)


RULES = (apigw_integration_timeout,)
