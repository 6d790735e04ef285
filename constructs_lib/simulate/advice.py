"""What to change, for each cause a simulation found: advice that names the check rule
predicting it (by its id, a plain string: the simulation does not import the checks), with
the rule's consequence and fix from :mod:`constructs_lib.messages` (the words ``check`` and
``explain`` use too), or none when no rule does (a neighbour that took the account's
concurrency), with advice of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from constructs_lib import messages
from constructs_lib.simulate.config import SqsMapping, StreamMapping

if TYPE_CHECKING:
    from constructs_lib.simulate.run import FunctionResult

SYNC_MODELS = ("apigateway", "url", "lambda")

#: cause -> (rule id, what happened), for the causes a template predicts.
CAUSE_RULES: dict[str, tuple[str | None, str]] = {
    "sqs-retention": ("sqs-redrive-policy", "messages lost"),
    "dlq-retention": ("sqs-dlq-retention", "messages lost from the dead-letter queue"),
    "stream-retention": ("stream-unbounded-retries", "records lost"),
    "stream-discarded": ("stream-on-failure-destination", "records discarded"),
    "async-discarded": ("async-failure-destination", "asynchronous events discarded"),
    "eventbridge-dropped": ("eventbridge-target-dlq", "events EventBridge dropped"),
    "sns-dropped": ("sns-subscription-redrive", "messages SNS dropped"),
    "batch-failure": ("sqs-partial-batch-response", "healthy messages dead-lettered with a failing message of their batch"),
}


@dataclass(frozen=True)
class Advice:
    """One thing to change: how many events ``what`` happened to, the rule that predicts it
    (if one does), ``why`` - the rule's consequence, as ``check`` and ``explain`` word it -
    and the ``fix``."""

    rule_id: str | None
    what: str
    count: int
    fix: str
    why: str = ""


def advice(result: FunctionResult, rule_fixes: Mapping[str, str] | None = None) -> list[Advice]:
    """What to change, for each cause of loss (and of duplicates, caller timeouts, throttled
    and healthy events dead-lettered, metadata-only records) in ``result``. Advice that is a
    rule's own carries the rule's consequence and fix from :mod:`constructs_lib.messages`
    (``rule_fixes``, rule id -> fix, may replace a fix)."""
    fixes = rule_fixes or {}

    def _rule_fix(rule_id: str | None) -> str:
        if not rule_id:
            return ""
        return fixes.get(rule_id) or (messages.fix(rule_id) if rule_id in messages.MESSAGES else "")

    def _rule(rule_id: str, what: str, count: int) -> Advice:
        why = messages.consequence(rule_id) if rule_id in messages.MESSAGES else ""
        return Advice(rule_id, what, count, _rule_fix(rule_id), why)

    found: list[Advice] = []
    causes = dict(result.causes)
    cfg = result.config
    for cause, count in sorted(causes.items()):
        if count <= 0:
            continue
        if cause == "sqs-retention" and isinstance(cfg, SqsMapping) and cfg.max_receive_count is not None:
            found.append(Advice("sqs-redrive-policy", "messages expired before reaching maxReceiveCount", count,
                                "Keep MessageRetentionPeriod well above maxReceiveCount x VisibilityTimeout."))
            continue
        if cause == "stream-retention" and isinstance(cfg, StreamMapping) and not (cfg.retries < 0 and cfg.max_record_age_s is None):
            found.append(Advice("stream-unbounded-retries", "records expired from the stream before their retries ended", count,
                                "Lower MaximumRecordAgeInSeconds below the stream's retention."))
            continue
        if cause == "stream-metadata-only" and isinstance(cfg, StreamMapping):
            hours = cfg.retention_s / 3600
            found.append(Advice(
                None, f"records' metadata only reached the on-failure destination ({cfg.on_failure_kind or 'not S3'}); "
                f"the records stay in the stream for {hours:g} h after they arrived, then are gone", count,
                "Replay them from the stream (the metadata names the shard and sequence numbers) within the "
                "retention, or make the on-failure destination an S3 bucket, which receives the records.",
            ))
            continue
        if cause in CAUSE_RULES:
            rule_id, what = CAUSE_RULES[cause]
            found.append(_rule(rule_id, what, count) if rule_id else Advice(None, what, count, ""))
    if result.caller_timeouts:
        rule_id = "lambda-sync-invoke-timeout" if result.model == "lambda" else "apigw-integration-timeout"
        what = ("callers timed out while this function ran on" if result.model == "lambda"
                else "callers got a 504 while the function ran on")
        found.append(_rule(rule_id, what, result.caller_timeouts))
    redelivered = result.duplicate_causes.get("visibility-timeout", 0)
    if redelivered and isinstance(cfg, SqsMapping):
        found.append(_rule("sqs-visibility-timeout",
                           "messages processed twice",
                           redelivered))
    found.extend(_throttle_advice(result, _rule))
    return found


def _throttle_advice(result: FunctionResult, rule: Callable[[str, str, int], Advice]) -> list[Advice]:
    throttled = result.causes.get("throttled", 0)
    neighbour = result.stats.get("throttles_neighbour", 0)
    own = result.stats.get("throttles_account", 0)
    cfg = result.config
    sync = result.model in SYNC_MODELS
    what = "requests were answered with errors" if sync else "events were dead-lettered or lost"
    found: list[Advice] = []
    if throttled:
        reserved_zero = result.stats.get("invocations", 0) == 0 and result.stats.get("throttles_reserved", 0) > 0
        if reserved_zero:
            rule_id: str | None = "lambda-reserved-concurrency-zero"
        elif isinstance(cfg, SqsMapping) and result.stats.get("throttles_reserved", 0):
            rule_id = "sqs-provisioned-pollers" if cfg.pollers is not None else "esm-max-concurrency-above-reserved"
        else:
            rule_id = None
        if rule_id is not None:
            found.append(rule(rule_id, f"{what} after throttling, without a failed invocation", throttled))
    elif isinstance(cfg, SqsMapping) and result.stats.get("throttles_reserved", 0):
        # Nothing reached the dead-letter queue (the mapping backed off), but its pollers ran
        # more batches than the function's reserved concurrency allows: "Lambda may throttle
        # your messages" (limits.SRC_LAMBDA_SQS_SCALING), and every throttle delays a batch.
        rule_id = "sqs-provisioned-pollers" if cfg.pollers is not None else "esm-max-concurrency-above-reserved"
        found.append(rule(rule_id, "batches were throttled by the function's reserved concurrency (delayed, "
                          "none dead-lettered)", result.stats["throttles_reserved"]))
    if neighbour:
        found.append(Advice(
            None, "invocations were throttled because other functions had taken the account's unreserved "
            "concurrency (a noisy neighbour)", neighbour,
            "Give the function reserved concurrency (ReservedConcurrentExecutions): that share is then its own.",
        ))
    if own and own >= neighbour:
        found.append(Advice(
            None, "invocations were throttled when this function held most of the account's unreserved "
            "concurrency, starving its neighbours", own,
            "Reserved concurrency also caps a function: reserve what it needs so its bursts cannot take the others' "
            "share.",
        ))
    return found
