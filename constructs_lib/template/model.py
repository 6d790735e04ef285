"""A CloudFormation template as this library reads it: resources, references, conditions
and the graph of which trigger invokes which Lambda function (and how).

Pure: plain dicts in, plain objects out; no CDK, no I/O. The checks' rules, the
simulation and ``explain`` all read it; it knows nothing of findings or simulation. A reference that cannot be followed inside the one template
(``Fn::ImportValue``, a parameter, a literal ARN, a pseudo parameter) resolves to
``None``; rules then answer "not applicable" instead of guessing.

The model never raises on a template's content: a resource that is not a mapping, or
whose ``Properties`` / ``Metadata`` are not mappings, or that nests deeper than
:data:`MAX_NESTING` levels, is left out and listed in :attr:`TemplateModel.problems`
(the checks report it as "not applicable" with the reason); every other resource is
still checked.

How each service invokes Lambda (synchronously, asynchronously, or polled by an event
source mapping) comes from one table, :data:`constructs_lib.limits.LAMBDA_INVOKERS`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from constructs_lib import limits

#: The name of this library's checks as a CDK policy-validation plugin; CDK derives the
#: acknowledgment namespace from it, so a finding of rule ``sqs-visibility-timeout`` is
#: acknowledged with ``constructs-lib::sqs-visibility-timeout``.
PLUGIN_NAME = "constructs-lib"
#: The key of a resource's ``Metadata`` where acknowledgments live:
#: ``{"constructs-lib": {"acknowledge": [{"id": "<rule id>", "reason": "..."}]}}``.
METADATA_KEY = "constructs-lib"

#: Service principals of the asynchronous invokers that use a resource-based permission.
#: Source: limits.LAMBDA_INVOKERS (kept under this name for the code that imported it).
ASYNC_PRINCIPALS = frozenset(
    p for inv, principals, _, _, _ in limits.LAMBDA_INVOKERS.values() if inv == limits.ASYNC for p in principals
)
APIGW_PRINCIPAL = "apigateway.amazonaws.com"

FUNCTION = "AWS::Lambda::Function"
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
ESM = "AWS::Lambda::EventSourceMapping"
QUEUE = "AWS::SQS::Queue"
KINESIS = "AWS::Kinesis::Stream"
KINESIS_CONSUMER = "AWS::Kinesis::StreamConsumer"
DYNAMODB = "AWS::DynamoDB::Table"
DYNAMODB_GLOBAL = "AWS::DynamoDB::GlobalTable"
PERMISSION = "AWS::Lambda::Permission"
EVENT_INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig"
ALIAS = "AWS::Lambda::Alias"
VERSION = "AWS::Lambda::Version"
FUNCTION_URL = "AWS::Lambda::Url"
EVENTS_RULE = "AWS::Events::Rule"
SCHEDULE = "AWS::Scheduler::Schedule"
SNS_SUBSCRIPTION = "AWS::SNS::Subscription"
SNS_TOPIC = "AWS::SNS::Topic"
REST_API = "AWS::ApiGateway::RestApi"
REST_METHOD = "AWS::ApiGateway::Method"
HTTP_API = "AWS::ApiGatewayV2::Api"
HTTP_INTEGRATION = "AWS::ApiGatewayV2::Integration"
HTTP_ROUTE = "AWS::ApiGatewayV2::Route"
IAM_POLICY = "AWS::IAM::Policy"
IAM_ROLE = "AWS::IAM::Role"
S3_BUCKET = "AWS::S3::Bucket"
CDK_BUCKET_NOTIFICATIONS = "Custom::S3BucketNotifications"
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
NESTED_STACK = "AWS::CloudFormation::Stack"

#: Lambda's default function timeout when ``Timeout`` is absent: 3 s.
#: Source: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
LAMBDA_DEFAULT_TIMEOUT_S = 3.0
#: SQS's default visibility timeout when ``VisibilityTimeout`` is absent: 30 s.
#: Source: limits.SRC_SQS_VISIBILITY
SQS_DEFAULT_VISIBILITY_TIMEOUT_S = 30.0
#: Deepest nesting of one resource the model reads (real resources, OpenAPI bodies
#: included, stay far below it); deeper resources are reported as malformed, which keeps
#: every walk of a hostile template bounded.
MAX_NESTING = 100

#: What an event source mapping must hold to read anything but SQS: ``StartingPosition``
#: (Kinesis, DynamoDB Streams, Kafka), ``Topics`` (Kafka), ``Queues`` (MQ), a Kafka or
#: DocumentDB configuration, broker credentials. Source: limits.SRC_ESM_API.
_NOT_SQS_PROPERTIES = (
    "StartingPosition", "Topics", "Queues", "SelfManagedEventSource", "SelfManagedKafkaEventSourceConfig",
    "AmazonManagedKafkaEventSourceConfig", "DocumentDBEventSourceConfig", "SourceAccessConfigurations",
)
_SUB_VAR = re.compile(r"\$\{([A-Za-z0-9_]+)(?:\.[A-Za-z0-9_.]+)?\}")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")

#: Trigger kinds -> the row of limits.LAMBDA_INVOKERS when the kind names one service.
_KIND_INVOKER = {
    "sqs": "sqs",
    "kinesis": "kinesis",
    "dynamodb": "dynamodb",
    "s3": "s3",
    "sns": "sns",
    "eventbridge": "eventbridge",
    "scheduler": "scheduler",
    "destination": "destination",
    "custom-resource": "cloudformation",
}
#: Invocation models of the kinds that no single row of the table describes.
_KIND_INVOCATION = {
    "stream": limits.POLLED,
    "other": limits.POLLED,
    "async": limits.ASYNC,
    "apigateway": limits.SYNC,
    "sync": limits.SYNC,
    "lambda": limits.SYNC,
    "durable-invoke": "durable",
}


def number(value: Any) -> float | None:
    """A CloudFormation scalar as a finite number (``30`` or ``"30"``), else ``None``."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            result = float(value)
        elif isinstance(value, str) and len(value) <= 64:
            result = float(value)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def boolean(value: Any) -> bool | None:
    """A CloudFormation boolean (``true`` or ``"true"``), else ``None``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def is_intrinsic(value: Any) -> bool:
    """``{"Ref": ...}``, ``{"Fn::...": ...}``: a value CloudFormation computes."""
    return (
        isinstance(value, Mapping)
        and len(value) == 1
        and isinstance(next(iter(value)), str)
        and ("Ref" in value or next(iter(value)).startswith("Fn::"))
    )


def dig(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...`` through mappings only; ``None`` where a level is missing or is
    not a mapping (a template's nested values can be of any type)."""
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def as_list(value: Any) -> list[Any]:
    """A template list, or ``[]`` when the value is not a list."""
    return value if isinstance(value, list) else []


def nesting_depth(value: Any, limit: int = MAX_NESTING) -> int:
    """How deeply ``value`` nests (iteratively, stopping once past ``limit``)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    seen: set[int] = set()
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if id(item) in seen:  # shared (YAML alias) or cyclic: counted once
            continue
        seen.add(id(item))
        stack.extend((child, depth + 1) for child in children)
    return deepest


@dataclass(frozen=True)
class Resource:
    """One entry of ``Resources``."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    metadata: Mapping[str, Any]

    @property
    def path(self) -> str | None:
        """The CDK construct path (``aws:cdk:path`` metadata), when CDK made the template."""
        path = self.metadata.get("aws:cdk:path")
        return path if isinstance(path, str) else None

    def get(self, key: str, default: Any = None) -> Any:
        return self.properties.get(key, default)


@dataclass(frozen=True)
class Trigger:
    """An edge of the invocation graph: ``source`` invokes ``function`` via ``via``.

    ``kind`` says how: ``"sqs"``, ``"kinesis"``, ``"dynamodb"``, ``"stream"`` (an unknown
    stream) and ``"other"`` (Kafka, MQ, DocumentDB) are polled by an event source mapping;
    ``"async"`` (a service permission, an event invoke config, or another asynchronous
    service), ``"eventbridge"``, ``"scheduler"``, ``"sns"``, ``"s3"``, ``"destination"``
    (Lambda delivering a function's invocation record to another function) and
    ``"custom-resource"`` are asynchronous; ``"apigateway"`` and ``"sync"`` (any other
    synchronous service: load balancer, function URL, Cognito, IoT authorizer...) are
    synchronous; ``"lambda"`` is another function allowed to invoke it (likely
    synchronously) and ``"durable-invoke"`` a durable function's chained invoke (the caller
    suspends, it does not wait). ``detail["invoker"]`` names the row of
    :data:`constructs_lib.limits.LAMBDA_INVOKERS` where one applies.

    ``via`` is the resource that creates the edge (the mapping, the permission, the rule,
    the subscription, the method, the API, the IAM policy); ``source`` the resource the
    events come from, ``None`` when it lies outside the template.
    """

    kind: str
    function: str
    via: str
    source: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def invoker(self) -> str:
        """The row of ``limits.LAMBDA_INVOKERS`` for this edge (``""`` when none applies)."""
        name = self.detail.get("invoker")
        return name if isinstance(name, str) else _KIND_INVOKER.get(self.kind, "")

    @property
    def invocation(self) -> str:
        """``"sync"``, ``"async"``, ``"polled"`` (limits.SYNC/ASYNC/POLLED) or ``"durable"``."""
        row = limits.LAMBDA_INVOKERS.get(self.invoker)
        if row is not None:
            return "async" if self.kind == "async" else row[0]
        return _KIND_INVOCATION.get(self.kind, limits.SYNC)

    @property
    def discards_failed_events(self) -> bool:
        """Whether an event that fails every retry is discarded unless a DLQ or an
        on-failure destination keeps it (asynchronous invokers, except custom resources
        and pipeline actions, which fail visibly)."""
        if self.invocation != limits.ASYNC:
            return False
        row = limits.LAMBDA_INVOKERS.get(self.invoker)
        return True if row is None or row[0] != limits.ASYNC else row[4]


class TemplateModel:
    """A template's resources plus reference resolution and the invocation graph.

    Besides the template, the loader may attach where it came from: ``file`` (the path
    of the file a finding's line refers to), ``lines`` (logical id -> line in that file),
    ``origins`` (logical id -> the SAM resource, and event, it was generated from),
    ``branch`` (which outcome of undecidable conditions this model assumes) and
    ``problems`` found while loading.
    """

    def __init__(self, template: Mapping[str, Any], *, name: str = "template") -> None:
        self.name = name
        self.template = template if isinstance(template, Mapping) else {}
        #: (logical id, reason) of every resource the model could not read.
        self.problems: list[tuple[str, str]] = []
        self.file: str | None = None
        self.lines: Mapping[str, int] = {}
        self.origins: Mapping[str, str] = {}
        #: Generated logical id -> the logical id its author wrote (SAM), for lines.
        self.authors: Mapping[str, str] = {}
        #: Generated logical id -> the event of the SAM function it came from.
        self.events: Mapping[str, str] = {}
        #: The file as read (:class:`~constructs_lib.template.loader.SourceFile`), which
        #: finds the line and column of a property path (:meth:`position`).
        self.source: Any = None
        #: Logical id -> {rule id: reason}: acknowledgments made outside the template (CDK's
        #: ``Validations.of(...).acknowledge`` as the cloud assembly records them).
        self.acknowledged: Mapping[str, Mapping[str, str]] = {}
        #: SAM function id -> {Api / HttpApi event name: (path, lower-case method)}.
        self.sam_events: Mapping[str, Mapping[str, tuple[str, str]]] = {}
        self.branch: str | None = None
        raw = self.template.get("Resources")
        if raw is not None and not isinstance(raw, Mapping):
            self.problems.append(("Resources", f"the Resources section is a {_kind(raw)}, not a mapping"))
            raw = {}
        self.resources: dict[str, Resource] = {}
        for lid, body in (raw or {}).items():
            resource = self._read(lid, body)
            if resource is not None:
                self.resources[lid] = resource

    def _read(self, lid: Any, body: Any) -> Resource | None:
        if not isinstance(lid, str):
            self.problems.append((str(lid)[:80], "the logical id is not a string"))
            return None
        if not isinstance(body, Mapping):
            self.problems.append((lid, f"the resource is a {_kind(body)}, not a mapping"))
            return None
        type_ = body.get("Type")
        if not isinstance(type_, str):
            self.problems.append((lid, "the resource has no Type" if type_ is None else "its Type is not a string"))
            return None
        props = body.get("Properties")
        if props is None:
            props = {}
        elif not isinstance(props, Mapping):
            self.problems.append((lid, f"its Properties are a {_kind(props)}, not a mapping"))
            return None
        metadata = body.get("Metadata")
        if metadata is None:
            metadata = {}
        elif not isinstance(metadata, Mapping):
            self.problems.append((lid, f"its Metadata is a {_kind(metadata)}, not a mapping"))
            metadata = {}
        if nesting_depth(props) > MAX_NESTING or nesting_depth(metadata) > MAX_NESTING:
            self.problems.append((lid, f"its properties nest deeper than {MAX_NESTING} levels"))
            return None
        return Resource(lid, type_, props, metadata)

    # ----------------------------------------------------------------------------------
    # Resources and references
    # ----------------------------------------------------------------------------------
    @cached_property
    def _by_type(self) -> dict[str, list[tuple[int, Resource]]]:
        """Resources by type, with their position in the template (built once: rules and
        reports ask per function, which would otherwise make them quadratic)."""
        index: dict[str, list[tuple[int, Resource]]] = {}
        for position, res in enumerate(self.resources.values()):
            index.setdefault(res.type, []).append((position, res))
        return index

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of these types, in the template's order."""
        if len(types) == 1:
            return [res for _, res in self._by_type.get(types[0], ())]
        found = sorted((entry for t in dict.fromkeys(types) for entry in self._by_type.get(t, ())), key=lambda e: e[0])
        return [res for _, res in found]

    def ref(self, value: Any) -> Resource | None:
        """The resource a ``Ref`` / ``Fn::GetAtt`` points to, if it is in this template."""
        lid = ref_id(value)
        return self.resources.get(lid) if lid is not None else None

    def refs_in(self, value: Any) -> set[str]:
        """Every resource of this template referenced anywhere inside ``value``
        (``Ref``, ``Fn::GetAtt``, ``${X}`` in ``Fn::Sub``), e.g. in an integration URI."""
        found: set[str] = set()
        for lid in _walk_refs(value, 0):
            if lid in self.resources:
                found.add(lid)
        return found

    def function_of(self, value: Any) -> Resource | None:
        """The function a function reference means: the function itself, or the function
        of an alias or version; ``None`` when the reference leaves the template."""
        res = self.ref(value)
        for _ in range(3):  # alias -> version -> function at most
            if res is None:
                return None
            if res.type in (FUNCTION, SERVERLESS_FUNCTION):
                return res
            if res.type not in (ALIAS, VERSION):
                return None
            res = self.ref(res.get("FunctionName"))
        return None

    def function_in(self, value: Any) -> Resource | None:
        """The function referenced anywhere inside ``value`` (an ARN built with
        ``Fn::Join`` / ``Fn::Sub``, an integration URI...), if exactly one is."""
        found = {fn.logical_id: fn for lid in sorted(self.refs_in(value)) if (fn := self.function_of({"Ref": lid}))}
        return next(iter(found.values())) if len(found) == 1 else None

    def function_ref(self, value: Any) -> Resource | None:
        """The function a trigger names: a reference to it (or its alias / version), or an
        ARN built from one with ``Fn::Join`` / ``Fn::Sub`` (``${Fn.Arn}:live``)."""
        if isinstance(value, str):
            return self._functions_by_name.get(_function_name(value))
        return self.function_of(value) or (self.function_in(value) if isinstance(value, Mapping) else None)

    @cached_property
    def _functions_by_name(self) -> dict[str, Resource]:
        """Functions whose ``FunctionName`` is a literal: a trigger may name them by it
        (``my-fn``, ``arn:aws:lambda:...:function:my-fn[:alias]``)."""
        return {name: fn for fn in self.functions() if isinstance(name := fn.get("FunctionName"), str)}

    def functions(self) -> list[Resource]:
        return self.of_type(FUNCTION)

    def timeout_s(self, function: Resource) -> float | None:
        """The function's timeout (Lambda's default 3 s when absent; ``None`` if computed)."""
        value = function.get("Timeout")
        if value is None:
            return LAMBDA_DEFAULT_TIMEOUT_S
        return number(value)

    def is_durable(self, function: Resource) -> bool:
        """A durable function (``DurableConfig``): its invokes checkpoint and suspend it.
        Source: limits.SRC_LAMBDA_DURABLE_INVOKING."""
        return isinstance(function.get("DurableConfig"), Mapping)

    def origin(self, logical_id: str) -> str | None:
        """The resource the template's author wrote that made ``logical_id`` (a SAM
        resource and event), when the loader translated one."""
        return self.origins.get(logical_id)

    def line_of(self, logical_id: str) -> int | None:
        """The line of the resource (or of the SAM resource it came from) in ``file``."""
        line = self.lines.get(logical_id)
        return line if line is not None else self.lines.get(self.authors.get(logical_id, ""))

    def source_paths(self, logical_id: str, location: str = "") -> list[tuple[str, ...]]:
        """Where ``location`` (``Properties/VisibilityTimeout``) of a resource is written in
        ``file``, best first: the resource itself; for a resource SAM generated, the SAM
        resource, the event it came from (an SQS event's ``Properties``), or the template's
        ``Globals`` (a function's ``Timeout`` set for every function); for a resource a
        ``Fn::ForEach`` loop made, the loop."""
        parts = tuple(p for p in location.split("/") if p)
        author = self.authors.get(logical_id)
        if author is None:
            return [("Resources", logical_id, *parts)]
        base = ("Resources", author)
        event = self.events.get(logical_id)
        if event is not None:
            event_path = (*base, "Properties", "Events", event)
            return [(*event_path, *parts)] if parts[:1] == ("Properties",) else [event_path]
        if author != logical_id:
            return [base]
        paths = [(*base, *parts)]
        if parts[:1] == ("Properties",) and len(parts) > 1 and (self.origins.get(logical_id) or "").startswith(
                "AWS::Serverless::Function "):
            paths.append(("Globals", "Function", *parts[1:]))
        return paths

    def position(self, logical_id: str, location: str = "", *, anchor: str | None = None) -> Any:
        """Where a finding on ``location`` of a resource points in ``file``
        (:class:`~constructs_lib.template.positions.Position`: line, column, the lines to
        show), falling back to the resource's line, then to ``anchor``'s; None when the
        model was not read from a file, or the file does not hold the resource."""
        if self.source is None:
            return None
        found = self.source.locate(self.source_paths(logical_id, location))
        if found is None and anchor is not None:
            found = self.source.locate(self.source_paths(anchor))
        return found

    # ----------------------------------------------------------------------------------
    # The invocation graph
    # ----------------------------------------------------------------------------------
    @cached_property
    def triggers(self) -> list[Trigger]:
        return list(self._triggers())

    @cached_property
    def _triggers_by_function(self) -> dict[str, list[Trigger]]:
        index: dict[str, list[Trigger]] = {}
        for trigger in self.triggers:
            index.setdefault(trigger.function, []).append(trigger)
        return index

    @cached_property
    def _triggers_by_source(self) -> dict[str, list[Trigger]]:
        index: dict[str, list[Trigger]] = {}
        for trigger in self.triggers:
            if trigger.source is not None:
                index.setdefault(trigger.source, []).append(trigger)
        return index

    def triggers_of(self, function_id: str, *kinds: str) -> list[Trigger]:
        """The edges that invoke ``function_id`` (of these kinds), in the graph's order."""
        return [t for t in self._triggers_by_function.get(function_id, ()) if not kinds or t.kind in kinds]

    def triggers_from(self, source_id: str, *kinds: str) -> list[Trigger]:
        """The edges whose events come from ``source_id`` (of these kinds), in the graph's order."""
        return [t for t in self._triggers_by_source.get(source_id, ()) if not kinds or t.kind in kinds]

    def _by_function(self, type_: str) -> dict[str, list[Resource]]:
        """The resources of ``type_`` by the logical id of the function their ``FunctionName`` means."""
        found: dict[str, list[Resource]] = {}
        for res in self.of_type(type_):
            fn = self.function_of(res.get("FunctionName"))
            if fn is not None:
                found.setdefault(fn.logical_id, []).append(res)
        return found

    @cached_property
    def event_invoke_configs(self) -> dict[str, list[Resource]]:
        """Event invoke configs by the logical id of their function."""
        return self._by_function(EVENT_INVOKE_CONFIG)

    @cached_property
    def aliases(self) -> dict[str, list[Resource]]:
        """Aliases by the logical id of their function (through a version, too)."""
        return self._by_function(ALIAS)

    def referring(self, type_: str, prop: str, target: str | None) -> list[Resource]:
        """The resources of ``type_`` whose property ``prop`` is a ``Ref`` / ``Fn::GetAtt``
        to ``target`` (an index built once per type and property)."""
        index = self._ref_indexes.get((type_, prop))
        if index is None:
            index = {}
            for res in self.of_type(type_):
                lid = ref_id(res.get(prop))
                if lid is not None:
                    index.setdefault(lid, []).append(res)
            self._ref_indexes[(type_, prop)] = index
        return list(index.get(target, ())) if target is not None else []

    @cached_property
    def _ref_indexes(self) -> dict[tuple[str, str], dict[str, list[Resource]]]:
        return {}

    @cached_property
    def role_owners(self) -> dict[str, list[str]]:
        """Function logical ids by the logical id of their execution role."""
        owners: dict[str, list[str]] = {}
        for fn in self.functions():
            role = self.ref(fn.get("Role"))
            if role is not None:
                owners.setdefault(role.logical_id, []).append(fn.logical_id)
        return owners

    @cached_property
    def destinations(self) -> dict[str, dict[str, str]]:
        """Functions that are another function's destination: caller id -> {callee id:
        "success" / "failure"} from the caller's event invoke configs."""
        found: dict[str, dict[str, str]] = {}
        for fn_id, configs in self.event_invoke_configs.items():
            for cfg in configs:
                for key, outcome in (("OnSuccess", "success"), ("OnFailure", "failure")):
                    callee = self.function_of(dig(cfg.properties, "DestinationConfig", key, "Destination"))
                    if callee is not None:
                        found.setdefault(fn_id, {})[callee.logical_id] = outcome
        return found

    def source_of(self, mapping: Resource) -> Resource | None:
        """The queue, stream or table an event source mapping reads, when it is in this
        template: a ``Ref`` / ``Fn::GetAtt``, or an ARN built with ``Fn::Sub`` / ``Fn::Join``
        from exactly one such resource (``arn:...:sqs:${AWS::Region}:...:${Queue.QueueName}``)."""
        arn = mapping.get("EventSourceArn")
        src = self.ref(arn)
        if src is not None or not isinstance(arn, Mapping):
            return src
        found = [self.resources[lid] for lid in sorted(self.refs_in(arn))
                 if self.resources[lid].type in (QUEUE, KINESIS, KINESIS_CONSUMER, DYNAMODB, DYNAMODB_GLOBAL)]
        return found[0] if len(found) == 1 else None

    def stream_behind(self, source: Resource | None) -> Resource | None:
        """The stream or table a mapping's source stands for: an enhanced fan-out consumer's
        stream (``StreamARN``), else the source itself."""
        if source is not None and source.type == KINESIS_CONSUMER:
            return self.ref(source.get("StreamARN"))
        return source

    def stream_kind(self, mapping: Resource) -> str | None:
        """``"sqs"``, ``"kinesis"``, ``"dynamodb"``, ``"other"`` (Kafka, MQ...), or
        ``None`` when the source lies outside the template and nothing says which.

        A source outside the template is told by its ARN (a literal, the text of a
        ``Fn::Sub`` / ``Fn::Join``, or the ``Default`` of the parameter it references), else by
        what the mapping must hold for each kind of source (:data:`_NOT_SQS_PROPERTIES`):
        a mapping without ``StartingPosition`` (required for Kinesis, DynamoDB Streams and
        Kafka), ``Topics``, ``Queues`` or a DocumentDB configuration can only read SQS.
        Source: limits.SRC_ESM_API."""
        arn = mapping.get("EventSourceArn")
        src = self.source_of(mapping)
        if src is not None:
            if src.type == QUEUE:
                return "sqs"
            if src.type in (KINESIS, KINESIS_CONSUMER):
                return "kinesis"
            if src.type in (DYNAMODB, DYNAMODB_GLOBAL):
                return "dynamodb"
            return "other"
        if isinstance(arn, str):
            for service in ("sqs", "kinesis", "dynamodb"):
                if f":{service}:" in arn:
                    return service
            return "other"
        for text in (_flat_text(arn), self.parameter_default(arn) or ""):
            for service in ("sqs", "kinesis", "dynamodb"):
                if f":{service}:" in text:
                    return service
        if mapping.get("SelfManagedEventSource") is not None:
            return "other"
        if arn is not None and not any(key in mapping.properties for key in _NOT_SQS_PROPERTIES):
            return "sqs"
        return None

    def parameter_default(self, value: Any) -> str | None:
        """The ``Default`` of the template parameter ``value`` references (``{"Ref": P}``), if a string."""
        name = value.get("Ref") if isinstance(value, Mapping) and len(value) == 1 else None
        spec = dig(self.template, "Parameters", name) if isinstance(name, str) else None
        default = dig(spec, "Default")
        return default if isinstance(default, str) else None

    def polled_source(self, mapping: Resource) -> str:
        """The row of the invokers table for a mapping whose stream kind is ``"other"``."""
        if mapping.get("DocumentDBEventSourceConfig") is not None:
            return "documentdb"
        src = self.source_of(mapping)
        text = _flat_text(mapping.get("EventSourceArn"))
        if src is not None:
            text += " " + src.type.lower()
        if ":mq:" in text or "amazonmq" in text:
            return "mq"
        if ":rds:" in text or "docdb" in text:
            return "documentdb"
        return "kafka"

    def without_grants(self, triggers: list[Trigger]) -> list[Trigger]:
        """``triggers`` less the permissions that only grant a service another edge already
        wires (the rule, subscription, bucket or function URL that invokes): a permission is
        no second invoker beside the service it grants. One stays when it is its service's
        only edge, or when it names a source of its own in this template (a synchronous
        service's grant never does)."""
        wired = {(t.kind, t.invoker, t.function) for t in triggers if self._via_type(t) != PERMISSION}
        wired_sources = {(t.kind, t.invoker, t.function, t.source) for t in triggers if self._via_type(t) != PERMISSION}
        return [
            t for t in triggers
            if self._via_type(t) != PERMISSION or (t.kind, t.invoker, t.function) not in wired
            or (t.kind != "sync" and t.source is not None and (t.kind, t.invoker, t.function, t.source) not in wired_sources)
        ]

    def _via_type(self, trigger: Trigger) -> str | None:
        via = self.resources.get(trigger.via)
        return via.type if via is not None else None

    def _triggers(self) -> Iterator[Trigger]:
        yield from self._mapping_triggers()
        yield from self._permission_triggers()
        for fn_id, configs in self.event_invoke_configs.items():
            for cfg in configs:
                yield Trigger("async", fn_id, cfg.logical_id)
        for caller, configs in self.event_invoke_configs.items():
            for cfg in configs:
                for key, outcome in (("OnSuccess", "success"), ("OnFailure", "failure")):
                    callee = self.function_of(dig(cfg.properties, "DestinationConfig", key, "Destination"))
                    if callee is not None:
                        yield Trigger("destination", callee.logical_id, cfg.logical_id, caller,
                                      {"invoker": "destination", "on": outcome})
        yield from self._event_triggers()
        yield from self._api_triggers()
        yield from self._service_triggers()
        yield from self._lambda_to_lambda()

    def _mapping_triggers(self) -> Iterator[Trigger]:
        for mapping in self.of_type(ESM):
            fn = self.function_ref(mapping.get("FunctionName"))
            if fn is None:
                continue
            kind = self.stream_kind(mapping)
            src = self.source_of(mapping)
            detail = {"invoker": self.polled_source(mapping)} if kind == "other" else {}
            yield Trigger(
                kind if kind in ("sqs", "kinesis", "dynamodb") else "stream" if kind is None else kind,
                fn.logical_id,
                mapping.logical_id,
                src.logical_id if src else None,
                detail,
            )

    @cached_property
    def _authorizer_functions(self) -> set[str]:
        found = set()
        for auth in self.of_type("AWS::IoT::Authorizer"):
            fn = self.function_of(auth.get("AuthorizerFunctionArn")) or self.function_in(auth.get("AuthorizerFunctionArn"))
            if fn is not None:
                found.add(fn.logical_id)
        return found

    def _permission_triggers(self) -> Iterator[Trigger]:
        for perm in self.of_type(PERMISSION):
            fn = self.function_ref(perm.get("FunctionName"))
            principal = principal_name(perm.get("Principal"))
            if fn is None or principal is None or principal == APIGW_PRINCIPAL:
                continue  # API Gateway: the method / integration edge carries the timeout
            src_ids = self.refs_in(perm.get("SourceArn"))
            source = next(iter(sorted(src_ids)), None)
            invoker = _invoker_of_principal(principal)
            if principal == "iot.amazonaws.com":
                src_types = {self.resources[s].type for s in src_ids}
                authorizer = "AWS::IoT::Authorizer" in src_types or (
                    "AWS::IoT::TopicRule" not in src_types and fn.logical_id in self._authorizer_functions
                )
                invoker = "iot-authorizer" if authorizer else "iot"
            elif principal == "*":
                invoker = "function-url" if perm.get("FunctionUrlAuthType") is not None else None
            if invoker is None:
                continue
            detail = {"principal": principal, "invoker": invoker}
            if limits.LAMBDA_INVOKERS[invoker][0] == limits.SYNC:
                yield Trigger("sync", fn.logical_id, perm.logical_id, source, detail)
            else:
                kind = {"events": "eventbridge"}.get(principal.split(".")[0], principal.split(".")[0])
                yield Trigger(
                    kind if kind in ("s3", "sns", "eventbridge") else "async", fn.logical_id, perm.logical_id, source, detail
                )

    def _event_triggers(self) -> Iterator[Trigger]:
        for rule in self.of_type(EVENTS_RULE):
            for target in as_list(rule.get("Targets")):
                if not isinstance(target, Mapping):
                    continue
                fn = self.function_ref(target.get("Arn"))
                if fn is not None:
                    yield Trigger("eventbridge", fn.logical_id, rule.logical_id, rule.logical_id, {"target": target})
        for schedule in self.of_type(SCHEDULE):
            target = schedule.get("Target")
            fn = self.function_ref(dig(target, "Arn"))
            if fn is not None:
                yield Trigger(
                    "scheduler", fn.logical_id, schedule.logical_id, schedule.logical_id,
                    {"target": target, "invoker": "scheduler"},
                )
        for sub in self.of_type(SNS_SUBSCRIPTION):
            if sub.get("Protocol") != "lambda":
                continue
            fn = self.function_ref(sub.get("Endpoint"))
            if fn is not None:
                topic = self.ref(sub.get("TopicArn"))
                yield Trigger("sns", fn.logical_id, sub.logical_id, topic.logical_id if topic else None)
        for topic in self.of_type(SNS_TOPIC):
            for sub in as_list(topic.get("Subscription")):
                if dig(sub, "Protocol") == "lambda":
                    fn = self.function_ref(dig(sub, "Endpoint"))
                    if fn is not None:
                        yield Trigger("sns", fn.logical_id, topic.logical_id, topic.logical_id, {"inline": True})
        for bucket in self.of_type(S3_BUCKET, CDK_BUCKET_NOTIFICATIONS):
            source = bucket if bucket.type == S3_BUCKET else self.ref(bucket.get("BucketName"))
            for config in as_list(dig(bucket.properties, "NotificationConfiguration", "LambdaConfigurations")):
                fn = self.function_ref(dig(config, "Function"))
                if fn is not None:
                    yield Trigger("s3", fn.logical_id, bucket.logical_id, source.logical_id if source else None)

    def _api_triggers(self) -> Iterator[Trigger]:
        for method in self.of_type(REST_METHOD):
            integration = method.get("Integration")
            if not isinstance(integration, Mapping) or integration.get("Type") not in ("AWS_PROXY", "AWS"):
                continue
            fn = self.function_in(integration.get("Uri"))
            if fn is None:
                continue
            header = dig(integration, "RequestParameters", "integration.request.header.X-Amz-Invocation-Type")
            if integration.get("Type") == "AWS" and isinstance(header, str) and header.strip("'") == "Event":
                # A non-proxy integration may ask Lambda for an asynchronous invocation.
                yield Trigger("async", fn.logical_id, method.logical_id, method.logical_id,
                              {"invoker": "apigateway-rest", "principal": APIGW_PRINCIPAL})
                continue
            yield Trigger("apigateway", fn.logical_id, method.logical_id, method.logical_id,
                          {"api": "rest", "invoker": "apigateway-rest"})
        routes = self._websocket_routes
        for integ in self.of_type(HTTP_INTEGRATION):
            if integ.get("IntegrationType") not in ("AWS_PROXY", "AWS"):
                continue
            fn = self.function_in(integ.get("IntegrationUri"))
            if fn is None:
                continue
            api = self.ref(integ.get("ApiId"))
            websocket = (api is not None and api.get("ProtocolType") == "WEBSOCKET") or integ.get("IntegrationType") == "AWS"
            detail: dict[str, Any] = {"api": "websocket" if websocket else "http"}
            detail["invoker"] = f"apigateway-{detail['api']}"
            if websocket:
                detail["route_keys"] = routes.get(integ.logical_id, [])
            yield Trigger("apigateway", fn.logical_id, integ.logical_id, integ.logical_id, detail)
        for api in self.of_type(REST_API, HTTP_API):
            flavour = "rest" if api.type == REST_API else "http"
            for op in openapi_integrations(api.get("Body")):
                fn = self.function_in(op["uri"])
                if fn is None or str(op["type"]).lower() not in ("aws_proxy", "aws"):
                    continue
                yield Trigger("apigateway", fn.logical_id, api.logical_id, api.logical_id,
                              {"api": flavour, "invoker": f"apigateway-{flavour}", "openapi": op})
            if api.type == HTTP_API and api.get("Target") is not None:
                fn = self.function_of(api.get("Target")) or self.function_in(api.get("Target"))
                if fn is not None:
                    yield Trigger("apigateway", fn.logical_id, api.logical_id, api.logical_id,
                                  {"api": "http", "invoker": "apigateway-http", "quick_create": True})

    @cached_property
    def _websocket_routes(self) -> dict[str, list[str]]:
        """WebSocket route keys by the logical id of the integration they target."""
        found: dict[str, list[str]] = {}
        for route in self.of_type(HTTP_ROUTE):
            key = route.get("RouteKey")
            for lid in self.refs_in(route.get("Target")):
                if self.resources[lid].type == HTTP_INTEGRATION:
                    found.setdefault(lid, []).append(key if isinstance(key, str) else "?")
        return found

    def _service_triggers(self) -> Iterator[Trigger]:
        """Every other service that names a function in its own resource."""

        def edge(kind: str, invoker: str, via: Resource, value: Any) -> Iterator[Trigger]:
            fn = self.function_ref(value)
            if fn is not None:
                yield Trigger(kind, fn.logical_id, via.logical_id, via.logical_id, {"invoker": invoker})

        for res in self.resources.values():
            t, p = res.type, res.properties
            if t == FUNCTION_URL:
                yield from edge("sync", "function-url", res, p.get("TargetFunctionArn"))
            elif t == "AWS::ElasticLoadBalancingV2::TargetGroup" and str(p.get("TargetType")).lower() == "lambda":
                for target in as_list(p.get("Targets")):
                    yield from edge("sync", "alb", res, dig(target, "Id"))
            elif t == "AWS::VpcLattice::TargetGroup" and p.get("Type") == "LAMBDA":
                for target in as_list(p.get("Targets")):
                    yield from edge("sync", "vpc-lattice", res, dig(target, "Id"))
            elif t == "AWS::Cognito::UserPool" and isinstance(p.get("LambdaConfig"), Mapping):
                for value in p["LambdaConfig"].values():
                    yield from edge("sync", "cognito", res, dig(value, "LambdaArn") if isinstance(value, Mapping) and "LambdaArn" in value else value)
            elif t == "AWS::IoT::Authorizer":
                yield from edge("sync", "iot-authorizer", res, p.get("AuthorizerFunctionArn"))
            elif t == "AWS::IoT::TopicRule":
                payload = p.get("TopicRulePayload")
                for action in [*as_list(dig(payload, "Actions")), dig(payload, "ErrorAction")]:
                    yield from edge("async", "iot", res, dig(action, "Lambda", "FunctionArn"))
            elif t == "AWS::SecretsManager::RotationSchedule":
                yield from edge("sync", "secrets-manager", res, p.get("RotationLambdaARN"))
            elif t == "AWS::Logs::SubscriptionFilter":
                yield from edge("async", "logs", res, p.get("DestinationArn"))
            elif t == "AWS::Config::ConfigRule" and dig(p, "Source", "Owner") == "CUSTOM_LAMBDA":
                yield from edge("async", "config", res, dig(p, "Source", "SourceIdentifier"))
            elif t == "AWS::CodeCommit::Repository":
                for trig in as_list(p.get("Triggers")):
                    yield from edge("async", "codecommit", res, dig(trig, "DestinationArn"))
            elif t == "AWS::CloudWatch::Alarm":
                for action in as_list(p.get("AlarmActions")):
                    if ":lambda:" in _flat_text(action) or self.function_of(action) is not None:
                        yield from edge("async", "cloudwatch-alarms", res, action)
            elif t == "AWS::Pipes::Pipe":
                mode = dig(p, "TargetParameters", "LambdaFunctionParameters", "InvocationType")
                if mode == "FIRE_AND_FORGET":
                    yield from edge("async", "pipes-async", res, p.get("Target"))
                else:
                    yield from edge("sync", "pipes-sync", res, p.get("Target"))
            elif t == "AWS::CloudFront::Distribution":
                for assoc in _edge_associations(p.get("DistributionConfig")):
                    yield from edge("sync", "cloudfront", res, dig(assoc, "LambdaFunctionARN"))
            elif t == "AWS::KinesisFirehose::DeliveryStream":
                for arn in _firehose_processors(p):
                    yield from edge("sync", "firehose", res, arn)
            elif t == CUSTOM_RESOURCE or t.startswith("Custom::"):
                if t != CDK_BUCKET_NOTIFICATIONS or p.get("ServiceToken") is not None:
                    yield from edge("custom-resource", "cloudformation", res, p.get("ServiceToken"))

    def _lambda_to_lambda(self) -> Iterator[Trigger]:
        """Functions whose execution role may call ``lambda:InvokeFunction`` on another.

        A grant on one of the caller's own destinations (its event invoke config's
        OnSuccess / OnFailure: Lambda invokes it with the caller's role) is no call, and a
        durable caller suspends while its chained invoke runs instead of waiting."""
        policies: list[tuple[Resource, list[Any], list[Mapping[str, Any]]]] = []
        for pol in self.of_type(IAM_POLICY):
            policies.append((pol, as_list(pol.get("Roles")), _statements(pol.get("PolicyDocument"))))
        for role in self.of_type(IAM_ROLE):
            for inline in as_list(role.get("Policies")):
                if isinstance(inline, Mapping):
                    policies.append((role, [{"Ref": role.logical_id}], _statements(inline.get("PolicyDocument"))))
        for holder, roles, statements in policies:
            callers: list[str] = []
            for role_ref in roles:
                target = self.ref(role_ref)
                if target is not None:
                    callers.extend(self.role_owners.get(target.logical_id, []))
            if not callers:
                continue
            for stmt in statements:
                if not _allows_invoke(stmt):
                    continue
                resources = stmt.get("Resource")
                for res in resources if isinstance(resources, list) else [resources]:
                    for lid in sorted(self.refs_in(res)):
                        callee = self.function_of({"Ref": lid})
                        if callee is None:
                            continue
                        for caller in callers:
                            if caller == callee.logical_id or callee.logical_id in self.destinations.get(caller, {}):
                                continue
                            kind = "durable-invoke" if self.is_durable(self.resources[caller]) else "lambda"
                            yield Trigger(kind, callee.logical_id, holder.logical_id, caller)


def _function_name(text: str) -> str:
    """The function name in a name, a partial ARN or an ARN, without its qualifier."""
    if ":function:" in text:
        return text.split(":function:", 1)[1].split(":", 1)[0]
    return text.split(":", 1)[0]


def ref_id(value: Any) -> str | None:
    """The logical id in ``{"Ref": X}``, ``{"Fn::GetAtt": [X, attr]}`` or ``"X.attr"``."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ref = value.get("Ref")
    if isinstance(ref, str):
        return None if ref.startswith("AWS::") else ref
    att = value.get("Fn::GetAtt")
    if isinstance(att, list) and att and isinstance(att[0], str):
        return att[0]
    if isinstance(att, str):
        return att.split(".", 1)[0]
    return None


def _walk_refs(value: Any, depth: int) -> Iterator[str]:
    if depth > MAX_NESTING:
        return
    if isinstance(value, Mapping):
        lid = ref_id(value)
        if lid is not None:
            yield lid
            return
        if "Fn::ImportValue" in value:
            return
        sub = value.get("Fn::Sub")
        if sub is not None:
            text = sub[0] if isinstance(sub, list) and sub else sub
            if isinstance(text, str):
                yield from _SUB_VAR.findall(text)
            if isinstance(sub, list) and len(sub) > 1:
                yield from _walk_refs(sub[1], depth + 1)
            return
        for item in value.values():
            yield from _walk_refs(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_refs(item, depth + 1)


def _flat_text(value: Any, depth: int = 0) -> str:
    """A value's literal text: strings as they are, ``Fn::Join`` / ``Fn::Sub`` flattened,
    anything computed as ``*``. For telling ARNs and principals apart, never for values."""
    if depth > 20:
        return "*"
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        join = value.get("Fn::Join")
        if isinstance(join, list) and len(join) == 2 and isinstance(join[0], str) and isinstance(join[1], list):
            return join[0].join(_flat_text(v, depth + 1) for v in join[1])
        sub = value.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str):
            return re.sub(r"\$\{[^}]*\}", "*", text)
    return "*"


def principal_name(value: Any) -> str | None:
    """A permission's service principal as a plain name: ``"logs.amazonaws.com"`` for
    ``logs.eu-west-1.amazonaws.com`` or ``!Sub logs.${AWS::Region}.amazonaws.com``,
    without the China partition suffix; ``None`` when it cannot be read."""
    text = _flat_text(value)
    if text == "*" and value != "*":
        return None
    text = text.removesuffix(".cn")
    match = re.fullmatch(r"([a-z0-9-]+)\.[a-z0-9*-]+\.amazonaws\.com", text)
    if match and match.group(1) in ("logs", "states"):
        return f"{match.group(1)}.amazonaws.com"
    return text


def _invoker_of_principal(principal: str) -> str | None:
    for name, (_, principals, _, _, _) in limits.LAMBDA_INVOKERS.items():
        if principal in principals and not name.startswith("apigateway") and name != "iot-authorizer":
            return name
    return None


def openapi_integrations(body: Any) -> Iterator[dict[str, Any]]:
    """Every ``x-amazon-apigateway-integration`` of an OpenAPI ``Body``: its path, method,
    type, uri, timeoutInMillis and template location."""
    paths = dig(body, "paths")
    if not isinstance(paths, Mapping):
        return
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for method, op in item.items():
            if not isinstance(method, str) or method.lower() not in _HTTP_METHODS:
                continue
            integration = dig(op, "x-amazon-apigateway-integration")
            if not isinstance(integration, Mapping):
                continue
            escaped = str(path).replace("~", "~0").replace("/", "~1")
            yield {
                "path": str(path),
                "method": method,
                "type": integration.get("type", ""),
                "uri": integration.get("uri"),
                "timeout_ms": integration.get("timeoutInMillis"),
                "location": f"Properties/Body/paths/{escaped}/{method}/x-amazon-apigateway-integration",
            }


def _edge_associations(config: Any) -> Iterator[Any]:
    behaviors = [dig(config, "DefaultCacheBehavior"), *as_list(dig(config, "CacheBehaviors"))]
    for behavior in behaviors:
        yield from as_list(dig(behavior, "LambdaFunctionAssociations"))


def _firehose_processors(props: Mapping[str, Any]) -> Iterator[Any]:
    for value in props.values():
        for processor in as_list(dig(value, "ProcessingConfiguration", "Processors")):
            for param in as_list(dig(processor, "Parameters")):
                if dig(param, "ParameterName") == "LambdaArn":
                    yield dig(param, "ParameterValue")


def _statements(doc: Any) -> list[Mapping[str, Any]]:
    if not isinstance(doc, Mapping):
        return []
    stmts = doc.get("Statement") or []
    if isinstance(stmts, Mapping):
        stmts = [stmts]
    return [s for s in as_list(stmts) if isinstance(s, Mapping)]


def _allows_invoke(stmt: Mapping[str, Any]) -> bool:
    if stmt.get("Effect") != "Allow":
        return False
    actions = stmt.get("Action")
    actions = actions if isinstance(actions, list) else [actions]
    return any(
        isinstance(a, str) and a.lower() in ("lambda:invokefunction", "lambda:*", "*") for a in actions
    )


def _kind(value: Any) -> str:
    return {str: "string", list: "list", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )
