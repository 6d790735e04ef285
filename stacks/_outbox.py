"""The outbox queue where the notification worker puts confirmations for the sender."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import limits


def notification_outbox(scope: Construct, id: str) -> sqs.Queue:
    """An encrypted, TLS-only queue (14 days) with its own dead-letter queue
    (``<id>DeadLetterQueue``, 14 days, maxReceiveCount 5): the sender is out of scope."""
    dead_letter_queue = sqs.Queue(
        scope,
        f"{id}DeadLetterQueue",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.seconds(limits.FAILURE_QUEUE_RETENTION_S),
    )
    Validations.of(dead_letter_queue).acknowledge(
        Acknowledgment(
            id="Serverless-SQSRedrivePolicy",
            reason="this is the outbox's dead-letter queue, kept 14 days for redrive; nothing "
            "consumes it, so it needs no dead-letter queue of its own",
        )
    )
    return sqs.Queue(
        scope,
        id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.seconds(limits.FAILURE_QUEUE_RETENTION_S),
        dead_letter_queue=sqs.DeadLetterQueue(
            queue=dead_letter_queue, max_receive_count=limits.DEFAULT_MAX_RECEIVE_COUNT
        ),
    )
