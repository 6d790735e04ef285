"""Every defect issue #25 listed, as a regression test that failed before the fix: values that
ended in a raw jsii error are a ConstructPropsError naming the prop the user set; a Lambda
destination without a failure path is refused as the checks' rule would refuse the app; a
Kinesis consumer without enhanced fan-out gets only what its poller calls. (The schedule's
defects are in tests/test_async_worker_schedule.py, the imported table in
tests/test_existing_resources.py.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template

from constructs_lib import AsyncWorker, ConstructPropsError, PlainFunction, QueueConsumer, StreamProcessor, SyncApiFunction
from constructs_lib.checks import TemplateModel, run_checks
from tests.conftest import INLINE, assert_error

COMMON: dict[str, Any] = {"code": INLINE, "handler": "index.handler"}
Build = Callable[..., Any]


def _stack() -> Stack:
    return Stack(App(), "S")


def _table(stack: Stack) -> dynamodb.Table:
    return dynamodb.Table(
        stack, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )


#: One builder per construct (and front door): ``build(stack, **props)``.
CONSTRUCTS: dict[str, Build] = {
    "QueueConsumer": lambda s, **p: QueueConsumer(s, "C", **COMMON, **p),
    "StreamProcessor": lambda s, **p: StreamProcessor(s, "C", **COMMON, table=_table(s), **p),
    "AsyncWorker": lambda s, **p: AsyncWorker(s, "C", **COMMON, **p),
    "SyncApiFunction(rest)": lambda s, **p: SyncApiFunction(s, "C", **COMMON, **p),
    "SyncApiFunction(url)": lambda s, **p: SyncApiFunction(s, "C", **COMMON, api="url", reserved_concurrent_executions=5, **p),
    "PlainFunction": lambda s, **p: PlainFunction(s, "C", **COMMON, timeout=Duration.seconds(5), **p),
}


# --------------------------------------------------------------------------------------
# A description over 256 characters: a raw jsii RuntimeError on every construct
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
@pytest.mark.parametrize(("length", "refused"), [(256, False), (257, True), (1000, True)])
def test_description_over_256_characters_is_refused(construct: str, length: int, refused: bool) -> None:
    stack = _stack()
    if not refused:
        CONSTRUCTS[construct](stack, description="d" * length)
        return
    with pytest.raises(ConstructPropsError) as exc:
        CONSTRUCTS[construct](stack, description="d" * length)
    assert exc.value.prop == "description"
    assert_error(exc, "'S/C'", f"{length} characters", "at most 256", "API_CreateFunction")


def test_a_token_description_passes() -> None:
    stack = _stack()
    PlainFunction(stack, "C", **COMMON, timeout=Duration.seconds(5), description=CfnParameter(stack, "D").value_as_string)


# --------------------------------------------------------------------------------------
# A Java runtime with inline code: a raw RuntimeError (naming function_props with SnapStart)
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
@pytest.mark.parametrize("runtime", [lambda_.Runtime.JAVA_21, lambda_.Runtime.PROVIDED_AL2023, lambda_.Runtime.DOTNET_8])
def test_inline_code_on_a_runtime_that_cannot_run_it_is_refused(construct: str, runtime: lambda_.Runtime) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        CONSTRUCTS[construct](_stack(), runtime=runtime)
    assert exc.value.prop == "code"
    assert_error(exc, "Code.from_inline", runtime.name, "Node.js and Python", "aws-properties-lambda-function-code")


def test_snap_start_on_java_with_inline_code_names_code_not_function_props() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        SyncApiFunction(_stack(), "C", **COMMON, runtime=lambda_.Runtime.JAVA_21, snap_start=True)
    assert exc.value.prop == "code" and "function_props" not in str(exc.value)


@pytest.mark.parametrize("runtime", [lambda_.Runtime.NODEJS_22_X, lambda_.Runtime.PYTHON_3_12, None])
def test_inline_code_on_node_and_python_passes(runtime: lambda_.Runtime | None) -> None:
    PlainFunction(_stack(), "C", **COMMON, timeout=Duration.seconds(5), runtime=runtime)


def test_packaged_code_on_java_passes(tmp_path: Any) -> None:
    (tmp_path / "app.jar").write_bytes(b"PK")
    PlainFunction(
        _stack(), "C", code=lambda_.Code.from_asset(str(tmp_path)), handler="example.Handler::handleRequest",
        runtime=lambda_.Runtime.JAVA_21, timeout=Duration.seconds(5),
    )


# --------------------------------------------------------------------------------------
# CORS max_age: above 86,400 s or not whole seconds ended in a raw RuntimeError
# --------------------------------------------------------------------------------------
def _url(cors: Any) -> SyncApiFunction:
    return SyncApiFunction(_stack(), "C", **COMMON, api="url", reserved_concurrent_executions=5, cors=cors)


@pytest.mark.parametrize(("seconds", "refused"), [(0, False), (86400, False), (86401, True), (90000, True)])
def test_function_url_cors_max_age_is_at_most_a_day(seconds: int, refused: bool) -> None:
    cors = lambda_.FunctionUrlCorsOptions(allowed_origins=["*"], max_age=Duration.seconds(seconds))
    if not refused:
        _url(cors)
        return
    with pytest.raises(ConstructPropsError) as exc:
        _url(cors)
    assert exc.value.prop == "cors"
    assert_error(exc, "'S/C'", f"cors max_age {seconds} s", "86400 s", "API_Cors")


@pytest.mark.parametrize(
    ("door", "cors"),
    [
        ("url", lambda_.FunctionUrlCorsOptions(allowed_origins=["*"], max_age=Duration.millis(1500))),
        ("http", apigwv2.CorsPreflightOptions(allow_origins=["*"], max_age=Duration.millis(1500))),
        ("rest", apigw.CorsOptions(allow_origins=["*"], max_age=Duration.millis(1500))),
    ],
)
def test_cors_max_age_must_be_whole_seconds_on_every_door(door: str, cors: Any) -> None:
    extra = {"reserved_concurrent_executions": 5} if door == "url" else {}
    with pytest.raises(ConstructPropsError) as exc:
        SyncApiFunction(_stack(), "C", **COMMON, api=door, cors=cors, **extra)
    assert exc.value.prop == "cors"
    assert_error(exc, "cors max_age", "not a whole number of seconds", "Duration.seconds(2)")


@pytest.mark.parametrize(("seconds", "refused"), [(86400, False), (86401, True)])
def test_http_api_cors_max_age_is_at_most_a_day(seconds: int, refused: bool) -> None:
    cors = apigwv2.CorsPreflightOptions(allow_origins=["*"], max_age=Duration.seconds(seconds))
    if not refused:
        SyncApiFunction(_stack(), "C", **COMMON, api="http", cors=cors)
        return
    with pytest.raises(ConstructPropsError) as exc:
        SyncApiFunction(_stack(), "C", **COMMON, api="http", cors=cors)
    assert exc.value.prop == "cors" and "an HTTP API" in str(exc.value)


def test_rest_cors_max_age_has_no_limit_of_api_gateway_and_needs_an_origin() -> None:
    SyncApiFunction(_stack(), "C", **COMMON, cors=apigw.CorsOptions(allow_origins=["*"], max_age=Duration.days(30)))
    with pytest.raises(ConstructPropsError) as exc:
        SyncApiFunction(_stack(), "C", **COMMON, cors=apigw.CorsOptions(allow_origins=[]))
    assert exc.value.prop == "cors" and "allow_origins is empty" in str(exc.value)


@pytest.mark.parametrize(
    ("field", "kwargs", "count"),
    [
        ("allowed_origins", {"allowed_origins": [f"https://a{i}.example.com" for i in range(101)]}, 101),
        ("allowed_headers", {"allowed_origins": ["*"], "allowed_headers": [f"X-H{i}" for i in range(101)]}, 101),
        ("allowed_methods", {"allowed_origins": ["*"], "allowed_methods": [lambda_.HttpMethod.GET] * 7}, 7),
    ],
)
def test_function_url_cors_lists_within_lambdas_sizes(field: str, kwargs: dict[str, Any], count: int) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        _url(lambda_.FunctionUrlCorsOptions(**kwargs))
    assert exc.value.prop == "cors"
    assert_error(exc, field, f"{count} items")


def test_a_token_cors_max_age_passes() -> None:
    stack = _stack()
    SyncApiFunction(
        stack, "C", **COMMON, api="url", reserved_concurrent_executions=5,
        cors=lambda_.FunctionUrlCorsOptions(allowed_origins=["*"], max_age=Duration.seconds(CfnParameter(stack, "A", type="Number").value_as_number)),
    )


# --------------------------------------------------------------------------------------
# A Lambda destination without a failure path: the constructs and the checks agree
# --------------------------------------------------------------------------------------
def _async_failure_findings(template: dict[str, Any]) -> list[str]:
    return [
        f.resource
        for f in run_checks([TemplateModel(template, name="S")])
        if f.rule_id == "async-failure-destination" and f.is_error
    ]


def _destination_function(stack: Stack, path: str) -> lambda_.IFunction:
    """A function made in ``stack`` with one kind of failure path (``path``)."""
    if path == "async worker":
        return AsyncWorker(stack, "Target", **COMMON).function
    fn = lambda_.Function(
        stack, "Target", code=INLINE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_14,
        dead_letter_queue=sqs.Queue(stack, "TargetDlq", retention_period=Duration.days(14)) if path == "dead-letter queue" else None,
        durable_config=lambda_.DurableConfig(execution_timeout=Duration.minutes(15)) if path.startswith("durable") else None,
    )
    if path in ("on-failure destination", "durable, on-failure destination only"):
        fn.configure_async_invoke(on_failure=destinations.SqsDestination(sqs.Queue(stack, "TargetFailures")))
    return fn


#: (failure path of the destination function, whether the rule accepts it)
PATHS = [
    ("none", False),
    ("durable, on-failure destination only", False),
    ("dead-letter queue", True),
    ("on-failure destination", True),
    ("async worker", True),
]


@pytest.mark.parametrize("prop", ["on_failure", "on_success"])
@pytest.mark.parametrize(("path", "accepted"), PATHS, ids=[p for p, _ in PATHS])
def test_lambda_destination_is_refused_exactly_when_the_check_would_fail_the_app(prop: str, path: str, accepted: bool) -> None:
    """The construct refuses LambdaDestination(fn) exactly when `constructs-lib check` fails the
    same app with async-failure-destination: proven on the template of the same wiring made
    with aws-cdk-lib alone (what the user would have without the construct's refusal)."""
    hand = _stack()
    caller = lambda_.Function(hand, "Caller", code=INLINE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_14)
    target = _destination_function(hand, path)
    wiring: dict[str, Any] = {"on_failure": destinations.SqsDestination(sqs.Queue(hand, "CallerFailures"))}
    wiring[prop] = destinations.LambdaDestination(target)
    caller.configure_async_invoke(**wiring)
    target_id = hand.resolve(target.node.default_child.logical_id)  # type: ignore[union-attr]
    rule_fails = target_id in _async_failure_findings(Template.from_stack(hand).to_json())
    assert rule_fails is not accepted

    ours = _stack()
    target = _destination_function(ours, path)
    if accepted:
        AsyncWorker(ours, "C", **COMMON, **{prop: destinations.LambdaDestination(target)})
        assert _async_failure_findings(Template.from_stack(ours).to_json()) == []
        return
    with pytest.raises(ConstructPropsError) as exc:
        AsyncWorker(ours, "C", **COMMON, **{prop: destinations.LambdaDestination(target)})
    assert exc.value.prop == prop
    assert_error(exc, f"{prop} LambdaDestination(S/Target", "neither an on-failure destination nor a dead-letter queue",
                 "async-failure-destination", "invocation-async-retain-records")


def test_a_destination_function_of_another_stack_is_inspected_too() -> None:
    app = App()
    other, stack = Stack(app, "Other"), Stack(app, "S")
    plain = PlainFunction(other, "Target", **COMMON, timeout=Duration.seconds(5))
    with pytest.raises(ConstructPropsError) as exc:
        AsyncWorker(stack, "C", **COMMON, on_failure=destinations.LambdaDestination(plain.function))
    assert_error(exc, "LambdaDestination(Other/Target/Function)")
    AsyncWorker(stack, "C2", **COMMON, on_failure=destinations.LambdaDestination(AsyncWorker(other, "Worker", **COMMON).function))


def test_an_imported_destination_function_warns_that_it_cannot_be_inspected() -> None:
    from aws_cdk import Environment
    from aws_cdk.assertions import Annotations, Match

    stack = Stack(App(), "S", env=Environment(account="123456789012", region="eu-west-1"))
    imported = lambda_.Function.from_function_arn(stack, "F", "arn:aws:lambda:eu-west-1:123456789012:function:target")
    AsyncWorker(stack, "C", **COMMON, on_success=destinations.LambdaDestination(imported))
    warnings = Annotations.from_stack(stack).find_warning("/S/C", Match.string_like_regexp("imported function"))
    assert warnings and "constructs-lib:destination-function-unverified" in str(warnings)


def test_a_destination_aws_cdk_lib_cannot_bind_is_an_error_naming_the_prop() -> None:
    """An imported function of an account the (environment-agnostic) stack cannot compare:
    aws-cdk-lib refuses to add the invoke permission; the error names the prop."""
    stack = _stack()
    imported = lambda_.Function.from_function_arn(stack, "F", "arn:aws:lambda:eu-west-1:123456789012:function:target")
    with pytest.raises(ConstructPropsError) as exc:
        AsyncWorker(stack, "C", **COMMON, on_success=destinations.LambdaDestination(imported))
    assert exc.value.prop == "on_success"
    assert_error(exc, "on_success was refused by LambdaDestination.bind", "sameEnvironment")


def test_a_lambda_destination_is_granted_the_function_it_names_only() -> None:
    """Lambda invokes the destination it names; aws-cdk-lib's grant adds <ARN>:* besides."""
    stack = _stack()
    target = AsyncWorker(stack, "Target", **COMMON)
    worker = AsyncWorker(stack, "C", **COMMON, on_failure=destinations.LambdaDestination(target.function))
    policy = Template.from_stack(stack).to_json()["Resources"][stack.resolve(worker.function.role.node.find_child("DefaultPolicy").node.default_child.logical_id)]  # type: ignore[union-attr]
    invoke = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Action"] == "lambda:InvokeFunction"]
    assert invoke == [{"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": stack.resolve(target.function.function_arn)}]


# --------------------------------------------------------------------------------------
# Kinesis without enhanced fan-out: no SubscribeToShard, DescribeStreamConsumer, ListStreams
# --------------------------------------------------------------------------------------
def _kinesis_actions(stack: Stack, processor: StreamProcessor) -> dict[str, list[str]]:
    """Every kinesis:* action of the function's role, by the resource it names."""
    resources = Template.from_stack(stack).to_json()["Resources"]
    role_id = stack.resolve(processor.function.role.node.default_child.logical_id)  # type: ignore[union-attr]
    found: dict[str, list[str]] = {}
    for resource in resources.values():
        if resource["Type"] != "AWS::IAM::Policy" or {"Ref": role_id} not in resource["Properties"]["Roles"]:
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
            kinesis_actions = [a for a in actions if a.startswith("kinesis:")]
            if kinesis_actions:
                found.setdefault(str(statement["Resource"]), []).extend(kinesis_actions)
    return found


STANDARD_ITERATOR = [
    "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards",
]


@pytest.mark.parametrize("imported", [False, True], ids=["stream of this app", "imported stream"])
def test_kinesis_without_enhanced_fan_out_gets_only_what_the_poller_calls(imported: bool) -> None:
    stack = _stack()
    stream = (
        kinesis.Stream.from_stream_arn(stack, "Stream", "arn:aws:kinesis:eu-west-1:123456789012:stream/orders")
        if imported
        else kinesis.Stream(stack, "Stream", shard_count=1)
    )
    processor = StreamProcessor(stack, "C", **COMMON, stream=stream)
    actions = _kinesis_actions(stack, processor)
    assert list(actions.values()) == [STANDARD_ITERATOR]
    assert list(actions) == [str(stack.resolve(stream.stream_arn))]


def test_kinesis_with_enhanced_fan_out_subscribes_through_its_consumer() -> None:
    stack = _stack()
    processor = StreamProcessor(stack, "C", **COMMON, stream=kinesis.Stream(stack, "Stream", shard_count=1), use_enhanced_fan_out=True)
    assert processor.stream_consumer is not None
    consumer_arn = str(stack.resolve(processor.stream_consumer.stream_consumer_arn))
    assert sorted(_kinesis_actions(stack, processor)[consumer_arn]) == ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"]


def test_grant_invoke_to_a_role_of_another_account_is_a_resource_based_permission() -> None:
    """A principal of another account cannot get a policy from this stack: as aws-cdk-lib does,
    the function's resource policy lets it invoke."""
    from aws_cdk import Environment
    from aws_cdk import aws_iam as iam

    stack = Stack(App(), "S", env=Environment(account="123456789012", region="eu-west-1"))
    worker = AsyncWorker(stack, "C", **COMMON)
    worker.grant_invoke(iam.Role.from_role_arn(stack, "Other", "arn:aws:iam::999999999999:role/caller"))
    permissions = Template.from_stack(stack).find_resources("AWS::Lambda::Permission")
    assert [p["Properties"]["Principal"] for p in permissions.values()] == ["arn:aws:iam::999999999999:role/caller"]
    policies = Template.from_stack(stack).find_resources("AWS::IAM::Policy")
    assert not any(p["Properties"]["Roles"] == ["caller"] for p in policies.values())
