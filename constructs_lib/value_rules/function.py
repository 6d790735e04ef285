"""Rules that hold for every Lambda function, whatever its invocation model."""

from __future__ import annotations

from constructs_lib import limits
from constructs_lib.messages import consequence, text
from constructs_lib.value_rules import Violation, check_range, num


def check_timeout(timeout_s: float | None, *, prop: str = "timeout") -> Violation | None:
    """Function timeout within Lambda's 1-900 s."""
    return check_range(
        prop,
        timeout_s,
        limits.LAMBDA_MIN_TIMEOUT_S,
        limits.LAMBDA_MAX_TIMEOUT_S,
        unit="s",
        why="Lambda accepts a function timeout of 1 s to 15 minutes (900 s), in whole seconds",
        source=limits.SRC_LAMBDA_QUOTAS,
    )


def check_memory_size(memory_mb: float | None, *, prop: str = "memory_size") -> Violation | None:
    """Function memory within Lambda's 128-10,240 MB."""
    return check_range(
        prop,
        memory_mb,
        limits.LAMBDA_MIN_MEMORY_MB,
        limits.LAMBDA_MAX_MEMORY_MB,
        unit="MB",
        why="Lambda rejects memory outside 128 MB to 10,240 MB",
        source=limits.SRC_LAMBDA_QUOTAS,
    )


def check_reserved_concurrency(
    reserved: float | None, *, prop: str = "reserved_concurrent_executions"
) -> Violation | None:
    """Reserved concurrency must be positive: 0 stops every invocation (a throttled
    function), and a negative value is not accepted by Lambda."""
    if reserved is None:
        return None
    if reserved == 0:
        return Violation(
            prop,
            f"{prop} 0: {consequence('lambda-reserved-concurrency-zero')}; use a value >= 1, or leave it "
            "unset for no reservation",
            limits.SRC_LAMBDA_RESERVED,
        )
    if reserved < 0:
        return Violation(
            prop,
            f"{prop} {num(reserved)} is negative; {text('lambda-reserved-concurrency-zero').also[0]} (leave "
            "it unset for no reservation)",
            limits.SRC_LAMBDA_RESERVED,
        )
    return None


def check_unreserved_pool(
    total_reserved: float,
    account_limit: float = limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
    *,
    prop: str = "reserved_concurrent_executions",
    single: bool = False,
) -> Violation | None:
    """The sum of reserved concurrency must leave at least 100 executions unreserved
    (``single``: ``total_reserved`` is one function's reservation, not a sum)."""
    unreserved = account_limit - total_reserved
    if unreserved >= limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY:
        return None
    what = f"{prop} {num(total_reserved)}" if single else f"{prop} sums to {num(total_reserved)}"
    return Violation(
        prop,
        f"{what}, leaving {num(unreserved)} of the account's "
        f"{num(account_limit)} executions unreserved; {consequence('lambda-unreserved-pool')}",
        limits.SRC_LAMBDA_RESERVED,
    )


def check_description(length: int | None, *, prop: str = "description", limit: int = limits.LAMBDA_MAX_DESCRIPTION_LENGTH,
                      service: str = "Lambda", source: str = limits.SRC_LAMBDA_CREATE_FUNCTION) -> Violation | None:
    """A description within the service's length (a function's: 256 characters)."""
    if length is None or length <= limit:
        return None
    return Violation(
        prop,
        f"{prop} is {length} characters long; {service} accepts at most {limit} and rejects the "
        "deploy otherwise: shorten it",
        source,
    )


def supports_inline_code(runtime: str | None) -> bool | None:
    """Whether inline code (``ZipFile``) runs on ``runtime`` (``"python3.14"``, ``"java21"``);
    ``None`` when unknown (a token, or no runtime: a container image)."""
    if runtime is None:
        return None
    return runtime.startswith(limits.LAMBDA_INLINE_CODE_RUNTIME_FAMILIES)


def check_inline_code(runtime: str | None, inline: bool, *, prop: str = "code") -> Violation | None:
    """Inline code (``Code.from_inline``, the template's ``Code.ZipFile``) is accepted for the
    Node.js and Python runtimes only."""
    if not inline or supports_inline_code(runtime) is not False:
        return None
    return Violation(
        prop,
        f"{prop} is inline (Code.from_inline), which the {runtime} runtime cannot run: Lambda takes "
        "inline source (ZipFile) for the Node.js and Python runtimes only. Package the code "
        "(Code.from_asset(...) or Code.from_bucket(...)), or use a Node.js or Python runtime",
        limits.SRC_CFN_LAMBDA_CODE,
    )


def check_environment_key(key: str | None, *, prop: str = "environment") -> Violation | None:
    """An environment variable name Lambda lets a function set: not one of the keys its
    runtimes reserve (``AWS_REGION``, ``_HANDLER``...). ``None``: unknown (a token)."""
    if key is None or key not in limits.LAMBDA_RESERVED_ENVIRONMENT_KEYS:
        return None
    what = f"environment key {key!r}" if prop == "environment" else f"{prop} {key!r}"
    return Violation(
        prop,
        f"{what} is reserved: Lambda's runtime sets it ({', '.join(sorted(limits.LAMBDA_RESERVED_ENVIRONMENT_KEYS))}) "
        "and refuses a function configuration that sets it. Use another name (the runtime already "
        "gives your code AWS_REGION and the like)",
        limits.SRC_LAMBDA_ENVVARS,
    )


def check_environment_size(variables: dict[str, str] | None, *, prop: str = "environment") -> Violation | None:
    """The environment variables together within Lambda's 4 KB (the UTF-8 bytes of every key
    and value). ``variables``: only when every key and value is a resolved string (``None``
    otherwise: a token's final length is unknown)."""
    if not variables:
        return None
    size = sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in variables.items())
    if size <= limits.LAMBDA_MAX_ENVIRONMENT_BYTES:
        return None
    largest = max(variables, key=lambda k: len(k.encode("utf-8")) + len(variables[k].encode("utf-8")))
    return Violation(
        prop,
        f"{prop} is {size:,} bytes (keys and values, UTF-8) in {len(variables)} variable(s), the "
        f"largest {largest!r}; Lambda accepts at most {limits.LAMBDA_MAX_ENVIRONMENT_BYTES:,} bytes "
        "(4 KB) for all of a function's environment variables together and rejects the deploy "
        "otherwise. Keep large values in SSM Parameter Store, Secrets Manager or S3 and pass their name",
        limits.SRC_LAMBDA_QUOTAS,
    )


def check_layers(count: int | None, *, prop: str = "layers") -> Violation | None:
    """At most five layers on a function."""
    if count is None or count <= limits.LAMBDA_MAX_LAYERS:
        return None
    return Violation(
        prop,
        f"{prop} has {count} layers; Lambda allows at most {limits.LAMBDA_MAX_LAYERS} on a function "
        "(a hard quota). Merge layers, or package the dependencies with the function's code",
        limits.SRC_LAMBDA_LAYERS,
    )
