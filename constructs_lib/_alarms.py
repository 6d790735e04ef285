"""The alarms every construct puts on its failure paths, built in one place.

Plain ``aws_cloudwatch`` (part of aws-cdk-lib, which every user already has) rather than
cdk-monitoring-constructs: a handful of alarms on known metrics do not justify a second
construct library, its release cadence and its own aws-cdk-lib version range.

Each alarm names its metric exactly (namespace, metric name, statistic, period and
dimensions), so the template says what is watched; the sources are in ``limits.py``
(``SRC_LAMBDA_METRICS``, ``SRC_SQS_METRICS``, ``SRC_APIGW_REST_METRICS``,
``SRC_APIGW_HTTP_METRICS``). Missing data is "not breaching" everywhere, on purpose:
all these metrics are published only while there is traffic (an idle queue, function
or API has no datapoints), and no traffic is not a failure; the case "nothing runs
although it should" is covered by a companion count alarm (throttles, dropped events,
a failure queue filling up). Source: ``limits.SRC_CLOUDWATCH_MISSING_DATA``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import limits
from constructs_lib._validation import is_token_number
from constructs_lib.value_rules import Violation, num
from constructs_lib.value_rules import alarms as alarm_rules

#: Namespaces. Sources: SRC_LAMBDA_METRICS, SRC_SQS_METRICS, SRC_APIGW_REST_METRICS
#: (REST: 5XXError, IntegrationLatency, Count; dimensions ApiName, Stage),
#: SRC_APIGW_HTTP_METRICS (HTTP API: 5xx, IntegrationLatency, Count; dimensions ApiId, Stage).
LAMBDA_NAMESPACE = "AWS/Lambda"
SQS_NAMESPACE = "AWS/SQS"
APIGW_NAMESPACE = "AWS/ApiGateway"

PERIOD = Duration.seconds(limits.ALARM_PERIOD_S)

GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
#: See the module docstring: every metric here is only published while there is traffic.
NOT_BREACHING = cloudwatch.TreatMissingData.NOT_BREACHING


class Alarms(dict[str, cloudwatch.Alarm]):
    """The alarms of one construct by name (``"Errors"``, ``"DeadLetterQueue"``...).

    A plain dict, so ``consumer.alarms["Errors"]`` and iteration work as usual, plus two
    helpers to route them all somewhere::

        consumer.alarms.add_alarm_action(cw_actions.SnsAction(pager_topic))
    """

    def add_alarm_action(self, *actions: cloudwatch.IAlarmAction) -> None:
        """Add ``actions`` to every alarm's ALARM state."""
        for alarm in self.values():
            alarm.add_alarm_action(*actions)

    def add_ok_action(self, *actions: cloudwatch.IAlarmAction) -> None:
        """Add ``actions`` to every alarm's OK state (the all-clear)."""
        for alarm in self.values():
            alarm.add_ok_action(*actions)


def alarm_settings_given(alarms: bool, **settings: object) -> Violation | None:
    """An error when ``alarms=False`` comes with thresholds or a topic (they would be ignored)."""
    if alarms:
        return None
    return alarm_rules.alarm_props_without_alarms([k for k, v in settings.items() if v is not None])


def check_counts(**thresholds: tuple[float | None, str]) -> list[Violation | None]:
    """``prop=(value, metric)`` -> the count rule for each (``None`` values pass)."""
    return [
        alarm_rules.check_count_threshold(value, prop=prop, metric=metric)
        for prop, (value, metric) in thresholds.items()
    ]


def fmt_threshold(value: float, unit: str) -> str:
    """A threshold for an alarm description: ``'90 s'``, or ``'the given threshold'`` for
    an unresolved token (its value is only known at deploy time)."""
    if is_token_number(value):
        return "the given threshold"
    return f"{num(value)} {unit}"


def fmt_threshold_ms(value: float) -> str:
    """A millisecond threshold in seconds for a description (``'the given threshold'`` for a token)."""
    if is_token_number(value):
        return "the given threshold"
    return f"{num(round(value / 1000, 3))} s"


def fmt_rate_percent(value: float) -> str:
    """A rate threshold (a fraction) as a percentage for a description: ``'5 %'``, or
    ``'the given share'`` for an unresolved token."""
    if is_token_number(value):
        return "the given share"
    return f"{num(value * 100)} %"


def fmt_duration(seconds: float | None) -> str:
    """A duration as an operator reads it on a dashboard: ``'4 days'``, ``'6 h'``, ``'3 min'``,
    ``'90 s'``; ``'the given value'`` for ``None`` (a token)."""
    if seconds is None or is_token_number(seconds):
        return "the given value"
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            value = seconds // size
            return f"{num(value)} {'day' if unit == 'days' and value == 1 else unit}"
    return f"{num(round(seconds, 3))} s"


def _count(threshold: float) -> str:
    return "the given number of" if is_token_number(threshold) else num(threshold)


@dataclass(frozen=True)
class Watch:
    """One row of a construct's alarms table: the alarm, and everything its dashboard graph
    draws - the same metric object, the same threshold - so a graph cannot drift from its alarm.

    ``title``: the graph's title; ``shown``: the threshold as an operator reads it
    (``'3 h'``, ``'1 message(s)'``); ``path``: the failure path the alarm watches (a name in
    the construct's failure-path table, see ``constructs_lib._dashboard``); ``also``: other
    lines worth drawing on the graph, ``(value in the metric's unit, label)`` (the integration
    timeout a latency runs into, the age at which records are discarded)."""

    name: str
    title: str
    metric: cloudwatch.IMetric
    threshold: float
    comparison: cloudwatch.ComparisonOperator
    shown: str
    path: str
    also: tuple[tuple[float, str], ...]
    alarm: cloudwatch.Alarm


class WatchListener(Protocol):
    """What is told of every alarm added (a dashboard row draws its graph)."""

    def add(self, watch: Watch) -> None: ...


#: How each comparison reads in a graph's annotation.
COMPARISON_TEXT = {GTE: ">=", GT: ">"}


def camel_words(name: str) -> str:
    """``'DeadLetterQueue'`` -> ``'Dead letter queue'`` (a default graph title)."""
    words = "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(name)).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


class AlarmBuilder:
    """Creates a construct's alarms under a child construct ``Alarms``, with ``topic``
    (when given) as every alarm's ALARM and OK action, and keeps them as a table
    (:class:`Watch`, in ``watches``) that the construct's dashboard draws."""

    def __init__(self, owner: Construct, *, topic: sns.ITopic | None, kind: str = "") -> None:
        self.owner = owner
        self.scope = Construct(owner, "Alarms")
        self.topic = topic
        self.alarms = Alarms()
        self.watches: list[Watch] = []
        #: The construct's type and its failure paths (``_dashboard.FailurePath``, set by the
        #: construct), for its dashboard's text.
        self.kind = kind or type(owner).__name__
        self.failure_paths: tuple[Any, ...] = ()
        #: Dashboard rows drawing this table; told of every alarm added later.
        self.listeners: list[WatchListener] = []
        self._path: str | None = None
        self._action: cw_actions.SnsAction | None = None

    @property
    def path(self) -> str:
        """The owner's construct path, read once (each read is a jsii round trip)."""
        if self._path is None:
            self._path = self.owner.node.path
        return self._path

    def add(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        description: str,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
        treat_missing_data: cloudwatch.TreatMissingData = NOT_BREACHING,
        title: str | None = None,
        shown: str | None = None,
        path: str = "",
        also: tuple[tuple[float, str], ...] = (),
    ) -> cloudwatch.Alarm:
        """One alarm; ``description`` tells the operator what is happening and what to do.
        ``title``, ``shown``, ``path`` and ``also`` go into its row of the table (:class:`Watch`)."""
        alarm = cloudwatch.Alarm(
            self.scope,
            name,
            metric=metric,
            # 0.8 x 3 s is 2400.0000000000005 ms otherwise; a token passes through as is.
            threshold=threshold if is_token_number(threshold) else round(threshold, 3),
            comparison_operator=comparison,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=treat_missing_data,
            alarm_description=f"{self.path}: {description}",
        )
        if self.topic is not None:
            if self._action is None:
                self._action = cw_actions.SnsAction(self.topic)
            alarm.add_alarm_action(self._action)
            alarm.add_ok_action(self._action)
        self.alarms[name] = alarm
        value = threshold if is_token_number(threshold) else round(threshold, 3)
        watch = Watch(
            name=name,
            title=title or camel_words(name),
            metric=metric,
            threshold=value,
            comparison=comparison,
            shown=shown if shown is not None else ("the given threshold" if is_token_number(threshold) else num(value)),
            path=path,
            also=tuple(also),
            alarm=alarm,
        )
        self.watches.append(watch)
        for listener in self.listeners:
            listener.add(watch)
        return alarm

    def unique_name(self, base: str) -> str:
        """``base``, or ``base2``, ``base3``... when an alarm of that name exists."""
        candidate, n = base, 2
        while candidate in self.alarms:
            candidate, n = f"{base}{n}", n + 1
        return candidate

    # ----------------------------------------------------------------------------------
    # Alarms shared by several constructs
    # ----------------------------------------------------------------------------------
    def function_errors(self, function: lambda_.IFunction, threshold: float, consequence: str, *, path: str = "Retries") -> None:
        self.add(
            "Errors",
            lambda_metric(function, "Errors", "Sum"),
            threshold=threshold,
            comparison=GTE,
            title="Function errors per minute",
            shown=f"{fmt_threshold(threshold, 'error(s)')}",
            path=path,
            description=(
                f"the function returned at least {_count(threshold)} error(s) in a minute (AWS/Lambda "
                f"Errors, Sum). {consequence} Read the function's log group for the exception, "
                "fix the code or the dependency it calls, then redrive what reached the failure "
                "destination."
            ),
        )

    def function_throttles(self, function: lambda_.IFunction, threshold: float, consequence: str, *, path: str = "Retries") -> None:
        self.add(
            "Throttles",
            lambda_metric(function, "Throttles", "Sum"),
            threshold=threshold,
            comparison=GTE,
            title="Throttled invocations per minute",
            shown=f"{fmt_threshold(threshold, 'throttle(s)')}",
            path=path,
            description=(
                f"at least {_count(threshold)} invocation(s) were throttled in a minute (AWS/Lambda "
                f"Throttles, Sum). {consequence} Check reserved concurrency and the account's "
                "unreserved pool (ConcurrentExecutions); raise the reservation or lower the "
                "source's concurrency (max_concurrency, stage throttling)."
            ),
        )

    def queue_has_messages(
        self, name: str, queue: sqs.IQueue, threshold: float, *, what: str, action: str, path: str, title: str
    ) -> None:
        self.add(
            name,
            sqs_metric(queue, "ApproximateNumberOfMessagesVisible", "Maximum"),
            threshold=threshold,
            comparison=GTE,
            title=title,
            shown=f"{fmt_threshold(threshold, 'message(s)')}",
            path=path,
            description=(
                f"{what} holds at least {_count(threshold)} message(s) (AWS/SQS "
                "ApproximateNumberOfMessagesVisible, Maximum): a failure path is in use and each "
                f"message is a failure nobody has handled yet. {action} The queue keeps messages "
                f"{limits.FAILURE_QUEUE_RETENTION_S // 86400} days at most when this library "
                "created it."
            ),
        )

    def destination_delivery_failures(self, function: lambda_.IFunction, what: str, *, path: str = "Lost") -> None:
        self.add(
            "DestinationDeliveryFailures",
            lambda_metric(function, "DestinationDeliveryFailures", "Sum"),
            threshold=1,
            comparison=GTE,
            title="Failed deliveries to the on-failure destination",
            shown="1 failure(s)",
            path=path,
            description=(
                f"Lambda could not deliver {what} to the on-failure destination (AWS/Lambda "
                "DestinationDeliveryFailures, Sum): those failures are LOST, not queued. Check the "
                "function role's permission on the destination, the destination's key policy "
                "(KMS), and that it still exists."
            ),
        )


# --------------------------------------------------------------------------------------
# Metrics, with their dimensions spelled out
# --------------------------------------------------------------------------------------
def lambda_metric(function: lambda_.IFunction, name: str, statistic: str) -> cloudwatch.Metric:
    """``AWS/Lambda`` metric of one function (dimension ``FunctionName``). Through
    ``function.metric``: the same metric as ``cloudwatch.Metric(namespace="AWS/Lambda",
    dimensions_map={"FunctionName": ...})``, in one jsii round trip instead of two."""
    return function.metric(name, statistic=statistic, period=PERIOD)


def sqs_metric(queue: sqs.IQueue, name: str, statistic: str) -> cloudwatch.Metric:
    """``AWS/SQS`` metric of one queue (dimension ``QueueName``), through ``queue.metric``."""
    return queue.metric(name, statistic=statistic, period=PERIOD)


def api_metric(name: str, statistic: str, dimensions: Mapping[str, str]) -> cloudwatch.Metric:
    """``AWS/ApiGateway`` metric: REST with ``ApiName``+``Stage``, HTTP with ``ApiId``+``Stage``."""
    return cloudwatch.Metric(
        namespace=APIGW_NAMESPACE,
        metric_name=name,
        dimensions_map=dict(dimensions),
        statistic=statistic,
        period=PERIOD,
    )


def server_error_rate(*, rest: bool, dimensions: Mapping[str, str]) -> cloudwatch.MathExpression:
    """5XX responses / requests per minute, as a fraction (0 when no request failed).

    REST: ``5XXError`` (Sum) / ``Count`` (SampleCount, as the REST metrics page defines it);
    HTTP APIs: ``5xx`` (Sum) / ``Count`` (Sum).
    """
    errors = api_metric("5XXError" if rest else "5xx", "Sum", dimensions)
    requests = api_metric("Count", "SampleCount" if rest else "Sum", dimensions)
    return cloudwatch.MathExpression(
        expression="FILL(errors, 0) / requests",
        using_metrics={"errors": errors, "requests": requests},
        label="5XX rate",
        period=PERIOD,
    )


def esm_metric(mapping: lambda_.IEventSourceMapping, name: str, statistic: str = "Sum") -> cloudwatch.Metric:
    """``AWS/Lambda`` metric of one event source mapping (dimension ``EventSourceMappingUUID``),
    published only when the mapping's ``MetricsConfig`` includes ``EventCount``.
    Sources: ``limits.SRC_LAMBDA_METRICS`` (event source mapping metrics), ``limits.SRC_LAMBDA_METRICS_VIEW``."""
    return cloudwatch.Metric(
        namespace=LAMBDA_NAMESPACE,
        metric_name=name,
        dimensions_map={"EventSourceMappingUUID": mapping.event_source_mapping_id},
        statistic=statistic,
        period=PERIOD,
    )


def mapping_metrics_config(enabled: bool) -> lambda_.MetricsConfig | None:
    """The ``MetricsConfig`` (``EventCount``) of an event source mapping, or ``None``."""
    return lambda_.MetricsConfig(metrics=[lambda_.MetricType.EVENT_COUNT]) if enabled else None
