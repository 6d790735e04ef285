"""Every case issue #14 listed, as a regression test: bad input is a ConstructPropsError
naming the construct path and the prop the user set (never a raw jsii / Python error),
what AWS would refuse is refused, and failure destinations get exactly what delivery
needs. The property-based suite (tests/property) searches beyond these."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from constructs_lib import AsyncWorker, ConstructPropsError, QueueConsumer, StreamProcessor, SyncApiFunction
from constructs_lib._function import ACCOUNT_CONCURRENCY_CONTEXT

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
COMMON: dict[str, Any] = {"code": CODE, "handler": "index.handler"}


def _stack(context: dict[str, Any] | None = None) -> Stack:
    return Stack(App(context=context), "S")


def _token(stack: Stack, name: str = "P") -> float:
    return CfnParameter(stack, name, type="Number").value_as_number


def _stream(stack: Stack) -> kinesis.Stream:
    return kinesis.Stream(stack, "Stream", shard_count=1)


def _table(stack: Stack) -> dynamodb.Table:
    return dynamodb.Table(
        stack, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )


Build = Callable[[Stack], Any]


def queue(**props: Any) -> Build:
    return lambda s: QueueConsumer(s, "C", **COMMON, **props)


def stream(**props: Any) -> Build:
    return lambda s: StreamProcessor(s, "C", **COMMON, stream=_stream(s), **props)


def worker(**props: Any) -> Build:
    return lambda s: AsyncWorker(s, "C", **COMMON, **props)


def api(**props: Any) -> Build:
    return lambda s: SyncApiFunction(s, "C", **COMMON, **props)


def tokenized(build: Callable[[Stack, float], Any]) -> Build:
    """A build whose value needs the stack (an unresolved CfnParameter)."""
    return lambda s: build(s, _token(s))


CASES: list[tuple[str, Build, str, list[str]]] = [
    # A token Duration in a unit that cannot pass through: say which unit works.
    ("timeout minutes(token)", tokenized(lambda s, t: QueueConsumer(s, "C", **COMMON, timeout=Duration.minutes(t))),
     "timeout", ["Duration.minutes(<token>) cannot be converted to seconds", "pass Duration.seconds(<token>)"]),
    ("visibility_timeout minutes(token)",
     tokenized(lambda s, t: QueueConsumer(s, "C", **COMMON, visibility_timeout=Duration.minutes(t))),
     "visibility_timeout", ["pass Duration.seconds(<token>)"]),
    ("retention_period days(token)",
     tokenized(lambda s, t: QueueConsumer(s, "C", **COMMON, retention_period=Duration.days(t))),
     "retention_period", ["pass Duration.seconds(<token>)"]),
    ("max_batching_window minutes(token)",
     tokenized(lambda s, t: QueueConsumer(s, "C", **COMMON, max_batching_window=Duration.minutes(t))),
     "max_batching_window", ["pass Duration.seconds(<token>)"]),
    ("tumbling_window minutes(token)",
     tokenized(lambda s, t: StreamProcessor(s, "C", **COMMON, stream=_stream(s), tumbling_window=Duration.minutes(t))),
     "tumbling_window", ["pass Duration.seconds(<token>)"]),
    ("max_event_age hours(token)", tokenized(lambda s, t: AsyncWorker(s, "C", **COMMON, max_event_age=Duration.hours(t))),
     "max_event_age", ["pass Duration.seconds(<token>)"]),
    ("add_event_rule max_event_age hours(token)",
     tokenized(lambda s, t: AsyncWorker(s, "C", **COMMON).add_event_rule(
         events.Rule(s, "R", event_pattern=events.EventPattern(source=["x"])), max_event_age=Duration.hours(t))),
     "max_event_age", ["pass Duration.seconds(<token>)"]),
    ("integration_timeout seconds(token)",
     tokenized(lambda s, t: SyncApiFunction(s, "C", **COMMON, integration_timeout=Duration.seconds(t))),
     "integration_timeout", ["cannot be converted to millis", "pass Duration.millis(<token>)"]),
    # Fractional seconds where AWS counts whole seconds.
    ("timeout 1.5 s", queue(timeout=Duration.millis(1500)), "timeout", ["is 1.5 seconds, not a whole number of seconds"]),
    ("max_event_age 90.5 s", worker(max_event_age=Duration.millis(90500)), "max_event_age", ["not a whole number of seconds"]),
    ("max_batching_window 1.5 s", queue(max_batching_window=Duration.millis(1500)), "max_batching_window",
     ["not a whole number of seconds"]),
    # Wrong types.
    ("timeout=30", queue(timeout=30), "timeout", ["timeout 30 is of type int; it must be a Duration", "Duration.seconds(30)"]),
    ("batch_size=True", queue(batch_size=True), "batch_size", ["batch_size True is of type bool"]),
    ("batch_size='10'", queue(batch_size="10"), "batch_size", ["batch_size '10' is of type str"]),
    ("table=<Kinesis stream>", lambda s: StreamProcessor(s, "C", **COMMON, table=_stream(s)), "table",
     ["it must be a DynamoDB table", "pass stream=..., not table="]),
    ("stream='arn:...'", lambda s: StreamProcessor(s, "C", **COMMON, stream="arn:aws:kinesis:eu-west-1:1:stream/s"),
     "stream", ["it must be a Kinesis data stream", "Stream.from_stream_arn"]),
    ("QueueConsumer function_props timeout", queue(function_props={"timeout": Duration.seconds(3)}), "function_props",
     ["function_props sets timeout, which the construct sets itself", "pass timeout=..."]),
    ("AsyncWorker function_props timeout", worker(function_props={"timeout": Duration.seconds(3)}), "function_props",
     ["function_props sets timeout, which AsyncWorker sets itself"]),
    ("http api_props deploy_options", api(api="http", api_props={"deploy_options": apigw.StageOptions()}), "api_props",
     ["api_props sets deploy_options, which is not a keyword argument of HttpApi"]),
    ("api_props value of the wrong type", api(api_props={"description": 5}), "api_props",
     ["api_props was refused by apigw.LambdaRestApi", "description"]),
    ("function_props value of the wrong type", queue(function_props={"vpc": "vpc-123"}), "function_props",
     ["function_props was refused by lambda_.Function", "vpc"]),
    ("async-only function_props on a polled function", queue(function_props={"max_event_age": Duration.minutes(5)}),
     "function_props", ["function_props sets max_event_age, which configure asynchronous invocation only",
                        "the SQS event source mapping invokes the function synchronously"]),
    ("duplicate filters", queue(filters=[{"pattern": '{"a": [1]}'}] * 2), "filters",
     ["filters[1] repeats an earlier pattern", "CloudFormation requires the filters"]),
    ("integration_timeout below the default timeout", api(integration_timeout=Duration.seconds(5)), "integration_timeout",
     ["integration_timeout 5 s is not above the function timeout 10 s (its default)"]),
    ("AT_TIMESTAMP without a timestamp", stream(starting_position=lambda_.StartingPosition.AT_TIMESTAMP),
     "starting_position", ["starting_position AT_TIMESTAMP requires starting_position_timestamp"]),
    ("visibility 0 s with a token window",
     tokenized(lambda s, t: QueueConsumer(s, "C", **COMMON, visibility_timeout=Duration.seconds(0),
                                          max_batching_window=Duration.seconds(t))),
     "visibility_timeout", ["visibility_timeout 0 s is below", "(a token, at least 0 s) = at least 180 s"]),
    # Non-integers where AWS takes integers.
    ("batch_size=2.5", queue(batch_size=2.5), "batch_size", ["batch_size 2.5 is not a whole number"]),
    ("memory_size=200.5", queue(memory_size=200.5), "memory_size", ["memory_size 200.5 is not a whole number"]),
    ("reserved=10.5", queue(reserved_concurrent_executions=10.5), "reserved_concurrent_executions", ["10.5 is not a whole"]),
    ("max_receive_count=5.5", queue(max_receive_count=5.5), "max_receive_count", ["5.5 is not a whole number"]),
    ("async retry_attempts=1.5", worker(retry_attempts=1.5), "retry_attempts", ["1.5 is not a whole number"]),
    ("stream retry_attempts=1.5", stream(retry_attempts=1.5), "retry_attempts", ["1.5 is not a whole number"]),
    ("parallelization_factor=1.5", stream(parallelization_factor=1.5), "parallelization_factor", ["1.5 is not a whole"]),
    ("throttling_burst_limit=2.5", api(throttling_burst_limit=2.5), "throttling_burst_limit", ["2.5 is not a whole"]),
    ("provisioned_concurrency=1.5", api(provisioned_concurrency=1.5), "provisioned_concurrency", ["1.5 is not a whole"]),
    # What AWS refuses at deploy time.
    ("PRIVATE REST API without a resource policy", api(endpoint_type=apigw.EndpointType.PRIVATE), "endpoint_type",
     ["endpoint_type PRIVATE needs a resource policy", "api_props={'policy'"]),
    ("add_topic_subscription on a FIFO topic",
     lambda s: AsyncWorker(s, "C", **COMMON).add_topic_subscription(sns.Topic(s, "T", fifo=True)), "topic",
     ["topic is a FIFO topic; SNS FIFO topics deliver only to Amazon SQS queues"]),
    ("async on_failure FIFO queue",
     lambda s: AsyncWorker(s, "C", **COMMON, on_failure=destinations.SqsDestination(sqs.Queue(s, "Q", fifo=True))),
     "on_failure", ["on_failure is a FIFO queue; Lambda does not accept a FIFO queue as a destination"]),
    ("async on_success FIFO queue",
     lambda s: AsyncWorker(s, "C", **COMMON, on_success=destinations.SqsDestination(sqs.Queue(s, "Q", fifo=True))),
     "on_success", ["on_success is a FIFO queue"]),
    ("stream on_failure FIFO queue",
     lambda s: StreamProcessor(s, "C", **COMMON, stream=_stream(s),
                               on_failure=event_sources.SqsDlq(sqs.Queue(s, "Q", fifo=True))),
     "on_failure", ["on_failure is a FIFO queue"]),
    ("stream on_failure FIFO topic",
     lambda s: StreamProcessor(s, "C", **COMMON, stream=_stream(s),
                               on_failure=event_sources.SnsDlq(sns.Topic(s, "T", fifo=True))),
     "on_failure", ["on_failure is a FIFO topic", "MessageGroupId"]),
    # Errors that name what the user set, with the right reason.
    ("reserved_concurrent_executions=1500", queue(reserved_concurrent_executions=1500), "reserved_concurrent_executions",
     ["reserved_concurrent_executions 1500, leaving -500", ACCOUNT_CONCURRENCY_CONTEXT]),
    ("timeout=0", queue(timeout=Duration.seconds(0)), "timeout",
     ["timeout 0 s is outside the allowed range 1-900 s", "Lambda accepts a function timeout of 1 s to 15 minutes"]),
]


@pytest.mark.parametrize(("case", "build", "prop", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_construct_props_error_naming_the_prop(case, build, prop, fragments):
    stack = _stack()
    with pytest.raises(ConstructPropsError) as exc:
        build(stack)
    message = str(exc.value)
    assert exc.value.prop == prop, message
    assert message.startswith(f"{exc.value.construct_type} 'S/C': "), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "(https://" in message


@pytest.mark.parametrize("quota", [5000, 5000.0, "5000", " 5000 "])
def test_a_raised_account_quota_allows_a_large_reservation_and_max_concurrency_follows_up_to_1000(quota):
    """cdk.json gives the quota as a number; `cdk synth -c constructs-lib:account-concurrency=5000` as a string."""
    stack = _stack({ACCOUNT_CONCURRENCY_CONTEXT: quota})
    made = QueueConsumer(stack, "C", **COMMON, reserved_concurrent_executions=1500)
    assert made.max_concurrency == 1000  # the most a mapping allows: derived, so never an error


@pytest.mark.parametrize("quota", ["lots", "0", -5, 2.5, True])
def test_a_context_quota_that_is_not_a_quota_is_an_error_naming_the_key(quota):
    stack = _stack({ACCOUNT_CONCURRENCY_CONTEXT: quota})
    with pytest.raises(ConstructPropsError) as exc:
        QueueConsumer(stack, "C", **COMMON, reserved_concurrent_executions=10)
    assert f"the context value {ACCOUNT_CONCURRENCY_CONTEXT} {quota!r} is not a concurrency quota" in str(exc.value)


# --------------------------------------------------------------------------------------
# Least privilege on failure destinations
# --------------------------------------------------------------------------------------
def _statements(stack: Stack, function: lambda_.Function) -> list[dict[str, Any]]:
    template = App.of(stack).synth().get_stack_by_name(stack.stack_name).template  # type: ignore[union-attr]
    role_id = stack.resolve(stack.get_logical_id(function.role.node.default_child))  # type: ignore[union-attr]
    return [
        statement
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in resource["Properties"]["Roles"]
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
    ]


def _actions(statements: list[dict[str, Any]], prefix: str) -> list[tuple[str, str]]:
    found = []
    for statement in statements:
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        found += [(a, json.dumps(r)) for a in actions if a.startswith(prefix) for r in resources]
    return sorted(found)


def test_s3_on_failure_destination_gets_put_object_on_objects_and_list_bucket_only():
    stack = _stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    bucket = s3.Bucket(stack, "Bucket", encryption_key=key)
    made = StreamProcessor(stack, "C", **COMMON, stream=_stream(stack),
                           on_failure=event_sources.S3OnFailureDestination(bucket))
    statements = _statements(stack, made.function)
    bucket_arn = json.dumps({"Fn::GetAtt": [stack.resolve(stack.get_logical_id(bucket.node.default_child)), "Arn"]})
    objects = json.dumps({"Fn::Join": ["", [json.loads(bucket_arn), "/*"]]})
    assert _actions(statements, "s3:") == [("s3:ListBucket", bucket_arn), ("s3:PutObject", objects)]
    key_arn = json.dumps({"Fn::GetAtt": [stack.resolve(stack.get_logical_id(key.node.default_child)), "Arn"]})
    assert _actions(statements, "kms:") == [("kms:GenerateDataKey", key_arn)]
    # The one wildcard (the bucket's objects) is acknowledged with why delivery needs it.
    acks = {
        k.removeprefix("Annotation::"): v
        for entry in made.node.metadata if entry.type == "aws:cdk:acknowledged-rules" for k, v in entry.data.items()
    }
    bucket_id = json.loads(bucket_arn)["Fn::GetAtt"][0]
    assert "Lambda names each object it writes" in acks[f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/*]"]


def test_sqs_and_sns_destinations_get_send_and_publish_only():
    stack = _stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    queue_ = sqs.Queue(stack, "Q", encryption_master_key=key, retention_period=Duration.days(14))
    made = StreamProcessor(stack, "C", **COMMON, stream=_stream(stack), on_failure=event_sources.SqsDlq(queue_))
    statements = _statements(stack, made.function)
    assert [a for a, _ in _actions(statements, "sqs:")] == ["sqs:SendMessage"]
    assert [a for a, _ in _actions(statements, "kms:")] == ["kms:Decrypt", "kms:GenerateDataKey"]
    stack = _stack()
    made = AsyncWorker(stack, "C", **COMMON, on_failure=destinations.SnsDestination(sns.Topic(stack, "T")))
    assert [a for a, _ in _actions(_statements(stack, made.function), "sns:")] == ["sns:Publish"]


def test_a_verified_destination_queue_needs_no_reminder_and_a_topic_does():
    from aws_cdk.assertions import Annotations, Match

    stack = _stack()
    queue_ = sqs.Queue(stack, "Q", retention_period=Duration.days(14))
    AsyncWorker(stack, "Ok", **COMMON, on_failure=destinations.SqsDestination(queue_))
    AsyncWorker(stack, "Topic", **COMMON, on_failure=destinations.SnsDestination(sns.Topic(stack, "T")))
    annotations = Annotations.from_stack(stack)
    annotations.has_no_warning("/S/Ok", Match.string_like_regexp("failure-destination-unverified"))
    annotations.has_warning("/S/Topic", Match.string_like_regexp("failure-destination-unverified"))


def test_unencrypted_destination_queue_is_refused():
    stack = _stack()
    queue_ = sqs.Queue(stack, "Q", encryption=sqs.QueueEncryption.UNENCRYPTED)
    with pytest.raises(ConstructPropsError) as exc:
        AsyncWorker(stack, "C", **COMMON, on_failure=destinations.SqsDestination(queue_))
    assert exc.value.prop == "on_failure" and "encryption turned off" in str(exc.value)


# --------------------------------------------------------------------------------------
# aws-cdk-lib's bucket-notifications handler: own log group, no managed policy
# --------------------------------------------------------------------------------------
def test_bucket_notifications_handler_logs_to_a_retained_group_with_a_narrow_role():
    stack = _stack()
    made = AsyncWorker(stack, "C", **COMMON)
    made.add_bucket_notification(s3.Bucket(stack, "B"), [s3.EventType.OBJECT_CREATED])
    made.add_bucket_notification(s3.Bucket(stack, "B2"), [s3.EventType.OBJECT_REMOVED])
    template = App.of(stack).synth().get_stack_by_name("S").template  # type: ignore[union-attr]
    resources = template["Resources"]
    handler = next(r for r in resources.values() if r["Type"] == "AWS::Lambda::Function"
                   and "S3BucketNotifications" in r["Properties"].get("Description", ""))
    log_group_ref = handler["Properties"]["LoggingConfig"]["LogGroup"]
    log_group = resources[log_group_ref["Ref"]]
    assert log_group["Properties"]["RetentionInDays"] == 30
    role = resources[handler["Properties"]["Role"]["Fn::GetAtt"][0]]
    assert "ManagedPolicyArns" not in role["Properties"]
    role_id = handler["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = [s for r in resources.values() if r["Type"] == "AWS::IAM::Policy"
                  and {"Ref": role_id} in r["Properties"]["Roles"] for s in r["Properties"]["PolicyDocument"]["Statement"]]
    logs = [s for s in statements if str(s["Action"]).startswith("['logs:") or str(s["Action"]).startswith("logs:")]
    assert logs == [{"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow",
                     "Resource": {"Fn::GetAtt": [log_group_ref["Ref"], "Arn"]}}]
    assert all(s["Resource"] != "*" for s in statements)
    assert sum(1 for r in resources.values() if r["Type"] == "AWS::Logs::LogGroup") == 2  # the worker's and the handler's


def test_bucket_notifications_handler_passes_cdk_nag_without_acknowledgments():
    """The handler's managed policy is gone from the L1, where cdk-nag reads it: an app with a
    bucket notification synthesizes under AwsSolutionsChecks with no IAM4 finding on it."""
    from aws_cdk import Validations
    from cdk_nag import AwsSolutionsChecks

    app = App()
    stack = Stack(app, "S")
    made = AsyncWorker(stack, "C", **COMMON)
    made.add_bucket_notification(
        s3.Bucket(stack, "B", enforce_ssl=True, server_access_logs_prefix="logs/"), [s3.EventType.OBJECT_CREATED]
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()  # raises on any unacknowledged cdk-nag error


def test_overlapping_bucket_notifications_are_refused():
    stack = _stack()
    made = AsyncWorker(stack, "C", **COMMON)
    bucket = s3.Bucket(stack, "B")
    made.add_bucket_notification(bucket, [s3.EventType.OBJECT_CREATED], s3.NotificationKeyFilter(prefix="in/"))
    made.add_bucket_notification(bucket, [s3.EventType.OBJECT_CREATED], s3.NotificationKeyFilter(prefix="out/"))
    with pytest.raises(ConstructPropsError) as exc:
        made.add_bucket_notification(bucket, [s3.EventType.OBJECT_CREATED_PUT], s3.NotificationKeyFilter(prefix="in/x"))
    assert exc.value.prop == "events" and "Configuration is ambiguously defined" in str(exc.value)
    with pytest.raises(ConstructPropsError) as exc:
        made.add_bucket_notification(bucket, [s3.EventType.OBJECT_REMOVED], s3.NotificationKeyFilter())
    assert exc.value.prop == "filters" and "neither a prefix nor a suffix" in str(exc.value)


def test_dynamodb_stream_processor_role_has_no_wildcard_but_x_ray():
    stack = _stack()
    made = StreamProcessor(stack, "C", **COMMON, table=_table(stack))
    wildcards = [s for s in _statements(stack, made.function) if s["Resource"] == "*"]
    assert wildcards == [{"Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Effect": "Allow", "Resource": "*"}]


def test_a_timestamp_of_zero_reaches_the_template():
    """aws-cdk-lib reads 0 as "not given" and refuses AT_TIMESTAMP without one; Lambda takes it."""
    stack = _stack()
    made = StreamProcessor(stack, "C", **COMMON, stream=_stream(stack),
                           starting_position=lambda_.StartingPosition.AT_TIMESTAMP, starting_position_timestamp=0)
    template = App.of(stack).synth().get_stack_by_name("S").template  # type: ignore[union-attr]
    logical_id = stack.resolve(stack.get_logical_id(made.event_source_mapping.node.default_child))
    mapping = template["Resources"][logical_id]["Properties"]
    assert mapping["StartingPosition"] == "AT_TIMESTAMP" and mapping["StartingPositionTimestamp"] == 0
