"""Durable functions (``DurableConfig``): invoked only through a qualified ARN.

"Durable functions require qualified identifiers for invocation. You must invoke durable
functions using a version number, alias, or $LATEST ... You cannot use an unqualified
identifier" - for synchronous, asynchronous and event source mapping invocations alike.
Source: limits.SRC_LAMBDA_DURABLE_INVOKING (section "Qualified ARNs requirement").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import (
    ALIAS,
    EVENT_INVOKE_CONFIG,
    MAX_NESTING,
    VERSION,
    Resource,
    TemplateModel,
    ref_id,
)

#: Edges that are no invocation through a template reference: IAM grants of other
#: functions (their code picks the ARN), event invoke configs (settings with a Qualifier).
_NOT_INVOCATIONS = ("lambda", "durable-invoke", "destination")
_SUB_REF = re.compile(r"\$\{([A-Za-z0-9_]+)(\.[A-Za-z0-9_.]+)?\}")


def references_to(model: TemplateModel, value: Any, fn: Resource, path: str = "Properties") -> Iterator[tuple[str, bool]]:
    """(location, qualified) of every reference to ``fn`` inside ``value``: a ``Ref`` /
    ``Fn::GetAtt`` of the function itself is unqualified; of one of its aliases or versions
    qualified; an ARN built with ``Fn::Join`` / ``Fn::Sub`` is qualified when a ``:``
    suffix (``:live``, ``:1``, ``:$LATEST``) follows the function's ARN."""
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_NESTING:
            continue
        if isinstance(item, Mapping):
            lid = ref_id(item)
            if lid is not None:
                qualified = _qualified_ref(model, lid, fn)
                if qualified is not None:
                    yield where, qualified
                continue
            sub = item.get("Fn::Sub") if len(item) == 1 else None
            join = item.get("Fn::Join") if len(item) == 1 else None
            if isinstance(sub, (str, list)):
                yield from _sub_references(model, sub, fn, f"{where}/Fn::Sub")
                continue
            if isinstance(join, list) and len(join) == 2 and isinstance(join[1], list):
                yield from _join_references(model, join, fn, f"{where}/Fn::Join")
                continue
            stack.extend((v, f"{where}/{k}", depth + 1) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}/{i}", depth + 1) for i, v in enumerate(item))


def _qualified_ref(model: TemplateModel, lid: str, fn: Resource) -> bool | None:
    """True / False for a reference to ``fn`` through an alias or version / directly;
    ``None`` when ``lid`` does not mean ``fn``."""
    if model.function_of({"Ref": lid}) is not fn:
        return None
    return model.resources[lid].type in (ALIAS, VERSION)


def _sub_references(model: TemplateModel, sub: Any, fn: Resource, where: str) -> Iterator[tuple[str, bool]]:
    text = sub[0] if isinstance(sub, list) and sub else sub
    if isinstance(text, str):
        for match in _SUB_REF.finditer(text):
            if match.group(1) not in model.resources:
                continue
            qualified = _qualified_ref(model, match.group(1), fn)
            if qualified is None:
                continue
            rest = text[match.end():]
            yield where, qualified or bool(re.match(r":[^/:\s]", rest))
    if isinstance(sub, list) and len(sub) > 1:
        yield from references_to(model, sub[1], fn, where)


def _join_references(model: TemplateModel, join: list[Any], fn: Resource, where: str) -> Iterator[tuple[str, bool]]:
    separator = join[0] if isinstance(join[0], str) else ""
    parts = join[1]
    for index, part in enumerate(parts):
        lid = ref_id(part)
        qualified = _qualified_ref(model, lid, fn) if lid is not None else None
        if qualified is None:
            if not isinstance(part, str):
                yield from references_to(model, part, fn, f"{where}/1/{index}")
            continue
        following = separator + (parts[index + 1] if index + 1 < len(parts) and isinstance(parts[index + 1], str) else "")
        yield f"{where}/1/{index}", qualified or bool(re.match(r":[^/:\s]", following))


@rule(
    "durable-function-qualified-arn",
    "error",
    explanation="""Lambda runs a durable function (DurableConfig) only when it is invoked with a
    qualified identifier - a version, an alias or $LATEST - so that a paused execution resumes
    on the code it started with; an unqualified ARN is rejected ("You cannot invoke a durable
    function using an unqualified ARN"). This holds for every trigger: event source mappings,
    permissions and the services that use them, rule and schedule targets, subscriptions and
    API integrations.""",
    source=limits.SRC_LAMBDA_DURABLE_INVOKING,
    level_reason="Error: Lambda rejects every invocation, so the trigger never runs the function "
    "and its events are lost or the deploy fails.",
)
def durable_function_qualified_arn(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    durable = [fn for fn in model.functions() if model.is_durable(fn)]
    if not durable:
        return
    for fn in durable:
        seen: set[tuple[str, str]] = set()
        for trigger in model.triggers_of(fn.logical_id):
            via = model.resources[trigger.via]
            if trigger.kind in _NOT_INVOCATIONS or via.type == EVENT_INVOKE_CONFIG:
                continue
            for location, qualified in references_to(model, via.properties, fn):
                if qualified or (via.logical_id, location) in seen:
                    continue
                seen.add((via.logical_id, location))
                yield Hit(
                    via,
                    f"{via.logical_id} ({trigger.invoker or trigger.kind}) refers to durable function "
                    f"{fn.logical_id} without a version or alias; {consequence('durable-function-qualified-arn')}",
                    location,
                    limits.SRC_LAMBDA_DURABLE_INVOKING,
                )


RULES = (durable_function_qualified_arn,)
