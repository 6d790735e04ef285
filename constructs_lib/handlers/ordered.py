"""A Powertools batch processor that keeps the order of a stream shard.

Powertools' ``BatchProcessor`` processes every record of a batch and reports each failed
one. For a stream that is wrong twice: Lambda checkpoints at the *lowest* reported
sequence number and redelivers everything after it anyway, so the records processed
after a failure are processed again, and they ran before an earlier record of their
shard succeeded (out of order). :class:`OrderedBatchProcessor` stops at the first failure
and reports it and every later record, untouched - as Powertools' own
``SqsFifoPartialProcessor`` does for FIFO queues. If the first record fails, the whole
invocation fails, so Lambda bisects the batch (``bisect_batch_on_error``).

Needs Powertools for AWS Lambda (``pip install "constructs-lib[handlers]"``).

Source: https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor


class ShardStoppedError(Exception):
    """A record left unprocessed because an earlier record of its batch failed."""


class OrderedBatchProcessor(BatchProcessor):
    """``BatchProcessor`` with a circuit breaker at the first failed record.

    Use it with Powertools' ``process_partial_response`` and
    ``EventType.KinesisDataStreams`` or ``EventType.DynamoDBStreams``.
    """

    _stopped_exc = (
        ShardStoppedError,
        ShardStoppedError("an earlier record of this batch failed; kept for the retry, in order"),
        None,
    )

    def _process_record(self, record: dict) -> Any:
        if self.fail_messages:
            return self.failure_handler(
                record=self._to_batch_type(record=record, event_type=self.event_type, model=self.model),
                exception=self._stopped_exc,
            )
        return super()._process_record(record)
