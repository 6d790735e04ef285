"""Stream on-failure destination messages: what was discarded, and where to read it back.

When a ``StreamProcessor`` gives up on a batch (retries exhausted, record too old), Lambda
sends *metadata*, not the records, to the on-failure destination: ``KinesisBatchInfo`` or
``DDBStreamBatchInfo`` with the shard and the first and last sequence numbers, and
``requestContext.condition`` saying why. Read the records again with ``GetShardIterator``
(``ShardIteratorType=AT_SEQUENCE_NUMBER``) + ``GetRecords`` while the stream still retains
them (24 h for DynamoDB Streams and by default for Kinesis).

Sources: https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html,
https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict


class NotAStreamFailureMessage(ValueError):
    """The message has neither ``KinesisBatchInfo`` nor ``DDBStreamBatchInfo``."""


class BatchInfo(TypedDict):
    """The discarded batch, as :func:`batch_info` returns it."""

    stream_arn: str | None
    shard_id: str
    start_sequence_number: str
    end_sequence_number: str
    batch_size: int | None
    condition: str | None


def batch_info(destination_message: Mapping[str, Any]) -> BatchInfo:
    """An on-failure destination message (already parsed from JSON) -> the discarded batch.

    ``condition`` is Lambda's reason (``RetryAttemptsExhausted``, ``RecordAgeExceeded``...).
    Raises :class:`NotAStreamFailureMessage` for anything else (an asynchronous invocation
    record, a plain message).
    """
    info = destination_message.get("KinesisBatchInfo") or destination_message.get("DDBStreamBatchInfo")
    if not isinstance(info, Mapping):
        raise NotAStreamFailureMessage(
            "not a stream on-failure message: it has neither KinesisBatchInfo nor DDBStreamBatchInfo"
        )
    context = destination_message.get("requestContext")
    return BatchInfo(
        stream_arn=info.get("streamArn"),
        shard_id=info["shardId"],
        start_sequence_number=info["startSequenceNumber"],
        end_sequence_number=info["endSequenceNumber"],
        batch_size=info.get("batchSize"),
        condition=context.get("condition") if isinstance(context, Mapping) else None,
    )
