"""Values aws-cdk-lib refused with a raw jsii error (or AWS refused at deploy), now refused at
construction with a ConstructPropsError naming the path, the prop, the value and the rule:
reserved environment keys, the environment's 4 KB, five layers, an SNS subscription's DLQ in
another Region, API and stage names, a dashboard across environments."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Duration, Environment, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from hypothesis import given, settings
from hypothesis import strategies as st

from constructs_lib import (
    AsyncWorker,
    ConstructPropsError,
    InvocationModelDashboard,
    PlainFunction,
    QueueConsumer,
    SyncApiFunction,
    limits,
)
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import function as function_rules
from tests.conftest import INLINE, assert_error

US = Environment(account="111111111111", region="us-east-1")
EU = Environment(account="111111111111", region="eu-west-1")


def stack(env: Environment | None = US, name: str = "S", app: App | None = None) -> Stack:
    return Stack(app or App(), name, env=env)


def layers(scope: Stack, count: int) -> list[lambda_.ILayerVersion]:
    return [
        lambda_.LayerVersion.from_layer_version_arn(scope, f"L{i}", f"arn:aws:lambda:us-east-1:111111111111:layer:l:{i}")
        for i in range(count)
    ]


# --------------------------------------------------------------------------------------
# Environment variables and layers: every construct
# --------------------------------------------------------------------------------------
MAKERS: dict[str, Any] = {
    "PlainFunction": lambda s, **kw: PlainFunction(s, "F", code=INLINE, handler="i.h", timeout=Duration.seconds(3), **kw),
    "AsyncWorker": lambda s, **kw: AsyncWorker(s, "F", code=INLINE, handler="i.h", **kw),
    "SyncApiFunction": lambda s, **kw: SyncApiFunction(s, "F", code=INLINE, handler="i.h", **kw),
    "QueueConsumer": lambda s, **kw: QueueConsumer(s, "F", code=INLINE, handler="i.h", **kw),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("key", ["AWS_REGION", "_HANDLER", "AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT"])
def test_reserved_environment_key_is_refused(kind: str, key: str) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        MAKERS[kind](stack(), environment={"OK": "1", key: "x"})
    assert_error(exc, f"{kind} 'S/F'", f"environment key {key!r}", "reserved", limits.SRC_LAMBDA_ENVVARS)


@pytest.mark.parametrize("key", ["LANG", "PATH", "PYTHONPATH", "TZ", "aws_region", "AWS_REGION_NAME"])
def test_unreserved_environment_keys_pass(key: str) -> None:
    assert function_rules.check_environment_key(key) is None
    MAKERS["PlainFunction"](stack(), environment={key: "x"})


def test_grant_invoke_reserved_environment_variable_is_refused() -> None:
    s = stack()
    worker = AsyncWorker(s, "W", code=INLINE, handler="i.h")
    caller = PlainFunction(s, "C", code=INLINE, handler="i.h", timeout=Duration.seconds(3))
    with pytest.raises(ConstructPropsError) as exc:
        worker.grant_invoke(caller.function, environment_variable="AWS_REGION")
    assert_error(exc, "AsyncWorker 'S/W'", "environment_variable 'AWS_REGION'", "reserved", limits.SRC_LAMBDA_ENVVARS)
    worker.grant_invoke(caller.function, environment_variable="WORKER_NAME")  # the rule's other side


def _size(variables: dict[str, str]) -> int:
    return sum(len(k.encode()) + len(v.encode()) for k, v in variables.items())


@pytest.mark.parametrize(
    ("value_length", "ok"),
    [(limits.LAMBDA_MAX_ENVIRONMENT_BYTES - 1, True), (limits.LAMBDA_MAX_ENVIRONMENT_BYTES, False)],
)
def test_environment_total_size_boundary(value_length: int, ok: bool) -> None:
    environment = {"A": "x" * value_length}  # key 1 byte + value
    if ok:
        MAKERS["AsyncWorker"](stack(), environment=environment)
        return
    with pytest.raises(ConstructPropsError) as exc:
        MAKERS["AsyncWorker"](stack(), environment=environment)
    assert_error(exc, "AsyncWorker 'S/F'", "environment is 4,097 bytes", "'A'", "4,096", limits.SRC_LAMBDA_QUOTAS)


def test_environment_size_counts_utf8_bytes_of_keys_and_values() -> None:
    over = {"K" * 96: "é" * 2001}  # 96 + 4002 bytes, 2097 characters
    v = function_rules.check_environment_size(over)
    assert v is not None and "4,098 bytes" in v.message


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=40), st.text(max_size=1500), max_size=6))
def test_environment_size_rule_matches_the_byte_count(variables: dict[str, str]) -> None:
    violation = function_rules.check_environment_size(variables)
    assert (violation is None) == (_size(variables) <= limits.LAMBDA_MAX_ENVIRONMENT_BYTES)


def test_environment_with_a_token_value_is_not_sized() -> None:
    s = stack()
    token = CfnParameter(s, "Big").value_as_string
    MAKERS["AsyncWorker"](s, environment={"A": "x" * 4000, "B": token})


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_six_layers_are_refused(kind: str) -> None:
    s = stack()
    with pytest.raises(ConstructPropsError) as exc:
        MAKERS[kind](s, layers=layers(s, 6))
    assert_error(exc, f"{kind} 'S/F'", "layers has 6 layers", "at most 5", limits.SRC_LAMBDA_LAYERS)


def test_five_layers_pass() -> None:
    s = stack()
    MAKERS["PlainFunction"](s, layers=layers(s, 5))
    (fn,) = Template.from_stack(s).find_resources("AWS::Lambda::Function").values()
    assert len(fn["Properties"]["Layers"]) == 5


# --------------------------------------------------------------------------------------
# AsyncWorker.add_topic_subscription: the DLQ in the subscription's Region
# --------------------------------------------------------------------------------------
def test_topic_in_another_region_is_refused() -> None:
    s = stack(US)
    worker = AsyncWorker(s, "W", code=INLINE, handler="i.h")
    topic = sns.Topic.from_topic_arn(s, "T", "arn:aws:sns:eu-west-1:111111111111:t")
    with pytest.raises(ConstructPropsError) as exc:
        worker.add_topic_subscription(topic)
    assert_error(exc, "AsyncWorker 'S/W'", "topic S/T", "eu-west-1", "us-east-1", "same account and Region", limits.SRC_SNS_DLQ)


def test_given_dead_letter_queue_in_another_region_is_refused() -> None:
    s = stack(US)
    worker = AsyncWorker(s, "W", code=INLINE, handler="i.h")
    topic = sns.Topic(s, "T")
    dlq = sqs.Queue.from_queue_arn(s, "Q", "arn:aws:sqs:eu-west-1:111111111111:dlq")
    with pytest.raises(ConstructPropsError) as exc:
        worker.add_topic_subscription(topic, dead_letter_queue=dlq)
    assert_error(exc, "topic S/T is in us-east-1", "dead_letter_queue S/Q is in eu-west-1")


def test_topic_in_the_same_region_and_agnostic_stacks_pass() -> None:
    s = stack(US)
    AsyncWorker(s, "W", code=INLINE, handler="i.h").add_topic_subscription(
        sns.Topic.from_topic_arn(s, "T", "arn:aws:sns:us-east-1:111111111111:t")
    )
    agnostic = stack(None)  # the stack's Region is a token: not compared
    AsyncWorker(agnostic, "W", code=INLINE, handler="i.h").add_topic_subscription(
        sns.Topic.from_topic_arn(agnostic, "T", "arn:aws:sns:eu-west-1:111111111111:t")
    )


# --------------------------------------------------------------------------------------
# SyncApiFunction: api_name and stage_name
# --------------------------------------------------------------------------------------
def test_long_rest_api_name_is_refused() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        SyncApiFunction(stack(), "A", code=INLINE, handler="i.h", api_name="x" * 2000)
    assert_error(exc, "SyncApiFunction 'S/A'", "api_name is 2000 characters", "255", limits.SRC_CLOUDWATCH_ALARM_DIMENSION)


@pytest.mark.parametrize(
    ("api", "limit"), [("rest", limits.CLOUDWATCH_MAX_DIMENSION_VALUE_LENGTH), ("http", limits.APIGW_HTTP_MAX_API_NAME_LENGTH)]
)
def test_api_name_boundary(api: str, limit: int) -> None:
    assert api_rules.check_api_name("x" * limit, api) is None
    violation = api_rules.check_api_name("x" * (limit + 1), api)
    assert violation is not None and violation.prop == "api_name" and f"at most {limit}" in violation.message
    SyncApiFunction(stack(), "A", code=INLINE, handler="i.h", api=api, api_name="x" * limit)


@pytest.mark.parametrize("api", ["rest", "http"])
@pytest.mark.parametrize("name", ["my stage!", "a/b", "", "x" * 129, "st\u00e4ge"])
def test_bad_stage_name_is_refused(api: str, name: str) -> None:
    violation = api_rules.check_stage_name(name, api)
    assert violation is not None and "A-Z, a-z, 0-9, '-' and '_'" in violation.message


@pytest.mark.parametrize("api", ["rest", "http"])
def test_stage_name_refused_by_the_construct(api: str) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        SyncApiFunction(stack(), "A", code=INLINE, handler="i.h", api=api, stage_name="my stage!")
    assert_error(exc, "SyncApiFunction 'S/A'", "stage_name 'my stage!'", "1-128 characters")


@pytest.mark.parametrize(("api", "name"), [("rest", "v1"), ("rest", "x" * 128), ("http", "$default"), ("http", "prod_2-a")])
def test_good_stage_names_pass(api: str, name: str) -> None:
    assert api_rules.check_stage_name(name, api) is None
    SyncApiFunction(stack(), "A", code=INLINE, handler="i.h", api=api, stage_name=name)


def test_rest_default_stage_is_not_a_rest_stage_name() -> None:
    assert api_rules.check_stage_name("$default", "rest") is not None


def test_token_names_are_not_checked() -> None:
    s = stack()
    name = CfnParameter(s, "Name").value_as_string
    SyncApiFunction(s, "A", code=INLINE, handler="i.h", api="http", api_name=name, stage_name=name, alarms=False)


# --------------------------------------------------------------------------------------
# InvocationModelDashboard across environments
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("here", "there"),
    [(US, EU), (US, Environment(account="222222222222", region="us-east-1")), (None, EU), (US, None)],
)
def test_dashboard_of_a_construct_in_another_environment_is_refused(here: Environment | None, there: Environment | None) -> None:
    app = App()
    dashboard_stack, other = stack(here, "Ops", app), stack(there, "Eu", app)
    worker = AsyncWorker(other, "W", code=INLINE, handler="i.h")
    with pytest.raises(ConstructPropsError) as exc:
        InvocationModelDashboard(dashboard_stack, "D", constructs=[worker])
    assert_error(exc, "InvocationModelDashboard 'Ops/D'", "constructs[0] AsyncWorker Eu/W", "another account or Region",
                 limits.SRC_CFN_CROSS_STACK)


@pytest.mark.parametrize("env", [US, None])
def test_dashboard_of_a_construct_in_another_stack_of_the_same_environment_synthesizes(env: Environment | None) -> None:
    app = App()
    dashboard_stack, other = stack(env, "Ops", app), stack(env, "Other", app)
    worker = AsyncWorker(other, "W", code=INLINE, handler="i.h")
    InvocationModelDashboard(dashboard_stack, "D", constructs=[worker])
    app.synth()


# --------------------------------------------------------------------------------------
# StreamProcessor: a start time in milliseconds (the rule lives in value_rules/streams.py)
# --------------------------------------------------------------------------------------
def test_stream_processor_timestamp_in_milliseconds_is_refused() -> None:
    from aws_cdk import aws_kinesis as kinesis

    from constructs_lib import StreamProcessor

    s = stack()
    with pytest.raises(ConstructPropsError) as exc:
        StreamProcessor(
            s, "P", code=INLINE, handler="i.h", stream=kinesis.Stream(s, "K"),
            starting_position=lambda_.StartingPosition.AT_TIMESTAMP, starting_position_timestamp=1.7e12,
        )
    assert_error(exc, "StreamProcessor 'S/P'", "starting_position_timestamp 1700000000000", "milliseconds", "1700000000")
