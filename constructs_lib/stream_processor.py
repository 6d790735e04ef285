"""StreamProcessor: a Lambda function fed by a Kinesis data stream or a DynamoDB stream.

The polled, ordered, shard-based invocation model: Lambda's poller reads each shard in
order and invokes the function synchronously with a batch. It does not move past a
batch until the batch succeeds, is discarded (retries or record age exhausted) or
expires from the stream, so one poison record holds up every later record of its shard.
Under aws-cdk-lib's and Lambda's defaults (infinite retries, infinite record age) that
is up to a week for Kinesis. This construct bounds both, bisects failing batches, turns
on partial batch responses, and sends the metadata of every discarded batch to an
encrypted queue, so nothing is discarded without a trace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Duration, Names, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import (
    GT,
    GTE,
    AlarmBuilder,
    Alarms,
    alarm_settings_given,
    check_counts,
    esm_metric,
    fmt_duration,
    fmt_threshold,
    fmt_threshold_ms,
    lambda_metric,
    mapping_metrics_config,
)
from constructs_lib._dashboard import FailurePath, how_many, own_dashboard, where_failures_go
from constructs_lib._failure import (
    DELIVERY_KEY_ACTIONS,
    PreboundDestination,
    acknowledge_all,
    bind_through_proxy,
    create_failure_queue,
    delivery_statements,
    destination_facts,
    failure_queue_acknowledgments,
    grant_delivery,
    iam5_resource_finding,
    wildcard_acknowledgments,
)
from constructs_lib._function import create_function, escape_hatch_error, function_rule_violations, validate_recursive_loop
from constructs_lib._validation import (
    check_props,
    filter_patterns,
    duration_seconds,
    is_token_number,
    number,
    raise_first,
    stream_processor_specs,
    warn,
)
from constructs_lib.value_rules import Violation, fmt_seconds
from constructs_lib.value_rules import alarms as alarm_rules
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import async_invoke as async_rules
from constructs_lib.value_rules import sqs as sqs_rules
from constructs_lib.value_rules import streams as stream_rules

#: The function timeout when none is given: 30 s. The shard waits for every batch, so a
#: hung invocation stalls it for at most 30 s per attempt.
DEFAULT_TIMEOUT_S = 30
DEFAULT_TIMEOUT = duration_seconds(DEFAULT_TIMEOUT_S)

#: Our default max_record_age (``limits.DEFAULT_STREAM_MAX_RECORD_AGE_S``, 6 h) as a Duration.
DEFAULT_MAX_RECORD_AGE = duration_seconds(limits.DEFAULT_STREAM_MAX_RECORD_AGE_S)

#: What the created failure queue is, in its cdk-nag acknowledgments.
FAILURE_QUEUE_PURPOSE = "the on-failure destination of discarded stream batches"
#: Stream reads Lambda needs on the DynamoDB stream itself (ListStreams is scoped apart).
#: Source: limits.SRC_DDB_LAMBDA_POLICY.
DDB_STREAM_READ_ACTIONS = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
#: What Lambda's poller needs on a Kinesis data stream read through a standard iterator.
#: Sources: limits.SRC_LAMBDA_KINESIS_PERMISSIONS, limits.SRC_KINESIS_SUBSCRIBE_TO_SHARD.
KINESIS_READ_ACTIONS = (
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
)
#: cdk-nag's Serverless pack misjudges the stream invocation model; true of the one function.
ACKNOWLEDGMENTS = {
    "Serverless-LambdaDLQ": (
        "StreamProcessor's function is invoked synchronously by a stream event source mapping; "
        "a Lambda DLQ only catches asynchronous invocations - discarded batches go to the "
        "mapping's on-failure destination instead"
    ),
}

#: Pass as ``retry_attempts`` or ``max_record_age`` for "infinite" (the API's -1).
INFINITE = limits.STREAM_INFINITE


class StreamProcessor(Construct):
    """A Lambda function reading a Kinesis data stream or a DynamoDB stream through an
    event source mapping with bounded retries, bisection, partial batch responses and an
    on-failure destination for discarded batches.

    Example::

        table = dynamodb.Table(
            self, "Orders",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        )
        processor = StreamProcessor(
            self, "OrderChanges",
            code=lambda_.Code.from_asset("lambda_src"),
            handler="streams.ddb_handler.lambda_handler",
            table=table,
        )
        processor.failure_queue  # metadata of discarded batches: alarm on it

    Bad input is a ``ConstructPropsError`` before anything reaches aws-cdk-lib (see
    :class:`~constructs_lib.ConstructPropsError` for the type and unit rules); the mapping's
    Durations take ``Duration.seconds(token)`` for a token.

    Function props (shared by every construct in this library):

    :param code: the function's code (``lambda_.Code``). Required.
    :param handler: the handler, e.g. ``"app.handler"``. Required.
    :param timeout: function timeout. Default 30 s: the shard waits for each batch, so a
        hung invocation should stall it briefly; long enough for a batch of 100 records.
    :param runtime: default the newest Python runtime aws-cdk-lib knows (3.14).
    :param architecture: default arm64, cheaper per GB-second than x86_64.
    :param memory_size: default 256 MB (CPU scales with memory; 128 MB slows cold starts).
    :param environment: environment variables. Default none.
    :param reserved_concurrent_executions: cap on concurrent executions. Default none.
        0 is an error; for a Kinesis stream with a known shard count, a value below
        shards x ``parallelization_factor`` is an error (shards would be throttled).
        Above the account's concurrency quota minus the 100 executions Lambda keeps unreserved
        (900 by default) is an error too; state a raised quota in the context
        ``constructs-lib:account-concurrency``.
    :param layers: Lambda layers. Default none.
    :param description: the function's description. Default none.
    :param log_retention: retention of the function's own log group. Default 30 days.
    :param function_props: escape hatch, extra ``lambda_.Function`` keyword arguments. The
        props this construct sets are an error there, and so are asynchronous-only settings
        (``on_failure``, ``max_event_age``, ``dead_letter_queue``...): the poller invokes
        the function synchronously, so they would never apply.
    :param recursive_loop: Lambda's recursive loop detection. Default
        ``lambda_.RecursiveLoop.TERMINATE`` (AWS's default, stated in the template): a loop
        through SQS, SNS, S3 or Lambda is stopped after about 16 invocations. ``ALLOW`` only with
        ``recursive_loop_reason``, and it warns (``constructs-lib:recursive-loop-allowed``).
    :param recursive_loop_reason: why the recursion is deliberate and bounded; required with
        ``ALLOW``, an error otherwise (it would be ignored). Default none.

    Event source (exactly one is required):

    :param stream: a Kinesis data stream (``kinesis.IStream``: made in this app, in another
        stack, or imported with ``Stream.from_stream_arn`` / ``from_stream_attributes``). The
        function gets what the poller calls on it - DescribeStream, DescribeStreamSummary,
        GetRecords, GetShardIterator and ListShards - and decrypt when the stream has a
        customer managed key (import it with ``encryption_key=``); with enhanced fan-out,
        DescribeStreamConsumer and SubscribeToShard on the consumer.
    :param table: a DynamoDB table with a stream (``dynamodb.ITable``: made in this app, in
        another stack, or imported with ``Table.from_table_attributes(..., table_stream_arn=...)``).
        A table without a stream is an error that names the view type to enable; an imported
        table without ``table_stream_arn`` (``from_table_name``, ``from_table_arn``) is an error
        that says so. Import it with ``encryption_key=`` when it has a customer managed key. The function gets
        stream read access only (not table read), scoped as AWS's own policy for it:
        DescribeStream, GetRecords and GetShardIterator on the stream, ListStreams on this
        table's streams (``<table ARN>/stream/*``; Lambda checks it when it creates the
        mapping) - never ``*``. A Kinesis stream passed here is an error (use ``stream``).

    Invocation-model props:

    :param starting_position: where a new mapping starts reading. Default
        ``TRIM_HORIZON``: the oldest record still in the stream, so records written
        before the mapping exists are processed rather than skipped silently (``LATEST``
        skips them). ``AT_TIMESTAMP`` needs ``starting_position_timestamp``, Kinesis only.
    :param starting_position_timestamp: Unix time in seconds, with ``AT_TIMESTAMP`` only
        (0, which aws-cdk-lib would read as unset, is written into the template as given).
    :param batch_size: records per invocation, 1-10,000. Default 100 (Lambda's own).
    :param max_batching_window: time to gather a batch, at most 5 min. Default none (0 s):
        records are handed over as soon as they arrive.
    :param parallelization_factor: concurrent batches per shard, 1-10. Default 1: strict
        order per shard. Above 1, order is kept per partition key only.
    :param retry_attempts: retries of a failing batch, -1 (infinite) to 10,000. Default
        3: enough for a transient error, few enough that a poison record holds its shard
        for minutes rather than days. Bisection does not consume retries, so 3 still
        isolate one bad record in a large batch. -1 together with ``max_record_age=-1``
        is allowed, with a warning: it is the week-long stall this construct prevents.
    :param max_record_age: records older than this are discarded to the on-failure
        destination, 60 s to 7 days, or -1 (``INFINITE``). A token must be
        ``Duration.seconds(token)`` (other units cannot be converted at synth time; an
        error says so). Default 6 h: a consumer that
        far behind should shed load with a trace rather than fall further behind, and it
        is well inside the 24 h retention of DynamoDB Streams (and of a default Kinesis
        stream). It must not exceed the stream's retention: a record would be trimmed
        before it could be discarded, never reaching the destination. -1 warns.
    :param bisect_batch_on_error: split a failing batch in two and retry each half.
        Default True: isolates the poison record, and splits do not count as retries.
    :param report_batch_item_failures: let the handler return ``batchItemFailures`` (the
        sequence number of the first failed record); Lambda checkpoints before it and
        retries from there. Default True: records before the failure are not redone.
    :param on_failure: where the metadata of discarded batches goes:
        ``aws_lambda_event_sources.SqsDlq``, ``SnsDlq`` or ``S3OnFailureDestination``.
        Default an encrypted SQS queue (SSE-SQS, TLS enforced, 14-day retention), exposed
        as ``failure_queue``. The destination receives metadata - shard id, start and end
        sequence numbers, the reason (``RetryAttemptsExhausted``,
        ``RecordAgeExceeded``...) - not the records (an S3 destination also gets the
        invocation payload). Read the records back with GetShardIterator
        (``AT_SEQUENCE_NUMBER``) + GetRecords while they are still in the stream. The
        created queue keeps 14 days (the SQS maximum), so a Kinesis stream made in this
        app that keeps records longer is an error without ``on_failure``: pass
        ``S3OnFailureDestination(bucket)``, which keeps the records themselves. The
        function gets exactly what delivery needs, not what aws-cdk-lib's destination
        classes grant: ``sqs:SendMessage`` on the queue, ``sns:Publish`` on the topic,
        ``s3:PutObject`` on the bucket's objects and ``s3:ListBucket`` on the bucket, and
        with a KMS key ``kms:Decrypt`` + ``kms:GenerateDataKey`` (SQS, SNS) or
        ``kms:GenerateDataKey`` (S3). A FIFO queue or topic is an error (Lambda refuses a
        FIFO queue as a destination; a FIFO topic refuses a Publish without a message group),
        and so is a queue with encryption turned off. A queue made in this app that keeps
        messages at least as long as the stream is verified; any other destination gets a
        warning (``constructs-lib:failure-destination-unverified``) saying what it must be:
        encrypted, standard, and keeping what it receives as long as the stream's retention.
    :param encryption_key: a KMS key for the created failure queue. Default none
        (SQS-managed encryption). Not allowed together with ``on_failure``.
    :param tumbling_window: aggregate state across invocations per shard, at most 15 min.
        Default none.
    :param filters: event filter patterns (``lambda_.FilterCriteria.filter(...)``), at most
        5. Default none. Records that match no filter are skipped, never retried and
        never sent to the on-failure destination.
    :param use_enhanced_fan_out: read through a dedicated enhanced fan-out consumer
        (``kinesis.StreamConsumer``), with its own 2 MB/s per shard and lower latency.
        Default False (shared throughput; cheaper). Kinesis only.
    :param mapping_metrics: turn on the event source mapping's metrics (``MetricsConfig``
        ``EventCount``, dimension ``EventSourceMappingUUID``). Default True: only they tell a
        record discarded to the on-failure destination
        (``OnFailureDestinationDeliveredEventCount``) and a record dropped without reaching it
        (``DroppedEventCount``: retries or record age exhausted and the destination failed)
        apart from a function error, for any ``on_failure`` (also SNS and S3, which have no
        queue alarm). The ``DiscardedToFailureDestination``, ``DroppedEvents`` and
        ``FailedInvokeEvents`` alarms read them. False turns them (and those alarms) off.

    Alarms (see the construct's page in docs/):

    :param alarms: create the alarms below. Default True. False creates none (and then no
        alarm prop may be set).
    :param alarm_topic: an SNS topic for every alarm's ALARM and OK actions. Default none.
    :param dashboard: a CloudWatch dashboard of this construct (``dashboard``): what each
        failure path means and where discarded batches go, then one graph per alarm with its
        threshold drawn on it (and max_record_age and the stream's retention on IteratorAge).
        Default on with the alarms (it draws them). False makes none; True with
        ``alarms=False`` is an error. An ``InvocationModelDashboard`` that shows this
        construct takes its row over (and this dashboard is not made).
    :param iterator_age_alarm_threshold: IteratorAge (Maximum) that raises ``IteratorAge``.
        Default derived: half of ``max_record_age`` (half of the stream's retention when
        the age is infinite; 24 h assumed for an imported Kinesis stream): half-way to
        being discarded. Positive and below ``max_record_age`` and the stream's retention
        (records never get older, so the alarm could never fire). A token threshold must be
        ``Duration.millis(token)`` (IteratorAge is in milliseconds) and goes into the alarm
        unchanged.
    :param failure_queue_alarm_threshold: visible messages in the created failure queue
        that raise ``FailureQueue``. Default 1: each is a discarded batch. At least 1.
    :param errors_alarm_threshold: function ``Errors`` per minute that raise ``Errors``, and
        failed-invoke records per minute that raise ``FailedInvokeEvents`` (with
        ``mapping_metrics``). Default 1 (each error retries the batch while its shard waits).
        At least 1.

    Attributes: ``function``, ``event_source_mapping``, ``on_failure`` (the destination
    in effect; for the created queue one that only names it, its permission being granted
    already), ``failure_queue`` (the queue this construct created, else ``None``),
    ``stream_consumer`` (the enhanced fan-out consumer, else ``None``), ``stream`` /
    ``table`` (the source), ``event_source_arn``, ``retry_attempts`` and
    ``max_record_age`` (the values in effect; ``max_record_age`` is ``INFINITE`` for -1),
    ``mapping_metrics`` (bool), ``alarms`` (an ``Alarms`` dict: ``IteratorAge``,
    ``FailureQueue`` (created queue only), ``DestinationDeliveryFailures``, ``Errors``, and with
    ``mapping_metrics`` ``DiscardedToFailureDestination``, ``DroppedEvents``,
    ``FailedInvokeEvents``; empty with ``alarms=False``), ``dashboard`` (the
    ``cloudwatch.Dashboard`` showing it, ``None`` without).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: lambda_.Code,
        handler: str,
        timeout: Duration | None = None,
        runtime: lambda_.Runtime | None = None,
        architecture: lambda_.Architecture | None = None,
        memory_size: int | None = None,
        environment: Mapping[str, str] | None = None,
        reserved_concurrent_executions: int | None = None,
        stream: kinesis.IStream | None = None,
        table: dynamodb.ITable | None = None,
        starting_position: lambda_.StartingPosition = lambda_.StartingPosition.TRIM_HORIZON,
        starting_position_timestamp: float | None = None,
        batch_size: int = limits.DEFAULT_STREAM_BATCH_SIZE,
        max_batching_window: Duration | None = None,
        parallelization_factor: int = limits.STREAM_MIN_PARALLELIZATION_FACTOR,
        retry_attempts: int = limits.DEFAULT_STREAM_RETRY_ATTEMPTS,
        max_record_age: Duration | int = DEFAULT_MAX_RECORD_AGE,
        bisect_batch_on_error: bool = True,
        report_batch_item_failures: bool = True,
        on_failure: lambda_.IEventSourceDlq | None = None,
        encryption_key: kms.IKey | None = None,
        tumbling_window: Duration | None = None,
        filters: Sequence[Mapping[str, Any]] | None = None,
        use_enhanced_fan_out: bool = False,
        mapping_metrics: bool = True,
        alarms: bool = True,
        alarm_topic: sns.ITopic | None = None,
        dashboard: bool | None = None,
        iterator_age_alarm_threshold: Duration | None = None,
        failure_queue_alarm_threshold: int | None = None,
        errors_alarm_threshold: int | None = None,
        layers: Sequence[lambda_.ILayerVersion] | None = None,
        description: str | None = None,
        log_retention: logs.RetentionDays | None = None,
        function_props: Mapping[str, Any] | None = None,
        recursive_loop: lambda_.RecursiveLoop | None = None,
        recursive_loop_reason: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        plain = check_props(self, stream_processor_specs(), locals(), source=limits.SRC_ESM_API)
        if timeout is None:
            timeout, plain["timeout"] = DEFAULT_TIMEOUT, float(DEFAULT_TIMEOUT_S)
        raise_first(
            self,
            *function_rule_violations(plain, self),
            api_rules.check_no_async_settings(
                list(function_props or {}),
                invoker="the stream event source mapping",
                instead="a failed batch is retried, then its record goes to the mapping's on_failure destination",
            ),
            stream_rules.check_single_source(stream is not None, table is not None),
        )
        validate_recursive_loop(self, recursive_loop, recursive_loop_reason, function_props)
        kind = stream_rules.KINESIS if stream is not None else stream_rules.DYNAMODB
        if on_failure is not None and encryption_key is not None:
            raise_first(
                self,
                Violation(
                    "encryption_key",
                    "encryption_key configures the failure queue this construct creates, but "
                    "on_failure was given; encrypt that destination instead",
                    limits.SRC_LAMBDA_STREAM_ERRORS,
                ),
            )

        retries = plain["retry_attempts"]
        age_s = plain["max_record_age"]  # seconds, -1 for infinite, None for a token
        factor = plain["parallelization_factor"]
        raise_first(
            self,
            stream_rules.check_enhanced_fan_out_source(use_enhanced_fan_out, kind),
            stream_rules.check_starting_position(
                starting_position.value,
                plain["starting_position_timestamp"],
                source_kind=kind,
                timestamp_given=starting_position_timestamp is not None,
            ),
            stream_rules.check_batch_size(plain["batch_size"]),
            sqs_rules.check_batching_window(plain["max_batching_window"]),
            stream_rules.check_parallelization_factor(factor),
            stream_rules.check_retry_attempts(retries),
            stream_rules.check_max_record_age(age_s),
            stream_rules.check_tumbling_window(plain["tumbling_window"]),
            sqs_rules.check_filter_count(len(filters) if filters is not None else None),
            sqs_rules.check_filters_unique(filter_patterns(filters)),
        )
        if table is not None:
            retention_s: float | None = float(limits.DYNAMODB_STREAM_RETENTION_S)
            table_stream_arn = table.table_stream_arn if _table_v2_has_stream(table) else None
            raise_first(
                self,
                stream_rules.check_dynamodb_stream_enabled(
                    table_stream_arn is not None,
                    table_name=table.node.path if table_stream_arn is None else "",
                    imported=table_stream_arn is None and table.node.default_child is None,
                    stream_prop="dynamo_stream" if isinstance(table, dynamodb.TableV2) else "stream",
                ),
                stream_rules.check_record_age_within_retention(age_s, retention_s, source_kind=kind),
            )
            assert table_stream_arn is not None
            self._warn_other_region(table, table_stream_arn, "table", kind)
        else:
            assert stream is not None
            # The shard count only matters next to a reservation (one jsii round trip saved).
            retention_s, shard_count = _kinesis_facts(stream, shards=plain["reserved_concurrent_executions"] is not None)
            self._warn_other_region(stream, stream.stream_arn, "stream", kind)
            raise_first(
                self,
                stream_rules.check_record_age_within_retention(age_s, retention_s, source_kind=kind),
                stream_rules.check_reserved_covers_shards(plain["reserved_concurrent_executions"], shard_count, factor),
                stream_rules.check_failure_queue_covers_retention(retention_s, name=stream.node.path)
                if on_failure is None and retention_s is not None and retention_s > limits.FAILURE_QUEUE_RETENTION_S
                else None,
            )
        raise_first(
            self,
            alarm_rules.dashboard_without_alarms(dashboard, alarms),
            alarm_settings_given(
                alarms,
                alarm_topic=alarm_topic,
                iterator_age_alarm_threshold=iterator_age_alarm_threshold,
                failure_queue_alarm_threshold=failure_queue_alarm_threshold,
                errors_alarm_threshold=errors_alarm_threshold,
            ),
            *check_counts(
                failure_queue_alarm_threshold=(
                    plain["failure_queue_alarm_threshold"], "ApproximateNumberOfMessagesVisible"
                ),
                errors_alarm_threshold=(plain["errors_alarm_threshold"], "Errors"),
            ),
        )
        iterator_age_ms = (
            self._iterator_age_threshold_ms(
                iterator_age_alarm_threshold, plain["iterator_age_alarm_threshold"], age_s, retention_s
            )
            if alarms
            else None
        )
        warn(self, "stream-infinite-retries", stream_rules.infinite_retries(retries, age_s))
        warn(self, "stream-infinite-record-age", stream_rules.infinite_record_age(retries, age_s))

        self.stream: kinesis.IStream | None = stream
        self.table: dynamodb.ITable | None = table
        self.retry_attempts: int = retry_attempts
        self.max_record_age: Duration | int = max_record_age
        self.mapping_metrics: bool = mapping_metrics

        acknowledgments: dict[str, str] = {}
        self._wildcard_acks = acknowledgments  # what _bind_on_failure adds for a given destination
        self.function = create_function(
            self,
            code=code,
            handler=handler,
            timeout=timeout,
            runtime=runtime,
            architecture=architecture,
            memory_size=memory_size,
            environment=environment,
            reserved_concurrent_executions=reserved_concurrent_executions,
            layers=layers,
            description=description,
            log_retention=log_retention,
            function_props=function_props,
            recursive_loop=recursive_loop,
            acknowledgments=acknowledgments,
        )
        self.stream_consumer: kinesis.StreamConsumer | None = None
        if table is not None:
            event_source_arn = table_stream_arn
            assert event_source_arn is not None
            acknowledgments.update(self._grant_table_stream_read(table, event_source_arn))
        elif use_enhanced_fan_out:
            assert stream is not None
            self.stream_consumer = kinesis.StreamConsumer(
                self,
                "Consumer",
                stream=stream,
                stream_consumer_name=Names.unique_resource_name(self, max_length=128, separator="-"),
            )
            event_source_arn = self.stream_consumer.stream_consumer_arn
            # Stream read + DescribeStreamConsumer/SubscribeToShard on this consumer only.
            self.stream_consumer.grant_read(self.function)
        else:
            assert stream is not None
            event_source_arn = stream.stream_arn
            # A standard iterator: what Lambda's poller calls, on this stream only (aws-cdk-lib's
            # grant_read adds SubscribeToShard and DescribeStreamConsumer, which act on enhanced
            # fan-out consumers, and ListStreams, which the mapping never calls).
            self.function.add_to_role_policy(iam.PolicyStatement(actions=list(KINESIS_READ_ACTIONS), resources=[event_source_arn]))
            if stream.encryption_key is not None:
                stream.encryption_key.grant_decrypt(self.function)
        self.event_source_arn: str = event_source_arn

        self.failure_queue: sqs.Queue | None = None
        if on_failure is None:
            self.failure_queue = create_failure_queue(
                self, "FailureQueue", purpose=FAILURE_QUEUE_PURPOSE, encryption_key=encryption_key, acknowledge=False
            )
            acknowledgments.update(failure_queue_acknowledgments(FAILURE_QUEUE_PURPOSE))
            destination_arn = self.failure_queue.queue_arn
            # Exactly what delivery needs (aws-cdk-lib's SqsDlq also grants GetQueueAttributes
            # and GetQueueUrl). Source: limits.SRC_LAMBDA_ESM_DESTINATION_PERMISSIONS.
            self.function.add_to_role_policy(
                iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[destination_arn])
            )
            if encryption_key is not None:
                encryption_key.grant(self.function, *DELIVERY_KEY_ACTIONS["sqs"])
            self.on_failure: lambda_.IEventSourceDlq = PreboundDestination(destination_arn)
        else:
            destination_arn = self._bind_on_failure(on_failure, retention_s, kind)
            self.on_failure = on_failure

        # aws-cdk-lib's L2 range-checks max_record_age without skipping tokens and cannot
        # express -1, so both go straight to the L1 property. A token Duration is in seconds
        # here (the type layer refused other units), so to_seconds() passes it through.
        l1_age: float | None = None
        if not isinstance(max_record_age, Duration):
            l1_age = max_record_age
        elif age_s is None:
            l1_age = max_record_age.to_seconds()
        # aws-cdk-lib's L2 reads a timestamp of 0 as "not given" and refuses AT_TIMESTAMP
        # without one; Lambda takes 0 (1970: the oldest record), so it goes to the L1 below.
        zero_timestamp = starting_position_timestamp == 0 and not isinstance(starting_position_timestamp, bool)
        self.event_source_mapping = lambda_.EventSourceMapping(
            self,
            "EventSourceMapping",
            target=self.function,
            event_source_arn=event_source_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON if zero_timestamp else starting_position,
            starting_position_timestamp=None if zero_timestamp else starting_position_timestamp,
            batch_size=batch_size,
            max_batching_window=max_batching_window,
            parallelization_factor=parallelization_factor,
            retry_attempts=retry_attempts,
            # The L2 takes a resolved Duration only; -1 and tokens are set on the L1 below.
            max_record_age=max_record_age if l1_age is None and isinstance(max_record_age, Duration) else None,
            bisect_batch_on_error=bisect_batch_on_error,
            report_batch_item_failures=report_batch_item_failures,
            on_failure=PreboundDestination(destination_arn),
            support_s3_on_failure_destination=True,
            tumbling_window=tumbling_window,
            filters=list(filters) if filters else None,
            metrics_config=mapping_metrics_config(mapping_metrics),
        )
        if l1_age is not None or zero_timestamp:
            cfn = self.event_source_mapping.node.default_child
            assert isinstance(cfn, lambda_.CfnEventSourceMapping)
            if l1_age is not None:
                cfn.maximum_record_age_in_seconds = l1_age
            if zero_timestamp:
                cfn.starting_position = starting_position.value
                cfn.starting_position_timestamp = 0
        acknowledgments.update(ACKNOWLEDGMENTS)
        acknowledge_all(self, acknowledgments)
        self.alarms: Alarms = Alarms()
        self._alarm_table: AlarmBuilder | None = None
        if alarms:
            self._alarm_table = AlarmBuilder(self, topic=alarm_topic)
            self._alarm_table.failure_paths = self._failure_paths(self._alarm_table, retries, age_s, retention_s)
            self.alarms = self._create_alarms(
                self._alarm_table, iterator_age_ms, failure_queue_alarm_threshold, errors_alarm_threshold,
                age_s=age_s, retention_s=retention_s,
            )
        self.dashboard: cloudwatch.Dashboard | None = own_dashboard(self, self._alarm_table, dashboard)

    def _warn_other_region(self, source: Any, arn: str, prop: str, kind: str) -> None:
        """Warn when the stream is in another Region than this stack (both known)."""
        function_region = Stack.of(self).region
        if Token.is_unresolved(function_region):
            return
        source_region = None
        if not Token.is_unresolved(arn):
            source_region = sqs_rules.arn_region(arn)
        if source_region is None and not Token.is_unresolved(source.env.region):
            source_region = source.env.region
        warn(
            self,
            "stream-in-other-region",
            stream_rules.source_in_other_region(
                function_region, source_region, name=source.node.path, source_kind=kind, prop=prop
            ),
        )

    # ----------------------------------------------------------------------------------
    # Permissions and destinations
    # ----------------------------------------------------------------------------------
    def _grant_table_stream_read(self, table: dynamodb.ITable, stream_arn: str) -> dict[str, str]:
        """What Lambda needs to read the table's stream, scoped as AWS's own policy for it
        (limits.SRC_DDB_LAMBDA_POLICY): DescribeStream, GetRecords and GetShardIterator on
        the stream; ListStreams, which Lambda requires to create the mapping, on this
        table's streams (``<table ARN>/stream/*``) instead of aws-cdk-lib's ``*``; decrypt
        with the table's customer managed key. Returns the acknowledgment of that scope."""
        self.function.add_to_role_policy(
            iam.PolicyStatement(actions=list(DDB_STREAM_READ_ACTIONS), resources=[stream_arn])
        )
        table_arn = table.table_arn
        streams_of_table = f"{table_arn}/stream/*"
        stack = Stack.of(self)
        self.function.add_to_role_policy(iam.PolicyStatement(actions=["dynamodb:ListStreams"], resources=[streams_of_table]))
        if table.encryption_key is not None:
            table.encryption_key.grant_decrypt(self.function)
        return {
            # <Logical.Arn>/stream/* for a table of this stack, the export's name for one of
            # another stack, arn:<AWS::Partition>:... for an imported one: as cdk-nag names it.
            iam5_resource_finding(stack, streams_of_table, local=isinstance(table, dynamodb.Table) and table.stack is stack): (
                "dynamodb:ListStreams on the streams of this one table (<table ARN>/stream/*), the "
                "scope of AWS's own policy for Lambda reading a DynamoDB stream: Lambda checks the "
                "role can list the table's streams when it creates the event source mapping"
            )
        }

    def _bind_on_failure(self, on_failure: lambda_.IEventSourceDlq, retention_s: float | None, kind: str) -> str:
        """Bind a given destination with exactly the permissions delivery needs, refusing
        what Lambda or the destination would refuse (a FIFO queue or topic, an unencrypted
        queue); returns its ARN."""

        def bind(scope: Construct, stand_in: lambda_.IFunction) -> str:
            mapping = lambda_.EventSourceMapping.from_event_source_mapping_id(scope, "Mapping", "stand-in")
            return on_failure.bind(mapping, stand_in).destination

        try:
            arn, statements = bind_through_proxy(self, self.function, bind)
        except RuntimeError as exc:
            raise escape_hatch_error(
                self, "on_failure", f"{type(on_failure).__name__}.bind", exc, source=limits.SRC_LAMBDA_STREAM_ERRORS
            ) from exc
        facts = destination_facts(arn)
        raise_first(
            self,
            async_rules.check_destination_not_fifo(facts.get("kind"), facts.get("fifo")),
            async_rules.check_destination_encrypted(facts.get("encryption")),
            # Nothing is lost: the failure path keeps at least as long as its source.
            stream_rules.short_on_failure_retention(facts.get("retention_s"), retention_s, source_kind=kind),
        )
        delivery = delivery_statements(statements)
        grant_delivery(self.function, delivery)
        self._wildcard_acks.update(wildcard_acknowledgments(self, delivery))
        # A queue made in this app is inspected above (and here for its retention); anything
        # else (a topic: who subscribes? a bucket: which lifecycle?) gets the reminder.
        if facts.get("encryption") is None or facts.get("retention_s") is None:
            warn(
                self,
                "failure-destination-unverified",
                stream_rules.unverified_on_failure(type(on_failure).__name__, retention_s, source_kind=kind),
            )
        return arn

    # ----------------------------------------------------------------------------------
    # Alarms
    # ----------------------------------------------------------------------------------
    def _iterator_age_threshold_ms(
        self, given: Duration | None, given_s: float | None, age_s: float | None, retention_s: float | None
    ) -> float | None:
        """The IteratorAge threshold in milliseconds (the metric's unit): the given one (a
        ``Duration.millis(token)`` passes through as its token), or half of the age at
        which records are discarded; validated below max_record_age and the stream's
        retention. ``None`` when nothing is known."""
        if given is not None and given_s is None:
            return float(given.to_milliseconds())  # a token in milliseconds (checked by the type layer)
        finite_age = age_s if age_s is not None and age_s != limits.STREAM_INFINITE else None
        candidates = [
            (value, prop)
            for value, prop in ((finite_age, "max_record_age"), (retention_s, "the stream's retention"))
            if value is not None
        ]
        limit_s, limit_prop = min(candidates) if candidates else (None, "max_record_age")
        threshold_s = given_s
        derived_from = None
        if given is None:
            if age_s is None:
                return None  # max_record_age is a token: nothing to derive from
            basis = limit_s if limit_s is not None else float(limits.KINESIS_DEFAULT_RETENTION_S)
            threshold_s = basis * limits.DEFAULT_ITERATOR_AGE_ALARM_FRACTION
            derived_from = f"derived as {limits.DEFAULT_ITERATOR_AGE_ALARM_FRACTION} x {limit_prop} {fmt_seconds(basis)}"
        raise_first(
            self,
            alarm_rules.check_age_threshold(
                threshold_s,
                limit_s,
                prop="iterator_age_alarm_threshold",
                limit_prop=limit_prop,
                what=f"a record leaves the stream or goes to the failure destination once it is {limit_prop} old",
                source=limits.SRC_LAMBDA_METRICS,
                derived_from=derived_from,
            ),
        )
        return threshold_s * 1000 if threshold_s is not None else None

    def _failure_paths(
        self, builder: AlarmBuilder, retries: float | None, age_s: float | None, retention_s: float | None
    ) -> tuple[FailurePath, ...]:
        """What the dashboard's text says of each failure path (see ``_dashboard``)."""
        infinite = limits.STREAM_INFINITE
        destination = where_failures_go(builder, self.failure_queue is not None, self.on_failure)
        return (
            FailurePath(
                "Retries",
                "a failing batch is split in two (bisected) and retried "
                + ("without end" if retries == infinite else f"up to retry_attempts ({how_many(retries)}) times")
                + " while its shard waits",
                "nothing moves on: the shard's later records wait behind it (IteratorAge grows)",
            ),
            FailurePath(
                "Discarded",
                "after retry_attempts, or once records are older than max_record_age ("
                + ("infinite" if age_s == infinite else fmt_duration(age_s)) + ")",
                f"the batch's metadata (shard, sequence numbers) goes to {destination}; the records stay "
                f"in the stream for its retention ({fmt_duration(retention_s)}): read them back and reprocess",
            ),
            FailurePath(
                "Lost",
                "delivery to the on-failure destination fails, or records outlive the stream's retention",
                "the records are lost: only the stream has them, until its retention ends",
            ),
        )

    def _create_alarms(
        self,
        builder: AlarmBuilder,
        iterator_age_ms: float | None,
        failure_queue_threshold: int | None,
        errors_threshold: int | None,
        *,
        age_s: float | None,
        retention_s: float | None,
    ) -> Alarms:
        if iterator_age_ms is not None:
            finite_age = age_s if age_s is not None and age_s != limits.STREAM_INFINITE else None
            also = tuple(
                (seconds * 1000, label)
                for seconds, label in (
                    (finite_age, f"max_record_age {fmt_duration(finite_age)}: discarded"),
                    (retention_s, f"stream retention {fmt_duration(retention_s)}: lost"),
                )
                if seconds is not None
            )
            builder.add(
                "IteratorAge",
                lambda_metric(self.function, "IteratorAge", "Maximum"),
                threshold=iterator_age_ms,  # IteratorAge is in milliseconds
                comparison=GT,
                title="Iterator age (ms)",
                shown=fmt_duration(None if is_token_number(iterator_age_ms) else iterator_age_ms / 1000),
                path="Retries",
                also=also,
                description=(
                    f"the last record read from the stream was older than {fmt_threshold_ms(iterator_age_ms)} "
                    "(AWS/Lambda IteratorAge, Maximum): the function is falling behind its stream, "
                    "or one batch keeps failing and holds its shard. With Errors, fix the poison "
                    "record's handling; without, raise parallelization_factor, batch_size or memory. "
                    "Records that reach max_record_age go to the failure destination; records "
                    "older than the stream's retention are lost."
                ),
            )
        if self.failure_queue is not None:
            builder.queue_has_messages(
                "FailureQueue",
                self.failure_queue,
                failure_queue_threshold
                if failure_queue_threshold is not None
                else limits.DEFAULT_DEAD_LETTER_QUEUE_ALARM_THRESHOLD,
                what="the on-failure queue of discarded stream batches",
                path="Discarded",
                title="Failure queue: discarded batches",
                action="Each message names a shard and sequence range: read those records back "
                "(GetShardIterator AT_SEQUENCE_NUMBER + GetRecords) while the stream still "
                "retains them (24 h by default), fix the cause, and reprocess them.",
            )
        builder.destination_delivery_failures(self.function, "the metadata of a discarded batch")
        builder.function_errors(
            self.function,
            errors_threshold if errors_threshold is not None else limits.DEFAULT_ERRORS_ALARM_THRESHOLD,
            "The batch is retried (bisected) while its shard waits; after retry_attempts it is "
            "discarded to the failure destination.",
        )
        if self.mapping_metrics:
            self._mapping_alarms(
                builder, errors_threshold if errors_threshold is not None else limits.DEFAULT_ERRORS_ALARM_THRESHOLD
            )
        return builder.alarms

    def _mapping_alarms(self, builder: AlarmBuilder, errors_threshold: float) -> None:
        """Alarms on the mapping's own metrics (``mapping_metrics``): a discarded record, a
        dropped (lost) record and failed invocations each raise their own alarm."""
        alarms = (
            (
                "DiscardedToFailureDestination",
                "OnFailureDestinationDeliveredEventCount",
                1,
                "at least 1 record was discarded to the on-failure destination (AWS/Lambda "
                "OnFailureDestinationDeliveredEventCount of this event source mapping, Sum): "
                "retry_attempts or max_record_age ran out and the shard moved on without it. The "
                "destination holds its metadata (shard, sequence numbers); read the records back "
                "while the stream still retains them, fix the cause and reprocess them.",
            ),
            (
                "DroppedEvents",
                "DroppedEventCount",
                1,
                "at least 1 record was dropped (AWS/Lambda DroppedEventCount of this event source "
                "mapping, Sum): it ran out of retries or record age and did NOT reach the "
                "on-failure destination (delivery failed: see DestinationDeliveryFailures). Only "
                "the stream still has it, until its retention ends: read it back now (shard and "
                "sequence numbers are in the function's logs) and fix the destination's "
                "permissions or key policy.",
            ),
            (
                "FailedInvokeEvents",
                "FailedInvokeEventCount",
                errors_threshold,
                f"at least {fmt_threshold(errors_threshold, 'record(s)')} in a minute were not processed by an "
                "invocation (AWS/Lambda FailedInvokeEventCount of this event source mapping, Sum): "
                "reported in batchItemFailures, a failed invocation, or Lambda could not invoke "
                "the function at all (permissions, a deleted function) - which Errors never shows. "
                "The shard waits while Lambda retries them.",
            ),
        )
        shown = {
            "DiscardedToFailureDestination": ("Records discarded per minute", "Discarded", "1 record(s)"),
            "DroppedEvents": ("Records dropped (lost) per minute", "Lost", "1 record(s)"),
            "FailedInvokeEvents": ("Records not processed per minute", "Retries", fmt_threshold(errors_threshold, "record(s)")),
        }
        for name, metric, threshold, description in alarms:
            title, path, text = shown[name]
            builder.add(
                name,
                esm_metric(self.event_source_mapping, metric),
                threshold=threshold,
                comparison=GTE,
                description=description,
                title=title,
                shown=text,
                path=path,
            )

def _kinesis_facts(stream: kinesis.IStream, *, shards: bool) -> tuple[float | None, float | None]:
    """``(retention in seconds, shard count)`` of a stream made in this app (Kinesis's 24 h
    when the retention is unset); ``None`` for what is unknown (imported, on-demand, a
    token) or not asked for (``shards=False``)."""
    cfn = stream.node.default_child
    if not isinstance(cfn, kinesis.CfnStream):
        return None, None
    hours = cfn.retention_period_hours
    retention_s = float(limits.KINESIS_DEFAULT_RETENTION_S) if hours is None else _hours_to_s(number(hours))
    shard_count = cfn.shard_count if shards else None
    return retention_s, number(shard_count) if shard_count is not None else None


def _hours_to_s(hours: float | None) -> float | None:
    return hours * 3600 if hours is not None else None


def _table_v2_has_stream(table: dynamodb.ITable) -> bool:
    """False for a ``dynamodb.TableV2`` made in this app without a stream: its
    ``table_stream_arn`` is a ``GetAtt StreamArn`` token even then, which fails to deploy.
    The stream is read from the L1's ``StreamSpecification`` (``dynamo_stream``, or the
    NEW_AND_OLD_IMAGES that replicas turn on), resolved through the stack because the L1
    getter cannot hand the unresolved value to Python. True for anything else, and when the
    specification cannot be read (never crash on what cannot be inspected)."""
    if not isinstance(table, dynamodb.TableV2):
        return True
    cfn = table.node.default_child
    if not isinstance(cfn, dynamodb.CfnGlobalTable):
        return True
    try:
        spec = Stack.of(table).resolve(cfn._cfn_properties).get("streamSpecification")  # noqa: SLF001
    except Exception:  # pragma: no cover - jsii cannot resolve the properties: not inspectable
        return True
    return spec is not None
