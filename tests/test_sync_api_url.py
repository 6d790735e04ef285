"""SyncApiFunction: a Lambda function URL as the front door (api="url"), REST response
streaming (response_transfer_mode), and SnapStart (snap_start)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration, Size, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import Authorization, ConstructPropsError, SyncApiFunction
from tests.conftest import INLINE, assert_error, new_stack, number_param


def sync(stack: Stack | None = None, **props: Any) -> SyncApiFunction:
    return SyncApiFunction(stack or new_stack(), "Reports", code=INLINE, handler="index.handler", **props)


def url(stack: Stack | None = None, **props: Any) -> SyncApiFunction:
    return sync(stack, api="url", **{"reserved_concurrent_executions": 5, **props})


# --------------------------------------------------------------------------------------
# Function URL
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def default_url() -> tuple[SyncApiFunction, Template, Stack]:
    stack = new_stack()
    made = url(stack, timeout=Duration.minutes(10))
    return made, Template.from_stack(stack), stack


def test_url_defaults_to_iam_and_buffered(default_url: tuple[SyncApiFunction, Template, Stack]) -> None:
    made, template, _ = default_url
    template.has_resource_properties("AWS::Lambda::Url", {"AuthType": "AWS_IAM", "InvokeMode": "BUFFERED", "Cors": Match.absent()})
    template.resource_count_is("AWS::Lambda::Permission", 0)  # IAM: callers get grants, nobody else
    for absent in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api", "AWS::Logs::LogGroup"):
        assert len(template.find_resources(absent)) == (1 if absent == "AWS::Logs::LogGroup" else 0)
    assert made.api is None and made.stage is None and made.access_log_group is None
    assert made.integration_timeout is None and made.api_type == "url"
    assert made.function_url is not None and made.url == made.function_url.url
    assert made.invoke_mode == lambda_.InvokeMode.BUFFERED


def test_url_allows_the_full_15_minute_timeout(default_url: tuple[SyncApiFunction, Template, Stack]) -> None:
    _, template, _ = default_url
    template.has_resource_properties("AWS::Lambda::Function", {"Timeout": 600})
    url(timeout=Duration.minutes(15))


def test_url_alarms_read_the_url_metrics(default_url: tuple[SyncApiFunction, Template, Stack]) -> None:
    made, template, _ = default_url
    assert set(made.alarms) == {"ServerErrorRate", "RequestLatency", "Throttles"}
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Metrics": Match.array_with([
                Match.object_like({"Id": "errors", "MetricStat": Match.object_like({"Metric": Match.object_like({"MetricName": "Url5xxCount", "Namespace": "AWS/Lambda"})})}),
                Match.object_like({"Id": "requests", "MetricStat": Match.object_like({"Metric": Match.object_like({"MetricName": "UrlRequestCount"})})}),
            ]),
            "Threshold": 0.05,
        },
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "UrlRequestLatency", "Statistic": "Maximum", "Threshold": 480000, "DatapointsToAlarm": 3},
    )


def test_open_url_needs_a_reason_and_gets_both_permissions() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        url(authorization=Authorization.none(reason=" "))
    assert_error(exc, "Authorization.none() needs a reason")
    stack = new_stack()
    url(stack, authorization=Authorization.none(reason="public status page"), cors=lambda_.FunctionUrlCorsOptions(allowed_origins=["https://example.com"]))
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Lambda::Url", {"AuthType": "NONE", "Cors": {"AllowOrigins": ["https://example.com"]}})
    template.has_resource_properties("AWS::Lambda::Permission", {"Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE", "Principal": "*"})
    template.has_resource_properties("AWS::Lambda::Permission", {"Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": True, "Principal": "*"})


@pytest.mark.parametrize("auth", ["cognito", "jwt"])
def test_url_refuses_authorizers_it_does_not_have(auth: str) -> None:
    stack = new_stack()
    authorization = (
        Authorization.cognito(cognito.UserPool(stack, "Pool"))
        if auth == "cognito"
        else Authorization.jwt("https://issuer.example.com", ["aud"])
    )
    with pytest.raises(ConstructPropsError) as exc:
        url(stack, authorization=authorization)
    assert exc.value.prop == "authorization"
    assert_error(exc, "not available on a function URL", "AWS_IAM", "urls-auth.html")


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("integration_timeout", Duration.seconds(10)),
        ("integration_timeout_quota", Duration.seconds(60)),
        ("endpoint_type", apigw.EndpointType.REGIONAL),
        ("throttling_rate_limit", 10),
        ("throttling_burst_limit", 20),
        ("stage_name", "v1"),
        ("api_name", "reports"),
        ("access_log_retention", __import__("aws_cdk").aws_logs.RetentionDays.ONE_WEEK),
        ("cloud_watch_role", True),
        ("api_props", {"policy": None}),
        ("response_transfer_mode", apigw.ResponseTransferMode.STREAM),
    ],
)
def test_url_refuses_api_only_props(prop: str, value: Any) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        url(**{prop: value})
    assert exc.value.prop == prop
    assert_error(exc, f"{prop} configures API Gateway, which api='url' does not use", "urls-configuration.html")


def test_url_accepts_the_throttling_defaults_it_ignores() -> None:
    url(throttling_rate_limit=50, throttling_burst_limit=100)


def test_url_cors_must_be_function_url_options() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        url(cors=apigwv2.CorsPreflightOptions(allow_origins=["*"]))
    assert_error(exc, "cors CorsPreflightOptions does not match api='url'")


def test_response_stream_and_warnings() -> None:
    stack = new_stack()
    sync(stack, api="url", invoke_mode=lambda_.InvokeMode.RESPONSE_STREAM)
    Template.from_stack(stack).has_resource_properties("AWS::Lambda::Url", {"InvokeMode": "RESPONSE_STREAM"})
    annotations = Annotations.from_stack(stack)
    assert annotations.find_warning("/Test/Reports", Match.string_like_regexp("does not stream responses natively"))
    assert annotations.find_warning("/Test/Reports", Match.string_like_regexp("no stage throttling"))


def test_invoke_mode_is_url_only() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        sync(api="http", invoke_mode=lambda_.InvokeMode.RESPONSE_STREAM)
    assert_error(exc, "invoke_mode applies to api='url'")


def test_grant_invoke_url_grants_both_actions() -> None:
    stack = new_stack()
    made = url(stack)
    role = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    made.grant_invoke_url(role)
    policies = Template.from_stack(stack).find_resources(
        "AWS::IAM::Policy", {"Properties": {"PolicyName": Match.string_like_regexp("CallerDefaultPolicy")}}
    )
    statements = next(iter(policies.values()))["Properties"]["PolicyDocument"]["Statement"]
    assert sorted(s["Action"] for s in statements) == ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]
    with pytest.raises(ConstructPropsError):
        sync(api="http").grant_invoke_url(role)


def test_url_latency_threshold_must_be_below_the_timeout() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        url(timeout=Duration.seconds(30), integration_latency_alarm_threshold=Duration.seconds(30))
    assert_error(exc, "integration_latency_alarm_threshold 30 s is not below timeout 30 s")
    url(timeout=Duration.seconds(30), integration_latency_alarm_threshold=Duration.seconds(29))


def test_url_with_token_reservation_and_timeout() -> None:
    stack = new_stack()
    url(stack, reserved_concurrent_executions=number_param(stack, "Res"), timeout=Duration.seconds(number_param(stack, "T")))
    Template.from_stack(stack).has_resource_properties("AWS::Lambda::Url", {"AuthType": "AWS_IAM"})


# --------------------------------------------------------------------------------------
# REST response streaming
# --------------------------------------------------------------------------------------
def test_rest_streaming_uses_the_streaming_uri_and_15_minutes() -> None:
    stack = new_stack()
    made = sync(stack, response_transfer_mode=apigw.ResponseTransferMode.STREAM, timeout=Duration.minutes(5))
    Template.from_stack(stack).has_resource_properties(
        "AWS::ApiGateway::Method",
        {"Integration": Match.object_like({
            "ResponseTransferMode": "STREAM",
            "TimeoutInMillis": 900000,
            "Uri": Match.object_like({"Fn::Join": Match.array_with([Match.array_with([Match.string_like_regexp("response-streaming-invocations")])])}),
        })},
    )
    assert made.integration_timeout is not None and made.integration_timeout.to_seconds() == 900
    assert Annotations.from_stack(stack).find_warning("/Test/Reports", Match.string_like_regexp("does not stream responses natively"))


@pytest.mark.parametrize(("seconds", "ok"), [(900, True), (901, False)])
def test_rest_streaming_integration_timeout_boundary(seconds: int, ok: bool) -> None:
    if ok:
        sync(response_transfer_mode=apigw.ResponseTransferMode.STREAM, integration_timeout=Duration.seconds(seconds))
        return
    with pytest.raises(ConstructPropsError) as exc:
        sync(response_transfer_mode=apigw.ResponseTransferMode.STREAM, integration_timeout=Duration.seconds(seconds))
    assert_error(exc, "integration_timeout 901 s is outside the allowed range 0.05-900 s", "response-streaming-http.html")


def test_buffered_rest_still_stops_at_29_seconds() -> None:
    with pytest.raises(ConstructPropsError):
        sync(response_transfer_mode=apigw.ResponseTransferMode.BUFFERED, integration_timeout=Duration.seconds(30))


def test_streaming_refusals() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        sync(api="http", response_transfer_mode=apigw.ResponseTransferMode.STREAM)
    assert_error(exc, "response_transfer_mode STREAM is not available with api='http'")
    with pytest.raises(ConstructPropsError) as exc:
        sync(response_transfer_mode=apigw.ResponseTransferMode.STREAM, integration_timeout_quota=Duration.seconds(60))
    assert exc.value.prop == "integration_timeout_quota"


# --------------------------------------------------------------------------------------
# SnapStart
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("api", ["rest", "url"])
def test_snap_start_publishes_a_version_and_targets_its_alias(api: str) -> None:
    stack = new_stack()
    made = sync(stack, api=api, snap_start=True, reserved_concurrent_executions=5)
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Lambda::Function", {"SnapStart": {"ApplyOn": "PublishedVersions"}})
    template.resource_count_is("AWS::Lambda::Version", 1)
    template.has_resource_properties("AWS::Lambda::Alias", {"Name": "live", "ProvisionedConcurrencyConfig": Match.absent()})
    assert made.alias is not None and made.snap_start
    if api == "url":
        template.has_resource_properties("AWS::Lambda::Url", {"Qualifier": "live"})
    else:
        alias_id = stack.resolve(made.alias.node.default_child.logical_id)  # type: ignore[union-attr]
        template.has_resource_properties(
            "AWS::ApiGateway::Method", {"Integration": Match.object_like({"Uri": Match.object_like({"Fn::Join": Match.array_with([Match.array_with([{"Ref": alias_id}])])})})}
        )
    # aws-cdk-lib's "SnapStart needs published versions" warning is answered: we publish one.
    assert not Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("SnapStart only supports published"))


def test_snap_start_on_arm64_is_fine() -> None:
    sync(snap_start=True, architecture=lambda_.Architecture.ARM_64)
    sync(snap_start=True, architecture=lambda_.Architecture.X86_64)


@pytest.mark.parametrize(
    ("props", "prop", "fragment"),
    [
        ({"provisioned_concurrency": 1}, "provisioned_concurrency", "cannot be combined with snap_start"),
        ({"runtime": lambda_.Runtime.PYTHON_3_11}, "runtime", "runtime python3.11 does not support SnapStart"),
        ({"runtime": lambda_.Runtime.NODEJS_22_X}, "runtime", "runtime nodejs22.x does not support SnapStart"),
        ({"function_props": {"filesystem": "efs"}}, "function_props", "filesystem (Amazon EFS)"),
        ({"function_props": {"ephemeral_storage_size": Size.mebibytes(513)}}, "function_props", "ephemeral_storage_size 513 MB"),
    ],
)
def test_snap_start_refusals(props: dict[str, Any], prop: str, fragment: str) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        sync(snap_start=True, **props)
    assert exc.value.prop == prop
    assert_error(exc, "SyncApiFunction 'Test/Reports'", fragment, "snapstart.html")


def test_snap_start_last_good_values() -> None:
    sync(snap_start=True, runtime=lambda_.Runtime.PYTHON_3_12, function_props={"ephemeral_storage_size": Size.mebibytes(512)})


def test_snap_start_cannot_come_through_function_props() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        sync(function_props={"snap_start": lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS})
    assert_error(exc, "function_props sets snap_start")


def test_snap_start_with_token_storage_passes() -> None:
    stack = new_stack()
    sync(stack, snap_start=True, function_props={"ephemeral_storage_size": Size.mebibytes(number_param(stack))})
