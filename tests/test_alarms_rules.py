"""The pure alarm-threshold rules (no synth)."""

from __future__ import annotations

import pytest

from constructs_lib import limits
from constructs_lib.value_rules import alarms as rules


@pytest.mark.parametrize("value,ok", [(None, True), (0, False), (0.999, False), (1, True), (100, True)])
def test_count_threshold(value: float | None, ok: bool) -> None:
    violation = rules.check_count_threshold(value, prop="errors_alarm_threshold", metric="Errors")
    assert (violation is None) is ok
    if violation is not None:
        assert violation.prop == "errors_alarm_threshold"
        assert "Errors >= errors_alarm_threshold" in violation.message
        assert violation.source == limits.SRC_CLOUDWATCH_RECOMMENDED_ALARMS


@pytest.mark.parametrize("value,ok", [(None, True), (0, False), (0.0001, True), (0.9999, True), (1, False), (5, False)])
def test_rate_threshold(value: float | None, ok: bool) -> None:
    violation = rules.check_rate_threshold(value, prop="server_error_rate_alarm_threshold", metric="5XXError")
    assert (violation is None) is ok
    if violation is not None:
        assert "write 0.05 for 5 %" in violation.message


@pytest.mark.parametrize(
    "threshold,limit,ok",
    [(None, 60, True), (-1, 60, False), (0, 60, False), (0.001, 60, True), (59.999, 60, True), (60, 60, False), (1e9, None, True)],
)
def test_age_threshold(threshold: float | None, limit: float | None, ok: bool) -> None:
    violation = rules.check_age_threshold(
        threshold, limit, prop="p", limit_prop="max_event_age", what="events expire", source="src"
    )
    assert (violation is None) is ok


def test_age_threshold_names_a_derived_value() -> None:
    violation = rules.check_age_threshold(
        90, 60, prop="p", limit_prop="retention_period", what="messages are deleted", source="src",
        derived_from="derived as 1.5 x visibility_timeout 60 s",
    )
    assert violation is not None
    assert violation.message.startswith("p 90 s (derived as 1.5 x visibility_timeout 60 s) is not below retention_period 60 s")
    assert violation.message.endswith("set it explicitly")


def test_alarm_props_without_alarms() -> None:
    assert rules.alarm_props_without_alarms([]) is None
    violation = rules.alarm_props_without_alarms(["alarm_topic", "errors_alarm_threshold"])
    assert violation is not None and violation.prop == "alarms"
    assert "alarm_topic, errors_alarm_threshold" in violation.message


def test_defaults_are_consistent() -> None:
    assert 0 < limits.DEFAULT_ITERATOR_AGE_ALARM_FRACTION < 1
    assert 0 < limits.DEFAULT_EVENT_AGE_ALARM_FRACTION < 1
    assert 0 < limits.DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION < 1
    assert 0 < limits.DEFAULT_SERVER_ERROR_RATE_ALARM_THRESHOLD < 1
    assert limits.DEFAULT_OLDEST_MESSAGE_AGE_ALARM_FACTOR > 1
    assert limits.ALARM_PERIOD_S == 60
