"""The Lambda defaults every construct shares: runtime, architecture, memory, logs, tracing.

Every construct accepts the same function keyword arguments (``code``, ``handler``,
``runtime``, ``architecture``, ``memory_size``, ``timeout``, ``environment``,
``reserved_concurrent_executions``, ``layers``, ``description``, ``log_retention``,
``function_props``) and hands them to :func:`create_function`, so a default changes here
once for all four invocation models.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib import limits
from constructs_lib._failure import acknowledge, lambda_principal
from constructs_lib._validation import is_token_string, raise_first, warn
from constructs_lib.errors import ConstructPropsError
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import function as function_rules
from constructs_lib.value_rules import recursion as recursion_rules

#: The newest Python runtime aws-cdk-lib knows: the longest support window ahead.
DEFAULT_RUNTIME = lambda_.Runtime.PYTHON_3_14
#: arm64 (Graviton): about 20 % cheaper per GB-second than x86_64 for the same code.
DEFAULT_ARCHITECTURE = lambda_.Architecture.ARM_64

#: ``limits.DEFAULT_LOG_RETENTION_DAYS`` (30 days) as the enum aws-cdk-lib takes.
DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH
#: Recursive loop detection on: Lambda stops a loop through Lambda, SQS, SNS or S3 after about
#: 16 invocations. AWS's default too, written explicitly so the template states it.
#: Source: limits.SRC_LAMBDA_RECURSION.
DEFAULT_RECURSIVE_LOOP = lambda_.RecursiveLoop.TERMINATE


#: The acknowledgment every function role of this library carries (see create_function).
ROLE_XRAY_ACKNOWLEDGMENT = {
    "AwsSolutions-IAM5[Resource::*]": (
        "Resource '*' on the function's execution role is only on xray:PutTraceSegments and "
        "xray:PutTelemetryRecords (active tracing), which support no resource-level permissions; "
        "every other statement names its resource"
    ),
}


def escape_hatch_error(
    scope: Construct, prop: str, target: str, exc: Exception, *, source: str = limits.SRC_LAMBDA_QUOTAS
) -> ConstructPropsError:
    """aws-cdk-lib refused a prop's values (an escape hatch, or a destination it could not
    bind): the error names the prop."""
    detail = str(exc).strip().splitlines()
    reason = " ".join(line.strip(" │├╰─🛑🔍") for line in detail[:8] if line.strip(" │├╰─🛑🔍"))
    return ConstructPropsError(scope, Violation(prop, f"{prop} was refused by {target}: {reason}", source))


#: Context key for the account's Lambda concurrency quota (per Region), when it was raised
#: above the default 1,000: ``cdk.json`` ``"context": {"constructs-lib:account-concurrency": 5000}``.
ACCOUNT_CONCURRENCY_CONTEXT = "constructs-lib:account-concurrency"


def function_rule_violations(plain: dict[str, Any], construct: Construct | None = None) -> list[Violation | None]:
    """The rules that hold for every function, on the plain values of the type layer
    (``plain["timeout"]`` in seconds, ``None`` when unset or a token). With ``construct``,
    a reservation is also checked against the account's quota (see
    :data:`ACCOUNT_CONCURRENCY_CONTEXT`)."""
    reserved = plain.get("reserved_concurrent_executions")
    description = plain.get("description")
    return [
        function_rules.check_timeout(plain.get("timeout")),
        function_rules.check_memory_size(plain.get("memory_size")),
        function_rules.check_reserved_concurrency(reserved),
        function_rules.check_description(
            len(description) if isinstance(description, str) and not is_token_string(description) else None
        ),
        _inline_code_runs(plain.get("code"), plain.get("runtime")),
        *environment_violations(plain.get("environment")),
        function_rules.check_layers(len(layers) if isinstance(layers := plain.get("layers"), (list, tuple)) else None),
        _reservation_fits(construct, reserved) if construct is not None and reserved is not None else None,
    ]


def environment_violations(environment: Any) -> list[Violation | None]:
    """No reserved key (``AWS_REGION``...), and within Lambda's 4 KB in all when every key
    and value is a resolved string (a token's final length is unknown: not counted)."""
    if not isinstance(environment, Mapping) or not environment:
        return []
    keys = [k for k in environment if isinstance(k, str) and not is_token_string(k)]
    resolved = all(
        isinstance(k, str) and isinstance(v, str) and not is_token_string(k) and not is_token_string(v)
        for k, v in environment.items()
    )
    return [
        *(function_rules.check_environment_key(k) for k in keys),
        function_rules.check_environment_size(dict(environment) if resolved else None),
    ]


@functools.cache
def default_runtime_name() -> str:
    """``DEFAULT_RUNTIME.name``, read once (each read is a jsii round trip)."""
    return str(DEFAULT_RUNTIME.name)


def _inline_code_runs(code: Any, runtime: Any) -> Violation | None:
    """Inline code only on a runtime that takes it (Node.js, Python). The runtime's name is
    read only for inline code (one jsii round trip)."""
    if not isinstance(code, lambda_.InlineCode):
        return None
    name = default_runtime_name() if runtime is None else runtime.name
    return function_rules.check_inline_code(None if is_token_string(name) else name, inline=True)


def _reservation_fits(construct: Construct, reserved: float) -> Violation | None:
    """One reservation alone must leave the 100 unreserved executions Lambda keeps
    (the checks' lambda-unreserved-pool rule adds up every function of the app)."""
    quota = construct.node.try_get_context(ACCOUNT_CONCURRENCY_CONTEXT)
    account = account_concurrency_quota(quota)
    if account is None and quota is not None:
        return Violation(
            "reserved_concurrent_executions",
            f"the context value {ACCOUNT_CONCURRENCY_CONTEXT} {quota!r} is not a concurrency quota; "
            "give the account's Lambda concurrency quota per Region as a whole number of 1 or more "
            f"(cdk.json: \"{ACCOUNT_CONCURRENCY_CONTEXT}\": 5000, or -c {ACCOUNT_CONCURRENCY_CONTEXT}=5000)",
            limits.SRC_LAMBDA_QUOTAS,
        )
    violation = function_rules.check_unreserved_pool(
        reserved, account if account is not None else limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY, single=True
    )
    if violation is None:
        return None
    return Violation(
        violation.prop,
        f"{violation.message}. If your account's quota was raised, say so in the context "
        f"(cdk.json: \"{ACCOUNT_CONCURRENCY_CONTEXT}\": <quota>, or -c {ACCOUNT_CONCURRENCY_CONTEXT}=<quota>)",
        violation.source,
    )


def account_concurrency_quota(value: Any) -> float | None:
    """The context value of :data:`ACCOUNT_CONCURRENCY_CONTEXT` as a number: cdk.json gives
    a number, ``cdk synth -c key=5000`` a string. ``None`` when unset or not a whole
    number of 1 or more."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not float(value).is_integer() or value < 1:
        return None
    return float(value)


def validate_recursive_loop(
    construct: Construct,
    recursive_loop: lambda_.RecursiveLoop | None,
    reason: str | None,
    function_props: Mapping[str, Any] | None = None,
) -> None:
    """``recursive_loop=ALLOW`` only with ``recursive_loop_reason`` (then a warning
    ``constructs-lib:recursive-loop-allowed`` carries the reason); a reason without ALLOW and
    ``function_props={"recursive_loop": ...}`` (which would bypass this check) are errors."""
    if function_props is not None and "recursive_loop" in function_props:
        raise_first(
            construct,
            Violation(
                "function_props",
                "function_props sets recursive_loop, which this construct sets itself; pass "
                "recursive_loop=... (and recursive_loop_reason=... for ALLOW) directly",
                limits.SRC_LAMBDA_RECURSION,
            ),
        )
    value = recursive_loop.value if recursive_loop is not None else None
    raise_first(construct, recursion_rules.check_recursive_loop(value, reason))
    warn(construct, "recursive-loop-allowed", recursion_rules.recursive_loop_allowed(value, reason))


def create_function(
    scope: Construct,
    *,
    code: lambda_.Code,
    handler: str,
    timeout: Duration,
    runtime: lambda_.Runtime | None = None,
    architecture: lambda_.Architecture | None = None,
    memory_size: int | None = None,
    environment: Mapping[str, str] | None = None,
    reserved_concurrent_executions: int | None = None,
    layers: Sequence[lambda_.ILayerVersion] | None = None,
    description: str | None = None,
    log_retention: logs.RetentionDays | None = None,
    function_props: Mapping[str, Any] | None = None,
    recursive_loop: lambda_.RecursiveLoop | None = None,
    acknowledgments: dict[str, str] | None = None,
) -> lambda_.Function:
    """Create the function with the shared defaults, its own log group and a
    least-privilege role (write to its own log group only; X-Ray is added by tracing).

    ``function_props`` is the escape hatch: any other ``lambda_.Function`` keyword
    argument (``vpc``, ``role``, ``dead_letter_queue``...) passed through unchanged; a
    value aws-cdk-lib refuses by type is a ``ConstructPropsError`` naming ``function_props``.
    ``acknowledgments``: when given, the role's cdk-nag acknowledgment is added to it, for
    the caller to make on ``scope`` together with its own (one jsii round trip for all);
    otherwise it is made on the role here.
    ``recursive_loop`` defaults to ``DEFAULT_RECURSIVE_LOOP`` (TERMINATE), stated in the
    template; validate an ALLOW with :func:`validate_recursive_loop` first.
    """
    extra = dict(function_props or {})
    log_group = logs.LogGroup(
        scope,
        "LogGroup",
        retention=log_retention or DEFAULT_LOG_RETENTION,
        removal_policy=RemovalPolicy.RETAIN,
    )
    role = extra.pop("role", None)
    if role is None:
        role = iam.Role(
            scope,
            "ServiceRole",
            assumed_by=lambda_principal(),
            description="Execution role: writes to its own log group; grants are added per trigger",
        )
        log_group.grant_write(role)
        # Acknowledgment inherent to the shared design: Tracing.ACTIVE grants
        # xray:PutTraceSegments and xray:PutTelemetryRecords, which support no
        # resource-level permissions, so Resource "*" is the only value IAM accepts.
        # Every other statement of this role names its resource (log group, queue, stream...).
        if acknowledgments is not None:
            acknowledgments.update(ROLE_XRAY_ACKNOWLEDGMENT)
        else:
            for rule_id, reason in ROLE_XRAY_ACKNOWLEDGMENT.items():
                acknowledge(role, rule_id, reason)
    try:
        function = lambda_.Function(
            scope,
            "Function",
            code=code,
            handler=handler,
            runtime=runtime or DEFAULT_RUNTIME,
            architecture=architecture or DEFAULT_ARCHITECTURE,
            memory_size=memory_size if memory_size is not None else limits.DEFAULT_MEMORY_MB,
            timeout=timeout,
            environment=dict(environment or {}),
            reserved_concurrent_executions=reserved_concurrent_executions,
            layers=list(layers) if layers else None,
            description=description,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
            recursive_loop=recursive_loop or DEFAULT_RECURSIVE_LOOP,
            **extra,
        )
    except (TypeError, RuntimeError) as exc:
        if not extra:
            raise
        # The escape hatch's values reach aws-cdk-lib unchecked: a value of the wrong type
        # (jsii cannot deserialize it) or a combination lambda_.Function refuses.
        raise escape_hatch_error(scope, "function_props", "lambda_.Function", exc) from exc
    # cfn-lint W3005 (redundant DependsOn) is inherent to aws-cdk-lib: lambda.Function always
    # adds a dependency on its role, which the Role GetAtt already implies. Harmless, and not
    # removable without an escape hatch, so cfn-lint is told per resource.
    cfn_function = function.node.default_child
    if isinstance(cfn_function, lambda_.CfnFunction):
        cfn_function.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
    return function
