"""StreamProcessor: defaults, derivations and validation (one synth per module)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import limits
from constructs_lib._failure import PreboundDestination
from constructs_lib.errors import ConstructPropsError
from constructs_lib.stream_processor import INFINITE, StreamProcessor

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
HANDLER = "index.handler"
TS = 1_700_000_000


def _stream(scope, id="Stream", **kwargs) -> kinesis.Stream:
    return kinesis.Stream(scope, id, encryption=kinesis.StreamEncryption.MANAGED, **kwargs)


def _table(scope, id="Table", stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES) -> dynamodb.Table:
    return dynamodb.Table(
        scope,
        id,
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=stream,
    )


# ----------------------------------------------------------------------------------------
# One app for every positive case
# ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    app = App()
    stack = Stack(app, "S")
    stream = _stream(stack, shard_count=2)
    table = _table(stack)
    made: dict[str, Any] = {"stack": stack, "stream": stream, "table": table}
    made["kin"] = StreamProcessor(stack, "KinDefault", code=CODE, handler=HANDLER, stream=stream)
    made["ddb"] = StreamProcessor(stack, "DdbDefault", code=CODE, handler=HANDLER, table=table)
    made["efo"] = StreamProcessor(
        stack, "Efo", code=CODE, handler=HANDLER, stream=stream, use_enhanced_fan_out=True
    )
    topic = sns.Topic(stack, "Topic")
    made["custom"] = StreamProcessor(
        stack,
        "Custom",
        code=CODE,
        handler=HANDLER,
        stream=stream,
        starting_position=lambda_.StartingPosition.AT_TIMESTAMP,
        starting_position_timestamp=TS,
        batch_size=500,
        max_batching_window=Duration.seconds(10),
        parallelization_factor=10,
        reserved_concurrent_executions=20,  # exactly 2 shards x 10
        retry_attempts=0,
        max_record_age=Duration.seconds(60),
        bisect_batch_on_error=False,
        report_batch_item_failures=False,
        on_failure=event_sources.SnsDlq(topic),
        tumbling_window=Duration.seconds(900),
        # Five distinct patterns (CloudFormation refuses duplicates).
        filters=[lambda_.FilterCriteria.filter({"data": {"kind": [f"order{i}"]}}) for i in range(5)],
    )
    bucket = s3.Bucket(stack, "Bucket")
    made["s3"] = StreamProcessor(
        stack,
        "ToS3",
        code=CODE,
        handler=HANDLER,
        table=table,
        on_failure=event_sources.S3OnFailureDestination(bucket),
        max_record_age=Duration.hours(24),  # exactly the DynamoDB Streams retention
    )
    made["kms"] = StreamProcessor(
        stack, "Kms", code=CODE, handler=HANDLER, table=table, encryption_key=kms.Key(stack, "Key")
    )
    made["forever"] = StreamProcessor(
        stack, "Forever", code=CODE, handler=HANDLER, stream=stream, retry_attempts=-1, max_record_age=-1
    )
    made["ageless"] = StreamProcessor(
        stack, "Ageless", code=CODE, handler=HANDLER, table=table, max_record_age=INFINITE
    )
    made["retry_forever_aged"] = StreamProcessor(
        stack, "RetryAged", code=CODE, handler=HANDLER, stream=stream, retry_attempts=-1
    )
    n = lambda name: CfnParameter(stack, name, type="Number").value_as_number  # noqa: E731
    made["tokens"] = StreamProcessor(
        stack,
        "Tokens",
        code=CODE,
        handler=HANDLER,
        stream=kinesis.Stream(stack, "TokenStream", shard_count=n("Shards")),
        timeout=Duration.seconds(n("Timeout")),
        memory_size=n("Memory"),
        reserved_concurrent_executions=n("Reserved"),
        starting_position=lambda_.StartingPosition.AT_TIMESTAMP,
        starting_position_timestamp=n("Ts"),
        batch_size=n("Batch"),
        max_batching_window=Duration.seconds(n("Window")),
        parallelization_factor=n("Factor"),
        retry_attempts=n("Retries"),
        max_record_age=Duration.seconds(n("Age")),
        tumbling_window=Duration.seconds(n("Tumbling")),
    )
    imported = kinesis.Stream.from_stream_arn(stack, "Imported", "arn:aws:kinesis:us-east-1:111111111111:stream/x")
    made["imported"] = StreamProcessor(
        stack,
        "ImportedStream",
        code=CODE,
        handler=HANDLER,
        stream=imported,
        reserved_concurrent_executions=1,  # shard count unknown: not checked
        max_record_age=Duration.days(7),  # retention unknown: not checked
    )
    made["template"] = Template.from_stack(stack)
    made["json"] = made["template"].to_json()
    made["annotations"] = Annotations.from_stack(stack)
    return made


def _logical_id(built, construct) -> str:
    return built["stack"].get_logical_id(construct.node.default_child)


def _props(built, construct) -> dict[str, Any]:
    return built["json"]["Resources"][_logical_id(built, construct)]["Properties"]


def _policy_statements(built, processor: StreamProcessor) -> list[dict[str, Any]]:
    role_id = built["stack"].get_logical_id(processor.function.role.node.default_child)
    for res in built["json"]["Resources"].values():
        if res["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in res["Properties"]["Roles"]:
            return res["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError("no policy")


def _ref(built, construct) -> dict[str, str]:
    return {"Ref": _logical_id(built, construct)}


def _arn(built, construct, attr="Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [_logical_id(built, construct), attr]}


# ----------------------------------------------------------------------------------------
# Defaults
# ----------------------------------------------------------------------------------------
def test_kinesis_defaults_exact_mapping(built):
    kin = built["kin"]
    assert _props(built, kin.event_source_mapping) == {
        "BatchSize": 100,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Destination": _arn(built, kin.failure_queue)}},
        "EventSourceArn": _arn(built, built["stream"]),
        "FunctionName": _ref(built, kin.function),
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MetricsConfig": {"Metrics": ["EventCount"]},
        "MaximumRecordAgeInSeconds": limits.DEFAULT_STREAM_MAX_RECORD_AGE_S,
        "MaximumRetryAttempts": limits.DEFAULT_STREAM_RETRY_ATTEMPTS,
        "ParallelizationFactor": 1,
        "StartingPosition": "TRIM_HORIZON",
    }
    assert limits.DEFAULT_STREAM_MAX_RECORD_AGE_S == 6 * 3600 and limits.DEFAULT_STREAM_RETRY_ATTEMPTS == 3


def test_dynamodb_defaults_exact_mapping(built):
    ddb = built["ddb"]
    assert _props(built, ddb.event_source_mapping) == {
        "BatchSize": 100,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Destination": _arn(built, ddb.failure_queue)}},
        "EventSourceArn": _arn(built, built["table"], "StreamArn"),
        "FunctionName": _ref(built, ddb.function),
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MetricsConfig": {"Metrics": ["EventCount"]},
        "MaximumRecordAgeInSeconds": 21600,
        "MaximumRetryAttempts": 3,
        "ParallelizationFactor": 1,
        "StartingPosition": "TRIM_HORIZON",
    }


@pytest.mark.parametrize("name", ["kin", "ddb"])
def test_default_failure_queue_encrypted_14_days_tls(built, name):
    queue = built[name].failure_queue
    assert _props(built, queue) == {"MessageRetentionPeriod": 14 * 24 * 3600, "SqsManagedSseEnabled": True}
    policy = next(
        r for r in built["json"]["Resources"].values()
        if r["Type"] == "AWS::SQS::QueuePolicy" and _ref(built, queue) in r["Properties"]["Queues"]
    )
    statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # The queue's own destination, bound with exactly sqs:SendMessage (not SqsDlq's extras).
    assert isinstance(built[name].on_failure, PreboundDestination)


def test_default_function(built):
    props = _props(built, built["kin"].function)
    assert props["Timeout"] == 30 and props["MemorySize"] == 256
    assert props["Runtime"] == "python3.14" and props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert "ReservedConcurrentExecutions" not in props


def test_attributes(built):
    kin, ddb, efo = built["kin"], built["ddb"], built["efo"]
    assert kin.stream is built["stream"] and kin.table is None and kin.stream_consumer is None
    assert ddb.table is built["table"] and ddb.stream is None
    assert efo.stream_consumer is not None
    assert kin.retry_attempts == 3 and kin.max_record_age.to_seconds() == 21600
    assert built["forever"].max_record_age == INFINITE == -1
    assert built["custom"].failure_queue is None


# ----------------------------------------------------------------------------------------
# Least-privilege IAM
# ----------------------------------------------------------------------------------------
def test_kinesis_iam_read_on_stream_and_send_to_failure_queue(built):
    kin = built["kin"]
    statements = _policy_statements(built, kin)
    reads = [s for s in statements if any(a.startswith("kinesis:") for a in s["Action"])]
    assert len(reads) == 1 and reads[0]["Resource"] == _arn(built, built["stream"])
    assert not any(a in reads[0]["Action"] for a in ("kinesis:PutRecord", "kinesis:PutRecords"))
    sends = [s for s in statements if "sqs:SendMessage" in s["Action"]]
    # Exactly what delivery needs: aws-cdk-lib's SqsDlq would add GetQueueAttributes/GetQueueUrl.
    assert sends == [{"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": _arn(built, kin.failure_queue)}]


def test_dynamodb_iam_stream_read_only(built):
    statements = _policy_statements(built, built["ddb"])
    ddb = [s for s in statements if any(a.startswith("dynamodb:") for a in _actions(s))]
    table_id = _logical_id(built, built["table"])
    # Stream reads on the stream; ListStreams on this table's streams (AWS's documented scope),
    # never on "*" and never table reads.
    assert ddb == [
        {
            "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
            "Effect": "Allow",
            "Resource": _arn(built, built["table"], "StreamArn"),
        },
        {
            "Action": "dynamodb:ListStreams",
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [table_id, "Arn"]}, "/stream/*"]]},
        },
    ]
    assert not any(s["Resource"] == "*" and not _actions(s)[0].startswith("xray:") for s in statements)


def test_dynamodb_list_streams_acknowledgment_names_the_table():
    stack = Stack(App(), "Ack")
    table = _table(stack)
    StreamProcessor(stack, "Proc", code=CODE, handler=HANDLER, table=table)
    acks = _acknowledged(stack, "Proc")
    table_id = stack.resolve(stack.get_logical_id(table.node.default_child))
    reason = acks[f"AwsSolutions-IAM5[Resource::<{table_id}.Arn>/stream/*]"]
    assert "dynamodb:ListStreams on the streams of this one table" in reason
    assert "xray:PutTraceSegments" in acks["AwsSolutions-IAM5[Resource::*]"]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def _acknowledged(stack: Stack, path: str) -> dict[str, str]:
    """The acknowledgments recorded on one construct (CDK's aws:cdk:acknowledged-rules metadata)."""
    merged: dict[str, str] = {}
    for entry in stack.node.find_child(path).node.metadata:
        if entry.type == "aws:cdk:acknowledged-rules":
            merged.update({k.removeprefix("Annotation::"): v for k, v in entry.data.items()})
    return merged


def test_enhanced_fan_out_consumer(built):
    efo = built["efo"]
    consumer_id = _logical_id(built, efo.stream_consumer)
    assert built["json"]["Resources"][consumer_id]["Type"] == "AWS::Kinesis::StreamConsumer"
    assert _props(built, efo.stream_consumer)["StreamARN"] == _arn(built, built["stream"])
    mapping = _props(built, efo.event_source_mapping)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [consumer_id, "ConsumerARN"]}
    consumer_grant = [s for s in _policy_statements(built, efo)
                      if s["Resource"] == {"Fn::GetAtt": [consumer_id, "ConsumerARN"]}]
    assert consumer_grant[0]["Action"] == ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"]


def test_kms_failure_queue_and_grant(built):
    kms_p = built["kms"]
    key_id = next(k for k, v in built["json"]["Resources"].items() if v["Type"] == "AWS::KMS::Key")
    assert _props(built, kms_p.failure_queue) == {
        "KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
        "MessageRetentionPeriod": 14 * 24 * 3600,
    }
    kms_statements = [s for s in _policy_statements(built, kms_p) if s["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}]
    # Delivery to a KMS-encrypted queue needs exactly kms:Decrypt and kms:GenerateDataKey.
    assert kms_statements == [
        {"Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Effect": "Allow", "Resource": {"Fn::GetAtt": [key_id, "Arn"]}}
    ]


# ----------------------------------------------------------------------------------------
# Overrides are passed through unchanged
# ----------------------------------------------------------------------------------------
def test_custom_props_pass_through(built):
    custom = built["custom"]
    props = _props(built, custom.event_source_mapping)
    topic_ref = {"Ref": next(k for k, v in built["json"]["Resources"].items() if v["Type"] == "AWS::SNS::Topic")}
    assert props == {
        "BatchSize": 500,
        "BisectBatchOnFunctionError": False,
        "DestinationConfig": {"OnFailure": {"Destination": topic_ref}},
        "EventSourceArn": _arn(built, built["stream"]),
        "FilterCriteria": {"Filters": [{"Pattern": f'{{"data":{{"kind":["order{i}"]}}}}'} for i in range(5)]},
        "FunctionName": _ref(built, custom.function),
        "MaximumBatchingWindowInSeconds": 10,
        "MetricsConfig": {"Metrics": ["EventCount"]},
        "MaximumRecordAgeInSeconds": 60,
        "MaximumRetryAttempts": 0,
        "ParallelizationFactor": 10,
        "StartingPosition": "AT_TIMESTAMP",
        "StartingPositionTimestamp": TS,
        "TumblingWindowInSeconds": 900,
    }
    publish = [s for s in _policy_statements(built, custom) if s["Action"] == "sns:Publish"]
    assert publish == [{"Action": "sns:Publish", "Effect": "Allow", "Resource": topic_ref}]
    assert _props(built, custom.function)["ReservedConcurrentExecutions"] == 20


def test_s3_on_failure_destination(built):
    props = _props(built, built["s3"].event_source_mapping)
    bucket_id = next(k for k, v in built["json"]["Resources"].items() if v["Type"] == "AWS::S3::Bucket")
    assert props["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [bucket_id, "Arn"]}}}
    assert props["MaximumRecordAgeInSeconds"] == 24 * 3600
    assert built["s3"].failure_queue is None


def test_infinite_values_reach_the_template(built):
    props = _props(built, built["forever"].event_source_mapping)
    assert props["MaximumRetryAttempts"] == -1 and props["MaximumRecordAgeInSeconds"] == -1
    assert _props(built, built["ageless"].event_source_mapping)["MaximumRecordAgeInSeconds"] == -1


# ----------------------------------------------------------------------------------------
# Warnings
# ----------------------------------------------------------------------------------------
def test_warning_infinite_retries_only_when_both_infinite(built):
    ann = built["annotations"]
    ann.has_warning("/S/Forever", Match.string_like_regexp("retry_attempts -1 with max_record_age -1.*blocks its whole shard"))
    ann.has_warning("/S/Forever", Match.string_like_regexp(r"\[ack: constructs-lib:stream-infinite-retries\]"))
    ann.has_no_warning("/S/RetryAged", Match.any_value())
    ann.has_no_warning("/S/KinDefault", Match.any_value())
    ann.has_no_warning("/S/DdbDefault", Match.any_value())


def test_warning_infinite_record_age(built):
    built["annotations"].has_warning(
        "/S/Ageless", Match.string_like_regexp(r"max_record_age -1 \(infinite\).*constructs-lib:stream-infinite-record-age")
    )
    built["annotations"].has_no_warning("/S/Forever", Match.string_like_regexp("stream-infinite-record-age"))


# ----------------------------------------------------------------------------------------
# Unresolved tokens are skipped, never crashed on
# ----------------------------------------------------------------------------------------
def test_tokens_pass_through(built):
    props = _props(built, built["tokens"].event_source_mapping)
    for key, param in [
        ("BatchSize", "Batch"), ("MaximumBatchingWindowInSeconds", "Window"), ("ParallelizationFactor", "Factor"),
        ("MaximumRetryAttempts", "Retries"), ("MaximumRecordAgeInSeconds", "Age"),
        ("TumblingWindowInSeconds", "Tumbling"), ("StartingPositionTimestamp", "Ts"),
    ]:
        assert props[key] == {"Ref": param}, key


def test_unknown_shards_and_retention_not_checked(built):
    props = _props(built, built["imported"].event_source_mapping)
    assert props["MaximumRecordAgeInSeconds"] == 7 * 24 * 3600


# ----------------------------------------------------------------------------------------
# Validation: every rule, boundaries on each side, message names path/prop/value/rule
# ----------------------------------------------------------------------------------------
def _make(source: str = "kinesis", **kwargs: Any) -> StreamProcessor:
    stack = Stack(App(), "V")
    if source == "kinesis":
        kwargs.setdefault("stream", _stream(stack, shard_count=kwargs.pop("shards", 1),
                                            **kwargs.pop("stream_kwargs", {})))
    elif source == "dynamodb":
        kwargs.setdefault("table", _table(stack, stream=kwargs.pop("view", dynamodb.StreamViewType.NEW_IMAGE)))
    return StreamProcessor(stack, "Proc", code=CODE, handler=HANDLER, **kwargs)


def _fails(fragments: list[str], source: str = "kinesis", **kwargs: Any) -> ConstructPropsError:
    with pytest.raises(ConstructPropsError) as info:
        _make(source, **kwargs)
    message = str(info.value)
    assert message.startswith("StreamProcessor 'V/Proc': "), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "https://docs.aws.amazon.com/" in message
    return info.value


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"batch_size": 0}, ["batch_size 0", "1-10000"]),
        ({"batch_size": 10001}, ["batch_size 10001", "1-10000"]),
        ({"max_batching_window": Duration.seconds(301)}, ["max_batching_window 301 s", "0-300 s"]),
        ({"parallelization_factor": 0}, ["parallelization_factor 0", "1-10"]),
        ({"parallelization_factor": 11}, ["parallelization_factor 11", "1-10"]),
        ({"retry_attempts": -2}, ["retry_attempts -2", "-1-10000"]),
        ({"retry_attempts": 10001}, ["retry_attempts 10001", "-1-10000"]),
        ({"max_record_age": Duration.seconds(59)}, ["max_record_age 59 s", "60-604800 s"]),
        ({"max_record_age": Duration.seconds(604801)}, ["max_record_age 604801 s", "60-604800 s"]),
        ({"max_record_age": 0}, ["max_record_age 0 is not a Duration (60 s to 7 days) or -1"]),
        ({"max_record_age": -2}, ["max_record_age -2 is not a Duration (60 s to 7 days) or -1"]),
        ({"tumbling_window": Duration.seconds(901)}, ["tumbling_window 901 s", "0-900 s"]),
        ({"filters": [{"pattern": "{}"}] * 6}, ["filters has 6 patterns", "at most 5"]),
        ({"timeout": Duration.seconds(901)}, ["timeout 901 s", "1-900 s"]),
        ({"reserved_concurrent_executions": 0}, ["reserved_concurrent_executions 0", "every invocation is throttled"]),
        (
            {"starting_position": lambda_.StartingPosition.AT_TIMESTAMP},
            ["starting_position AT_TIMESTAMP requires starting_position_timestamp"],
        ),
        (
            {"starting_position_timestamp": TS},
            [f"starting_position_timestamp {TS}", "starting_position is TRIM_HORIZON"],
        ),
        (
            {"starting_position": lambda_.StartingPosition.LATEST, "starting_position_timestamp": TS},
            ["starting_position is LATEST"],
        ),
        (
            {"shards": 2, "parallelization_factor": 2, "reserved_concurrent_executions": 3},
            ["reserved_concurrent_executions 3", "shards (2) x parallelization_factor (2) = 4",
             "could not run all shards concurrently"],
        ),
        (
            {"shards": 3, "reserved_concurrent_executions": 2},
            ["reserved_concurrent_executions 2", "= 3"],
        ),
        (
            {"max_record_age": Duration.seconds(24 * 3600 + 1)},
            ["max_record_age 86401 s", "retention period (86400 s)", "trimmed from the stream"],
        ),
        (
            {"stream_kwargs": {"retention_period": Duration.hours(48)}, "max_record_age": Duration.hours(49)},
            ["max_record_age 176400 s", "retention period (172800 s)"],
        ),
    ],
)
def test_kinesis_validation(kwargs, fragments):
    _fails(fragments, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"max_record_age": Duration.seconds(24 * 3600 + 1)}, ["max_record_age 86401 s", "24 h retention of DynamoDB Streams"]),
        (
            {"starting_position": lambda_.StartingPosition.AT_TIMESTAMP, "starting_position_timestamp": TS},
            ["starting_position AT_TIMESTAMP is not supported for DynamoDB Streams"],
        ),
        ({"use_enhanced_fan_out": True}, ["use_enhanced_fan_out True", "only available for Kinesis"]),
        ({"view": None}, ["table V/Table has no DynamoDB stream", "StreamViewType.NEW_AND_OLD_IMAGES"]),
    ],
)
def test_dynamodb_validation(kwargs, fragments):
    _fails(fragments, source="dynamodb", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({"batch_size": 1}, "kinesis"),
        ({"batch_size": 10000}, "kinesis"),
        ({"max_batching_window": Duration.seconds(300)}, "kinesis"),
        ({"parallelization_factor": 1}, "kinesis"),
        ({"retry_attempts": 10000}, "kinesis"),
        ({"max_record_age": Duration.seconds(60)}, "kinesis"),
        ({"max_record_age": Duration.days(7), "stream_kwargs": {"retention_period": Duration.days(7)}}, "kinesis"),
        ({"max_record_age": Duration.hours(24)}, "kinesis"),
        ({"tumbling_window": Duration.seconds(0)}, "kinesis"),
        ({"filters": [{"pattern": f'{{"n": [{i}]}}'} for i in range(5)]}, "kinesis"),
        ({"shards": 3, "reserved_concurrent_executions": 3}, "kinesis"),
        ({"starting_position": lambda_.StartingPosition.LATEST}, "dynamodb"),
        ({"max_record_age": Duration.hours(24)}, "dynamodb"),
        ({"retry_attempts": 0}, "dynamodb"),
    ],
)
def test_last_good_values(kwargs, source):
    assert _make(source, **kwargs).event_source_mapping is not None


def test_exactly_one_source():
    _fails(["stream and table: neither given", "exactly one"], source="none")
    stack = Stack(App(), "V")
    with pytest.raises(ConstructPropsError, match="both given"):
        StreamProcessor(stack, "Proc", code=CODE, handler=HANDLER, stream=_stream(stack), table=_table(stack))


def test_encryption_key_conflicts_with_on_failure():
    stack = Stack(App(), "V")
    topic = sns.Topic(stack, "Topic")
    with pytest.raises(ConstructPropsError, match="encryption_key configures the failure queue"):
        StreamProcessor(
            stack, "Proc", code=CODE, handler=HANDLER, stream=_stream(stack),
            on_failure=event_sources.SnsDlq(topic), encryption_key=kms.Key(stack, "K"),
        )


def test_error_exposes_prop():
    error = _fails(["parallelization_factor 11"], parallelization_factor=11)
    assert error.prop == "parallelization_factor" and error.construct_path == "V/Proc"


def test_validation_happens_before_resources():
    stack = Stack(App(), "V")
    stream = _stream(stack)
    with pytest.raises(ConstructPropsError):
        StreamProcessor(stack, "Proc", code=CODE, handler=HANDLER, stream=stream, batch_size=0)
    assert [c.node.id for c in stack.node.find_child("Proc").node.children] == []


# ----------------------------------------------------------------------------------------
# A token max_record_age must be in seconds (it can only be passed through as it is)
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("unit", ["millis", "minutes", "hours", "days"])
def test_token_max_record_age_in_another_unit_is_an_error(unit):
    stack = Stack(App(), "V")
    age = CfnParameter(stack, "Age", type="Number").value_as_number
    with pytest.raises(ConstructPropsError) as info:
        StreamProcessor(
            stack, "Proc", code=CODE, handler=HANDLER, stream=_stream(stack),
            max_record_age=getattr(Duration, unit)(age),
        )
    message = str(info.value)
    assert message.startswith(f"StreamProcessor 'V/Proc': max_record_age Duration.{unit}(<token>) cannot be converted"), message
    assert "pass Duration.seconds(<token>) instead" in message and "https://docs.aws.amazon.com/" in message
    assert info.value.prop == "max_record_age"
    assert [c.node.id for c in stack.node.find_child("Proc").node.children] == []


def test_token_max_record_age_in_seconds_passes_through(built):
    # Duration.seconds(token) keeps working: the Ref goes straight to the L1 property.
    assert _props(built, built["tokens"].event_source_mapping)["MaximumRecordAgeInSeconds"] == {"Ref": "Age"}


# ----------------------------------------------------------------------------------------
# The created failure queue (14 days) must cover the Kinesis stream's retention
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("hours", "ok"), [(14 * 24, True), (14 * 24 + 1, False)])
def test_created_failure_queue_must_cover_stream_retention(hours, ok):
    kwargs = {"stream_kwargs": {"retention_period": Duration.hours(hours)}}
    if ok:
        assert _make(**kwargs).failure_queue is not None
        return
    error = _fails(
        [
            f"stream V/Stream keeps records {hours * 3600} s",
            "without on_failure this construct creates an SQS failure queue that keeps messages at most 1209600 s",
            "on_failure=aws_lambda_event_sources.S3OnFailureDestination(bucket)",
        ],
        **kwargs,
    )
    assert error.prop == "stream"  # the prop the user set


def test_long_stream_retention_with_s3_on_failure_is_accepted_with_a_warning():
    stack = Stack(App(), "V")
    stream = _stream(stack, retention_period=Duration.days(30))
    made = StreamProcessor(
        stack, "Proc", code=CODE, handler=HANDLER, stream=stream,
        on_failure=event_sources.S3OnFailureDestination(s3.Bucket(stack, "Bucket")),
    )
    assert made.failure_queue is None
    Annotations.from_stack(stack).has_warning(
        "/V/Proc",
        Match.string_like_regexp(
            r"on_failure S3OnFailureDestination is your own destination.*at least 2592000 s, the stream's "
            r"retention.*constructs-lib:failure-destination-unverified"
        ),
    )


def test_an_app_queue_kept_shorter_than_the_stream_is_refused():
    """Nothing is lost: a queue made in this app is inspected, and one that keeps the pointer to
    a discarded batch less long than the stream keeps its records is an error."""
    stack = Stack(App(), "R")
    stream = _stream(stack, retention_period=Duration.days(3))
    with pytest.raises(ConstructPropsError) as err:
        StreamProcessor(
            stack, "Proc", code=CODE, handler=HANDLER, stream=stream,
            on_failure=event_sources.SqsDlq(sqs.Queue(stack, "Short", retention_period=Duration.days(2))),
        )
    message = str(err.value)
    assert message.startswith("StreamProcessor 'R/Proc': on_failure"), message
    assert "on_failure queue keeps messages 172800 s, less than the stream keeps records (259200 s)" in message


def test_an_app_queue_kept_as_long_as_the_stream_is_verified_without_a_warning():
    stack = Stack(App(), "R")
    stream = _stream(stack, retention_period=Duration.days(3))
    StreamProcessor(
        stack, "Proc", code=CODE, handler=HANDLER, stream=stream,
        on_failure=event_sources.SqsDlq(sqs.Queue(stack, "Long", retention_period=Duration.days(3))),
    )
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


# ----------------------------------------------------------------------------------------
# A given on_failure cannot be inspected: a warning says what it must be
# ----------------------------------------------------------------------------------------
def test_given_on_failure_warns_that_it_is_unverified(built):
    ann = built["annotations"]
    ann.has_warning(
        "/S/Custom",
        Match.string_like_regexp(
            r"on_failure SnsDlq is your own destination, which this construct cannot inspect; make sure it "
            r"is encrypted.*not FIFO: Lambda destinations reject FIFO queues.*at least 86400 s, the stream's "
            r"retention.*\[ack: constructs-lib:failure-destination-unverified\]"
        ),
    )
    ann.has_warning(
        "/S/ToS3",
        Match.string_like_regexp(r"on_failure S3OnFailureDestination is your own destination.*at least 86400 s"),
    )
    for default in ("/S/KinDefault", "/S/DdbDefault", "/S/Kms"):
        ann.has_no_warning(default, Match.string_like_regexp("failure-destination-unverified"))


# ----------------------------------------------------------------------------------------
# Tables with and without a stream (Table and TableV2, made and imported); Regions
# ----------------------------------------------------------------------------------------
def _env_stack(region: str | None = "us-east-1") -> Stack:
    from aws_cdk import Environment

    return Stack(App(), "Shop", env=Environment(account="123456789012", region=region) if region else None)


def _processor(stack: Stack, **props: Any) -> StreamProcessor:
    return StreamProcessor(stack, "Changes", code=CODE, handler=HANDLER, **props)


def _key() -> dynamodb.Attribute:
    return dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)


def _region_warnings(stack: Stack) -> list[str]:
    found = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("stream-in-other-region"))
    return [str(message.entry.data) for message in found]


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        (lambda s: dynamodb.Table(s, "Orders", partition_key=_key()), "stream=dynamodb.StreamViewType"),
        (lambda s: dynamodb.TableV2(s, "Orders", partition_key=_key()), "dynamo_stream=dynamodb.StreamViewType"),
    ],
    ids=["Table", "TableV2"],
)
def test_a_table_without_a_stream_is_an_error(make, hint) -> None:
    stack = _env_stack()
    with pytest.raises(ConstructPropsError) as exc:
        _processor(stack, table=make(stack))
    assert exc.value.prop == "table"
    message = str(exc.value)
    assert "StreamProcessor 'Shop/Changes'" in message
    assert "table Shop/Orders has no DynamoDB stream" in message and hint in message


def test_a_table_v2_without_a_stream_never_reaches_the_template() -> None:
    """The defect: GetAtt StreamArn on a GlobalTable without StreamSpecification, which
    fails to deploy; now refused before any resource is made."""
    stack = _env_stack()
    table = dynamodb.TableV2(stack, "Orders", partition_key=_key())
    with pytest.raises(ConstructPropsError):
        _processor(stack, table=table)
    Template.from_stack(stack).resource_count_is("AWS::Lambda::EventSourceMapping", 0)


@pytest.mark.parametrize(
    "make",
    [
        lambda s: dynamodb.Table(s, "Orders", partition_key=_key(), stream=dynamodb.StreamViewType.NEW_IMAGE),
        lambda s: dynamodb.TableV2(s, "Orders", partition_key=_key(), dynamo_stream=dynamodb.StreamViewType.NEW_IMAGE),
        lambda s: dynamodb.TableV2(s, "Orders", partition_key=_key(), replicas=[dynamodb.ReplicaTableProps(region="us-west-2")]),
    ],
    ids=["Table", "TableV2", "TableV2 with a replica (NEW_AND_OLD_IMAGES)"],
)
def test_a_table_with_a_stream_reads_it(make) -> None:
    stack = _env_stack()
    table = make(stack)
    _processor(stack, table=table)
    template = Template.from_stack(stack)
    table_id = stack.get_logical_id(table.node.default_child)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"EventSourceArn": {"Fn::GetAtt": [table_id, "StreamArn"]}}
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda s: dynamodb.Table.from_table_name(s, "Orders", "orders"),
        lambda s: dynamodb.TableV2.from_table_name(s, "Orders", "orders"),
        lambda s: dynamodb.TableV2.from_table_arn(s, "Orders", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
    ],
    ids=["Table.from_table_name", "TableV2.from_table_name", "TableV2.from_table_arn"],
)
def test_an_imported_table_without_its_stream_arn_is_an_error(make) -> None:
    stack = _env_stack()
    with pytest.raises(ConstructPropsError) as exc:
        _processor(stack, table=make(stack))
    assert exc.value.prop == "table"
    assert "imported without its stream ARN" in str(exc.value)


@pytest.mark.parametrize("cls", [dynamodb.Table, dynamodb.TableV2], ids=["Table", "TableV2"])
def test_an_imported_table_with_its_stream_arn_is_read(cls) -> None:
    stack = _env_stack()
    stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
    processor = _processor(stack, table=cls.from_table_attributes(stack, "Orders", table_name="orders", table_stream_arn=stream_arn))
    assert processor.event_source_arn == stream_arn
    assert _region_warnings(stack) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda s: kinesis.Stream.from_stream_arn(s, "Source", "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"),
        lambda s: dynamodb.Table.from_table_attributes(
            s, "Source", table_name="orders",
            table_stream_arn="arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
        ),
        lambda s: dynamodb.TableV2.from_table_attributes(
            s, "Source", table_arn="arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
            table_stream_arn="arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
        ),
    ],
    ids=["Kinesis", "Table", "TableV2"],
)
def test_a_source_in_another_region_warns(make) -> None:
    stack = _env_stack("us-east-1")
    source = make(stack)
    prop = "table" if hasattr(source, "table_name") else "stream"
    _processor(stack, **{prop: source})
    warnings = _region_warnings(stack)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{prop} Shop/Source reads a ")
    assert "Region eu-west-1" in warnings[0] and "us-east-1" in warnings[0]


def test_a_stream_of_a_stack_in_another_region_warns() -> None:
    from aws_cdk import Environment

    app = App()
    producer = Stack(app, "Producer", env=Environment(account="123456789012", region="eu-west-1"))
    stack = Stack(app, "Shop", env=Environment(account="123456789012", region="us-east-1"))
    processor = _processor(stack, stream=_stream(producer))
    # Synthesis itself refuses the cross-Region reference (aws-cdk-lib); the warning is
    # already on the construct, read from its metadata.
    warnings = [str(entry.data) for entry in processor.node.metadata if "stream-in-other-region" in str(entry.data)]
    assert len(warnings) == 1 and "Region eu-west-1" in warnings[0]


def test_a_source_in_the_same_region_or_of_an_unknown_region_does_not_warn() -> None:
    from aws_cdk import Aws, Fn

    same = _env_stack("eu-west-1")
    _processor(same, stream=kinesis.Stream.from_stream_arn(same, "S", "arn:aws:kinesis:eu-west-1:210987654321:stream/orders"))
    assert _region_warnings(same) == []
    agnostic = _env_stack(None)
    _processor(agnostic, stream=kinesis.Stream.from_stream_arn(agnostic, "S", "arn:aws:kinesis:eu-west-1:123456789012:stream/o"))
    assert _region_warnings(agnostic) == []
    tokened = _env_stack("us-east-1")
    token_arn = Fn.join(":", ["arn", Aws.PARTITION, "kinesis", Aws.REGION, Aws.ACCOUNT_ID, "stream/orders"])
    _processor(tokened, stream=kinesis.Stream.from_stream_arn(tokened, "S", token_arn))
    assert _region_warnings(tokened) == []
