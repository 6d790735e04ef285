"""How many events a second each function serves under a scenario: its capacity.

Scenarios set every function's load relative to its capacity (``scenarios.LOAD``), so the
verdict does not change with the number of events. The capacity of one invocation model of
one function is

    concurrency x batch size / (time per batch x the failures' extra cost)

- concurrency: the function's share of the account (its reserved concurrency, or the
  unreserved pool divided among the functions without one), capped by its source: an SQS
  mapping's maximum concurrency, its provisioned pollers x 10, 1,250 in standard mode, a FIFO
  queue's message groups; a stream's shards x parallelization factor;
- time per batch: the scenario's mean share of the timeout for a full batch, plus the
  batching window (the most a batch waits to fill);
- the failures' extra cost (``poison``): the attempts a poison event takes - the receives
  before the dead-letter queue, the stream retries and bisections, the asynchronous retries,
  the caller's retries - and, in a FIFO group, the time a failing message blocks its group;
  and a synchronous caller's retries after a 504 (its timeout shorter than the runs).
  Unbounded retries count as the defaults AWS recommends (5 receives, 3 stream retries): a
  template that retries forever is then overloaded, as it would be.

An estimate of the order of magnitude, not a promise: the simulation, not this formula,
decides what happens to each event.
"""

from __future__ import annotations

import math

from constructs_lib import limits
from constructs_lib.simulate.config import AsyncConfig, Entry, FunctionConfig, SqsMapping, StreamMapping
from constructs_lib.simulate.scenarios import FIFO_GROUPS, POISON_FRACTION, Scenario

#: What an unbounded retry counts as, for the capacity only (AWS's recommended minimum
#: maxReceiveCount; our default stream retries). Source: limits.SRC_LAMBDA_SQS.
NOMINAL_RECEIVES = limits.SQS_RECOMMENDED_MIN_MAX_RECEIVE_COUNT
NOMINAL_STREAM_RETRIES = limits.DEFAULT_STREAM_RETRY_ATTEMPTS


def batch_size(entry: Entry) -> int:
    cfg = entry.config
    return cfg.batch_size if isinstance(cfg, (SqsMapping, StreamMapping)) else 1


def source_cap(entry: Entry) -> float:
    """The most concurrent invocations the source itself drives (``inf`` when only the
    function's concurrency bounds it)."""
    cfg = entry.config
    if isinstance(cfg, SqsMapping):
        if cfg.pollers is not None:
            cap = float(cfg.pollers[1] * limits.SQS_INVOKES_PER_POLLER)
        else:
            cap = float(cfg.max_concurrency or limits.SQS_ESM_MAX_CONCURRENT_INVOKES)
        return min(cap, FIFO_GROUPS) if cfg.fifo else cap
    if isinstance(cfg, StreamMapping):
        return float(cfg.lanes)
    return math.inf


def capacity_per_s(function: FunctionConfig, entry: Entry, scenario: Scenario, concurrency: float) -> float:
    """Events per second this entry serves with ``concurrency`` (its share of the account)
    under ``scenario``. A share of 0 (reserved concurrency 0) serves nothing: an SQS queue with
    a dead-letter queue then drains at the pace its receives move messages there; elsewhere it
    counts as 1, so events still arrive - and are throttled."""
    cfg = entry.config
    batch = batch_size(entry)
    if concurrency <= 0 and isinstance(cfg, SqsMapping) and cfg.max_receive_count is not None:
        # Throttled every time: the queue only empties into its dead-letter queue, a batch per
        # poller per visibility timeout and receive - the first five pollers' pace.
        pollers = min(limits.SQS_ESM_INITIAL_CONCURRENT_BATCHES, source_cap(entry))
        return pollers * batch / (cfg.max_receive_count * max(cfg.visibility_s + cfg.window_s, 1.0))
    conc = min(max(concurrency, 0.0) or 1.0, source_cap(entry))
    full = max(scenario.mean_fraction * function.timeout_s, 1e-3)  # a full batch
    window = cfg.window_s if isinstance(cfg, (SqsMapping, StreamMapping)) else 0.0
    per_event = (full + window) / batch * _failure_cost(entry, scenario) * _caller_retry_cost(function, entry, scenario) / conc
    if isinstance(cfg, SqsMapping) and cfg.fifo and scenario.poison:
        # A failing message blocks its group for each visibility timeout until it leaves.
        receives = cfg.max_receive_count or NOMINAL_RECEIVES
        per_group = (full + window) / batch + POISON_FRACTION * receives * cfg.visibility_s
        per_event = max(per_event, per_group / min(conc, FIFO_GROUPS))
    rate = 1.0 / per_event
    if isinstance(cfg, tuple) and cfg and all(r.rate_limit is not None for r in cfg):
        rate = min(rate, sum(r.rate_limit or 0.0 for r in cfg) or 1e-3)  # API Gateway's stage throttling
    return rate


def _failure_cost(entry: Entry, scenario: Scenario) -> float:
    """How much more time a batch takes, on average, for the poison events it holds."""
    if not scenario.poison:
        return 1.0
    p, cfg, batch = POISON_FRACTION, entry.config, batch_size(entry)
    share = scenario.batch_share
    if isinstance(cfg, SqsMapping):
        extra = (cfg.max_receive_count or NOMINAL_RECEIVES) - 1
        if cfg.partial:
            return 1 + p * batch * extra * share(1, batch)  # only the poison comes back
        return 1 + p * batch * extra  # its whole batch comes back with it
    if isinstance(cfg, StreamMapping):
        retries = cfg.retries if cfg.retries >= 0 else NOMINAL_STREAM_RETRIES
        if cfg.bisect:
            levels = max(1, math.ceil(math.log2(max(batch, 2))))
            per_poison = sum(2 * share(max(1, batch >> i), batch) for i in range(1, levels + 1)) + retries * share(1, batch)
        else:
            per_poison = (retries + 1) * share(batch, batch)
        return 1 + p * batch * per_poison
    if isinstance(cfg, AsyncConfig):
        return 1 + p * cfg.retries
    return 1 + p * (limits.SDK_STANDARD_MAX_ATTEMPTS - 1)


def _caller_retry_cost(function: FunctionConfig, entry: Entry, scenario: Scenario) -> float:
    """How many invocations a synchronous request costs when the caller's timeout (the
    integration's) is shorter than the function's runs: the caller gets a 504 and retries
    while the function runs on (sync.py), up to the SDK's attempts."""
    cfg = entry.config
    if not isinstance(cfg, tuple) or not cfg:
        return 1.0
    low, high = (f * function.timeout_s for f in scenario.duration_fractions)
    caller = min(r.timeout_s for r in cfg)
    late = 0.0 if caller >= high else 1.0 if caller <= low else (high - caller) / (high - low)
    return sum(late ** k for k in range(limits.SDK_STANDARD_MAX_ATTEMPTS))


#: Background traffic around a run's measured events (see ``background_events``): at least
#: this many before and after them, at most the second.
BACKGROUND_MIN_EVENTS = 2_000
BACKGROUND_MAX_EVENTS = 20_000
#: A run's background events in all, shared by the functions that need them (a template of
#: 1,000 such functions gets 50 a side each, never fewer), so the run stays linear.
BACKGROUND_BUDGET = 100_000
BACKGROUND_MIN_PER_FUNCTION = 50


def background_events(entry: Entry, reserved: int | None, events: int) -> int:
    """How many events of background traffic arrive before the measured ones, and as many
    after: none, unless the source's fewest concurrent invocations exceed the function's
    reserved concurrency (an SQS mapping's five batches, or its provisioned minimum, above it;
    a stream's shards x parallelization factor above it). A function without reserved
    concurrency shares the account's pool, a limit it meets only when the pool runs out. Then every run
    throttles, and the backlog of throttled batches builds over thousands of events; a
    short run would see only its start (an empty queue) and its end (nothing behind its last
    messages). Background events load the source and the function like the others, and are
    not counted (runtime.Tracker)."""
    cfg = entry.config
    if reserved is None:
        return 0
    if isinstance(cfg, SqsMapping):
        if cfg.pollers is not None:
            least = float(cfg.pollers[0] * limits.SQS_INVOKES_PER_POLLER)
        else:
            least = min(float(limits.SQS_ESM_INITIAL_CONCURRENT_BATCHES), source_cap(entry))
    elif isinstance(cfg, StreamMapping):
        least = float(cfg.lanes)
    else:
        return 0
    if least <= reserved:
        return 0
    return min(max(events, BACKGROUND_MIN_EVENTS), BACKGROUND_MAX_EVENTS)


def mean_batch_s(function: FunctionConfig, entry: Entry, scenario: Scenario) -> float:
    """The mean duration of a full batch under ``scenario``."""
    return max(scenario.mean_fraction * function.timeout_s, 1e-3)
