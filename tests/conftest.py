"""Shared test helpers: small stacks, inline code, and the error-message contract."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from aws_cdk import App, CfnParameter, Stack
from aws_cdk import aws_lambda as lambda_

ROOT = Path(__file__).resolve().parent.parent

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
