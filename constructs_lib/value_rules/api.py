"""Rules for a Lambda function invoked synchronously by API Gateway (REST or HTTP API).

The synchronous model: the caller waits, the caller retries, and API Gateway cuts the
request at its integration timeout however long the function may still run. These rules
keep the function inside that budget, keep the stage's throttling meaningful next to the
function's concurrency, and keep asynchronous-only settings (which do nothing here) out.

Durations are in seconds (the template checks convert ``TimeoutInMillis`` first); ``api``
is ``"rest"`` or ``"http"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from constructs_lib import limits
from constructs_lib.value_rules import Violation, check_range, fmt_seconds, num

REST = "rest"
HTTP = "http"
API_TYPES = (REST, HTTP)

#: ``lambda_.Function`` keyword arguments that configure asynchronous invocation only.
#: Behind API Gateway the function is invoked synchronously, so they never take effect.
ASYNC_ONLY_FUNCTION_PROPS = (
    "dead_letter_queue",
    "dead_letter_queue_enabled",
    "dead_letter_topic",
    "on_failure",
    "on_success",
    "retry_attempts",
    "max_event_age",
)


def max_integration_timeout_s(api: str, quota_s: float | None = None) -> float:
    """The largest integration timeout API Gateway accepts: 29 s for REST (or the raised
    quota of a Regional/private REST API), 30 s for HTTP APIs."""
    if api == HTTP:
        return float(limits.APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S)
    if quota_s is not None:
        return quota_s
    return float(limits.APIGW_REST_DEFAULT_MAX_INTEGRATION_TIMEOUT_S)


def check_api_type(api: str | None, *, prop: str = "api") -> Violation | None:
    """``api`` is ``"rest"`` or ``"http"``."""
    if api is None or api in API_TYPES:
        return None
    return Violation(
        prop,
        f"{prop} {api!r} is not one of {API_TYPES!r}; choose 'rest' (API Gateway REST API: "
        "X-Ray tracing, usage plans, up to 29 s) or 'http' (HTTP API: cheaper, JWT "
        "authorizers, up to 30 s)",
        limits.SRC_APIGW_QUOTAS,
    )


def check_integration_timeout_quota(
    quota_s: float | None,
    *,
    api: str,
    edge: bool = False,
    prop: str = "integration_timeout_quota",
) -> Violation | None:
    """A raised integration timeout quota exists only for Regional and private REST APIs,
    and only above the default 29 s."""
    if quota_s is None:
        return None
    if api != REST or edge:
        kind = "HTTP APIs" if api != REST else "edge-optimized REST APIs"
        return Violation(
            prop,
            f"{prop} {fmt_seconds(quota_s)} cannot apply to {kind}: only Regional and private "
            "REST APIs can have the integration timeout raised above "
            f"{limits.APIGW_REST_DEFAULT_MAX_INTEGRATION_TIMEOUT_S} s (HTTP APIs stop at "
            f"{limits.APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S} s). Leave it unset, or use a "
            "REGIONAL or PRIVATE REST API",
            limits.SRC_APIGW_QUOTAS,
        )
    if quota_s <= limits.APIGW_REST_DEFAULT_MAX_INTEGRATION_TIMEOUT_S:
        return Violation(
            prop,
            f"{prop} {fmt_seconds(quota_s)} is not above the default "
            f"{limits.APIGW_REST_DEFAULT_MAX_INTEGRATION_TIMEOUT_S} s; set it only to the "
            "'Maximum integration timeout' your account was granted by a quota increase",
            limits.SRC_APIGW_QUOTAS,
        )
    return None


def check_integration_timeout(
    integration_timeout_s: float | None,
    *,
    api: str,
    quota_s: float | None = None,
    prop: str = "integration_timeout",
    quota_prop: str = "integration_timeout_quota",
) -> Violation | None:
    """Integration timeout within 50 ms and 29 s (REST; or the raised quota) / 30 s (HTTP)."""
    if integration_timeout_s is None:
        return None
    high = max_integration_timeout_s(api, quota_s)
    if api == HTTP:
        why = (
            "HTTP APIs accept at most 30 s and the quota cannot be raised; "
            "API Gateway rejects the integration"
        )
        source = limits.SRC_APIGW_HTTP_QUOTAS
    elif quota_s is None:
        why = (
            "REST APIs accept at most 29 s unless your account's 'Maximum integration timeout' "
            f"quota was raised (Regional and private APIs only); if it was, set {quota_prop} "
            "to the granted value"
        )
        source = limits.SRC_APIGW_QUOTAS
    else:
        why = f"it is above {quota_prop}, the account's raised quota; API Gateway rejects it"
        source = limits.SRC_APIGW_QUOTAS
    low = limits.APIGW_REST_MIN_INTEGRATION_TIMEOUT_MS / 1000
    return check_range(prop, integration_timeout_s, low, high, unit="s", why=why, source=source)


def check_timeout_below_integration_timeout(
    timeout_s: float | None,
    integration_timeout_s: float | None,
    *,
    prop: str = "timeout",
    integration_prop: str = "integration_timeout",
    timeout_is_default: bool = False,
) -> Violation | None:
    """The function timeout must be strictly below the integration timeout. When the
    timeout is the construct's default (``timeout_is_default``), the violation names the
    integration timeout, the value the user set."""
    if timeout_s is None or integration_timeout_s is None or timeout_s < integration_timeout_s:
        return None
    from constructs_lib.messages import consequence as said

    consequence = said("apigw-integration-timeout")
    if timeout_is_default:
        return Violation(
            integration_prop,
            f"{integration_prop} {fmt_seconds(integration_timeout_s)} is not above the function {prop} "
            f"{fmt_seconds(timeout_s)} (its default), so API Gateway answers 504 Gateway Timeout: {consequence}. "
            f"Raise {integration_prop}, or set "
            f"{prop} below it, leaving room for a cold start",
            limits.SRC_APIGW_QUOTAS,
        )
    return Violation(
        prop,
        f"{prop} {fmt_seconds(timeout_s)} is not below the {integration_prop} "
        f"{fmt_seconds(integration_timeout_s)}, so API Gateway answers 504 Gateway Timeout: {consequence}. Set {prop} below "
        f"{fmt_seconds(integration_timeout_s)}, leaving room for a cold start",
        limits.SRC_APIGW_QUOTAS,
    )


def low_cold_start_headroom(
    timeout_s: float | None,
    integration_timeout_s: float | None,
    *,
    prop: str = "timeout",
    integration_prop: str = "integration_timeout",
) -> Violation | None:
    """A warning: timeout + a cold start (Init, up to 10 s) exceeds the integration timeout."""
    if timeout_s is None or integration_timeout_s is None:
        return None
    needed = timeout_s + limits.LAMBDA_MAX_INIT_S
    if needed <= integration_timeout_s:
        return None
    return Violation(
        prop,
        f"{prop} {fmt_seconds(timeout_s)} + a cold start (Init, up to "
        f"{limits.LAMBDA_MAX_INIT_S} s) = {fmt_seconds(needed)} exceeds the {integration_prop} "
        f"{fmt_seconds(integration_timeout_s)}; API Gateway's clock includes the cold start, "
        "so a slow request on a new execution environment gets a 504 while the function "
        "still runs. Lower the timeout, or keep environments warm with provisioned_concurrency",
        limits.SRC_LAMBDA_INIT,
    )


def check_throttling_rate_limit(
    rate_limit: float | None, *, prop: str = "throttling_rate_limit"
) -> Violation | None:
    """Stage rate limit must be positive: 0 rejects every request with 429."""
    if rate_limit is None or rate_limit > 0:
        return None
    return Violation(
        prop,
        f"{prop} {num(rate_limit)} is not positive; API Gateway would answer every request with "
        "429 Too Many Requests. Use a rate in requests per second above 0",
        limits.SRC_APIGW_THROTTLING,
    )


def check_throttling_burst_limit(
    burst_limit: float | None, *, prop: str = "throttling_burst_limit"
) -> Violation | None:
    """Stage burst limit must be at least 1: the token bucket holds no token at 0."""
    if burst_limit is None or burst_limit >= 1:
        return None
    return Violation(
        prop,
        f"{prop} {num(burst_limit)} is below 1; the token bucket would never hold a token and API "
        "Gateway would answer every request with 429 Too Many Requests",
        limits.SRC_APIGW_THROTTLING,
    )


def throttling_above_account(
    rate_limit: float | None,
    burst_limit: float | None,
    *,
    rate_prop: str = "throttling_rate_limit",
    burst_prop: str = "throttling_burst_limit",
) -> Violation | None:
    """A warning: stage limits above the account's default (10,000/s, burst 5,000) do
    nothing unless the account quota was raised, which all APIs of the Region share."""
    for prop, value, limit in (
        (rate_prop, rate_limit, limits.APIGW_ACCOUNT_RATE_LIMIT),
        (burst_prop, burst_limit, limits.APIGW_ACCOUNT_BURST_LIMIT),
    ):
        if value is not None and value > limit:
            return Violation(
                prop,
                f"{prop} {num(value)} is above the account-level default of {num(limit)}, which every "
                "API in the account and Region shares and which API Gateway applies first; the "
                "stage limit has no effect unless that quota was raised",
                limits.SRC_APIGW_THROTTLING,
            )
    return None


def throttling_exceeds_reserved(
    rate_limit: float | None,
    burst_limit: float | None,
    timeout_s: float | None,
    reserved: float | None,
    *,
    rate_prop: str = "throttling_rate_limit",
    burst_prop: str = "throttling_burst_limit",
    reserved_prop: str = "reserved_concurrent_executions",
) -> Violation | None:
    """A warning: the stage admits more concurrent requests than the function may run.

    In the worst case every request runs the full timeout, so the stage lets in
    ``rate x timeout`` concurrent executions (Little's law), and a burst arrives at once.
    """
    if reserved is None or timeout_s is None:
        return None
    if rate_limit is not None and rate_limit * timeout_s > reserved:
        return Violation(
            rate_prop,
            f"{rate_prop} {num(rate_limit)}/s x timeout {fmt_seconds(timeout_s)} = "
            f"{num(rate_limit * timeout_s)} concurrent executions exceeds {reserved_prop} "
            f"({num(reserved)}); when requests run long, Lambda throttles the surplus (429 "
            "TooManyRequestsException, which callers see as 429/502/500 errors from the "
            "integration) instead of the stage answering a clean 429. Lower the rate, or "
            "reserve more concurrency",
            limits.SRC_APIGW_THROTTLING,
        )
    if burst_limit is not None and burst_limit > reserved:
        return Violation(
            burst_prop,
            f"{burst_prop} {num(burst_limit)} exceeds {reserved_prop} ({num(reserved)}); a burst "
            "the stage admits at once is partly throttled by Lambda (429 "
            "TooManyRequestsException, seen by callers as integration errors) instead of by "
            "the stage",
            limits.SRC_APIGW_THROTTLING,
        )
    return None


def check_provisioned_concurrency(
    provisioned: float | None,
    reserved: float | None = None,
    *,
    prop: str = "provisioned_concurrency",
    reserved_prop: str = "reserved_concurrent_executions",
) -> Violation | None:
    """Provisioned concurrency >= 1 and, with a reservation, <= reserved concurrency."""
    if provisioned is None:
        return None
    if provisioned < limits.LAMBDA_MIN_PROVISIONED_CONCURRENCY:
        return Violation(
            prop,
            f"{prop} {num(provisioned)} is below {limits.LAMBDA_MIN_PROVISIONED_CONCURRENCY}; "
            "Lambda rejects it. Leave it unset for on-demand environments only",
            limits.SRC_LAMBDA_PROVISIONED,
        )
    if reserved is not None and provisioned > reserved:
        return Violation(
            prop,
            f"{prop} {num(provisioned)} is above {reserved_prop} ({num(reserved)}); Lambda refuses "
            "to provision more environments than the function may ever run. Lower it, or "
            "reserve more",
            limits.SRC_LAMBDA_PROVISIONED,
        )
    return None


def check_no_async_settings(
    names: Iterable[str],
    *,
    prop: str = "function_props",
    async_props: Iterable[str] = ASYNC_ONLY_FUNCTION_PROPS,
    invoker: str = "API Gateway",
    instead: str = "the error goes straight to the caller (who owns the retries)",
) -> Violation | None:
    """No dead-letter queue, destinations or async retry settings on a function that is
    invoked synchronously (by API Gateway, or by an event source mapping's poller)."""
    forbidden = set(async_props)
    found = sorted(name for name in names if name in forbidden)
    if not found:
        return None
    return Violation(
        prop,
        f"{prop} sets {', '.join(found)}, which configure asynchronous invocation only; {invoker} "
        "invokes the function synchronously, so Lambda never retries it, never sends "
        f"a failed request to a dead-letter queue or destination, and {instead}. Remove them",
        limits.SRC_LAMBDA_SYNC,
    )


def check_private_api_policy(private: bool, has_policy: bool, *, prop: str = "endpoint_type") -> Violation | None:
    """A PRIVATE REST API cannot be deployed without a resource policy."""
    if not private or has_policy:
        return None
    return Violation(
        prop,
        f"{prop} PRIVATE needs a resource policy: API Gateway refuses to deploy a private API "
        "without one, so the stack would fail at the deployment. Pass "
        "api_props={'policy': iam.PolicyDocument(...)} allowing execute-api:Invoke from your "
        "VPC endpoint (aws:SourceVpce), or use endpoint_type REGIONAL",
        limits.SRC_APIGW_RESOURCE_POLICY,
    )


def check_open_reason(reason: str | None, *, prop: str = "authorization") -> Violation | None:
    """An open (unauthenticated) endpoint needs a stated reason."""
    if reason is not None and reason.strip():
        return None
    return Violation(
        prop,
        f"{prop} Authorization.none() needs a reason (e.g. reason='public read-only health "
        "check'); an endpoint without authorization lets anyone on the internet invoke the "
        "function and spend its concurrency, so opening it must be a stated decision",
        limits.SRC_APIGW_ACCESS_CONTROL,
    )


__all__ = [
    "API_TYPES",
    "ASYNC_ONLY_FUNCTION_PROPS",
    "HTTP",
    "REST",
    "check_api_type",
    "check_integration_timeout",
    "check_integration_timeout_quota",
    "check_no_async_settings",
    "check_open_reason",
    "check_private_api_policy",
    "check_provisioned_concurrency",
    "check_throttling_burst_limit",
    "check_throttling_rate_limit",
    "check_timeout_below_integration_timeout",
    "low_cold_start_headroom",
    "max_integration_timeout_s",
    "throttling_above_account",
    "throttling_exceeds_reserved",
]


_STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def check_stage_name(name: str | None, api: str, *, prop: str = "stage_name") -> Violation | None:
    """A stage name API Gateway accepts: 1-128 characters of A-Z, a-z, 0-9, ``-`` and ``_``
    (an HTTP API also takes ``$default``, the stage served at the root). ``None``: unset or
    a token."""
    if name is None:
        return None
    if api == HTTP and name == limits.APIGW_HTTP_DEFAULT_STAGE:
        return None
    if 1 <= len(name) <= limits.APIGW_MAX_STAGE_NAME_LENGTH and _STAGE_NAME.match(name):
        return None
    shown = repr(name) if len(name) <= 80 else f"{name[:77]!r}..."
    default = " (or '$default', the stage at the root of the endpoint)" if api == HTTP else ""
    return Violation(
        prop,
        f"{prop} {shown} ({len(name)} characters) is not a stage name API Gateway accepts: 1-"
        f"{limits.APIGW_MAX_STAGE_NAME_LENGTH} characters of A-Z, a-z, 0-9, '-' and '_'{default}; "
        "the stage name is the first path segment of the API's URL",
        limits.SRC_APIGW_V2_STAGES if api == HTTP else limits.SRC_APIGW_CREATE_STAGE,
    )


def check_api_name(name: str | None, api: str, *, prop: str = "api_name") -> Violation | None:
    """An API name within the tighter of API Gateway's limit (an HTTP API's name: 128
    characters) and CloudWatch's (a REST API's name is its metrics' ApiName dimension value:
    255 characters). ``None``: unset or a token."""
    if name is None:
        return None
    if api == HTTP:
        limit, why, source = (
            limits.APIGW_HTTP_MAX_API_NAME_LENGTH,
            "API Gateway accepts an HTTP API name of 1-128 characters",
            limits.SRC_APIGW_V2_APIS,
        )
    else:
        limit, why, source = (
            limits.CLOUDWATCH_MAX_DIMENSION_VALUE_LENGTH,
            "a REST API's name is the ApiName dimension of its metrics (the alarms and dashboard "
            "graphs this makes), and CloudWatch accepts a dimension value of 1-255 characters",
            limits.SRC_CLOUDWATCH_ALARM_DIMENSION,
        )
    if len(name) <= limit:
        return None
    return Violation(prop, f"{prop} is {len(name)} characters long; {why}: shorten it to at most {limit}", source)
