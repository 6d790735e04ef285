"""AsyncWorker: a Lambda function invoked asynchronously, with retries, event age and destinations.

The asynchronous invocation model: the caller (S3, SNS, EventBridge, or another function
with ``InvocationType=Event``) hands the event to Lambda's internal queue and moves on.
Nobody is waiting for the result, so a failure must be caught on Lambda's side: the
event invoke config retries it (``retry_attempts``), expires it (``max_event_age``) and
sends the invocation record to the on-failure destination. Sources that deliver to
Lambda through their own retry loop (EventBridge, SNS) also get a dead-letter queue for
*delivery* failures, which Lambda never sees.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from aws_cdk import CfnResource, Duration, Reference, RemovalPolicy, Stack, Tokenization
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
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
    fmt_duration,
    fmt_threshold_ms,
    lambda_metric,
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
    wildcard_acknowledgments,
    queue_encryption,
)
from constructs_lib._failure import queue_retention_s as _retention_s
from constructs_lib._function import (
    DEFAULT_LOG_RETENTION,
    create_function,
    escape_hatch_error,
    function_rule_violations,
    validate_recursive_loop,
)
from constructs_lib._validation import (
    async_worker_specs,
    bucket_notification_specs,
    check_props,
    duration_seconds,
    event_rule_specs,
    grant_invoke_specs,
    is_token_number,
    is_token_string,
    schedule_specs,
    raise_first,
    topic_subscription_specs,
    warn,
)
from constructs_lib.value_rules import Violation, fmt_seconds
from constructs_lib.value_rules import alarms as alarm_rules
from constructs_lib.value_rules import async_invoke as async_rules
from constructs_lib.value_rules import function as function_rules
from constructs_lib.value_rules import schedule as schedule_rules
from constructs_lib.value_rules import sqs as sqs_rules

#: The function timeout when none is given: 1 minute. Background work (sending a
#: notification, calling a third-party API) is slower than a request path, but a hung
#: call should fail soon enough to leave time for Lambda's retries.
DEFAULT_TIMEOUT_S = 60
DEFAULT_TIMEOUT = duration_seconds(DEFAULT_TIMEOUT_S)
#: The maximum event age when none is given: Lambda's maximum, 6 h.
DEFAULT_MAX_EVENT_AGE = duration_seconds(limits.DEFAULT_ASYNC_MAX_EVENT_AGE_S)

#: What the queues an AsyncWorker creates are, in their cdk-nag acknowledgments (made once
#: on the worker, true of each: the on-failure queue and every delivery dead-letter queue).
FAILURE_QUEUES_PURPOSE = (
    "every queue an AsyncWorker creates (its on-failure queue, the dead-letter queues of "
    "EventBridge and SNS deliveries) catches failures"
)
#: cdk-nag's Serverless pack asks for a Lambda DLQ; true of the worker's one function.
ACKNOWLEDGMENTS = {
    "Serverless-LambdaDLQ": (
        "AsyncWorker's failed asynchronous events go to the on-failure destination of the event "
        "invoke config, which AWS recommends over a Lambda DLQ: it also records the error"
    ),
}
#: aws-cdk-lib's per-stack singleton that writes bucket notification configurations.
NOTIFICATIONS_HANDLER_ID = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834"

#: The environment variable ``grant_invoke(..., environment_variable=...)`` suggests for
#: a calling function to learn the worker's name.
DEFAULT_FUNCTION_NAME_ENV = "WORKER_FUNCTION_NAME"


class AsyncWorker(Construct):
    """A Lambda function for asynchronous invocation, its event invoke config (retries,
    maximum event age) and an on-failure destination, plus helpers that wire each
    asynchronous source (EventBridge, SNS, S3, another function) with its own
    delivery-failure handling.

    Example::

        worker = AsyncWorker(
            self, "OrderConfirmation",
            code=lambda_.Code.from_asset("lambda_src"),
            handler="notifications.handler.lambda_handler",
            retry_attempts=2,                      # Lambda's default and maximum
            max_event_age=Duration.hours(6),       # Lambda's maximum
        )
        worker.add_event_rule(order_placed_rule)   # target DLQ + explicit retry policy
        worker.grant_invoke(checkout_fn, environment_variable="CONFIRMATION_FUNCTION_NAME")
        # worker.failure_queue receives the invocation record of every failed event

    Bad input, here and in the trigger helpers, is a ``ConstructPropsError`` before anything
    reaches aws-cdk-lib (see :class:`~constructs_lib.ConstructPropsError` for the type and
    unit rules); ``max_event_age`` takes ``Duration.seconds(token)`` for a token.

    Function props (shared by every construct in this library):

    :param code: the function's code (``lambda_.Code``). Required.
    :param handler: the handler, e.g. ``"app.handler"``. Required.
    :param timeout: function timeout, at most 15 minutes. Default 1 minute: background
        work may be slow, but a hung call should fail while retries still have time.
    :param runtime: default the newest Python runtime aws-cdk-lib knows (3.14).
    :param architecture: default arm64, cheaper per GB-second than x86_64.
    :param memory_size: default 256 MB (CPU scales with memory; 128 MB slows cold starts).
    :param environment: environment variables. Default none.
    :param reserved_concurrent_executions: cap on concurrent executions, e.g. to protect a
        downstream API. Default none. Throttled async events are legal - Lambda keeps
        them in its queue and retries for up to 6 hours - but ``max_event_age`` bounds how
        long they wait before going to the on-failure destination. 0 is an error.
        Above the account's concurrency quota minus the 100 executions Lambda keeps unreserved
        (900 by default) is an error too; state a raised quota in the context
        ``constructs-lib:account-concurrency``.
    :param layers: Lambda layers. Default none.
    :param description: the function's description. Default none.
    :param log_retention: retention of the function's own log group. Default 30 days.
    :param function_props: escape hatch, extra ``lambda_.Function`` keyword arguments. The
        props this construct sets are an error there, and so are ``retry_attempts``,
        ``max_event_age``, ``on_failure`` and ``on_success`` (props of the worker).
    :param recursive_loop: Lambda's recursive loop detection. Default
        ``lambda_.RecursiveLoop.TERMINATE`` (AWS's default, stated in the template): a worker that
        feeds its own trigger (an S3 write to the bucket that invokes it, an SNS publish to its
        topic) is stopped after about 16 invocations. ``ALLOW`` only with
        ``recursive_loop_reason``, and it warns (``constructs-lib:recursive-loop-allowed``).
    :param recursive_loop_reason: why the recursion is deliberate and bounded; required with
        ``ALLOW``, an error otherwise (it would be ignored). Default none.

    Invocation-model props:

    :param retry_attempts: retries after the function returns an error, 0-2. Default 2,
        Lambda's own default: transient errors get two more chances (after 1 and 3
        minutes). Use 0 for work that must not run twice and is not idempotent.
    :param max_event_age: how long Lambda keeps an event (waiting for a retry or for
        concurrency) before sending it to the on-failure destination, 60 s - 6 h.
        Default 6 h, Lambda's maximum: a throttled event keeps its chance to run for as
        long as Lambda allows. Shorter than the retries need is a warning.
    :param on_failure: where failed and expired events go: any ``lambda_.IDestination``
        (``SqsDestination``, ``SnsDestination``, ``EventBridgeDestination``,
        ``LambdaDestination``). Default: an encrypted SQS queue (SSE-SQS, TLS only,
        14-day retention) made here and exposed as ``failure_queue``. A destination
        receives the invocation record - the original event, the error and the attempt
        count - which a Lambda dead-letter queue (the legacy mechanism) does not. The
        function gets exactly what delivery needs (``sqs:SendMessage``, ``sns:Publish``,
        ``events:PutEvents`` or ``lambda:InvokeFunction``, plus ``kms:Decrypt`` and
        ``kms:GenerateDataKey`` for a KMS-encrypted queue or topic), not the extra read
        permissions aws-cdk-lib's destination classes grant. A FIFO queue or topic is an
        error (Lambda refuses a FIFO queue as a destination; a FIFO topic refuses a Publish
        without a message group), and so is a queue with encryption turned off. A queue
        made in this app that keeps messages 14 days is verified; any other destination
        gets a warning (``constructs-lib:failure-destination-unverified``) saying what it
        must be: encrypted, standard, and keeping records at least 14 days.
    :param on_success: where the records of successful invocations go. Default none.
        Optional bookkeeping - nothing is lost without it - so it does not warn; a FIFO
        queue or topic is still an error, and it gets exactly what delivery needs.

    Alarms (see the construct's page in docs/):

    :param alarms: create the alarms below. Default True. False creates none (and then no
        alarm prop may be set).
    :param alarm_topic: an SNS topic for every alarm's ALARM and OK actions. Default none.
    :param dashboard: a CloudWatch dashboard of this construct (``dashboard``): what each
        failure path means and where failed events go, then one graph per alarm with its
        threshold drawn on it (and max_event_age on AsyncEventAge); a delivery DLQ added later
        gets its graph too. Default on with the alarms (it draws them). False makes none; True
        with ``alarms=False`` is an error. An ``InvocationModelDashboard`` that shows this
        construct takes its row over (and this dashboard is not made).
    :param event_age_alarm_threshold: AsyncEventAge (Maximum) that raises ``AsyncEventAge``.
        Default derived: half of ``max_event_age`` (events half-way to expiring unrun).
        Positive and below ``max_event_age`` (older events are gone, so the alarm could never
        fire). A token threshold must be ``Duration.millis(token)`` (AsyncEventAge is in
        milliseconds) and goes into the alarm unchanged.
    :param failure_queue_alarm_threshold: visible messages in the created failure queue, and
        in each delivery DLQ the trigger helpers make or get, that raise ``FailureQueue`` /
        ``<source>DeadLetterQueue``. Default 1. At least 1.
    :param errors_alarm_threshold: function ``Errors`` per minute that raise ``Errors``.
        Default 1 (each error is a retry on its way to the failure destination). At least 1.
    :param throttles_alarm_threshold: function ``Throttles`` per minute that raise
        ``Throttles``. Default 1; throttled events wait in Lambda's queue (their age grows),
        so raise it when you cap concurrency on purpose. At least 1.
    ``AsyncEventsDropped`` and ``DestinationDeliveryFailures`` alarm on the first event.

    Attributes: ``function``, ``failure_queue`` (``None`` when ``on_failure`` was given),
    ``on_failure`` (the destination in effect), ``event_invoke_config``,
    ``retry_attempts`` and ``max_event_age`` (the values in effect), and
    ``delivery_dead_letter_queues`` (the DLQs the trigger helpers made or were given),
    ``schedules`` (the EventBridge Scheduler schedules ``add_schedule`` made),
    ``alarms`` (an ``Alarms`` dict: ``AsyncEventsDropped``, ``AsyncEventAge``,
    ``DestinationDeliveryFailures``, ``FailureQueue`` (created queue only), ``Errors``,
    ``Throttles``, and one ``<source>DeadLetterQueue`` per delivery DLQ; empty with
    ``alarms=False``), ``dashboard`` (the ``cloudwatch.Dashboard`` showing it, ``None`` without).
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
        retry_attempts: int = limits.DEFAULT_ASYNC_RETRY_ATTEMPTS,
        max_event_age: Duration | None = None,
        on_failure: lambda_.IDestination | None = None,
        on_success: lambda_.IDestination | None = None,
        alarms: bool = True,
        alarm_topic: sns.ITopic | None = None,
        dashboard: bool | None = None,
        event_age_alarm_threshold: Duration | None = None,
        failure_queue_alarm_threshold: int | None = None,
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
        plain = check_props(self, async_worker_specs(), locals(), source=limits.SRC_LAMBDA_ASYNC)
        if timeout is None:
            timeout, plain["timeout"] = DEFAULT_TIMEOUT, float(DEFAULT_TIMEOUT_S)
        if max_event_age is None:
            max_event_age, plain["max_event_age"] = DEFAULT_MAX_EVENT_AGE, float(limits.DEFAULT_ASYNC_MAX_EVENT_AGE_S)
        event_age_s = plain["max_event_age"]
        raise_first(
            self,
            *function_rule_violations(plain, self),
            async_rules.check_retry_attempts(plain["retry_attempts"]),
            async_rules.check_max_event_age(event_age_s),
            alarm_rules.dashboard_without_alarms(dashboard, alarms),
            alarm_settings_given(
                alarms,
                alarm_topic=alarm_topic,
                event_age_alarm_threshold=event_age_alarm_threshold,
                failure_queue_alarm_threshold=failure_queue_alarm_threshold,
                errors_alarm_threshold=errors_alarm_threshold,
                throttles_alarm_threshold=throttles_alarm_threshold,
            ),
            *check_counts(
                failure_queue_alarm_threshold=(
                    plain["failure_queue_alarm_threshold"], "ApproximateNumberOfMessagesVisible"
                ),
                errors_alarm_threshold=(plain["errors_alarm_threshold"], "Errors"),
                throttles_alarm_threshold=(plain["throttles_alarm_threshold"], "Throttles"),
            ),
        )
        event_age_ms = (
            self._event_age_threshold_ms(event_age_alarm_threshold, plain["event_age_alarm_threshold"], event_age_s)
            if alarms
            else None
        )
        validate_recursive_loop(self, recursive_loop, recursive_loop_reason, function_props)
        warn(
            self,
            "retries-outlived-by-event-age",
            async_rules.retries_outlived(plain["retry_attempts"], event_age_s, plain["timeout"]),
        )

        self.retry_attempts: int = retry_attempts
        self.max_event_age: Duration = max_event_age
        self.delivery_dead_letter_queues: list[sqs.IQueue] = []
        self.schedules: list[scheduler.Schedule] = []
        self._notifications: dict[str, list[tuple[str, str, str]]] = {}

        acknowledgments: dict[str, str] = {}
        self._wildcard_acks = acknowledgments  # what _bind_destination adds for a given destination
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
        self.failure_queue: sqs.Queue | None = None
        if on_failure is None:
            self.failure_queue = create_failure_queue(self, "FailureQueue", purpose=FAILURE_QUEUES_PURPOSE, acknowledge=False)
            failure_arn = self.failure_queue.queue_arn
            # Exactly what delivery needs (aws-cdk-lib's SqsDestination also grants
            # GetQueueAttributes and GetQueueUrl). Source: limits.SRC_LAMBDA_ASYNC_DEST.
            self.function.add_to_role_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[failure_arn]))
            self.on_failure: lambda_.IDestination = PreboundDestination(failure_arn)
            bound_failure: lambda_.IDestination = self.on_failure
        else:
            bound_failure = PreboundDestination(self._bind_destination("on_failure", on_failure, verify=True))
            self.on_failure = on_failure
        bound_success = (
            PreboundDestination(self._bind_destination("on_success", on_success, verify=False))
            if on_success is not None
            else None
        )
        # What function.configure_async_invoke() makes (same scope and id, so a second
        # configure_async_invoke() still fails loudly), kept as a typed attribute.
        self.event_invoke_config = lambda_.EventInvokeConfig(
            self.function,
            "EventInvokeConfig",
            function=self.function,
            retry_attempts=retry_attempts,
            max_event_age=max_event_age,
            on_failure=bound_failure,
            on_success=bound_success,
        )
        # Every queue this worker creates (its failure queue, the delivery dead-letter queues
        # of add_event_rule / add_topic_subscription) is the end of a failure path.
        acknowledgments.update(failure_queue_acknowledgments(FAILURE_QUEUES_PURPOSE))
        acknowledgments.update(ACKNOWLEDGMENTS)
        acknowledge_all(self, acknowledgments)
        self.alarms: Alarms = Alarms()
        self._failure_queue_alarm_threshold = (
            failure_queue_alarm_threshold
            if failure_queue_alarm_threshold is not None
            else limits.DEFAULT_DEAD_LETTER_QUEUE_ALARM_THRESHOLD
        )
        self._alarm_builder: AlarmBuilder | None = None
        if alarms:
            self._alarm_builder = AlarmBuilder(self, topic=alarm_topic)
            self._alarm_builder.failure_paths = self._failure_paths(self._alarm_builder, plain["retry_attempts"], event_age_s)
            self.alarms = self._alarm_builder.alarms
            self._create_alarms(
                self._alarm_builder, event_age_ms, errors_alarm_threshold, throttles_alarm_threshold, event_age_s=event_age_s
            )
        self._alarm_table = self._alarm_builder
        self.dashboard: cloudwatch.Dashboard | None = own_dashboard(self, self._alarm_builder, dashboard)

    def _bind_destination(self, prop: str, destination: lambda_.IDestination, *, verify: bool) -> str:
        """Bind a given destination with exactly the permissions delivery needs, refusing
        what Lambda refuses (a FIFO queue, a FIFO topic) and an unencrypted queue; returns
        its ARN. ``verify``: warn when the destination cannot be inspected."""
        kind = lambda_.DestinationType.FAILURE if prop == "on_failure" else lambda_.DestinationType.SUCCESS

        def bind(_scope: Construct, stand_in: lambda_.IFunction) -> str:
            # The worker itself as the scope: LambdaDestination(response_only=True) creates
            # an EventBridge rule there, which must outlive the stand-in.
            return destination.bind(self, stand_in, type=kind).destination

        try:
            arn, statements = bind_through_proxy(self, self.function, bind)
        except RuntimeError as exc:
            # aws-cdk-lib could not grant the delivery (an imported function of an unknown account).
            raise escape_hatch_error(self, prop, f"{type(destination).__name__}.bind", exc, source=limits.SRC_LAMBDA_ASYNC_DEST) from exc
        facts = destination_facts(arn)
        is_function, function = _destination_function(arn)
        raise_first(
            self,
            async_rules.check_destination_not_fifo(facts.get("kind"), facts.get("fifo"), prop=prop),
            async_rules.check_destination_encrypted(facts.get("encryption"), prop=prop) if verify else None,
            async_rules.check_destination_function_failure_path(
                *_failure_path(function),
                durable=function.durable_config is not None,
                prop=prop,
                name=(function.node.scope or function).node.path,
            )
            if function is not None
            else None,
        )
        delivery = delivery_statements(statements)
        grant_delivery(self.function, delivery)
        self._wildcard_acks.update(wildcard_acknowledgments(self, delivery))
        if is_function:
            # Its own failure path was checked above (made in this app), or cannot be (imported).
            if function is None:
                warn(self, "destination-function-unverified", async_rules.unverified_destination_function(prop=prop))
        elif verify:
            retention = facts.get("retention_s")
            if facts.get("encryption") is not None and retention is not None:
                # A queue made in this app, inspected: only a short retention is left to say.
                warn(self, "failure-queue-retention-short", async_rules.short_failure_queue_retention(retention, prop=prop))
            else:
                warn(self, "failure-destination-unverified", async_rules.unverified_on_failure(type(destination).__name__))
        return arn

    # ----------------------------------------------------------------------------------
    # Alarms
    # ----------------------------------------------------------------------------------
    def _event_age_threshold_ms(
        self, given: Duration | None, given_s: float | None, max_event_age_s: float | None
    ) -> float | None:
        """The AsyncEventAge threshold in milliseconds (the metric's unit): the given one (a
        ``Duration.millis(token)`` passes through), or half of max_event_age; validated
        below max_event_age."""
        if given is not None and given_s is None:
            return float(given.to_milliseconds())  # a token in milliseconds (checked by the type layer)
        threshold_s = given_s
        derived_from = None
        if given is None:
            if max_event_age_s is None:
                return None  # max_event_age is a token: nothing to derive from
            threshold_s = max_event_age_s * limits.DEFAULT_EVENT_AGE_ALARM_FRACTION
            derived_from = (
                f"derived as {limits.DEFAULT_EVENT_AGE_ALARM_FRACTION} x max_event_age {fmt_seconds(max_event_age_s)}"
            )
        raise_first(
            self,
            alarm_rules.check_age_threshold(
                threshold_s,
                max_event_age_s,
                prop="event_age_alarm_threshold",
                limit_prop="max_event_age",
                what="Lambda stops retrying an event once it is max_event_age old (it goes to the "
                "on-failure destination)",
                source=limits.SRC_LAMBDA_METRICS,
                derived_from=derived_from,
            ),
        )
        return threshold_s * 1000 if threshold_s is not None else None

    def _failure_paths(self, builder: AlarmBuilder, retries: float | None, event_age_s: float | None) -> tuple[FailurePath, ...]:
        """What the dashboard's text says of each failure path (see ``_dashboard``)."""
        destination = where_failures_go(builder, self.failure_queue is not None, self.on_failure)
        return (
            FailurePath(
                "Retries",
                f"Lambda retries a failed event {how_many(retries)} time(s) "
                f"(after 1 and 2 minutes) and keeps a throttled one waiting, up to max_event_age ({fmt_duration(event_age_s)})",
                "the event waits in Lambda's internal queue",
            ),
            FailurePath(
                "On-failure destination",
                "its retries are exhausted or it reaches max_event_age",
                f"its invocation record (the event and the error) goes to {destination}: fix the cause, invoke "
                "the worker again with the payloads",
            ),
            FailurePath("Lost", "delivery to the on-failure destination fails", "the event is lost"),
            FailurePath(
                "Delivery",
                "EventBridge, EventBridge Scheduler or SNS cannot invoke the function (a missing permission, "
                "throttling beyond their retries, a deleted function)",
                "the event goes to the dead-letter queue of that rule, schedule or subscription "
                "(add_event_rule, add_schedule, add_topic_subscription; one graph each)",
            ),
        )

    def _create_alarms(
        self,
        builder: AlarmBuilder,
        event_age_ms: float | None,
        errors_threshold: int | None,
        throttles_threshold: int | None,
        *,
        event_age_s: float | None,
    ) -> None:
        builder.add(
            "AsyncEventsDropped",
            lambda_metric(self.function, "AsyncEventsDropped", "Sum"),
            threshold=1,
            comparison=GTE,
            title="Events given up per minute",
            shown="1 event(s)",
            path="On-failure destination",
            description=(
                "Lambda gave up on at least 1 asynchronous event (AWS/Lambda AsyncEventsDropped, "
                "Sum): retries exhausted or max_event_age reached. It went to the on-failure "
                "destination (see FailureQueue / DestinationDeliveryFailures). Read its invocation "
                "record (requestContext.condition, responsePayload), fix the cause, re-send the event."
            ),
        )
        if event_age_ms is not None:
            builder.add(
                "AsyncEventAge",
                lambda_metric(self.function, "AsyncEventAge", "Maximum"),
                threshold=event_age_ms,  # AsyncEventAge is in milliseconds
                comparison=GT,
                title="Async event age (ms)",
                shown=fmt_duration(None if is_token_number(event_age_ms) else event_age_ms / 1000),
                path="Retries",
                also=((event_age_s * 1000, f"max_event_age {fmt_duration(event_age_s)}: to the on-failure destination"),)
                if event_age_s is not None
                else (),
                description=(
                    f"an asynchronous event waited more than {fmt_threshold_ms(event_age_ms)} in Lambda's "
                    "internal queue before running (AWS/Lambda AsyncEventAge, Maximum): throttling or "
                    "retries are delaying events towards max_event_age, after which they go to the "
                    "on-failure destination unrun. Check Throttles and Errors; raise "
                    "reserved_concurrent_executions or fix the failing dependency."
                ),
            )
        builder.destination_delivery_failures(self.function, "a failed event's invocation record")
        if self.failure_queue is not None:
            builder.queue_has_messages(
                "FailureQueue",
                self.failure_queue,
                self._failure_queue_alarm_threshold,
                what="the worker's on-failure queue",
                path="On-failure destination",
                title="Failure queue: failed events",
                action="Each message is an invocation record with the event (requestPayload) and "
                "the error: fix the cause, then invoke the worker again with the payloads.",
            )
        builder.function_errors(
            self.function,
            errors_threshold if errors_threshold is not None else limits.DEFAULT_ERRORS_ALARM_THRESHOLD,
            "Lambda retries the event (up to retry_attempts, after 1 and 2 minutes), then sends "
            "it to the on-failure destination.",
        )
        builder.function_throttles(
            self.function,
            throttles_threshold if throttles_threshold is not None else limits.DEFAULT_THROTTLES_ALARM_THRESHOLD,
            "Throttled events wait in Lambda's queue and are retried for up to max_event_age, "
            "then go to the on-failure destination unrun.",
        )

    # ----------------------------------------------------------------------------------
    # Callers
    # ----------------------------------------------------------------------------------
    def grant_invoke(self, grantee: iam.IGrantable, *, environment_variable: str | None = None) -> iam.Grant:
        """Let ``grantee`` invoke the worker (``lambda:InvokeFunction`` on this function's
        unqualified ARN only: not its versions or aliases, which its event invoke config would
        not cover; a grantee in another stack or an imported role gets the same statement).

        For a calling function - the one valid Lambda-to-Lambda pattern is offloading
        secondary work asynchronously - pass ``environment_variable`` (for example
        ``DEFAULT_FUNCTION_NAME_ENV``, ``"WORKER_FUNCTION_NAME"``) and the caller gets the
        worker's function name in that variable, to call
        ``lambda_client.invoke(FunctionName=os.environ[...], InvocationType="Event", ...)``.
        IAM cannot restrict the invocation type: a caller that invokes synchronously
        waits for the worker, pays for both, and bypasses the retries and destinations.
        """
        check_props(self, grant_invoke_specs(), locals(), source=limits.SRC_LAMBDA_ASYNC)
        if environment_variable is not None and not is_token_string(environment_variable):
            raise_first(self, function_rules.check_environment_key(environment_variable, prop="environment_variable"))
        if environment_variable is not None:
            if not isinstance(grantee, lambda_.Function):
                raise_first(
                    self,
                    Violation(
                        "environment_variable",
                        f"environment_variable {environment_variable!r} can only be set on a "
                        f"lambda_.Function, but the grantee is a {type(grantee).__name__}; pass "
                        "the worker's function_name to it yourself",
                        limits.SRC_LAMBDA_ASYNC,
                    ),
                )
            assert isinstance(grantee, lambda_.Function)
            grantee.add_environment(environment_variable, self.function.function_name)
        # The unqualified function only: its event invoke config (retries, event age, on-failure
        # destination) applies to unqualified invocations; aws-cdk-lib's grant_invoke would also
        # allow <function ARN>:* (every version and alias), which bypasses it.
        if not _other_account(grantee, Stack.of(self).account):
            grant = iam.Grant.add_to_principal(
                grantee=grantee, actions=["lambda:InvokeFunction"], resource_arns=[self.function.function_arn]
            )
            if grant.success:
                return grant
        # A principal of another account, or without a policy of its own (a service principal):
        # a resource-based permission on the function, as aws-cdk-lib grants it.
        return self.function.grant_invoke(grantee)

    # ----------------------------------------------------------------------------------
    # Triggers
    # ----------------------------------------------------------------------------------
    def add_event_rule(
        self,
        rule: events.Rule,
        *,
        event: events.RuleTargetInput | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        retry_attempts: int = limits.DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS,
        max_event_age: Duration | None = None,
    ) -> sqs.IQueue:
        """Make the worker a target of an EventBridge rule; returns the target's DLQ.

        EventBridge invokes the function asynchronously through its own retry loop. The
        target's dead-letter queue catches *delivery* failures (the event never reached
        Lambda: missing permission, deleted function, throttling beyond the retry policy);
        the worker's on-failure destination catches *execution* failures. Both are needed.

        :param event: transform the event before delivery. Default the whole event.
        :param dead_letter_queue: the target's DLQ. Default a new encrypted queue with
            14-day retention. Must be a standard queue, not unencrypted, and not
            encrypted with the AWS managed key (``KMS_MANAGED``: EventBridge cannot be
            allowed to use it); a customer managed key or a retention below 14 days is a
            warning.
        :param retry_attempts: delivery retries, 0-185. Default 185, EventBridge's own
            default set explicitly: Lambda's async Invoke fails only transiently or
            permanently, and permanent failures skip the retries and go to the DLQ.
        :param max_event_age: how long EventBridge retries delivery, 60 s - 24 h.
            Default 24 h, EventBridge's own default, set explicitly.
        """
        plain = check_props(self, event_rule_specs(), locals(), source=limits.SRC_EVENTBRIDGE_DLQ)
        if max_event_age is None:
            max_event_age = duration_seconds(limits.DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S)
            plain["max_event_age"] = float(limits.DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S)
        rule_stack = Stack.of(rule)
        raise_first(
            self,
            async_rules.check_target_retry_attempts(plain["retry_attempts"]),
            async_rules.check_target_max_event_age(plain["max_event_age"]),
            async_rules.check_rule_stack(rule_stack.node.path, Stack.of(self).node.path),
            async_rules.check_dead_letter_queue_stack(Stack.of(dead_letter_queue).node.path, rule_stack.node.path)
            if dead_letter_queue is not None and isinstance(dead_letter_queue.node.default_child, sqs.CfnQueue)
            else None,
        )
        dlq = self._delivery_dlq(rule, dead_letter_queue, service="EventBridge")
        rule.add_target(
            targets.LambdaFunction(
                self.function,
                event=event,
                dead_letter_queue=dlq,
                retry_attempts=retry_attempts,
                max_event_age=max_event_age,
            )
        )
        return dlq

    def add_schedule(
        self,
        schedule: scheduler.ScheduleExpression,
        *,
        input: scheduler.ScheduleTargetInput | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        retry_attempts: int = limits.DEFAULT_SCHEDULER_RETRY_ATTEMPTS,
        max_event_age: Duration | None = None,
        description: str | None = None,
    ) -> sqs.IQueue:
        """Invoke the worker on an EventBridge Scheduler schedule; returns the target's DLQ.

        Scheduler invokes the function asynchronously (``InvocationType=Event``) through its
        own retry loop, with an execution role made here (``lambda:InvokeFunction`` on this
        worker, ``sqs:SendMessage`` on the DLQ). Two failure paths, both needed: the target's
        dead-letter queue catches *delivery* failures (Scheduler could not invoke: permissions,
        throttling beyond its retry policy, a deleted function); once Lambda accepted the event,
        the worker's own ``retry_attempts``, ``max_event_age`` and on-failure destination catch
        *execution* failures. The schedule is an ``aws_scheduler.Schedule`` (exposed in
        ``schedules``), in the default group, enabled, without a flexible time window (it fires
        on time). Its role may invoke this worker's unqualified function only (the ARN the
        target names), send to the DLQ and, when the DLQ has a KMS key, use it as any SQS
        producer does (``kms:GenerateDataKey`` and ``kms:Decrypt``).

        The schedule expression is checked as Scheduler checks it (``rate(value unit)`` with a
        positive integer, singular for 1 and plural above; ``cron`` with six fields in range and
        ``?`` in exactly one day field; ``at(yyyy-mm-ddThh:mm:ss)``), and its time zone against
        the IANA database in Python's ``zoneinfo`` (skipped when the machine has none).

        :param schedule: when, e.g. ``scheduler.ScheduleExpression.rate(Duration.hours(1))`` or
            ``.cron(...)``. Required.
        :param input: the event the worker receives. Default Scheduler's (an empty object).
        :param dead_letter_queue: the target's DLQ. Default a new encrypted queue (SSE-SQS,
            TLS only) with 14-day retention. Must be a standard queue (Scheduler refuses FIFO)
            and not unencrypted; a retention below 14 days is a warning, and so is a KMS key
            this app does not own (the execution role must be allowed to use it).
        :param retry_attempts: delivery retries, 0-185. Default 185, Scheduler's own default set
            explicitly: Lambda's async Invoke fails only transiently or permanently, and
            permanent failures skip the retries and go to the DLQ.
        :param max_event_age: how long Scheduler retries delivery, 60 s - 24 h. Default 24 h,
            Scheduler's own default, set explicitly.
        :param description: the schedule's description, at most 512 characters. Default none.
        """
        plain = check_props(self, schedule_specs(), locals(), source=limits.SRC_SCHEDULER_RETRY)
        if max_event_age is None:
            max_event_age = duration_seconds(limits.DEFAULT_SCHEDULER_MAX_EVENT_AGE_S)
            plain["max_event_age"] = float(limits.DEFAULT_SCHEDULER_MAX_EVENT_AGE_S)
        raise_first(
            self,
            *_schedule_expression_violations(schedule),
            schedule_rules.check_schedule_description(
                len(description) if description is not None and not is_token_string(description) else None
            ),
            schedule_rules.check_schedule_retry_attempts(plain["retry_attempts"]),
            schedule_rules.check_schedule_max_event_age(plain["max_event_age"]),
            schedule_rules.check_schedule_dlq_standard(dead_letter_queue.fifo) if dead_letter_queue else None,
            sqs_rules.check_failure_queue_encrypted(queue_encryption(dead_letter_queue), name=dead_letter_queue.node.path)
            if dead_letter_queue
            else None,
        )
        schedule_id = self._unique_id("Schedule")
        role = iam.Role(
            self,
            f"{schedule_id}Role",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            ),
            description="EventBridge Scheduler execution role: invokes this worker, sends "
            "delivery failures to the schedule's dead-letter queue",
        )
        # Exactly what Scheduler needs: invoke the unqualified function the target names
        # (aws-cdk-lib's LambdaInvoke also grants <function ARN>:*, every version and alias).
        # Source: limits.SRC_SCHEDULER_TARGETS.
        role.add_to_principal_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.function.function_arn]))
        dlq = self._schedule_dlq(schedule_id, dead_letter_queue, role)
        # aws-cdk-lib 2.275's Schedule range-checks the retry policy without skipping tokens (a
        # token is a huge negative number there), so tokens go on the L1 instead.
        age_s = plain["max_event_age"]
        retries_token = plain["retry_attempts"] is None
        made = scheduler.Schedule(
            self,
            schedule_id,
            schedule=schedule,
            description=description,
            target=_LambdaScheduleTarget(
                self.function.function_arn,
                role=role,
                input=input,
                dead_letter_arn=dlq.queue_arn,
                retry_attempts=None if retries_token else retry_attempts,
                max_event_age_s=None if age_s is None else int(age_s),
            ),
        )
        cfn = made.node.default_child
        assert isinstance(cfn, scheduler.CfnSchedule)
        if retries_token:
            cfn.add_property_override("Target.RetryPolicy.MaximumRetryAttempts", retry_attempts)
        if age_s is None:
            # A token in seconds (the type layer refused other units): passed through unchanged.
            cfn.add_property_override("Target.RetryPolicy.MaximumEventAgeInSeconds", max_event_age.to_seconds())
        self.schedules.append(made)
        return dlq

    def _schedule_dlq(self, schedule_id: str, given: sqs.IQueue | None, role: iam.IRole) -> sqs.IQueue:
        """The schedule's DLQ (made, or given and checked), its alarm, and KMS use for the role."""
        service = "EventBridge Scheduler"
        if given is None:
            dlq: sqs.IQueue = create_failure_queue(
                self, f"{schedule_id}DeadLetterQueue", purpose=f"the dead-letter queue of {service}'s deliveries to the worker"
            )
        else:
            encryption = queue_encryption(given)  # FIFO and unencrypted were refused in add_schedule
            warn(self, "failure-queue-retention-short", async_rules.short_failure_queue_retention(_retention_s(given)))
            if given.encryption_master_key is not None:
                # Scheduler sends with the execution role, which needs what any SQS producer needs
                # on the key: kms:GenerateDataKey and kms:Decrypt (not Encrypt or ReEncrypt).
                # Sources: limits.SRC_SCHEDULER_DLQ, limits.SRC_SQS_KEY_MANAGEMENT.
                given.encryption_master_key.grant(role, *DELIVERY_KEY_ACTIONS["sqs"])
            elif encryption == "kms":
                warn(
                    self,
                    "dead-letter-queue-kms",
                    Violation(
                        "dead_letter_queue",
                        f"dead_letter_queue {given.node.path} is encrypted with a KMS key this app does "
                        f"not own; {service} sends with the schedule's execution role, which must be "
                        "allowed kms:GenerateDataKey and kms:Decrypt on it - otherwise delivery "
                        "failures are lost",
                        limits.SRC_SCHEDULER_DLQ,
                    ),
                )
            dlq = given
        # Scheduler sends to the DLQ with the execution role (no queue policy). Source: SRC_SCHEDULER_DLQ.
        role.add_to_principal_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dlq.queue_arn]))
        self._track_delivery_dlq(
            dlq, f"{schedule_id}DeadLetterQueue", service, "Fix that, then invoke the worker with the payloads."
        )
        return dlq

    def add_topic_subscription(
        self,
        topic: sns.ITopic,
        *,
        dead_letter_queue: sqs.IQueue | None = None,
        filter_policy: Mapping[str, sns.SubscriptionFilter] | None = None,
        filter_policy_with_message_body: Mapping[str, sns.FilterOrPolicy] | None = None,
    ) -> sqs.IQueue:
        """Subscribe the worker to an SNS topic; returns the subscription's DLQ. A FIFO topic
        is an error: FIFO topics deliver only to SQS queues (subscribe a FIFO queue and
        consume it with ``QueueConsumer(fifo=True)`` instead).

        SNS invokes the function asynchronously and retries delivery on its own; the
        subscription's dead-letter queue (its redrive policy) catches what SNS could not
        deliver, and the queue policy that lets SNS send to it is added. The worker's
        on-failure destination catches what failed inside the function.

        :param dead_letter_queue: the subscription's DLQ. Default a new encrypted queue
            (SSE-SQS, so SNS needs no KMS key policy) with 14-day retention. Must be a
            standard queue, not unencrypted, and not encrypted with the AWS managed key
            (``KMS_MANAGED``: SNS cannot be allowed to use it); a customer managed key or
            a retention below 14 days is a warning.
        :param filter_policy: / :param filter_policy_with_message_body: SNS filter
            policies; messages that match none are not delivered (and not failures).
        """
        check_props(self, topic_subscription_specs(), locals(), source=limits.SRC_SNS_DLQ)
        raise_first(
            self,
            async_rules.check_topic_not_fifo(topic.fifo),
            async_rules.check_topic_dead_letter_queue_region(
                _literal_region(topic.env.region),
                _literal_region(dead_letter_queue.env.region if dead_letter_queue is not None else Stack.of(self).region),
                topic=topic.node.path,
                queue=f"dead_letter_queue {dead_letter_queue.node.path}" if dead_letter_queue is not None
                else f"the dead-letter queue this makes (in the worker's stack {Stack.of(self).node.path})",
            ),
        )
        dlq = self._delivery_dlq(topic, dead_letter_queue, service="Amazon SNS")
        topic.add_subscription(
            subscriptions.LambdaSubscription(
                self.function,
                dead_letter_queue=dlq,
                filter_policy=filter_policy,
                filter_policy_with_message_body=filter_policy_with_message_body,
            )
        )
        return dlq

    def add_bucket_notification(
        self,
        bucket: s3.IBucket,
        events: Sequence[s3.EventType],
        *filters: s3.NotificationKeyFilter,
    ) -> None:
        """Invoke the worker for S3 events (e.g. ``[s3.EventType.OBJECT_CREATED]``).

        Adds the bucket notification for each event type and the function permission
        that lets ``s3.amazonaws.com`` invoke it for this bucket only. S3 has no
        delivery dead-letter queue; once Lambda accepted the event, the worker's retries
        and on-failure destination apply. Never let the worker write to the same bucket
        and prefix that triggers it: that is an invocation loop.

        Notifications of this worker on one bucket whose event types and key filters
        overlap (``OBJECT_CREATED`` and ``OBJECT_CREATED_PUT`` under one prefix) are an
        error: S3 refuses the configuration. aws-cdk-lib writes them through one handler
        function per stack; this gives it a log group of its own with the library's 30-day
        retention (instead of one Lambda creates on first use, which never expires) and
        replaces its role's AWSLambdaBasicExecutionRole (create and write to any log group)
        with write access to that group only. Its other permission,
        ``s3:PutBucketNotification``, is already scoped to each bucket by aws-cdk-lib. A role
        you gave the bucket (``notifications_handler_role``) is left as it is.
        """
        check_props(
            self,
            bucket_notification_specs(),
            {"bucket": bucket, "events": events, "filters": filters},
            source=limits.SRC_S3_NOTIFICATION_FILTERING,
        )
        bucket_path = bucket.node.path
        configured = self._notifications.setdefault(bucket_path, [])
        key_filters = [(f.prefix, f.suffix) for f in filters]
        raise_first(self, async_rules.check_notification_filters(key_filters))
        prefix = next((p for p, _ in key_filters if p), "")
        suffix = next((x for _, x in key_filters if x), "")
        for event_type in events:
            key = _s3_event_key(event_type)
            raise_first(
                self,
                async_rules.check_notification_overlap(configured, key, prefix, suffix, bucket=bucket_path),
            )
            configured.append((key, prefix, suffix))
        destination = s3n.LambdaDestination(self.function)
        for event_type in events:
            bucket.add_event_notification(event_type, destination, *filters)
        _tighten_notifications_handler(Stack.of(bucket))

    # ----------------------------------------------------------------------------------
    # Resources and checks of what the user brought
    # ----------------------------------------------------------------------------------
    def _delivery_dlq(self, source: events.IRule | sns.ITopic, given: sqs.IQueue | None, *, service: str) -> sqs.IQueue:
        if given is None:
            # Acknowledged with the worker (failure_queue_acknowledgments(FAILURE_QUEUES_PURPOSE)).
            dlq: sqs.IQueue = create_failure_queue(
                self,
                self._unique_id(f"{source.node.id}DeadLetterQueue"),
                purpose=f"the dead-letter queue of {service}'s deliveries to the worker",
                acknowledge=False,
            )
        else:
            retention_s = _retention_s(given)
            encryption = queue_encryption(given)
            raise_first(
                self,
                async_rules.check_failure_queue_standard(given.fifo, service=service),
                sqs_rules.check_failure_queue_encrypted(encryption, name=given.node.path),
                sqs_rules.check_failure_queue_key_usable(encryption, service=service, name=given.node.path),
            )
            warn(self, "failure-queue-retention-short", async_rules.short_failure_queue_retention(retention_s))
            if not isinstance(given.node.default_child, sqs.CfnQueue):
                # aws-cdk-lib adds the queue policy that lets the service send only to a queue of this app.
                is_sns = service == "Amazon SNS"
                warn(
                    self,
                    "dead-letter-queue-policy",
                    async_rules.unverified_dead_letter_queue_policy(
                        service,
                        "sns.amazonaws.com" if is_sns else "events.amazonaws.com",
                        f"the topic {source.node.path}" if is_sns else f"the rule {source.node.path}",
                    ),
                )
            if encryption == "kms":
                warn(
                    self,
                    "dead-letter-queue-kms",
                    Violation(
                        "dead_letter_queue",
                        f"dead_letter_queue {given.node.path} is encrypted with a customer managed KMS key; "
                        f"{service} can send to it only if the key policy allows its service "
                        "principal kms:GenerateDataKey and kms:Decrypt - otherwise delivery "
                        "failures are lost. SQS-managed encryption needs no key policy",
                        limits.SRC_SNS_DLQ if service == "Amazon SNS" else limits.SRC_EVENTBRIDGE_DLQ,
                    ),
                )
            dlq = given
        self._track_delivery_dlq(dlq, f"{source.node.id}DeadLetterQueue", service, "Fix that, then send the events again.")
        return dlq

    def _track_delivery_dlq(self, dlq: sqs.IQueue, alarm_name: str, service: str, then: str) -> None:
        """Record a delivery DLQ in ``delivery_dead_letter_queues`` and alarm on it."""
        self.delivery_dead_letter_queues.append(dlq)
        if self._alarm_builder is not None:
            self._alarm_builder.queue_has_messages(
                self._alarm_builder.unique_name(alarm_name),
                dlq,
                self._failure_queue_alarm_threshold,
                what=f"the dead-letter queue of {service}'s deliveries to the worker",
                path="Delivery",
                title=f"{service} delivery DLQ: messages",
                action=f"These events never reached the function ({service} could not invoke it: "
                f"permission, throttling beyond its retry policy, a deleted function). {then}",
            )

    def _unique_id(self, base: str) -> str:
        candidate, n = base, 2
        while self.node.try_find_child(candidate) is not None:
            candidate, n = f"{base}{n}", n + 1
        return candidate


def _literal_region(region: str | None) -> str | None:
    """A Region that is a known literal (``None`` for an environment-agnostic token)."""
    return region if isinstance(region, str) and region and not is_token_string(region) else None


def _other_account(grantee: iam.IGrantable, account: str) -> bool:
    """Whether ``grantee`` is known to be of another account than ``account`` (both resolved)."""
    principal_account = getattr(grantee.grant_principal, "principal_account", None)
    if not isinstance(principal_account, str) or is_token_string(principal_account) or is_token_string(account):
        return False
    return principal_account != account


def _destination_function(arn: str) -> tuple[bool, lambda_.CfnFunction | None]:
    """Whether a destination ARN names a Lambda function (or a version or alias of one), and
    that function's ``CfnFunction`` when it is made in this app (in any stack)."""
    fragments = Tokenization.reverse_string(arn)
    token = fragments.first_token if fragments.length == 1 else None
    target = token.target if isinstance(token, Reference) else None
    if isinstance(target, lambda_.CfnFunction):
        return True, target
    scope = target.node.scope if isinstance(target, (lambda_.CfnAlias, lambda_.CfnVersion)) else None
    if isinstance(scope, lambda_.Alias):
        scope = scope.version
    if isinstance(scope, lambda_.Version):
        child = scope.lambda_.node.default_child
        return True, child if isinstance(child, lambda_.CfnFunction) else None
    literal = re.sub(r"\$\{Token\[[^\]]*\]\}", "", arn)
    return ":lambda:" in literal and ":function:" in literal, None


def _failure_path(function: lambda_.CfnFunction) -> tuple[bool, bool]:
    """``(on-failure destination, dead-letter queue)`` of a function made in this app: an event
    invoke config of its stack naming it with ``DestinationConfig.OnFailure`` (on the function
    or any alias or version), and its ``DeadLetterConfig``."""
    stack = Stack.of(function)
    dead_letter = stack.resolve(function.dead_letter_config)
    has_dlq = isinstance(dead_letter, Mapping) and dead_letter.get("targetArn") is not None
    refs = {json.dumps(stack.resolve(function.ref), sort_keys=True)}
    for node in function.node.scope.node.children if function.node.scope is not None else ():
        if isinstance(node, (lambda_.Alias, lambda_.Version)):
            refs.add(json.dumps(stack.resolve(node.function_arn), sort_keys=True))
    for node in stack.node.find_all():
        if not isinstance(node, lambda_.CfnEventInvokeConfig):
            continue
        if json.dumps(stack.resolve(node.function_name), sort_keys=True) not in refs:
            continue
        config = stack.resolve(node.destination_config)
        on_failure = config.get("onFailure") if isinstance(config, Mapping) else None
        if isinstance(on_failure, Mapping) and on_failure.get("destination") is not None:
            return True, has_dlq
    return False, has_dlq


@jsii.implements(scheduler.IScheduleTarget)
class _LambdaScheduleTarget:
    """A schedule's Lambda target (``InvocationType=Event``) whose role the worker grants itself:
    ``aws_scheduler_targets.LambdaInvoke`` would also grant the role every version and alias
    (``<function ARN>:*``), and range-check the retry policy without skipping tokens."""

    def __init__(
        self,
        arn: str,
        *,
        role: iam.IRole,
        input: scheduler.ScheduleTargetInput | None,
        dead_letter_arn: str,
        retry_attempts: float | None,
        max_event_age_s: float | None,
    ) -> None:
        self._config = scheduler.ScheduleTargetConfig(
            arn=arn,
            role=role,
            input=input,
            dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=dead_letter_arn),
            retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                maximum_retry_attempts=retry_attempts, maximum_event_age_in_seconds=max_event_age_s
            ),
        )

    def bind(self, _schedule: scheduler.ISchedule) -> scheduler.ScheduleTargetConfig:
        return self._config


@functools.cache
def _time_zones() -> frozenset[str]:
    """The IANA time zone names of the time zone database at hand (empty without one)."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _schedule_expression_violations(schedule: scheduler.ScheduleExpression) -> list[Violation | None]:
    """The expression and its time zone, as EventBridge Scheduler accepts them (a token passes)."""
    expression = schedule.expression_string
    time_zone = schedule.time_zone
    zone = time_zone.timezone_name if time_zone is not None else None
    return [
        schedule_rules.check_schedule_expression(None if is_token_string(expression) else expression),
        schedule_rules.check_schedule_timezone(None if zone is None or is_token_string(zone) else zone, _time_zones()),
    ]


def _tighten_notifications_handler(stack: Stack) -> None:
    """aws-cdk-lib's bucket-notifications handler (one Lambda function per stack, a raw
    ``AWS::Lambda::Function`` resource) logs to a log group Lambda creates on first use,
    which never expires, with a role that holds AWSLambdaBasicExecutionRole (create log
    groups and write to any log group). Give it its own log group with the library's
    retention, and replace that managed policy with write access to that group only. Its
    other permission (s3:PutBucketNotification) is already scoped to each bucket. Once per
    stack; a role the user gave the bucket (``notifications_handler_role``) is left alone."""
    handler = stack.node.try_find_child(NOTIFICATIONS_HANDLER_ID)
    if not isinstance(handler, Construct) or handler.node.try_find_child("LogGroup") is not None:
        return
    function = handler.node.try_find_child("Resource")
    if not isinstance(function, CfnResource):
        return
    log_group = logs.LogGroup(handler, "LogGroup", retention=DEFAULT_LOG_RETENTION, removal_policy=RemovalPolicy.RETAIN)
    function.add_property_override("LoggingConfig.LogGroup", log_group.log_group_name)
    role = handler.node.try_find_child("Role")
    if isinstance(role, iam.Role):
        cfn_role = role.node.default_child
        if isinstance(cfn_role, iam.CfnRole):
            # Set on the L1 itself (not a deletion override), so that what reads the L1 -
            # cdk-nag's AwsSolutions-IAM4 among them - sees the policy gone as well.
            cfn_role.managed_policy_arns = None
        log_group.grant_write(role)


#: The s3.EventType members that are S3 wildcards (``s3:ObjectCreated:*``...): every
#: member whose name starts with one of them is in its family. Source:
#: limits.SRC_S3_NOTIFICATION_FILTERING (the supported event types).
_S3_WILDCARD_EVENTS = (
    "OBJECT_CREATED", "OBJECT_REMOVED", "OBJECT_RESTORE", "REPLICATION", "LIFECYCLE_EXPIRATION", "OBJECT_TAGGING",
)


def _s3_event_key(event_type: s3.EventType) -> str:
    """An event type as ``FAMILY:MEMBER`` / ``FAMILY:*``, the shape of S3's own names
    (``s3:ObjectCreated:Put`` / ``s3:ObjectCreated:*``), for the overlap rule."""
    name = event_type.name
    if name in _S3_WILDCARD_EVENTS:
        return f"{name}:*"
    family = next((w for w in _S3_WILDCARD_EVENTS if name.startswith(w + "_")), name)
    return f"{family}:{name[len(family) + 1:] or name}"
