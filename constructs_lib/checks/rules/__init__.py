"""Every rule of the checks, one module per family, and the function that runs them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from constructs_lib.checks.core import CheckOptions, Finding, Rule
from constructs_lib.template.model import Resource, TemplateModel
from constructs_lib.checks.rules import (
    accepted,
    api,
    async_invoke,
    concurrency,
    durable,
    provisioned,
    recursion,
    sqs,
    streams,
    sync_invoke,
    template,
)

#: All rules, in the order the documentation lists them. A plain tuple of the families'
#: RULES: a new family adds one line here.
ALL_RULES: tuple[Rule, ...] = (
    *sqs.RULES,
    *concurrency.RULES,
    *streams.RULES,
    *async_invoke.RULES,
    *api.RULES,
    *sync_invoke.RULES,
    *provisioned.RULES,
    *recursion.RULES,
    *durable.RULES,
    *accepted.RULES,
    *template.RULES,
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}


def run_checks(
    models: Sequence[TemplateModel],
    options: CheckOptions | None = None,
    *,
    rules: Sequence[Rule] = ALL_RULES,
) -> list[Finding]:
    """Run ``rules`` over the templates of one app; findings in rule, template, resource order.

    Models that share a name and carry a ``branch`` are the variants of one template whose
    conditions could not be decided (``constructs_lib.template.conditions``): a finding that
    holds in every variant is reported once without a branch, one that holds in some only
    names the conditions it assumes. Findings the resource's metadata acknowledges with a
    reason come back with status ``"suppressed"``; ``options`` may disable rules or change
    their levels.
    """
    options = options or CheckOptions()
    groups = _variant_groups(models)
    findings: list[Finding] = []
    for r in rules:
        if r.id in options.disabled:
            continue
        level = options.levels.get(r.id)
        if r.check is not None:
            for group in groups:
                found = [r.finding(m, hit, level=level) for m in group for hit in r.check(m, options)]
                findings.extend(_merge(found, len(group)))
        if r.app_check is not None and groups:
            found = []
            for index in range(max(len(g) for g in groups)):
                chosen = [g[min(index, len(g) - 1)] for g in groups]
                found.extend(r.finding(m, hit, level=level) for m, hit in r.app_check(chosen, options))
            counts = {g[0].name: len(g) for g in groups}
            findings.extend(_merge(found, counts))
    return _acknowledge(findings, groups)


def _variant_groups(models: Sequence[TemplateModel]) -> list[list[TemplateModel]]:
    groups: list[list[TemplateModel]] = []
    by_name: dict[str, list[TemplateModel]] = {}
    for model in models:
        group = by_name.get(model.name) if model.branch is not None else None
        if group is not None and group[0].branch is not None:
            group.append(model)
            continue
        group = [model]
        groups.append(group)
        if model.branch is not None:
            by_name[model.name] = group
    return groups


def _merge(found: list[Finding], variants: int | dict[str, int]) -> list[Finding]:
    """One finding per (rule, template, resource, location, message), with the branch
    narrowed to what every variant that produced it assumes."""
    if not found or all(f.branch is None for f in found):
        return found
    keyed: dict[tuple[object, ...], list[Finding]] = {}
    for f in found:
        keyed.setdefault((f.rule_id, f.template, f.resource, f.location, f.message, f.status), []).append(f)
    merged = []
    for same in keyed.values():
        total = variants if isinstance(variants, int) else variants.get(same[0].template, 1)
        branches = {f.branch for f in same}
        merged.append(replace(same[0], branch=None if len(branches) >= total else _common(branches)))
    return merged


def _common(branches: set[str | None]) -> str:
    """What a set of variant labels ("A=true, B=false") agree on, e.g. "B=false"."""
    parsed = [dict(item.split("=", 1) for item in b.split(", ") if "=" in item) for b in branches if b]
    if not parsed:
        return ""
    common = {k: v for k, v in parsed[0].items() if all(p.get(k) == v for p in parsed[1:])}
    if common:
        return ", ".join(f"{k}={v}" for k, v in sorted(common.items()))
    return " | ".join(sorted(b for b in branches if b))


def _acknowledge(findings: list[Finding], groups: list[list[TemplateModel]]) -> list[Finding]:
    """Suppress the findings a resource's metadata acknowledges with a reason."""
    from constructs_lib.checks.rules.template import acknowledged_rule_id, acknowledgment_reason, acknowledgments

    resources: dict[tuple[str, str], Resource] = {}
    outside: dict[str, TemplateModel] = {}
    for group in groups:
        outside.setdefault(group[0].name, group[0])
        for model in group:
            for lid, res in model.resources.items():
                resources.setdefault((model.name, lid), res)
    result = []
    for f in findings:
        found = resources.get((f.template, f.resource))
        reason = None
        if found is not None and f.rule_id != template.metadata_acknowledgment.id:
            for entry in acknowledgments(found):
                if acknowledged_rule_id(entry) == f.rule_id and acknowledgment_reason(entry):
                    reason = acknowledgment_reason(entry)
                    break
        owner = outside.get(f.template)
        if reason is None and owner is not None:
            reason = owner.acknowledged.get(f.resource, {}).get(f.rule_id) or None
        result.append(replace(f, status="suppressed", suppression=reason) if reason else f)
    return result


__all__ = ["ALL_RULES", "RULES_BY_ID", "run_checks"]
