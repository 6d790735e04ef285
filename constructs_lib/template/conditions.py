"""CloudFormation conditions, decided statically where the template allows it.

A condition built from literals and parameter defaults (``Fn::Equals``, ``Fn::And``,
``Fn::Or``, ``Fn::Not``, ``Condition``) is decided, and the template is checked as
CloudFormation would deploy it with the defaults: resources whose ``Condition`` is false
are left out, ``Fn::If`` takes its branch, ``AWS::NoValue`` removes the property.

A condition that depends on something unknown (a parameter without a default, a pseudo
parameter such as ``AWS::Region``, an imported value) cannot be decided; the template is
then checked once per outcome (every combination of the undecidable comparisons for up
to :data:`MAX_EXHAUSTIVE` of them, otherwise all-true, all-false and each one flipped),
and every variant is labelled with the conditions it assumes so that a finding says which
branch it comes from. Nothing is skipped silently.

Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

#: Undecidable comparisons checked in every combination (2^4 = 16 variants at most).
MAX_EXHAUSTIVE = 4
_MAX_DEPTH = 100
_UNKNOWN = object()
NO_VALUE = {"Ref": "AWS::NoValue"}


class _Conditions:
    def __init__(self, template: Mapping[str, Any]) -> None:
        conditions = template.get("Conditions")
        self.conditions = conditions if isinstance(conditions, Mapping) else {}
        params = template.get("Parameters")
        self.defaults: dict[str, Any] = {}
        if isinstance(params, Mapping):
            for name, spec in params.items():
                if isinstance(spec, Mapping) and "Default" in spec and not _is_ssm(spec):
                    self.defaults[name] = spec["Default"]

    def value(self, expr: Any) -> Any:
        """A literal, a parameter's default, or ``_UNKNOWN``."""
        if isinstance(expr, (str, int, float, bool)):
            return str(expr).lower() if isinstance(expr, bool) else str(expr)
        if isinstance(expr, Mapping) and len(expr) == 1:
            ref = expr.get("Ref")
            if isinstance(ref, str) and ref in self.defaults:
                return self.value(self.defaults[ref])
        return _UNKNOWN

    def atoms(self, expr: Any, depth: int = 0, seen: frozenset[str] = frozenset()) -> set[str]:
        """The undecidable comparisons (as canonical JSON) a condition depends on."""
        if depth > _MAX_DEPTH or not isinstance(expr, Mapping) or len(expr) != 1:
            return set()
        (op, args), = expr.items()
        if op == "Condition" and isinstance(args, str):
            if args in seen or args not in self.conditions:
                return {f"?{args}"} if args not in self.conditions else set()
            return self.atoms(self.conditions[args], depth + 1, seen | {args})
        if op == "Fn::Equals" and isinstance(args, list) and len(args) == 2:
            a, b = self.value(args[0]), self.value(args[1])
            return {_key(args)} if a is _UNKNOWN or b is _UNKNOWN else set()
        if op in ("Fn::And", "Fn::Or", "Fn::Not") and isinstance(args, list):
            found: set[str] = set()
            for arg in args:
                found |= self.atoms(arg, depth + 1, seen)
            return found
        return {_key(expr)}

    def evaluate(self, expr: Any, assume: Mapping[str, bool], depth: int = 0, seen: frozenset[str] = frozenset()) -> bool | None:
        """True / False, or None when it depends on an atom that ``assume`` lacks."""
        if depth > _MAX_DEPTH or not isinstance(expr, Mapping) or len(expr) != 1:
            return assume.get(_key(expr))
        (op, args), = expr.items()
        if op == "Condition" and isinstance(args, str):
            if args not in self.conditions:
                return assume.get(f"?{args}")
            if args in seen:
                return None
            return self.evaluate(self.conditions[args], assume, depth + 1, seen | {args})
        if op == "Fn::Equals" and isinstance(args, list) and len(args) == 2:
            a, b = self.value(args[0]), self.value(args[1])
            if a is _UNKNOWN or b is _UNKNOWN:
                return assume.get(_key(args))
            return bool(a == b)
        if op in ("Fn::And", "Fn::Or") and isinstance(args, list):
            values = [self.evaluate(arg, assume, depth + 1, seen) for arg in args]
            if op == "Fn::And":
                return False if False in values else None if None in values else True
            return True if True in values else None if None in values else False
        if op == "Fn::Not" and isinstance(args, list) and len(args) == 1:
            inner = self.evaluate(args[0], assume, depth + 1, seen)
            return None if inner is None else not inner
        return assume.get(_key(expr))

    def named(self, name: str, assume: Mapping[str, bool]) -> bool | None:
        if name not in self.conditions:
            return assume.get(f"?{name}")
        return self.evaluate({"Condition": name}, assume)

    def named_atoms(self, name: str) -> set[str]:
        return self.atoms({"Condition": name}) if name in self.conditions else {f"?{name}"}


def _key(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=str)[:2000]
    except (TypeError, ValueError, RecursionError):
        return repr(value)[:2000]


def _is_ssm(spec: Mapping[str, Any]) -> bool:
    kind = spec.get("Type")
    return isinstance(kind, str) and kind.startswith("AWS::SSM::Parameter::Value")


#: Resources whose conditions do not change what a template does with events: CDK adds
#: ``AWS::CDK::Metadata`` to every stack under the Region-dependent ``CDKMetadataAvailable``
#: condition, which no rule or simulation reads; branching on it would check every CDK
#: template twice and report each finding twice.
INERT_TYPES = frozenset({"AWS::CDK::Metadata"})


def used_conditions(resources: Any) -> set[str]:
    """The condition names a template's resources use (``Condition``, ``Fn::If``), except
    on resources of :data:`INERT_TYPES`."""
    found: set[str] = set()
    if not isinstance(resources, Mapping):
        return found
    stack: list[tuple[Any, int]] = []
    for body in resources.values():
        if isinstance(body, Mapping) and not (isinstance(body.get("Type"), str) and body["Type"] in INERT_TYPES):
            if isinstance(body.get("Condition"), str):
                found.add(body["Condition"])
            stack.append((body, 0))
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(item, Mapping):
            cond = item.get("Fn::If") if len(item) == 1 else None
            if isinstance(cond, list) and cond and isinstance(cond[0], str):
                found.add(cond[0])
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return found


def variants(template: Mapping[str, Any]) -> list[tuple[str | None, Mapping[str, Any]]]:
    """The template as it deploys: one ``(None, template)`` when every condition it uses is
    decidable, else one ``(label, template)`` per outcome of the undecidable ones."""
    resources = template.get("Resources")
    if not isinstance(template.get("Conditions"), Mapping) or not isinstance(resources, Mapping):
        return [(None, template)]
    conds = _Conditions(template)
    names = sorted(used_conditions(resources))
    if not names:
        return [(None, template)]
    undecided = [n for n in names if conds.named(n, {}) is None]
    atoms = sorted(set().union(*(conds.named_atoms(n) for n in undecided))) if undecided else []
    if not atoms:
        return [(None, _resolve_template(template, conds, {}))]
    if len(atoms) <= MAX_EXHAUSTIVE:
        assumptions = [dict(zip(atoms, values)) for values in itertools.product((True, False), repeat=len(atoms))]
    else:
        base_true = dict.fromkeys(atoms, True)
        base_false = dict.fromkeys(atoms, False)
        assumptions = [base_true, base_false]
        assumptions += [{**base_false, atom: True} for atom in atoms] + [{**base_true, atom: False} for atom in atoms]
    result: list[tuple[str | None, Mapping[str, Any]]] = []
    seen: set[tuple[bool | None, ...]] = set()
    for assume in assumptions:
        outcome = tuple(conds.named(n, assume) for n in undecided)
        if outcome in seen:
            continue
        seen.add(outcome)
        label = ", ".join(f"{n}={'true' if v else 'false'}" for n, v in zip(undecided, outcome))
        result.append((label, _resolve_template(template, conds, assume)))
    return result


def _resolve_template(template: Mapping[str, Any], conds: _Conditions, assume: Mapping[str, bool]) -> dict[str, Any]:
    resolved_resources: dict[str, Any] = {}
    for lid, body in template["Resources"].items():
        if isinstance(body, Mapping):
            name = body.get("Condition")
            if isinstance(name, str) and conds.named(name, assume) is False:
                continue  # not created
        resolved_resources[lid] = _resolve(body, conds, assume, 0)
    return {**template, "Resources": resolved_resources}


def _resolve(value: Any, conds: _Conditions, assume: Mapping[str, bool], depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        branch = value.get("Fn::If") if len(value) == 1 else None
        if isinstance(branch, list) and len(branch) == 3 and isinstance(branch[0], str):
            decided = conds.named(branch[0], assume)
            if decided is not None:
                return _resolve(branch[1] if decided else branch[2], conds, assume, depth + 1)
        out = {}
        for key, item in value.items():
            resolved = _resolve(item, conds, assume, depth + 1)
            if resolved != NO_VALUE:
                out[key] = resolved
        return out
    if isinstance(value, list):
        return [r for r in (_resolve(item, conds, assume, depth + 1) for item in value) if r != NO_VALUE]
    return value
