"""``explain``: the report that joins what a template says and what the simulation shows.

For every function of a template (through :mod:`constructs_lib.template`): how it is
invoked, its timeout chain, retries, where failed events go and how long they are kept,
concurrency and batching, a capacity estimate, and its worst outcome under the fault
scenarios of :mod:`constructs_lib.simulate` with the rule that predicts each loss. It sits
above the checks and the simulation; the command line (``constructs-lib explain``) sits
above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from constructs_lib._lazy import lazy_exports
from constructs_lib.explain.defaults import DEFAULT_DURATION_S

if TYPE_CHECKING:
    from constructs_lib.explain.report import LOST, FunctionReport, explain, explain_data

# The report loads on first use: the command line reads the defaults without it.
__getattr__, __dir__ = lazy_exports(
    __name__, dict.fromkeys(("LOST", "FunctionReport", "explain", "explain_data"), "constructs_lib.explain.report"), globals()
)

__all__ = ["DEFAULT_DURATION_S", "LOST", "FunctionReport", "explain", "explain_data"]
