"""How the reference stacks package `lambda_src/` and its dependencies, without Docker.

- Handler code: one asset, the `lambda_src/` folder minus tests, caches and the layer's
  requirements; every reference function points its handler into it.
- Dependencies (Powertools and what it needs): one Lambda layer built by *local
  bundling*: `pip install --target` of wheels for the function's platform (manylinux,
  arm64, the runtime's Python version, binary wheels only). Docker is never needed, and
  pip's cache makes repeated builds fast. Lambda's Python runtime already ships boto3,
  so it is not packaged.
- The handler helpers the handlers import (`constructs_lib.handlers`) go into the same
  layer, copied from this checkout without the rest of the library (which needs
  aws-cdk-lib and has no place in a function). A user's layer gets them with
  `pip install --no-deps constructs-lib` next to its requirements.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib import PlainFunction

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_SRC = ROOT / "lambda_src"
LAYER_REQUIREMENTS = LAMBDA_SRC / "layer" / "requirements.txt"
#: What of the library goes into the layer: the package marker and the handler helpers.
LIBRARY = ROOT / "constructs_lib"
LAYER_LIBRARY_FILES = ("__init__.py", "_compat.py", "py.typed", "handlers")

#: pip platform tags per Lambda architecture (manylinux2014 covers Amazon Linux 2023).
PIP_PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}

_EXCLUDE = ["tests", "**/__pycache__", "*.pyc", "layer", ".pytest_cache"]


@jsii.implements(ILocalBundling)
class PipInstallBundling:
    """Local bundling: install the requirements for Lambda's platform into `python/`."""

    def __init__(self, requirements: Path, *, platform: str, python_version: str) -> None:
        self.requirements = requirements
        self.platform = platform
        self.python_version = python_version

    def try_bundle(self, output_dir: str, *args: object, **kwargs: object) -> bool:
        target = Path(output_dir) / "python"
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--no-compile", "--target", str(target),
                "--platform", self.platform, "--implementation", "cp",
                "--python-version", self.python_version, "--only-binary=:all:",
                "--requirement", str(self.requirements),
            ],
            check=True,
        )
        copy_handler_helpers(target / "constructs_lib")
        for cache in target.rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        return True


def _library_files() -> list[Path]:
    files: list[Path] = []
    for name in LAYER_LIBRARY_FILES:
        path = LIBRARY / name
        files.extend(sorted(p for p in path.rglob("*.py")) if path.is_dir() else [path])
    return [p for p in files if "__pycache__" not in p.parts]


def copy_handler_helpers(destination: Path) -> None:
    """Copy ``constructs_lib/__init__.py`` (with ``_compat.py``, which it imports) and
    ``constructs_lib/handlers/`` to ``destination``."""
    for source in _library_files():
        target = destination / source.relative_to(LIBRARY)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def layer_hash() -> str:
    """The layer's asset hash: its requirements and the handler helpers it carries."""
    digest = hashlib.sha256(LAYER_REQUIREMENTS.read_bytes())
    for path in _library_files():
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def handler_code() -> lambda_.Code:
    """The handlers of `lambda_src/` as one asset."""
    return lambda_.Code.from_asset(str(LAMBDA_SRC), exclude=_EXCLUDE)


def dependencies_layer(scope: Construct, id: str = "Dependencies") -> lambda_.LayerVersion:
    """A layer with `lambda_src/layer/requirements.txt` and `constructs_lib.handlers`, for the
    library's default runtime and architecture."""
    runtime, architecture = PlainFunction.DEFAULT_RUNTIME, PlainFunction.DEFAULT_ARCHITECTURE
    runtime_version = runtime.name.removeprefix("python")
    arch = architecture.name
    return lambda_.LayerVersion(
        scope,
        id,
        description="Powertools for AWS Lambda and the handlers' other dependencies",
        compatible_runtimes=[runtime],
        compatible_architectures=[architecture],
        code=lambda_.Code.from_asset(
            str(LAYER_REQUIREMENTS.parent),
            asset_hash_type=AssetHashType.CUSTOM,
            asset_hash=layer_hash(),
            bundling=BundlingOptions(
                image=DockerImage.from_registry("unused-local-bundling-only"),
                local=PipInstallBundling(
                    LAYER_REQUIREMENTS, platform=PIP_PLATFORMS[arch], python_version=runtime_version
                ),
            ),
        ),
    )
