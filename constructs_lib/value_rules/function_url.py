"""Rules for the synchronous front doors added since 2023: Lambda function URLs and REST API
response streaming.

A function URL is an HTTPS endpoint on the function itself: AWS_IAM or NONE auth only, no
stage throttling, no request validation, no integration timeout (the caller waits up to the
function timeout, at most 15 minutes), 6 MB payloads buffered or responses up to 200 MB
streamed. REST API response streaming (``ResponseTransferMode.STREAM``) lets an integration
run up to 15 minutes. Streaming needs a handler that streams: Lambda streams natively on the
Node.js managed runtimes only (other languages need a custom runtime or the Lambda Web Adapter).
Sources: ``limits.SRC_LAMBDA_URLS``, ``limits.SRC_LAMBDA_URL_AUTH``,
``limits.SRC_LAMBDA_URL_STREAMING``, ``limits.SRC_APIGW_STREAMING``.
"""

from __future__ import annotations

from collections.abc import Iterable

from constructs_lib import limits
from constructs_lib.value_rules import Violation, check_range, fmt_seconds

URL = "url"

#: Authorization kinds (``Authorization.kind``) a function URL supports, and its AuthType for each.
URL_AUTH_TYPES = {"IAM": "AWS_IAM", "NONE": "NONE"}


def check_url_authorization(kind: str, *, prop: str = "authorization") -> Violation | None:
    """A function URL authorizes with IAM (SigV4) or not at all; nothing else."""
    if kind in URL_AUTH_TYPES:
        return None
    return Violation(
        prop,
        f"{prop} Authorization.{kind.lower()}() is not available on a function URL: its AuthType "
        "is AWS_IAM (SigV4-signed requests, lambda:InvokeFunctionUrl) or NONE, and Lambda has no "
        "Cognito or JWT authorizer for it. Use api='http' (JWT and Cognito authorizers), or "
        "Authorization.iam(), or Authorization.none(reason=...) and validate the token in the handler",
        limits.SRC_LAMBDA_URL_AUTH,
    )


def check_api_only_props(given: Iterable[str], *, api: str = URL) -> Violation | None:
    """Props that configure API Gateway (a stage, an integration, access logs) do not exist on
    a function URL: an error names the first one set, instead of ignoring it."""
    names = sorted(given)
    if not names:
        return None
    return Violation(
        names[0],
        f"{', '.join(names)} configure{'s' if len(names) == 1 else ''} API Gateway, which "
        f"api={api!r} does not use: a function URL has no stage (no throttling, no access "
        "logs), no integration timeout and no request validation. Leave "
        f"{'it' if len(names) == 1 else 'them'} unset, cap concurrency with "
        "reserved_concurrent_executions, or use api='rest' / api='http'",
        limits.SRC_LAMBDA_URLS,
    )


def check_url_only_props(given: Iterable[str], *, api: str) -> Violation | None:
    """``invoke_mode`` belongs to a function URL only."""
    names = sorted(given)
    if not names:
        return None
    return Violation(
        names[0],
        f"{', '.join(names)} applies to api='url' (a Lambda function URL) only, not api={api!r}; "
        "REST APIs stream with response_transfer_mode=apigw.ResponseTransferMode.STREAM",
        limits.SRC_LAMBDA_URL_STREAMING,
    )


def check_streaming_api(streaming: bool, *, api: str, prop: str = "response_transfer_mode") -> Violation | None:
    """API Gateway streams responses on REST APIs only."""
    if not streaming or api == "rest":
        return None
    hint = "use invoke_mode=lambda_.InvokeMode.RESPONSE_STREAM" if api == URL else "use api='rest' or api='url'"
    return Violation(
        prop,
        f"{prop} STREAM is not available with api={api!r}: API Gateway streams responses on REST "
        f"APIs only; {hint}",
        limits.SRC_APIGW_STREAMING,
    )


def check_streaming_integration_timeout(
    integration_timeout_s: float | None, *, prop: str = "integration_timeout"
) -> Violation | None:
    """With response streaming a REST integration may wait 50 ms to 15 minutes."""
    return check_range(
        prop,
        integration_timeout_s,
        limits.APIGW_REST_MIN_INTEGRATION_TIMEOUT_MS / 1000,
        limits.APIGW_REST_STREAMING_MAX_INTEGRATION_TIMEOUT_S,
        unit="s",
        why="a streamed REST response lasts at most 15 minutes and API Gateway rejects a longer "
        "integration timeout",
        source=limits.SRC_APIGW_STREAMING_TIMEOUT,
    )


def streaming_runtime(runtime: str | None, *, prop: str = "runtime") -> Violation | None:
    """A warning: a streaming front door in front of a runtime that does not stream natively."""
    if runtime is None or runtime.startswith("nodejs"):
        return None
    return Violation(
        prop,
        f"{prop} {runtime} does not stream responses natively: Lambda supports response "
        "streaming on the Node.js managed runtimes; other languages need a custom runtime or "
        "the Lambda Web Adapter, otherwise the response arrives in one piece when the handler "
        "returns",
        limits.SRC_LAMBDA_RESPONSE_STREAMING,
    )


def unthrottled_url(reserved: float | None, *, open_url: bool, prop: str = "reserved_concurrent_executions") -> Violation | None:
    """A warning: a function URL without a reservation is limited only by the account's
    concurrency (a URL has no stage throttling)."""
    if reserved is not None:
        return None
    who = "anyone on the internet" if open_url else "every caller allowed to invoke it"
    return Violation(
        prop,
        f"{prop} is not set on a function URL, which has no stage throttling: {who} can spend "
        "the account's whole unreserved concurrency, throttling every other function in the "
        "Region. Set reserved_concurrent_executions to the most this endpoint may use",
        limits.SRC_LAMBDA_RESERVED,
    )


def check_cors_max_age(
    max_age_s: float | None, *, limit_s: float | None, what: str, source: str, prop: str = "cors"
) -> Violation | None:
    """A CORS ``max_age`` at most ``limit_s`` (``None``: no limit of the service's own)."""
    if max_age_s is None or limit_s is None or max_age_s <= limit_s:
        return None
    return Violation(
        prop,
        f"{prop} max_age {fmt_seconds(max_age_s)} is above the {fmt_seconds(limit_s)} (24 hours) {what} "
        "accepts; the deploy would fail. Use at most Duration.hours(24)",
        source,
    )


def check_cors_items(count: int | None, *, field: str, limit: int, prop: str = "cors") -> Violation | None:
    """At most ``limit`` items in a function URL's CORS list ``field``."""
    if count is None or count <= limit:
        return None
    return Violation(
        prop,
        f"{prop} {field} has {count} items; a function URL's CORS settings take at most {limit} "
        "and Lambda rejects the URL otherwise",
        limits.SRC_LAMBDA_URL_CORS,
    )


def check_cors_origins_given(count: int | None, *, prop: str = "cors") -> Violation | None:
    """A REST API's CORS options need at least one origin (aws-cdk-lib refuses none)."""
    if count is None or count > 0:
        return None
    return Violation(
        prop,
        f"{prop} allow_origins is empty; a CORS preflight answer names the origins it allows, so "
        "give at least one (apigw.Cors.ALL_ORIGINS for any), or leave cors unset for no CORS",
        limits.SRC_APIGW_ACCESS_CONTROL,
    )


def url_budget(timeout_s: float | None) -> str:
    """How long a caller of a function URL may wait: the function timeout."""
    return "the function timeout" if timeout_s is None else fmt_seconds(timeout_s)


__all__ = [
    "URL",
    "URL_AUTH_TYPES",
    "check_api_only_props",
    "check_cors_items",
    "check_cors_max_age",
    "check_cors_origins_given",
    "check_streaming_api",
    "check_streaming_integration_timeout",
    "check_url_authorization",
    "check_url_only_props",
    "streaming_runtime",
    "unthrottled_url",
    "url_budget",
]
