"""What every failure path ends in: a durable, encrypted queue - and the cdk-nag
acknowledgments that the shared design makes true for every construct."""

from __future__ import annotations

import json
import re
from typing import Literal

from aws_cdk import Acknowledgment, CfnResource, Duration, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import limits
from constructs_lib._validation import number


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
) -> sqs.Queue:
    """An encrypted (SSE-SQS, or KMS with ``encryption_key``), TLS-only queue that keeps
    messages 14 days, the SQS maximum, so an operator has the longest time to redrive.

    It is the end of a failure path, not consumed by anything, so it has no DLQ of its
    own; cdk-nag's "queue without a DLQ" findings are acknowledged with ``purpose`` (for
    example "the on-failure destination of discarded stream batches"). A queue that is
    the redrive target of another queue (``redrive_target``) is recognised as a DLQ by
    AwsSolutions-SQS3, so only the Serverless rule is acknowledged then.
    """
    queue = sqs.Queue(
        scope,
        id,
        fifo=True if fifo else None,
        encryption=sqs.QueueEncryption.KMS if encryption_key else sqs.QueueEncryption.SQS_MANAGED,
        encryption_master_key=encryption_key,
        enforce_ssl=True,
        retention_period=Duration.seconds(limits.FAILURE_QUEUE_RETENTION_S),
    )
    reason = (
        f"{purpose}: the end of a failure path, kept 14 days for inspection and redrive; "
        "nothing consumes it, so a dead-letter queue of its own would only move the problem"
    )
    acknowledge(queue, "Serverless-SQSRedrivePolicy", reason)
    if not redrive_target:
        acknowledge(queue, "AwsSolutions-SQS3", reason)
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

