"""What every failure path ends in: a durable, encrypted queue - and the cdk-nag
acknowledgments that the shared design makes true for every construct."""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import jsii
from aws_cdk import Acknowledgment, CfnResource, Reference, Stack, Token, Tokenization, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import limits
from constructs_lib._validation import duration_seconds, number


#: The acknowledgment namespace of our own checks (``constructs_lib.checks.PLUGIN_NAME``).
_OUR_RULES = "constructs-lib::"


def acknowledge(construct: Construct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag (or other policy-validation) finding on ``construct`` and
    its children, with the specific reason it does not apply.

    An acknowledgment of one of our own rules (``constructs-lib::<rule id>``) is also
    written into the template, on the construct's CloudFormation resource, as
    ``Metadata["constructs-lib"]["acknowledge"]``: ``constructs-lib check`` reads it from
    any template, so it is as quiet as the synth-time plugin. One ``add_metadata`` per
    acknowledgment (after reading the ones already there).
    """
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))
    if rule_id.startswith(_OUR_RULES):
        resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
        if isinstance(resource, CfnResource):
            existing = resource.get_metadata("constructs-lib")
            entries = list(existing.get("acknowledge", [])) if isinstance(existing, dict) else []
            entries.append({"id": rule_id.removeprefix(_OUR_RULES), "reason": reason})
            resource.add_metadata("constructs-lib", {"acknowledge": entries})


def create_failure_queue(
    scope: Construct,
    id: str,
    *,
    purpose: str,
    encryption_key: kms.IKey | None = None,
    fifo: bool = False,
    redrive_target: bool = False,
    acknowledge: bool = True,
) -> sqs.Queue:
    """An encrypted (SSE-SQS, or KMS with ``encryption_key``), TLS-only queue that keeps
    messages 14 days, the SQS maximum, so an operator has the longest time to redrive.

    It is the end of a failure path, not consumed by anything, so it has no DLQ of its
    own; cdk-nag's "queue without a DLQ" findings are acknowledged with ``purpose`` (for
    example "the on-failure destination of discarded stream batches"). A queue that is
    the redrive target of another queue (``redrive_target``) is recognised as a DLQ by
    AwsSolutions-SQS3, so only the Serverless rule is acknowledged then. With
    ``acknowledge=False`` the caller acknowledges them itself, in one batch
    (:func:`failure_queue_acknowledgments`).
    """
    queue = sqs.Queue(
        scope,
        id,
        fifo=True if fifo else None,
        encryption=sqs.QueueEncryption.KMS if encryption_key else sqs.QueueEncryption.SQS_MANAGED,
        encryption_master_key=encryption_key,
        enforce_ssl=True,
        retention_period=duration_seconds(limits.FAILURE_QUEUE_RETENTION_S),
    )
    if acknowledge:
        acknowledge_all(queue, failure_queue_acknowledgments(purpose, redrive_target=redrive_target))
    return queue


#: How a queue is encrypted at rest, as :func:`queue_encryption` reports it.
QueueEncryptionKind = Literal["none", "sqs-managed", "kms-managed", "kms"]

#: The AWS managed SQS key (``sqs.QueueEncryption.KMS_MANAGED``). Its key policy cannot be
#: changed. Source: limits.SRC_SQS_KEY_MANAGEMENT.
_AWS_MANAGED_SQS_KEY = re.compile(r"alias/aws/sqs(?![\w/-])")


def queue_encryption(queue: sqs.IQueue) -> QueueEncryptionKind | None:
    """How ``queue`` is encrypted: ``"none"`` (encryption turned off), ``"sqs-managed"``
    (SSE-SQS), ``"kms-managed"`` (the AWS managed key ``alias/aws/sqs``), ``"kms"`` (any
    other KMS key), or ``None`` when it cannot be known (an imported queue without a key).

    A queue made in this app is read from its ``CfnQueue``: SQS encrypts new queues with
    SSE-SQS unless ``SqsManagedSseEnabled`` is explicitly false, so an unset value counts
    as ``"sqs-managed"``.
    """
    cfn = queue.node.default_child
    if isinstance(cfn, sqs.CfnQueue):
        if cfn.kms_master_key_id is not None:
            return "kms-managed" if _is_aws_managed_key(queue, cfn.kms_master_key_id) else "kms"
        if cfn.sqs_managed_sse_enabled is False:
            return "none"
        return "sqs-managed"
    key = queue.encryption_master_key
    if key is not None:
        return "kms-managed" if _is_aws_managed_key(queue, key.key_arn) else "kms"
    return None


def _is_aws_managed_key(queue: sqs.IQueue, key_id: object) -> bool:
    """Whether a key id / ARN (possibly a token) names ``alias/aws/sqs``."""
    resolved = queue.stack.resolve(key_id)
    text = resolved if isinstance(resolved, str) else json.dumps(resolved)
    return _AWS_MANAGED_SQS_KEY.search(text) is not None


def queue_retention_s(queue: sqs.IQueue) -> float | None:
    """The retention of a queue made in this app (SQS's default when unset), else ``None``
    (an imported queue, or a token)."""
    cfn = queue.node.default_child
    if not isinstance(cfn, sqs.CfnQueue):
        return None
    if cfn.message_retention_period is None:
        return float(limits.SQS_DEFAULT_RETENTION_S)
    return number(cfn.message_retention_period)

def acknowledge_all(construct: Construct, acknowledgments: Mapping[str, str]) -> None:
    """Acknowledge several findings on ``construct`` and its children in one call (each
    ``Validations.of(x).acknowledge`` is a jsii round trip). Every reason must be true of
    every resource under ``construct`` that the rule could report."""
    ours = {rule_id: reason for rule_id, reason in acknowledgments.items() if rule_id.startswith(_OUR_RULES)}
    for rule_id, reason in ours.items():
        acknowledge(construct, rule_id, reason)  # also written into the template's Metadata
    others = [Acknowledgment(id=rule_id, reason=reason) for rule_id, reason in acknowledgments.items() if rule_id not in ours]
    if others:
        Validations.of(construct).acknowledge(*others)


def failure_queue_acknowledgments(purpose: str, *, redrive_target: bool = False) -> dict[str, str]:
    """The cdk-nag findings a failure queue (see :func:`create_failure_queue`) does not
    deserve, with ``purpose`` in the reason."""
    reason = (
        f"{purpose}: the end of a failure path, kept 14 days for inspection and redrive; "
        "nothing consumes it, so a dead-letter queue of its own would only move the problem"
    )
    acks = {"Serverless-SQSRedrivePolicy": reason}
    if not redrive_target:
        acks["AwsSolutions-SQS3"] = reason
    return acks


# --------------------------------------------------------------------------------------
# Failure destinations with exactly the permissions delivery needs
# --------------------------------------------------------------------------------------
@jsii.implements(lambda_.IEventSourceDlq, lambda_.IDestination)
class PreboundDestination:
    """A destination whose permissions are already granted (see :func:`grant_delivery`):
    ``bind`` only names the ARN. aws-cdk-lib's own destinations grant more than delivery
    needs (``SqsDlq``: GetQueueAttributes, GetQueueUrl; ``S3OnFailureDestination``: read,
    delete, retention and legal hold on the whole bucket)."""

    def __init__(self, arn: str) -> None:
        self.arn = arn

    def bind(self, *_args: Any, **_kwargs: Any) -> Any:
        # IEventSourceDlq.bind(target, target_handler) and IDestination.bind(scope, fn,
        # options) return structs of the same shape: {destination: arn}.
        return lambda_.DlqDestinationConfig(destination=self.arn)


#: What Lambda needs to deliver an invocation record, per destination service. ``objects``:
#: only on the bucket's object ARNs (``arn/*``); ``bucket``: only on the bucket ARN.
#: Source: limits.SRC_LAMBDA_DESTINATION_PERMISSIONS (SQS: sqs:SendMessage; SNS:
#: sns:Publish; S3: s3:PutObject and s3:ListBucket; with a customer managed key,
#: kms:Decrypt and kms:GenerateDataKey for SQS and SNS, kms:GenerateDataKey for S3) and
#: limits.SRC_LAMBDA_ASYNC_DEST (EventBridge: events:PutEvents; Lambda: lambda:InvokeFunction).
DELIVERY_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "sqs": (("sqs:SendMessage", "all"),),
    "sns": (("sns:Publish", "all"),),
    "s3": (("s3:PutObject", "objects"), ("s3:ListBucket", "bucket")),
    "events": (("events:PutEvents", "all"),),
    "lambda": (("lambda:InvokeFunction", "all"),),
}
#: The key permissions per destination service (same sources).
DELIVERY_KEY_ACTIONS: dict[str, tuple[str, ...]] = {
    "sqs": ("kms:Decrypt", "kms:GenerateDataKey"),
    "sns": ("kms:Decrypt", "kms:GenerateDataKey"),
    "s3": ("kms:GenerateDataKey",),
}


def delivery_statements(statements: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Trim the statements a destination's ``bind`` granted to what delivery needs.

    Pure: statements as ``PolicyDocument.to_json()`` renders them. A statement of a service
    not listed in :data:`DELIVERY_ACTIONS` is kept unchanged (never drop what an unknown
    destination may need); an action pattern (``kms:GenerateDataKey*``) grants the exact
    action inside it that delivery needs.
    """

    def actions_of(statement: Mapping[str, Any]) -> list[str]:
        raw = statement.get("Action", [])
        return [raw] if isinstance(raw, str) else list(raw)

    def resources_of(statement: Mapping[str, Any]) -> list[str]:
        raw = statement.get("Resource", [])
        return [raw] if isinstance(raw, str) else list(raw)

    services = {a.split(":", 1)[0] for s in statements for a in actions_of(s)} - {"kms"}
    trimmed: list[dict[str, Any]] = []
    for statement in statements:
        actions = actions_of(statement)
        resources = resources_of(statement)
        service = {a.split(":", 1)[0] for a in actions}
        if statement.get("Effect", "Allow") != "Allow" or len(service) != 1 or set(statement) - {"Action", "Effect", "Resource"}:
            trimmed.append(dict(statement))
            continue
        (svc,) = service
        if svc == "kms":
            wanted = sorted({a for s in services for a in DELIVERY_KEY_ACTIONS.get(s, ("kms:Decrypt", "kms:GenerateDataKey"))})
            keep = [w for w in wanted if any(fnmatch.fnmatchcase(w, pattern) for pattern in actions)]
            if keep:
                trimmed.append({"Action": keep, "Effect": "Allow", "Resource": resources})
            continue
        if svc not in DELIVERY_ACTIONS:
            trimmed.append(dict(statement))
            continue
        by_scope: dict[str, list[str]] = {}
        for action, scope in DELIVERY_ACTIONS[svc]:
            if any(fnmatch.fnmatchcase(action, pattern) for pattern in actions):
                by_scope.setdefault(scope, []).append(action)
        for scope, keep in by_scope.items():
            if scope == "all":
                # Lambda invokes the destination it names (a function, version or alias ARN);
                # aws-cdk-lib's grant_invoke adds <ARN>:*, every version and alias besides.
                scoped = [r for r in resources if not r.endswith(":*")] if svc == "lambda" else resources
            else:
                scoped = [r for r in resources if r.endswith("/*") == (scope == "objects")]
            if scoped:
                trimmed.append({"Action": keep, "Effect": "Allow", "Resource": scoped})
    return trimmed


#: Why a delivery statement's wildcard resource is needed, per service.
_WILDCARD_REASONS = {
    "s3": "s3:PutObject on the objects of the on-failure bucket only: Lambda names each object it "
    "writes (one per discarded batch), so the key cannot be known in advance",
}


def wildcard_acknowledgments(scope: Construct, statements: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """cdk-nag's AwsSolutions-IAM5 acknowledgments for the wildcard resources (``arn/*``) of
    trimmed delivery statements, named as cdk-nag names them (:func:`iam5_resource_finding`),
    each with why delivery needs it."""
    acks: dict[str, str] = {}
    for statement in statements:
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else list(statement["Action"])
        reason = _WILDCARD_REASONS.get(actions[0].split(":", 1)[0]) if actions else None
        resources = [statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"]
        for resource in resources:
            if reason is not None and resource.endswith("*"):
                acks[iam5_resource_finding(scope, resource)] = reason
    return acks


# --------------------------------------------------------------------------------------
# Naming a finding as cdk-nag will, at construction time, without a token in the key
# --------------------------------------------------------------------------------------
def flatten_reference(node: Any) -> str:
    """A resolved CloudFormation value as one string, exactly as cdk-nag 3 flattens it for
    granular findings (``flattenCfnReference``): ``Fn::Join`` joined, ``Fn::Sub``'s ``${x}``
    as ``<x>``, ``Fn::GetAtt`` as ``<Logical.Attr>``, ``Ref`` as ``<Logical>``,
    ``Fn::ImportValue`` as the export's name, anything else as compact JSON."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, Mapping):
        if node.get("Fn::Join"):
            delimiter, items = node["Fn::Join"]
            return str(delimiter).join(flatten_reference(item) for item in items)
        if node.get("Fn::Sub"):
            return flatten_reference(node["Fn::Sub"])
        if node.get("Fn::GetAtt"):
            resource, attribute = node["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if node.get("Fn::ImportValue"):
            return flatten_reference(node["Fn::ImportValue"])
        if node.get("Ref"):
            return f"<{flatten_reference(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"))


def _as_imported(stack: Stack, value: str) -> str:
    """``value`` with every reference to a resource of another (top-level) stack replaced by
    the import CloudFormation will see after synthesis (``producer.export_value``: the export
    aws-cdk-lib makes for that reference anyway), so resolving it now gives what cdk-nag reads
    later. References inside nested stacks are left as they are."""
    if "${Token[" not in value:
        return value
    fragments = Tokenization.reverse_string(value)
    for token in fragments.tokens:
        target = token.target if isinstance(token, Reference) else None
        if not isinstance(target, CfnResource):
            continue
        producer = Stack.of(target)
        if producer is stack or producer.nested or stack.nested:
            continue
        value = value.replace(Token.as_string(token), producer.export_value(Token.as_string(token)))
    return value


def iam5_resource_finding(scope: Construct | Stack, resource: str, *, local: bool = False) -> str:
    """The id of cdk-nag's AwsSolutions-IAM5 finding for a wildcard ``resource`` of a policy in
    ``scope``'s stack, as a plain string (an acknowledgment key must never be a token): an
    imported ARN (``arn:<AWS::Partition>:...``), a parameter, or a resource of another stack
    (its export's name) each as cdk-nag names them. ``local``: the caller knows ``resource``
    names a resource of this very stack (no reference to look for: three jsii round trips
    fewer)."""
    stack = scope if isinstance(scope, Stack) else Stack.of(scope)
    value = resource if local else _as_imported(stack, resource)
    return f"AwsSolutions-IAM5[Resource::{flatten_reference(stack.resolve(value))}]"


def grant_delivery(function: lambda_.IFunction, statements: Sequence[Mapping[str, Any]]) -> None:
    """Add ``statements`` (already trimmed) to ``function``'s role."""
    for statement in statements:
        resources = statement["Resource"]
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=list(statement["Action"]) if not isinstance(statement["Action"], str) else [statement["Action"]],
                resources=[resources] if isinstance(resources, str) else list(resources),
            )
        )


def bind_through_proxy(
    owner: Construct, function: lambda_.IFunction, bind: Callable[[Construct, lambda_.IFunction], str]
) -> tuple[str, list[dict[str, Any]]]:
    """Run a destination's ``bind`` against a stand-in for ``function`` (same ARN, a
    throw-away role) and return the destination ARN and the statements it granted, so the
    caller can grant ``function`` only what delivery needs. ``bind(scope, stand_in)``
    receives a temporary scope for anything it must pass along (an event source mapping
    stand-in); the stand-in and its role are removed afterwards."""
    scope = Construct(owner, "DestinationBinding")
    try:
        role = iam.Role(scope, "Role", assumed_by=lambda_principal())
        stand_in = lambda_.Function.from_function_attributes(
            scope, "Function", function_arn=function.function_arn, role=role, same_environment=True
        )
        arn = bind(scope, stand_in)
        policy = role.node.try_find_child("DefaultPolicy")
        statements = policy.document.to_json().get("Statement", []) if isinstance(policy, iam.Policy) else []
    finally:
        owner.node.try_remove_child("DestinationBinding")
    return arn, [dict(s) for s in statements]


@functools.cache
def lambda_principal() -> iam.ServicePrincipal:
    """``lambda.amazonaws.com``, made once per process (it is a value, not a construct)."""
    return iam.ServicePrincipal("lambda.amazonaws.com")


#: What a destination ARN points at, as far as this app can tell.
DestinationKind = Literal["sqs-queue", "sns-topic", "s3-bucket", "other"]


def destination_facts(arn: str) -> dict[str, Any]:
    """What can be known about the resource behind a destination ARN: ``kind``, and for a
    queue or topic made in this app (or imported by an ARN string) ``fifo``; for a queue
    made in this app ``encryption`` (see :func:`queue_encryption`) and ``retention_s``.
    Unknown facts are missing or ``None``."""
    resolved = arn if not Token.is_unresolved(arn) else None
    if resolved is not None:
        service = resolved.split(":")[2] if resolved.count(":") >= 5 else ""
        kind = {"sqs": "sqs-queue", "sns": "sns-topic", "s3": "s3-bucket"}.get(service, "other")
        return {"kind": kind, "fifo": resolved.endswith(".fifo") if kind in ("sqs-queue", "sns-topic") else None}
    fragments = Tokenization.reverse_string(arn)
    token = fragments.first_token if fragments.length == 1 else None
    target = token.target if isinstance(token, Reference) else None
    if isinstance(target, sqs.CfnQueue):
        retention = target.message_retention_period
        encryption: str = "sqs-managed"
        if target.kms_master_key_id is not None:
            encryption = "kms"
        elif target.sqs_managed_sse_enabled is False:
            encryption = "none"
        return {
            "kind": "sqs-queue",
            "fifo": target.fifo_queue if isinstance(target.fifo_queue, bool) else None,
            "encryption": encryption,
            "retention_s": float(limits.SQS_DEFAULT_RETENTION_S) if retention is None else _plain_number(retention),
            "path": target.node.scope.node.path if target.node.scope is not None else target.node.path,
        }
    if isinstance(target, sns.CfnTopic):
        fifo = target.fifo_topic
        return {"kind": "sns-topic", "fifo": fifo if isinstance(fifo, bool) else None}
    if isinstance(target, s3.CfnBucket):
        return {"kind": "s3-bucket"}
    return {"kind": "other"}


def _plain_number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if value <= -1e288 and Token.is_unresolved(value) else float(value)
    return None
