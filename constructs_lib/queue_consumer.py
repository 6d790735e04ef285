"""QueueConsumer: a Lambda function fed by an SQS queue, with a dead-letter queue.

The polled, unordered (or FIFO-ordered) invocation model: Lambda's poller receives
batches from the queue and invokes the function synchronously; what the function does
not report as done becomes visible again after the visibility timeout, and after
``max_receive_count`` receives the queue's redrive policy moves it to the DLQ.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Duration, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
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
    mapping_metrics_config,
    sqs_metric,
)
from constructs_lib._dashboard import FailurePath, own_dashboard
from constructs_lib._failure import (
    acknowledge_all,
    create_failure_queue,
    failure_queue_acknowledgments,
    queue_encryption,
)
from constructs_lib._failure import queue_retention_s as _retention_s
from constructs_lib._function import create_function, function_rule_violations, validate_recursive_loop
from constructs_lib._validation import (
    Integer,
    check_props,
    check_value,
    filter_patterns,
    duration_seconds,
    number,
    queue_consumer_specs,
    raise_first,
    warn,
)
from constructs_lib.value_rules import Violation, fmt_seconds, num
from constructs_lib.value_rules import alarms as alarm_rules
from constructs_lib.value_rules import api as api_rules
from constructs_lib.value_rules import provisioned as provisioned_rules
from constructs_lib.value_rules import sqs as sqs_rules

#: The function timeout when none is given: 30 s (a visibility timeout of 180 s).
DEFAULT_TIMEOUT_S = 30
DEFAULT_TIMEOUT = duration_seconds(DEFAULT_TIMEOUT_S)

#: What the created dead-letter queue is, in its cdk-nag acknowledgments.
DLQ_PURPOSE = "the consumer's dead-letter queue"
#: cdk-nag's Serverless pack misjudges the SQS invocation model; these hold for the one
#: function and the one event source mapping of a QueueConsumer.
ACKNOWLEDGMENTS = {
    "Serverless-LambdaDLQ": (
        "QueueConsumer's function is invoked synchronously by an SQS event source mapping; a "
        "Lambda DLQ only catches asynchronous invocations - failed messages go to the queue's "
        "redrive policy (dead_letter_queue) instead"
    ),
    "Serverless-LambdaEventSourceMappingDestination": (
        "QueueConsumer's event source mapping reads SQS, which supports no on-failure "
        "destination; a failed message moves to the queue's dead-letter queue after "
        "max_receive_count receives"
    ),
}

#: Exactly what Lambda's poller needs on the source queue (the same actions as AWS's
#: managed AWSLambdaSQSQueueExecutionRole policy). Source: limits.SRC_LAMBDA_SQS.
CONSUME_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")

#: Props that configure the queue this construct creates; they conflict with ``queue``.
_CREATED_QUEUE_PROPS = (
    "visibility_timeout", "retention_period", "dead_letter_queue", "encryption_key", "max_receive_count",
)


class QueueConsumer(Construct):
    """An SQS queue, its dead-letter queue and a Lambda function fed by an event source
    mapping, with the timeouts, redrive policy and concurrency derived or validated.

    Example::

        consumer = QueueConsumer(
            self, "Payments",
            code=lambda_.Code.from_asset("lambda_src"),
            handler="payments.handler.lambda_handler",
            timeout=Duration.seconds(20),          # visibility timeout becomes 120 s
            reserved_concurrent_executions=10,     # max_concurrency follows: 10
        )
        consumer.queue.grant_send_messages(producer)

    Bad input is a ``ConstructPropsError`` before anything reaches aws-cdk-lib (see
    :class:`~constructs_lib.ConstructPropsError` for the type and unit rules); the queue
    props take ``Duration.seconds(token)`` for a token.

    Function props (shared by every construct in this library):

    :param code: the function's code (``lambda_.Code``). Required.
    :param handler: the handler, e.g. ``"app.handler"``. Required.
    :param timeout: function timeout. Default 30 s: short enough to keep the derived
        visibility timeout (6 x timeout) at 3 minutes, long enough for a batch of 10.
    :param runtime: default the newest Python runtime aws-cdk-lib knows (3.14).
    :param architecture: default arm64, cheaper per GB-second than x86_64.
    :param memory_size: default 256 MB (CPU scales with memory; 128 MB slows cold starts).
    :param environment: environment variables. Default none.
    :param reserved_concurrent_executions: cap on concurrent executions, e.g. to protect
        a database. Default none (no reservation). 0 is an error: nothing would ever run.
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
        through SQS, SNS, S3 or Lambda is stopped after about 16 invocations instead of running
        and billing until someone notices. ``ALLOW`` only with ``recursive_loop_reason``, and
        it warns (``constructs-lib:recursive-loop-allowed``).
    :param recursive_loop_reason: why the recursion is deliberate and bounded; required with
        ``ALLOW``, an error otherwise (it would be ignored). Default none.

    Invocation-model props:

    :param queue: an existing queue to consume instead of creating one. Default none
        (a queue is created). A ``sqs.Queue`` made in the same app is validated (visibility
        timeout, dead-letter queue, FIFO), and its errors name ``queue``; an imported queue
        cannot be inspected, so a warning says its visibility timeout and redrive policy are
        unverified. The props that configure the created queue (``visibility_timeout``,
        ``retention_period``, ``dead_letter_queue``, ``encryption_key``, ``max_receive_count``)
        are an error with it. A queue in another Region than the stack is an error (Lambda polls
        only a queue in its own Region), when both Regions are known.
    :param fifo: create FIFO queues (source and DLQ). Default False. FIFO allows batches
        of at most 10 and no batching window.
    :param batch_size: messages per invocation. Default 10: the largest that needs no
        batching window. 1-10 without a window, up to 10,000 with one (FIFO: 1-10).
    :param max_batching_window: time to gather a batch. Default none (0 s). At most 5 min.
    :param max_concurrency: maximum concurrent invocations by this mapping (2-1,000).
        Default none, or ``reserved_concurrent_executions`` (up to 1,000, the most a mapping
        allows) when that is set and >= 2, so the poller is never throttled by the function.
        Above the reservation is an error.
    :param max_receive_count: receives before a message moves to the DLQ of the created
        queue. Default 5, the AWS recommendation; below 5 is allowed with a warning (throttling
        alone can push good messages to the DLQ). An error with ``queue`` (set it in that
        queue's redrive policy).
    :param report_batch_item_failures: let the handler return ``batchItemFailures`` so
        one bad message does not return the whole batch. Default True.
    :param filters: event filter patterns (``lambda_.FilterCriteria.filter(...)``), at most
        5. Default none. Messages that match no filter are deleted from the queue, not
        retried and not sent to the DLQ.
    :param visibility_timeout: the source queue's visibility timeout. Default derived:
        6 x timeout + max_batching_window, rounded up to whole seconds. A value below that is
        an error; above 12 h (SQS's maximum) too. With a token ``timeout`` it cannot be
        derived: pass it.
    :param retention_period: how long the source queue keeps messages. Default 4 days
        (SQS's default). The DLQ keeps them 14 days, never less than the source.
    :param dead_letter_queue: an existing DLQ to use instead of creating one. Default none
        (an encrypted DLQ with 14-day retention is created). Must match the source's FIFO
        type, keep messages at least as long as the source, and not have encryption turned
        off (``sqs.QueueEncryption.UNENCRYPTED``): it holds the failed messages themselves.
        The same holds for the DLQ in the redrive policy of a given ``queue``. An imported DLQ
        cannot be inspected, so a warning (``constructs-lib:dead-letter-queue-not-verifiable``)
        says its encryption and retention are unverified.
    :param encryption_key: a KMS key to encrypt both queues. Default none: SQS-managed
        server-side encryption (SSE-SQS).
    :param provisioned_poller_config: SQS provisioned mode,
        ``lambda_.ProvisionedPollerConfig(minimum_pollers=..., maximum_pollers=...)``: dedicated
        event pollers for spiky or latency-sensitive queues (billed per poller). Default none
        (standard mode: Lambda scales the pollers). SQS's ranges: ``minimum_pollers`` 2-200
        (default 2), ``maximum_pollers`` 2-10,000 (default 200), minimum <= maximum;
        ``poller_group_name`` is Kafka-only (error). Each SQS poller drives up to 10 concurrent
        invocations, so with ``reserved_concurrent_executions`` set, ``maximum_pollers`` x 10
        above the reservation is an error (the pollers would be throttled and push messages
        towards the DLQ). Not together with ``max_concurrency`` (AWS rejects the pair; with
        provisioned mode ``max_concurrency`` is not derived from the reservation either).
        aws-cdk-lib 2.275 caps ``maximum_pollers`` at Kafka's 2,000, so the construct writes the
        config on the L1 mapping, where SQS's 10,000 is accepted.
    :param mapping_metrics: turn on the event source mapping's metrics (``MetricsConfig``
        ``EventCount``: polled, filtered-out, invoked, failed-invoke and deleted message counts
        per mapping, dimension ``EventSourceMappingUUID``). Default True: they show what the
        function's own metrics cannot - messages a batch reported as failed
        (``batchItemFailures``, which ``Errors`` never counts) and invocations that never
        happened (permissions, a deleted function) - and the ``FailedInvokeEvents`` alarm reads
        them. False turns them (and that alarm) off.

    Alarms (``alarms``: see the construct's page in docs/):

    :param alarms: create the alarms below. Default True: a DLQ nobody watches is a slower
        way to lose messages. False creates none (and then no alarm prop may be set).
    :param alarm_topic: an SNS topic for every alarm's ALARM and OK actions. Default none
        (add actions yourself with ``self.alarms.add_alarm_action(...)``).
    :param dashboard: a CloudWatch dashboard of this construct (``dashboard``): what each
        failure path means and where failed messages go, then one graph per alarm with its
        threshold drawn on it. Default on with the alarms (it draws them): the graphs are
        where an operator starts when an alarm fires. False makes none; True with
        ``alarms=False`` is an error. An ``InvocationModelDashboard`` that shows this
        construct takes its row over (and this dashboard is not made).
    :param dead_letter_queue_alarm_threshold: visible messages in the DLQ that raise the
        ``DeadLetterQueue`` alarm. Default 1: every message there is a lost-unless-handled
        failure. At least 1.
    :param oldest_message_age_alarm_threshold: ApproximateAgeOfOldestMessage of the source
        queue that raises ``OldestMessageAge``. Default derived: 1.5 x the visibility timeout
        (CloudWatch's advice: 50 % above the longest expected processing time), or half the
        retention period when that is shorter (the alarm must fire before messages expire). Positive
        and below the queue's retention period (messages older than that are deleted, so
        the alarm could never fire). A token threshold must be ``Duration.seconds(token)``
        (the metric is in seconds) and goes into the alarm unchanged.
    :param errors_alarm_threshold: function ``Errors`` per minute that raise ``Errors``, and
        failed-invoke messages per minute that raise ``FailedInvokeEvents`` (with
        ``mapping_metrics``). Default 1 (each error returns a batch to the queue). At least 1.
    :param throttles_alarm_threshold: function ``Throttles`` per minute that raise
        ``Throttles``. Default 1 (throttled batches count towards maxReceiveCount). At least 1.

    Attributes: ``function``, ``queue``, ``dead_letter_queue`` (``None`` for an imported
    queue whose DLQ is unknown), ``event_source_mapping``, ``visibility_timeout`` and
    ``max_concurrency`` (the values in effect, ``None`` when unknown or unset),
    ``provisioned_poller_config`` (``None`` in standard mode), ``mapping_metrics`` (bool),
    ``alarms`` (an ``Alarms`` dict: ``DeadLetterQueue``, ``OldestMessageAge``, ``Errors``,
    ``Throttles``, ``FailedInvokeEvents`` (with ``mapping_metrics``); empty with ``alarms=False``),
    ``dashboard`` (the ``cloudwatch.Dashboard`` showing it, ``None`` without).
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
        queue: sqs.IQueue | None = None,
        fifo: bool | None = None,
        batch_size: int = limits.DEFAULT_SQS_BATCH_SIZE,
        max_batching_window: Duration | None = None,
        max_concurrency: int | None = None,
        max_receive_count: int | None = None,
        report_batch_item_failures: bool = True,
        filters: Sequence[Mapping[str, Any]] | None = None,
        visibility_timeout: Duration | None = None,
        retention_period: Duration | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        encryption_key: kms.IKey | None = None,
        provisioned_poller_config: lambda_.ProvisionedPollerConfig | None = None,
        mapping_metrics: bool = True,
        alarms: bool = True,
        alarm_topic: sns.ITopic | None = None,
        dashboard: bool | None = None,
        dead_letter_queue_alarm_threshold: int | None = None,
        oldest_message_age_alarm_threshold: Duration | None = None,
        errors_alarm_threshold: int | None = None,
        throttles_alarm_threshold: int | None = None,
        layers: Sequence[lambda_.ILayerVersion] | None = None,
        description: str | None = None,
        log_retention: logs.RetentionDays | None = None,
        function_props: Mapping[str, Any] | None = None,
        recursive_loop: lambda_.RecursiveLoop | None = None,
        recursive_loop_reason: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        plain = check_props(self, queue_consumer_specs(), locals(), source=limits.SRC_LAMBDA_SQS)
        if timeout is None:
            timeout, plain["timeout"] = DEFAULT_TIMEOUT, float(DEFAULT_TIMEOUT_S)
        raise_first(
            self,
            *function_rule_violations(plain, self),
            api_rules.check_no_async_settings(
                list(function_props or {}),
                invoker="the SQS event source mapping",
                instead="a failed message returns to the queue, whose redrive policy moves it to the dead-letter queue",
            ),
        )
        if queue is not None:
            self._reject_created_queue_props(
                visibility_timeout=visibility_timeout,
                retention_period=retention_period,
                dead_letter_queue=dead_letter_queue,
                encryption_key=encryption_key,
                max_receive_count=max_receive_count,
            )
            self._check_same_region(queue)
        elif max_receive_count is None:
            max_receive_count, plain["max_receive_count"] = (
                limits.DEFAULT_MAX_RECEIVE_COUNT, float(limits.DEFAULT_MAX_RECEIVE_COUNT)
            )
        is_fifo = self._resolve_fifo(queue, fifo)
        timeout_s: float | None = plain["timeout"]
        # 0 s when unset; None when an unresolved token (nothing can be derived from it).
        window_s: float | None = 0.0 if max_batching_window is None else plain["max_batching_window"]
        reserved = plain["reserved_concurrent_executions"]
        validate_recursive_loop(self, recursive_loop, recursive_loop_reason, function_props)
        self._validate_provisioned_mode(provisioned_poller_config, max_concurrency, reserved)
        if provisioned_poller_config is None:
            max_concurrency = self._derive_max_concurrency(max_concurrency, plain["max_concurrency"], reserved)

        raise_first(
            self,
            sqs_rules.check_batching_window(window_s, fifo=is_fifo),
            sqs_rules.check_batch_size(plain["batch_size"], max_batching_window_s=window_s, fifo=is_fifo),
            sqs_rules.check_max_concurrency(plain["max_concurrency"]),
            sqs_rules.check_max_concurrency_within_reserved(plain["max_concurrency"], reserved),
            sqs_rules.check_max_receive_count(plain["max_receive_count"]),
            sqs_rules.check_filter_count(len(filters) if filters is not None else None),
            sqs_rules.check_filters_unique(filter_patterns(filters)),
            alarm_rules.dashboard_without_alarms(dashboard, alarms),
            alarm_settings_given(
                alarms,
                alarm_topic=alarm_topic,
                dead_letter_queue_alarm_threshold=dead_letter_queue_alarm_threshold,
                oldest_message_age_alarm_threshold=oldest_message_age_alarm_threshold,
                errors_alarm_threshold=errors_alarm_threshold,
                throttles_alarm_threshold=throttles_alarm_threshold,
            ),
            *check_counts(
                dead_letter_queue_alarm_threshold=(
                    plain["dead_letter_queue_alarm_threshold"], "ApproximateNumberOfMessagesVisible"
                ),
                errors_alarm_threshold=(plain["errors_alarm_threshold"], "Errors"),
                throttles_alarm_threshold=(plain["throttles_alarm_threshold"], "Throttles"),
            ),
        )

        acknowledgments: dict[str, str] = {}
        visibility_s: float | None
        queue_retention_s: float | None
        queue_is_created = queue is None
        dlq_made = False
        if queue is None:
            visibility_timeout, visibility_s = self._visibility_timeout(
                visibility_timeout, plain["visibility_timeout"], timeout_s, window_s
            )
            if retention_period is None:
                source_retention, queue_retention_s = (
                    duration_seconds(limits.SQS_DEFAULT_RETENTION_S), float(limits.SQS_DEFAULT_RETENTION_S)
                )
            else:
                source_retention, queue_retention_s = retention_period, plain["retention_period"]
            raise_first(self, sqs_rules.check_retention(queue_retention_s, prop="retention_period"))
            if dead_letter_queue is None:
                dlq_made = True
                dead_letter_queue = create_failure_queue(
                    self,
                    "DeadLetterQueue",
                    purpose=DLQ_PURPOSE,
                    fifo=is_fifo,
                    encryption_key=encryption_key,
                    redrive_target=True,
                    acknowledge=False,
                )
                acknowledgments.update(failure_queue_acknowledgments(DLQ_PURPOSE, redrive_target=True))
            else:
                self._validate_given_dlq(dead_letter_queue, is_fifo, queue_retention_s)
            warn(self, "max-receive-count-low", sqs_rules.low_max_receive_count(plain["max_receive_count"]))
            queue = self._create_queue(
                "Queue",
                fifo=is_fifo,
                encryption_key=encryption_key,
                retention_period=source_retention,
                visibility_timeout=visibility_timeout,
                dead_letter_queue=sqs.DeadLetterQueue(
                    queue=dead_letter_queue,
                    max_receive_count=max_receive_count
                    if max_receive_count is not None
                    else limits.DEFAULT_MAX_RECEIVE_COUNT,
                ),
            )
            queue_key = encryption_key
        else:
            visibility_s, queue_retention_s, dead_letter_queue = self._validate_given_queue(
                queue, timeout_s, window_s, is_fifo
            )
            visibility_timeout = duration_seconds(int(visibility_s)) if visibility_s is not None else None
            queue_key = queue.encryption_master_key
            if visibility_s is None and timeout_s is not None and window_s is not None:
                # An imported queue: the age alarm assumes the smallest safe visibility timeout.
                visibility_s = sqs_rules.min_visibility_timeout_s(timeout_s, window_s)

        self.queue: sqs.IQueue = queue
        self.dead_letter_queue: sqs.IQueue | None = dead_letter_queue
        self.visibility_timeout: Duration | None = visibility_timeout
        self.max_concurrency: int | None = max_concurrency
        self.provisioned_poller_config: lambda_.ProvisionedPollerConfig | None = provisioned_poller_config
        self.mapping_metrics: bool = mapping_metrics
        age_threshold = self._oldest_message_age_threshold(
            oldest_message_age_alarm_threshold,
            plain["oldest_message_age_alarm_threshold"],
            visibility_s,
            queue_retention_s,
            alarms,
        )

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
        queue_arn = queue.queue_arn
        self._grant_consume(queue_arn, queue_key)
        self.event_source_mapping = lambda_.EventSourceMapping(
            self,
            "EventSourceMapping",
            target=self.function,
            event_source_arn=queue_arn,
            batch_size=batch_size,
            max_batching_window=max_batching_window,
            max_concurrency=max_concurrency,
            report_batch_item_failures=report_batch_item_failures,
            filters=list(filters) if filters else None,
            metrics_config=mapping_metrics_config(mapping_metrics),
        )
        self._set_provisioned_mode(provisioned_poller_config)
        # cdk-nag's Serverless pack misjudges the SQS invocation model (docs/queue-consumer.md).
        # One batch on this construct: each reason is true of the only resource here it applies to.
        acknowledgments.update(ACKNOWLEDGMENTS)
        acknowledge_all(self, acknowledgments)
        self.alarms: Alarms = Alarms()
        self._alarm_table: AlarmBuilder | None = None
        if alarms:
            self._alarm_table = AlarmBuilder(self, topic=alarm_topic)
            self._alarm_table.failure_paths = self._failure_paths(
                self._alarm_table,
                visibility_s,
                queue_retention_s,
                plain["max_receive_count"] if queue_is_created else None,
                dlq_made=dlq_made,
            )
            self.alarms = self._create_alarms(
                self._alarm_table,
                dlq_threshold=dead_letter_queue_alarm_threshold,
                age_threshold=age_threshold,
                retention_s=queue_retention_s,
                errors_threshold=errors_alarm_threshold,
                throttles_threshold=throttles_alarm_threshold,
            )
        self.dashboard: cloudwatch.Dashboard | None = own_dashboard(self, self._alarm_table, dashboard)

    # ----------------------------------------------------------------------------------
    # Provisioned mode and mapping metrics
    # ----------------------------------------------------------------------------------
    def _validate_provisioned_mode(
        self,
        config: lambda_.ProvisionedPollerConfig | None,
        max_concurrency: int | None,
        reserved: float | None,
    ) -> None:
        if config is None:
            return
        pollers = Integer(what="an integer number of pollers", source=limits.SRC_ESM_PROVISIONED_POLLER)
        for part in ("minimum_pollers", "maximum_pollers"):
            check_value(self, f"provisioned_poller_config.{part}", pollers, getattr(config, part))
        if config.poller_group_name is not None:
            raise_first(
                self,
                Violation(
                    "provisioned_poller_config.poller_group_name",
                    f"provisioned_poller_config.poller_group_name {config.poller_group_name!r} "
                    "applies to Amazon MSK and self-managed Kafka event sources only; an SQS "
                    "mapping's pollers cannot be grouped. Leave it unset",
                    limits.SRC_ESM_PROVISIONED_POLLER,
                ),
            )
        raise_first(
            self,
            provisioned_rules.check_provisioned_pollers(
                number(config.minimum_pollers),
                number(config.maximum_pollers),
                minimum_given=config.minimum_pollers is not None,
                maximum_given=config.maximum_pollers is not None,
                max_concurrency=number(max_concurrency),
                max_concurrency_given=max_concurrency is not None,
                reserved=reserved,
            ),
        )

    def _set_provisioned_mode(self, config: lambda_.ProvisionedPollerConfig | None) -> None:
        """Write the config on the L1 mapping: aws-cdk-lib 2.275's L2 checks maximum_pollers
        against Kafka's 1-2,000, which would refuse SQS's valid 2,001-10,000 (our rule above
        checks SQS's ranges). Source: limits.SRC_ESM_PROVISIONED_POLLER."""
        if config is None:
            return
        cfn = self.event_source_mapping.node.default_child
        assert isinstance(cfn, lambda_.CfnEventSourceMapping)
        cfn.provisioned_poller_config = lambda_.CfnEventSourceMapping.ProvisionedPollerConfigProperty(
            minimum_pollers=config.minimum_pollers, maximum_pollers=config.maximum_pollers
        )

    # ----------------------------------------------------------------------------------
    # Alarms
    # ----------------------------------------------------------------------------------
    def _oldest_message_age_threshold(
        self,
        given: Duration | None,
        given_s: float | None,
        visibility_s: float | None,
        retention_s: float | None,
        alarms: bool,
    ) -> float | None:
        """The given threshold (seconds; a ``Duration.seconds(token)`` passes through as
        its token), or 1.5 x the visibility timeout, or half the retention when that is
        shorter; validated below the queue's retention. ``None`` when nothing is known."""
        if not alarms:
            return None
        if given is not None and given_s is None:
            return float(given.to_seconds())  # a token in seconds (the type layer checked the unit)
        derived_from = None
        if given is None:
            if visibility_s is None:
                return None
            given_s = visibility_s * limits.DEFAULT_OLDEST_MESSAGE_AGE_ALARM_FACTOR
            if retention_s is not None and given_s >= retention_s:
                # A retention this short deletes messages before 1.5 x the visibility
                # timeout: alarm half-way to expiry instead, so the alarm can still fire.
                return retention_s / 2
            derived_from = (
                f"derived as {limits.DEFAULT_OLDEST_MESSAGE_AGE_ALARM_FACTOR} x visibility_timeout "
                f"{fmt_seconds(visibility_s)}"
            )
        raise_first(
            self,
            alarm_rules.check_age_threshold(
                given_s,
                retention_s,
                prop="oldest_message_age_alarm_threshold",
                limit_prop="retention_period",
                what="SQS deletes a message once it is retention_period old",
                source=limits.SRC_SQS_METRICS,
                derived_from=derived_from,
            ),
        )
        return given_s

    def _failure_paths(
        self,
        builder: AlarmBuilder,
        visibility_s: float | None,
        retention_s: float | None,
        max_receive_count: float | None,
        *,
        dlq_made: bool,
    ) -> tuple[FailurePath, ...]:
        """What the dashboard's text says of each failure path (see ``_dashboard``); the DLQ this
        construct made is named from its own path (no jsii round trip), a given one is asked."""
        dlq = self.dead_letter_queue
        dlq_path = f"{builder.path}/DeadLetterQueue" if dlq_made else dlq.node.path if dlq is not None else ""
        return (
            FailurePath(
                "Retries",
                "a message whose batch fails (an error, a timeout, a throttle) or that the handler reports "
                f"in batchItemFailures becomes visible again after the visibility timeout ({fmt_duration(visibility_s)})",
                "it goes back to the queue and is received again",
            ),
            FailurePath(
                "Dead-letter queue",
                f"after max_receive_count ({num(max_receive_count)}) receives"
                if max_receive_count is not None
                else "after the redrive policy's maxReceiveCount receives",
                f"it moves to the dead-letter queue `{dlq_path}`: read it, fix the cause, redrive it "
                "(SQS StartMessageMoveTask)"
                if dlq is not None
                else "it moves to the dead-letter queue of the imported queue's redrive policy (not visible here)",
            ),
            FailurePath(
                "Expiry",
                f"a message not processed within the queue's retention ({fmt_duration(retention_s)}) is deleted",
                "it is lost: OldestMessageAge fires before",
            ),
        )

    def _create_alarms(
        self,
        builder: AlarmBuilder,
        *,
        dlq_threshold: int | None,
        age_threshold: float | None,
        retention_s: float | None,
        errors_threshold: int | None,
        throttles_threshold: int | None,
    ) -> Alarms:
        if self.dead_letter_queue is not None:
            builder.queue_has_messages(
                "DeadLetterQueue",
                self.dead_letter_queue,
                dlq_threshold if dlq_threshold is not None else limits.DEFAULT_DEAD_LETTER_QUEUE_ALARM_THRESHOLD,
                what="the consumer's dead-letter queue",
                action="Read the messages, fix the cause (the function's logs show the error of "
                "each receive), then redrive them to the source queue (SQS StartMessageMoveTask).",
                path="Dead-letter queue",
                title="Dead-letter queue: messages",
            )
        if age_threshold is not None:
            builder.add(
                "OldestMessageAge",
                sqs_metric(self.queue, "ApproximateAgeOfOldestMessage", "Maximum"),
                threshold=age_threshold,
                comparison=GT,
                title="Oldest message age (s)",
                shown=fmt_duration(age_threshold),
                path="Expiry",
                also=((retention_s, f"retention {fmt_duration(retention_s)}: deleted unprocessed"),)
                if retention_s is not None
                else (),
                description=(
                    f"the oldest message in the source queue is older than {fmt_threshold(age_threshold, 's')} "
                    "(AWS/SQS ApproximateAgeOfOldestMessage, Maximum): the consumer is falling behind "
                    "or messages keep failing and coming back. Compare Errors and Throttles: with "
                    "errors, fix the handler; without, raise reserved_concurrent_executions / "
                    "max_concurrency or the batch size. Messages older than the retention period "
                    "are deleted unprocessed."
                ),
            )
        builder.function_errors(
            self.function,
            errors_threshold if errors_threshold is not None else limits.DEFAULT_ERRORS_ALARM_THRESHOLD,
            "The whole batch returns to the queue after the visibility timeout and each receive "
            "counts towards maxReceiveCount (then the dead-letter queue).",
        )
        builder.function_throttles(
            self.function,
            throttles_threshold if throttles_threshold is not None else limits.DEFAULT_THROTTLES_ALARM_THRESHOLD,
            "A throttled batch returns to the queue and counts as a receive, so good messages "
            "move towards the dead-letter queue.",
        )
        if self.mapping_metrics:
            self._failed_invoke_alarm(
                builder, errors_threshold if errors_threshold is not None else limits.DEFAULT_ERRORS_ALARM_THRESHOLD
            )
        return builder.alarms

    def _failed_invoke_alarm(self, builder: AlarmBuilder, threshold: float) -> None:
        """``FailedInvokeEvents`` from the mapping's own metrics (``errors_alarm_threshold``)."""
        builder.add(
            "FailedInvokeEvents",
            esm_metric(self.event_source_mapping, "FailedInvokeEventCount"),
            threshold=threshold,
            comparison=GTE,
            title="Messages not processed per minute",
            shown=fmt_threshold(threshold, "message(s)"),
            path="Retries",
            description=(
                f"at least {fmt_threshold(threshold, 'message(s)')} in a minute were not processed by an invocation "
                "(AWS/Lambda FailedInvokeEventCount of this event source mapping, Sum): the handler "
                "reported them in batchItemFailures, the invocation failed, or Lambda could not "
                "invoke the function at all (permissions, a deleted function or alias) - which "
                "the function's Errors never shows. Each returns to the queue and counts towards "
                "maxReceiveCount; read the function's logs and fix the cause before the messages "
                "reach the dead-letter queue."
            ),
        )

    # ----------------------------------------------------------------------------------
    # Derivations
    # ----------------------------------------------------------------------------------
    def _resolve_fifo(self, queue: sqs.IQueue | None, fifo: bool | None) -> bool:
        if queue is None:
            return bool(fifo)
        if fifo is not None and fifo != queue.fifo:
            kind = "a FIFO" if queue.fifo else "a standard"
            raise_first(
                self,
                Violation(
                    "fifo",
                    f"fifo {fifo} contradicts the given queue, which is {kind} queue; leave "
                    "fifo unset with an existing queue (it is read from the queue)",
                    limits.SRC_LAMBDA_SQS_PARAMS,
                ),
            )
        return bool(queue.fifo)

    def _derive_max_concurrency(
        self, max_concurrency: int | None, given: float | None, reserved: float | None
    ) -> int | None:
        """Follow the reservation (up to the 1,000 a mapping allows) when it is set and
        max_concurrency is not: the poller then never invokes more copies than may run."""
        if max_concurrency is not None or reserved is None:
            return max_concurrency
        if reserved >= limits.SQS_MIN_MAX_CONCURRENCY:
            return int(min(reserved, limits.SQS_MAX_MAX_CONCURRENCY))
        warn(
            self,
            "max-concurrency-unmatched",
            Violation(
                "reserved_concurrent_executions",
                f"reserved_concurrent_executions {num(reserved)} is below the smallest "
                f"max_concurrency ({limits.SQS_MIN_MAX_CONCURRENCY}), so the mapping cannot be "
                "capped to it: the poller may be throttled and push messages towards the DLQ; "
                "reserve at least 2",
                limits.SRC_LAMBDA_SQS_SCALING,
            ),
        )
        return None

    def _visibility_timeout(
        self, given: Duration | None, given_s: float | None, timeout_s: float | None, window_s: float | None
    ) -> tuple[Duration, float | None]:
        """The given visibility timeout (validated), or 6 x timeout + window rounded up to
        whole seconds (SQS counts whole seconds; up keeps it safe)."""
        if given is not None:
            raise_first(
                self,
                sqs_rules.check_visibility_timeout(given_s, timeout_s, window_s, at_least=True),
                sqs_rules.check_visibility_timeout_max(given_s),
            )
            return given, given_s
        if timeout_s is None or window_s is None:
            token_prop = "timeout" if timeout_s is None else "max_batching_window"
            raise_first(
                self,
                Violation(
                    token_prop,
                    f"{token_prop} is an unresolved token, so the visibility timeout (at least "
                    f"{limits.SQS_VISIBILITY_TIMEOUT_FACTOR} x timeout + max_batching_window) cannot "
                    "be derived from it; pass visibility_timeout explicitly",
                    limits.SRC_LAMBDA_SQS,
                ),
            )
            raise AssertionError("unreachable")  # pragma: no cover
        derived = math.ceil(sqs_rules.min_visibility_timeout_s(timeout_s, window_s))
        raise_first(
            self,
            sqs_rules.check_visibility_timeout_max(
                derived,
                prop="timeout",
                subject="visibility_timeout",
                derived_from=f"derived as {limits.SQS_VISIBILITY_TIMEOUT_FACTOR} x timeout "
                f"{fmt_seconds(timeout_s)} + max_batching_window {fmt_seconds(window_s)}",
            ),
        )
        return duration_seconds(derived), float(derived)

    # ----------------------------------------------------------------------------------
    # Validation of what the user brought
    # ----------------------------------------------------------------------------------
    def _reject_created_queue_props(self, **props: Any) -> None:
        for name in _CREATED_QUEUE_PROPS:
            if props.get(name) is not None:
                if name == "max_receive_count":
                    raise_first(
                        self,
                        Violation(
                            name,
                            f"max_receive_count {props[name]!r} configures the redrive policy of the queue this "
                            "construct creates, but an existing queue was given and it would be ignored; set "
                            "it in that queue's dead_letter_queue=sqs.DeadLetterQueue(queue=..., "
                            "max_receive_count=...) instead",
                            limits.SRC_SQS_DLQ,
                        ),
                    )
                raise_first(
                    self,
                    Violation(
                        name,
                        f"{name} configures the queue this construct creates, but an existing "
                        f"queue was given; set {name} on that queue instead",
                        limits.SRC_LAMBDA_SQS,
                    ),
                )

    def _check_same_region(self, queue: sqs.IQueue) -> None:
        """A given queue in another Region than this stack is an error; skipped when either
        Region is a token (an environment-agnostic stack, an ARN built from tokens)."""
        function_region = Stack.of(self).region
        if Token.is_unresolved(function_region):
            return
        raise_first(
            self,
            sqs_rules.check_queue_in_function_region(
                function_region, _resource_region(queue, queue.queue_arn), name=queue.node.path
            ),
        )

    def _validate_given_dlq(self, dlq: sqs.IQueue, is_fifo: bool, source_retention_s: float | None) -> None:
        if not isinstance(dlq.node.default_child, sqs.CfnQueue):
            warn(self, "dead-letter-queue-not-verifiable", sqs_rules.unverifiable_dead_letter_queue(dlq.node.path))
        raise_first(
            self,
            sqs_rules.check_fifo_match(is_fifo, dlq.fifo),
            sqs_rules.check_failure_queue_encrypted(queue_encryption(dlq), name=dlq.node.path),
            sqs_rules.check_dlq_retention(_retention_s(dlq), source_retention_s),
        )

    def _validate_given_queue(
        self, queue: sqs.IQueue, timeout_s: float | None, window_s: float | None, is_fifo: bool
    ) -> tuple[float | None, float | None, sqs.IQueue | None]:
        """``(visibility_s, retention_s, dead-letter queue)`` of a given queue; every error
        names ``queue``, the prop the user set."""
        cfn = queue.node.default_child
        if not isinstance(queue, sqs.Queue) or not isinstance(cfn, sqs.CfnQueue):
            warn(
                self,
                "queue-not-verifiable",
                Violation(
                    "queue",
                    f"queue {queue.node.path} is imported, so its visibility timeout (needs >= "
                    f"{limits.SQS_VISIBILITY_TIMEOUT_FACTOR} x timeout + max_batching_window) and "
                    "its redrive policy (needs a dead-letter queue) cannot be verified here",
                    limits.SRC_LAMBDA_SQS,
                ),
            )
            return None, None, None
        path = queue.node.path
        visibility_s = number(cfn.visibility_timeout)
        if cfn.visibility_timeout is None:
            visibility_s = 30.0  # SQS's default visibility timeout. Source: SRC_SQS_VISIBILITY.
        raise_first(
            self,
            sqs_rules.check_visibility_timeout(
                visibility_s, timeout_s, window_s, prop="queue", subject=f"queue {path}'s visibility timeout",
                at_least=True,
            ),
        )
        dlq = queue.dead_letter_queue
        if dlq is None:
            raise_first(
                self,
                Violation(
                    "queue",
                    f"queue {path} has no dead-letter queue; a message that always "
                    "fails would be retried until its retention expires and then be lost. Create "
                    "the queue with dead_letter_queue=sqs.DeadLetterQueue(queue=..., "
                    f"max_receive_count={limits.DEFAULT_MAX_RECEIVE_COUNT})",
                    limits.SRC_LAMBDA_SQS_ERRORS,
                ),
            )
            raise AssertionError("unreachable")  # pragma: no cover
        retention_s = _retention_s(queue)
        dlq_path = dlq.queue.node.path
        if not isinstance(dlq.queue.node.default_child, sqs.CfnQueue):
            warn(
                self,
                "dead-letter-queue-not-verifiable",
                sqs_rules.unverifiable_dead_letter_queue(f"{dlq_path} of queue {path}", prop="queue"),
            )
        raise_first(
            self,
            sqs_rules.check_max_receive_count(
                number(dlq.max_receive_count), prop="queue", subject=f"queue {path}'s maxReceiveCount"
            ),
            sqs_rules.check_fifo_match(
                is_fifo, dlq.queue.fifo, prop="queue", subject=f"queue {path}'s dead-letter queue {dlq_path}"
            ),
            sqs_rules.check_failure_queue_encrypted(
                queue_encryption(dlq.queue), prop="queue", name=f"{path}'s dead-letter queue {dlq_path}"
            ),
            sqs_rules.check_dlq_retention(
                _retention_s(dlq.queue), retention_s, prop="queue", subject=f"queue {path}'s dead-letter queue"
            ),
        )
        warn(
            self,
            "max-receive-count-low",
            sqs_rules.low_max_receive_count(
                number(dlq.max_receive_count), prop="queue", subject=f"queue {path}'s maxReceiveCount"
            ),
        )
        return visibility_s, retention_s, dlq.queue

    # ----------------------------------------------------------------------------------
    # Resources
    # ----------------------------------------------------------------------------------
    def _create_queue(
        self, id: str, *, fifo: bool, encryption_key: kms.IKey | None, **props: Any
    ) -> sqs.Queue:
        return sqs.Queue(
            self,
            id,
            fifo=True if fifo else None,
            encryption=sqs.QueueEncryption.KMS if encryption_key else sqs.QueueEncryption.SQS_MANAGED,
            encryption_master_key=encryption_key,
            enforce_ssl=True,
            **props,
        )

    def _grant_consume(self, queue_arn: str, key: kms.IKey | None) -> None:
        """Only what the poller needs: receive, delete, read attributes (and decrypt)."""
        self.function.add_to_role_policy(iam.PolicyStatement(actions=list(CONSUME_ACTIONS), resources=[queue_arn]))
        if key is not None:
            key.grant_decrypt(self.function)




def _resource_region(resource: Any, arn: str) -> str | None:
    """The Region of a resource: read from its ARN when that is a literal (an import), else
    its environment's Region (a resource made in a stack of this app); ``None`` when unknown."""
    if not Token.is_unresolved(arn):
        region = sqs_rules.arn_region(arn)
        if region is not None:
            return region
    env_region = resource.env.region
    return None if Token.is_unresolved(env_region) else env_region
