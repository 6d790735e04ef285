"""The simulation proves the library: every construct's default template and the reference
app lose nothing under every scenario, and removing one protection at a time changes the
outcome the way AWS's documentation (and the check rule that guards it) predicts.

Templates are synthesized once per module; each mutation edits a copy of the dict."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk.assertions import Template

from constructs_lib import AsyncWorker, QueueConsumer, StreamProcessor, SyncApiFunction
from constructs_lib.simulate import FunctionResult, simulate
from constructs_lib.simulate.report import advice
from constructs_lib.simulate.scenarios import SCENARIOS
from tests.conftest import INLINE
from tests.simulate.conftest import model, mutated, reference_templates, resources

SYNC = ("apigateway", "lambda")


@pytest.fixture(scope="module")
def defaults() -> dict[str, dict[str, Any]]:
    """Each construct with its defaults (and the callers a user adds), one stack each."""
    app = App()
    made: dict[str, dict[str, Any]] = {}

    def stack(name: str) -> Stack:
        return Stack(app, name)

    s = stack("QueueConsumerDefault")
    QueueConsumer(s, "Consumer", code=INLINE, handler="index.handler")
    made[s.stack_name] = s
    s = stack("StreamProcessorKinesisDefault")
    StreamProcessor(s, "Processor", code=INLINE, handler="index.handler", stream=kinesis.Stream(s, "Stream"))
    made[s.stack_name] = s
    s = stack("StreamProcessorDynamoDbDefault")
    table = dynamodb.Table(
        s, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    )
    StreamProcessor(s, "Processor", code=INLINE, handler="index.handler", table=table)
    made[s.stack_name] = s
    s = stack("AsyncWorkerDefault")
    worker = AsyncWorker(s, "Worker", code=INLINE, handler="index.handler")
    worker.add_event_rule(events.Rule(s, "Rule", event_pattern=events.EventPattern(source=["example"])))
    made[s.stack_name] = s
    for api in ("rest", "http"):
        s = stack(f"SyncApi{api.title()}Default")
        SyncApiFunction(s, "Api", code=INLINE, handler="index.handler", api=api)
        made[s.stack_name] = s
    return {name: Template.from_stack(s).to_json() for name, s in made.items()}


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, Any]]:
    return reference_templates()


def run(templates: dict[str, dict[str, Any]], scenario: str, **kwargs: Any) -> list[FunctionResult]:
    return simulate([model(t, name) for name, t in templates.items()], scenario, **kwargs).functions


def poison_count(result: FunctionResult) -> int:
    return max(1, round(result.events * 0.05))


# --------------------------------------------------------------------------------------
# Nothing is lost: the defaults and the reference app, every scenario
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("which", ["defaults", "reference"])
def test_nothing_is_lost(which: str, scenario: str, request: pytest.FixtureRequest) -> None:
    templates = request.getfixturevalue(which)
    report = simulate([model(t, name) for name, t in templates.items()], scenario)
    results = report.functions
    expected_models = {"sqs", "kinesis", "dynamodb", "async", "apigateway"}
    if which == "reference":
        expected_models.add("url")  # the report endpoint: a function URL
    assert {r.model for r in results} == expected_models
    assert report.refused == []
    for r in results:
        assert r.succeeded + r.dead_lettered + r.metadata_only + r.returned_errors + r.lost + r.pending == r.events, r
        assert r.events == 200 or (scenario == "noisy-neighbour" and r.name == report.noisy), r
        assert (r.lost, r.pending) == (0, 0), r
        # What advice there is has no rule behind it: the stream processors' SQS failure
        # queues hold metadata only (the records stay in the stream for its retention), and
        # throttles under a noisy neighbour.
        assert all(a.rule_id is None for a in advice(r)), (r, advice(r))
        if r.model in ("kinesis", "dynamodb"):
            assert r.dead_lettered == 0, r  # an SQS destination never holds the records
        if r.model == "url":
            # The reference report endpoint is capped at 2 executions by design (a scan of the
            # orders table; a URL has no stage throttling): at half its capacity, a caller
            # that finds both busy is throttled (429) - answered with an error it sees. Never
            # lost, never run twice.
            assert r.dead_lettered == 0 and (r.duplicates, r.caller_timeouts) == (0, 0), r
            if scenario == "poison":
                assert r.returned_errors >= poison_count(r), r
            continue
        if scenario == "poison":
            # exactly the poison events fail: dead-lettered (or kept as metadata), or answered with an error
            failed = r.returned_errors if r.model in SYNC else r.dead_lettered + r.metadata_only
            assert failed == poison_count(r) and r.dead_lettered + r.metadata_only + r.returned_errors == failed, r
        if scenario in ("poison", "slow"):
            assert (r.duplicates, r.caller_timeouts) == (0, 0), r
        if scenario in ("burst", "noisy-neighbour") and r.model not in SYNC:
            assert r.succeeded == r.events, r
        if scenario == "outage":
            assert r.dead_lettered + r.metadata_only + r.returned_errors > 0, r  # the outage hurts, nothing is lost


def test_same_seed_same_result_other_seed_other_result(reference: dict[str, dict[str, Any]]) -> None:
    first = [r.to_dict() for r in run(reference, "outage", seed=7)]
    assert first == [r.to_dict() for r in run(reference, "outage", seed=7)]
    assert first != [r.to_dict() for r in run(reference, "outage", seed=8)]


# --------------------------------------------------------------------------------------
# One protection removed at a time
# --------------------------------------------------------------------------------------
def _source_queues(t: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for q in resources(t, "AWS::SQS::Queue") if "RedrivePolicy" in q]


def _functions_timeout(t: dict[str, Any]) -> float:
    (timeout,) = {f.get("Timeout", 3) for f in resources(t, "AWS::Lambda::Function") if "Handler" in f}
    return float(timeout)


def visibility_at_function_timeout(t: dict[str, Any]) -> None:
    for q in _source_queues(t):
        q["VisibilityTimeout"] = _functions_timeout(t)


def no_redrive_policy(t: dict[str, Any]) -> None:
    for q in _source_queues(t):
        del q["RedrivePolicy"]


def infinite_stream_retries(t: dict[str, Any]) -> None:
    for m in resources(t, "AWS::Lambda::EventSourceMapping"):
        m["MaximumRetryAttempts"] = -1
        m["MaximumRecordAgeInSeconds"] = -1


def no_on_failure_destination(t: dict[str, Any]) -> None:
    for props in [*resources(t, "AWS::Lambda::EventSourceMapping"), *resources(t, "AWS::Lambda::EventInvokeConfig")]:
        props.pop("DestinationConfig", None)


def max_concurrency_above_reserved(t: dict[str, Any]) -> None:
    for m in resources(t, "AWS::Lambda::EventSourceMapping"):
        m["ScalingConfig"]["MaximumConcurrency"] = 1000  # the ESM maximum; the function keeps 5


def reserved_concurrency_zero(t: dict[str, Any]) -> None:
    for f in resources(t, "AWS::Lambda::Function"):
        f["ReservedConcurrentExecutions"] = 0


def function_timeout_at_api_timeout(t: dict[str, Any]) -> None:
    """The function's timeout = the integration timeout (29 s REST, 30 s HTTP, as written)."""
    timeouts = [m["Integration"]["TimeoutInMillis"] for m in resources(t, "AWS::ApiGateway::Method") if "Integration" in m]
    timeouts += [i["TimeoutInMillis"] for i in resources(t, "AWS::ApiGatewayV2::Integration")]
    (millis,) = set(timeouts)
    for f in resources(t, "AWS::Lambda::Function"):
        f["Timeout"] = millis // 1000


def _pick(templates: dict[str, dict[str, Any]], *names: str) -> dict[str, dict[str, Any]]:
    return {n: templates[n] for n in names}


MUTATIONS = [
    # (mutation, templates, scenario, extra kwargs, the rule that predicts it)
    # a rare event under a steady load (a cold start in a recycled environment: under 1 % of
    # the invocations) needs thousands of events to show
    (visibility_at_function_timeout, ("QueueConsumerDefault",), ("QueueConsumerExample",), "slow", {"events": 5000},
     "sqs-visibility-timeout"),
    (no_redrive_policy, ("QueueConsumerDefault",), ("QueueConsumerExample",), "poison", {}, "sqs-redrive-policy"),
    (infinite_stream_retries, ("StreamProcessorKinesisDefault", "StreamProcessorDynamoDbDefault"),
     ("StreamProcessorKinesisExample", "StreamProcessorDynamoDbExample"), "poison", {}, "stream-unbounded-retries"),
    (no_on_failure_destination, ("StreamProcessorKinesisDefault", "StreamProcessorDynamoDbDefault", "AsyncWorkerDefault"),
     ("StreamProcessorKinesisExample", "AsyncWorkerExample"), "poison", {}, None),
    (max_concurrency_above_reserved, (), ("QueueConsumerExample",), "burst", {"events": 5000}, "esm-max-concurrency-above-reserved"),
    (reserved_concurrency_zero, ("QueueConsumerDefault", "StreamProcessorKinesisDefault", "AsyncWorkerDefault", "SyncApiHttpDefault"),
     ("QueueConsumerExample", "SyncApiRestExample"), "poison", {}, "lambda-reserved-concurrency-zero"),
    (function_timeout_at_api_timeout, ("SyncApiRestDefault", "SyncApiHttpDefault"), ("SyncApiRestExample", "SyncApiHttpExample"),
     "slow", {"events": 2000}, "apigw-integration-timeout"),
]


@pytest.mark.parametrize(("mutation", "default_names", "reference_names", "scenario", "kwargs", "rule_id"), MUTATIONS,
                         ids=[m[0].__name__ for m in MUTATIONS])
def test_removing_one_protection_changes_the_outcome_as_documented(
    defaults: dict[str, dict[str, Any]], reference: dict[str, dict[str, Any]],
    mutation: Any, default_names: tuple[str, ...], reference_names: tuple[str, ...], scenario: str,
    kwargs: dict[str, Any], rule_id: str | None,
) -> None:
    templates = {**_pick(defaults, *default_names), **_pick(reference, *reference_names)}
    before = run(templates, scenario, **kwargs)
    after = run({n: mutated(t, mutation) for n, t in templates.items()}, scenario, **kwargs)
    assert [(b.template, b.function) for b in before] == [(a.template, a.function) for a in after]
    for b, a in zip(before, after):
        assert a.succeeded + a.dead_lettered + a.metadata_only + a.returned_errors + a.lost + a.pending == a.events
        assert (b.lost, b.duplicates, b.caller_timeouts) == (0, 0, 0), b
        EXPECT[mutation.__name__](b, a)
        if rule_id is not None:
            assert rule_id in {item.rule_id for item in advice(a)}, (a, advice(a))
        assert all(item.rule_id is None for item in advice(b)), advice(b)


def _visibility(b: FunctionResult, a: FunctionResult) -> None:
    # A message becomes visible again while its batch still runs (cold start + 60-99 % of
    # the timeout > 1 x the timeout): another poller processes it again.
    assert a.duplicates > 0 and a.lost == 0


def _no_redrive(b: FunctionResult, a: FunctionResult) -> None:
    # The poison messages return after every visibility timeout until their retention ends.
    assert b.dead_lettered == poison_count(b) and a.dead_lettered == 0
    assert a.lost == poison_count(a) and a.causes == {"sqs-retention": a.lost}
    assert a.simulated_s >= 4 * 24 * 3600  # 4 days: SQS's default retention


def _infinite(b: FunctionResult, a: FunctionResult) -> None:
    # The poison record blocks its shard until the stream trims it: it is lost, and so may
    # be the records behind it; nothing reaches the on-failure destination.
    assert a.dead_lettered == 0 and a.lost >= poison_count(a)
    assert a.max_iterator_age_s >= 24 * 3600 - 1


def _no_destination(b: FunctionResult, a: FunctionResult) -> None:
    assert b.dead_lettered + b.metadata_only == poison_count(b)
    assert a.dead_lettered == 0 and a.lost == poison_count(a)
    assert {item.rule_id for item in advice(a)} <= {"stream-on-failure-destination", "async-failure-destination"}


def _max_concurrency(b: FunctionResult, a: FunctionResult) -> None:
    # The pollers invoke more copies than the function may run: batches are throttled, and
    # the mapping backs off (limits.SQS_ESM_SCALING_PAUSE_S); with maxReceiveCount 5 no good
    # message reaches the dead-letter queue (a low maxReceiveCount: see test_semantics).
    assert b.stats.get("throttles", 0) == 0 and b.dead_lettered == 0
    assert a.stats["throttles_reserved"] > 0 and a.stats["poller_back_offs"] > 0
    assert a.causes.get("throttled", 0) == a.dead_lettered


def _reserved_zero(b: FunctionResult, a: FunctionResult) -> None:
    assert a.succeeded == 0 and a.stats.get("invocations", 0) == 0
    if a.model in SYNC:
        assert a.returned_errors == a.events
    else:  # throttled until maxReceiveCount or the maximum record age; async: at once, no retries
        assert a.dead_lettered + a.metadata_only == a.events and a.causes.get("throttled", 0) > 0
        if a.model != "kinesis":  # records behind the throttled batch age out unread
            assert a.causes == {"throttled": a.events}


def _api_timeout(b: FunctionResult, a: FunctionResult) -> None:
    # A cold start plus 60-99 % of a timeout equal to the integration timeout passes it:
    # 504 while the function runs on and completes; the caller's retry runs it again.
    assert a.caller_timeouts > 0 and a.duplicates > 0 and a.lost == 0


EXPECT = {
    "visibility_at_function_timeout": _visibility,
    "no_redrive_policy": _no_redrive,
    "infinite_stream_retries": _infinite,
    "no_on_failure_destination": _no_destination,
    "max_concurrency_above_reserved": _max_concurrency,
    "reserved_concurrency_zero": _reserved_zero,
    "function_timeout_at_api_timeout": _api_timeout,
}
