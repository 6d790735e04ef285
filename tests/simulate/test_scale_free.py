"""A result that changes with sample size is a bug: the simulation's verdict must not depend on
``--events``.

Each scenario's load is relative to each function's capacity and its window grows with the
number of events, and an invocation takes a fixed overhead plus a cost per record. So a
correct template loses nothing at any size, and a broken one loses a similar share at each
size. Before, events spread over a fixed 30 minutes (more events, a higher rate) and every
invocation took the same time whatever its batch: a correct Kinesis template lost nothing at
200 events and 77,632 of 100,000; the reference DynamoDB stream functions dead-lettered 10 at
200 events and 11,043 at 20,000."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructs_lib.simulate import simulate
from constructs_lib.simulate.scenarios import BURST_EVENTS, POISON_FRACTION
from tests.simulate.conftest import model, reference_templates
from tests.simulate.templates import async_template, http_api_template, sqs_template, stream_template

FAULTS = ("poison", "slow", "outage", "burst")


def _verdict(template: dict[str, Any], scenario: str, events: int) -> dict[tuple[str, str], bool]:
    report = simulate([model(template)], scenario, events=events)
    assert report.refused == [], report.refused
    return {(r.function, r.model): r.lost > 0 for r in report.functions}


# --------------------------------------------------------------------------------------
# Generated templates: correct ones (what AWS recommends, at random sizes) and broken ones
# (one protection removed)
# --------------------------------------------------------------------------------------
@st.composite
def sqs_case(draw: st.DrawFn) -> dict[str, Any]:
    timeout = draw(st.sampled_from([1, 3, 10, 30, 60]))
    fifo = draw(st.booleans())
    reserved = draw(st.sampled_from([None, 5, 20, 100]))
    template = sqs_template(
        vis=6 * timeout, timeout=timeout, fifo=fifo, batch=draw(st.sampled_from([1, 5, 10])),
        partial=draw(st.booleans()), max_receive=5, reserved=reserved, max_concurrency=reserved,
        window=None if fifo else draw(st.sampled_from([None, 0, 2])),
    )
    broken = draw(st.sampled_from(["none", "no-redrive", "short-dlq-retention", "reserved-zero"]))
    props = template["Resources"]
    if broken == "no-redrive":
        del props["Queue"]["Properties"]["RedrivePolicy"]
    elif broken == "short-dlq-retention" and not fifo:
        props["Dlq"]["Properties"]["MessageRetentionPeriod"] = 60  # below 5 receives x 6 x the timeout
        props["Fn"]["Properties"]["Timeout"] = max(timeout, 10)
        props["Queue"]["Properties"]["VisibilityTimeout"] = 6 * max(timeout, 10)
    elif broken == "reserved-zero":
        props["Fn"]["Properties"]["ReservedConcurrentExecutions"] = 0
    return template


@st.composite
def stream_case(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["kinesis", "dynamodb"]))
    template = stream_template(
        kind=kind, retries=draw(st.sampled_from([0, 2, 3, 10])), age=draw(st.sampled_from([None, 3600, 21600])),
        bisect=draw(st.booleans()), partial=draw(st.booleans()), batch=draw(st.sampled_from([1, 10, 100, 500])),
        shards=draw(st.sampled_from([1, 4])), factor=draw(st.sampled_from([1, 2])), timeout=draw(st.sampled_from([3, 30, 120])),
        reserved=draw(st.sampled_from([None, 10])),
    )
    broken = draw(st.sampled_from(["none", "no-destination", "infinite-retries"]))
    mapping = template["Resources"]["Mapping"]["Properties"]
    if broken == "no-destination":
        del mapping["DestinationConfig"]
    elif broken == "infinite-retries":
        mapping["MaximumRetryAttempts"] = -1
        mapping["MaximumRecordAgeInSeconds"] = -1
    return template


@st.composite
def async_case(draw: st.DrawFn) -> dict[str, Any]:
    broken = draw(st.booleans())
    return async_template(retries=draw(st.sampled_from([0, 1, 2])), age=draw(st.sampled_from([None, 3600])),
                          destination=not broken, timeout=draw(st.sampled_from([1, 10, 60, 300])),
                          reserved=draw(st.sampled_from([None, 2, 50])))


@st.composite
def api_case(draw: st.DrawFn) -> dict[str, Any]:
    return http_api_template(timeout=draw(st.sampled_from([1, 3, 10, 29, 60])), rate=draw(st.sampled_from([None, 10.0, 100.0])),
                             burst=20, reserved=draw(st.sampled_from([None, 5])))


CASES = st.one_of(sqs_case(), stream_case(), async_case(), api_case())


@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CASES, st.sampled_from(FAULTS))
def test_the_verdict_is_the_same_at_200_and_5000_events(template: dict[str, Any], scenario: str) -> None:
    assert _verdict(template, scenario, 200) == _verdict(template, scenario, 5000)


# --------------------------------------------------------------------------------------
# The examples the issue measured
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("events", [200, 2_000, 20_000])
def test_a_correct_kinesis_template_loses_nothing_at_any_size(events: int) -> None:
    template = stream_template(kind="kinesis", retries=3, bisect=True, batch=100, partial=True, timeout=30)
    (result,) = simulate([model(template)], "poison", events=events).functions
    assert (result.lost, result.pending) == (0, 0)
    assert result.metadata_only == round(events * POISON_FRACTION)  # exactly the poison records, as metadata
    assert result.max_iterator_age_s < 300  # the shard keeps up: at half its capacity


def test_the_reference_dynamodb_stream_function_fails_the_same_share_at_200_and_20000() -> None:
    template = reference_templates()["StreamProcessorDynamoDbExample"]
    shares = []
    for events in (200, 20_000):
        (result,) = simulate([model(template, "StreamProcessorDynamoDbExample")], "poison", events=events).functions
        assert (result.lost, result.pending, result.dead_lettered) == (0, 0, 0)
        shares.append(result.metadata_only / result.events)
    assert shares == [POISON_FRACTION, POISON_FRACTION]


def _share_lost(template: dict[str, Any], events: int) -> float:
    (result,) = simulate([model(template)], "poison", events=events).functions
    return result.lost / result.events


@pytest.mark.parametrize("template", [
    sqs_template(max_receive=None, retention=3600),
    stream_template(kind="kinesis", destination=False, retries=2, batch=10),
    async_template(destination=False),
], ids=["no-redrive", "stream-no-destination", "async-no-destination"])
def test_a_broken_template_loses_a_similar_share_at_each_size(template: dict[str, Any]) -> None:
    small, large = _share_lost(copy.deepcopy(template), 200), _share_lost(copy.deepcopy(template), 5000)
    # Within sampling noise: three standard deviations of a share measured on 200 events.
    assert small > 0 and abs(small - large) <= 3 * math.sqrt(large * (1 - large) / 200) + 1e-9, (small, large)


@pytest.mark.parametrize("scenario", FAULTS)
def test_more_events_make_a_longer_window_not_a_higher_rate(scenario: str) -> None:
    template = sqs_template()

    def rate(events: int) -> float:
        (result,) = simulate([model(template)], scenario, events=events, timeline=True).functions
        arrivals = result.timeline.arrivals if result.timeline is not None else []
        assert len(arrivals) == events
        if scenario == "burst":  # bursts of 100 from a phase of their own: the start of the last one
            return (events - BURST_EVENTS) / (arrivals[-BURST_EVENTS] - arrivals[0])
        return events / arrivals[-1]

    assert rate(2000) == pytest.approx(rate(200), rel=0.25)


# --------------------------------------------------------------------------------------
# The cases a review found still moving with --events (now fixed): SQS pollers that only
# ever scaled up, and an outage window that was not a whole number of hours
# --------------------------------------------------------------------------------------
def _failed_shares(template: dict[str, Any], scenario: str, events: int) -> dict[str, float]:
    report = simulate([model(copy.deepcopy(template))], scenario, events=events)
    return {r.function: (r.dead_lettered + r.metadata_only + r.returned_errors + r.lost) / r.events for r in report.functions}


def _beside_another_function() -> dict[str, Any]:
    template = sqs_template(vis=60, timeout=10, batch=10, max_receive=5, reserved=20)
    neighbour = async_template(timeout=10)["Resources"]
    neighbour["Config"]["Properties"]["FunctionName"] = {"Ref": "Other"}
    template["Resources"].update(Other=neighbour["Fn"], Failures=neighbour["Failures"], Config=neighbour["Config"])
    return template


@pytest.mark.parametrize(("template", "scenario", "events"), [
    # reserved concurrency 5 below the 10 message groups: the pollers back off when throttled
    (sqs_template(vis=180, timeout=30, fifo=True, batch=10, max_receive=5, reserved=5), "slow", 20_000),
    # before: 0 % dead-lettered at 200 events, 4.5 % at 2,000, 62.5 % at 20,000
    (_beside_another_function(), "slow", 20_000),
    # before: 41.5 % dead-lettered at 200 events (half an hour, half of it down), 18.7 % at 20,000
    (sqs_template(vis=60, timeout=10, max_receive=5), "outage", 4_000),
    (sqs_template(vis=180, timeout=30, fifo=True, batch=10, max_receive=5, reserved=5), "outage", 4_000),
    (http_api_template(timeout=10), "outage", 4_000),
    (async_template(timeout=10), "outage", 4_000),
    (stream_template(kind="kinesis", retries=3, batch=100, timeout=30), "outage", 4_000),
    # a run that started cold: every environment's 6-10 s Init at once - before: 10 % of 200
    # requests answered with errors, 0.7 % of 5,000; and 0 % of 200, 15.6 % of 5,000
    (http_api_template(timeout=1, reserved=5), "slow", 5_000),
    (http_api_template(timeout=3), "slow", 5_000),
    # a 3 s integration timeout before a 10 s function: each 504 is retried while the function
    # runs on, load the capacity did not count - before: 29.6 % errors at 200, 35.8 % at 20,000
    (http_api_template(timeout=10, integration_ms=3000), "burst", 5_000),
    # the pollers' five batches above reserved concurrency 1: every run throttles, and the
    # backlog builds over thousands of events - before: 6.5 % dead-lettered at 200, 15 % at 5,000
    (sqs_template(vis=60, timeout=10, fifo=True, batch=10, max_receive=3, reserved=1), "slow", 5_000),
    # before: 1.4 % and 8.7 %
    (sqs_template(vis=6, timeout=1, max_receive=2, reserved=1), "burst", 5_000),
], ids=["fifo-reserved-below-groups-slow", "sqs-beside-another-function-slow", "sqs-outage", "fifo-outage",
        "http-api-outage", "async-outage", "kinesis-outage", "http-api-reserved-slow", "http-api-slow",
        "http-api-integration-timeout-burst", "fifo-reserved-1-slow", "sqs-reserved-1-burst"])
def test_the_failed_share_at_200_events_is_the_share_of_a_long_run(template: dict[str, Any], scenario: str,
                                                                  events: int) -> None:
    small, large = _failed_shares(template, scenario, 200), _failed_shares(template, scenario, events)
    assert small.keys() == large.keys()
    for function, share in large.items():
        noise = 3 * math.sqrt(max(share * (1 - share), 0.01) / 200)
        assert abs(small[function] - share) <= noise, (function, small[function], share)


def test_a_steady_load_starts_warm_and_one_percent_of_its_invocations_are_cold() -> None:
    """"Cold starts typically occur in under 1% of invocations" (limits.SRC_LAMBDA_COLD_STARTS)."""
    shares = []
    for events in (2_000, 20_000):
        (result,) = simulate([model(http_api_template(timeout=3))], "poison", events=events).functions
        shares.append(result.stats["cold_starts"] / result.stats["invocations"])
    assert all(0.005 <= share <= 0.015 for share in shares), shares


def test_outage_arrivals_fill_whole_hours_and_none_spills_into_the_next_outage() -> None:
    """Before, the arrivals were a Poisson run of ``n``: half the time it ran past the last whole
    hour into the next outage, so 28 % of 200 events met an outage (25 % of 20,000)."""
    import random

    from constructs_lib.simulate.scenarios import OUTAGE_PERIOD_S, OUTAGE_S, SCENARIOS

    outage = SCENARIOS["outage"]
    for events in (200, 2_000):
        shares = []
        for seed in range(200):
            times = outage.arrivals(events, 1_000.0, random.Random(seed))
            assert len(times) == events and times == sorted(times)
            assert times[-1] < math.ceil(events / 200) * OUTAGE_PERIOD_S
            shares.append(sum(1 for t in times if t % OUTAGE_PERIOD_S < OUTAGE_S) / events)
        assert sum(shares) / len(shares) == pytest.approx(0.25, abs=0.01)


def test_bursts_of_many_functions_do_not_all_start_at_once() -> None:
    """Every function's first burst at 0 s collided in the account once: 22 HTTP APIs answered
    8.4 % of 200 requests each with errors, 0.3 % of 5,000."""
    resources: dict[str, Any] = {}
    for i in range(22):
        one = http_api_template(timeout=3 + i)["Resources"]
        text = json.dumps(one)
        for name in ("Fn", "Api", "Integration", "Stage"):
            text = text.replace(f'"{name}"', f'"{name}{i}"')
        resources.update(json.loads(text))
    report = simulate([model({"Resources": resources})], "burst", events=200)
    assert len(report.functions) == 22
    errors = sum(r.returned_errors for r in report.functions)
    assert errors <= 0.01 * 22 * 200, errors


def test_a_caller_retrying_after_504s_counts_in_the_capacity() -> None:
    """A caller whose timeout (3 s) falls inside the function's runs (2-5 s in ``burst``) gets
    a 504 two times in three and retries while the function runs on: each request costs
    1 + 2/3 + 4/9 invocations, so the function serves that much less (the load, relative to
    it, stays at half)."""
    from constructs_lib.simulate.load import capacity_per_s
    from constructs_lib.simulate.scenarios import SCENARIOS
    from tests.simulate.templates import entry_of

    burst = SCENARIOS["burst"]
    plain = capacity_per_s(*entry_of(http_api_template(timeout=10)), burst, 100.0)
    retried = capacity_per_s(*entry_of(http_api_template(timeout=10, integration_ms=3000)), burst, 100.0)
    assert retried == pytest.approx(plain / (1 + 2 / 3 + 4 / 9))


def test_more_lanes_than_reserved_concurrency_lose_at_every_size() -> None:
    """8 lanes (4 shards x 2) on reserved concurrency 3 with a 60 s record age: the backlog of
    throttled batches builds over thousands of events. Before the background traffic, 0 of
    200 records were lost and 21 % of 5,000 - the verdict flipped with --events."""
    template = stream_template(kind="kinesis", retries=3, age=60, batch=100, shards=4, factor=2, timeout=30,
                               reserved=3, destination=False)
    shares = _failed_shares(template, "burst", 200)["Fn"], _failed_shares(template, "burst", 5_000)["Fn"]
    assert all(share > 0.05 for share in shares), shares


def test_background_traffic_surrounds_the_measured_events_only_where_the_source_outruns_the_function() -> None:
    from constructs_lib.simulate.load import BACKGROUND_MIN_EVENTS, background_events
    from tests.simulate.templates import entry_of

    def background(template: dict[str, Any], reserved: int | None, events: int = 200) -> int:
        return background_events(entry_of(template)[1], reserved, events)

    assert background(sqs_template(reserved=1), 1) == BACKGROUND_MIN_EVENTS  # five batches on one
    assert background(sqs_template(reserved=1), 1, events=5_000) == 5_000
    assert background(sqs_template(reserved=5), 5) == 0
    assert background(sqs_template(max_concurrency=2, reserved=2), 2) == 0  # the mapping caps itself
    assert background(stream_template(kind="kinesis", shards=4, factor=2, reserved=3), 3) == BACKGROUND_MIN_EVENTS
    # the account's shared pool is no hard limit: 1,000 functions sharing 900 need none
    assert background(stream_template(kind="kinesis", shards=4, factor=2), None) == 0
    assert background(sqs_template(), None) == 0
    assert background(http_api_template(reserved=1), 1) == 0


def test_background_events_are_simulated_but_never_counted() -> None:
    (result,) = simulate([model(sqs_template(vis=6, timeout=1, max_receive=2, reserved=1))], "poison").functions
    assert result.events == 200 and len(result.fates) == 200 and len(result.successes) == 200
    assert result.succeeded + result.dead_lettered + result.lost + result.pending == 200
    # only the measured events' poison (10) and their batch-mates and throttled ones reach the DLQ list
    assert len(result.destinations.get(result.config.dead_letter_queue or "", [])) == result.dead_lettered
    assert result.requests <= result.stats["invocations"] and result.stats["invocations"] < 2 * 200
