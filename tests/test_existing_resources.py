"""Bring your own resources: every resource a construct accepts, imported (``from_*_arn`` /
``from_*_attributes`` / ``from_*_name``) or made in another stack (cross-stack references,
tokens in every ARN), either synthesizes - under cdk-nag's AwsSolutions and Serverless packs,
with `constructs-lib check` finding no error in any stack, least privilege (no ``*`` but
X-Ray's, no wildcard action) and no acknowledgment built from a token - or is refused at
construction with an error that names what the import lacks.

The producing stack holds only what the user made; the user's own findings there (a queue
cdk-nag does not see used as a DLQ from another stack, a stream with a customer managed key)
are acknowledged by the user, as the docs page "Using existing resources" shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Acknowledgment, App, Duration, Environment, Stack, Validations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from constructs_lib import AsyncWorker, Authorization, ConstructPropsError, PlainFunction, QueueConsumer, StreamProcessor, SyncApiFunction
from constructs_lib.checks import TemplateModel, run_checks
from tests.conftest import INLINE

COMMON: dict[str, Any] = {"code": INLINE, "handler": "index.handler"}
ENV = Environment(account="123456789012", region="eu-west-1")
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:eu-west-1:123456789012:{resource}"


#: What the user acknowledges on the resources of their own (producing) stack: findings on
#: resources they made, which no construct of this library can see or change.
USER_ACKNOWLEDGMENTS = {
    "AwsSolutions-SQS3": "the user's queue is the DLQ of a queue in another stack, which cdk-nag cannot see",
    "Serverless-SQSRedrivePolicy": "the user's queue is itself the end of a failure path",
    "AwsSolutions-KDS3": "the user's stream has a customer managed key on purpose",
    "AwsSolutions-COG1": "the user's test user pool", "AwsSolutions-COG2": "the user's test user pool",
    "AwsSolutions-COG8": "the user's test user pool",
}
#: What a REST API leaves to its owner (docs/sync-api-function.md): request validation and WAF.
REST_ACKNOWLEDGMENTS = {
    "AwsSolutions-APIG2": "a proxy integration's handler validates its input",
    "AwsSolutions-APIG3": "no WAF web ACL in this test",
}


def key(stack: Stack, id: str = "Key") -> kms.Key:
    return kms.Key(stack, id, enable_key_rotation=True)


def imported_key(stack: Stack) -> kms.IKey:
    return kms.Key.from_key_arn(stack, "ImportedKey", KEY_ARN)


def table(stack: Stack, **props: Any) -> dynamodb.Table:
    return dynamodb.Table(
        stack, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        **props,
    )


def stream(stack: Stack) -> kinesis.Stream:
    return kinesis.Stream(stack, "Stream", shard_count=1, encryption=kinesis.StreamEncryption.MANAGED)


def queue(stack: Stack, id: str = "Queue", **props: Any) -> sqs.Queue:
    return sqs.Queue(stack, id, enforce_ssl=True, retention_period=Duration.days(14), **props)


def bucket(stack: Stack, **props: Any) -> s3.Bucket:
    return s3.Bucket(stack, "Bucket", enforce_ssl=True, server_access_logs_prefix="logs/", **props)


Build = Callable[[Stack, Stack], Any]
#: name -> build(producer, stack). Each synthesizes, least privilege, cdk-nag and checks clean.
SYNTHESIZES: dict[str, Build] = {
    # QueueConsumer: queue, dead_letter_queue, encryption_key, alarm_topic
    "QueueConsumer imported queue": lambda p, s: QueueConsumer(s, "C", **COMMON, queue=sqs.Queue.from_queue_arn(s, "Q", arn("sqs", "orders"))),
    "QueueConsumer imported queue with key": lambda p, s: QueueConsumer(
        s, "C", **COMMON, queue=sqs.Queue.from_queue_attributes(s, "Q", queue_arn=arn("sqs", "orders"), key_arn=KEY_ARN)
    ),
    "QueueConsumer queue of another stack": lambda p, s: QueueConsumer(
        s, "C", **COMMON,
        queue=queue(p, visibility_timeout=Duration.seconds(180), encryption_master_key=key(p),
                    dead_letter_queue=sqs.DeadLetterQueue(queue=queue(p, "Dlq", encryption_master_key=key(p, "DlqKey")), max_receive_count=5)),
    ),
    "QueueConsumer imported dead-letter queue": lambda p, s: QueueConsumer(
        s, "C", **COMMON, dead_letter_queue=sqs.Queue.from_queue_arn(s, "D", arn("sqs", "orders-dlq"))
    ),
    "QueueConsumer dead-letter queue of another stack": lambda p, s: QueueConsumer(s, "C", **COMMON, dead_letter_queue=queue(p, "Dlq")),
    "QueueConsumer imported key": lambda p, s: QueueConsumer(s, "C", **COMMON, encryption_key=imported_key(s)),
    "QueueConsumer key of another stack": lambda p, s: QueueConsumer(s, "C", **COMMON, encryption_key=key(p)),
    "QueueConsumer imported alarm topic": lambda p, s: QueueConsumer(
        s, "C", **COMMON, alarm_topic=sns.Topic.from_topic_arn(s, "T", arn("sns", "pager"))
    ),
    "QueueConsumer alarm topic of another stack": lambda p, s: QueueConsumer(
        s, "C", **COMMON, alarm_topic=sns.Topic(p, "Pager", enforce_ssl=True, master_key=key(p))
    ),
    # StreamProcessor: stream, table, on_failure, encryption_key
    "StreamProcessor imported stream": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=kinesis.Stream.from_stream_arn(s, "S", arn("kinesis", "stream/orders"))
    ),
    "StreamProcessor imported stream with key": lambda p, s: StreamProcessor(
        s, "C", **COMMON,
        stream=kinesis.Stream.from_stream_attributes(s, "S", stream_arn=arn("kinesis", "stream/orders"), encryption_key=imported_key(s)),
    ),
    "StreamProcessor stream of another stack": lambda p, s: StreamProcessor(s, "C", **COMMON, stream=stream(p)),
    "StreamProcessor stream of another stack, enhanced fan-out": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=stream(p), use_enhanced_fan_out=True
    ),
    "StreamProcessor imported table by ARN with its stream": lambda p, s: StreamProcessor(
        s, "C", **COMMON,
        table=dynamodb.Table.from_table_attributes(
            s, "T", table_arn=arn("dynamodb", "table/orders"), table_stream_arn=arn("dynamodb", "table/orders/stream/2026-01-01T00:00:00.000")
        ),
    ),
    "StreamProcessor imported table by name with its stream": lambda p, s: StreamProcessor(
        s, "C", **COMMON,
        table=dynamodb.Table.from_table_attributes(
            s, "T", table_name="orders", table_stream_arn=arn("dynamodb", "table/orders/stream/2026-01-01T00:00:00.000"),
            encryption_key=imported_key(s),
        ),
    ),
    "StreamProcessor table of another stack": lambda p, s: StreamProcessor(s, "C", **COMMON, table=table(p)),
    "StreamProcessor TableV2 of another stack with a stream": lambda p, s: StreamProcessor(
        s, "C", **COMMON,
        table=dynamodb.TableV2(
            p, "TableV2", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        ),
    ),
    "StreamProcessor table of another stack with a key": lambda p, s: StreamProcessor(
        s, "C", **COMMON, table=table(p, encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED, encryption_key=key(p))
    ),
    "StreamProcessor table imported from another stack's attributes": lambda p, s: StreamProcessor(
        s, "C", **COMMON,
        table=(lambda t: dynamodb.Table.from_table_attributes(s, "T", table_arn=t.table_arn, table_stream_arn=t.table_stream_arn))(table(p)),
    ),
    "StreamProcessor imported on-failure queue with key": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=stream(s),
        on_failure=event_sources.SqsDlq(sqs.Queue.from_queue_attributes(s, "F", queue_arn=arn("sqs", "failures"), key_arn=KEY_ARN)),
    ),
    "StreamProcessor on-failure queue of another stack": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=stream(s), on_failure=event_sources.SqsDlq(queue(p, "Failures"))
    ),
    "StreamProcessor imported on-failure topic": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=stream(s), on_failure=event_sources.SnsDlq(sns.Topic.from_topic_arn(s, "F", arn("sns", "failures")))
    ),
    "StreamProcessor on-failure topic of another stack": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=stream(s), on_failure=event_sources.SnsDlq(sns.Topic(p, "Failures", enforce_ssl=True, master_key=key(p)))
    ),
    "StreamProcessor imported on-failure bucket": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=stream(s),
        on_failure=event_sources.S3OnFailureDestination(s3.Bucket.from_bucket_name(s, "F", "orders-failures")),
    ),
    "StreamProcessor on-failure bucket of another stack with a key": lambda p, s: StreamProcessor(
        s, "C", **COMMON, stream=stream(s), on_failure=event_sources.S3OnFailureDestination(bucket(p, encryption_key=key(p)))
    ),
    "StreamProcessor key of another stack": lambda p, s: StreamProcessor(s, "C", **COMMON, stream=stream(s), encryption_key=key(p)),
    # AsyncWorker: on_failure / on_success, trigger helpers' sources and DLQs, grant_invoke
    "AsyncWorker imported failure queue with key": lambda p, s: AsyncWorker(
        s, "C", **COMMON,
        on_failure=destinations.SqsDestination(sqs.Queue.from_queue_attributes(s, "F", queue_arn=arn("sqs", "failures"), key_arn=KEY_ARN)),
    ),
    "AsyncWorker failure queue of another stack": lambda p, s: AsyncWorker(
        s, "C", **COMMON, on_failure=destinations.SqsDestination(queue(p, "Failures", encryption_master_key=key(p)))
    ),
    "AsyncWorker imported failure topic": lambda p, s: AsyncWorker(
        s, "C", **COMMON, on_failure=destinations.SnsDestination(sns.Topic.from_topic_arn(s, "F", arn("sns", "failures")))
    ),
    "AsyncWorker imported event bus": lambda p, s: AsyncWorker(
        s, "C", **COMMON, on_failure=destinations.EventBridgeDestination(events.EventBus.from_event_bus_arn(s, "B", arn("events", "event-bus/ops")))
    ),
    "AsyncWorker event bus of another stack": lambda p, s: AsyncWorker(
        s, "C", **COMMON, on_success=destinations.EventBridgeDestination(events.EventBus(p, "Bus"))
    ),
    "AsyncWorker imported destination function": lambda p, s: AsyncWorker(
        s, "C", **COMMON,
        on_success=destinations.LambdaDestination(lambda_.Function.from_function_arn(s, "F", arn("lambda", "function:audit"))),
    ),
    "AsyncWorker destination worker of another stack": lambda p, s: AsyncWorker(
        s, "C", **COMMON, on_failure=destinations.LambdaDestination(AsyncWorker(p, "Handler", **COMMON).function)
    ),
    "AsyncWorker rule on a bus of another stack": lambda p, s: AsyncWorker(s, "C", **COMMON).add_event_rule(
        events.Rule(s, "R", event_bus=events.EventBus(p, "Bus"), event_pattern=events.EventPattern(source=["shop"]))
    ),
    "AsyncWorker imported rule dead-letter queue": lambda p, s: AsyncWorker(s, "C", **COMMON).add_event_rule(
        events.Rule(s, "R", event_pattern=events.EventPattern(source=["shop"])),
        dead_letter_queue=sqs.Queue.from_queue_arn(s, "D", arn("sqs", "rule-dlq")),
    ),
    "AsyncWorker imported schedule dead-letter queue with key": lambda p, s: AsyncWorker(s, "C", **COMMON).add_schedule(
        scheduler.ScheduleExpression.rate(Duration.hours(1)),
        dead_letter_queue=sqs.Queue.from_queue_attributes(s, "D", queue_arn=arn("sqs", "schedule-dlq"), key_arn=KEY_ARN),
    ),
    "AsyncWorker schedule dead-letter queue of another stack with key": lambda p, s: AsyncWorker(s, "C", **COMMON).add_schedule(
        scheduler.ScheduleExpression.rate(Duration.hours(1)), dead_letter_queue=queue(p, "Dlq", encryption_master_key=key(p))
    ),
    "AsyncWorker imported topic": lambda p, s: AsyncWorker(s, "C", **COMMON).add_topic_subscription(
        sns.Topic.from_topic_arn(s, "T", arn("sns", "orders"))
    ),
    "AsyncWorker topic of another stack": lambda p, s: AsyncWorker(s, "C", **COMMON).add_topic_subscription(
        sns.Topic(p, "Orders", enforce_ssl=True, master_key=key(p))
    ),
    "AsyncWorker imported bucket": lambda p, s: AsyncWorker(s, "C", **COMMON).add_bucket_notification(
        s3.Bucket.from_bucket_name(s, "B", "orders-uploads"), [s3.EventType.OBJECT_CREATED]
    ),
    "AsyncWorker bucket of another stack": lambda p, s: AsyncWorker(s, "C", **COMMON).add_bucket_notification(
        bucket(p), [s3.EventType.OBJECT_CREATED]
    ),
    "AsyncWorker invoked by a function of another stack": lambda p, s: AsyncWorker(s, "C", **COMMON).grant_invoke(
        AsyncWorker(p, "Caller", **COMMON).function
    ),
    "AsyncWorker invoked by an imported role": lambda p, s: AsyncWorker(s, "C", **COMMON).grant_invoke(
        iam.Role.from_role_arn(s, "R", "arn:aws:iam::123456789012:role/caller")
    ),
    # SyncApiFunction: user pools, alarm topic
    "SyncApiFunction http, user pool of another stack": lambda p, s: SyncApiFunction(
        s, "C", **COMMON, api="http",
        authorization=(lambda pool: Authorization.cognito(pool, user_pool_clients=[pool.add_client("App")]))(cognito.UserPool(p, "Pool")),
    ),
    "SyncApiFunction rest, imported user pool": lambda p, s: SyncApiFunction(
        s, "C", **COMMON, authorization=Authorization.cognito(cognito.UserPool.from_user_pool_id(s, "U", "eu-west-1_abc123"))
    ),
    "SyncApiFunction url, imported alarm topic": lambda p, s: SyncApiFunction(
        s, "C", **COMMON, api="url", reserved_concurrent_executions=5, alarm_topic=sns.Topic.from_topic_arn(s, "T", arn("sns", "pager"))
    ),
}

#: name -> (build, the prop named, fragments of the message): refused at construction.
REFUSED: dict[str, tuple[Build, str, list[str]]] = {
    "a table imported by name, without its stream ARN": (
        lambda p, s: StreamProcessor(s, "C", **COMMON, table=dynamodb.Table.from_table_name(s, "T", "orders")),
        "table", ["table S/T is imported without its stream ARN", "table_stream_arn="],
    ),
    "a table imported by ARN, without its stream ARN": (
        lambda p, s: StreamProcessor(s, "C", **COMMON, table=dynamodb.Table.from_table_arn(s, "T", arn("dynamodb", "table/orders"))),
        "table", ["imported without its stream ARN"],
    ),
    "a table of another stack without a stream": (
        lambda p, s: StreamProcessor(
            s, "C", **COMMON,
            table=dynamodb.Table(p, "T", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)),
        ),
        "table", ["has no DynamoDB stream", "StreamViewType"],
    ),
    "a TableV2 of another stack without a stream": (
        lambda p, s: StreamProcessor(
            s, "C", **COMMON,
            table=dynamodb.TableV2(p, "T", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)),
        ),
        "table", ["has no DynamoDB stream", "dynamo_stream="],
    ),
    "a TableV2 imported by name, without its stream ARN": (
        lambda p, s: StreamProcessor(s, "C", **COMMON, table=dynamodb.TableV2.from_table_name(s, "T", "orders")),
        "table", ["imported without its stream ARN"],
    ),
    "an imported queue in another Region": (
        lambda p, s: QueueConsumer(
            s, "C", **COMMON, queue=sqs.Queue.from_queue_arn(s, "Q", "arn:aws:sqs:us-east-1:123456789012:orders")
        ),
        "queue", ["is in Region us-east-1", "eu-west-1"],
    ),
    "max_receive_count with an imported queue": (
        lambda p, s: QueueConsumer(s, "C", **COMMON, queue=sqs.Queue.from_queue_arn(s, "Q", arn("sqs", "orders")), max_receive_count=3),
        "max_receive_count", ["max_receive_count 3", "would be ignored"],
    ),
    "an imported FIFO queue as a failure destination": (
        lambda p, s: AsyncWorker(s, "C", **COMMON, on_failure=destinations.SqsDestination(sqs.Queue.from_queue_arn(s, "F", arn("sqs", "f.fifo")))),
        "on_failure", ["FIFO queue"],
    ),
    "a rule of another stack": (
        lambda p, s: AsyncWorker(s, "C", **COMMON).add_event_rule(events.Rule(p, "R", event_pattern=events.EventPattern(source=["shop"]))),
        "rule", ["rule is in stack Producer, the worker in stack S", "dependency cycle"],
    ),
    "a rule dead-letter queue of another stack": (
        lambda p, s: AsyncWorker(s, "C", **COMMON).add_event_rule(
            events.Rule(s, "R", event_pattern=events.EventPattern(source=["shop"])), dead_letter_queue=queue(p, "Dlq")
        ),
        "dead_letter_queue", ["dead_letter_queue is in stack Producer, the rule in stack S"],
    ),
    "a destination function of another stack without a failure path": (
        lambda p, s: AsyncWorker(
            s, "C", **COMMON, on_failure=destinations.LambdaDestination(PlainFunction(p, "F", **COMMON, timeout=Duration.seconds(3)).function)
        ),
        "on_failure", ["LambdaDestination(Producer/F/Function)", "neither an on-failure destination nor a dead-letter queue"],
    ),
}


def _app() -> tuple[App, Stack, Stack]:
    app = App()
    producer = Stack(app, "Producer", env=ENV)
    stack = Stack(app, "S", env=ENV)
    return app, producer, stack


def _policies(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    ]


@pytest.mark.parametrize("case", sorted(SYNTHESIZES))
def test_an_existing_resource_synthesizes_with_least_privilege_under_cdk_nag_and_the_checks(case: str) -> None:
    app, producer, stack = _app()
    SYNTHESIZES[case](producer, stack)
    if "SyncApiFunction rest" in case:
        Validations.of(stack).acknowledge(*(Acknowledgment(id=i, reason=r) for i, r in REST_ACKNOWLEDGMENTS.items()))
    Validations.of(producer).acknowledge(*(Acknowledgment(id=i, reason=r) for i, r in USER_ACKNOWLEDGMENTS.items()))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    assembly = app.synth()  # raises on a cdk-nag finding nobody acknowledged, or a token key
    template = assembly.get_stack_by_name("S").template
    for artifact in assembly.stacks:
        errors = [f"{f.rule_id} {f.resource}: {f.message}" for f in run_checks([TemplateModel(artifact.template, name=artifact.stack_name)]) if f.is_error]
        assert errors == [], artifact.stack_name
    for statement in _policies(template):
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        assert not any("*" in a for a in actions), statement
        if statement["Resource"] == "*":
            assert sorted(actions) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], statement


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_import_that_lacks_what_the_construct_needs_is_refused_naming_it(case: str) -> None:
    build, prop, fragments = REFUSED[case]
    _, producer, stack = _app()
    with pytest.raises(ConstructPropsError) as exc:
        build(producer, stack)
    assert exc.value.prop == prop
    for fragment in fragments:
        assert fragment in str(exc.value), fragment


def test_an_imported_table_of_an_environment_agnostic_stack_synthesizes() -> None:
    """Issue 25: the ListStreams acknowledgment was keyed by an ARN with the partition token
    (``arn:${Token[AWS.Partition]}:...``) and synthesis failed with KeyMustResolveToString."""
    app = App()
    stack = Stack(app, "S")
    StreamProcessor(
        stack, "C", **COMMON,
        table=dynamodb.Table.from_table_attributes(stack, "T", table_name="orders", table_stream_arn=arn("dynamodb", "table/orders/stream/x")),
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    app.synth()


def test_imported_dead_letter_queues_of_services_that_need_a_queue_policy_warn() -> None:
    from aws_cdk.assertions import Annotations, Match

    _, _, stack = _app()
    worker = AsyncWorker(stack, "C", **COMMON)
    worker.add_event_rule(events.Rule(stack, "R", event_pattern=events.EventPattern(source=["shop"])),
                          dead_letter_queue=sqs.Queue.from_queue_arn(stack, "D", arn("sqs", "rule-dlq")))
    worker.add_topic_subscription(sns.Topic(stack, "T"), dead_letter_queue=sqs.Queue.from_queue_arn(stack, "E", arn("sqs", "sub-dlq")))
    found = Annotations.from_stack(stack).find_warning("/S/C", Match.string_like_regexp("constructs-lib:dead-letter-queue-policy"))
    messages = " ".join(str(w) for w in found)
    assert "events.amazonaws.com" in messages and "sns.amazonaws.com" in messages


@pytest.mark.parametrize(
    ("resolved", "flat"),
    [
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/*"),
        ({"Fn::Join": ["", [{"Fn::GetAtt": ["Table1", "Arn"]}, "/stream/*"]]}, "<Table1.Arn>/stream/*"),
        ({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b/*"]]}, "arn:<AWS::Partition>:s3:::b/*"),
        ({"Fn::Join": ["", [{"Fn::ImportValue": "Data:ExportsOutputFnGetAttT1Arn"}, "/*"]]}, "Data:ExportsOutputFnGetAttT1Arn/*"),
        ({"Fn::Sub": "arn:${AWS::Partition}:s3:::b/*"}, "arn:<AWS::Partition>:s3:::b/*"),
        ({"Fn::Select": [0, ["a"]]}, '{"Fn::Select":[0,["a"]]}'),
    ],
)
def test_findings_are_named_as_cdk_nag_names_them(resolved: Any, flat: str) -> None:
    """flattenCfnReference of cdk-nag 3 (utils/flatten-cfn-reference.js), case by case."""
    from constructs_lib._failure import flatten_reference

    assert flatten_reference(resolved) == flat


def test_an_acknowledgment_key_is_never_a_token() -> None:
    """A wildcard of a table of another stack and of an imported bucket: every key recorded is
    a plain string, named after the export / the imported ARN."""
    _, producer, stack = _app()
    processor = StreamProcessor(stack, "C", **COMMON, table=table(producer),
                                on_failure=event_sources.S3OnFailureDestination(s3.Bucket.from_bucket_name(stack, "B", "orders-failures")))
    keys = [k for entry in processor.node.metadata if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY for k in entry.data]
    assert keys and not any("${Token[" in k for k in keys)
    assert any("Producer:ExportsOutputFnGetAtt" in k and k.endswith("/stream/*]") for k in keys)
    assert any("arn:<AWS::Partition>:s3:::orders-failures/*" in k for k in keys)
