"""Plain aws-cdk-lib code for the benchmarks, in two flavours per invocation model.

- ``equivalent_*``: what you would have to write by hand to get the *same* resources as
  our construct with its defaults: the same queues, encryption, TLS policy, retention, log
  group, role and least-privilege statements, tracing, mapping settings, and the same
  alarms (metric, statistic, period, threshold), and the same dashboard (a text widget, then
  one graph per alarm with its threshold drawn on it). ``bench/compare.py`` checks that the
  two templates hold the same resources with the same properties (alarm descriptions and the
  dashboard's text aside).
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


RED = "#d62728"
GREY = "#7f7f7f"


def _graph(
    title: str, metric: cloudwatch.IMetric, threshold: float, label: str, *limits: tuple[float, str]
) -> cloudwatch.GraphWidget:
    """A graph of an alarm's metric with its threshold (and the limits it runs into) drawn on it."""
    return cloudwatch.GraphWidget(
        title=title,
        left=[metric],
        left_annotations=[
            cloudwatch.HorizontalAnnotation(value=threshold, label=label, color=RED, fill=cloudwatch.Shading.ABOVE),
            *(cloudwatch.HorizontalAnnotation(value=value, label=text, color=GREY) for value, text in limits),
        ],
        left_y_axis=cloudwatch.YAxisProps(min=0),
        width=6,
        height=5,
    )


def _dashboard(scope: Construct, text: str, text_height: int, *graphs: cloudwatch.GraphWidget) -> None:
    """A dashboard: what the failure paths mean, then the alarms' graphs, four to a line."""
    cloudwatch.Dashboard(
        scope,
        "Dashboard",
        widgets=[[cloudwatch.Row(cloudwatch.TextWidget(markdown=text, width=24, height=text_height), *graphs)]],
    )


def _alarm(
    scope: Construct, id: str, metric: cloudwatch.IMetric, threshold: float, comparison: cloudwatch.ComparisonOperator,
    description: str, evaluation_periods: int = 1, datapoints_to_alarm: int | None = None,
) -> cloudwatch.IMetric:
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
    return metric


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
    dead = _alarm(alarms, "DeadLetterQueue", dlq.metric("ApproximateNumberOfMessagesVisible", statistic="Maximum", period=ONE_MINUTE),
                  1, GTE, "Messages in the dead-letter queue")
    age = _alarm(alarms, "OldestMessageAge", queue.metric("ApproximateAgeOfOldestMessage", statistic="Maximum", period=ONE_MINUTE),
                 270, GT, "The consumer is falling behind")
    errors = _alarm(alarms, "Errors", fn.metric("Errors", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function errors")
    throttles = _alarm(alarms, "Throttles", fn.metric("Throttles", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function throttles")
    failed = _alarm(alarms, "FailedInvokeEvents", _mapping_metric(mapping, "FailedInvokeEventCount"), 1, GTE, "Failed messages")
    _dashboard(
        c, "Failure paths: retries, the dead-letter queue, expiry", 5,
        _graph("Dead-letter queue: messages", dead, 1, "DeadLetterQueue alarm >= 1 message(s)"),
        _graph("Oldest message age (s)", age, 270, "OldestMessageAge alarm > 270 s", (345600, "retention 4 days: deleted unprocessed")),
        _graph("Function errors per minute", errors, 1, "Errors alarm >= 1 error(s)"),
        _graph("Throttled invocations per minute", throttles, 1, "Throttles alarm >= 1 throttle(s)"),
        _graph("Messages not processed per minute", failed, 1, "FailedInvokeEvents alarm >= 1 message(s)"),
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
        fn.add_to_role_policy(
            iam.PolicyStatement(
                actions=[
                    "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                    "kinesis:GetShardIterator", "kinesis:ListShards",
                ],
                resources=[arn],
            )
        )
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
    age = _alarm(alarms, "IteratorAge", fn.metric("IteratorAge", statistic="Maximum", period=ONE_MINUTE),
                 10800000, GT, "The function is falling behind its stream")
    queued = _alarm(alarms, "FailureQueue",
                    failure_queue.metric("ApproximateNumberOfMessagesVisible", statistic="Maximum", period=ONE_MINUTE),
                    1, GTE, "Discarded batches")
    lost = _alarm(alarms, "DestinationDeliveryFailures",
                  fn.metric("DestinationDeliveryFailures", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Lost failure records")
    errors = _alarm(alarms, "Errors", fn.metric("Errors", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function errors")
    discarded = _alarm(alarms, "DiscardedToFailureDestination",
                       _mapping_metric(mapping, "OnFailureDestinationDeliveredEventCount"), 1, GTE, "Discarded records")
    dropped = _alarm(alarms, "DroppedEvents", _mapping_metric(mapping, "DroppedEventCount"), 1, GTE, "Dropped records")
    failed = _alarm(alarms, "FailedInvokeEvents", _mapping_metric(mapping, "FailedInvokeEventCount"), 1, GTE, "Failed records")
    _dashboard(
        c, "Failure paths: retries, discarded batches, lost records", 5,
        _graph("Iterator age (ms)", age, 10800000, "IteratorAge alarm > 3 h",
               (21600000, "max_record_age 6 h: discarded"), (86400000, "stream retention 1 day: lost")),
        _graph("Failure queue: discarded batches", queued, 1, "FailureQueue alarm >= 1 message(s)"),
        _graph("Failed deliveries to the on-failure destination", lost, 1, "DestinationDeliveryFailures alarm >= 1 failure(s)"),
        _graph("Function errors per minute", errors, 1, "Errors alarm >= 1 error(s)"),
        _graph("Records discarded per minute", discarded, 1, "DiscardedToFailureDestination alarm >= 1 record(s)"),
        _graph("Records dropped (lost) per minute", dropped, 1, "DroppedEvents alarm >= 1 record(s)"),
        _graph("Records not processed per minute", failed, 1, "FailedInvokeEvents alarm >= 1 record(s)"),
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
    fn = _function(c, Duration.minutes(1), code)
    failure_queue = _failure_queue(c, "FailureQueue")
    failure_arn = failure_queue.queue_arn
    fn.add_to_role_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[failure_arn]))
    fn.configure_async_invoke(
        retry_attempts=2, max_event_age=Duration.hours(6), on_failure=_Destination(failure_arn)
    )
    alarms = Construct(c, "Alarms")
    dropped = _alarm(alarms, "AsyncEventsDropped", fn.metric("AsyncEventsDropped", statistic="Sum", period=ONE_MINUTE),
                     1, GTE, "Dropped events")
    age = _alarm(alarms, "AsyncEventAge", fn.metric("AsyncEventAge", statistic="Maximum", period=ONE_MINUTE),
                 10800000, GT, "Events wait too long")
    lost = _alarm(alarms, "DestinationDeliveryFailures",
                  fn.metric("DestinationDeliveryFailures", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Lost failure records")
    queued = _alarm(alarms, "FailureQueue",
                    failure_queue.metric("ApproximateNumberOfMessagesVisible", statistic="Maximum", period=ONE_MINUTE),
                    1, GTE, "Failed events")
    errors = _alarm(alarms, "Errors", fn.metric("Errors", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function errors")
    throttles = _alarm(alarms, "Throttles", fn.metric("Throttles", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function throttles")
    _dashboard(
        c, "Failure paths: retries, the on-failure destination, lost events, delivery", 6,
        _graph("Events given up per minute", dropped, 1, "AsyncEventsDropped alarm >= 1 event(s)"),
        _graph("Async event age (ms)", age, 10800000, "AsyncEventAge alarm > 3 h",
               (21600000, "max_event_age 6 h: to the on-failure destination")),
        _graph("Failed deliveries to the on-failure destination", lost, 1, "DestinationDeliveryFailures alarm >= 1 failure(s)"),
        _graph("Failure queue: failed events", queued, 1, "FailureQueue alarm >= 1 message(s)"),
        _graph("Function errors per minute", errors, 1, "Errors alarm >= 1 error(s)"),
        _graph("Throttled invocations per minute", throttles, 1, "Throttles alarm >= 1 throttle(s)"),
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
    rate = _alarm(alarms, "ServerErrorRate", error_rate, 0.05, GT, "5XX answers", evaluation_periods=3, datapoints_to_alarm=3)
    latency = _alarm(alarms, "IntegrationLatency", api_metric("IntegrationLatency", "p99"), 8000, GT, "Slow requests",
                     evaluation_periods=5, datapoints_to_alarm=3)
    throttles = _alarm(alarms, "Throttles", fn.metric("Throttles", statistic="Sum", period=ONE_MINUTE), 1, GTE, "Function throttles")
    _dashboard(
        c, "Failure paths: errors and timeouts, throttles", 4,
        _graph("5XX answers / requests", rate, 0.05, "ServerErrorRate alarm > 5 %"),
        _graph("Integration latency p99 (ms)", latency, 8000, "IntegrationLatency alarm > 8 s", (29000, "integration timeout 29 s: 504")),
        _graph("Throttled invocations per minute", throttles, 1, "Throttles alarm >= 1 throttle(s)"),
    )


def minimal_api(scope: Construct, id: str, code: lambda_.Code) -> None:
    fn = lambda_.Function(scope, id, code=code, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)
    apigw.LambdaRestApi(scope, f"{id}Api", handler=fn)
