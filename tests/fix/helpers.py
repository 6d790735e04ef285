"""Shared by the fix tests: load a template as ``check`` does, plan its fixes, read them back."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from constructs_lib.checks.core import Finding
from constructs_lib.checks.rules import run_checks
from constructs_lib.fix.plan import FilePlan, FixPlan, fixable, plan
from constructs_lib.template.loader import load_paths
from constructs_lib.template.model import TemplateModel

DATA = Path(__file__).resolve().parent / "data"


def checked(*paths: Path | str) -> tuple[list[TemplateModel], list[Finding]]:
    models = load_paths([str(p) for p in paths]).models
    return models, run_checks(models)


def plan_of(*paths: Path | str, rules: Iterable[str] | None = None) -> FixPlan:
    models, findings = checked(*paths)
    return plan(models, findings, rules=rules)


def only_file(result: FixPlan) -> FilePlan:
    assert len(result.files) == 1, [f.path for f in result.files]
    return result.files[0]


def fixable_findings(findings: Iterable[Finding]) -> list[tuple[str, str]]:
    """(rule id, resource) of every applicable finding that --fix has a fix for."""
    return sorted((f.rule_id, f.resource) for f in findings if f.applicable and fixable(f.rule_id))
