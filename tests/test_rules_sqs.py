"""The pure SQS and function rules, without synth: fast, and reused by the checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructs_lib import limits
from constructs_lib.value_rules import function as fn_rules
from constructs_lib.value_rules import sqs as rules


def test_min_visibility_timeout_is_six_timeouts_plus_window() -> None:
    assert rules.min_visibility_timeout_s(30) == 180
    assert rules.min_visibility_timeout_s(30, 20) == 200
    assert limits.SQS_VISIBILITY_TIMEOUT_FACTOR == 6


@pytest.mark.parametrize("visibility,ok", [(199, False), (200, True)])
def test_visibility_timeout_boundary(visibility: int, ok: bool) -> None:
    violation = rules.check_visibility_timeout(visibility, 30, 20)
    assert (violation is None) is ok
    if violation:
        assert violation.prop == "visibility_timeout"
        assert "= 200 s" in violation.message


def test_visibility_timeout_uses_given_property_names() -> None:
    violation = rules.check_visibility_timeout(
        10, 30, 0, prop="VisibilityTimeout", timeout_prop="Timeout", window_prop="MaximumBatchingWindowInSeconds"
    )
    assert violation is not None
    assert violation.message.startswith("VisibilityTimeout 10 s is below 6 x Timeout (30 s) + MaximumBatchingWindowInSeconds")


@pytest.mark.parametrize("value", [None])
def test_unknown_values_are_not_applicable(value: None) -> None:
    assert rules.check_visibility_timeout(value, 30) is None
    assert rules.check_visibility_timeout(60, value) is None
    assert rules.check_batch_size(value) is None
    assert rules.check_max_concurrency(value) is None
    assert rules.check_max_concurrency_within_reserved(value, 5) is None
    assert rules.check_dlq_retention(value, 60) is None
    assert rules.check_fifo_match(True, value) is None
    assert fn_rules.check_reserved_concurrency(value) is None


@pytest.mark.parametrize("visibility,ok", [(43200, True), (43201, False)])
def test_visibility_timeout_maximum(visibility: int, ok: bool) -> None:
    violation = rules.check_visibility_timeout_max(visibility, derived_from="derived as 6 x timeout")
    assert (violation is None) is ok
    if violation:
        assert "43201 s (derived as 6 x timeout) exceeds SQS's maximum of 43200 s" in violation.message


@pytest.mark.parametrize("count,warns", [(4, True), (5, False)])
def test_low_max_receive_count(count: int, warns: bool) -> None:
    assert (rules.low_max_receive_count(count) is not None) is warns


@pytest.mark.parametrize("dlq,source,ok", [(100, 100, True), (99, 100, False)])
def test_dlq_retention(dlq: int, source: int, ok: bool) -> None:
    assert (rules.check_dlq_retention(dlq, source) is None) is ok


@pytest.mark.parametrize("source,dlq,ok", [(True, True, True), (False, False, True), (True, False, False), (False, True, False)])
def test_fifo_match(source: bool, dlq: bool, ok: bool) -> None:
    assert (rules.check_fifo_match(source, dlq) is None) is ok


@pytest.mark.parametrize("window,fifo,ok", [(0, True, True), (1, True, False), (300, False, True), (301, False, False)])
def test_batching_window(window: int, fifo: bool, ok: bool) -> None:
    assert (rules.check_batching_window(window, fifo=fifo) is None) is ok


@pytest.mark.parametrize("reserved,ok", [(1, True), (0, False), (-1, False)])
def test_reserved_concurrency(reserved: int, ok: bool) -> None:
    assert (fn_rules.check_reserved_concurrency(reserved) is None) is ok


@pytest.mark.parametrize("total,ok", [(900, True), (901, False)])
def test_unreserved_pool(total: int, ok: bool) -> None:
    violation = fn_rules.check_unreserved_pool(total)
    assert (violation is None) is ok
    if violation:
        assert "leaving 99 of the account's 1000 executions unreserved" in violation.message


def test_numbers_are_printed_exactly() -> None:
    violation = rules.check_retention(1209601)
    assert violation is not None
    assert "retention_period 1209601 s is outside the allowed range 60-1209600 s" in violation.message


# batch size: a window that is an unresolved token (None) is unknown, not "no window" ----
@pytest.mark.parametrize("size,window,ok", [
    (10, 0, True), (11, 0, False),  # no window: 1-10
    (11, None, True), (100, None, True), (10000, None, True),  # unknown window: only 1-10,000
    (0, None, False), (10001, None, False),
    (11, 1, True), (10000, 1, True), (10001, 1, False),
])
def test_batch_size_with_known_unknown_and_no_window(size: int, window: float | None, ok: bool) -> None:
    violation = rules.check_batch_size(size, max_batching_window_s=window)
    assert (violation is None) is ok, violation
    if violation is not None:
        assert violation.prop == "batch_size"
        assert f"batch_size {size}" in violation.message


def test_unknown_window_keeps_the_range_rule_message() -> None:
    violation = rules.check_batch_size(10001, max_batching_window_s=None)
    assert violation is not None
    assert "batch_size 10001 is outside the allowed range 1-10000" in violation.message
    assert "without a max_batching_window" not in violation.message


def test_unknown_window_still_applies_the_fifo_limit() -> None:
    assert rules.check_batch_size(11, max_batching_window_s=None, fifo=True) is not None
    assert rules.check_batch_size(10, max_batching_window_s=None, fifo=True) is None


# failure queues: encrypted, and not with the AWS managed key when a service sends -------
@pytest.mark.parametrize("encryption,ok", [
    ("none", False), ("sqs-managed", True), ("kms-managed", True), ("kms", True), (None, True),
])
def test_failure_queue_encrypted(encryption: str | None, ok: bool) -> None:
    violation = rules.check_failure_queue_encrypted(encryption)
    assert (violation is None) is ok
    if violation is not None:
        assert violation.prop == "dead_letter_queue"
        assert "dead_letter_queue has server-side encryption turned off" in violation.message
        assert "SQS_MANAGED" in violation.message
        assert violation.source == limits.SRC_SQS_DLQ


@pytest.mark.parametrize("encryption,ok", [
    ("kms-managed", False), ("kms", True), ("sqs-managed", True), ("none", True), (None, True),
])
def test_failure_queue_key_usable(encryption: str | None, ok: bool) -> None:
    violation = rules.check_failure_queue_key_usable(encryption, service="Amazon SNS")
    assert (violation is None) is ok
    if violation is not None:
        assert violation.prop == "dead_letter_queue"
        assert "AWS managed SQS key (alias/aws/sqs" in violation.message
        assert "its key policy cannot be changed to let Amazon SNS use the key" in violation.message
        assert violation.source == limits.SRC_SQS_KEY_MANAGEMENT


def test_failure_queue_rules_name_the_queue_when_given() -> None:
    unencrypted = rules.check_failure_queue_encrypted("none", name="App/Dlq")
    aws_managed = rules.check_failure_queue_key_usable("kms-managed", service="EventBridge", name="App/Dlq")
    assert unencrypted is not None and unencrypted.message.startswith("dead_letter_queue App/Dlq has server-side")
    assert aws_managed is not None and aws_managed.message.startswith("dead_letter_queue App/Dlq is encrypted with")


def test_visibility_timeout_with_a_token_is_checked_against_the_smallest_possible_need():
    from constructs_lib.value_rules import sqs as sqs_rules

    assert sqs_rules.check_visibility_timeout(0, 30, None) is None  # not applicable by default
    v = sqs_rules.check_visibility_timeout(0, 30, None, at_least=True)
    assert v is not None and "max_batching_window (a token, at least 0 s) = at least 180 s" in v.message
    v = sqs_rules.check_visibility_timeout(5, None, 0, at_least=True)
    assert v is not None and "timeout (a token, at least 1 s)" in v.message
    assert sqs_rules.check_visibility_timeout(180, 30, None, at_least=True) is None


# --------------------------------------------------------------------------------------
# Regions and imported dead-letter queues
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arn", "region"),
    [
        ("arn:aws:sqs:eu-west-1:123456789012:orders", "eu-west-1"),
        ("arn:aws-cn:sqs:cn-north-1:123456789012:orders.fifo", "cn-north-1"),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000", "us-east-1"),
        ("arn:aws:s3:::bucket", None),
        ("https://sqs.eu-west-1.amazonaws.com/123456789012/orders", None),
        ("arn:aws:sqs", None),
        (None, None),
    ],
)
def test_arn_region(arn: str | None, region: str | None) -> None:
    assert rules.arn_region(arn) == region


@given(
    function_region=st.sampled_from(["us-east-1", "eu-west-1", "ap-south-1", None]),
    queue_region=st.sampled_from(["us-east-1", "eu-west-1", "ap-south-1", None]),
)
def test_queue_region_is_refused_only_when_both_are_known_and_differ(function_region, queue_region) -> None:
    violation = rules.check_queue_in_function_region(function_region, queue_region, name="S/Q")
    differ = function_region is not None and queue_region is not None and function_region != queue_region
    assert (violation is not None) == differ
    if violation is not None:
        assert violation.prop == "queue" and violation.source == limits.SRC_LAMBDA_SQS_SAME_REGION
        assert f"queue S/Q is in Region {queue_region}" in violation.message and function_region in violation.message


def test_unverifiable_dead_letter_queue_says_what_it_must_be() -> None:
    violation = rules.unverifiable_dead_letter_queue("S/Dlq")
    assert violation.prop == "dead_letter_queue" and violation.source == limits.SRC_SQS_DLQ
    assert "S/Dlq is imported" in violation.message and "encrypted" in violation.message
