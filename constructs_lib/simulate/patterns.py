"""Event patterns: the filter syntax Lambda event source mappings and EventBridge rules share.

``matches(pattern, event)`` answers whether an event (a dict) matches a pattern (a dict of
fields to lists of rules, nested for nested fields). Supported: exact values (strings,
numbers, ``null``), ``exists``, ``anything-but`` (a value, a list, or ``{"prefix": ...}``),
``prefix``, ``suffix``, ``equals-ignore-case``, ``numeric`` ranges, and ``$or``. A field
whose value is a list matches when any element matches.
Sources: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html and
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping
from typing import Any

MISSING = object()

_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
}


class UnsupportedPattern(ValueError):
    """A filter rule this matcher does not know (the simulation reports it, never guesses)."""


def parse(pattern: Any) -> Mapping[str, Any]:
    """A pattern as a dict: ESM filters hold it as a JSON string (``{"Pattern": "..."}``)."""
    if isinstance(pattern, Mapping) and set(pattern) == {"Pattern"}:
        pattern = pattern["Pattern"]
    if isinstance(pattern, str):
        pattern = json.loads(pattern)
    if not isinstance(pattern, Mapping):
        raise UnsupportedPattern(f"not an event pattern: {pattern!r}")
    return pattern


def matches(pattern: Mapping[str, Any], data: Any) -> bool:
    """Does ``data`` match ``pattern``? Every field must match; ``$or`` takes alternatives."""
    for key, rule in pattern.items():
        if key == "$or":
            if not any(matches(alternative, data) for alternative in rule):
                return False
            continue
        value = data.get(key, MISSING) if isinstance(data, Mapping) else MISSING
        if isinstance(rule, Mapping):
            if not matches(rule, value if isinstance(value, Mapping) else {}):
                return False
        elif isinstance(rule, list):
            if not any(_leaf(r, value) for r in rule):
                return False
        else:
            raise UnsupportedPattern(f"the rule of {key!r} must be a list or an object: {rule!r}")
    return True


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _leaf(rule: Any, value: Any) -> bool:
    if isinstance(rule, Mapping):
        if "exists" in rule:
            return (value is not MISSING) == bool(rule["exists"])
        if value is MISSING:
            return False
        values = _values(value)
        if "anything-but" in rule:
            excluded = rule["anything-but"]
            if isinstance(excluded, Mapping):
                return not any(_leaf(excluded, v) for v in values)
            banned = excluded if isinstance(excluded, list) else [excluded]
            return all(v not in banned for v in values)
        if "prefix" in rule:
            prefix = rule["prefix"]
            if isinstance(prefix, Mapping) and "equals-ignore-case" in prefix:
                return any(isinstance(v, str) and v.lower().startswith(prefix["equals-ignore-case"].lower()) for v in values)
            return any(isinstance(v, str) and v.startswith(prefix) for v in values)
        if "suffix" in rule:
            return any(isinstance(v, str) and v.endswith(rule["suffix"]) for v in values)
        if "equals-ignore-case" in rule:
            return any(isinstance(v, str) and v.lower() == str(rule["equals-ignore-case"]).lower() for v in values)
        if "numeric" in rule:
            return any(_numeric(rule["numeric"], v) for v in values)
        raise UnsupportedPattern(f"filter rule {dict(rule)} is not supported by the simulation")
    if value is MISSING:
        return False
    return any(v == rule for v in _values(value))


def _numeric(conditions: list[Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    pairs = zip(conditions[0::2], conditions[1::2])
    return all(_NUMERIC[op](float(value), float(bound)) for op, bound in pairs)
