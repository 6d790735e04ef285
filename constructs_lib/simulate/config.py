"""What the simulation needs to know about each function, read from a template.

Everything comes from the template model, :class:`~constructs_lib.template.model.TemplateModel`
(its public API: resources, references, triggers, event invoke configs) and the raw
properties of the resources the triggers point at, with AWS's defaults for what a
template leaves out - the same defaults the checks and ``explain`` apply. Pure: dicts in,
frozen dataclasses out.

Two kinds of value cannot be simulated, and each becomes a note instead of a guess:

- a value CloudFormation computes (a parameter, an import): the entry is skipped;
- a value AWS refuses (``Timeout: 0``, a batch size of 10,001, a visibility timeout below
  the function timeout): the deploy or the mapping would fail, so no event would ever flow.
  The note names the rule (:mod:`constructs_lib.value_rules`) and its source, and the entry
  is marked *refused* - ``constructs-lib simulate`` exits 1 for it.
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
    QUEUE,
    Resource,
    TemplateModel,
    Trigger,
    boolean,
    is_intrinsic,
    number,
    ref_id,
)
from constructs_lib.template import accepted
from constructs_lib.template.properties import is_fifo, redrive_policy
from constructs_lib.value_rules import async_invoke as async_rules
from constructs_lib.value_rules import sqs as sqs_rules

#: Lambda's default SQS batch size (10) and stream batch size (100). Source: limits.SRC_ESM_API.
DEFAULT_SQS_BATCH_SIZE = accepted.DEFAULT_SQS_BATCH_SIZE
DEFAULT_STREAM_BATCH_SIZE = accepted.DEFAULT_STREAM_BATCH_SIZE
SCHEDULE = "AWS::Scheduler::Schedule"
HTTP_STAGE = "AWS::ApiGatewayV2::Stage"
REST_STAGE = "AWS::ApiGateway::Stage"
ASYNC_KINDS = ("async", "s3", "sns", "eventbridge", "scheduler")
#: The most concurrent batches (shards x parallelization factor) one stream mapping is
#: simulated with. Lambda runs at most the account's concurrency at once anyway; above this
#: the partition keys are spread over this many lanes and a note says so - so a stream of
#: 100,000 shards x 10 cannot make a run hang or exhaust memory.
MAX_SIMULATED_LANES = 1000


#: A value the simulation needs is computed by CloudFormation.
Unsimulatable = accepted.NotKnown
#: A value AWS refuses: the resource or the mapping would never be created.
Refused = accepted.Refusal


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
    #: Provisioned mode (``ProvisionedPollerConfig``): the minimum and maximum event pollers;
    #: ``None`` in standard mode.
    pollers: tuple[int, int] | None = None


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
    #: What the on-failure destination is: "sqs", "sns" (they receive the batch's metadata
    #: only), "s3" (the records too), "other", or None without one.
    on_failure_kind: str | None = None

    @property
    def lanes(self) -> int:
        """Concurrent batches: shards x parallelization factor, at most MAX_SIMULATED_LANES."""
        return max(1, min(self.shards * max(self.parallelization, 1), MAX_SIMULATED_LANES))


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
    memory_mb: float = float(limits.LAMBDA_DEFAULT_MEMORY_MB)
    #: The notes that are refusals: a value AWS refuses, so that trigger (or the function)
    #: would never run. ``constructs-lib simulate`` exits 1 for them.
    refused: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        """How reports name the function: its path in the app (``Shop/Payments/Function``,
        from the ``aws:cdk:path`` metadata) when the template has it, else the template's
        name and the logical id."""
        if self.path:
            return self.path.removesuffix("/Resource")
        stem = self.template.replace("\\", "/").split("/")[-1].removesuffix(".template.json")
        return f"{stem}/{self.function}"


# --------------------------------------------------------------------------------------
# Small readers (the values themselves: constructs_lib.template.accepted, shared with the
# check aws-refused-value)
# --------------------------------------------------------------------------------------
def _target(model: TemplateModel, value: Any) -> str | None:
    """A destination: its logical id in this template, the literal ARN, or ``None``."""
    if value is None:
        return None
    res = model.ref(value)
    if res is not None:
        return res.logical_id
    return value if isinstance(value, str) else "outside this template"


def _target_kind(model: TemplateModel, value: Any) -> str | None:
    """``"sqs"``, ``"sns"``, ``"s3"`` or ``"other"``: what kind of resource a destination is."""
    if value is None:
        return None
    res = model.ref(value)
    if res is not None:
        return {QUEUE: "sqs", "AWS::SNS::Topic": "sns", "AWS::S3::Bucket": "s3"}.get(res.type, "other")
    if isinstance(value, str) and value.startswith("arn:"):
        service = value.split(":")[2] if value.count(":") >= 2 else ""
        return service if service in ("sqs", "sns", "s3") else "other"
    return "other"


def _filters(mapping: Resource) -> tuple[Mapping[str, Any], ...]:
    from constructs_lib.simulate.patterns import UnsupportedPattern, parse

    criteria = mapping.get("FilterCriteria")
    raw = criteria.get("Filters") if isinstance(criteria, Mapping) else None
    if raw is not None and not isinstance(raw, list):
        raise Refused("FilterCriteria.Filters is not a list; CloudFormation refuses it")
    try:
        return tuple(parse(f) for f in raw or [] if isinstance(f, Mapping) and f.get("Pattern") is not None)
    except (UnsupportedPattern, ValueError) as exc:
        raise Refused(f"a filter pattern is not valid JSON or not a pattern ({exc}); Lambda refuses it") from None


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
def sqs_mapping(model: TemplateModel, mapping: Resource, timeout_s: float = 0.0) -> SqsMapping:
    queue = model.source_of(mapping)
    vis, retention = (30.0, float(limits.SQS_DEFAULT_RETENTION_S)) if queue is None else accepted.queue_settings(queue)
    fifo = bool(queue is not None and is_fifo(queue))
    redrive = accepted.redrive_settings(model, queue) if queue is not None else None
    policy = redrive_policy(queue) if redrive is not None and queue is not None else None
    dlq_id = _target(model, policy.get("deadLetterTargetArn")) if policy is not None else None
    max_receive, dlq_retention = redrive if redrive is not None else (None, None)
    window, batch, max_conc = accepted.sqs_mapping_settings(mapping, fifo=fifo)
    pollers = accepted.poller_settings(mapping, max_conc)
    if timeout_s and vis is not None:
        violation = sqs_rules.check_visibility_timeout_accepted(vis, timeout_s, prop="VisibilityTimeout", timeout_prop="Timeout")
        if violation is not None:
            # Lambda refuses to create or update such a mapping (limits.SRC_LAMBDA_SQS): no
            # message is ever polled, so there is nothing to simulate.
            raise Refused(f"{violation} (rule sqs-visibility-below-function-timeout)")
    return SqsMapping(
        mapping=mapping.logical_id,
        queue=queue.logical_id if queue is not None else None,
        visibility_s=float(vis or 0.0),
        retention_s=float(retention or limits.SQS_DEFAULT_RETENTION_S),
        fifo=fifo,
        dead_letter_queue=dlq_id,
        max_receive_count=max_receive,
        dead_letter_retention_s=dlq_retention,
        batch_size=int(batch or DEFAULT_SQS_BATCH_SIZE),
        window_s=float(window),
        partial=_partial(mapping),
        filters=_filters(mapping),
        max_concurrency=int(max_conc) if max_conc is not None else None,
        pollers=pollers,
    )


def stream_mapping(model: TemplateModel, mapping: Resource, kind: str) -> StreamMapping:
    src = model.source_of(mapping)
    stream = model.stream_behind(src)
    shards, known = 1, False
    if kind == "kinesis":
        retention = float(limits.KINESIS_DEFAULT_RETENTION_S)
        if stream is not None and stream.type == KINESIS:
            retention, count = accepted.kinesis_stream_settings(stream)
            if count is not None:
                shards, known = count, True
    else:
        retention = float(limits.DYNAMODB_STREAM_RETENTION_S)
        if stream is not None and stream.type not in (DYNAMODB, DYNAMODB_GLOBAL):
            raise Unsimulatable(f"the source of {mapping.logical_id} is not a table")
    retries, age, factor, batch, window = accepted.stream_mapping_settings(mapping)
    destination = _destination(mapping.get("DestinationConfig"))
    return StreamMapping(
        mapping=mapping.logical_id,
        source=src.logical_id if src is not None else None,
        kind=kind,
        shards=max(shards, 1),
        shards_known=known,
        parallelization=factor,
        batch_size=batch,
        window_s=window,
        retries=retries,
        max_record_age_s=age,
        bisect=bool(boolean(mapping.get("BisectBatchOnFunctionError"))),
        partial=_partial(mapping),
        on_failure=_target(model, destination),
        retention_s=retention,
        filters=_filters(mapping),
        on_failure_kind=_target_kind(model, destination),
    )


def _retry_policy(target: Mapping[str, Any], attempts: int, age: float, what: str) -> tuple[int, float]:
    policy = target.get("RetryPolicy")
    if not isinstance(policy, Mapping):
        return attempts, age
    a = accepted.value(policy, "MaximumRetryAttempts", float(attempts), what,
             lambda v: async_rules.check_target_retry_attempts(v, prop="MaximumRetryAttempts"), integer=True)
    b = accepted.value(policy, "MaximumEventAgeInSeconds", age, what,
             lambda v: async_rules.check_target_max_event_age(v, prop="MaximumEventAgeInSeconds"), integer=True)
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
                    attempts, age = _retry_policy(target, limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS,
                                                  float(limits.EVENTBRIDGE_MAX_EVENT_AGE_S), f"rule {via.logical_id}")
                    found[via.logical_id] = Delivery(
                        "eventbridge", via.logical_id, attempts, age, _dead_letter_arn(model, target.get("DeadLetterConfig")),
                        _permitted(model, fn, "events.amazonaws.com", via.logical_id),
                    )
        elif via.type == "AWS::SNS::Subscription":
            policy = via.get("RedrivePolicy")
            dlq = _target(model, policy.get("deadLetterTargetArn")) if isinstance(policy, Mapping) else None
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
    for schedule in _schedules_of(model, fn):
        found.setdefault(schedule.logical_id, _schedule_delivery(model, schedule))
    return tuple(found[k] for k in sorted(found))


def _schedules_of(model: TemplateModel, fn: Resource) -> list[Resource]:
    return [s for s in model.of_type(SCHEDULE)
            if isinstance(s.get("Target"), Mapping) and model.function_of(s.get("Target", {}).get("Arn")) is fn]


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
    attempts, age = _retry_policy(target, limits.SCHEDULER_MAX_RETRY_ATTEMPTS, float(limits.SCHEDULER_MAX_EVENT_AGE_S),
                                  f"schedule {schedule.logical_id}")
    return Delivery("scheduler", schedule.logical_id, attempts, age, _dead_letter_arn(model, target.get("DeadLetterConfig")))


def async_config(model: TemplateModel, fn: Resource, triggers: list[Trigger]) -> AsyncConfig:
    configs = model.event_invoke_configs.get(fn.logical_id, [])
    cfg = configs[0] if configs else None
    retries = float(limits.DEFAULT_ASYNC_RETRY_ATTEMPTS)
    age = float(limits.ASYNC_MAX_EVENT_AGE_S)
    on_failure = on_success = None
    if cfg is not None:
        what = f"event invoke config {cfg.logical_id}"
        retries = accepted.value(cfg, "MaximumRetryAttempts", retries, what,
                       lambda v: async_rules.check_retry_attempts(v, prop="MaximumRetryAttempts"), integer=True) or 0.0
        age = accepted.value(cfg, "MaximumEventAgeInSeconds", age, what,
                   lambda v: async_rules.check_max_event_age(v, prop="MaximumEventAgeInSeconds"), integer=True) or age
        on_failure = _target(model, _destination(cfg.get("DestinationConfig")))
        on_success = _target(model, _destination(cfg.get("DestinationConfig"), "OnSuccess"))
    dlq_config = fn.get("DeadLetterConfig")
    dlq = _target(model, dlq_config.get("TargetArn")) if isinstance(dlq_config, Mapping) else None
    return AsyncConfig(int(retries), float(age), on_failure, on_success, dlq, deliveries(model, fn, triggers))


def _stage_limits(model: TemplateModel, via: Resource, api: str, api_id: str | None) -> tuple[float | None, float | None]:
    def valid(rate: Any, burst: Any) -> tuple[float | None, float | None]:
        r, b = number(rate), number(burst)
        if r is not None and r < 0 or b is not None and b < 0:
            raise Refused(f"the stage of {via.logical_id} has a negative throttling limit; API Gateway refuses it")
        return r, b

    if api == "rest":
        for stage in model.of_type(REST_STAGE):
            if ref_id(stage.get("RestApiId")) != api_id:
                continue
            for setting in stage.get("MethodSettings") or []:
                if isinstance(setting, Mapping) and number(setting.get("ThrottlingRateLimit")) is not None:
                    return valid(setting.get("ThrottlingRateLimit"), setting.get("ThrottlingBurstLimit"))
    else:
        for stage in model.of_type(HTTP_STAGE):
            if ref_id(stage.get("ApiId")) != api_id:
                continue
            settings = stage.get("DefaultRouteSettings")
            if isinstance(settings, Mapping) and number(settings.get("ThrottlingRateLimit")) is not None:
                return valid(settings.get("ThrottlingRateLimit"), settings.get("ThrottlingBurstLimit"))
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
            if is_intrinsic(raw):
                raise Unsimulatable(f"{via.logical_id} {location} is computed ({accepted.short(raw)})")
            raise Refused(f"{via.logical_id} {location} {accepted.short(raw)} is not a number; API Gateway refuses it")
        millis = value
    if millis < limits.APIGW_HTTP_MIN_INTEGRATION_TIMEOUT_MS:
        raise Refused(f"{via.logical_id} {location} {millis:g} ms is below API Gateway's minimum of 50 ms; it refuses it")
    # An integration names its API; an OpenAPI Body or quick create lives on the API itself.
    own = trig.detail.get("openapi") is not None or trig.detail.get("quick_create")
    api_id = via.logical_id if own else ref_id(via.get("RestApiId" if api == "rest" else "ApiId"))
    rate, burst = _stage_limits(model, via, api, api_id)
    # Above the 29 s default only with a quota increase (REST), never above 15 minutes.
    return SyncRoute(via.logical_id, api, min(millis, limits.LAMBDA_MAX_TIMEOUT_S * 1000) / 1000, rate, burst)


# --------------------------------------------------------------------------------------
# The whole template
# --------------------------------------------------------------------------------------
def function_configs(model: TemplateModel) -> Iterator[FunctionConfig]:
    """One :class:`FunctionConfig` per function that has a trigger in this template."""
    by_function: dict[str, list[Trigger]] = {}
    for trig in model.triggers:
        by_function.setdefault(trig.function, []).append(trig)
    schedules: dict[str, list[Resource]] = {}
    for schedule in model.of_type(SCHEDULE):
        target = schedule.get("Target")
        fn = model.function_of(target.get("Arn")) if isinstance(target, Mapping) else None
        if fn is not None:
            schedules.setdefault(fn.logical_id, []).append(schedule)
    for fn in sorted(model.functions(), key=lambda r: r.logical_id):
        triggers = by_function.get(fn.logical_id, [])
        if not triggers and fn.logical_id not in schedules:
            continue
        config = function_config(model, fn, triggers, has_schedule=fn.logical_id in schedules)
        if config.entries or config.notes:
            yield config


def function_config(
    model: TemplateModel, fn: Resource, triggers: list[Trigger] | None = None, *, has_schedule: bool | None = None,
) -> FunctionConfig:
    entries: list[Entry] = []
    notes: list[str] = []
    refused: list[str] = []
    base = FunctionConfig(model.name, fn.logical_id, fn.path, 0.0, None, (), branch=model.branch)
    try:
        timeout, reserved, memory = accepted.function_settings(fn, model.timeout_s(fn))
    except Unsimulatable as exc:
        note = f"{base.name}: not simulated: {exc}"
        return FunctionConfig(**{**base.__dict__, "notes": (note,),
                                 "refused": (note,) if isinstance(exc, Refused) else ()})
    if triggers is None:
        triggers = model.triggers_of(fn.logical_id)
    if has_schedule is None:
        has_schedule = bool(_schedules_of(model, fn))
    async_trigs: list[Trigger] = []
    routes: list[SyncRoute] = []
    urls: list[SyncRoute] = []
    callers: list[SyncRoute] = []
    has_invoke_config = fn.logical_id in model.event_invoke_configs
    for trig in triggers:
        try:
            if trig.kind in ("sqs", "kinesis", "dynamodb"):
                mapping = model.resources[trig.via]
                cfg: Any = (sqs_mapping(model, mapping, timeout) if trig.kind == "sqs"
                            else stream_mapping(model, mapping, trig.kind))
                if isinstance(cfg, StreamMapping) and cfg.shards * cfg.parallelization > MAX_SIMULATED_LANES:
                    notes.append(
                        f"{base.name}: trigger {trig.via}: {cfg.shards:,} shards x {cfg.parallelization} are "
                        f"simulated as {MAX_SIMULATED_LANES:,} concurrent batches (the simulation's cap); "
                        "records keep their order per partition key"
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
                if caller_timeout is not None and caller_timeout > 0 and all(c.via != trig.source for c in callers):
                    callers.append(SyncRoute(str(trig.source), "lambda", min(caller_timeout, limits.LAMBDA_MAX_TIMEOUT_S),
                                             None, None))
            else:
                notes.append(f"{base.name}: trigger {trig.via} ({trig.kind}) is not simulated: unknown invocation model")
        except Unsimulatable as exc:
            note = f"{base.name}: trigger {trig.via} ({trig.kind}) is not simulated: {exc}"
            notes.append(note)
            if isinstance(exc, Refused):
                refused.append(note)
    if async_trigs or has_schedule:
        try:
            entries.append(Entry("async", async_config(model, fn, async_trigs)))
        except Unsimulatable as exc:
            note = f"{base.name}: asynchronous invocation is not simulated: {exc}"
            notes.append(note)
            if isinstance(exc, Refused):
                refused.append(note)
    if routes:
        entries.append(Entry("apigateway", tuple(routes)))
    if urls:
        entries.append(Entry("url", tuple(urls)))
    if callers:
        entries.append(Entry("lambda", tuple(callers)))
    return FunctionConfig(model.name, fn.logical_id, fn.path, timeout, reserved, tuple(entries), tuple(notes), model.branch,
                          memory, tuple(refused))
