"""Plain aws-cdk-lib code for the benchmarks, in two flavours per invocation model.

- ``equivalent_*``: what you would have to write by hand to get the *same* resources as
  our construct with its defaults: the same queues, encryption, TLS policy, retention, log
  group, role and least-privilege statements, tracing, mapping settings, and the same
  alarms (metric, statistic, period, threshold). ``bench/compare.py`` checks that the two
  templates hold the same resources with the same properties (alarm descriptions aside).
  Timing ours against these measures only what our validation, derivation and
  acknowledgments cost.
- ``minimal_*``: what people usually write: the aws-cdk-lib defaults. Cheaper, and the
  checks column shows what it leaves out.

No ``constructs_lib`` import here: this is the code a user would write without us. The
code is written plainly, as a careful user would (read each value once, one
``Construct`` per group), not tuned for the benchmark.
"""

from __future__ import annotations

import json

import jsii
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

HANDLER = "index.handler"
FOURTEEN_DAYS = Duration.days(14)
FOUR_DAYS = Duration.days(4)
ONE_MINUTE = Duration.minutes(1)
LAMBDA = iam.ServicePrincipal("lambda.amazonaws.com")
GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
NOT_BREACHING = cloudwatch.TreatMissingData.NOT_BREACHING


def _function(scope: Construct, timeout: Duration, code: lambda_.Code) -> lambda_.Function:
    log_group = logs.LogGroup(
        scope, "LogGroup", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.RETAIN
    )
    role = iam.Role(
        scope,
        "ServiceRole",
        assumed_by=LAMBDA,
        description="Execution role: writes to its own log group; grants are added per trigger",
    )
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
        environment={},
        tracing=lambda_.Tracing.ACTIVE,
        log_group=log_group,
        role=role,
        recursive_loop=lambda_.RecursiveLoop.TERMINATE,
    )


def _mapping_metric(mapping: lambda_.EventSourceMapping, name: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name=name,
        dimensions_map={"EventSourceMappingUUID": mapping.event_source_mapping_id},
        statistic="Sum",
        period=ONE_MINUTE,
    )


EVENT_COUNT = lambda_.MetricsConfig(metrics=[lambda_.MetricType.EVENT_COUNT])


def _failure_queue(scope: Construct, id: str) -> sqs.Queue:
    return sqs.Queue(
        scope,
        id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=FOURTEEN_DAYS,
    )


@jsii.implements(lambda_.IEventSourceDlq, lambda_.IDestination)
class _Destination:
    """An on-failure destination that only names the ARN: the permission is granted
    explicitly (aws-cdk-lib's SqsDlq / SqsDestination grant more than delivery needs)."""

    def __init__(self, arn: str) -> None:
        self.arn = arn

    def bind(self, *_args: object, **_kwargs: object) -> lambda_.DlqDestinationConfig:
        return lambda_.DlqDestinationConfig(destination=self.arn)


def _alarm(
    scope: Construct, id: str, metric: cloudwatch.IMetric, threshold: float, comparison: cloudwatch.ComparisonOperator,
    description: str, evaluation_periods: int = 1, datapoints_to_alarm: int | None = None,
) -> None:
    cloudwatch.Alarm(
        scope,
        id,
        metric=metric,
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        treat_missing_data=NOT_BREACHING,
        alarm_description=description,
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
        retention_period=FOUR_DAYS,
        visibility_timeout=Duration.seconds(180),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    fn = _function(c, Duration.seconds(30), code)
    queue_arn = queue.queue_arn
    fn.add_to_role_policy(
        iam.PolicyStatement(
            actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            resources=[queue_arn],
        )
    )
    mapping = lambda_.EventSourceMapping(
        c, "EventSourceMapping", target=fn, event_source_arn=queue_arn, batch_size=10,
        report_batch_item_failures=True, metrics_config=EVENT_COUNT,
    )
    alarms = Construct(c, "Alarms")
    _alarm(alarms, "DeadLetterQueue", dlq.metric("ApproximateNumberOfMessagesVisible", statistic="Maximum", period=ONE_MINUTE),
           1, GTE, "Messages in the dead-letter queue")
    _alarm(alarms, "OldestMessageAge", queue.metric("ApproximateAgeOfOldestMessage", statistic="Maximum", period=ONE_MINUTE),
           270, GT, "The consumer is falling behind")
    _alarm(alarms, "Errors", fn.metric("Errors", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function errors")
    _alarm(alarms, "Throttles", fn.metric("Throttles", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function throttles")
    _alarm(alarms, "FailedInvokeEvents", _mapping_metric(mapping, "FailedInvokeEventCount"), 1, GTE, "Failed messages")


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
        fn.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                resources=[arn],
            )
        )
        fn.add_to_role_policy(
            iam.PolicyStatement(actions=["dynamodb:ListStreams"], resources=[f"{source.table_arn}/stream/*"])
        )
    else:
        stream = kinesis_source(scope, f"{id}Stream")
        arn = stream.stream_arn
        stream.grant_read(fn)
    failure_queue = _failure_queue(c, "FailureQueue")
    failure_arn = failure_queue.queue_arn
    fn.add_to_role_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[failure_arn]))
    mapping = lambda_.EventSourceMapping(
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
        on_failure=_Destination(failure_arn),
        support_s3_on_failure_destination=True,
        metrics_config=EVENT_COUNT,
    )
    alarms = Construct(c, "Alarms")
    _alarm(alarms, "IteratorAge", fn.metric("IteratorAge", statistic="Maximum", period=ONE_MINUTE),
           10800000, GT, "The function is falling behind its stream")
    _alarm(alarms, "FailureQueue",
           failure_queue.metric("ApproximateNumberOfMessagesVisible", statistic="Maximum", period=ONE_MINUTE),
           1, GTE, "Discarded batches")
    _alarm(alarms, "DestinationDeliveryFailures",
           fn.metric("DestinationDeliveryFailures", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Lost failure records")
    _alarm(alarms, "Errors", fn.metric("Errors", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function errors")
    _alarm(alarms, "DiscardedToFailureDestination", _mapping_metric(mapping, "OnFailureDestinationDeliveredEventCount"),
           1, GTE, "Discarded records")
    _alarm(alarms, "DroppedEvents", _mapping_metric(mapping, "DroppedEventCount"), 1, GTE, "Dropped records")
    _alarm(alarms, "FailedInvokeEvents", _mapping_metric(mapping, "FailedInvokeEventCount"), 1, GTE, "Failed records")


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
    fn = _function(c, Duration.minutes(1), code)
    failure_queue = _failure_queue(c, "FailureQueue")
    failure_arn = failure_queue.queue_arn
    fn.add_to_role_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[failure_arn]))
    fn.configure_async_invoke(
        retry_attempts=2, max_event_age=Duration.hours(6), on_failure=_Destination(failure_arn)
    )
    alarms = Construct(c, "Alarms")
    _alarm(alarms, "AsyncEventsDropped", fn.metric("AsyncEventsDropped", statistic="Sum", period=ONE_MINUTE),
           1, GTE, "Dropped events")
    _alarm(alarms, "AsyncEventAge", fn.metric("AsyncEventAge", statistic="Maximum", period=ONE_MINUTE),
           10800000, GT, "Events wait too long")
    _alarm(alarms, "DestinationDeliveryFailures",
           fn.metric("DestinationDeliveryFailures", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Lost failure records")
    _alarm(alarms, "FailureQueue",
           failure_queue.metric("ApproximateNumberOfMessagesVisible", statistic="Maximum", period=ONE_MINUTE),
           1, GTE, "Failed events")
    _alarm(alarms, "Errors", fn.metric("Errors", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function errors")
    _alarm(alarms, "Throttles", fn.metric("Throttles", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function throttles")


def minimal_async(scope: Construct, id: str, code: lambda_.Code) -> None:
    # An async function as usually written: the caller uses InvocationType=Event; the
    # function's async settings stay at Lambda's defaults (no destination). Granting the
    # caller role invoke makes the async path visible to the checks.
    fn = lambda_.Function(scope, id, code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    fn.add_permission("Events", principal=iam.ServicePrincipal("events.amazonaws.com"))


# --------------------------------------------------------------------------- API
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "ip": "$context.identity.sourceIp",
    "caller": "$context.identity.caller",
    "user": "$context.identity.user",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "integrationError": "$context.integration.error",
    "errorMessage": "$context.error.message",
    "errorResponseType": "$context.error.responseType",
    "authorizerError": "$context.authorizer.error",
    "xrayTraceId": "$context.xrayTraceId",
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
    alarms = Construct(c, "Alarms")
    dimensions = {"ApiName": id, "Stage": "prod"}

    def api_metric(name: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/ApiGateway", metric_name=name, dimensions_map=dimensions, statistic=statistic,
            period=ONE_MINUTE,
        )

    error_rate = cloudwatch.MathExpression(
        expression="FILL(errors, 0) / requests",
        using_metrics={"errors": api_metric("5XXError", "Sum"), "requests": api_metric("Count", "SampleCount")},
        label="5XX rate",
        period=ONE_MINUTE,
    )
    _alarm(alarms, "ServerErrorRate", error_rate, 0.05, GT, "5XX answers", evaluation_periods=3, datapoints_to_alarm=3)
    _alarm(alarms, "IntegrationLatency", api_metric("IntegrationLatency", "p99"), 8000, GT, "Slow requests",
           evaluation_periods=5, datapoints_to_alarm=3)
    _alarm(alarms, "Throttles", fn.metric("Throttles", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function throttles")


def minimal_api(scope: Construct, id: str, code: lambda_.Code) -> None:
    fn = lambda_.Function(scope, id, code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    apigw.LambdaRestApi(scope, f"{id}Api", handler=fn)
