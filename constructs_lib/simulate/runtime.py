"""The parts every invocation model shares: the account, each function's concurrency, and
each event's fate.

:class:`Account` is the Region's concurrency, shared by every simulated function: reserved
concurrency carves a function's share out of it, and the functions without one share what
is left (the unreserved pool, at least 100). :class:`FunctionRuntime` plays Lambda's side of
one invocation: the function's concurrency limit (a 429 throttle when it is used up), the
concurrency scaling rate (1,000 new execution environments every 10 s), execution
environments (a cold start's Init phase when none is idle), the invoker's work, the
function timeout, and what it bills. :class:`Tracker` records what happens to each event:
its successful processings, its final fate and cause, the records failure destinations
receive, and - when asked - a timeline for ``--plot``.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.invokers import Invocation, Invoker, Record

SUCCEEDED, DEAD_LETTERED, METADATA_ONLY, RETURNED_ERROR, LOST, PENDING, FILTERED = (
    "succeeded", "dead_lettered", "metadata_only", "returned_errors", "lost", "pending", "filtered",
)

#: The error of an invocation the function timeout cut.
TIMED_OUT = "Task timed out"

#: A throttled batch of a polled source is retried, backing off ("Lambda gradually backs
#: off", limits.SRC_LAMBDA_SQS_ERRORS; the pace is not documented): 1 s, doubling to at
#: most 60 s. The SQS and stream pollers share it.
THROTTLE_BACKOFF_S = (1.0, 60.0)


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` held: API Gateway's throttling
    (limits.SRC_APIGW_THROTTLING) and Lambda's concurrency scaling rate
    (limits.SRC_LAMBDA_SCALING) both work this way."""

    def __init__(self, rate: float, burst: float | None, now: float = 0.0) -> None:
        self.rate, self.burst = rate, burst if burst is not None and burst > 0 else max(rate, 1.0)
        self.tokens, self.last = self.burst, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Countdown:
    """Events still without a final fate, over every tracker of a run."""

    def __init__(self, env: simpy.Environment, n: int = 0) -> None:
        self.remaining = n
        self.event = env.event()

    def add(self, n: int) -> None:
        self.remaining += n

    def done(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0 and not self.event.triggered:
            self.event.succeed()


@dataclass
class Timeline:
    """What ``--plot`` draws for one function and invocation model (times in seconds)."""

    arrivals: list[float] = field(default_factory=list)
    throttles: list[float] = field(default_factory=list)
    retries: list[float] = field(default_factory=list)
    dead_letters: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    concurrency: list[tuple[float, int]] = field(default_factory=list)
    backlog: list[tuple[float, float]] = field(default_factory=list)  # queue depth, or iterator age (s)
    backlog_kind: str = "queue depth"
    limit: float | None = None


@dataclass
class EventState:
    successes: int = 0
    fate: str | None = None
    cause: str | None = None
    done: bool = False
    in_flight: int = 0
    failures: int = 0  # invocations that failed this event on its own account (errors, timeouts, reported)
    batch_failures: int = 0  # invocations that failed it only because a batch-mate failed
    throttles: int = 0  # requests Lambda throttled (429) for this event


@dataclass
class Tracker:
    """What happened to each of ``n`` events of one invocation model of one function.

    The last ``background`` of them (events ``measured`` and above) are background traffic:
    they load the source and the function like the others, but nothing of theirs is counted -
    neither their fates nor their invocations, throttles or bills - and the run does not wait
    for them."""

    env: simpy.Environment
    n: int
    countdown: Countdown | None = None
    timeline: Timeline | None = None
    background: int = 0
    measured: int = field(init=False)
    states: list[EventState] = field(init=False)
    remaining: int = field(init=False)
    all_done: simpy.Event = field(init=False)
    destinations: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    stats: Counter[str] = field(default_factory=Counter)
    causes: Counter[str] = field(default_factory=Counter)
    duplicate_causes: Counter[str] = field(default_factory=Counter)
    max_iterator_age_s: float = 0.0
    #: Synchronous callers that got at least one 504, and the 504s they got.
    caller_timeouts: int = 0
    caller_timeout_answers: int = 0
    #: Synchronous requests whose work completed although their caller's last answer was an error.
    completed_after_caller_gave_up: int = 0
    billed_gb_s: float = 0.0
    requests: int = 0
    #: When the first event was lost (simulated seconds), and until when records sent to a
    #: metadata-only destination can still be read from their stream.
    first_loss_s: float | None = None
    recoverable_until_s: float | None = None

    def __post_init__(self) -> None:
        self.measured = self.n - self.background
        self.states = [EventState() for _ in range(self.n)]
        self.remaining = self.measured
        self.all_done = self.env.event()
        if self.countdown is not None:
            self.countdown.add(self.measured)
        if self.measured == 0:
            self.all_done.succeed()

    def counts(self, records: Sequence[Record]) -> bool:
        """Whether an invocation of ``records`` is counted: it carries a measured event."""
        measured = self.measured
        return any(r.event < measured for r in records)

    def arrived(self, event: int = 0) -> None:
        if self.timeline is not None and event < self.measured:
            self.timeline.arrivals.append(self.env.now)

    def success(self, event: int, duplicate_cause: str = "redelivery") -> None:
        state = self.states[event]
        state.successes += 1
        if state.successes >= 2 and event < self.measured:
            self.duplicate_causes[duplicate_cause] += 1

    def failed(self, event: int, *, batch_only: bool = False) -> None:
        """An invocation failed this event (``batch_only``: it failed only because another
        record of its batch did, the batch having no partial batch response)."""
        if batch_only:
            self.states[event].batch_failures += 1
        else:
            self.states[event].failures += 1
        if self.timeline is not None and event < self.measured:
            self.timeline.retries.append(self.env.now)

    def finish(self, event: int, fate: str | None = None, cause: str | None = None, at: float | None = None) -> None:
        """The event needs no more work: deleted after success, dead-lettered, answered,
        discarded or expired. The first call counts; later ones are ignored."""
        state = self.states[event]
        if state.done:
            return
        state.done = True
        if event >= self.measured:  # background: its fate is nobody's
            state.fate = fate
            return
        if fate in (DEAD_LETTERED, RETURNED_ERROR, LOST, METADATA_ONLY) and state.failures == 0:
            if state.throttles > 0 and state.batch_failures == 0:
                cause = "throttled"  # it never failed: only throttles kept it from running
            elif state.batch_failures > 0 and fate in (DEAD_LETTERED, LOST):
                cause = "batch-failure"  # healthy, failed only with its batch
        if fate is not None:
            state.fate, state.cause = fate, cause
            if cause is not None and (state.successes == 0 or fate in (SUCCEEDED, RETURNED_ERROR)):
                self.causes[cause] += 1
            when = self.env.now if at is None else at
            if fate == LOST and state.successes == 0:
                self.first_loss_s = when if self.first_loss_s is None else min(self.first_loss_s, when)
                if self.timeline is not None:
                    self.timeline.losses.append(when)
            elif fate in (DEAD_LETTERED, METADATA_ONLY) and self.timeline is not None:
                self.timeline.dead_letters.append(when)
        self.remaining -= 1
        if self.countdown is not None:
            self.countdown.done()
        if self.remaining == 0 and not self.all_done.triggered:
            self.all_done.succeed()

    def deliver(self, destination: str | None, record: dict[str, Any], event: int = 0) -> None:
        if destination is not None and event < self.measured:
            self.destinations[destination].append(record)

    def fate(self, event: int) -> str:
        state = self.states[event]
        if state.fate in (FILTERED, SUCCEEDED, RETURNED_ERROR):
            return state.fate
        if state.successes:
            return SUCCEEDED
        if state.fate is not None and state.done:
            return state.fate
        return PENDING

    def backlog(self, value: float) -> None:
        if self.timeline is not None:
            self.timeline.backlog.append((self.env.now, value))


@dataclass(frozen=True)
class Outcome:
    """One invocation as the service saw it."""

    throttled: bool
    error: str | None = None
    response: Any = None
    started: float = 0.0
    ended: float = 0.0
    cold: bool = False


class Account:
    """The Region's concurrency, shared by every function of a run.

    The functions without reserved concurrency share the unreserved pool: the account's
    concurrency minus every reservation (Lambda keeps at least 100 unreserved).
    Sources: limits.SRC_LAMBDA_QUOTAS, limits.SRC_LAMBDA_RESERVED.
    """

    def __init__(self, unreserved: int) -> None:
        self.unreserved = unreserved
        self.in_use = 0


class FunctionState:
    """What a function's invocation models share: its concurrency in use, its idle
    execution environments, its scaling rate, and the timelines that draw it."""

    def __init__(self) -> None:
        self.busy = 0
        self.idle = 0
        #: Under a scenario's steady load (the run started warm): the chance draws that put a
        #: warm invocation in a recycled environment (limits.LAMBDA_STEADY_COLD_START_SHARE).
        self.recycling: random.Random | None = None
        self.scaling = TokenBucket(limits.LAMBDA_SCALING_ENVIRONMENTS / limits.LAMBDA_SCALING_PERIOD_S,
                                   limits.LAMBDA_SCALING_ENVIRONMENTS)
        self.timelines: list[Timeline] = []


class FunctionRuntime:
    """One function's concurrency and execution environments.

    Reserved concurrency caps the function's concurrent invocations; a function without one
    takes from the account's unreserved pool. Beyond either, and beyond the concurrency
    scaling rate (1,000 new execution environments every 10 s, refilled continuously),
    Lambda throttles (429). A request that finds no idle execution environment starts a new
    one and waits for its Init phase. Environments are kept warm for the rest of the
    simulation (Lambda keeps them "for a non-deterministic period"); under a scenario's steady
    load (``FunctionState.recycling``) 1 % of the invocations on a warm one start in a
    recycled environment instead, a cold start (limits.LAMBDA_STEADY_COLD_START_SHARE). An
    invocation bills its Init and its run, rounded up to the millisecond, times the memory; a
    throttle bills nothing. Sources: limits.SRC_LAMBDA_RESERVED, limits.SRC_LAMBDA_SCALING,
    limits.SRC_LAMBDA_COLD_STARTS, limits.SRC_LAMBDA_PRICING, limits.SRC_LAMBDA_INIT_BILLING.
    """

    def __init__(
        self, env: simpy.Environment, invoker: Invoker, *, template: str, function: str, timeout_s: float,
        reserved: int | None, account: Account | None = None, memory_mb: float = float(limits.LAMBDA_DEFAULT_MEMORY_MB),
        shared: FunctionState | None = None,
    ) -> None:
        self.env, self.invoker = env, invoker
        self.template, self.function, self.timeout_s = template, function, timeout_s
        self.reserved = reserved
        self.account = account if account is not None else Account(limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY)
        self.memory_gb = memory_mb / 1024
        #: Shared by the function's invocation models (one runtime each).
        self.shared = shared if shared is not None else FunctionState()

    @property
    def limit(self) -> float:
        """The most concurrent invocations it could run now."""
        return self.reserved if self.reserved is not None else self.account.unreserved

    def _throttle(self, tracker: Tracker, records: Sequence[Record], why: str) -> Outcome:
        if tracker.counts(records):
            tracker.stats["throttles"] += 1
            tracker.stats[f"throttles_{why}"] += 1
        for r in records:
            tracker.states[r.event].throttles += 1
        if tracker.timeline is not None and tracker.counts(records):
            tracker.timeline.throttles.append(self.env.now)
        return Outcome(throttled=True, started=self.env.now, ended=self.env.now)

    def _concurrency_changed(self) -> None:
        for timeline in self.shared.timelines:
            timeline.concurrency.append((self.env.now, self.shared.busy))

    def invoke(
        self, tracker: Tracker, model: str, source: str | None, records: Sequence[Record], *,
        attempt: int = 1, partial: bool = False, batch_size: int = 1,
    ) -> Generator[simpy.Event, Any, Outcome]:
        """The invocation, from the request to the function's answer (``yield from`` it)."""
        env, shared = self.env, self.shared
        # Background traffic's invocations load the function but count in a throwaway.
        counted = tracker.counts(records)
        stats: Counter[str] = tracker.stats if counted else Counter()
        if self.reserved is not None:
            if shared.busy >= self.reserved:
                return self._throttle(tracker, records, "reserved")
        elif self.account.in_use >= self.account.unreserved:
            # The pool is used up: by the neighbours (they hold most of it), or by itself.
            others = self.account.in_use - shared.busy
            why = "neighbour" if others > shared.busy else "account" if others else "pool"
            return self._throttle(tracker, records, why)
        cold = shared.idle == 0
        if cold and not shared.scaling.take(env.now):
            return self._throttle(tracker, records, "scaling")
        # A warm environment Lambda recycled meanwhile: a cold start, not a scale-up.
        recycled = (not cold and shared.recycling is not None
                    and shared.recycling.random() < limits.LAMBDA_STEADY_COLD_START_SHARE)
        shared.busy += 1
        if self.reserved is None:
            self.account.in_use += 1
        if shared.timelines:
            self._concurrency_changed()
        stats["invocations"] += 1
        for r in records:
            tracker.states[r.event].in_flight += 1
        requested = env.now
        init = 0.0
        if not cold:
            shared.idle -= 1
        if cold or recycled:
            stats["cold_starts"] += 1
            draft = Invocation(self.template, self.function, model, source, tuple(records), attempt, requested,
                               self.timeout_s, True, partial, batch_size)
            init = max(0.0, self.invoker.cold_start_s(draft))
            yield env.timeout(init)
            cold = True
        invocation = Invocation(self.template, self.function, model, source, tuple(records), attempt, env.now,
                                self.timeout_s, cold, partial, batch_size)
        result = self.invoker.invoke(invocation)
        timed_out = result.duration_s >= self.timeout_s
        run = min(max(result.duration_s, 0.0), self.timeout_s)
        yield env.timeout(run)
        shared.busy -= 1
        shared.idle += 1
        if self.reserved is None:
            self.account.in_use -= 1
        if shared.timelines:
            self._concurrency_changed()
        billed = math.ceil((init + run) / limits.LAMBDA_BILLING_GRANULARITY_S - 1e-9) * limits.LAMBDA_BILLING_GRANULARITY_S
        if counted:
            tracker.billed_gb_s += billed * self.memory_gb
            tracker.requests += 1
        for r in records:
            tracker.states[r.event].in_flight -= 1
        if timed_out:
            stats["timeouts"] += 1
            return Outcome(False, TIMED_OUT, None, requested, env.now, cold)
        if result.error is not None:
            stats["errors"] += 1
        return Outcome(False, result.error, result.response, requested, env.now, cold)


def failed_items(response: Any, ids: Sequence[str], partial: bool) -> set[str] | None:
    """The records a successful invocation reports as failed, or ``None`` when the
    response fails the whole batch.

    Without ``ReportBatchItemFailures`` Lambda ignores the response. With it, no response,
    an empty or null ``batchItemFailures`` is complete success; an item without an
    ``itemIdentifier`` key, an empty or null identifier, or one that names no record of
    the batch fails the whole batch. Sources: limits.SRC_LAMBDA_SQS_ERRORS,
    limits.SRC_LAMBDA_DDB_PARTIAL.
    """
    if not partial or not isinstance(response, dict):
        return set()
    failures = response.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        return None
    known = set(ids)
    found: set[str] = set()
    for item in failures:
        if not isinstance(item, dict) or "itemIdentifier" not in item:
            return None
        identifier = item["itemIdentifier"]
        if identifier in (None, "") or not isinstance(identifier, str) or identifier not in known:
            return None
        found.add(identifier)
    return found


def always_fails(invoker: Any, event: int) -> bool:
    """Whether the invoker fails every attempt at ``event`` (a scenario's poison event; a real
    handler never promises it). Sources use it to skip retries that cannot change a fate."""
    check = getattr(invoker, "always_fails", None)
    return bool(check(event)) if callable(check) else False


def notify(env: simpy.Environment, holder: Any, attr: str = "changed") -> None:
    """Wake the process waiting on ``holder.<attr>`` and arm a fresh event."""
    event = getattr(holder, attr)
    setattr(holder, attr, env.event())
    if not event.triggered:
        event.succeed()
