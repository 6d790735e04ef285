"""Pure rules for API Gateway -> Lambda (synchronous): no synth, plain values."""

from __future__ import annotations

import pytest

from constructs_lib import limits
from constructs_lib.value_rules import api as rules


# --- api type ---------------------------------------------------------------------------
@pytest.mark.parametrize("api", ["rest", "http", None])
def test_api_type_ok(api):
    assert rules.check_api_type(api) is None


@pytest.mark.parametrize("api", ["REST", "websocket", ""])
def test_api_type_bad(api):
    v = rules.check_api_type(api)
    assert v is not None and v.prop == "api" and repr(api) in v.message


# --- integration timeout ----------------------------------------------------------------
def test_max_integration_timeout():
    assert rules.max_integration_timeout_s("rest") == 29
    assert rules.max_integration_timeout_s("http") == 30
    assert rules.max_integration_timeout_s("rest", 60) == 60
    assert rules.max_integration_timeout_s("http", 60) == 30


@pytest.mark.parametrize(
    ("api", "value", "ok"),
    [
        ("rest", 0.05, True),   # lowest allowed: 50 ms
        ("rest", 0.049, False),
        ("rest", 29, True),     # last good
        ("rest", 29.001, False),  # first bad
        ("http", 0.05, True),
        ("http", 0.049, False),
        ("http", 30, True),
        ("http", 30.001, False),
    ],
)
def test_integration_timeout_range(api, value, ok):
    v = rules.check_integration_timeout(value, api=api)
    assert (v is None) is ok
    if not ok:
        assert v.prop == "integration_timeout"
        assert f"{value:g} s" in v.message
        assert "outside the allowed range" in v.message


def test_integration_timeout_rest_message_points_to_quota():
    v = rules.check_integration_timeout(60, api="rest")
    assert "integration_timeout_quota" in v.message
    assert v.source == limits.SRC_APIGW_QUOTAS


def test_integration_timeout_http_cannot_be_raised():
    v = rules.check_integration_timeout(31, api="http")
    assert "cannot be raised" in v.message
    assert v.source == limits.SRC_APIGW_HTTP_QUOTAS


@pytest.mark.parametrize(("value", "ok"), [(120, True), (120.5, False)])
def test_integration_timeout_with_quota(value, ok):
    v = rules.check_integration_timeout(value, api="rest", quota_s=120)
    assert (v is None) is ok
    if not ok:
        assert "integration_timeout_quota" in v.message


def test_integration_timeout_none_is_not_applicable():
    assert rules.check_integration_timeout(None, api="rest") is None


@pytest.mark.parametrize(
    ("quota", "api", "edge", "ok"),
    [
        (None, "http", False, True),
        (29.001, "rest", False, True),  # first good above the default
        (29, "rest", False, False),     # last bad
        (300, "rest", False, True),
        (60, "rest", True, False),      # edge-optimized: not eligible
        (60, "http", False, False),     # HTTP: not eligible
    ],
)
def test_integration_timeout_quota(quota, api, edge, ok):
    v = rules.check_integration_timeout_quota(quota, api=api, edge=edge)
    assert (v is None) is ok
    if not ok:
        assert v.prop == "integration_timeout_quota"
        assert f"{quota:g} s" in v.message


def test_integration_timeout_quota_names_the_ineligible_kind():
    assert "edge-optimized" in rules.check_integration_timeout_quota(60, api="rest", edge=True).message
    assert "HTTP APIs" in rules.check_integration_timeout_quota(60, api="http").message


# --- function timeout vs integration timeout -------------------------------------------
@pytest.mark.parametrize(("timeout", "ok"), [(28, True), (28.999, True), (29, False), (30, False)])
def test_timeout_strictly_below_integration_timeout(timeout, ok):
    v = rules.check_timeout_below_integration_timeout(timeout, 29)
    assert (v is None) is ok
    if not ok:
        assert v.prop == "timeout"
        assert f"timeout {timeout:g} s" in v.message
        assert "integration_timeout 29 s" in v.message
        assert "504" in v.message and "billing" in v.message


@pytest.mark.parametrize(("timeout", "integration"), [(None, 29), (30, None), (None, None)])
def test_timeout_rule_skips_unknowns(timeout, integration):
    assert rules.check_timeout_below_integration_timeout(timeout, integration) is None


@pytest.mark.parametrize(("timeout", "warns"), [(19, False), (19.5, True), (20, True)])
def test_cold_start_headroom(timeout, warns):
    v = rules.low_cold_start_headroom(timeout, 29)
    assert (v is not None) is warns
    if warns:
        assert "cold start" in v.message and v.source == limits.SRC_LAMBDA_INIT


def test_cold_start_headroom_default_fits():
    assert rules.low_cold_start_headroom(limits.DEFAULT_SYNC_API_TIMEOUT_S, 29) is None
    assert rules.low_cold_start_headroom(None, 29) is None


# --- throttling -------------------------------------------------------------------------
@pytest.mark.parametrize(("rate", "ok"), [(0.001, True), (1, True), (0, False), (-1, False), (None, True)])
def test_rate_limit(rate, ok):
    v = rules.check_throttling_rate_limit(rate)
    assert (v is None) is ok
    if not ok:
        assert v.prop == "throttling_rate_limit" and "429" in v.message and f"{rate:g}" in v.message


@pytest.mark.parametrize(("burst", "ok"), [(1, True), (0.999, False), (0, False), (-5, False), (None, True)])
def test_burst_limit(burst, ok):
    v = rules.check_throttling_burst_limit(burst)
    assert (v is None) is ok
    if not ok:
        assert v.prop == "throttling_burst_limit" and "429" in v.message


@pytest.mark.parametrize(
    ("rate", "burst", "prop"),
    [
        (10000, 5000, None),
        (10001, 5000, "throttling_rate_limit"),
        (10000, 5001, "throttling_burst_limit"),
        (None, None, None),
    ],
)
def test_throttling_above_account(rate, burst, prop):
    v = rules.throttling_above_account(rate, burst)
    assert (v.prop if v else None) == prop


@pytest.mark.parametrize(
    ("rate", "burst", "timeout", "reserved", "prop"),
    [
        (10, 10, 10, 100, None),                        # 10 x 10 = 100: last good
        (10.1, 10, 10, 100, "throttling_rate_limit"),   # 101: first bad
        (1, 100, 1, 100, None),                         # burst == reserved: ok
        (1, 101, 1, 100, "throttling_burst_limit"),     # burst above
        (50, 100, 10, None, None),                      # no reservation: not applicable
        (50, 100, None, 10, None),                      # unknown timeout: not applicable
    ],
)
def test_throttling_exceeds_reserved(rate, burst, timeout, reserved, prop):
    v = rules.throttling_exceeds_reserved(rate, burst, timeout, reserved)
    assert (v.prop if v else None) == prop
    if v is not None:
        assert "reserved_concurrent_executions" in v.message and "429" in v.message


def test_throttling_exceeds_reserved_names_the_product():
    v = rules.throttling_exceeds_reserved(50, 100, 10, 20)
    assert "50/s x timeout 10 s = 500" in v.message


# --- provisioned concurrency -------------------------------------------------------------
@pytest.mark.parametrize(
    ("provisioned", "reserved", "ok"),
    [(1, None, True), (0, None, False), (-1, None, False), (10, 10, True), (11, 10, False), (None, 1, True)],
)
def test_provisioned_concurrency(provisioned, reserved, ok):
    v = rules.check_provisioned_concurrency(provisioned, reserved)
    assert (v is None) is ok
    if not ok:
        assert v.prop == "provisioned_concurrency" and f"{provisioned:g}" in v.message
        assert v.source == limits.SRC_LAMBDA_PROVISIONED


# --- no async settings -------------------------------------------------------------------
@pytest.mark.parametrize("name", rules.ASYNC_ONLY_FUNCTION_PROPS)
def test_async_settings_rejected(name):
    v = rules.check_no_async_settings(["vpc", name])
    assert v is not None and v.prop == "function_props"
    assert name in v.message and "synchronously" in v.message
    assert v.source == limits.SRC_LAMBDA_SYNC


def test_async_settings_ok_and_cfn_names():
    assert rules.check_no_async_settings(["vpc", "role"]) is None
    assert rules.check_no_async_settings([]) is None
    v = rules.check_no_async_settings(["DeadLetterConfig"], prop="Properties", async_props=["DeadLetterConfig"])
    assert v is not None and v.message.startswith("Properties sets DeadLetterConfig")


# --- open endpoints ------------------------------------------------------------------------
@pytest.mark.parametrize(("reason", "ok"), [("public health check", True), ("", False), ("  ", False), (None, False)])
def test_open_reason(reason, ok):
    v = rules.check_open_reason(reason)
    assert (v is None) is ok
    if not ok:
        assert v.prop == "authorization" and "reason" in v.message


def test_private_api_needs_a_resource_policy():
    assert rules.check_private_api_policy(False, False) is None
    assert rules.check_private_api_policy(True, True) is None
    v = rules.check_private_api_policy(True, False)
    assert v is not None and v.prop == "endpoint_type" and v.source == limits.SRC_APIGW_RESOURCE_POLICY


def test_timeout_at_the_integration_timeout_names_what_was_set():
    v = rules.check_timeout_below_integration_timeout(10, 1)
    assert v is not None and v.prop == "timeout" and v.message.startswith("timeout 10 s is not below the integration_timeout 1 s")
    v = rules.check_timeout_below_integration_timeout(10, 1, timeout_is_default=True)
    assert v is not None and v.prop == "integration_timeout"
    assert v.message.startswith("integration_timeout 1 s is not above the function timeout 10 s (its default)")
