"""The ``explain`` report: what an app does with its events, and with its failures.

A Markdown report over the same :class:`~constructs_lib.template.model.TemplateModel` the
checks use (resources, references, the function <-> trigger graph): for every function,
its invocation model(s) and triggers, the timeout chain, retries, where failed events go
and how long they are kept there, concurrency and batch settings, and a capacity
estimate; plus a Mermaid flowchart of sources, functions and failure destinations, and
each function's worst outcome under the four fault scenarios of ``constructs_lib.simulate``
(with the check rule that predicts any loss and the command that shows it).

Pure: template models in, a string out; no CDK, no I/O (``constructs_lib.cli.explain``
does the I/O).
Properties left out are read with AWS's defaults, as the checks do. A failure path that
ends nowhere says so plainly: ``LOST``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from constructs_lib import limits
from constructs_lib.messages import consequence
from constructs_lib.explain.defaults import DEFAULT_DURATION_S, MAX_SIMULATED_FUNCTIONS
from constructs_lib.template.model import (
    DYNAMODB,
    DYNAMODB_GLOBAL,
    EVENT_INVOKE_CONFIG,
    EVENTS_RULE,
    KINESIS,
    QUEUE,
    S3_BUCKET,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    Resource,
    TemplateModel,
    Trigger,
    boolean,
    number,
    ref_id,
)
from constructs_lib.template.text import printable
from constructs_lib.template.properties import (
    DEFAULT_INTEGRATION_TIMEOUT_MS,
    SQS_DEFAULT_BATCH_SIZE,
    redrive_policy,
    retention_s,
)
from constructs_lib.value_rules import num
from constructs_lib.value_rules import provisioned as provisioned_rules
from constructs_lib.value_rules import sqs as sqs_rules


POLLED = ("sqs", "kinesis", "dynamodb", "stream")
ASYNC = ("async", "s3", "sns", "eventbridge")
HTTP_STAGE = "AWS::ApiGatewayV2::Stage"
REST_STAGE = "AWS::ApiGateway::Stage"
LOST = "LOST"
#: A visibility timeout Lambda refuses (below the function timeout).
BELOW_TIMEOUT = "BELOW THE FUNCTION TIMEOUT"


def _verdict(marker: str, rule_id: str) -> str:
    """A problem as every command words it: the marker, the rule, and what follows from it
    (:mod:`constructs_lib.messages`)."""
    return f"{marker} (`{rule_id}`): {consequence(rule_id)}"


def _lost(rule_id: str) -> str:
    return _verdict(LOST, rule_id)

_MODEL_TEXT = {
    "sqs": "polled: an SQS event source mapping receives batches and invokes synchronously",
    "kinesis": "polled: a Kinesis event source mapping reads each shard in order",
    "dynamodb": "polled: a DynamoDB Streams event source mapping reads each shard in order",
    "stream": "polled: an event source mapping whose source is outside this template",
    "async": "asynchronous: Lambda's internal queue, retries and event invoke config",
    "apigateway": "synchronous: API Gateway waits for the answer; the caller owns retries",
    "lambda": "invoked by another function (synchronous unless it uses InvocationType=Event)",
    "sync": "synchronous: the invoking service or client waits for the answer and owns retries",
}
#: How the report names a synchronous invoker other than API Gateway (limits.LAMBDA_INVOKERS).
_SYNC_INVOKERS = {
    "function-url": "function URL",
    "alb": "load balancer target group",
    "vpc-lattice": "VPC Lattice target group",
    "cognito": "Cognito user pool",
    "iot-authorizer": "IoT custom authorizer",
    "secrets-manager": "Secrets Manager rotation",
    "cloudfront": "CloudFront distribution",
    "firehose": "Firehose delivery stream",
    "pipes-sync": "EventBridge pipe",
}


# --------------------------------------------------------------------------------------
# Small readers over the model
# --------------------------------------------------------------------------------------
def label(model: TemplateModel, res: Resource | None, fallback: str = "outside this template") -> str:
    """```LogicalId``` plus its CDK path without the stack and ``/Resource``."""
    if res is None:
        return fallback
    path = res.path
    if path:
        parts = path.split("/")[1:]
        if parts and parts[-1] in ("Resource", "Default"):
            parts = parts[:-1]
        return f"`{res.logical_id}` ({'/'.join(parts)})" if parts else f"`{res.logical_id}`"
    return f"`{res.logical_id}`"


def secs(value: float | None) -> str:
    """``90`` -> ``90 s``, ``86400`` -> ``24 h``, ``1209600`` -> ``14 days``."""
    if value is None:
        return "unknown (computed)"
    if value == limits.STREAM_INFINITE:
        return "infinite (-1)"
    if value >= 86400 and value % 86400 == 0:
        days = value / 86400
        return f"{num(days)} day{'' if days == 1 else 's'}"
    if value >= 3600 and value % 3600 == 0:
        return f"{num(value / 3600)} h"
    if value >= 60 and value % 60 == 0:
        return f"{num(value / 60)} min"
    return f"{num(round(value, 3))} s"


def rate(value: float) -> str:
    """One decimal below 100, whole numbers above; two significant digits below 1, so that a
    slow function (2 in flight, 60 s each: 0.033/s) is not shown as 0."""
    if 0 < value < 1:
        return f"{value:.2g}"
    return f"{value:,.1f}".replace(".0", "") if value < 100 else f"{value:,.0f}"


def _prop(res: Resource, key: str, default: float) -> float | None:
    raw = res.get(key)
    return default if raw is None else number(raw)


def reserved_concurrency(fn: Resource) -> float | None:
    return number(fn.get("ReservedConcurrentExecutions"))


def provisioned_concurrency(model: TemplateModel, fn: Resource) -> float | None:
    total = 0.0
    found = False
    for alias in model.aliases.get(fn.logical_id, ()):
        config = alias.get("ProvisionedConcurrencyConfig")
        if isinstance(config, Mapping) and number(config.get("ProvisionedConcurrentExecutions")):
            total += number(config.get("ProvisionedConcurrentExecutions")) or 0
            found = True
    return total if found else None


def invoke_config(model: TemplateModel, fn: Resource) -> Resource | None:
    configs = model.event_invoke_configs.get(fn.logical_id, [])
    return configs[0] if configs else None


def destination_of(value: Any) -> Any:
    """``DestinationConfig.OnFailure.Destination`` (or the value itself)."""
    if isinstance(value, Mapping) and "OnFailure" in value:
        value = value.get("OnFailure")
    if isinstance(value, Mapping) and "Destination" in value:
        return value.get("Destination")
    return value


def kept(model: TemplateModel, target: Any) -> str:
    """Where a failure destination ARN points and how long it keeps what it gets."""
    res = model.ref(target)
    if res is None:
        if isinstance(target, str) and target:
            return f"`{target}` (outside this template; retention unknown)"
        return "a destination outside this template (retention unknown)"
    if res.type == QUEUE:
        return f"SQS queue {label(model, res)}, kept {secs(retention_s(res))}"
    if res.type == SNS_TOPIC:
        return f"SNS topic {label(model, res)}: not stored, only delivered to its subscribers"
    if res.type == S3_BUCKET:
        return f"S3 bucket {label(model, res)}: kept until deleted (lifecycle rules)"
    if res.type == EVENTS_RULE or res.type.startswith("AWS::Events::"):
        return f"event bus {label(model, res)}: not stored, only routed to its rules' targets"
    if model.function_of(target) is not None:
        return f"function {label(model, model.function_of(target))}: not stored, handled by that function"
    return f"{res.type} {label(model, res)}"


# --------------------------------------------------------------------------------------
# The graph: sources and failure paths
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FailurePath:
    """One way a failed event leaves a function's invocation: ``source`` (a resource id,
    or the function itself) sends failures to ``destination`` (a resource id), or they
    are lost (``destination`` ``None``)."""

    source: str
    destination: str | None
    text: str
    edge: str


def _known_kind(trig: Trigger) -> Trigger | None:
    """The trigger in the kinds this report describes: the model's newer asynchronous kinds
    (Scheduler, destinations, custom resources) as "async", unknown sources of a mapping as
    "stream"; synchronous services other than API Gateway (a function URL, a load balancer...)
    as "sync"; durable chained invokes are not described (None)."""
    from dataclasses import replace

    if trig.kind in ("scheduler", "destination", "custom-resource"):
        return replace(trig, kind="async", detail={**trig.detail, "principal": trig.invoker})
    if trig.kind == "other":
        return replace(trig, kind="stream")
    return None if trig.kind == "durable-invoke" else trig


def triggers(model: TemplateModel, fn: Resource) -> list[Trigger]:
    """The function's triggers, one per (kind, source); event invoke configs are settings,
    not sources, and a service permission duplicates the rule or subscription edge."""
    preference = {EVENTS_RULE: 0, SNS_SUBSCRIPTION: 0}
    chosen: dict[tuple[str, str | None], Trigger] = {}
    for trig in map(_known_kind, model.triggers_of(fn.logical_id)):
        if trig is None:
            continue
        via = model.resources.get(trig.via)
        if via is not None and via.type == EVENT_INVOKE_CONFIG:
            continue
        key = (trig.kind, trig.source)
        rank = preference.get(via.type if via else "", 1)
        current = chosen.get(key)
        if current is None or rank < preference.get(model.resources[current.via].type, 1):
            chosen[key] = trig
    # A permission is no second invoker beside the service it grants (the model decides).
    kept = model.without_grants(list(chosen.values()))
    return sorted(kept, key=lambda t: (t.kind, t.source or "", t.via))


def models_of(model: TemplateModel, fn: Resource, trigs: Sequence[Trigger]) -> list[str]:
    kinds: list[str] = []
    for trig in trigs:
        kind = trig.kind
        if kind in ("s3", "sns", "eventbridge"):
            kind = "async"
        if kind == "lambda" and fn.logical_id in model.event_invoke_configs:
            kind = "async"
        if kind not in kinds:
            kinds.append(kind)
    if not kinds and fn.logical_id in model.event_invoke_configs:
        kinds.append("async")
    return kinds


def _source_text(model: TemplateModel, trig: Trigger) -> str:
    src = model.resources.get(trig.source) if trig.source else None
    via = model.resources[trig.via]
    what = {
        "sqs": "SQS queue",
        "kinesis": "Kinesis stream",
        "dynamodb": "DynamoDB stream of",
        "stream": "event source",
        "s3": "S3 bucket",
        "sns": "SNS topic",
        "eventbridge": "EventBridge rule",
        "async": "service",
        "apigateway": "API Gateway",
        "lambda": "function",
        "sync": "service",
    }[trig.kind]
    if trig.kind == "apigateway":
        api = trig.detail.get("api", "rest")
        return f"API Gateway {'REST API method' if api == 'rest' else 'HTTP API integration'} {label(model, via)}"
    if trig.kind == "async":
        return f"{trig.detail.get('principal', 'a service')} (permission {label(model, via)})"
    if trig.kind == "sync":
        invoker = trig.invoker or "service"
        return f"{_SYNC_INVOKERS.get(invoker, invoker)} {label(model, via)}"
    text = f"{what} {label(model, src)}"
    if via.logical_id != (src.logical_id if src else None):
        text += f" via {label(model, via)}"
    return text


#: Partial batch responses off with batches above 1 (a problem: the marker is ``OFF (``).
_PARTIAL_OFF = f"OFF (`sqs-partial-batch-response`: {consequence('sqs-partial-batch-response')})"


def _sqs_details(model: TemplateModel, fn: Resource, trig: Trigger, out: _Sections) -> None:
    mapping = model.resources[trig.via]
    queue = model.resources.get(trig.source) if trig.source else None
    timeout = model.timeout_s(fn)
    window = _prop(mapping, "MaximumBatchingWindowInSeconds", 0)
    batch = _prop(mapping, "BatchSize", SQS_DEFAULT_BATCH_SIZE)
    name = label(model, queue, "the queue outside this template")
    if queue is None:
        out.timeouts.append(f"visibility timeout of {name}: unknown; it must be >= 6 x timeout + window")
        out.failures.append(FailurePath(mapping.logical_id, None, f"failed messages from {name}: unknown (the queue is outside this template)", "unknown"))
    else:
        vis = _prop(queue, "VisibilityTimeout", 30)
        if vis is not None and timeout is not None and window is not None:
            need = sqs_rules.min_visibility_timeout_s(timeout, window)
            verdict = ("OK" if vis >= need else _verdict(BELOW_TIMEOUT, "sqs-visibility-below-function-timeout")
                       if vis < timeout else _verdict("TOO SHORT", "sqs-visibility-timeout"))
            out.timeouts.append(
                f"visibility timeout of {name} {secs(vis)}, needs >= 6 x timeout {secs(timeout)} + window {secs(window)} = {secs(need)}: {verdict}"
            )
        policy = redrive_policy(queue)
        source_retention = retention_s(queue)
        if policy is None or policy.get("deadLetterTargetArn") is None:
            out.retries.append(f"{name}: a failed message returns after each visibility timeout, with no limit on receives")
            out.failures.append(
                FailurePath(
                    queue.logical_id,
                    None,
                    f"failed messages from {name}: retried until retention expires ({secs(source_retention)}), then "
                    f"{_lost('sqs-redrive-policy')}",
                    "retention expires",
                )
            )
        else:
            receives = number(policy.get("maxReceiveCount"))
            out.retries.append(
                f"{name}: a failed message returns after the visibility timeout; after {num(receives) if receives is not None else '?'} receives it moves to the dead-letter queue"
            )
            dlq = model.ref(policy.get("deadLetterTargetArn"))
            dlq_retention = retention_s(dlq) if dlq is not None and dlq.type == QUEUE else None
            shorter = (
                f"; {_verdict('SHORTER than the source', 'sqs-dlq-retention')}"
                if dlq_retention is not None and source_retention is not None and dlq_retention < source_retention
                else ""
            )
            out.failures.append(
                FailurePath(
                    queue.logical_id,
                    dlq.logical_id if dlq else None,
                    f"failed messages from {name}: {kept(model, policy.get('deadLetterTargetArn'))} (the source keeps them {secs(source_retention)}){shorter}",
                    f"after {num(receives) if receives is not None else '?'} receives",
                )
            )
    responses = mapping.get("FunctionResponseTypes")
    partial = isinstance(responses, list) and "ReportBatchItemFailures" in responses
    scaling = mapping.get("ScalingConfig")
    max_conc = number(scaling.get("MaximumConcurrency")) if isinstance(scaling, Mapping) else None
    concurrency = f"maximum concurrency {num(max_conc) if max_conc is not None else 'none (scales with the queue)'}"
    pollers = mapping.get("ProvisionedPollerConfig")
    if isinstance(pollers, Mapping):
        # SQS provisioned mode: each poller drives up to 10 invocations (limits.SRC_LAMBDA_SQS_SCALING).
        low, high = provisioned_rules.effective_pollers(
            number(pollers.get("MinimumPollers")), number(pollers.get("MaximumPollers"))
        )
        max_conc = provisioned_rules.pollers_max_concurrency(high)
        concurrency = (
            f"provisioned mode: {num(low)}-{num(high)} pollers, up to {num(max_conc)} concurrent invocations"
        )
    filters = mapping.get("FilterCriteria")
    n_filters = len(filters.get("Filters") or []) if isinstance(filters, Mapping) else 0
    out.batching.append(
        f"{name}: batch size {num(batch) if batch is not None else '?'}, batching window {secs(window)}, "
        f"{concurrency}, "
        f"partial batch responses {'on' if partial else 'off (batches of 1 need none)' if batch == 1 else _PARTIAL_OFF}"
        + (f", {n_filters} filter(s) (non-matching messages are deleted)" if n_filters else "")
    )
    out.caps.append(max_conc)
    out.throughput.append(("messages", batch, max_conc, name))


def _stream_details(model: TemplateModel, fn: Resource, trig: Trigger, out: _Sections) -> None:
    mapping = model.resources[trig.via]
    src = model.resources.get(trig.source) if trig.source else None
    name = label(model, src)
    retries = _prop(mapping, "MaximumRetryAttempts", limits.STREAM_INFINITE)
    age = _prop(mapping, "MaximumRecordAgeInSeconds", limits.STREAM_INFINITE)
    bisect = boolean(mapping.get("BisectBatchOnFunctionError")) or False
    stream = model.stream_behind(src)
    if stream is not None and stream.type == KINESIS:
        hours = _prop(stream, "RetentionPeriodHours", 24)
        stream_retention = hours * 3600 if hours is not None else None
    elif stream is not None and stream.type in (DYNAMODB, DYNAMODB_GLOBAL):
        stream_retention = float(limits.DYNAMODB_STREAM_RETENTION_S)
    else:
        stream_retention = None
    out.retries.append(
        f"{name}: retry attempts {secs(retries) if retries == limits.STREAM_INFINITE else num(retries) if retries is not None else '?'}, "
        f"maximum record age {secs(age)}, bisect on error {'on' if bisect else 'off'}; the shard waits meanwhile"
    )
    destination = destination_of(mapping.get("DestinationConfig"))
    if destination is None:
        if retries == limits.STREAM_INFINITE and age == limits.STREAM_INFINITE:
            text = (
                f"failed batches from {name}: retried forever, blocking their shard until the records expire from "
                f"the stream ({secs(stream_retention) if stream_retention else 'its retention'}), then "
                f"{_lost('stream-unbounded-retries')}"
            )
        else:
            text = (f"failed batches from {name}: discarded after the retries / record age (no on-failure "
                    f"destination), {_lost('stream-on-failure-destination')}")
        out.failures.append(FailurePath(mapping.logical_id, None, text, "retries exhausted"))
    else:
        dest = model.ref(destination)
        out.failures.append(
            FailurePath(
                mapping.logical_id,
                dest.logical_id if dest else None,
                f"discarded batches from {name}: their metadata (shard, sequence numbers) to {kept(model, destination)}; "
                f"the records themselves stay readable only while the stream retains them ({secs(stream_retention)})",
                "batch metadata",
            )
        )
    batch = _prop(mapping, "BatchSize", limits.DEFAULT_STREAM_BATCH_SIZE)
    window = _prop(mapping, "MaximumBatchingWindowInSeconds", 0)
    factor = _prop(mapping, "ParallelizationFactor", 1)
    shards = number(stream.get("ShardCount")) if stream is not None and stream.type == KINESIS else None
    out.batching.append(
        f"{name}: batch size {num(batch) if batch is not None else '?'}, batching window {secs(window)}, "
        f"parallelization factor {num(factor) if factor is not None else '?'}, "
        f"shards {num(shards) if shards is not None else 'unknown (on-demand, DynamoDB or outside the template)'}, "
        f"starting position {mapping.get('StartingPosition', '?')}"
    )
    cap = shards * factor if shards is not None and factor is not None else None
    out.caps.append(cap)
    out.throughput.append(("records", batch, cap, name))


def _async_details(model: TemplateModel, fn: Resource, out: _Sections) -> None:
    cfg = invoke_config(model, fn)
    retries = _prop(cfg, "MaximumRetryAttempts", limits.DEFAULT_ASYNC_RETRY_ATTEMPTS) if cfg else float(limits.DEFAULT_ASYNC_RETRY_ATTEMPTS)
    age = _prop(cfg, "MaximumEventAgeInSeconds", limits.ASYNC_MAX_EVENT_AGE_S) if cfg else float(limits.ASYNC_MAX_EVENT_AGE_S)
    out.retries.append(
        f"asynchronous invocations: {num(retries) if retries is not None else '?'} retries after a function error "
        f"(1 and 2 minutes apart), events kept at most {secs(age)} in Lambda's queue (throttling included)"
    )
    destination = destination_of(cfg.get("DestinationConfig")) if cfg else None
    dlq_config = fn.get("DeadLetterConfig")
    dlq = dlq_config.get("TargetArn") if isinstance(dlq_config, Mapping) else None
    if destination is not None:
        dest = model.ref(destination)
        out.failures.append(
            FailurePath(fn.logical_id, dest.logical_id if dest else None,
                        f"failed asynchronous events (invocation record: event + error): {kept(model, destination)}", "on failure")
        )
    elif dlq is not None:
        dest = model.ref(dlq)
        out.failures.append(
            FailurePath(fn.logical_id, dest.logical_id if dest else None,
                        f"failed asynchronous events (the event only, no error): dead-letter queue {kept(model, dlq)}", "DLQ")
        )
    else:
        out.failures.append(
            FailurePath(fn.logical_id, None,
                        f"failed asynchronous events: retried {num(retries) if retries is not None else '?'} times / up to {secs(age)}, then {_lost('async-failure-destination')}",
                        "after retries")
        )
    out.caps.append(None)
    out.throughput.append(("events", 1.0, None, "asynchronous events"))


def _delivery_details(model: TemplateModel, trig: Trigger, out: _Sections) -> None:
    """The delivering service's own retries and DLQ (EventBridge target, SNS subscription)."""
    via = model.resources[trig.via]
    name = label(model, via)
    if trig.kind == "eventbridge" and via.type == EVENTS_RULE:
        for target in via.get("Targets") or []:
            if not isinstance(target, Mapping) or model.function_of(target.get("Arn")) is None:
                continue
            raw_policy = target.get("RetryPolicy")
            policy: Mapping[str, Any] = raw_policy if isinstance(raw_policy, Mapping) else {}
            attempts = number(policy.get("MaximumRetryAttempts", limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS))
            age = number(policy.get("MaximumEventAgeInSeconds", limits.EVENTBRIDGE_MAX_EVENT_AGE_S))
            out.retries.append(f"EventBridge rule {name}: delivery retried up to {num(attempts) if attempts is not None else '?'} times within {secs(age)}")
            dead = target.get("DeadLetterConfig")
            arn = dead.get("Arn") if isinstance(dead, Mapping) else None
            if arn is None:
                out.failures.append(FailurePath(via.logical_id, None, f"events EventBridge rule {name} cannot deliver (no target DLQ): {_lost('eventbridge-target-dlq')}", "undeliverable"))
            else:
                dest = model.ref(arn)
                out.failures.append(FailurePath(via.logical_id, dest.logical_id if dest else None, f"events EventBridge rule {name} cannot deliver: {kept(model, arn)}", "undeliverable"))
    elif trig.kind == "sns" and via.type == SNS_SUBSCRIPTION:
        topic = label(model, model.resources.get(trig.source) if trig.source else None)
        out.retries.append(f"SNS topic {topic}: delivery retried by SNS's delivery policy")
        redrive = via.get("RedrivePolicy")
        arn = redrive.get("deadLetterTargetArn") if isinstance(redrive, Mapping) else None
        src_id = trig.source or via.logical_id
        if arn is None:
            out.failures.append(FailurePath(src_id, None, f"messages SNS topic {topic} cannot deliver (no redrive policy): {_lost('sns-subscription-redrive')}", "undeliverable"))
        else:
            dest = model.ref(arn)
            out.failures.append(FailurePath(src_id, dest.logical_id if dest else None, f"messages SNS topic {topic} cannot deliver: {kept(model, arn)}", "undeliverable"))
    elif trig.kind == "s3":
        out.retries.append(f"S3 bucket {label(model, model.resources.get(trig.source) if trig.source else None)}: no delivery DLQ; once Lambda accepted the event, the asynchronous settings apply")


def _api_details(model: TemplateModel, fn: Resource, trig: Trigger, out: _Sections) -> None:
    via = model.resources[trig.via]
    api = trig.detail.get("api", "rest")
    if api == "rest":
        integration = via.get("Integration") or {}
        raw = integration.get("TimeoutInMillis") if isinstance(integration, Mapping) else None
        api_id = ref_id(via.get("RestApiId"))
        stage_rate = _rest_stage_rate(model, api_id)
    else:
        raw = via.get("TimeoutInMillis")
        api_id = ref_id(via.get("ApiId"))
        stage_rate = _http_stage_rate(model, api_id)
    millis = DEFAULT_INTEGRATION_TIMEOUT_MS[api] if raw is None else number(raw)
    integration_s = millis / 1000 if millis is not None else None
    timeout = model.timeout_s(fn)
    if integration_s is not None and timeout is not None:
        verdict = "OK" if integration_s > timeout else _verdict("NOT ABOVE", "apigw-integration-timeout")
        out.timeouts.append(
            f"{'REST' if api == 'rest' else 'HTTP API'} integration timeout {secs(integration_s)} > function timeout {secs(timeout)}: {verdict}"
        )
    out.retries.append("synchronous: no retries by Lambda or API Gateway; the caller decides")
    out.failures.append(FailurePath(trig.via, None, "failed requests: an error answer (5XX) to the caller, nothing is kept; the caller owns the retry", "5XX to caller"))
    if stage_rate is not None:
        out.batching.append(f"API stage throttling: {num(stage_rate[0])} requests/s, burst {num(stage_rate[1]) if stage_rate[1] is not None else '?'}")
    out.caps.append(None)
    out.throughput.append(("requests", 1.0, None, "API requests" + (f" (stage limit {num(stage_rate[0])}/s)" if stage_rate else "")))
    if stage_rate is not None:
        out.rate_limits.append(stage_rate[0])


def _rest_stage_rate(model: TemplateModel, api_id: str | None) -> tuple[float, float | None] | None:
    for stage in model.referring(REST_STAGE, "RestApiId", api_id):
        for setting in stage.get("MethodSettings") or []:
            if isinstance(setting, Mapping) and number(setting.get("ThrottlingRateLimit")) is not None:
                return number(setting.get("ThrottlingRateLimit")) or 0.0, number(setting.get("ThrottlingBurstLimit"))
    return None


def _http_stage_rate(model: TemplateModel, api_id: str | None) -> tuple[float, float | None] | None:
    for stage in model.referring(HTTP_STAGE, "ApiId", api_id):
        settings = stage.get("DefaultRouteSettings")
        if isinstance(settings, Mapping) and number(settings.get("ThrottlingRateLimit")) is not None:
            return number(settings.get("ThrottlingRateLimit")) or 0.0, number(settings.get("ThrottlingBurstLimit"))
    return None


def _sync_service_details(model: TemplateModel, fn: Resource, trig: Trigger, out: _Sections) -> None:
    """A synchronous invoker other than API Gateway: no integration timeout of its own here
    (a function URL waits up to the function timeout), no retries, the error to the caller."""
    via = model.resources[trig.via]
    name = _SYNC_INVOKERS.get(trig.invoker or "", trig.invoker or "service")
    timeout = model.timeout_s(fn)
    if trig.invoker == "function-url" and timeout is not None:
        out.timeouts.append(f"function URL: no integration timeout, the caller waits up to the function timeout {secs(timeout)}")
    out.retries.append(f"synchronous ({name}): no retries by Lambda; the caller decides")
    out.failures.append(FailurePath(trig.via, None, f"failed requests from {label(model, via)}: an error answer to the caller, nothing is kept; the caller owns the retry", "error to caller"))
    out.caps.append(None)
    out.throughput.append(("requests", 1.0, None, f"{name} {label(model, via)}"))


def _caller_details(model: TemplateModel, fn: Resource, trig: Trigger, out: _Sections) -> None:
    caller = model.resources.get(trig.source) if trig.source else None
    if caller is None or fn.logical_id in model.event_invoke_configs:
        return
    caller_t, callee_t = model.timeout_s(caller), model.timeout_s(fn)
    if caller_t is not None and callee_t is not None:
        verdict = "OK" if caller_t > callee_t else _verdict("NOT ABOVE", "lambda-sync-invoke-timeout")
        out.timeouts.append(f"if {label(model, caller)} calls synchronously: its timeout {secs(caller_t)} > this timeout {secs(callee_t)}: {verdict}")


# --------------------------------------------------------------------------------------
# One function
# --------------------------------------------------------------------------------------
@dataclass
class _Sections:
    timeouts: list[str]
    retries: list[str]
    failures: list[FailurePath]
    batching: list[str]
    caps: list[float | None]
    throughput: list[tuple[str, float | None, float | None, str]]
    rate_limits: list[float]


def analyse(model: TemplateModel, fn: Resource) -> tuple[list[Trigger], list[str], _Sections]:
    """The triggers, invocation models and detail sections of one function."""
    trigs = triggers(model, fn)
    kinds = models_of(model, fn, trigs)
    out = _Sections([], [], [], [], [], [], [])
    for trig in trigs:
        if trig.kind == "sqs":
            _sqs_details(model, fn, trig, out)
        elif trig.kind in ("kinesis", "dynamodb", "stream"):
            _stream_details(model, fn, trig, out)
        elif trig.kind == "apigateway":
            _api_details(model, fn, trig, out)
        elif trig.kind == "sync":
            _sync_service_details(model, fn, trig, out)
        elif trig.kind == "lambda":
            _caller_details(model, fn, trig, out)
        if trig.kind in ("eventbridge", "sns", "s3"):
            _delivery_details(model, trig, out)
    if "async" in kinds:
        _async_details(model, fn, out)
    return trigs, kinds, out


def capacity_lines(model: TemplateModel, fn: Resource, out: _Sections, duration_s: float) -> list[str]:
    """Maximum in-flight invocations and throughput at ``duration_s`` (and at the timeout).

    Both throughput figures are capped by the API stage's rate limit when there is one: the
    stage answers 429 above it, so concurrency alone would overstate what gets through.
    """
    reserved = reserved_concurrency(fn)
    account = float(limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY)
    lines: list[str] = []
    timeout = model.timeout_s(fn)
    for unit, per_invocation, cap, name in out.throughput:
        limits_known = [c for c in (reserved, cap) if c is not None]
        in_flight = min(limits_known) if limits_known else account
        basis = (
            "reserved concurrency" if reserved is not None and in_flight == reserved
            else "the source's concurrency limit" if cap is not None and in_flight == cap
            else f"the default account concurrency ({num(account)}), shared with every other function"
        )
        per = per_invocation if per_invocation is not None else 1.0
        stage = min(out.rate_limits) if unit == "requests" and out.rate_limits else None

        def figure(by_concurrency: float, unit: str = unit, stage: float | None = stage) -> str:
            if stage is not None and stage < by_concurrency:
                return (
                    f"at most {rate(stage)} {unit}/s (the stage's rate limit; "
                    f"concurrency alone would allow ~{rate(by_concurrency)}/s)"
                )
            return f"~{rate(by_concurrency)} {unit}/s"

        text = f"{name}: at most {num(in_flight)} invocations in flight ({basis}); "
        text += f"{figure(in_flight * per / duration_s)} at {secs(duration_s)} per invocation"
        if per_invocation is not None and per_invocation != 1:
            text += f" (batches of {num(per_invocation)})"
        if timeout is not None and timeout > 0:
            text += f"; {figure(in_flight * per / timeout)} if every invocation runs to its timeout ({secs(timeout)})"
        lines.append(text)
    return lines


#: Words that mark a line of a function's section as a problem (see ``problems``).
PROBLEM_MARKERS = (BELOW_TIMEOUT, "TOO SHORT", "NOT ABOVE", "SHORTER", "OFF (", LOST)


def problems(out: _Sections) -> list[str]:
    """The lines of a function's analysis that describe a problem: a timeout chain that does
    not hold, a failure path that ends nowhere or in a queue that forgets sooner than its
    source, partial batch responses off."""
    lines = [*out.timeouts, *(f.text for f in out.failures), *out.batching]
    return _unique(line for line in lines if any(marker in line for marker in PROBLEM_MARKERS))


@dataclass(frozen=True)
class FunctionReport:
    """Everything the report says about one function, as data (``--format json``)."""

    logical_id: str
    label: str
    path: str | None
    invocation_models: list[str]
    triggers: list[str]
    timeout_s: float | None
    timeout_chain: list[str]
    retries: list[str]
    failure_paths: list[dict[str, Any]]
    reserved_concurrency: float | None
    provisioned_concurrency: float | None
    batching: list[str]
    may_invoke: list[str]
    capacity: list[str]
    problems: list[str]
    #: One line per fault scenario with the worst simulated outcome (``constructs_lib.simulate``).
    simulated: list[str]


def function_report(
    model: TemplateModel, fn: Resource, duration_s: float = DEFAULT_DURATION_S, simulated: Sequence[str] = ()
) -> FunctionReport:
    trigs, kinds, out = analyse(model, fn)
    calls = sorted({t.function for t in model.triggers_from(fn.logical_id, "lambda")})
    failures = {f.text: f for f in out.failures}
    return FunctionReport(
        logical_id=fn.logical_id,
        label=label(model, fn),
        path=fn.path or None,
        invocation_models=kinds,
        triggers=[_source_text(model, t) for t in trigs],
        timeout_s=model.timeout_s(fn),
        timeout_chain=_unique(out.timeouts),
        retries=_unique(out.retries),
        failure_paths=[
            {"source": f.source, "destination": f.destination, "text": f.text, "lost": LOST in f.text}
            for f in failures.values()
        ],
        reserved_concurrency=reserved_concurrency(fn),
        provisioned_concurrency=provisioned_concurrency(model, fn),
        batching=_unique(out.batching),
        may_invoke=[label(model, model.resources[c]) for c in calls],
        capacity=_unique(capacity_lines(model, fn, out, duration_s)),
        problems=problems(out),
        simulated=list(simulated),
    )


def function_section(
    model: TemplateModel, fn: Resource, duration_s: float = DEFAULT_DURATION_S, simulated: Sequence[str] = ()
) -> list[str]:
    """The Markdown section of one function (a ``###`` heading and one bullet per aspect)."""
    return render_function(function_report(model, fn, duration_s, simulated))


def render_function(r: FunctionReport) -> list[str]:
    lines = [f"### {r.label}", ""]
    lines.append(
        "- **Invocation model:** "
        + (
            "; ".join(_MODEL_TEXT[k] for k in r.invocation_models)
            if r.invocation_models
            else "no trigger in this template (invoked from outside, or not at all)"
        )
    )
    lines.append("- **Triggers:**" + ("" if r.triggers else " none found"))
    lines.extend(f"  - {t}" for t in r.triggers)
    lines.append(f"- **Timeout chain:** function timeout {secs(r.timeout_s)}")
    lines.extend(f"  - {t}" for t in r.timeout_chain)
    lines.append("- **Retries:**" + ("" if r.retries else " none (nothing retries this function's invocations)"))
    lines.extend(f"  - {t}" for t in r.retries)
    lines.append("- **Failed events go to:**" + ("" if r.failure_paths else " nowhere in this template"))
    lines.extend(f"  - {f['text']}" for f in r.failure_paths)
    lines.append(
        "- **Concurrency and batching:** reserved concurrency "
        + (num(r.reserved_concurrency) if r.reserved_concurrency is not None else "none (shares the account's unreserved pool)")
        + (f", provisioned concurrency {num(r.provisioned_concurrency)}" if r.provisioned_concurrency is not None else "")
    )
    lines.extend(f"  - {b}" for b in r.batching)
    if r.may_invoke:
        lines.append("- **May invoke:** " + ", ".join(r.may_invoke))
    lines.append("- **Capacity estimate:**" + ("" if r.capacity else " no trigger to estimate from"))
    lines.extend(f"  - {c}" for c in r.capacity)
    if r.simulated:
        lines.append("- **Simulated (`constructs-lib simulate`, 200 events, seed 0):**")
        lines.extend(f"  - {s}" for s in r.simulated)
    lines.append("")
    return lines


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------------------
# The flowchart
# --------------------------------------------------------------------------------------
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def _node(prefix: str, lid: str) -> str:
    return f"{prefix}_{_UNSAFE.sub('_', lid)}"


def _short(model: TemplateModel, res: Resource) -> str:
    path = res.path
    if path:
        parts = [p for p in path.split("/")[1:] if p not in ("Resource", "Default")]
        if parts:
            return "/".join(parts[-2:])
    return res.logical_id


def _shape(model: TemplateModel, res: Resource, node: str) -> str:
    text = _short(model, res).replace('"', "'")
    kind = res.type.split("::")[1] if "::" in res.type else res.type
    if res.type in (QUEUE,):
        return f'{node}[("{text}<br/>{kind} queue")]'
    if res.type.startswith("AWS::Lambda::Function"):
        return f'{node}["{text}<br/>Lambda"]'
    return f'{node}(["{text}<br/>{res.type.split("::")[-1]} ({kind})"])'


def mermaid(models: Sequence[TemplateModel]) -> list[str]:
    """A ``flowchart LR`` of sources -> functions -> failure destinations (and LOST)."""
    lines = ["```mermaid", "flowchart LR"]
    lost_nodes = 0
    for index, model in enumerate(models):
        prefix = f"t{index}"
        stack = model.name.split("/")[-1].removesuffix(".template.json")
        lines.append(f'  subgraph {prefix}["{stack}"]')
        declared: set[str] = set()
        edges: list[str] = []

        def node_for(lid: str) -> str:
            node = _node(prefix, lid)
            if node not in declared:
                declared.add(node)
                lines.append("    " + _shape(model, model.resources[lid], node))
            return node

        for fn in sorted(model.functions(), key=lambda r: r.logical_id):
            fn_node = node_for(fn.logical_id)
            trigs, _, out = analyse(model, fn)
            for trig in trigs:
                src_id = trig.source or trig.via
                if trig.kind == "apigateway":
                    src_id = trig.via
                if src_id not in model.resources or src_id == fn.logical_id:
                    continue
                edges.append(f"    {node_for(src_id)} -->|{trig.kind}| {fn_node}")
            for path in out.failures:
                start = path.source if path.source in model.resources else fn.logical_id
                if model.resources[start].type in ("AWS::Lambda::EventSourceMapping",):
                    start = fn.logical_id
                start_node = node_for(start)
                if path.destination is not None and path.destination in model.resources:
                    edges.append(f"    {start_node} -.->|{path.edge}| {node_for(path.destination)}")
                elif LOST in path.text:
                    lost_nodes += 1
                    lost = f"{prefix}_lost{lost_nodes}"
                    lines.append(f'    {lost}{{{{"{LOST}"}}}}')
                    lines.append(f"    class {lost} lost")
                    edges.append(f"    {start_node} -.->|{path.edge}| {lost}")
        lines.extend(dict.fromkeys(edges))
        lines.append("  end")
    lines.append("  classDef lost fill:#fdd,stroke:#c00,color:#900")
    lines.append("```")
    return lines


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------
#: What the report says generated it when the caller does not say (the library's own API).
DEFAULT_COMMAND = "constructs_lib.explain.explain()"


def _stack_name(model: TemplateModel) -> str:
    return model.name.split("/")[-1].removesuffix(".template.json")




def simulation_note(models: Sequence[TemplateModel], max_simulated: int = MAX_SIMULATED_FUNCTIONS) -> str | None:
    """Why the report leaves the simulation out (more functions than ``max_simulated``), or
    None when it simulates every function."""
    count = sum(len(model.functions()) for model in models)
    if count <= max_simulated:
        return None
    return (f"The simulated worst outcomes are left out: {count:,} functions, more than the "
            f"{max_simulated} `explain` simulates (each adds a few hundredths of a second per scenario; "
            f"`--simulate-up-to {count}` simulates them all); "
            "`constructs-lib simulate PATH --scenario NAME` runs a scenario for all of them.")


def reports(
    models: Sequence[TemplateModel], duration_s: float, max_simulated: int = MAX_SIMULATED_FUNCTIONS
) -> list[tuple[TemplateModel, list[FunctionReport]]]:
    """Every template (sorted by name) with the reports of its functions (sorted by logical id),
    each with its worst simulated outcomes (when there are at most ``max_simulated`` functions)."""
    models = sorted(models, key=lambda m: m.name)
    simulated: Mapping[tuple[str, str], list[str]] = {}
    if simulation_note(models, max_simulated) is None:
        from constructs_lib.simulate.report import worst_outcomes

        simulated = worst_outcomes(models)
    return [
        (
            model,
            [
                function_report(model, fn, duration_s, simulated.get((model.name, fn.logical_id), ()))
                for fn in sorted(model.functions(), key=lambda r: r.logical_id)
            ],
        )
        for model in models
    ]


def explain(
    models: Sequence[TemplateModel], *, duration_s: float = DEFAULT_DURATION_S, command: str = DEFAULT_COMMAND,
    max_simulated: int = MAX_SIMULATED_FUNCTIONS,
) -> str:
    """The Markdown report for ``models`` (one per template), deterministic for a given input.

    ``command`` is what the report says generated it (the CLI passes its own command line);
    the fault scenarios are simulated when the app has at most ``max_simulated`` functions.
    """
    analysed = reports(models, duration_s, max_simulated)
    n_functions = sum(len(fns) for _, fns in analysed)
    found = [(model, r, problem) for model, fns in analysed for r in fns for problem in r.problems]
    lines = [
        "# Invocation model report",
        "",
        f"Generated by `{command}` from the synthesized templates. For every "
        "Lambda function: how it is invoked, its timeout chain, retries, where failed events go and "
        f"how long they are kept, concurrency and batching, and a capacity estimate at an average "
        f"duration of {secs(duration_s)} per invocation (`--duration`). `{LOST}` marks a failure path "
        "that ends nowhere.",
        "",
        *([note, ""] if (note := simulation_note(models, max_simulated)) else []),
        "## Problems",
        "",
    ]
    if found:
        lines.append(
            f"{len(found)} problem(s) in {n_functions} function(s) of {len(analysed)} template(s):"
        )
        lines.append("")
        lines.extend(f"- {_stack_name(model)} {r.label}: {problem}" for model, r, problem in found)
    else:
        lines.append(
            f"None in {n_functions} function(s) of {len(analysed)} template(s): no broken timeout chain, no "
            f"failure path that ends nowhere ({LOST}), no dead-letter queue that keeps messages for less time "
            "than its source, no batch without partial batch responses."
        )
    lines += [
        "",
        "## Flowchart",
        "",
        "Sources (left) invoke functions; dotted arrows are failure paths.",
        "",
        *mermaid([model for model, _ in analysed]),
        "",
    ]
    for model, fns in analysed:
        lines += [f"## {_stack_name(model)}", "", f"Template `{model.name}`: {len(fns)} function(s).", ""]
        for r in fns:
            lines += render_function(r)
    # Names and values come from the template: control and bidi characters are escaped
    # (a newline inside one line too: the report's lines are its own).
    return "\n".join(printable(line) for line in lines).rstrip() + "\n"


def explain_data(
    models: Sequence[TemplateModel], *, duration_s: float = DEFAULT_DURATION_S, command: str = DEFAULT_COMMAND,
    max_simulated: int = MAX_SIMULATED_FUNCTIONS,
) -> dict[str, Any]:
    """The same report as plain data (``--format json``): what ``explain`` writes as Markdown."""
    analysed = reports(models, duration_s, max_simulated)
    return {
        "generated_by": command,
        "duration_s": duration_s,
        "simulation_note": simulation_note(models, max_simulated),
        "problems": [
            {"template": model.name, "function": r.logical_id, "problem": problem}
            for model, fns in analysed
            for r in fns
            for problem in r.problems
        ],
        "templates": [
            {"name": model.name, "stack": _stack_name(model), "functions": [asdict(r) for r in fns]}
            for model, fns in analysed
        ],
    }
