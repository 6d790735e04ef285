"""What a simulation says, for people: one line per function, then what to change.

Each way an event can be lost (or dead-lettered without ever failing, or processed
twice, or time out at its caller) has a cause, and each cause a check rule that predicts
it from the template: the advice names the rule by its id, a plain string, so a finding
of ``constructs-lib check`` and the simulation that demonstrates it point at each other.
The simulation does not import the checks; whoever joins the two (the command line,
``explain``) passes the rules' fixes in as ``rule_fixes`` (rule id -> fix).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from constructs_lib.simulate.config import SqsMapping, StreamMapping
from constructs_lib.simulate.run import FunctionResult, Report
from constructs_lib.simulate.scenarios import SCENARIOS

#: cause -> (rule id, what happened), for the causes a template predicts.
CAUSE_RULES: dict[str, tuple[str, str]] = {
    "sqs-retention": ("sqs-redrive-policy", "messages expired from their queue after failing until its retention ended"),
    "dlq-retention": ("sqs-dlq-retention", "messages reached a dead-letter queue that keeps them for less than their age"),
    "stream-retention": ("stream-unbounded-retries", "records were retried until the stream no longer held them"),
    "stream-discarded": ("stream-on-failure-destination", "records were discarded after their retries with no on-failure destination"),
    "async-discarded": ("async-failure-destination", "asynchronous events were discarded after Lambda's retries / maximum age"),
    "eventbridge-dropped": ("eventbridge-target-dlq", "EventBridge could not deliver events and had no target dead-letter queue"),
    "sns-dropped": ("sns-subscription-redrive", "SNS could not deliver messages and the subscription has no redrive policy"),
    "caller-timeout": ("apigw-integration-timeout", "callers got a 504 while the function ran on; their retries ran it again"),
}


@dataclass(frozen=True)
class Advice:
    rule_id: str
    what: str
    count: int
    fix: str


def advice(result: FunctionResult, rule_fixes: Mapping[str, str] | None = None) -> list[Advice]:
    """What to change, for each cause of loss (and of duplicates, caller timeouts and
    dead-lettered events that never failed) in ``result``. ``rule_fixes`` (rule id -> the
    rule's fix) fills in the fix of advice that is a rule's own; without it that fix is
    empty and the rule id says where to look."""
    fixes = rule_fixes or {}

    def _rule_fix(rule_id: str) -> str:
        return fixes.get(rule_id, "")

    found: list[Advice] = []
    causes = dict(result.causes)
    cfg = result.config
    for cause, count in sorted(causes.items()):
        if count <= 0:
            continue
        if cause == "caller-timeout" and result.model == "lambda":
            found.append(Advice("lambda-sync-invoke-timeout", "the calling function timed out while this one ran on", count,
                                _rule_fix("lambda-sync-invoke-timeout")))
            continue
        if cause == "sqs-retention" and isinstance(cfg, SqsMapping) and cfg.max_receive_count is not None:
            found.append(Advice("sqs-redrive-policy", "messages expired before reaching maxReceiveCount", count,
                                "Keep MessageRetentionPeriod well above maxReceiveCount x VisibilityTimeout."))
            continue
        if cause == "stream-retention" and isinstance(cfg, StreamMapping) and not (cfg.retries < 0 and cfg.max_record_age_s is None):
            found.append(Advice("stream-unbounded-retries", "records expired from the stream before their retries ended", count,
                                "Lower MaximumRecordAgeInSeconds below the stream's retention."))
            continue
        if cause in CAUSE_RULES:
            rule_id, what = CAUSE_RULES[cause]
            found.append(Advice(rule_id, what, count, _rule_fix(rule_id)))
    duplicates = result.duplicates
    if duplicates and isinstance(cfg, SqsMapping) and "caller-timeout" not in causes:
        found.append(Advice("sqs-visibility-timeout", "messages became visible again while their batch still ran and were processed twice",
                            duplicates, _rule_fix("sqs-visibility-timeout")))
    throttled = causes.get("throttled", 0)
    if throttled:
        zero = result.stats.get("invocations", 0) == 0
        rule_id = "lambda-reserved-concurrency-zero" if zero else "esm-max-concurrency-above-reserved" if isinstance(cfg, SqsMapping) else ""
        what = "events were dead-lettered" if result.model not in ("apigateway", "url", "lambda") else "requests were answered with errors"
        if rule_id:
            found.append(Advice(rule_id, f"{what} after throttling, without a failed invocation", throttled, _rule_fix(rule_id)))
    return found


def function_line(result: FunctionResult) -> str:
    name = result.template.split("/")[-1].removesuffix(".template.json")
    text = (
        f"{name}/{result.function} [{result.model}]{f' (when {result.branch})' if result.branch else ''} {result.events} events: {result.succeeded} succeeded, "
        f"{result.dead_lettered} dead-lettered, {result.returned_errors} returned errors, {result.lost} lost, "
        f"{result.pending} pending; {result.duplicates} duplicates, {result.caller_timeouts} caller timeouts"
    )
    extras = []
    if result.filtered:
        extras.append(f"{result.filtered} filtered out")
    if result.stats.get("throttles"):
        extras.append(f"{result.stats['throttles']} throttles")
    if result.max_iterator_age_s:
        extras.append(f"max iterator age {result.max_iterator_age_s:,.0f} s")
    return text + (f" ({', '.join(extras)})" if extras else "")


def write_text(report: Report, out: TextIO, rule_fixes: Mapping[str, str] | None = None) -> None:
    scenario = SCENARIOS[report.scenario]
    print(f"scenario {report.scenario} ({scenario.summary}), {report.events} events per function, seed {report.seed}", file=out)
    for result in report.functions:
        print(function_line(result), file=out)
    changes = [(r, a) for r in report.functions for a in advice(r, rule_fixes)]
    if changes:
        print(file=out)
        print("What to change:", file=out)
        for result, item in changes:
            when = f" (when {result.branch})" if result.branch else ""
            print(f"- {result.function}{when}: {item.count} {item.what} - rule {item.rule_id}: {item.fix}", file=out)
    for note in report.notes:
        print(f"note: {note}", file=out)


# --------------------------------------------------------------------------------------
# For explain: each function's worst scenario
# --------------------------------------------------------------------------------------
def badness(result: FunctionResult) -> tuple[int, ...]:
    """Worse first: lost, pending, then caller timeouts and duplicates, then what was
    dead-lettered or answered with an error."""
    return (result.lost, result.pending, result.caller_timeouts + result.duplicates, result.dead_lettered + result.returned_errors)


def worst_outcomes(models: Sequence[object], *, events: int = 200, seed: int = 0) -> dict[tuple[str, str], list[str]]:
    """One line per (template, function): its worst outcome over the four scenarios and
    the rule each loss is predicted by, with the command that shows it."""
    from constructs_lib.simulate.run import simulate

    worst: dict[tuple[str, str, str], tuple[FunctionResult, str]] = {}
    for name in SCENARIOS:
        for result in simulate(models, name, events=events, seed=seed).functions:  # type: ignore[arg-type]
            key = (result.template, result.function, result.model)
            if key not in worst or badness(result) > badness(worst[key][0]):
                worst[key] = (result, name)
    lines: dict[tuple[str, str], list[str]] = {}
    for (template, function, model), (result, name) in sorted(worst.items()):
        text = (
            f"worst simulated outcome ({model}): `{name}` - {result.succeeded}/{result.events} succeeded, "
            f"{result.dead_lettered} dead-lettered, {result.returned_errors} returned errors, {result.lost} lost, "
            f"{result.duplicates} duplicates, {result.caller_timeouts} caller timeouts"
        )
        for item in advice(result):
            text += f"; rule `{item.rule_id}` predicts it: `constructs-lib simulate PATH --scenario {name}`"
        lines.setdefault((template, function), []).append(text)
    return lines
