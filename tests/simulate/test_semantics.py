"""Each documented behaviour the simulation models, on a tiny template and a scripted
invoker: the numbers come from the template and AWS's documentation, nowhere else."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.simulate import EventSpec, Invocation, Result, simulate, simulate_entry
from constructs_lib.simulate.invokers import Record, batch_item_failures
from tests.simulate.conftest import model
from tests.simulate.templates import Scripted, async_template, entry_of, fn, http_api_template, sqs_template, stream_template


def specs(n: int, gap: float = 0.0, **kw: Any) -> list[EventSpec]:
    return [EventSpec(i, i * gap, **kw) for i in range(n)]


def fail_events(*bad: int, duration: float = 1.0, partial: bool = True):
    def answer(inv: Invocation) -> Result:
        failed = [r.item_id for r in inv.records if r.event in bad]
        if not failed:
            return Result(duration)
        if partial and inv.report_batch_item_failures:
            return Result(duration, response=batch_item_failures(failed))
        return Result(duration, error="Boom")
    return answer


# --------------------------------------------------------------------------------------
# SQS
# --------------------------------------------------------------------------------------
def test_sqs_poison_is_received_max_receive_count_times_a_visibility_timeout_apart() -> None:
    config, entry = entry_of(sqs_template(vis=60, max_receive=3))
    invoker = Scripted(fail_events(0))
    result = simulate_entry(config, entry, events=specs(1), invoker=invoker)
    assert result.dead_lettered == 1 and result.causes == {"dlq": 1}
    assert [c.records[0].receive_count for c in invoker.calls] == [1, 2, 3]
    starts = [c.time for c in invoker.calls]
    assert [round(b - a) for a, b in zip(starts, starts[1:])] == [60, 60]  # visibility runs from the receive
    (record,) = result.destinations["Dlq"]
    assert record["receiveCount"] == 3


@pytest.mark.parametrize("bad_report", [
    {"batchItemFailures": [{"itemIdentifier": ""}]},
    {"batchItemFailures": [{"itemIdentifier": None}]},
    {"batchItemFailures": [{"id": "msg-000001"}]},
    {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]},
])
def test_an_invalid_partial_batch_response_fails_the_whole_batch(bad_report: dict[str, Any]) -> None:
    config, entry = entry_of(sqs_template(max_receive=2))
    result = simulate_entry(config, entry, events=specs(5), invoker=Scripted(lambda inv: Result(1.0, response=bad_report)))
    assert result.dead_lettered == 5 and result.succeeded == 0


def test_a_valid_partial_batch_response_returns_only_the_reported_message() -> None:
    config, entry = entry_of(sqs_template(max_receive=2))
    result = simulate_entry(config, entry, events=specs(5), invoker=Scripted(fail_events(3)))
    assert (result.succeeded, result.dead_lettered, result.duplicates) == (4, 1, 0)


def test_without_report_batch_item_failures_the_response_is_ignored() -> None:
    config, entry = entry_of(sqs_template(partial=False))
    answer = lambda inv: Result(1.0, response=batch_item_failures([inv.records[0].item_id]))  # noqa: E731
    result = simulate_entry(config, entry, events=specs(3), invoker=Scripted(answer))
    assert result.succeeded == 3 and result.dead_lettered == 0


def test_without_partial_responses_one_failure_returns_the_whole_batch() -> None:
    # The good messages share the poison's batch every time, so they share its fate
    # (rule sqs-partial-batch-response).
    config, entry = entry_of(sqs_template(partial=False, max_receive=2))
    result = simulate_entry(config, entry, events=specs(4), invoker=Scripted(fail_events(0)))
    assert result.dead_lettered == 4 and result.succeeded == 0


def test_retention_ends_a_message_without_redrive_policy() -> None:
    config, entry = entry_of(sqs_template(max_receive=None, retention=600))
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(fail_events(0)))
    assert result.lost == 1 and result.causes == {"sqs-retention": 1}
    assert 600 <= result.simulated_s


def test_a_dead_letter_queue_shorter_than_the_message_age_loses_it() -> None:
    config, entry = entry_of(sqs_template(vis=120, max_receive=5, dlq_retention=300))
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(fail_events(0)))
    assert result.lost == 1 and result.causes == {"dlq-retention": 1}


def test_filters_delete_messages_that_match_none() -> None:
    config, entry = entry_of(sqs_template(filters=[{"body": {"type": ["order"]}}]))
    events = [EventSpec(i, 0, '{"type": "%s"}' % ("order" if i % 2 else "ping")) for i in range(6)]
    invoker = Scripted(lambda inv: Result(1.0))
    result = simulate_entry(config, entry, events=events, invoker=invoker)
    assert (result.events, result.filtered, result.succeeded) == (3, 3, 3)
    assert all(r.event % 2 for c in invoker.calls for r in c.records)


def test_fifo_a_failing_message_blocks_its_group_until_it_is_dead_lettered() -> None:
    config, entry = entry_of(sqs_template(fifo=True, max_receive=2, batch=1, vis=30))
    events = [EventSpec(0, 0, group="a"), EventSpec(1, 0, group="a"), EventSpec(2, 0, group="b")]
    invoker = Scripted(fail_events(0))
    result = simulate_entry(config, entry, events=events, invoker=invoker)
    assert (result.succeeded, result.dead_lettered) == (2, 1)
    first_of = {e: min(c.time for c in invoker.calls if c.records[0].event == e) for e in (0, 1, 2)}
    assert first_of[2] < 30 <= first_of[1]  # group b runs at once; a's next message waits for a's first


def test_maximum_concurrency_caps_the_pollers() -> None:
    config, entry = entry_of(sqs_template(batch=1, max_concurrency=2))
    invoker = Scripted(lambda inv: Result(5.0))
    result = simulate_entry(config, entry, events=specs(10), invoker=invoker)
    assert result.succeeded == 10
    assert max(sum(1 for c in invoker.calls if c.time <= t < c.time + 5) for t in (c.time for c in invoker.calls)) == 2


def test_a_throttled_batch_is_retried_within_its_visibility_timeout_then_returned() -> None:
    # reserved 1, 2 pollers: the second batch is throttled; a 6 s visibility timeout leaves
    # no room to retry a 5 s invocation's slot, so it returns (a receive counted).
    config, entry = entry_of(sqs_template(batch=1, vis=6, timeout=5, reserved=1, max_concurrency=2, max_receive=10))
    result = simulate_entry(config, entry, events=specs(2), invoker=Scripted(lambda inv: Result(4.9)))
    assert result.succeeded == 2 and result.stats["throttles"] > 0


# --------------------------------------------------------------------------------------
# Streams
# --------------------------------------------------------------------------------------
def test_bisection_isolates_one_poison_record_and_its_metadata_goes_to_the_destination() -> None:
    config, entry = entry_of(stream_template(retries=2, batch=10, partial=False))
    result = simulate_entry(config, entry, events=specs(10, partition_key="k"), invoker=Scripted(fail_events(4, partial=False)))
    # An SQS destination receives the batch's metadata, not the record: it is "metadata only",
    # readable from the stream until its 24 h retention ends - not safely kept.
    assert (result.succeeded, result.metadata_only, result.dead_lettered, result.lost) == (9, 1, 0, 0)
    assert result.causes == {"stream-metadata-only": 1}
    assert result.recoverable_until_s == 4 * 0.0 + limits.DYNAMODB_STREAM_RETENTION_S
    (record,) = result.destinations["Failures"]
    info = record["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1 and info["startSequenceNumber"] == info["endSequenceNumber"] == f"{5:021d}"
    assert record["requestContext"] == {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 3}


def test_partial_batch_response_checkpoints_before_the_lowest_failure() -> None:
    config, entry = entry_of(stream_template(retries=1, bisect=False, batch=5))
    invoker = Scripted(fail_events(2))
    result = simulate_entry(config, entry, events=specs(5, partition_key="k"), invoker=invoker)
    # records 0-1 succeed once; 2-4 are retried from the checkpoint; 2 fails for good,
    # and without bisection its whole remaining batch (2-4) is discarded with it
    assert [tuple(r.event for r in c.records) for c in invoker.calls][:2] == [(0, 1, 2, 3, 4), (2, 3, 4)]
    assert (result.succeeded, result.metadata_only, result.duplicates) == (2, 3, 0)


def test_records_of_one_partition_key_stay_in_order_across_shards_and_lanes() -> None:
    config, entry = entry_of(stream_template(kind="kinesis", shards=2, factor=3, batch=2))
    events = [EventSpec(i, i * 0.1, partition_key=f"key-{i % 5}") for i in range(40)]
    invoker = Scripted(lambda inv: Result(0.5))
    simulate_entry(config, entry, events=events, invoker=invoker)
    seen: dict[str, list[int]] = {}
    for call in sorted(invoker.calls, key=lambda c: c.time):
        for r in call.records:
            seen.setdefault(r.partition_key or "", []).append(r.event)
    assert all(v == sorted(v) for v in seen.values()) and len(seen) == 5


def test_unbounded_retries_block_the_shard_until_the_stream_trims_the_record() -> None:
    config, entry = entry_of(stream_template(retries=-1, age=None, destination=True))
    result = simulate_entry(config, entry, events=specs(3, gap=1, partition_key="k"), invoker=Scripted(fail_events(0, duration=600)))
    assert result.lost >= 1 and result.dead_lettered == 0
    assert result.max_iterator_age_s >= limits.DYNAMODB_STREAM_RETENTION_S - 600


def test_maximum_record_age_discards_throttled_records_to_the_destination() -> None:
    config, entry = entry_of(stream_template(age=60, reserved=0))
    result = simulate_entry(config, entry, events=specs(3, partition_key="k"), invoker=Scripted(lambda inv: Result(1)))
    assert result.metadata_only == 3 and result.causes == {"throttled": 3}
    assert {r["requestContext"]["condition"] for r in result.destinations["Failures"]} == {"RecordAgeExceeded"}


def test_stream_filters_skip_records() -> None:
    config, entry = entry_of(stream_template(filters=[{"eventName": ["INSERT"]}]))
    events = [EventSpec(i, 0, {"eventName": "INSERT" if i < 2 else "REMOVE", "dynamodb": {}}, "k") for i in range(4)]
    result = simulate_entry(config, entry, events=events, invoker=Scripted(lambda inv: Result(1)))
    assert (result.events, result.filtered, result.succeeded) == (2, 2, 2)


# --------------------------------------------------------------------------------------
# Asynchronous invocation
# --------------------------------------------------------------------------------------
def test_async_retries_one_and_two_minutes_apart_then_records_the_failure() -> None:
    config, entry = entry_of(async_template(retries=2))
    invoker = Scripted(fail_events(0, duration=1.0))
    result = simulate_entry(config, entry, events=[EventSpec(0, 0, {"order": 1})], invoker=invoker)
    starts = [c.time for c in invoker.calls]
    assert [round(b - a) for a, b in zip(starts, starts[1:])] == [61, 121]  # 1 s run + 60 s, 1 s + 120 s
    (record,) = result.destinations["Failures"]
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3 and record["requestPayload"] == {"order": 1}


def test_async_throttles_are_retried_until_the_maximum_event_age() -> None:
    # Reserved concurrency 1, a 100 s invocation: the second event is throttled, retried from
    # 1 s doubling, and dropped to the destination when it is older than 60 s.
    config, entry = entry_of(async_template(age=60, reserved=1, timeout=200))
    result = simulate_entry(config, entry, events=specs(2), invoker=Scripted(lambda inv: Result(100)))
    assert (result.succeeded, result.dead_lettered) == (1, 1) and result.causes == {"throttled": 1}
    assert {r["requestContext"]["condition"] for r in result.destinations["Failures"]} == {"EventAgeExceeded"}
    assert result.stats["throttles"] > 3


def test_async_with_reserved_concurrency_zero_goes_to_the_destination_without_retries() -> None:
    """"When you set reserved concurrency to zero for an asynchronously invoked function,
    Lambda begins sending new events to ... the on-failure event destination, without any
    retries" (limits.SRC_LAMBDA_ASYNC_DEST)."""
    config, entry = entry_of(async_template(age=21600, reserved=0))
    result = simulate_entry(config, entry, events=specs(2), invoker=Scripted(lambda inv: Result(1)))
    assert result.dead_lettered == 2 and result.causes == {"throttled": 2}
    assert result.simulated_s < 1 and result.stats["throttles"] == 2


def test_async_dead_letter_queue_gets_the_event_without_a_destination() -> None:
    config, entry = entry_of(async_template(destination=False, dlq=True, retries=0))
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(fail_events(0)))
    assert result.dead_lettered == 1 and result.causes == {"async-dlq": 1}


def test_async_without_destination_or_dlq_loses_the_event() -> None:
    config, entry = entry_of(async_template(destination=False, retries=0))
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(fail_events(0)))
    assert result.lost == 1 and result.causes == {"async-discarded": 1}


@pytest.mark.parametrize(("rule_dlq", "fate"), [(True, "dead_lettered"), (False, "lost")])
def test_eventbridge_cannot_deliver_without_permission(rule_dlq: bool, fate: str) -> None:
    template = async_template(rule=True, permission=False, rule_dlq=rule_dlq)
    template["Resources"].pop("Config")  # the rule is the only trigger
    config, entry = entry_of(template)
    result = simulate_entry(config, entry, events=specs(2), invoker=Scripted(lambda inv: Result(1)))
    assert getattr(result, fate) == 2 and result.stats.get("invocations", 0) == 0


def test_eventbridge_with_permission_delivers_and_the_retry_policy_is_read() -> None:
    template = async_template(rule=True)
    template["Resources"]["Rule"]["Properties"]["Targets"][0]["RetryPolicy"] = {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 600}
    config, entry = entry_of(template)
    (delivery,) = entry.config.deliveries  # type: ignore[union-attr]
    assert (delivery.kind, delivery.retry_attempts, delivery.max_age_s, delivery.dead_letter_queue) == ("eventbridge", 4, 600, "RuleDlq")
    result = simulate_entry(config, entry, events=specs(3), invoker=Scripted(lambda inv: Result(1)))
    assert result.succeeded == 3


# --------------------------------------------------------------------------------------
# Synchronous invocation
# --------------------------------------------------------------------------------------
def test_api_answers_504_while_the_function_runs_on_and_the_retry_duplicates() -> None:
    config, entry = entry_of(http_api_template(timeout=30, integration_ms=5000))
    invoker = Scripted(lambda inv: Result(8.0))
    result = simulate_entry(config, entry, events=specs(1), invoker=invoker)
    assert result.caller_timeouts == 1 and result.successes == [3] and result.duplicates == 2
    assert result.duplicate_causes == {"caller-retry": 2}
    # The caller saw only 504s: an error answer, never a success - although the work was done
    # (three times) after it gave up.
    assert (result.succeeded, result.returned_errors, result.completed_after_caller_gave_up) == (0, 1, 1)


def test_a_function_timeout_is_an_error_answer_and_the_caller_retries() -> None:
    config, entry = entry_of(http_api_template(timeout=3))
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(lambda inv: Result(10.0)))
    assert result.returned_errors == 1 and result.stats["timeouts"] == 3 and result.caller_timeouts == 0


def test_stage_throttling_answers_429() -> None:
    config, entry = entry_of(http_api_template(rate=1, burst=1))
    result = simulate_entry(config, entry, events=specs(30), invoker=Scripted(lambda inv: Result(0.1)))
    assert result.stats["stage_throttles"] > 0 and result.returned_errors > 0 and result.lost == 0


def _url_template(timeout: float, reserved: int | None = None) -> dict[str, Any]:
    return {"Resources": {
        "Fn": fn(timeout, reserved),
        "Url": {"Type": "AWS::Lambda::Url", "Properties": {"AuthType": "AWS_IAM", "TargetFunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}}},
    }}


def test_a_function_url_waits_for_the_function_no_29_s_cut_and_no_duplicate() -> None:
    """A function URL has no integration timeout: a 100 s run answers once, no 504, no retry."""
    config, entry = entry_of(_url_template(120), model="url")
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(lambda inv: Result(100.0)))
    assert (result.succeeded, result.caller_timeouts, result.duplicates) == (1, 0, 0)


def test_a_function_url_is_throttled_only_by_reserved_concurrency() -> None:
    """No stage: beyond the reservation Lambda throttles (429) and, after the caller's retries,
    the request is answered with an error the caller sees - not lost."""
    config, entry = entry_of(_url_template(60, reserved=1), model="url")
    result = simulate_entry(config, entry, events=specs(5), invoker=Scripted(lambda inv: Result(50.0)))
    assert result.stats.get("stage_throttles", 0) == 0
    assert result.returned_errors > 0 and result.lost == 0 and result.succeeded + result.returned_errors == 5


def test_a_synchronous_lambda_caller_waits_its_own_timeout() -> None:
    template = {"Resources": {
        "Fn": fn(10), "Caller": fn(5, Role={"Fn::GetAtt": ["Role", "Arn"]}),
        "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
        "Policy": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": "Role"}], "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}}]}}},
    }}
    config, entry = entry_of(template, model="lambda")
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(lambda inv: Result(7.0)))
    assert result.caller_timeouts == 1 and result.duplicates == 2 and result.returned_errors == 1


# --------------------------------------------------------------------------------------
# Reading templates
# --------------------------------------------------------------------------------------
def test_aws_defaults_fill_what_the_template_leaves_out() -> None:
    template = sqs_template()
    del template["Resources"]["Queue"]["Properties"]["VisibilityTimeout"]
    del template["Resources"]["Mapping"]["Properties"]["BatchSize"]
    _, entry = entry_of(template)
    assert (entry.config.visibility_s, entry.config.batch_size, entry.config.retention_s) == (30, 10, 4 * 24 * 3600)  # type: ignore[union-attr]


def test_unknown_triggers_and_computed_values_are_notes_not_crashes() -> None:
    template = sqs_template()
    template["Resources"]["Queue"]["Properties"]["VisibilityTimeout"] = {"Ref": "Param"}
    template["Resources"]["Other"] = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
        "FunctionName": {"Ref": "Fn"}, "EventSourceArn": "arn:aws:kafka:eu-west-1:1:cluster/x", "Topics": ["t"]}}
    report = simulate([model(template)], "poison")
    assert report.functions == []
    assert any("VisibilityTimeout is computed" in n for n in report.notes)
    assert any("kafka" in n or "unknown invocation model" in n for n in report.notes)


def test_invariants_hold_for_any_seed() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    templates = [model(sqs_template(), "sqs"), model(stream_template(), "ddb"), model(async_template(), "async"),
                 model(http_api_template(rate=5, burst=10), "api")]

    @settings(max_examples=15, deadline=None)
    @given(seed=st.integers(0, 2**32), scenario=st.sampled_from(["poison", "slow", "outage", "burst"]), n=st.integers(1, 60))
    def check(seed: int, scenario: str, n: int) -> None:
        for r in simulate(templates, scenario, events=n, seed=seed).functions:
            assert r.succeeded + r.dead_lettered + r.metadata_only + r.returned_errors + r.lost + r.pending == r.events == n
            assert r.lost == 0 and r.pending == 0

    check()


def test_a_schedule_delivers_asynchronously_with_its_retry_policy_and_dlq() -> None:
    template = async_template()
    template["Resources"].pop("Config")
    template["Resources"]["Schedule"] = {"Type": "AWS::Scheduler::Schedule", "Properties": {
        "ScheduleExpression": "rate(1 minute)", "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}, "RoleArn": "arn:aws:iam::1:role/r",
                   "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600},
                   "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Failures", "Arn"]}}}}}
    config, entry = entry_of(template, model="async")
    (delivery,) = entry.config.deliveries  # type: ignore[union-attr]
    assert (delivery.kind, delivery.retry_attempts, delivery.max_age_s, delivery.dead_letter_queue) == ("scheduler", 10, 3600, "Failures")
    result = simulate_entry(config, entry, events=specs(2), invoker=Scripted(fail_events(1)))
    assert (result.succeeded, result.lost) == (1, 1)  # no invoke config: Lambda's defaults, no destination


@pytest.mark.parametrize(("permission", "redrive", "fate", "cause"), [
    (True, False, "succeeded", None), (False, True, "dead_lettered", "sns-dlq"), (False, False, "lost", "sns-dropped"),
])
def test_sns_delivery_needs_the_permission_and_keeps_failures_in_its_redrive_dlq(
    permission: bool, redrive: bool, fate: str, cause: str | None,
) -> None:
    resources: dict[str, Any] = {
        "Fn": fn(10), "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Sub": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "TopicArn": {"Ref": "Topic"}, "Endpoint": {"Fn::GetAtt": ["Fn", "Arn"]}}},
    }
    if redrive:
        resources["Sub"]["Properties"]["RedrivePolicy"] = {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}}
    if permission:
        resources["Perm"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"}, "Principal": "sns.amazonaws.com",
            "SourceArn": {"Ref": "Topic"}}}
    config, entry = entry_of({"Resources": resources}, model="async")
    result = simulate_entry(config, entry, events=specs(2), invoker=Scripted(lambda inv: Result(1)))
    assert getattr(result, fate) == 2 and (cause is None or result.causes == {cause: 2})


# --------------------------------------------------------------------------------------
# Review regressions: shapes real templates take
# --------------------------------------------------------------------------------------
def _websocket_template(timeout: float) -> dict[str, Any]:
    template = http_api_template(timeout=timeout)
    template["Resources"]["Api"]["Properties"]["ProtocolType"] = "WEBSOCKET"
    template["Resources"]["Route"] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
        "ApiId": {"Ref": "Api"}, "RouteKey": "sendmessage",
        "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "Integration"}]]}}}
    return template


def test_a_websocket_route_is_simulated_with_its_29_s_integration_timeout() -> None:
    """A WebSocket API crashed simulate (KeyError 'websocket'); its integration timeout is 29 s
    (limits.SRC_APIGW_WEBSOCKET_QUOTAS), read as the apigw-integration-timeout rule reads it."""
    _, entry = entry_of(_websocket_template(timeout=3))
    assert [(r.api, r.timeout_s) for r in entry.config] == [("websocket", 29.0)]  # type: ignore[union-attr]
    report = simulate([model(_websocket_template(timeout=3))], "poison", events=20)
    assert [(f.model, f.events, f.succeeded + f.returned_errors) for f in report.functions] == [("apigateway", 20, 20)]


def test_an_openapi_integration_timeout_is_read_from_the_body() -> None:
    """SAM's Api events live in the RestApi's OpenAPI Body; its timeoutInMillis is the caller's
    patience, as the check reads it (not the 29 s default)."""
    template = {"Resources": {
        "Fn": fn(3),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {"paths": {"/x": {"get": {
            "x-amazon-apigateway-integration": {
                "type": "aws_proxy", "httpMethod": "POST", "timeoutInMillis": 5000,
                "uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"},
            }}}}}}},
    }}
    _, entry = entry_of(template)
    assert [(r.api, r.timeout_s) for r in entry.config] == [("rest", 5.0)]  # type: ignore[union-attr]


def test_an_sqs_mapping_lambda_refuses_is_a_note_not_millions_of_duplicates() -> None:
    """Visibility timeout below the function timeout: Lambda refuses to create the mapping
    (limits.SRC_LAMBDA_SQS), so nothing is polled. Simulating it anyway looped every message
    until its retention ended (2.3 million 'duplicates' and 90 s for 200 events)."""
    report = simulate([model(sqs_template(vis=30, timeout=60))], "slow")
    assert report.functions == []
    assert any(consequence("sqs-visibility-below-function-timeout") in n and "sqs-visibility-below-function-timeout" in n
               for n in report.notes)
    _, entry = entry_of(sqs_template(vis=60, timeout=60))  # equal is accepted
    assert entry.model == "sqs"


def test_each_undecided_branch_is_simulated_and_named() -> None:
    from constructs_lib.template.loader import models_from_template
    from constructs_lib.simulate.report import write_text

    template = sqs_template()
    template["Parameters"] = {"Flag": {"Type": "String"}}
    template["Conditions"] = {"On": {"Fn::Equals": [{"Ref": "Flag"}, "yes"]}}
    template["Resources"]["Mapping"]["Properties"]["BatchSize"] = {"Fn::If": ["On", 1, 10]}
    report = simulate(models_from_template(template, "T"), "poison", events=20)
    assert sorted(f.to_dict()["branch"] for f in report.functions) == ["On=false", "On=true"]
    import io

    text = io.StringIO()
    write_text(report, text)
    assert "T/Fn [sqs] (when On=true)" in text.getvalue() and "T/Fn [sqs] (when On=false)" in text.getvalue()


@pytest.mark.parametrize("fifo", [False, True])
def test_a_poison_message_without_redrive_policy_ends_at_retention_without_millions_of_receives(fifo: bool) -> None:
    """14 days' retention, 6 s visibility, no DLQ: each poison message was received every 6 s
    until its retention ended (about 200,000 receives each, 3 s of simulation per message,
    over 30 s for the default 200 events). Its fate is the same: lost when its retention ends."""
    template = sqs_template(vis=6, timeout=1, max_receive=None, retention=1209600, batch=1, fifo=fifo)
    (result,) = simulate([model(template)], "poison").functions
    assert (result.events, result.succeeded, result.lost, result.pending) == (200, 190, 10, 0)
    assert result.causes == {"sqs-retention": 10}
    assert result.stats["invocations"] < 1000
    assert result.simulated_s >= 1209600


@pytest.mark.parametrize("hours", [24, 8760])
def test_infinite_stream_retries_of_a_poison_batch_wait_for_its_expiry_not_a_year_of_polls(hours: int) -> None:
    """MaximumRetryAttempts -1 on a stream retaining records for a year: the failing batch was
    retried once a second until its records expired (over 2 minutes of simulation; 2 s at
    24 h). Same fates, now at once: the poison blocks its shard until the stream trims it."""
    template = stream_template(kind="kinesis", retries=-1, destination=False, bisect=False, partial=False, shards=4)
    template["Resources"]["Source"]["Properties"]["RetentionPeriodHours"] = hours
    (result,) = simulate([model(template)], "poison").functions
    assert result.dead_lettered == 0 and result.pending == 0 and result.lost >= 10
    assert result.succeeded + result.lost == 200 and set(result.causes) == {"stream-retention"}
    assert result.max_iterator_age_s >= hours * 3600 - 5
    assert result.stats["invocations"] < 2000


# --------------------------------------------------------------------------------------
# Issue 23: each defect found, now a test
# --------------------------------------------------------------------------------------
def test_advice_counts_callers_not_attempts() -> None:
    """Five callers, three 504s each: the advice speaks of 5 callers (it said 15)."""
    from constructs_lib.simulate.report import advice

    config, entry = entry_of(http_api_template(timeout=30, integration_ms=5000))
    result = simulate_entry(config, entry, events=specs(5, gap=100), invoker=Scripted(lambda inv: Result(8.0)))
    assert (result.caller_timeouts, result.returned_errors, result.succeeded) == (5, 5, 0)
    (item,) = advice(result)
    assert (item.rule_id, item.count) == ("apigw-integration-timeout", 5) and "callers" in item.what


def test_a_caller_that_retries_after_a_504_and_succeeds_counts_once_as_succeeded() -> None:
    config, entry = entry_of(http_api_template(timeout=30, integration_ms=5000))
    durations = iter([8.0, 1.0])  # the first attempt outlives the integration timeout, the retry does not
    result = simulate_entry(config, entry, events=specs(1), invoker=Scripted(lambda inv: Result(next(durations))))
    assert (result.succeeded, result.returned_errors, result.caller_timeouts, result.duplicates) == (1, 0, 1, 1)
    assert result.completed_after_caller_gave_up == 0


def test_the_batching_window_counts_against_the_visibility_timeout() -> None:
    """Lambda receives the messages as it fills the batch: they are in flight during the window.
    The window ran before the visibility clock started, so adding it showed fewer duplicates."""
    duplicates = {}
    for window in (None, 5):
        template = sqs_template(vis=14, timeout=10, window=window, batch=10, reserved=2, max_concurrency=2)
        duplicates[window] = simulate([model(template)], "slow").functions[0].duplicates
    assert duplicates[None] == 0 and duplicates[5] > 0


def test_maximum_concurrency_above_reserved_concurrency_throttles_under_burst() -> None:
    """A single-function template showed no throttle at all."""
    from constructs_lib.simulate.report import advice

    (result,) = simulate([model(sqs_template(reserved=5, max_concurrency=50, max_receive=1, vis=10))], "burst").functions
    assert result.stats["throttles_reserved"] > 0 and result.causes.get("throttled", 0) > 0
    assert "esm-max-concurrency-above-reserved" in {a.rule_id for a in advice(result)}
    (capped,) = simulate([model(sqs_template(reserved=5, max_concurrency=5, max_receive=1, vis=10))], "burst").functions
    assert capped.throttles == 0


def test_a_throttled_sqs_mapping_backs_off_and_pollers_scale_back_down() -> None:
    """On a throttle Lambda "gradually backs off ... reducing the amount of concurrency
    allocated" to the mapping, and "when traffic is low, scales back the processing to five
    concurrent invokes" (limits.SQS_ESM_IDLE_RETIRE_S). Before, the pollers only ever scaled
    up: a consumer with reserved concurrency 20 under ``slow`` dead-lettered 62.5 % of 20,000
    healthy messages."""
    from constructs_lib.simulate.report import advice

    (result,) = simulate([model(sqs_template(vis=60, timeout=10, max_receive=5, reserved=20))], "slow",
                         events=20_000).functions
    assert result.dead_lettered == 0 and result.stats["poller_back_offs"] > 0
    assert result.stats["throttles_reserved"] < 0.05 * result.events  # a few at each scale-up, not a ratchet
    assert "esm-max-concurrency-above-reserved" in {a.rule_id for a in advice(result)}
    # 2,000 messages at once, then one 10 minutes later: the pollers the burst added retire
    config, entry = entry_of(sqs_template(vis=60, timeout=10, max_receive=5))
    events = [EventSpec(i, 0.0 if i < 2000 else 600.0) for i in range(2001)]
    burst = simulate_entry(config, entry, scenario="slow", events=events)
    assert burst.succeeded == 2001 and burst.stats["pollers_peak"] > 100
    assert burst.stats["pollers_at_end"] == limits.SQS_ESM_INITIAL_CONCURRENT_BATCHES


def test_healthy_messages_dead_lettered_with_their_batch_name_partial_batch_responses() -> None:
    from constructs_lib.simulate.report import advice

    (result,) = simulate([model(sqs_template(partial=False, max_receive=3))], "poison").functions
    assert result.causes["batch-failure"] > 0 and result.dead_lettered > result.causes["dlq"]
    assert "sqs-partial-batch-response" in {a.rule_id for a in advice(result)}
    (fixed,) = simulate([model(sqs_template(partial=True, max_receive=3))], "poison").functions
    assert "batch-failure" not in fixed.causes and fixed.dead_lettered == 10


def test_fifo_scenario_events_spread_over_groups_and_a_poison_blocks_only_its_group() -> None:
    """All scenario events shared one group, which the model treated as none."""
    from constructs_lib.simulate.invokers import ModelInvoker
    from constructs_lib.simulate.scenarios import FIFO_GROUPS, SCENARIOS

    calls: list[Invocation] = []

    class Recording(ModelInvoker):
        def invoke(self, invocation: Invocation) -> Result:
            calls.append(invocation)
            return super().invoke(invocation)

    import random

    poison = frozenset({0})
    template = sqs_template(fifo=True, batch=1, vis=60, timeout=10, max_receive=3)
    report = simulate([model(template)], "poison", events=100,
                      invoker_factory=lambda f, e: Recording(SCENARIOS["poison"], random.Random(1), poison))
    (result,) = report.functions
    assert {r.group for c in calls for r in c.records} == {f"group-{i}" for i in range(FIFO_GROUPS)}
    assert result.dead_lettered == 1 and result.succeeded == 99
    blocked = "group-0"
    failing = [c.time for c in calls if c.records[0].event == 0]
    others_meanwhile = {c.records[0].group for c in calls if failing[0] < c.time < failing[-1] and c.records[0].event}
    assert blocked not in others_meanwhile and len(others_meanwhile) == FIFO_GROUPS - 1
    behind = [c.time for c in calls if c.records[0].group == blocked and c.records[0].event != 0]
    assert min(behind) > failing[-1]  # the group waited for its failing message


def test_idle_pollers_wait_on_the_queue_not_all_woken_by_each_message() -> None:
    """Every new message woke every idle poller: 10,000 events cost 804,000 wake-ups."""
    (result,) = simulate([model(sqs_template())], "poison", events=10_000).functions
    assert result.stats["poller_wakeups"] <= 10_000 + result.stats["invocations"]
    assert result.succeeded + result.dead_lettered == 10_000


def test_an_s3_on_failure_destination_keeps_the_records() -> None:
    template = stream_template(retries=1, batch=10, partial=False)
    template["Resources"]["Failures"] = {"Type": "AWS::S3::Bucket", "Properties": {}}
    config, entry = entry_of(template)
    result = simulate_entry(config, entry, events=specs(10, partition_key="k"), invoker=Scripted(fail_events(4, partial=False)))
    assert (result.succeeded, result.dead_lettered, result.metadata_only) == (9, 1, 0)
    assert result.causes == {"stream-destination": 1} and result.recoverable_until_s is None


def test_invocation_time_is_an_overhead_plus_a_cost_per_record() -> None:
    from constructs_lib.simulate.invokers import ModelInvoker
    from constructs_lib.simulate.scenarios import SCENARIOS

    import random

    sc = SCENARIOS["poison"]
    invoker = ModelInvoker(sc, random.Random(0))

    def mean(records: int) -> float:
        batch = tuple(Record(i, str(i), None, 1, 0.0) for i in range(records))
        inv = Invocation("T", "Fn", "kinesis", None, batch, 1, 0.0, 10.0, batch_size=100)
        return sum(invoker.invoke(inv).duration_s for _ in range(2000)) / 2000

    full, half, one = mean(100), mean(50), mean(1)
    assert full == pytest.approx(3.5, rel=0.05)  # 35 % of the timeout for a full batch
    assert half == pytest.approx(0.6 * full, rel=0.05) and one == pytest.approx(0.208 * full, rel=0.05)


def test_a_timed_out_batch_is_not_blamed_on_a_batch_mate() -> None:
    """Messages of a batch the timeout cut failed on their own account: the advice is not
    partial batch responses, even with a poison message in the batch."""
    import random

    from constructs_lib.simulate.invokers import ModelInvoker
    from constructs_lib.simulate.scenarios import SCENARIOS

    class TimesOut(ModelInvoker):
        def invoke(self, invocation: Invocation) -> Result:
            return Result(invocation.timeout_s * 2)

    config, entry = entry_of(sqs_template(partial=False, max_receive=2))
    invoker = TimesOut(SCENARIOS["poison"], random.Random(0), frozenset({0}))
    result = simulate_entry(config, entry, events=specs(10), invoker=invoker)
    assert result.dead_lettered == 10 and result.causes == {"dlq": 10}
