"""`constructs-lib --version` and `python -m constructs_lib --version`."""

from __future__ import annotations

import subprocess
import sys

import pytest

import constructs_lib
from constructs_lib.cli import main
from tests.conftest import ROOT


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"constructs-lib {constructs_lib.__version__}"


def test_version_from_python_m() -> None:
    proc = subprocess.run([sys.executable, "-m", "constructs_lib", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"python -m constructs_lib {constructs_lib.__version__}"


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert version("constructs-lib") == constructs_lib.__version__
