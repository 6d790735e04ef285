"""Pure stream rules: no synth, plain values in, Violation | None out."""

from __future__ import annotations

import pytest

from constructs_lib import limits
from constructs_lib.value_rules import streams as r

DAY = 24 * 3600


def test_single_source():
    assert r.check_single_source(True, False) is None
    assert r.check_single_source(False, True) is None
    both = r.check_single_source(True, True)
    neither = r.check_single_source(False, False)
    assert both is not None and "both given" in both.message and both.prop == "stream"
    assert neither is not None and "neither given" in neither.message


@pytest.mark.parametrize(
    ("value", "ok"), [(0, False), (1, True), (100, True), (10000, True), (10001, False), (None, True)]
)
def test_batch_size(value, ok):
    v = r.check_batch_size(value)
    assert (v is None) is ok
    if v:
        assert v.prop == "batch_size" and f"{value}" in v.message and "1-10000" in v.message
        assert v.source == limits.SRC_ESM_API


@pytest.mark.parametrize(
    ("value", "ok"), [(-2, False), (-1, True), (0, True), (10000, True), (10001, False), (None, True)]
)
def test_retry_attempts(value, ok):
    v = r.check_retry_attempts(value)
    assert (v is None) is ok
    if v:
        assert "retry_attempts" in v.message and "-1-10000" in v.message and "-1 for infinite" in v.message


@pytest.mark.parametrize(
    ("value", "ok"),
    [(-2, False), (-1, True), (0, False), (59, False), (60, True), (7 * DAY, True), (7 * DAY + 1, False), (None, True)],
)
def test_max_record_age(value, ok):
    v = r.check_max_record_age(value)
    assert (v is None) is ok
    if v:
        assert v.prop == "max_record_age" and "60-604800 s" in v.message


@pytest.mark.parametrize(
    ("age", "retention", "ok"),
    [(DAY, DAY, True), (DAY + 1, DAY, False), (-1, DAY, True), (None, DAY, True), (7 * DAY, None, True)],
)
def test_record_age_within_retention_dynamodb(age, retention, ok):
    v = r.check_record_age_within_retention(age, retention, source_kind=r.DYNAMODB)
    assert (v is None) is ok
    if v:
        assert "24 h retention of DynamoDB Streams" in v.message and "86401 s" in v.message
        assert v.source == limits.SRC_DDB_STREAMS


def test_record_age_within_retention_kinesis():
    v = r.check_record_age_within_retention(2 * DAY, DAY, source_kind=r.KINESIS)
    assert v is not None and "retention period (86400 s)" in v.message
    assert v.source == limits.SRC_KINESIS_RETENTION
    assert r.check_record_age_within_retention(2 * DAY, 2 * DAY) is None


@pytest.mark.parametrize(
    ("retries", "age", "warns"),
    [(-1, -1, True), (-1, 3600, False), (3, -1, False), (3, 3600, False), (None, -1, False)],
)
def test_infinite_retries(retries, age, warns):
    v = r.infinite_retries(retries, age)
    assert (v is not None) is warns
    if v:
        assert "retry_attempts -1 with max_record_age -1" in v.message and "blocks its whole shard" in v.message


@pytest.mark.parametrize(("retries", "age", "warns"), [(3, -1, True), (-1, -1, False), (3, 3600, False), (0, -1, True)])
def test_infinite_record_age(retries, age, warns):
    v = r.infinite_record_age(retries, age)
    assert (v is not None) is warns
    if v:
        assert "max_record_age -1" in v.message and "throttling" in v.message


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (10, True), (11, False), (None, True)])
def test_parallelization_factor(value, ok):
    v = r.check_parallelization_factor(value)
    assert (v is None) is ok
    if v:
        assert "parallelization_factor" in v.message and "1-10" in v.message


@pytest.mark.parametrize(("value", "ok"), [(-1, False), (0, True), (900, True), (901, False), (None, True)])
def test_tumbling_window(value, ok):
    v = r.check_tumbling_window(value)
    assert (v is None) is ok
    if v:
        assert "tumbling_window" in v.message and "0-900 s" in v.message


@pytest.mark.parametrize(
    ("position", "ts", "kind", "bad_prop"),
    [
        (r.TRIM_HORIZON, None, r.KINESIS, None),
        (r.LATEST, None, r.DYNAMODB, None),
        (r.AT_TIMESTAMP, 1700000000, r.KINESIS, None),
        (r.AT_TIMESTAMP, 0, r.KINESIS, None),
        (r.AT_TIMESTAMP, None, r.KINESIS, "starting_position"),  # the prop set; the message names the missing one
        (r.AT_TIMESTAMP, -1, r.KINESIS, "starting_position_timestamp"),
        (r.AT_TIMESTAMP, 1700000000, r.DYNAMODB, "starting_position"),
        (r.TRIM_HORIZON, 1700000000, r.KINESIS, "starting_position_timestamp"),
        (None, None, r.KINESIS, None),
    ],
)
def test_starting_position(position, ts, kind, bad_prop):
    v = r.check_starting_position(position, ts, source_kind=kind)
    assert (v.prop if v else None) == bad_prop


def test_starting_position_token_timestamp_counts_as_given():
    assert r.check_starting_position(r.AT_TIMESTAMP, None, timestamp_given=True) is None
    v = r.check_starting_position(r.LATEST, None, timestamp_given=True)
    assert v is not None and "(a token)" in v.message


@pytest.mark.parametrize(
    ("reserved", "shards", "factor", "ok"),
    [(4, 2, 2, True), (3, 2, 2, False), (20, 2, 10, True), (19, 2, 10, False), (None, 2, 2, True), (1, None, 2, True)],
)
def test_reserved_covers_shards(reserved, shards, factor, ok):
    v = r.check_reserved_covers_shards(reserved, shards, factor)
    assert (v is None) is ok
    if v:
        assert f"reserved_concurrent_executions {reserved}" in v.message
        assert f"= {shards * factor}" in v.message and "could not run all shards concurrently" in v.message


def test_dynamodb_stream_enabled():
    assert r.check_dynamodb_stream_enabled(True) is None
    v = r.check_dynamodb_stream_enabled(False, table_name="S/T")
    assert v is not None and v.prop == "table" and "S/T" in v.message
    assert "StreamViewType.NEW_AND_OLD_IMAGES" in v.message
    imported = r.check_dynamodb_stream_enabled(False, table_name="S/T", imported=True)
    assert imported is not None and "imported without its stream ARN" in imported.message and "table_stream_arn" in imported.message


def test_enhanced_fan_out_source():
    assert r.check_enhanced_fan_out_source(True, r.KINESIS) is None
    assert r.check_enhanced_fan_out_source(False, r.DYNAMODB) is None
    v = r.check_enhanced_fan_out_source(True, r.DYNAMODB)
    assert v is not None and "only available for Kinesis" in v.message


def test_defaults_are_within_limits():
    assert r.check_retry_attempts(limits.DEFAULT_STREAM_RETRY_ATTEMPTS) is None
    assert r.check_max_record_age(limits.DEFAULT_STREAM_MAX_RECORD_AGE_S) is None
    assert limits.DEFAULT_STREAM_MAX_RECORD_AGE_S <= limits.DYNAMODB_STREAM_RETENTION_S
    assert limits.DEFAULT_STREAM_MAX_RECORD_AGE_S <= limits.KINESIS_DEFAULT_RETENTION_S
    assert r.check_batch_size(limits.DEFAULT_STREAM_BATCH_SIZE) is None


# The created failure queue (14 days) must keep pointers as long as the stream keeps records
@pytest.mark.parametrize(
    ("retention_s", "ok"),
    [(None, True), (DAY, True), (14 * DAY, True), (14 * DAY + 3600, False), (365 * DAY, False)],
)
def test_failure_queue_covers_stream_retention(retention_s, ok):
    v = r.check_failure_queue_covers_retention(retention_s)
    assert (v is None) is ok
    if v is not None:
        assert v.prop == "stream"  # the prop the user set; the fix (on_failure) is in the message
        assert f"stream keeps records {retention_s} s" in v.message
        assert "without on_failure this construct creates an SQS failure queue" in v.message
        assert "1209600 s (14 days, the SQS maximum)" in v.message
        assert "S3OnFailureDestination(bucket)" in v.message
        assert v.source == limits.SRC_LAMBDA_STREAM_ERRORS


@pytest.mark.parametrize(
    ("retention_s", "kind", "keep"),
    [
        (2 * DAY, r.KINESIS, "at least 172800 s, the stream's retention"),
        (None, r.KINESIS, "at least as long as the stream keeps records"),
        (None, r.DYNAMODB, "at least 24 h, the retention of DynamoDB Streams"),
    ],
)
def test_unverified_on_failure(retention_s, kind, keep):
    v = r.unverified_on_failure("SqsDlq", retention_s, source_kind=kind)
    assert v.prop == "on_failure"
    assert v.message.startswith("on_failure SqsDlq is your own destination, which this construct cannot inspect")
    assert "not FIFO: Lambda destinations reject FIFO queues" in v.message and "encrypted" in v.message
    assert keep in v.message


NOW = 1_800_000_000.0  # a fixed "now" (Unix seconds), so the boundary is exact


@pytest.mark.parametrize(
    ("timestamp", "ok"),
    [
        (NOW - 3600, True),
        (NOW + limits.ESM_MAX_STARTING_POSITION_TIMESTAMP_AHEAD_S, True),
        (NOW + limits.ESM_MAX_STARTING_POSITION_TIMESTAMP_AHEAD_S + 1, False),
        (NOW * 1000, False),
    ],
)
def test_starting_position_timestamp_in_the_future(timestamp: float, ok: bool) -> None:
    v = r.check_starting_position(r.AT_TIMESTAMP, timestamp, now=NOW)
    assert (v is None) is ok
    if not ok:
        assert v is not None and v.prop == "starting_position_timestamp"
        assert "in the future" in v.message and "seconds" in v.message


def test_milliseconds_timestamp_suggests_seconds() -> None:
    v = r.check_starting_position(r.AT_TIMESTAMP, 1.7e12, now=NOW)
    assert v is not None and "milliseconds" in v.message and "1700000000" in v.message


def test_future_timestamp_rule_uses_the_clock_by_default() -> None:
    import time

    assert r.check_starting_position(r.AT_TIMESTAMP, time.time() - 60) is None
    assert r.check_starting_position(r.AT_TIMESTAMP, time.time() * 1000) is not None
@pytest.mark.parametrize(
    ("function_region", "source_region", "warns"),
    [("us-east-1", "eu-west-1", True), ("eu-west-1", "eu-west-1", False), (None, "eu-west-1", False), ("us-east-1", None, False)],
)
def test_source_in_other_region_warns_only_when_both_are_known_and_differ(function_region, source_region, warns) -> None:
    violation = r.source_in_other_region(function_region, source_region, name="S/T", source_kind=r.DYNAMODB, prop="table")
    assert (violation is not None) == warns
    if violation is not None:
        assert violation.prop == "table" and "DynamoDB stream in Region eu-west-1" in violation.message


def test_dynamodb_stream_hint_names_the_table_v2_prop() -> None:
    violation = r.check_dynamodb_stream_enabled(False, table_name="S/T", stream_prop="dynamo_stream")
    assert violation is not None and "dynamo_stream=dynamodb.StreamViewType" in violation.message
