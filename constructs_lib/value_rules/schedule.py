"""Rules for an EventBridge Scheduler schedule that targets a Lambda function.

Scheduler invokes Lambda asynchronously (``InvocationType=Event``) through its own retry
loop: the target's retry policy (0-185 attempts, 60 s - 24 h) retries *delivery* failures and
ends in the target's dead-letter queue, a standard SQS queue the schedule's execution role sends
to. Once Lambda accepted the event, the function's own retries and on-failure destination apply.
Sources: ``limits.SRC_SCHEDULER_RETRY``, ``limits.SRC_SCHEDULER_DLQ``.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from constructs_lib import limits
from constructs_lib.value_rules import Violation, check_range
from constructs_lib.value_rules.function import check_description


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


def check_schedule_description(length: int | None, *, prop: str = "description") -> Violation | None:
    """A schedule's Description: at most 512 characters."""
    return check_description(
        length,
        prop=prop,
        limit=limits.SCHEDULER_MAX_DESCRIPTION_LENGTH,
        service="EventBridge Scheduler",
        source=limits.SRC_SCHEDULER_CREATE,
    )


_RATE = re.compile(r"^rate\((?P<value>[^ )]*) (?P<unit>[^ )]*)\)$")
_CRON = re.compile(r"^cron\((?P<fields>[^()]*)\)$")
_AT = re.compile(r"^at\((?P<time>[^()]*)\)$")
_AT_TIME = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
_RATE_UNITS = ("minute", "hour", "day")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

#: The six cron fields: (name, lowest, highest, names for the values, extra wildcards).
#: Source: limits.SRC_EVENTBRIDGE_SCHEDULE_EXPRESSIONS (values and wildcards per field).
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...], str], ...] = (
    ("minutes", 0, 59, (), ""),
    ("hours", 0, 23, (), ""),
    ("day-of-month", 1, 31, (), "?LW"),
    ("month", 1, 12, _MONTHS, ""),
    ("day-of-week", 1, 7, _DAYS, "?L#"),
    ("year", *limits.SCHEDULER_CRON_YEARS, (), ""),
)


def _value(text: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    if text.upper() in names:
        return True
    return text.isdigit() and low <= int(text) <= high


def _cron_field_problem(text: str, name: str, low: int, high: int, names: tuple[str, ...], extra: str) -> str | None:
    """Why one cron field is malformed, or ``None``: values in range (or their names), joined
    by ``,``, ranges ``a-b``, increments ``start/step``, ``*``, and the field's own wildcards
    (``?``, ``L``, ``W``, ``#``)."""
    if text == "*" or (text == "?" and "?" in extra):
        return None
    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            return f"the {name} increment {part!r} is not start/step with a positive step"
        if base == "*" and step:
            continue
        if "L" in extra and base.upper() == "L":
            continue
        if "W" in extra and base.upper().endswith("W") and _value(base[:-1], low, high, names):
            continue
        if "L" in extra and base.upper().endswith("L") and _value(base[:-1], low, high, names):
            continue
        if "#" in extra and "#" in base:
            day, _, nth = base.partition("#")
            if _value(day, low, high, names) and nth in ("1", "2", "3", "4", "5"):
                continue
            return f"the {name} value {part!r} is not day#n (n 1-5)"
        first, dash, last = base.partition("-")
        if not _value(first, low, high, names) or (dash and not _value(last, low, high, names)):
            shown = f"{low}-{high}" + (f" or {names[0]}-{names[-1]}" if names else "")
            return f"the {name} value {part!r} is outside {shown}"
    return None


def check_schedule_expression(expression: str | None, *, prop: str = "schedule") -> Violation | None:
    """A schedule expression EventBridge Scheduler accepts: ``rate(value unit)`` with a positive
    integer and a singular unit for 1 (``minute``, ``hour``, ``day``) and a plural one above;
    ``cron(...)`` with six fields in range and ``?`` in exactly one of day-of-month and
    day-of-week; ``at(yyyy-mm-ddThh:mm:ss)``. ``None`` (a token) passes."""
    if expression is None:
        return None
    text = expression.strip()
    problem: str | None = None
    rate, cron, at = _RATE.match(text), _CRON.match(text), _AT.match(text)
    if rate is not None:
        value, unit = rate.group("value"), rate.group("unit")
        if not value.isdigit() or int(value) < 1:
            problem = f"the rate value {value!r} is not a positive integer"
        elif unit.rstrip("s") not in _RATE_UNITS:
            problem = f"the rate unit {unit!r} is not minute(s), hour(s) or day(s)"
        elif (int(value) == 1) != (not unit.endswith("s")):
            wanted = unit.rstrip("s") if int(value) == 1 else unit.rstrip("s") + "s"
            problem = f"a rate of {value} takes the unit {wanted!r}, not {unit!r} (singular for 1, plural above)"
    elif cron is not None:
        fields = cron.group("fields").split()
        if len(fields) != len(_CRON_FIELDS):
            problem = f"a cron expression has {len(_CRON_FIELDS)} fields (minutes hours day-of-month month day-of-week year), this one {len(fields)}"
        else:
            problem = next(
                (p for f, spec in zip(fields, _CRON_FIELDS) if (p := _cron_field_problem(f, *spec)) is not None), None
            )
            if problem is None and (fields[2] == "?") == (fields[4] == "?"):
                problem = "exactly one of day-of-month and day-of-week must be '?' (a value or '*' in one, '?' in the other)"
    elif at is not None:
        if _AT_TIME.match(at.group("time")) is None:
            problem = f"the time {at.group('time')!r} is not yyyy-mm-ddThh:mm:ss"
    else:
        problem = "it is none of rate(value unit), cron(fields) and at(yyyy-mm-ddThh:mm:ss)"
    if problem is None:
        return None
    return Violation(
        prop,
        f"{prop} {text!r} is not a schedule expression EventBridge Scheduler accepts: {problem}; the "
        "deploy would fail. scheduler.ScheduleExpression.rate(Duration...) and .cron(...) write "
        "valid ones",
        limits.SRC_SCHEDULER_TYPES,
    )


def check_schedule_timezone(
    timezone: str | None, known: Collection[str], *, prop: str = "schedule"
) -> Violation | None:
    """A schedule's time zone is an IANA time zone name (``known``: the names of the time zone
    database at hand; empty when there is none, and then nothing is checked)."""
    if timezone is None or not known or timezone in known:
        return None
    return Violation(
        prop,
        f"{prop} time zone {timezone!r} is not an IANA time zone name (such as 'Europe/Paris' or "
        "'America/New_York'); EventBridge Scheduler rejects the schedule, so the deploy would fail",
        limits.SRC_SCHEDULER_CREATE,
    )


__all__ = [
    "check_schedule_description",
    "check_schedule_dlq_standard",
    "check_schedule_expression",
    "check_schedule_max_event_age",
    "check_schedule_retry_attempts",
    "check_schedule_timezone",
]
