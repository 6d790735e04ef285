"""Synchronous invocation: a caller waits for the answer.

The caller is an API Gateway integration (a REST or HTTP API), a function URL or another
function. API Gateway throttles the stage with a token bucket (rate and burst, 429;
limits.SRC_APIGW_THROTTLING) and answers 504 when the integration timeout passes, while the
function runs on to its own timeout (limits.SRC_APIGW_QUOTAS); a throttled function (429) or
a function error or timeout (5XX) is an error answer (limits.SRC_LAMBDA_SYNC). Nothing
retries but the caller, which here behaves like an AWS SDK in standard mode: 3 attempts,
retrying throttles and 5XX answers (a 504 included) after an exponential backoff with full
jitter (limits.SRC_SDK_RETRY_BEHAVIOR). A request that timed out at the API and completed in
the function runs again: a duplicate. A function that calls another synchronously is a
caller whose timeout is its own.

Each request is counted once, by what its caller saw last: ``succeeded`` when its last
attempt was answered with a success, ``returned_errors`` when it was answered with an error
(429, 5XX, 504) - even if the function completed the work after the caller gave up, which is
counted separately (``completed_after_caller_gave_up``): the caller does not know it happened.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Sequence
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.config import SyncRoute
from constructs_lib.simulate.invokers import Record
from constructs_lib.simulate.runtime import RETURNED_ERROR, SUCCEEDED, FunctionRuntime, TokenBucket, Tracker
from constructs_lib.simulate.source import EventSpec


class SyncSim:
    def __init__(self, env: simpy.Environment, model: str, routes: Sequence[SyncRoute], runtime: FunctionRuntime,
                 tracker: Tracker, rng: random.Random) -> None:
        self.env, self.model, self.routes, self.runtime, self.tracker, self.rng = env, model, routes, runtime, tracker, rng
        self.buckets = {r.via: TokenBucket(r.rate_limit, r.burst_limit) for r in routes if r.rate_limit is not None}
        self.answers: dict[int, bool] = {}

    def start(self, events: Sequence[EventSpec]) -> None:
        self.env.process(self._arrivals(events))

    def _arrivals(self, events: Sequence[EventSpec]) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for spec in events:
            if spec.time > env.now:
                yield env.timeout(spec.time - env.now)
            self.tracker.arrived(spec.index)
            env.process(self._request(spec, self.routes[spec.index % len(self.routes)]))

    def _request(self, spec: EventSpec, route: SyncRoute) -> Generator[simpy.Event, Any, None]:
        env, tracker = self.env, self.tracker
        answered_ok = timed_out = False
        for attempt in range(1, limits.SDK_STANDARD_MAX_ATTEMPTS + 1):
            bucket = self.buckets.get(route.via)
            if bucket is not None and not bucket.take(env.now):
                tracker.stats["stage_throttles"] += 1
                tracker.states[spec.index].throttles += 1
                answered_ok = False
            else:
                call = env.process(self._invoke(spec, route, attempt))
                yield call | env.timeout(route.timeout_s)
                if not call.triggered:
                    timed_out = True
                    tracker.caller_timeout_answers += 1  # 504 while the function runs on
                    answered_ok = False
                else:
                    answered_ok = bool(call.value)
            if answered_ok:
                break
            if attempt < limits.SDK_STANDARD_MAX_ATTEMPTS:
                yield env.timeout(self.rng.uniform(0, min(float(limits.SDK_MAX_BACKOFF_S), 2.0**attempt)))
        if timed_out:
            tracker.caller_timeouts += 1
        self.answers[spec.index] = answered_ok
        self._maybe_finish(spec.index)

    def _invoke(self, spec: EventSpec, route: SyncRoute, attempt: int) -> Generator[simpy.Event, Any, bool]:
        record = Record(spec.index, f"request-{spec.index:06d}", spec.payload, attempt, spec.time)
        outcome = yield from self.runtime.invoke(self.tracker, self.model, route.via, [record], attempt=attempt)
        ok = not outcome.throttled and outcome.error is None and _status(outcome.response) < 500
        if ok:
            self.tracker.success(spec.index, "caller-retry")
        elif not outcome.throttled:
            self.tracker.failed(spec.index)
        self._maybe_finish(spec.index)
        return ok

    def _maybe_finish(self, event: int) -> None:
        """The request's fate is its caller's last answer, once nothing of it still runs."""
        state = self.tracker.states[event]
        answer = self.answers.get(event)
        if answer is None or state.in_flight:
            return
        if answer:
            self.tracker.finish(event, SUCCEEDED)
            return
        if state.successes:
            self.tracker.completed_after_caller_gave_up += 1
        cause = "caller-timeout" if state.failures == 0 and state.successes and state.throttles == 0 else "returned-error"
        self.tracker.finish(event, RETURNED_ERROR, cause)


def _status(response: Any) -> int:
    if isinstance(response, dict) and isinstance(response.get("statusCode"), int):
        return int(response["statusCode"])
    return 200
