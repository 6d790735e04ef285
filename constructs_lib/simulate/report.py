"""What a simulation says, for people: a few lines per function, then what to change
(:mod:`constructs_lib.simulate.advice`, in the words of :mod:`constructs_lib.messages`),
then the notes - within the width the command gives (100 columns when not a terminal); the
exit status ``--fail-on`` asks for; and, for ``explain``, each function's worst scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

from constructs_lib.simulate.advice import SYNC_MODELS, Advice, advice
from constructs_lib.simulate.run import FunctionResult, Report
from constructs_lib.simulate.scenarios import FAULT_SCENARIOS, SCENARIOS
from constructs_lib.template.text import DEFAULT_WIDTH, fill, printable, wrap

#: The width of the text when the caller does not give one (``constructs_lib.cli._term``
#: gives the terminal's).
WIDTH = DEFAULT_WIDTH
__all__ = ["FAIL_ON", "WIDTH", "Advice", "advice", "advice_line", "badness", "failed", "function_lines",
           "worst_outcomes", "write_text"]

# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------
def _wrap(text: str, indent: str = "", more: str = "  ", width: int = WIDTH) -> str:
    """``text`` within ``width`` columns (template text escaped); a word longer than a line
    (a URL, a path) stays whole on a line of its own."""
    return fill(printable(text), width, indent=indent, hanging=indent + more)


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}"


def function_lines(result: FunctionResult, width: int = WIDTH) -> list[str]:
    """The function's name and model, then what happened to its events, within ``width``
    columns (each of the two strings may hold several lines)."""
    when = f" (when {result.branch})" if result.branch else ""
    head = _wrap(f"{result.name or result.function} [{result.model}]{when}", width=width)
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
    return [head, _wrap(f"{line}; {'; '.join(extras)}", "  ", width=width)]


def advice_line(name: str, item: Advice) -> str:
    """One piece of advice as a sentence: what happened to how many events, then - when a
    rule predicts it - the rule's consequence (the words of ``check`` and ``explain``) and
    the rule, then the fix."""
    if item.rule_id is None:
        return f"{name}: {item.count:,} {item.what}." + (f" {item.fix}" if item.fix else "")
    why = f": {item.why}" if item.why else ""
    fix = f" Fix: {item.fix}" if item.fix else ""
    return f"{name}: {item.count:,} {item.what}{why} (rule {item.rule_id}).{fix}"


def write_text(report: Report, out: TextIO, rule_fixes: Mapping[str, str] | None = None, *,
               width: int = WIDTH, style: Callable[..., str] | None = None) -> None:
    """The report for people, within ``width`` columns (``style`` colours the functions'
    names and the headings on a terminal); template text escaped."""
    paint = style or (lambda text, *styles: text)

    def say(text: str, *styles: str, keep: Sequence[str] = ()) -> None:
        for line in wrap(printable(text), width, keep=tuple(keep)):
            print(paint(line, *styles), file=out)

    scenario = SCENARIOS[report.scenario]
    say(f"scenario {report.scenario}: {scenario.summary}", "bold")
    account = f"account concurrency {report.account_concurrency:,}"
    noisy = f"; the noisy neighbour is {report.noisy}" if report.noisy else ""
    say(f"{report.events:,} events per function, seed {report.seed}, {account}{noisy}")
    for result in report.functions:
        print(file=out)
        head, body = function_lines(result, width)
        print(paint(head, "bold"), file=out)
        print(body, file=out)
    changes = [(r, a) for r in report.functions for a in advice(r, rule_fixes)]
    if changes:
        print(file=out)
        say("What to change:", "bold")
        for result, item in changes:
            when = f" (when {result.branch})" if result.branch else ""
            say(f"- {advice_line(result.name + when, item)}", keep=[f"(rule {item.rule_id})"] if item.rule_id else [])
    if report.notes:
        print(file=out)
    for note in report.notes:
        say(f"note: {note}")


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

