"""SyncApiFunction (and Authorization) with props drawn across and beyond every range:
refused with a ConstructPropsError naming a prop that was set, or a template our checks,
AWS's integer ranges and cfn-lint accept. One table: add a prop by adding its strategy."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from hypothesis import given
from hypothesis import strategies as st

from constructs_lib import limits
from constructs_lib.sync_api import Authorization, SyncApiFunction
from tests.test_sync_api import _vpce_policy as vpce_policy
from tests.property.harness import (
    PROPERTY_SETTINGS,
    imported,
    OPTIONAL_BOOLEANS,
    FUNCTION_TABLE,
    HANDLER,
    INLINE,
    RESOURCES,
    Maker,
    Prop,
    build_props,
    check_case,
    draw_lint,
    choice,
    draw_props,
    durations,
    integers,
    numbers,
    optional,
    plain,
    resource,
)

POLICY = vpce_policy()

RESOURCES.update(
    {
        "auth_cognito": lambda m: Authorization.cognito(cognito.UserPool(m.stack, m.id("Pool")), scopes=["orders/read"]),
        # the "imported" axis: a user pool imported by id, or made in another stack
        "auth_cognito_imported": lambda m: Authorization.cognito(cognito.UserPool.from_user_pool_id(m.stack, m.id("Imp"), "eu-west-1_abc123")),
        "auth_cognito_other_stack": lambda m: Authorization.cognito(cognito.UserPool(m.other, m.id("Pool"))),
        "auth_cognito_wrong": lambda m: Authorization.cognito("pool-id"),  # type: ignore[arg-type]
        "auth_jwt": lambda m: Authorization.jwt("https://issuer.example.com", ["orders"]),
        "auth_jwt_no_audience": lambda m: Authorization.jwt("https://issuer.example.com", []),
        "auth_jwt_wrong": lambda m: Authorization.jwt(5, "orders"),  # type: ignore[arg-type]
        "auth_iam": lambda m: Authorization.iam(),
        "auth_none": lambda m: Authorization.none(reason="public read-only catalogue"),
        "auth_none_empty": lambda m: Authorization.none(reason=""),
        "auth_unknown": lambda m: Authorization("BASIC"),
    }
)

TABLE: dict[str, Prop] = {
    **FUNCTION_TABLE,
    "timeout": durations(limits.APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S, min_s=limits.LAMBDA_MIN_TIMEOUT_S),
    "api": choice(plain("rest", "http", "url"), plain("grpc", "REST", "URL", 5, None)),
    "integration_timeout": durations(
        limits.APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S, min_s=1, token_units=("millis",)
    ),
    "integration_timeout_quota": optional(
        choice(
            st.sampled_from([("s", 60), ("s", 120), ("min", 5)]),
            st.one_of(plain(30, "60"), st.sampled_from([("s", 29), ("s", 10)])),
        )
    ),
    "endpoint_type": optional(
        choice(st.sampled_from([("plain", t) for t in apigw.EndpointType]), plain("PRIVATE", "regional"))
    ),
    "throttling_rate_limit": numbers(1, limits.APIGW_ACCOUNT_RATE_LIMIT * 1.5),
    "throttling_burst_limit": integers(1, limits.APIGW_ACCOUNT_BURST_LIMIT * 2, below=3),
    "provisioned_concurrency": optional(integers(limits.LAMBDA_MIN_PROVISIONED_CONCURRENCY, 50)),
    "authorization": optional(
        choice(
            resource("auth_iam", "auth_cognito", "auth_jwt", "auth_none", "auth_cognito_imported", "auth_cognito_other_stack"),
            st.one_of(
                resource("auth_jwt_no_audience", "auth_jwt_wrong", "auth_none_empty", "auth_unknown", "auth_cognito_wrong"),
                plain("iam", "NONE"),
            ),
        )
    ),
    "cors": optional(
        choice(
            plain(
                apigw.CorsOptions(allow_origins=["https://shop.example.com"]),
                apigwv2.CorsPreflightOptions(allow_origins=["https://shop.example.com"]),
                lambda_.FunctionUrlCorsOptions(allowed_origins=["https://shop.example.com"]),
            ),
            plain({"allow_origins": ["*"]}, "*"),
        )
    ),
    "stage_name": optional(choice(plain("prod", "v1"), plain(5, ""))),
    "api_name": optional(choice(plain("Orders"), plain(["Orders"], ""))),
    "access_log_retention": optional(choice(plain(logs.RetentionDays.ONE_WEEK), plain(7))),
    "cloud_watch_role": choice(plain(True, False, None), plain("yes", 1)),
    "alarms": Prop(valid=plain(True, False), wrong=plain(None, 1, "true")),
    "alarm_topic": optional(choice(st.one_of(resource("topic"), imported("topic")), plain("arn:aws:sns:eu-west-1:123456789012:t"))),
    "dashboard": OPTIONAL_BOOLEANS,
    "server_error_rate_alarm_threshold": numbers(0.01, 0.99),
    "integration_latency_alarm_threshold": durations(20, min_s=1, token_units=("millis",), whole=False),
    "throttles_alarm_threshold": numbers(1, 5),
    "invoke_mode": optional(
        choice(st.sampled_from([("plain", m) for m in lambda_.InvokeMode]), plain("BUFFERED", "stream", 1))
    ),
    "response_transfer_mode": optional(
        choice(st.sampled_from([("plain", m) for m in apigw.ResponseTransferMode]), plain("STREAM", True))
    ),
    "snap_start": choice(plain(True, False), plain(None, 1, "true")),
    "api_props": optional(
        choice(
            plain({"description": "orders"}, {"policy": POLICY}),
            plain(
                {"deploy_options": apigw.StageOptions(stage_name="x")}, {"default_authorizer": None},
                {"unknown": 1}, {"description": 5}, "props",
            ),
        )
    ),
}


@PROPERTY_SETTINGS
@given(st.data())
def test_sync_api_function_never_crashes_and_never_accepts_what_aws_rejects(data: st.DataObject) -> None:
    drawn = draw_props(data, TABLE)

    def build(maker: Maker) -> None:
        SyncApiFunction(maker.stack, "Api", code=INLINE, handler=HANDLER, **build_props(maker, drawn))

    check_case("SyncApiFunction", build, set(drawn), lint=draw_lint(data))

