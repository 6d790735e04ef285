"""Plain aws-cdk-lib code for the benchmarks, in two flavours per invocation model.

- ``equivalent_*``: what you would have to write by hand to get the *same* resources and
  failure-path protections as our construct (same queues, encryption, TLS policy,
  retention, log group, role, tracing, mapping settings). Timing ours against these
  measures only what our validation and derivation cost.
- ``minimal_*``: what people usually write: the aws-cdk-lib defaults. Cheaper, and the
  checks column shows what it leaves out.

No ``constructs_lib`` import here: this is the code a user would write without us.
"""

from __future__ import annotations

import json

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

HANDLER = "index.handler"
FOURTEEN_DAYS = Duration.days(14)


def _function(scope: Construct, timeout: Duration, code: lambda_.Code) -> lambda_.Function:
    log_group = logs.LogGroup(
        scope, "LogGroup", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.RETAIN
    )
    role = iam.Role(scope, "ServiceRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    log_group.grant_write(role)
    return lambda_.Function(
        scope,
        "Function",
        code=code,
        handler=HANDLER,
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        memory_size=256,
        timeout=timeout,
        tracing=lambda_.Tracing.ACTIVE,
        log_group=log_group,
        role=role,
    )


def _failure_queue(scope: Construct, id: str) -> sqs.Queue:
    return sqs.Queue(
        scope,
        id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=FOURTEEN_DAYS,
    )


# --------------------------------------------------------------------------- SQS
def equivalent_queue(scope: Construct, id: str, code: lambda_.Code) -> None:
    c = Construct(scope, id)
    dlq = _failure_queue(c, "DeadLetterQueue")
    queue = sqs.Queue(
        c,
        "Queue",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=Duration.seconds(180),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    fn = _function(c, Duration.seconds(30), code)
    fn.add_to_role_policy(
        iam.PolicyStatement(
            actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            resources=[queue.queue_arn],
        )
    )
    lambda_.EventSourceMapping(
        c, "EventSourceMapping", target=fn, event_source_arn=queue.queue_arn, batch_size=10,
        report_batch_item_failures=True,
    )


def minimal_queue(scope: Construct, id: str, code: lambda_.Code) -> None:
    c = Construct(scope, id)
    queue = sqs.Queue(c, "Queue")
    fn = lambda_.Function(c, "Function", code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    fn.add_event_source(event_sources.SqsEventSource(queue))


# --------------------------------------------------------------------------- streams
def kinesis_source(scope: Construct, id: str) -> kinesis.Stream:
    return kinesis.Stream(scope, id, shard_count=1, encryption=kinesis.StreamEncryption.MANAGED)


def table_source(scope: Construct, id: str) -> dynamodb.Table:
    return dynamodb.Table(
        scope,
        id,
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    )


def _equivalent_stream(scope: Construct, id: str, code: lambda_.Code, *, table: bool) -> None:
    c = Construct(scope, id)
    fn = _function(c, Duration.seconds(30), code)
    if table:
        source = table_source(scope, f"{id}Table")
        arn = source.table_stream_arn
        source.grant_stream_read(fn)
    else:
        stream = kinesis_source(scope, f"{id}Stream")
        arn = stream.stream_arn
        stream.grant_read(fn)
    failure_queue = _failure_queue(c, "FailureQueue")
    lambda_.EventSourceMapping(
        c,
        "EventSourceMapping",
        target=fn,
        event_source_arn=arn,  # type: ignore[arg-type]
        starting_position=lambda_.StartingPosition.TRIM_HORIZON,
        batch_size=100,
        parallelization_factor=1,
        retry_attempts=3,
        max_record_age=Duration.hours(6),
        bisect_batch_on_error=True,
        report_batch_item_failures=True,
        on_failure=event_sources.SqsDlq(failure_queue),
    )


def equivalent_kinesis(scope: Construct, id: str, code: lambda_.Code) -> None:
    _equivalent_stream(scope, id, code, table=False)


def equivalent_dynamodb(scope: Construct, id: str, code: lambda_.Code) -> None:
    _equivalent_stream(scope, id, code, table=True)


def minimal_kinesis(scope: Construct, id: str, code: lambda_.Code) -> None:
    stream = kinesis_source(scope, f"{id}Stream")
    fn = lambda_.Function(scope, id, code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    fn.add_event_source(
        event_sources.KinesisEventSource(stream, starting_position=lambda_.StartingPosition.TRIM_HORIZON)
    )


def minimal_dynamodb(scope: Construct, id: str, code: lambda_.Code) -> None:
    table = table_source(scope, f"{id}Table")
    fn = lambda_.Function(scope, id, code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    fn.add_event_source(
        event_sources.DynamoEventSource(table, starting_position=lambda_.StartingPosition.TRIM_HORIZON)
    )


# --------------------------------------------------------------------------- async
def equivalent_async(scope: Construct, id: str, code: lambda_.Code) -> None:
    c = Construct(scope, id)
    failure_queue = _failure_queue(c, "FailureQueue")
    fn = _function(c, Duration.minutes(1), code)
    fn.configure_async_invoke(
        retry_attempts=2, max_event_age=Duration.hours(6), on_failure=destinations.SqsDestination(failure_queue)
    )


def minimal_async(scope: Construct, id: str, code: lambda_.Code) -> None:
    # An async function as usually written: the caller uses InvocationType=Event; the
    # function's async settings stay at Lambda's defaults (no destination). Granting the
    # caller role invoke makes the async path visible to the checks.
    fn = lambda_.Function(scope, id, code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    fn.add_permission("Events", principal=iam.ServicePrincipal("events.amazonaws.com"))


# --------------------------------------------------------------------------- API
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "integrationError": "$context.integration.error",
    "errorMessage": "$context.error.message",
}


def equivalent_api(scope: Construct, id: str, code: lambda_.Code) -> None:
    c = Construct(scope, id)
    fn = _function(c, Duration.seconds(10), code)
    access_logs = logs.LogGroup(
        c, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.RETAIN
    )
    apigw.LambdaRestApi(
        c,
        "Api",
        handler=fn,
        proxy=True,
        rest_api_name=id,
        integration_options=apigw.LambdaIntegrationOptions(timeout=Duration.seconds(29), allow_test_invoke=False),
        default_method_options=apigw.MethodOptions(authorization_type=apigw.AuthorizationType.IAM),
        endpoint_types=[apigw.EndpointType.REGIONAL],
        cloud_watch_role=False,
        deploy_options=apigw.StageOptions(
            throttling_rate_limit=50,
            throttling_burst_limit=100,
            tracing_enabled=True,
            access_log_destination=apigw.LogGroupLogDestination(access_logs),
            access_log_format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
        ),
    )


def minimal_api(scope: Construct, id: str, code: lambda_.Code) -> None:
    fn = lambda_.Function(scope, id, code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    apigw.LambdaRestApi(scope, f"{id}Api", handler=fn)
