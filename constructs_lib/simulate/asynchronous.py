"""Asynchronous invocation: Lambda's internal queue, its retries and destinations.

- Delivery: EventBridge, Scheduler, SNS, S3 and other functions hand the event to
  Lambda's ``Invoke`` API, which queues it (202) whatever the function's concurrency.
  A rule or subscription whose function has no resource-based permission for the
  service fails every delivery: EventBridge sends such events to the target's DLQ
  without retrying (limits.SRC_EVENTBRIDGE_DLQ), SNS to the subscription's redrive
  DLQ (limits.SRC_SNS_DLQ); without one they are dropped. Transient delivery errors
  (retried by the target's retry policy, limits.SRC_EVENTBRIDGE_RETRY_POLICY,
  limits.SRC_SCHEDULER_RETRY, limits.SRC_SNS_DELIVERY_RETRIES) are not injected.
- The queue: a function error is retried ``MaximumRetryAttempts`` times (default 2), 1 and
  2 minutes apart; a throttle is retried after 1 s, doubling to 5 minutes (with jitter), until
  the event is older than ``MaximumEventAgeInSeconds`` (default and maximum 6 h).
  Source: limits.SRC_LAMBDA_ASYNC_ERRORS.
- The end: success sends an invocation record to the on-success destination; an event
  whose retries are exhausted or that aged out goes, with an invocation record, to the
  on-failure destination, else to the function's dead-letter queue (the event only),
  else it is discarded. With reserved concurrency 0, "Lambda begins sending new events to
  the configured dead-letter queue or the on-failure event destination, without any
  retries". Source: limits.SRC_LAMBDA_ASYNC_DEST.
- A throttle is the account's as much as the function's: a function without reserved
  concurrency whose neighbour took the unreserved pool waits in the queue (up to 6 hours).
"""

from __future__ import annotations

import random
from collections.abc import Generator, Sequence
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.config import AsyncConfig, Delivery
from constructs_lib.simulate.invokers import Record
from constructs_lib.simulate.runtime import DEAD_LETTERED, LOST, FunctionRuntime, Tracker
from constructs_lib.simulate.source import EventSpec


class AsyncSim:
    def __init__(self, env: simpy.Environment, cfg: AsyncConfig, runtime: FunctionRuntime, tracker: Tracker,
                 rng: random.Random | None = None) -> None:
        self.env, self.cfg, self.runtime, self.tracker = env, cfg, runtime, tracker
        self.rng = rng if rng is not None else random.Random(0)

    def start(self, events: Sequence[EventSpec]) -> None:
        self.env.process(self._arrivals(events))

    def _arrivals(self, events: Sequence[EventSpec]) -> Generator[simpy.Event, Any, None]:
        env = self.env
        deliveries = self.cfg.deliveries or (Delivery("direct", "Invoke", 0, None, None),)
        for spec in events:
            if spec.time > env.now:
                yield env.timeout(spec.time - env.now)
            self.tracker.arrived(spec.index)
            env.process(self._event(spec, deliveries[spec.index % len(deliveries)]))

    def _event(self, spec: EventSpec, delivery: Delivery) -> Generator[simpy.Event, Any, None]:
        env, cfg, tracker = self.env, self.cfg, self.tracker
        if not delivery.permitted:
            tracker.stats["delivery_failures"] += 1
            if delivery.dead_letter_queue is not None:
                tracker.deliver(delivery.dead_letter_queue, {"event": spec.payload, "error": "AccessDenied", "via": delivery.via})
                tracker.finish(spec.index, DEAD_LETTERED, f"{delivery.kind}-dlq")
            else:
                tracker.finish(spec.index, LOST, f"{delivery.kind}-dropped")
            return
        arrived = env.now
        if self.runtime.reserved == 0:
            tracker.states[spec.index].throttles += 1
            tracker.stats["throttles"] += 1
            tracker.stats["throttles_reserved"] += 1
            self._discard(spec, "EventAgeExceeded", 0, "throttled")  # no retries (limits.SRC_LAMBDA_ASYNC_DEST)
            return
        errors, throttles, attempts = 0, 0, 0
        last_error: str | None = None
        while True:
            attempts += 1
            record = Record(spec.index, f"event-{spec.index:06d}", spec.payload, attempts, arrived)
            outcome = yield from self.runtime.invoke(tracker, "async", delivery.via, [record], attempt=attempts)
            if outcome.throttled:
                delay = min(limits.ASYNC_THROTTLE_RETRY_FIRST_S * 2**throttles, limits.ASYNC_THROTTLE_RETRY_MAX_S)
                # Jittered (half the interval, plus up to half): the documented interval is the
                # pace; without jitter, events throttled together retry together forever.
                delay *= 0.5 + 0.5 * self.rng.random()
                throttles += 1
                attempts -= 1
            elif outcome.error is not None:
                tracker.failed(spec.index)
                errors += 1
                last_error = outcome.error
                if errors > cfg.retries:
                    self._discard(spec, "RetriesExhausted", attempts, last_error)
                    return
                delay = limits.ASYNC_RETRY_DELAYS_S[min(errors, len(limits.ASYNC_RETRY_DELAYS_S)) - 1]
            else:
                tracker.success(spec.index)
                tracker.deliver(cfg.on_success, {"requestContext": {"condition": "Success", "approximateInvokeCount": attempts},
                                                 "requestPayload": spec.payload})
                tracker.finish(spec.index)
                return
            expires = arrived + cfg.max_event_age_s
            if env.now + delay > expires:
                yield env.timeout(max(0.0, expires - env.now))
                self._discard(spec, "EventAgeExceeded", attempts, last_error or "throttled")
                return
            yield env.timeout(delay)

    def _discard(self, spec: EventSpec, condition: str, attempts: int, error: str) -> None:
        cfg, tracker = self.cfg, self.tracker
        record = {
            "version": "1.0",
            "timestamp": self.env.now,
            "requestContext": {"condition": condition, "approximateInvokeCount": attempts,
                               "functionArn": self.runtime.function},
            "requestPayload": spec.payload,
            "responsePayload": _error_payload(error),
        }
        if cfg.on_failure is not None:
            tracker.deliver(cfg.on_failure, record)
            tracker.finish(spec.index, DEAD_LETTERED, "async-destination")
        elif cfg.dead_letter_queue is not None:
            tracker.deliver(cfg.dead_letter_queue, {"event": spec.payload, "condition": condition})
            tracker.finish(spec.index, DEAD_LETTERED, "async-dlq")
        else:
            tracker.finish(spec.index, LOST, "async-discarded")


def _error_payload(error: str) -> dict[str, str]:
    """``"InvalidOrderError: bad address"`` as Lambda's error response payload."""
    kind, _, message = error.partition(": ")
    return {"errorType": kind if message else "Error", "errorMessage": message or error}
