"""A CloudFormation template as the checks see it: resources, references, and the graph
of which trigger invokes which Lambda function (and how).

Pure: plain dicts in, plain objects out; no CDK, no I/O. The rules read it, and so will
the ``explain`` command. A reference that cannot be followed inside the one template
(``Fn::ImportValue``, a parameter, a literal ARN, a pseudo parameter) resolves to
``None``; rules then answer "not applicable" instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

#: Services that invoke Lambda asynchronously through a resource-based permission.
#: Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
ASYNC_PRINCIPALS = frozenset(
    {
        "s3.amazonaws.com",
        "sns.amazonaws.com",
        "events.amazonaws.com",
        "ses.amazonaws.com",
        "iot.amazonaws.com",
        "logs.amazonaws.com",
        "config.amazonaws.com",
        "codecommit.amazonaws.com",
        "cloudformation.amazonaws.com",
    }
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
EVENTS_RULE = "AWS::Events::Rule"
SNS_SUBSCRIPTION = "AWS::SNS::Subscription"
SNS_TOPIC = "AWS::SNS::Topic"
REST_METHOD = "AWS::ApiGateway::Method"
HTTP_INTEGRATION = "AWS::ApiGatewayV2::Integration"
IAM_POLICY = "AWS::IAM::Policy"
IAM_ROLE = "AWS::IAM::Role"
S3_BUCKET = "AWS::S3::Bucket"

#: Lambda's default function timeout when ``Timeout`` is absent: 3 s.
#: Source: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
LAMBDA_DEFAULT_TIMEOUT_S = 3.0
#: SQS's default visibility timeout when ``VisibilityTimeout`` is absent: 30 s.
#: Source: limits.SRC_SQS_VISIBILITY
SQS_DEFAULT_VISIBILITY_TIMEOUT_S = 30.0

_SUB_VAR = re.compile(r"\$\{([A-Za-z0-9_]+)(?:\.[A-Za-z0-9_.]+)?\}")


def number(value: Any) -> float | None:
    """A CloudFormation scalar as a number (``30`` or ``"30"``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def boolean(value: Any) -> bool | None:
    """A CloudFormation boolean (``true`` or ``"true"``), else ``None``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def is_intrinsic(value: Any) -> bool:
    """``{"Ref": ...}``, ``{"Fn::...": ...}``: a value CloudFormation computes."""
    return isinstance(value, Mapping) and len(value) == 1 and (
        "Ref" in value or next(iter(value)).startswith("Fn::")
    )


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

    ``kind`` is the invocation model: ``"sqs"``, ``"kinesis"``, ``"dynamodb"`` and
    ``"stream"`` (polled by an event source mapping), ``"async"`` (a service permission
    or an event invoke config), ``"eventbridge"``, ``"sns"``, ``"s3"``, ``"apigateway"``
    (synchronous) and ``"lambda"`` (another function allowed to invoke it).
    ``via`` is the resource that creates the edge (the mapping, the permission, the rule,
    the subscription, the method, the IAM policy); ``source`` the resource the events
    come from, ``None`` when it lies outside the template.
    """

    kind: str
    function: str
    via: str
    source: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


class TemplateModel:
    """A template's resources plus reference resolution and the invocation graph."""

    def __init__(self, template: Mapping[str, Any], *, name: str = "template") -> None:
        self.name = name
        self.template = template
        raw = template.get("Resources") or {}
        self.resources: dict[str, Resource] = {
            lid: Resource(
                lid,
                str(body.get("Type", "")),
                body.get("Properties") or {},
                body.get("Metadata") or {},
            )
            for lid, body in raw.items()
            if isinstance(body, Mapping)
        }

    # ----------------------------------------------------------------------------------
    # Resources and references
    # ----------------------------------------------------------------------------------
    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type in types]

    def ref(self, value: Any) -> Resource | None:
        """The resource a ``Ref`` / ``Fn::GetAtt`` points to, if it is in this template."""
        lid = ref_id(value)
        return self.resources.get(lid) if lid is not None else None

    def refs_in(self, value: Any) -> set[str]:
        """Every resource of this template referenced anywhere inside ``value``
        (``Ref``, ``Fn::GetAtt``, ``${X}`` in ``Fn::Sub``), e.g. in an integration URI."""
        found: set[str] = set()
        for lid in _walk_refs(value):
            if lid in self.resources:
                found.add(lid)
        return found

    def function_of(self, value: Any) -> Resource | None:
        """The function a function reference means: the function itself, or the function
        of an alias or version; ``None`` when the reference leaves the template."""
        res = self.ref(value)
        if res is None:
            return None
        if res.type in (FUNCTION, SERVERLESS_FUNCTION):
            return res
        if res.type in (ALIAS, VERSION):
            return self.function_of(res.get("FunctionName"))
        return None

    def functions(self) -> list[Resource]:
        return self.of_type(FUNCTION)

    def timeout_s(self, function: Resource) -> float | None:
        """The function's timeout (Lambda's default 3 s when absent; ``None`` if computed)."""
        value = function.get("Timeout")
        if value is None:
            return LAMBDA_DEFAULT_TIMEOUT_S
        return number(value)

    # ----------------------------------------------------------------------------------
    # The invocation graph
    # ----------------------------------------------------------------------------------
    @cached_property
    def triggers(self) -> list[Trigger]:
        return list(self._triggers())

    def triggers_of(self, function_id: str, *kinds: str) -> list[Trigger]:
        return [t for t in self.triggers if t.function == function_id and (not kinds or t.kind in kinds)]

    @cached_property
    def event_invoke_configs(self) -> dict[str, list[Resource]]:
        """Event invoke configs by the logical id of their function."""
        configs: dict[str, list[Resource]] = {}
        for cfg in self.of_type(EVENT_INVOKE_CONFIG):
            fn = self.function_of(cfg.get("FunctionName"))
            if fn is not None:
                configs.setdefault(fn.logical_id, []).append(cfg)
        return configs

    @cached_property
    def role_owners(self) -> dict[str, list[str]]:
        """Function logical ids by the logical id of their execution role."""
        owners: dict[str, list[str]] = {}
        for fn in self.functions():
            role = self.ref(fn.get("Role"))
            if role is not None:
                owners.setdefault(role.logical_id, []).append(fn.logical_id)
        return owners

    def stream_kind(self, mapping: Resource) -> str | None:
        """``"sqs"``, ``"kinesis"``, ``"dynamodb"``, ``"other"`` (Kafka, MQ...), or
        ``None`` when the source lies outside the template and the ARN does not say."""
        arn = mapping.get("EventSourceArn")
        src = self.ref(arn)
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
        if mapping.get("SelfManagedEventSource") is not None:
            return "other"
        return None

    def _triggers(self) -> Iterator[Trigger]:
        for mapping in self.of_type(ESM):
            fn = self.function_of(mapping.get("FunctionName"))
            if fn is None:
                continue
            kind = self.stream_kind(mapping)
            src = self.ref(mapping.get("EventSourceArn"))
            yield Trigger(
                kind if kind in ("sqs", "kinesis", "dynamodb") else "stream" if kind is None else kind,
                fn.logical_id,
                mapping.logical_id,
                src.logical_id if src else None,
            )
        for perm in self.of_type(PERMISSION):
            fn = self.function_of(perm.get("FunctionName"))
            principal = perm.get("Principal")
            if fn is None or not isinstance(principal, str):
                continue
            src_ids = self.refs_in(perm.get("SourceArn"))
            source = next(iter(sorted(src_ids)), None)
            if principal == APIGW_PRINCIPAL:
                continue  # the method/integration edge below carries the timeout
            if principal in ASYNC_PRINCIPALS:
                kind = principal.split(".")[0]
                kind = {"events": "eventbridge"}.get(kind, kind)
                yield Trigger(kind if kind in ("s3", "sns", "eventbridge") else "async", fn.logical_id, perm.logical_id, source, {"principal": principal})
        for fn_id, configs in self.event_invoke_configs.items():
            for cfg in configs:
                yield Trigger("async", fn_id, cfg.logical_id)
        for rule in self.of_type(EVENTS_RULE):
            for target in rule.get("Targets") or []:
                if not isinstance(target, Mapping):
                    continue
                fn = self.function_of(target.get("Arn"))
                if fn is not None:
                    yield Trigger("eventbridge", fn.logical_id, rule.logical_id, rule.logical_id, {"target": target})
        for sub in self.of_type(SNS_SUBSCRIPTION):
            if sub.get("Protocol") != "lambda":
                continue
            fn = self.function_of(sub.get("Endpoint"))
            if fn is not None:
                topic = self.ref(sub.get("TopicArn"))
                yield Trigger("sns", fn.logical_id, sub.logical_id, topic.logical_id if topic else None)
        for method in self.of_type(REST_METHOD):
            integration = method.get("Integration") or {}
            if not isinstance(integration, Mapping) or integration.get("Type") not in ("AWS_PROXY", "AWS"):
                continue
            for lid in sorted(self.refs_in(integration.get("Uri"))):
                fn = self.function_of({"Ref": lid})
                if fn is not None:
                    yield Trigger("apigateway", fn.logical_id, method.logical_id, method.logical_id, {"api": "rest"})
        for integ in self.of_type(HTTP_INTEGRATION):
            if integ.get("IntegrationType") != "AWS_PROXY":
                continue
            for lid in sorted(self.refs_in(integ.get("IntegrationUri"))):
                fn = self.function_of({"Ref": lid})
                if fn is not None:
                    yield Trigger("apigateway", fn.logical_id, integ.logical_id, integ.logical_id, {"api": "http"})
        yield from self._lambda_to_lambda()

    def _lambda_to_lambda(self) -> Iterator[Trigger]:
        """Functions whose execution role may call ``lambda:InvokeFunction`` on another."""
        policies: list[tuple[Resource, list[Any], list[Any]]] = []
        for pol in self.of_type(IAM_POLICY):
            doc = pol.get("PolicyDocument") or {}
            policies.append((pol, list(pol.get("Roles") or []), _statements(doc)))
        for role in self.of_type(IAM_ROLE):
            for inline in role.get("Policies") or []:
                if isinstance(inline, Mapping):
                    policies.append((role, [{"Ref": role.logical_id}], _statements(inline.get("PolicyDocument") or {})))
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
                            if caller != callee.logical_id:
                                yield Trigger("lambda", callee.logical_id, holder.logical_id, caller)


def ref_id(value: Any) -> str | None:
    """The logical id in ``{"Ref": X}``, ``{"Fn::GetAtt": [X, attr]}`` or ``"X.attr"``."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    if "Ref" in value and isinstance(value["Ref"], str):
        return None if value["Ref"].startswith("AWS::") else value["Ref"]
    att = value.get("Fn::GetAtt")
    if isinstance(att, list) and att and isinstance(att[0], str):
        return att[0]
    if isinstance(att, str):
        return att.split(".", 1)[0]
    return None


def _walk_refs(value: Any) -> Iterator[str]:
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
                yield from _walk_refs(sub[1])
            return
        for item in value.values():
            yield from _walk_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_refs(item)


def _statements(doc: Any) -> list[Mapping[str, Any]]:
    if not isinstance(doc, Mapping):
        return []
    stmts = doc.get("Statement") or []
    if isinstance(stmts, Mapping):
        stmts = [stmts]
    return [s for s in stmts if isinstance(s, Mapping)]


def _allows_invoke(stmt: Mapping[str, Any]) -> bool:
    if stmt.get("Effect") != "Allow":
        return False
    actions = stmt.get("Action")
    actions = actions if isinstance(actions, list) else [actions]
    return any(
        isinstance(a, str) and a.lower() in ("lambda:invokefunction", "lambda:*", "*") for a in actions
    )
