"""CI formats (SARIF 2.1.0, JUnit XML), --fail-on, the config file, `constructs-lib rules`,
and cdk.out with nested stacks."""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from constructs_lib.cli import main
from constructs_lib.checks.rules import ALL_RULES
from tests.checks import templates as t
from tests.wrapping import flat, unwrap
from tests.conftest import ROOT

BAD_YAML = ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml"
GOOD_JSON = ROOT / "tests" / "fixtures" / "checks_good_consumer.json"


def run(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv))
    finally:
        os.chdir(old)
    return code, out.getvalue(), unwrap(err.getvalue())  # one message a line, however wrapped


#: The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json, OASIS) that code scanning
#: reads: required properties, enumerations and types of the log, run, tool, rule, result,
#: location and region objects we write.
SARIF_ESSENTIALS = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"enum": ["2.1.0"]},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id"],
                            "properties": {
                                "id": {"type": "string"},
                                "shortDescription": {"type": "object", "required": ["text"]},
                                "fullDescription": {"type": "object", "required": ["text"]},
                                "help": {"type": "object", "required": ["text"]},
                                "helpUri": {"type": "string", "format": "uri"},
                                "defaultConfiguration": {"type": "object", "properties": {
                                    "level": {"enum": ["none", "note", "warning", "error"]}}},
                            }}},
                    }}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": -1},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"type": "object", "required": ["text"]},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {"type": "object", "properties": {
                                "artifactLocation": {"type": "object", "properties": {"uri": {"type": "string"}}},
                                "region": {"type": "object", "properties": {"startLine": {"type": "integer", "minimum": 1}}},
                            }},
                        }}},
                        "suppressions": {"type": "array", "items": {
                            "type": "object", "required": ["kind"],
                            "properties": {"kind": {"enum": ["inSource", "external"]}}}},
                    }}},
            },
        }},
    },
}


def test_sarif_is_valid_and_points_at_the_resource_line(tmp_path: Path) -> None:
    code, out, _ = run("check", str(BAD_YAML), "--format", "sarif", cwd=ROOT)
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, SARIF_ESSENTIALS)
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in ALL_RULES]
    assert all(r["helpUri"].endswith(f"docs/rules/{r['id']}.md") for r in rules)
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    result = by_rule["sqs-visibility-below-function-timeout"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "tests/fixtures/checks_bad_consumer.yaml", "uriBaseId": "%SRCROOT%"}
    lines = BAD_YAML.read_text().splitlines()
    row = lines.index("      VisibilityTimeout: 20")  # the offending value, not the resource's line
    assert location["region"] == {"startLine": row + 1, "startColumn": lines[row].index("20") + 1,
                                  "endColumn": lines[row].index("20") + 3}
    assert result["level"] == "error" and by_rule["sqs-partial-batch-response"]["level"] == "warning"


def test_sarif_line_in_a_json_template(tmp_path: Path) -> None:
    template = json.loads(GOOD_JSON.read_text())
    del template["Resources"]["OrdersMapping"]["Properties"]["FunctionResponseTypes"]
    path = tmp_path / "t.json"
    text = json.dumps(template, indent=2)
    path.write_text(text)
    _, out, _ = run("check", str(path), "--format", "sarif", cwd=tmp_path)
    (result,) = json.loads(out)["runs"][0]["results"]
    lines = text.splitlines()
    row = lines.index('    "OrdersMapping": {') + 2  # the missing property's object: "Properties"
    assert lines[row] == '      "Properties": {'
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": row + 1, "startColumn": 7,
                                                                   "endColumn": 19}


def test_sarif_carries_acknowledged_findings_as_suppressions(tmp_path: Path) -> None:
    tpl = t.template(**{**t.sqs_consumer(), "Queue": t.with_metadata(t.queue(max_receive=3), {
        "constructs-lib": {"acknowledge": [{"id": "sqs-max-receive-count", "reason": "idempotent, cheap retries"}]}})})
    path = tmp_path / "t.json"
    path.write_text(json.dumps(tpl))
    code, out, _ = run("check", str(path), "--format", "sarif", "--fail-on", "warning")
    assert code == 0
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "idempotent, cheap retries"}]


def test_junit_has_a_case_per_rule_and_failures_at_fail_on() -> None:
    code, out, _ = run("check", str(BAD_YAML), "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "checks_bad_consumer.yaml"
    assert int(suite.get("tests")) == len(ALL_RULES) and suite.get("failures") == "2"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases["sqs-dlq-retention"].find("failure") is not None
    assert cases["sqs-partial-batch-response"].find("failure") is None
    assert "FunctionResponseTypes" in cases["sqs-partial-batch-response"].findtext("system-out")
    _, out, _ = run("check", str(BAD_YAML), "--format", "junit", "--fail-on", "warning")
    assert ET.fromstring(out).find("testsuite").get("failures") == "3"


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("warning", 1), ("none", 0)])
def test_fail_on(fail_on: str, code: int, tmp_path: Path) -> None:
    assert run("check", str(BAD_YAML), "--fail-on", fail_on)[0] == code
    warn_only = json.loads(GOOD_JSON.read_text())
    del warn_only["Resources"]["OrdersMapping"]["Properties"]["FunctionResponseTypes"]
    path = tmp_path / "w.json"
    path.write_text(json.dumps(warn_only))
    assert run("check", str(path), "--fail-on", fail_on)[0] == (1 if fail_on == "warning" else 0)


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    code, out, err = run("check", str(BAD_YAML), "--format", "sarif", "--output", str(target))
    assert code == 1 and out == "" and f"wrote {target}" in err
    assert json.loads(target.read_text())["version"] == "2.1.0"


# --------------------------------------------------------------------------------------
# Config file
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "explain"])
def test_an_output_that_cannot_be_written_exits_2_in_one_line(tmp_path: Path, command: str) -> None:
    """--output naming a directory or a missing directory ended in a traceback."""
    for target in (tmp_path, tmp_path / "missing" / "report.out"):
        code, out, err = run(command, str(BAD_YAML), "--output", str(target))
        assert code == 2 and out == "" and err.count("\n") == 1 and "cannot write the report" in err, err

def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'app'\n\n[tool.constructs-lib]\n{table}\n")
    (tmp_path / "sub").mkdir()
    return tmp_path / "sub"


def test_config_found_upward_disables_rules_sets_levels_and_is_named(tmp_path: Path) -> None:
    cwd = _project(tmp_path, 'disable = ["sqs-dlq-retention"]\nfail-on = "warning"\n'
                             '[tool.constructs-lib.levels]\nsqs-visibility-below-function-timeout = "warning"\n')
    code, out, err = run("check", str(BAD_YAML), "--format", "json", cwd=cwd)
    assert f"using config {tmp_path / 'pyproject.toml'}" in unwrap(err)
    data = json.loads(out)
    assert data["config"] == str(tmp_path / "pyproject.toml") and data["fail_on"] == "warning"
    assert {(f["rule_id"], f["level"]) for f in data["findings"]} == {
        ("sqs-visibility-below-function-timeout", "warning"), ("sqs-partial-batch-response", "warning")}
    assert code == 1  # fail-on warning
    assert run("check", str(BAD_YAML), "--fail-on", "error", cwd=cwd)[0] == 0


@pytest.mark.parametrize(("table", "message"), [
    ('disable = ["no-such-rule"]', "'no-such-rule' is not a rule"),
    ("unknown = 1", "unknown key(s) unknown"),
    ('[tool.constructs-lib.levels]\nsqs-redrive-policy = "fatal"', "level 'fatal' of sqs-redrive-policy"),
    ('fail-on = "sometimes"', "fail-on must be one of"),
    ("account-concurrency = 0", "account-concurrency must be"),
])
def test_bad_config_exits_2(tmp_path: Path, table: str, message: str) -> None:
    cwd = _project(tmp_path, table)
    code, out, err = run("check", str(GOOD_JSON), cwd=cwd)
    assert (code, out) == (2, "") and message in err


def test_python_3_10_without_a_toml_reader_says_so_instead_of_ignoring_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Python 3.10 (no tomllib) without tomli, a [tool.constructs-lib] table was skipped
    silently: rules the user disabled ran, and the CLI named no config. Other projects'
    pyproject.toml files stay ignored."""
    import builtins

    real_import = builtins.__import__

    def no_toml(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in ("tomllib", "tomli"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_toml)
    cwd = _project(tmp_path, 'disable = ["sqs-dlq-retention"]')
    code, out, err = run("check", str(GOOD_JSON), cwd=cwd)
    assert (code, out) == (2, "") and "needs Python 3.11+ or `pip install tomli`" in err
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert run("check", str(GOOD_JSON), cwd=cwd)[0] == 0


def test_explicit_config_and_invalid_toml(tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text("[tool.constructs-lib\n")
    code, _, err = run("check", str(GOOD_JSON), "--config", str(bad))
    assert code == 2 and "not valid TOML" in err


def test_rules_command_lists_every_rule_with_its_level(tmp_path: Path) -> None:
    code, out, _ = run("rules", cwd=tmp_path)
    assert code == 0
    lines = [line for line in out.splitlines() if not line.startswith(" ")]  # a long summary wraps under itself
    assert len(lines) == len(ALL_RULES) and max(map(len, out.splitlines())) <= 100
    assert lines[0].split()[:2] == [ALL_RULES[0].id, ALL_RULES[0].level]
    cwd = _project(tmp_path, 'disable = ["lambda-sync-invoke"]\n[tool.constructs-lib.levels]\nstream-bisect-batch = "error"')
    _, out, _ = run("rules", "--format", "json", cwd=cwd)
    rules = {r["id"]: r for r in json.loads(out)}
    assert rules["lambda-sync-invoke"]["enabled"] is False
    assert (rules["stream-bisect-batch"]["level"], rules["stream-bisect-batch"]["default_level"]) == ("error", "warning")
    assert all(r["source"].startswith("https://docs.aws.amazon.com/") for r in rules.values())


# --------------------------------------------------------------------------------------
# cdk.out with nested stacks
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nested_cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from aws_cdk import App, Duration, NestedStack, Stack
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_lambda_event_sources as sources
    from aws_cdk import aws_sqs as sqs

    from tests.conftest import INLINE

    outdir = tmp_path_factory.mktemp("nested.out")
    app = App(outdir=str(outdir))
    parent = Stack(app, "Parent")
    nested = NestedStack(parent, "Workers")
    queue = sqs.Queue(nested, "Queue", visibility_timeout=Duration.seconds(20))
    fn = lambda_.Function(nested, "Fn", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler", code=INLINE,
                          timeout=Duration.seconds(30))
    fn.add_event_source(sources.SqsEventSource(queue, batch_size=1))
    app.synth()
    return outdir


def test_nested_stack_templates_are_read(nested_cdk_out: Path) -> None:
    code, out, _ = run("check", str(nested_cdk_out), "--format", "json")
    data = json.loads(out)
    assert len(data["templates"]) == 2 and data["templates"][1].startswith("Parent.template.json/Workers")
    rules = {(f["rule_id"], f["template"].split("/")[0]) for f in data["findings"]}
    assert ("sqs-visibility-below-function-timeout", "Parent.template.json") in rules
    assert code == 1


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_a_missing_nested_template_is_not_checkable_and_the_run_goes_on(tmp_path: Path) -> None:
    """One missing nested template made the whole run exit 2 with nothing checked. Now that
    nested stack is "not checkable" (one line, exit 2) and every other stack is reported."""
    parent = {"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "x"},
                                      "Metadata": {"aws:asset:path": "Child.nested.template.json"}},
                            **{**t.sqs_consumer(), "Queue": t.queue(visibility=20)}}}
    _write(tmp_path / "P.template.json", parent)
    _write(tmp_path / "Other.template.json", t.template(**t.sqs_consumer()))
    _write(tmp_path / "manifest.json", {"artifacts": {
        "P": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "P.template.json"}},
        "Other": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Other.template.json"}},
    }})
    code, out, err = run("check", str(tmp_path))
    assert code == 2
    assert unwrap(err).splitlines() == [
        f"error: {tmp_path / 'P.template.json'}: nested stack Child is not checkable: its template "
        f"{tmp_path / 'Child.nested.template.json'} is missing"
    ]
    assert flat("ERROR sqs-visibility-below-function-timeout  P.template.json: Queue") in flat(out)
    assert "2 template(s) checked: 1 error(s)" in out
    assert "1 input(s) could not be read" in out


def test_local_template_url_of_a_packaged_nested_stack(tmp_path: Path) -> None:
    _write(tmp_path / "child.json", t.template(**{**t.sqs_consumer(), "Queue": t.queue(visibility=20)}))
    parent = _write(tmp_path / "parent.json", {"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack",
                                                                      "Properties": {"TemplateURL": "child.json"}}}})
    code, out, _ = run("check", str(parent), "--format", "json")
    assert code == 1 and json.loads(out)["templates"] == ["parent.json", "parent.json/Child"]


def test_a_directory_scan_reads_a_nested_stack_once_through_its_parent(tmp_path: Path) -> None:
    """The child of a packaged nested stack sits next to its parent: a scan of the directory
    read it twice (on its own and through the parent), doubling every finding in it."""
    _write(tmp_path / "child.json", t.template(**{**t.sqs_consumer(), "Queue": t.queue(visibility=20)}))
    _write(tmp_path / "parent.json", {"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack",
                                                             "Properties": {"TemplateURL": "child.json"}}}})
    code, out, _ = run("check", str(tmp_path), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["templates"] == ["parent.json", "parent.json/Child"]
    keys = [(f["rule_id"], f["resource"]) for f in report["findings"]]
    assert keys and len(keys) == len(set(keys)) and {f["template"] for f in report["findings"]} == {"parent.json/Child"}
