"""The hand-written code the benchmark compares our constructs with (bench/handwritten.py)
makes the same resources, with the same properties and alarms: otherwise the ratios in
docs/benchmarks.md would compare unlike things."""

from __future__ import annotations

import pytest

from bench.compare import _template, differences
from bench.variants import CASES


@pytest.mark.parametrize("case", CASES)
def test_hand_written_code_makes_the_same_resources(case: str) -> None:
    assert differences(_template(case, "ours"), _template(case, "equivalent")) == []


def test_differences_sees_a_missing_alarm_and_a_changed_property() -> None:
    ours = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Threshold": 1, "AlarmDescription": "x"}},
                          "Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 180}}}}
    hand = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}}}
    assert differences(ours, hand) == ["A only in ours", "Q.VisibilityTimeout"]
    same_but_text = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Threshold": 1, "AlarmDescription": "y"}}}}
    assert differences({"Resources": {"A": ours["Resources"]["A"]}}, same_but_text) == []


def test_differences_sees_a_changed_dashboard_graph_but_not_its_text() -> None:
    """A dashboard's text widget is free text; its graphs (metric, threshold annotation) are not."""
    def dashboard(markdown: str, threshold: int) -> dict[str, object]:
        body = (
            '{"widgets":[{"type":"text","properties":{"markdown":"' + markdown + '"}},'
            '{"type":"metric","properties":{"annotations":{"horizontal":[{"value":' + str(threshold) + "}]}}}]}"
        )
        return {"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {"DashboardBody": {"Fn::Join": ["", [body]]}}}}}

    assert differences(dashboard("### ours \\\"path\\\"", 1), dashboard("hand", 1)) == []
    assert differences(dashboard("x", 1), dashboard("x", 2)) == ["D.DashboardBody"]
