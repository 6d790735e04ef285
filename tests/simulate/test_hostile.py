"""The other commands that read any template - `simulate` and `explain` - survive what the
checks survive, and a template that is valid but for one or two hostile values: each yields a
report (simulate's counts add up to the events) or a note, never an exception, never a hang.

Values AWS refuses (``Timeout: 0``, a batch size of 10**12) are refused with a note, as the
deploy would be; huge ones AWS accepts (a stream of 100,000 shards x 10) are simulated with
a stated cap. (First written by an earlier session, which found that these values hung the
simulation or exhausted its memory.)"""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructs_lib.explain import explain, explain_data
from constructs_lib.simulate import SCENARIOS, simulate
from constructs_lib.simulate.config import MAX_SIMULATED_LANES
from constructs_lib.template.loader import models_from_template
from tests.checks.test_hostile_input import templates, values
from tests.simulate.conftest import model
from tests.simulate.templates import async_template, http_api_template, sqs_template, stream_template

#: Templates that simulate (a queue consumer, streams, async with a rule, an HTTP API).
BASES = [sqs_template(), stream_template(kind="kinesis"), stream_template(kind="dynamodb"), async_template(rule=True),
         http_api_template()]
#: Numbers far outside every range, and values of the wrong kind.
HOSTILE_NUMBERS = st.sampled_from([0, -1, -10**9, 10**12, 1e308, float("inf"), 0.0001, "30", True, None, [], {}])
#: A run this small must finish fast whatever the template says (seconds, not minutes).
EVENTS = 20


@st.composite
def nearly_valid(draw: st.DrawFn) -> dict[str, Any]:
    """A template that simulates, with one to three property values replaced by hostile ones."""
    template = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        resource = template["Resources"][draw(st.sampled_from(sorted(template["Resources"])))]
        properties = resource.setdefault("Properties", {})
        if not properties:
            continue
        key = draw(st.sampled_from(sorted(properties)))
        properties[key] = draw(HOSTILE_NUMBERS | values)
    return template


def _simulates(template: dict[str, Any], scenarios: tuple[str, ...] = tuple(SCENARIOS)) -> int:
    functions = 0
    models = models_from_template(template, "t.json")
    for scenario in scenarios:
        report = simulate(models, scenario, events=EVENTS)
        for f in report.functions:
            assert f.succeeded + f.dead_lettered + f.metadata_only + f.returned_errors + f.lost + f.pending == f.events, f
            assert f.events == EVENTS or scenario == "noisy-neighbour", f
        functions += len(report.functions)
    return functions


def test_the_bases_simulate() -> None:
    """The nearly-valid strategy starts from templates that do simulate (so it is not vacuous)."""
    assert all(_simulates(base) == len(SCENARIOS) for base in BASES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nearly_valid(), st.sampled_from(list(SCENARIOS)))
def test_hostile_values_in_a_simulated_template_never_make_simulate_raise(template: dict[str, Any], scenario: str) -> None:
    _simulates(template, (scenario,))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates, st.sampled_from(list(SCENARIOS)))
def test_no_template_makes_simulate_raise(template: dict[str, Any], scenario: str) -> None:
    _simulates(template, (scenario,))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates | nearly_valid())
def test_no_template_makes_explain_raise(template: dict[str, Any]) -> None:
    models = models_from_template(template, "t.json")
    assert explain(models).startswith("#")
    explain_data(models)


# --------------------------------------------------------------------------------------
# The values that hung the simulation
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("where", "key", "value", "why"), [
    ("Fn", "Timeout", 0, "Timeout 0 s is outside the allowed range 1-900 s"),
    ("Fn", "Timeout", 901, "Timeout 901 s is outside the allowed range 1-900 s"),
    ("Fn", "Timeout", 2.5, "not a whole number"),
    ("Fn", "MemorySize", 64, "MemorySize 64 MB is outside the allowed range 128-10240 MB"),
    ("Fn", "ReservedConcurrentExecutions", -1, "negative"),
    ("Mapping", "BatchSize", 10**12, "BatchSize 1000000000000 is above 10 without a MaximumBatchingWindowInSeconds"),
    ("Mapping", "BatchSize", 0, "outside the allowed range 1-10000"),
    ("Queue", "VisibilityTimeout", 10**9, "outside the allowed range 0-43200 s"),
    ("Queue", "MessageRetentionPeriod", 30, "MessageRetentionPeriod 30 s is outside the allowed range 60-1209600 s"),
    ("Queue", "VisibilityTimeout", [], "is not a number"),
])
def test_values_aws_refuses_are_refused_with_a_note(where: str, key: str, value: Any, why: str) -> None:
    template = sqs_template()
    template["Resources"][where]["Properties"][key] = value
    start = time.perf_counter()
    report = simulate([model(template)], "poison")
    assert time.perf_counter() - start < 5
    assert report.functions == [] and len(report.refused) == 1 and report.refused[0] in report.notes
    assert why in report.refused[0], report.refused


def test_a_computed_value_is_a_note_not_a_refusal() -> None:
    template = sqs_template()
    template["Resources"]["Fn"]["Properties"]["Timeout"] = {"Ref": "Timeout"}
    report = simulate([model(template)], "poison")
    assert report.functions == [] and report.refused == [] and "Timeout is computed" in report.notes[0]


def test_a_stream_of_a_million_concurrent_batches_is_simulated_with_a_stated_cap() -> None:
    template = stream_template(kind="kinesis", shards=100_000, factor=10, reserved=None)
    start = time.perf_counter()
    report = simulate([model(template)], "poison", events=EVENTS)
    assert time.perf_counter() - start < 5
    (result,) = report.functions
    assert result.config.lanes == MAX_SIMULATED_LANES and (result.lost, result.pending) == (0, 0)
    assert any("100,000 shards x 10 are simulated as 1,000 concurrent batches" in n for n in report.notes)
