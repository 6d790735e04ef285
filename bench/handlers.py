"""Handlers: each reference function's deployment package, and the cold import time of
every ``lambda_src`` handler module.

    python -m bench.handlers [--repeat 5]     # prints JSON

Packages: the reference app (``stacks.build_reference_app``) is synthesized once into a
temporary ``cdk.out`` (the layer is bundled locally with pip, as ``make synth`` does);
for every ``AWS::Lambda::Function`` the handler asset and each layer asset it uses are
zipped as the CDK CLI would upload them, and their zipped and unzipped sizes added up
(Lambda's limits: 50 MB zipped direct upload, 250 MB unzipped including layers).

Import time: ``python -X importtime -c "import <module>"`` in a fresh interpreter, with
``lambda_src`` and the *bundled layer* first on ``sys.path`` and
``PYTHONDONTWRITEBYTECODE=1``: the handler and Powertools are imported from source
without cached bytecode, as on Lambda (the asset and the layer carry no ``__pycache__``
and Lambda's file system is read-only); the standard library and boto3 are precompiled,
as on Lambda. The figure is the module's cumulative import time reported by
``-X importtime``; the Python used is this machine's, not the Lambda runtime's. The
same is measured with bytecode: the layer compiled with
``compileall`` and the handlers' bytecode cached: the saving shipping bytecode would bring.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_SRC = ROOT / "lambda_src"

#: Set so handlers that read their configuration at import time can load.
HANDLER_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "bench",
    "IDEMPOTENCY_TABLE_NAME": "bench",
    "CONFIRMATION_FUNCTION_NAME": "bench",
    "NOTIFICATION_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench",
}

_SYNTH = """
import json, sys
sys.path.insert(0, {root!r})
from aws_cdk import App
from stacks import build_reference_app
context = json.loads(open({cdk_json!r}).read())["context"]
app = App(outdir={outdir!r}, context=context)
build_reference_app(app)
app.synth()
"""


def _zip_size(directory: Path) -> tuple[int, int]:
    """(zipped, unzipped) bytes of a directory, zipped with deflate like the CDK CLI."""
    unzipped = 0
    with tempfile.TemporaryFile() as fh:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    unzipped += path.stat().st_size
                    zf.write(path, path.relative_to(directory))
        fh.seek(0, os.SEEK_END)
        return fh.tell(), unzipped


def _asset_dir(outdir: Path, code: Any) -> Path | None:
    key = code.get("S3Key") if isinstance(code, dict) else None
    if not isinstance(key, str) or not key.endswith(".zip"):
        return None
    path = outdir / f"asset.{key.removesuffix('.zip')}"
    return path if path.is_dir() else None


def packages(outdir: Path) -> tuple[list[dict[str, Any]], Path | None]:
    """Per function: handler asset and layers, zipped and unzipped; and a layer dir."""
    subprocess.run(
        [sys.executable, "-c", _SYNTH.format(root=str(ROOT), cdk_json=str(ROOT / "cdk.json"), outdir=str(outdir))],
        check=True,
        capture_output=True,
        text=True,
    )
    sizes: dict[Path, tuple[int, int]] = {}

    def size(path: Path) -> tuple[int, int]:
        if path not in sizes:
            sizes[path] = _zip_size(path)
        return sizes[path]

    rows: list[dict[str, Any]] = []
    layer_dir: Path | None = None
    for template_path in sorted(outdir.glob("*.template.json")):
        resources = json.loads(template_path.read_text()).get("Resources", {})
        for logical_id, res in resources.items():
            if res.get("Type") != "AWS::Lambda::Function":
                continue
            props = res.get("Properties", {})
            code_dir = _asset_dir(outdir, props.get("Code"))
            layer_dirs = []
            for layer in props.get("Layers", []):
                ref = layer.get("Ref") if isinstance(layer, dict) else None
                content = resources.get(ref, {}).get("Properties", {}).get("Content")
                found = _asset_dir(outdir, content)
                if found is not None:
                    layer_dirs.append(found)
                    layer_dir = layer_dir or found
            code_z, code_u = size(code_dir) if code_dir else (0, 0)
            layers = [size(d) for d in layer_dirs]
            rows.append(
                {
                    "stack": template_path.name.removesuffix(".template.json"),
                    "function": logical_id,
                    "handler": props.get("Handler"),
                    "code_zip": code_z,
                    "layers_zip": sum(z for z, _ in layers),
                    "total_zip": code_z + sum(z for z, _ in layers),
                    "total_unzipped": code_u + sum(u for _, u in layers),
                }
            )
    return rows, layer_dir


def import_time_ms(module: str, layer_dir: Path | None, *, bytecode: bool = False) -> float:
    """Cumulative import time of ``module``: from source, or with bytecode when compiled."""
    paths = [str(LAMBDA_SRC)] + ([str(layer_dir / "python")] if layer_dir else [])
    env = {**os.environ, **HANDLER_ENV, "PYTHONPATH": os.pathsep.join(paths)}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [sys.executable, *([] if bytecode else ["-B"]), "-X", "importtime", "-c", f"import {module}"],
        env=env,
        cwd=str(LAMBDA_SRC),
        capture_output=True,
        text=True,
        check=True,
    )
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == module and not parts[2].startswith("  "):
            return int(parts[1]) / 1000
    raise RuntimeError(f"no importtime line for {module}:\n{proc.stderr[-2000:]}")


def handler_modules() -> list[str]:
    """Every handler module of lambda_src: ``<pkg>/handler.py`` and ``<pkg>/*_handler.py``."""
    found = sorted(LAMBDA_SRC.glob("*/handler.py")) + sorted(LAMBDA_SRC.glob("*/*_handler.py"))
    return [f"{p.parent.name}.{p.stem}" for p in found if "tests" not in p.parts]


def run(repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        rows, layer_dir = packages(Path(tmp))
        modules = handler_modules()
        source = {m: [import_time_ms(m, layer_dir) for _ in range(repeat)] for m in modules}
        # The same with bytecode: the (temporary) layer compiled in place, the handlers'
        # own bytecode written by a first import. What shipping bytecode would save.
        if layer_dir is not None:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(layer_dir)], check=True)
        compiled = {}
        for m in modules:
            import_time_ms(m, layer_dir, bytecode=True)
            compiled[m] = [import_time_ms(m, layer_dir, bytecode=True) for _ in range(repeat)]
        imports = [
            {
                "module": m,
                "min_ms": min(source[m]),
                "median_ms": statistics.median(source[m]),
                "compiled_min_ms": min(compiled[m]),
                "compiled_median_ms": statistics.median(compiled[m]),
                "runs": repeat,
            }
            for m in modules
        ]
    return {"packages": rows, "imports": imports, "layer_bundled": layer_dir is not None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    print(json.dumps(run(parser.parse_args().repeat)))


if __name__ == "__main__":
    main()
