"""Rules for a Kinesis data stream or DynamoDB stream read by a Lambda event source mapping.

The polled, ordered, shard-based model: Lambda reads each shard in order and does not
move past a batch until it succeeds, is discarded (retries or record age exhausted) or
expires from the stream. These rules keep one poison record from stalling a shard for
the lifetime of the stream and keep discarded batches from vanishing without a trace.

Sources are cited by name from :mod:`constructs_lib.limits`. ``-1`` is the API's value
for "infinite" (``limits.STREAM_INFINITE``) for both retries and record age.
"""

from __future__ import annotations

import time

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.value_rules import Violation, check_range, fmt_seconds, num

#: Starting positions as the API spells them. Source: limits.SRC_ESM_API (StartingPosition).
TRIM_HORIZON = "TRIM_HORIZON"
LATEST = "LATEST"
AT_TIMESTAMP = "AT_TIMESTAMP"

KINESIS = "kinesis"
DYNAMODB = "dynamodb"


def _fmt_age(age_s: float) -> str:
    return "-1 (infinite)" if age_s == limits.STREAM_INFINITE else fmt_seconds(age_s)


def check_single_source(
    has_stream: bool, has_table: bool, *, stream_prop: str = "stream", table_prop: str = "table"
) -> Violation | None:
    """Exactly one of a Kinesis stream or a DynamoDB table is the event source."""
    if has_stream != has_table:
        return None
    given = "both" if has_stream else "neither"
    return Violation(
        stream_prop,
        f"{stream_prop} and {table_prop}: {given} given; pass exactly one - a Kinesis data "
        f"stream as {stream_prop} or a DynamoDB table with a stream as {table_prop}. An "
        "event source mapping reads exactly one event source",
        limits.SRC_ESM_API,
    )


def check_batch_size(batch_size: float | None, *, prop: str = "batch_size") -> Violation | None:
    """Batch size 1-10,000 for Kinesis and DynamoDB Streams."""
    return check_range(
        prop,
        batch_size,
        limits.STREAM_MIN_BATCH_SIZE,
        limits.STREAM_MAX_BATCH_SIZE,
        why="Lambda rejects the event source mapping (Kinesis and DynamoDB Streams read "
        "1 to 10,000 records per batch)",
        source=limits.SRC_ESM_API,
    )


def check_retry_attempts(retry_attempts: float | None, *, prop: str = "retry_attempts") -> Violation | None:
    """MaximumRetryAttempts -1 (infinite) to 10,000."""
    return check_range(
        prop,
        retry_attempts,
        limits.STREAM_MIN_RETRY_ATTEMPTS,
        limits.STREAM_MAX_RETRY_ATTEMPTS,
        why="Lambda accepts 0 to 10,000 retries, or -1 for infinite retries",
        source=limits.SRC_ESM_API,
    )


def check_max_record_age(max_record_age_s: float | None, *, prop: str = "max_record_age") -> Violation | None:
    """MaximumRecordAgeInSeconds -1 (infinite) or 60 s to 7 days."""
    if max_record_age_s is None or max_record_age_s == limits.STREAM_INFINITE:
        return None
    return check_range(
        prop,
        max_record_age_s,
        limits.STREAM_MIN_RECORD_AGE_S,
        limits.STREAM_MAX_RECORD_AGE_S,
        unit="s",
        why="Lambda accepts 60 s to 7 days (604,800 s), or -1 for an infinite record age",
        source=limits.SRC_ESM_API,
    )


def check_record_age_within_retention(
    max_record_age_s: float | None,
    retention_s: float | None,
    *,
    source_kind: str = KINESIS,
    prop: str = "max_record_age",
) -> Violation | None:
    """A finite maximum record age must not exceed the stream's retention.

    Records older than the retention are trimmed from the stream. If the maximum record
    age is longer, a failing record is retried until the stream deletes it, and it never
    reaches the on-failure destination: the age limit that should discard it with a
    trace can never fire.
    """
    if max_record_age_s is None or retention_s is None or max_record_age_s == limits.STREAM_INFINITE:
        return None
    if max_record_age_s <= retention_s:
        return None
    if source_kind == DYNAMODB:
        what, src = "the 24 h retention of DynamoDB Streams", limits.SRC_DDB_STREAMS
    else:
        what, src = f"the stream's retention period ({fmt_seconds(retention_s)})", limits.SRC_KINESIS_RETENTION
    return Violation(
        prop,
        f"{prop} {fmt_seconds(max_record_age_s)} exceeds {what} ({fmt_seconds(retention_s)}); "
        "a failing record would be trimmed from the stream before it is old enough to be "
        "discarded, so it would be lost without reaching the on-failure destination. Use "
        f"at most {fmt_seconds(retention_s)}",
        src,
    )


def infinite_retries(
    retry_attempts: float | None,
    max_record_age_s: float | None,
    *,
    prop: str = "retry_attempts",
    age_prop: str = "max_record_age",
) -> Violation | None:
    """A warning, not an error: both retries and record age are infinite (-1).

    That is aws-cdk-lib's and Lambda's default: one poison record blocks its shard until
    the record expires from the stream (up to a week for Kinesis by default, 24 h for
    DynamoDB), then it is gone without reaching the on-failure destination.
    """
    if retry_attempts != limits.STREAM_INFINITE or max_record_age_s != limits.STREAM_INFINITE:
        return None
    return Violation(
        prop,
        f"{prop} -1 with {age_prop} -1 retries a failing batch forever: {consequence('stream-unbounded-retries')}. "
        f"Set a finite {prop} (default {limits.DEFAULT_STREAM_RETRY_ATTEMPTS}) or {age_prop}",
        limits.SRC_LAMBDA_STREAM_ERRORS,
    )


def infinite_record_age(
    retry_attempts: float | None,
    max_record_age_s: float | None,
    *,
    prop: str = "max_record_age",
) -> Violation | None:
    """A warning: an infinite record age with finite retries.

    Retries only count invocations that ran; a batch that cannot be invoked at all
    (throttling, a missing permission) is retried until it exceeds the record age - with
    -1, until it expires from the stream, and then it is lost without a trace.
    """
    if max_record_age_s != limits.STREAM_INFINITE or retry_attempts == limits.STREAM_INFINITE:
        return None
    return Violation(
        prop,
        f"{prop} -1 (infinite) lets a batch that cannot be invoked (throttling, missing "
        "permissions) wait until it expires from the stream, blocking its shard and then "
        "vanishing without reaching the on-failure destination; retry_attempts only counts "
        "invocations that ran. Set a finite max_record_age (default "
        f"{fmt_seconds(limits.DEFAULT_STREAM_MAX_RECORD_AGE_S)})",
        limits.SRC_LAMBDA_STREAM_ERRORS,
    )


def check_parallelization_factor(
    factor: float | None, *, prop: str = "parallelization_factor"
) -> Violation | None:
    """ParallelizationFactor 1-10 concurrent batches per shard."""
    return check_range(
        prop,
        factor,
        limits.STREAM_MIN_PARALLELIZATION_FACTOR,
        limits.STREAM_MAX_PARALLELIZATION_FACTOR,
        why="Lambda processes 1 to 10 batches per shard concurrently",
        source=limits.SRC_ESM_API,
    )


def check_tumbling_window(window_s: float | None, *, prop: str = "tumbling_window") -> Violation | None:
    """TumblingWindowInSeconds 0-900 s."""
    return check_range(
        prop,
        window_s,
        0,
        limits.STREAM_MAX_TUMBLING_WINDOW_S,
        unit="s",
        why="Lambda rejects a tumbling window above 15 minutes",
        source=limits.SRC_ESM_API,
    )


def check_starting_position(
    position: str | None,
    timestamp: float | None,
    *,
    source_kind: str = KINESIS,
    timestamp_given: bool | None = None,
    prop: str = "starting_position",
    timestamp_prop: str = "starting_position_timestamp",
    now: float | None = None,
) -> Violation | None:
    """AT_TIMESTAMP needs a timestamp and works for Kinesis only; a timestamp needs AT_TIMESTAMP.

    ``timestamp_given`` says whether a timestamp was passed at all (it may be an
    unresolved token, passed here as ``None``); it defaults to ``timestamp is not None``.
    """
    if position is None:
        return None
    given = timestamp is not None if timestamp_given is None else timestamp_given
    if position == AT_TIMESTAMP and source_kind == DYNAMODB:
        return Violation(
            prop,
            f"{prop} {AT_TIMESTAMP} is not supported for DynamoDB Streams; Lambda accepts "
            f"only {TRIM_HORIZON} or {LATEST} there",
            limits.SRC_ESM_API,
        )
    if position == AT_TIMESTAMP and not given:
        return Violation(
            prop,
            f"{prop} {AT_TIMESTAMP} requires {timestamp_prop} (Unix time in seconds); "
            "Lambda rejects the event source mapping without it",
            limits.SRC_ESM_API,
        )
    if position != AT_TIMESTAMP and given:
        shown = f"{timestamp:.15g}" if timestamp is not None else "(a token)"
        return Violation(
            timestamp_prop,
            f"{timestamp_prop} {shown} is only used with {prop} {AT_TIMESTAMP}, but "
            f"{prop} is {position}; set {prop}={AT_TIMESTAMP} or drop the timestamp",
            limits.SRC_ESM_API,
        )
    if position == AT_TIMESTAMP and timestamp is not None and timestamp < 0:
        return Violation(
            timestamp_prop,
            f"{timestamp_prop} {timestamp:.15g} is negative; it is a Unix time in seconds",
            limits.SRC_ESM_API,
        )
    if position == AT_TIMESTAMP and timestamp is not None:
        return check_starting_position_timestamp_not_future(timestamp, now=now, prop=timestamp_prop)
    return None


#: A Unix time in seconds this large is after the year 5000: it is milliseconds.
_MILLISECONDS_LIKELY = 1e11


def check_starting_position_timestamp_not_future(
    timestamp: float, *, now: float | None = None, prop: str = "starting_position_timestamp"
) -> Violation | None:
    """StartingPositionTimestamp is Unix time in seconds and cannot be in the future: a value
    more than a day past ``now`` (default: the time of the check, i.e. synth) is refused; most
    likely milliseconds (``time.time() * 1000``, a JavaScript ``Date.now()``)."""
    current = time.time() if now is None else now
    ahead_s = timestamp - current
    if ahead_s <= limits.ESM_MAX_STARTING_POSITION_TIMESTAMP_AHEAD_S:
        return None
    hint = (
        f"; it looks like milliseconds - in seconds that is {timestamp / 1000:.15g}"
        if timestamp >= _MILLISECONDS_LIKELY
        else ""
    )
    return Violation(
        prop,
        f"{prop} {timestamp:.15g} is {ahead_s / 86400:,.1f} days in the future (now is {current:.0f}); "
        "Lambda takes the start time in Unix seconds and refuses a time in the future"
        f"{hint}. Pass seconds since the epoch, not milliseconds",
        limits.SRC_ESM_API,
    )


def check_reserved_covers_shards(
    reserved: float | None,
    shard_count: float | None,
    parallelization_factor: float | None,
    *,
    prop: str = "reserved_concurrent_executions",
    factor_prop: str = "parallelization_factor",
) -> Violation | None:
    """Reserved concurrency >= shards x parallelization factor.

    Lambda runs one batch per shard per parallelization slot at the same time. With fewer
    executions reserved, some shards' batches are throttled; throttled batches are
    retried before invocation and age towards max_record_age, so healthy records can be
    discarded to the on-failure destination without ever being processed.
    """
    if reserved is None or shard_count is None or parallelization_factor is None:
        return None
    needed = shard_count * parallelization_factor
    if reserved >= needed:
        return None
    return Violation(
        prop,
        f"{prop} {num(reserved)} is below shards ({num(shard_count)}) x {factor_prop} "
        f"({num(parallelization_factor)}) = {num(needed)}; Lambda processes that many batches at "
        "once, so the mapping could not run all shards concurrently: the surplus batches are "
        "throttled, their shards fall behind, and records can exceed max_record_age and be "
        f"discarded unprocessed. Reserve at least {num(needed)} or lower {factor_prop}",
        limits.SRC_LAMBDA_KINESIS,
    )


def check_dynamodb_stream_enabled(
    has_stream: bool,
    *,
    table_name: str = "the table",
    prop: str = "table",
    imported: bool = False,
    stream_prop: str = "stream",
) -> Violation | None:
    """A DynamoDB table read by Lambda must have DynamoDB Streams enabled; an imported table
    must have been imported with its stream's ARN (``imported``: say that instead).
    ``stream_prop`` is the table's prop that enables it (``dynamo_stream`` on a TableV2)."""
    if has_stream:
        return None
    if imported:
        return Violation(
            prop,
            f"{prop} {table_name} is imported without its stream ARN, so there is nothing for Lambda "
            "to read: import it with Table.from_table_attributes(..., table_stream_arn=...) (the "
            "table's LatestStreamArn, or the producing stack's table.table_stream_arn); "
            "Table.from_table_name and Table.from_table_arn know no stream",
            limits.SRC_DDB_STREAMS,
        )
    return Violation(
        prop,
        f"{prop} {table_name} has no DynamoDB stream, so there is nothing for Lambda to read; "
        f"enable one on the table with {stream_prop}=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES "
        "(the handler sees the item before and after each change; NEW_IMAGE if it needs only "
        "the new item, KEYS_ONLY for keys alone)",
        limits.SRC_DDB_STREAMS,
    )


def check_enhanced_fan_out_source(
    use_enhanced_fan_out: bool | None, source_kind: str, *, prop: str = "use_enhanced_fan_out"
) -> Violation | None:
    """Enhanced fan-out consumers exist for Kinesis data streams only."""
    if not use_enhanced_fan_out or source_kind == KINESIS:
        return None
    return Violation(
        prop,
        f"{prop} True is only available for Kinesis data streams; DynamoDB Streams have no "
        "enhanced fan-out consumers",
        limits.SRC_LAMBDA_KINESIS,
    )


def check_failure_queue_covers_retention(
    retention_s: float | None,
    *,
    queue_retention_s: float = limits.FAILURE_QUEUE_RETENTION_S,
    prop: str = "stream",
    name: str = "",
) -> Violation | None:
    """The created failure queue (14 days, the SQS maximum) must keep the metadata of a
    discarded batch at least as long as the stream keeps the records it points to. Reported
    on the stream (``prop``), the prop the user set; the fix is ``on_failure``."""
    if retention_s is None or retention_s <= queue_retention_s:
        return None
    return Violation(
        prop,
        f"{prop}{' ' + name if name else ''} keeps records {fmt_seconds(retention_s)}, but without on_failure "
        f"this construct creates an SQS failure queue that keeps messages at most "
        f"{fmt_seconds(queue_retention_s)} (14 days, the SQS maximum); the pointer to a discarded batch "
        "(shard and sequence numbers) would expire while its records are still in the stream, so "
        "the failure path would keep less than its source. Pass "
        "on_failure=aws_lambda_event_sources.S3OnFailureDestination(bucket) (S3 keeps the "
        "invocation record, records included, as long as the bucket does), or lower the "
        "stream's retention to 14 days",
        limits.SRC_LAMBDA_STREAM_ERRORS,
    )


def short_on_failure_retention(
    queue_retention_s: float | None,
    stream_retention_s: float | None,
    *,
    source_kind: str = KINESIS,
    prop: str = "on_failure",
) -> Violation | None:
    """An on-failure queue made in this app keeps its messages less time than the stream keeps
    records (24 h for DynamoDB Streams when the retention is not known): the failure path
    would keep less than its source, so the construct refuses it."""
    needed = stream_retention_s
    if needed is None and source_kind == DYNAMODB:
        needed = float(limits.DYNAMODB_STREAM_RETENTION_S)
    if queue_retention_s is None or needed is None or queue_retention_s >= needed:
        return None
    return Violation(
        prop,
        f"{prop} queue keeps messages {fmt_seconds(queue_retention_s)}, less than the stream keeps "
        f"records ({fmt_seconds(needed)}); the record of a discarded batch - shard and sequence "
        "numbers, the only way back to the records - can expire while the records are still in "
        "the stream to be reprocessed. Keep it at least as long (14 days, the SQS maximum, is "
        "what this construct's own failure queue keeps)",
        limits.SRC_LAMBDA_STREAM_ERRORS,
    )


def unverified_on_failure(
    destination: str, retention_s: float | None, *, source_kind: str = KINESIS, prop: str = "on_failure"
) -> Violation:
    """A warning: a destination the user brought cannot be inspected (the queue, topic or
    bucket inside ``SqsDlq`` / ``SnsDlq`` / ``S3OnFailureDestination`` is private), so say
    what it must be."""
    if retention_s is not None:
        keep = f"at least {fmt_seconds(retention_s)}, the stream's retention"
    elif source_kind == DYNAMODB:
        keep = "at least 24 h, the retention of DynamoDB Streams"
    else:
        keep = "at least as long as the stream keeps records"
    return Violation(
        prop,
        f"{prop} {destination} is your own destination, which this construct cannot inspect; "
        "make sure it is encrypted (SSE-SQS / SSE-S3, or a KMS key whose policy lets the "
        "function's role use it), a standard queue or topic - not FIFO: Lambda destinations "
        f"reject FIFO queues - and keeps what it receives {keep}. Otherwise the only trace "
        "of a discarded batch can be rejected or expire before anyone reads it",
        limits.SRC_LAMBDA_STREAM_ERRORS,
    )


def source_in_other_region(
    function_region: str | None, source_region: str | None, *, name: str, source_kind: str = KINESIS, prop: str = "stream"
) -> Violation | None:
    """A warning: the stream is in another Region than the function. No AWS page found states
    that a Kinesis or DynamoDB stream mapping must be in the function's Region (the SQS page
    does, limits.SRC_LAMBDA_SQS_SAME_REGION), so this is not refused; ``None`` when either
    Region is unknown (a token)."""
    if function_region is None or source_region is None or function_region == source_region:
        return None
    what = "DynamoDB stream" if source_kind == DYNAMODB else "Kinesis data stream"
    return Violation(
        prop,
        f"{prop} {name} reads a {what} in Region {source_region}, but the function and its event "
        f"source mapping are in {function_region}. AWS documents that an SQS queue must be in the "
        "function's Region; its Kinesis and DynamoDB Streams pages do not say, so this is a "
        "warning, but expect the mapping to fail to be created. Put the processor in a stack of "
        f"{source_region} (acknowledge this warning only if you have verified the mapping works)",
        limits.SRC_ESM_API,
    )
