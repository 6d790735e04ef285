"""`constructs-lib check PATH` on a cdk.out and on template files: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Stage

from tests.checks.test_checks_plugin import plain_consumer
from tests.wrapping import flat, run_cli, unwrap
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
BAD_YAML = FIXTURES / "checks_bad_consumer.yaml"
GOOD_JSON = FIXTURES / "checks_good_consumer.json"


def run(*argv: str) -> tuple[int, str, str]:
    code, out, err = run_cli(*argv)
    return code, out, unwrap(err)  # one message a line, however wrapped


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cloud assembly with a correct consumer at the top and a broken one in a Stage
    (a nested assembly), synthesized without any plugin."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(outdir=str(outdir), context={"aws:cdk:enable-path-metadata": True})
    plain_consumer(app)
    plain_consumer(Stage(app, "Prod"), visibility_s=20)
    app.synth()
    return outdir


def test_cdk_out_with_an_error_exits_1_and_prints_resource_rule_message_fix(cdk_out: Path) -> None:
    code, out, _ = run("check", str(cdk_out))
    assert code == 1
    assert flat("ERROR sqs-visibility-below-function-timeout  assembly-Prod/ProdPlainConsumer") in flat(out)
    assert "(Prod/PlainConsumer/Queue/Resource)" in out
    assert "VisibilityTimeout 20 s is below the Timeout of" in out
    assert "fix: Set the queue's VisibilityTimeout" in out
    assert "rule: https://" in flat(out) and "docs/rules/sqs-visibility-below-function-timeout.md" in out
    assert "see: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html" in flat(out)
    assert out.strip().endswith("2 template(s) checked: 1 error(s), 0 warning(s), 0 not applicable")


def test_cdk_out_as_json(cdk_out: Path) -> None:
    code, out, _ = run("check", str(cdk_out), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"] == {"errors": 1, "warnings": 0, "not_applicable": 0, "suppressed": 0}
    assert len(data["templates"]) == 2
    (finding,) = data["findings"]
    assert finding["rule_id"] == "sqs-visibility-below-function-timeout"
    assert finding["level"] == "error" and finding["status"] == "non-compliant"
    assert finding["resource_type"] == "AWS::SQS::Queue"
    assert finding["path"] == "Prod/PlainConsumer/Queue/Resource"
    assert finding["location"] == "Properties/VisibilityTimeout"
    assert finding["fix"] and finding["source"].startswith("https://")


def test_yaml_template_with_short_form_intrinsics() -> None:
    code, out, _ = run("check", str(BAD_YAML))
    assert code == 1
    assert flat("ERROR sqs-visibility-below-function-timeout  checks_bad_consumer.yaml: Orders") in flat(out)
    assert flat("WARNING sqs-partial-batch-response  checks_bad_consumer.yaml: OrdersMapping") in flat(out)
    assert flat("ERROR sqs-dlq-retention  checks_bad_consumer.yaml: DeadLetters") in flat(out)
    assert "N/A" not in out
    assert "2 error(s), 1 warning(s), 3 not applicable" in out


def test_not_applicable_on_request() -> None:
    _, out, _ = run("check", str(BAD_YAML), "--show-not-applicable")
    assert flat("N/A stream-on-failure-destination  checks_bad_consumer.yaml: StreamMapping") in flat(out)
    assert "the mapping's source is outside this template" in out


def test_good_json_template_exits_0() -> None:
    code, out, _ = run("check", str(GOOD_JSON))
    assert (code, out.strip()) == (0, "1 template(s) checked: 0 error(s), 0 warning(s), 0 not applicable")


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    template = json.loads(GOOD_JSON.read_text())
    del template["Resources"]["OrdersMapping"]["Properties"]["FunctionResponseTypes"]
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(template))
    code, out, _ = run("check", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"] == {"errors": 0, "warnings": 1, "not_applicable": 0, "suppressed": 0}


def test_account_concurrency_option(tmp_path: Path) -> None:
    template = json.loads(GOOD_JSON.read_text())
    template["Resources"]["Handler"]["Properties"]["ReservedConcurrentExecutions"] = 150
    path = tmp_path / "reserved.json"
    path.write_text(json.dumps(template))
    assert run("check", str(path))[0] == 0
    code, out, _ = run("check", str(path), "--account-concurrency", "200")
    assert code == 1 and flat("ERROR lambda-unreserved-pool  reserved.json: Handler") in flat(out)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file or directory"), ("just: yaml\n", "not a CloudFormation template"), ("{: [", "neither JSON nor YAML")],
)
def test_unreadable_path_exits_2(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "t.yaml"
    if content is not None:
        path.write_text(content)
    code, out, err = run("check", str(path))
    assert code == 2 and out == "" and message in err


def test_empty_directory_exits_2(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path))
    assert code == 2 and "no templates" in err


def test_usage_errors_exit_2() -> None:
    assert run()[0] == 2
    assert run("check", str(GOOD_JSON), "--format", "xml")[0] == 2


def test_python_dash_m_entry_point() -> None:
    """The real entry point, once, in a subprocess: exit status and output."""
    proc = subprocess.run(
        [sys.executable, "-m", "constructs_lib", "check", str(BAD_YAML), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["errors"] == 2
