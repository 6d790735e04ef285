"""Shared test helpers: small stacks, inline code, and the error-message contract."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from aws_cdk import App, CfnParameter, Stack
from aws_cdk import aws_lambda as lambda_
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis, for the whole suite. This conftest loads before any test module, so every
# ``@settings(...)`` in the suite inherits the profile (a profile loaded by a deeper conftest
# reaches only the modules imported after it).
# - ``ci`` (the default: ``make test``, ``.ci/run``): derandomized, so a run explores the same
#   examples on every machine and a red run is one anyone reproduces; no deadline (an example
#   may synthesize an app; speed lives in the benchmarks).
# - ``fuzz`` (``make fuzz``, or ``HYPOTHESIS_PROFILE=fuzz make test``): random examples, new
#   ones each run, to find what ``ci`` does not.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("fuzz", deadline=None, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

# The commands' text wraps to COLUMNS (or the terminal's width) and takes colour from
# NO_COLOR / FORCE_COLOR: the suite sees what a pipe sees (100 columns, no colour) whatever
# the shell that runs it exports; tests of the terminal set them themselves.
for _name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR"):
    os.environ.pop(_name, None)

# jsii runs on the venv's Node (>= 22), never on an end-of-life system Node.
_venv_bin = str(Path(sys.executable).parent)
if not os.environ.get("PATH", "").startswith(_venv_bin):
    os.environ["PATH"] = _venv_bin + os.pathsep + os.environ.get("PATH", "")

#: Inline code keeps asset hashes out of unit-test templates.
INLINE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")


def new_stack(name: str = "Test") -> Stack:
    return Stack(App(), name)


def number_param(stack: Stack, name: str = "Value") -> float:
    """An unresolved numeric token (a CfnParameter), for the tokens-are-skipped tests."""
    return CfnParameter(stack, name, type="Number").value_as_number


def assert_error(exc: pytest.ExceptionInfo[BaseException], *fragments: str) -> None:
    """The error names every fragment (construct path, property, value, rule...)."""
    message = str(exc.value)
    missing = [f for f in fragments if f not in message]
    assert not missing, f"{missing} not in error message: {message}"


def cdk_json_context() -> dict[str, object]:
    """The feature flags and context of cdk.json, so tests synthesize what the CLI does."""
    import json

    return dict(json.loads((ROOT / "cdk.json").read_text())["context"])


@pytest.fixture(scope="session")
def reference_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """Every reference stack of app.py, synthesized once per test process: name -> template."""
    from stacks import build_reference_app

    app = App(outdir=str(tmp_path_factory.mktemp("cdk.out")), context=cdk_json_context())
    build_reference_app(app)
    assembly = app.synth()
    return {stack.stack_name: stack.template for stack in assembly.stacks}
