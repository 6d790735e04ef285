"""What every failure path ends in: a durable, encrypted queue - and the cdk-nag
acknowledgments that the shared design makes true for every construct."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import limits


def acknowledge(construct: Construct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag (or other policy-validation) finding on ``construct`` and
    its children, with the specific reason it does not apply."""
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))


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
