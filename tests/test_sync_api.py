"""SyncApiFunction: defaults, derivations, validations (boundaries on both sides), tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Duration, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template
from constructs import IConstruct

from constructs_lib import limits
from constructs_lib.errors import ConstructPropsError
from constructs_lib.value_rules.api import ASYNC_ONLY_FUNCTION_PROPS
from constructs_lib.sync_api import (
    HTTP_ACCESS_LOG_FIELDS,
    REST_ACCESS_LOG_FIELDS,
    Authorization,
    SyncApiFunction,
)
from tests.conftest import INLINE, assert_error, new_stack, number_param


def sync_api(stack: Stack | None = None, id: str = "Orders", **props: Any) -> SyncApiFunction:
    return SyncApiFunction(stack or new_stack(), id, code=INLINE, handler="index.handler", **props)


def acknowledged(construct: IConstruct) -> dict[str, str]:
    """The cdk-nag acknowledgments recorded on one construct: rule id -> reason."""
    found: dict[str, str] = {}
    for entry in construct.node.metadata:
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
            found.update({k.split("::", 1)[-1]: v for k, v in entry.data.items()})
    return found


def only(template: Template, type_: str) -> dict[str, Any]:
    resources = template.find_resources(type_)
    assert len(resources) == 1, resources
    return next(iter(resources.values()))["Properties"]


# --------------------------------------------------------------------------------------
# Defaults, REST API: one synth for the group
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rest() -> tuple[SyncApiFunction, Template, Stack]:
    stack = new_stack()
    made = sync_api(stack)
    return made, Template.from_stack(stack), stack


def test_rest_function_defaults(rest):
    made, template, _ = rest
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Timeout": limits.DEFAULT_SYNC_API_TIMEOUT_S, "TracingConfig": {"Mode": "Active"}, "MemorySize": 256},
    )
    props = only(template, "AWS::Lambda::Function")
    assert "DeadLetterConfig" not in props and "ReservedConcurrentExecutions" not in props
    template.resource_count_is("AWS::Lambda::EventInvokeConfig", 0)
    template.resource_count_is("AWS::Lambda::Alias", 0)
    assert made.alias is None and made.authorizer is None


def test_rest_integration_timeout_is_explicit_29s(rest):
    made, template, _ = rest
    methods = template.find_resources("AWS::ApiGateway::Method")
    assert len(methods) == 2  # ANY / and ANY /{proxy+}
    for method in methods.values():
        props = method["Properties"]
        assert props["AuthorizationType"] == "AWS_IAM"
        assert props["Integration"]["Type"] == "AWS_PROXY"
        assert props["Integration"]["TimeoutInMillis"] == 29_000
    assert made.integration_timeout.to_seconds() == 29
    assert made.api_type == "rest"


def test_rest_api_is_regional_without_account_role(rest):
    _, template, _ = rest
    template.has_resource_properties(
        "AWS::ApiGateway::RestApi", {"Name": "Orders", "EndpointConfiguration": {"Types": ["REGIONAL"]}}
    )
    template.resource_count_is("AWS::ApiGateway::Account", 0)
    template.resource_count_is("AWS::IAM::Role", 1)  # the function's role only


def test_rest_stage_throttling_tracing_and_json_access_logs(rest):
    made, template, stack = rest
    stage = only(template, "AWS::ApiGateway::Stage")
    assert stage["StageName"] == "prod"
    assert stage["TracingEnabled"] is True
    assert {
        "HttpMethod": "*",
        "ResourcePath": "/*",
        "ThrottlingRateLimit": limits.DEFAULT_API_THROTTLING_RATE_LIMIT,
        "ThrottlingBurstLimit": limits.DEFAULT_API_THROTTLING_BURST_LIMIT,
        "DataTraceEnabled": False,
    }.items() <= stage["MethodSettings"][0].items()
    log_format = json.loads(stage["AccessLogSetting"]["Format"])
    assert log_format == REST_ACCESS_LOG_FIELDS
    assert log_format["requestId"] == "$context.requestId"
    log_group_id = stack.get_logical_id(made.access_log_group.node.default_child)
    assert stage["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": [log_group_id, "Arn"]}
    template.has_resource(
        "AWS::Logs::LogGroup",
        {"Properties": {"RetentionInDays": 30}, "DeletionPolicy": "Retain"},
    )
    assert template.to_json()["Resources"][log_group_id]["Properties"] == {"RetentionInDays": 30}


def test_rest_permissions_invoke_the_function(rest):
    made, template, stack = rest
    function_id = stack.get_logical_id(made.function.node.default_child)
    permissions = template.find_resources("AWS::Lambda::Permission")
    assert len(permissions) == 2  # one per method; no test-invoke permissions
    for permission in permissions.values():
        assert permission["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}


def test_rest_url_and_attributes(rest):
    made, _, stack = rest
    assert isinstance(made.api, apigw.LambdaRestApi)
    assert made.stage.node.path == made.api.deployment_stage.node.path
    url = stack.resolve(made.url)
    stage_id = stack.get_logical_id(made.stage.node.default_child)
    assert "execute-api" in json.dumps(url) and {"Ref": stage_id} in url["Fn::Join"][1]


def test_rest_acknowledgments_are_recorded_once_on_the_construct(rest):
    """One batch on the construct (one jsii round trip): the function's DLQ rule, the
    role's X-Ray wildcard, the stage's execution logging and, for the API's default IAM
    authorization, COG4. Each reason names what it is about."""
    made, _, _ = rest
    acks = acknowledged(made)
    assert set(acks) == {
        "Serverless-LambdaDLQ", "AwsSolutions-IAM5[Resource::*]", "AwsSolutions-APIG6", "AwsSolutions-COG4",
    }
    assert "SyncApiFunction's function is invoked synchronously" in acks["Serverless-LambdaDLQ"]
    assert "xray:PutTraceSegments" in acks["AwsSolutions-IAM5[Resource::*]"]
    assert "REST stage" in acks["AwsSolutions-APIG6"] and "execution logging is off" in acks["AwsSolutions-APIG6"]
    assert "require IAM authorization" in acks["AwsSolutions-COG4"] and "SigV4" in acks["AwsSolutions-COG4"]
    assert "AwsSolutions-APIG4" not in acks  # IAM is authorization: nothing to excuse
    for construct in (made.api, made.function, made.stage, *made.api.methods):
        assert acknowledged(construct) == {}


def test_rest_defaults_raise_no_warning(rest):
    _, _, stack = rest
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


# --------------------------------------------------------------------------------------
# Defaults, HTTP API
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def http() -> tuple[SyncApiFunction, Template, Stack]:
    stack = new_stack()
    made = sync_api(stack, api="http")
    return made, Template.from_stack(stack), stack


def test_http_integration_timeout_is_explicit_30s(http):
    made, template, stack = http
    function_id = stack.get_logical_id(made.function.node.default_child)
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration",
        {
            "IntegrationType": "AWS_PROXY",
            "PayloadFormatVersion": "2.0",
            "TimeoutInMillis": 30_000,
            "IntegrationUri": {"Fn::GetAtt": [function_id, "Arn"]},
        },
    )
    assert made.integration_timeout.to_seconds() == 30


def test_http_route_uses_iam(http):
    _, template, _ = http
    route = only(template, "AWS::ApiGatewayV2::Route")
    assert route["RouteKey"] == "$default" and route["AuthorizationType"] == "AWS_IAM"
    template.resource_count_is("AWS::ApiGatewayV2::Authorizer", 0)


def test_http_stage_throttling_and_json_access_logs(http):
    made, template, stack = http
    stage = only(template, "AWS::ApiGatewayV2::Stage")
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"] == {
        "ThrottlingRateLimit": limits.DEFAULT_API_THROTTLING_RATE_LIMIT,
        "ThrottlingBurstLimit": limits.DEFAULT_API_THROTTLING_BURST_LIMIT,
    }
    assert json.loads(stage["AccessLogSettings"]["Format"]) == HTTP_ACCESS_LOG_FIELDS
    log_group_id = stack.get_logical_id(made.access_log_group.node.default_child)
    assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": [log_group_id, "Arn"]}
    template.resource_count_is("AWS::ApiGatewayV2::Stage", 1)  # no CDK default stage besides


def test_http_url_and_attributes(http):
    made, template, stack = http
    assert isinstance(made.api, apigwv2.HttpApi) and isinstance(made.stage, apigwv2.HttpStage)
    assert "execute-api" in json.dumps(stack.resolve(made.url))
    template.has_resource_properties("AWS::ApiGatewayV2::Api", {"Name": "Orders", "ProtocolType": "HTTP"})
    assert "synchronously" in acknowledged(made)["Serverless-LambdaDLQ"]
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


# --------------------------------------------------------------------------------------
# Provisioned concurrency: an alias, and the API invokes it
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def provisioned() -> tuple[SyncApiFunction, SyncApiFunction, Template, Stack]:
    stack = new_stack()
    rest_made = sync_api(stack, "Rest", provisioned_concurrency=3, reserved_concurrent_executions=10,
                         throttling_rate_limit=1, throttling_burst_limit=10)
    http_made = sync_api(stack, "Http", api="http", provisioned_concurrency=1)
    return rest_made, http_made, Template.from_stack(stack), stack


def test_provisioned_concurrency_on_alias(provisioned):
    rest_made, http_made, template, stack = provisioned
    template.resource_count_is("AWS::Lambda::Alias", 2)
    rest_fn = stack.get_logical_id(rest_made.function.node.default_child)
    template.has_resource_properties(
        "AWS::Lambda::Alias",
        {
            "Name": "live",
            "FunctionName": {"Ref": rest_fn},
            "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 3},
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function", {"FunctionName": Match.absent(), "ReservedConcurrentExecutions": 10}
    )
    assert rest_made.alias is not None and http_made.alias is not None


def test_api_invokes_the_alias(provisioned):
    rest_made, http_made, template, stack = provisioned
    rest_alias = stack.get_logical_id(rest_made.alias.node.default_child)
    http_alias = stack.get_logical_id(http_made.alias.node.default_child)
    for method in template.find_resources("AWS::ApiGateway::Method").values():
        assert rest_alias in json.dumps(method["Properties"]["Integration"]["Uri"])
    integration = only(template, "AWS::ApiGatewayV2::Integration")
    assert integration["IntegrationUri"] == {"Ref": http_alias}
    targets = {json.dumps(p["Properties"]["FunctionName"]) for p in template.find_resources("AWS::Lambda::Permission").values()}
    assert targets == {json.dumps({"Ref": rest_alias}), json.dumps({"Ref": http_alias})}


def test_provisioned_within_reserved_warns_nothing(provisioned):
    _, _, _, stack = provisioned
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


# --------------------------------------------------------------------------------------
# Authorization
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def authorized() -> tuple[dict[str, SyncApiFunction], Stack, Template]:
    stack = new_stack()
    pool = cognito.UserPool(stack, "Pool")
    client = pool.add_client("Client")
    made = {
        "rest_cognito": sync_api(stack, "RestCognito", authorization=Authorization.cognito(pool, scopes=["orders/read"])),
        "http_cognito": sync_api(stack, "HttpCognito", api="http",
                                 authorization=Authorization.cognito(pool, user_pool_clients=[client])),
        "http_jwt": sync_api(stack, "HttpJwt", api="http",
                             authorization=Authorization.jwt("https://issuer.example.com", ["orders-api"])),
        "rest_open": sync_api(stack, "RestOpen", authorization=Authorization.none(reason="public catalogue"),
                              cors=apigw.CorsOptions(allow_origins=["https://shop.example.com"])),
        "http_open": sync_api(stack, "HttpOpen", api="http", authorization=Authorization.none(reason="public catalogue"),
                              cors=apigwv2.CorsPreflightOptions(allow_origins=["https://shop.example.com"])),
    }
    return made, stack, Template.from_stack(stack)


def _of(template: Template, stack: Stack, type_: str, construct: IConstruct) -> list[dict[str, Any]]:
    prefix = stack.get_logical_id(construct.node.default_child)[:8]
    return [r["Properties"] for k, r in template.find_resources(type_).items() if k.startswith(prefix)]


def test_rest_cognito_authorizer(authorized):
    made, stack, template = authorized
    template.has_resource_properties("AWS::ApiGateway::Authorizer", {"Type": "COGNITO_USER_POOLS"})
    api_id = stack.get_logical_id(made["rest_cognito"].api.node.default_child)
    methods = [
        r["Properties"] for r in template.find_resources("AWS::ApiGateway::Method").values()
        if r["Properties"]["RestApiId"] == {"Ref": api_id}
    ]
    assert len(methods) == 2
    for method in methods:
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert method["AuthorizationScopes"] == ["orders/read"]
    assert made["rest_cognito"].authorizer is not None
    for method in made["rest_cognito"].api.methods:
        assert acknowledged(method) == {}  # compliant: nothing acknowledged
    assert "AwsSolutions-COG4" not in acknowledged(made["rest_cognito"])


def test_http_jwt_and_cognito_authorizers(authorized):
    made, stack, template = authorized
    authorizers = [r["Properties"] for r in template.find_resources("AWS::ApiGatewayV2::Authorizer").values()]
    assert sorted(a["AuthorizerType"] for a in authorizers) == ["JWT", "JWT"]
    issuers = {json.dumps(a["JwtConfiguration"]["Issuer"]) for a in authorizers}
    assert json.dumps("https://issuer.example.com") in issuers
    jwt_api = stack.get_logical_id(made["http_jwt"].api.node.default_child)
    route = [r["Properties"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values()
             if r["Properties"]["ApiId"] == {"Ref": jwt_api}]
    assert route[0]["AuthorizationType"] == "JWT"


def test_open_endpoints_are_explicit_and_acknowledged_with_the_reason(authorized):
    made, stack, template = authorized
    acks = acknowledged(made["rest_open"])
    assert "public catalogue" in acks["AwsSolutions-APIG4"] and "public catalogue" in acks["AwsSolutions-COG4"]
    assert "Authorization.none(), chosen explicitly" in acks["AwsSolutions-APIG4"]
    http_open = made["http_open"]
    http_acks = acknowledged(http_open)
    assert "public catalogue" in http_acks["AwsSolutions-APIG4"] and "AwsSolutions-COG4" not in http_acks
    http_api_id = stack.get_logical_id(http_open.api.node.default_child)
    api = template.to_json()["Resources"][http_api_id]["Properties"]
    assert api["CorsConfiguration"]["AllowOrigins"] == ["https://shop.example.com"]


# --------------------------------------------------------------------------------------
# Integration timeout and its quota
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def timeouts() -> tuple[dict[str, SyncApiFunction], Stack, Template]:
    return _timeouts()


def _vpce_policy() -> iam.PolicyDocument:
    """The resource policy a private API needs: invoke only through one VPC endpoint."""
    return iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(
                principals=[iam.AnyPrincipal()],
                actions=["execute-api:Invoke"],
                resources=["execute-api:/*"],
                conditions={"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}},
            )
        ]
    )


def _timeouts() -> tuple[dict[str, SyncApiFunction], Stack, Template]:
    stack = new_stack()
    made = {
        "quota": sync_api(stack, "Quota", integration_timeout_quota=Duration.seconds(120),
                          integration_timeout=Duration.seconds(90), timeout=Duration.seconds(60)),
        "quota_default": sync_api(stack, "QuotaDefault", integration_timeout_quota=Duration.seconds(120),
                                  endpoint_type=apigw.EndpointType.PRIVATE,
                                  api_props={"policy": _vpce_policy()}),
        "http_short": sync_api(stack, "HttpShort", api="http", integration_timeout=Duration.seconds(5),
                               timeout=Duration.seconds(4)),
        "near": sync_api(stack, "Near", timeout=Duration.seconds(20)),
    }
    return made, stack, Template.from_stack(stack)


def test_integration_timeout_above_29s_with_quota(timeouts):
    made, stack, template = timeouts
    assert made["quota"].integration_timeout.to_seconds() == 90
    assert made["quota_default"].integration_timeout.to_seconds() == 120  # defaults to the quota
    millis = sorted({m["Properties"]["Integration"]["TimeoutInMillis"]
                     for m in template.find_resources("AWS::ApiGateway::Method").values()})
    assert millis == [29_000, 90_000, 120_000]
    template.has_resource_properties("AWS::ApiGateway::RestApi", {"EndpointConfiguration": {"Types": ["PRIVATE"]}})


def test_http_integration_timeout_below_cdk_cap_goes_through_the_l2(timeouts):
    _, _, template = timeouts
    template.has_resource_properties("AWS::ApiGatewayV2::Integration", {"TimeoutInMillis": 5_000})


def test_cold_start_headroom_warning(timeouts):
    _, stack, _ = timeouts
    annotations = Annotations.from_stack(stack)
    annotations.has_warning(
        "/Test/Near",
        Match.string_like_regexp(r"timeout 20 s \+ a cold start .* = 30 s exceeds the integration_timeout 29 s"
                                 r".*constructs-lib:cold-start-headroom"),
    )
    annotations.has_no_warning("/Test/Quota", Match.any_value())  # 60 s + 10 s <= 90 s
    # an explicit 5 s integration timeout leaves no room for a 10 s Init either
    annotations.has_warning("/Test/HttpShort", Match.string_like_regexp("timeout 4 s .* = 14 s exceeds"))


# --------------------------------------------------------------------------------------
# Validation errors: construct path, property, value, rule
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("api", "timeout", "ok"),
    [("rest", 28, True), ("rest", 29, False), ("http", 29, True), ("http", 30, False)],
)
def test_timeout_strictly_below_integration_timeout(api, timeout, ok):
    props = {"api": api, "timeout": Duration.seconds(timeout)}
    if ok:
        sync_api(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(**props)
    limit = 29 if api == "rest" else 30
    assert_error(exc, "SyncApiFunction 'Test/Orders'", f"timeout {timeout} s", f"integration_timeout {limit} s",
                 "504", "billing", limits.SRC_APIGW_QUOTAS)
    assert exc.value.prop == "timeout"


def test_timeout_at_explicit_integration_timeout_is_an_error():
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(integration_timeout=Duration.seconds(5), timeout=Duration.seconds(5))
    assert_error(exc, "'Test/Orders'", "timeout 5 s is not below the integration_timeout 5 s", "504")


@pytest.mark.parametrize(
    ("api", "value_ms", "ok"),
    [
        ("rest", 50, True), ("rest", 49, False), ("rest", 29_000, True), ("rest", 29_001, False),
        ("http", 50, True), ("http", 49, False), ("http", 30_000, True), ("http", 30_001, False),
    ],
)
def test_integration_timeout_range(api, value_ms, ok):
    props = {"api": api, "integration_timeout": Duration.millis(value_ms), "timeout": Duration.seconds(1)}
    # At 50 ms the range is fine, but no function timeout (Lambda's minimum is 1 s) fits
    # below it, so the next rule answers: timeout.
    if ok and value_ms > 1000:
        sync_api(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(**props)
    if ok:
        assert exc.value.prop == "timeout"
    else:
        assert exc.value.prop == "integration_timeout"
        assert_error(exc, "'Test/Orders'", f"integration_timeout {value_ms / 1000:g} s", "outside the allowed range")


def test_http_integration_timeout_30s_is_written_despite_cdk_cap():
    stack = new_stack()
    sync_api(stack, api="http", integration_timeout=Duration.seconds(30))
    props = Template.from_stack(stack).find_resources("AWS::ApiGatewayV2::Integration")
    assert [r["Properties"]["TimeoutInMillis"] for r in props.values()] == [30_000]


def test_rest_above_29s_needs_the_quota_prop():
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(integration_timeout=Duration.seconds(60))
    assert_error(exc, "'Test/Orders'", "integration_timeout 60 s", "29", "integration_timeout_quota")


@pytest.mark.parametrize(
    ("props", "fragment"),
    [
        ({"integration_timeout_quota": Duration.seconds(60), "endpoint_type": apigw.EndpointType.EDGE},
         "edge-optimized REST APIs"),
        ({"integration_timeout_quota": Duration.seconds(60), "api": "http"}, "HTTP APIs"),
        ({"integration_timeout_quota": Duration.seconds(29)}, "not above the default 29 s"),
    ],
)
def test_integration_timeout_quota_errors(props, fragment):
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(**props)
    assert exc.value.prop == "integration_timeout_quota"
    assert_error(exc, "'Test/Orders'", "integration_timeout_quota", fragment)


def test_integration_timeout_above_the_quota():
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(integration_timeout_quota=Duration.seconds(60), integration_timeout=Duration.seconds(61))
    assert_error(exc, "'Test/Orders'", "integration_timeout 61 s", "0.05-60 s", "quota")


@pytest.mark.parametrize(
    ("prop", "value", "ok"),
    [
        ("throttling_rate_limit", 0.5, True), ("throttling_rate_limit", 0, False), ("throttling_rate_limit", -1, False),
        ("throttling_burst_limit", 1, True), ("throttling_burst_limit", 0, False),
    ],
)
def test_throttling_bounds(prop, value, ok):
    if ok:
        sync_api(**{prop: value})
        return
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(**{prop: value})
    assert exc.value.prop == prop
    assert_error(exc, "'Test/Orders'", f"{prop} {value:g}", "429")


@pytest.mark.parametrize("prop", ["throttling_rate_limit", "throttling_burst_limit"])
def test_throttling_cannot_be_switched_off(prop):
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(**{prop: None})
    assert_error(exc, "'Test/Orders'", f"{prop} None", "unthrottled")


@pytest.mark.parametrize(
    ("rate", "burst", "warns"),
    [(10000, 5000, None), (10001, 100, "throttling_rate_limit 10001"), (50, 5001, "throttling_burst_limit 5001")],
)
def test_throttling_above_account_warns(rate, burst, warns):
    stack = new_stack()
    sync_api(stack, throttling_rate_limit=rate, throttling_burst_limit=burst)
    annotations = Annotations.from_stack(stack)
    if warns is None:
        annotations.has_no_warning("*", Match.any_value())
    else:
        annotations.has_warning(
            "/Test/Orders", Match.string_like_regexp(f"{warns} is above the account-level.*throttling-above-account")
        )


@pytest.mark.parametrize(
    ("rate", "burst", "warns"),
    [
        (2, 20, None),                                          # 2/s x 10 s = 20 = reserved: last good
        (2.1, 20, r"throttling_rate_limit 2.1/s x timeout 10 s = 21 concurrent executions exceeds"),
        (1, 21, r"throttling_burst_limit 21 exceeds reserved_concurrent_executions \(20\)"),
    ],
)
def test_throttling_vs_reserved_concurrency_warns(rate, burst, warns):
    stack = new_stack()
    sync_api(stack, reserved_concurrent_executions=20, throttling_rate_limit=rate, throttling_burst_limit=burst)
    annotations = Annotations.from_stack(stack)
    if warns is None:
        annotations.has_no_warning("*", Match.any_value())
    else:
        annotations.has_warning(
            "/Test/Orders",
            Match.string_like_regexp(f"{warns}.*constructs-lib:throttling-exceeds-reserved-concurrency"),
        )


@pytest.mark.parametrize(("provisioned", "reserved", "ok"), [(1, None, True), (0, None, False), (5, 5, True), (6, 5, False)])
def test_provisioned_concurrency_bounds(provisioned, reserved, ok):
    props = {"provisioned_concurrency": provisioned, "reserved_concurrent_executions": reserved,
             "throttling_rate_limit": 0.5, "throttling_burst_limit": 1}
    if ok:
        sync_api(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(**props)
    assert exc.value.prop == "provisioned_concurrency"
    assert_error(exc, "'Test/Orders'", f"provisioned_concurrency {provisioned}", limits.SRC_LAMBDA_PROVISIONED)


def test_reserved_zero_is_rejected():
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(reserved_concurrent_executions=0)
    assert_error(exc, "'Test/Orders'", "reserved_concurrent_executions 0")


@pytest.mark.parametrize("name", ASYNC_ONLY_FUNCTION_PROPS)
def test_async_settings_in_function_props_are_rejected(name):
    stack = new_stack()
    value: Any = sqs.Queue(stack, "Dlq") if name == "dead_letter_queue" else True
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(stack, function_props={name: value})
    assert exc.value.prop == "function_props"
    assert_error(exc, "'Test/Orders'", f"function_props sets {name}", "synchronously", "dead-letter queue",
                 limits.SRC_LAMBDA_SYNC)


@pytest.mark.parametrize("name", ["timeout", "reserved_concurrent_executions", "tracing"])
def test_function_props_cannot_bypass_validated_props(name):
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(function_props={name: None})
    assert_error(exc, "'Test/Orders'", f"function_props sets {name}", "pass")


@pytest.mark.parametrize(
    ("api", "name"),
    [("rest", "deploy_options"), ("rest", "default_method_options"), ("http", "default_authorizer"),
     ("http", "create_default_stage")],
)
def test_api_props_cannot_bypass_managed_props(api, name):
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(api=api, api_props={name: None})
    assert_error(exc, "'Test/Orders'", f"api_props sets {name}")


def test_api_props_pass_through():
    stack = new_stack()
    sync_api(stack, api_props={"description": "orders"})
    Template.from_stack(stack).has_resource_properties("AWS::ApiGateway::RestApi", {"Description": "orders"})


@pytest.mark.parametrize("api", ["REST", "websocket"])
def test_api_type_is_validated(api):
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(api=api)
    assert_error(exc, "'Test/Orders'", f"api {api!r}", "'rest'", "'http'")


@pytest.mark.parametrize(
    ("props", "prop"),
    [
        ({"api": "http", "endpoint_type": apigw.EndpointType.REGIONAL}, "endpoint_type"),
        ({"api": "http", "cloud_watch_role": True}, "cloud_watch_role"),
        ({"api": "http", "cors": apigw.CorsOptions(allow_origins=["*"])}, "cors"),
        ({"api": "rest", "cors": apigwv2.CorsPreflightOptions(allow_origins=["*"])}, "cors"),
        ({"api": "rest", "authorization": Authorization.jwt("https://i.example.com", ["a"])}, "authorization"),
        ({"authorization": Authorization.none(reason=" ")}, "authorization"),
        ({"api": "http", "authorization": Authorization.jwt("https://i.example.com", [])}, "authorization"),
    ],
)
def test_props_that_do_not_fit_the_api(props, prop):
    with pytest.raises(ConstructPropsError) as exc:
        sync_api(**props)
    assert exc.value.prop == prop
    assert_error(exc, "'Test/Orders'", prop)


def test_cloud_watch_role_opt_in_creates_the_account_setting():
    stack = new_stack()
    sync_api(stack, cloud_watch_role=True)
    Template.from_stack(stack).resource_count_is("AWS::ApiGateway::Account", 1)


def test_authorization_repr_and_kinds():
    assert repr(Authorization.iam()) == "Authorization.iam()"
    assert Authorization.none(reason="x").reason == "x"
    assert Authorization.jwt("https://i", ["a"], scopes=["s"]).scopes == ["s"]


# --------------------------------------------------------------------------------------
# Unresolved tokens are skipped, never crashed on
# --------------------------------------------------------------------------------------
_TOKEN_PROPS = ["timeout", "integration_timeout", "throttling_rate_limit", "throttling_burst_limit",
                "reserved_concurrent_executions", "provisioned_concurrency", "integration_timeout_quota"]


# The quota prop is REST-only: with HTTP it is an error whatever its value (tested above).
@pytest.mark.parametrize(
    "prop,api",
    [(p, "rest") for p in _TOKEN_PROPS] + [(p, "http") for p in _TOKEN_PROPS if p != "integration_timeout_quota"],
)
def test_unresolved_tokens_pass(prop, api):
    stack = new_stack()
    token = number_param(stack)
    # aws-cdk-lib converts the integration timeout to milliseconds: a token must be millis.
    durations = {"timeout": Duration.seconds, "integration_timeout": Duration.millis,
                 "integration_timeout_quota": Duration.seconds}
    value: Any = durations[prop](token) if prop in durations else token
    made = sync_api(stack, api=api, **{prop: value})
    assert made.function is not None and made.url
