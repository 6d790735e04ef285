"""What a simulation says, for people: a few lines per function, then what to change
(:mod:`constructs_lib.simulate.advice`), then the notes - within 100 columns; the exit
status ``--fail-on`` asks for; and, for ``explain``, each function's worst scenario.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TextIO

from constructs_lib.simulate.advice import SYNC_MODELS, Advice, advice
from constructs_lib.simulate.run import FunctionResult, Report
from constructs_lib.simulate.scenarios import FAULT_SCENARIOS, SCENARIOS

WIDTH = 100
__all__ = ["FAIL_ON", "WIDTH", "Advice", "advice", "badness", "failed", "function_lines", "worst_outcomes", "write_text"]

# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------
def _wrap(text: str, indent: str = "", more: str = "  ", keep: Sequence[str] = ()) -> str:
    """``text`` within 100 columns; each phrase of ``keep`` stays on one line."""
    for phrase in keep:
        text = text.replace(phrase, phrase.replace(" ", "\0"))
    wrapped = textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + more,
                            break_long_words=True, break_on_hyphens=False)
    return wrapped.replace("\0", " ")


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}"


def function_lines(result: FunctionResult) -> list[str]:
    """The function's name and model, then what happened to its events, within 100 columns."""
    when = f" (when {result.branch})" if result.branch else ""
    head = _wrap(f"{result.name or result.function} [{result.model}]{when}")
    fates = [_count(result.succeeded, "succeeded"), _count(result.dead_lettered, "dead-lettered")]
    if result.metadata_only:
        fates.append(_count(result.metadata_only, "metadata only"))
    if result.returned_errors or result.model in SYNC_MODELS:
        fates.append(_count(result.returned_errors, "returned errors"))
    fates.append(_count(result.lost, "lost"))
    if result.pending:
        fates.append(_count(result.pending, "pending"))
    line = f"{result.events:,} events: {', '.join(fates)}; {_count(result.duplicates, 'duplicates')}"
    extras = []
    if result.caller_timeouts:
        extras.append(_count(result.caller_timeouts, "callers timed out"))
    if result.completed_after_caller_gave_up:
        extras.append(_count(result.completed_after_caller_gave_up, "completed after the caller gave up"))
    if result.throttles:
        extras.append(_count(result.throttles, "throttles"))
    if result.max_iterator_age_s:
        extras.append(f"max iterator age {result.max_iterator_age_s:,.0f} s")
    if result.filtered:
        extras.append(_count(result.filtered, "filtered out"))
    extras.append(f"{result.billed_gb_s:,.1f} GB-s billed in {result.requests:,} requests")
    return [head, _wrap(f"{line}; {'; '.join(extras)}", "  ")]


def write_text(report: Report, out: TextIO, rule_fixes: Mapping[str, str] | None = None) -> None:
    scenario = SCENARIOS[report.scenario]
    print(_wrap(f"scenario {report.scenario}: {scenario.summary}"), file=out)
    account = f"account concurrency {report.account_concurrency:,}"
    noisy = f"; the noisy neighbour is {report.noisy}" if report.noisy else ""
    print(_wrap(f"{report.events:,} events per function, seed {report.seed}, {account}{noisy}"), file=out)
    for result in report.functions:
        print(file=out)
        for line in function_lines(result):
            print(line, file=out)
    changes = [(r, a) for r in report.functions for a in advice(r, rule_fixes)]
    if changes:
        print(file=out)
        print("What to change:", file=out)
        for result, item in changes:
            when = f" (when {result.branch})" if result.branch else ""
            rule = f" Rule {item.rule_id}{':' if item.fix else '.'}" if item.rule_id else ""
            fix = f" {item.fix}" if item.fix else ""
            print(_wrap(f"- {result.name}{when}: {item.count:,} {item.what}.{rule}{fix}", "", "  ",
                        keep=[f"Rule {item.rule_id}"] if item.rule_id else []), file=out)
    if report.notes:
        print(file=out)
    for note in report.notes:
        print(_wrap(f"note: {note}", "", "  "), file=out)


# --------------------------------------------------------------------------------------
# For explain: each function's worst scenario
# --------------------------------------------------------------------------------------
def badness(result: FunctionResult) -> tuple[int, ...]:
    """Worse first: lost, pending, then caller timeouts and duplicates, then what was kept
    as metadata only, dead-lettered or answered with an error."""
    return (result.lost, result.pending, result.caller_timeouts + result.duplicates,
            result.metadata_only + result.dead_lettered + result.returned_errors)


def worst_outcomes(models: Sequence[object], *, events: int = 200, seed: int = 0) -> dict[tuple[str, str], list[str]]:
    """One line per (template, function): its worst outcome over the fault scenarios
    (``poison``, ``slow``, ``outage``, ``burst``) and the rule each loss is predicted by, with
    the command that shows it."""
    from constructs_lib.simulate.run import simulate

    worst: dict[tuple[str, str, str], tuple[FunctionResult, str]] = {}
    for name in FAULT_SCENARIOS:
        for result in simulate(models, name, events=events, seed=seed).functions:  # type: ignore[arg-type]
            key = (result.template, result.function, result.model)
            if key not in worst or badness(result) > badness(worst[key][0]):
                worst[key] = (result, name)
    lines: dict[tuple[str, str], list[str]] = {}
    for (template, function, model), (result, name) in sorted(worst.items()):
        kept = f", {result.metadata_only} metadata only" if result.metadata_only else ""
        text = (
            f"worst simulated outcome ({model}): `{name}` - {result.succeeded}/{result.events} succeeded, "
            f"{result.dead_lettered} dead-lettered{kept}, {result.returned_errors} returned errors, {result.lost} lost, "
            f"{result.duplicates} duplicates, {result.caller_timeouts} caller timeouts"
        )
        for item in advice(result):
            if item.rule_id:
                text += f"; rule `{item.rule_id}` predicts it: `constructs-lib simulate PATH --scenario {name}`"
        lines.setdefault((template, function), []).append(text)
    return lines


#: Exit statuses of ``constructs-lib simulate`` by ``--fail-on`` level: what makes it exit 1.
FAIL_ON = ("lost", "duplicates", "any", "none")


def failed(report: Report, fail_on: str = "lost") -> bool:
    """Whether ``report`` fails at ``fail_on``: ``lost`` (the default) - an event lost or
    still pending, or a value AWS refuses; ``duplicates`` - that, or an event processed more
    than once; ``any`` - that, or any event that did not simply succeed (dead-lettered,
    metadata only, answered with an error, a caller timed out); ``none`` - never."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    if fail_on == "none":
        return False
    if report.refused or any(f.lost or f.pending for f in report.functions):
        return True
    if fail_on == "lost":
        return False
    if any(f.duplicates for f in report.functions):
        return True
    if fail_on == "duplicates":
        return False
    return any(f.dead_lettered or f.metadata_only or f.returned_errors or f.caller_timeouts for f in report.functions)

