"""SyncApiFunction: a Lambda function behind API Gateway, inside the timeout budget.

The synchronous invocation model: the caller waits for the answer, the caller owns the
retries, and API Gateway cuts the request at its integration timeout (29 s for REST
APIs, 30 s for HTTP APIs) however long the function may still run. So the function
timeout is validated strictly below the integration timeout; the stage is throttled,
access-logged in JSON and (REST) traced; and nothing asynchronous (retries, dead-letter
queues, destinations) is configured, because Lambda never applies it to synchronous
invocations.

``api="url"`` puts a Lambda function URL in front instead: no API Gateway, so no integration
timeout (the caller waits up to the function timeout, at most 15 minutes), no stage throttling
(``reserved_concurrent_executions`` is the only cap) and no request validation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import jsii
from aws_cdk import Annotations, Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import (
    GT,
    PERIOD,
    AlarmBuilder,
    Alarms,
    alarm_settings_given,
    api_metric,
    check_counts,
    fmt_rate_percent,
    fmt_threshold_ms,
    lambda_metric,
    server_error_rate,
)
from constructs_lib._failure import acknowledge_all
from constructs_lib._function import (
    DEFAULT_LOG_RETENTION,
    DEFAULT_RUNTIME,
    create_function,
    escape_hatch_error,
    function_rule_violations,
    validate_recursive_loop,
)
from constructs_lib._validation import (
    Keywords,
    authorization_specs,
    check_props,
    check_value,
    duration_seconds,
    number,
    raise_first,
    register_value_class,
    sync_api_specs,
    warn,
)
from constructs_lib.value_rules import Violation, fmt_seconds
from constructs_lib.value_rules import alarms as alarm_rules
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import function_url as url_rules
from constructs_lib.value_rules import snapstart as snapstart_rules

T = TypeVar("T")

#: The function timeout when none is given: 10 s (see limits.DEFAULT_SYNC_API_TIMEOUT_S).
DEFAULT_TIMEOUT = duration_seconds(limits.DEFAULT_SYNC_API_TIMEOUT_S)
#: The name of the alias the API invokes when provisioned concurrency is set.
ALIAS_NAME = "live"
#: CDK's HttpIntegration accepts at most 29 s although HTTP APIs allow 30 s
#: (limits.SRC_APIGW_V2_INTEGRATION); above it the construct sets TimeoutInMillis directly.
_CDK_HTTP_INTEGRATION_TIMEOUT_CAP_S = 29

#: One JSON object per request. Enough to tell a 504 (integration latency at the timeout),
#: a Lambda error or throttle (integration status / error) and an authorizer rejection
#: apart without execution logs. Sources: the REST and HTTP API access-logging variables.
REST_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "ip": "$context.identity.sourceIp",
    "caller": "$context.identity.caller",
    "user": "$context.identity.user",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "integrationError": "$context.integration.error",
    "errorMessage": "$context.error.message",
    "errorResponseType": "$context.error.responseType",
    "authorizerError": "$context.authorizer.error",
    "xrayTraceId": "$context.xrayTraceId",
}
HTTP_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "integrationError": "$context.integration.error",
    "integrationErrorMessage": "$context.integrationErrorMessage",
    "errorMessage": "$context.error.message",
    "authorizerError": "$context.authorizer.error",
}

#: api_props keys the construct sets itself; passing them would bypass its defaults.
_MANAGED_API_PROPS = {
    "rest": (
        "handler", "proxy", "integration_options", "default_integration", "default_method_options",
        "default_cors_preflight_options", "deploy", "deploy_options", "endpoint_types",
        "endpoint_configuration", "cloud_watch_role", "rest_api_name",
    ),
    "http": (
        "default_integration", "default_authorizer", "default_authorization_scopes",
        "cors_preflight", "create_default_stage", "api_name",
    ),
}
#: cdk-nag's Serverless pack asks for a Lambda DLQ; true of the construct's one function.
ACKNOWLEDGMENTS = {
    "Serverless-LambdaDLQ": (
        "SyncApiFunction's function is invoked synchronously by API Gateway; Lambda sends only "
        "failed asynchronous events to a dead-letter queue, a failed synchronous request goes "
        "back to the caller, who owns the retry"
    ),
}


@register_value_class
class Authorization:
    """Who may call the API: an explicit value, never an implicit open door.

    - ``Authorization.iam()`` (the default): callers sign requests with SigV4 and need
      ``execute-api:Invoke`` on the API (grant it with ``api.arn_for_execute_api()``).
      Right for service-to-service calls.
    - ``Authorization.cognito(user_pool, user_pool_clients=..., scopes=...)``: end users
      present a Cognito user pool token (REST: Cognito authorizer; HTTP: JWT authorizer).
    - ``Authorization.jwt(issuer, audience, scopes=...)``: any OIDC/OAuth 2.0 issuer
      (HTTP APIs only; REST APIs have no JWT authorizer).
    - ``Authorization.none(reason=...)``: an open endpoint, only with a stated reason,
      which is recorded as the cdk-nag acknowledgment of the routes it opens.

    Its parts are checked when a ``SyncApiFunction`` uses it (a wrong type, a JWT
    authorizer without audience, an empty reason), so the error names the construct and
    its ``authorization`` prop.
    """

    IAM = "IAM"
    COGNITO = "COGNITO"
    JWT = "JWT"
    NONE = "NONE"

    def __init__(
        self,
        kind: str,
        *,
        user_pool: cognito.IUserPool | None = None,
        user_pool_clients: Sequence[cognito.IUserPoolClient] | None = None,
        jwt_issuer: str | None = None,
        jwt_audience: Sequence[str] | None = None,
        scopes: Sequence[str] | None = None,
        reason: str | None = None,
    ) -> None:
        self.kind = kind
        # The values as given; SyncApiFunction checks them (and names the construct) when
        # the authorization is used, so a wrong type never fails here without a path.
        self._user_pool = user_pool
        self._user_pool_clients = user_pool_clients
        self._jwt_issuer = jwt_issuer
        self._jwt_audience = jwt_audience
        self._scopes = scopes
        self._reason = reason

    @property
    def user_pool(self) -> cognito.IUserPool | None:
        return self._user_pool

    @property
    def user_pool_clients(self) -> list[cognito.IUserPoolClient] | None:
        return list(self._user_pool_clients) if self._user_pool_clients else None

    @property
    def jwt_issuer(self) -> str | None:
        return self._jwt_issuer

    @property
    def jwt_audience(self) -> list[str] | None:
        return list(self._jwt_audience) if self._jwt_audience else None

    @property
    def scopes(self) -> list[str] | None:
        return list(self._scopes) if self._scopes else None

    @property
    def reason(self) -> str | None:
        return self._reason

    @classmethod
    def iam(cls) -> Authorization:
        """SigV4-signed requests authorized by IAM policies (``execute-api:Invoke``)."""
        return cls(cls.IAM)

    @classmethod
    def cognito(
        cls,
        user_pool: cognito.IUserPool,
        *,
        user_pool_clients: Sequence[cognito.IUserPoolClient] | None = None,
        scopes: Sequence[str] | None = None,
    ) -> Authorization:
        """Tokens of a Cognito user pool (REST: Cognito authorizer; HTTP: JWT authorizer)."""
        return cls(cls.COGNITO, user_pool=user_pool, user_pool_clients=user_pool_clients, scopes=scopes)

    @classmethod
    def jwt(cls, issuer: str, audience: Sequence[str], *, scopes: Sequence[str] | None = None) -> Authorization:
        """A JWT authorizer for any OIDC issuer (HTTP APIs only)."""
        return cls(cls.JWT, jwt_issuer=issuer, jwt_audience=audience, scopes=scopes)

    @classmethod
    def none(cls, *, reason: str) -> Authorization:
        """No authorization: anyone can call the function. ``reason`` is required."""
        return cls(cls.NONE, reason=reason)

    def __repr__(self) -> str:
        return f"Authorization.{str(self.kind).lower()}()"


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
    ``Throttles``; empty with ``alarms=False``).
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
        self._validate_authorization(authorization)
        validate_recursive_loop(self, recursive_loop, recursive_loop_reason, function_props)
        self._validate_snap_start(snap_start, runtime, provisioned_concurrency, function_props)
        self.snap_start: bool = snap_start
        self.invoke_mode: lambda_.InvokeMode | None = None
        self.response_transfer_mode: apigw.ResponseTransferMode | None = response_transfer_mode
        self.function_url: lambda_.FunctionUrl | None = None
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
        if api == url_rules.URL:
            self._build_function_url(
                function_kwargs,
                plain,
                provisioned_concurrency=provisioned_concurrency,
                authorization=authorization, cors=cors, invoke_mode=invoke_mode, alarms=alarms,
                alarm_topic=alarm_topic, server_error_rate_alarm_threshold=server_error_rate_alarm_threshold,
                latency_alarm_threshold=integration_latency_alarm_threshold,
                throttles_alarm_threshold=throttles_alarm_threshold,
                api_only={
                    "integration_timeout": integration_timeout,
                    "integration_timeout_quota": integration_timeout_quota,
                    "endpoint_type": endpoint_type,
                    "throttling_rate_limit": None
                    if throttling_rate_limit == limits.DEFAULT_API_THROTTLING_RATE_LIMIT
                    else throttling_rate_limit,
                    "throttling_burst_limit": None
                    if throttling_burst_limit == limits.DEFAULT_API_THROTTLING_BURST_LIMIT
                    else throttling_burst_limit,
                    "stage_name": stage_name,
                    "api_name": api_name,
                    "access_log_retention": access_log_retention,
                    "cloud_watch_role": cloud_watch_role,
                    "api_props": api_props,
                    "response_transfer_mode": response_transfer_mode,
                },
            )
            return
        raise_first(self, api_rules.check_api_type(api))
        streaming = response_transfer_mode is not None and response_transfer_mode == apigw.ResponseTransferMode.STREAM
        raise_first(
            self,
            url_rules.check_url_only_props(["invoke_mode"] if invoke_mode is not None else [], api=api),
            url_rules.check_streaming_api(streaming, api=api),
            Violation(
                "integration_timeout_quota",
                "integration_timeout_quota is not needed with response_transfer_mode STREAM: a "
                f"streamed integration may wait up to {limits.APIGW_REST_STREAMING_MAX_INTEGRATION_TIMEOUT_S} s "
                "without a quota increase. Leave it unset",
                limits.SRC_APIGW_STREAMING,
            )
            if streaming and integration_timeout_quota is not None
            else None,
        )
        self._validate_escape_hatches(api, function_props, api_props)
        self._validate_api_specific(api, endpoint_type, cloud_watch_role, cors, authorization)
        is_edge = endpoint_type is not None and endpoint_type == apigw.EndpointType.EDGE
        is_private = endpoint_type is not None and endpoint_type == apigw.EndpointType.PRIVATE
        raise_first(
            self,
            api_rules.check_private_api_policy(is_private, (api_props or {}).get("policy") is not None),
        )
        quota_s = plain["integration_timeout_quota"]
        raise_first(self, api_rules.check_integration_timeout_quota(quota_s, api=api, edge=is_edge))
        integration_s: float | None = plain["integration_timeout"]
        if integration_timeout is None:
            default_s = (
                float(limits.APIGW_REST_STREAMING_MAX_INTEGRATION_TIMEOUT_S)
                if streaming
                else api_rules.max_integration_timeout_s(api, quota_s)
            )
            integration_s = default_s
            integration_timeout = (
                duration_seconds(int(default_s)) if default_s.is_integer() else Duration.millis(math.ceil(default_s * 1000))
            )
        timeout_s = plain["timeout"]
        rate = plain["throttling_rate_limit"]
        burst = plain["throttling_burst_limit"]
        reserved = plain["reserved_concurrent_executions"]
        raise_first(
            self,
            url_rules.check_streaming_integration_timeout(integration_s)
            if streaming
            else api_rules.check_integration_timeout(integration_s, api=api, quota_s=quota_s),
            api_rules.check_timeout_below_integration_timeout(
                timeout_s, integration_s, timeout_is_default=timeout_is_default
            ),
            self._required("throttling_rate_limit", throttling_rate_limit),
            self._required("throttling_burst_limit", throttling_burst_limit),
            api_rules.check_throttling_rate_limit(rate),
            api_rules.check_throttling_burst_limit(burst),
            api_rules.check_provisioned_concurrency(plain["provisioned_concurrency"], reserved),
            *self._alarm_prop_violations(
                plain, alarms, alarm_topic, metric="5XXError" if api == api_rules.REST else "5xx",
                server_error_rate_alarm_threshold=server_error_rate_alarm_threshold,
                integration_latency_alarm_threshold=integration_latency_alarm_threshold,
                throttles_alarm_threshold=throttles_alarm_threshold,
            ),
        )
        self._api_kind = api
        self._integration_s = integration_s
        latency_ms = (
            self._latency_threshold_ms(
                integration_latency_alarm_threshold, plain["integration_latency_alarm_threshold"], timeout_s, integration_s
            )
            if alarms
            else None
        )
        warn(self, "cold-start-headroom", api_rules.low_cold_start_headroom(timeout_s, integration_s))
        if streaming:
            warn(self, "response-streaming-runtime", url_rules.streaming_runtime((runtime or DEFAULT_RUNTIME).name))
        warn(self, "throttling-above-account", api_rules.throttling_above_account(rate, burst))
        warn(
            self,
            "throttling-exceeds-reserved-concurrency",
            api_rules.throttling_exceeds_reserved(rate, burst, timeout_s, reserved),
        )

        self.api_type: str = api
        self.authorization: Authorization = authorization
        self.integration_timeout: Duration | None = integration_timeout
        target = self._function_and_target(provisioned_concurrency, invoked_by="API Gateway", **function_kwargs)

        self.access_log_group: logs.LogGroup | None = logs.LogGroup(
            self,
            "AccessLogs",
            retention=access_log_retention or DEFAULT_LOG_RETENTION,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.authorizer: Any = None
        api_name = api_name or id
        if api == api_rules.REST:
            self._stage_name = stage_name or "prod"  # aws-cdk-lib's default REST stage
            self._create_rest_api(
                target, endpoint_type, throttling_rate_limit, throttling_burst_limit,
                cast("apigw.CorsOptions | None", cors), stage_name, api_name, cloud_watch_role, api_props,
            )
        else:
            self._stage_name = stage_name or "$default"
            self._create_http_api(
                target, throttling_rate_limit, throttling_burst_limit,
                cast("apigwv2.CorsPreflightOptions | None", cors), stage_name, api_name, api_props,
            )
        self._api_name = api_name
        acknowledge_all(self, self._acknowledgments)
        self.alarms: Alarms = Alarms()
        if alarms:
            self.alarms = self._create_alarms(
                alarm_topic,
                server_error_rate_alarm_threshold
                if server_error_rate_alarm_threshold is not None
                else limits.DEFAULT_SERVER_ERROR_RATE_ALARM_THRESHOLD,
                latency_ms,
                throttles_alarm_threshold
                if throttles_alarm_threshold is not None
                else limits.DEFAULT_THROTTLES_ALARM_THRESHOLD,
            )

    # ----------------------------------------------------------------------------------
    # Alarms
    # ----------------------------------------------------------------------------------
    def _latency_threshold_ms(
        self, given: Duration | None, given_s: float | None, timeout_s: float | None, integration_s: float | None
    ) -> float | None:
        """The IntegrationLatency threshold in milliseconds (the metric's unit): the given
        one (a ``Duration.millis(token)`` passes through), or 80 % of the request's budget
        (the smaller of the function and integration timeouts); validated below the
        integration timeout."""
        if given is not None and given_s is None:
            return float(given.to_milliseconds())  # a token in milliseconds (checked by the type layer)
        threshold_s = given_s
        derived_from = None
        if given is None:
            known = [v for v in (timeout_s, integration_s) if v is not None]
            if not known:
                return None
            budget = min(known)
            threshold_s = budget * limits.DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION
            derived_from = (
                f"derived as {limits.DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION} x timeout {fmt_seconds(budget)}"
            )
        raise_first(
            self,
            alarm_rules.check_age_threshold(
                threshold_s,
                integration_s,
                prop="integration_latency_alarm_threshold",
                limit_prop="integration_timeout",
                what="API Gateway stops waiting at integration_timeout and answers 504",
                source=limits.SRC_APIGW_REST_METRICS
                if self._api_kind == api_rules.REST
                else limits.SRC_APIGW_HTTP_METRICS,
                derived_from=derived_from,
            ),
        )
        return threshold_s * 1000 if threshold_s is not None else None

    def _create_alarms(
        self, topic: sns.ITopic | None, rate: float, latency_ms: float | None, throttles: float
    ) -> Alarms:
        builder = AlarmBuilder(self, topic=topic)
        rest = self.api_type == api_rules.REST
        assert self.stage is not None
        # The names this construct gave the API and stage (no jsii round trip to read them back).
        if rest:
            dimensions = {"ApiName": self._api_name, "Stage": self._stage_name}
            errors_name = "5XXError"
        else:
            assert isinstance(self.api, apigwv2.HttpApi)
            dimensions = {"ApiId": self.api.api_id, "Stage": self._stage_name}
            errors_name = "5xx"
        builder.add(
            "ServerErrorRate",
            server_error_rate(rest=rest, dimensions=dimensions),
            threshold=rate,
            comparison=GT,
            evaluation_periods=3,
            datapoints_to_alarm=3,
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
                description=(
                    f"p99 integration latency above {fmt_threshold_ms(latency_ms)} in 3 of 5 minutes "
                    "(AWS/ApiGateway IntegrationLatency, p99): 1 % of callers wait close to the "
                    "function timeout, after which they get an error (or a 504 at the integration "
                    "timeout). Look at the function's Duration and X-Ray traces for the slow call; "
                    "cold starts show as Init duration (provisioned_concurrency helps)."
                ),
            )
        builder.function_throttles(
            self.function,
            throttles,
            "Throttled requests are answered with an error (429/5XX) and the caller must retry.",
        )
        return builder.alarms

    # ----------------------------------------------------------------------------------
    # Validation
    # ----------------------------------------------------------------------------------
    @staticmethod
    def _alarm_prop_violations(
        plain: Mapping[str, Any],
        alarms: bool,
        alarm_topic: sns.ITopic | None,
        *,
        metric: str,
        **thresholds: Any,
    ) -> list[Violation | None]:
        """The alarm props' rules, the same for every front door: none set with
        ``alarms=False``, the 5XX rate strictly between 0 and 1 (``metric`` names it), and
        at least 1 throttle."""
        return [
            alarm_settings_given(alarms, alarm_topic=alarm_topic, **thresholds),
            alarm_rules.check_rate_threshold(
                plain["server_error_rate_alarm_threshold"], prop="server_error_rate_alarm_threshold", metric=metric
            ),
            *check_counts(throttles_alarm_threshold=(plain["throttles_alarm_threshold"], "Throttles")),
        ]

    @staticmethod
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

    def _validate_escape_hatches(
        self, api: str, function_props: Mapping[str, Any] | None, api_props: Mapping[str, Any] | None
    ) -> None:
        """function_props: no asynchronous-only settings (the type layer already refused the
        keys this construct sets). api_props: only keyword arguments of the chosen API kind's
        aws-cdk-lib class, and none this construct sets."""
        raise_first(self, api_rules.check_no_async_settings(list(function_props or {})))
        if api_props is not None:
            target = apigw.LambdaRestApi if api == api_rules.REST else apigwv2.HttpApi
            check_value(
                self,
                "api_props",
                Keywords(
                    target=target,
                    owned=_MANAGED_API_PROPS[api],
                    construct="SyncApiFunction",
                    source=limits.SRC_APIGW_QUOTAS,
                ),
                api_props,
            )

    def _validate_authorization(self, authorization: Authorization) -> None:
        """The parts of an Authorization, reported as ``authorization`` (the prop the user set)."""
        kinds = (Authorization.IAM, Authorization.COGNITO, Authorization.JWT, Authorization.NONE)
        if authorization.kind not in kinds:
            raise_first(
                self,
                Violation(
                    "authorization",
                    f"authorization kind {authorization.kind!r} is not one of {kinds}; use "
                    "Authorization.iam(), .cognito(...), .jwt(...) or .none(reason=...)",
                    limits.SRC_APIGW_ACCESS_CONTROL,
                ),
            )
        parts = {name: getattr(authorization, f"_{name}") for name in authorization_specs()}
        check_props(
            self,
            authorization_specs(),
            parts,
            source=limits.SRC_APIGW_ACCESS_CONTROL,
            label=f"authorization {authorization!r}:",
            as_prop="authorization",
        )
        if authorization.kind == Authorization.COGNITO and authorization.user_pool is None:
            raise_first(
                self,
                Violation(
                    "authorization",
                    "authorization Authorization.cognito() has no user pool; pass the cognito.IUserPool "
                    "whose tokens callers present",
                    limits.SRC_APIGW_ACCESS_CONTROL,
                ),
            )
        if authorization.kind == Authorization.JWT and not authorization.jwt_issuer:
            raise_first(
                self,
                Violation(
                    "authorization",
                    "authorization Authorization.jwt() has no issuer; pass the issuer URL of your "
                    "OIDC / OAuth 2.0 provider",
                    limits.SRC_APIGW_ACCESS_CONTROL,
                ),
            )

    def _validate_api_specific(
        self,
        api: str,
        endpoint_type: apigw.EndpointType | None,
        cloud_watch_role: bool | None,
        cors: Any,
        authorization: Authorization,
    ) -> None:
        if api == api_rules.HTTP:
            for prop, value in (("endpoint_type", endpoint_type), ("cloud_watch_role", cloud_watch_role)):
                if value is not None:
                    raise_first(
                        self,
                        Violation(
                            prop,
                            f"{prop} {value} applies to REST APIs only; HTTP APIs are always "
                            "Regional and write access logs without the account-level role. "
                            "Leave it unset, or use api='rest'",
                            limits.SRC_APIGW_HTTP_LOGGING,
                        ),
                    )
        expected = apigw.CorsOptions if api == api_rules.REST else apigwv2.CorsPreflightOptions
        if cors is not None and not isinstance(cors, expected):
            raise_first(
                self,
                Violation(
                    "cors",
                    f"cors {type(cors).__name__} does not match api={api!r}; pass "
                    f"{expected.__module__.split('.')[-1]}.{expected.__name__}(...)",
                    limits.SRC_APIGW_ACCESS_CONTROL,
                ),
            )
        if authorization.kind == Authorization.NONE:
            raise_first(self, api_rules.check_open_reason(authorization.reason))
        if authorization.kind == Authorization.JWT and not authorization.jwt_audience:
            raise_first(
                self,
                Violation(
                    "authorization",
                    "authorization Authorization.jwt() has no audience; API Gateway's JWT "
                    "authorizer requires at least one audience (the token's aud or client_id)",
                    limits.SRC_APIGW_ACCESS_CONTROL,
                ),
            )
        if authorization.kind == Authorization.JWT and api == api_rules.REST:
            raise_first(
                self,
                Violation(
                    "authorization",
                    "authorization Authorization.jwt() is not available on REST APIs (they have "
                    "Cognito and Lambda authorizers only); use api='http', or "
                    "Authorization.cognito(user_pool)",
                    limits.SRC_APIGW_ACCESS_CONTROL,
                ),
            )

    # ----------------------------------------------------------------------------------
    # REST API
    # ----------------------------------------------------------------------------------
    def _create_rest_api(
        self,
        target: lambda_.IFunction,
        endpoint_type: apigw.EndpointType | None,
        rate: float,
        burst: int,
        cors: apigw.CorsOptions | None,
        stage_name: str | None,
        api_name: str | None,
        cloud_watch_role: bool | None,
        api_props: Mapping[str, Any] | None,
    ) -> None:
        auth = self.authorization
        access_log_group = self.access_log_group
        assert access_log_group is not None
        method_options: dict[str, Any] = {}
        if auth.kind == Authorization.IAM:
            method_options["authorization_type"] = apigw.AuthorizationType.IAM
        elif auth.kind == Authorization.COGNITO:
            assert auth.user_pool is not None
            self.authorizer = apigw.CognitoUserPoolsAuthorizer(
                self, "Authorizer", cognito_user_pools=[auth.user_pool]
            )
            method_options.update(
                authorization_type=apigw.AuthorizationType.COGNITO,
                authorizer=self.authorizer,
                authorization_scopes=auth.scopes,
            )
        else:
            method_options["authorization_type"] = apigw.AuthorizationType.NONE
        api = self._with_api_props(api_props, "apigw.LambdaRestApi", lambda extra: apigw.LambdaRestApi(
            self,
            "Api",
            handler=target,
            proxy=True,
            rest_api_name=api_name,
            integration_options=apigw.LambdaIntegrationOptions(
                timeout=self.integration_timeout,
                allow_test_invoke=False,
                response_transfer_mode=self.response_transfer_mode,
            ),
            default_method_options=apigw.MethodOptions(**method_options),
            default_cors_preflight_options=cors,
            endpoint_types=[endpoint_type or apigw.EndpointType.REGIONAL],
            cloud_watch_role=bool(cloud_watch_role),
            deploy_options=apigw.StageOptions(
                stage_name=stage_name,
                throttling_rate_limit=rate,
                throttling_burst_limit=burst,
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(access_log_group),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(REST_ACCESS_LOG_FIELDS)),
            ),
            **extra,
        ))
        self.api: apigw.LambdaRestApi | apigwv2.HttpApi | None = api
        self.stage: apigw.Stage | apigwv2.HttpStage | None = api.deployment_stage
        self.url: str = api.url
        self._acknowledgments["AwsSolutions-APIG6"] = (
            "SyncApiFunction's REST stage: structured JSON access logging (finite retention) is on; "
            "execution logging is off because API Gateway writes it to a log group it creates "
            "itself, which never expires and may hold request data"
        )
        if auth.kind == Authorization.IAM:
            # The API's default method authorization is IAM: true of every method that keeps
            # the default (CORS preflight methods are exempt in cdk-nag; a method added with
            # other authorization is still reported by AwsSolutions-APIG4).
            self._acknowledgments["AwsSolutions-COG4"] = (
                "SyncApiFunction Authorization.iam(): the API's methods require IAM authorization; "
                "callers sign requests with SigV4 and need execute-api:Invoke, so IAM, not a Cognito "
                "user pool, authorizes them"
            )
        elif auth.kind == Authorization.NONE:
            self._acknowledge_open(rest=True)

    # ----------------------------------------------------------------------------------
    # HTTP API
    # ----------------------------------------------------------------------------------
    def _create_http_api(
        self,
        target: lambda_.IFunction,
        rate: float,
        burst: int,
        cors: apigwv2.CorsPreflightOptions | None,
        stage_name: str | None,
        api_name: str | None,
        api_props: Mapping[str, Any] | None,
    ) -> None:
        auth = self.authorization
        access_log_group = self.access_log_group
        assert access_log_group is not None
        integration_s = self._integration_s
        above_cdk_cap = integration_s is not None and integration_s > _CDK_HTTP_INTEGRATION_TIMEOUT_CAP_S
        integration = integrations.HttpLambdaIntegration(
            "Integration",
            target,
            timeout=None if above_cdk_cap else self.integration_timeout,
        )
        authorizer: apigwv2.IHttpRouteAuthorizer
        if auth.kind == Authorization.IAM:
            authorizer = authorizers.HttpIamAuthorizer()
        elif auth.kind == Authorization.COGNITO:
            assert auth.user_pool is not None
            authorizer = authorizers.HttpUserPoolAuthorizer(
                "Authorizer", auth.user_pool, user_pool_clients=auth.user_pool_clients
            )
            self.authorizer = authorizer
        elif auth.kind == Authorization.JWT:
            assert auth.jwt_issuer is not None and auth.jwt_audience is not None
            authorizer = authorizers.HttpJwtAuthorizer(
                "Authorizer", auth.jwt_issuer, jwt_audience=auth.jwt_audience
            )
            self.authorizer = authorizer
        else:
            authorizer = apigwv2.HttpNoneAuthorizer()
        api = self._with_api_props(api_props, "apigwv2.HttpApi", lambda extra: apigwv2.HttpApi(
            self,
            "Api",
            api_name=api_name,
            create_default_stage=False,
            default_integration=integration,
            default_authorizer=authorizer,
            default_authorization_scopes=auth.scopes,
            cors_preflight=cors,
            **extra,
        ))
        if above_cdk_cap:
            # aws-cdk-lib's HttpIntegration stops at 29 s; HTTP APIs accept 30 s.
            for cfn in api.node.find_all():
                if isinstance(cfn, apigwv2.CfnIntegration):
                    cfn.add_property_override("TimeoutInMillis", int(integration_s * 1000))  # type: ignore[operator]
        stage = apigwv2.HttpStage(
            self,
            "Stage",
            http_api=api,
            stage_name=stage_name or "$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=rate, burst_limit=burst),
            access_log_settings=_AccessLogSettings(
                apigwv2.LogGroupLogDestination(access_log_group),
                apigw.AccessLogFormat.custom(json.dumps(HTTP_ACCESS_LOG_FIELDS)),
            ),
        )
        self.api = api
        self.stage = stage
        self.url = stage.url
        if auth.kind == Authorization.NONE:
            self._acknowledge_open(rest=False)

    def _with_api_props(self, api_props: Mapping[str, Any] | None, target: str, make: Callable[[dict[str, Any]], T]) -> T:
        """Make the API with the escape hatch's arguments; a value aws-cdk-lib refuses (a
        wrong type, a combination it rejects) is an error naming ``api_props``."""
        extra = dict(api_props or {})
        try:
            return make(extra)
        except (TypeError, RuntimeError) as exc:
            if not extra:
                raise
            raise escape_hatch_error(self, "api_props", target, exc) from exc

    def _acknowledge_open(self, *, rest: bool) -> None:
        """The API's default authorization is none, by the user's stated decision: recorded
        with the construct's other acknowledgments, with the user's reason."""
        reason = f"SyncApiFunction Authorization.none(), chosen explicitly: {self.authorization.reason}"
        self._acknowledgments["AwsSolutions-APIG4"] = reason
        if rest:
            self._acknowledgments["AwsSolutions-COG4"] = reason

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

    # ----------------------------------------------------------------------------------
    # Lambda function URL (api="url")
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

    def _build_function_url(
        self,
        function_kwargs: Mapping[str, Any],
        plain: Mapping[str, Any],
        *,
        provisioned_concurrency: int | None,
        authorization: Authorization,
        cors: Any,
        invoke_mode: lambda_.InvokeMode | None,
        alarms: bool,
        alarm_topic: sns.ITopic | None,
        server_error_rate_alarm_threshold: float | None,
        latency_alarm_threshold: Duration | None,
        throttles_alarm_threshold: int | None,
        api_only: Mapping[str, Any],
    ) -> None:
        """The whole construct for ``api="url"``: a Lambda function URL as the front door."""
        reserved_concurrent_executions = function_kwargs["reserved_concurrent_executions"]
        runtime: lambda_.Runtime | None = function_kwargs["runtime"]
        reserved = plain["reserved_concurrent_executions"]
        timeout_s = plain["timeout"]
        raise_first(
            self,
            url_rules.check_api_only_props([name for name, value in api_only.items() if value is not None]),
            url_rules.check_url_authorization(authorization.kind),
            api_rules.check_open_reason(authorization.reason) if authorization.kind == Authorization.NONE else None,
            Violation(
                "cors",
                f"cors {type(cors).__name__} does not match api='url'; pass lambda_.FunctionUrlCorsOptions(...)",
                limits.SRC_LAMBDA_URLS,
            )
            if cors is not None and not isinstance(cors, lambda_.FunctionUrlCorsOptions)
            else None,
            api_rules.check_provisioned_concurrency(plain["provisioned_concurrency"], reserved),
            *self._alarm_prop_violations(
                plain, alarms, alarm_topic, metric="Url5xxCount",
                server_error_rate_alarm_threshold=server_error_rate_alarm_threshold,
                integration_latency_alarm_threshold=latency_alarm_threshold,
                throttles_alarm_threshold=throttles_alarm_threshold,
            ),
        )
        self._validate_escape_hatches(url_rules.URL, function_kwargs["function_props"], None)
        latency_ms = (
            self._url_latency_threshold_ms(latency_alarm_threshold, plain["integration_latency_alarm_threshold"], timeout_s)
            if alarms
            else None
        )
        streaming = invoke_mode is not None and invoke_mode == lambda_.InvokeMode.RESPONSE_STREAM
        warn(
            self,
            "function-url-unthrottled",
            url_rules.unthrottled_url(reserved_concurrent_executions, open_url=authorization.kind == Authorization.NONE)
            if reserved_concurrent_executions is None
            else None,
        )
        if streaming:
            warn(self, "response-streaming-runtime", url_rules.streaming_runtime((runtime or DEFAULT_RUNTIME).name))

        self.api_type = url_rules.URL
        self.authorization = authorization
        self.integration_timeout = None
        self.api = None
        self.stage = None
        self.access_log_group = None
        self.authorizer = None
        self.invoke_mode = invoke_mode or lambda_.InvokeMode.BUFFERED
        target = self._function_and_target(provisioned_concurrency, invoked_by="its function URL", **function_kwargs)
        self.function_url = lambda_.FunctionUrl(
            self,
            "Url",
            function=target,
            auth_type=lambda_.FunctionUrlAuthType.NONE
            if authorization.kind == Authorization.NONE
            else lambda_.FunctionUrlAuthType.AWS_IAM,
            invoke_mode=self.invoke_mode,
            cors=cors,
        )
        self.url = self.function_url.url
        acknowledge_all(self, self._acknowledgments)
        self.alarms = (
            self._create_url_alarms(alarm_topic, server_error_rate_alarm_threshold, latency_ms, throttles_alarm_threshold)
            if alarms
            else Alarms()
        )

    def _url_latency_threshold_ms(
        self, given: Duration | None, given_s: float | None, timeout_s: float | None
    ) -> float | None:
        """The threshold in milliseconds (UrlRequestLatency's unit): the given one (a
        ``Duration.millis(token)`` passes through), or 80 % of the function timeout; validated
        below the timeout."""
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
            self,
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

    def _create_url_alarms(
        self, topic: sns.ITopic | None, rate: float | None, latency_ms: float | None, throttles: float | None
    ) -> Alarms:
        """ServerErrorRate (Url5xxCount / UrlRequestCount), RequestLatency (UrlRequestLatency,
        Maximum) and Throttles, from the function URL metrics (AWS/Lambda, FunctionName); the
        thresholds default as for the APIs. Source: limits.SRC_LAMBDA_URL_METRICS."""
        rate = rate if rate is not None else limits.DEFAULT_SERVER_ERROR_RATE_ALARM_THRESHOLD
        throttles = throttles if throttles is not None else limits.DEFAULT_THROTTLES_ALARM_THRESHOLD
        builder = AlarmBuilder(self, topic=topic)
        errors = lambda_metric(self.function, "Url5xxCount", "Sum")
        requests = lambda_metric(self.function, "UrlRequestCount", "Sum")
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
            description=(
                f"more than {fmt_rate_percent(rate)} of function URL requests got a 5XX answer for 3 "
                "minutes in a row (AWS/Lambda Url5xxCount / UrlRequestCount): function errors, "
                "timeouts or throttles; callers see failures and own the retry. Check the "
                "function's Errors, Throttles and Duration, and its log group."
            ),
        )
        if latency_ms is not None:
            builder.add(
                "RequestLatency",
                lambda_metric(self.function, "UrlRequestLatency", "Maximum"),
                threshold=latency_ms,  # UrlRequestLatency is in milliseconds
                comparison=GT,
                evaluation_periods=5,
                datapoints_to_alarm=3,
                description=(
                    f"function URL latency above {fmt_threshold_ms(latency_ms)} in 3 of 5 minutes "
                    "(AWS/Lambda UrlRequestLatency, Maximum): requests come close to the function "
                    "timeout, after which the caller gets an error. Look at the function's Duration "
                    "and X-Ray traces for the slow call."
                ),
            )
        builder.function_throttles(
            self.function,
            throttles,
            "A function URL has no stage throttling: a throttled request is answered 429 and "
            "the caller must retry.",
        )
        return builder.alarms


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    """apigwv2.IAccessLogSettings has no concrete class in aws-cdk-lib; this is one."""

    def __init__(self, destination: apigwv2.IAccessLogDestination, log_format: apigw.AccessLogFormat) -> None:
        self._destination = destination
        self._format = log_format

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return self._format


__all__ = ["Authorization", "SyncApiFunction"]
