"""The scenarios ``constructs-lib simulate --scenario`` applies to every function.

A scenario's verdict must not depend on ``--events``. So its load is relative to each
function's capacity (:mod:`constructs_lib.simulate.load`: what its concurrency serves,
given its batch size, its invocation time and the failures the scenario makes), its events
arrive at that rate whatever their number - more events make a longer window, not a higher
rate - and every time scale of a scenario (an outage, a burst) is fixed, never derived from
the event count.

- ``poison``: events arrive at half the capacity (a Poisson process); 5 % of them (at
  least one) fail on every attempt, the others succeed.
- ``slow``: the same arrivals; a slow dependency makes every invocation, whatever its batch
  size, run 60-99 % of the function timeout, and a cold start's Init phase 60-99 % of its
  10 s limit; all succeed.
- ``outage``: the same arrivals, at most 200 an hour, spread over whole hours (fewer events
  arrive more slowly, so a quarter of them always meet an outage); every invocation
  fails during the first 15 minutes of each hour, and succeeds otherwise.
- ``burst``: the same average load, in bursts of 100 events at 20 x the capacity, each
  function's from a phase of its own.
- ``noisy-neighbour``: one function (the noisy one) bursts: at once, as many events as its
  concurrency holds - the account's whole unreserved pool, unless it has reserved
  concurrency - then 1.5 x what that concurrency serves, for a minute (at least ``--events``,
  at most 20,000 events; a function alone in its account keeps the steady load). Every
  other function keeps the steady load, at most 100 events a minute. All succeed.

Every scenario's load is steady: the run starts with the execution environments it keeps
busy already warm (``run._job``), and 1 % of the warm invocations meet a recycled
environment (a cold start; limits.LAMBDA_STEADY_COLD_START_SHARE) - so a cold start's cost
(``slow``: 6-10 s of Init) is the same share of any run, not a start-up storm.

An invocation's duration is a fixed overhead plus a cost per record: the scenario's fraction
of the timeout is what a full batch takes, 20 % of it the overhead (100 % in ``slow``), so a
half batch takes 60 % of a full one and bisecting a batch costs what its halves cost.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from constructs_lib import limits

#: Events per function when the caller does not say, and the seed that makes a run repeatable.
DEFAULT_EVENTS = 200
DEFAULT_SEED = 0

#: The share of its capacity each function's load takes (steady scenarios, and on average in
#: ``burst``).
LOAD = 0.5
POISON_FRACTION = 0.05
#: ``outage``: failing for the first 15 minutes of every hour. Events arrive at most 200 an
#: hour (if half the capacity is faster), so an outage always meets the same events, whatever
#: ``--events``: a fast function's 200 events would otherwise all arrive, and stop, within the
#: first seconds of the outage. 200 an hour: the default 200 events span exactly one whole
#: period, so what happens once per outage (the head of each FIFO group dead-lettered) is the
#: same share of the events at the default size as in a long run.
OUTAGE_S = 15 * 60
OUTAGE_PERIOD_S = 60 * 60
OUTAGE_EVENTS_PER_PERIOD = 200
#: ``burst``: 100 events at 20 x the capacity, then quiet until the average load is LOAD.
BURST_EVENTS = 100
BURST_FACTOR = 20
#: ``noisy-neighbour``: the noisy function's burst - 1.5 x what its concurrency serves, for
#: one minute, at most 20,000 events. Its neighbours' events arrive at most 100 a minute.
NOISY_FACTOR = 1.5
NOISY_BURST_S = 60
NOISY_MAX_EVENTS = 20_000
NOISY_NEIGHBOUR_EVENTS_PER_BURST = 100
#: A FIFO queue's scenario events are spread over 10 message groups (``group-0``...).
FIFO_GROUPS = 10


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    #: Duration of a full batch, as fractions of the function timeout (uniform).
    duration_fractions: tuple[float, float]
    poison: bool = False
    outage: bool = False
    burst: bool = False
    slow_init: bool = False
    noisy: bool = False
    #: The share of a full batch's duration that does not depend on its records.
    overhead_share: float = 0.2

    @property
    def mean_fraction(self) -> float:
        low, high = self.duration_fractions
        return (low + high) / 2

    def cold_start_range(self, timeout_s: float) -> tuple[float, float]:
        """Init duration of a new execution environment. Typically 0.1-1 s
        (limits.LAMBDA_TYPICAL_COLD_START_S); in ``slow``, 60-99 % of the 10 s Init limit
        (limits.LAMBDA_MAX_INIT_S), which API Gateway's integration timeout includes."""
        if self.slow_init:
            low, high = self.duration_fractions
            return low * limits.LAMBDA_MAX_INIT_S, high * limits.LAMBDA_MAX_INIT_S
        return limits.LAMBDA_TYPICAL_COLD_START_S

    def failing_at(self, t: float) -> bool:
        """Whether the function's dependency is down at simulated time ``t`` (``outage``)."""
        return self.outage and (t % OUTAGE_PERIOD_S) < OUTAGE_S

    def batch_share(self, records: int, batch_size: int) -> float:
        """A batch of ``records`` (of at most ``batch_size``) takes this share of a full one."""
        return batch_share(records, batch_size, self.overhead_share)

    @property
    def episode(self) -> tuple[float, int] | None:
        """A fixed time scale the events must span (an outage's period, a neighbour's
        burst) and the most events that arrive in it."""
        if self.outage:
            return float(OUTAGE_PERIOD_S), OUTAGE_EVENTS_PER_PERIOD
        if self.noisy:
            return float(NOISY_BURST_S), NOISY_NEIGHBOUR_EVENTS_PER_BURST
        return None

    def arrivals(self, n: int, capacity_per_s: float, rng: random.Random) -> list[float]:
        """The times (s) at which ``n`` events enter their source, for a function that serves
        ``capacity_per_s`` events a second. The rate never grows with ``n`` (``outage`` spreads
        fewer events than an hour's worth over the hour: a lighter load, never a heavier one)."""
        capacity = max(capacity_per_s, 1e-9)
        if self.burst:
            period = BURST_EVENTS / (LOAD * capacity)  # so the average load is LOAD
            rate = BURST_FACTOR * capacity
            # Each function's bursts start at a phase of their own: every function's first
            # burst at 0 s would collide in the account once, a share of the run that shrinks
            # as --events grows.
            phase = rng.uniform(0.0, period)
            return [phase + (i // BURST_EVENTS) * period + (i % BURST_EVENTS) / rate for i in range(n)]
        rate = LOAD * capacity
        if self.episode is not None:
            span, most = self.episode
            rate = min(rate, most / span)
        if self.outage:
            # Whole hours: the events span a whole number of outage periods, so the share
            # that meets an outage is a quarter at any ``n`` (200 events at the full rate
            # would span half an hour, half of it down). ``n`` arrivals of a Poisson process
            # in a window are uniform in it: drawn so, none falls past its last hour (into
            # the next outage), as a Poisson run of ``n`` would half of the time.
            periods = max(1, math.ceil(n / (rate * OUTAGE_PERIOD_S)))
            return sorted(rng.uniform(0.0, periods * OUTAGE_PERIOD_S) for _ in range(n))
        t, times = 0.0, []
        for _ in range(n):
            times.append(t)
            t += rng.expovariate(rate)
        return times

    def poison_events(self, n: int, rng: random.Random) -> frozenset[int]:
        if not self.poison or n == 0:
            return frozenset()
        k = max(1, round(n * POISON_FRACTION))
        return frozenset(rng.sample(range(n), k))


def noisy_arrivals(n: int, at_once: int, rate_per_s: float) -> list[float]:
    """The noisy neighbour's events: ``at_once`` of them at the start (enough to fill its
    concurrency), the others evenly at ``rate_per_s``."""
    first = min(n, at_once)
    return [0.0] * first + [(i + 1) / rate_per_s for i in range(n - first)]


def batch_share(records: int, batch_size: int, overhead_share: float) -> float:
    """A batch of ``records`` takes this share of a full batch's duration."""
    batch = max(batch_size, 1)
    return overhead_share + (1 - overhead_share) * min(records, batch) / batch


STEADY = (0.2, 0.5)
SCENARIOS: dict[str, Scenario] = {
    "poison": Scenario("poison", "5 % of events fail on every attempt", STEADY, poison=True),
    "slow": Scenario("slow", "every invocation runs 60-99 % of the timeout", (0.6, 0.99), slow_init=True,
                     overhead_share=1.0),
    "outage": Scenario("outage", "every invocation fails for 15 minutes each hour", STEADY, outage=True),
    "burst": Scenario("burst", "bursts of 100 events at 20 x the capacity", STEADY, burst=True),
    "noisy-neighbour": Scenario("noisy-neighbour", "one function takes the account's concurrency for a minute",
                                STEADY, noisy=True),
}
#: The scenarios ``explain`` runs against every function (each its own fault).
FAULT_SCENARIOS = ("poison", "slow", "outage", "burst")
