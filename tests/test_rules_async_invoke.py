"""Pure rules of the asynchronous invocation model (no synth)."""

from __future__ import annotations

import pytest

from constructs_lib import limits
from constructs_lib.value_rules import async_invoke as rules


# retry_attempts: 0-2 -------------------------------------------------------------------
@pytest.mark.parametrize("value", [0, 1, 2])
def test_retry_attempts_in_range(value: int) -> None:
    assert rules.check_retry_attempts(value) is None


@pytest.mark.parametrize("value", [-1, 3])
def test_retry_attempts_out_of_range(value: int) -> None:
    v = rules.check_retry_attempts(value)
    assert v is not None
    assert v.prop == "retry_attempts"
    assert f"retry_attempts {value} is outside the allowed range 0-2" in v.message
    assert "at most twice" in v.message
    assert v.source == limits.SRC_EVENT_INVOKE_CONFIG


def test_retry_attempts_cfn_prop_name() -> None:
    v = rules.check_retry_attempts(5, prop="MaximumRetryAttempts")
    assert v is not None and v.prop == "MaximumRetryAttempts" and v.message.startswith("MaximumRetryAttempts 5")


# max_event_age: 60 s - 6 h ---------------------------------------------------------------
@pytest.mark.parametrize("value", [60, 21600])
def test_max_event_age_in_range(value: int) -> None:
    assert rules.check_max_event_age(value) is None


@pytest.mark.parametrize("value", [59, 21601])
def test_max_event_age_out_of_range(value: int) -> None:
    v = rules.check_max_event_age(value)
    assert v is not None
    assert f"max_event_age {value} s is outside the allowed range 60-21600 s" in v.message
    assert "6 hours" in v.message
    assert v.source == limits.SRC_EVENT_INVOKE_CONFIG


# retries outlived by the event age (warning) --------------------------------------------
def test_min_event_age_for_retries() -> None:
    assert rules.min_event_age_for_retries_s(0, 30) == 0
    assert rules.min_event_age_for_retries_s(1, 30) == 30 + 60
    assert rules.min_event_age_for_retries_s(2, 30) == 2 * 30 + 60 + 120


@pytest.mark.parametrize(
    ("retries", "age", "timeout"),
    [(2, 300, 60), (1, 120, 60), (0, 60, 900), (2, 21600, 900), (None, 60, 60), (2, None, 60), (2, 60, None)],
)
def test_retries_reachable(retries: int | None, age: int | None, timeout: int | None) -> None:
    assert rules.retries_outlived(retries, age, timeout) is None


@pytest.mark.parametrize(("retries", "age", "timeout", "needed"), [(2, 299, 60, 300), (1, 119, 60, 120), (1, 60, 1, 61)])
def test_retries_outlived(retries: int, age: int, timeout: int, needed: int) -> None:
    v = rules.retries_outlived(retries, age, timeout)
    assert v is not None
    assert v.prop == "max_event_age"
    assert f"max_event_age {age} s is shorter than" in v.message
    assert f"= {needed} s" in v.message
    assert "may never run" in v.message
    assert v.source == limits.SRC_LAMBDA_ASYNC


# EventBridge target retry policy: 0-185 attempts, 60 s - 24 h ----------------------------
@pytest.mark.parametrize("value", [0, 185])
def test_target_retry_attempts_in_range(value: int) -> None:
    assert rules.check_target_retry_attempts(value) is None


@pytest.mark.parametrize("value", [-1, 186])
def test_target_retry_attempts_out_of_range(value: int) -> None:
    v = rules.check_target_retry_attempts(value)
    assert v is not None
    assert f"retry_attempts {value} is outside the allowed range 0-185" in v.message
    assert "EventBridge" in v.message
    assert v.source == limits.SRC_EVENTBRIDGE_RETRY


@pytest.mark.parametrize("value", [60, 86400])
def test_target_max_event_age_in_range(value: int) -> None:
    assert rules.check_target_max_event_age(value) is None


@pytest.mark.parametrize("value", [59, 86401])
def test_target_max_event_age_out_of_range(value: int) -> None:
    v = rules.check_target_max_event_age(value)
    assert v is not None
    assert f"max_event_age {value} s is outside the allowed range 60-86400 s" in v.message
    assert "24 hours" in v.message


def test_eventbridge_defaults_are_within_the_ranges_and_explicit() -> None:
    assert rules.check_target_retry_attempts(limits.DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS) is None
    assert rules.check_target_max_event_age(limits.DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S) is None
    assert (limits.DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS, limits.DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S) == (185, 86400)


# Failure queues ---------------------------------------------------------------------------
@pytest.mark.parametrize("fifo", [None, False])
def test_standard_failure_queue_ok(fifo: bool | None) -> None:
    assert rules.check_failure_queue_standard(fifo) is None


@pytest.mark.parametrize(("service", "source"), [("EventBridge", limits.SRC_EVENTBRIDGE_DLQ), ("Amazon SNS", limits.SRC_SNS_DLQ)])
def test_fifo_failure_queue_rejected(service: str, source: str) -> None:
    v = rules.check_failure_queue_standard(True, service=service)
    assert v is not None
    assert v.prop == "dead_letter_queue"
    assert "is a FIFO queue" in v.message and service in v.message
    assert v.source == source


def test_encryption_rules_live_in_the_sqs_family_only() -> None:
    # One rule, one place: QueueConsumer and AsyncWorker share rules.sqs's encryption rules.
    assert not hasattr(rules, "check_failure_queue_encrypted")


def test_unverified_on_failure_says_what_the_destination_must_be() -> None:
    v = rules.unverified_on_failure("SnsDestination")
    assert v.prop == "on_failure"
    assert v.message.startswith("on_failure SnsDestination is your own destination, which this construct cannot inspect")
    for fragment in ("encrypted", "not FIFO: Lambda destinations reject FIFO queues", "at least 1209600 s (14 days"):
        assert fragment in v.message, v.message
    assert v.source == limits.SRC_LAMBDA_DESTINATION_CONFIG


@pytest.mark.parametrize("retention", [None, limits.FAILURE_QUEUE_RETENTION_S])
def test_failure_queue_retention_ok(retention: int | None) -> None:
    assert rules.short_failure_queue_retention(retention) is None


def test_failure_queue_retention_short() -> None:
    v = rules.short_failure_queue_retention(limits.FAILURE_QUEUE_RETENTION_S - 1)
    assert v is not None
    assert "e+06" not in v.message  # whole seconds, not scientific notation
    assert v.prop == "dead_letter_queue"
    assert f"retention {limits.FAILURE_QUEUE_RETENTION_S - 1} s (14 days) is below 1209600 s" in v.message
    assert "redrive" in v.message
    four_days = rules.short_failure_queue_retention(4 * 86400)
    assert four_days is not None and "retention 345600 s (4 days)" in four_days.message


# --------------------------------------------------------------------------------------
# Destinations, FIFO topics and bucket notifications (issue #14)
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "fifo", "bad"),
    [("sqs-queue", True, True), ("sns-topic", True, True), ("sqs-queue", False, False), ("sqs-queue", None, False),
     ("s3-bucket", True, False), ("other", None, False)],
)
def test_destination_not_fifo(kind, fifo, bad):
    v = rules.check_destination_not_fifo(kind, fifo, prop="on_success")
    assert (v is not None) is bad
    if v is not None:
        assert v.prop == "on_success"
        assert v.source == (limits.SRC_LAMBDA_DESTINATION_CONFIG if kind == "sqs-queue" else limits.SRC_SNS_PUBLISH)


def test_destination_encrypted():
    assert rules.check_destination_encrypted("sqs-managed") is None and rules.check_destination_encrypted(None) is None
    v = rules.check_destination_encrypted("none")
    assert v is not None and "encryption turned off" in v.message


def test_topic_not_fifo():
    assert rules.check_topic_not_fifo(False) is None and rules.check_topic_not_fifo(None) is None
    v = rules.check_topic_not_fifo(True)
    assert v is not None and v.prop == "topic" and v.source == limits.SRC_SNS_FIFO_DELIVERY


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [("OBJECT_CREATED:*", "OBJECT_CREATED:PUT", True), ("OBJECT_CREATED:PUT", "OBJECT_CREATED:PUT", True),
     ("OBJECT_CREATED:PUT", "OBJECT_CREATED:POST", False), ("OBJECT_CREATED:*", "OBJECT_REMOVED:*", False)],
)
def test_events_overlap(a, b, overlap):
    assert rules.events_overlap(a, b) is overlap and rules.events_overlap(b, a) is overlap


@pytest.mark.parametrize(
    ("existing", "prefix", "suffix", "bad"),
    [
        ([("E:*", "", "")], "in/", "", True),  # no filter overlaps everything
        ([("E:*", "in/", "")], "in/x/", "", True),
        ([("E:*", "in/", "")], "out/", "", False),
        ([("E:*", "", ".json")], "", ".csv", False),
        ([("E:*", "", ".json")], "in/", "a.json", True),
        ([], "", "", False),
    ],
)
def test_notification_overlap(existing, prefix, suffix, bad):
    v = rules.check_notification_overlap(existing, "E:PUT", prefix, suffix, bucket="S/B")
    assert (v is not None) is bad
    if v is not None:
        assert "S/B" in v.message and "Configuration is ambiguously defined" in v.message


@pytest.mark.parametrize(
    ("filters", "bad"),
    [([], None), ([("in/", None)], None), ([("in/", ".json")], None), ([("in/", None), (None, ".json")], None),
     ([(None, None)], "neither a prefix nor a suffix"), ([("a/", None), ("b/", None)], "2 prefixes")],
)
def test_notification_filters(filters, bad):
    v = rules.check_notification_filters(filters)
    if bad is None:
        assert v is None
    else:
        assert v is not None and v.prop == "filters" and bad in v.message
