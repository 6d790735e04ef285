"""Values AWS refuses: not a number, or outside what CloudFormation, Lambda, SQS or Kinesis
accepts. The values are read by :mod:`constructs_lib.template.accepted`, as ``simulate``
reads them, so both say the same thing in the same words; a range another rule reports
(reserved concurrency, maxReceiveCount, provisioned pollers, a visibility timeout below the
function timeout) is left to that rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from constructs_lib import limits
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.messages import consequence
from constructs_lib.template import accepted
from constructs_lib.template.model import ESM, KINESIS, TemplateModel
from constructs_lib.template.properties import is_fifo

#: Property paths whose range another rule reports (its words, its level): a refusal there
#: that is not malformed is left to it.
OTHER_RULES = {
    "Properties/ReservedConcurrentExecutions": "lambda-reserved-concurrency-zero",
    "Properties/RedrivePolicy/maxReceiveCount": "sqs-max-receive-count-range",
}


@rule(
    "aws-refused-value",
    "error",
    explanation="""A value of a function, a source queue or stream, or an event source mapping
    that CloudFormation or the service refuses: not a number, not a whole number, or outside
    the documented range (a Timeout of 0 or 901 s, a batching window above 300 s, an SQS batch
    above 10 without a batching window, a redrive policy without maxReceiveCount).""",
    source=limits.SRC_ESM_API,
    level_reason="""Error: the service refuses the resource or the mapping, so the deploy
    fails and no event flows.""",
)
def aws_refused_value(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    seen: set[tuple[str | None, str | None]] = set()

    def hits(read: Callable[..., object], *args: Any, **kwargs: Any) -> Iterator[Hit]:
        """The finding of the first value ``read(*args, **kwargs)`` finds AWS refuses."""
        try:
            read(*args, **kwargs)
        except accepted.Refusal as refusal:
            if not refusal.malformed and refusal.location in OTHER_RULES:
                return
            resource = model.resources.get(refusal.resource or "")
            if resource is None or (refusal.resource, refusal.location) in seen:
                return
            seen.add((refusal.resource, refusal.location))
            yield Hit(resource, f"{refusal.plain}; {consequence('aws-refused-value')}", refusal.location or "Properties",
                      refusal.source)
        except accepted.NotKnown:
            return  # computed by CloudFormation: nothing to check

    for fn in model.functions():
        yield from hits(accepted.function_settings, fn, model.timeout_s(fn))
    for mapping in model.of_type(ESM):
        kind = model.stream_kind(mapping)
        source = model.source_of(mapping)
        if kind == "sqs":
            if source is not None:
                yield from hits(accepted.queue_settings, source)
                yield from hits(accepted.redrive_settings, model, source)
            yield from hits(accepted.sqs_mapping_settings, mapping, fifo=bool(source is not None and is_fifo(source)))
        elif kind in ("kinesis", "dynamodb"):
            stream = model.stream_behind(source)
            if kind == "kinesis" and stream is not None and stream.type == KINESIS:
                yield from hits(accepted.kinesis_stream_settings, stream)
            yield from hits(accepted.stream_mapping_settings, mapping)

RULES = (aws_refused_value,)
