"""QueueConsumer: SQS provisioned mode (provisioned_poller_config) and the event source
mapping's own metrics (mapping_metrics) with the FailedInvokeEvents alarm."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template

from constructs_lib import ConstructPropsError, QueueConsumer
from tests.conftest import INLINE, assert_error, new_stack, number_param


def consumer(stack: Stack | None = None, **props: Any) -> QueueConsumer:
    return QueueConsumer(stack or new_stack(), "Orders", code=INLINE, handler="index.handler", **props)


def pollers(minimum: Any = None, maximum: Any = None, **extra: Any) -> lambda_.ProvisionedPollerConfig:
    return lambda_.ProvisionedPollerConfig(minimum_pollers=minimum, maximum_pollers=maximum, **extra)


@pytest.fixture(scope="module")
def provisioned() -> tuple[QueueConsumer, Template]:
    stack = new_stack()
    made = consumer(stack, reserved_concurrent_executions=30, provisioned_poller_config=pollers(2, 3))
    return made, Template.from_stack(stack)


def test_provisioned_mode_is_on_the_mapping_without_max_concurrency(provisioned: tuple[QueueConsumer, Template]) -> None:
    made, template = provisioned
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "ProvisionedPollerConfig": {"MinimumPollers": 2, "MaximumPollers": 3},
            "ScalingConfig": Match.absent(),
            "MetricsConfig": {"Metrics": ["EventCount"]},
        },
    )
    # The reservation is not copied into max_concurrency in provisioned mode (AWS rejects the pair).
    assert made.max_concurrency is None
    assert made.provisioned_poller_config is not None and made.mapping_metrics is True


def test_failed_invoke_alarm_reads_the_mapping_metric(provisioned: tuple[QueueConsumer, Template]) -> None:
    made, template = provisioned
    assert "FailedInvokeEvents" in made.alarms
    mapping_id = next(iter(template.find_resources("AWS::Lambda::EventSourceMapping")))
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Lambda",
            "MetricName": "FailedInvokeEventCount",
            "Statistic": "Sum",
            "Period": 60,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Dimensions": [{"Name": "EventSourceMappingUUID", "Value": {"Ref": mapping_id}}],
            "TreatMissingData": "notBreaching",
        },
    )


def test_mapping_metrics_off_removes_config_and_alarm() -> None:
    stack = new_stack()
    made = consumer(stack, mapping_metrics=False)
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {"MetricsConfig": Match.absent()})
    assert "FailedInvokeEvents" not in made.alarms
    assert set(made.alarms) == {"DeadLetterQueue", "OldestMessageAge", "Errors", "Throttles"}


def test_failed_invoke_alarm_follows_errors_threshold() -> None:
    stack = new_stack()
    consumer(stack, errors_alarm_threshold=5)
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm", {"MetricName": "FailedInvokeEventCount", "Threshold": 5}
    )


def test_maximum_pollers_above_cdks_kafka_cap_is_written_on_the_l1() -> None:
    """aws-cdk-lib caps maximum_pollers at 2,000 (Kafka); SQS accepts up to 10,000 (with a
    reservation of 100,000 executions, which needs a raised account quota)."""
    stack = Stack(App(context={"constructs-lib:account-concurrency": 200000}), "Test")
    consumer(stack, reserved_concurrent_executions=100000, provisioned_poller_config=pollers(2, 10000))
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"ProvisionedPollerConfig": {"MinimumPollers": 2, "MaximumPollers": 10000}}
    )


@pytest.mark.parametrize(
    ("config", "fragments"),
    [
        (pollers(1, 5), ("provisioned_poller_config.minimum_pollers 1 is outside the allowed range 2-200",)),
        (pollers(201, 300), ("provisioned_poller_config.minimum_pollers 201",)),
        (pollers(2, 1), ("provisioned_poller_config.maximum_pollers 1 is outside the allowed range 2-10000",)),
        (pollers(2, 10001), ("provisioned_poller_config.maximum_pollers 10001",)),
        (pollers(6, 5), ("minimum_pollers 6 is above provisioned_poller_config.maximum_pollers (5)",)),
        (pollers(201), ("minimum_pollers 201",)),
        (pollers(2, 5, poller_group_name="g"), ("poller_group_name 'g' applies to Amazon MSK",)),
    ],
)
def test_bad_poller_configs(config: lambda_.ProvisionedPollerConfig, fragments: tuple[str, ...]) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(provisioned_poller_config=config)
    assert_error(exc, "QueueConsumer 'Test/Orders'", *fragments, "https://docs.aws.amazon.com/")


@pytest.mark.parametrize(("config", "ok"), [(pollers(2, 2), True), (pollers(200, 200), True), (pollers(2, 10000), True), (pollers(), True)])
def test_good_poller_configs(config: lambda_.ProvisionedPollerConfig, ok: bool) -> None:
    assert consumer(provisioned_poller_config=config).provisioned_poller_config is config


def test_max_concurrency_with_provisioned_mode_is_refused() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(max_concurrency=10, provisioned_poller_config=pollers(2, 2))
    assert exc.value.prop == "max_concurrency"
    assert_error(exc, "max_concurrency 10 cannot be combined with provisioned_poller_config", "services-sqs-scaling")


@pytest.mark.parametrize(("reserved", "ok"), [(20, True), (19, False)])
def test_reservation_against_the_pollers_maximum_concurrency(reserved: int, ok: bool) -> None:
    if ok:
        consumer(reserved_concurrent_executions=reserved, provisioned_poller_config=pollers(2, 2))
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(reserved_concurrent_executions=reserved, provisioned_poller_config=pollers(2, 2))
    assert exc.value.prop == "provisioned_poller_config.maximum_pollers"
    assert_error(exc, "2 x 10 invocations per poller = 20", "reserved_concurrent_executions (19)", "Raise reserved_concurrent_executions to 20")


def test_reservation_counts_lambdas_default_of_200_pollers() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(reserved_concurrent_executions=100, provisioned_poller_config=pollers(2))
    assert_error(exc, "200 (Lambda's default, as it was left out)", "= 2000")


def test_tokens_pass_through() -> None:
    stack = new_stack()
    minimum, maximum, reserved = number_param(stack, "Min"), number_param(stack, "Max"), number_param(stack, "Res")
    consumer(stack, reserved_concurrent_executions=reserved, provisioned_poller_config=pollers(minimum, maximum))
    props = next(iter(Template.from_stack(stack).find_resources("AWS::Lambda::EventSourceMapping").values()))["Properties"]
    assert props["ProvisionedPollerConfig"] == {"MinimumPollers": {"Ref": "Min"}, "MaximumPollers": {"Ref": "Max"}}


def test_token_max_concurrency_is_still_refused_with_provisioned_mode() -> None:
    stack = new_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, max_concurrency=number_param(stack), provisioned_poller_config=pollers(2, 2))
    assert_error(exc, "max_concurrency (a token) cannot be combined")
