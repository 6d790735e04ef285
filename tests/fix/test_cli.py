"""``constructs-lib check --fix / --diff / --fix-rule``: what is written, what is printed,
the proof, refusals, what is left alone, cdk.out advice, SARIF fixes and exit codes."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.checks.test_checks_cli import run
from tests.wrapping import flat
from tests.conftest import ROOT
from tests.fix.helpers import DATA, checked, fixable_findings

ORDERS = ROOT / "docs" / "examples" / "orders.yaml"


def copy(tmp_path: Path, source: Path, name: str | None = None) -> Path:
    target = tmp_path / (name or source.name)
    shutil.copy(source, target)
    return target


def digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_fix_writes_the_template_proves_it_and_a_second_fix_changes_nothing(tmp_path: Path) -> None:
    orders = copy(tmp_path, ORDERS)
    code, out, _ = run("check", str(orders), "--fix")
    assert code == 0
    assert flat(f"fixed {orders}: 1 finding(s)") in flat(out)
    assert flat("sqs-redrive-policy  Orders: dead-letter queue OrdersDlq (encrypted, 14 days), maxReceiveCount 5") in flat(out)
    assert flat(f"proof: check again: {orders}: 1 fixed finding(s) gone, no new error") in flat(out)
    assert flat("proof: simulate: orders.yaml/Worker: poison lost 10 -> 0") in flat(out)
    assert flat(f"wrote {orders}") in flat(out)
    text = orders.read_text()
    assert "deadLetterTargetArn: !GetAtt OrdersDlq.Arn" in text and "# 6 x the function's 30 s" in text
    assert run("check", str(orders))[0] == 0
    code, out, _ = run("check", str(orders), "--fix")
    assert (code, out) == (0, "nothing to fix\n")
    assert orders.read_text() == text


def test_diff_prints_the_change_and_writes_nothing(tmp_path: Path) -> None:
    orders = copy(tmp_path, ORDERS)
    before = orders.read_bytes()
    code, out, _ = run("check", str(orders), "--diff")
    assert code == 0  # the exit status of the templates as they would be
    assert out.startswith(f"--- {orders}\n+++ {orders}\n@@ -6,6 +6,14 @@\n")
    assert flat("+  OrdersDlq:\n+    Type: AWS::SQS::Queue\n") in flat(out)
    assert flat("--diff: nothing written (1 file(s) would change)") in flat(out)
    assert orders.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.yaml"]  # no temporary file either
    assert run("check", str(orders), "--fix", "--diff")[1] == out


def test_the_exit_status_is_the_check_of_the_fixed_templates(tmp_path: Path) -> None:
    bad = copy(tmp_path, ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml")
    assert run("check", str(bad))[0] == 1
    code, _, _ = run("check", str(bad), "--diff", "--fix-rule", "sqs-visibility-timeout")
    assert code == 1  # the error of another rule remains
    code, out, _ = run("check", str(bad), "--fix")
    assert code == 0, out
    assert fixable_findings(checked(bad)[1]) == []


def test_fix_rule_narrows_the_rules_and_is_checked(tmp_path: Path) -> None:
    queue = copy(tmp_path, DATA / "queue.yaml")
    code, out, _ = run("check", str(queue), "--diff", "--fix-rule", "sqs-dlq-retention", "--fix-rule", "sqs-max-receive-count")
    assert flat("sqs-dlq-retention  PaymentsDlq") in flat(out) and flat("sqs-max-receive-count  Payments") in flat(out)
    assert "sqs-redrive-policy" not in out and "OrdersDlq" not in out and "+      VisibilityTimeout" not in out
    assert code == 1  # the findings of the other rules remain
    code, _, err = run("check", str(queue), "--fix", "--fix-rule", "no-such-rule")
    assert code == 2 and "--fix-rule no-such-rule: no such rule" in err
    code, _, err = run("check", str(queue), "--fix-rule", "sqs-dlq-retention")
    assert code == 2 and "--fix-rule narrows --fix or --diff; give one of them" in err
    assert queue.read_text() == (DATA / "queue.yaml").read_text()


PARAMETER_TIMEOUT = """\
Parameters:
  Timeout: {Type: Number, Default: 30}
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Timeout: !Ref Timeout
      Code: {ZipFile: "def handler(event, context):\\n    return None\\n"}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Queue.Arn
      FunctionName: !Ref Fn
      BatchSize: 1
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
      Targets:
        - {Id: fn, Arn: !GetAtt Fn.Arn}
"""


def test_a_file_whose_fix_needs_a_decision_is_refused_whole_and_fix_rule_fixes_the_rest(tmp_path: Path) -> None:
    """The function's role is outside the template: its on-failure destination cannot be
    granted, so nothing in the file is written - until --fix-rule leaves that rule out."""
    template = tmp_path / "template.yaml"
    template.write_text(PARAMETER_TIMEOUT)
    code, out, _ = run("check", str(template), "--fix")
    assert code == 1
    assert flat(f"refused {template}: nothing in it is changed (narrow the rules with --fix-rule to fix the rest)") in flat(out)
    assert flat("async-failure-destination  Fn: the execution role of Fn is not declared in this template") in flat(out)
    assert template.read_text() == PARAMETER_TIMEOUT
    code, out, _ = run("check", str(template), "--fix", "--fix-rule", "sqs-redrive-policy",
                       "--fix-rule", "eventbridge-target-dlq")
    assert flat(f"wrote {template}") in flat(out)
    assert code == 1  # the async finding remains: it is an error
    assert {r for r, _ in fixable_findings(checked(template)[1])} == {"async-failure-destination"}


def test_findings_that_need_code_are_listed_with_why_and_left_alone(tmp_path: Path) -> None:
    bad = copy(tmp_path, ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml")
    code, out, _ = run("check", str(bad), "--fix")
    assert flat(f"left alone in {bad}: sqs-partial-batch-response") in flat(out)
    assert flat("needs code: the handler has to return batchItemFailures") in flat(out)
    assert "FunctionResponseTypes" not in bad.read_text() or "ReportBatchItemFailures" not in bad.read_text()


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from aws_cdk import App

    from tests.checks.test_checks_plugin import plain_consumer

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(outdir=str(outdir), context={"aws:cdk:enable-path-metadata": True})
    plain_consumer(app, visibility_s=20)
    app.synth()
    return outdir


def test_a_cdk_out_is_never_written_its_fix_is_printed_for_the_cdk_code(cdk_out: Path) -> None:
    before = digest(cdk_out)
    code, out, _ = run("check", str(cdk_out), "--fix")
    assert digest(cdk_out) == before
    assert code == 1
    assert flat("in your CDK code: sqs-visibility-below-function-timeout  PlainConsumer/Queue (PlainConsumer.template.json") in flat(out)
    assert flat("sqs.Queue(..., visibility_timeout=Duration.seconds(180))") in flat(out)
    assert flat('or the L1 override: add_property_override("VisibilityTimeout", 180)') in flat(out)
    assert flat("cdk.out: nothing written") in flat(out)


def test_sarif_carries_each_fix_as_artifact_changes(tmp_path: Path) -> None:
    queue = copy(tmp_path, DATA / "queue.yaml")
    original = queue.read_text()
    code, out, err = run("check", str(queue), "--diff", "--format", "sarif")
    log = json.loads(out)
    assert "fixed" in err and queue.read_text() == original
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert set(results) == {"sqs-visibility-below-function-timeout", "sqs-redrive-policy", "sqs-max-receive-count",
                            "sqs-dlq-retention", "esm-max-concurrency-above-reserved"}
    for rule_id, result in results.items():
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"] == result["locations"][0]["physicalLocation"]["artifactLocation"]
        text = original
        for replacement in sorted(change["replacements"], key=lambda r: -r["deletedRegion"]["charOffset"]):
            region = replacement["deletedRegion"]
            text = text[: region["charOffset"]] + replacement["insertedContent"]["text"] + text[
                region["charOffset"] + region["charLength"]:]
        applied = tmp_path / f"{rule_id}.yaml"
        applied.write_text(text)
        assert rule_id not in {r for r, _ in fixable_findings(checked(applied)[1])}, rule_id


def test_sarif_without_fix_has_no_fixes_and_json_reports_the_fix(tmp_path: Path) -> None:
    queue = copy(tmp_path, DATA / "queue.yaml")
    log = json.loads(run("check", str(queue), "--format", "sarif")[1])
    assert all("fixes" not in r for r in log["runs"][0]["results"])
    data = json.loads(run("check", str(queue), "--diff", "--format", "json")[1])
    (file,) = data["fix"]["files"]
    assert file["status"] == "fixed" and file["diff"].startswith(f"--- {queue}")
    assert {f["rule_id"] for f in file["fixes"]} >= {"sqs-redrive-policy", "sqs-dlq-retention"}
    orders = copy(tmp_path, ORDERS)
    data = json.loads(run("check", str(orders), "--diff", "--format", "json")[1])
    assert data["fix"]["simulation"] == ["orders.yaml/Worker: poison lost 10 -> 0"]


def test_check_without_fix_does_not_load_ruamel_and_fix_on_json_does_not_either(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom constructs_lib.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print('\\nruamel' if any(m.startswith('ruamel') for m in sys.modules) else '\\nno-ruamel')\n"
    )

    def loads_ruamel(*argv: str) -> bool:
        done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=120)
        return done.stdout.strip().splitlines()[-1] == "ruamel"

    json_template = copy(tmp_path, DATA / "queue.json")
    yaml_template = copy(tmp_path, DATA / "streams.yaml")
    assert not loads_ruamel("check", str(yaml_template))
    assert not loads_ruamel("check", str(json_template), "--diff")
    assert loads_ruamel("check", str(yaml_template), "--diff")


def test_control_characters_of_a_hostile_template_never_reach_the_terminal(tmp_path: Path) -> None:
    """A JSON template may name a resource with escape sequences; the summary and the diff
    show them escaped."""
    template = tmp_path / "template.json"
    hostile = "Orders\u001b[2J\u0007"
    template.write_text(json.dumps({"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 30, "Role": "arn:aws:iam::1:role/r",
                                                              "Runtime": "python3.13", "Handler": "i.h",
                                                              "Code": {"ZipFile": "x"}}},
        hostile: {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 180}},
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping",
                    "Properties": {"EventSourceArn": {"Fn::GetAtt": [hostile, "Arn"]}, "FunctionName": {"Ref": "Fn"},
                                   "BatchSize": 1}},
    }}, indent=2, ensure_ascii=False))
    code, out, _ = run("check", str(template), "--diff")
    assert "\x1b" not in out and "\x07" not in out
    assert flat("Orders\\x1b[2J\\x07: dead-letter queue Orders2JDlq") in flat(out)
    assert flat('"Orders2JDlq": {') in flat(out)


#: A review found it on public templates (aws-samples' lambda-s3-async-lambda): a resource
#: whose lists are indented two ways. ruamel writes the resource back in one style; the
#: lines it re-indented next to the lines the fix inserts must go back as written.
MIXED_LISTS = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
      Policies:
        - AWSLambdaBasicExecutionRole
      Events:
        Up:
          Type: S3
          Properties:
            Bucket: !Ref Bucket
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                - Name: prefix   # uploads only
                  Value: in/
"""


def test_a_fix_next_to_lines_written_another_way_adds_lines_and_changes_none(tmp_path: Path) -> None:
    pytest.importorskip("samtranslator")
    path = tmp_path / "template.yaml"
    path.write_text(MIXED_LISTS)
    code, out, err = run("check", str(path), "--fix", "--fix-rule", "async-failure-destination")
    assert "wrote" in out + err, out + err
    new = path.read_text()
    assert new.startswith(MIXED_LISTS), new  # every line as written, the fix only added after it
    assert "EventInvokeConfig:" in new[len(MIXED_LISTS):]


def test_an_acknowledged_finding_is_never_fixed(tmp_path: Path) -> None:
    """A deliberate value stays: the template's owner acknowledged the finding with a reason."""
    template = {
        "Resources": {
            "Fn": {"Type": "AWS::Lambda::Function",
                   "Properties": {"Timeout": 30, "Runtime": "python3.13", "Handler": "index.handler",
                                  "Code": {"ZipFile": "def handler(e, c): return {}"},
                                  "Role": "arn:aws:iam::123456789012:role/r"}},
            "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}},
            "Queue": {"Type": "AWS::SQS::Queue",
                      "Metadata": {"constructs-lib": {"acknowledge": [
                          {"id": "sqs-max-receive-count", "reason": "payments fail fast after 3 tries"}]}},
                      "Properties": {"VisibilityTimeout": 180, "RedrivePolicy": {
                          "deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 3}}},
            "Mapping": {"Type": "AWS::Lambda::EventSourceMapping",
                        "Properties": {"FunctionName": {"Ref": "Fn"}, "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                                       "BatchSize": 1}},
        }
    }
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2) + "\n")
    before = path.read_text()
    code, out, err = run("check", str(path), "--fix")
    assert path.read_text() == before, out + err
    assert "nothing to fix" in out + err


def test_a_template_read_without_an_include_is_not_written(tmp_path: Path) -> None:
    """The missing snippet may hold the very resources a fix would add: the fix is shown,
    nothing is written, and the run exits 2 as for anything unreadable."""
    pytest.importorskip("samtranslator")
    path = tmp_path / "template.yaml"
    path.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.13\n"
        "      Handler: app.handler\n"
        "      InlineCode: \"def handler(e, c): pass\"\n"
        "      Events:\n"
        "        Tick:\n"
        "          Type: Schedule\n"
        "          Properties: {Schedule: rate(1 minute)}\n"
        "  Fn::Transform:\n"
        "    Name: AWS::Include\n"
        "    Parameters: {Location: ./missing.yaml}\n"
    )
    before = path.read_text()
    code, out, err = run("check", str(path), "--fix")
    assert code == 2, out + err
    assert path.read_text() == before
    assert "part of it could not be read" in flat(out + err)
