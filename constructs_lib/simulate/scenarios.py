"""The fault scenarios ``constructs-lib simulate --scenario`` applies to every function.

- ``poison``: 5 % of the events (at least one) fail on every attempt; the others succeed
  in 20-50 % of the function timeout.
- ``slow``: every invocation runs 60-99 % of the function timeout (and a cold start's
  Init phase 60-99 % of its 10 s limit), then succeeds.
- ``outage``: every invocation fails for the first 15 minutes, then succeeds.
- ``burst``: events arrive for (at most) 5 minutes at 20 x the rate the function's
  concurrency can serve; every invocation succeeds.

Arrivals: in ``burst`` the events arrive evenly at max(20 x capacity, N / 300 s); in the
other scenarios as a Poisson process at min(N / 30 min, capacity / 2), so the function
keeps up and half of the events arrive during an outage. Capacity is the function's
concurrency (reserved, the mapping's maximum, shards x parallelization; at least 1) x
its batch size / the scenario's 35 % of the timeout.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from constructs_lib import limits

#: Events per function when the caller does not say, and the seed that makes a run repeatable.
DEFAULT_EVENTS = 200
DEFAULT_SEED = 0

POISON_FRACTION = 0.05
OUTAGE_S = 15 * 60
BURST_WINDOW_S = 5 * 60
BURST_FACTOR = 20
STEADY_WINDOW_S = 30 * 60
#: The mean duration the capacity estimate assumes: the middle of 20-50 % of the timeout.
NOMINAL_FRACTION = 0.35


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    duration_fractions: tuple[float, float]
    poison: bool = False
    failing_until_s: float | None = None
    burst: bool = False
    slow_init: bool = False

    def cold_start_range(self, timeout_s: float) -> tuple[float, float]:
        """Init duration of a new execution environment. Typically 0.1-1 s
        (limits.LAMBDA_TYPICAL_COLD_START_S); in ``slow``, 60-99 % of the 10 s Init limit
        (limits.LAMBDA_MAX_INIT_S), which API Gateway's integration timeout includes."""
        if self.slow_init:
            low, high = self.duration_fractions
            return low * limits.LAMBDA_MAX_INIT_S, high * limits.LAMBDA_MAX_INIT_S
        return limits.LAMBDA_TYPICAL_COLD_START_S

    def arrivals(self, n: int, capacity_per_s: float, rng: random.Random) -> list[float]:
        """The times (s) at which the ``n`` events enter their source."""
        capacity = max(capacity_per_s, 1e-6)
        if self.burst:
            rate = max(BURST_FACTOR * capacity, n / BURST_WINDOW_S)
            return [i / rate for i in range(n)]
        rate = min(n / STEADY_WINDOW_S, capacity / 2)
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


SCENARIOS: dict[str, Scenario] = {
    "poison": Scenario("poison", "5 % of events fail on every attempt", (0.2, 0.5), poison=True),
    "slow": Scenario("slow", "every invocation runs 60-99 % of the timeout", (0.6, 0.99), slow_init=True),
    "outage": Scenario("outage", "every invocation fails for the first 15 minutes", (0.2, 0.5), failing_until_s=OUTAGE_S),
    "burst": Scenario("burst", "20 x the rate the function's concurrency serves, for 5 minutes", (0.2, 0.5), burst=True),
}
