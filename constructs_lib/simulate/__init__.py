"""A discrete-event simulation (SimPy) of Lambda's documented invocation semantics,
configured from synthesized templates through the checks' template model.

``simulate(models, scenario)`` runs a fault scenario (``poison``, ``slow``, ``outage``,
``burst``) against every function with a trigger and counts each event once by its
final fate: succeeded, dead-lettered, returned as an error to a synchronous caller,
lost, or still pending; plus duplicate processings and callers that timed out while the
function ran on. ``simulate_entry`` runs one function's source with your own events and
an :class:`Invoker` - :class:`HandlerInvoker` calls a real handler in place of the
scenario's model. ``constructs-lib simulate PATH --scenario NAME`` is the command.
"""

from constructs_lib.simulate.config import Entry, FunctionConfig, function_config, function_configs
from constructs_lib.simulate.invokers import HandlerInvoker, Invocation, Invoker, ModelInvoker, Record, Result
from constructs_lib.simulate.patterns import matches
from constructs_lib.simulate.report import advice, worst_outcomes
from constructs_lib.simulate.run import FunctionResult, Report, simulate, simulate_entry
from constructs_lib.simulate.scenarios import SCENARIOS, Scenario
from constructs_lib.simulate.source import EventSpec

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
    "function_config",
    "function_configs",
    "matches",
    "simulate",
    "simulate_entry",
    "worst_outcomes",
]
