"""One account, shared: every simulated function draws on one regional concurrency pool.

Reserved concurrency carves a function's share out of the account (Lambda keeps 100
unreserved); the others share what is left, and each function scales by at most 1,000
execution environments every 10 s. So a function without reserved concurrency is throttled
by a noisy neighbour - sync callers get 429s, asynchronous events wait in Lambda's queue, SQS
messages return to their queue - and the same function with reserved concurrency is
untouched (limits.SRC_LAMBDA_RESERVED, limits.SRC_LAMBDA_SCALING)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from constructs_lib import limits
from constructs_lib.simulate import EventSpec, simulate, simulate_entry
from constructs_lib.simulate.invokers import Result
from constructs_lib.simulate.report import advice
from constructs_lib.template.loader import load_paths
from tests.simulate.conftest import model
from tests.simulate.templates import Scripted, async_template, entry_of, fn, http_api_template, sqs_template

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "docs" / "examples"


def neighbours(victim: dict[str, Any], reserved: int | None = None) -> dict[str, Any]:
    """The victim (``Fn`` and its resources) and a report job (``Noisy``) invoked
    asynchronously, which bursts in ``noisy-neighbour``."""
    template = copy.deepcopy(victim)
    if reserved is not None:
        template["Resources"]["Fn"]["Properties"]["ReservedConcurrentExecutions"] = reserved
    template["Resources"]["Noisy"] = fn(60)
    template["Resources"]["NoisyFailures"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    template["Resources"]["NoisyConfig"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
        "FunctionName": {"Ref": "Noisy"}, "Qualifier": "$LATEST",
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["NoisyFailures", "Arn"]}}}}}
    return template


@pytest.mark.parametrize("victim", ["sync", "async", "sqs"])
def test_a_noisy_neighbour_throttles_a_function_without_reserved_concurrency(victim: str) -> None:
    base = {"sync": http_api_template(timeout=10), "async": async_template(timeout=10),
            "sqs": sqs_template(timeout=10, vis=60, max_receive=10)}[victim]
    exposed = {r.function: r for r in simulate([model(neighbours(base))], "noisy-neighbour", noisy="Noisy").functions}
    fn_ = exposed["Fn"]
    assert fn_.stats.get("throttles_neighbour", 0) > 0 and fn_.lost == 0, fn_
    assert any(a.rule_id is None and "noisy neighbour" in a.what for a in advice(fn_))
    if victim == "sync":
        assert fn_.returned_errors > 0  # callers got 429s (after their SDK's retries)
    elif victim == "async":
        assert fn_.succeeded == fn_.events  # the events waited in Lambda's queue, then ran
    else:
        assert fn_.stats.get("throttled_batches_returned", 0) > 0 and fn_.succeeded == fn_.events  # back to the queue
    guarded = {r.function: r for r in simulate([model(neighbours(base, reserved=100))], "noisy-neighbour",
                                               noisy="Noisy").functions}["Fn"]
    assert guarded.throttles == 0 and guarded.succeeded == guarded.events, guarded


def test_the_readme_example_and_its_fix() -> None:
    """docs/examples/noisy.yaml: the report job takes the pool and the orders API answers 429s;
    noisy-fixed.yaml reserves 100 for the API, which is then untouched."""
    orders = {}
    for name in ("noisy.yaml", "noisy-fixed.yaml"):
        report = simulate(load_paths([EXAMPLES / name]).models, "noisy-neighbour", noisy="Reports")
        (orders[name],) = [r for r in report.functions if r.function == "Orders"]
    assert orders["noisy.yaml"].returned_errors > 0 and orders["noisy.yaml"].stats["throttles_neighbour"] > 0
    assert orders["noisy-fixed.yaml"].throttles == 0
    assert orders["noisy-fixed.yaml"].succeeded == orders["noisy-fixed.yaml"].events


def test_an_unknown_noisy_function_is_an_error() -> None:
    with pytest.raises(ValueError, match="--noisy Nope"):
        simulate([model(neighbours(http_api_template()))], "noisy-neighbour", noisy="Nope")


def test_a_function_alone_in_its_account_keeps_the_steady_load() -> None:
    report = simulate([model(http_api_template())], "noisy-neighbour")
    assert report.noisy is None and report.functions[0].events == 200
    assert any("has no neighbour" in n for n in report.notes)


def test_reservations_beyond_what_the_account_allows_are_refused_with_a_note() -> None:
    template = http_api_template(reserved=950)
    report = simulate([model(template)], "poison", account_concurrency=1000)
    assert report.refused and "keeps 100 unreserved" in report.refused[0]
    ok = simulate([model(template)], "poison", account_concurrency=1050)
    assert ok.refused == []


def test_the_account_concurrency_is_a_cap_for_functions_without_reservations() -> None:
    # 300 requests at once, each running 5 s, in an account of 200: 200 run, 100 are throttled.
    config, entry = entry_of(http_api_template(timeout=10))
    result = simulate_entry(config, entry, events=[EventSpec(i, 0.0) for i in range(300)],
                            invoker=Scripted(lambda inv: Result(5.0)), account_concurrency=200)
    assert result.stats["invocations"] >= 200 and result.stats["throttles_pool"] >= 100


def test_each_function_scales_by_at_most_1000_environments_per_10_seconds() -> None:
    # 3,000 requests at once in a large account: 1,000 new environments at once, then 100 a second.
    config, entry = entry_of(http_api_template(timeout=30))
    result = simulate_entry(config, entry, events=[EventSpec(i, 0.0) for i in range(3000)],
                            invoker=Scripted(lambda inv: Result(20.0)), account_concurrency=10_000)
    assert result.stats["throttles_scaling"] > 0
    assert result.stats["cold_starts"] < 3000


def test_reserved_concurrency_carves_its_share_out_of_the_account() -> None:
    # An account of 300, another function reserving 200: the unreserved API has 100.
    template = http_api_template(timeout=10)
    template["Resources"]["Other"] = fn(10, reserved=200)
    template["Resources"]["OtherUrl"] = {"Type": "AWS::Lambda::Url", "Properties": {
        "AuthType": "AWS_IAM", "TargetFunctionArn": {"Fn::GetAtt": ["Other", "Arn"]}}}
    report = simulate([model(template)], "burst", account_concurrency=300, timeline=True)
    (api,) = [r for r in report.functions if r.function == "Fn"]
    assert report.refused == [] and api.timeline is not None
    assert api.timeline.limit == 100 and max(n for _, n in api.timeline.concurrency) <= 100


def test_provisioned_pollers_bound_the_sqs_concurrency() -> None:
    """ProvisionedPollerConfig (2 pollers x 10 invokes) with reserved concurrency 20: the
    pollers never outrun the function. It was ignored: pollers scaled towards 1,000, with
    213,573 throttles and 7,808 good messages dead-lettered on the reference payments consumer."""
    template = sqs_template(batch=10, timeout=20, vis=120, max_receive=5, reserved=20)
    template["Resources"]["Mapping"]["Properties"]["ProvisionedPollerConfig"] = {"MinimumPollers": 2, "MaximumPollers": 2}
    for scenario in ("burst", "poison"):
        (result,) = simulate([model(template)], scenario, events=2000).functions
        assert result.throttles == 0 and (result.lost, result.pending) == (0, 0), result
        assert result.dead_lettered == (100 if scenario == "poison" else 0)
    # More pollers than the reservation: the surplus invokes are throttled, and advice names the rule.
    template["Resources"]["Mapping"]["Properties"]["ProvisionedPollerConfig"] = {"MinimumPollers": 10, "MaximumPollers": 10}
    template["Resources"]["Queue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"] = 1
    (result,) = simulate([model(template)], "burst", events=2000).functions
    assert result.throttles > 0 and result.dead_lettered > 0
    assert "sqs-provisioned-pollers" in {a.rule_id for a in advice(result)}


def test_the_reference_payments_consumer_is_never_throttled() -> None:
    from tests.simulate.conftest import reference_templates

    template = reference_templates()["OrderPipeline"]
    report = simulate([model(template, "OrderPipeline")], "burst", events=2000)
    (payments,) = [r for r in report.functions if r.model == "sqs"]
    assert payments.throttles == 0 and payments.dead_lettered == 0 and payments.succeeded == 2000


def test_standard_sqs_pollers_start_at_5_and_add_300_a_minute() -> None:
    config, entry = entry_of(sqs_template(batch=1, timeout=60, vis=360))
    invoker = Scripted(lambda inv: Result(50.0))
    simulate_entry(config, entry, events=[EventSpec(i, 0.0) for i in range(400)], invoker=invoker)
    running_at = lambda t: sum(1 for c in invoker.calls if c.time <= t < c.time + 50)  # noqa: E731
    assert running_at(0.5) == limits.SQS_ESM_INITIAL_CONCURRENT_BATCHES
    assert running_at(10.5) <= 5 + 5 * 11  # 300 a minute, 5 a second
    assert running_at(49) >= 200
