"""SQS queues and the SQS event source mappings that poll them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import (
    ESM,
    QUEUE,
    SQS_DEFAULT_VISIBILITY_TIMEOUT_S,
    Resource,
    TemplateModel,
    number,
)
from constructs_lib.template.properties import (  # noqa: F401 - re-exported: the names the rules used to define
    REPORT_BATCH_ITEM_FAILURES,
    SQS_DEFAULT_BATCH_SIZE,
    is_fifo,
    redrive_policy,
    retention_s,
)
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import sqs as sqs_rules

def missing_partial_batch_response(
    batch_size: float | None, response_types: Any, *, prop: str = "FunctionResponseTypes"
) -> Violation | None:
    """A warning: batches of more than one message without partial batch responses."""
    if batch_size is None or batch_size <= 1:
        return None
    if isinstance(response_types, list) and REPORT_BATCH_ITEM_FAILURES in response_types:
        return None
    return Violation(
        prop,
        f"{prop} lacks {REPORT_BATCH_ITEM_FAILURES} with a batch size of {batch_size:g}; "
        f"{consequence('sqs-partial-batch-response')}",
        limits.SRC_LAMBDA_SQS_ERRORS,
    )


def _sqs_mappings(model: TemplateModel) -> Iterator[tuple[Resource, Resource | None, Resource | None]]:
    """(mapping, source queue or None, function or None) for every SQS mapping."""
    for mapping in model.of_type(ESM):
        if model.stream_kind(mapping) == "sqs":
            yield mapping, model.source_of(mapping), model.function_ref(mapping.get("FunctionName"))


def _source_queues(model: TemplateModel) -> Iterator[tuple[Resource, Resource]]:
    seen: set[str] = set()
    for mapping, queue, _ in _sqs_mappings(model):
        if queue is not None and queue.logical_id not in seen:
            seen.add(queue.logical_id)
            yield mapping, queue


def _visibility_inputs(
    model: TemplateModel,
) -> Iterator[tuple[Resource, Resource | None, Resource | None, float | None, float | None]]:
    """(mapping, queue, function, visibility timeout, batching window) of every SQS mapping."""
    for mapping, queue, fn in _sqs_mappings(model):
        vis = window = None
        if queue is not None:
            vis_raw = queue.get("VisibilityTimeout")
            vis = SQS_DEFAULT_VISIBILITY_TIMEOUT_S if vis_raw is None else number(vis_raw)
        window_raw = mapping.get("MaximumBatchingWindowInSeconds")
        window = 0.0 if window_raw is None else number(window_raw)
        yield mapping, queue, fn, vis, window


@rule(
    "sqs-visibility-timeout",
    "warning",
    explanation="""Lambda's poller may retry a throttled batch within the visibility timeout; a
    shorter one makes messages visible again while their batch is still running or waiting for
    that retry, so they are processed twice and counted towards maxReceiveCount.""",
    source=limits.SRC_LAMBDA_SQS,
    level_reason="""Warning: Lambda accepts any visibility timeout from the function timeout up;
    6 x timeout + window is AWS's recommendation. Below the function timeout itself Lambda
    rejects the mapping, which sqs-visibility-below-function-timeout reports as an error.""",
)
def sqs_visibility_timeout(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for mapping, queue, fn, vis, window in _visibility_inputs(model):
        if queue is None or fn is None:
            what = "queue" if queue is None else "function"
            yield Hit.not_applicable(mapping, f"the mapping's {what} is outside this template")
            continue
        timeout = model.timeout_s(fn)
        if sqs_rules.check_visibility_timeout_accepted(vis, timeout) is not None:
            continue  # sqs-visibility-below-function-timeout reports it, as an error
        violation = sqs_rules.check_visibility_timeout(
            vis,
            timeout,
            window,
            prop="VisibilityTimeout",
            timeout_prop=f"the Timeout of {fn.logical_id}",
            window_prop="MaximumBatchingWindowInSeconds",
        )
        if violation is not None:
            yield Hit.of(queue, violation, location="Properties/VisibilityTimeout")


@rule(
    "sqs-visibility-below-function-timeout",
    "error",
    explanation="""Lambda validates an SQS event source mapping when it is created or updated
    and refuses it when the function's timeout exceeds the queue's visibility timeout: the
    deploy fails (and a message could otherwise reappear while it is still being processed).""",
    source=limits.SRC_LAMBDA_SQS,
    level_reason="Error: Lambda rejects the event source mapping, so the deploy fails.",
)
def sqs_visibility_below_function_timeout(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for _, queue, fn, vis, _ in _visibility_inputs(model):
        if queue is None or fn is None:
            continue  # sqs-visibility-timeout reports the mapping as not applicable
        violation = sqs_rules.check_visibility_timeout_accepted(
            vis, model.timeout_s(fn), prop="VisibilityTimeout", timeout_prop=f"the Timeout of {fn.logical_id}"
        )
        if violation is not None:
            yield Hit.of(queue, violation, location="Properties/VisibilityTimeout")


@rule(
    "sqs-redrive-policy",
    "error",
    explanation="""A message that always fails returns to the queue after every visibility
    timeout until its retention expires, and then it is deleted without a trace; for an SQS
    event source, failures go to the queue's redrive policy, not to a Lambda destination.""",
    source=limits.SRC_LAMBDA_SQS_ERRORS,
    level_reason="Error: a message that keeps failing is deleted when its retention expires; data is lost.",
)
def sqs_redrive_policy(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for _, queue in _source_queues(model):
        if redrive_policy(queue) is None and queue.get("RedrivePolicy") is None:
            yield Hit(
                queue,
                f"queue {queue.logical_id} is an event source of a Lambda function but has no "
                f"RedrivePolicy; {consequence('sqs-redrive-policy')}",
                "Properties/RedrivePolicy",
                limits.SRC_LAMBDA_SQS_ERRORS,
            )


@rule(
    "sqs-max-receive-count",
    "warning",
    explanation="""When the function is throttled, Lambda's poller still receives messages, so
    with a low maxReceiveCount good messages reach the dead-letter queue without being processed.""",
    source=limits.SRC_LAMBDA_SQS,
    level_reason="Warning: AWS recommends at least 5; a lower count is accepted and loses nothing (the "
    "messages wait in the dead-letter queue).",
)
def sqs_max_receive_count(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for _, queue in _source_queues(model):
        policy = redrive_policy(queue)
        if policy is None:
            continue
        count = number(policy.get("maxReceiveCount"))
        if sqs_rules.check_max_receive_count(count) is not None:
            continue  # out of SQS's range: sqs-max-receive-count-range reports it, as an error
        violation = sqs_rules.low_max_receive_count(count, prop="maxReceiveCount")
        if violation is not None:
            yield Hit.of(queue, violation, location="Properties/RedrivePolicy/maxReceiveCount")


@rule(
    "sqs-max-receive-count-range",
    "error",
    explanation="""SQS rejects a redrive policy whose maxReceiveCount is below 1 or above
    1,000, so the deploy fails.""",
    source=limits.SRC_SQS_DLQ,
    level_reason="Error: SQS rejects the redrive policy, so the deploy fails.",
)
def sqs_max_receive_count_range(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for _, queue in _source_queues(model):
        policy = redrive_policy(queue)
        if policy is None:
            continue
        violation = sqs_rules.check_max_receive_count(number(policy.get("maxReceiveCount")), prop="maxReceiveCount")
        if violation is not None:
            yield Hit.of(queue, violation, location="Properties/RedrivePolicy/maxReceiveCount")


@rule(
    "sqs-partial-batch-response",
    "warning",
    explanation="""Without ReportBatchItemFailures one failed message returns the whole batch:
    the messages that succeeded run again, and every message's receive count grows.""",
    source=limits.SRC_LAMBDA_SQS_ERRORS,
    level_reason="Warning: a recommendation; without it successful messages are processed again, "
    "but nothing is lost.",
)
def sqs_partial_batch_response(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for mapping, _, _ in _sqs_mappings(model):
        raw = mapping.get("BatchSize")
        batch = float(SQS_DEFAULT_BATCH_SIZE) if raw is None else number(raw)
        violation = missing_partial_batch_response(batch, mapping.get("FunctionResponseTypes"))
        if violation is not None:
            yield Hit.of(mapping, violation, location="Properties/FunctionResponseTypes")


def _dead_letter_pairs(model: TemplateModel) -> Iterator[tuple[Resource, Resource | None]]:
    for queue in model.of_type(QUEUE):
        policy = redrive_policy(queue)
        if policy is not None and policy.get("deadLetterTargetArn") is not None:
            dlq = model.ref(policy.get("deadLetterTargetArn"))
            yield queue, dlq if dlq is not None and dlq.type == QUEUE else None


@rule(
    "sqs-dlq-retention",
    "error",
    explanation="""A message keeps its original enqueue timestamp when it moves to a standard
    dead-letter queue, so a shorter retention there deletes failed messages before anyone
    can inspect or redrive them. FIFO queues reset the timestamp when a message moves to
    their dead-letter queue, so a FIFO source is not judged.""",
    source=limits.SRC_SQS_DLQ_RETENTION,
    level_reason="Error: failed messages expire from the dead-letter queue early; data is lost.",
)
def sqs_dlq_retention(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for queue, dlq in _dead_letter_pairs(model):
        if dlq is None:
            yield Hit.not_applicable(queue, "the dead-letter queue is outside this template", "Properties/RedrivePolicy")
            continue
        if is_fifo(queue):
            continue  # SQS resets the enqueue timestamp of a FIFO message moved to its DLQ
        violation = sqs_rules.check_dlq_retention(
            retention_s(dlq), retention_s(queue), prop=f"dead-letter queue {dlq.logical_id}"
        )
        if violation is not None:
            yield Hit.of(dlq, violation, location="Properties/MessageRetentionPeriod")


@rule(
    "sqs-fifo-dlq",
    "error",
    explanation="""SQS requires the dead-letter queue of a FIFO queue to be FIFO and of a
    standard queue to be standard; the deploy fails.""",
    source=limits.SRC_SQS_FIFO_DLQ,
    level_reason="Error: SQS rejects the redrive policy, so the deploy fails.",
)
def sqs_fifo_dlq(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for queue, dlq in _dead_letter_pairs(model):
        if dlq is None:
            yield Hit.not_applicable(queue, "the dead-letter queue is outside this template", "Properties/RedrivePolicy")
            continue
        violation = sqs_rules.check_fifo_match(is_fifo(queue), is_fifo(dlq), prop=f"dead-letter queue {dlq.logical_id}")
        if violation is not None:
            yield Hit.of(queue, violation, location="Properties/RedrivePolicy")


RULES = (
    sqs_visibility_below_function_timeout,
    sqs_visibility_timeout,
    sqs_redrive_policy,
    sqs_max_receive_count,
    sqs_max_receive_count_range,
    sqs_partial_batch_response,
    sqs_dlq_retention,
    sqs_fifo_dlq,
)
