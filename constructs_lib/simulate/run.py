"""Run a scenario against every function of an app: the entry points of the simulation."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.template.model import TemplateModel
from constructs_lib.simulate.asynchronous import AsyncSim
from constructs_lib.simulate.config import AsyncConfig, Entry, FunctionConfig, SqsMapping, StreamMapping, function_configs
from constructs_lib.simulate.invokers import Invoker, ModelInvoker
from constructs_lib.simulate.runtime import (
    DEAD_LETTERED,
    FILTERED,
    LOST,
    PENDING,
    RETURNED_ERROR,
    SUCCEEDED,
    FunctionRuntime,
    Tracker,
)
from constructs_lib.simulate.scenarios import DEFAULT_EVENTS, DEFAULT_SEED, NOMINAL_FRACTION, SCENARIOS, Scenario
from constructs_lib.simulate.source import EventSpec
from constructs_lib.simulate.sqs import QueueSim
from constructs_lib.simulate.streams import StreamSim
from constructs_lib.simulate.sync import SyncSim

#: Extra simulated time after the last deadline (retention, event age) before the
#: simulation stops and calls what is left ``pending``.
MARGIN_S = 3600.0


@dataclass
class FunctionResult:
    """What happened to one function's events under one scenario."""

    template: str
    function: str
    model: str
    events: int
    succeeded: int
    duplicates: int
    dead_lettered: int
    returned_errors: int
    lost: int
    pending: int
    caller_timeouts: int
    path: str | None = None
    source: str | None = None
    filtered: int = 0
    causes: dict[str, int] = field(default_factory=dict)
    destinations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    max_iterator_age_s: float = 0.0
    simulated_s: float = 0.0
    fates: list[str] = field(default_factory=list)
    successes: list[int] = field(default_factory=list)
    config: Any = None
    #: Which outcome of undecidable conditions the template was read under (``None``: all
    #: decided); each outcome is simulated on its own.
    branch: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``constructs-lib simulate --format json`` (``branch`` only when
        the template's conditions could not be decided)."""
        shape = {
            "template": self.template,
            "function": self.function,
            "model": self.model,
            "events": self.events,
            "succeeded": self.succeeded,
            "duplicates": self.duplicates,
            "dead_lettered": self.dead_lettered,
            "returned_errors": self.returned_errors,
            "lost": self.lost,
            "pending": self.pending,
            "caller_timeouts": self.caller_timeouts,
        }
        if self.branch is not None:
            shape["branch"] = self.branch
        return shape


@dataclass
class Report:
    scenario: str
    events: int
    seed: int
    functions: list[FunctionResult]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "functions": [f.to_dict() for f in self.functions]}


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def concurrency(function: FunctionConfig, entry: Entry) -> int:
    """How many invocations the function can run at once for this source (at least 1)."""
    caps = [function.reserved if function.reserved is not None else limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY]
    cfg = entry.config
    if isinstance(cfg, SqsMapping):
        caps.append(cfg.max_concurrency or limits.SQS_ESM_MAX_CONCURRENT_BATCHES)
    elif isinstance(cfg, StreamMapping):
        caps.append(cfg.shards * max(cfg.parallelization, 1))
    return max(1, min(caps))


def capacity_per_s(function: FunctionConfig, entry: Entry) -> float:
    """Events per second the function serves at the scenarios' nominal duration."""
    cfg = entry.config
    batch = cfg.batch_size if isinstance(cfg, (SqsMapping, StreamMapping)) else 1
    duration = max(function.timeout_s * NOMINAL_FRACTION, 0.001)
    return concurrency(function, entry) * batch / duration


def horizon_s(function: FunctionConfig, entry: Entry, last_arrival: float) -> float:
    """When the simulation stops: every event's source has expired it by then."""
    cfg = entry.config
    if isinstance(cfg, SqsMapping):
        span = cfg.retention_s + cfg.visibility_s
    elif isinstance(cfg, StreamMapping):
        span = cfg.retention_s
    elif isinstance(cfg, AsyncConfig):
        span = cfg.max_event_age_s + sum(limits.ASYNC_RETRY_DELAYS_S)
    else:
        span = limits.SDK_STANDARD_MAX_ATTEMPTS * (max(r.timeout_s for r in cfg) + limits.SDK_MAX_BACKOFF_S)
    return last_arrival + span + function.timeout_s + limits.LAMBDA_MAX_INIT_S + MARGIN_S


def scenario_events(scenario: Scenario, function: FunctionConfig, entry: Entry, n: int, seed: int) -> list[EventSpec]:
    rng = _rng(seed, "arrivals", function.template, function.function, entry.model)
    times = scenario.arrivals(n, capacity_per_s(function, entry), rng)
    return [EventSpec(i, t, None, f"pk-{i % 64}") for i, t in enumerate(times)]


def simulate_entry(
    function: FunctionConfig,
    entry: Entry,
    *,
    scenario: Scenario | str = "poison",
    events: int | Sequence[EventSpec] = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    invoker: Invoker | None = None,
    horizon: float | None = None,
) -> FunctionResult:
    """Simulate one invocation model of one function.

    ``events`` is a count (the scenario's arrivals, no payloads) or the events themselves
    (payloads for a :class:`~constructs_lib.simulate.invokers.HandlerInvoker`); ``invoker``
    defaults to the scenario's :class:`~constructs_lib.simulate.invokers.ModelInvoker`.
    """
    sc = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
    specs = scenario_events(sc, function, entry, events, seed) if isinstance(events, int) else list(events)
    n = len(specs)
    if invoker is None:
        poison = sc.poison_events(n, _rng(seed, "poison", function.template, function.function, entry.model))
        invoker = ModelInvoker(sc, _rng(seed, "invoker", function.template, function.function, entry.model), poison)
    env = simpy.Environment()
    tracker = Tracker(env, n)
    runtime = FunctionRuntime(env, tracker, invoker, template=function.template, function=function.function,
                              timeout_s=function.timeout_s, reserved=function.reserved)
    cfg = entry.config
    source: str | None
    if isinstance(cfg, SqsMapping):
        QueueSim(env, cfg, runtime, tracker).start(specs)
        source = cfg.queue
    elif isinstance(cfg, StreamMapping):
        StreamSim(env, cfg, runtime, tracker).start(specs)
        source = cfg.source
    elif isinstance(cfg, AsyncConfig):
        AsyncSim(env, cfg, runtime, tracker).start(specs)
        source = ", ".join(d.via for d in cfg.deliveries) or None
    else:
        SyncSim(env, entry.model, cfg, runtime, tracker, _rng(seed, "caller", function.template, function.function)).start(specs)
        source = ", ".join(r.via for r in cfg)
    last = max((s.time for s in specs), default=0.0)
    stop = horizon if horizon is not None else horizon_s(function, entry, last)
    env.run(until=tracker.all_done | env.timeout(stop))
    fates = [tracker.fate(i) for i in range(n)]
    successes = [s.successes for s in tracker.states]
    filtered = fates.count(FILTERED)
    return FunctionResult(
        template=function.template,
        function=function.function,
        model=entry.model,
        events=n - filtered,
        succeeded=fates.count(SUCCEEDED),
        duplicates=sum(max(0, s - 1) for s, f in zip(successes, fates) if f != FILTERED),
        dead_lettered=fates.count(DEAD_LETTERED),
        returned_errors=fates.count(RETURNED_ERROR),
        lost=fates.count(LOST),
        pending=fates.count(PENDING),
        caller_timeouts=tracker.caller_timeouts,
        path=function.path,
        source=source,
        filtered=filtered,
        causes=dict(tracker.causes),
        destinations={k: list(v) for k, v in tracker.destinations.items()},
        stats=dict(tracker.stats),
        max_iterator_age_s=tracker.max_iterator_age_s,
        simulated_s=env.now,
        fates=fates,
        successes=successes,
        config=cfg,
        branch=function.branch,
    )


def simulate(
    models: Sequence[TemplateModel],
    scenario: str = "poison",
    *,
    events: int = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    invoker_factory: Callable[[FunctionConfig, Entry], Invoker | None] | None = None,
) -> Report:
    """Run ``scenario`` against every function with a trigger in ``models``."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    if events < 1:
        raise ValueError(f"events must be 1 or more, not {events}")
    results: list[FunctionResult] = []
    notes: list[str] = []
    for model in sorted(models, key=lambda m: m.name):
        for function in function_configs(model):
            where = f"{model.name} (when {model.branch})" if model.branch else model.name
            notes.extend(f"{where}: {note}" for note in function.notes)
            for entry in function.entries:
                invoker = invoker_factory(function, entry) if invoker_factory is not None else None
                results.append(simulate_entry(function, entry, scenario=scenario, events=events, seed=seed, invoker=invoker))
    return Report(scenario, events, seed, results, notes)
