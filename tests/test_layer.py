"""The reference stacks' dependencies layer carries constructs_lib.handlers (and nothing
else of the library), so the deployed handlers can import it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Stack

from stacks._packaging import dependencies_layer, layer_hash


@pytest.fixture(scope="module")
def layer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(outdir=str(outdir))
    dependencies_layer(Stack(app, "Layer"))
    app.synth()
    (asset,) = [p for p in outdir.glob("asset.*") if p.is_dir()]
    return asset / "python"


def test_layer_holds_the_handler_helpers_only(layer_dir: Path) -> None:
    library = layer_dir / "constructs_lib"
    shipped = sorted(p.relative_to(library).as_posix() for p in library.rglob("*") if p.is_file())
    # _compat.py: the package root installs the old import paths with it.
    assert shipped == ["__init__.py", "_compat.py", "handlers/__init__.py", "handlers/ordered.py", "handlers/streams.py",
                       "py.typed"]
    assert (layer_dir / "aws_lambda_powertools").is_dir()


def test_handler_helpers_import_from_the_layer_alone(layer_dir: Path) -> None:
    """-S: no site-packages, so only the layer (and the standard library) is importable."""
    code = (
        f"import sys; sys.path.insert(0, {str(layer_dir)!r})\n"
        "from constructs_lib.handlers import OrderedBatchProcessor, batch_info\n"
        "print(OrderedBatchProcessor.__module__)"
    )
    proc = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "constructs_lib.handlers.ordered"


def test_layer_hash_follows_the_handler_helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from stacks import _packaging

    before = layer_hash()
    fake = tmp_path / "constructs_lib"
    (fake / "handlers").mkdir(parents=True)
    for name in ("__init__.py", "_compat.py", "py.typed", "handlers/__init__.py"):
        (fake / name).write_text("")
    monkeypatch.setattr(_packaging, "LIBRARY", fake)
    monkeypatch.setattr(_packaging, "ROOT", tmp_path)
    assert layer_hash() != before
