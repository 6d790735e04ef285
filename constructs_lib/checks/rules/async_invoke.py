"""Asynchronous invocation: Lambda's own retries, and the services that deliver to it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import (
    EVENT_INVOKE_CONFIG,
    EVENTS_RULE,
    SCHEDULE,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    Resource,
    TemplateModel,
    as_list,
    dig,
    is_intrinsic,
    number,
)
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import async_invoke as async_rules

#: Trigger kinds that invoke the function asynchronously (the rules now ask each trigger:
#: ``Trigger.invocation`` / ``Trigger.discards_failed_events``, from limits.LAMBDA_INVOKERS).
ASYNC_KINDS = ("async", "s3", "sns", "eventbridge", "scheduler", "destination")


def missing_async_failure_destination(
    on_failure: object, dead_letter_target: object, *, prop: str = "DestinationConfig.OnFailure"
) -> Violation | None:
    """An asynchronously invoked function needs an on-failure destination or a DLQ."""
    if on_failure is not None or dead_letter_target is not None:
        return None
    return Violation(
        prop,
        f"the function is invoked asynchronously but has neither an event invoke config with "
        f"{prop} nor a DeadLetterConfig; {consequence('async-failure-destination')}",
        limits.SRC_LAMBDA_ASYNC_DEST,
    )


def missing_target_dlq(dead_letter: object, *, prop: str = "DeadLetterConfig", schedule: bool = False) -> Violation | None:
    """An EventBridge rule's (or, with ``schedule``, a Scheduler schedule's) target without a
    DLQ drops events it could not deliver."""
    if dead_letter is not None:
        return None
    owner, service = ("schedule", "EventBridge Scheduler") if schedule else ("rule", "EventBridge")
    return Violation(
        prop,
        f"the {owner}'s Lambda target has no {prop} ({service}); {consequence('eventbridge-target-dlq')}",
        limits.SRC_SCHEDULER_DLQ if schedule else limits.SRC_EVENTBRIDGE_DLQ,
    )


def missing_subscription_redrive(redrive: object, *, prop: str = "RedrivePolicy") -> Violation | None:
    """An SNS subscription without a redrive policy drops undeliverable messages (an error: data is lost)."""
    if redrive is not None:
        return None
    return Violation(
        prop,
        f"the Lambda subscription has no {prop}; {consequence('sns-subscription-redrive')}",
        limits.SRC_SNS_DLQ,
    )


def _on_failure(model: TemplateModel, fn: Resource) -> object:
    for cfg in model.event_invoke_configs.get(fn.logical_id, []):
        destination = dig(cfg.properties, "DestinationConfig", "OnFailure", "Destination")
        if destination is not None:
            return destination
    return None


@rule(
    "async-failure-destination",
    "error",
    explanation="""S3, SNS, EventBridge rules and Scheduler, CloudWatch Logs and the other
    asynchronous invokers hand the event to Lambda's queue; an event whose retries fail (or
    which ages out) is discarded unless the function has an on-failure destination (event
    invoke config) or a dead-letter queue. Durable functions do not support destinations:
    only a dead-letter queue keeps their failed events. CloudFormation custom resources are
    asynchronous too, but a lost event fails the stack visibly, so they are not judged.""",
    source=limits.SRC_LAMBDA_ASYNC_DEST,
    level_reason="Error: events that fail every retry are discarded without a trace - data is lost.",
)
def async_failure_destination(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for fn in model.functions():
        triggers = [t for t in model.triggers_of(fn.logical_id) if t.discards_failed_events]
        if not triggers:
            continue
        durable = model.is_durable(fn)
        on_failure = None if durable else _on_failure(model, fn)
        dlq_config = fn.get("DeadLetterConfig")
        dlq = dlq_config.get("TargetArn") if isinstance(dlq_config, Mapping) else dlq_config
        violation = missing_async_failure_destination(on_failure, dlq)
        if violation is not None:
            extra = (
                " (a durable function ignores on-failure destinations; only a DeadLetterConfig keeps its events)"
                if durable and _on_failure(model, fn) is not None
                else ""
            )
            yield Hit(
                fn,
                f"{fn.logical_id} {_invoked_how(model, triggers)}; {violation.message}{extra}",
                "Properties/DeadLetterConfig",
                violation.source,
            )


def _invoked_how(model: TemplateModel, triggers: list[Any]) -> str:
    """Who invokes the function asynchronously, each source once (a rule and the permission
    that lets it invoke are one invoker); an event invoke config is not an invoker, only a
    sign that the function is meant to be invoked asynchronously."""
    configs: set[str] = set()
    callers: set[str] = set()
    for t in model.without_grants(triggers):
        via = model.resources.get(t.via)
        if via is not None and via.type == EVENT_INVOKE_CONFIG:
            configs.add(t.via)
        else:
            callers.add(f"{t.invoker or t.kind} ({t.source or t.via})")
    config_text = f"event invoke config {', '.join(sorted(configs))}" if configs else ""
    if not callers:
        return f"is configured for asynchronous invocation by its {config_text}"
    text = f"is invoked asynchronously by {', '.join(sorted(callers))}"
    return f"{text} (and configured for it by its {config_text})" if configs else text


def _targets(model: TemplateModel) -> Iterator[tuple[Resource, str, Mapping[str, Any]]]:
    """(rule or schedule, location of the target, target) for every EventBridge rule target
    and EventBridge Scheduler schedule target."""
    for rule_res in model.of_type(EVENTS_RULE):
        for index, target in enumerate(as_list(rule_res.get("Targets"))):
            if isinstance(target, Mapping):
                yield rule_res, f"Properties/Targets/{index}", target
    for schedule in model.of_type(SCHEDULE):
        target = schedule.get("Target")
        if isinstance(target, Mapping):
            yield schedule, "Properties/Target", target


def _lambda_target(model: TemplateModel, arn: object) -> bool:
    return model.function_ref(arn) is not None or (isinstance(arn, str) and ":lambda:" in arn and ":function:" in arn)


@rule(
    "eventbridge-target-dlq",
    "error",
    explanation="""EventBridge (rules and Scheduler alike) retries a failed delivery for up to
    24 hours and 185 attempts by default and then drops the event; a target DLQ keeps it
    (separately from the function's own async failure destination, which only sees events
    that were delivered). Permanent errors, such as a missing permission or a deleted
    function, go to the DLQ at once.""",
    source=limits.SRC_EVENTBRIDGE_DLQ,
    level_reason="Error: an event that cannot be delivered is dropped - data is lost.",
)
def eventbridge_target_dlq(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for owner, location, target in _targets(model):
        arn = target.get("Arn")
        if not _lambda_target(model, arn):
            if is_intrinsic(arn) and model.ref(arn) is None and owner.type == EVENTS_RULE:
                yield Hit.not_applicable(owner, f"target {target.get('Id')} is outside this template", location)
            continue
        dead_letter = target.get("DeadLetterConfig")
        if isinstance(dead_letter, Mapping):
            dead_letter = dead_letter.get("Arn")
        violation = missing_target_dlq(dead_letter, schedule=owner.type != EVENTS_RULE)
        if violation is not None:
            message = f"target {target.get('Id')}: {violation.message}" if owner.type == EVENTS_RULE else violation.message
            yield Hit(owner, message, f"{location}/DeadLetterConfig", violation.source)


@rule(
    "eventbridge-target-retry-policy",
    "error",
    explanation="""EventBridge and EventBridge Scheduler accept a target RetryPolicy with
    MaximumRetryAttempts 0-185 and MaximumEventAgeInSeconds 60-86,400; anything else is
    rejected when the rule or schedule is created.""",
    source=limits.SRC_EVENTBRIDGE_RETRY,
    level_reason="Error: EventBridge rejects the target, so the deploy fails.",
)
def eventbridge_target_retry_policy(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for owner, location, target in _targets(model):
        policy = target.get("RetryPolicy")
        if not isinstance(policy, Mapping):
            continue
        violation = async_rules.check_target_retry_attempts(
            number(policy.get("MaximumRetryAttempts")), prop="RetryPolicy.MaximumRetryAttempts"
        ) or async_rules.check_target_max_event_age(
            number(policy.get("MaximumEventAgeInSeconds")), prop="RetryPolicy.MaximumEventAgeInSeconds"
        )
        if violation is not None:
            source = violation.source if owner.type == EVENTS_RULE else limits.SRC_SCHEDULER_RETRY
            yield Hit(owner, violation.message, f"{location}/RetryPolicy", source)


@rule(
    "sns-subscription-redrive",
    "error",
    explanation="""Messages SNS fails to deliver to the function after its delivery retries
    (and at once on client errors such as a missing permission or a deleted function) are
    discarded unless the subscription has a redrive policy (a dead-letter queue).""",
    source=limits.SRC_SNS_DLQ,
    level_reason="Error: an undeliverable message is discarded - data is lost.",
)
def sns_subscription_redrive(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for sub in model.of_type(SNS_SUBSCRIPTION):
        if sub.get("Protocol") != "lambda":
            continue
        violation = missing_subscription_redrive(sub.get("RedrivePolicy"))
        if violation is not None:
            yield Hit.of(sub, violation, location="Properties/RedrivePolicy")
    for topic in model.of_type(SNS_TOPIC):
        for index, sub in enumerate(as_list(topic.get("Subscription"))):
            if isinstance(sub, Mapping) and sub.get("Protocol") == "lambda":
                yield Hit(
                    topic,
                    "an inline Lambda subscription (Topic.Subscription) cannot have a redrive policy; "
                    f"{consequence('sns-subscription-redrive')}",
                    f"Properties/Subscription/{index}",
                    limits.SRC_SNS_DLQ,
                    "Declare the subscription as an AWS::SNS::Subscription with a RedrivePolicy.",
                )


RULES = (
    async_failure_destination,
    eventbridge_target_dlq,
    eventbridge_target_retry_policy,
    sns_subscription_redrive,
)
