"""Rules about the template itself rather than an invocation model: resources the checks
could not read, and acknowledgments in a resource's metadata."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from constructs_lib import limits
from constructs_lib.messages import consequence, text
from constructs_lib.checks.core import METADATA_KEY, PLUGIN_NAME, CheckOptions, Hit, declared_rule_ids, rule
from constructs_lib.template.model import Resource, TemplateModel


@rule(
    "template-malformed-resource",
    "warning",
    explanation="""A resource that is not a mapping, has no Type, has Properties or Metadata
    that are not mappings, or nests deeper than the checks read, would be rejected by
    CloudFormation; the checks skip it - saying so - and check the rest of the template.""",
    source=limits.SRC_CFN_TEMPLATE_ANATOMY,
    level_reason="""Not applicable only: the finding says a resource went unchecked; CloudFormation
    itself rejects the template.""",
)
def template_malformed_resource(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for lid, reason in model.problems:
        yield Hit.not_applicable(Resource(lid, "(unreadable)", {}, {}), f"{lid}: {reason}; {consequence('template-malformed-resource')}", "")


def acknowledgments(resource: Resource) -> list[object]:
    """The raw entries of ``Metadata["constructs-lib"]["acknowledge"]`` (may be anything)."""
    block = resource.metadata.get(METADATA_KEY)
    if not isinstance(block, Mapping):
        return []
    entries = block.get("acknowledge")
    return entries if isinstance(entries, list) else [entries] if entries is not None else []


def acknowledged_rule_id(entry: object) -> str | None:
    """The rule id an entry acknowledges (``constructs-lib::`` prefix optional)."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        return None
    return entry["id"].removeprefix(f"{PLUGIN_NAME}::")


def acknowledgment_reason(entry: object) -> str | None:
    """The entry's reason, if it states one."""
    reason = entry.get("reason") if isinstance(entry, Mapping) else None
    return reason.strip() if isinstance(reason, str) and reason.strip() else None


@rule(
    "metadata-acknowledgment",
    "warning",
    explanation="""A finding is acknowledged in the template with Metadata
    {"constructs-lib": {"acknowledge": [{"id": <rule id>, "reason": <why>}]}}. An entry
    without a reason acknowledges nothing (the finding stands) and an unknown id usually
    hides a typo, so both are reported.""",
    source=limits.SRC_CFN_METADATA,
    level_reason="Warning: a bookkeeping problem; CloudFormation ignores the metadata.",
)
def metadata_acknowledgment(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    known = declared_rule_ids()
    for resource in model.resources.values():
        block = resource.metadata.get(METADATA_KEY)
        if block is None:
            continue
        location = f"Metadata/{METADATA_KEY}/acknowledge"
        if not isinstance(block, Mapping) or not isinstance(block.get("acknowledge"), list):
            yield Hit(resource, f'Metadata["{METADATA_KEY}"] must be {{"acknowledge": [{{"id": ..., "reason": ...}}]}}; '
                      f"{consequence('metadata-acknowledgment')}", f"Metadata/{METADATA_KEY}", limits.SRC_CFN_METADATA)
            continue
        for index, entry in enumerate(block["acknowledge"]):
            rule_id = acknowledged_rule_id(entry)
            if rule_id is None:
                yield Hit(resource, f"acknowledgment {index} has no rule id; {consequence('metadata-acknowledgment')}",
                          f"{location}/{index}", limits.SRC_CFN_METADATA)
            elif rule_id not in known:
                yield Hit(resource, f"acknowledgment {index} names {rule_id!r}, which is not a rule of "
                          f"constructs-lib (see `constructs-lib rules`); {text('metadata-acknowledgment').also[0]}",
                          f"{location}/{index}/id", limits.SRC_CFN_METADATA)
            elif acknowledgment_reason(entry) is None:
                yield Hit(resource, f"acknowledgment {index} of {rule_id} has no reason, so "
                          f"{consequence('metadata-acknowledgment')}: say why the rule does not apply to this resource",
                          f"{location}/{index}/reason", limits.SRC_CFN_METADATA)


RULES = (template_malformed_resource, metadata_acknowledgment)
