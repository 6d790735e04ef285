"""Rules for Lambda's recursive loop detection (``RecursiveLoop``).

Lambda detects a function invoked in a loop through Lambda, SQS, SNS and S3 (tracked by
metadata the AWS SDKs add) and, with ``Terminate`` (the default), stops the chain after about
16 invocations and drops the event (``RecursiveInvocationsDropped``). ``Allow`` turns that off:
a loop then runs, and bills, until someone stops it. So ``Allow`` needs a stated reason (a
deliberate, bounded recursion) and is reported as a warning. Source: ``limits.SRC_LAMBDA_RECURSION``.
"""

from __future__ import annotations

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.value_rules import Violation

TERMINATE = "Terminate"
ALLOW = "Allow"


def normalise(value: str | None) -> str | None:
    """``"ALLOW"`` / ``"Allow"`` (aws-cdk-lib's enum value / the template's) -> ``"Allow"``."""
    if value is None:
        return None
    return {"ALLOW": ALLOW, "TERMINATE": TERMINATE}.get(value.upper(), value)


def check_recursive_loop(
    recursive_loop: str | None,
    reason: str | None,
    *,
    prop: str = "recursive_loop",
    reason_prop: str = "recursive_loop_reason",
) -> Violation | None:
    """``Allow`` only with a reason; a reason only with ``Allow`` (it would be ignored)."""
    value = normalise(recursive_loop)
    stated = reason is not None and bool(reason.strip())
    if value == ALLOW and not stated:
        return Violation(
            prop,
            f"{prop} ALLOW turns off Lambda's recursive loop detection and needs a stated reason "
            f"({reason_prop}='...'): {consequence('lambda-recursive-loop-allowed')}, instead of stopping it after "
            "about 16 invocations. Leave the default (TERMINATE) unless the recursion is deliberate and bounded",
            limits.SRC_LAMBDA_RECURSION,
        )
    if value != ALLOW and reason is not None:
        return Violation(
            reason_prop,
            f"{reason_prop} is given but {prop} is {value or 'TERMINATE (the default)'}; the "
            f"reason explains turning detection off and would be ignored. Remove it, or set "
            f"{prop}=lambda_.RecursiveLoop.ALLOW",
            limits.SRC_LAMBDA_RECURSION,
        )
    return None


def recursive_loop_allowed(
    recursive_loop: str | None, reason: str | None = None, *, prop: str = "recursive_loop"
) -> Violation | None:
    """A warning: recursive loop detection is off (with the reason, when stated)."""
    if normalise(recursive_loop) != ALLOW:
        return None
    why = f" (reason given: {reason.strip()})" if reason and reason.strip() else ""
    return Violation(
        prop,
        f"{prop} is Allow{why}: {consequence('lambda-recursive-loop-allowed')}. "
        "Make sure the recursion is bounded (a depth counter in the payload), and alarm on "
        "the function's Invocations",
        limits.SRC_LAMBDA_RECURSION,
    )


__all__ = ["ALLOW", "TERMINATE", "check_recursive_loop", "normalise", "recursive_loop_allowed"]
