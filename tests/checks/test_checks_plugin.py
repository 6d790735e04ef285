"""The CDK plugin on synthesized apps: findings fail the synth, acknowledgments suppress
them; and the plain-CDK consumer that cdk-nag's Serverless pack misjudges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import Acknowledgment, App, Duration, Stack, Validations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from cdk_nag import ServerlessChecks

from constructs_lib.checks import InvocationModelChecks
from constructs_lib.checks.rules import ALL_RULES
from tests.conftest import INLINE


def plain_consumer(app: App, *, visibility_s: int = 180, partial_batch: bool = True) -> Stack:
    """An SQS consumer in plain aws-cdk-lib: queue + DLQ (14 days, 5 receives) + function
    (30 s) + mapping (batches of 10). Correct with the defaults."""
    stack = Stack(app, "PlainConsumer")
    dlq = sqs.Queue(stack, "Dlq", retention_period=Duration.days(14), enforce_ssl=True)
    queue = sqs.Queue(
        stack,
        "Queue",
        visibility_timeout=Duration.seconds(visibility_s),
        enforce_ssl=True,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    fn = lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=INLINE,
        timeout=Duration.seconds(30),
    )
    fn.add_event_source(event_sources.SqsEventSource(queue, batch_size=10, report_batch_item_failures=partial_batch))
    return stack


# --------------------------------------------------------------------------------------
# A correct consumer: cdk-nag's Serverless pack reports two false positives, we report none
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def correct_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[App, InvocationModelChecks, Path]:
    outdir = tmp_path_factory.mktemp("correct.out")
    app = App(outdir=str(outdir))
    plain_consumer(app)
    plugin = InvocationModelChecks()
    Validations.of(app).add_plugins(plugin)
    app.synth()
    return app, plugin, outdir


def test_cdk_nag_serverless_misjudges_a_correct_sqs_consumer(correct_app) -> None:
    app, _, _ = correct_app
    report = ServerlessChecks(app).validate_scope(app)
    reported = {v.rule_name for v in report.violations}
    # A Lambda DLQ only applies to asynchronous invocations; an SQS mapping's failures go
    # to the queue's redrive policy, not to a mapping destination: both are false here.
    assert {"Serverless-LambdaDLQ", "Serverless-LambdaEventSourceMappingDestination"} <= reported


def test_our_checks_report_nothing_on_the_correct_consumer(correct_app) -> None:
    _, plugin, _ = correct_app
    assert plugin.findings == []


def test_plugin_describes_itself() -> None:
    plugin = InvocationModelChecks()
    assert plugin.name == "constructs-lib"
    assert plugin.rule_ids == [r.id for r in ALL_RULES]
    assert plugin.version


# --------------------------------------------------------------------------------------
# A broken consumer: an error fails the synth, a warning does not
# --------------------------------------------------------------------------------------
def _report(outdir: Path) -> dict:
    report = json.loads((outdir / "validation-report.json").read_text())
    (ours,) = [r for r in report["pluginReports"] if r["pluginName"] == "constructs-lib"]
    return ours


@pytest.fixture(scope="module")
def failed_synth(tmp_path_factory: pytest.TempPathFactory) -> tuple[InvocationModelChecks, Path, str]:
    outdir = tmp_path_factory.mktemp("broken.out")
    app = App(outdir=str(outdir))
    plain_consumer(app, visibility_s=20, partial_batch=False)
    plugin = InvocationModelChecks()
    Validations.of(app).add_plugins(plugin)
    with pytest.raises(Exception) as exc:
        app.synth()
    return plugin, outdir, str(exc.value)


def test_error_fails_the_synth(failed_synth) -> None:
    plugin, outdir, message = failed_synth
    assert "ValidationFailed" in message and "VisibilityTimeout 20 s is below" in message
    assert [(f.rule_id, f.level, f.resource_type) for f in plugin.findings] == [
        ("sqs-visibility-below-function-timeout", "error", "AWS::SQS::Queue"),
        ("sqs-partial-batch-response", "warning", "AWS::Lambda::EventSourceMapping"),
    ]
    report = _report(outdir)
    assert report["conclusion"] == "failure"
    by_rule = {v["ruleName"]: v for v in report["violations"]}
    visibility = by_rule["sqs-visibility-below-function-timeout"]
    assert visibility["severity"] == "error"
    assert "VisibilityTimeout 20 s is below the Timeout of" in visibility["description"]
    assert visibility["suggestedFix"].startswith("Set the queue's VisibilityTimeout")
    (construct,) = visibility["violatingConstructs"]
    assert construct["constructPath"] == "PlainConsumer/Queue/Resource"
    assert construct["cloudFormationResource"]["propertyPaths"] == ["Properties/VisibilityTimeout"]
    assert by_rule["sqs-partial-batch-response"]["severity"] == "warning"


def test_warnings_alone_let_the_synth_pass(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path))
    plain_consumer(app, partial_batch=False)
    plugin = InvocationModelChecks()
    Validations.of(app).add_plugins(plugin)
    app.synth()
    assert [(f.rule_id, f.level) for f in plugin.findings] == [("sqs-partial-batch-response", "warning")]
    assert _report(tmp_path)["violations"][0]["ruleName"] == "sqs-partial-batch-response"


# --------------------------------------------------------------------------------------
# Acknowledged: the synth passes, and the report keeps the reason
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def acknowledged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("acknowledged.out")
    app = App(outdir=str(outdir))
    stack = plain_consumer(app, visibility_s=60, partial_batch=False)
    Validations.of(stack.node.find_child("Queue")).acknowledge(
        Acknowledgment(
            id="constructs-lib::sqs-visibility-timeout",
            reason="the handler finishes in under 5 s (measured p99.9), so 60 s covers a throttled retry",
        )
    )
    Validations.of(stack.node.find_child("Fn")).acknowledge(
        Acknowledgment(
            id="constructs-lib::sqs-partial-batch-response",
            reason="each batch is written in one database transaction: it succeeds or fails whole",
        )
    )
    Validations.of(app).add_plugins(InvocationModelChecks())
    app.synth()  # does not raise: the error is acknowledged
    return outdir


def test_acknowledged_findings_are_suppressed_with_their_reason(acknowledged: Path) -> None:
    report = _report(acknowledged)
    assert report["conclusion"] == "success"
    assert report["violations"] == []
    suppressed = {v["ruleName"]: v for v in report["suppressedViolations"]}
    assert set(suppressed) == {"sqs-visibility-timeout", "sqs-partial-batch-response"}
    assert suppressed["sqs-visibility-timeout"]["reason"].startswith("the handler finishes")
    assert suppressed["sqs-visibility-timeout"]["acknowledgedAt"] == "PlainConsumer/Queue"


def test_acknowledgment_of_another_rule_does_not_suppress(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path))
    stack = plain_consumer(app, partial_batch=False)
    Validations.of(stack).acknowledge(Acknowledgment(id="constructs-lib::sqs-max-receive-count", reason="unrelated rule"))
    Validations.of(app).add_plugins(InvocationModelChecks())
    app.synth()
    assert [v["ruleName"] for v in _report(tmp_path)["violations"]] == ["sqs-partial-batch-response"]


def test_check_cdk_out_honours_cdk_acknowledgments(acknowledged: Path) -> None:
    """`constructs-lib check cdk.out` reads the acknowledgments CDK records in the assembly
    (aws:cdk:acknowledged-rules): it is as quiet as the synth-time plugin."""
    from constructs_lib.template.loader import load_path
    from constructs_lib.checks.rules import run_checks

    findings = run_checks(load_path(acknowledged))
    assert [f.rule_id for f in findings if f.applicable] == []
    suppressed = {f.rule_id: f.suppression for f in findings if f.status == "suppressed"}
    assert suppressed["sqs-visibility-timeout"].startswith("the handler finishes")
    assert set(suppressed) == {"sqs-visibility-timeout", "sqs-partial-batch-response"}


def test_our_constructs_write_their_acknowledgments_into_the_template(tmp_path: Path) -> None:
    """An acknowledgment of one of our rules made with the shared helper lands in the
    template's Metadata, so a bare template (no cdk.out) is as quiet too."""
    from constructs_lib._failure import acknowledge
    from constructs_lib.template.loader import load_path
    from constructs_lib.checks.rules import run_checks

    app = App(outdir=str(tmp_path))
    stack = plain_consumer(app, visibility_s=60, partial_batch=False)
    acknowledge(stack.node.find_child("Queue"), "constructs-lib::sqs-visibility-timeout", "measured p99.9 under 5 s")
    acknowledge(stack.node.find_child("Queue"), "constructs-lib::sqs-max-receive-count", "second acknowledgment kept")
    app.synth()
    template_file = tmp_path / "PlainConsumer.template.json"
    queue = next(r for r in json.loads(template_file.read_text())["Resources"].values()
                 if r["Type"] == "AWS::SQS::Queue" and "VisibilityTimeout" in r["Properties"])
    assert queue["Metadata"]["constructs-lib"] == {"acknowledge": [
        {"id": "sqs-visibility-timeout", "reason": "measured p99.9 under 5 s"},
        {"id": "sqs-max-receive-count", "reason": "second acknowledgment kept"},
    ]}
    findings = run_checks(load_path(template_file))
    assert {f.rule_id: f.status for f in findings}["sqs-visibility-timeout"] == "suppressed"
