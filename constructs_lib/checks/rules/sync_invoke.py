"""Lambda functions calling other Lambda functions, most likely synchronously."""

from __future__ import annotations

from collections.abc import Iterator

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import TemplateModel, Trigger
from constructs_lib.value_rules import Violation, fmt_seconds


def caller_timeout_not_above(
    caller_timeout_s: float | None, callee_timeout_s: float | None, *, prop: str = "Timeout"
) -> Violation | None:
    """A synchronous caller must wait longer than its callee may run."""
    if caller_timeout_s is None or callee_timeout_s is None or caller_timeout_s > callee_timeout_s:
        return None
    return Violation(
        prop,
        f"{prop} {fmt_seconds(caller_timeout_s)} is not above the callee's {fmt_seconds(callee_timeout_s)}; "
        f"{consequence('lambda-sync-invoke-timeout')}",
        limits.SRC_LAMBDA_QUOTAS,
    )


def _sync_calls(model: TemplateModel) -> Iterator[Trigger]:
    """``lambda`` edges whose callee has no event invoke config: likely synchronous."""
    seen: set[tuple[str | None, str]] = set()
    for trigger in model.triggers:
        if trigger.kind != "lambda" or trigger.function in model.event_invoke_configs:
            continue
        if (trigger.source, trigger.function) not in seen:
            seen.add((trigger.source, trigger.function))
            yield trigger


def _timeouts(model: TemplateModel, trigger: Trigger) -> tuple[float | None, float | None]:
    caller = model.resources[trigger.source] if trigger.source else None
    callee = model.resources[trigger.function]
    return (model.timeout_s(caller) if caller else None), model.timeout_s(callee)


@rule(
    "lambda-sync-invoke-timeout",
    "error",
    explanation="""A synchronous Lambda-to-Lambda call makes the caller wait for the callee;
    if the caller's timeout is not longer, the caller fails while the callee keeps running.
    A grant that only serves the caller's own destinations (its event invoke config's
    OnSuccess / OnFailure function) is no call, and a durable caller suspends instead of
    waiting, so neither is judged.""",
    source=limits.SRC_LAMBDA_SYNC,
    level_reason="""Error: the caller fails (and may be retried) while the callee still runs and
    completes its side effects, which the retry then repeats.""",
)
def lambda_sync_invoke_timeout(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for trigger in _sync_calls(model):
        caller_s, callee_s = _timeouts(model, trigger)
        violation = caller_timeout_not_above(caller_s, callee_s, prop=f"the Timeout of {trigger.source}")
        if violation is not None and trigger.source:
            yield Hit(
                model.resources[trigger.source],
                f"{trigger.source} may invoke {trigger.function}: {violation.message}",
                "Properties/Timeout",
                violation.source,
            )


@rule(
    "lambda-sync-invoke",
    "warning",
    explanation="""A synchronous Lambda-to-Lambda call pays for both functions while the
    caller waits, couples their failures and timeouts, and doubles the concurrency used.""",
    source=limits.SRC_LAMBDA_SYNC,
    level_reason="Warning: a design recommendation; a synchronous call works, it only costs and couples more.",
)
def lambda_sync_invoke(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for trigger in _sync_calls(model):
        caller_s, callee_s = _timeouts(model, trigger)
        if caller_timeout_not_above(caller_s, callee_s) is not None or not trigger.source:
            continue  # lambda-sync-invoke-timeout reports it, as an error
        yield Hit(
            model.resources[trigger.source],
            f"{trigger.source} is allowed to invoke {trigger.function} (via {trigger.via}), which "
            f"has no event invoke config; {consequence('lambda-sync-invoke')}",
            "Properties/Role",
            limits.SRC_LAMBDA_ASYNC,
        )


RULES = (lambda_sync_invoke_timeout, lambda_sync_invoke)
