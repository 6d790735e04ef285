"""What the two API Gateway front doors (``rest``, ``http``) share: a stage throttled and
access-logged in JSON, an integration timeout the function timeout must stay below, and
the 5XX-rate and IntegrationLatency alarms on the API's metrics.

The doors call these at their place in their own order of checks; nothing here knows
which door calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import (
    GT,
    AlarmBuilder,
    api_metric,
    fmt_duration,
    fmt_rate_percent,
    fmt_threshold_ms,
    server_error_rate,
)
from constructs_lib._function import DEFAULT_LOG_RETENTION, escape_hatch_error
from constructs_lib._validation import Keywords, check_value, duration_seconds, is_token_string, raise_first, warn
from constructs_lib._dashboard import FailurePath
from constructs_lib.sync_api.door import (
    Props,
    alarm_prop_violations,
    failure_paths,
    provisioned_concurrency_violation,
    stage_throttling,
    waited,
)
from constructs_lib.value_rules import Violation, fmt_seconds
from constructs_lib.value_rules import alarms as alarm_rules
from constructs_lib.value_rules import api as api_rules

T = TypeVar("T")

#: The Throttles alarm's word on what a throttle means behind API Gateway.
THROTTLED = "Throttled requests are answered with an error (429/5XX) and the caller must retry."


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------
def check_api_props(
    construct: Construct, api_props: Mapping[str, Any] | None, target: type, owned: tuple[str, ...]
) -> None:
    """api_props: only keyword arguments of the door's aws-cdk-lib class (``target``), and
    none this construct sets (``owned``)."""
    if api_props is not None:
        check_value(
            construct,
            "api_props",
            Keywords(target=target, owned=owned, construct="SyncApiFunction", source=limits.SRC_APIGW_QUOTAS),
            api_props,
        )


def cors_violation(cors: Any, expected: type, *, api: str) -> Violation | None:
    """``cors`` must be the door's own CORS class."""
    if cors is None or isinstance(cors, expected):
        return None
    return Violation(
        "cors",
        f"cors {type(cors).__name__} does not match api={api!r}; pass "
        f"{expected.__module__.split('.')[-1]}.{expected.__name__}(...)",
        limits.SRC_APIGW_ACCESS_CONTROL,
    )


def integration_timeout_of(seconds: float) -> Duration:
    """The default integration timeout as the template states it (whole seconds, or milliseconds)."""
    return duration_seconds(int(seconds)) if seconds.is_integer() else Duration.millis(math.ceil(seconds * 1000))


def stage_violations(props: Props, integration_s: float | None, *, metric: str) -> list[Violation | None]:
    """After the integration timeout's own range: the function timeout strictly below it,
    the stage's throttling set and in range, provisioned concurrency, and the alarm props
    (``metric``: the API's 5XX metric)."""
    plain = props.plain
    return [
        api_rules.check_timeout_below_integration_timeout(
            plain["timeout"], integration_s, timeout_is_default=props.timeout_is_default
        ),
        _required("throttling_rate_limit", props.throttling_rate_limit),
        _required("throttling_burst_limit", props.throttling_burst_limit),
        api_rules.check_throttling_rate_limit(plain["throttling_rate_limit"]),
        api_rules.check_throttling_burst_limit(plain["throttling_burst_limit"]),
        provisioned_concurrency_violation(props),
        *alarm_prop_violations(props, metric=metric),
    ]


def name_violations(props: Props, *, api: str) -> list[Violation | None]:
    """The stage name and the API name API Gateway (and, for a REST API's name, CloudWatch's
    ApiName dimension) accept; a token is not checked."""
    def literal(value: Any) -> str | None:
        return value if isinstance(value, str) and not is_token_string(value) else None

    return [
        api_rules.check_stage_name(literal(props.stage_name), api),
        api_rules.check_api_name(literal(props.api_name), api),
    ]


def _required(prop: str, value: Any) -> Violation | None:
    if value is not None:
        return None
    return Violation(
        prop,
        f"{prop} None would leave the stage unthrottled, limited only by the account-level "
        f"{limits.APIGW_ACCOUNT_RATE_LIMIT}/s that every API in the Region shares; set a "
        "number (the default is "
        f"{limits.DEFAULT_API_THROTTLING_RATE_LIMIT}/s, burst {limits.DEFAULT_API_THROTTLING_BURST_LIMIT})",
        limits.SRC_APIGW_THROTTLING,
    )


def latency_threshold_ms(construct: Construct, props: Props, integration_s: float | None, *, source: str) -> float | None:
    """The IntegrationLatency threshold in milliseconds (the metric's unit): the given
    one (a ``Duration.millis(token)`` passes through), or 80 % of the request's budget
    (the smaller of the function and integration timeouts); validated below the
    integration timeout. ``source``: the door's metrics page."""
    given = props.integration_latency_alarm_threshold
    given_s = props.plain["integration_latency_alarm_threshold"]
    if given is not None and given_s is None:
        return float(given.to_milliseconds())  # a token in milliseconds (checked by the type layer)
    threshold_s = given_s
    derived_from = None
    if given is None:
        known = [v for v in (props.plain["timeout"], integration_s) if v is not None]
        if not known:
            return None
        budget = min(known)
        threshold_s = budget * limits.DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION
        derived_from = (
            f"derived as {limits.DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION} x timeout {fmt_seconds(budget)}"
        )
    raise_first(
        construct,
        alarm_rules.check_age_threshold(
            threshold_s,
            integration_s,
            prop="integration_latency_alarm_threshold",
            limit_prop="integration_timeout",
            what="API Gateway stops waiting at integration_timeout and answers 504",
            source=source,
            derived_from=derived_from,
        ),
    )
    return threshold_s * 1000 if threshold_s is not None else None


def warn_cold_start_headroom(construct: Construct, props: Props, integration_s: float | None) -> None:
    warn(construct, "cold-start-headroom", api_rules.low_cold_start_headroom(props.plain["timeout"], integration_s))


def warn_throttling(construct: Construct, props: Props) -> None:
    """The stage's throttling against the account's limits and the function's reservation."""
    plain = props.plain
    rate, burst = plain["throttling_rate_limit"], plain["throttling_burst_limit"]
    warn(construct, "throttling-above-account", api_rules.throttling_above_account(rate, burst))
    warn(
        construct,
        "throttling-exceeds-reserved-concurrency",
        api_rules.throttling_exceeds_reserved(rate, burst, plain["timeout"], plain["reserved_concurrent_executions"]),
    )


# --------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------
def access_log_group(construct: Construct, props: Props) -> logs.LogGroup:
    """The stage's access log group, retained when the stack goes."""
    return logs.LogGroup(
        construct,
        "AccessLogs",
        retention=props.access_log_retention or DEFAULT_LOG_RETENTION,
        removal_policy=RemovalPolicy.RETAIN,
    )


def with_api_props(
    construct: Construct, api_props: Mapping[str, Any] | None, target: str, make: Callable[[dict[str, Any]], T]
) -> T:
    """Make the API with the escape hatch's arguments; a value aws-cdk-lib refuses (a
    wrong type, a combination it rejects) is an error naming ``api_props``."""
    extra = dict(api_props or {})
    try:
        return make(extra)
    except (TypeError, RuntimeError) as exc:
        if not extra:
            raise
        raise escape_hatch_error(construct, "api_props", target, exc) from exc


def add_alarms(
    builder: AlarmBuilder,
    *,
    rest: bool,
    dimensions: Mapping[str, str],
    rate: float,
    latency_ms: float | None,
    integration_s: float | None,
) -> None:
    """ServerErrorRate (the API's 5XX / Count) and, unless no threshold could be derived,
    IntegrationLatency (p99), on the API's ``dimensions``; the latency graph draws the
    integration timeout (``integration_s``), where API Gateway answers 504."""
    errors_name = "5XXError" if rest else "5xx"
    builder.add(
        "ServerErrorRate",
        server_error_rate(rest=rest, dimensions=dimensions),
        threshold=rate,
        comparison=GT,
        evaluation_periods=3,
        datapoints_to_alarm=3,
        title="5XX answers / requests",
        shown=fmt_rate_percent(rate),
        path="Errors and timeouts",
        description=(
            f"more than {fmt_rate_percent(rate)} of requests got a 5XX answer for 3 minutes in a row "
            f"(AWS/ApiGateway {errors_name} / Count): callers see failures and own the retry. "
            "The access log's integrationStatus / integrationError tell a function error (502), "
            "a timeout (504) and a throttle apart; check the function's Errors and Throttles."
        ),
    )
    if latency_ms is not None:
        builder.add(
            "IntegrationLatency",
            api_metric("IntegrationLatency", "p99", dimensions),
            threshold=latency_ms,  # IntegrationLatency is in milliseconds
            comparison=GT,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            title="Integration latency p99 (ms)",
            shown=fmt_threshold_ms(latency_ms),
            path="Errors and timeouts",
            also=((integration_s * 1000, f"integration timeout {fmt_duration(integration_s)}: 504"),)
            if integration_s is not None
            else (),
            description=(
                f"p99 integration latency above {fmt_threshold_ms(latency_ms)} in 3 of 5 minutes "
                "(AWS/ApiGateway IntegrationLatency, p99): 1 % of callers wait close to the "
                "function timeout, after which they get an error (or a 504 at the integration "
                "timeout). Look at the function's Duration and X-Ray traces for the slow call; "
                "cold starts show as Init duration (provisioned_concurrency helps)."
            ),
        )


def api_failure_paths(props: Props, integration_s: float | None) -> list[FailurePath]:
    """A REST or HTTP API's failure paths, for its dashboard's text."""
    return failure_paths(waits=waited(integration_s, "the integration timeout"), throttled_by=stage_throttling(props))
