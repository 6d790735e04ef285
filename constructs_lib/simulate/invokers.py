"""What runs when the simulated Lambda service invokes a function: the invoker interface.

The simulation plays the Lambda service (pollers, queues, retries, concurrency) and asks
an :class:`Invoker` what one invocation does: how long it runs and what it answers. Two
invokers ship:

- :class:`ModelInvoker`: a scenario's duration and failure model (``constructs-lib simulate``);
- :class:`HandlerInvoker`: calls a real handler with the Lambda event the service would
  send (SQS, Kinesis, DynamoDB Streams, asynchronous, API Gateway) and a context object,
  so a handler's partial batch responses and idempotency meet the simulated redelivery.

Anything with ``invoke(invocation) -> Result`` and ``cold_start_s(invocation) -> float``
is an invoker. Invokers are called when the invocation starts (after the cold start);
the simulation then lets ``Result.duration_s`` pass (cut at the function timeout).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from constructs_lib import limits

REGION = "eu-west-1"
ACCOUNT = "123456789012"


@dataclass
class Record:
    """One event as one invocation delivers it."""

    event: int  # the event's index in the simulation
    item_id: str  # messageId, sequence number, or request id
    payload: Any  # the body / record / request; None for the model scenarios
    receive_count: int  # SQS ApproximateReceiveCount; the attempt number elsewhere
    arrived: float  # simulated time the event entered its source
    partition_key: str | None = None
    group: str | None = None  # FIFO message group


@dataclass(frozen=True)
class Invocation:
    """One call of the function, as the invoker sees it."""

    template: str
    function: str
    model: str  # "sqs" | "kinesis" | "dynamodb" | "async" | "apigateway" | "url" | "lambda"
    source: str | None  # the queue, stream, rule or integration the event came through
    records: tuple[Record, ...]
    attempt: int
    time: float  # simulated start of the handler (after any cold start)
    timeout_s: float
    cold: bool = False
    report_batch_item_failures: bool = False
    #: The mapping's batch size (1 for a single event): a full batch's share of the work.
    batch_size: int = 1


@dataclass(frozen=True)
class Result:
    """What the invocation did: it ran ``duration_s`` and raised ``error`` or returned
    ``response`` (for polled sources, ``{"batchItemFailures": [...]}`` when reported)."""

    duration_s: float
    error: str | None = None
    response: Any = None


class Invoker(Protocol):
    def invoke(self, invocation: Invocation) -> Result: ...

    def cold_start_s(self, invocation: Invocation) -> float: ...


def batch_item_failures(ids: list[str]) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": i} for i in ids]}


# --------------------------------------------------------------------------------------
# The scenarios' model
# --------------------------------------------------------------------------------------
@dataclass
class ModelInvoker:
    """A scenario's model of every invocation (see :mod:`constructs_lib.simulate.scenarios`):
    durations as fractions of the function timeout - a fixed overhead plus a cost per
    record, so a batch of 5 of 10 records takes 60 % of a full one - and failures for poison
    events or during an outage. A handler written for its mapping: with
    ``ReportBatchItemFailures`` it reports its failed records (and, in a FIFO group, every
    record after the first failure); without, one failure fails the batch."""

    scenario: Any  # scenarios.Scenario
    rng: random.Random
    poison: frozenset[int] = frozenset()

    def cold_start_s(self, invocation: Invocation) -> float:
        low, high = self.scenario.cold_start_range(invocation.timeout_s)
        return self.rng.uniform(low, high)

    def always_fails(self, event: int) -> bool:
        """Whether every attempt at ``event`` fails (a poison event): the queue may then
        skip its hopeless retries (see ``QueueSim``)."""
        return event in self.poison

    def would_fail(self, event: int, time: float) -> bool:
        """Whether ``event`` fails on its own account at ``time`` (poison, or an outage):
        the queue tells a healthy message that failed only with its batch from the others."""
        return event in self.poison or self.scenario.failing_at(time)

    def invoke(self, invocation: Invocation) -> Result:
        low, high = self.scenario.duration_fractions
        share = self.scenario.batch_share(len(invocation.records), invocation.batch_size)
        duration = self.rng.uniform(low, high) * invocation.timeout_s * share
        if self.scenario.failing_at(invocation.time):
            return Result(duration, error="DependencyUnavailable")
        failed: list[str] = []
        failed_groups: set[str] = set()
        for record in invocation.records:
            if record.event in self.poison or (record.group is not None and record.group in failed_groups):
                failed.append(record.item_id)
                if record.group is not None:
                    failed_groups.add(record.group)
        if not failed:
            return Result(duration, response=None)
        if invocation.report_batch_item_failures and invocation.model in ("sqs", "kinesis", "dynamodb"):
            return Result(duration, response=batch_item_failures(failed))
        return Result(duration, error="PoisonEvent")


# --------------------------------------------------------------------------------------
# Real handlers
# --------------------------------------------------------------------------------------
@dataclass
class LambdaContext:
    """The context object handlers (and Powertools) read."""

    function_name: str
    timeout_s: float
    aws_request_id: str
    memory_limit_in_mb: int = 256
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_s - (time.monotonic() - self.started)) * 1000))


def arn(service: str, name: str | None) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{name or 'outside'}"


def sqs_record(record: Record, queue: str | None) -> dict[str, Any]:
    """A message as Lambda's SQS event delivers it.
    Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html"""
    body = record.payload if isinstance(record.payload, str) else json.dumps(record.payload)
    sent = str(int(record.arrived * 1000))
    attributes = {"ApproximateReceiveCount": str(record.receive_count), "SentTimestamp": sent, "SenderId": ACCOUNT,
                  "ApproximateFirstReceiveTimestamp": sent}
    if record.group is not None:
        attributes["MessageGroupId"] = record.group
    return {
        "messageId": record.item_id,
        "receiptHandle": f"{record.item_id}#{record.receive_count}",
        "body": body,
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 - SQS's checksum, not security
        "eventSource": "aws:sqs",
        "eventSourceARN": arn("sqs", queue),
        "awsRegion": REGION,
    }


def stream_record(record: Record, model: str, source: str | None) -> dict[str, Any]:
    """A stream record as Lambda delivers it: the DynamoDB Streams record given as the
    payload (its ``eventSourceARN`` added), or a Kinesis record wrapping the payload."""
    if model == "dynamodb":
        payload = dict(record.payload) if isinstance(record.payload, Mapping) else {"dynamodb": {}}
        payload.setdefault("eventSource", "aws:dynamodb")
        payload.setdefault("awsRegion", REGION)
        payload["eventSourceARN"] = arn("dynamodb", f"table/{source}/stream/simulated")
        return payload
    data = record.payload if isinstance(record.payload, (bytes, str)) else json.dumps(record.payload)
    raw = data.encode() if isinstance(data, str) else data
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": record.partition_key or "0",
            "sequenceNumber": record.item_id,
            "data": base64.b64encode(raw).decode(),
            "approximateArrivalTimestamp": record.arrived,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{record.item_id}",
        "eventName": "aws:kinesis:record",
        "awsRegion": REGION,
        "eventSourceARN": arn("kinesis", f"stream/{source}"),
    }


def lambda_event(invocation: Invocation) -> Any:
    """The event Lambda passes to the handler for this invocation."""
    if invocation.model == "sqs":
        return {"Records": [sqs_record(r, invocation.source) for r in invocation.records]}
    if invocation.model in ("kinesis", "dynamodb"):
        return {"Records": [stream_record(r, invocation.model, invocation.source) for r in invocation.records]}
    (record,) = invocation.records
    return record.payload


@dataclass
class HandlerInvoker:
    """Calls ``handler(event, context)``: the handler decides success and failure.

    ``duration`` gives the simulated duration of an invocation (default: the handler's
    own wall-clock time); ``cold_start`` the Init duration of a new execution
    environment (default: Lambda's typical 0.1-1 s, drawn from ``rng``).
    """

    handler: Callable[[Any, Any], Any]
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    duration: Callable[[Invocation], float] | None = None
    cold_start: Callable[[Invocation], float] | None = None
    calls: int = 0

    def cold_start_s(self, invocation: Invocation) -> float:
        if self.cold_start is not None:
            return self.cold_start(invocation)
        return self.rng.uniform(*limits.LAMBDA_TYPICAL_COLD_START_S)

    def invoke(self, invocation: Invocation) -> Result:
        self.calls += 1
        context = LambdaContext(invocation.function, invocation.timeout_s, f"req-{self.calls}")
        started = time.perf_counter()
        error: str | None = None
        response: Any = None
        try:
            response = self.handler(lambda_event(invocation), context)
        except Exception as exc:  # noqa: BLE001 - a function error, as Lambda records it
            error = f"{type(exc).__name__}: {exc}"
        wall = time.perf_counter() - started
        duration = self.duration(invocation) if self.duration is not None else wall
        return Result(duration, error=error, response=response)
