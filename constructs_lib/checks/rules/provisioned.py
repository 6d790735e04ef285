"""SQS provisioned mode: an SQS event source mapping's ``ProvisionedPollerConfig``.

The same pure rules as ``QueueConsumer(provisioned_poller_config=...)``
(:mod:`constructs_lib.value_rules.provisioned`), with CloudFormation's property names: SQS's ranges
(MinimumPollers 2-200, MaximumPollers 2-10,000), MinimumPollers <= MaximumPollers, no
``ScalingConfig.MaximumConcurrency`` next to it, and the function's reserved concurrency at least
MaximumPollers x 10 (each SQS poller drives up to 10 concurrent invocations). Read from
``AWS::Lambda::EventSourceMapping`` resources and from the SQS events of SAM functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib import limits
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import ESM, SERVERLESS_FUNCTION, Resource, TemplateModel, number
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import provisioned as provisioned_rules

POLLER_CONFIG = "ProvisionedPollerConfig"


def poller_violation(
    config: Any, scaling: Any, reserved: float | None, *, reserved_prop: str = "ReservedConcurrentExecutions"
) -> Violation | None:
    """The first provisioned-mode rule a mapping's (or SAM event's) properties break."""
    config = config if isinstance(config, Mapping) else {}
    scaling = scaling if isinstance(scaling, Mapping) else {}
    return provisioned_rules.check_provisioned_pollers(
        number(config.get("MinimumPollers")),
        number(config.get("MaximumPollers")),
        minimum_given="MinimumPollers" in config,
        maximum_given="MaximumPollers" in config,
        max_concurrency=number(scaling.get("MaximumConcurrency")),
        max_concurrency_given="MaximumConcurrency" in scaling,
        reserved=reserved,
        prefix=f"{POLLER_CONFIG}.",
        minimum_name="MinimumPollers",
        maximum_name="MaximumPollers",
        max_concurrency_prop="ScalingConfig.MaximumConcurrency",
        reserved_prop=reserved_prop,
    )


def _location(base: str, violation: Violation) -> str:
    return f"{base}/{violation.prop.replace('.', '/')}"


def _sam_sqs_events(model: TemplateModel) -> Iterator[tuple[Resource, str, Mapping[str, Any]]]:
    """(SAM function, event name, event properties) for each SQS event with provisioned mode."""
    for fn in model.of_type(SERVERLESS_FUNCTION):
        events = fn.get("Events")
        if not isinstance(events, Mapping):
            continue
        for name, event in events.items():
            if not isinstance(event, Mapping) or event.get("Type") != "SQS":
                continue
            props = event.get("Properties")
            if isinstance(props, Mapping) and POLLER_CONFIG in props:
                yield fn, str(name), props


@rule(
    "sqs-provisioned-pollers",
    "error",
    explanation="""SQS provisioned mode accepts MinimumPollers 2-200 and MaximumPollers
    2-10,000 (Kafka's 1-200 / 1-2,000 do not apply), minimum <= maximum, and never together with
    ScalingConfig.MaximumConcurrency: Lambda rejects the mapping otherwise. Each SQS poller
    drives up to 10 concurrent invocations, so a function whose reserved concurrency is below
    MaximumPollers x 10 throttles the pollers, and throttled messages return to the queue and
    move towards the dead-letter queue.""",
    source=limits.SRC_ESM_PROVISIONED_POLLER,
    level_reason="""Error: Lambda rejects pollers outside SQS's ranges and provisioned mode next to
    a maximum concurrency; a reservation below the pollers' concurrency throttles them, and each
    throttled receive moves good messages towards the dead-letter queue.""",
)
def sqs_provisioned_pollers(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for mapping in model.of_type(ESM):
        if POLLER_CONFIG not in mapping.properties:
            continue
        kind = model.stream_kind(mapping)
        if kind != "sqs":
            if kind is None:
                yield Hit.not_applicable(
                    mapping, "the mapping's event source lies outside this template: SQS or Kafka is unknown"
                )
            continue  # Kafka and MQ have their own poller ranges
        fn = model.function_ref(mapping.get("FunctionName"))
        reserved = number(fn.get("ReservedConcurrentExecutions")) if fn is not None else None
        violation = poller_violation(
            mapping.get(POLLER_CONFIG),
            mapping.get("ScalingConfig"),
            reserved,
            reserved_prop=f"the ReservedConcurrentExecutions of {fn.logical_id}" if fn else "ReservedConcurrentExecutions",
        )
        if violation is not None:
            yield Hit.of(mapping, violation, location=_location("Properties", violation))
    for fn, name, props in _sam_sqs_events(model):
        violation = poller_violation(
            props.get(POLLER_CONFIG),
            props.get("ScalingConfig"),
            number(fn.get("ReservedConcurrentExecutions")),
        )
        if violation is not None:
            yield Hit.of(fn, violation, location=_location(f"Properties/Events/{name}/Properties", violation))


RULES = (sqs_provisioned_pollers,)
