"""Pure rules over plain values: one small function per rule, no CDK, no I/O.

Each rule takes plain numbers / booleans and returns ``None`` when the value is fine,
or a :class:`Violation` naming the property, the value, the limit and why. The
constructs raise them (``ConstructPropsError``) at construction time; the template
checks in ``constructs_lib.checks`` call the same functions with CloudFormation
property names, so one rule lives in one place with two entry points.

Unresolved CDK tokens never reach these functions: callers pass ``None`` for them,
and every rule returns ``None`` (not applicable) for a ``None`` input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """A broken rule: which property, what is wrong and why, and the AWS source."""

    prop: str
    message: str
    source: str

    def __str__(self) -> str:
        return f"{self.message} ({self.source})"


def num(value: float) -> str:
    """A number as a user wrote it: ``1209601.0`` -> ``'1209601'``, ``0.5`` -> ``'0.5'``."""
    return str(int(value)) if float(value).is_integer() else str(value)


def fmt_seconds(seconds: float) -> str:
    """``90`` -> ``'90 s'``; keeps messages uniform across rules."""
    return f"{num(seconds)} s"


def check_range(
    prop: str,
    value: float | None,
    low: float,
    high: float,
    *,
    why: str,
    source: str,
    unit: str = "",
    subject: str | None = None,
) -> Violation | None:
    """The generic inclusive range rule: ``low <= value <= high``. ``subject`` names the
    value in the message when it is not the prop itself (the visibility timeout of a given
    ``queue``)."""
    if value is None or low <= value <= high:
        return None
    suffix = f" {unit}" if unit else ""
    return Violation(
        prop,
        f"{subject or prop} {num(value)}{suffix} is outside the allowed range {num(low)}-{num(high)}{suffix}; {why}",
        source,
    )


def first(*violations: Violation | None) -> Violation | None:
    """The first violation of several rules checked in order, or ``None``."""
    return next((v for v in violations if v is not None), None)


__all__ = ["Violation", "check_range", "first", "fmt_seconds", "num"]
