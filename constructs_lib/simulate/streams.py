"""A Kinesis or DynamoDB stream read by a Lambda event source mapping.

- Shards x ``ParallelizationFactor`` concurrent batches; records of one partition key stay
  in order in one of them (limits.SRC_LAMBDA_KINESIS). Lambda polls each shard once per
  second (Kinesis) or 4 times per second (DynamoDB), waiting up to
  ``MaximumBatchingWindowInSeconds`` to fill a batch. A DynamoDB stream's shard count is
  not in the template: the simulation uses one shard; a Kinesis stream's ``ShardCount``,
  with at most ``config.MAX_SIMULATED_LANES`` concurrent batches (a note says so).
- Records matching no filter are skipped (limits.SRC_ESM_FILTERING).
- A failed batch blocks its shard and is retried until ``MaximumRetryAttempts`` (-1:
  forever), records older than ``MaximumRecordAgeInSeconds`` are discarded, and records
  the stream no longer retains (24 h for DynamoDB, the stream's retention for Kinesis)
  are gone. Throttles are retried without consuming retries, until the records expire.
  ``BisectBatchOnFunctionError`` splits a failed batch in two; splitting does not consume
  the retry quota. Sources: limits.SRC_LAMBDA_STREAM_ERRORS, limits.SRC_LAMBDA_DDB.
- A discarded batch goes to the on-failure destination: an S3 bucket receives its records
  (dead-lettered); an SQS queue or SNS topic only its metadata - shard and sequence
  numbers - so its records are *metadata only*: still readable from the stream until its
  retention ends, then gone. Without a destination they are lost.
  Sources: limits.SRC_LAMBDA_STREAM_ERRORS, limits.SRC_LAMBDA_ESM_DESTINATION_PERMISSIONS.
- ``ReportBatchItemFailures``: Lambda checkpoints before the lowest reported sequence
  number and retries from there; an invalid report fails the batch
  (limits.SRC_LAMBDA_DDB_PARTIAL). A report whose lowest failure is the batch's first
  record leaves nothing to checkpoint: the simulation handles it like a function error
  (bisected when bisection is on), which AWS's documentation leaves open.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.config import StreamMapping
from constructs_lib.simulate.invokers import Record
from constructs_lib.simulate.patterns import matches
from constructs_lib.simulate.runtime import (
    DEAD_LETTERED,
    FILTERED,
    LOST,
    METADATA_ONLY,
    THROTTLE_BACKOFF_S,
    FunctionRuntime,
    Tracker,
    always_fails,
    failed_items,
    notify,
)
from constructs_lib.simulate.source import EventSpec



@dataclass
class StreamRecord:
    event: int
    seq: str
    arrived: float
    payload: Any
    key: str


class SubShard:
    def __init__(self, env: simpy.Environment, name: str) -> None:
        self.name = name
        self.records: deque[StreamRecord] = deque()
        self.changed = env.event()


class StreamSim:
    def __init__(self, env: simpy.Environment, cfg: StreamMapping, runtime: FunctionRuntime, tracker: Tracker) -> None:
        self.env, self.cfg, self.runtime, self.tracker = env, cfg, runtime, tracker
        self.subshards: dict[int, SubShard] = {}
        polls = limits.KINESIS_POLLS_PER_SECOND if cfg.kind == "kinesis" else limits.DYNAMODB_STREAM_POLLS_PER_SECOND
        self.poll_interval = 1.0 / polls
        self.bisections = 0

    def start(self, events: Sequence[EventSpec]) -> None:
        factor = max(self.cfg.parallelization, 1)
        for lane in range(self.cfg.lanes):
            sub = SubShard(self.env, f"shardId-{lane // factor:012d}/{lane % factor}")
            self.subshards[lane] = sub
            self.env.process(self._reader(sub))
        self.env.process(self._arrivals(events))

    def _lane(self, key: str) -> int:
        return zlib.crc32(key.encode()) % self.cfg.lanes

    def _arrivals(self, events: Sequence[EventSpec]) -> Generator[simpy.Event, Any, None]:
        for spec in events:
            if spec.time > self.env.now:
                yield self.env.timeout(spec.time - self.env.now)
            key = spec.partition_key or str(spec.index)
            sub = self.subshards[self._lane(key)]
            sub.records.append(StreamRecord(spec.index, spec.item_id or f"{spec.index + 1:021d}", self.env.now, spec.payload, key))
            self.tracker.arrived(spec.index)
            notify(self.env, sub)

    def _reader(self, sub: SubShard) -> Generator[simpy.Event, Any, None]:
        cfg = self.cfg
        while True:
            if not sub.records:
                yield sub.changed
                yield self.env.timeout(self.poll_interval)  # the next poll of the shard
                continue
            if cfg.window_s > 0 and len(sub.records) < cfg.batch_size:
                deadline = self.env.now + cfg.window_s
                while self.env.now < deadline and len(sub.records) < cfg.batch_size:
                    yield sub.changed | self.env.timeout(deadline - self.env.now)
            batch: list[StreamRecord] = []
            while sub.records and len(batch) < cfg.batch_size:
                record = sub.records.popleft()
                if self._filtered(record):
                    continue
                batch.append(record)
            if batch:
                yield from self._process(sub, batch)

    def _filtered(self, record: StreamRecord) -> bool:
        if not self.cfg.filters or record.payload is None:
            return False
        view = record.payload if self.cfg.kind == "dynamodb" else {"data": record.payload}
        if any(matches(f, view) for f in self.cfg.filters):
            return False
        self.tracker.finish(record.event, FILTERED, "filtered")
        return True

    def _expire(self, batch: list[StreamRecord]) -> list[StreamRecord]:
        now, cfg = self.env.now, self.cfg
        kept = []
        too_old = []
        for r in batch:
            if now - r.arrived >= cfg.retention_s:
                self.tracker.finish(r.event, LOST, "stream-retention")
            elif cfg.max_record_age_s is not None and now - r.arrived > cfg.max_record_age_s:
                too_old.append(r)
            else:
                kept.append(r)
        if too_old:
            self._discard(too_old, "RecordAgeExceeded", 0)
        return kept

    def _discard(self, batch: list[StreamRecord], condition: str, attempts: int) -> None:
        cfg, tracker = self.cfg, self.tracker
        if cfg.on_failure is None:
            for r in batch:
                tracker.finish(r.event, LOST, "stream-discarded")
            return
        info_key = "KinesisBatchInfo" if cfg.kind == "kinesis" else "DDBStreamBatchInfo"
        self.tracker.deliver(cfg.on_failure, {
            "requestContext": {"condition": condition, "approximateInvokeCount": attempts},
            "version": "1.0",
            "timestamp": self.env.now,
            info_key: {
                "shardId": self._shard_of(batch[0]),
                "startSequenceNumber": batch[0].seq,
                "endSequenceNumber": batch[-1].seq,
                "batchSize": len(batch),
                "streamArn": cfg.source,
            },
        }, event=min(r.event for r in batch))
        if cfg.on_failure_kind in limits.STREAM_DESTINATIONS_KEEPING_RECORDS:
            for r in batch:
                tracker.finish(r.event, DEAD_LETTERED, "stream-destination")
            return
        for r in batch:  # the destination holds their metadata; the records stay in the stream
            if r.event < tracker.measured:
                until = r.arrived + cfg.retention_s
                tracker.recoverable_until_s = until if tracker.recoverable_until_s is None else max(tracker.recoverable_until_s, until)
            tracker.finish(r.event, METADATA_ONLY, "stream-metadata-only")

    def _shard_of(self, record: StreamRecord) -> str:
        return f"shardId-{self._lane(record.key) // max(self.cfg.parallelization, 1):012d}"

    def finalize(self) -> None:
        """At the end of the run: records the stream no longer retains are gone."""
        now = self.env.now
        for sub in self.subshards.values():
            for r in sub.records:
                expires = r.arrived + self.cfg.retention_s
                if now >= expires:
                    self.tracker.finish(r.event, LOST, "stream-retention", at=expires)

    def _process(self, sub: SubShard, batch: list[StreamRecord]) -> Generator[simpy.Event, Any, None]:
        cfg, tracker = self.cfg, self.tracker
        pending: list[list[StreamRecord]] = [batch]
        attempts, backoff = 0, THROTTLE_BACKOFF_S[0]
        while pending:
            b = self._expire(pending[0])
            if not b:
                pending.pop(0)
                attempts = 0
                continue
            pending[0] = b
            age = self.env.now - b[0].arrived
            if age > tracker.max_iterator_age_s:
                tracker.max_iterator_age_s = age
            if tracker.timeline is not None:
                tracker.backlog(age)
            records = [Record(r.event, r.seq, r.payload, attempts + 1, r.arrived, r.key) for r in b]
            outcome = yield from self.runtime.invoke(tracker, cfg.kind, cfg.source, records, attempt=attempts + 1,
                                                     partial=cfg.partial, batch_size=cfg.batch_size)
            if outcome.throttled:
                yield self.env.timeout(backoff)
                backoff = min(backoff * 2, THROTTLE_BACKOFF_S[1])
                continue
            backoff = THROTTLE_BACKOFF_S[0]
            ids = [r.seq for r in b]
            failed = failed_items(outcome.response, ids, cfg.partial) if outcome.error is None else None
            if failed != set():
                for r in b if failed is None else [r for r in b if r.seq in failed]:
                    tracker.failed(r.event)
            if failed == set():
                self._succeed(b)
                pending.pop(0)
                attempts = 0
                continue
            if failed:
                first = min(ids.index(f) for f in failed)
                if first > 0:  # checkpoint before the lowest failure; retry from there
                    self._succeed(b[:first])
                    pending[0] = b[first:]
                    continue
            if cfg.bisect and len(b) > 1:  # splitting does not consume the retry quota
                half = len(b) // 2
                pending[0:1] = [b[:half], b[half:]]
                self.bisections += 1
                tracker.stats["bisections"] += 1
                attempts = 0
                continue
            attempts += 1
            if cfg.retries >= 0 and attempts > cfg.retries:
                self._discard(b, "RetryAttemptsExhausted", attempts)
                pending.pop(0)
                attempts = 0
            else:
                wait = self.poll_interval  # the retry reads the shard again
                if cfg.retries < 0 and any(always_fails(self.runtime.invoker, r.event) for r in b):
                    # Retrying forever a batch that fails every attempt changes nothing until its
                    # oldest record expires (maximum record age or retention, up to a year of
                    # one-second retries): wait for that instead.
                    wait = max(wait, self._first_expiry(b) - self.env.now)
                yield self.env.timeout(wait)
                # The shard's iterator stays at the blocked batch while it waits.
                tracker.max_iterator_age_s = max(tracker.max_iterator_age_s, self.env.now - b[0].arrived)

    def _first_expiry(self, batch: list[StreamRecord]) -> float:
        """When the first record of ``batch`` leaves it (``_expire``): past its maximum record
        age, or no longer retained by the stream."""
        cfg = self.cfg
        limit = cfg.retention_s if cfg.max_record_age_s is None else min(cfg.retention_s, cfg.max_record_age_s)
        return min(r.arrived for r in batch) + limit

    def _succeed(self, batch: list[StreamRecord]) -> None:
        for r in batch:
            self.tracker.success(r.event)
            self.tracker.finish(r.event)
