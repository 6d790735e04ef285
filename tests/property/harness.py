"""The property-based harness: values described as plain data, made in each example's own
stack, and the one property every construct must have.

A drawn value is a *descriptor* (a tuple), not a CDK object, so hypothesis can shrink it
and print it: ``("s", 30)`` is ``Duration.seconds(30)``, ``("token_duration", "minutes")``
is ``Duration.minutes(<CfnParameter>)``, ``("resource", "fifo_queue")`` a FIFO queue made
in the example's stack, ``("plain", x)`` the value ``x`` itself. :func:`make` turns a
descriptor into the value inside one stack.

The property (:func:`check_case`): building a construct with any drawn props either
raises ``ConstructPropsError`` naming a prop the user passed, or synthesizes a template
that our own checks pass with no error, whose integer properties are integers inside
AWS's ranges, and (on a bounded sample) that cfn-lint passes with no error.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from constructs_lib import limits
from constructs_lib.checks import TemplateModel, run_checks
from constructs_lib.errors import ConstructPropsError

INLINE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
HANDLER = "index.handler"
ACCOUNT_ARN = "arn:aws:{service}:eu-west-1:123456789012:{name}"
IMPORTED_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# --------------------------------------------------------------------------------------
# Descriptors -> values
# --------------------------------------------------------------------------------------
_UNITS: dict[str, Callable[[float], Duration]] = {
    "ms": Duration.millis,
    "s": Duration.seconds,
    "min": Duration.minutes,
    "h": Duration.hours,
    "d": Duration.days,
}
_TOKEN_UNITS: dict[str, Callable[[float], Duration]] = {
    "millis": Duration.millis,
    "seconds": Duration.seconds,
    "minutes": Duration.minutes,
    "hours": Duration.hours,
}


class Maker:
    """Makes descriptors into values inside one stack (resources get unique ids); resources
    of the "imported" axis made in another stack go into ``other`` (a second stack of the
    same app, made on first use)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.n = 0
        self._other: Stack | None = None

    @property
    def other(self) -> Stack:
        if self._other is None:
            app = self.stack.node.scope
            assert isinstance(app, App)
            self._other = Stack(app, "Other")
        return self._other

    def id(self, base: str) -> str:
        self.n += 1
        return f"{base}{self.n}"

    @staticmethod
    def at(maker: Maker, stack: Stack) -> Maker:
        """A maker for ``stack`` that shares ``maker``'s ids (no two resources share one)."""
        other = Maker(stack)
        maker.n += 1000
        other.n = maker.n
        return other

    def param(self) -> float:
        return CfnParameter(self.stack, self.id("P"), type="Number").value_as_number

    def make(self, value: Any) -> Any:
        if not isinstance(value, tuple) or not value:
            return value
        kind, *args = value
        if kind == "plain":
            return args[0]
        if kind in _UNITS:
            return _UNITS[kind](args[0])
        if kind == "token_number":
            return self.param()
        if kind == "token_duration":
            return _TOKEN_UNITS[args[0]](self.param())
        if kind == "resource":
            return RESOURCES[args[0]](self, *args[1:])
        if kind == "list":
            return [self.make(v) for v in args[0]]
        if kind == "dict":
            return {k: self.make(v) for k, v in args[0]}
        raise AssertionError(f"unknown descriptor {value!r}")


def _queue(m: Maker, **props: Any) -> sqs.Queue:
    return sqs.Queue(m.stack, m.id("Queue"), **props)


def _queue_with_dlq(m: Maker, *, fifo: bool = False, visibility: int = 900, receives: int = 5, **dlq: Any) -> sqs.Queue:
    dead = _queue(m, fifo=fifo or None, retention_period=Duration.days(14), **dlq)
    return _queue(
        m, fifo=fifo or None, visibility_timeout=Duration.seconds(visibility),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead, max_receive_count=receives),
    )


def _table(m: Maker, stream: bool = True) -> dynamodb.Table:
    return dynamodb.Table(
        m.stack, m.id("Table"),
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if stream else None,
    )


def _topic(m: Maker, fifo: bool = False) -> sns.Topic:
    return sns.Topic(m.stack, m.id("Topic"), fifo=fifo or None, enforce_ssl=True)


def _function(m: Maker, *, dead_letter_queue: bool = False) -> lambda_.Function:
    return lambda_.Function(
        m.stack, m.id("Other"), code=INLINE, handler=HANDLER, runtime=lambda_.Runtime.PYTHON_3_14,
        dead_letter_queue=_queue(m, retention_period=Duration.days(14)) if dead_letter_queue else None,
    )


#: Resources a descriptor ``("resource", name, *args)`` can name.
RESOURCES: dict[str, Callable[..., Any]] = {
    # queues
    "queue": lambda m: _queue(m),
    "unencrypted_queue": lambda m: _queue(m, encryption=sqs.QueueEncryption.UNENCRYPTED),
    "kms_managed_queue": lambda m: _queue(m, encryption=sqs.QueueEncryption.KMS_MANAGED),
    "fifo_queue": lambda m: _queue(m, fifo=True),
    "short_queue": lambda m: _queue(m, retention_period=Duration.hours(1)),
    "key_queue": lambda m: _queue(m, encryption_master_key=kms.Key(m.stack, m.id("Key"), enable_key_rotation=True),
                                  retention_period=Duration.days(14)),
    "imported_queue": lambda m: sqs.Queue.from_queue_arn(m.stack, m.id("Imp"), ACCOUNT_ARN.format(service="sqs", name="q")),
    "imported_fifo_queue": lambda m: sqs.Queue.from_queue_arn(
        m.stack, m.id("Imp"), ACCOUNT_ARN.format(service="sqs", name="q.fifo")
    ),
    "queue_with_dlq": lambda m, **kw: _queue_with_dlq(m, **kw),
    "fifo_queue_with_dlq": lambda m: _queue_with_dlq(m, fifo=True),
    "queue_short_visibility": lambda m: _queue_with_dlq(m, visibility=30),
    "queue_unencrypted_dlq": lambda m: _queue_with_dlq(m, encryption=sqs.QueueEncryption.UNENCRYPTED),
    "queue_low_receives": lambda m: _queue_with_dlq(m, receives=2),
    "queue_without_dlq": lambda m: _queue(m, visibility_timeout=Duration.seconds(900)),
    # streams and tables
    "stream": lambda m, shards=1: kinesis.Stream(m.stack, m.id("Stream"), shard_count=shards),
    "on_demand_stream": lambda m: kinesis.Stream(m.stack, m.id("Stream"), stream_mode=kinesis.StreamMode.ON_DEMAND),
    "long_stream": lambda m: kinesis.Stream(m.stack, m.id("Stream"), shard_count=1, retention_period=Duration.days(30)),
    "imported_stream": lambda m: kinesis.Stream.from_stream_arn(
        m.stack, m.id("Imp"), ACCOUNT_ARN.format(service="kinesis", name="stream/s")
    ),
    "table": lambda m: _table(m),
    "table_without_stream": lambda m: _table(m, stream=False),
    # topics, buckets, keys, functions, rules
    "topic": lambda m: _topic(m),
    "fifo_topic": lambda m: _topic(m, fifo=True),
    "imported_topic": lambda m: sns.Topic.from_topic_arn(m.stack, m.id("Imp"), ACCOUNT_ARN.format(service="sns", name="t")),
    "bucket": lambda m: s3.Bucket(m.stack, m.id("Bucket"), enforce_ssl=True),
    "kms_bucket": lambda m: s3.Bucket(m.stack, m.id("Bucket"), encryption_key=kms.Key(m.stack, m.id("Key")), enforce_ssl=True),
    "key": lambda m: kms.Key(m.stack, m.id("Key"), enable_key_rotation=True),
    "function": lambda m: _function(m),
    "role": lambda m: iam.Role(m.stack, m.id("Role"), assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")),
    "rule": lambda m: events.Rule(
        m.stack, m.id("Rule"), event_pattern=events.EventPattern(source=["shop.orders"])
    ),
    "layer": lambda m: lambda_.LayerVersion.from_layer_version_arn(
        m.stack, m.id("Layer"), "arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"
    ),
    # event source on-failure destinations (StreamProcessor)
    "sqs_dlq": lambda m, kind="queue": event_sources.SqsDlq(RESOURCES[kind](m)),
    "sns_dlq": lambda m, kind="topic": event_sources.SnsDlq(RESOURCES[kind](m)),
    "s3_destination": lambda m, kind="bucket": event_sources.S3OnFailureDestination(RESOURCES[kind](m)),
    # asynchronous destinations (AsyncWorker)
    "sqs_destination": lambda m, kind="queue": destinations.SqsDestination(RESOURCES[kind](m)),
    "sns_destination": lambda m, kind="topic": destinations.SnsDestination(RESOURCES[kind](m)),
    "event_bus_destination": lambda m: destinations.EventBridgeDestination(),
    # Lambda invokes a destination function asynchronously: it needs a failure path of its own
    # (the checks' async-failure-destination rule), which the user's function here has.
    "lambda_destination": lambda m: destinations.LambdaDestination(_function(m, dead_letter_queue=True)),
    # --- the "imported" axis: the same resources imported (by ARN, attributes or name) or
    # --- made in another stack of the app (cross-stack references)
    "imported_key": lambda m: kms.Key.from_key_arn(m.stack, m.id("Imp"), IMPORTED_KEY_ARN),
    "other_stack_key": lambda m: kms.Key(m.other, m.id("Key"), enable_key_rotation=True),
    "imported_key_queue": lambda m: sqs.Queue.from_queue_attributes(
        m.stack, m.id("Imp"), queue_arn=ACCOUNT_ARN.format(service="sqs", name="q"), key_arn=IMPORTED_KEY_ARN
    ),
    "other_stack_queue": lambda m: sqs.Queue(m.other, m.id("Queue"), retention_period=Duration.days(14)),
    "other_stack_queue_with_dlq": lambda m: _queue_with_dlq(Maker.at(m, m.other)),
    "imported_key_stream": lambda m: kinesis.Stream.from_stream_attributes(
        m.stack, m.id("Imp"), stream_arn=ACCOUNT_ARN.format(service="kinesis", name="stream/s"),
        encryption_key=kms.Key.from_key_arn(m.stack, m.id("Imp"), IMPORTED_KEY_ARN),
    ),
    "other_stack_stream": lambda m: kinesis.Stream(m.other, m.id("Stream"), shard_count=1),
    "imported_table": lambda m: dynamodb.Table.from_table_attributes(
        m.stack, m.id("Imp"), table_name="orders", table_stream_arn=ACCOUNT_ARN.format(service="dynamodb", name="table/orders/stream/x")
    ),
    "imported_table_by_arn": lambda m: dynamodb.Table.from_table_attributes(
        m.stack, m.id("Imp"), table_arn=ACCOUNT_ARN.format(service="dynamodb", name="table/orders"),
        table_stream_arn=ACCOUNT_ARN.format(service="dynamodb", name="table/orders/stream/x"),
    ),
    "imported_table_without_stream": lambda m: dynamodb.Table.from_table_name(m.stack, m.id("Imp"), "orders"),
    "other_stack_table": lambda m: _table(Maker.at(m, m.other)),
    "imported_bucket": lambda m: s3.Bucket.from_bucket_name(m.stack, m.id("Imp"), "fuzz-failures"),
    "other_stack_bucket": lambda m: s3.Bucket(m.other, m.id("Bucket"), enforce_ssl=True),
    "other_stack_topic": lambda m: sns.Topic(m.other, m.id("Topic"), enforce_ssl=True),
    "imported_bus_destination": lambda m: destinations.EventBridgeDestination(
        events.EventBus.from_event_bus_arn(m.stack, m.id("Imp"), ACCOUNT_ARN.format(service="events", name="event-bus/b"))
    ),
    "other_stack_bus_destination": lambda m: destinations.EventBridgeDestination(events.EventBus(m.other, m.id("Bus"))),
    # An environment-agnostic stack cannot compare the imported function's account with its
    # own: aws-cdk-lib refuses the grant, and the error names the prop.
    "imported_function_destination": lambda m: destinations.LambdaDestination(
        lambda_.Function.from_function_arn(m.stack, m.id("Imp"), ACCOUNT_ARN.format(service="lambda", name="function:f"))
    ),
    "other_stack_function_destination": lambda m: destinations.LambdaDestination(_function(Maker.at(m, m.other), dead_letter_queue=True)),
    "other_stack_plain_function_destination": lambda m: destinations.LambdaDestination(_function(Maker.at(m, m.other))),
    "other_stack_function": lambda m: _function(Maker.at(m, m.other)),
    "imported_role": lambda m: iam.Role.from_role_arn(m.stack, m.id("Imp"), "arn:aws:iam::123456789012:role/caller"),
    "other_stack_rule": lambda m: events.Rule(m.other, m.id("Rule"), event_pattern=events.EventPattern(source=["shop.orders"])),
    "other_stack_bus_rule": lambda m: events.Rule(
        m.stack, m.id("Rule"), event_bus=events.EventBus(m.other, m.id("Bus")), event_pattern=events.EventPattern(source=["shop.orders"])
    ),
    "imported_bucket_notifications": lambda m: s3.Bucket.from_bucket_name(m.stack, m.id("Imp"), "fuzz-uploads"),
    "other_stack_layer": lambda m: lambda_.LayerVersion(
        m.other, m.id("Layer"), compatible_runtimes=[lambda_.Runtime.PYTHON_3_14],
        code=lambda_.Code.from_bucket(s3.Bucket.from_bucket_name(m.other, m.id("Imp"), "fuzz-layers"), "deps.zip"),
    ),
    # SQS provisioned mode (QueueConsumer): ("resource", "pollers", minimum, maximum[, group])
    "pollers": lambda m, minimum=None, maximum=None, group=None: lambda_.ProvisionedPollerConfig(
        minimum_pollers=minimum, maximum_pollers=maximum, poller_group_name=group
    ),
}


# --------------------------------------------------------------------------------------
# Strategies shared by the tables
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prop:
    """The strategies of one prop: ``valid`` values (inside every range, right types,
    tokens) and ``wrong`` ones (beyond the ranges, fractions, wrong units and types).
    An example draws either from ``valid`` only or from both, so both the synthesized
    path and the refusals are exercised."""

    valid: st.SearchStrategy[Any]
    wrong: st.SearchStrategy[Any]

    def any(self) -> st.SearchStrategy[Any]:
        return st.one_of(self.valid, self.wrong)


def plain(*values: Any) -> st.SearchStrategy[tuple[str, Any]]:
    return st.sampled_from([("plain", v) for v in values])


def resource(*names: str) -> st.SearchStrategy[tuple[str, ...]]:
    return st.sampled_from([("resource", n) for n in names])


def choice(valid: st.SearchStrategy[Any], wrong: st.SearchStrategy[Any]) -> Prop:
    return Prop(valid, wrong)


#: Wrong types for a number prop, including the look-alikes (True, "10").
WRONG_FOR_NUMBER = plain(True, False, "10", [10], {"value": 10})
#: Wrong types for a Duration prop: plain numbers where a Duration belongs, strings.
WRONG_FOR_DURATION = plain(30, 1.5, "30", "PT30S", True, [30])


def integers(low: int, high: int, *, below: int = 3, above: int = 3) -> Prop:
    """Valid: ``low..high`` (edges included), integral floats, tokens. Wrong: a bit past
    each edge, fractions, wrong types."""
    return Prop(
        valid=st.one_of(
            st.sampled_from([("plain", low), ("plain", high)]),
            st.integers(low, high).map(lambda v: ("plain", v)),
            st.integers(low, min(high, low + 50)).map(lambda v: ("plain", float(v))),
            st.just(("token_number",)),
        ),
        wrong=st.one_of(
            st.sampled_from([("plain", low - 1), ("plain", high + 1)]),
            st.integers(low - below, low - 1).map(lambda v: ("plain", v)),
            st.integers(high + 1, high + above).map(lambda v: ("plain", v)),
            st.floats(low, high, allow_nan=False).filter(lambda v: not v.is_integer()).map(lambda v: ("plain", v)),
            WRONG_FOR_NUMBER,
        ),
    )


def numbers(low: float, high: float) -> Prop:
    return Prop(
        valid=st.one_of(
            st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda v: ("plain", v)),
            st.integers(int(low), int(high)).map(lambda v: ("plain", v)),
            st.just(("token_number",)),
        ),
        wrong=st.one_of(
            st.floats(low - 10, low, exclude_max=True, allow_nan=False).map(lambda v: ("plain", v)),
            st.floats(high, high + 10, exclude_min=True, allow_nan=False).map(lambda v: ("plain", v)),
            plain(float("nan"), float("inf")),
            WRONG_FOR_NUMBER,
        ),
    )


def durations(max_s: float, *, min_s: float = 0, token_units: tuple[str, ...] = ("seconds",), whole: bool = True) -> Prop:
    """Valid: whole seconds inside ``min_s..max_s`` in every unit that expresses them
    exactly, and tokens in ``token_units``. Wrong: beyond the range, fractions of the unit
    AWS counts (when ``whole``), tokens in other units, plain values where a Duration belongs."""
    lo, hi = int(min_s), int(max_s)

    def whole_in(unit: str, factor: int) -> st.SearchStrategy[tuple[str, Any]]:
        first, last = -(-lo // factor), hi // factor
        if last < first:
            return st.nothing()
        return st.integers(first, last).map(lambda v: (unit, v))

    valid = st.one_of(
        st.sampled_from([("s", lo), ("s", hi)]),
        st.integers(lo, hi).map(lambda v: ("s", v)),
        whole_in("min", 60),
        whole_in("h", 3600),
        whole_in("d", 86400),
        st.integers(lo, min(hi, lo + 100)).map(lambda v: ("ms", v * 1000)),
        st.sampled_from([("token_duration", u) for u in token_units]),
    )
    fractions = (
        st.integers(max(lo, 1) * 1000, hi * 1000).filter(lambda v: v % 1000).map(lambda v: ("ms", v))
        if whole
        else st.nothing()
    )
    wrong = st.one_of(
        st.integers(hi + 1, int(hi * 1.5) + 2).map(lambda v: ("s", v)),
        st.integers(0, lo - 1).map(lambda v: ("s", v)) if lo > 0 else st.nothing(),
        st.integers(hi // 60 + 1, hi // 60 + 30).map(lambda v: ("min", v)),
        fractions,
        st.sampled_from([("token_duration", u) for u in ("millis", "seconds", "minutes", "hours") if u not in token_units]),
        WRONG_FOR_DURATION,
    )
    return Prop(valid=valid, wrong=wrong)


def filters(n: int, field: str = "body") -> list[dict[str, str]]:
    """``n`` distinct event filter patterns, as ``lambda_.FilterCriteria.filter(...)`` makes them."""
    return [{"pattern": f'{{"{field}": {{"kind": ["order{i}"]}}}}'} for i in range(n)]


BOOLEANS = Prop(valid=plain(True, False), wrong=plain(None, 1, 0, "true"))
OPTIONAL_BOOLEANS = Prop(valid=plain(True, False, None), wrong=plain(1, 0, "true"))


def optional(prop: Prop) -> Prop:
    return Prop(valid=st.one_of(st.just(("plain", None)), prop.valid), wrong=prop.wrong)


#: The function props every construct shares: one entry per prop.
FUNCTION_TABLE: dict[str, Prop] = {
    "timeout": durations(limits.LAMBDA_MAX_TIMEOUT_S, min_s=limits.LAMBDA_MIN_TIMEOUT_S),
    "memory_size": integers(limits.LAMBDA_MIN_MEMORY_MB, limits.LAMBDA_MAX_MEMORY_MB, below=130, above=10),
    "reserved_concurrent_executions": integers(1, 900, above=700),
    "environment": choice(plain({"STAGE": "prod"}, {}), plain({"COUNT": 3}, ["STAGE"], {1: "x"}, "STAGE=prod")),
    "runtime": choice(plain(lambda_.Runtime.PYTHON_3_12, None), plain("python3.12")),
    "architecture": choice(plain(lambda_.Architecture.X86_64, None), plain("arm64")),
    "log_retention": choice(st.sampled_from([("plain", r) for r in list(logs.RetentionDays)[:5]]), plain(30, "ONE_WEEK")),
    "layers": choice(
        st.one_of(plain([]), st.just(("list", [("resource", "layer")])), st.just(("list", [("resource", "other_stack_layer")]))),
        plain("layer", [None]),
    ),
    "description": choice(plain("worker", ""), plain(5)),
    "function_props": choice(
        plain({}, {"max_event_age": Duration.minutes(5)}),
        plain(
            {"timeout": Duration.seconds(3)}, {"tracing": lambda_.Tracing.PASS_THROUGH}, {"unknown_prop": 1},
            {"vpc": "vpc-123"}, "props", {"log_retention": None}, {"recursive_loop": lambda_.RecursiveLoop.ALLOW},
        ),
    ),
    # ALLOW without a reason and a reason without ALLOW are refusals naming a prop that was set.
    "recursive_loop": choice(
        plain(None, lambda_.RecursiveLoop.TERMINATE, lambda_.RecursiveLoop.ALLOW), plain("Allow", "TERMINATE", 1, True)
    ),
    "recursive_loop_reason": choice(plain(None, "re-queues at most 3 times (attempt counter)"), plain("", "  ", 5)),
}


# --------------------------------------------------------------------------------------
# The property
# --------------------------------------------------------------------------------------
@dataclass
class Stats:
    """What the runs did, for the session summary (``make fuzz`` prints it)."""

    cases: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    synthesized: Counter[str] = field(default_factory=Counter)
    linted: Counter[str] = field(default_factory=Counter)
    refused_props: Counter[str] = field(default_factory=Counter)


STATS = Stats()

_FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
#: The property tests' settings on top of the suite's profile (tests/conftest.py): ``ci``
#: runs a few examples per construct (each synthesizes an app) and skips shrinking;
#: ``fuzz`` (``make fuzz``) many more, shrunk to the smallest failing props.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("CONSTRUCTS_LIB_FUZZ_EXAMPLES", "400") if _FUZZ
                     else os.environ.get("CONSTRUCTS_LIB_CI_EXAMPLES", "25")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    **({} if _FUZZ else {"phases": [Phase.explicit, Phase.generate]}),
)

#: About how many synthesized templates per construct cfn-lint reads (slow: ~1-2 s each).
LINT_BUDGET = int(os.environ.get("CONSTRUCTS_LIB_FUZZ_LINT", "2"))


def draw_lint(data: st.DataObject) -> bool:
    """Whether this example's template goes through cfn-lint: drawn (so a failing example
    replays the same way), with odds that make about LINT_BUDGET per run."""
    # About half the examples are refused before a template exists: twice the odds.
    chance = min(1.0, 2 * max(1, LINT_BUDGET) / max(1, PROPERTY_SETTINGS.max_examples))
    # A drawn seed for a plain Random: uniform (hypothesis biases the numbers it draws
    # towards their bounds), and the same again when a failing example replays.
    seed = data.draw(st.integers(0, 2**32 - 1), label="cfn-lint seed")
    return random.Random(seed).random() < chance

#: Findings of our own checks that are known and fixed elsewhere. Each entry names the
#: issue that fixes it; remove it once that fix is merged.
KNOWN_FINDINGS: dict[str, str] = {}


@dataclass(frozen=True)
class IntegerProperty:
    """A template property AWS takes as an integer, and the range it accepts."""

    resource_type: str
    path: tuple[str | int, ...]
    low: float
    high: float
    also: tuple[float, ...] = ()


#: Source for every range: limits.py (each constant cites its AWS page).
INTEGER_PROPERTIES = (
    IntegerProperty("AWS::Lambda::Function", ("Timeout",), limits.LAMBDA_MIN_TIMEOUT_S, limits.LAMBDA_MAX_TIMEOUT_S),
    IntegerProperty("AWS::Lambda::Function", ("MemorySize",), limits.LAMBDA_MIN_MEMORY_MB, limits.LAMBDA_MAX_MEMORY_MB),
    IntegerProperty("AWS::Lambda::Function", ("ReservedConcurrentExecutions",), 0, float("inf")),
    IntegerProperty("AWS::Lambda::EventSourceMapping", ("BatchSize",), 1, limits.SQS_MAX_BATCH_SIZE),
    IntegerProperty("AWS::Lambda::EventSourceMapping", ("MaximumBatchingWindowInSeconds",), 0, limits.MAX_BATCHING_WINDOW_S),
    IntegerProperty("AWS::Lambda::EventSourceMapping", ("MaximumRetryAttempts",), -1, limits.STREAM_MAX_RETRY_ATTEMPTS),
    IntegerProperty(
        "AWS::Lambda::EventSourceMapping", ("MaximumRecordAgeInSeconds",),
        limits.STREAM_MIN_RECORD_AGE_S, limits.STREAM_MAX_RECORD_AGE_S, also=(-1,),
    ),
    IntegerProperty("AWS::Lambda::EventSourceMapping", ("ParallelizationFactor",), 1, limits.STREAM_MAX_PARALLELIZATION_FACTOR),
    IntegerProperty("AWS::Lambda::EventSourceMapping", ("TumblingWindowInSeconds",), 0, limits.STREAM_MAX_TUMBLING_WINDOW_S),
    IntegerProperty(
        "AWS::Lambda::EventSourceMapping", ("ScalingConfig", "MaximumConcurrency"),
        limits.SQS_MIN_MAX_CONCURRENCY, limits.SQS_MAX_MAX_CONCURRENCY,
    ),
    IntegerProperty("AWS::SQS::Queue", ("VisibilityTimeout",), 0, limits.SQS_MAX_VISIBILITY_TIMEOUT_S),
    IntegerProperty("AWS::SQS::Queue", ("MessageRetentionPeriod",), limits.SQS_MIN_RETENTION_S, limits.SQS_MAX_RETENTION_S),
    IntegerProperty(
        "AWS::SQS::Queue", ("RedrivePolicy", "maxReceiveCount"), limits.SQS_MIN_MAX_RECEIVE_COUNT, limits.SQS_MAX_MAX_RECEIVE_COUNT
    ),
    IntegerProperty("AWS::Lambda::EventInvokeConfig", ("MaximumRetryAttempts",), 0, limits.ASYNC_MAX_RETRY_ATTEMPTS),
    IntegerProperty(
        "AWS::Lambda::EventInvokeConfig", ("MaximumEventAgeInSeconds",), limits.ASYNC_MIN_EVENT_AGE_S, limits.ASYNC_MAX_EVENT_AGE_S
    ),
    IntegerProperty(
        "AWS::Events::Rule", ("Targets", "*", "RetryPolicy", "MaximumRetryAttempts"), 0, limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS
    ),
    IntegerProperty(
        "AWS::Events::Rule", ("Targets", "*", "RetryPolicy", "MaximumEventAgeInSeconds"),
        limits.EVENTBRIDGE_MIN_EVENT_AGE_S, limits.EVENTBRIDGE_MAX_EVENT_AGE_S,
    ),
    IntegerProperty(
        "AWS::Lambda::EventSourceMapping", ("ProvisionedPollerConfig", "MinimumPollers"),
        limits.SQS_MIN_MINIMUM_POLLERS, limits.SQS_MAX_MINIMUM_POLLERS,
    ),
    IntegerProperty(
        "AWS::Lambda::EventSourceMapping", ("ProvisionedPollerConfig", "MaximumPollers"),
        limits.SQS_MIN_MAXIMUM_POLLERS, limits.SQS_MAX_MAXIMUM_POLLERS,
    ),
    IntegerProperty(
        "AWS::Scheduler::Schedule", ("Target", "RetryPolicy", "MaximumRetryAttempts"),
        limits.SCHEDULER_MIN_RETRY_ATTEMPTS, limits.SCHEDULER_MAX_RETRY_ATTEMPTS,
    ),
    IntegerProperty(
        "AWS::Scheduler::Schedule", ("Target", "RetryPolicy", "MaximumEventAgeInSeconds"),
        limits.SCHEDULER_MIN_EVENT_AGE_S, limits.SCHEDULER_MAX_EVENT_AGE_S,
    ),
    IntegerProperty("AWS::ApiGateway::Stage", ("MethodSettings", "*", "ThrottlingBurstLimit"), 0, float("inf")),
    IntegerProperty("AWS::ApiGatewayV2::Stage", ("DefaultRouteSettings", "ThrottlingBurstLimit"), 0, float("inf")),
    IntegerProperty(
        "AWS::ApiGateway::Method", ("Integration", "TimeoutInMillis"), limits.APIGW_REST_MIN_INTEGRATION_TIMEOUT_MS, float("inf")
    ),
    IntegerProperty(
        "AWS::ApiGatewayV2::Integration", ("TimeoutInMillis",),
        limits.APIGW_HTTP_MIN_INTEGRATION_TIMEOUT_MS, limits.APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S * 1000,
    ),
    IntegerProperty("AWS::Lambda::Alias", ("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions"), 1, float("inf")),
    IntegerProperty("AWS::Logs::LogGroup", ("RetentionInDays",), 1, float("inf")),
    IntegerProperty("AWS::CloudWatch::Alarm", ("EvaluationPeriods",), 1, float("inf")),
    IntegerProperty("AWS::CloudWatch::Alarm", ("DatapointsToAlarm",), 1, float("inf")),
)


def _values_at(node: Any, path: tuple[str | int, ...]) -> list[Any]:
    if not path:
        return [node]
    head, *rest = path
    if head == "*":
        return [v for item in (node if isinstance(node, list) else []) for v in _values_at(item, tuple(rest))]
    if isinstance(node, dict) and head in node:
        return _values_at(node[head], tuple(rest))
    return []


def integer_problems(template: Mapping[str, Any]) -> list[str]:
    """Integer properties that are not integers inside AWS's range (intrinsics skipped)."""
    problems = []
    for logical_id, resource in template.get("Resources", {}).items():
        for spec in INTEGER_PROPERTIES:
            if resource.get("Type") != spec.resource_type:
                continue
            for value in _values_at(resource.get("Properties", {}), spec.path):
                if isinstance(value, dict):
                    continue  # an intrinsic (Ref to a parameter): resolved at deploy time
                ok = (
                    isinstance(value, int)
                    and not isinstance(value, bool)
                    and (spec.low <= value <= spec.high or value in spec.also)
                )
                if not ok:
                    problems.append(f"{logical_id}.{'.'.join(map(str, spec.path))} = {value!r}")
    return problems


def lint_errors(template: Mapping[str, Any]) -> list[str]:
    from cfnlint.api import ManualArgs, lint

    return [
        f"{m.rule.id} {m.message} at {'/'.join(map(str, m.path))}"
        for m in lint(json.dumps(template), config=ManualArgs(regions=["eu-west-1"]))
        if m.rule.id.startswith("E")
    ]


def check_case(
    name: str,
    build: Callable[[Maker], Any],
    given: set[str],
    *,
    lint: bool = False,
) -> None:
    """Build in a fresh app; assert the property. ``given``: the props (and method
    arguments) this example passed - the only ones an error may name."""
    STATS.cases[name] += 1
    app = App()
    stack = Stack(app, "Fuzz")
    maker = Maker(stack)
    try:
        build(maker)
    except ConstructPropsError as exc:
        STATS.refused[name] += 1
        STATS.refused_props[f"{name}.{exc.prop}"] += 1
        # A field of a struct prop counts as the prop (provisioned_poller_config.maximum_pollers).
        root = exc.prop.split(".", 1)[0]
        assert root in given, f"the error names {exc.prop!r}, which this example did not set ({sorted(given)}): {exc}"
        message = str(exc)
        assert message.startswith(f"{exc.construct_type} '{exc.construct_path}': "), message
        assert exc.prop in message and "(http" in message, message
        return
    assembly = app.synth()
    template = assembly.get_stack_by_name("Fuzz").template
    STATS.synthesized[name] += 1
    for artifact in assembly.stacks:  # and the other stack of the "imported" axis, when there is one
        findings = [
            f for f in run_checks([TemplateModel(artifact.template, name=artifact.stack_name)])
            if f.is_error and f.rule_id not in KNOWN_FINDINGS
        ]
        assert not findings, [(f.rule_id, f.resource, f.message) for f in findings]
        assert integer_problems(artifact.template) == []
    if lint:
        STATS.linted[name] += 1
        assert lint_errors(template) == []


def build_props(maker: Maker, drawn: Mapping[str, Any]) -> dict[str, Any]:
    return {prop: maker.make(value) for prop, value in drawn.items()}


def draw_props(data: st.DataObject, table: Mapping[str, Prop], *, max_props: int = 6) -> dict[str, Any]:
    """A few props of ``table`` (most examples set few props, as users do). Half the
    examples draw valid values only (they should mostly synthesize), half any value."""
    valid_only = data.draw(st.booleans(), label="valid only")
    names = data.draw(st.lists(st.sampled_from(sorted(table)), max_size=max_props, unique=True), label="props")
    return {
        name: data.draw(table[name].valid if valid_only else table[name].any(), label=name) for name in names
    }


#: The "imported" axis, per kind of resource: the names (in RESOURCES) of the same resource
#: imported or made in another stack. The construct tables draw them for every resource prop;
#: each must synthesize (every stack checked) or be refused naming the prop that brought it.
IMPORTED = {
    "queue": ("imported_queue", "imported_key_queue", "other_stack_queue"),
    "key": ("imported_key", "other_stack_key"),
    "topic": ("imported_topic", "other_stack_topic"),
    "stream": ("imported_stream", "imported_key_stream", "other_stack_stream"),
    "table": ("imported_table", "imported_table_by_arn", "imported_table_without_stream", "other_stack_table"),
    "bucket": ("imported_bucket", "other_stack_bucket"),
}


def imported(kind: str, wrap: str | None = None) -> st.SearchStrategy[tuple[str, ...]]:
    """The "imported" axis of ``kind``, each name wrapped in a destination (``wrap``:
    ``"sqs_dlq"``, ``"sqs_destination"``...) when given."""
    names = IMPORTED[kind]
    return st.sampled_from([("resource", wrap, n) if wrap else ("resource", n) for n in names])
