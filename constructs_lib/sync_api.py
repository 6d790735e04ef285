"""SyncApiFunction: a Lambda function behind API Gateway, inside the timeout budget.

The synchronous invocation model: the caller waits for the answer, the caller owns the
retries, and API Gateway cuts the request at its integration timeout (29 s for REST
APIs, 30 s for HTTP APIs) however long the function may still run. So the function
timeout is validated strictly below the integration timeout; the stage is throttled,
access-logged in JSON and (REST) traced; and nothing asynchronous (retries, dead-letter
queues, destinations) is configured, because Lambda never applies it to synchronous
invocations.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import jsii
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import (
    GT,
    AlarmBuilder,
    Alarms,
    alarm_settings_given,
    api_metric,
    check_counts,
    fmt_threshold_ms,
    server_error_rate,
)
from constructs_lib._failure import acknowledge_all
from constructs_lib._function import (
    DEFAULT_LOG_RETENTION,
    create_function,
    escape_hatch_error,
    function_rule_violations,
)
from constructs_lib._validation import (
    Keywords,
    authorization_specs,
    check_props,
    check_value,
    duration_seconds,
    raise_first,
    sync_api_specs,
    warn,
)
from constructs_lib.rules import Violation, fmt_seconds, num
from constructs_lib.rules import alarms as alarm_rules
from constructs_lib.rules import api as api_rules

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
    :param layers: Lambda layers. Default none.
    :param description: the function's description. Default none.
    :param log_retention: retention of the function's own log group. Default 30 days.
    :param function_props: escape hatch, extra ``lambda_.Function`` keyword arguments.
        Asynchronous-only settings (``dead_letter_queue``, ``dead_letter_queue_enabled``,
        ``dead_letter_topic``, ``on_failure``, ``on_success``, ``retry_attempts``,
        ``max_event_age``) are an error: API Gateway invokes synchronously, so Lambda never
        retries, never uses a DLQ or destination, and the caller gets the error.

    Invocation-model props:

    :param api: ``"rest"`` (API Gateway REST API; X-Ray tracing on the stage) or ``"http"``
        (HTTP API; cheaper, JWT authorizers, no X-Ray on the API side). Default ``"rest"``.
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
        cdk-nag acknowledgment (AwsSolutions-APIG4/COG4) on the routes it opens.
    :param cors: CORS preflight, ``apigw.CorsOptions`` (REST) or
        ``apigwv2.CorsPreflightOptions`` (HTTP). Default none (no CORS).
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

    Alarms (see "Alarms" in the README):

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

    Attributes: ``function``, ``alias`` (``None`` without provisioned concurrency),
    ``api`` (``apigw.LambdaRestApi`` or ``apigwv2.HttpApi``), ``stage``, ``url`` (the
    stage URL), ``access_log_group``, ``integration_timeout``, ``api_type``,
    ``authorization``, ``authorizer`` (``None`` for IAM and open), ``alarms`` (an ``Alarms``
    dict: ``ServerErrorRate``, ``IntegrationLatency``, ``Throttles``; empty with
    ``alarms=False``).
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
    ) -> None:
        super().__init__(scope, id)
        plain = check_props(self, sync_api_specs(), locals(), source=limits.SRC_LAMBDA_SYNC)
        timeout_is_default = timeout is None
        if timeout is None:
            timeout, plain["timeout"] = DEFAULT_TIMEOUT, float(limits.DEFAULT_SYNC_API_TIMEOUT_S)
        authorization = authorization or Authorization.iam()
        raise_first(self, *function_rule_violations(plain, self))
        self._validate_authorization(authorization)
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
            default_s = api_rules.max_integration_timeout_s(api, quota_s)
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
            api_rules.check_integration_timeout(integration_s, api=api, quota_s=quota_s),
            api_rules.check_timeout_below_integration_timeout(
                timeout_s, integration_s, timeout_is_default=timeout_is_default
            ),
            self._required("throttling_rate_limit", throttling_rate_limit),
            self._required("throttling_burst_limit", throttling_burst_limit),
            api_rules.check_throttling_rate_limit(rate),
            api_rules.check_throttling_burst_limit(burst),
            api_rules.check_provisioned_concurrency(plain["provisioned_concurrency"], reserved),
            alarm_settings_given(
                alarms,
                alarm_topic=alarm_topic,
                server_error_rate_alarm_threshold=server_error_rate_alarm_threshold,
                integration_latency_alarm_threshold=integration_latency_alarm_threshold,
                throttles_alarm_threshold=throttles_alarm_threshold,
            ),
            alarm_rules.check_rate_threshold(
                plain["server_error_rate_alarm_threshold"],
                prop="server_error_rate_alarm_threshold",
                metric="5XXError" if api == api_rules.REST else "5xx",
            ),
            *check_counts(throttles_alarm_threshold=(plain["throttles_alarm_threshold"], "Throttles")),
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
        warn(self, "throttling-above-account", api_rules.throttling_above_account(rate, burst))
        warn(
            self,
            "throttling-exceeds-reserved-concurrency",
            api_rules.throttling_exceeds_reserved(rate, burst, timeout_s, reserved),
        )

        self.api_type: str = api
        self.authorization: Authorization = authorization
        self.integration_timeout: Duration = integration_timeout
        self._acknowledgments: dict[str, str] = {}
        self.function = create_function(
            self,
            code=code,
            handler=handler,
            timeout=timeout,
            runtime=runtime,
            architecture=architecture,
            memory_size=memory_size,
            environment=environment,
            reserved_concurrent_executions=reserved_concurrent_executions,
            layers=layers,
            description=description,
            log_retention=log_retention,
            function_props=function_props,
            acknowledgments=self._acknowledgments,
        )
        self._acknowledgments.update(ACKNOWLEDGMENTS)
        self.alias: lambda_.Alias | None = None
        target: lambda_.IFunction = self.function
        if provisioned_concurrency is not None:
            self.alias = lambda_.Alias(
                self,
                "Alias",
                alias_name=ALIAS_NAME,
                version=self.function.current_version,
                provisioned_concurrent_executions=provisioned_concurrency,
            )
            target = self.alias

        self.access_log_group = logs.LogGroup(
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
                f"more than {num(rate * 100)} % of requests got a 5XX answer for 3 minutes in a row "
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
                timeout=self.integration_timeout, allow_test_invoke=False
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
                access_log_destination=apigw.LogGroupLogDestination(self.access_log_group),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(REST_ACCESS_LOG_FIELDS)),
            ),
            **extra,
        ))
        self.api: apigw.LambdaRestApi | apigwv2.HttpApi = api
        self.stage: apigw.Stage | apigwv2.HttpStage = api.deployment_stage
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
                apigwv2.LogGroupLogDestination(self.access_log_group),
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
