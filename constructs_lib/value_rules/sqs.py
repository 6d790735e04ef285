"""Rules for an SQS queue consumed by a Lambda event source mapping, and for the SQS
queues that catch failures (a consumer's dead-letter queue, an EventBridge target's or SNS
subscription's delivery DLQ): encrypted, and with a key the sending service may use."""

from __future__ import annotations

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.value_rules import Violation, check_range, fmt_seconds, num


def min_visibility_timeout_s(timeout_s: float, max_batching_window_s: float = 0) -> float:
    """The smallest safe visibility timeout: 6 x function timeout + batching window.

    Lambda may retry a throttled batch within the visibility timeout, and the batching
    window is time the messages spend in flight before the function even starts.
    """
    return limits.SQS_VISIBILITY_TIMEOUT_FACTOR * timeout_s + max_batching_window_s


def check_visibility_timeout(
    visibility_timeout_s: float | None,
    timeout_s: float | None,
    max_batching_window_s: float | None = 0,
    *,
    prop: str = "visibility_timeout",
    timeout_prop: str = "timeout",
    window_prop: str = "max_batching_window",
    subject: str | None = None,
    at_least: bool = False,
) -> Violation | None:
    """Visibility timeout >= 6 x function timeout + batching window. ``subject`` names the
    value when the user did not set it as ``prop`` (the visibility timeout of a given queue).

    An unknown timeout or window (``None``, an unresolved token) makes the rule not
    applicable; with ``at_least`` it is checked against their smallest possible values
    instead (a timeout of 1 s, a window of 0 s), which no deployed value can be below."""
    if visibility_timeout_s is None:
        return None
    if (timeout_s is None or max_batching_window_s is None) and not at_least:
        return None
    timeout_text = fmt_seconds(timeout_s) if timeout_s is not None else f"a token, at least {limits.LAMBDA_MIN_TIMEOUT_S} s"
    window_text = fmt_seconds(max_batching_window_s) if max_batching_window_s is not None else "a token, at least 0 s"
    needed = min_visibility_timeout_s(
        timeout_s if timeout_s is not None else limits.LAMBDA_MIN_TIMEOUT_S,
        max_batching_window_s if max_batching_window_s is not None else 0,
    )
    if visibility_timeout_s >= needed:
        return None
    return Violation(
        prop,
        f"{subject or prop} {fmt_seconds(visibility_timeout_s)} is below "
        f"{limits.SQS_VISIBILITY_TIMEOUT_FACTOR} x {timeout_prop} ({timeout_text}) "
        f"+ {window_prop} ({window_text}) = {'at least ' if timeout_s is None or max_batching_window_s is None else ''}"
        f"{fmt_seconds(needed)}; {consequence('sqs-visibility-timeout')}",
        limits.SRC_LAMBDA_SQS,
    )


def check_visibility_timeout_accepted(
    visibility_timeout_s: float | None,
    timeout_s: float | None,
    *,
    prop: str = "visibility_timeout",
    timeout_prop: str = "timeout",
) -> Violation | None:
    """Visibility timeout >= function timeout: below it, Lambda refuses to create (or
    update) the event source mapping. Source: limits.SRC_LAMBDA_SQS ("Lambda validates this
    requirement when you create or update an event source mapping")."""
    if visibility_timeout_s is None or timeout_s is None or visibility_timeout_s >= timeout_s:
        return None
    return Violation(
        prop,
        f"{prop} {fmt_seconds(visibility_timeout_s)} is below {timeout_prop} ({fmt_seconds(timeout_s)}); "
        f"{consequence('sqs-visibility-below-function-timeout')}",
        limits.SRC_LAMBDA_SQS,
    )


def check_visibility_timeout_max(
    visibility_timeout_s: float | None,
    *,
    prop: str = "visibility_timeout",
    derived_from: str = "",
    subject: str | None = None,
) -> Violation | None:
    """SQS accepts a visibility timeout of at most 12 hours."""
    if visibility_timeout_s is None or visibility_timeout_s <= limits.SQS_MAX_VISIBILITY_TIMEOUT_S:
        return None
    origin = f" ({derived_from})" if derived_from else ""
    return Violation(
        prop,
        f"{subject or prop} {fmt_seconds(visibility_timeout_s)}{origin} exceeds SQS's maximum of "
        f"{fmt_seconds(limits.SQS_MAX_VISIBILITY_TIMEOUT_S)} (12 h); SQS rejects the queue. "
        "Lower the function timeout or the batching window",
        limits.SRC_SQS_VISIBILITY,
    )


def check_max_receive_count(
    max_receive_count: float | None, *, prop: str = "max_receive_count", subject: str | None = None
) -> Violation | None:
    """maxReceiveCount within SQS's 1-1,000."""
    return check_range(
        prop,
        max_receive_count,
        limits.SQS_MIN_MAX_RECEIVE_COUNT,
        limits.SQS_MAX_MAX_RECEIVE_COUNT,
        why=consequence("sqs-max-receive-count-range"),
        source=limits.SRC_SQS_DLQ,
        subject=subject,
    )


def low_max_receive_count(
    max_receive_count: float | None, *, prop: str = "max_receive_count", subject: str | None = None
) -> Violation | None:
    """A warning, not an error: maxReceiveCount below AWS's recommended 5."""
    if max_receive_count is None or max_receive_count >= limits.SQS_RECOMMENDED_MIN_MAX_RECEIVE_COUNT:
        return None
    return Violation(
        prop,
        f"{subject or prop} {num(max_receive_count)} is below the recommended "
        f"{limits.SQS_RECOMMENDED_MIN_MAX_RECEIVE_COUNT}; {consequence('sqs-max-receive-count')}",
        limits.SRC_LAMBDA_SQS,
    )


def check_batching_window(
    max_batching_window_s: float | None, *, fifo: bool = False, prop: str = "max_batching_window"
) -> Violation | None:
    """Batching window at most 300 s, and none at all on FIFO queues."""
    if max_batching_window_s is None:
        return None
    if fifo and max_batching_window_s > 0:
        return Violation(
            prop,
            f"{prop} {fmt_seconds(max_batching_window_s)} is not supported for FIFO queues; "
            "Lambda rejects the event source mapping. Leave it unset",
            limits.SRC_LAMBDA_SQS_PARAMS,
        )
    return check_range(
        prop,
        max_batching_window_s,
        0,
        limits.MAX_BATCHING_WINDOW_S,
        unit="s",
        why="Lambda rejects a batching window above 5 minutes",
        source=limits.SRC_ESM_API,
    )


def check_batch_size(
    batch_size: float | None,
    *,
    max_batching_window_s: float | None = 0,
    fifo: bool = False,
    prop: str = "batch_size",
    window_prop: str = "max_batching_window",
) -> Violation | None:
    """Batch size 1-10 (FIFO, or no batching window) or 1-10,000 (standard with a window).

    ``max_batching_window_s`` is ``0`` for "no window" and ``None`` for "unknown" (an
    unresolved token): then only the 1-10,000 range is checked, since the window may be
    1 s or more when deployed.
    """
    if batch_size is None:
        return None
    if fifo:
        return check_range(
            prop,
            batch_size,
            limits.SQS_MIN_BATCH_SIZE,
            limits.SQS_FIFO_MAX_BATCH_SIZE,
            why="Lambda reads at most 10 messages per batch from a FIFO queue",
            source=limits.SRC_ESM_API,
        )
    if (
        batch_size > limits.SQS_MAX_BATCH_SIZE_WITHOUT_WINDOW
        and max_batching_window_s is not None
        and max_batching_window_s <= 0
    ):
        return Violation(
            prop,
            f"{prop} {num(batch_size)} is above {limits.SQS_MAX_BATCH_SIZE_WITHOUT_WINDOW} without "
            f"a {window_prop}; Lambda requires a batching window of at least 1 s for batches "
            f"above 10 messages. Set {window_prop}, or a batch size of 1-10",
            limits.SRC_ESM_API,
        )
    return check_range(
        prop,
        batch_size,
        limits.SQS_MIN_BATCH_SIZE,
        limits.SQS_MAX_BATCH_SIZE,
        why="Lambda rejects the event source mapping",
        source=limits.SRC_ESM_API,
    )


def check_max_concurrency(
    max_concurrency: float | None, *, prop: str = "max_concurrency"
) -> Violation | None:
    """ScalingConfig.MaximumConcurrency within 2-1,000."""
    return check_range(
        prop,
        max_concurrency,
        limits.SQS_MIN_MAX_CONCURRENCY,
        limits.SQS_MAX_MAX_CONCURRENCY,
        why="Lambda rejects the event source mapping's scaling config",
        source=limits.SRC_ESM_SCALING,
    )


def check_max_concurrency_within_reserved(
    max_concurrency: float | None,
    reserved: float | None,
    *,
    prop: str = "max_concurrency",
    reserved_prop: str = "reserved_concurrent_executions",
) -> Violation | None:
    """The poller must not be able to outrun the function's reserved concurrency."""
    if max_concurrency is None or reserved is None or max_concurrency <= reserved:
        return None
    return Violation(
        prop,
        f"{prop} {num(max_concurrency)} is above {reserved_prop} ({num(reserved)}); "
        f"{consequence('esm-max-concurrency-above-reserved')}. Set {prop} <= {reserved_prop}",
        limits.SRC_LAMBDA_SQS_SCALING,
    )


def check_retention(retention_s: float | None, *, prop: str = "retention_period") -> Violation | None:
    """Message retention within SQS's 60 s - 14 days."""
    return check_range(
        prop,
        retention_s,
        limits.SQS_MIN_RETENTION_S,
        limits.SQS_MAX_RETENTION_S,
        unit="s",
        why="SQS rejects the queue",
        source=limits.SRC_SQS_QUOTAS,
    )


def check_dlq_retention(
    dlq_retention_s: float | None,
    source_retention_s: float | None,
    *,
    prop: str = "dead_letter_queue",
    subject: str | None = None,
) -> Violation | None:
    """A DLQ must keep messages at least as long as its source queue.

    A message keeps its original enqueue timestamp when it moves to a standard DLQ, so a
    DLQ with a shorter retention deletes messages that have already spent time in the
    source queue before anyone can look at them.
    """
    if dlq_retention_s is None or source_retention_s is None:
        return None
    if dlq_retention_s >= source_retention_s:
        return None
    return Violation(
        prop,
        f"{subject or prop} retention {fmt_seconds(dlq_retention_s)} is shorter than the source queue's "
        f"{fmt_seconds(source_retention_s)}; {consequence('sqs-dlq-retention')}",
        limits.SRC_SQS_DLQ,
    )


def check_fifo_match(
    source_fifo: bool | None, dlq_fifo: bool | None, *, prop: str = "dead_letter_queue", subject: str | None = None
) -> Violation | None:
    """The DLQ of a FIFO queue must be FIFO, and of a standard queue standard."""
    if source_fifo is None or dlq_fifo is None or source_fifo == dlq_fifo:
        return None
    kinds = {True: "FIFO", False: "standard"}
    return Violation(
        prop,
        f"{subject or prop} is a {kinds[dlq_fifo]} queue but the source queue is {kinds[source_fifo]}; "
        f"{consequence('sqs-fifo-dlq')}",
        limits.SRC_SQS_FIFO_DLQ,
    )


def check_filters_unique(patterns: list[str] | None, *, prop: str = "filters") -> Violation | None:
    """The filter patterns of one event source mapping must be unique: CloudFormation's
    schema for FilterCriteria.Filters requires unique items and refuses the template."""
    if not patterns:
        return None
    seen: set[str] = set()
    for i, pattern in enumerate(patterns):
        if pattern in seen:
            return Violation(
                prop,
                f"{prop}[{i}] repeats an earlier pattern ({pattern}); CloudFormation requires the "
                "filters of an event source mapping to be unique and refuses the template. "
                "Remove the duplicate (a record matching any filter is processed)",
                limits.SRC_ESM_FILTER_CRITERIA,
            )
        seen.add(pattern)
    return None


def check_filter_count(count: int | None, *, prop: str = "filters") -> Violation | None:
    """At most 5 filter patterns per event source mapping (default quota)."""
    if count is None or count <= limits.ESM_MAX_FILTERS:
        return None
    return Violation(
        prop,
        f"{prop} has {count} patterns; an event source mapping accepts at most "
        f"{limits.ESM_MAX_FILTERS} (the default quota, which can be raised to 10 on request)",
        limits.SRC_ESM_FILTERING,
    )


#: What :func:`constructs_lib._failure.queue_encryption` reports, as plain strings.
ENCRYPTION_NONE = "none"
ENCRYPTION_KMS_MANAGED = "kms-managed"


def check_failure_queue_encrypted(
    encryption: str | None, *, prop: str = "dead_letter_queue", name: str = ""
) -> Violation | None:
    """A queue that catches failures holds the failed messages themselves: encrypt it.

    ``encryption`` is ``"none"`` only when encryption was explicitly turned off (SQS
    encrypts new queues with SSE-SQS unless told otherwise); ``None`` means unknown.
    ``name`` (the queue's construct path) is added to the message when given.
    """
    if encryption != ENCRYPTION_NONE:
        return None
    return Violation(
        prop,
        f"{prop}{' ' + name if name else ''} has server-side encryption turned off; it stores the failed messages or "
        "events themselves (often personal data) for up to 14 days. Use SQS-managed "
        "encryption (sqs.QueueEncryption.SQS_MANAGED) or a KMS key whose policy lets the "
        "sending service use it",
        limits.SRC_SQS_DLQ,
    )


def check_failure_queue_key_usable(
    encryption: str | None, *, service: str, prop: str = "dead_letter_queue", name: str = ""
) -> Violation | None:
    """A queue that a service (EventBridge, SNS) sends failures to must not use the AWS
    managed SQS key: its key policy cannot be changed to let the service encrypt."""
    if encryption != ENCRYPTION_KMS_MANAGED:
        return None
    return Violation(
        prop,
        f"{prop}{' ' + name if name else ''} is encrypted with the AWS managed SQS key (alias/aws/sqs, "
        "sqs.QueueEncryption.KMS_MANAGED); its key policy cannot be changed to let "
        f"{service} use the key, so {service} cannot send to the queue and every delivery "
        "failure would be lost. Use SQS-managed encryption (sqs.QueueEncryption.SQS_MANAGED) "
        f"or a customer managed key whose policy allows {service}",
        limits.SRC_SQS_KEY_MANAGEMENT,
    )


def arn_region(arn: str | None) -> str | None:
    """The Region of a literal ARN (``arn:partition:service:region:account:resource``), or
    ``None`` when there is none to read (``None``, not an ARN, or an empty Region field)."""
    if arn is None:
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[3]:
        return None
    return parts[3]


def check_queue_in_function_region(
    function_region: str | None, queue_region: str | None, *, name: str, prop: str = "queue"
) -> Violation | None:
    """The queue Lambda polls must be in the function's Region (another account is fine).
    ``None`` for a Region that is unknown (a token): nothing to compare."""
    if function_region is None or queue_region is None or function_region == queue_region:
        return None
    return Violation(
        prop,
        f"{prop} {name} is in Region {queue_region}, but the function and its event source mapping "
        f"are in {function_region}; Lambda polls only an SQS queue in its own Region (another "
        "account is fine), so the mapping could not be created. Put the consumer in a stack of "
        f"{queue_region}, or the queue in {function_region}",
        limits.SRC_LAMBDA_SQS_SAME_REGION,
    )


def unverifiable_dead_letter_queue(name: str, *, prop: str = "dead_letter_queue") -> Violation:
    """A warning: an imported dead-letter queue cannot be inspected, so say what it must be."""
    return Violation(
        prop,
        f"{prop} {name} is imported, so this construct cannot verify that it is encrypted and keeps "
        "messages at least as long as the source queue (a shorter retention deletes failed messages "
        "before anyone reads them; an unencrypted DLQ stores them in the clear); make sure it does",
        limits.SRC_SQS_DLQ,
    )
