"""Rules for SQS provisioned mode: an event source mapping's ``ProvisionedPollerConfig``.

Provisioned mode gives an SQS event source mapping dedicated event pollers between a minimum
and a maximum. Each SQS poller drives up to 10 concurrent invocations, so the pollers' maximum
concurrency is ``maximum_pollers x 10``. The ranges are SQS's (minimum 2-200, maximum
2-10,000), not Kafka's (1-200 / 1-2,000). Provisioned mode and ``ScalingConfig.MaximumConcurrency``
are mutually exclusive; with provisioned mode, the pollers bound the concurrency.

Sources: ``limits.SRC_ESM_PROVISIONED_POLLER`` (ranges), ``limits.SRC_LAMBDA_SQS_SCALING``
(10 invokes per poller; mutually exclusive with maximum concurrency).
"""

from __future__ import annotations

from constructs_lib import limits
from constructs_lib.messages import consequence, text
from constructs_lib.value_rules import Violation, check_range, first, num


def pollers_max_concurrency(maximum_pollers: float) -> float:
    """The most concurrent invocations the pollers can drive: 10 per SQS poller."""
    return maximum_pollers * limits.SQS_INVOKES_PER_POLLER


def effective_pollers(minimum: float | None, maximum: float | None) -> tuple[float, float]:
    """The bounds Lambda applies, with its defaults (2 and 200) for the ones left out."""
    return (
        float(limits.SQS_DEFAULT_MINIMUM_POLLERS) if minimum is None else minimum,
        float(limits.SQS_DEFAULT_MAXIMUM_POLLERS) if maximum is None else maximum,
    )


def check_minimum_pollers(
    minimum: float | None, *, prop: str = "provisioned_poller_config.minimum_pollers"
) -> Violation | None:
    """MinimumPollers of an SQS mapping within 2-200."""
    return check_range(
        prop,
        minimum,
        limits.SQS_MIN_MINIMUM_POLLERS,
        limits.SQS_MAX_MINIMUM_POLLERS,
        why="SQS provisioned mode needs at least 2 pollers (Kafka's minimum of 1 does not apply to SQS); "
        f"{consequence('sqs-provisioned-pollers')}",
        source=limits.SRC_ESM_PROVISIONED_POLLER,
    )


def check_maximum_pollers(
    maximum: float | None, *, prop: str = "provisioned_poller_config.maximum_pollers"
) -> Violation | None:
    """MaximumPollers of an SQS mapping within 2-10,000."""
    return check_range(
        prop,
        maximum,
        limits.SQS_MIN_MAXIMUM_POLLERS,
        limits.SQS_MAX_MAXIMUM_POLLERS,
        why=consequence("sqs-provisioned-pollers"),
        source=limits.SRC_ESM_PROVISIONED_POLLER,
    )


def check_minimum_within_maximum(
    minimum: float | None,
    maximum: float | None,
    *,
    prop: str = "provisioned_poller_config.minimum_pollers",
    maximum_prop: str = "provisioned_poller_config.maximum_pollers",
    minimum_given: bool | None = None,
    maximum_given: bool | None = None,
) -> Violation | None:
    """MinimumPollers <= MaximumPollers; a bound left out counts with Lambda's default, a
    bound given as an unresolved token (``None`` but ``*_given``) skips the rule."""
    minimum_given = minimum is not None if minimum_given is None else minimum_given
    maximum_given = maximum is not None if maximum_given is None else maximum_given
    if (minimum_given and minimum is None) or (maximum_given and maximum is None):
        return None
    low, high = effective_pollers(minimum, maximum)
    if low <= high:
        return None
    return Violation(
        prop,
        f"{prop} {num(low)} is above {maximum_prop} ({num(high)}"
        f"{', Lambda default' if maximum is None else ''}); the pollers cannot scale down below "
        f"the most they may scale up to: {consequence('sqs-provisioned-pollers')}",
        limits.SRC_ESM_PROVISIONED_POLLER,
    )


def check_pollers_without_max_concurrency(
    provisioned: bool,
    max_concurrency: float | None,
    *,
    given: bool | None = None,
    prop: str = "max_concurrency",
    provisioned_prop: str = "provisioned_poller_config",
) -> Violation | None:
    """Provisioned mode and maximum concurrency are mutually exclusive, whatever the value
    (``given=True`` with ``max_concurrency=None``: an unresolved token, still refused)."""
    given = max_concurrency is not None if given is None else given
    if not provisioned or not given:
        return None
    shown = num(max_concurrency) if max_concurrency is not None else "(a token)"
    return Violation(
        prop,
        f"{prop} {shown} cannot be combined with {provisioned_prop} (maximum concurrency and provisioned "
        f"mode exclude each other): {consequence('sqs-provisioned-pollers')}. In "
        f"provisioned mode the pollers bound the concurrency ({limits.SQS_INVOKES_PER_POLLER} "
        f"invocations per poller): drop {prop} and size maximum_pollers instead",
        limits.SRC_LAMBDA_SQS_SCALING,
    )


def check_reserved_covers_pollers(
    maximum_pollers: float | None,
    reserved: float | None,
    *,
    prop: str = "provisioned_poller_config.maximum_pollers",
    reserved_prop: str = "reserved_concurrent_executions",
    maximum_given: bool = True,
) -> Violation | None:
    """The reservation must not throttle the pollers: reserved >= maximum_pollers x 10.

    ``maximum_pollers`` is the effective maximum (Lambda's 200 when left out, then
    ``maximum_given=False`` says so in the message).
    """
    if maximum_pollers is None or reserved is None:
        return None
    needed = pollers_max_concurrency(maximum_pollers)
    if reserved >= needed:
        return None
    fits = int(reserved // limits.SQS_INVOKES_PER_POLLER)
    smallest = pollers_max_concurrency(limits.SQS_MIN_MAXIMUM_POLLERS)
    if fits >= limits.SQS_MIN_MAXIMUM_POLLERS:
        remedy = (
            f"Raise {reserved_prop} to {num(needed)} or lower {prop} to {fits} (at most "
            f"{num(reserved)} / {limits.SQS_INVOKES_PER_POLLER})"
        )
    elif needed > smallest:
        remedy = (
            f"Raise {reserved_prop} to {num(needed)} (or to {num(smallest)} with {prop} "
            f"{limits.SQS_MIN_MAXIMUM_POLLERS}, the smallest provisioned mode), or use max_concurrency "
            "without provisioned mode"
        )
    else:
        remedy = f"Raise {reserved_prop} to {num(needed)}, or use max_concurrency without provisioned mode"
    origin = "" if maximum_given else " (Lambda's default, as it was left out)"
    return Violation(
        prop,
        f"{prop} {num(maximum_pollers)}{origin} x {limits.SQS_INVOKES_PER_POLLER} invocations per "
        f"poller = {num(needed)} concurrent invocations is above {reserved_prop} "
        f"({num(reserved)}); {text('sqs-provisioned-pollers').also[0]}. {remedy}",
        limits.SRC_LAMBDA_SQS_SCALING,
    )


def check_provisioned_pollers(
    minimum: float | None,
    maximum: float | None,
    *,
    minimum_given: bool | None = None,
    maximum_given: bool | None = None,
    max_concurrency: float | None = None,
    max_concurrency_given: bool | None = None,
    reserved: float | None = None,
    prefix: str = "provisioned_poller_config.",
    minimum_name: str = "minimum_pollers",
    maximum_name: str = "maximum_pollers",
    max_concurrency_prop: str = "max_concurrency",
    reserved_prop: str = "reserved_concurrent_executions",
) -> Violation | None:
    """Every provisioned-mode rule in order: ranges, min <= max, the max-concurrency
    conflict, then the reservation against the pollers' maximum concurrency.

    A value is ``None`` when left out or an unresolved token; ``*_given`` tells the two
    apart (default: given when not ``None``). Tokens skip the rules that need the value.
    """
    min_prop, max_prop = prefix + minimum_name, prefix + maximum_name
    maximum_given = maximum is not None if maximum_given is None else maximum_given
    effective_max = None if (maximum_given and maximum is None) else effective_pollers(minimum, maximum)[1]
    return first(
        check_minimum_pollers(minimum, prop=min_prop),
        check_maximum_pollers(maximum, prop=max_prop),
        check_minimum_within_maximum(
            minimum, maximum, prop=min_prop, maximum_prop=max_prop,
            minimum_given=minimum_given, maximum_given=maximum_given,
        ),
        check_pollers_without_max_concurrency(
            True, max_concurrency, given=max_concurrency_given,
            prop=max_concurrency_prop, provisioned_prop=prefix.rstrip("."),
        ),
        check_reserved_covers_pollers(
            effective_max, reserved, prop=max_prop, reserved_prop=reserved_prop, maximum_given=maximum_given
        ),
    )


__all__ = [
    "check_maximum_pollers",
    "check_minimum_pollers",
    "check_minimum_within_maximum",
    "check_pollers_without_max_concurrency",
    "check_provisioned_pollers",
    "check_reserved_covers_pollers",
    "effective_pollers",
    "pollers_max_concurrency",
]
