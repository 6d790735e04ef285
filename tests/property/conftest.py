"""A summary of what the property-based tests ran (their settings: ``harness.PROPERTY_SETTINGS``)."""

from __future__ import annotations

import os

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.conftest import PROFILE
    from tests.property.harness import PROPERTY_SETTINGS, STATS

    if not STATS.cases:
        return
    write = terminalreporter.write_line
    write("")
    write(f"property-based cases (profile {PROFILE}, {PROPERTY_SETTINGS.max_examples} examples per construct):")
    for name in sorted(STATS.cases):
        write(
            f"  {name}: {STATS.cases[name]} cases, {STATS.refused[name]} refused with ConstructPropsError, "
            f"{STATS.synthesized[name]} synthesized and checked, {STATS.linted[name]} cfn-linted"
        )
    write(f"  total: {sum(STATS.cases.values())} cases")
    if os.environ.get("CONSTRUCTS_LIB_FUZZ_DETAIL"):
        write("  refusals by construct.prop: " + ", ".join(f"{k} {v}" for k, v in sorted(STATS.refused_props.items())))
