"""The core of SyncApiFunction: the construct, its props, the checks every front door
shares, the function (and its alias ``live``), and the alarm every door has (Throttles).

The front door the ``api`` prop names (``rest.py``, ``http.py``, ``url.py``) checks and makes
the rest; ``door.py`` is what the core and a door say to each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aws_cdk import Annotations, Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import AlarmBuilder, Alarms
from constructs_lib._dashboard import own_dashboard
from constructs_lib._failure import acknowledge_all
from constructs_lib._function import (
    DEFAULT_RUNTIME,
    create_function,
    function_rule_violations,
    validate_recursive_loop,
)
from constructs_lib._validation import check_props, duration_seconds, number, raise_first, sync_api_specs
from constructs_lib.sync_api.authorization import Authorization, validate_authorization
from constructs_lib.sync_api.door import FrontDoor, Props
from constructs_lib.sync_api.http import HttpApiDoor
from constructs_lib.sync_api.rest import RestApiDoor
from constructs_lib.sync_api.url import FunctionUrlDoor
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import function_url as url_rules
from constructs_lib.value_rules import snapstart as snapstart_rules

#: The function timeout when none is given: 10 s (see limits.DEFAULT_SYNC_API_TIMEOUT_S).
DEFAULT_TIMEOUT = duration_seconds(limits.DEFAULT_SYNC_API_TIMEOUT_S)
#: The name of the alias the API invokes when provisioned concurrency is set.
ALIAS_NAME = "live"
#: The front doors, by the ``api`` prop's value (the type layer admits no other).
FRONT_DOORS: Mapping[str, Callable[[Construct, Props], FrontDoor]] = {
    api_rules.REST: RestApiDoor,
    api_rules.HTTP: HttpApiDoor,
    url_rules.URL: FunctionUrlDoor,
}
#: cdk-nag's Serverless pack asks for a Lambda DLQ; true of the construct's one function.
ACKNOWLEDGMENTS = {
    "Serverless-LambdaDLQ": (
        "SyncApiFunction's function is invoked synchronously by API Gateway; Lambda sends only "
        "failed asynchronous events to a dead-letter queue, a failed synchronous request goes "
        "back to the caller, who owns the retry"
    ),
}


class SyncApiFunction(Construct):
    """A Lambda function behind an API Gateway REST or HTTP API, with its timeout validated
    against the integration timeout, a throttled, JSON access-logged stage and explicit
    authorization.

    Example::

        orders = SyncApiFunction(
            self, "Orders",
            code=lambda_.Code.from_asset("lambda_src"),
            handler="orders_api.handler.lambda_handler",
            api="http",
            timeout=Duration.seconds(5),
            throttling_rate_limit=20, throttling_burst_limit=40,
            authorization=Authorization.iam(),
        )
        CfnOutput(self, "Url", value=orders.url)

    Bad input, ``Authorization`` included, is a ``ConstructPropsError`` before anything
    reaches aws-cdk-lib (see :class:`~constructs_lib.ConstructPropsError` for the type and
    unit rules); ``integration_timeout`` takes ``Duration.millis(token)`` for a token.

    Function props (shared by every construct in this library):

    :param code: the function's code (``lambda_.Code``). Required.
    :param handler: the handler, e.g. ``"app.handler"``. Required.
    :param timeout: function timeout. Default 10 s: a cold start (Init, up to 10 s) plus
        10 s still fits in REST's 29 s, and a waiting caller seldom waits longer. Must be
        strictly below ``integration_timeout`` (error); a warning when timeout + 10 s of
        cold start exceeds it.
    :param runtime: default the newest Python runtime aws-cdk-lib knows (3.14).
    :param architecture: default arm64, cheaper per GB-second than x86_64.
    :param memory_size: default 256 MB (CPU scales with memory; 128 MB slows cold starts).
    :param environment: environment variables. Default none.
    :param reserved_concurrent_executions: cap on concurrent executions. Default none.
        0 is an error. A warning when the stage admits more: ``throttling_rate_limit`` x
        ``timeout`` or ``throttling_burst_limit`` above it (Lambda, not the stage, would
        throttle the surplus, and callers get integration errors instead of a clean 429).
        Above the account's concurrency quota minus the 100 executions Lambda keeps unreserved
        (900 by default) is an error too; state a raised quota in the context
        ``constructs-lib:account-concurrency``.
    :param layers: Lambda layers. Default none.
    :param description: the function's description. Default none.
    :param log_retention: retention of the function's own log group. Default 30 days.
    :param recursive_loop: Lambda's recursive loop detection. Default
        ``lambda_.RecursiveLoop.TERMINATE`` (AWS's default, stated in the template). ``ALLOW``
        only with ``recursive_loop_reason``, and it warns (``constructs-lib:recursive-loop-allowed``).
    :param recursive_loop_reason: why the recursion is deliberate and bounded; required with
        ``ALLOW``, an error otherwise (it would be ignored). Default none.
    :param snap_start: Lambda SnapStart: publish a version with ``SnapStart:
        {ApplyOn: PublishedVersions}`` and point the front door at the alias ``live`` of it, so
        new environments resume from a snapshot of the initialized one instead of running Init.
        Default False: SnapStart for Python bills a cache and a restore charge, and the handler's
        init code must be safe to snapshot (unique ids, connections, credentials made per
        invoke). Errors, each as AWS refuses it: a runtime other than Python 3.12+ / Java 11+ /
        .NET 8+, ``provisioned_concurrency`` (mutually exclusive), ``function_props`` with
        ``filesystem`` (EFS) or ``ephemeral_storage_size`` above 512 MB. Both architectures are
        supported. Source: https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html
    :param function_props: escape hatch, extra ``lambda_.Function`` keyword arguments.
        Asynchronous-only settings (``dead_letter_queue``, ``dead_letter_queue_enabled``,
        ``dead_letter_topic``, ``on_failure``, ``on_success``, ``retry_attempts``,
        ``max_event_age``) are an error: API Gateway invokes synchronously, so Lambda never
        retries, never uses a DLQ or destination, and the caller gets the error.

    Invocation-model props:

    :param api: ``"rest"`` (API Gateway REST API; X-Ray tracing on the stage), ``"http"``
        (HTTP API; cheaper, JWT authorizers, no X-Ray on the API side) or ``"url"`` (a Lambda
        function URL; see "Function URL" below). Default ``"rest"``.
    :param integration_timeout: how long API Gateway waits for the function. Default the
        maximum: 29 s (REST) or 30 s (HTTP), written explicitly into the template.
        50 ms to 29 s (REST) / 30 s (HTTP), whole milliseconds; above 29 s on REST only with
        ``integration_timeout_quota``. A token must be ``Duration.millis(token)`` (the
        template takes milliseconds). At or below the default function timeout (10 s) is an
        error that names ``integration_timeout``.
    :param integration_timeout_quota: the "Maximum integration timeout" your account was
        granted by a quota increase, Regional and private REST APIs only. Default none
        (29 s). The explicit switch that allows ``integration_timeout`` above 29 s.
    :param endpoint_type: REST endpoint type. Default ``REGIONAL``: no hidden CloudFront
        hop for same-Region callers, and (like ``PRIVATE``) eligible for a raised
        integration timeout; ``EDGE`` is not. ``PRIVATE`` also needs a resource policy
        (``api_props={"policy": ...}``): without one it is an error, since API Gateway
        refuses to deploy a private API without a resource policy. Error with ``api="http"``.
    :param throttling_rate_limit: stage steady-state rate, requests/s. Default 50: far
        below the account's shared 10,000/s, so one API cannot starve the Region's others,
        and 50/s x the default 10 s timeout = 500 executions, half the default account
        concurrency. Must be > 0; a warning above the account limit.
    :param throttling_burst_limit: stage burst (token bucket size). Default 100 (2 s of the
        default rate). Must be >= 1; a warning above the account's 5,000.
    :param provisioned_concurrency: pre-initialized environments, on an alias ``live``
        that the API invokes. Default none (no alias; the API invokes ``$LATEST``). >= 1,
        and <= ``reserved_concurrent_executions`` when both are set.
    :param authorization: an :class:`Authorization`. Default ``Authorization.iam()``. An
        open endpoint needs ``Authorization.none(reason=...)``; the reason becomes the
        cdk-nag acknowledgment (AwsSolutions-APIG4/COG4) on the routes it opens (for a
        function URL, see below).
    :param cors: CORS preflight, ``apigw.CorsOptions`` (REST),
        ``apigwv2.CorsPreflightOptions`` (HTTP) or ``lambda_.FunctionUrlCorsOptions`` (URL).
        Default none (no CORS).
    :param stage_name: Default ``"prod"`` (REST, aws-cdk-lib's default) or ``"$default"``
        (HTTP, served at the root of the endpoint).
    :param api_name: Default the construct's id (aws-cdk-lib's default).
    :param access_log_retention: retention of the access log group. Default 30 days.
    :param cloud_watch_role: REST only: create the account-level role API Gateway needs to
        write access logs (``AWS::ApiGateway::Account``). Default False: that setting is
        one per account and Region, shared by every REST API, so it belongs to account
        setup; without it, a REST stage with access logging fails to deploy. HTTP APIs do
        not need it.
    :param api_props: escape hatch, extra ``apigw.LambdaRestApi`` / ``apigwv2.HttpApi``
        keyword arguments (``policy``, ``domain_name``...). The props this construct sets
        are an error there, and so is a key the chosen API kind's class does not take
        (``deploy_options`` with ``api="http"``); a value aws-cdk-lib refuses is an error
        naming ``api_props``.
    :param response_transfer_mode: REST only: ``apigw.ResponseTransferMode.STREAM`` streams the
        Lambda proxy integration's response (``.../response-streaming-invocations``), so the
        integration may wait up to 15 minutes and responses may exceed 10 MB; the default
        ``integration_timeout`` becomes 15 minutes (the maximum, as for buffered APIs), the idle
        timeout is 5 minutes (Regional/private) or 30 s (edge), and caching, content encoding
        and VTL response templates do not apply. Default none (BUFFERED). An error with
        ``api="http"`` / ``"url"``; a warning on a runtime that does not stream natively (Lambda
        streams on Node.js; Python needs the Lambda Web Adapter or a custom runtime).
        Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html

    Function URL (``api="url"``): a Lambda function URL (``lambda_.FunctionUrl``) on the
    function, or on the alias ``live`` with ``provisioned_concurrency`` / ``snap_start``.
    What changes against an API: no integration timeout - a caller waits up to the function
    ``timeout`` (at most 15 minutes), so no 29 s budget and no cold-start-headroom warning;
    no stage, so no throttling (``reserved_concurrent_executions`` is the only cap, and a
    warning says so when it is unset), no access logs (the function's log group remains) and
    no request validation (the handler validates); payloads up to 6 MB buffered, responses up
    to 200 MB streamed (Sources: https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html,
    https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html). The API-only
    props (``integration_timeout``, ``integration_timeout_quota``, ``endpoint_type``,
    ``throttling_rate_limit`` / ``throttling_burst_limit`` other than their defaults,
    ``stage_name``, ``api_name``, ``access_log_retention``, ``cloud_watch_role``,
    ``api_props``, ``response_transfer_mode``) are errors.

    :param invoke_mode: ``lambda_.InvokeMode.BUFFERED`` (default: ``Invoke``, 6 MB payloads,
        what every runtime answers) or ``RESPONSE_STREAM`` (``InvokeWithResponseStream``,
        responses up to 200 MB, first byte sooner; a warning on a runtime that does not stream
        natively). An error with ``api="rest"`` / ``"http"``.

    For a URL, ``authorization`` is ``Authorization.iam()`` (default: ``AuthType AWS_IAM``;
    grant callers with ``grant_invoke_url``) or ``Authorization.none(reason=...)`` (``AuthType
    NONE``, anyone may call it); Cognito and JWT are errors (a function URL has no
    authorizers). ``cors`` is a ``lambda_.FunctionUrlCorsOptions`` (default none: no CORS
    headers). The ``ServerErrorRate`` alarm reads ``Url5xxCount`` / ``UrlRequestCount``, and
    ``integration_latency_alarm_threshold`` sets the ``RequestLatency`` alarm on
    ``UrlRequestLatency`` (Maximum, 3 of 5 minutes; default 80 % of the function timeout, and
    below it).

    Alarms (see the construct's page in docs/):

    :param alarms: create the alarms below. Default True. False creates none (and then no
        alarm prop may be set).
    :param alarm_topic: an SNS topic for every alarm's ALARM and OK actions. Default none.
    :param dashboard: a CloudWatch dashboard of this construct (``dashboard``): what each
        failure path means (a caller gets the error; nothing is queued), then one graph per
        alarm with its threshold drawn on it, and the latency graph against the integration
        timeout (the function timeout for a URL). Default on with the alarms (it draws them).
        False makes none; True with ``alarms=False`` is an error. An
        ``InvocationModelDashboard`` that shows this construct takes its row over (and this
        dashboard is not made).
    :param server_error_rate_alarm_threshold: fraction of requests answered 5XX (5XXError for
        REST, 5xx for HTTP APIs, over Count) above which ``ServerErrorRate`` fires, 3 minutes
        in a row. Default 0.05 (CloudWatch's recommended 5 %). Strictly between 0 and 1.
    :param integration_latency_alarm_threshold: p99 IntegrationLatency above which
        ``IntegrationLatency`` fires (3 of 5 minutes). Default derived: 80 % of the function
        timeout (which is below the integration timeout): 1 % of callers wait close to a
        timeout. Positive and below ``integration_timeout`` (API Gateway cuts the request
        there, so the latency never gets higher and the alarm could never fire). A token
        threshold must be ``Duration.millis(token)`` (IntegrationLatency is in milliseconds).
    :param throttles_alarm_threshold: function ``Throttles`` per minute that raise
        ``Throttles``. Default 1 (each is an error answer to a caller). At least 1.

    Attributes: ``function``, ``alias`` (``None`` without provisioned concurrency or
    SnapStart), ``api`` (``apigw.LambdaRestApi`` or ``apigwv2.HttpApi``; ``None`` for a URL),
    ``stage`` (``None`` for a URL), ``url`` (the stage URL, or the function URL),
    ``function_url`` (``lambda_.FunctionUrl``, ``None`` for the APIs), ``access_log_group``
    (``None`` for a URL), ``integration_timeout`` (``None`` for a URL), ``api_type``,
    ``invoke_mode`` (URL only), ``response_transfer_mode``, ``snap_start``,
    ``authorization``, ``authorizer`` (``None`` for IAM and open), ``alarms`` (an ``Alarms``
    dict: ``ServerErrorRate``, ``IntegrationLatency`` (``RequestLatency`` for a URL),
    ``Throttles``; empty with ``alarms=False``), ``dashboard`` (the ``cloudwatch.Dashboard``
    showing it, ``None`` without).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: lambda_.Code,
        handler: str,
        timeout: Duration | None = None,
        runtime: lambda_.Runtime | None = None,
        architecture: lambda_.Architecture | None = None,
        memory_size: int | None = None,
        environment: Mapping[str, str] | None = None,
        reserved_concurrent_executions: int | None = None,
        api: str = api_rules.REST,
        integration_timeout: Duration | None = None,
        integration_timeout_quota: Duration | None = None,
        endpoint_type: apigw.EndpointType | None = None,
        throttling_rate_limit: float = limits.DEFAULT_API_THROTTLING_RATE_LIMIT,
        throttling_burst_limit: int = limits.DEFAULT_API_THROTTLING_BURST_LIMIT,
        provisioned_concurrency: int | None = None,
        authorization: Authorization | None = None,
        cors: apigw.CorsOptions | apigwv2.CorsPreflightOptions | None = None,
        stage_name: str | None = None,
        api_name: str | None = None,
        access_log_retention: logs.RetentionDays | None = None,
        cloud_watch_role: bool | None = None,
        alarms: bool = True,
        alarm_topic: sns.ITopic | None = None,
        dashboard: bool | None = None,
        server_error_rate_alarm_threshold: float | None = None,
        integration_latency_alarm_threshold: Duration | None = None,
        throttles_alarm_threshold: int | None = None,
        layers: Sequence[lambda_.ILayerVersion] | None = None,
        description: str | None = None,
        log_retention: logs.RetentionDays | None = None,
        function_props: Mapping[str, Any] | None = None,
        api_props: Mapping[str, Any] | None = None,
        invoke_mode: lambda_.InvokeMode | None = None,
        response_transfer_mode: apigw.ResponseTransferMode | None = None,
        snap_start: bool = False,
        recursive_loop: lambda_.RecursiveLoop | None = None,
        recursive_loop_reason: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        plain = check_props(self, sync_api_specs(), locals(), source=limits.SRC_LAMBDA_SYNC)
        timeout_is_default = timeout is None
        if timeout is None:
            timeout, plain["timeout"] = DEFAULT_TIMEOUT, float(limits.DEFAULT_SYNC_API_TIMEOUT_S)
        authorization = authorization or Authorization.iam()
        raise_first(self, *function_rule_violations(plain, self))
        validate_authorization(self, authorization)
        validate_recursive_loop(self, recursive_loop, recursive_loop_reason, function_props)
        self._validate_snap_start(snap_start, runtime, provisioned_concurrency, function_props)
        self.snap_start: bool = snap_start
        self.response_transfer_mode: apigw.ResponseTransferMode | None = response_transfer_mode
        if snap_start:
            function_props = {**(function_props or {}), "snap_start": lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS}
        #: What create_function gets, whatever the front door.
        function_kwargs: dict[str, Any] = {
            "code": code, "handler": handler, "timeout": timeout, "runtime": runtime,
            "architecture": architecture, "memory_size": memory_size, "environment": environment,
            "reserved_concurrent_executions": reserved_concurrent_executions, "layers": layers,
            "description": description, "log_retention": log_retention,
            "function_props": function_props, "recursive_loop": recursive_loop,
        }

        # The front door: its own checks and warnings, then (after the function) its resources.
        door = FRONT_DOORS[api](self, Props.collect(locals(), plain=plain, timeout_is_default=timeout_is_default))
        door.validate()
        self.api_type: str = api
        self.authorization: Authorization = authorization
        self.integration_timeout: Duration | None = door.integration_timeout
        self.invoke_mode: lambda_.InvokeMode | None = door.invoke_mode
        target = self._function_and_target(provisioned_concurrency, invoked_by=door.invoked_by, **function_kwargs)
        made = door.build(target, self._acknowledgments)
        self.api: apigw.LambdaRestApi | apigwv2.HttpApi | None = made.api
        self.stage: apigw.Stage | apigwv2.HttpStage | None = made.stage
        self.url: str = made.url
        self.function_url: lambda_.FunctionUrl | None = made.function_url
        self.access_log_group: logs.LogGroup | None = made.access_log_group
        self.authorizer: Any = made.authorizer
        acknowledge_all(self, self._acknowledgments)
        self.alarms: Alarms = Alarms()
        self._alarm_table: AlarmBuilder | None = None
        if alarms:
            self._alarm_table = AlarmBuilder(self, topic=alarm_topic)
            self._alarm_table.failure_paths = tuple(door.failure_paths())
            self.alarms = self._create_alarms(
                self._alarm_table,
                door,
                server_error_rate_alarm_threshold
                if server_error_rate_alarm_threshold is not None
                else limits.DEFAULT_SERVER_ERROR_RATE_ALARM_THRESHOLD,
                throttles_alarm_threshold
                if throttles_alarm_threshold is not None
                else limits.DEFAULT_THROTTLES_ALARM_THRESHOLD,
            )
        self.dashboard: cloudwatch.Dashboard | None = own_dashboard(self, self._alarm_table, dashboard)

    def _create_alarms(self, builder: AlarmBuilder, door: FrontDoor, rate: float, throttles: float) -> Alarms:
        """The door's alarms (ServerErrorRate and its latency alarm), then Throttles, which
        every door has: each throttle is an error answer to a waiting caller."""
        door.add_alarms(builder, self.function, rate)
        builder.function_throttles(self.function, throttles, door.throttled, path="Throttles")
        return builder.alarms

    # ----------------------------------------------------------------------------------
    # Grants
    # ----------------------------------------------------------------------------------
    def grant_invoke_url(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` call the function URL (``api="url"`` with ``Authorization.iam()``):
        ``lambda:InvokeFunctionUrl`` and ``lambda:InvokeFunction`` (via the URL only), which new
        function URLs require both since October 2025. Source: limits.SRC_LAMBDA_URL_AUTH."""
        if self.function_url is None:
            raise_first(
                self,
                Violation(
                    "api",
                    f"grant_invoke_url needs api='url', but this is api={self.api_type!r}; grant "
                    "execute-api:Invoke on the API instead (api.arn_for_execute_api())",
                    limits.SRC_LAMBDA_URL_AUTH,
                ),
            )
        assert self.function_url is not None
        return self.function_url.grant_invoke_url(grantee)

    # ----------------------------------------------------------------------------------
    # The function and what the front door invokes
    # ----------------------------------------------------------------------------------
    def _function_and_target(
        self, provisioned_concurrency: int | None, *, invoked_by: str, **function_props: Any
    ) -> lambda_.IFunction:
        """Create ``self.function`` (``create_function``) and, with provisioned concurrency or
        SnapStart, ``self.alias`` ``live`` on its current version; return what to invoke."""
        self._acknowledgments: dict[str, str] = {}
        self.function = create_function(self, acknowledgments=self._acknowledgments, **function_props)
        self._acknowledgments["Serverless-LambdaDLQ"] = (
            f"SyncApiFunction's function is invoked synchronously by {invoked_by}; Lambda sends only "
            "failed asynchronous events to a dead-letter queue, a failed synchronous request goes "
            "back to the caller, who owns the retry"
        )
        self._acknowledge_snap_start_publish()
        self.alias: lambda_.Alias | None = None
        if provisioned_concurrency is None and not self.snap_start:
            return self.function
        self.alias = lambda_.Alias(
            self,
            "Alias",
            alias_name=ALIAS_NAME,
            version=self.function.current_version,
            provisioned_concurrent_executions=provisioned_concurrency,
        )
        return self.alias

    # ----------------------------------------------------------------------------------
    # SnapStart
    # ----------------------------------------------------------------------------------
    def _validate_snap_start(
        self,
        snap_start: bool,
        runtime: lambda_.Runtime | None,
        provisioned_concurrency: int | None,
        function_props: Mapping[str, Any] | None,
    ) -> None:
        """What AWS refuses together with SnapStart, each with its reason (snapstart.html)."""
        extra = dict(function_props or {})
        if "snap_start" in extra:
            raise_first(
                self,
                Violation(
                    "function_props",
                    "function_props sets snap_start, which this construct sets itself (it also "
                    "publishes a version and points the API at an alias of it); pass snap_start=True",
                    limits.SRC_LAMBDA_SNAPSTART,
                ),
            )
        if not snap_start:
            return
        storage = extra.get("ephemeral_storage_size")
        storage_mb = (
            None
            if storage is None or storage.is_unresolved()
            else float(storage.to_mebibytes())
        )
        raise_first(
            self,
            snapstart_rules.check_snap_start_runtime((runtime or DEFAULT_RUNTIME).name),
            snapstart_rules.check_snap_start_without_provisioned(
                number(provisioned_concurrency) if provisioned_concurrency is not None else None
            ),
            snapstart_rules.check_snap_start_without_efs(extra.get("filesystem") is not None),
            snapstart_rules.check_snap_start_ephemeral_storage(storage_mb),
        )

    def _acknowledge_snap_start_publish(self) -> None:
        """aws-cdk-lib warns that SnapStart needs published versions; this construct publishes
        one (``function.current_version``) and points the front door at an alias of it."""
        if self.snap_start:
            Annotations.of(self.function).acknowledge_warning(
                "@aws-cdk/aws-lambda:snapStartRequirePublish",
                "SyncApiFunction(snap_start=True) publishes function.current_version and invokes "
                "it through the alias 'live', never $LATEST",
            )
