"""The check ``aws-refused-value`` and ``simulate`` read a template's values the same way
(``constructs_lib/template/accepted.py``): a value AWS refuses is an error of ``check`` and a
refused entry of ``simulate``, in the same words; a computed value is neither."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from constructs_lib.checks import CheckOptions, TemplateModel
from constructs_lib.checks.rules import run_checks
from constructs_lib.messages import consequence
from constructs_lib.simulate.run import simulate
from tests.checks import templates as t
from tests.wrapping import flat

SQS = t.sqs_consumer()
KIN = t.kinesis_consumer()


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return t.template(**{**base, **changes})


def _refused(tpl: dict[str, Any]) -> list[Any]:
    return [f for f in run_checks([TemplateModel(tpl, name="t.json")], CheckOptions()) if f.rule_id == "aws-refused-value"]


def _simulate_refusals(tpl: dict[str, Any]) -> list[str]:
    return list(simulate([TemplateModel(tpl, name="t.json")], "poison", events=20).refused)


#: (template, resource, location, words the finding and simulate both say)
CASES = {
    "not a number": (_with(SQS, Queue=t.queue(VisibilityTimeout="abc", visibility=None)), "Queue",
                     "Properties/VisibilityTimeout", "VisibilityTimeout 'abc' is not a number; CloudFormation refuses it"),
    "no maxReceiveCount": (_with(SQS, Queue=t.queue(max_receive=None)), "Queue", "Properties/RedrivePolicy",
                           "RedrivePolicy has no maxReceiveCount; SQS refuses it"),
    "window above 300 s": (_with(SQS, Mapping=t.mapping(MaximumBatchingWindowInSeconds=400)), "Mapping",
                           "Properties/MaximumBatchingWindowInSeconds", "MaximumBatchingWindowInSeconds 400"),
    "timeout 0": (_with(SQS, Fn=t.function(0)), "Fn", "Properties/Timeout", "Timeout 0"),
    "timeout 901": (_with(SQS, Fn=t.function(901), Queue=t.queue(visibility=43200)), "Fn", "Properties/Timeout",
                    "Timeout 901"),
    "SQS batch above 10 without a window": (_with(SQS, Mapping=t.mapping(BatchSize=20)), "Mapping",
                                            "Properties/BatchSize", "BatchSize 20"),
    "a reserved environment key": (_with(SQS, Fn=t.function(Environment={"Variables": {"AWS_REGION": "x"}})), "Fn",
                                   "Properties/Environment/Variables/AWS_REGION", "'AWS_REGION' is reserved"),
    "environment above 4 KB": (_with(SQS, Fn=t.function(Environment={"Variables": {"A": "x" * 5000}})), "Fn",
                               "Properties/Environment/Variables", "4 KB"),
    "six layers": (_with(SQS, Fn=t.function(Layers=[f"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1"
                                                    for i in range(6)])), "Fn", "Properties/Layers", "6 layers"),
    "stream batch above 10,000": (_with(KIN, Mapping=t.mapping(t.arn("Stream"), BatchSize=10001,
                                                              StartingPosition="LATEST", MaximumRetryAttempts=2,
                                                              BisectBatchOnFunctionError=True)),
                                  "Mapping", "Properties/BatchSize", "BatchSize 10001"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_and_simulate_refuse_in_the_same_words(case: str) -> None:
    tpl, resource, location, words = CASES[case]
    found = _refused(tpl)
    assert [(f.resource, f.location, f.level) for f in found] == [(resource, location, "error")]
    assert words in found[0].message and found[0].message.endswith(consequence("aws-refused-value"))
    assert found[0].source.startswith("https://docs.aws.amazon.com/")
    notes = _simulate_refusals(tpl)
    assert notes and words in flat(" ".join(notes)), notes
    assert found[0].message.removesuffix(f"; {consequence('aws-refused-value')}") in flat(" ".join(notes))


def test_a_computed_value_is_neither_checked_nor_refused() -> None:
    tpl = _with(SQS, Mapping=t.mapping(BatchSize={"Ref": "Size"}), Fn=t.function({"Ref": "Timeout"}))
    assert _refused(tpl) == []


def test_ranges_of_other_rules_are_left_to_them() -> None:
    tpl = _with(SQS, Queue=t.queue(max_receive=1001), Fn=t.function(reserved=-1))
    ids = {f.rule_id for f in run_checks([TemplateModel(tpl, name="t.json")], CheckOptions()) if f.applicable}
    assert "aws-refused-value" not in ids
    assert {"sqs-max-receive-count-range", "lambda-reserved-concurrency-zero"} <= ids


@settings(max_examples=60, deadline=None)
@given(window=st.integers(-5, 400), batch=st.integers(-5, 10_050), timeout=st.integers(-1, 1000))
def test_check_refuses_exactly_what_simulate_refuses(window: int, batch: int, timeout: int) -> None:
    """Whatever the values, a template check passes on this rule is one simulate does not
    refuse, and the other way round."""
    tpl = _with(SQS, Fn=t.function(timeout), Queue=t.queue(visibility=43200),
                Mapping=t.mapping(BatchSize=batch, MaximumBatchingWindowInSeconds=window,
                                  FunctionResponseTypes=["ReportBatchItemFailures"]))
    assert bool(_refused(tpl)) == bool(_simulate_refusals(tpl))
