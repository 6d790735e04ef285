"""Synchronous invocation: a caller waits for the answer.

The caller is an API Gateway integration (a REST or HTTP API) or another function.
API Gateway throttles the stage with a token bucket (rate and burst, 429;
limits.SRC_APIGW_THROTTLING) and answers 504 when the integration timeout passes,
while the function runs on to its own timeout (limits.SRC_APIGW_QUOTAS); a throttled
function (429) or a function error or timeout (5XX) is an error answer
(limits.SRC_LAMBDA_SYNC). Nothing retries but the caller, which here behaves like an
AWS SDK in standard mode: 3 attempts, retrying throttles and 5XX answers (a 504
included) after an exponential backoff with full jitter (limits.SRC_SDK_RETRY_BEHAVIOR).
So a request that timed out at the API and completed in the function runs again: a
duplicate. A function that calls another synchronously is a caller whose timeout is its
own.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Sequence
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.config import SyncRoute
from constructs_lib.simulate.invokers import Record
from constructs_lib.simulate.runtime import RETURNED_ERROR, FunctionRuntime, Tracker
from constructs_lib.simulate.source import EventSpec


class TokenBucket:
    def __init__(self, rate: float, burst: float | None) -> None:
        self.rate, self.burst = rate, burst if burst is not None and burst > 0 else max(rate, 1.0)
        self.tokens, self.last = self.burst, 0.0

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class SyncSim:
    def __init__(self, env: simpy.Environment, model: str, routes: Sequence[SyncRoute], runtime: FunctionRuntime,
                 tracker: Tracker, rng: random.Random) -> None:
        self.env, self.model, self.routes, self.runtime, self.tracker, self.rng = env, model, routes, runtime, tracker, rng
        self.buckets = {r.via: TokenBucket(r.rate_limit, r.burst_limit) for r in routes if r.rate_limit is not None}
        self.caller_done: set[int] = set()

    def start(self, events: Sequence[EventSpec]) -> None:
        for spec in events:
            self.env.process(self._request(spec, self.routes[spec.index % len(self.routes)]))

    def _request(self, spec: EventSpec, route: SyncRoute) -> Generator[simpy.Event, Any, None]:
        env, tracker = self.env, self.tracker
        if spec.time > env.now:
            yield env.timeout(spec.time - env.now)
        for attempt in range(1, limits.SDK_STANDARD_MAX_ATTEMPTS + 1):
            bucket = self.buckets.get(route.via)
            if bucket is not None and not bucket.take(env.now):
                tracker.stats["stage_throttles"] += 1
            else:
                call = env.process(self._invoke(spec, route, attempt))
                yield call | env.timeout(route.timeout_s)
                if not call.triggered:
                    tracker.caller_timeouts += 1  # 504 while the function runs on
                    tracker.causes["caller-timeout"] += 1
                elif call.value:
                    break
            if attempt < limits.SDK_STANDARD_MAX_ATTEMPTS:
                yield env.timeout(self.rng.uniform(0, min(float(limits.SDK_MAX_BACKOFF_S), 2.0**attempt)))
        self.caller_done.add(spec.index)
        self._maybe_finish(spec.index)

    def _invoke(self, spec: EventSpec, route: SyncRoute, attempt: int) -> Generator[simpy.Event, Any, bool]:
        record = Record(spec.index, f"request-{spec.index:06d}", spec.payload, attempt, spec.time)
        outcome = yield self.env.process(self.runtime.invoke(self.model, route.via, [record], attempt=attempt))
        ok = not outcome.throttled and outcome.error is None and _status(outcome.response) < 500
        if ok:
            self.tracker.success(spec.index)
        elif not outcome.throttled:
            self.tracker.failed(spec.index)
        self._maybe_finish(spec.index)
        return ok

    def _maybe_finish(self, event: int) -> None:
        state = self.tracker.states[event]
        if event in self.caller_done and state.in_flight == 0:
            self.tracker.finish(event, RETURNED_ERROR, "returned-error")


def _status(response: Any) -> int:
    if isinstance(response, dict) and isinstance(response.get("statusCode"), int):
        return int(response["statusCode"])
    return 200
