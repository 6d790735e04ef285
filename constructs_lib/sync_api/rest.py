"""``api="rest"``: an API Gateway REST API in front of the function.

A ``LambdaRestApi`` proxying every path to the function, with an integration timeout of at
most 29 s (or the account's raised quota on a Regional or private API; 15 minutes when the
response is streamed), a stage throttled, JSON access-logged and traced with X-Ray, and
IAM (default), Cognito or no authorization on its methods.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import AlarmBuilder
from constructs_lib._function import DEFAULT_RUNTIME
from constructs_lib._validation import raise_first, warn
from constructs_lib.sync_api import gateway
from constructs_lib.sync_api.authorization import Authorization, missing_jwt_audience, open_reason
from constructs_lib._dashboard import FailurePath
from constructs_lib.sync_api.door import Built, Props, check_cors, check_function_props
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import function_url as url_rules

#: One JSON object per request. Enough to tell a 504 (integration latency at the timeout),
#: a Lambda error or throttle (integration status / error) and an authorizer rejection
#: apart without execution logs. Source: the REST API access-logging variables.
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

#: ``apigw.LambdaRestApi`` keyword arguments the door sets; in api_props they would bypass its defaults.
MANAGED_API_PROPS = (
    "handler", "proxy", "integration_options", "default_integration", "default_method_options",
    "default_cors_preflight_options", "deploy", "deploy_options", "endpoint_types",
    "endpoint_configuration", "cloud_watch_role", "rest_api_name",
)


class RestApiDoor:
    """The REST API front door of one SyncApiFunction (see :mod:`constructs_lib.sync_api.door`)."""

    invoked_by = "API Gateway"
    throttled = gateway.THROTTLED
    invoke_mode: lambda_.InvokeMode | None = None

    def __init__(self, construct: Construct, props: Props) -> None:
        self.construct = construct
        self.props = props
        mode = props.response_transfer_mode
        self.streaming = mode is not None and mode == apigw.ResponseTransferMode.STREAM
        self.integration_timeout: Duration | None = props.integration_timeout
        self.integration_s: float | None = props.plain["integration_timeout"]
        self.latency_ms: float | None = None
        self.api_name = props.api_name or props.id
        self.stage_name = props.stage_name or "prod"  # aws-cdk-lib's default REST stage

    # ----------------------------------------------------------------------------------
    # Validation
    # ----------------------------------------------------------------------------------
    def validate(self) -> None:
        construct, props, auth = self.construct, self.props, self.props.authorization
        raise_first(
            construct,
            url_rules.check_url_only_props(["invoke_mode"] if props.invoke_mode is not None else [], api=api_rules.REST),
            Violation(
                "integration_timeout_quota",
                "integration_timeout_quota is not needed with response_transfer_mode STREAM: a "
                f"streamed integration may wait up to {limits.APIGW_REST_STREAMING_MAX_INTEGRATION_TIMEOUT_S} s "
                "without a quota increase. Leave it unset",
                limits.SRC_APIGW_STREAMING,
            )
            if self.streaming and props.integration_timeout_quota is not None
            else None,
        )
        check_function_props(construct, props)
        gateway.check_api_props(construct, props.api_props, apigw.LambdaRestApi, MANAGED_API_PROPS)
        raise_first(
            construct,
            gateway.cors_violation(props.cors, apigw.CorsOptions, api=api_rules.REST),
            open_reason(auth),
            missing_jwt_audience(auth),
            Violation(
                "authorization",
                "authorization Authorization.jwt() is not available on REST APIs (they have "
                "Cognito and Lambda authorizers only); use api='http', or "
                "Authorization.cognito(user_pool)",
                limits.SRC_APIGW_ACCESS_CONTROL,
            )
            if auth.kind == Authorization.JWT
            else None,
        )
        if isinstance(props.cors, apigw.CorsOptions):
            origins = props.cors.allow_origins
            raise_first(construct, url_rules.check_cors_origins_given(len(origins) if isinstance(origins, (list, tuple)) else None))
            # The preflight answer's Access-Control-Max-Age header: whole seconds, no limit of API Gateway's own.
            check_cors(construct, props.cors, max_age_limit_s=None, what="a REST API", source=limits.SRC_APIGW_ACCESS_CONTROL)
        endpoint_type = props.endpoint_type
        is_edge = endpoint_type is not None and endpoint_type == apigw.EndpointType.EDGE
        is_private = endpoint_type is not None and endpoint_type == apigw.EndpointType.PRIVATE
        raise_first(
            construct,
            api_rules.check_private_api_policy(is_private, (props.api_props or {}).get("policy") is not None),
        )
        quota_s = props.plain["integration_timeout_quota"]
        raise_first(construct, api_rules.check_integration_timeout_quota(quota_s, api=api_rules.REST, edge=is_edge))
        if props.integration_timeout is None:
            self.integration_s = (
                float(limits.APIGW_REST_STREAMING_MAX_INTEGRATION_TIMEOUT_S)
                if self.streaming
                else api_rules.max_integration_timeout_s(api_rules.REST, quota_s)
            )
            self.integration_timeout = gateway.integration_timeout_of(self.integration_s)
        raise_first(
            construct,
            url_rules.check_streaming_integration_timeout(self.integration_s)
            if self.streaming
            else api_rules.check_integration_timeout(self.integration_s, api=api_rules.REST, quota_s=quota_s),
            *gateway.name_violations(props, api=api_rules.REST),
            *gateway.stage_violations(props, self.integration_s, metric="5XXError"),
        )
        if props.alarms:
            self.latency_ms = gateway.latency_threshold_ms(
                construct, props, self.integration_s, source=limits.SRC_APIGW_REST_METRICS
            )
        gateway.warn_cold_start_headroom(construct, props, self.integration_s)
        if self.streaming:
            warn(construct, "response-streaming-runtime", url_rules.streaming_runtime((props.runtime or DEFAULT_RUNTIME).name))
        gateway.warn_throttling(construct, props)

    # ----------------------------------------------------------------------------------
    # Resources
    # ----------------------------------------------------------------------------------
    def build(self, target: lambda_.IFunction, acknowledgments: dict[str, str]) -> Built:
        construct, props, auth = self.construct, self.props, self.props.authorization
        access_log_group = gateway.access_log_group(construct, props)
        authorizer: apigw.CognitoUserPoolsAuthorizer | None = None
        method_options: dict[str, Any] = {}
        if auth.kind == Authorization.IAM:
            method_options["authorization_type"] = apigw.AuthorizationType.IAM
        elif auth.kind == Authorization.COGNITO:
            assert auth.user_pool is not None
            authorizer = apigw.CognitoUserPoolsAuthorizer(construct, "Authorizer", cognito_user_pools=[auth.user_pool])
            method_options.update(
                authorization_type=apigw.AuthorizationType.COGNITO,
                authorizer=authorizer,
                authorization_scopes=auth.scopes,
            )
        else:
            method_options["authorization_type"] = apigw.AuthorizationType.NONE
        api = gateway.with_api_props(construct, props.api_props, "apigw.LambdaRestApi", lambda extra: apigw.LambdaRestApi(
            construct,
            "Api",
            handler=target,
            proxy=True,
            rest_api_name=self.api_name,
            integration_options=apigw.LambdaIntegrationOptions(
                timeout=self.integration_timeout,
                allow_test_invoke=False,
                response_transfer_mode=props.response_transfer_mode,
            ),
            default_method_options=apigw.MethodOptions(**method_options),
            default_cors_preflight_options=props.cors,
            endpoint_types=[props.endpoint_type or apigw.EndpointType.REGIONAL],
            cloud_watch_role=bool(props.cloud_watch_role),
            deploy_options=apigw.StageOptions(
                stage_name=props.stage_name,
                throttling_rate_limit=props.throttling_rate_limit,
                throttling_burst_limit=props.throttling_burst_limit,
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(access_log_group),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(REST_ACCESS_LOG_FIELDS)),
            ),
            **extra,
        ))
        built = Built(
            api=api, stage=api.deployment_stage, url=api.url, access_log_group=access_log_group, authorizer=authorizer
        )
        acknowledgments["AwsSolutions-APIG6"] = (
            "SyncApiFunction's REST stage: structured JSON access logging (finite retention) is on; "
            "execution logging is off because API Gateway writes it to a log group it creates "
            "itself, which never expires and may hold request data"
        )
        if auth.kind == Authorization.IAM:
            # The API's default method authorization is IAM: true of every method that keeps
            # the default (CORS preflight methods are exempt in cdk-nag; a method added with
            # other authorization is still reported by AwsSolutions-APIG4).
            acknowledgments["AwsSolutions-COG4"] = (
                "SyncApiFunction Authorization.iam(): the API's methods require IAM authorization; "
                "callers sign requests with SigV4 and need execute-api:Invoke, so IAM, not a Cognito "
                "user pool, authorizes them"
            )
        elif auth.kind == Authorization.NONE:
            # The API's default authorization is none, by the user's stated decision.
            reason = f"SyncApiFunction Authorization.none(), chosen explicitly: {auth.reason}"
            acknowledgments["AwsSolutions-APIG4"] = reason
            acknowledgments["AwsSolutions-COG4"] = reason
        return built

    # ----------------------------------------------------------------------------------
    # Alarms
    # ----------------------------------------------------------------------------------
    def add_alarms(self, builder: AlarmBuilder, function: lambda_.IFunction, rate: float) -> None:
        # The names this door gave the API and stage (no jsii round trip to read them back).
        dimensions = {"ApiName": self.api_name, "Stage": self.stage_name}
        gateway.add_alarms(builder, rest=True, dimensions=dimensions, rate=rate, latency_ms=self.latency_ms,
                             integration_s=self.integration_s)

    def failure_paths(self) -> list[FailurePath]:
        return gateway.api_failure_paths(self.props, self.integration_s)
