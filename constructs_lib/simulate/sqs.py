"""An SQS queue polled by a Lambda event source mapping.

- Pollers: 5 concurrent batches once messages are available, up to 300 more per minute
  while messages remain, at most 1,000 or the mapping's ``MaximumConcurrency``
  (limits.SRC_LAMBDA_SQS_SCALING). A FIFO queue's concurrency is bounded by its active
  message groups: SQS returns no message of a group while another of it is in flight.
- A receive hides each message for the queue's visibility timeout, counted from the
  receive, and increments its receive count; on the receive after ``maxReceiveCount``
  SQS moves it to the dead-letter queue instead (limits.SRC_SQS_DLQ). A message is
  deleted by SQS when its retention period ends (limits.SRC_SQS_QUOTAS); a standard
  queue's DLQ keeps the original enqueue timestamp (limits.SRC_SQS_DLQ).
- Batches: up to ``BatchSize``, waiting up to ``MaximumBatchingWindowInSeconds`` to fill.
  Messages that match no filter are deleted without invoking (limits.SRC_ESM_FILTERING).
- The function's answer: success deletes the batch; an error leaves it to reappear when
  its visibility timeout ends. A throttled batch is retried with a backoff while its
  visibility timeout lasts - the reason for a timeout of 6 x the function timeout
  (limits.SRC_LAMBDA_SQS) - and otherwise returns then, its receive counted;
  with ``ReportBatchItemFailures`` only the reported messages stay, and an invalid
  report fails the whole batch (limits.SRC_LAMBDA_SQS_ERRORS, limits.SRC_LAMBDA_SQS).
- A delete with the receipt handle of an older receive (the message became visible and
  was received again meanwhile) may not delete it, so it is processed again
  (limits.SRC_SQS_VISIBILITY): the simulation takes the documented worst case.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.config import SqsMapping
from constructs_lib.simulate.invokers import Record
from constructs_lib.simulate.patterns import matches
from constructs_lib.simulate.runtime import (
    DEAD_LETTERED,
    FILTERED,
    LOST,
    THROTTLE_BACKOFF_S,
    FunctionRuntime,
    Tracker,
    always_fails,
    failed_items,
    notify,
)
from constructs_lib.simulate.source import EventSpec



@dataclass
class Message:
    event: int
    item_id: str
    payload: Any
    enqueued: float
    group: str | None
    seq: int
    receive_count: int = 0
    receipt: int = 0
    visible_at: float = 0.0
    gone: bool = False


class QueueSim:
    def __init__(self, env: simpy.Environment, cfg: SqsMapping, runtime: FunctionRuntime, tracker: Tracker) -> None:
        self.env, self.cfg, self.runtime, self.tracker = env, cfg, runtime, tracker
        self.messages: dict[int, Message] = {}
        self.order: list[Message] = []
        self.heap: list[tuple[float, int, int]] = []
        self.changed = env.event()
        self.pollers = 0
        self.cap = min(cfg.max_concurrency or limits.SQS_ESM_MAX_CONCURRENT_BATCHES, limits.SQS_ESM_MAX_CONCURRENT_BATCHES)
        self.busy_pollers = 0

    # -- the queue ---------------------------------------------------------------------
    def start(self, events: Sequence[EventSpec]) -> None:
        self.env.process(self._arrivals(events))
        for _ in range(min(limits.SQS_ESM_INITIAL_CONCURRENT_BATCHES, self.cap)):
            self._add_poller()
        self.env.process(self._scaler())

    def _arrivals(self, events: Sequence[EventSpec]) -> Generator[simpy.Event, Any, None]:
        for spec in events:
            if spec.time > self.env.now:
                yield self.env.timeout(spec.time - self.env.now)
            m = Message(spec.index, spec.item_id or f"msg-{spec.index:06d}", spec.payload, self.env.now, spec.group, spec.index)
            self.messages[m.event] = m
            self.order.append(m)
            heapq.heappush(self.heap, (m.visible_at, m.seq, m.event))
            self.env.process(self._expire(m))
            notify(self.env, self)

    def _expire(self, m: Message) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(self.cfg.retention_s)
        if not m.gone:
            m.gone = True
            self.tracker.finish(m.event, LOST, "sqs-retention")
            notify(self.env, self)  # an expired message no longer blocks its FIFO group

    def _wake(self, at: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(max(0.0, at - self.env.now))
        notify(self.env, self)

    def _to_dead_letter_queue(self, m: Message) -> None:
        m.gone = True
        age = self.env.now - m.enqueued
        dlq_retention = self.cfg.dead_letter_retention_s
        if not self.cfg.fifo and dlq_retention is not None and age >= dlq_retention:
            self.tracker.finish(m.event, LOST, "dlq-retention")
            return
        self.tracker.deliver(self.cfg.dead_letter_queue, {"messageId": m.item_id, "body": m.payload,
                                                          "receiveCount": m.receive_count, "time": self.env.now})
        self.tracker.finish(m.event, DEAD_LETTERED, "dlq")

    def _receivable(self, m: Message) -> bool:
        """Still in the queue (else drop it: expired, or moved to the DLQ by this receive)."""
        if self.env.now >= m.enqueued + self.cfg.retention_s:
            m.gone = True
            self.tracker.finish(m.event, LOST, "sqs-retention")
            return False
        if self.cfg.max_receive_count is not None and m.receive_count >= self.cfg.max_receive_count:
            self._to_dead_letter_queue(m)
            return False
        return True

    def _take(self, m: Message) -> None:
        m.receive_count += 1
        m.receipt += 1
        m.visible_at = self.env.now + self.cfg.visibility_s
        heapq.heappush(self.heap, (m.visible_at, m.seq, m.event))
        self.env.process(self._wake(m.visible_at))

    def receive(self, limit: int) -> list[Message]:
        return self._receive_fifo(limit) if self.cfg.fifo else self._receive_standard(limit)

    def _receive_standard(self, limit: int) -> list[Message]:
        now, batch = self.env.now, list[Message]()
        while self.heap and len(batch) < limit:
            visible_at, _, event = self.heap[0]
            if visible_at > now:
                break
            heapq.heappop(self.heap)
            m = self.messages[event]
            if m.gone or m.visible_at != visible_at or not self._receivable(m):
                continue
            self._take(m)
            batch.append(m)
        return batch

    def _receive_fifo(self, limit: int) -> list[Message]:
        now, batch = self.env.now, list[Message]()
        blocked: set[str | None] = set()
        taking: set[str | None] = set()
        for m in self.order:
            if len(batch) >= limit:
                break
            if m.gone or m.group in blocked:
                continue
            if m.visible_at > now and m.group not in taking:
                blocked.add(m.group)  # in flight: the group waits (limits.SRC_LAMBDA_SQS_SCALING)
                continue
            if m.visible_at > now or not self._receivable(m):
                continue
            self._take(m)
            taking.add(m.group)
            batch.append(m)
        self.order = [m for m in self.order if not m.gone]
        return batch

    def visible(self) -> int:
        now = self.env.now
        return sum(1 for t, _, e in self.heap if t <= now and not self.messages[e].gone and self.messages[e].visible_at == t)

    # -- the pollers -------------------------------------------------------------------
    def _add_poller(self) -> None:
        self.pollers += 1
        self.env.process(self._poller())

    def _has_visible(self) -> bool:
        while self.heap:
            visible_at, _, event = self.heap[0]
            m = self.messages[event]
            if m.gone or m.visible_at != visible_at:
                heapq.heappop(self.heap)
                continue
            return visible_at <= self.env.now
        return False

    def _scaler(self) -> Generator[simpy.Event, Any, None]:
        """Up to 300 more concurrent batches per minute while messages wait (5 a second)."""
        step = int(limits.SQS_ESM_SCALE_UP_PER_MINUTE / 60)
        while self.pollers < self.cap:
            if self._has_visible() and self.busy_pollers >= self.pollers:
                for _ in range(min(step, self.cap - self.pollers)):
                    self._add_poller()
                yield self.env.timeout(1.0)
            else:
                yield self.changed

    def _poller(self) -> Generator[simpy.Event, Any, None]:
        cfg, backoff = self.cfg, THROTTLE_BACKOFF_S[0]
        while True:
            if self.cfg.window_s > 0 and self.visible() < cfg.batch_size:
                if not self.visible():
                    yield self.changed
                    continue
                deadline = self.env.now + cfg.window_s
                while self.env.now < deadline and self.visible() < cfg.batch_size:
                    yield self.changed | self.env.timeout(deadline - self.env.now)
            batch = self.receive(cfg.batch_size)
            if not batch:
                yield self.changed
                continue
            batch = self._filter(batch)
            if not batch:
                continue
            self.busy_pollers += 1
            receipts = {m.event: m.receipt for m in batch}
            records = [Record(m.event, m.item_id, m.payload, m.receive_count, m.enqueued, None, m.group) for m in batch]
            hidden_until = min(m.visible_at for m in batch)
            while True:
                outcome = yield self.env.process(
                    self.runtime.invoke("sqs", cfg.queue, records, attempt=max(r.receive_count for r in records), partial=cfg.partial)
                )
                if not outcome.throttled or self.env.now + backoff >= hidden_until:
                    break
                # Throttled: Lambda retries the batch, backing off, until its visibility
                # timeout ends; then the messages return to the queue (a receive counted).
                yield self.env.timeout(backoff)
                backoff = min(backoff * 2, THROTTLE_BACKOFF_S[1])
            self.busy_pollers -= 1
            backoff = THROTTLE_BACKOFF_S[0]
            if outcome.throttled:
                self.tracker.stats["throttled_batches_returned"] += 1
                continue
            failed = failed_items(outcome.response, [m.item_id for m in batch], cfg.partial) if outcome.error is None else None
            for m in batch:
                if failed is None or m.item_id in failed:
                    self.tracker.failed(m.event)
                    if self.cfg.max_receive_count is None and self._hopeless(m.event):
                        m.visible_at = math.inf  # only its retention can end it: see _hopeless
                    continue  # reappears after its visibility timeout
                self.tracker.success(m.event)
                if not m.gone and m.receipt == receipts[m.event]:
                    m.gone = True
                    self.tracker.finish(m.event)
            if failed:
                notify(self.env, self)

    def _hopeless(self, event: int) -> bool:
        """A message that fails on every attempt, in a queue without a redrive policy, can
        only end when its retention does (limits.SRC_SQS_QUOTAS): it is left invisible until
        then instead of being received every visibility timeout, up to 14 days of them
        (millions of receives for one message). Its fate and everyone else's are unchanged;
        a FIFO group it blocks stays blocked."""
        return always_fails(self.runtime.invoker, event)

    def _filter(self, batch: list[Message]) -> list[Message]:
        if not self.cfg.filters:
            return batch
        kept = []
        for m in batch:
            if m.payload is None or any(matches(f, _filter_view(m)) for f in self.cfg.filters):
                kept.append(m)
            else:
                m.gone = True
                self.tracker.finish(m.event, FILTERED, "filtered")
        return kept


def _filter_view(m: Message) -> dict[str, Any]:
    """What an SQS filter sees: the body (parsed when it is JSON) and the attributes."""
    body = m.payload
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            pass
    return {"body": body, "attributes": {"ApproximateReceiveCount": str(m.receive_count)}}
