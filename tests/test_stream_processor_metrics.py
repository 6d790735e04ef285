"""StreamProcessor: the event source mapping's own metrics (mapping_metrics) and the alarms
that tell a discarded record, a dropped record and a failed invocation apart."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_kinesis as kinesis
from aws_cdk.assertions import Match, Template

from constructs_lib import StreamProcessor
from tests.conftest import INLINE, new_stack

MAPPING_ALARMS = {
    "DiscardedToFailureDestination": ("OnFailureDestinationDeliveredEventCount", 1),
    "DroppedEvents": ("DroppedEventCount", 1),
    "FailedInvokeEvents": ("FailedInvokeEventCount", 1),
}


def processor(stack: Stack, **props: Any) -> StreamProcessor:
    stream = kinesis.Stream(stack, "Stream", shard_count=1)
    return StreamProcessor(stack, "Changes", code=INLINE, handler="index.handler", stream=stream, **props)


@pytest.fixture(scope="module")
def default() -> tuple[StreamProcessor, Template]:
    stack = new_stack()
    made = processor(stack)
    return made, Template.from_stack(stack)


def test_mapping_metrics_are_on_by_default(default: tuple[StreamProcessor, Template]) -> None:
    made, template = default
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {"MetricsConfig": {"Metrics": ["EventCount"]}})
    assert made.mapping_metrics is True


@pytest.mark.parametrize("name", sorted(MAPPING_ALARMS))
def test_each_mapping_alarm_reads_its_metric(default: tuple[StreamProcessor, Template], name: str) -> None:
    made, template = default
    metric, threshold = MAPPING_ALARMS[name]
    assert name in made.alarms
    mapping_id = next(iter(template.find_resources("AWS::Lambda::EventSourceMapping")))
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Lambda",
            "MetricName": metric,
            "Statistic": "Sum",
            "Threshold": threshold,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Dimensions": [{"Name": "EventSourceMappingUUID", "Value": {"Ref": mapping_id}}],
            "AlarmDescription": Match.string_like_regexp(metric),
        },
    )


def test_dropped_alarm_says_the_record_is_not_in_the_destination(default: tuple[StreamProcessor, Template]) -> None:
    _, template = default
    alarms = template.find_resources("AWS::CloudWatch::Alarm", {"Properties": {"MetricName": "DroppedEventCount"}})
    (alarm,) = alarms.values()
    assert "did NOT reach the on-failure destination" in alarm["Properties"]["AlarmDescription"]


def test_mapping_metrics_off() -> None:
    stack = new_stack()
    made = processor(stack, mapping_metrics=False)
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"MetricsConfig": Match.absent()}
    )
    assert not set(MAPPING_ALARMS) & set(made.alarms)


def test_failed_invoke_follows_errors_threshold_and_alarms_off_makes_none() -> None:
    stack = new_stack()
    processor(stack, errors_alarm_threshold=3)
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm", {"MetricName": "FailedInvokeEventCount", "Threshold": 3}
    )
    stack = new_stack()
    made = processor(stack, alarms=False)
    assert made.alarms == {}
    Template.from_stack(stack).resource_count_is("AWS::CloudWatch::Alarm", 0)
