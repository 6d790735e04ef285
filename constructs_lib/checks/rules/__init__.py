"""Every rule of the checks, one module per family, and the function that runs them."""

from __future__ import annotations

from collections.abc import Sequence

from constructs_lib.checks.core import CheckOptions, Finding, Rule
from constructs_lib.checks.model import TemplateModel
from constructs_lib.checks.rules import api, async_invoke, concurrency, sqs, streams, sync_invoke
from constructs_lib.checks.rules import provisioned, recursion

#: All rules, in the order the documentation lists them.
ALL_RULES: tuple[Rule, ...] = (
    *sqs.RULES,
    *concurrency.RULES,
    *streams.RULES,
    *async_invoke.RULES,
    *api.RULES,
    *sync_invoke.RULES,
    *provisioned.RULES,
    *recursion.RULES,
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}


def run_checks(
    models: Sequence[TemplateModel],
    options: CheckOptions | None = None,
    *,
    rules: Sequence[Rule] = ALL_RULES,
) -> list[Finding]:
    """Run ``rules`` over the templates of one app; findings in rule, template, resource order."""
    options = options or CheckOptions()
    findings: list[Finding] = []
    for r in rules:
        if r.check is not None:
            for model in models:
                findings.extend(r.finding(model, hit) for hit in r.check(model, options))
        if r.app_check is not None:
            findings.extend(r.finding(model, hit) for model, hit in r.app_check(models, options))
    return findings


__all__ = ["ALL_RULES", "RULES_BY_ID", "run_checks"]
