"""Glue between CDK values and the pure rules: tokens out, errors and warnings in."""

from __future__ import annotations

from typing import Any

from aws_cdk import Annotations, Duration, Token
from constructs import Construct

from constructs_lib.errors import ConstructPropsError
from constructs_lib.rules import Violation

#: Prefix of every warning id, so users can acknowledge ours specifically.
WARNING_PREFIX = "constructs-lib"


def seconds(duration: Duration | None) -> float | None:
    """A Duration in (possibly fractional) seconds, or ``None`` when unset or an
    unresolved token. Fractions matter: integration timeouts start at 50 ms."""
    if duration is None or duration.is_unresolved():
        return None
    return float(duration.to_seconds(integral=False))


def token_duration_unit(duration: Duration | None, prop: str, *, source: str) -> Violation | None:
    """A Duration whose value is an unresolved token can only be passed through in the
    unit CloudFormation wants (seconds): ``Duration.minutes(token)`` cannot be converted
    at synth time, and jsii would crash on ``to_seconds()``. Not applicable otherwise."""
    if duration is None or not duration.is_unresolved():
        return None
    unit = duration.unit_label()
    if unit == "seconds":
        return None
    return Violation(
        prop,
        f"{prop} Duration.{unit}(<token>) cannot be converted to seconds at synth time, "
        "because its value is an unresolved token (a CfnParameter or another resource's "
        f"attribute); pass Duration.seconds(<token>) instead, which goes into the template "
        "unchanged as the seconds CloudFormation expects",
        source,
    )


def number(value: Any) -> float | None:
    """A plain number, or ``None`` when unset or an unresolved token."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # tokens are never Python ints: skip the jsii round trip
    if value is None or Token.is_unresolved(value):
        return None
    return float(value)


def raise_first(construct: Construct, *violations: Violation | None) -> None:
    """Raise ``ConstructPropsError`` for the first violation, if any."""
    for violation in violations:
        if violation is not None:
            raise ConstructPropsError(construct, violation)


def warn(construct: Construct, warning_id: str, violation: Violation | None) -> None:
    """Add a namespaced, acknowledgeable warning (``constructs-lib:<id>``) for a soft rule."""
    if violation is not None:
        Annotations.of(construct).add_warning_v2(f"{WARNING_PREFIX}:{warning_id}", str(violation))
