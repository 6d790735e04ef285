"""Reserved concurrency: per function, per mapping, and summed over the app."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from constructs_lib.checks.core import CheckOptions, Hit, app_rule, rule
from constructs_lib import limits
from constructs_lib.template.model import ESM, Resource, TemplateModel, dig, number
from constructs_lib.value_rules import function as function_rules
from constructs_lib.value_rules import sqs as sqs_rules


def reserved(function: Resource) -> float | None:
    return number(function.get("ReservedConcurrentExecutions"))


@rule(
    "lambda-reserved-concurrency-zero",
    "error",
    explanation="""Reserved concurrency 0 throttles every invocation: the function never runs,
    and every event is retried until it expires or lands in a failure destination.""",
    source=limits.SRC_LAMBDA_RESERVED,
    level_reason="""Error: Lambda rejects a negative reservation; with 0 every invocation is
    throttled, so asynchronous events expire after their retries and synchronous callers all
    fail - data can be lost.""",
)
def reserved_zero(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for fn in model.functions():
        violation = function_rules.check_reserved_concurrency(reserved(fn), prop="ReservedConcurrentExecutions")
        if violation is not None:
            yield Hit.of(fn, violation, location="Properties/ReservedConcurrentExecutions")


@rule(
    "esm-max-concurrency-above-reserved",
    "warning",
    explanation="""The poller invokes more copies than the function may run; the surplus is
    throttled and its messages return to the queue, counting towards maxReceiveCount until
    they land in the dead-letter queue.""",
    source=limits.SRC_LAMBDA_SQS_SCALING,
    level_reason="""Warning: Lambda accepts it and AWS recommends keeping maximum concurrency at
    or below reserved concurrency; the throttled messages return to the queue and, past
    maxReceiveCount, wait in its dead-letter queue rather than being lost.""",
)
def max_concurrency_above_reserved(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for mapping in model.of_type(ESM):
        max_concurrency = number(dig(mapping.properties, "ScalingConfig", "MaximumConcurrency"))
        if max_concurrency is None:
            continue
        fn = model.function_ref(mapping.get("FunctionName"))
        if fn is None:
            yield Hit.not_applicable(mapping, "the mapping's function is outside this template")
            continue
        violation = sqs_rules.check_max_concurrency_within_reserved(
            max_concurrency,
            reserved(fn),
            prop="ScalingConfig.MaximumConcurrency",
            reserved_prop=f"the ReservedConcurrentExecutions of {fn.logical_id}",
        )
        if violation is not None:
            yield Hit.of(mapping, violation, location="Properties/ScalingConfig/MaximumConcurrency")


@app_rule(
    "lambda-unreserved-pool",
    "error",
    explanation="""Lambda keeps at least 100 executions of the account's Regional quota
    unreserved and refuses a reservation that would go below it, so the deploy fails.
    The sum covers every function of the app (as if deployed to one account and Region);
    the quota is an option (default 1,000).""",
    source=limits.SRC_LAMBDA_RESERVED,
    level_reason="Error: Lambda refuses a reservation that leaves fewer than 100 unreserved, so the deploy fails.",
)
def unreserved_pool(
    models: Sequence[TemplateModel], options: CheckOptions
) -> Iterator[tuple[TemplateModel, Hit]]:
    reservations = [
        (model, fn, value)
        for model in models
        for fn in model.functions()
        if (value := reserved(fn)) is not None and value > 0
    ]
    if not reservations:
        return  # nothing reserved: Lambda has nothing to refuse, whatever the quota
    total = sum(value for _, _, value in reservations)
    violation = function_rules.check_unreserved_pool(
        total, options.account_concurrency, prop="ReservedConcurrentExecutions"
    )
    if violation is None:
        return
    model, largest, _ = max(reservations, key=lambda item: item[2])
    yield model, Hit.of(largest, violation, location="Properties/ReservedConcurrentExecutions")


RULES = (reserved_zero, max_concurrency_above_reserved, unreserved_pool)
