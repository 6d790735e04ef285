"""``api="url"``: a Lambda function URL in front of the function.

No API Gateway: no integration timeout (a caller waits up to the function timeout, at most
15 minutes), no stage (no throttling: ``reserved_concurrent_executions`` is the only cap; no
access logs) and no request validation. Authorization is IAM (default) or none; responses
are buffered (default) or streamed. The props that configure API Gateway are errors here.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import GT, PERIOD, AlarmBuilder, fmt_duration, fmt_rate_percent, fmt_threshold_ms, lambda_metric
from constructs_lib._dashboard import FailurePath
from constructs_lib._function import DEFAULT_RUNTIME
from constructs_lib._validation import raise_first, warn
from constructs_lib.sync_api.authorization import Authorization, open_reason
from constructs_lib.sync_api.door import (
    Built,
    Props,
    alarm_prop_violations,
    check_cors,
    check_function_props,
    failure_paths,
    provisioned_concurrency_violation,
    waited,
)
from constructs_lib.value_rules import Violation, fmt_seconds, num
from constructs_lib.value_rules import alarms as alarm_rules
from constructs_lib.value_rules import function_url as url_rules


class FunctionUrlDoor:
    """The function URL front door of one SyncApiFunction (see :mod:`constructs_lib.sync_api.door`)."""

    invoked_by = "its function URL"
    throttled = (
        "A function URL has no stage throttling: a throttled request is answered 429 and "
        "the caller must retry."
    )
    integration_timeout: Duration | None = None

    def __init__(self, construct: Construct, props: Props) -> None:
        self.construct = construct
        self.props = props
        self.invoke_mode: lambda_.InvokeMode | None = props.invoke_mode or lambda_.InvokeMode.BUFFERED
        self.latency_ms: float | None = None

    # ----------------------------------------------------------------------------------
    # Validation
    # ----------------------------------------------------------------------------------
    def api_only_props(self) -> list[str]:
        """The API Gateway props set (the throttling limits only when not their defaults)."""
        props = self.props
        given = {
            "integration_timeout": props.integration_timeout,
            "integration_timeout_quota": props.integration_timeout_quota,
            "endpoint_type": props.endpoint_type,
            "throttling_rate_limit": None
            if props.throttling_rate_limit == limits.DEFAULT_API_THROTTLING_RATE_LIMIT
            else props.throttling_rate_limit,
            "throttling_burst_limit": None
            if props.throttling_burst_limit == limits.DEFAULT_API_THROTTLING_BURST_LIMIT
            else props.throttling_burst_limit,
            "stage_name": props.stage_name,
            "api_name": props.api_name,
            "access_log_retention": props.access_log_retention,
            "cloud_watch_role": props.cloud_watch_role,
            "api_props": props.api_props,
            "response_transfer_mode": props.response_transfer_mode,
        }
        return [name for name, value in given.items() if value is not None]

    def validate(self) -> None:
        construct, props, auth = self.construct, self.props, self.props.authorization
        raise_first(
            construct,
            url_rules.check_api_only_props(self.api_only_props()),
            url_rules.check_url_authorization(auth.kind),
            open_reason(auth),
            Violation(
                "cors",
                f"cors {type(props.cors).__name__} does not match api='url'; pass lambda_.FunctionUrlCorsOptions(...)",
                limits.SRC_LAMBDA_URLS,
            )
            if props.cors is not None and not isinstance(props.cors, lambda_.FunctionUrlCorsOptions)
            else None,
            provisioned_concurrency_violation(props),
            *alarm_prop_violations(props, metric="Url5xxCount"),
        )
        check_cors(
            construct,
            props.cors,
            max_age_limit_s=limits.LAMBDA_URL_MAX_CORS_MAX_AGE_S,
            what="a function URL",
            source=limits.SRC_LAMBDA_URL_CORS,
            lists={
                "allowed_origins": (limits.LAMBDA_URL_CORS_MAX_ITEMS, "allowed_origins (AllowOrigins)"),
                "allowed_headers": (limits.LAMBDA_URL_CORS_MAX_ITEMS, "allowed_headers (AllowHeaders)"),
                "exposed_headers": (limits.LAMBDA_URL_CORS_MAX_ITEMS, "exposed_headers (ExposeHeaders)"),
                "allowed_methods": (limits.LAMBDA_URL_CORS_MAX_METHODS, "allowed_methods (AllowMethods)"),
            },
        )
        check_function_props(construct, props)
        if props.alarms:
            self.latency_ms = self._latency_threshold_ms()
        warn(
            construct,
            "function-url-unthrottled",
            url_rules.unthrottled_url(props.reserved_concurrent_executions, open_url=auth.kind == Authorization.NONE)
            if props.reserved_concurrent_executions is None
            else None,
        )
        if props.invoke_mode is not None and props.invoke_mode == lambda_.InvokeMode.RESPONSE_STREAM:
            warn(construct, "response-streaming-runtime", url_rules.streaming_runtime((props.runtime or DEFAULT_RUNTIME).name))

    def _latency_threshold_ms(self) -> float | None:
        """The threshold in milliseconds (UrlRequestLatency's unit): the given one (a
        ``Duration.millis(token)`` passes through), or 80 % of the function timeout; validated
        below the timeout."""
        given = self.props.integration_latency_alarm_threshold
        given_s = self.props.plain["integration_latency_alarm_threshold"]
        timeout_s = self.props.plain["timeout"]
        if given is not None and given_s is None:
            return float(given.to_milliseconds())  # a token in milliseconds (the type layer checked the unit)
        threshold_s = given_s
        derived_from = None
        if given is None:
            if timeout_s is None:
                return None
            threshold_s = timeout_s * limits.DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION
            derived_from = (
                f"derived as {limits.DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION} x timeout {fmt_seconds(timeout_s)}"
            )
        raise_first(
            self.construct,
            alarm_rules.check_age_threshold(
                threshold_s,
                timeout_s,
                prop="integration_latency_alarm_threshold",
                limit_prop="timeout",
                what="Lambda stops the function at its timeout and the URL answers with an error",
                source=limits.SRC_LAMBDA_URL_METRICS,
                derived_from=derived_from,
            ),
        )
        return threshold_s * 1000 if threshold_s is not None else None

    # ----------------------------------------------------------------------------------
    # Resources
    # ----------------------------------------------------------------------------------
    def build(self, target: lambda_.IFunction, acknowledgments: dict[str, str]) -> Built:
        """The function URL on ``target``; it needs no acknowledgment of its own."""
        function_url = lambda_.FunctionUrl(
            self.construct,
            "Url",
            function=target,
            auth_type=lambda_.FunctionUrlAuthType.NONE
            if self.props.authorization.kind == Authorization.NONE
            else lambda_.FunctionUrlAuthType.AWS_IAM,
            invoke_mode=self.invoke_mode,
            cors=self.props.cors,
        )
        return Built(url=function_url.url, function_url=function_url)

    # ----------------------------------------------------------------------------------
    # Alarms
    # ----------------------------------------------------------------------------------
    def failure_paths(self) -> list[FailurePath]:
        reserved = self.props.plain["reserved_concurrent_executions"]
        return failure_paths(
            waits=waited(self.props.plain["timeout"], "the function timeout"),
            throttled_by="the reservation"
            + (f" ({num(reserved)} concurrent executions)" if reserved is not None else " (none set)")
            + ", a function URL having no stage throttling,",
        )

    def add_alarms(self, builder: AlarmBuilder, function: lambda_.IFunction, rate: float) -> None:
        """ServerErrorRate (Url5xxCount / UrlRequestCount) and RequestLatency (UrlRequestLatency,
        Maximum), from the function URL metrics (AWS/Lambda, FunctionName); the thresholds
        default as for the APIs. Source: limits.SRC_LAMBDA_URL_METRICS."""
        errors = lambda_metric(function, "Url5xxCount", "Sum")
        requests = lambda_metric(function, "UrlRequestCount", "Sum")
        builder.add(
            "ServerErrorRate",
            cloudwatch.MathExpression(
                expression="FILL(errors, 0) / requests",
                using_metrics={"errors": errors, "requests": requests},
                label="5XX rate",
                period=PERIOD,
            ),
            threshold=rate,
            comparison=GT,
            evaluation_periods=3,
            datapoints_to_alarm=3,
            title="5XX answers / requests",
            shown=fmt_rate_percent(rate),
            path="Errors and timeouts",
            description=(
                f"more than {fmt_rate_percent(rate)} of function URL requests got a 5XX answer for 3 "
                "minutes in a row (AWS/Lambda Url5xxCount / UrlRequestCount): function errors, "
                "timeouts or throttles; callers see failures and own the retry. Check the "
                "function's Errors, Throttles and Duration, and its log group."
            ),
        )
        timeout_s = self.props.plain["timeout"]
        if self.latency_ms is not None:
            builder.add(
                "RequestLatency",
                lambda_metric(function, "UrlRequestLatency", "Maximum"),
                threshold=self.latency_ms,  # UrlRequestLatency is in milliseconds
                comparison=GT,
                evaluation_periods=5,
                datapoints_to_alarm=3,
                title="Request latency (ms)",
                shown=fmt_threshold_ms(self.latency_ms),
                path="Errors and timeouts",
                also=((timeout_s * 1000, f"function timeout {fmt_duration(timeout_s)}"),) if timeout_s is not None else (),
                description=(
                    f"function URL latency above {fmt_threshold_ms(self.latency_ms)} in 3 of 5 minutes "
                    "(AWS/Lambda UrlRequestLatency, Maximum): requests come close to the function "
                    "timeout, after which the caller gets an error. Look at the function's Duration "
                    "and X-Ray traces for the slow call."
                ),
            )
