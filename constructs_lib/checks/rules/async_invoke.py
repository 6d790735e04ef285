"""Asynchronous invocation: Lambda's own retries, and the services that deliver to it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from constructs_lib import limits
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.checks.model import (
    EVENTS_RULE,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    TemplateModel,
    is_intrinsic,
)
from constructs_lib.rules import Violation

#: Trigger kinds that invoke the function asynchronously.
ASYNC_KINDS = ("async", "s3", "sns", "eventbridge")


def missing_async_failure_destination(
    on_failure: object, dead_letter_target: object, *, prop: str = "DestinationConfig.OnFailure"
) -> Violation | None:
    """An asynchronously invoked function needs an on-failure destination or a DLQ."""
    if on_failure is not None or dead_letter_target is not None:
        return None
    return Violation(
        prop,
        f"the function is invoked asynchronously but has neither an event invoke config with "
        f"{prop} nor a DeadLetterConfig; after Lambda's retries (2 by default) or when the "
        "event is older than its maximum age, the event is discarded without a trace",
        limits.SRC_LAMBDA_ASYNC_DEST,
    )


def missing_target_dlq(dead_letter: object, *, prop: str = "DeadLetterConfig") -> Violation | None:
    """An EventBridge target without a DLQ drops events it could not deliver."""
    if dead_letter is not None:
        return None
    return Violation(
        prop,
        f"the rule's Lambda target has no {prop}; an event EventBridge cannot deliver (throttling, "
        "a missing permission, a deleted function) is retried for up to 24 h and then dropped",
        limits.SRC_EVENTBRIDGE_DLQ,
    )


def missing_subscription_redrive(redrive: object, *, prop: str = "RedrivePolicy") -> Violation | None:
    """A warning: an SNS subscription without a redrive policy drops undeliverable messages."""
    if redrive is not None:
        return None
    return Violation(
        prop,
        f"the Lambda subscription has no {prop}; a message SNS cannot deliver to the function "
        "(throttling beyond SNS's retries, a missing permission) is discarded",
        limits.SRC_SNS_DLQ,
    )


@rule(
    "async-failure-destination",
    "error",
    "A function invoked asynchronously has no on-failure destination and no dead-letter queue.",
    explanation="""S3, SNS, EventBridge and other services invoke Lambda asynchronously; an
    event whose retries fail (or which ages out) is discarded unless the function has an
    on-failure destination (event invoke config) or a dead-letter queue.""",
    fix="Add an AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure (an SQS queue, "
    "SNS topic, bus or function), or a DeadLetterConfig on the function.",
)
def async_failure_destination(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for fn in model.functions():
        triggers = model.triggers_of(fn.logical_id, *ASYNC_KINDS)
        if not triggers:
            continue
        on_failure = None
        for cfg in model.event_invoke_configs.get(fn.logical_id, []):
            dest = cfg.get("DestinationConfig") or {}
            candidate = (dest.get("OnFailure") or {}) if isinstance(dest, Mapping) else {}
            if isinstance(candidate, Mapping) and candidate.get("Destination") is not None:
                on_failure = candidate.get("Destination")
        dlq_config = fn.get("DeadLetterConfig")
        dlq = dlq_config.get("TargetArn") if isinstance(dlq_config, Mapping) else dlq_config
        violation = missing_async_failure_destination(on_failure, dlq)
        if violation is not None:
            vias = ", ".join(sorted({f"{t.kind} ({t.via})" for t in triggers}))
            yield Hit(
                fn,
                f"{fn.logical_id} is invoked asynchronously by {vias}; {violation.message}",
                "Properties/DeadLetterConfig",
                violation.source,
            )


@rule(
    "eventbridge-target-dlq",
    "error",
    "An EventBridge rule's Lambda target has no dead-letter queue.",
    explanation="""EventBridge retries a failed delivery for up to 24 hours and then drops the
    event; a target DLQ keeps it (separately from the function's own async failure destination,
    which only sees events that were delivered).""",
    fix="Set the target's DeadLetterConfig.Arn to an SQS queue (and a RetryPolicy if needed).",
)
def eventbridge_target_dlq(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for rule_res in model.of_type(EVENTS_RULE):
        for index, target in enumerate(rule_res.get("Targets") or []):
            if not isinstance(target, Mapping):
                continue
            arn = target.get("Arn")
            is_lambda = model.function_of(arn) is not None or (isinstance(arn, str) and ":lambda:" in arn)
            if not is_lambda:
                if is_intrinsic(arn) and model.ref(arn) is None:
                    yield Hit.not_applicable(
                        rule_res, f"target {target.get('Id')} is outside this template", f"Properties/Targets/{index}"
                    )
                continue
            dead_letter = target.get("DeadLetterConfig")
            if isinstance(dead_letter, Mapping):
                dead_letter = dead_letter.get("Arn")
            violation = missing_target_dlq(dead_letter)
            if violation is not None:
                yield Hit(
                    rule_res,
                    f"target {target.get('Id')}: {violation.message}",
                    f"Properties/Targets/{index}/DeadLetterConfig",
                    violation.source,
                )


@rule(
    "sns-subscription-redrive",
    "warning",
    "An SNS subscription of a Lambda function has no redrive policy.",
    explanation="""Messages SNS fails to deliver to the function after its delivery retries
    are discarded unless the subscription has a redrive policy (a dead-letter queue).""",
    fix='Set the subscription\'s RedrivePolicy: {"deadLetterTargetArn": <SQS queue ARN>}.',
)
def sns_subscription_redrive(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for sub in model.of_type(SNS_SUBSCRIPTION):
        if sub.get("Protocol") != "lambda":
            continue
        violation = missing_subscription_redrive(sub.get("RedrivePolicy"))
        if violation is not None:
            yield Hit.of(sub, violation, location="Properties/RedrivePolicy")
    for topic in model.of_type(SNS_TOPIC):
        for index, sub in enumerate(topic.get("Subscription") or []):
            if isinstance(sub, Mapping) and sub.get("Protocol") == "lambda":
                yield Hit(
                    topic,
                    "an inline Lambda subscription (Topic.Subscription) cannot have a redrive policy; "
                    "messages SNS cannot deliver are discarded",
                    f"Properties/Subscription/{index}",
                    limits.SRC_SNS_DLQ,
                    "Declare the subscription as an AWS::SNS::Subscription with a RedrivePolicy.",
                )


RULES = (async_failure_destination, eventbridge_target_dlq, sns_subscription_redrive)
