"""The type and unit layer (constructs_lib/_validation.py): each spec on plain values,
without a construct or a synth; the few Duration cases need jsii's Duration only."""

from __future__ import annotations

import inspect
import math

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from constructs_lib import _validation as v
from constructs_lib._failure import delivery_statements
from constructs_lib.async_worker import AsyncWorker
from constructs_lib.queue_consumer import QueueConsumer
from constructs_lib.stream_processor import StreamProcessor
from constructs_lib.sync_api import SyncApiFunction


def _token() -> float:
    return CfnParameter(Stack(App(), "T"), "P", type="Number").value_as_number


# --------------------------------------------------------------------------------------
# Integer: AWS takes whole numbers
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "plain"), [(10, 10.0), (10.0, 10.0), (0, 0.0), (-1, -1.0), (None, None)])
def test_integer_accepts_whole_numbers(value, plain):
    assert v.Integer().check("batch_size", value) == (None, plain)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (2.5, "batch_size 2.5 is not a whole number; AWS takes an integer"),
        (True, "batch_size True is of type bool; it must be an integer"),
        ("10", "batch_size '10' is of type str; it must be an integer"),
        (float("nan"), "batch_size nan is not a finite number"),
        ([10], "batch_size [10] is of type list"),
    ],
)
def test_integer_refuses_fractions_bools_strings(value, fragment):
    violation, plain = v.Integer().check("batch_size", value)
    assert plain is None and violation is not None and violation.prop == "batch_size"
    assert fragment in violation.message


def test_integer_token_passes_as_unknown():
    assert v.Integer().check("batch_size", _token()) == (None, None)


def test_non_nullable_none_is_refused():
    violation, _ = v.Integer(nullable=False).check("retry_attempts", None)
    assert violation is not None and "retry_attempts None is not allowed" in violation.message


def test_token_numbers_are_recognised_in_python_only_when_they_can_be_tokens():
    assert not v.is_token_number(-1e6) and not v.is_token_number(10.5)
    assert v.is_token_number(_token())


# --------------------------------------------------------------------------------------
# Duration: type, whole unit, token unit
# --------------------------------------------------------------------------------------
def test_duration_is_read_in_its_unit():
    assert v.DurationSpec(unit=v.SECONDS).check("timeout", Duration.minutes(2)) == (None, 120.0)
    assert v.DurationSpec(unit=v.MILLIS).check("integration_timeout", Duration.millis(1500)) == (None, 1.5)


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        (30, ["timeout 30 is of type int; it must be a Duration", "write Duration.seconds(30) if you meant 30 seconds"]),
        ("30", ["timeout '30' is of type str; it must be a Duration"]),
        (Duration.millis(1500), ["timeout 1 second 500 millis is 1.5 seconds, not a whole number of seconds", "Use Duration.seconds(2)"]),
    ],
)
def test_duration_refuses_numbers_and_fractions(value, fragments):
    violation, _ = v.DurationSpec(unit=v.SECONDS, what="Lambda (the function timeout)").check("timeout", value)
    assert violation is not None and violation.prop == "timeout"
    for fragment in fragments:
        assert fragment in violation.message, violation.message


def test_fractional_duration_is_fine_where_only_compared():
    assert v.DurationSpec(unit=v.SECONDS, whole=False).check("threshold", Duration.millis(1500)) == (None, 1.5)


def test_token_duration_passes_in_its_unit_and_is_refused_in_another():
    spec = v.DurationSpec(unit=v.SECONDS)
    assert spec.check("timeout", Duration.seconds(_token())) == (None, None)
    violation, _ = spec.check("timeout", Duration.minutes(_token()))
    assert violation is not None
    assert "timeout Duration.minutes(<token>) cannot be converted to seconds" in violation.message
    assert "pass Duration.seconds(<token>) instead" in violation.message
    millis = v.DurationSpec(unit=v.MILLIS)
    violation, _ = millis.check("integration_timeout", Duration.seconds(_token()))
    assert violation is not None and "pass Duration.millis(<token>) instead" in violation.message


def test_known_durations_cost_no_jsii_round_trip():
    made = v.duration_seconds(1234)
    assert v.duration_seconds(1234) is made
    assert v.DurationSpec(unit=v.SECONDS).check("timeout", made) == (None, 1234.0)


# --------------------------------------------------------------------------------------
# Instances, choices, collections, escape hatches
# --------------------------------------------------------------------------------------
def test_instance_knows_jsii_interfaces_including_imported_proxies():
    stack = Stack(App(), "I")
    stream = kinesis.Stream(stack, "S")
    imported = kinesis.Stream.from_stream_arn(stack, "Imp", "arn:aws:kinesis:eu-west-1:123456789012:stream/s")
    table = dynamodb.Table(stack, "T", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))
    assert v.implements(stream, kinesis.IStream) and v.implements(imported, kinesis.IStream)
    assert v.implements(table, dynamodb.ITable) and not v.implements(stream, dynamodb.ITable)
    assert not v.implements("arn:aws:kinesis:eu-west-1:123456789012:stream/s", kinesis.IStream)
    spec = v.Instance(types=(dynamodb.ITable,), what="a DynamoDB table", hint="pass stream=... for Kinesis")
    violation, _ = spec.check("table", stream)
    assert violation is not None and "table" in violation.message and "pass stream=... for Kinesis" in violation.message


def test_choice_and_collections():
    assert v.Choice(values=("rest", "http")).check("api", "rest") == (None, "rest")
    assert v.Choice(values=(-1,)).check("max_record_age", -1.0)[0] is None
    assert v.Choice(values=(-1,)).check("max_record_age", True)[0] is not None
    env = v.MappingOf(value=v.Text(what="a str"))
    assert env.check("environment", {"A": "b"})[0] is None
    violation, _ = env.check("environment", {"COUNT": 3})
    assert violation is not None and "environment['COUNT'] 3 is of type int" in violation.message
    seq = v.SequenceOf(item=v.Integer(), non_empty=True, what="a list")
    assert seq.check("events", [])[0] is not None and seq.check("events", "abc")[0] is not None


def test_escape_hatch_keys():
    spec = v.Keywords(target=lambda_.Function, owned=v.OWN_FUNCTION_PROPS, construct="QueueConsumer")
    assert spec.check("function_props", {"vpc": None, "role": None})[0] is None
    owned, _ = spec.check("function_props", {"timeout": Duration.seconds(3)})
    assert owned is not None and "function_props sets timeout, which QueueConsumer sets itself" in owned.message
    unknown, _ = spec.check("function_props", {"deploy_options": {}})
    assert unknown is not None and "not a keyword argument of Function" in unknown.message


# --------------------------------------------------------------------------------------
# One spec per prop, for every construct and helper
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("target", "specs"),
    [
        (QueueConsumer.__init__, v.queue_consumer_specs()),
        (StreamProcessor.__init__, v.stream_processor_specs()),
        (AsyncWorker.__init__, v.async_worker_specs()),
        (SyncApiFunction.__init__, v.sync_api_specs()),
        (AsyncWorker.add_event_rule, v.event_rule_specs()),
        (AsyncWorker.add_topic_subscription, v.topic_subscription_specs()),
        (AsyncWorker.add_bucket_notification, v.bucket_notification_specs()),
        (AsyncWorker.grant_invoke, v.grant_invoke_specs()),
    ],
)
def test_every_keyword_argument_has_a_spec(target, specs):
    params = set(inspect.signature(target).parameters) - {"self", "scope", "id"}
    assert params == set(specs), f"missing specs: {params - set(specs)}; unknown: {set(specs) - params}"


# --------------------------------------------------------------------------------------
# Failure destinations: exactly what delivery needs
# --------------------------------------------------------------------------------------
def test_s3_destination_gets_put_object_and_list_bucket_only():
    granted = [
        {
            "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:PutObject",
                       "s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:PutObjectTagging",
                       "s3:PutObjectVersionTagging", "s3:Abort*"],
            "Effect": "Allow",
            "Resource": ["BUCKET", "BUCKET/*"],
        },
        {"Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
         "Effect": "Allow", "Resource": "KEY"},
    ]
    assert delivery_statements(granted) == [
        {"Action": ["s3:PutObject"], "Effect": "Allow", "Resource": ["BUCKET/*"]},
        {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["BUCKET"]},
        {"Action": ["kms:GenerateDataKey"], "Effect": "Allow", "Resource": ["KEY"]},
    ]


def test_sqs_and_sns_destinations():
    sqs_granted = [
        {"Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], "Effect": "Allow", "Resource": "Q"},
        {"Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Effect": "Allow", "Resource": "K"},
    ]
    assert delivery_statements(sqs_granted) == [
        {"Action": ["sqs:SendMessage"], "Effect": "Allow", "Resource": ["Q"]},
        {"Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Effect": "Allow", "Resource": ["K"]},
    ]
    assert delivery_statements([{"Action": "sns:Publish", "Effect": "Allow", "Resource": "T"}]) == [
        {"Action": ["sns:Publish"], "Effect": "Allow", "Resource": ["T"]}
    ]


def test_unknown_services_and_conditions_are_kept_unchanged():
    odd = [{"Action": "firehose:PutRecord", "Effect": "Allow", "Resource": "F"},
           {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": "Q", "Condition": {"Bool": {"x": "y"}}}]
    assert delivery_statements(odd) == odd


def test_visibility_timeout_is_derived_up_to_whole_seconds():
    stack = Stack(App(), "V")
    made = QueueConsumer(stack, "C", code=lambda_.Code.from_inline("x"), handler="i.h", timeout=Duration.seconds(7),
                         max_batching_window=Duration.seconds(1))
    assert made.visibility_timeout is not None and made.visibility_timeout.to_seconds() == 43
    assert math.isclose(made.visibility_timeout.to_seconds(), 6 * 7 + 1)
    assert isinstance(made.queue, sqs.Queue)
