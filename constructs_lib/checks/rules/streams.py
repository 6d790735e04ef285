"""Kinesis and DynamoDB Streams event source mappings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import ESM, Resource, TemplateModel, boolean, number
from constructs_lib.checks.rules.sqs import REPORT_BATCH_ITEM_FAILURES
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import streams as stream_rules


def missing_on_failure_destination(destination: object, *, prop: str = "DestinationConfig.OnFailure") -> Violation | None:
    """A stream mapping must send what it gives up on somewhere durable."""
    if destination is not None:
        return None
    return Violation(
        prop,
        f"{prop} is not set; {consequence('stream-on-failure-destination')}. Send them to an SQS queue or SNS topic (Lambda sends the "
        "batch's metadata, with which the records can be read back while the stream retains them)",
        limits.SRC_LAMBDA_STREAM_ERRORS,
    )


def missing_bisect(
    bisect: bool | None, batch_size: float | None, response_types: object, *, prop: str = "BisectBatchOnFunctionError"
) -> Violation | None:
    """A warning: without bisect (or partial batch responses) one bad record fails its batch."""
    if bisect or (batch_size is not None and batch_size <= 1):
        return None
    if isinstance(response_types, list) and REPORT_BATCH_ITEM_FAILURES in response_types:
        return None
    return Violation(
        prop,
        f"{prop} is off and the handler does not report batch item failures; {consequence('stream-bisect-batch')}",
        limits.SRC_LAMBDA_STREAM_ERRORS,
    )


def _stream_mappings(model: TemplateModel) -> Iterator[tuple[Resource, bool]]:
    """(mapping, known) for Kinesis / DynamoDB mappings; ``known`` False when the source is
    outside the template and the mapping's StartingPosition says it may be a stream."""
    for mapping in model.of_type(ESM):
        kind = model.stream_kind(mapping)
        if kind in ("kinesis", "dynamodb"):
            yield mapping, True
        elif kind is None and mapping.get("StartingPosition") is not None:
            yield mapping, False


def _on_failure(mapping: Resource) -> object:
    config = mapping.get("DestinationConfig")
    if not isinstance(config, Mapping):
        return config
    on_failure = config.get("OnFailure")
    if isinstance(on_failure, Mapping):
        return on_failure.get("Destination")
    return on_failure


_NOT_KNOWN = "the mapping's source is outside this template; it may be Kafka or MQ rather than a stream"


@rule(
    "stream-unbounded-retries",
    "error",
    explanation="""One poison record blocks its shard until it expires from the stream (up to
    a week for Kinesis, 24 h for DynamoDB), and then it is lost without reaching any
    on-failure destination.""",
    source=limits.SRC_LAMBDA_STREAM_ERRORS,
    level_reason="""Error: the poison record blocks its shard until the stream deletes it, and
    then it is lost without reaching any destination - data is lost.""",
)
def stream_unbounded_retries(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for mapping, known in _stream_mappings(model):
        if not known:
            yield Hit.not_applicable(mapping, _NOT_KNOWN)
            continue
        retries = mapping.get("MaximumRetryAttempts")
        age = mapping.get("MaximumRecordAgeInSeconds")
        violation = stream_rules.infinite_retries(
            limits.STREAM_INFINITE if retries is None else number(retries),
            limits.STREAM_INFINITE if age is None else number(age),
            prop="MaximumRetryAttempts",
            age_prop="MaximumRecordAgeInSeconds",
        )
        if violation is not None:
            yield Hit.of(mapping, violation, location="Properties/MaximumRetryAttempts")


@rule(
    "stream-on-failure-destination",
    "error",
    explanation="""Records the mapping gives up on (retries or age exhausted) are dropped
    silently; an on-failure destination keeps a durable pointer to them.""",
    source=limits.SRC_LAMBDA_STREAM_ERRORS,
    level_reason="Error: records the mapping gives up on are discarded - data is lost.",
)
def stream_on_failure_destination(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for mapping, known in _stream_mappings(model):
        if not known:
            yield Hit.not_applicable(mapping, _NOT_KNOWN)
            continue
        violation = missing_on_failure_destination(_on_failure(mapping))
        if violation is not None:
            yield Hit.of(mapping, violation, location="Properties/DestinationConfig")


@rule(
    "stream-bisect-batch",
    "warning",
    explanation="""One bad record fails its whole batch on every retry; bisecting (or
    reporting the failed record) isolates it so the good records go through.""",
    source=limits.SRC_LAMBDA_STREAM_ERRORS,
    level_reason="Warning: a recommendation; the good records are retried with the bad one but not lost "
    "while an on-failure destination catches the batch.",
)
def stream_bisect_batch(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for mapping, known in _stream_mappings(model):
        if not known:
            yield Hit.not_applicable(mapping, _NOT_KNOWN)
            continue
        raw = mapping.get("BatchSize")
        batch = float(limits.DEFAULT_STREAM_BATCH_SIZE) if raw is None else number(raw)
        violation = missing_bisect(
            boolean(mapping.get("BisectBatchOnFunctionError")), batch, mapping.get("FunctionResponseTypes")
        )
        if violation is not None:
            yield Hit.of(mapping, violation, location="Properties/BisectBatchOnFunctionError")


RULES = (stream_unbounded_retries, stream_on_failure_destination, stream_bisect_batch)
