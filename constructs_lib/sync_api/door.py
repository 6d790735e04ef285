"""What the core and a front door say to each other.

The core (``core.py``) checks what every front door shares, then makes the door the ``api``
prop names (``rest.py``, ``http.py``, ``url.py``) and calls it in this order:

1. ``validate()``: the door's own checks (errors) and warnings, before any resource exists;
2. ``build(target, acknowledgments)``: the door's resources in front of ``target`` (the
   function, or its alias ``live``), and its cdk-nag acknowledgments; returns what it made;
3. ``add_alarms(builder, function, rate)``: with ``alarms=True``, the door's own alarms (the
   5XX rate and the latency); the core adds the ``Throttles`` alarm every door has.

A door reads the props from :class:`Props` and never imports the core, so each door module
reads on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib._alarms import AlarmBuilder, alarm_settings_given, check_counts, fmt_duration
from constructs_lib._dashboard import FailurePath
from constructs_lib._validation import SECONDS, DurationSpec, raise_first
from constructs_lib.sync_api.authorization import Authorization
from constructs_lib.value_rules import Violation, num
from constructs_lib.value_rules import alarms as alarm_rules
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import function_url as url_rules


@dataclass(frozen=True)
class Props:
    """SyncApiFunction's props as a front door reads them: each value as given (``timeout``
    and ``authorization`` with the core's defaults filled in, ``function_props`` with
    SnapStart's setting added), and ``plain``, their plain values from the type layer
    (``None`` for an unset prop or an unresolved token)."""

    id: str
    plain: Mapping[str, Any]
    timeout_is_default: bool
    runtime: lambda_.Runtime | None
    reserved_concurrent_executions: int | None
    function_props: Mapping[str, Any] | None
    integration_timeout: Duration | None
    integration_timeout_quota: Duration | None
    endpoint_type: apigw.EndpointType | None
    throttling_rate_limit: float
    throttling_burst_limit: int
    provisioned_concurrency: int | None
    authorization: Authorization
    #: Checked by each door against its own class.
    cors: Any
    stage_name: str | None
    api_name: str | None
    access_log_retention: logs.RetentionDays | None
    cloud_watch_role: bool | None
    alarms: bool
    alarm_topic: sns.ITopic | None
    dashboard: bool | None
    server_error_rate_alarm_threshold: float | None
    integration_latency_alarm_threshold: Duration | None
    throttles_alarm_threshold: int | None
    api_props: Mapping[str, Any] | None
    invoke_mode: lambda_.InvokeMode | None
    response_transfer_mode: apigw.ResponseTransferMode | None

    @classmethod
    def collect(cls, values: Mapping[str, Any], **derived: Any) -> Props:
        """The props out of the constructor's ``locals()``; ``derived``: what is not a prop
        (``plain``, ``timeout_is_default``)."""
        return cls(**{f.name: derived[f.name] if f.name in derived else values[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class Built:
    """What a front door made; the construct exposes each as an attribute."""

    url: str
    api: apigw.LambdaRestApi | apigwv2.HttpApi | None = None
    stage: apigw.Stage | apigwv2.HttpStage | None = None
    access_log_group: logs.LogGroup | None = None
    authorizer: Any = None
    function_url: lambda_.FunctionUrl | None = None


class FrontDoor(Protocol):
    """One way callers reach the function (``api="rest"``, ``"http"`` or ``"url"``), made
    per construct as ``Door(construct, props)``."""

    #: Who invokes the function, synchronously (for the Serverless-LambdaDLQ acknowledgment).
    invoked_by: str
    #: What a throttled request means to the caller (the Throttles alarm's description).
    throttled: str
    #: How long the door waits for the function (``None`` without API Gateway); known after ``validate``.
    integration_timeout: Duration | None
    #: The function URL's invoke mode (``None`` for the APIs).
    invoke_mode: lambda_.InvokeMode | None

    def validate(self) -> None:
        """Raise ``ConstructPropsError`` for the first prop this door refuses; add its warnings."""

    def build(self, target: lambda_.IFunction, acknowledgments: dict[str, str]) -> Built:
        """Create the door in front of ``target``; add its reasons to ``acknowledgments``."""

    def add_alarms(self, builder: AlarmBuilder, function: lambda_.IFunction, rate: float) -> None:
        """Add ``ServerErrorRate`` (above ``rate``) and the door's latency alarm."""

    def failure_paths(self) -> list[FailurePath]:
        """What the dashboard's text says of each failure path behind this door."""


# --------------------------------------------------------------------------------------
# Checks every door makes, each at its place in the door's order
# --------------------------------------------------------------------------------------
def alarm_prop_violations(props: Props, *, metric: str) -> list[Violation | None]:
    """The alarm props' rules, the same for every front door: none set with
    ``alarms=False``, the 5XX rate strictly between 0 and 1 (``metric`` names it), and
    at least 1 throttle."""
    plain = props.plain
    return [
        alarm_rules.dashboard_without_alarms(props.dashboard, props.alarms),
        alarm_settings_given(
            props.alarms,
            alarm_topic=props.alarm_topic,
            server_error_rate_alarm_threshold=props.server_error_rate_alarm_threshold,
            integration_latency_alarm_threshold=props.integration_latency_alarm_threshold,
            throttles_alarm_threshold=props.throttles_alarm_threshold,
        ),
        alarm_rules.check_rate_threshold(
            plain["server_error_rate_alarm_threshold"], prop="server_error_rate_alarm_threshold", metric=metric
        ),
        *check_counts(throttles_alarm_threshold=(plain["throttles_alarm_threshold"], "Throttles")),
    ]


def provisioned_concurrency_violation(props: Props) -> Violation | None:
    """Provisioned concurrency at least 1, and within the reservation when both are set."""
    return api_rules.check_provisioned_concurrency(
        props.plain["provisioned_concurrency"], props.plain["reserved_concurrent_executions"]
    )


def check_function_props(construct: Construct, props: Props) -> None:
    """function_props: no asynchronous-only settings (the type layer already refused the
    keys this construct sets): every door invokes the function synchronously."""
    raise_first(construct, api_rules.check_no_async_settings(list(props.function_props or {})))


def check_cors(
    construct: Construct,
    cors: Any,
    *,
    max_age_limit_s: float | None,
    what: str,
    source: str,
    lists: Mapping[str, tuple[int, str]] | None = None,
) -> None:
    """The values of a door's CORS options that its service refuses, reported as ``cors``:
    ``max_age`` in whole seconds (each door writes seconds) and at most ``max_age_limit_s``
    (``None``: the service sets no limit), and ``lists`` (``attribute -> (most items,
    the service's name for it)``) within their sizes. Call it after ``cors`` matched the
    door's own class."""
    if cors is None:
        return
    max_age = getattr(cors, "max_age", None)
    violation, max_age_s = DurationSpec(unit=SECONDS, what=what, source=source).check("cors", max_age, label="cors max_age")
    raise_first(
        construct,
        violation,
        url_rules.check_cors_max_age(max_age_s, limit_s=max_age_limit_s, what=what, source=source),
        *(
            url_rules.check_cors_items(len(items), field=field, limit=limit)
            for attribute, (limit, field) in (lists or {}).items()
            if isinstance(items := getattr(cors, attribute, None), (list, tuple))
        ),
    )


def failure_paths(*, waits: str, throttled_by: str) -> list[FailurePath]:
    """A synchronous caller's failure paths: ``waits`` (how long the caller waits at most),
    ``throttled_by`` (what throttles requests before Lambda does)."""
    return [
        FailurePath(
            "Errors and timeouts",
            f"the function fails, or has not answered within {waits}",
            "the caller gets a 5XX answer (502 for an error, 504 for a timeout); nothing is queued or "
            "retried on AWS's side: the caller owns the retry",
        ),
        FailurePath(
            "Throttles",
            f"{throttled_by} or Lambda's concurrency limit refuses the request",
            "the caller gets 429 (or a 5XX from Lambda) and must retry",
        ),
    ]


def waited(seconds: float | None, what: str) -> str:
    """``'the integration timeout (29 s)'``."""
    return f"{what} ({fmt_duration(seconds)})"


def stage_throttling(props: Props) -> str:
    """``"the stage's throttling (50/s, burst 100)"`` (``given`` for a token)."""
    rate, burst = props.plain["throttling_rate_limit"], props.plain["throttling_burst_limit"]
    return (
        f"the stage's throttling ({'the given rate' if rate is None else num(rate) + '/s'}, burst "
        f"{'the given size' if burst is None else num(burst)})"
    )
