"""Invocation-model checks over CloudFormation templates: for any CDK app or template.

Rules are small pure functions over the template model (:mod:`constructs_lib.template`),
in ``constructs_lib.checks.rules``; they share their logic with the constructs' own
validation (the rules over plain values, :mod:`constructs_lib.value_rules`). This package
also holds the findings, the output formats (``report``), the configuration and the
synth-time plugin; it never imports the simulation. Two entry points run the rules:

- the CDK plugin: ``Validations.of(app).add_plugins(InvocationModelChecks())``;
- the command line: ``python -m constructs_lib check cdk.out`` (or ``constructs-lib check``).

Importing this package does not import aws-cdk-lib (the CLI starts fast);
``InvocationModelChecks`` is loaded on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from constructs_lib.checks.core import PLUGIN_NAME, CheckOptions, Finding, Rule
from constructs_lib.template.model import TemplateModel

if TYPE_CHECKING:
    from constructs_lib.checks.plugin import InvocationModelChecks


def __getattr__(name: str) -> Any:
    if name == "InvocationModelChecks":
        from constructs_lib.checks.plugin import InvocationModelChecks

        return InvocationModelChecks
    if name in ("ALL_RULES", "run_checks"):
        from constructs_lib.checks import rules

        return getattr(rules, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ALL_RULES",
    "PLUGIN_NAME",
    "CheckOptions",
    "Finding",
    "InvocationModelChecks",
    "Rule",
    "TemplateModel",
    "run_checks",
]
