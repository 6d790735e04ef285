"""An SQS queue polled by a Lambda event source mapping.

- Pollers (standard mode): 5 concurrent batches once messages are available, up to 300 more
  per minute while messages remain, at most 1,250 or the mapping's ``MaximumConcurrency``
  (limits.SRC_LAMBDA_SQS_SCALING). Provisioned mode (``ProvisionedPollerConfig``): the
  minimum pollers are ready from the start, each drives up to 10 concurrent invokes, and
  they scale up to 1,000 concurrent invokes a minute, to the maximum pollers x 10
  (limits.SRC_LAMBDA_SQS_SCALING, limits.SRC_LAMBDA_SQS_PROVISIONED_LAUNCH). They scale
  back down to 5 (provisioned: the minimum pollers) as documented: a poller that finds no
  message for a minute retires ("when traffic is low"); a throttled batch retires one and
  pauses scaling up for a minute ("Lambda gradually backs off ... reducing the amount of
  concurrency allocated"; limits.SQS_ESM_IDLE_RETIRE_S cites the pages). The same back-off
  after a function error (without ``ReportBatchItemFailures``) is not modelled: its pace is
  not documented, and a mapping that backed off at every failed batch would serve a fraction
  of the capacity the scenarios' load is relative to (load.py), so the verdict would move
  with ``--events``. An idle poller waits on the queue: each message that becomes visible
  wakes one poller, not all of them.
- A receive hides each message for the queue's visibility timeout, counted from the
  receive, and increments its receive count; on the receive after ``maxReceiveCount``
  SQS moves it to the dead-letter queue instead (limits.SRC_SQS_DLQ). A message is
  deleted by SQS when its retention period ends (limits.SRC_SQS_QUOTAS); a standard
  queue's DLQ keeps the original enqueue timestamp (limits.SRC_SQS_DLQ).
- Batches: up to ``BatchSize``; with ``MaximumBatchingWindowInSeconds`` the poller keeps
  receiving until the batch is full or the window has passed since its first receive - the
  messages are in flight meanwhile, so the window counts against their visibility timeout
  (why AWS asks for a visibility timeout of 6 x the timeout plus the window,
  limits.SRC_LAMBDA_SQS). Messages that match no filter are deleted without invoking
  (limits.SRC_ESM_FILTERING).
- FIFO: SQS returns no message of a group while another of it is in flight, and a batch
  takes a group's messages in order (limits.SRC_LAMBDA_SQS_SCALING); so a failing message
  blocks its group - only its group - until it succeeds, leaves for the dead-letter queue or
  expires.
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

import json
import math
from collections import deque
from collections.abc import Generator, Sequence
from itertools import islice
from dataclasses import dataclass, field
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
    TIMED_OUT,
    FunctionRuntime,
    Tracker,
    always_fails,
    failed_items,
)
from constructs_lib.simulate.source import EventSpec


@dataclass(eq=False)
class Message:
    event: int
    item_id: str
    payload: Any
    enqueued: float
    group: str | None
    receive_count: int = 0
    receipt: int = 0
    visible_at: float = 0.0
    in_flight: bool = False
    gone: bool = False


@dataclass(eq=False)
class Group:
    """A FIFO message group: its messages in order, and how many are in flight."""

    messages: deque[Message] = field(default_factory=deque)
    in_flight: int = 0
    queued: bool = False


class QueueSim:
    def __init__(self, env: simpy.Environment, cfg: SqsMapping, runtime: FunctionRuntime, tracker: Tracker) -> None:
        self.env, self.cfg, self.runtime, self.tracker = env, cfg, runtime, tracker
        self.messages: list[Message] = []
        self.ready: deque[Message] = deque()  # standard queue: visible messages, oldest first
        self.groups: dict[str | None, Group] = {}
        self.ready_groups: deque[Group] = deque()
        self.invisible: deque[tuple[float, int, Message]] = deque()  # (visible at, receipt, message), in time order
        self.timer_idle: simpy.Event | None = None
        self.waiters: deque[simpy.Event] = deque()  # idle pollers
        self.fillers: deque[list[Any]] = deque()  # [event, still waiting] of pollers filling a batch
        self.scaler_idle: simpy.Event | None = None
        if cfg.pollers is not None:
            low, high = cfg.pollers
            self.floor = low * limits.SQS_INVOKES_PER_POLLER  # where it starts, and scaling down returns to
            self.cap = high * limits.SQS_INVOKES_PER_POLLER
            self.step = limits.SQS_PROVISIONED_SCALE_UP_PER_MINUTE / 60
        else:
            self.cap = min(cfg.max_concurrency or limits.SQS_ESM_MAX_CONCURRENT_INVOKES, limits.SQS_ESM_MAX_CONCURRENT_INVOKES)
            self.floor = min(limits.SQS_ESM_INITIAL_CONCURRENT_BATCHES, self.cap)  # likewise
            self.step = limits.SQS_ESM_SCALE_UP_PER_MINUTE / 60
        self.slots = 0
        self.partial_step = 0.0
        self.retiring = 0  # pollers that leave when they next finish a batch
        self.scaling_paused_until = 0.0
        self.scaler_running = False

    # -- the queue ---------------------------------------------------------------------
    def start(self, events: Sequence[EventSpec]) -> None:
        self.env.process(self._arrivals(events))
        self.env.process(self._timer())
        for _ in range(self.floor):
            self._add_poller()
        self._start_scaler()

    def _arrivals(self, events: Sequence[EventSpec]) -> Generator[simpy.Event, Any, None]:
        env, tracker = self.env, self.tracker
        for spec in events:
            if spec.time > env.now:
                yield env.timeout(spec.time - env.now)
            m = Message(spec.index, spec.item_id or f"msg-{spec.index:06d}", spec.payload, env.now, spec.group)
            self.messages.append(m)
            tracker.arrived(spec.index)
            if self.cfg.fifo:
                group = self.groups.get(m.group)
                if group is None:
                    group = self.groups[m.group] = Group()
                group.messages.append(m)
                self._group_maybe_ready(group)
            else:
                self.ready.append(m)
                self._kick(1)
            if tracker.timeline is not None:
                tracker.backlog(self.visible())

    def visible(self) -> int:
        if self.cfg.fifo:
            return sum(len(g.messages) - g.in_flight for g in self.groups.values())
        return len(self.ready)

    def _timer(self) -> Generator[simpy.Event, Any, None]:
        """Makes messages visible again when their visibility timeout ends."""
        env, invisible = self.env, self.invisible
        while True:
            if not invisible:
                self.timer_idle = env.event()
                yield self.timer_idle
                continue
            due = invisible[0][0]
            if due > env.now:
                yield env.timeout(due - env.now)
                continue
            woken = 0
            while invisible and invisible[0][0] <= env.now:
                visible_at, receipt, m = invisible.popleft()
                if m.gone or m.receipt != receipt or m.visible_at != visible_at:
                    continue
                m.in_flight = False
                if self.cfg.fifo:
                    group = self.groups[m.group]
                    group.in_flight -= 1
                    self._group_maybe_ready(group)
                else:
                    self.ready.append(m)
                    woken += 1
            if woken:
                self._kick(woken)

    def _group_maybe_ready(self, group: Group) -> None:
        while group.messages and group.messages[0].gone:
            group.messages.popleft()
        if group.in_flight == 0 and group.messages and not group.queued:
            group.queued = True
            self.ready_groups.append(group)
            self._kick(1)

    def _remove(self, m: Message) -> None:
        """The message leaves the queue (deleted, dead-lettered, filtered or expired)."""
        m.gone = True
        if m.in_flight:
            m.in_flight = False
            if self.cfg.fifo:
                group = self.groups[m.group]
                group.in_flight -= 1
        if self.cfg.fifo:
            self._group_maybe_ready(self.groups[m.group])

    def _to_dead_letter_queue(self, m: Message) -> None:
        self._remove(m)
        age = self.env.now - m.enqueued
        dlq_retention = self.cfg.dead_letter_retention_s
        if not self.cfg.fifo and dlq_retention is not None and age >= dlq_retention:
            self.tracker.finish(m.event, LOST, "dlq-retention")
            return
        self.tracker.deliver(self.cfg.dead_letter_queue, {"messageId": m.item_id, "body": m.payload,
                                                          "receiveCount": m.receive_count, "time": self.env.now},
                            event=m.event)
        self.tracker.finish(m.event, DEAD_LETTERED, "dlq")

    def _receivable(self, m: Message) -> bool:
        """Still in the queue (else drop it: expired, or moved to the DLQ by this receive)."""
        expires = m.enqueued + self.cfg.retention_s
        if self.env.now >= expires:
            self._remove(m)
            self.tracker.finish(m.event, LOST, "sqs-retention", at=expires)
            return False
        if self.cfg.max_receive_count is not None and m.receive_count >= self.cfg.max_receive_count:
            self._to_dead_letter_queue(m)
            return False
        return True

    def _take(self, m: Message) -> None:
        m.receive_count += 1
        m.receipt += 1
        m.in_flight = True
        m.visible_at = self.env.now + self.cfg.visibility_s
        self.invisible.append((m.visible_at, m.receipt, m))
        if self.timer_idle is not None and not self.timer_idle.triggered:
            self.timer_idle.succeed()

    def receive(self, limit: int) -> list[Message]:
        return self._receive_fifo(limit) if self.cfg.fifo else self._receive_standard(limit)

    def _receive_standard(self, limit: int) -> list[Message]:
        batch: list[Message] = []
        ready = self.ready
        while ready and len(batch) < limit:
            m = ready.popleft()
            if m.gone or not self._receivable(m):
                continue
            self._take(m)
            batch.append(m)
        return batch

    def _receive_fifo(self, limit: int) -> list[Message]:
        batch: list[Message] = []
        while self.ready_groups and len(batch) < limit:
            group = self.ready_groups.popleft()
            group.queued = False
            if group.in_flight:
                continue
            # A batch holds at most 10 messages from a FIFO queue: a short snapshot of the
            # group's head is enough, and receiving may drop expired messages from it.
            for m in list(islice(group.messages, 0, 4 * limit)):
                if len(batch) >= limit or m.in_flight:
                    break
                if m.gone or not self._receivable(m):
                    continue
                self._take(m)
                group.in_flight += 1
                batch.append(m)
        return batch

    # -- the pollers -------------------------------------------------------------------
    def _add_poller(self) -> None:
        self.slots += 1
        stats = self.tracker.stats
        stats["pollers_peak"] = max(stats["pollers_peak"], self.slots)
        self.env.process(self._poller())

    def _kick(self, messages: int) -> None:
        """``messages`` became visible: wake as many waiting pollers as their batches need
        (pollers filling a batch first), or tell the scaler that messages wait."""
        wake = max(1, math.ceil(messages / max(self.cfg.batch_size, 1)))
        while wake and self.fillers:
            event, waiting = self.fillers.popleft()
            if waiting:
                event.succeed()
                wake -= 1
        while wake and self.waiters:
            self.waiters.popleft().succeed()
            self.tracker.stats["poller_wakeups"] += 1
            wake -= 1
        if wake and self.scaler_idle is not None and not self.scaler_idle.triggered:
            self.scaler_idle.succeed()

    def _has_waiting_messages(self) -> bool:
        return bool(self.ready_groups) if self.cfg.fifo else bool(self.ready)

    def _start_scaler(self) -> None:
        if self.slots < self.cap and not self.scaler_running:
            self.scaler_running = True
            self.env.process(self._scaler())

    def _scaler(self) -> Generator[simpy.Event, Any, None]:
        """More concurrent batches while messages wait and every poller is busy: 300 a minute
        (standard), 1,000 a minute (provisioned), up to the cap; none for a minute after a
        throttle (limits.SQS_ESM_SCALING_PAUSE_S)."""
        env = self.env
        while self.slots < self.cap:
            if env.now < self.scaling_paused_until:
                yield env.timeout(self.scaling_paused_until - env.now)
            elif self._has_waiting_messages() and not self.waiters:
                yield env.timeout(1.0)  # a second's share of the minute's scaling
                if not (self._has_waiting_messages() and not self.waiters) or env.now < self.scaling_paused_until:
                    continue
                self.partial_step += self.step
                for _ in range(min(int(self.partial_step), self.cap - self.slots)):
                    if self.retiring:
                        self.retiring -= 1  # keeps a poller that was about to leave
                    else:
                        self._add_poller()
                self.partial_step -= int(self.partial_step)
            else:
                self.scaler_idle = env.event()
                yield self.scaler_idle
        self.scaler_running = False

    def _back_off(self) -> None:
        """A throttle: one poller fewer (never below the floor), and no scaling up for a while
        (limits.SQS_ESM_SCALING_PAUSE_S)."""
        if self.slots - self.retiring > self.floor:
            self.retiring += 1
        self.scaling_paused_until = self.env.now + limits.SQS_ESM_SCALING_PAUSE_S
        self.tracker.stats["poller_back_offs"] += 1

    def _retire(self) -> bool:
        """Whether this poller leaves now (one asked to, or idle while above the floor)."""
        if self.retiring:
            self.retiring -= 1
        elif self.slots <= self.floor:
            return False
        self.slots -= 1
        self.tracker.stats["pollers_retired"] += 1
        self._start_scaler()
        return True

    def _poller(self) -> Generator[simpy.Event, Any, None]:
        env, cfg, tracker = self.env, self.cfg, self.tracker
        while True:
            if self.retiring and self._retire():
                return
            batch = self.receive(cfg.batch_size)
            if not batch:
                event = env.event()
                self.waiters.append(event)
                if self.slots <= self.floor:
                    yield event
                    continue
                # Low traffic: a poller that finds nothing for a minute retires.
                yield event | env.timeout(limits.SQS_ESM_IDLE_RETIRE_S)
                if not event.triggered:
                    self.waiters.remove(event)
                    if self._retire():
                        return
                continue
            if cfg.window_s > 0 and len(batch) < cfg.batch_size:
                # The batching window: keep receiving (the messages already taken are in
                # flight, their visibility timeout running) until full or the window ends.
                deadline = env.now + cfg.window_s
                while len(batch) < cfg.batch_size and env.now < deadline:
                    more = env.event()
                    filler: list[Any] = [more, True]
                    self.fillers.append(filler)
                    yield more | env.timeout(deadline - env.now)
                    filler[1] = False
                    batch += self.receive(cfg.batch_size - len(batch))
            if tracker.timeline is not None:
                tracker.backlog(self.visible())
            batch = self._filter(batch)
            if not batch:
                continue
            yield from self._process(batch)

    def _process(self, batch: list[Message]) -> Generator[simpy.Event, Any, None]:
        env, cfg, tracker = self.env, self.cfg, self.tracker
        receipts = {m.event: m.receipt for m in batch}
        records = [Record(m.event, m.item_id, m.payload, m.receive_count, m.enqueued, None, m.group) for m in batch]
        hidden_until = min(m.visible_at for m in batch)
        backoff = THROTTLE_BACKOFF_S[0]
        while True:
            outcome = yield from self.runtime.invoke(
                tracker, "sqs", cfg.queue, records, attempt=max(r.receive_count for r in records), partial=cfg.partial,
                batch_size=cfg.batch_size,
            )
            if outcome.throttled and backoff == THROTTLE_BACKOFF_S[0]:
                self._back_off()
            if not outcome.throttled or env.now + backoff >= hidden_until:
                break
            # Throttled: Lambda retries the batch, backing off, until its visibility
            # timeout ends; then the messages return to the queue (a receive counted).
            yield env.timeout(backoff)
            backoff = min(backoff * 2, THROTTLE_BACKOFF_S[1])
        if outcome.throttled:
            tracker.stats["throttled_batches_returned"] += 1
            return
        failed = failed_items(outcome.response, [m.item_id for m in batch], cfg.partial) if outcome.error is None else None
        # Without partial batch responses, one failing message fails its batch: the others
        # failed only with it (a timeout, or an outage, fails every one on its own account).
        would_fail = getattr(self.runtime.invoker, "would_fail", None)
        mates_failed = (failed is None and not cfg.partial and callable(would_fail) and outcome.error != TIMED_OUT
                        and any(would_fail(m.event, outcome.started) for m in batch))
        for m in batch:
            if failed is None or m.item_id in failed:
                healthy = mates_failed and callable(would_fail) and not would_fail(m.event, outcome.started)
                tracker.failed(m.event, batch_only=healthy)
                if cfg.max_receive_count is None and not m.gone and m.receipt == receipts[m.event] and self._hopeless(m.event):
                    self._park(m)
                continue  # reappears after its visibility timeout
            tracker.success(m.event, "visibility-timeout")
            if not m.gone and m.receipt == receipts[m.event]:
                self._remove(m)
                tracker.finish(m.event)

    def _hopeless(self, event: int) -> bool:
        """A message that fails on every attempt, in a queue without a redrive policy, can
        only end when its retention does (limits.SRC_SQS_QUOTAS): it is left in flight until
        then instead of being received every visibility timeout, up to 14 days of them
        (millions of receives for one message). Its fate and everyone else's are unchanged;
        a FIFO group it blocks stays blocked."""
        return always_fails(self.runtime.invoker, event)

    def _park(self, m: Message) -> None:
        m.visible_at = math.inf
        self.env.process(self._expire(m))

    def _expire(self, m: Message) -> Generator[simpy.Event, Any, None]:
        expires = m.enqueued + self.cfg.retention_s
        yield self.env.timeout(max(0.0, expires - self.env.now))
        if not m.gone:
            self._remove(m)
            self.tracker.finish(m.event, LOST, "sqs-retention")

    def finalize(self) -> None:
        """At the end of the run: messages whose retention has passed were deleted by SQS."""
        self.tracker.stats["pollers_at_end"] = self.slots - self.retiring
        now = self.env.now
        for m in self.messages:
            expires = m.enqueued + self.cfg.retention_s
            if not m.gone and now >= expires:
                self._remove(m)
                self.tracker.finish(m.event, LOST, "sqs-retention", at=expires)

    def _filter(self, batch: list[Message]) -> list[Message]:
        if not self.cfg.filters:
            return batch
        kept = []
        for m in batch:
            if m.payload is None or any(matches(f, _filter_view(m)) for f in self.cfg.filters):
                kept.append(m)
            else:
                self._remove(m)
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
