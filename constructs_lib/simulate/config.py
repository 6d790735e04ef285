"""What the simulation needs to know about each function, read from a template.

Everything comes from the template model, :class:`~constructs_lib.template.model.TemplateModel`
(its public API: resources, references, triggers, event invoke configs) and the raw
properties of the resources the triggers point at, with AWS's defaults for what a
template leaves out - the same defaults the checks and ``explain`` apply. Pure: dicts in,
frozen dataclasses out. A value CloudFormation computes (a parameter, an import) cannot
be simulated: the entry is skipped with a note saying which value, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from constructs_lib import limits
from constructs_lib.template.model import (
    DYNAMODB,
    DYNAMODB_GLOBAL,
    KINESIS,
    KINESIS_CONSUMER,
    QUEUE,
    Resource,
    TemplateModel,
    Trigger,
    boolean,
    number,
    ref_id,
)
from constructs_lib.template.properties import is_fifo, redrive_policy

#: Lambda's default SQS batch size (10) and stream batch size (100). Source: limits.SRC_ESM_API.
DEFAULT_SQS_BATCH_SIZE = 10
DEFAULT_STREAM_BATCH_SIZE = limits.DEFAULT_STREAM_BATCH_SIZE
SCHEDULE = "AWS::Scheduler::Schedule"
HTTP_STAGE = "AWS::ApiGatewayV2::Stage"
REST_STAGE = "AWS::ApiGateway::Stage"
ASYNC_KINDS = ("async", "s3", "sns", "eventbridge", "scheduler")


class Unsimulatable(ValueError):
    """A value the simulation needs is computed by CloudFormation (or malformed)."""


@dataclass(frozen=True)
class SqsMapping:
    """An SQS event source mapping and its queue."""

    mapping: str
    queue: str | None
    visibility_s: float
    retention_s: float
    fifo: bool
    dead_letter_queue: str | None  # logical id, or an ARN outside the template
    max_receive_count: int | None  # None: no redrive policy
    dead_letter_retention_s: float | None
    batch_size: int
    window_s: float
    partial: bool
    filters: tuple[Mapping[str, Any], ...]
    max_concurrency: int | None


@dataclass(frozen=True)
class StreamMapping:
    """A Kinesis or DynamoDB Streams event source mapping and its stream."""

    mapping: str
    source: str | None
    kind: str  # "kinesis" | "dynamodb"
    shards: int
    shards_known: bool
    parallelization: int
    batch_size: int
    window_s: float
    retries: int  # -1: until the record expires
    max_record_age_s: float | None  # None: infinite (-1)
    bisect: bool
    partial: bool
    on_failure: str | None
    retention_s: float
    filters: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class Delivery:
    """How an event reaches Lambda's asynchronous queue: a service that delivers it with
    its own retries and dead-letter queue (EventBridge, Scheduler, SNS), or a direct
    ``Invoke`` (S3, another function, a service permission)."""

    kind: str  # "eventbridge" | "scheduler" | "sns" | "direct"
    via: str
    retry_attempts: int
    max_age_s: float | None
    dead_letter_queue: str | None
    permitted: bool = True  # the function's resource-based policy lets the service invoke it


@dataclass(frozen=True)
class AsyncConfig:
    """The function's asynchronous invocation settings and the ways events reach it."""

    retries: int
    max_event_age_s: float
    on_failure: str | None
    on_success: str | None
    dead_letter_queue: str | None
    deliveries: tuple[Delivery, ...]


@dataclass(frozen=True)
class SyncRoute:
    """A synchronous caller: an API Gateway integration (with its stage throttling) or
    another function that invokes this one and waits (its own timeout is the caller's)."""

    via: str
    api: str  # "rest" | "http" | "websocket" | "url" | "lambda"
    timeout_s: float
    rate_limit: float | None
    burst_limit: float | None


@dataclass(frozen=True)
class Entry:
    """One invocation model of one function: what ``simulate`` runs and reports on."""

    model: str  # "sqs" | "kinesis" | "dynamodb" | "async" | "apigateway" | "url" | "lambda"
    config: SqsMapping | StreamMapping | AsyncConfig | tuple[SyncRoute, ...]


@dataclass(frozen=True)
class FunctionConfig:
    template: str
    function: str
    path: str | None
    timeout_s: float
    reserved: int | None
    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Which outcome of undecidable conditions the template was read under (``None``: all decided).
    branch: str | None = None


# --------------------------------------------------------------------------------------
# Small readers
# --------------------------------------------------------------------------------------
def _num(res: Resource | Mapping[str, Any], key: str, default: float | None, what: str) -> float | None:
    raw = res.get(key)
    if raw is None:
        return default
    value = number(raw)
    if value is None:
        raise Unsimulatable(f"{what} {key} is computed ({raw!r})")
    return value


def _target(model: TemplateModel, value: Any) -> str | None:
    """A destination: its logical id in this template, the literal ARN, or ``None``."""
    if value is None:
        return None
    res = model.ref(value)
    if res is not None:
        return res.logical_id
    return value if isinstance(value, str) else "outside this template"


def _filters(mapping: Resource) -> tuple[Mapping[str, Any], ...]:
    from constructs_lib.simulate.patterns import parse

    criteria = mapping.get("FilterCriteria")
    raw = criteria.get("Filters") if isinstance(criteria, Mapping) else None
    return tuple(parse(f) for f in raw or [] if isinstance(f, Mapping) and f.get("Pattern") is not None)


def _partial(mapping: Resource) -> bool:
    types = mapping.get("FunctionResponseTypes")
    return isinstance(types, list) and "ReportBatchItemFailures" in types


def _destination(config: Any, key: str = "OnFailure") -> Any:
    if not isinstance(config, Mapping):
        return None
    inner = config.get(key)
    return inner.get("Destination") if isinstance(inner, Mapping) else None


# --------------------------------------------------------------------------------------
# Per invocation model
# --------------------------------------------------------------------------------------
def sqs_mapping(model: TemplateModel, mapping: Resource) -> SqsMapping:
    queue = model.source_of(mapping)
    what = f"queue {queue.logical_id}" if queue is not None else "queue"
    vis = 30.0 if queue is None else _num(queue, "VisibilityTimeout", 30.0, what)
    retention = float(limits.SQS_DEFAULT_RETENTION_S) if queue is None else _num(
        queue, "MessageRetentionPeriod", float(limits.SQS_DEFAULT_RETENTION_S), what
    )
    policy = redrive_policy(queue) if queue is not None else None
    dlq_id = max_receive = dlq_retention = None
    if policy is not None and policy.get("deadLetterTargetArn") is not None:
        dlq_id = _target(model, policy.get("deadLetterTargetArn"))
        count = number(policy.get("maxReceiveCount"))
        if count is None:
            raise Unsimulatable(f"{what} maxReceiveCount is computed")
        max_receive = int(count)
        dlq = model.ref(policy.get("deadLetterTargetArn"))
        if dlq is not None and dlq.type == QUEUE:
            dlq_retention = _num(dlq, "MessageRetentionPeriod", float(limits.SQS_DEFAULT_RETENTION_S), f"queue {dlq.logical_id}")
    scaling = mapping.get("ScalingConfig")
    max_conc = _num(scaling, "MaximumConcurrency", None, "mapping") if isinstance(scaling, Mapping) else None
    fifo = bool(queue is not None and is_fifo(queue))
    return SqsMapping(
        mapping=mapping.logical_id,
        queue=queue.logical_id if queue is not None else None,
        visibility_s=float(vis or 0.0),
        retention_s=float(retention or limits.SQS_DEFAULT_RETENTION_S),
        fifo=fifo,
        dead_letter_queue=dlq_id,
        max_receive_count=max_receive,
        dead_letter_retention_s=dlq_retention,
        batch_size=int(_num(mapping, "BatchSize", DEFAULT_SQS_BATCH_SIZE, "mapping") or DEFAULT_SQS_BATCH_SIZE),
        window_s=float(_num(mapping, "MaximumBatchingWindowInSeconds", 0.0, "mapping") or 0.0),
        partial=_partial(mapping),
        filters=_filters(mapping),
        max_concurrency=int(max_conc) if max_conc is not None else None,
    )


def stream_mapping(model: TemplateModel, mapping: Resource, kind: str) -> StreamMapping:
    src = model.source_of(mapping)
    stream = src
    if src is not None and src.type == KINESIS_CONSUMER:
        stream = model.ref(src.get("StreamARN"))
    shards, known = 1, False
    if kind == "kinesis":
        retention = float(limits.KINESIS_DEFAULT_RETENTION_S)
        if stream is not None and stream.type == KINESIS:
            hours = _num(stream, "RetentionPeriodHours", 24.0, f"stream {stream.logical_id}")
            retention = float(hours or 24.0) * 3600
            count = _num(stream, "ShardCount", None, f"stream {stream.logical_id}")
            if count is not None:
                shards, known = int(count), True
    else:
        retention = float(limits.DYNAMODB_STREAM_RETENTION_S)
        if stream is not None and stream.type not in (DYNAMODB, DYNAMODB_GLOBAL):
            raise Unsimulatable(f"the source of {mapping.logical_id} is not a table")
    retries = _num(mapping, "MaximumRetryAttempts", float(limits.STREAM_INFINITE), "mapping")
    age = _num(mapping, "MaximumRecordAgeInSeconds", float(limits.STREAM_INFINITE), "mapping")
    destination = _destination(mapping.get("DestinationConfig"))
    return StreamMapping(
        mapping=mapping.logical_id,
        source=src.logical_id if src is not None else None,
        kind=kind,
        shards=max(shards, 1),
        shards_known=known,
        parallelization=int(_num(mapping, "ParallelizationFactor", 1.0, "mapping") or 1),
        batch_size=int(_num(mapping, "BatchSize", DEFAULT_STREAM_BATCH_SIZE, "mapping") or DEFAULT_STREAM_BATCH_SIZE),
        window_s=float(_num(mapping, "MaximumBatchingWindowInSeconds", 0.0, "mapping") or 0.0),
        retries=int(retries if retries is not None else -1),
        max_record_age_s=None if age is None or age == limits.STREAM_INFINITE else float(age),
        bisect=bool(boolean(mapping.get("BisectBatchOnFunctionError"))),
        partial=_partial(mapping),
        on_failure=_target(model, destination),
        retention_s=retention,
        filters=_filters(mapping),
    )


def _retry_policy(target: Mapping[str, Any], attempts: int, age: float) -> tuple[int, float]:
    policy = target.get("RetryPolicy")
    if not isinstance(policy, Mapping):
        return attempts, age
    a = _num(policy, "MaximumRetryAttempts", float(attempts), "retry policy")
    b = _num(policy, "MaximumEventAgeInSeconds", age, "retry policy")
    return int(a if a is not None else attempts), float(b if b is not None else age)


def _dead_letter_arn(model: TemplateModel, config: Any) -> str | None:
    arn = config.get("Arn") if isinstance(config, Mapping) else None
    return _target(model, arn)


def deliveries(model: TemplateModel, fn: Resource, triggers: list[Trigger]) -> tuple[Delivery, ...]:
    """The ways events reach the function's asynchronous queue (one per rule target,
    schedule, subscription or direct caller), with the delivering service's retry policy."""
    found: dict[str, Delivery] = {}
    for trig in triggers:
        via = model.resources.get(trig.via)
        if via is None:
            continue
        if via.type == "AWS::Events::Rule":
            for target in via.get("Targets") or []:
                if isinstance(target, Mapping) and model.function_of(target.get("Arn")) is fn:
                    # EventBridge: 185 retries within 24 h by default. Source: limits.SRC_EVENTBRIDGE_RETRY_POLICY.
                    attempts, age = _retry_policy(target, limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS, float(limits.EVENTBRIDGE_MAX_EVENT_AGE_S))
                    found[via.logical_id] = Delivery(
                        "eventbridge", via.logical_id, attempts, age, _dead_letter_arn(model, target.get("DeadLetterConfig")),
                        _permitted(model, fn, "events.amazonaws.com", via.logical_id),
                    )
        elif via.type == "AWS::SNS::Subscription":
            redrive_policy = via.get("RedrivePolicy")
            dlq = _target(model, redrive_policy.get("deadLetterTargetArn")) if isinstance(redrive_policy, Mapping) else None
            attempts = (
                limits.SNS_LAMBDA_IMMEDIATE_RETRIES + limits.SNS_LAMBDA_PRE_BACKOFF_RETRIES
                + limits.SNS_LAMBDA_BACKOFF_RETRIES + limits.SNS_LAMBDA_POST_BACKOFF_RETRIES
            )
            topic = model.ref(via.get("TopicArn"))
            permitted = _permitted(model, fn, "sns.amazonaws.com", topic.logical_id if topic is not None else None)
            found[via.logical_id] = Delivery("sns", via.logical_id, attempts, None, dlq, permitted)
        elif via.type == SCHEDULE:
            found[via.logical_id] = _schedule_delivery(model, via)
        elif trig.kind in ("eventbridge", "sns") and via.type == "AWS::Lambda::Permission":
            continue  # the rule / subscription edge carries the delivery settings
        elif via.type != "AWS::Lambda::EventInvokeConfig":
            found.setdefault(via.logical_id, Delivery("direct", via.logical_id, 0, None, None))
    for schedule in model.of_type(SCHEDULE):
        target = schedule.get("Target")
        if isinstance(target, Mapping) and model.function_of(target.get("Arn")) is fn:
            found.setdefault(schedule.logical_id, _schedule_delivery(model, schedule))
    return tuple(found[k] for k in sorted(found))


def _permitted(model: TemplateModel, fn: Resource, principal: str, source: str | None) -> bool:
    """Does a permission let ``principal`` invoke ``fn`` (from ``source``, or any source)?"""
    for perm in model.of_type("AWS::Lambda::Permission"):
        if perm.get("Principal") != principal or model.function_of(perm.get("FunctionName")) is not fn:
            continue
        arns = perm.get("SourceArn")
        if arns is None or source is None or source in model.refs_in(arns) or not model.refs_in(arns):
            return True
    return False


def _schedule_delivery(model: TemplateModel, schedule: Resource) -> Delivery:
    target = schedule.get("Target")
    target = target if isinstance(target, Mapping) else {}
    # Scheduler: 185 retries within 24 h by default. Source: limits.SRC_SCHEDULER_RETRY.
    attempts, age = _retry_policy(target, limits.SCHEDULER_MAX_RETRY_ATTEMPTS, float(limits.SCHEDULER_MAX_EVENT_AGE_S))
    return Delivery("scheduler", schedule.logical_id, attempts, age, _dead_letter_arn(model, target.get("DeadLetterConfig")))


def async_config(model: TemplateModel, fn: Resource, triggers: list[Trigger]) -> AsyncConfig:
    configs = model.event_invoke_configs.get(fn.logical_id, [])
    cfg = configs[0] if configs else None
    retries = float(limits.DEFAULT_ASYNC_RETRY_ATTEMPTS)
    age = float(limits.ASYNC_MAX_EVENT_AGE_S)
    on_failure = on_success = None
    if cfg is not None:
        retries = _num(cfg, "MaximumRetryAttempts", retries, "event invoke config") or 0.0
        age = _num(cfg, "MaximumEventAgeInSeconds", age, "event invoke config") or age
        on_failure = _target(model, _destination(cfg.get("DestinationConfig")))
        on_success = _target(model, _destination(cfg.get("DestinationConfig"), "OnSuccess"))
    dlq_config = fn.get("DeadLetterConfig")
    dlq = _target(model, dlq_config.get("TargetArn")) if isinstance(dlq_config, Mapping) else None
    return AsyncConfig(int(retries), float(age), on_failure, on_success, dlq, deliveries(model, fn, triggers))


def _stage_limits(model: TemplateModel, via: Resource, api: str, api_id: str | None) -> tuple[float | None, float | None]:
    if api == "rest":
        for stage in model.of_type(REST_STAGE):
            if ref_id(stage.get("RestApiId")) != api_id:
                continue
            for setting in stage.get("MethodSettings") or []:
                if isinstance(setting, Mapping) and number(setting.get("ThrottlingRateLimit")) is not None:
                    return number(setting.get("ThrottlingRateLimit")), number(setting.get("ThrottlingBurstLimit"))
    else:
        for stage in model.of_type(HTTP_STAGE):
            if ref_id(stage.get("ApiId")) != api_id:
                continue
            settings = stage.get("DefaultRouteSettings")
            if isinstance(settings, Mapping) and number(settings.get("ThrottlingRateLimit")) is not None:
                return number(settings.get("ThrottlingRateLimit")), number(settings.get("ThrottlingBurstLimit"))
    return None, None


def api_route(model: TemplateModel, trig: Trigger) -> SyncRoute:
    """The API Gateway route of ``trig``: its integration timeout read exactly as the
    ``apigw-integration-timeout`` rule reads it (REST, HTTP and WebSocket defaults, OpenAPI
    ``timeoutInMillis``, quick create), and its stage's throttling."""
    from constructs_lib.template.properties import DEFAULT_INTEGRATION_TIMEOUT_MS, integration_timeout

    via = model.resources[trig.via]
    api = str(trig.detail.get("api", "rest"))
    raw, location = integration_timeout(model, trig)
    if raw is None:
        millis: float = DEFAULT_INTEGRATION_TIMEOUT_MS.get(api, DEFAULT_INTEGRATION_TIMEOUT_MS["rest"])
    else:
        value = number(raw)
        if value is None:
            raise Unsimulatable(f"{via.logical_id} {location} is computed ({raw!r})")
        millis = value
    # An integration names its API; an OpenAPI Body or quick create lives on the API itself.
    own = trig.detail.get("openapi") is not None or trig.detail.get("quick_create")
    api_id = via.logical_id if own else ref_id(via.get("RestApiId" if api == "rest" else "ApiId"))
    rate, burst = _stage_limits(model, via, api, api_id)
    return SyncRoute(via.logical_id, api, millis / 1000, rate, burst)


# --------------------------------------------------------------------------------------
# The whole template
# --------------------------------------------------------------------------------------
def function_configs(model: TemplateModel) -> Iterator[FunctionConfig]:
    """One :class:`FunctionConfig` per function that has a trigger in this template."""
    for fn in sorted(model.functions(), key=lambda r: r.logical_id):
        config = function_config(model, fn)
        if config.entries or config.notes:
            yield config


def function_config(model: TemplateModel, fn: Resource) -> FunctionConfig:
    entries: list[Entry] = []
    notes: list[str] = []
    timeout = model.timeout_s(fn)
    reserved_raw = fn.get("ReservedConcurrentExecutions")
    reserved = number(reserved_raw) if reserved_raw is not None else None
    base = FunctionConfig(model.name, fn.logical_id, fn.path, timeout or 0.0, None, (), branch=model.branch)
    if timeout is None or (reserved_raw is not None and reserved is None):
        return FunctionConfig(**{**base.__dict__, "notes": (f"{fn.logical_id}: not simulated: its timeout or reserved concurrency is computed",)})
    triggers = model.triggers_of(fn.logical_id)
    async_trigs: list[Trigger] = []
    routes: list[SyncRoute] = []
    urls: list[SyncRoute] = []
    callers: list[SyncRoute] = []
    has_invoke_config = fn.logical_id in model.event_invoke_configs
    for trig in triggers:
        try:
            if trig.kind in ("sqs", "kinesis", "dynamodb"):
                mapping = model.resources[trig.via]
                cfg: Any = sqs_mapping(model, mapping) if trig.kind == "sqs" else stream_mapping(model, mapping, trig.kind)
                if trig.kind == "sqs" and cfg.visibility_s < timeout:
                    # Lambda refuses to create or update such a mapping (limits.SRC_LAMBDA_SQS):
                    # no message is ever polled, so there is nothing to simulate.
                    raise Unsimulatable(
                        f"Lambda refuses this mapping: the queue's visibility timeout ({cfg.visibility_s:g} s) is below "
                        f"the function timeout ({timeout:g} s); rule sqs-visibility-below-function-timeout"
                    )
                entries.append(Entry(trig.kind, cfg))
            elif trig.kind in ASYNC_KINDS or (trig.kind == "lambda" and has_invoke_config):
                async_trigs.append(trig)
            elif trig.kind == "apigateway":
                routes.append(api_route(model, trig))
            elif trig.invoker == "function-url":
                # A function URL waits for the function up to its own timeout (at most 15
                # minutes): no integration timeout cuts the request short, and no stage
                # throttles it - reserved concurrency is the only cap. Source: limits.SRC_LAMBDA_URLS.
                if all(u.via != trig.via for u in urls):
                    urls.append(SyncRoute(trig.via, "url", float(limits.LAMBDA_MAX_TIMEOUT_S), None, None))
            elif trig.kind == "lambda":
                caller = model.resources.get(trig.source) if trig.source else None
                caller_timeout = model.timeout_s(caller) if caller is not None else None
                if caller_timeout is not None and all(c.via != trig.source for c in callers):
                    callers.append(SyncRoute(str(trig.source), "lambda", caller_timeout, None, None))
            else:
                notes.append(f"{fn.logical_id}: trigger {trig.via} ({trig.kind}) is not simulated: unknown invocation model")
        except Unsimulatable as exc:
            notes.append(f"{fn.logical_id}: trigger {trig.via} ({trig.kind}) is not simulated: {exc}")
    has_schedule = any(
        isinstance(s.get("Target"), Mapping) and model.function_of(s.get("Target", {}).get("Arn")) is fn
        for s in model.of_type(SCHEDULE)
    )
    if async_trigs or has_schedule:
        try:
            entries.append(Entry("async", async_config(model, fn, async_trigs)))
        except Unsimulatable as exc:
            notes.append(f"{fn.logical_id}: asynchronous invocation is not simulated: {exc}")
    if routes:
        entries.append(Entry("apigateway", tuple(routes)))
    if urls:
        entries.append(Entry("url", tuple(urls)))
    if callers:
        entries.append(Entry("lambda", tuple(callers)))
    return FunctionConfig(model.name, fn.logical_id, fn.path, timeout, int(reserved) if reserved is not None else None,
                          tuple(entries), tuple(notes), model.branch)
