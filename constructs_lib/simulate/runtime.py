"""The parts every invocation model shares: event fates, and the function's concurrency.

:class:`Tracker` records what happens to each event (successful processings, the final
fate and its cause, the records failure destinations receive). :class:`FunctionRuntime`
plays Lambda's side of one invocation: reserved concurrency (a 429 throttle when it is
used up), execution environments (a cold start's Init phase when none is idle), the
invoker's work, and the function timeout.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.invokers import Invocation, Invoker, Record

SUCCEEDED, DEAD_LETTERED, RETURNED_ERROR, LOST, PENDING, FILTERED = (
    "succeeded", "dead_lettered", "returned_errors", "lost", "pending", "filtered",
)

#: A throttled batch of a polled source is retried, backing off ("Lambda gradually backs
#: off", limits.SRC_LAMBDA_SQS_ERRORS; the pace is not documented): 1 s, doubling to at
#: most 60 s. The SQS and stream pollers share it.
THROTTLE_BACKOFF_S = (1.0, 60.0)


@dataclass
class EventState:
    successes: int = 0
    fate: str | None = None
    cause: str | None = None
    done: bool = False
    in_flight: int = 0
    failures: int = 0  # invocations that failed this event (errors, timeouts, reported failures)
    throttles: int = 0  # requests Lambda throttled (429) for this event


@dataclass
class Tracker:
    """What happened to each of ``n`` events."""

    env: simpy.Environment
    n: int
    states: list[EventState] = field(init=False)
    remaining: int = field(init=False)
    all_done: simpy.Event = field(init=False)
    destinations: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    stats: Counter[str] = field(default_factory=Counter)
    causes: Counter[str] = field(default_factory=Counter)
    max_iterator_age_s: float = 0.0
    caller_timeouts: int = 0

    def __post_init__(self) -> None:
        self.states = [EventState() for _ in range(self.n)]
        self.remaining = self.n
        self.all_done = self.env.event()
        if self.n == 0:
            self.all_done.succeed()

    def success(self, event: int) -> None:
        state = self.states[event]
        state.successes += 1
        if state.successes == 2:
            self.causes["duplicate"] += 1

    def failed(self, event: int) -> None:
        self.states[event].failures += 1

    def finish(self, event: int, fate: str | None = None, cause: str | None = None) -> None:
        """The event needs no more work: deleted after success, dead-lettered, answered,
        discarded or expired. The first call counts; later ones are ignored."""
        state = self.states[event]
        if state.done:
            return
        state.done = True
        if fate in (DEAD_LETTERED, RETURNED_ERROR) and state.failures == 0 and state.throttles > 0:
            cause = "throttled"  # it never failed: only throttles kept it from running
        if fate is not None:
            state.fate, state.cause = fate, cause
            if cause is not None and state.successes == 0:
                self.causes[cause] += 1
        self.remaining -= 1
        if self.remaining == 0 and not self.all_done.triggered:
            self.all_done.succeed()

    def deliver(self, destination: str | None, record: dict[str, Any]) -> None:
        if destination is not None:
            self.destinations[destination].append(record)

    def fate(self, event: int) -> str:
        state = self.states[event]
        if state.fate == FILTERED:
            return FILTERED
        if state.successes:
            return SUCCEEDED
        if state.fate is not None and state.done:
            return state.fate
        return PENDING


@dataclass(frozen=True)
class Outcome:
    """One invocation as the service saw it."""

    throttled: bool
    error: str | None = None
    response: Any = None
    started: float = 0.0
    ended: float = 0.0
    cold: bool = False


class FunctionRuntime:
    """One function's concurrency and execution environments.

    Reserved concurrency caps the concurrent invocations, and a function without one
    shares the account's (1,000 by default); beyond it Lambda throttles (429). A request
    that finds no idle execution environment starts a new one and waits for its Init
    phase. Environments are kept warm for the rest of the simulation (Lambda keeps them
    "for a non-deterministic period"). Sources: limits.SRC_LAMBDA_RESERVED,
    limits.SRC_LAMBDA_COLD_STARTS.
    """

    def __init__(
        self, env: simpy.Environment, tracker: Tracker, invoker: Invoker, *,
        template: str, function: str, timeout_s: float, reserved: int | None,
    ) -> None:
        self.env, self.tracker, self.invoker = env, tracker, invoker
        self.template, self.function, self.timeout_s = template, function, timeout_s
        self.limit = reserved if reserved is not None else limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY
        self.busy = 0
        self.idle = 0

    def invoke(
        self, model: str, source: str | None, records: Sequence[Record], *, attempt: int = 1, partial: bool = False,
    ) -> Generator[simpy.Event, Any, Outcome]:
        """A SimPy process: the invocation, from the request to the function's answer."""
        stats = self.tracker.stats
        if self.busy >= self.limit:
            stats["throttles"] += 1
            for r in records:
                self.tracker.states[r.event].throttles += 1
            return Outcome(throttled=True, started=self.env.now, ended=self.env.now)
        self.busy += 1
        stats["invocations"] += 1
        for r in records:
            self.tracker.states[r.event].in_flight += 1
        requested = self.env.now
        draft = Invocation(self.template, self.function, model, source, tuple(records), attempt, requested,
                           self.timeout_s, True, partial)
        cold = self.idle == 0
        if cold:
            stats["cold_starts"] += 1
            yield self.env.timeout(max(0.0, self.invoker.cold_start_s(draft)))
        else:
            self.idle -= 1
        invocation = Invocation(self.template, self.function, model, source, tuple(records), attempt, self.env.now,
                                self.timeout_s, cold, partial)
        result = self.invoker.invoke(invocation)
        timed_out = result.duration_s >= self.timeout_s
        yield self.env.timeout(min(max(result.duration_s, 0.0), self.timeout_s))
        self.busy -= 1
        self.idle += 1
        for r in records:
            self.tracker.states[r.event].in_flight -= 1
        if timed_out:
            stats["timeouts"] += 1
            return Outcome(False, "Task timed out", None, requested, self.env.now, cold)
        if result.error is not None:
            stats["errors"] += 1
        return Outcome(False, result.error, result.response, requested, self.env.now, cold)


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
        if identifier in (None, "") or identifier not in known:
            return None
        found.add(identifier)
    return found


def always_fails(invoker: Any, event: int) -> bool:
    """Whether the invoker fails every attempt at ``event`` (a scenario's poison event; a real
    handler never promises it). Sources use it to skip retries that cannot change a fate."""
    check = getattr(invoker, "always_fails", None)
    return bool(check(event)) if callable(check) else False


def notify(env: simpy.Environment, holder: Any, attr: str = "changed") -> None:
    """Wake every process waiting on ``holder.<attr>`` and arm a fresh event."""
    event = getattr(holder, attr)
    setattr(holder, attr, env.event())
    if not event.triggered:
        event.succeed()
