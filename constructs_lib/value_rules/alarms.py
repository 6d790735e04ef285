"""Rules for the alarm thresholds every construct exposes.

An alarm threshold is wrong in two ways that matter: it fires when nothing is wrong (a
count threshold below 1, a rate of 0), or it can never fire because the metric stops
before reaching it (an age threshold at or above the age at which the message, record
or event is discarded; a latency at or above the integration timeout, where API Gateway
cuts the request). Both leave a failure path unwatched, so both are errors.
"""

from __future__ import annotations

from constructs_lib import limits
from constructs_lib.value_rules import Violation, fmt_seconds, num


def check_count_threshold(value: float | None, *, prop: str, metric: str) -> Violation | None:
    """A count alarm (``>= threshold`` per minute) needs a threshold of at least 1."""
    if value is None or value >= 1:
        return None
    return Violation(
        prop,
        f"{prop} {num(value)} is below 1; the alarm compares {metric} >= {prop} each minute, so "
        "below 1 it is in ALARM without a single failure and operators learn to ignore it",
        limits.SRC_CLOUDWATCH_RECOMMENDED_ALARMS,
    )


def check_rate_threshold(value: float | None, *, prop: str, metric: str) -> Violation | None:
    """A rate alarm (``> threshold``) needs a fraction strictly between 0 and 1."""
    if value is None or 0 < value < 1:
        return None
    return Violation(
        prop,
        f"{prop} {num(value)} is not a fraction between 0 and 1 (exclusive); the alarm compares "
        f"the {metric} rate (errors / requests) with it, so 0 fires on any error and 1 or more "
        "never fires (write 0.05 for 5 %)",
        limits.SRC_CLOUDWATCH_RECOMMENDED_ALARMS,
    )


def check_age_threshold(
    threshold_s: float | None,
    limit_s: float | None,
    *,
    prop: str,
    limit_prop: str,
    what: str,
    source: str,
    derived_from: str | None = None,
) -> Violation | None:
    """An age or latency threshold must be positive and below the ``limit_s`` at which
    ``what`` is discarded or cut (so the metric can never reach the threshold)."""
    if threshold_s is None:
        return None
    shown = f"{prop} {fmt_seconds(threshold_s)}" + (f" ({derived_from})" if derived_from else "")
    if threshold_s <= 0:
        return Violation(
            prop,
            f"{shown} is not positive; the alarm would fire on every datapoint, including "
            "healthy ones",
            source,
        )
    if limit_s is None or threshold_s < limit_s:
        return None
    return Violation(
        prop,
        f"{shown} is not below {limit_prop} {fmt_seconds(limit_s)}; {what}, so "
        f"the metric never reaches {prop} and the alarm can never fire"
        + ("; set it explicitly" if derived_from else ""),
        source,
    )


def alarm_props_without_alarms(given: list[str], *, prop: str = "alarms") -> Violation | None:
    """Alarm settings passed together with ``alarms=False`` would be silently ignored."""
    if not given:
        return None
    names = ", ".join(given)
    return Violation(
        prop,
        f"{prop} False turns the alarms off, but {names} configure(s) them; remove "
        f"{names}, or leave {prop} at True",
        limits.SRC_CLOUDWATCH_RECOMMENDED_ALARMS,
    )


def dashboard_without_alarms(dashboard: bool | None, alarms: bool, *, prop: str = "dashboard") -> Violation | None:
    """A construct's dashboard draws its alarms (their metrics and thresholds): none without them."""
    if dashboard is not True or alarms:
        return None
    return Violation(
        prop,
        f"{prop} True draws the construct's alarms - their metrics, with each threshold on its graph - but "
        "alarms is False, so there is nothing to draw; leave dashboard unset, or turn the alarms on",
        limits.SRC_CLOUDWATCH_DASHBOARD_BODY,
    )


__all__ = [
    "alarm_props_without_alarms",
    "dashboard_without_alarms",
    "check_age_threshold",
    "check_count_threshold",
    "check_rate_threshold",
]
