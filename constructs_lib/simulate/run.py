"""Run a scenario against every function of an app: the entry points of the simulation.

Every function of a run lives in one simulated account: one SimPy environment, one
:class:`~constructs_lib.simulate.runtime.Account` whose unreserved concurrency the functions
without reserved concurrency share. (Each outcome of a template's undecidable conditions is
simulated in an account of its own, with nothing else in it.)
"""

from __future__ import annotations

import gc
import hashlib
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy

from constructs_lib import limits
from constructs_lib.simulate.asynchronous import AsyncSim
from constructs_lib.simulate.config import AsyncConfig, Entry, FunctionConfig, SqsMapping, StreamMapping, function_configs
from constructs_lib.simulate.invokers import Invoker, ModelInvoker
from constructs_lib.simulate.load import (
    BACKGROUND_BUDGET,
    BACKGROUND_MAX_EVENTS,
    BACKGROUND_MIN_PER_FUNCTION,
    background_events,
    batch_size,
    capacity_per_s,
    mean_batch_s,
    source_cap,
)
from constructs_lib.simulate.runtime import (
    DEAD_LETTERED,
    FILTERED,
    LOST,
    METADATA_ONLY,
    PENDING,
    RETURNED_ERROR,
    SUCCEEDED,
    Account,
    Countdown,
    FunctionRuntime,
    FunctionState,
    Timeline,
    Tracker,
)
from constructs_lib.simulate.scenarios import (
    BURST_EVENTS,
    LOAD,
    DEFAULT_EVENTS,
    DEFAULT_SEED,
    FIFO_GROUPS,
    NOISY_BURST_S,
    NOISY_FACTOR,
    NOISY_MAX_EVENTS,
    SCENARIOS,
    Scenario,
    noisy_arrivals,
)
from constructs_lib.simulate.source import EventSpec
from constructs_lib.simulate.sqs import QueueSim
from constructs_lib.simulate.streams import StreamSim
from constructs_lib.simulate.sync import SyncSim
from constructs_lib.template.model import TemplateModel

#: Extra simulated time after the last deadline (retention, event age) before the
#: simulation stops and calls what is left ``pending``.
MARGIN_S = 3600.0


@dataclass
class FunctionResult:
    """What happened to one function's events under one scenario, in one invocation model.

    Each event is counted once, by its final fate: ``succeeded`` + ``dead_lettered`` +
    ``metadata_only`` + ``returned_errors`` + ``lost`` + ``pending`` = ``events``.
    """

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
    #: How reports name the function: its path in the app, else template/logical id.
    name: str = ""
    #: Stream records whose on-failure destination (SQS, SNS) received only their metadata:
    #: readable from the stream until ``recoverable_until_s``, then gone.
    metadata_only: int = 0
    recoverable_until_s: float | None = None
    #: Synchronous requests whose work completed although their caller's last answer was an error.
    completed_after_caller_gave_up: int = 0
    duplicate_causes: dict[str, int] = field(default_factory=dict)
    billed_gb_s: float = 0.0
    requests: int = 0
    memory_mb: float = float(limits.LAMBDA_DEFAULT_MEMORY_MB)
    first_loss_s: float | None = None
    notes: list[str] = field(default_factory=list)
    timeline: Timeline | None = None

    @property
    def throttles(self) -> int:
        return int(self.stats.get("throttles", 0)) + int(self.stats.get("stage_throttles", 0))

    def to_dict(self, rule_fixes: dict[str, str] | None = None) -> dict[str, Any]:
        """The JSON shape of ``constructs-lib simulate --format json`` (``branch`` only when
        the template's conditions could not be decided)."""
        from constructs_lib.simulate.advice import advice

        shape: dict[str, Any] = {
            "template": self.template,
            "function": self.function,
            "name": self.name,
            "model": self.model,
            "events": self.events,
            "succeeded": self.succeeded,
            "dead_lettered": self.dead_lettered,
            "metadata_only": self.metadata_only,
            "returned_errors": self.returned_errors,
            "lost": self.lost,
            "pending": self.pending,
            "duplicates": self.duplicates,
            "duplicates_by_cause": dict(sorted(self.duplicate_causes.items())),
            "caller_timeouts": self.caller_timeouts,
            "completed_after_caller_gave_up": self.completed_after_caller_gave_up,
            "throttles": self.throttles,
            "max_iterator_age_s": round(self.max_iterator_age_s, 3),
            "recoverable_until_s": None if self.recoverable_until_s is None else round(self.recoverable_until_s, 3),
            "causes": dict(sorted(self.causes.items())),
            "billed_gb_s": round(self.billed_gb_s, 3),
            "requests": self.requests,
            "advice": [{"rule": a.rule_id, "count": a.count, "what": a.what} for a in advice(self, rule_fixes)],
            "notes": list(self.notes),
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
    #: The notes that are refusals: values AWS refuses, so that trigger or function never runs.
    refused: list[str] = field(default_factory=list)
    account_concurrency: int = limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY
    #: The function that bursts in ``noisy-neighbour``.
    noisy: str | None = None

    def to_dict(self, rule_fixes: dict[str, str] | None = None) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "scenario": self.scenario,
            "events": self.events,
            "seed": self.seed,
            "account_concurrency": self.account_concurrency,
        }
        if self.noisy is not None:
            shape["noisy"] = self.noisy
        shape["functions"] = [f.to_dict(rule_fixes) for f in self.functions]
        shape["notes"] = list(self.notes)
        shape["refused"] = list(self.refused)
        return shape


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def horizon_s(function: FunctionConfig, entry: Entry, last_arrival: float) -> float:
    """When the simulation stops: every event's source has expired it by then."""
    cfg = entry.config
    if isinstance(cfg, SqsMapping):
        span = cfg.retention_s + cfg.visibility_s + cfg.window_s
    elif isinstance(cfg, StreamMapping):
        span = cfg.retention_s
    elif isinstance(cfg, AsyncConfig):
        span = cfg.max_event_age_s + sum(limits.ASYNC_RETRY_DELAYS_S)
    else:
        span = limits.SDK_STANDARD_MAX_ATTEMPTS * (max(r.timeout_s for r in cfg) + limits.SDK_MAX_BACKOFF_S)
    return last_arrival + span + function.timeout_s + limits.LAMBDA_MAX_INIT_S + MARGIN_S


def _specs(entry: Entry, times: Sequence[float], first: int = 0) -> list[EventSpec]:
    fifo = isinstance(entry.config, SqsMapping) and entry.config.fifo
    return [EventSpec(i, t, None, f"pk-{i % 64}", f"group-{i % FIFO_GROUPS}" if fifo else None)
            for i, t in enumerate(times, start=first)]


@dataclass
class _Job:
    function: FunctionConfig
    entry: Entry
    specs: list[EventSpec]
    invoker: Invoker
    rng_caller: random.Random
    tracker: Tracker | None = None
    source: Any = None
    #: Execution environments already warm when the run starts (the steady load's).
    warm: int = 0
    seed: int = 0
    #: How many of ``specs`` are background traffic (the last indices; runtime.Tracker).
    background: int = 0


#: How often (in simulated time, a share of the run's horizon) a run reports its progress.
PROGRESS_STEPS = 200


def _execute(
    jobs: Sequence[_Job], *, unreserved: int, timeline: bool = False, horizon: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[FunctionResult], float]:
    """Run every job in one environment and one account; their results, and the end time.
    ``progress(done, total)`` hears how many events have their fate, a few hundred times
    a run (a process of its own that only reads the count: the run is the same without it)."""
    env = simpy.Environment()
    account = Account(unreserved)
    countdown = Countdown(env)
    shared: dict[tuple[str, str], FunctionState] = {}
    stop = 0.0
    for job in jobs:
        fc, entry = job.function, job.entry
        state = shared.setdefault((fc.template, fc.function), FunctionState())
        state.idle += job.warm
        if job.warm and state.recycling is None:
            state.recycling = _rng(job.seed, "recycling", fc.template, fc.function)
        line: Timeline | None = None
        if timeline:
            line = Timeline(backlog_kind="iterator age (s)" if isinstance(entry.config, StreamMapping) else "queue depth",
                            limit=fc.reserved if fc.reserved is not None else unreserved)
            state.timelines.append(line)
        tracker = job.tracker = Tracker(env, len(job.specs), countdown, line, 2 * job.background)
        runtime = FunctionRuntime(env, job.invoker, template=fc.template, function=fc.function, timeout_s=fc.timeout_s,
                                  reserved=fc.reserved, account=account, memory_mb=fc.memory_mb, shared=state)
        cfg = entry.config
        if isinstance(cfg, SqsMapping):
            job.source = QueueSim(env, cfg, runtime, tracker)
        elif isinstance(cfg, StreamMapping):
            job.source = StreamSim(env, cfg, runtime, tracker)
        elif isinstance(cfg, AsyncConfig):
            job.source = AsyncSim(env, cfg, runtime, tracker, job.rng_caller)
        else:
            job.source = SyncSim(env, entry.model, cfg, runtime, tracker, job.rng_caller)
        job.source.start(job.specs)
        last = max((s.time for s in job.specs), default=0.0)
        stop = max(stop, horizon_s(fc, entry, last))
    if horizon is not None:
        stop = horizon
    if progress is not None and countdown.remaining > 0:
        env.process(_report_progress(env, countdown, countdown.remaining, stop / PROGRESS_STEPS, progress))
    if countdown.remaining > 0:
        # A run allocates millions of short-lived events and generator frames; the cyclic
        # garbage collector's passes over them cost more than the run itself, and nothing
        # cyclic outlives it. It is switched back on (and catches up) when the run ends.
        collecting = gc.isenabled()
        gc.disable()
        try:
            env.run(until=countdown.event | env.timeout(stop))
        finally:
            if collecting:
                gc.enable()
    for job in jobs:
        finalize = getattr(job.source, "finalize", None)
        if finalize is not None:
            finalize()
    return [_result(job, env.now) for job in jobs], env.now


def _report_progress(env: simpy.Environment, countdown: Countdown, total: int, step: float,
                     progress: Callable[[int, int], None]) -> Any:
    while countdown.remaining > 0:
        progress(total - countdown.remaining, total)
        yield env.timeout(max(step, 1e-3))


def _result(job: _Job, now: float) -> FunctionResult:
    fc, entry, tracker = job.function, job.entry, job.tracker
    assert tracker is not None
    n = tracker.measured
    fates = [tracker.fate(i) for i in range(n)]
    successes = [s.successes for s in tracker.states[:n]]
    filtered = fates.count(FILTERED)
    cfg = entry.config
    if isinstance(cfg, SqsMapping):
        source = cfg.queue
    elif isinstance(cfg, StreamMapping):
        source = cfg.source
    elif isinstance(cfg, AsyncConfig):
        source = ", ".join(d.via for d in cfg.deliveries) or None
    else:
        source = ", ".join(r.via for r in cfg)
    return FunctionResult(
        template=fc.template,
        function=fc.function,
        model=entry.model,
        events=n - filtered,
        succeeded=fates.count(SUCCEEDED),
        duplicates=sum(max(0, s - 1) for s, f in zip(successes, fates) if f != FILTERED),
        dead_lettered=fates.count(DEAD_LETTERED),
        returned_errors=fates.count(RETURNED_ERROR),
        lost=fates.count(LOST),
        pending=fates.count(PENDING),
        caller_timeouts=tracker.caller_timeouts,
        path=fc.path,
        source=source,
        filtered=filtered,
        causes=dict(tracker.causes),
        destinations={k: list(v) for k, v in tracker.destinations.items()},
        stats=dict(tracker.stats),
        max_iterator_age_s=tracker.max_iterator_age_s,
        simulated_s=now,
        fates=fates,
        successes=successes,
        config=cfg,
        branch=fc.branch,
        name=fc.name,
        metadata_only=fates.count(METADATA_ONLY),
        recoverable_until_s=tracker.recoverable_until_s,
        completed_after_caller_gave_up=tracker.completed_after_caller_gave_up,
        duplicate_causes=dict(tracker.duplicate_causes),
        billed_gb_s=tracker.billed_gb_s,
        requests=tracker.requests,
        memory_mb=fc.memory_mb,
        first_loss_s=tracker.first_loss_s,
        notes=list(fc.notes),
        timeline=tracker.timeline,
    )


def simulate_entry(
    function: FunctionConfig,
    entry: Entry,
    *,
    scenario: Scenario | str = "poison",
    events: int | Sequence[EventSpec] = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    invoker: Invoker | None = None,
    horizon: float | None = None,
    account_concurrency: int = limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
) -> FunctionResult:
    """Simulate one invocation model of one function, alone in an account.

    ``events`` is a count (the scenario's arrivals, no payloads) or the events themselves
    (payloads for a :class:`~constructs_lib.simulate.invokers.HandlerInvoker`); ``invoker``
    defaults to the scenario's :class:`~constructs_lib.simulate.invokers.ModelInvoker`.
    """
    sc = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
    unreserved = max(account_concurrency - (function.reserved or 0), limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY)
    concurrency = float(function.reserved) if function.reserved is not None else float(unreserved)
    job = _job(function, entry, sc, events, seed, invoker, concurrency, noisy_pool=None)
    (result,), _ = _execute([job], unreserved=unreserved, horizon=horizon)
    return result


def _job(
    fc: FunctionConfig, entry: Entry, sc: Scenario, events: int | Sequence[EventSpec], seed: int, invoker: Invoker | None,
    concurrency: float, noisy_pool: float | None, background_cap: int = BACKGROUND_MAX_EVENTS,
) -> _Job:
    """One entry's events and invoker. ``concurrency`` is the entry's share of the account;
    ``noisy_pool`` the concurrency a noisy neighbour may take (``None``: not the noisy one)."""
    key = (fc.template, fc.function, entry.model)
    background = 0
    if isinstance(events, int):
        if noisy_pool is not None:
            conc = max(min(noisy_pool, source_cap(entry)), 1.0)
            at_once = math.ceil(conc * batch_size(entry))
            rate = NOISY_FACTOR * conc * batch_size(entry) / mean_batch_s(fc, entry, sc)
            count = min(NOISY_MAX_EVENTS, max(events, at_once + math.ceil(rate * NOISY_BURST_S)))
            times = noisy_arrivals(count, at_once, rate)
            specs = _specs(entry, times)
        else:
            # Background traffic before and after the measured events, where the source
            # drives more than the function may run (load.background_events); in ``burst``
            # whole bursts, so the measured events start one.
            background = 0 if sc.noisy else min(background_events(entry, fc.reserved, events), background_cap)
            if sc.burst:
                background = math.ceil(background / BURST_EVENTS) * BURST_EVENTS
            times = sc.arrivals(events + 2 * background, capacity_per_s(fc, entry, sc, concurrency),
                                _rng(seed, "arrivals", *key))
            specs = (_specs(entry, times[:background], events) + _specs(entry, times[background:background + events])
                     + _specs(entry, times[background + events:], events + background))
    else:
        specs = list(events)
    if invoker is None:
        measured = len(specs) - 2 * background
        poison = sc.poison_events(measured, _rng(seed, "poison", *key))
        if background:
            poison |= {measured + i for i in sc.poison_events(2 * background, _rng(seed, "background poison", *key))}
        invoker = ModelInvoker(sc, _rng(seed, "invoker", *key), poison)
    # A scenario's load is steady: the function has served it for a while, so the execution
    # environments its load keeps busy are already warm. A run that started cold would add a
    # start-up transient (every environment's Init at once) whose share of the events shrinks
    # as --events grows. Cold starts then come from growth beyond it and from recycled
    # environments: under 1 % of the invocations, as AWS measures it
    # (limits.LAMBDA_STEADY_COLD_START_SHARE). The caller's own events (a handler's) start
    # cold, as a new deployment does; so does the noisy neighbour, whose burst is the point.
    warm = math.ceil(LOAD * min(concurrency, source_cap(entry))) if isinstance(events, int) and noisy_pool is None else 0
    return _Job(fc, entry, specs, invoker, _rng(seed, "caller", fc.template, fc.function), warm=warm, seed=seed,
                background=background)


def _pick_noisy(functions: Sequence[FunctionConfig], noisy: str | None) -> FunctionConfig | None:
    if noisy is not None:
        for fc in functions:
            if noisy in (fc.name, fc.function, fc.path, f"{fc.template}/{fc.function}"):
                return fc
        return None
    unreserved = [fc for fc in functions if fc.reserved is None]
    candidates = unreserved or list(functions)
    return candidates[0] if candidates else None


def simulate(
    models: Sequence[TemplateModel],
    scenario: str = "poison",
    *,
    events: int = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    invoker_factory: Callable[[FunctionConfig, Entry], Invoker | None] | None = None,
    account_concurrency: int = limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
    noisy: str | None = None,
    timeline: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Run ``scenario`` against every function with a trigger in ``models``, all in one
    account of ``account_concurrency``. ``noisy`` names the function that bursts in
    ``noisy-neighbour`` (its path, logical id, or template/logical id; default: the first
    function without reserved concurrency). ``timeline`` keeps what ``--plot`` draws;
    ``progress(done, total)`` hears how many events have their fate (a bar on a terminal)."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    if events < 1:
        raise ValueError(f"events must be 1 or more, not {events}")
    if account_concurrency < limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY:
        raise ValueError(f"account concurrency must be {limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY} or more "
                         f"(Lambda keeps 100 unreserved), not {account_concurrency}")
    sc = SCENARIOS[scenario]
    ordered = sorted(models, key=lambda m: (m.name, m.branch or ""))
    worlds = [[m for m in ordered if m.branch is None]] + [[m] for m in ordered if m.branch is not None]
    if sc.noisy and noisy is not None and not any(
        _pick_noisy([fc for m in world for fc in function_configs(m) if fc.entries], noisy) for world in worlds
    ):
        raise ValueError(f"--noisy {noisy}: no simulated function has that path, logical id or template/logical id")
    results: list[FunctionResult] = []
    notes: list[str] = []
    refused: list[str] = []
    noisy_name: str | None = None
    for world in worlds:
        configs: list[FunctionConfig] = []
        for model in world:
            for fc in function_configs(model):
                where = f" (when {model.branch})" if model.branch else ""
                notes.extend(f"{note}{where}" for note in fc.notes)
                refused.extend(f"{note}{where}" for note in fc.refused)
                if fc.entries:
                    configs.append(fc)
        if not configs:
            continue
        unreserved, account_note = _unreserved_pool(configs, account_concurrency)
        if account_note is not None:
            notes.append(account_note)
            refused.append(account_note)
        loud = _pick_noisy(configs, noisy) if sc.noisy else None
        if loud is not None and len(configs) == 1:
            notes.append(f"{loud.name} has no neighbour in its account: it keeps the steady load")
            loud = None
        if loud is not None:
            noisy_name = loud.name
        n_unreserved = sum(1 for fc in configs if fc.reserved is None)
        jobs = []
        # Background traffic (load.background_events) shares one budget per run, so a template
        # of many such functions stays linear: each gets at most its share of it.
        needing = sum(1 for fc in configs for entry in fc.entries if background_events(entry, fc.reserved, events))
        background_cap = max(BACKGROUND_MIN_PER_FUNCTION, BACKGROUND_BUDGET // max(2 * needing, 1))
        for fc in configs:
            share = float(fc.reserved) if fc.reserved is not None else unreserved / max(n_unreserved, 1)
            pool = (float(fc.reserved) if fc.reserved is not None else float(unreserved)) if fc is loud else None
            for entry in fc.entries:
                invoker = invoker_factory(fc, entry) if invoker_factory is not None else None
                per_entry = len(fc.entries)
                jobs.append(_job(fc, entry, sc, events, seed, invoker, share / per_entry,
                                 None if pool is None else pool / per_entry, background_cap))
        world_results, _ = _execute(jobs, unreserved=unreserved, timeline=timeline, progress=progress)
        results.extend(world_results)
    return Report(scenario, events, seed, results, notes, refused, account_concurrency, noisy_name)


def _unreserved_pool(configs: Sequence[FunctionConfig], account_concurrency: int) -> tuple[int, str | None]:
    """The account's unreserved concurrency, and a note when the reservations leave less
    than the 100 Lambda keeps unreserved (it refuses such a reservation;
    limits.SRC_LAMBDA_RESERVED)."""
    reserved = sum(fc.reserved or 0 for fc in configs)
    unreserved = account_concurrency - reserved
    if unreserved >= limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY:
        return unreserved, None
    return limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY, (
        f"the functions reserve {reserved:,} concurrency, and an account of {account_concurrency:,} keeps "
        f"{limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY} unreserved: Lambda refuses the reservations beyond "
        f"{account_concurrency - limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY:,}. Simulated as an account of "
        f"{reserved + limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY:,}; pass --account-concurrency to match yours"
    )
