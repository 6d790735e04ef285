"""Glue between CDK values and the pure rules: the type and unit layer, tokens out, errors
and warnings in.

Every prop of every construct is described by one :class:`Spec` in a table
(:data:`FUNCTION_SPECS` for the shared function props, one table per construct), and
:func:`check_props` runs the table before anything reaches aws-cdk-lib. A spec checks the
*type* (a plain int where a ``Duration`` belongs, a bool where an int belongs, a Kinesis
stream passed as ``table``...) and the *unit* (a whole number where AWS takes integers; a
``Duration`` that is a whole number of the unit the property is written in; a token
``Duration`` in the one unit that can pass through unconverted), and returns the plain
value the rules work on (seconds for a ``Duration``, ``None`` for an unresolved token).
The rules (``constructs_lib.value_rules``) then check ranges and combinations on plain values.

Cost matters: every call into aws-cdk-lib is a round trip to jsii's node process. Plain
Python values are checked without one; a ``Duration`` costs one (``to_seconds``); a number
costs one only when it lies in the range where CDK encodes number tokens.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aws_cdk import Annotations, Duration, Token
from jsii._reference_map import InterfaceDynamicProxy
from constructs import Construct

from constructs_lib import limits
from constructs_lib.errors import ConstructPropsError
from constructs_lib.value_rules import Violation, num

#: Prefix of every warning id, so users can acknowledge ours specifically.
WARNING_PREFIX = "constructs-lib"

_C = TypeVar("_C", bound=type)

#: CDK encodes an unresolved number (``CfnParameter.value_as_number``, a resource
#: attribute) as a double whose top 16 bits are 0xFBFF: about -1.9e289. A plain number is
#: never that small, so only numbers below this bound are asked about (``Token.is_unresolved``).
_NUMBER_TOKEN_BOUND = -1e288


def is_token_number(value: float) -> bool:
    """Whether ``value`` is an unresolved number token (one jsii round trip, only for the
    doubles CDK uses as token markers)."""
    return value <= _NUMBER_TOKEN_BOUND and bool(Token.is_unresolved(value))


#: Durations made by this library whose value is known without asking jsii:
#: ``id -> (the Duration, seconds)`` (the Duration is kept, so its id is never reused).
_KNOWN_DURATIONS: dict[int, tuple[Duration, float]] = {}


def known_duration(duration: Duration, seconds_value: float) -> Duration:
    """Register a Duration this library made (a default, a cached value) with its value
    in seconds, so checking it costs no jsii round trip."""
    _KNOWN_DURATIONS[id(duration)] = (duration, float(seconds_value))
    return duration


@functools.cache
def duration_seconds(value: int) -> Duration:
    """``Duration.seconds(value)``, made once per value and process: a Duration is an
    immutable value, and each one made is a jsii round trip."""
    return known_duration(Duration.seconds(value), value)


def is_token_string(value: str) -> bool:
    """Whether a string holds an unresolved token (``${Token[...]}``): decided in Python,
    the encoding aws-cdk-lib gives every string token."""
    return "${Token[" in value


def number(value: Any) -> float | None:
    """A plain number, or ``None`` when unset or an unresolved token."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    if isinstance(value, int):
        return float(value)  # tokens are never Python ints: no jsii round trip
    if isinstance(value, float) and is_token_number(value):
        return None
    if isinstance(value, float):
        return value
    return None if Token.is_unresolved(value) else float(value)


def filter_patterns(filters: Any) -> list[str] | None:
    """The patterns of event filters (``FilterCriteria.filter(...)`` dicts), as text to compare."""
    if not filters:
        return None
    return [json.dumps(f.get("pattern", f) if isinstance(f, Mapping) else f, sort_keys=True, default=str) for f in filters]


def raise_first(construct: Construct, *violations: Violation | None) -> None:
    """Raise ``ConstructPropsError`` for the first violation, if any."""
    for violation in violations:
        if violation is not None:
            raise ConstructPropsError(construct, violation)


def warn(construct: Construct, warning_id: str, violation: Violation | None) -> None:
    """Add a namespaced, acknowledgeable warning (``constructs-lib:<id>``) for a soft rule."""
    if violation is not None:
        Annotations.of(construct).add_warning_v2(f"{WARNING_PREFIX}:{warning_id}", str(violation))


# --------------------------------------------------------------------------------------
# Specs
# --------------------------------------------------------------------------------------
def _type_name(value: Any) -> str:
    return type(value).__name__


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass
class Spec:
    """How one prop is checked. ``check`` returns ``(violation, plain value)``: the plain
    value is what the rules see (``None`` for an unresolved token).

    :param what: what the value must be, for the message (``"an integer number of MB"``).
    :param nullable: ``None`` is allowed (the prop's documented default applies). False
        for props whose ``None`` would silently mean something else to aws-cdk-lib
        (infinite retries, no partial batch responses...).
    :param source: the documentation the message cites ("": the table's own source).
    """

    what: str = ""
    nullable: bool = True
    source: str = ""

    def check(self, prop: str, value: Any, *, label: str | None = None) -> tuple[Violation | None, Any]:
        if value is None:
            if self.nullable:
                return None, None
            return self.violation(
                prop, f"{label or prop} None is not allowed: {self.expected()} (leave the argument out for its default)"
            ), None
        return self._check(prop, value, label or prop)

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        raise NotImplementedError

    def expected(self) -> str:
        return self.what

    def violation(self, prop: str, message: str, source: str | None = None) -> Violation:
        return Violation(prop, message, source or self.source)

    def wrong_type(self, prop: str, value: Any, label: str) -> tuple[Violation, None]:
        return self.violation(
            prop, f"{label} {_shown(value)} is of type {_type_name(value)}; it must be {self.expected()}"
        ), None


@dataclass
class Number(Spec):
    """Any finite number (an alarm threshold, a rate limit, a Unix time)."""

    what: str = "a number"

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong_type(prop, value, label)
        if isinstance(value, int):
            return None, float(value)
        if is_token_number(value):
            return None, None
        if not math.isfinite(value):
            return self.violation(prop, f"{label} {value} is not a finite number"), None
        return self._finite(prop, value, label)

    def _finite(self, prop: str, value: float, label: str) -> tuple[Violation | None, Any]:
        return None, value


@dataclass
class Integer(Number):
    """A whole number (AWS takes an integer). An integral float (``10.0``) is accepted;
    ``True`` is not a number here, ``"10"`` is not either."""

    what: str = "an integer"

    def _finite(self, prop: str, value: float, label: str) -> tuple[Violation | None, Any]:
        if not value.is_integer():
            return self.violation(
                prop,
                f"{label} {_shown(value)} is not a whole number; AWS takes {self.what} here and "
                "would reject the template (or aws-cdk-lib would write the fraction into it)",
            ), None
        return None, value


@dataclass
class Boolean(Spec):
    """``True`` or ``False``, nothing that merely looks truthy."""

    what: str = "True or False"
    nullable: bool = False

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if not isinstance(value, bool):
            return self.wrong_type(prop, value, label)
        return None, value


@dataclass
class Text(Spec):
    """A string (CDK string tokens are strings too)."""

    what: str = "a str"
    non_empty: bool = False

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if not isinstance(value, str):
            return self.wrong_type(prop, value, label)
        if self.non_empty and not value.strip():
            return self.violation(prop, f"{label} {value!r} is empty; it must be {self.what}"), None
        return None, value


#: The unit a Duration property is written in, as ``Duration.unit_label()`` names it.
SECONDS = "seconds"
MILLIS = "millis"

_UNIT_FACTORY = {SECONDS: "Duration.seconds", MILLIS: "Duration.millis"}


@dataclass
class DurationSpec(Spec):
    """A ``Duration`` written into the template in ``unit`` (seconds or milliseconds).

    ``whole``: AWS counts whole ``unit`` s there (a Lambda timeout of 1.5 s is refused); a
    threshold that is only compared (an alarm) may be fractional. A token ``Duration`` can
    only pass through in ``unit`` itself (``Duration.minutes(token)`` cannot be converted
    at synth time). The plain value is always in seconds.
    """

    unit: str = SECONDS
    whole: bool = True
    what: str = ""

    def expected(self) -> str:
        example = "Duration.seconds(30)" if self.unit == SECONDS else "Duration.millis(500)"
        return f"a Duration, e.g. {example}"

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if not isinstance(value, Duration):
            hint = ""
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                hint = f" (write {_UNIT_FACTORY[self.unit]}({num(value)}) if you meant {num(value)} {self.unit})"
            violation, _ = self.wrong_type(prop, value, label)
            return self.violation(prop, violation.message + hint), None
        known = _KNOWN_DURATIONS.get(id(value))
        if known is not None and known[0] is value:
            return None, known[1]
        try:
            amount = float(value.to_seconds(integral=False) if self.unit == SECONDS else value.to_milliseconds(integral=False))
        except RuntimeError:
            # Only an unresolved Duration in another unit cannot be converted.
            return self._token_unit(prop, value, label), None
        if amount <= _NUMBER_TOKEN_BOUND and Token.is_unresolved(amount):
            return None, None  # a token in the property's own unit: passed through as is
        if not math.isfinite(amount):
            return self.violation(prop, f"{label} {value.to_human_string()} is not a finite duration"), None
        if self.whole and not amount.is_integer():
            whole = math.ceil(amount)
            return self.violation(
                prop,
                f"{label} {value.to_human_string()} is {num(amount)} {self.unit}, not a whole number of "
                f"{self.unit}; {self.what or 'AWS'} counts whole {self.unit} here. Use "
                f"{_UNIT_FACTORY[self.unit]}({whole})",
            ), None
        return None, amount if self.unit == SECONDS else amount / 1000

    def _token_unit(self, prop: str, value: Duration, label: str) -> Violation:
        unit = value.unit_label()
        return self.violation(
            prop,
            f"{label} Duration.{unit}(<token>) cannot be converted to {self.unit} at synth time, "
            "because its value is an unresolved token (a CfnParameter or another resource's "
            f"attribute); pass {_UNIT_FACTORY[self.unit]}(<token>) instead: {self.what or 'the template'} "
            f"takes it in {self.unit}, so that token goes in unchanged",
            self.source or limits.SRC_ESM_API,
        )


def implements(value: Any, interface: type) -> bool:
    """Whether ``value`` is an instance of a class, or implements a jsii interface
    (jsii interfaces are typing Protocols, so ``isinstance`` cannot ask them)."""
    jsii_type = getattr(interface, "__jsii_type__", None)
    if jsii_type is None or not getattr(interface, "_is_protocol", False):
        return isinstance(value, interface)
    if isinstance(value, InterfaceDynamicProxy):
        # An object jsii knows only by the interfaces it implements (an imported resource).
        return any(implements(delegate, interface) for delegate in value._delegates)
    for klass in type(value).__mro__:
        if getattr(klass, "__jsii_type__", None) == jsii_type:
            return True  # the interface's own proxy class
        for iface in getattr(klass, "__jsii_ifaces__", ()):
            if iface is interface or interface in getattr(iface, "__mro__", ()):
                return True
    return False


@dataclass
class Instance(Spec):
    """An instance of one of ``types`` (classes or jsii interfaces), named ``what``."""

    types: tuple[type, ...] = ()
    what: str = ""
    hint: str = ""

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if any(implements(value, t) for t in self.types):
            return None, value
        violation, _ = self.wrong_type(prop, value, label)
        return self.violation(prop, violation.message + (f"; {self.hint}" if self.hint else "")), None


def _same(value: Any, choice: Any) -> bool:
    if value is choice:
        return True
    if isinstance(choice, (int, float)) and isinstance(value, (int, float)):
        return value == choice
    return type(value) is type(choice) and value == choice


@dataclass
class Choice(Spec):
    """One of a few plain values (``api="rest"``), or a member of a jsii enum."""

    values: tuple[Any, ...] = ()
    what: str = ""

    def expected(self) -> str:
        return self.what or f"one of {', '.join(map(repr, self.values))}"

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if isinstance(value, bool) or not any(_same(value, v) for v in self.values):
            return self.violation(prop, f"{label} {_shown(value)} is not {self.expected()}"), None
        return None, value


@dataclass
class SequenceOf(Spec):
    """A list or tuple whose every item satisfies ``item``."""

    item: Spec = field(default_factory=lambda: Text())
    what: str = "a list"
    non_empty: bool = False

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            return self.wrong_type(prop, value, label)
        items = list(value)
        if self.non_empty and not items:
            return self.violation(prop, f"{label} is empty; it must be {self.what} with at least one item"), None
        for i, item in enumerate(items):
            violation, _ = self.item.check(prop, item, label=f"{label}[{i}]")
            if violation is not None:
                return violation, None
            if item is None:
                return self.violation(prop, f"{label}[{i}] is None; it must be {self.item.expected()}"), None
        return None, items


@dataclass
class MappingOf(Spec):
    """A dict with str keys whose every value satisfies ``value``."""

    value: Spec = field(default_factory=lambda: Text())
    what: str = "a dict"

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if not isinstance(value, Mapping):
            return self.wrong_type(prop, value, label)
        for key, item in value.items():
            if not isinstance(key, str):
                return self.violation(prop, f"{label} key {_shown(key)} is of type {_type_name(key)}; keys are str"), None
            violation, _ = self.value.check(prop, item, label=f"{label}[{key!r}]")
            if violation is not None:
                return violation, None
            if item is None:
                return self.violation(prop, f"{label}[{key!r}] is None; it must be {self.value.expected()}"), None
        return None, value


@dataclass
class OneOf(Spec):
    """The first of ``specs`` that accepts the value (``max_record_age``: a Duration or -1)."""

    specs: tuple[Spec, ...] = ()
    what: str = ""

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        first: Violation | None = None
        for spec in self.specs:
            violation, plain = spec.check(prop, value, label=label)
            if violation is None:
                return None, plain
            # A value of the right type with a wrong unit reports that, not "wrong type".
            if first is None or (isinstance(spec, DurationSpec) and isinstance(value, Duration)):
                first = violation
        if isinstance(value, Duration) and first is not None:
            return first, None
        return self.violation(prop, f"{label} {_shown(value)} is not {self.what}"), None


@dataclass
class Keywords(Spec):
    """An escape hatch: a dict of extra keyword arguments for ``target`` (a class whose
    ``__init__`` takes them), minus the ones the construct sets itself (``owned``)."""

    target: Callable[..., Any] | None = None
    owned: tuple[str, ...] = ()
    construct: str = "this construct"

    def expected(self) -> str:
        name = getattr(self.target, "__name__", "the target")
        return f"a dict of {name} keyword arguments"

    def _check(self, prop: str, value: Any, label: str) -> tuple[Violation | None, Any]:
        if not isinstance(value, Mapping):
            return self.wrong_type(prop, value, label)
        accepted = keyword_names(self.target) if self.target is not None else None
        name = getattr(self.target, "__name__", "the target")
        for key in value:
            if not isinstance(key, str):
                return self.violation(prop, f"{label} key {_shown(key)} is of type {_type_name(key)}; keys are str"), None
            if key in self.owned:
                return self.violation(
                    prop,
                    f"{label} sets {key}, which {self.construct} sets itself (a prop of the "
                    f"construct, validated there); pass {key}=... to the construct instead",
                ), None
            if accepted is not None and key not in accepted:
                return self.violation(
                    prop, f"{label} sets {key}, which is not a keyword argument of {name}; remove it"
                ), None
        return None, value


def keyword_names(target: Callable[..., Any]) -> frozenset[str]:
    """The keyword arguments ``target`` (a class or function) accepts."""
    fn = target.__init__ if inspect.isclass(target) else target
    params = inspect.signature(fn).parameters.values()
    return frozenset(p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self")


def check_props(
    construct: Construct,
    specs: Mapping[str, Spec],
    values: Mapping[str, Any],
    *,
    source: str = "",
    label: str | None = None,
    as_prop: str | None = None,
) -> dict[str, Any]:
    """Check every prop of ``specs`` found in ``values`` (the constructor's ``locals()``);
    raise ``ConstructPropsError`` for the first failure, else return the plain values
    (``None`` for unset props and unresolved tokens). ``source``: the documentation a spec
    without its own cites. ``as_prop``: report every failure under this prop (the parts of
    one value, such as an ``Authorization``)."""
    plain: dict[str, Any] = {}
    for prop, spec in specs.items():
        if prop not in values:
            continue
        violation, plain[prop] = spec.check(prop, values[prop], label=f"{label} {prop}" if label else None)
        if violation is not None:
            raise ConstructPropsError(construct, _finish(violation, source, as_prop))
    return plain


def check_value(construct: Construct, prop: str, spec: Spec, value: Any, *, source: str = "") -> Any:
    """One prop: raise ``ConstructPropsError`` or return its plain value."""
    violation, plain = spec.check(prop, value)
    if violation is not None:
        raise ConstructPropsError(construct, _finish(violation, source, None))
    return plain


def _finish(violation: Violation, source: str, as_prop: str | None) -> Violation:
    return Violation(
        as_prop or violation.prop,
        violation.message,
        violation.source or source or limits.SRC_LAMBDA_QUOTAS,
    )


# --------------------------------------------------------------------------------------
# Value classes of a construct's own (``Authorization``): this module sits below every
# construct and imports none, so the module that defines such a class registers it for
# the tables that name it.
# --------------------------------------------------------------------------------------
_VALUE_CLASSES: dict[str, type] = {}


def register_value_class(cls: _C) -> _C:
    """Class decorator: let the spec tables name ``cls`` (see :func:`value_class`)."""
    _VALUE_CLASSES[cls.__name__] = cls
    return cls


def value_class(name: str) -> type:
    """A class registered with :func:`register_value_class`, by name."""
    try:
        return _VALUE_CLASSES[name]
    except KeyError:
        raise LookupError(
            f"{name} is not registered yet: import the construct module that defines it first "
            "(constructs_lib.sync_api for Authorization)"
        ) from None


# --------------------------------------------------------------------------------------
# The tables: one spec per prop, per construct. A new prop gets its spec here; a test
# checks that every keyword argument of every construct has one.
# --------------------------------------------------------------------------------------
#: ``lambda_.Function`` arguments every construct sets itself (``create_function``):
#: through ``function_props`` they would bypass the construct's validation and defaults
#: (or collide with them: "got multiple values for keyword argument").
OWN_FUNCTION_PROPS = (
    "code", "handler", "timeout", "runtime", "architecture", "memory_size", "environment",
    "reserved_concurrent_executions", "layers", "description", "log_group", "log_retention", "tracing",
    "recursive_loop",
)


@functools.cache
def function_specs() -> dict[str, Spec]:
    """The function props every construct shares."""
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_logs as logs

    q = limits.SRC_LAMBDA_QUOTAS
    return {
        "code": Instance(types=(lambda_.Code,), what="a lambda_.Code (e.g. Code.from_asset(...))", nullable=False, source=q),
        "handler": Text(what="a handler name such as 'app.handler'", nullable=False, non_empty=True),
        "timeout": DurationSpec(unit=SECONDS, what="Lambda (the function timeout)", source=q),
        "runtime": Instance(types=(lambda_.Runtime,), what="a lambda_.Runtime", source=q),
        "architecture": Instance(types=(lambda_.Architecture,), what="a lambda_.Architecture", source=q),
        "memory_size": Integer(what="an integer number of MB", source=q),
        "environment": MappingOf(value=Text(what="a str (Lambda environment values are strings)"), what="a dict of str to str"),
        "reserved_concurrent_executions": Integer(what="an integer number of executions", source=limits.SRC_LAMBDA_RESERVED),
        "layers": SequenceOf(item=Instance(types=(lambda_.ILayerVersion,), what="a lambda_.ILayerVersion"), what="a list of layers"),
        "description": Text(),
        "log_retention": Choice(values=tuple(logs.RetentionDays), what="a logs.RetentionDays member"),
        "function_props": Keywords(target=lambda_.Function, owned=OWN_FUNCTION_PROPS, construct="the construct"),
        "recursive_loop": Choice(
            values=tuple(lambda_.RecursiveLoop), what="a lambda_.RecursiveLoop member", source=limits.SRC_LAMBDA_RECURSION
        ),
        "recursive_loop_reason": Text(what="why the recursion is deliberate and bounded", non_empty=True),
    }


@functools.cache
def plain_function_specs() -> dict[str, Spec]:
    """``PlainFunction``: the shared function props, with ``timeout`` required (there is no
    invocation model to derive it from)."""
    from aws_cdk import aws_lambda as lambda_

    return {
        **function_specs(),
        "timeout": DurationSpec(
            unit=SECONDS, what="Lambda (the function timeout)", nullable=False, source=limits.SRC_LAMBDA_QUOTAS
        ),
        "function_props": Keywords(target=lambda_.Function, owned=OWN_FUNCTION_PROPS, construct="PlainFunction"),
    }


def _alarm_specs(*, count: tuple[str, ...], ages: Mapping[str, tuple[str, str, str]]) -> dict[str, Spec]:
    """``alarms``, ``alarm_topic``, count thresholds and age thresholds (``prop -> (unit,
    metric, source)``: a token threshold passes through in the metric's own unit)."""
    from aws_cdk import aws_sns as sns

    specs: dict[str, Spec] = {
        "alarms": Boolean(),
        "alarm_topic": Instance(types=(sns.ITopic,), what="an sns.ITopic"),
        "dashboard": Boolean(nullable=True, source=limits.SRC_CLOUDWATCH_DASHBOARD_BODY),
    }
    specs.update({name: Number(what="a number of events per minute") for name in count})
    specs.update(
        {
            name: DurationSpec(unit=unit, whole=False, what=f"the alarm on {metric}", source=source)
            for name, (unit, metric, source) in ages.items()
        }
    )
    return specs


def _filters() -> Spec:
    return SequenceOf(
        item=MappingOf(value=Instance(types=(object,), what="a filter value"), what="a filter pattern dict"),
        what="a list of filter patterns (lambda_.FilterCriteria.filter(...))",
    )


@functools.cache
def queue_consumer_specs() -> dict[str, Spec]:
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_sqs as sqs

    src = limits.SRC_ESM_API
    return {
        **function_specs(),
        "queue": Instance(types=(sqs.IQueue,), what="an sqs.IQueue"),
        "fifo": Boolean(nullable=True),
        "batch_size": Integer(what="an integer number of messages", nullable=False, source=src),
        "max_batching_window": DurationSpec(unit=SECONDS, what="Lambda (MaximumBatchingWindowInSeconds)", source=src),
        "max_concurrency": Integer(what="an integer number of invocations", source=limits.SRC_ESM_SCALING),
        "max_receive_count": Integer(what="an integer number of receives", source=limits.SRC_SQS_DLQ),
        "report_batch_item_failures": Boolean(),
        "filters": _filters(),
        "visibility_timeout": DurationSpec(unit=SECONDS, what="SQS (VisibilityTimeout)", source=limits.SRC_SQS_VISIBILITY),
        "retention_period": DurationSpec(unit=SECONDS, what="SQS (MessageRetentionPeriod)", source=limits.SRC_SQS_QUOTAS),
        "dead_letter_queue": Instance(types=(sqs.IQueue,), what="an sqs.IQueue"),
        "encryption_key": Instance(types=(kms.IKey,), what="a kms.IKey"),
        "provisioned_poller_config": Instance(
            types=(lambda_.ProvisionedPollerConfig,),
            what="a lambda_.ProvisionedPollerConfig(minimum_pollers=..., maximum_pollers=...)",
            source=limits.SRC_ESM_PROVISIONED_POLLER,
        ),
        "mapping_metrics": Boolean(),
        **_alarm_specs(
            count=("dead_letter_queue_alarm_threshold", "errors_alarm_threshold", "throttles_alarm_threshold"),
            ages={
                "oldest_message_age_alarm_threshold": (
                    SECONDS, "ApproximateAgeOfOldestMessage (seconds)", limits.SRC_SQS_METRICS
                )
            },
        ),
    }


@functools.cache
def stream_processor_specs() -> dict[str, Spec]:
    from aws_cdk import aws_dynamodb as dynamodb
    from aws_cdk import aws_kinesis as kinesis
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_lambda as lambda_

    src = limits.SRC_ESM_API
    return {
        **function_specs(),
        "stream": Instance(
            types=(kinesis.IStream,), what="a Kinesis data stream (kinesis.IStream)",
            hint="for a DynamoDB table pass table=..., not stream=; for a stream ARN use "
            "kinesis.Stream.from_stream_arn(...)",
        ),
        "table": Instance(
            types=(dynamodb.ITable,), what="a DynamoDB table with a stream (dynamodb.ITable)",
            hint="for a Kinesis data stream pass stream=..., not table=",
        ),
        "starting_position": Choice(values=tuple(lambda_.StartingPosition), what="a lambda_.StartingPosition member", nullable=False),
        "starting_position_timestamp": Number(what="a Unix time in seconds", source=src),
        "batch_size": Integer(what="an integer number of records", nullable=False, source=src),
        "max_batching_window": DurationSpec(unit=SECONDS, what="Lambda (MaximumBatchingWindowInSeconds)", source=src),
        "parallelization_factor": Integer(what="an integer number of batches per shard", nullable=False, source=src),
        "retry_attempts": Integer(what="an integer number of retries (-1 for infinite)", nullable=False, source=src),
        "max_record_age": OneOf(
            specs=(DurationSpec(unit=SECONDS, what="Lambda (MaximumRecordAgeInSeconds)", source=src), Choice(values=(-1,))),
            what="a Duration (60 s to 7 days) or -1 (StreamProcessor INFINITE) for records that never age out",
            nullable=False,
            source=src,
        ),
        "bisect_batch_on_error": Boolean(),
        "report_batch_item_failures": Boolean(),
        "on_failure": Instance(
            types=(lambda_.IEventSourceDlq,),
            what="an event source on-failure destination (aws_lambda_event_sources.SqsDlq, SnsDlq or S3OnFailureDestination)",
        ),
        "encryption_key": Instance(types=(kms.IKey,), what="a kms.IKey"),
        "tumbling_window": DurationSpec(unit=SECONDS, what="Lambda (TumblingWindowInSeconds)", source=src),
        "filters": _filters(),
        "use_enhanced_fan_out": Boolean(),
        "mapping_metrics": Boolean(),
        **_alarm_specs(
            count=("failure_queue_alarm_threshold", "errors_alarm_threshold"),
            ages={"iterator_age_alarm_threshold": (MILLIS, "IteratorAge (milliseconds)", limits.SRC_LAMBDA_METRICS)},
        ),
    }


@functools.cache
def async_worker_specs() -> dict[str, Spec]:
    from aws_cdk import aws_lambda as lambda_

    owned = OWN_FUNCTION_PROPS + ("retry_attempts", "max_event_age", "on_failure", "on_success")

    src = limits.SRC_EVENT_INVOKE_CONFIG
    destination = Instance(
        types=(lambda_.IDestination,),
        what="a Lambda destination (aws_lambda_destinations.SqsDestination, SnsDestination, "
        "EventBridgeDestination or LambdaDestination)",
    )
    return {
        **function_specs(),
        "function_props": Keywords(target=lambda_.Function, owned=owned, construct="AsyncWorker"),
        "retry_attempts": Integer(what="an integer number of retries", nullable=False, source=src),
        "max_event_age": DurationSpec(unit=SECONDS, what="Lambda (MaximumEventAgeInSeconds)", source=src),
        "on_failure": destination,
        "on_success": destination,
        **_alarm_specs(
            count=("failure_queue_alarm_threshold", "errors_alarm_threshold", "throttles_alarm_threshold"),
            ages={"event_age_alarm_threshold": (MILLIS, "AsyncEventAge (milliseconds)", limits.SRC_LAMBDA_METRICS)},
        ),
    }


@functools.cache
def event_rule_specs() -> dict[str, Spec]:
    """``AsyncWorker.add_event_rule``."""
    from aws_cdk import aws_events as events
    from aws_cdk import aws_sqs as sqs

    src = limits.SRC_EVENTBRIDGE_RETRY
    return {
        "rule": Instance(types=(events.Rule,), what="an events.Rule made in this app", nullable=False),
        "event": Instance(types=(events.RuleTargetInput,), what="an events.RuleTargetInput"),
        "dead_letter_queue": Instance(types=(sqs.IQueue,), what="an sqs.IQueue"),
        "retry_attempts": Integer(what="an integer number of retries", nullable=False, source=src),
        "max_event_age": DurationSpec(unit=SECONDS, what="EventBridge (MaximumEventAgeInSeconds)", source=src),
    }


@functools.cache
def schedule_specs() -> dict[str, Spec]:
    """``AsyncWorker.add_schedule``."""
    from aws_cdk import aws_scheduler as scheduler
    from aws_cdk import aws_sqs as sqs

    src = limits.SRC_SCHEDULER_RETRY
    return {
        "schedule": Instance(
            types=(scheduler.ScheduleExpression,),
            what="a scheduler.ScheduleExpression (.rate(...), .cron(...) or .at(...))",
            nullable=False,
        ),
        "input": Instance(types=(scheduler.ScheduleTargetInput,), what="a scheduler.ScheduleTargetInput"),
        "dead_letter_queue": Instance(types=(sqs.IQueue,), what="an sqs.IQueue"),
        "retry_attempts": Integer(what="an integer number of retries", nullable=False, source=src),
        "max_event_age": DurationSpec(unit=SECONDS, what="EventBridge Scheduler (MaximumEventAgeInSeconds)", source=src),
        "description": Text(what="a description"),
    }


@functools.cache
def topic_subscription_specs() -> dict[str, Spec]:
    """``AsyncWorker.add_topic_subscription``."""
    from aws_cdk import aws_sns as sns
    from aws_cdk import aws_sqs as sqs

    return {
        "topic": Instance(types=(sns.ITopic,), what="an sns.ITopic", nullable=False),
        "dead_letter_queue": Instance(types=(sqs.IQueue,), what="an sqs.IQueue"),
        "filter_policy": MappingOf(
            value=Instance(types=(sns.SubscriptionFilter,), what="an sns.SubscriptionFilter"),
            what="a dict of attribute name to sns.SubscriptionFilter",
        ),
        "filter_policy_with_message_body": MappingOf(
            value=Instance(types=(sns.FilterOrPolicy,), what="an sns.FilterOrPolicy"),
            what="a dict of field name to sns.FilterOrPolicy",
        ),
    }


@functools.cache
def bucket_notification_specs() -> dict[str, Spec]:
    """``AsyncWorker.add_bucket_notification``."""
    from aws_cdk import aws_s3 as s3

    return {
        "bucket": Instance(types=(s3.IBucket,), what="an s3.IBucket", nullable=False),
        "events": SequenceOf(
            item=Choice(values=tuple(s3.EventType), what="an s3.EventType member"),
            what="a list of s3.EventType", non_empty=True, nullable=False,
        ),
        "filters": SequenceOf(
            item=Instance(types=(s3.NotificationKeyFilter,), what="an s3.NotificationKeyFilter(prefix=..., suffix=...)"),
            what="s3.NotificationKeyFilter arguments",
        ),
    }


@functools.cache
def grant_invoke_specs() -> dict[str, Spec]:
    """``AsyncWorker.grant_invoke``."""
    from aws_cdk import aws_iam as iam

    return {
        "grantee": Instance(types=(iam.IGrantable,), what="an iam.IGrantable (a function, role or user)", nullable=False),
        "environment_variable": Text(what="an environment variable name", non_empty=True),
    }


@functools.cache
def sync_api_specs() -> dict[str, Spec]:
    from aws_cdk import aws_apigateway as apigw
    from aws_cdk import aws_apigatewayv2 as apigwv2
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_logs as logs

    return {
        **function_specs(),
        "api": Choice(
            values=("rest", "http", "url"), what="'rest', 'http' or 'url'", nullable=False, source=limits.SRC_APIGW_QUOTAS
        ),
        "integration_timeout": DurationSpec(
            unit=MILLIS, what="API Gateway (TimeoutInMillis)", source=limits.SRC_APIGW_QUOTAS
        ),
        "integration_timeout_quota": DurationSpec(unit=SECONDS, whole=False, source=limits.SRC_APIGW_QUOTAS),
        "endpoint_type": Choice(values=tuple(apigw.EndpointType), what="an apigw.EndpointType member"),
        "throttling_rate_limit": Number(what="a number of requests per second", source=limits.SRC_APIGW_THROTTLING),
        "throttling_burst_limit": Integer(what="an integer number of requests", source=limits.SRC_APIGW_THROTTLING),
        "provisioned_concurrency": Integer(what="an integer number of environments", source=limits.SRC_LAMBDA_PROVISIONED),
        "authorization": Instance(
            types=(value_class("Authorization"),),
            what="an Authorization (Authorization.iam(), .cognito(...), .jwt(...), .none(reason=...))",
        ),
        "cors": Instance(
            types=(apigw.CorsOptions, apigwv2.CorsPreflightOptions, lambda_.FunctionUrlCorsOptions),
            what="apigw.CorsOptions (REST), apigwv2.CorsPreflightOptions (HTTP) or lambda_.FunctionUrlCorsOptions (URL)",
        ),
        "invoke_mode": Choice(
            values=tuple(lambda_.InvokeMode), what="a lambda_.InvokeMode member", source=limits.SRC_LAMBDA_URL_STREAMING
        ),
        "response_transfer_mode": Choice(
            values=tuple(apigw.ResponseTransferMode),
            what="an apigw.ResponseTransferMode member",
            source=limits.SRC_APIGW_STREAMING,
        ),
        "snap_start": Boolean(),
        "stage_name": Text(what="a stage name", non_empty=True),
        "api_name": Text(what="an API name", non_empty=True),
        "access_log_retention": Choice(values=tuple(logs.RetentionDays), what="a logs.RetentionDays member"),
        "cloud_watch_role": Boolean(nullable=True),
        "server_error_rate_alarm_threshold": Number(what="a fraction between 0 and 1"),
        "api_props": Instance(types=(Mapping,), what="a dict of API keyword arguments"),
        **_alarm_specs(
            count=("throttles_alarm_threshold",),
            ages={
                "integration_latency_alarm_threshold": (
                    MILLIS, "IntegrationLatency (milliseconds)", limits.SRC_APIGW_REST_METRICS
                )
            },
        ),
    }


@functools.cache
def dashboard_specs() -> dict[str, Spec]:
    """``InvocationModelDashboard``."""
    return {
        "constructs": SequenceOf(item=Instance(types=(Construct,), what="a construct of this library"), what="a list of constructs"),
        "dashboard_name": Text(what="a dashboard name", non_empty=True, source=limits.SRC_CLOUDWATCH_PUT_DASHBOARD),
    }


@functools.cache
def authorization_specs() -> dict[str, Spec]:
    """The parts of an ``Authorization``, checked (as ``authorization``) when it is used."""
    from aws_cdk import aws_cognito as cognito

    return {
        "user_pool": Instance(types=(cognito.IUserPool,), what="a cognito.IUserPool"),
        "user_pool_clients": SequenceOf(
            item=Instance(types=(cognito.IUserPoolClient,), what="a cognito.IUserPoolClient"), what="a list of user pool clients"
        ),
        "jwt_issuer": Text(what="an issuer URL", non_empty=True),
        "jwt_audience": SequenceOf(item=Text(what="an audience", non_empty=True), what="a list of audiences"),
        "scopes": SequenceOf(item=Text(what="a scope", non_empty=True), what="a list of scopes"),
        "reason": Text(what="a reason"),
    }
