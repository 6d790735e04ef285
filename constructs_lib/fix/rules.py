"""One small pure function per rule: a finding and the template in, the edits that fix it out.

Each fixer reads the finding's resource in the model (the template as checked, translated
when it is SAM), finds its place in the source (:func:`constructs_lib.fix.site.locate`),
and returns a :class:`Fix` (edits and a one-line summary), a :class:`Refusal` (the fix
needs a decision the template does not make: a timeout that is a parameter, a role outside
the template, a value beyond AWS's limits) or a :class:`LeftAlone` (no configuration change
fixes it). The values follow AWS's documentation as :mod:`constructs_lib.limits` records it:

- a visibility timeout of 6 x the function timeout + the batching window
  (``limits.SRC_LAMBDA_SQS``), at most SQS's 12 h;
- a dead-letter queue encrypted (SSE-SQS), keeping messages 14 days (the SQS maximum, so at
  least the source's retention; ``limits.SRC_SQS_DLQ_RETENTION``), ``maxReceiveCount`` 5
  (``limits.SRC_LAMBDA_SQS``);
- finite stream retries (3) and record age (6 h), bisecting, and an on-failure queue the
  function's execution role may send to (``limits.SRC_LAMBDA_STREAM_ERRORS``);
- an on-failure destination for asynchronous invocation (an event invoke config, or SAM's
  ``EventInvokeConfig``) with the execution role's permission (``limits.SRC_LAMBDA_ASYNC_DEST``);
  a dead-letter queue for a durable function, which ignores destinations;
- an EventBridge rule target DLQ with the queue policy that lets EventBridge send, a
  Scheduler target DLQ with the schedule role's permission, and an explicit retry policy
  (``limits.SRC_EVENTBRIDGE_DLQ``, ``limits.SRC_SCHEDULER_DLQ``);
- an SNS subscription redrive policy with the queue policy that lets SNS send
  (``limits.SRC_SNS_DLQ``);
- an API-backed function's timeout below the integration timeout, leaving a cold start's
  second (``limits.SRC_APIGW_QUOTAS``);
- an event source mapping's maximum concurrency at most the reserved concurrency
  (``limits.SRC_LAMBDA_SQS_SCALING``).

New resources get ids derived from the resource they serve (``OrdersDlq``,
``WorkerFailureQueue``) that collide with nothing in the template or in what SAM generates.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from constructs_lib import limits
from constructs_lib.checks.core import Finding
from constructs_lib.fix.edits import (
    AddResource,
    Edit,
    EditError,
    Fix,
    Intrinsic,
    LeftAlone,
    Outcome,
    Refusal,
    SetValue,
    get_att,
    is_intrinsic,
    marked,
    ref,
)
from constructs_lib.fix.site import NotEditable, Site, Source, condition_of, locate, role_in_template
from constructs_lib.template.model import (
    ALIAS,
    ESM,
    SCHEDULE,
    SNS_TOPIC,
    VERSION,
    Resource,
    TemplateModel,
    number,
)
from constructs_lib.template.properties import DEFAULT_INTEGRATION_TIMEOUT_MS, integration_timeout, is_fifo
from constructs_lib.value_rules.sqs import min_visibility_timeout_s

#: The seconds an API-backed function's timeout stays below the integration timeout: the
#: upper end of a typical cold start (limits.LAMBDA_TYPICAL_COLD_START_S), which API
#: Gateway's integration timeout includes.
API_TIMEOUT_HEADROOM_S = limits.LAMBDA_TYPICAL_COLD_START_S[1]
#: The policy document version every new policy uses (IAM's current one).
POLICY_VERSION = "2012-10-17"


@dataclass
class Context:
    """What a fixer reads: the model the finding came from and the template as written."""

    model: TemplateModel
    source: Source


class Refuse(Exception):
    """Raised inside a fixer: the fix needs a decision (becomes a :class:`Refusal`)."""


Fixer = Callable[[Finding, Context], "Fix | LeftAlone"]
FIXERS: dict[str, Fixer] = {}


def fixes(*rule_ids: str) -> Callable[[Fixer], Fixer]:
    def register(fn: Fixer) -> Fixer:
        for rule_id in rule_ids:
            FIXERS[rule_id] = fn
        return fn

    return register


#: The rules whose findings no configuration change fixes, and why: listed, left alone.
LEFT_ALONE: dict[str, str] = {
    "sqs-partial-batch-response": (
        "needs code: the handler has to return batchItemFailures (Powertools' BatchProcessor) before "
        "FunctionResponseTypes may list ReportBatchItemFailures - set alone, a handler that returns nothing "
        "reports every message of a failing batch as processed, and they are deleted"
    ),
    "sqs-fifo-dlq": (
        "needs a decision: FifoQueue cannot change on an existing queue; CloudFormation replaces the queue "
        "and the messages in the old one are left behind"
    ),
    "lambda-reserved-concurrency-zero": (
        "needs a decision: 0 stops the function, on purpose (an emergency brake) or by mistake; remove the "
        "reservation or choose how many executions to reserve"
    ),
    "lambda-unreserved-pool": (
        "needs a decision: which reservations to lower, or your account's quota (--account-concurrency)"
    ),
    "lambda-sync-invoke-timeout": (
        "needs a decision: raise the caller's timeout, or call asynchronously (a change in the caller's code)"
    ),
    "lambda-sync-invoke": (
        "needs code: the call is made in the caller's code (InvocationType Event, or a queue between them)"
    ),
    "sqs-provisioned-pollers": "needs a decision: fewer pollers, or more reserved concurrency",
    "lambda-recursive-loop-allowed": (
        "needs a decision: the recursion may be deliberate; bound it in code, or set RecursiveLoop: Terminate"
    ),
    "durable-function-qualified-arn": "needs a decision: which alias or version the trigger invokes",
    "aws-refused-value": "needs a decision: which value within the service's range you meant (the message names the range)",
    "template-malformed-resource": "needs the resource written so CloudFormation accepts it (cfn-lint names the problem)",
    "metadata-acknowledgment": "needs the reason only the template's owner can give",
}


def fix_finding(finding: Finding, ctx: Context) -> Outcome:
    """The outcome of one finding: its fix, a refusal, or why it is left alone."""
    fixer = FIXERS.get(finding.rule_id)
    if fixer is None:
        reason = LEFT_ALONE.get(finding.rule_id, f"no deterministic fix: {finding.fix}")
        return LeftAlone(finding, reason)
    if finding.resource not in ctx.model.resources:
        return Refusal(finding, f"{finding.resource} is not in the template as read")
    try:
        return fixer(finding, ctx)
    except (Refuse, NotEditable, EditError) as exc:
        return Refusal(finding, str(exc))
    except Exception as exc:  # noqa: BLE001 - a template no fixer foresaw: refuse its file, never a traceback
        return Refusal(finding, f"the fix cannot read this resource ({type(exc).__name__}: {exc}); fix it by hand")


# ---------------------------------------------------------------------------------------
# What the fixes add
# ---------------------------------------------------------------------------------------
def failure_queue(ctx: Context, site: Site, suffix: str, *, fifo: bool = False) -> tuple[str, AddResource]:
    """A new encrypted queue that keeps messages 14 days, next to the resource it serves."""
    qid = ctx.source.new_id(site.name, suffix)
    props: dict[str, Any] = {"FifoQueue": True} if fifo else {}
    props.update(SqsManagedSseEnabled=True, MessageRetentionPeriod=limits.FAILURE_QUEUE_RETENTION_S)
    return qid, AddResource(qid, _body("AWS::SQS::Queue", props, condition_of(ctx.source, site)), site.owner)


def _body(type_: str, props: Mapping[str, Any], condition: str | None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Type": type_}
    if condition is not None:
        body["Condition"] = condition
    body.update(extra)
    body["Properties"] = dict(props)
    return body


def send_policy(ctx: Context, site: Site, queue_id: str, role_id: str) -> AddResource:
    """An IAM policy on ``role_id`` allowing ``sqs:SendMessage`` to the new queue only."""
    pid = ctx.source.new_id(queue_id, "SendPolicy")
    props = {
        "PolicyName": pid,
        "Roles": [ref(role_id)],
        "PolicyDocument": {
            "Version": POLICY_VERSION,
            "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": get_att(queue_id, "Arn")}],
        },
    }
    return AddResource(pid, _body("AWS::IAM::Policy", props, condition_of(ctx.source, site)), site.owner)


def queue_policy(ctx: Context, site: Site, queue_id: str, service: str, source_arn: Any) -> AddResource:
    """A queue policy that lets ``service`` send to the new queue, for ``source_arn`` only."""
    pid = ctx.source.new_id(queue_id, "Policy")
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sqs:SendMessage",
        "Resource": get_att(queue_id, "Arn"),
        "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
    }
    props = {"Queues": [ref(queue_id)], "PolicyDocument": {"Version": POLICY_VERSION, "Statement": [statement]}}
    return AddResource(pid, _body("AWS::SQS::QueuePolicy", props, condition_of(ctx.source, site)), site.owner)


def function_grant(ctx: Context, fn: Resource, fn_site: Site, site: Site, queue_id: str) -> list[AddResource]:
    """The execution role's permission to send to the new queue. SAM adds it itself for a
    destination whose ``Type`` is given, unless the function brings its own ``Role``."""
    if fn_site.kind != "resource":
        role_value = fn_site.get("Role")
        if role_value is None:
            return []
    else:
        role_value = fn.get("Role")
    role_id = role_in_template(ctx.model, ctx.source, role_value)
    if role_id is None:
        raise Refuse(f"the execution role of {fn.logical_id} is not declared in this template, so the fix cannot "
                     f"let it send to a new queue; grant sqs:SendMessage where the role is defined")
    return [send_policy(ctx, site, queue_id, role_id)]


def depends_on(ctx: Context, logical_id: str, *ids: str) -> SetValue:
    """``DependsOn`` of an existing resource extended by ``ids`` (Lambda checks a
    destination's permission when the mapping or the config is created)."""
    current = ctx.source.body(logical_id).get("DependsOn")
    items = [current] if isinstance(current, str) else list(current) if isinstance(current, list) else []
    items.extend(i for i in ids if i not in items)
    return SetValue(("Resources", logical_id, "DependsOn"), items[0] if len(items) == 1 else items)


def _site(ctx: Context, logical_id: str, *kinds: str) -> Site:
    site = locate(ctx.model, ctx.source, logical_id)
    if kinds and site.kind not in kinds:
        raise NotEditable(f"{logical_id} is generated by SAM from {site.owner}; the fix cannot edit it there")
    return site


def _ids(edits: list[Edit]) -> str:
    return ", ".join(e.logical_id for e in edits if isinstance(e, AddResource))


# ---------------------------------------------------------------------------------------
# SQS
# ---------------------------------------------------------------------------------------
@fixes("sqs-visibility-timeout", "sqs-visibility-below-function-timeout")
def fix_visibility_timeout(finding: Finding, ctx: Context) -> Fix:
    queue = ctx.model.resources[finding.resource]
    site = _site(ctx, queue.logical_id, "resource")
    needed: list[float] = []
    for mapping in ctx.model.of_type(ESM):
        src = ctx.model.source_of(mapping)
        fn = ctx.model.function_ref(mapping.get("FunctionName"))
        if src is None or src.logical_id != queue.logical_id or fn is None:
            continue
        timeout = ctx.model.timeout_s(fn)
        raw = mapping.get("MaximumBatchingWindowInSeconds")
        window = 0.0 if raw is None else number(raw)
        if timeout is None or window is None:
            raise Refuse(f"the Timeout of {fn.logical_id} or the batching window of {mapping.logical_id} is not a "
                         "number in the template (a parameter?); the visibility timeout it needs is unknown")
        needed.append(min_visibility_timeout_s(timeout, window))
    if not needed:
        raise Refuse(f"no mapping of {queue.logical_id} with its function in this template")
    value = math.ceil(max(needed))
    if value > limits.SQS_MAX_VISIBILITY_TIMEOUT_S:
        raise Refuse(f"{limits.SQS_VISIBILITY_TIMEOUT_FACTOR} x the function timeout + the batching window is "
                     f"{value:,} s, above SQS's maximum visibility timeout of {limits.SQS_MAX_VISIBILITY_TIMEOUT_S:,} s; "
                     "lower the timeout or the window")
    return Fix(finding, (SetValue(site.path("VisibilityTimeout"), value, "max"),),
               f"VisibilityTimeout {value} s ({limits.SQS_VISIBILITY_TIMEOUT_FACTOR} x the function timeout + the "
               "batching window)")


@fixes("sqs-redrive-policy")
def fix_redrive_policy(finding: Finding, ctx: Context) -> Fix:
    queue = ctx.model.resources[finding.resource]
    site = _site(ctx, queue.logical_id, "resource")
    fifo = is_fifo(queue)
    if fifo is None:
        raise Refuse(f"whether {queue.logical_id} is a FIFO queue is computed; its dead-letter queue must be the same type")
    dlq, add = failure_queue(ctx, site, "Dlq", fifo=fifo)
    policy = {"deadLetterTargetArn": get_att(dlq, "Arn"), "maxReceiveCount": limits.DEFAULT_MAX_RECEIVE_COUNT}
    return Fix(finding, (add, SetValue(site.path("RedrivePolicy"), policy)),
               f"dead-letter queue {dlq} (encrypted, 14 days), maxReceiveCount {limits.DEFAULT_MAX_RECEIVE_COUNT}")


@fixes("sqs-max-receive-count", "sqs-max-receive-count-range")
def fix_max_receive_count(finding: Finding, ctx: Context) -> Fix:
    queue = ctx.model.resources[finding.resource]
    site = _site(ctx, queue.logical_id, "resource")
    raw = site.get("RedrivePolicy")
    parsed = raw
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise Refuse(f"the RedrivePolicy of {queue.logical_id} is a string that is not JSON") from None
    if not isinstance(parsed, Mapping) or is_intrinsic(parsed):
        raise Refuse(f"the RedrivePolicy of {queue.logical_id} is computed; set maxReceiveCount where it is made")
    count = number(parsed.get("maxReceiveCount"))
    if count is None:
        raise Refuse(f"the maxReceiveCount of {queue.logical_id} is not a number in the template")
    value = limits.SQS_MAX_MAX_RECEIVE_COUNT if count > limits.SQS_MAX_MAX_RECEIVE_COUNT else limits.DEFAULT_MAX_RECEIVE_COUNT
    if isinstance(raw, str):
        edit = SetValue(site.path("RedrivePolicy"), json.dumps({**parsed, "maxReceiveCount": value}))
    else:
        edit = SetValue(site.path("RedrivePolicy", "maxReceiveCount"), value)
    return Fix(finding, (edit,), f"maxReceiveCount {value}")


@fixes("sqs-dlq-retention")
def fix_dlq_retention(finding: Finding, ctx: Context) -> Fix:
    site = _site(ctx, finding.resource, "resource")
    value = limits.FAILURE_QUEUE_RETENTION_S
    return Fix(finding, (SetValue(site.path("MessageRetentionPeriod"), value, "max"),),
               f"MessageRetentionPeriod {value} s (14 days, the SQS maximum: at least the source queue's)")


@fixes("esm-max-concurrency-above-reserved")
def fix_max_concurrency(finding: Finding, ctx: Context) -> Fix:
    mapping = ctx.model.resources[finding.resource]
    fn = ctx.model.function_ref(mapping.get("FunctionName"))
    reserved = number(fn.get("ReservedConcurrentExecutions")) if fn is not None else None
    if reserved is None:
        raise Refuse(f"the reserved concurrency of the function of {mapping.logical_id} is not a number in the template")
    if reserved < limits.SQS_MIN_MAX_CONCURRENCY:
        raise Refuse(f"the function reserves {reserved:g}, below the smallest maximum concurrency "
                     f"({limits.SQS_MIN_MAX_CONCURRENCY}); reserve more or drop ScalingConfig.MaximumConcurrency")
    site = _site(ctx, mapping.logical_id, "resource", "sam-event")
    value = int(reserved)
    return Fix(finding, (SetValue(site.path("ScalingConfig", "MaximumConcurrency"), value, "min"),),
               f"ScalingConfig.MaximumConcurrency {value} (the function's reserved concurrency)")


# ---------------------------------------------------------------------------------------
# Streams
# ---------------------------------------------------------------------------------------
def _infinite(value: Any) -> bool:
    return value is None or number(value) == limits.STREAM_INFINITE


@fixes("stream-unbounded-retries")
def fix_stream_retries(finding: Finding, ctx: Context) -> Fix:
    mapping = ctx.model.resources[finding.resource]
    site = _site(ctx, mapping.logical_id, "resource", "sam-event")
    edits: list[Edit] = []
    if _infinite(mapping.get("MaximumRetryAttempts")):
        edits.append(SetValue(site.path("MaximumRetryAttempts"), limits.DEFAULT_STREAM_RETRY_ATTEMPTS))
    if _infinite(mapping.get("MaximumRecordAgeInSeconds")):
        edits.append(SetValue(site.path("MaximumRecordAgeInSeconds"), limits.DEFAULT_STREAM_MAX_RECORD_AGE_S))
    return Fix(finding, tuple(edits),
               f"MaximumRetryAttempts {limits.DEFAULT_STREAM_RETRY_ATTEMPTS}, MaximumRecordAgeInSeconds "
               f"{limits.DEFAULT_STREAM_MAX_RECORD_AGE_S} (6 h)")


@fixes("stream-bisect-batch")
def fix_stream_bisect(finding: Finding, ctx: Context) -> Fix:
    site = _site(ctx, finding.resource, "resource", "sam-event")
    return Fix(finding, (SetValue(site.path("BisectBatchOnFunctionError"), True),), "BisectBatchOnFunctionError true")


@fixes("stream-on-failure-destination")
def fix_stream_destination(finding: Finding, ctx: Context) -> Fix:
    mapping = ctx.model.resources[finding.resource]
    site = _site(ctx, mapping.logical_id, "resource", "sam-event")
    fn = ctx.model.function_ref(mapping.get("FunctionName"))
    if fn is None:
        raise Refuse(f"the function of {mapping.logical_id} is outside this template")
    qid, add = failure_queue(ctx, site, "FailureQueue")
    edits: list[Edit] = [add]
    arn = get_att(qid, "Arn")
    grants = function_grant(ctx, fn, _site(ctx, fn.logical_id), site, qid)
    if site.kind == "sam-event":
        edits.append(SetValue(site.path("DestinationConfig", "OnFailure"), {"Type": "SQS", "Destination": arn}))
    else:
        edits.append(SetValue(site.path("DestinationConfig", "OnFailure", "Destination"), arn))
        if grants:
            edits.append(depends_on(ctx, site.owner, *(g.logical_id for g in grants)))
    edits.extend(grants)
    return Fix(finding, tuple(edits), f"on-failure destination {qid} (encrypted, 14 days)"
               + (f", with {_ids(list(grants))}" if grants else ""))


# ---------------------------------------------------------------------------------------
# Asynchronous invocation
# ---------------------------------------------------------------------------------------
@fixes("async-failure-destination")
def fix_async_destination(finding: Finding, ctx: Context) -> Fix:
    fn = ctx.model.resources[finding.resource]
    site = _site(ctx, fn.logical_id, "resource", "sam-function")
    qid, add = failure_queue(ctx, site, "FailureQueue")
    arn = get_att(qid, "Arn")
    durable = ctx.model.is_durable(fn)
    grants = function_grant(ctx, fn, site, site, qid)
    edits: list[Edit] = [add]
    if site.kind == "sam-function":
        if durable:
            edits.append(SetValue(site.path("DeadLetterQueue"), {"Type": "SQS", "TargetArn": arn}))
        else:
            edits.append(SetValue(site.path("EventInvokeConfig", "DestinationConfig", "OnFailure"),
                                  {"Type": "SQS", "Destination": arn}))
    elif durable:
        edits.append(SetValue(site.path("DeadLetterConfig", "TargetArn"), arn))
        if grants:
            edits.append(depends_on(ctx, fn.logical_id, *(g.logical_id for g in grants)))
    else:
        edits.extend(_event_invoke_config(ctx, fn, site, arn, [g.logical_id for g in grants]))
    edits.extend(grants)
    what = "dead-letter queue" if durable else "on-failure destination"
    return Fix(finding, tuple(edits), f"{what} {qid} (encrypted, 14 days)" + (f", with {_ids(list(grants))}" if grants else ""))


def _event_invoke_config(ctx: Context, fn: Resource, site: Site, arn: Intrinsic, grants: list[str]) -> Iterator[Edit]:
    configs = ctx.model.event_invoke_configs.get(fn.logical_id, [])
    if configs:
        for cfg in configs:
            cfg_site = _site(ctx, cfg.logical_id, "resource")
            yield SetValue(cfg_site.path("DestinationConfig", "OnFailure", "Destination"), arn)
            if grants:
                yield depends_on(ctx, cfg.logical_id, *grants)
        return
    qualified = [r.logical_id for r in ctx.model.of_type(ALIAS, VERSION) if ctx.model.function_of({"Ref": r.logical_id}) is fn]
    if qualified:
        raise Refuse(f"{fn.logical_id} has versions or aliases ({', '.join(sorted(qualified))}); which of them the "
                     "event invoke config covers is a decision (add one per qualifier that is invoked asynchronously)")
    cid = ctx.source.new_id(fn.logical_id, "EventInvokeConfig")
    props = {"FunctionName": ref(fn.logical_id), "Qualifier": "$LATEST",
             "DestinationConfig": {"OnFailure": {"Destination": arn}}}
    extra = {"DependsOn": grants[0] if len(grants) == 1 else grants} if grants else {}
    yield AddResource(cid, _body("AWS::Lambda::EventInvokeConfig", props, condition_of(ctx.source, site), **extra),
                      site.owner)


_TARGET = re.compile(r"^Properties/Targets/(\d+)/")


def _target_path(finding: Finding, owner: Resource, site: Site) -> tuple[tuple[str | int, ...], Mapping[str, Any]]:
    """Where the finding's target is in the source (rule: ``Targets/<i>``, schedule: ``Target``)."""
    if site.kind == "sam-event":
        return (), site.properties
    if owner.type == SCHEDULE:
        target = site.get("Target")
        return ("Target",), target if isinstance(target, Mapping) else {}
    match = _TARGET.match(finding.location)
    targets = site.get("Targets")
    if match is None or not isinstance(targets, list) or int(match.group(1)) >= len(targets):
        raise Refuse(f"the targets of {owner.logical_id} are computed (Fn::If?); the fix cannot tell which to edit")
    index = int(match.group(1))
    target = targets[index]
    checked = owner.get("Targets")[index]
    if not isinstance(target, Mapping) or target.get("Id") != checked.get("Id"):
        raise Refuse(f"target {index} of {owner.logical_id} depends on conditions; the fix cannot tell which to edit")
    return ("Targets", index), target


@fixes("eventbridge-target-dlq")
def fix_target_dlq(finding: Finding, ctx: Context) -> Fix:
    owner = ctx.model.resources[finding.resource]
    site = _site(ctx, owner.logical_id, "resource", "sam-event")
    where, target = _target_path(finding, owner, site)
    qid, add = failure_queue(ctx, site, "Dlq")
    edits: list[Edit] = [add, SetValue(site.path(*where, "DeadLetterConfig"), {"Arn": get_att(qid, "Arn")})]
    if target.get("RetryPolicy") is None:
        edits.append(SetValue(site.path(*where, "RetryPolicy"), {
            "MaximumRetryAttempts": limits.DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS,
            "MaximumEventAgeInSeconds": limits.DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S,
        }))
    if owner.type == SCHEDULE:
        role_value = target.get("RoleArn")
        if role_value is not None or site.kind == "resource":
            role_id = role_in_template(ctx.model, ctx.source, role_value)
            if role_id is None:
                raise Refuse(f"the role of schedule {owner.logical_id} is not declared in this template, so the fix "
                             "cannot let it send to a new queue; grant sqs:SendMessage where the role is defined")
            edits.append(send_policy(ctx, site, qid, role_id))
    else:
        edits.append(queue_policy(ctx, site, qid, "events.amazonaws.com", get_att(site.name, "Arn")))
    added = _ids(edits[1:])
    return Fix(finding, tuple(edits), f"target dead-letter queue {qid} (encrypted, 14 days)"
               + (f" with {added}" if added else " (SAM lets the schedule's role send to it)")
               + (", and an explicit retry policy (185 attempts, 24 h)" if target.get("RetryPolicy") is None else ""))


@fixes("eventbridge-target-retry-policy")
def fix_target_retry_policy(finding: Finding, ctx: Context) -> Fix:
    owner = ctx.model.resources[finding.resource]
    site = _site(ctx, owner.logical_id, "resource", "sam-event")
    where, target = _target_path(finding, owner, site)
    policy = target.get("RetryPolicy")
    if not isinstance(policy, Mapping) or is_intrinsic(policy):
        raise Refuse(f"the retry policy of {owner.logical_id} is computed")
    edits: list[Edit] = []
    for key, low, high in (
        ("MaximumRetryAttempts", limits.EVENTBRIDGE_MIN_RETRY_ATTEMPTS, limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS),
        ("MaximumEventAgeInSeconds", limits.EVENTBRIDGE_MIN_EVENT_AGE_S, limits.EVENTBRIDGE_MAX_EVENT_AGE_S),
    ):
        raw = policy.get(key)
        if raw is None:
            continue
        value = number(raw)
        if value is None:
            raise Refuse(f"RetryPolicy.{key} of {owner.logical_id} is not a number in the template")
        if not low <= value <= high:
            edits.append(SetValue(site.path(*where, "RetryPolicy", key), int(min(max(value, low), high))))
    return Fix(finding, tuple(edits), "RetryPolicy within EventBridge's ranges (0-185 attempts, 60 s - 24 h)")


@fixes("sns-subscription-redrive")
def fix_subscription_redrive(finding: Finding, ctx: Context) -> Fix | LeftAlone:
    sub = ctx.model.resources[finding.resource]
    if sub.type == SNS_TOPIC:
        return LeftAlone(finding, "needs a decision: an inline subscription (Topic.Subscription) cannot have a redrive "
                         "policy; declaring it as an AWS::SNS::Subscription replaces the subscription")
    site = _site(ctx, sub.logical_id, "resource", "sam-event")
    topic = site.get("Topic" if site.kind == "sam-event" else "TopicArn")
    if topic is None:
        raise Refuse(f"the topic of {sub.logical_id} is not written in the template")
    qid, add = failure_queue(ctx, site, "Dlq")
    policy = queue_policy(ctx, site, qid, "sns.amazonaws.com", marked(topic))
    edits = (add, SetValue(site.path("RedrivePolicy"), {"deadLetterTargetArn": get_att(qid, "Arn")}), policy)
    return Fix(finding, edits, f"redrive policy to {qid} (encrypted, 14 days) with {policy.logical_id}")


# ---------------------------------------------------------------------------------------
# API Gateway
# ---------------------------------------------------------------------------------------
@fixes("apigw-integration-timeout")
def fix_api_timeout(finding: Finding, ctx: Context) -> Fix:
    edits: list[Edit] = []
    values: list[str] = []
    found = []
    for trigger in ctx.model.triggers:
        if trigger.kind != "apigateway" or trigger.via != finding.resource:
            continue
        fn = ctx.model.resources[trigger.function]
        raw, _ = integration_timeout(ctx.model, trigger)
        api = trigger.detail.get("api", "rest")
        millis = DEFAULT_INTEGRATION_TIMEOUT_MS.get(api, DEFAULT_INTEGRATION_TIMEOUT_MS["rest"]) if raw is None else number(raw)
        found.append((fn, millis))
    named = [(fn, ms) for fn, ms in found if re.search(rf"the Timeout of {re.escape(fn.logical_id)}\b", finding.message)]
    for fn, millis in named or found:
        timeout = ctx.model.timeout_s(fn)
        if millis is None or timeout is None:
            raise Refuse(f"the Timeout of {fn.logical_id} or its integration timeout is not a number in the template")
        value = math.floor(millis / 1000 - API_TIMEOUT_HEADROOM_S)
        if timeout < millis / 1000:
            continue
        if value < limits.LAMBDA_MIN_TIMEOUT_S:
            raise Refuse(f"the integration timeout of {finding.resource} ({millis:g} ms) leaves no whole second for "
                         f"{fn.logical_id}; raise the integration timeout")
        site = _site(ctx, fn.logical_id, "resource", "sam-function")
        edits.append(SetValue(site.path("Timeout"), value, "min"))
        values.append(f"{fn.logical_id} Timeout {value} s")
    if not edits:
        raise Refuse("the function behind the integration could not be found")
    return Fix(finding, tuple(edits), ", ".join(values) + f" ({API_TIMEOUT_HEADROOM_S:g} s below the integration timeout)")
