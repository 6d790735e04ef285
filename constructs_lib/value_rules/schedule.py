"""Rules for an EventBridge Scheduler schedule that targets a Lambda function.

Scheduler invokes Lambda asynchronously (``InvocationType=Event``) through its own retry
loop: the target's retry policy (0-185 attempts, 60 s - 24 h) retries *delivery* failures and
ends in the target's dead-letter queue, a standard SQS queue the schedule's execution role sends
to. Once Lambda accepted the event, the function's own retries and on-failure destination apply.
Sources: ``limits.SRC_SCHEDULER_RETRY``, ``limits.SRC_SCHEDULER_DLQ``.
"""

from __future__ import annotations

from constructs_lib import limits
from constructs_lib.value_rules import Violation, check_range


def check_schedule_retry_attempts(
    retry_attempts: float | None, *, prop: str = "retry_attempts"
) -> Violation | None:
    """A Scheduler target's RetryPolicy.MaximumRetryAttempts within 0-185."""
    return check_range(
        prop,
        retry_attempts,
        limits.SCHEDULER_MIN_RETRY_ATTEMPTS,
        limits.SCHEDULER_MAX_RETRY_ATTEMPTS,
        why="EventBridge Scheduler rejects the target's retry policy",
        source=limits.SRC_SCHEDULER_RETRY,
    )


def check_schedule_max_event_age(
    max_event_age_s: float | None, *, prop: str = "max_event_age"
) -> Violation | None:
    """A Scheduler target's RetryPolicy.MaximumEventAgeInSeconds within 60 s - 24 h."""
    return check_range(
        prop,
        max_event_age_s,
        limits.SCHEDULER_MIN_EVENT_AGE_S,
        limits.SCHEDULER_MAX_EVENT_AGE_S,
        unit="s",
        why="EventBridge Scheduler retries delivery for at most 24 hours and rejects the "
        "target's retry policy otherwise",
        source=limits.SRC_SCHEDULER_RETRY,
    )


def check_schedule_dlq_standard(fifo: bool | None, *, prop: str = "dead_letter_queue") -> Violation | None:
    """Scheduler's dead-letter queue must be a standard queue."""
    if not fifo:
        return None
    return Violation(
        prop,
        f"{prop} is a FIFO queue; EventBridge Scheduler does not support a FIFO queue as a "
        "schedule's dead-letter queue, so delivery failures would be lost. Use a standard queue",
        limits.SRC_SCHEDULER_DLQ,
    )


__all__ = ["check_schedule_dlq_standard", "check_schedule_max_event_age", "check_schedule_retry_attempts"]
