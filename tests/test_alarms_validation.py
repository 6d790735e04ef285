"""Validation of the alarm props of every construct: boundaries (last good, first bad on
each side), the error message contract, alarms=False with alarm props, and unresolved
tokens. Constructs are built without synthesizing (validation runs in the constructor)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_sns as sns

from constructs_lib import AsyncWorker, ConstructPropsError, QueueConsumer, StreamProcessor, SyncApiFunction
from tests.conftest import INLINE, assert_error, new_stack, number_param

COMMON: dict[str, Any] = {"code": INLINE, "handler": "index.handler"}


def queue_consumer(**props: Any) -> QueueConsumer:
    return QueueConsumer(new_stack(), "Orders", **COMMON, **props)


def stream_processor(**props: Any) -> StreamProcessor:
    stack = new_stack()
    return StreamProcessor(stack, "Events", **COMMON, stream=kinesis.Stream(stack, "S", shard_count=1), **props)


def async_worker(**props: Any) -> AsyncWorker:
    return AsyncWorker(new_stack(), "Worker", **COMMON, **props)


def sync_api(**props: Any) -> SyncApiFunction:
    return SyncApiFunction(new_stack(), "Api", **COMMON, **props)


BUILDERS = {
    "QueueConsumer": (queue_consumer, "Test/Orders"),
    "StreamProcessor": (stream_processor, "Test/Events"),
    "AsyncWorker": (async_worker, "Test/Worker"),
    "SyncApiFunction": (sync_api, "Test/Api"),
}

COUNT_PROPS = [
    ("QueueConsumer", "dead_letter_queue_alarm_threshold"),
    ("QueueConsumer", "errors_alarm_threshold"),
    ("QueueConsumer", "throttles_alarm_threshold"),
    ("StreamProcessor", "failure_queue_alarm_threshold"),
    ("StreamProcessor", "errors_alarm_threshold"),
    ("AsyncWorker", "failure_queue_alarm_threshold"),
    ("AsyncWorker", "errors_alarm_threshold"),
    ("AsyncWorker", "throttles_alarm_threshold"),
    ("SyncApiFunction", "throttles_alarm_threshold"),
]


def check(kind: str, ok: bool, *fragments: str, **props: Any) -> None:
    build, path = BUILDERS[kind]
    if ok:
        build(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        build(**props)
    assert_error(exc, path, *fragments)
    assert exc.value.prop == fragments[0]


# --------------------------------------------------------------------------------------
# Count thresholds: at least 1
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,prop", COUNT_PROPS)
@pytest.mark.parametrize("value,ok", [(0, False), (1, True)])
def test_count_thresholds_start_at_one(kind: str, prop: str, value: int, ok: bool) -> None:
    check(kind, ok, prop, f"{prop} 0 is below 1", "without a single failure", **{prop: value})


@pytest.mark.parametrize("kind,prop", COUNT_PROPS)
def test_count_thresholds_skip_tokens(kind: str, prop: str) -> None:
    stack = new_stack()
    props = {prop: number_param(stack)}
    if kind == "QueueConsumer":
        QueueConsumer(stack, "Orders", **COMMON, **props)
    elif kind == "StreamProcessor":
        StreamProcessor(stack, "Events", **COMMON, stream=kinesis.Stream(stack, "S", shard_count=1), **props)
    elif kind == "AsyncWorker":
        AsyncWorker(stack, "Worker", **COMMON, **props)
    else:
        SyncApiFunction(stack, "Api", **COMMON, **props)


# --------------------------------------------------------------------------------------
# Age and latency thresholds: positive, below the age at which things are discarded
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "seconds,ok",
    [(0, False), (1, True), (4 * 86400 - 1, True), (4 * 86400, False)],
)
def test_oldest_message_age_threshold_within_retention(seconds: int, ok: bool) -> None:
    prop = "oldest_message_age_alarm_threshold"
    fragment = "is not positive" if seconds == 0 else "is not below retention_period 345600 s"
    check("QueueConsumer", ok, prop, f"{prop} {seconds} s", fragment, **{prop: Duration.seconds(seconds)})


def test_oldest_message_age_follows_a_custom_retention() -> None:
    prop = "oldest_message_age_alarm_threshold"
    check(
        "QueueConsumer", False, prop, "is not below retention_period 3600 s", "the alarm can never fire",
        retention_period=Duration.hours(1), **{prop: Duration.hours(1)},
    )


@pytest.mark.parametrize("seconds,ok", [(0, False), (1, True), (21599, True), (21600, False)])
def test_iterator_age_threshold_below_max_record_age(seconds: int, ok: bool) -> None:
    prop = "iterator_age_alarm_threshold"
    fragment = "is not positive" if seconds == 0 else "is not below max_record_age 21600 s"
    check("StreamProcessor", ok, prop, f"{prop} {seconds} s", fragment, **{prop: Duration.seconds(seconds)})


@pytest.mark.parametrize("seconds,ok", [(86399, True), (86400, False)])
def test_iterator_age_threshold_below_stream_retention_when_age_is_infinite(seconds: int, ok: bool) -> None:
    prop = "iterator_age_alarm_threshold"
    check(
        "StreamProcessor", ok, prop, f"{prop} {seconds} s", "is not below the stream's retention 86400 s",
        max_record_age=-1, **{prop: Duration.seconds(seconds)},
    )


@pytest.mark.parametrize("seconds,ok", [(0, False), (1, True), (21599, True), (21600, False)])
def test_event_age_threshold_below_max_event_age(seconds: int, ok: bool) -> None:
    prop = "event_age_alarm_threshold"
    fragment = "is not positive" if seconds == 0 else "is not below max_event_age 21600 s"
    check("AsyncWorker", ok, prop, f"{prop} {seconds} s", fragment, **{prop: Duration.seconds(seconds)})


@pytest.mark.parametrize("millis,ok", [(0, False), (1, True), (28999, True), (29000, False)])
def test_integration_latency_threshold_below_integration_timeout(millis: int, ok: bool) -> None:
    prop = "integration_latency_alarm_threshold"
    fragment = "is not positive" if millis == 0 else "is not below integration_timeout 29 s"
    check("SyncApiFunction", ok, prop, prop, fragment, **{prop: Duration.millis(millis)})


@pytest.mark.parametrize("value,ok", [(0, False), (0.001, True), (0.999, True), (1, False)])
def test_server_error_rate_threshold_is_a_fraction(value: float, ok: bool) -> None:
    prop = "server_error_rate_alarm_threshold"
    check("SyncApiFunction", ok, prop, f"{prop} {value:g}", "between 0 and 1", **{prop: value})


def test_age_thresholds_pass_tokens_through_in_the_metric_unit() -> None:
    """A token threshold is not validated, and it is not dropped either: it goes into the
    alarm unchanged, in the unit of the alarm's metric (seconds for SQS, milliseconds for
    IteratorAge, AsyncEventAge and IntegrationLatency)."""
    stack = new_stack()
    seconds_token = number_param(stack, "Seconds")
    millis_token = number_param(stack, "Millis")
    q = QueueConsumer(stack, "Q", **COMMON, oldest_message_age_alarm_threshold=Duration.seconds(seconds_token))
    s = StreamProcessor(
        stack, "S", **COMMON, stream=kinesis.Stream(stack, "K", shard_count=1),
        iterator_age_alarm_threshold=Duration.millis(millis_token),
    )
    w = AsyncWorker(stack, "W", **COMMON, event_age_alarm_threshold=Duration.millis(millis_token))
    a = SyncApiFunction(
        stack, "A", **COMMON, integration_latency_alarm_threshold=Duration.millis(millis_token),
        server_error_rate_alarm_threshold=number_param(stack, "Rate"),
    )
    thresholds = {
        name: stack.resolve(alarm.node.default_child.threshold)
        for name, alarm in (
            ("q", q.alarms["OldestMessageAge"]),
            ("s", s.alarms["IteratorAge"]),
            ("w", w.alarms["AsyncEventAge"]),
            ("a", a.alarms["IntegrationLatency"]),
        )
    }
    assert thresholds == {"q": {"Ref": "Seconds"}, "s": {"Ref": "Millis"}, "w": {"Ref": "Millis"}, "a": {"Ref": "Millis"}}


@pytest.mark.parametrize("api", ["rest", "url"])
def test_token_rate_threshold_goes_into_the_alarm_and_reads_well(api: str) -> None:
    """A token 5XX rate is the alarm's threshold as is, and the description says "the given
    share" instead of printing the token's marker number as a percentage."""
    stack = new_stack()
    a = SyncApiFunction(stack, "A", **COMMON, api=api, server_error_rate_alarm_threshold=number_param(stack, "Rate"))
    cfn = a.alarms["ServerErrorRate"].node.default_child
    assert stack.resolve(cfn.threshold) == {"Ref": "Rate"}
    description = stack.resolve(cfn.alarm_description)
    assert "more than the given share of" in description and "e+" not in description and "-18" not in description


@pytest.mark.parametrize(
    "kind,prop,unit",
    [
        ("QueueConsumer", "oldest_message_age_alarm_threshold", "seconds"),
        ("StreamProcessor", "iterator_age_alarm_threshold", "millis"),
        ("AsyncWorker", "event_age_alarm_threshold", "millis"),
        ("SyncApiFunction", "integration_latency_alarm_threshold", "millis"),
    ],
)
def test_age_threshold_token_in_another_unit_says_which_unit_works(kind: str, prop: str, unit: str) -> None:
    build, path = BUILDERS[kind]
    stack = new_stack()
    wrong = Duration.minutes(number_param(stack))
    with pytest.raises(ConstructPropsError) as exc:
        build(**{prop: wrong})
    assert_error(exc, path, f"{prop} Duration.minutes(<token>) cannot be converted to {unit}",
                 f"pass Duration.{unit}(<token>) instead")
    assert exc.value.prop == prop


# --------------------------------------------------------------------------------------
# alarms=False with alarm props is an error: they would be silently ignored
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_alarm_topic_without_alarms(kind: str) -> None:
    build, path = BUILDERS[kind]
    with pytest.raises(ConstructPropsError) as exc:
        stack = new_stack()
        build(alarms=False, alarm_topic=sns.Topic.from_topic_arn(stack, "T", "arn:aws:sns:eu-west-1:123456789012:t"))
    assert_error(exc, path, "alarms False turns the alarms off", "alarm_topic")


@pytest.mark.parametrize("kind,prop", COUNT_PROPS)
def test_thresholds_without_alarms(kind: str, prop: str) -> None:
    check(kind, False, "alarms", "alarms False", prop, alarms=False, **{prop: 3})
