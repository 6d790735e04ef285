"""Hypothesis profiles for the property-based tests, and a summary of what they ran.

- ``ci`` (the default, ``make test``): a few examples per construct, so the suite stays
  fast; deadline off (one example synthesizes an app).
- ``fuzz`` (``make fuzz``): many more examples and cfn-lint on more templates.

Choose with ``HYPOTHESIS_PROFILE=fuzz`` (or pytest's ``--hypothesis-profile``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

def _profile(name: str, examples: str, **extra: object) -> None:
    settings.register_profile(
        name, max_examples=int(examples), deadline=None, suppress_health_check=_SLOW, print_blob=True, **extra
    )


_profile("ci", os.environ.get("CONSTRUCTS_LIB_CI_EXAMPLES", "25"), derandomize=True, phases=[Phase.explicit, Phase.generate])
_profile("fuzz", os.environ.get("CONSTRUCTS_LIB_FUZZ_EXAMPLES", "400"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.property.harness import STATS

    if not STATS.cases:
        return
    write = terminalreporter.write_line
    write("")
    write(f"property-based cases (profile {settings._current_profile}):")
    for name in sorted(STATS.cases):
        write(
            f"  {name}: {STATS.cases[name]} cases, {STATS.refused[name]} refused with ConstructPropsError, "
            f"{STATS.synthesized[name]} synthesized and checked, {STATS.linted[name]} cfn-linted"
        )
    write(f"  total: {sum(STATS.cases.values())} cases")
    if os.environ.get("CONSTRUCTS_LIB_FUZZ_DETAIL"):
        write("  refusals by construct.prop: " + ", ".join(f"{k} {v}" for k, v in sorted(STATS.refused_props.items())))
