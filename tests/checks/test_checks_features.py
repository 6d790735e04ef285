"""The check rules of the features added since 2023 (sqs-provisioned-pollers,
lambda-recursive-loop-allowed): boundaries, template names in messages, SAM, Kafka,
references that leave the template."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.checks import TemplateModel
from constructs_lib.checks.rules import RULES_BY_ID, run_checks
from tests.checks import templates as t

PROVISIONED = "sqs-provisioned-pollers"
RECURSION = "lambda-recursive-loop-allowed"


def findings(tpl: dict[str, Any], rule_id: str, *, applicable: bool = True) -> list[Any]:
    result = run_checks([TemplateModel(tpl, name="t.json")], rules=[RULES_BY_ID[rule_id]])
    return [f for f in result if f.applicable == applicable]


def consumer(*, reserved: Any = None, fn_props: dict[str, Any] | None = None, **mapping: Any) -> dict[str, Any]:
    return t.template(
        **{
            **t.sqs_consumer(),
            "Fn": t.function(reserved=reserved, **(fn_props or {})),
            "Mapping": t.mapping(FunctionResponseTypes=["ReportBatchItemFailures"], **mapping),
        }
    )


# --------------------------------------------------------------------------------------
# sqs-provisioned-pollers
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("config", "bad_prop"),
    [
        ({"MinimumPollers": 2, "MaximumPollers": 10000}, None),
        ({"MinimumPollers": 1, "MaximumPollers": 5}, "MinimumPollers"),
        ({"MinimumPollers": 201, "MaximumPollers": 300}, "MinimumPollers"),
        ({"MinimumPollers": 2, "MaximumPollers": 10001}, "MaximumPollers"),
        ({"MinimumPollers": 2, "MaximumPollers": 1}, "MaximumPollers"),
        ({"MinimumPollers": 10, "MaximumPollers": 9}, "MinimumPollers"),
        ({"MinimumPollers": "2", "MaximumPollers": "2000"}, None),
        ({}, None),
    ],
)
def test_pollers_ranges(config: dict[str, Any], bad_prop: str | None) -> None:
    result = findings(consumer(ProvisionedPollerConfig=config), PROVISIONED)
    if bad_prop is None:
        assert result == []
    else:
        (f,) = result
        assert f.location == f"Properties/ProvisionedPollerConfig/{bad_prop}"
        assert f"ProvisionedPollerConfig.{bad_prop}" in f.message and f.level == "error"


def test_max_concurrency_next_to_pollers_is_an_error() -> None:
    (f,) = findings(
        consumer(ProvisionedPollerConfig={"MinimumPollers": 2, "MaximumPollers": 5}, ScalingConfig={"MaximumConcurrency": 50}),
        PROVISIONED,
    )
    assert f.location == "Properties/ScalingConfig/MaximumConcurrency"
    assert "ScalingConfig.MaximumConcurrency 50 cannot be combined with ProvisionedPollerConfig" in f.message


def test_max_concurrency_as_a_reference_is_still_refused() -> None:
    (f,) = findings(
        consumer(ProvisionedPollerConfig={"MaximumPollers": 5}, ScalingConfig={"MaximumConcurrency": {"Ref": "P"}}),
        PROVISIONED,
    )
    assert "(a token)" in f.message


@pytest.mark.parametrize(("reserved", "bad"), [(50, False), (49, True), ("50", False), ({"Ref": "P"}, False), (None, False)])
def test_reserved_concurrency_against_the_pollers(reserved: Any, bad: bool) -> None:
    result = findings(consumer(reserved=reserved, ProvisionedPollerConfig={"MinimumPollers": 2, "MaximumPollers": 5}), PROVISIONED)
    assert bool(result) is bad
    if bad:
        assert "ProvisionedPollerConfig.MaximumPollers 5 x 10 invocations per poller = 50" in result[0].message
        assert "the ReservedConcurrentExecutions of Fn (49)" in result[0].message


def test_default_maximum_pollers_count_against_the_reservation() -> None:
    (f,) = findings(consumer(reserved=100, ProvisionedPollerConfig={"MinimumPollers": 2}), PROVISIONED)
    assert "200 (Lambda's default" in f.message


def test_kafka_mappings_are_not_sqs() -> None:
    kafka = t.template(
        Fn=t.function(),
        Mapping=t.mapping(
            "arn:aws:kafka:eu-west-1:123456789012:cluster/c/abc",
            ProvisionedPollerConfig={"MinimumPollers": 1, "MaximumPollers": 1},
        ),
    )
    assert findings(kafka, PROVISIONED) == []
    assert findings(kafka, PROVISIONED, applicable=False) == []


def test_unknown_source_is_not_applicable() -> None:
    """A StartingPosition says Kinesis, DynamoDB or Kafka: which one is unknown."""
    tpl = t.template(Fn=t.function(), Mapping=t.mapping(
        {"Fn::ImportValue": "Q"}, StartingPosition="LATEST", ProvisionedPollerConfig={"MaximumPollers": 1}))
    assert findings(tpl, PROVISIONED) == []
    (f,) = findings(tpl, PROVISIONED, applicable=False)
    assert "outside this template" in f.message


@pytest.mark.parametrize("other", [None, "StartingPosition", "Topics", "Queues", "DocumentDBEventSourceConfig",
                                   "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig"])
def test_a_source_outside_the_template_without_a_stream_property_is_sqs(other: str | None) -> None:
    """Only SQS mappings have no StartingPosition, Topics, Queues or DocumentDB configuration
    (limits.SRC_ESM_API): such a mapping is checked as SQS, whatever its ARN."""
    props: dict[str, Any] = {"ProvisionedPollerConfig": {"MaximumPollers": 1}}
    if other is not None:
        props[other] = "x"
    tpl = t.template(Fn=t.function(), Mapping=t.mapping({"Fn::ImportValue": "Q"}, **props))
    assert len(findings(tpl, PROVISIONED)) == (1 if other is None else 0)


def test_literal_sqs_arn_is_checked() -> None:
    tpl = t.template(
        Fn=t.function(),
        Mapping=t.mapping("arn:aws:sqs:eu-west-1:123456789012:q", ProvisionedPollerConfig={"MaximumPollers": 1}),
    )
    assert len(findings(tpl, PROVISIONED)) == 1


def sam_function(events: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Handler": "app.handler", "Runtime": "python3.13", "Events": events, **props},
    }


def test_sam_sqs_events_are_checked() -> None:
    event = {"Type": "SQS", "Properties": {"Queue": t.arn("Queue"), "ProvisionedPollerConfig": {"MinimumPollers": 2, "MaximumPollers": 3}}}
    good = t.template(Fn=sam_function({"Orders": event}, ReservedConcurrentExecutions=30))
    assert findings(good, PROVISIONED) == []
    bad = t.template(Fn=sam_function({"Orders": event}, ReservedConcurrentExecutions=29))
    (f,) = findings(bad, PROVISIONED)
    assert f.resource == "Fn"
    assert f.location == "Properties/Events/Orders/Properties/ProvisionedPollerConfig/MaximumPollers"


def test_sam_events_without_provisioned_mode_are_ignored() -> None:
    tpl = t.template(Fn=sam_function({"Orders": {"Type": "SQS", "Properties": {"Queue": t.arn("Queue")}}, "Api": {"Type": "Api"}}))
    assert findings(tpl, PROVISIONED) == []


# --------------------------------------------------------------------------------------
# lambda-recursive-loop-allowed
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "bad"), [("Allow", True), ("Terminate", False), (None, False), ({"Ref": "Mode"}, False)])
def test_recursive_loop_allow_warns(value: Any, bad: bool) -> None:
    result = findings(t.template(Fn=t.function(RecursiveLoop=value)), RECURSION)
    assert bool(result) is bad
    if bad:
        (f,) = result
        assert f.level == "warning" and f.location == "Properties/RecursiveLoop"
        assert "RecursiveLoop is Allow" in f.message


def test_recursive_loop_allow_on_a_sam_function_warns() -> None:
    (f,) = findings(t.template(Fn=sam_function({}, RecursiveLoop="Allow")), RECURSION)
    assert f.resource_type == "AWS::Serverless::Function"


def test_explain_describes_provisioned_mode_and_its_concurrency() -> None:
    from tests.checks.test_explain import section

    text = section(
        {**t.sqs_consumer(ProvisionedPollerConfig={"MinimumPollers": 2, "MaximumPollers": 3}), "Fn": t.function(30, reserved=100)}
    )
    assert "provisioned mode: 2-3 pollers, up to 30 concurrent invocations" in text
    assert "at most 30 invocations in flight (the source's concurrency limit)" in text
