"""``api="http"``: an API Gateway HTTP API in front of the function.

An ``HttpApi`` whose default route integrates the function, with an integration timeout of
at most 30 s (no quota raises it; aws-cdk-lib stops at 29 s, so the door writes 30 s into
the template itself), a ``$default`` stage throttled and JSON access-logged, and IAM
(default), Cognito (as a JWT authorizer), any JWT issuer, or no authorization on its routes.
HTTP APIs are always Regional, need no account-level logging role and do not stream.
"""

from __future__ import annotations

import json

import jsii
from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import AlarmBuilder
from constructs_lib._validation import raise_first
from constructs_lib.sync_api import gateway
from constructs_lib.sync_api.authorization import Authorization, missing_jwt_audience, open_reason
from constructs_lib._dashboard import FailurePath
from constructs_lib.sync_api.door import Built, Props, check_cors, check_function_props
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import function_url as url_rules

#: One JSON object per request. Enough to tell a 504 (integration latency at the timeout),
#: a Lambda error or throttle (integration status / error) and an authorizer rejection
#: apart without execution logs. Source: the HTTP API access-logging variables.
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

#: ``apigwv2.HttpApi`` keyword arguments the door sets; in api_props they would bypass its defaults.
MANAGED_API_PROPS = (
    "default_integration", "default_authorizer", "default_authorization_scopes",
    "cors_preflight", "create_default_stage", "api_name",
)
#: CDK's HttpIntegration accepts at most 29 s although HTTP APIs allow 30 s
#: (limits.SRC_APIGW_V2_INTEGRATION); above it the door sets TimeoutInMillis directly.
_CDK_HTTP_INTEGRATION_TIMEOUT_CAP_S = 29


class HttpApiDoor:
    """The HTTP API front door of one SyncApiFunction (see :mod:`constructs_lib.sync_api.door`)."""

    invoked_by = "API Gateway"
    throttled = gateway.THROTTLED
    invoke_mode: lambda_.InvokeMode | None = None

    def __init__(self, construct: Construct, props: Props) -> None:
        self.construct = construct
        self.props = props
        self.integration_timeout: Duration | None = props.integration_timeout
        self.integration_s: float | None = props.plain["integration_timeout"]
        self.latency_ms: float | None = None
        self.api: apigwv2.HttpApi | None = None
        self.stage_name = props.stage_name or "$default"  # served at the root of the endpoint

    # ----------------------------------------------------------------------------------
    # Validation
    # ----------------------------------------------------------------------------------
    def validate(self) -> None:
        construct, props = self.construct, self.props
        mode = props.response_transfer_mode
        raise_first(
            construct,
            url_rules.check_url_only_props(["invoke_mode"] if props.invoke_mode is not None else [], api=api_rules.HTTP),
            url_rules.check_streaming_api(mode is not None and mode == apigw.ResponseTransferMode.STREAM, api=api_rules.HTTP),
        )
        check_function_props(construct, props)
        gateway.check_api_props(construct, props.api_props, apigwv2.HttpApi, MANAGED_API_PROPS)
        raise_first(
            construct,
            *(
                Violation(
                    prop,
                    f"{prop} {value} applies to REST APIs only; HTTP APIs are always "
                    "Regional and write access logs without the account-level role. "
                    "Leave it unset, or use api='rest'",
                    limits.SRC_APIGW_HTTP_LOGGING,
                )
                for prop, value in (("endpoint_type", props.endpoint_type), ("cloud_watch_role", props.cloud_watch_role))
                if value is not None
            ),
            gateway.cors_violation(props.cors, apigwv2.CorsPreflightOptions, api=api_rules.HTTP),
            open_reason(props.authorization),
            missing_jwt_audience(props.authorization),
        )
        check_cors(
            construct, props.cors, max_age_limit_s=limits.APIGW_HTTP_MAX_CORS_MAX_AGE_S,
            what="an HTTP API", source=limits.SRC_APIGW_HTTP_CORS,
        )
        # A quota raise exists for REST APIs only: any integration_timeout_quota is an error.
        raise_first(
            construct, api_rules.check_integration_timeout_quota(props.plain["integration_timeout_quota"], api=api_rules.HTTP)
        )
        if props.integration_timeout is None:
            self.integration_s = api_rules.max_integration_timeout_s(api_rules.HTTP)
            self.integration_timeout = gateway.integration_timeout_of(self.integration_s)
        raise_first(
            construct,
            api_rules.check_integration_timeout(self.integration_s, api=api_rules.HTTP),
            *gateway.name_violations(props, api=api_rules.HTTP),
            *gateway.stage_violations(props, self.integration_s, metric="5xx"),
        )
        if props.alarms:
            self.latency_ms = gateway.latency_threshold_ms(
                construct, props, self.integration_s, source=limits.SRC_APIGW_HTTP_METRICS
            )
        gateway.warn_cold_start_headroom(construct, props, self.integration_s)
        gateway.warn_throttling(construct, props)

    # ----------------------------------------------------------------------------------
    # Resources
    # ----------------------------------------------------------------------------------
    def build(self, target: lambda_.IFunction, acknowledgments: dict[str, str]) -> Built:
        construct, props, auth = self.construct, self.props, self.props.authorization
        access_log_group = gateway.access_log_group(construct, props)
        integration_s = self.integration_s
        above_cdk_cap = integration_s is not None and integration_s > _CDK_HTTP_INTEGRATION_TIMEOUT_CAP_S
        integration = integrations.HttpLambdaIntegration(
            "Integration",
            target,
            timeout=None if above_cdk_cap else self.integration_timeout,
        )
        authorizer: apigwv2.IHttpRouteAuthorizer
        exposed: apigwv2.IHttpRouteAuthorizer | None = None  # the construct's .authorizer: Cognito or JWT
        if auth.kind == Authorization.IAM:
            authorizer = authorizers.HttpIamAuthorizer()
        elif auth.kind == Authorization.COGNITO:
            assert auth.user_pool is not None
            authorizer = exposed = authorizers.HttpUserPoolAuthorizer(
                "Authorizer", auth.user_pool, user_pool_clients=auth.user_pool_clients
            )
        elif auth.kind == Authorization.JWT:
            assert auth.jwt_issuer is not None and auth.jwt_audience is not None
            authorizer = exposed = authorizers.HttpJwtAuthorizer(
                "Authorizer", auth.jwt_issuer, jwt_audience=auth.jwt_audience
            )
        else:
            authorizer = apigwv2.HttpNoneAuthorizer()
        api = gateway.with_api_props(construct, props.api_props, "apigwv2.HttpApi", lambda extra: apigwv2.HttpApi(
            construct,
            "Api",
            api_name=props.api_name or props.id,
            create_default_stage=False,
            default_integration=integration,
            default_authorizer=authorizer,
            default_authorization_scopes=auth.scopes,
            cors_preflight=props.cors,
            **extra,
        ))
        if above_cdk_cap:
            # aws-cdk-lib's HttpIntegration stops at 29 s; HTTP APIs accept 30 s.
            for cfn in api.node.find_all():
                if isinstance(cfn, apigwv2.CfnIntegration):
                    cfn.add_property_override("TimeoutInMillis", int(integration_s * 1000))  # type: ignore[operator]
        stage = apigwv2.HttpStage(
            construct,
            "Stage",
            http_api=api,
            stage_name=self.stage_name,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=props.throttling_rate_limit, burst_limit=props.throttling_burst_limit),
            access_log_settings=_AccessLogSettings(
                apigwv2.LogGroupLogDestination(access_log_group),
                apigw.AccessLogFormat.custom(json.dumps(HTTP_ACCESS_LOG_FIELDS)),
            ),
        )
        self.api = api
        built = Built(api=api, stage=stage, url=stage.url, access_log_group=access_log_group, authorizer=exposed)
        if auth.kind == Authorization.NONE:
            # The API's default authorization is none, by the user's stated decision.
            acknowledgments["AwsSolutions-APIG4"] = f"SyncApiFunction Authorization.none(), chosen explicitly: {auth.reason}"
        return built

    # ----------------------------------------------------------------------------------
    # Alarms
    # ----------------------------------------------------------------------------------
    def add_alarms(self, builder: AlarmBuilder, function: lambda_.IFunction, rate: float) -> None:
        assert self.api is not None
        dimensions = {"ApiId": self.api.api_id, "Stage": self.stage_name}
        gateway.add_alarms(builder, rest=False, dimensions=dimensions, rate=rate, latency_ms=self.latency_ms,
                             integration_s=self.integration_s)

    def failure_paths(self) -> list[FailurePath]:
        return gateway.api_failure_paths(self.props, self.integration_s)


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
