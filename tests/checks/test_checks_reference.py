"""The reference stacks of app.py under every check app.py attaches (ours, cdk-nag's
AwsSolutions and Serverless packs), and cfn-lint over every synthesized template."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App

from constructs_lib.checks import TemplateModel
from constructs_lib.checks.rules import run_checks
from stacks._checks import CONTEXT_FLAG, attach_checks
from tests.conftest import cdk_json_context


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The reference app synthesized ONCE with the checks attached, as `cdk synth` does."""
    from stacks import build_reference_app

    outdir = tmp_path_factory.mktemp("reference.out")
    app = App(outdir=str(outdir), context=cdk_json_context())
    build_reference_app(app)
    plugins = attach_checks(app)
    error = None
    try:
        app.synth()
    except Exception as exc:  # noqa: BLE001 - a failed validation is reported by the tests below
        error = str(exc)
    report = json.loads((outdir / "validation-report.json").read_text()) if (outdir / "validation-report.json").exists() else {}
    templates = sorted(outdir.glob("*.template.json"))
    return {"outdir": outdir, "plugins": plugins, "error": error, "report": report, "templates": templates}


def test_checks_are_attached_by_default(reference: dict[str, Any]) -> None:
    assert [p.name for p in reference["plugins"]][0] == "constructs-lib"
    assert len(reference["plugins"]) == 3


@pytest.mark.parametrize("value", [False, "false", "False", "0"])
def test_context_flag_turns_the_checks_off(value: object) -> None:
    assert attach_checks(App(context={CONTEXT_FLAG: value})) == []


def test_our_checks_find_nothing_on_the_reference_stacks(reference: dict[str, Any]) -> None:
    models = [TemplateModel(json.loads(p.read_text()), name=p.name) for p in reference["templates"]]
    assert len(models) >= 1
    found = [(f.template, f.rule_id, f.resource, f.message) for f in run_checks(models) if f.applicable]
    assert found == []


def _unacknowledged(report: dict[str, Any]) -> list[str]:
    return [
        f"{plugin['pluginName']} {v['ruleName']} {c['constructPath']}"
        for plugin in report.get("pluginReports", [])
        for v in plugin.get("violations", [])
        for c in v.get("violatingConstructs", [])
    ]


def test_no_unacknowledged_findings_from_any_pack(reference: dict[str, Any]) -> None:
    assert _unacknowledged(reference["report"]) == []
    assert reference["error"] is None


def test_every_acknowledgment_has_a_specific_reason(reference: dict[str, Any]) -> None:
    reasons = [
        v.get("reason", "")
        for plugin in reference["report"].get("pluginReports", [])
        for v in plugin.get("suppressedViolations", [])
    ]
    assert all(len(r) >= 30 for r in reasons), reasons


def test_cfn_lint_has_no_errors_or_warnings(reference: dict[str, Any]) -> None:
    from cfnlint.api import ManualArgs, lint

    problems = []
    for path in reference["templates"]:
        for match in lint(path.read_text(), config=ManualArgs(regions=["us-east-1"])):
            if match.rule.id[0] in ("E", "W"):
                problems.append(f"{path.name}: {match.rule.id} {match.message} at {'/'.join(map(str, match.path))}")
    assert problems == []
