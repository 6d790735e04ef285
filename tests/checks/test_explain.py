"""The explain report: pure functions over tiny hand-written templates, the CLI, and the
committed docs/reference-system.md against the reference app as it synthesizes now."""

from __future__ import annotations

import io
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.messages import consequence
from constructs_lib.cli.explain import run_explain
from constructs_lib.explain.report import (
    DEFAULT_DURATION_S,
    explain,
    function_report,
    function_section,
    mermaid,
    rate,
    secs,
)
from constructs_lib.template.loader import load_path
from constructs_lib.template.model import TemplateModel
from tests.checks import templates as t
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
#: What `make explain` runs (the Makefile's explain target), as the report names it.
MAKE_EXPLAIN_COMMAND = "python -m constructs_lib explain cdk.out.explain"
REFERENCE_DOC = ROOT / "docs" / "reference-system.md"


def section(resources: dict[str, Any], fn: str = t.FN, duration_s: float = DEFAULT_DURATION_S) -> str:
    model = TemplateModel(t.template(**resources))
    return "\n".join(function_section(model, model.resources[fn], duration_s))


# --------------------------------------------------------------------------------------
# SQS
# --------------------------------------------------------------------------------------
def test_plain_cdk_consumer_without_dlq_shows_the_lost_path() -> None:
    resources = {"Fn": t.function(30), "Queue": t.queue(dlq=None), "Mapping": t.mapping()}
    text = section(resources)
    assert "polled: an SQS event source mapping" in text
    assert "failed messages from `Queue`: retried until retention expires (4 days), then LOST" in text
    assert "with no limit on receives" in text
    chart = "\n".join(mermaid([TemplateModel(t.template(**resources), name="plain.json")]))
    assert 't0_lost1{{"LOST"}}' in chart
    assert "t0_Queue -.->|retention expires| t0_lost1" in chart
    assert "t0_Queue -->|sqs| t0_Fn" in chart


def test_consumer_with_dlq_names_it_and_its_retention() -> None:
    text = section(t.sqs_consumer())
    assert "after 5 receives it moves to the dead-letter queue" in text
    assert "failed messages from `Queue`: SQS queue `Dlq`, kept 14 days (the source keeps them 4 days)" in text
    assert "LOST" not in text
    assert "visibility timeout of `Queue` 3 min, needs >= 6 x timeout 30 s + window 0 s = 3 min: OK" in text
    assert "partial batch responses on" in text


def test_short_visibility_and_short_dlq_retention_are_called_out() -> None:
    resources = {**t.sqs_consumer(), "Queue": t.queue(visibility=60), "Dlq": t.dlq(MessageRetentionPeriod=3600)}
    text = section(resources)
    assert "visibility timeout of `Queue` 1 min, needs >= 6 x timeout 30 s + window 0 s = 3 min: TOO SHORT" in text
    assert "kept 1 h (the source keeps them 4 days); SHORTER than the source (`sqs-dlq-retention`): " in text
    assert consequence("sqs-visibility-timeout") in text and consequence("sqs-dlq-retention") in text


def test_a_visibility_timeout_below_the_function_timeout_fails_the_deploy_as_check_says() -> None:
    """Issue 27: explain said such messages are processed twice, check that the deploy
    fails; Lambda refuses the mapping (limits.SRC_LAMBDA_SQS), and both now say so."""
    text = section({**t.sqs_consumer(), "Queue": t.queue(visibility=29)})
    assert "= 3 min: BELOW THE FUNCTION TIMEOUT (`sqs-visibility-below-function-timeout`): " in text
    assert consequence("sqs-visibility-below-function-timeout") in text and "TOO SHORT" not in text


def test_sqs_capacity_uses_reserved_concurrency_batch_and_duration() -> None:
    resources = {**t.sqs_consumer(ScalingConfig={"MaximumConcurrency": 8}), "Fn": t.function(30, reserved=5)}
    text = section(resources, duration_s=2)
    assert "reserved concurrency 5" in text
    assert "maximum concurrency 8" in text
    # 5 in flight x 10 messages / 2 s = 25 messages/s; at the 30 s timeout 5 x 10 / 30 = 1.7
    assert "at most 5 invocations in flight (reserved concurrency); ~25 messages/s at 2 s per invocation" in text
    assert "~1.7 messages/s if every invocation runs to its timeout (30 s)" in text


def test_unreserved_function_falls_back_to_the_account_pool() -> None:
    text = section(t.sqs_consumer())
    assert "at most 1000 invocations in flight (the default account concurrency (1000)" in text


# --------------------------------------------------------------------------------------
# Streams
# --------------------------------------------------------------------------------------
def test_stream_with_destination_keeps_metadata_only() -> None:
    text = section(t.kinesis_consumer())
    assert "retry attempts 3, maximum record age 6 h, bisect on error on" in text
    assert "their metadata (shard, sequence numbers) to SQS queue `Failures`, kept 14 days" in text
    assert "while the stream retains them (1 day)" in text
    # 1 shard x parallelization factor 1 = 1 in flight, batches of 100
    assert "at most 1 invocations in flight (the source's concurrency limit); ~100 records/s" in text


def test_stream_with_aws_defaults_retries_forever_then_loses_records() -> None:
    resources = t.kinesis_consumer(
        MaximumRetryAttempts=None, MaximumRecordAgeInSeconds=None, DestinationConfig=None, BisectBatchOnFunctionError=None
    )
    text = section(resources)
    assert "retry attempts infinite (-1), maximum record age infinite (-1), bisect on error off" in text
    assert "retried forever, blocking their shard until the records expire from the stream (1 day), then LOST" in text


def test_stream_with_bounded_retries_but_no_destination_discards_to_lost() -> None:
    text = section(t.kinesis_consumer(DestinationConfig=None))
    assert ("discarded after the retries / record age (no on-failure destination), LOST "
            f"(`stream-on-failure-destination`): {consequence('stream-on-failure-destination')}") in text


def test_shards_times_parallelization_caps_stream_concurrency() -> None:
    resources = {**t.kinesis_consumer(ParallelizationFactor=2), "Stream": t._res("AWS::Kinesis::Stream", {"ShardCount": 3})}
    assert "at most 6 invocations in flight (the source's concurrency limit)" in section(resources)


# --------------------------------------------------------------------------------------
# Asynchronous
# --------------------------------------------------------------------------------------
def test_async_function_without_destination_is_lost() -> None:
    text = section({"Fn": t.function(30), "Perm": t.permission("s3.amazonaws.com")})
    assert "asynchronous: Lambda's internal queue" in text
    assert ("failed asynchronous events: retried 2 times / up to 6 h, then LOST (`async-failure-destination`): "
            f"{consequence('async-failure-destination')}") in text


def test_async_function_with_destination_and_eventbridge_dlq() -> None:
    resources = {
        "Fn": t.function(30),
        "Cfg": t.invoke_config(t.arn("Failures")),
        "Failures": t.dlq(),
        "Rule": t.events_rule(dead_letter=t.arn("RuleDlq")),
        "RuleDlq": t.dlq(),
    }
    text = section(resources)
    assert "EventBridge rule `Rule`: delivery retried up to 185 times within 1 day" in text
    assert "events EventBridge rule `Rule` cannot deliver: SQS queue `RuleDlq`, kept 14 days" in text
    assert "failed asynchronous events (invocation record: event + error): SQS queue `Failures`, kept 14 days" in text
    assert "LOST" not in text


def test_eventbridge_target_without_dlq_and_sns_without_redrive_are_lost() -> None:
    resources = {
        "Fn": t.function(30),
        "Cfg": t.invoke_config(t.arn("Failures")),
        "Failures": t.dlq(),
        "Rule": t.events_rule(),
        "Topic": t._res("AWS::SNS::Topic", {}),
        "Sub": t.sns_subscription(),
    }
    text = section(resources)
    assert ("events EventBridge rule `Rule` cannot deliver (no target DLQ): LOST (`eventbridge-target-dlq`): "
            f"{consequence('eventbridge-target-dlq')}") in text
    assert ("messages SNS topic `Topic` cannot deliver (no redrive policy): LOST (`sns-subscription-redrive`): "
            f"{consequence('sns-subscription-redrive')}") in text


# --------------------------------------------------------------------------------------
# Synchronous: API Gateway and function callers
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "resources,expected",
    [
        ({"Fn": t.function(10), "Method": t.rest_method()}, "REST integration timeout 29 s > function timeout 10 s: OK"),
        ({"Fn": t.function(29), "Method": t.rest_method()}, "REST integration timeout 29 s > function timeout 29 s: NOT ABOVE"),
        ({"Fn": t.function(10), "Integ": t.http_integration()}, "HTTP API integration timeout 30 s > function timeout 10 s: OK"),
        ({"Fn": t.function(10), "Integ": t.http_integration(5000)}, "HTTP API integration timeout 5 s > function timeout 10 s: NOT ABOVE"),
    ],
)
def test_api_timeout_chain(resources: dict[str, Any], expected: str) -> None:
    text = section(resources)
    assert expected in text
    assert "failed requests: an error answer (5XX) to the caller, nothing is kept" in text


def test_api_capacity_is_capped_by_the_stage() -> None:
    resources = {
        "Fn": t.function(3, reserved=20),
        "Integ": {**t.http_integration(), "Properties": {**t.http_integration()["Properties"], "ApiId": t.ref("Api")}},
        "Stage": t._res("AWS::ApiGatewayV2::Stage", {"ApiId": t.ref("Api"), "DefaultRouteSettings": {"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 10}}),
    }
    text = section(resources)
    assert "API stage throttling: 5 requests/s, burst 10" in text
    # 20 in flight / 1 s = 20/s and 20 / 3 s = 6.7/s by concurrency; the stage lets 5/s through.
    assert (
        "at most 5 requests/s (the stage's rate limit; concurrency alone would allow ~20/s) at 1 s per invocation; "
        "at most 5 requests/s (the stage's rate limit; concurrency alone would allow ~6.7/s) if every invocation "
        "runs to its timeout (3 s)"
    ) in text


def test_api_capacity_below_the_stage_limit_is_not_capped() -> None:
    resources = {
        "Fn": t.function(10, reserved=2),
        "Integ": {**t.http_integration(), "Properties": {**t.http_integration()["Properties"], "ApiId": t.ref("Api")}},
        "Stage": t._res("AWS::ApiGatewayV2::Stage", {"ApiId": t.ref("Api"), "DefaultRouteSettings": {"ThrottlingRateLimit": 5}}),
    }
    text = section(resources)
    # 2 in flight: 2/s at 1 s (below the stage's 5/s), 0.2/s at the 10 s timeout
    assert "~2 requests/s at 1 s per invocation; ~0.2 requests/s if every invocation runs to its timeout (10 s)" in text
    assert "rate limit" not in text


def test_synchronous_caller_chain() -> None:
    text = section(t.caller_and_callee(10, 30), fn="Callee")
    assert "its timeout 10 s > this timeout 30 s: NOT ABOVE" in text
    assert "**May invoke:** `Callee`" in section(t.caller_and_callee(10, 30), fn="Caller")


def test_function_url_is_a_synchronous_trigger() -> None:
    """A function URL (and its public permission, the same trigger) is a synchronous caller
    without an integration timeout: the caller waits up to the function timeout."""
    text = section({
        "Fn": t.function(60),
        "Url": {"Type": "AWS::Lambda::Url", "Properties": {
            "AuthType": "NONE", "TargetFunctionArn": {"Fn::GetAtt": [t.FN, "Arn"]}, "InvokeMode": "BUFFERED",
        }},
        "UrlPermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunctionUrl", "FunctionName": {"Ref": t.FN}, "Principal": "*",
            "FunctionUrlAuthType": "NONE",
        }},
    })
    assert "synchronous: the invoking service or client waits for the answer and owns retries" in text
    assert "  - function URL `Url`" in text and "UrlPermission" not in text
    assert "function URL: no integration timeout, the caller waits up to the function timeout 1 min" in text
    assert "an error answer to the caller, nothing is kept" in text and "LOST" not in text
    assert "function URL `Url`: at most 1000 invocations in flight" in text


def test_rates_below_one_keep_two_significant_digits() -> None:
    assert [rate(v) for v in (2 / 60, 0.2, 0.05, 1.0, 16.66, 1000.0)] == ["0.033", "0.2", "0.05", "1", "16.7", "1,000"]


def test_function_without_triggers() -> None:
    text = section({"Fn": t.function(None)})
    assert "no trigger in this template" in text
    assert "function timeout 3 s" in text  # Lambda's default when Timeout is absent


# --------------------------------------------------------------------------------------
# The report and the command line
# --------------------------------------------------------------------------------------
def test_problems_are_summarised_at_the_top() -> None:
    bad = {"Fn": t.function(30), "Queue": t.queue(visibility=60, dlq=None), "Mapping": t.mapping()}
    report = explain([TemplateModel(t.template(**bad), name="bad.template.json")])
    summary = report.split("## Problems", 1)[1].split("## Flowchart", 1)[0]
    assert "3 problem(s) in 1 function(s) of 1 template(s):" in summary
    assert f"partial batch responses OFF (`sqs-partial-batch-response`: {consequence('sqs-partial-batch-response')})" in summary
    assert "- bad `Fn`: visibility timeout of `Queue` 1 min, needs >= 6 x timeout 30 s + window 0 s = 3 min: TOO SHORT" in summary
    assert "- bad `Fn`: failed messages from `Queue`: retried until retention expires (4 days), then LOST" in summary
    good = explain([TemplateModel(t.template(**t.sqs_consumer()), name="good.template.json")])
    assert "## Problems\n\nNone in 1 function(s) of 1 template(s)" in good


def test_partial_batch_responses_off_is_a_problem_only_above_batches_of_one() -> None:
    off = section({**t.sqs_consumer(FunctionResponseTypes=None)})
    assert f"partial batch responses OFF (`sqs-partial-batch-response`: {consequence('sqs-partial-batch-response')})" in off
    single = section({**t.sqs_consumer(FunctionResponseTypes=None, BatchSize=1)})
    assert "partial batch responses off (batches of 1 need none)" in single
    model = TemplateModel(t.template(**t.sqs_consumer(FunctionResponseTypes=None, BatchSize=1)))
    assert function_report(model, model.resources[t.FN]).problems == []


def test_report_names_the_command_that_generated_it(capsys: pytest.CaptureFixture[str]) -> None:
    from constructs_lib.cli import main

    path = str(FIXTURES / "checks_good_consumer.json")
    assert main(["explain", path, "--duration", "0.5"], prog="python -m constructs_lib") == 0
    assert f"Generated by `python -m constructs_lib explain {path} --duration 0.5` from" in capsys.readouterr().out
    assert main(["explain", path]) == 0
    assert f"Generated by `constructs-lib explain {path}` from" in capsys.readouterr().out


def test_json_format_carries_the_same_report(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from constructs_lib.cli import main

    path = str(FIXTURES / "checks_bad_consumer.yaml")
    assert main(["explain", path, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["generated_by"] == f"constructs-lib explain {path}"
    assert data["duration_s"] == 1.0
    (template,) = data["templates"]
    assert template["name"] == "checks_bad_consumer.yaml"
    (fn,) = template["functions"]
    assert "sqs" in fn["invocation_models"]
    assert any("BELOW THE FUNCTION TIMEOUT" in line for line in fn["timeout_chain"])
    assert data["problems"] == [
        {"template": "checks_bad_consumer.yaml", "function": fn["logical_id"], "problem": p} for p in fn["problems"]
    ]
    assert {"source", "destination", "text", "lost"} <= set(fn["failure_paths"][0])
    markdown = explain(load_path(path), command=data["generated_by"])
    for line in fn["timeout_chain"] + fn["capacity"]:
        assert line in markdown


def test_report_is_sorted_and_states_the_duration() -> None:
    models = [TemplateModel(t.template(**t.sqs_consumer()), name="b.template.json"), TemplateModel(t.template(**t.kinesis_consumer()), name="a.template.json")]
    report = explain(models, duration_s=0.5)
    assert report.index("## a") < report.index("## b")
    assert "average duration of 0.5 s per invocation (`--duration`)" in report
    assert report == explain(list(reversed(models)), duration_s=0.5)


@pytest.mark.parametrize("value,text", [(45, "45 s"), (120, "2 min"), (7200, "2 h"), (86400, "1 day"), (1209600, "14 days"), (-1, "infinite (-1)"), (None, "unknown (computed)")])
def test_secs(value: float | None, text: str) -> None:
    assert secs(value) == text


def test_cli_writes_the_report(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    err = io.StringIO()
    code = run_explain(Namespace(path=str(FIXTURES / "checks_bad_consumer.yaml"), duration=2.0, output=str(target)), err=err)
    assert code == 0
    report = target.read_text()
    assert "## checks_bad_consumer.yaml" in report and "BELOW THE FUNCTION TIMEOUT" in report
    assert "wrote" in err.getvalue()


def test_cli_prints_to_stdout_and_rejects_bad_input(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_explain(Namespace(path=str(FIXTURES / "checks_good_consumer.json"), duration=1.0, output=None), out=out) == 0
    assert out.getvalue().startswith("# Invocation model report")
    assert run_explain(Namespace(path=str(tmp_path / "missing"), duration=1.0, output=None), err=err) == 2
    assert run_explain(Namespace(path=str(FIXTURES / "checks_good_consumer.json"), duration=0.0, output=None), err=err) == 2
    assert "--duration" in err.getvalue()


def test_main_dispatches_explain(capsys: pytest.CaptureFixture[str]) -> None:
    from constructs_lib.cli import main

    assert main(["explain", str(FIXTURES / "checks_good_consumer.json"), "--duration", "3"]) == 0
    assert "3 s per invocation" in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# The committed reference report
# --------------------------------------------------------------------------------------
def test_reference_system_doc_matches_the_reference_app(reference_templates: dict[str, dict[str, Any]]) -> None:
    """docs/reference-system.md is what explain says about the reference app now.

    Regenerate with ``make explain``. The report holds logical ids, settings and derived
    numbers only - no asset hashes and no physical names - so it is stable across synths.
    """
    models = [TemplateModel(tpl, name=f"{name}.template.json") for name, tpl in reference_templates.items()]
    expected = explain(models, command=MAKE_EXPLAIN_COMMAND)
    assert REFERENCE_DOC.read_text(encoding="utf-8") == expected, "docs/reference-system.md is stale: run `make explain`"
    assert "LOST" not in expected.split("## Flowchart", 1)[1].split("```", 2)[2]  # every reference failure path ends somewhere
    assert "## Problems\n\nNone in " in expected


def test_make_explain_runs_the_command_the_report_names() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nexplain:", 1)[1].split("\n\n", 1)[0]
    assert "$(PY) -m constructs_lib explain cdk.out.explain --output docs/reference-system.md" in recipe


# --------------------------------------------------------------------------------------
# Labels, and a report in time proportional to the template (issue 24)
# --------------------------------------------------------------------------------------
def test_an_sqs_mapping_whose_queue_arn_is_a_parameter_is_labelled_sqs() -> None:
    """It was labelled "an event source mapping whose source is outside this template"."""
    tpl = t.template(Fn=t.function(30), Mapping=t.mapping(t.ref("QueueArn"), BatchSize=10))
    tpl["Parameters"] = {"QueueArn": {"Type": "String"}}
    model = TemplateModel(tpl)
    text = "\n".join(function_section(model, model.resources["Fn"]))
    assert "- **Invocation model:** polled: an SQS event source mapping" in text
    assert "  - SQS queue outside this template via `Mapping`" in text
    assert "visibility timeout of the queue outside this template: unknown" in text


def test_a_stream_mapping_whose_arn_is_a_parameter_default_takes_it_from_the_default() -> None:
    tpl = t.template(Fn=t.function(30), Mapping=t.mapping(t.ref("StreamArn"), StartingPosition="LATEST"))
    tpl["Parameters"] = {"StreamArn": {"Type": "String", "Default": "arn:aws:kinesis:eu-west-1:1:stream/s"}}
    assert TemplateModel(tpl).stream_kind(TemplateModel(tpl).resources["Mapping"]) == "kinesis"


@pytest.mark.parametrize(
    ("service", "permission", "wired", "label"),
    [
        ("sns.amazonaws.com", {}, {"Sub": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "Endpoint": t.arn("Fn"), "TopicArn": t.ref("Topic")}},
            "Topic": {"Type": "AWS::SNS::Topic"}}, "SNS topic `Topic` via `Sub`"),
        ("events.amazonaws.com", {"SourceArn": {"Fn::Sub": "arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/x"}},
         {"Rule": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(1 minute)",
                                                                "Targets": [{"Arn": t.arn("Fn"), "Id": "t"}]}}},
         "EventBridge rule `Rule`"),
        ("s3.amazonaws.com", {"SourceAccount": "1"}, {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
            "NotificationConfiguration": {"LambdaConfigurations": [{"Event": "s3:ObjectCreated:*",
                                                                    "Function": t.arn("Fn")}]}}}},
         "S3 bucket `Bucket`"),
    ],
)
def test_a_permission_is_no_second_invoker_beside_the_service_it_grants(
        service: str, permission: dict[str, Any], wired: dict[str, Any], label: str) -> None:
    from constructs_lib.checks.rules import run_checks

    perm = {"Type": "AWS::Lambda::Permission", "Properties": {
        "FunctionName": t.ref("Fn"), "Principal": service, "Action": "lambda:InvokeFunction", **permission}}
    model = TemplateModel(t.template(Fn=t.function(30), Perm=perm, **wired))
    report = function_report(model, model.resources["Fn"])
    assert [line for line in report.triggers] == [label]
    (finding,) = [f for f in run_checks([model]) if f.rule_id == "async-failure-destination"]
    assert "(Perm)" not in finding.message
    # Alone, the permission is the function's invoker (the service is wired elsewhere).
    alone = TemplateModel(t.template(Fn=t.function(30), Perm=perm))
    assert len(function_report(alone, alone.resources["Fn"]).triggers) == 1


def test_a_permission_naming_its_own_source_in_the_template_stays() -> None:
    topics = {"Topic": {"Type": "AWS::SNS::Topic"}, "Other": {"Type": "AWS::SNS::Topic"},
              "Sub": {"Type": "AWS::SNS::Subscription", "Properties": {
                  "Protocol": "lambda", "Endpoint": t.arn("Fn"), "TopicArn": t.ref("Topic")}},
              "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {
                  "FunctionName": t.ref("Fn"), "Principal": "sns.amazonaws.com", "SourceArn": t.ref("Other")}}}
    model = TemplateModel(t.template(Fn=t.function(30), **topics))
    assert sorted(function_report(model, model.resources["Fn"]).triggers) == [
        "SNS topic `Other` via `Perm`", "SNS topic `Topic` via `Sub`"]


def test_above_the_simulation_limit_the_report_says_the_simulation_is_left_out() -> None:
    from constructs_lib.explain.report import MAX_SIMULATED_FUNCTIONS, explain_data

    many = {f"Fn{i}": t.function(30) for i in range(MAX_SIMULATED_FUNCTIONS + 1)}
    models = [TemplateModel(t.template(**many), name="big.json")]
    text = explain(models)
    assert f"{MAX_SIMULATED_FUNCTIONS + 1} functions, more than the {MAX_SIMULATED_FUNCTIONS} `explain` simulates" in text
    assert "Simulated (" not in text
    assert "`explain` simulates" in explain_data(models)["simulation_note"]
    few = [TemplateModel(t.template(**t.sqs_consumer()), name="small.json")]
    assert explain_data(few)["simulation_note"] is None and "Simulated (" in explain(few)
    # The bar is the caller's: --simulate-up-to N simulates more, 0 none.
    assert explain_data(models, max_simulated=MAX_SIMULATED_FUNCTIONS + 1)["simulation_note"] is None
    assert "`explain` simulates" in (explain_data(few, max_simulated=0)["simulation_note"] or "")
    assert "Simulated (" not in explain(few, max_simulated=0)


def test_the_explain_indexes_do_not_go_stale() -> None:
    """The model's per-type and per-reference indexes answer as a scan would."""
    stream = {f"S{k}": v for k, v in t.kinesis_consumer().items()}
    stream["SMapping"]["Properties"]["FunctionName"] = t.ref("SFn")
    model = TemplateModel(t.template(**t.sqs_consumer(), **stream, Alias={
        "Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": t.ref("Fn")}}))
    for type_ in {r.type for r in model.resources.values()}:
        assert model.of_type(type_) == [r for r in model.resources.values() if r.type == type_]
    assert model.of_type("AWS::SQS::Queue", "AWS::Lambda::Function") == [
        r for r in model.resources.values() if r.type in ("AWS::SQS::Queue", "AWS::Lambda::Function")]
    assert model.aliases == {"Fn": [model.resources["Alias"]]}
    assert model.referring("AWS::Lambda::Alias", "FunctionName", "Fn") == [model.resources["Alias"]]
    for fn in model.functions():
        assert model.triggers_of(fn.logical_id) == [tr for tr in model.triggers if tr.function == fn.logical_id]
