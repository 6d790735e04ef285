"""A discrete-event simulation (SimPy) of Lambda's documented invocation semantics,
configured from templates through the template model (:mod:`constructs_lib.template`).

``simulate(models, scenario)`` runs a scenario (``poison``, ``slow``, ``outage``,
``burst``, ``noisy-neighbour``) against every function with a trigger, all in one simulated
account, and counts each event once by its final fate: succeeded, dead-lettered, kept as
metadata only, returned as an error to a synchronous caller, lost, or still pending; plus
duplicate processings, callers that timed out while the function ran on, throttles and what
was billed. Each scenario's load is relative to each function's capacity, so its verdict
does not depend on the number of events. ``simulate_entry`` runs one function's source with
your own events and an :class:`Invoker` - :class:`HandlerInvoker` calls a real handler in
place of the scenario's model. ``constructs-lib simulate PATH --scenario NAME`` is the command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from constructs_lib._lazy import lazy_exports

#: Public name -> the module that defines it. Loaded on first access (PEP 562), so that
#: ``constructs_lib.simulate.scenarios`` (the scenario names the command line offers) is
#: read without starting SimPy.
_EXPORTS = {
    "Entry": "constructs_lib.simulate.config",
    "FunctionConfig": "constructs_lib.simulate.config",
    "function_config": "constructs_lib.simulate.config",
    "function_configs": "constructs_lib.simulate.config",
    "HandlerInvoker": "constructs_lib.simulate.invokers",
    "Invocation": "constructs_lib.simulate.invokers",
    "Invoker": "constructs_lib.simulate.invokers",
    "ModelInvoker": "constructs_lib.simulate.invokers",
    "Record": "constructs_lib.simulate.invokers",
    "Result": "constructs_lib.simulate.invokers",
    "matches": "constructs_lib.simulate.patterns",
    "advice": "constructs_lib.simulate.report",
    "failed": "constructs_lib.simulate.report",
    "worst_outcomes": "constructs_lib.simulate.report",
    "FunctionResult": "constructs_lib.simulate.run",
    "Report": "constructs_lib.simulate.run",
    "simulate": "constructs_lib.simulate.run",
    "simulate_entry": "constructs_lib.simulate.run",
    "SCENARIOS": "constructs_lib.simulate.scenarios",
    "Scenario": "constructs_lib.simulate.scenarios",
    "EventSpec": "constructs_lib.simulate.source",
}

if TYPE_CHECKING:
    from constructs_lib.simulate.config import Entry, FunctionConfig, function_config, function_configs
    from constructs_lib.simulate.invokers import HandlerInvoker, Invocation, Invoker, ModelInvoker, Record, Result
    from constructs_lib.simulate.patterns import matches
    from constructs_lib.simulate.report import advice, failed, worst_outcomes
    from constructs_lib.simulate.run import FunctionResult, Report, simulate, simulate_entry
    from constructs_lib.simulate.scenarios import SCENARIOS, Scenario
    from constructs_lib.simulate.source import EventSpec


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = [
    "SCENARIOS",
    "Entry",
    "EventSpec",
    "FunctionConfig",
    "FunctionResult",
    "HandlerInvoker",
    "Invocation",
    "Invoker",
    "ModelInvoker",
    "Record",
    "Report",
    "Result",
    "Scenario",
    "advice",
    "failed",
    "function_config",
    "function_configs",
    "matches",
    "simulate",
    "simulate_entry",
    "worst_outcomes",
]
