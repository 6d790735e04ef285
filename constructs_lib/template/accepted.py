"""What AWS accepts of the invocation-model values in a template: each value read with the
service's default when absent, and refused as the service refuses it.

One reading for two readers, so that they say the same thing in the same words: the check
``aws-refused-value`` (a finding where CloudFormation, Lambda, SQS or Kinesis would refuse
the resource, so the deploy fails) and ``simulate`` (that function or trigger is not
simulated, and the run exits 1). The ranges are the pure rules of
:mod:`constructs_lib.value_rules`, each citing its AWS source; this module only reads the
values and says where they are.

- :class:`NotKnown`: a value CloudFormation computes (a parameter, an import): nothing to
  check, nothing to simulate.
- :class:`Refusal`: a value AWS refuses; it names the resource and the property path
  (``Properties/RedrivePolicy/maxReceiveCount``) so that a finding can point at it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from constructs_lib import limits
from constructs_lib.template.model import Resource, TemplateModel, is_intrinsic, number
from constructs_lib.template.properties import redrive_policy
from constructs_lib.value_rules import Violation, check_range
from constructs_lib.value_rules import function as function_rules
from constructs_lib.value_rules import provisioned as provisioned_rules
from constructs_lib.value_rules import sqs as sqs_rules
from constructs_lib.value_rules import streams as stream_rules

#: A value rule over one number: a Violation, or ``None`` when AWS accepts it.
Check = Callable[[float], "Violation | None"]
#: Lambda's default SQS batch size (10). Source: limits.SRC_ESM_API.
DEFAULT_SQS_BATCH_SIZE = 10
DEFAULT_STREAM_BATCH_SIZE = limits.DEFAULT_STREAM_BATCH_SIZE


class NotKnown(ValueError):
    """A value the reader needs is computed by CloudFormation (or missing where it is needed)."""


class Refusal(NotKnown):
    """A value AWS refuses: the resource or the mapping would never be created.

    ``resource`` is the logical id that holds the value and ``location`` its path in the
    resource (both ``None`` when the refusal is about the resource as a whole)."""

    def __init__(self, message: str, *, resource: str | None = None, location: str | None = None,
                 plain: str | None = None, source: str = limits.SRC_CFN_TEMPLATE_ANATOMY,
                 malformed: bool = False) -> None:
        super().__init__(message)
        self.resource = resource
        self.location = location
        #: The message without its source link (a finding carries the link apart).
        self.plain = plain or message
        self.source = source
        #: Not a number, not whole, not an object: CloudFormation's own check, before any
        #: service's range.
        self.malformed = malformed


def short(raw: Any) -> str:
    """``raw`` as a short repr, for a message."""
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def value(
    res: Resource | Mapping[str, Any], key: str, default: float | None, what: str,
    check: Check | None = None, *, integer: bool = False, owner: Resource | None = None, at: str = "Properties",
) -> float | None:
    """A number property: AWS's default when absent; :class:`NotKnown` when computed;
    :class:`Refusal` when malformed or outside what AWS accepts (``check``). ``owner`` and
    ``at`` say where the value is when ``res`` is a nested mapping of a resource."""
    holder = owner if owner is not None else res if isinstance(res, Resource) else None
    where: dict[str, Any] = {"resource": holder.logical_id if holder is not None else None, "location": f"{at}/{key}"}
    raw = res.get(key)
    if raw is None:
        return default
    number_ = number(raw)
    if number_ is None:
        if is_intrinsic(raw):
            raise NotKnown(f"{what} {key} is computed ({short(raw)})")
        raise Refusal(f"{what} {key} {short(raw)} is not a number; CloudFormation refuses it", malformed=True, **where)
    if integer and not number_.is_integer():
        raise Refusal(f"{what} {key} {number_:g} is not a whole number; CloudFormation refuses it", malformed=True,
                      **where)
    if check is not None:
        violation = check(number_)
        if violation is not None:
            raise Refusal(f"{what}: {violation}", plain=f"{what}: {violation.message}", source=violation.source, **where)
    return number_


def ranged(prop: str, low: float, high: float, why: str, source: str, unit: str = "") -> Check:
    """A :data:`Check` that ``prop`` is within ``low``-``high``."""
    return lambda v: check_range(prop, v, low, high, why=why, source=source, unit=unit)


# --------------------------------------------------------------------------------------
# A function
# --------------------------------------------------------------------------------------
def function_settings(fn: Resource, timeout: float | None) -> tuple[float, int | None, float]:
    """Timeout, reserved concurrency and memory, each refused as Lambda refuses it
    (``timeout``: :meth:`TemplateModel.timeout_s`, ``None`` when computed). Reserved
    concurrency 0 is accepted (every invocation throttled); a negative one is refused."""
    if timeout is None:
        raw = fn.get("Timeout")
        if raw is not None and not is_intrinsic(raw):
            raise Refusal(f"function Timeout {short(raw)} is not a number; CloudFormation refuses it",
                          resource=fn.logical_id, location="Properties/Timeout", malformed=True)
        raise NotKnown("its Timeout is computed")
    violation = function_rules.check_timeout(timeout, prop="Timeout")
    if violation is None and not float(timeout).is_integer():
        violation = Violation("Timeout", f"Timeout {timeout:g} is not a whole number of seconds", limits.SRC_LAMBDA_QUOTAS)
    if violation is not None:
        raise Refusal(f"Lambda refuses the function: {violation}", resource=fn.logical_id, location="Properties/Timeout",
                      plain=f"Lambda refuses the function: {violation.message}", source=violation.source)
    reserved = value(fn, "ReservedConcurrentExecutions", None, "function",
                     lambda v: function_rules.check_reserved_concurrency(v, prop="ReservedConcurrentExecutions")
                     if v < 0 else None, integer=True)
    memory = value(fn, "MemorySize", float(limits.LAMBDA_DEFAULT_MEMORY_MB), "function",
                   lambda v: function_rules.check_memory_size(v, prop="MemorySize"), integer=True)
    _environment_and_layers(fn)
    return float(timeout), int(reserved) if reserved is not None else None, float(memory or limits.LAMBDA_DEFAULT_MEMORY_MB)


def _environment_and_layers(fn: Resource) -> None:
    """Environment variables Lambda refuses (a key its runtime reserves, more than 4 KB
    together, counted when every key and value is a literal string) and more than 5 layers."""
    variables = fn.get("Environment")
    variables = variables.get("Variables") if isinstance(variables, Mapping) else None
    if isinstance(variables, Mapping):
        at = "Properties/Environment/Variables"
        for key in variables:
            violation = function_rules.check_environment_key(key if isinstance(key, str) else None,
                                                             prop="Environment.Variables")
            if violation is not None:
                raise Refusal(f"function: {violation}", resource=fn.logical_id, location=f"{at}/{key}",
                              plain=f"function: {violation.message}", source=violation.source)
        literal = {k: v for k, v in variables.items() if isinstance(k, str) and isinstance(v, str)}
        if len(literal) == len(variables):
            violation = function_rules.check_environment_size(dict(literal), prop="Environment.Variables")
            if violation is not None:
                raise Refusal(f"function: {violation}", resource=fn.logical_id, location=at,
                              plain=f"function: {violation.message}", source=violation.source)
    layers = fn.get("Layers")
    if isinstance(layers, list):
        violation = function_rules.check_layers(len(layers), prop="Layers")
        if violation is not None:
            raise Refusal(f"function: {violation}", resource=fn.logical_id, location="Properties/Layers",
                          plain=f"function: {violation.message}", source=violation.source)


# --------------------------------------------------------------------------------------
# SQS
# --------------------------------------------------------------------------------------
def queue_settings(queue: Resource) -> tuple[float, float]:
    """A source queue's visibility timeout and retention period, in seconds."""
    what = f"queue {queue.logical_id}"
    vis = value(queue, "VisibilityTimeout", 30.0, what, ranged(
        "VisibilityTimeout", 0, limits.SQS_MAX_VISIBILITY_TIMEOUT_S, "SQS accepts 0 s to 12 hours",
        limits.SRC_SQS_VISIBILITY, "s"), integer=True)
    retention = value(queue, "MessageRetentionPeriod", float(limits.SQS_DEFAULT_RETENTION_S), what,
                      lambda v: sqs_rules.check_retention(v, prop="MessageRetentionPeriod"), integer=True)
    return float(vis if vis is not None else 30.0), float(retention or limits.SQS_DEFAULT_RETENTION_S)


def redrive_settings(model: TemplateModel, queue: Resource) -> tuple[int, float | None] | None:
    """The queue's redrive policy: (maxReceiveCount, the dead-letter queue's retention when
    it is a queue of this template), or ``None`` without a dead-letter target."""
    what = f"queue {queue.logical_id}"
    policy = redrive_policy(queue)
    if policy is None or policy.get("deadLetterTargetArn") is None:
        return None
    at = "Properties/RedrivePolicy"
    count = value(policy, "maxReceiveCount", None, f"{what} RedrivePolicy",
                  lambda v: sqs_rules.check_max_receive_count(v, prop="maxReceiveCount"), integer=True,
                  owner=queue, at=at)
    if count is None:
        raise Refusal(f"{what} RedrivePolicy has no maxReceiveCount; SQS refuses it", resource=queue.logical_id,
                      location=at, source=limits.SRC_SQS_DLQ)
    dlq = model.ref(policy.get("deadLetterTargetArn"))
    retention = None
    if dlq is not None and dlq.type == "AWS::SQS::Queue":
        retention = value(dlq, "MessageRetentionPeriod", float(limits.SQS_DEFAULT_RETENTION_S), f"queue {dlq.logical_id}",
                          lambda v: sqs_rules.check_retention(v, prop="MessageRetentionPeriod"), integer=True)
    return int(count), retention


def sqs_mapping_settings(mapping: Resource, *, fifo: bool) -> tuple[float, int, int | None]:
    """An SQS mapping's batching window (s), batch size and maximum concurrency."""
    window = value(mapping, "MaximumBatchingWindowInSeconds", 0.0, "mapping",
                   lambda v: sqs_rules.check_batching_window(v, fifo=fifo, prop="MaximumBatchingWindowInSeconds"),
                   integer=True) or 0.0
    batch = value(mapping, "BatchSize", DEFAULT_SQS_BATCH_SIZE, "mapping",
                  lambda v: sqs_rules.check_batch_size(v, max_batching_window_s=window, fifo=fifo, prop="BatchSize",
                                                       window_prop="MaximumBatchingWindowInSeconds"), integer=True)
    scaling = mapping.get("ScalingConfig")
    max_conc = value(scaling, "MaximumConcurrency", None, "mapping ScalingConfig",
                     lambda v: sqs_rules.check_max_concurrency(v, prop="MaximumConcurrency"), integer=True,
                     owner=mapping, at="Properties/ScalingConfig") if isinstance(scaling, Mapping) else None
    return float(window), int(batch or DEFAULT_SQS_BATCH_SIZE), int(max_conc) if max_conc is not None else None


def poller_settings(mapping: Resource, max_concurrency: float | None) -> tuple[int, int] | None:
    """ProvisionedPollerConfig: (minimum, maximum) pollers with Lambda's defaults, validated
    as Lambda validates them (limits.SRC_ESM_PROVISIONED_POLLER); ``None`` without it."""
    config = mapping.get("ProvisionedPollerConfig")
    if config is None:
        return None
    at = "Properties/ProvisionedPollerConfig"
    if not isinstance(config, Mapping):
        raise Refusal("mapping ProvisionedPollerConfig is not an object; CloudFormation refuses it",
                      resource=mapping.logical_id, location=at, malformed=True)
    what = "mapping ProvisionedPollerConfig"
    low = value(config, "MinimumPollers", None, what,
                lambda v: provisioned_rules.check_minimum_pollers(v, prop="MinimumPollers"), integer=True,
                owner=mapping, at=at)
    high = value(config, "MaximumPollers", None, what,
                 lambda v: provisioned_rules.check_maximum_pollers(v, prop="MaximumPollers"), integer=True,
                 owner=mapping, at=at)
    low, high = provisioned_rules.effective_pollers(low, high)
    violation = provisioned_rules.check_minimum_within_maximum(
        low, high, prop="ProvisionedPollerConfig.MinimumPollers", maximum_prop="ProvisionedPollerConfig.MaximumPollers")
    if violation is None and max_concurrency is not None:
        violation = Violation("ScalingConfig", "maximum concurrency and provisioned mode cannot be used together; "
                              "Lambda refuses the mapping", limits.SRC_LAMBDA_SQS_SCALING)
    if violation is not None:
        raise Refusal(f"{what}: {violation}", resource=mapping.logical_id, location=at,
                      plain=f"{what}: {violation.message}", source=violation.source)
    return int(low), int(high)


# --------------------------------------------------------------------------------------
# Kinesis and DynamoDB streams
# --------------------------------------------------------------------------------------
def kinesis_stream_settings(stream: Resource) -> tuple[float, int | None]:
    """A Kinesis stream's retention (s) and shard count (``None`` when not set: on-demand)."""
    what = f"stream {stream.logical_id}"
    hours = value(stream, "RetentionPeriodHours", 24.0, what,
                  ranged("RetentionPeriodHours", limits.KINESIS_MIN_RETENTION_HOURS, limits.KINESIS_MAX_RETENTION_HOURS,
                         "Kinesis keeps records 24 hours to 365 days", limits.SRC_KINESIS_RETENTION), integer=True)
    count = value(stream, "ShardCount", None, what,
                  lambda v: None if v >= 1 else Violation("ShardCount", f"ShardCount {v:g} is below 1; Kinesis refuses it",
                                                          limits.SRC_KINESIS_RETENTION), integer=True)
    return float(hours or 24.0) * 3600, int(count) if count is not None else None


def stream_mapping_settings(mapping: Resource) -> tuple[int, float | None, int, int, float]:
    """A stream mapping's retry attempts (-1: until the record expires), record age (s;
    ``None``: until it expires), parallelization factor, batch size and batching window (s)."""
    retries = value(mapping, "MaximumRetryAttempts", float(limits.STREAM_INFINITE), "mapping",
                    lambda v: stream_rules.check_retry_attempts(v, prop="MaximumRetryAttempts"), integer=True)
    age = value(mapping, "MaximumRecordAgeInSeconds", float(limits.STREAM_INFINITE), "mapping",
                lambda v: stream_rules.check_max_record_age(v, prop="MaximumRecordAgeInSeconds"), integer=True)
    factor = value(mapping, "ParallelizationFactor", 1.0, "mapping",
                   lambda v: stream_rules.check_parallelization_factor(v, prop="ParallelizationFactor"), integer=True)
    batch = value(mapping, "BatchSize", DEFAULT_STREAM_BATCH_SIZE, "mapping",
                  lambda v: stream_rules.check_batch_size(v, prop="BatchSize"), integer=True)
    window = value(mapping, "MaximumBatchingWindowInSeconds", 0.0, "mapping",
                   ranged("MaximumBatchingWindowInSeconds", 0, limits.MAX_BATCHING_WINDOW_S,
                          "Lambda rejects a batching window above 5 minutes", limits.SRC_ESM_API, "s"), integer=True)
    return (int(retries if retries is not None else -1),
            None if age is None or age == limits.STREAM_INFINITE else float(age),
            int(factor or 1), int(batch or DEFAULT_STREAM_BATCH_SIZE), float(window or 0.0))


__all__ = [
    "DEFAULT_SQS_BATCH_SIZE", "DEFAULT_STREAM_BATCH_SIZE", "NotKnown", "Refusal", "function_settings", "short",
    "kinesis_stream_settings", "poller_settings", "queue_settings", "ranged", "redrive_settings",
    "sqs_mapping_settings", "stream_mapping_settings", "value",
]
