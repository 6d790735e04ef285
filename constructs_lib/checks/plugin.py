"""The CDK policy-validation plugin: run the checks on every template at synth time.

Usage::

    from aws_cdk import Acknowledgment, Validations
    from constructs_lib.checks import InvocationModelChecks

    Validations.of(app).add_plugins(InvocationModelChecks())
    # accept one finding, with a reason, on a construct (or any of its parents):
    Validations.of(consumer).acknowledge(
        Acknowledgment(id="constructs-lib::sqs-max-receive-count", reason="...")
    )

Errors fail the synth; warnings are printed and let it pass. CDK itself matches
acknowledgments to findings (the id is ``<plugin name>::<rule id>``, the plugin name
being ``constructs-lib``) and lists them as suppressed in ``validation-report.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from constructs_lib import __version__, limits
from constructs_lib.checks.core import PLUGIN_NAME, CheckOptions, Finding
from constructs_lib.template.loader import models_from_template
from constructs_lib.checks.rules import ALL_RULES, run_checks


@jsii.implements(IPolicyValidationPlugin)
class InvocationModelChecks:
    """Invocation-model checks as a CDK validation plugin.

    :param account_concurrency: the Lambda concurrency quota (per account and Region) the
        unreserved-pool rule compares the app's summed reservations with. Default 1,000,
        the default quota; pass yours if it was raised.
    """

    def __init__(self, *, account_concurrency: int = limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY) -> None:
        self.options = CheckOptions(account_concurrency=account_concurrency)
        #: The findings of the last run (including not-applicable ones), for tests and tools.
        self.findings: list[Finding] = []

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return __version__

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in ALL_RULES]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        paths = list(context.template_paths)
        models = [
            model
            for p in paths
            for model in models_from_template(json.loads(Path(p).read_text(encoding="utf-8")), name=p)
        ]
        self.findings = run_checks(models, self.options)
        violations = [_violation(f) for f in self.findings if f.applicable]
        return PolicyValidationPluginReport(
            success=not any(f.is_error for f in self.findings),
            violations=violations,
            plugin_version=__version__,
        )


def _violation(finding: Finding) -> PolicyViolation:
    return PolicyViolation(
        rule_name=finding.rule_id,
        description=f"{finding.message} ({finding.source})" if finding.source else finding.message,
        fix=finding.fix,
        severity=finding.level,
        violating_resources=[
            PolicyViolatingResource(
                resource_logical_id=finding.resource,
                template_path=finding.template,
                locations=[finding.location],
            )
        ],
    )
