"""Rules for a function invoked asynchronously (S3, SNS, EventBridge, ``InvocationType=Event``).

Two retry layers meet here and each has its own rules: Lambda's event invoke config
(``retry_attempts`` 0-2, ``max_event_age`` 60 s - 6 h) retries *execution* failures and
ends in the on-failure destination; an EventBridge target's retry policy (0-185
attempts, 60 s - 24 h) retries *delivery* failures and ends in the target's dead-letter
queue. The queues that catch failures are checked too: standard and kept long enough
for someone to look at them (their encryption rules live in :mod:`constructs_lib.value_rules.sqs`,
shared with QueueConsumer's dead-letter queue).
"""

from __future__ import annotations

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.value_rules import Violation, check_range, fmt_seconds, num


def check_retry_attempts(retry_attempts: float | None, *, prop: str = "retry_attempts") -> Violation | None:
    """MaximumRetryAttempts of an event invoke config within Lambda's 0-2."""
    return check_range(
        prop,
        retry_attempts,
        limits.ASYNC_MIN_RETRY_ATTEMPTS,
        limits.ASYNC_MAX_RETRY_ATTEMPTS,
        why="Lambda retries an asynchronous event at most twice and rejects the event "
        "invoke config otherwise",
        source=limits.SRC_EVENT_INVOKE_CONFIG,
    )


def check_max_event_age(max_event_age_s: float | None, *, prop: str = "max_event_age") -> Violation | None:
    """MaximumEventAgeInSeconds of an event invoke config within Lambda's 60 s - 6 h."""
    return check_range(
        prop,
        max_event_age_s,
        limits.ASYNC_MIN_EVENT_AGE_S,
        limits.ASYNC_MAX_EVENT_AGE_S,
        unit="s",
        why="Lambda accepts 60 s to 6 hours (it keeps an asynchronous event in its internal "
        "queue for at most 6 hours) and rejects the event invoke config otherwise",
        source=limits.SRC_EVENT_INVOKE_CONFIG,
    )


def min_event_age_for_retries_s(retry_attempts: float, timeout_s: float) -> float:
    """How old an event is when its last retry starts, at the latest (without throttling).

    Every attempt may run for the full timeout, and Lambda waits 1 minute before the
    first retry and 2 minutes before the second.
    """
    attempts = int(retry_attempts)
    return attempts * timeout_s + sum(limits.ASYNC_RETRY_DELAYS_S[:attempts])


def retries_outlived(
    retry_attempts: float | None,
    max_event_age_s: float | None,
    timeout_s: float | None,
    *,
    prop: str = "max_event_age",
    retry_prop: str = "retry_attempts",
    timeout_prop: str = "timeout",
) -> Violation | None:
    """A warning: the event can expire before the configured retries get their turn."""
    if retry_attempts is None or max_event_age_s is None or timeout_s is None or retry_attempts <= 0:
        return None
    needed = min_event_age_for_retries_s(retry_attempts, timeout_s)
    if max_event_age_s >= needed:
        return None
    delays = " + ".join(fmt_seconds(d) for d in limits.ASYNC_RETRY_DELAYS_S[: int(retry_attempts)])
    return Violation(
        prop,
        f"{prop} {fmt_seconds(max_event_age_s)} is shorter than {retry_prop} "
        f"({num(retry_attempts)}) x {timeout_prop} ({fmt_seconds(timeout_s)}) + Lambda's retry "
        f"delays ({delays}) = {fmt_seconds(needed)}; an event whose attempts run long expires "
        "and goes to the on-failure destination before its last retry, so the retries you "
        f"configured may never run. Raise {prop} or lower {retry_prop}",
        limits.SRC_LAMBDA_ASYNC,
    )


def check_target_retry_attempts(
    retry_attempts: float | None, *, prop: str = "retry_attempts"
) -> Violation | None:
    """An EventBridge target's RetryPolicy.MaximumRetryAttempts within 0-185."""
    return check_range(
        prop,
        retry_attempts,
        limits.EVENTBRIDGE_MIN_RETRY_ATTEMPTS,
        limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS,
        why=consequence("eventbridge-target-retry-policy"),
        source=limits.SRC_EVENTBRIDGE_RETRY,
    )


def check_target_max_event_age(
    max_event_age_s: float | None, *, prop: str = "max_event_age"
) -> Violation | None:
    """An EventBridge target's RetryPolicy.MaximumEventAgeInSeconds within 60 s - 24 h."""
    return check_range(
        prop,
        max_event_age_s,
        limits.EVENTBRIDGE_MIN_EVENT_AGE_S,
        limits.EVENTBRIDGE_MAX_EVENT_AGE_S,
        unit="s",
        why=f"EventBridge retries delivery for at most 24 hours; {consequence('eventbridge-target-retry-policy')}",
        source=limits.SRC_EVENTBRIDGE_RETRY,
    )


def check_failure_queue_standard(
    fifo: bool | None, *, prop: str = "dead_letter_queue", service: str = "EventBridge"
) -> Violation | None:
    """EventBridge target DLQs, SNS DLQs of standard topics and Lambda destinations are
    standard queues: a FIFO queue cannot receive their failures."""
    if not fifo:
        return None
    return Violation(
        prop,
        f"{prop} is a FIFO queue; {service} sends failed events only to a standard SQS "
        "queue, so these failures would be lost. Use a standard queue",
        limits.SRC_EVENTBRIDGE_DLQ if service == "EventBridge" else limits.SRC_SNS_DLQ,
    )


#: Destination kinds as :func:`constructs_lib._failure.destination_facts` reports them.
SQS_QUEUE = "sqs-queue"
SNS_TOPIC = "sns-topic"


def check_destination_not_fifo(
    kind: str | None, fifo: bool | None, *, prop: str = "on_failure", name: str = ""
) -> Violation | None:
    """Lambda destinations (asynchronous invocation records and the on-failure records of
    event source mappings) are sent without a message group id: a FIFO queue is refused as
    a destination, and a FIFO topic refuses the Publish."""
    if not fifo or kind not in (SQS_QUEUE, SNS_TOPIC):
        return None
    what = "FIFO queue" if kind == SQS_QUEUE else "FIFO topic"
    why = (
        "Lambda does not accept a FIFO queue as a destination"
        if kind == SQS_QUEUE
        else "Lambda publishes invocation records without a MessageGroupId, which a FIFO topic requires, so every delivery fails"
    )
    return Violation(
        prop,
        f"{prop}{' ' + name if name else ''} is a {what}; {why}, and the records of failed invocations "
        "would be lost. Use a standard queue or topic",
        limits.SRC_LAMBDA_DESTINATION_CONFIG if kind == SQS_QUEUE else limits.SRC_SNS_PUBLISH,
    )


def check_destination_encrypted(
    encryption: str | None, *, prop: str = "on_failure", name: str = ""
) -> Violation | None:
    """A queue that receives failure records holds the failed events themselves: encrypted."""
    if encryption != "none":
        return None
    return Violation(
        prop,
        f"{prop}{' ' + name if name else ''} has server-side encryption turned off; it receives the "
        "records of failed invocations (often personal data). Use SQS-managed encryption "
        "(sqs.QueueEncryption.SQS_MANAGED) or a KMS key",
        limits.SRC_SQS_DLQ,
    )


def check_topic_not_fifo(fifo: bool | None, *, prop: str = "topic") -> Violation | None:
    """A FIFO topic delivers to SQS queues only; a Lambda subscription is refused."""
    if not fifo:
        return None
    return Violation(
        prop,
        f"{prop} is a FIFO topic; SNS FIFO topics deliver only to Amazon SQS queues, so SNS refuses "
        "a Lambda subscription. Subscribe an SQS FIFO queue to the topic and consume it with a "
        "QueueConsumer (fifo=True), or use a standard topic",
        limits.SRC_SNS_FIFO_DELIVERY,
    )


def check_topic_dead_letter_queue_region(
    topic_region: str | None,
    queue_region: str | None,
    *,
    topic: str = "the topic",
    queue: str = "the dead-letter queue",
    prop: str = "topic",
) -> Violation | None:
    """A subscription lives in its topic's Region, and SNS requires its dead-letter queue in
    the same account and Region. ``None`` for a Region that is not a known literal (a token)."""
    if topic_region is None or queue_region is None or topic_region == queue_region:
        return None
    return Violation(
        prop,
        f"{prop} {topic} is in {topic_region}, so its subscription is made in {topic_region}, but "
        f"{queue} is in {queue_region}; SNS requires a subscription's dead-letter queue in the "
        f"same account and Region as the subscription and refuses the redrive policy otherwise. "
        f"Subscribe from a stack in {topic_region} (with a dead_letter_queue there), or use a topic in {queue_region}",
        limits.SRC_SNS_DLQ,
    )


def events_overlap(a: str, b: str) -> bool:
    """S3 event types overlap when equal or when one is the wildcard of the other's family
    (``s3:ObjectCreated:*`` and ``s3:ObjectCreated:Put``)."""
    if a == b:
        return True
    family_a, _, last_a = a.rpartition(":")
    family_b, _, last_b = b.rpartition(":")
    return family_a == family_b and "*" in (last_a, last_b)


def check_notification_overlap(
    existing: list[tuple[str, str, str]],
    event: str,
    prefix: str,
    suffix: str,
    *,
    prop: str = "events",
    bucket: str = "the bucket",
) -> Violation | None:
    """S3 refuses two notification configurations of one bucket whose event types overlap
    and whose prefixes and suffixes both overlap (one starts / ends the other; empty
    overlaps everything). ``existing`` holds ``(event, prefix, suffix)`` already added."""
    for other_event, other_prefix, other_suffix in existing:
        if (
            events_overlap(event, other_event)
            and (prefix.startswith(other_prefix) or other_prefix.startswith(prefix))
            and (suffix.endswith(other_suffix) or other_suffix.endswith(suffix))
        ):
            return Violation(
                prop,
                f"{prop} {event} (prefix {prefix!r}, suffix {suffix!r}) overlaps {other_event} (prefix "
                f"{other_prefix!r}, suffix {other_suffix!r}) already configured on {bucket}; S3 refuses "
                "overlapping notification configurations (\"Configuration is ambiguously defined\"), so "
                "the deploy would fail. Use one event type, or filters that do not overlap",
                limits.SRC_S3_NOTIFICATION_FILTERING,
            )
    return None


def check_notification_filters(
    filters: list[tuple[str | None, str | None]], *, prop: str = "filters"
) -> Violation | None:
    """Key filters of one bucket notification: each names a prefix and/or a suffix, and
    there is at most one prefix and one suffix in all (S3's filter holds one rule of each)."""
    prefixes = [p for p, _ in filters if p]
    suffixes = [s for _, s in filters if s]
    empty = [i for i, (p, s) in enumerate(filters) if not p and not s]
    if empty:
        return Violation(
            prop,
            f"{prop}[{empty[0]}] has neither a prefix nor a suffix; an s3.NotificationKeyFilter "
            "must name at least one (leave the filter out to match every key)",
            limits.SRC_S3_NOTIFICATION_FILTERING,
        )
    if len(prefixes) > 1 or len(suffixes) > 1:
        what = "prefixes" if len(prefixes) > 1 else "suffixes"
        return Violation(
            prop,
            f"{prop} has {len(prefixes) if what == 'prefixes' else len(suffixes)} {what}; an S3 "
            "notification filter holds at most one prefix rule and one suffix rule",
            limits.SRC_S3_NOTIFICATION_FILTERING,
        )
    return None


def unverified_on_failure(destination: str, *, prop: str = "on_failure") -> Violation:
    """A warning: a destination the user brought cannot be inspected (the queue, topic,
    bus or function inside a ``lambda_.IDestination`` is private), so say what it must be."""
    return Violation(
        prop,
        f"{prop} {destination} is your own destination, which this construct cannot inspect; "
        "make sure it is encrypted (SSE-SQS, or a KMS key whose policy lets the function's "
        "role use it), a standard queue or topic - not FIFO: Lambda destinations reject FIFO "
        f"queues - and keeps what it receives at least {limits.FAILURE_QUEUE_RETENTION_S} s "
        "(14 days, as the queue this construct would create). Otherwise the invocation "
        "record of a failed event - its only copy - can be rejected or expire unseen",
        limits.SRC_LAMBDA_DESTINATION_CONFIG,
    )


def check_destination_function_failure_path(
    has_on_failure: bool, has_dead_letter_queue: bool, *, durable: bool = False, prop: str = "on_failure", name: str = "the function"
) -> Violation | None:
    """A function that is a Lambda destination is invoked asynchronously (by Lambda), so it
    needs a failure path of its own: an on-failure destination (its event invoke config) or
    a dead-letter queue; a durable function only a dead-letter queue (it ignores
    destinations). The checks' ``async-failure-destination`` rule asks the same of every
    asynchronously invoked function in a template."""
    if has_dead_letter_queue or (has_on_failure and not durable):
        return None
    extra = " (a durable function ignores on-failure destinations: only a dead-letter queue keeps its events)" if durable else ""
    return Violation(
        prop,
        f"{prop} LambdaDestination({name}): Lambda invokes a destination function asynchronously, "
        f"and {name} has neither an on-failure destination nor a dead-letter queue{extra}, so a "
        "record it fails to handle would be discarded after Lambda's retries - and "
        "`constructs-lib check` reports the app (async-failure-destination). Make the "
        "destination an AsyncWorker's function (it has an on-failure queue), or give the "
        "function one before passing it: function.configure_async_invoke(on_failure=...) or "
        "dead_letter_queue=... on the function",
        limits.SRC_LAMBDA_ASYNC_DEST,
    )


def check_rule_stack(rule_stack: str, worker_stack: str, *, prop: str = "rule") -> Violation | None:
    """An EventBridge rule that targets the worker must be in the worker's stack: its target
    names the worker's function, and the target's dead-letter queue policy and the invoke
    permission name the rule - references both ways between two stacks, which CloudFormation
    cannot deploy (a dependency cycle)."""
    if rule_stack == worker_stack:
        return None
    return Violation(
        prop,
        f"{prop} is in stack {rule_stack}, the worker in stack {worker_stack}: the rule's target names "
        "the worker's function, while the target's dead-letter queue policy names the rule, so each "
        "stack would need the other deployed first (a dependency cycle). Create the rule in "
        f"{worker_stack}; it can match events of a bus in another stack (events.Rule(..., event_bus=bus))",
        limits.SRC_EVENTBRIDGE_DLQ,
    )


def check_dead_letter_queue_stack(
    queue_stack: str, rule_stack: str, *, prop: str = "dead_letter_queue"
) -> Violation | None:
    """An EventBridge target's dead-letter queue made in this app must be in the rule's stack:
    its queue policy names the rule, and the rule's target names the queue."""
    if queue_stack == rule_stack:
        return None
    return Violation(
        prop,
        f"{prop} is in stack {queue_stack}, the rule in stack {rule_stack}: the rule's target names the "
        "queue and the queue's policy (which lets EventBridge send to it) names the rule, a dependency "
        f"cycle between the two stacks. Pass a queue of stack {rule_stack}, or leave dead_letter_queue "
        "unset (the worker makes one)",
        limits.SRC_EVENTBRIDGE_DLQ,
    )


def unverified_dead_letter_queue_policy(service: str, principal: str, source_arn: str, *, prop: str = "dead_letter_queue") -> Violation:
    """A warning: an imported dead-letter queue's policy cannot be changed here, and the service
    sends to it only if the policy allows it."""
    return Violation(
        prop,
        f"{prop} is imported, so its queue policy cannot be extended here; {service} can send failed "
        f"deliveries to it only if that policy allows the service principal {principal} sqs:SendMessage "
        f"(with aws:SourceArn {source_arn}) - otherwise they are lost. Check the queue's policy, or "
        "pass a queue made in this app",
        limits.SRC_SNS_DLQ if service == "Amazon SNS" else limits.SRC_EVENTBRIDGE_DLQ,
    )


def unverified_destination_function(*, prop: str = "on_failure") -> Violation:
    """A warning: an imported destination function cannot be inspected for its failure path."""
    return Violation(
        prop,
        f"{prop} LambdaDestination of an imported function: Lambda invokes it asynchronously, and "
        "this construct cannot see whether it has a failure path of its own. Make sure it has an "
        "on-failure destination or a dead-letter queue, or a record it fails to handle is discarded",
        limits.SRC_LAMBDA_ASYNC_DEST,
    )


def short_failure_queue_retention(
    retention_s: float | None, *, prop: str = "dead_letter_queue"
) -> Violation | None:
    """A warning: a failure queue that keeps messages less than the 14-day maximum."""
    if retention_s is None or retention_s >= limits.FAILURE_QUEUE_RETENTION_S:
        return None
    return Violation(
        prop,
        f"{prop} retention {retention_s:.0f} s ({retention_s / 86400:.4g} days) is below "
        f"{limits.FAILURE_QUEUE_RETENTION_S} s (14 days, the SQS maximum); a "
        "failed event is deleted when its retention ends, and nothing else keeps a copy, so "
        "an operator has less time to notice, fix and redrive it",
        limits.SRC_SQS_QUOTAS,
    )


__all__ = [
    "check_destination_encrypted",
    "check_destination_function_failure_path",
    "check_destination_not_fifo",
    "check_failure_queue_standard",
    "check_max_event_age",
    "check_notification_filters",
    "check_notification_overlap",
    "check_dead_letter_queue_stack",
    "check_retry_attempts",
    "check_rule_stack",
    "check_target_max_event_age",
    "check_target_retry_attempts",
    "check_topic_not_fifo",
    "events_overlap",
    "min_event_age_for_retries_s",
    "retries_outlived",
    "short_failure_queue_retention",
    "unverified_dead_letter_queue_policy",
    "unverified_destination_function",
    "unverified_on_failure",
]
