"""Pure rules of the invocation-model features added since 2023: SQS provisioned mode,
recursive loop detection, SnapStart, function URLs / response streaming, Scheduler retries.
No CDK: boundaries on both sides, hypothesis over the ranges, unresolved values (``None``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructs_lib import limits
from constructs_lib.value_rules import function_url as url_rules
from constructs_lib.value_rules import provisioned as rules
from constructs_lib.value_rules import recursion as recursion_rules
from constructs_lib.value_rules import schedule as schedule_rules
from constructs_lib.value_rules import snapstart as snapstart_rules


# --------------------------------------------------------------------------------------
# SQS provisioned mode
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "bad"), [(1, True), (2, False), (200, False), (201, True)])
def test_minimum_pollers_boundaries(value: int, bad: bool) -> None:
    violation = rules.check_minimum_pollers(value)
    assert (violation is not None) is bad
    if bad:
        assert violation is not None and "provisioned_poller_config.minimum_pollers" in violation.message
        assert "2-200" in violation.message and violation.source == limits.SRC_ESM_PROVISIONED_POLLER


@pytest.mark.parametrize(("value", "bad"), [(1, True), (2, False), (10000, False), (10001, True)])
def test_maximum_pollers_boundaries_are_sqs_not_kafka(value: int, bad: bool) -> None:
    """SQS allows 2-10,000 (Kafka 1-2,000): 2,001-10,000 are valid here."""
    assert (rules.check_maximum_pollers(value) is not None) is bad


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_minimum_pollers_range_property(value: int) -> None:
    assert (rules.check_minimum_pollers(value) is None) == (2 <= value <= 200)


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_maximum_pollers_range_property(value: int) -> None:
    assert (rules.check_maximum_pollers(value) is None) == (2 <= value <= 10000)


@pytest.mark.parametrize(
    ("minimum", "maximum", "bad"),
    [(5, 5, False), (6, 5, True), (200, None, False), (None, 2, False), (None, None, False), (3, 2, True)],
)
def test_minimum_within_maximum_uses_lambdas_defaults(minimum: int | None, maximum: int | None, bad: bool) -> None:
    assert (rules.check_minimum_within_maximum(minimum, maximum) is not None) is bad


def test_minimum_within_maximum_skips_a_token() -> None:
    """A bound given as a token (None but given) is not compared with the other."""
    assert rules.check_minimum_within_maximum(None, 2, minimum_given=True) is None
    assert rules.check_minimum_within_maximum(150, None, maximum_given=True) is None


def test_max_concurrency_conflict_even_as_a_token() -> None:
    violation = rules.check_pollers_without_max_concurrency(True, 10)
    assert violation is not None and violation.prop == "max_concurrency"
    assert "cannot be combined with provisioned_poller_config" in violation.message
    assert violation.source == limits.SRC_LAMBDA_SQS_SCALING
    token = rules.check_pollers_without_max_concurrency(True, None, given=True)
    assert token is not None and "(a token)" in token.message
    assert rules.check_pollers_without_max_concurrency(True, None) is None
    assert rules.check_pollers_without_max_concurrency(False, 10) is None


@pytest.mark.parametrize(("maximum", "reserved", "bad"), [(2, 20, False), (2, 19, True), (3, 30, False), (3, 29, True)])
def test_reservation_covers_ten_invocations_per_poller(maximum: int, reserved: int, bad: bool) -> None:
    violation = rules.check_reserved_covers_pollers(maximum, reserved)
    assert (violation is not None) is bad
    if bad:
        assert violation is not None
        assert f"{maximum} x 10 invocations per poller = {maximum * 10}" in violation.message
        assert f"reserved_concurrent_executions ({reserved})" in violation.message


@given(st.integers(min_value=2, max_value=10000), st.integers(min_value=1, max_value=200000))
def test_reservation_property(maximum: int, reserved: int) -> None:
    assert (rules.check_reserved_covers_pollers(maximum, reserved) is None) == (reserved >= 10 * maximum)


def test_reservation_hint_names_the_fitting_maximum_or_the_smallest_mode() -> None:
    fits = rules.check_reserved_covers_pollers(10, 55)
    assert fits is not None and "lower provisioned_poller_config.maximum_pollers to 5" in fits.message
    too_small = rules.check_reserved_covers_pollers(5, 15)
    assert too_small is not None
    assert "Raise reserved_concurrent_executions to 50 (or to 20 with provisioned_poller_config.maximum_pollers 2" in (
        too_small.message
    )


def test_reservation_hint_offers_each_remedy_once() -> None:
    """At the smallest provisioned mode, raising the reservation to 20 is one remedy, not two."""
    violation = rules.check_reserved_covers_pollers(2, 10)
    assert violation is not None
    assert violation.message.count(" 20") == 2  # "= 20 concurrent invocations" and "to 20"
    assert "Raise reserved_concurrent_executions to 20, or use max_concurrency without provisioned mode" in (
        violation.message
    )


def test_reservation_counts_lambdas_default_maximum() -> None:
    """A config without maximum_pollers may scale to Lambda's 200 pollers = 2,000 invocations."""
    violation = rules.check_provisioned_pollers(2, None, reserved=100)
    assert violation is not None and "200 (Lambda's default, as it was left out)" in violation.message


def test_every_rule_passes_unknown_values() -> None:
    assert rules.check_provisioned_pollers(None, None, minimum_given=True, maximum_given=True) is None
    assert rules.check_reserved_covers_pollers(None, 10) is None
    assert rules.check_reserved_covers_pollers(5, None) is None


def test_combined_rule_reports_in_order_with_template_names() -> None:
    violation = rules.check_provisioned_pollers(
        1, 5, max_concurrency=10, reserved=10, prefix="ProvisionedPollerConfig.",
        minimum_name="MinimumPollers", maximum_name="MaximumPollers",
    )
    assert violation is not None and violation.prop == "ProvisionedPollerConfig.MinimumPollers"


# --------------------------------------------------------------------------------------
# Recursive loop detection
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "reason", "prop"),
    [("ALLOW", None, "recursive_loop"), ("Allow", "  ", "recursive_loop"), ("TERMINATE", "why", "recursive_loop_reason"), (None, "why", "recursive_loop_reason")],
)
def test_recursive_loop_errors(value: str | None, reason: str | None, prop: str) -> None:
    violation = recursion_rules.check_recursive_loop(value, reason)
    assert violation is not None and violation.prop == prop
    assert violation.source == limits.SRC_LAMBDA_RECURSION


@pytest.mark.parametrize(("value", "reason"), [(None, None), ("TERMINATE", None), ("Terminate", None), ("ALLOW", "fan-out with a depth counter")])
def test_recursive_loop_allowed_values(value: str | None, reason: str | None) -> None:
    assert recursion_rules.check_recursive_loop(value, reason) is None


def test_allow_warning_carries_the_reason() -> None:
    warning = recursion_rules.recursive_loop_allowed("Allow", "bounded re-drive")
    assert warning is not None and "reason given: bounded re-drive" in warning.message
    assert recursion_rules.recursive_loop_allowed("Terminate") is None
    assert recursion_rules.recursive_loop_allowed(None) is None


# --------------------------------------------------------------------------------------
# SnapStart
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("runtime", "supported"),
    [
        ("python3.11", False), ("python3.12", True), ("python3.14", True), ("java8.al2", False),
        ("java11", True), ("java21", True), ("dotnet6", False), ("dotnet8", True), ("nodejs22.x", False),
        ("provided.al2023", False), (None, None),
    ],
)
def test_snap_start_runtimes(runtime: str | None, supported: bool | None) -> None:
    assert snapstart_rules.supports_snap_start(runtime) is supported
    violation = snapstart_rules.check_snap_start_runtime(runtime)
    assert (violation is not None) is (supported is False)


def test_snap_start_refusals_name_the_prop_and_source() -> None:
    for violation, prop in (
        (snapstart_rules.check_snap_start_without_provisioned(1), "provisioned_concurrency"),
        (snapstart_rules.check_snap_start_without_efs(True), "function_props"),
        (snapstart_rules.check_snap_start_ephemeral_storage(513), "function_props"),
    ):
        assert violation is not None and violation.prop == prop
        assert violation.source == limits.SRC_LAMBDA_SNAPSTART
    assert snapstart_rules.check_snap_start_ephemeral_storage(512) is None
    assert snapstart_rules.check_snap_start_without_provisioned(None) is None
    assert snapstart_rules.check_snap_start_without_efs(False) is None


# --------------------------------------------------------------------------------------
# Function URLs and response streaming
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "ok"), [("IAM", True), ("NONE", True), ("COGNITO", False), ("JWT", False)])
def test_url_authorization(kind: str, ok: bool) -> None:
    violation = url_rules.check_url_authorization(kind)
    assert (violation is None) is ok
    if not ok:
        assert violation is not None and "api='http'" in violation.message


def test_api_only_props_name_the_first_one() -> None:
    violation = url_rules.check_api_only_props(["stage_name", "endpoint_type"])
    assert violation is not None and violation.prop == "endpoint_type"
    assert "endpoint_type, stage_name configure API Gateway" in violation.message
    assert url_rules.check_api_only_props([]) is None


@pytest.mark.parametrize(("seconds", "bad"), [(0.049, True), (0.05, False), (900, False), (900.001, True)])
def test_streaming_integration_timeout_boundaries(seconds: float, bad: bool) -> None:
    assert (url_rules.check_streaming_integration_timeout(seconds) is not None) is bad


@given(st.floats(min_value=0, max_value=2000, allow_nan=False))
def test_streaming_integration_timeout_property(seconds: float) -> None:
    assert (url_rules.check_streaming_integration_timeout(seconds) is None) == (0.05 <= seconds <= 900)


@pytest.mark.parametrize(("api", "bad"), [("rest", False), ("http", True), ("url", True)])
def test_streaming_is_rest_only(api: str, bad: bool) -> None:
    assert (url_rules.check_streaming_api(True, api=api) is not None) is bad
    assert url_rules.check_streaming_api(False, api=api) is None


def test_streaming_runtime_warning() -> None:
    assert url_rules.streaming_runtime("nodejs22.x") is None
    warning = url_rules.streaming_runtime("python3.14")
    assert warning is not None and "Lambda Web Adapter" in warning.message


def test_unthrottled_url_warning() -> None:
    assert url_rules.unthrottled_url(10, open_url=True) is None
    warning = url_rules.unthrottled_url(None, open_url=True)
    assert warning is not None and "anyone on the internet" in warning.message


# --------------------------------------------------------------------------------------
# EventBridge Scheduler
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "bad"), [(-1, True), (0, False), (185, False), (186, True)])
def test_schedule_retry_attempts_boundaries(value: int, bad: bool) -> None:
    violation = schedule_rules.check_schedule_retry_attempts(value)
    assert (violation is not None) is bad
    if violation is not None:
        assert violation.source == limits.SRC_SCHEDULER_RETRY and "retry_attempts" in violation.message


@pytest.mark.parametrize(("value", "bad"), [(59, True), (60, False), (86400, False), (86401, True)])
def test_schedule_max_event_age_boundaries(value: int, bad: bool) -> None:
    assert (schedule_rules.check_schedule_max_event_age(value) is not None) is bad


@given(st.integers(min_value=-1000, max_value=1000))
def test_schedule_retry_attempts_property(value: int) -> None:
    assert (schedule_rules.check_schedule_retry_attempts(value) is None) == (0 <= value <= 185)


def test_schedule_dlq_must_be_standard() -> None:
    violation = schedule_rules.check_schedule_dlq_standard(True)
    assert violation is not None and violation.source == limits.SRC_SCHEDULER_DLQ
    assert schedule_rules.check_schedule_dlq_standard(False) is None
    assert schedule_rules.check_schedule_dlq_standard(None) is None
