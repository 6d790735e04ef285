"""Every rule: a good and a bad tiny template, boundaries, and "not applicable" when a
reference leaves the template. No CDK, no synth: these run in milliseconds."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.checks import CheckOptions, TemplateModel
from constructs_lib.checks.rules import ALL_RULES, RULES_BY_ID, run_checks
from tests.checks import templates as t


def findings(tpl: dict[str, Any], rule_id: str | None = None, *, options: CheckOptions | None = None, applicable: bool = True):
    rules = [RULES_BY_ID[rule_id]] if rule_id else ALL_RULES
    result = run_checks([TemplateModel(tpl, name="t.json")], options, rules=rules)
    return [f for f in result if f.applicable == applicable]


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return t.template(**{**base, **changes})


SQS = t.sqs_consumer()
KIN = t.kinesis_consumer()
#: A function with a dead-letter queue for its asynchronous invocations.
ASYNC_FN = t.function(DeadLetterConfig={"TargetArn": t.arn("Dlq")})

#: rule id -> (good template, bad template, the resource the bad finding names)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "sqs-visibility-timeout": (
        t.template(**SQS),
        with_(SQS, Queue=t.queue(visibility=179)),
        "Queue",
    ),
    "sqs-visibility-below-function-timeout": (
        with_(SQS, Queue=t.queue(visibility=30)),
        with_(SQS, Queue=t.queue(visibility=29)),
        "Queue",
    ),
    "sqs-redrive-policy": (t.template(**SQS), with_(SQS, Queue=t.queue(dlq=None)), "Queue"),
    "sqs-max-receive-count": (t.template(**SQS), with_(SQS, Queue=t.queue(max_receive=4)), "Queue"),
    "sqs-max-receive-count-range": (t.template(**SQS), with_(SQS, Queue=t.queue(max_receive=1001)), "Queue"),
    "aws-refused-value": (
        t.template(**SQS),
        with_(SQS, Mapping=t.mapping(BatchSize=10, MaximumBatchingWindowInSeconds=301,
                                     FunctionResponseTypes=["ReportBatchItemFailures"])),
        "Mapping",
    ),
    "sqs-partial-batch-response": (
        t.template(**SQS),
        with_(SQS, Mapping=t.mapping(BatchSize=10)),
        "Mapping",
    ),
    "sqs-dlq-retention": (
        t.template(**SQS),
        with_(SQS, Queue=t.queue(MessageRetentionPeriod=1209600), Dlq=t.dlq(MessageRetentionPeriod=1209599)),
        "Dlq",
    ),
    "sqs-fifo-dlq": (
        with_(SQS, Queue=t.queue(FifoQueue=True), Dlq=t.dlq(FifoQueue=True)),
        with_(SQS, Queue=t.queue(FifoQueue=True)),
        "Queue",
    ),
    "lambda-reserved-concurrency-zero": (
        t.template(Fn=t.function(reserved=1)),
        t.template(Fn=t.function(reserved=0)),
        "Fn",
    ),
    "esm-max-concurrency-above-reserved": (
        with_(SQS, Fn=t.function(reserved=5), Mapping=t.mapping(ScalingConfig={"MaximumConcurrency": 5}, FunctionResponseTypes=["ReportBatchItemFailures"])),
        with_(SQS, Fn=t.function(reserved=5), Mapping=t.mapping(ScalingConfig={"MaximumConcurrency": 6}, FunctionResponseTypes=["ReportBatchItemFailures"])),
        "Mapping",
    ),
    "sqs-provisioned-pollers": (
        with_(SQS, Fn=t.function(reserved=20), Mapping=t.mapping(ProvisionedPollerConfig={"MinimumPollers": 2, "MaximumPollers": 2}, FunctionResponseTypes=["ReportBatchItemFailures"])),
        with_(SQS, Fn=t.function(reserved=19), Mapping=t.mapping(ProvisionedPollerConfig={"MinimumPollers": 2, "MaximumPollers": 2}, FunctionResponseTypes=["ReportBatchItemFailures"])),
        "Mapping",
    ),
    "lambda-recursive-loop-allowed": (
        t.template(Fn=t.function(RecursiveLoop="Terminate")),
        t.template(Fn=t.function(RecursiveLoop="Allow")),
        "Fn",
    ),
    "lambda-unreserved-pool": (
        t.template(A=t.function(reserved=450), B=t.function(reserved=450)),
        t.template(A=t.function(reserved=450), B=t.function(reserved=451)),
        "B",
    ),
    "stream-unbounded-retries": (
        t.template(**KIN),
        with_(KIN, Mapping=t.mapping(t.arn("Stream"), StartingPosition="LATEST", BisectBatchOnFunctionError=True, DestinationConfig={"OnFailure": {"Destination": t.arn("Failures")}})),
        "Mapping",
    ),
    "stream-on-failure-destination": (
        t.template(**KIN),
        with_(KIN, Mapping=t.mapping(t.arn("Stream"), StartingPosition="LATEST", MaximumRetryAttempts=3, BisectBatchOnFunctionError=True)),
        "Mapping",
    ),
    "stream-bisect-batch": (
        t.template(**KIN),
        with_(KIN, Mapping=t.mapping(t.arn("Stream"), StartingPosition="LATEST", MaximumRetryAttempts=3, DestinationConfig={"OnFailure": {"Destination": t.arn("Failures")}})),
        "Mapping",
    ),
    "async-failure-destination": (
        t.template(Fn=t.function(), Perm=t.permission("s3.amazonaws.com"), Config=t.invoke_config(t.arn("Dlq")), Dlq=t.dlq()),
        t.template(Fn=t.function(), Perm=t.permission("s3.amazonaws.com")),
        "Fn",
    ),
    "eventbridge-target-dlq": (
        t.template(Fn=ASYNC_FN, Rule=t.events_rule(dead_letter=t.arn("Dlq")), Dlq=t.dlq()),
        t.template(Fn=ASYNC_FN, Rule=t.events_rule(), Dlq=t.dlq()),
        "Rule",
    ),
    "eventbridge-target-retry-policy": (
        t.template(Fn=ASYNC_FN, Rule=t.events_rule(dead_letter=t.arn("Dlq"), retry={"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 60}), Dlq=t.dlq()),
        t.template(Fn=ASYNC_FN, Rule=t.events_rule(dead_letter=t.arn("Dlq"), retry={"MaximumRetryAttempts": 186}), Dlq=t.dlq()),
        "Rule",
    ),
    "durable-function-qualified-arn": (
        with_(SQS, Fn=t.function(DurableConfig={"ExecutionTimeout": 900}), Live=t.alias(), Mapping=t.mapping(function="Live", BatchSize=10, FunctionResponseTypes=["ReportBatchItemFailures"])),
        with_(SQS, Fn=t.function(DurableConfig={"ExecutionTimeout": 900}), Live=t.alias()),
        "Mapping",
    ),
    "metadata-acknowledgment": (
        with_(SQS, Queue=t.with_metadata(t.queue(), {"constructs-lib": {"acknowledge": [{"id": "sqs-max-receive-count", "reason": "retries are cheap here"}]}})),
        with_(SQS, Queue=t.with_metadata(t.queue(), {"constructs-lib": {"acknowledge": [{"id": "sqs-max-receive-count"}]}})),
        "Queue",
    ),
    "sns-subscription-redrive": (
        t.template(Fn=ASYNC_FN, Sub=t.sns_subscription({"deadLetterTargetArn": t.arn("Dlq")}), Dlq=t.dlq()),
        t.template(Fn=ASYNC_FN, Sub=t.sns_subscription(), Dlq=t.dlq()),
        "Sub",
    ),
    "apigw-integration-timeout": (
        t.template(Fn=t.function(28), Method=t.rest_method()),
        t.template(Fn=t.function(29), Method=t.rest_method()),
        "Method",
    ),
    "lambda-sync-invoke-timeout": (
        t.template(**t.caller_and_callee(11, 10)),
        t.template(**t.caller_and_callee(10, 10)),
        "Caller",
    ),
    "lambda-sync-invoke": (
        t.template(**t.caller_and_callee(11, 10, async_callee=True)),
        t.template(**t.caller_and_callee(11, 10)),
        "Caller",
    ),
}


#: Rules that only ever report "not applicable" (tested on their own).
NOT_APPLICABLE_ONLY = {"template-malformed-resource"}


def test_every_rule_has_a_good_and_a_bad_fixture() -> None:
    assert set(CASES) | NOT_APPLICABLE_ONLY == {r.id for r in ALL_RULES}


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_is_documented(rule) -> None:
    assert rule.level in ("error", "warning")
    assert rule.summary.endswith(".") and "\n" not in rule.summary
    assert len(rule.explanation) > 40 and rule.fix
    assert "::" not in rule.id and " " not in rule.id  # CDK's acknowledgment id syntax


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_good_fixture_passes(rule_id: str) -> None:
    good, _, _ = CASES[rule_id]
    assert findings(good, rule_id) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_bad_fixture_fails_with_its_level(rule_id: str) -> None:
    _, bad, resource = CASES[rule_id]
    result = findings(bad, rule_id)
    assert [(f.rule_id, f.resource) for f in result] == [(rule_id, resource)]
    finding = result[0]
    assert finding.level == RULES_BY_ID[rule_id].level
    assert finding.template == "t.json"
    assert finding.message and finding.fix and finding.location.startswith(("Properties", "Metadata"))
    assert finding.help_uri.endswith(f"docs/rules/{rule_id}.md") and finding.source.startswith("https://docs.aws.amazon.com/")


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_good_fixtures_pass_every_rule(rule_id: str) -> None:
    """A good fixture is good for all rules, not only its own: no false positives."""
    good, _, _ = CASES[rule_id]
    expected = ALSO_EXPECTED.get(rule_id, [])
    assert [(f.rule_id, f.resource) for f in findings(good)] == expected


#: A caller whose timeout is long enough still makes a (likely) synchronous call: the
#: warning is the point of that fixture's sibling rule.
ALSO_EXPECTED = {
    "lambda-sync-invoke-timeout": [("lambda-sync-invoke", "Caller")],
    # Exactly the function timeout: accepted by Lambda, below AWS's recommended 6 x.
    "sqs-visibility-below-function-timeout": [("sqs-visibility-timeout", "Queue")],
}


# --------------------------------------------------------------------------------------
# Messages, defaults and boundaries
# --------------------------------------------------------------------------------------
def test_visibility_timeout_message_names_values_and_rule() -> None:
    (f,) = findings(with_(SQS, Queue=t.queue(visibility=60)), "sqs-visibility-timeout")
    assert f.level == "warning"
    assert "VisibilityTimeout 60 s is below 6 x the Timeout of Fn (30 s)" in f.message
    assert "MaximumBatchingWindowInSeconds (0 s) = 180 s" in f.message
    assert f.location == "Properties/VisibilityTimeout"
    assert f.source.startswith("https://docs.aws.amazon.com/")


@pytest.mark.parametrize(("visibility", "window", "bad"), [(180, None, False), (179, None, True), (190, 10, False), (189, 10, True)])
def test_visibility_timeout_counts_the_batching_window(visibility: int, window: int | None, bad: bool) -> None:
    tpl = with_(SQS, Queue=t.queue(visibility=visibility), Mapping=t.mapping(FunctionResponseTypes=["ReportBatchItemFailures"], MaximumBatchingWindowInSeconds=window))
    assert bool(findings(tpl, "sqs-visibility-timeout")) is bad


def test_visibility_timeout_uses_aws_defaults_when_absent() -> None:
    """No Timeout: Lambda's 3 s (needs 18 s); no VisibilityTimeout: SQS's 30 s -> fine."""
    tpl = with_(SQS, Fn=t.function(None), Queue=t.queue(visibility=None))
    assert findings(tpl, "sqs-visibility-timeout") == []
    tpl = with_(SQS, Fn=t.function(6), Queue=t.queue(visibility=None))
    assert "VisibilityTimeout 30 s is below" in findings(tpl, "sqs-visibility-timeout")[0].message
    tpl = with_(SQS, Fn=t.function(31), Queue=t.queue(visibility=None))
    assert "VisibilityTimeout 30 s is below the Timeout of Fn (31 s)" in findings(tpl)[0].message


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [(29, [("sqs-visibility-below-function-timeout", "error")]), (30, [("sqs-visibility-timeout", "warning")]),
     (179, [("sqs-visibility-timeout", "warning")]), (180, [])],
)
def test_visibility_timeout_levels_by_consequence(visibility: int, expected: list) -> None:
    """Below the function timeout Lambda rejects the mapping (error); from 1x to 6x it is
    AWS's recommendation that is missed (warning); one finding, never both."""
    result = [(f.rule_id, f.level) for f in findings(with_(SQS, Queue=t.queue(visibility=visibility)))]
    assert result == expected


def test_string_numbers_are_read() -> None:
    tpl = with_(SQS, Fn=t.function("30"), Queue=t.queue(visibility="179"))
    assert findings(tpl, "sqs-visibility-timeout")[0].level == "warning"
    assert len(findings(tpl, "sqs-visibility-timeout")) == 1


@pytest.mark.parametrize(
    "function_name, source",
    [
        ({"Fn::Sub": "${Fn.Arn}:live"}, t.arn("Queue")),
        ({"Fn::Join": [":", [t.arn("Fn"), "live"]]}, t.arn("Queue")),
        ("my-fn", t.arn("Queue")),
        ("arn:aws:lambda:eu-west-1:123456789012:function:my-fn:live", t.arn("Queue")),
        (t.ref("Fn"), {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Queue.QueueName}"}),
    ],
    ids=["sub-alias-arn", "join-alias-arn", "literal-name", "literal-arn", "sub-queue-arn"],
)
def test_a_mapping_names_its_function_and_queue_the_ways_cloudformation_allows(function_name: Any, source: Any) -> None:
    """The trigger graph resolved these, the SQS rules did not: a queue AWS refuses (visibility
    below the function timeout) passed as 'function / queue outside this template'."""
    fn = t.function(60, FunctionName="my-fn")
    tpl = with_(SQS, Fn=fn, Queue=t.queue(visibility=30),
                Mapping=t.mapping(source, BatchSize=1, FunctionResponseTypes=["ReportBatchItemFailures"]))
    tpl["Resources"]["Mapping"]["Properties"]["FunctionName"] = function_name
    assert [(f.rule_id, f.resource) for f in findings(tpl) if f.level == "error"] == [
        ("sqs-visibility-below-function-timeout", "Queue")
    ]


def test_redrive_policy_as_json_string_is_read() -> None:
    import json

    queue = t.queue(dlq=None)
    queue["Properties"]["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:dlq", "maxReceiveCount": 3})
    result = findings(with_(SQS, Queue=queue))
    assert [f.rule_id for f in result] == ["sqs-max-receive-count"]
    assert "maxReceiveCount 3 is below the recommended 5" in result[0].message


@pytest.mark.parametrize(
    ("count", "rule_id", "level"),
    [(0, "sqs-max-receive-count-range", "error"), (1, "sqs-max-receive-count", "warning"),
     (4, "sqs-max-receive-count", "warning"), (5, None, None), (1000, None, None),
     (1001, "sqs-max-receive-count-range", "error")],
)
def test_max_receive_count_boundaries_and_levels(count: int, rule_id: str | None, level: str | None) -> None:
    """Outside SQS's 1-1,000 the deploy fails (an error); 1-4 only risks good messages (a warning)."""
    result = [f for f in findings(with_(SQS, Queue=t.queue(max_receive=count))) if f.rule_id.startswith("sqs-max-receive")]
    assert [(f.rule_id, f.level) for f in result] == ([(rule_id, level)] if rule_id else [])


def test_unreserved_pool_with_a_tiny_quota_and_nothing_reserved_does_not_crash() -> None:
    from constructs_lib.checks.core import CheckOptions
    from constructs_lib.template.model import TemplateModel
    from constructs_lib.checks.rules import run_checks

    models = [TemplateModel(t.template(Fn=t.function()), name="t")]
    assert [f for f in run_checks(models, CheckOptions(account_concurrency=10)) if f.applicable] == []
    with pytest.raises(ValueError, match="account_concurrency 0 is not a concurrency quota"):
        CheckOptions(account_concurrency=0)


@pytest.mark.parametrize(("batch", "bad"), [(1, False), (2, True), (None, True)])
def test_partial_batch_response_boundary_and_default_batch_of_10(batch: int | None, bad: bool) -> None:
    assert bool(findings(with_(SQS, Mapping=t.mapping(BatchSize=batch)), "sqs-partial-batch-response")) is bad


def test_standard_source_with_fifo_dlq_is_an_error_too() -> None:
    (f,) = findings(with_(SQS, Dlq=t.dlq(FifoQueue=True)), "sqs-fifo-dlq")
    assert "FIFO queue but the source queue is standard" in f.message


def test_negative_reserved_concurrency() -> None:
    (f,) = findings(t.template(Fn=t.function(reserved=-1)), "lambda-reserved-concurrency-zero")
    assert "ReservedConcurrentExecutions -1 is negative" in f.message


def test_unreserved_pool_option_and_sum_across_templates() -> None:
    a = TemplateModel(t.template(A=t.function(reserved=500)), name="a.json")
    b = TemplateModel(t.template(B=t.function(reserved=401)), name="b.json")
    rule = [RULES_BY_ID["lambda-unreserved-pool"]]
    (f,) = run_checks([a, b], rules=rule)
    assert (f.template, f.resource) == ("a.json", "A")  # the largest reservation
    assert "sums to 901, leaving 99 of the account's 1000 executions unreserved" in f.message
    assert run_checks([a, b], CheckOptions(account_concurrency=1001), rules=rule) == []


@pytest.mark.parametrize(("retries", "age", "bad"), [(-1, -1, True), (None, None, True), (3, -1, False), (-1, 3600, False)])
def test_stream_unbounded_retries_needs_both_infinite(retries: Any, age: Any, bad: bool) -> None:
    tpl = with_(KIN, Mapping=t.mapping(t.arn("Stream"), StartingPosition="LATEST", MaximumRetryAttempts=retries, MaximumRecordAgeInSeconds=age, BisectBatchOnFunctionError=True, DestinationConfig={"OnFailure": {"Destination": t.arn("Failures")}}))
    assert bool(findings(tpl, "stream-unbounded-retries")) is bad


def test_stream_bisect_not_needed_with_partial_batch_responses() -> None:
    tpl = with_(KIN, Mapping=t.mapping(t.arn("Stream"), StartingPosition="LATEST", MaximumRetryAttempts=3, FunctionResponseTypes=["ReportBatchItemFailures"], DestinationConfig={"OnFailure": {"Destination": t.arn("Failures")}}))
    assert findings(tpl, "stream-bisect-batch") == []


def test_dynamodb_stream_mapping_is_a_stream() -> None:
    tpl = t.template(Fn=t.function(), Table={"Type": "AWS::DynamoDB::Table", "Properties": {}}, Mapping=t.mapping({"Fn::GetAtt": ["Table", "StreamArn"]}, StartingPosition="LATEST"))
    ids = {f.rule_id for f in findings(tpl)}
    assert {"stream-unbounded-retries", "stream-on-failure-destination", "stream-bisect-batch"} <= ids


@pytest.mark.parametrize("principal", ["s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com"])
def test_async_principals(principal: str) -> None:
    (f,) = findings(t.template(Fn=t.function(), Perm=t.permission(principal)), "async-failure-destination")
    assert "Perm" in f.message and "invoked asynchronously" in f.message


def test_function_dead_letter_config_satisfies_async_rule() -> None:
    tpl = t.template(Fn=t.function(DeadLetterConfig={"TargetArn": t.arn("Dlq")}), Dlq=t.dlq(), Perm=t.permission("sns.amazonaws.com"))
    assert findings(tpl, "async-failure-destination") == []


def test_event_invoke_config_without_on_failure_is_async_and_fails() -> None:
    tpl = t.template(Fn=t.function(), Config=t.invoke_config())
    assert [f.resource for f in findings(tpl, "async-failure-destination")] == ["Fn"]


def test_api_gateway_permission_is_not_async() -> None:
    assert findings(t.template(Fn=t.function(), Perm=t.permission("apigateway.amazonaws.com"))) == []


@pytest.mark.parametrize(("timeout", "integration_ms", "bad"), [(28, None, False), (29, None, True), (9, 10000, False), (10, 10000, True)])
def test_rest_integration_timeout_boundaries(timeout: int, integration_ms: int | None, bad: bool) -> None:
    tpl = t.template(Fn=t.function(timeout), Method=t.rest_method(integration_ms))
    assert bool(findings(tpl, "apigw-integration-timeout")) is bad


@pytest.mark.parametrize(("timeout", "bad"), [(29, False), (30, True)])
def test_http_api_default_integration_timeout_is_30_s(timeout: int, bad: bool) -> None:
    tpl = t.template(Fn=t.function(timeout), Integ=t.http_integration())
    result = findings(tpl, "apigw-integration-timeout")
    assert bool(result) is bad
    if bad:
        assert result[0].location == "Properties/TimeoutInMillis"


def test_sync_invoke_timeout_message() -> None:
    (f,) = findings(t.template(**t.caller_and_callee(5, 10)), "lambda-sync-invoke-timeout")
    assert "Caller may invoke Callee" in f.message and "5 s is not above the callee's 10 s" in f.message
    assert findings(t.template(**t.caller_and_callee(5, 10)), "lambda-sync-invoke") == []


def test_eventbridge_lambda_target_by_literal_arn_is_checked() -> None:
    tpl = t.template(Rule=t.events_rule("arn:aws:lambda:eu-west-1:123456789012:function:other"))
    assert [f.resource for f in findings(tpl, "eventbridge-target-dlq")] == ["Rule"]


def test_inline_topic_subscription_warns() -> None:
    topic = {"Type": "AWS::SNS::Topic", "Properties": {"Subscription": [{"Protocol": "lambda", "Endpoint": t.arn("Fn")}]}}
    (f,) = findings(t.template(Fn=t.function(), Topic=topic), "sns-subscription-redrive")
    assert f.location == "Properties/Subscription/0"


# --------------------------------------------------------------------------------------
# References that leave the template: "not applicable", never a guess
# --------------------------------------------------------------------------------------
IMPORTED = {"Fn::ImportValue": "SharedQueueArn"}


def test_imported_source_without_starting_position_is_not_judged() -> None:
    """An imported source of unknown kind and no StartingPosition (so not a stream)."""
    tpl = t.template(Fn=t.function(), Mapping=t.mapping(IMPORTED, FunctionResponseTypes=["ReportBatchItemFailures"]))
    assert findings(tpl) == []


def test_imported_stream_with_starting_position_is_not_applicable() -> None:
    tpl = t.template(Fn=t.function(), Mapping=t.mapping(IMPORTED, StartingPosition="LATEST"))
    assert findings(tpl) == []
    na = findings(tpl, applicable=False)
    assert {f.rule_id for f in na} == {"stream-unbounded-retries", "stream-on-failure-destination", "stream-bisect-batch"}
    assert all("outside this template" in f.message for f in na)


def test_sqs_mapping_on_literal_arn_outside_template_is_not_applicable() -> None:
    tpl = t.template(Fn=t.function(), Mapping=t.mapping("arn:aws:sqs:eu-west-1:123456789012:q", FunctionResponseTypes=["ReportBatchItemFailures"]))
    assert findings(tpl) == []
    (na,) = findings(tpl, "sqs-visibility-timeout", applicable=False)
    assert "queue is outside this template" in na.message


def test_dead_letter_queue_outside_template_is_not_applicable() -> None:
    queue = t.queue(dlq=None, RedrivePolicy={"deadLetterTargetArn": IMPORTED, "maxReceiveCount": 5})
    tpl = with_(SQS, Queue=queue)
    assert findings(tpl) == []
    assert {f.rule_id for f in findings(tpl, applicable=False)} == {"sqs-dlq-retention", "sqs-fifo-dlq"}


def test_computed_values_are_skipped() -> None:
    """A Ref to a parameter is not a number: the rule says nothing rather than guess."""
    tpl = with_(SQS, Fn=t.function({"Ref": "TimeoutParam"}), Queue=t.queue(visibility=1))
    assert findings(tpl, "sqs-visibility-timeout") == []
    assert findings(t.template(Fn=t.function(reserved={"Ref": "P"})), "lambda-reserved-concurrency-zero") == []


def test_alias_is_followed_to_its_function() -> None:
    alias = {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": t.ref("Fn"), "FunctionVersion": "1", "Name": "live"}}
    perm = t.permission("s3.amazonaws.com")
    perm["Properties"]["FunctionName"] = t.ref("Live")
    assert [f.resource for f in findings(t.template(Fn=t.function(), Live=alias, Perm=perm))] == ["Fn"]


def test_not_a_dict_resources_are_ignored() -> None:
    assert findings({"Resources": {"X": "junk", "Y": {"Type": "AWS::SQS::Queue"}}}) == []


def test_async_failure_destination_names_each_invoker_once_and_no_config_as_an_invoker() -> None:
    """A rule and the permission that lets it invoke are one invoker; an event invoke config
    is not an invoker at all, only a sign the function is meant to be invoked asynchronously."""
    from constructs_lib.checks import TemplateModel, run_checks

    fn = {"Type": "AWS::Lambda::Function", "Properties": {"Role": "arn:aws:iam::1:role/r", "Handler": "i.h",
                                                          "Runtime": "python3.12", "Code": {"ZipFile": "x"}}}
    config = {"Type": "AWS::Lambda::EventInvokeConfig",
              "Properties": {"FunctionName": {"Ref": "Fn"}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 1}}
    rule = {"Type": "AWS::Events::Rule",
            "Properties": {"ScheduleExpression": "rate(1 hour)", "Targets": [{"Id": "t", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}]}}
    permission = {"Type": "AWS::Lambda::Permission",
                  "Properties": {"FunctionName": {"Ref": "Fn"}, "Action": "lambda:InvokeFunction",
                                 "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}}

    def message(resources: dict) -> str:
        (finding,) = [f for f in run_checks([TemplateModel({"Resources": resources})]) if f.rule_id == "async-failure-destination"]
        return finding.message

    both = message({"Fn": fn, "Cfg": config, "Rule": rule, "Perm": permission})
    assert both.startswith("Fn is invoked asynchronously by eventbridge (Rule) (and configured for it by its event invoke config Cfg);")
    assert both.count("(Rule)") == 1 and "async (Cfg)" not in both
    alone = message({"Fn": fn, "Cfg": config})
    assert alone.startswith("Fn is configured for asynchronous invocation by its event invoke config Cfg;")
