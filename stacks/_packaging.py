"""How the reference stacks package `lambda_src/` and its dependencies, without Docker.

- Handler code: one asset, the `lambda_src/` folder minus tests, caches and the layer's
  requirements; every reference function points its handler into it.
- Dependencies (Powertools and what it needs): one Lambda layer built by *local
  bundling*: `pip install --target` of wheels for the function's platform (manylinux,
  arm64, the runtime's Python version, binary wheels only). Docker is never needed, and
  pip's cache makes repeated builds fast. Lambda's Python runtime already ships boto3,
  so it is not packaged.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib._function import DEFAULT_ARCHITECTURE, DEFAULT_RUNTIME

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_SRC = ROOT / "lambda_src"
LAYER_REQUIREMENTS = LAMBDA_SRC / "layer" / "requirements.txt"

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
        for cache in target.rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        return True


def handler_code() -> lambda_.Code:
    """The handlers of `lambda_src/` as one asset."""
    return lambda_.Code.from_asset(str(LAMBDA_SRC), exclude=_EXCLUDE)


def dependencies_layer(scope: Construct, id: str = "Dependencies") -> lambda_.LayerVersion:
    """A layer with `lambda_src/layer/requirements.txt` for the default runtime and arm64."""
    runtime_version = DEFAULT_RUNTIME.name.removeprefix("python")
    arch = DEFAULT_ARCHITECTURE.name
    return lambda_.LayerVersion(
        scope,
        id,
        description="Powertools for AWS Lambda and the handlers' other dependencies",
        compatible_runtimes=[DEFAULT_RUNTIME],
        compatible_architectures=[DEFAULT_ARCHITECTURE],
        code=lambda_.Code.from_asset(
            str(LAYER_REQUIREMENTS.parent),
            asset_hash_type=AssetHashType.SOURCE,
            bundling=BundlingOptions(
                image=DockerImage.from_registry("unused-local-bundling-only"),
                local=PipInstallBundling(
                    LAYER_REQUIREMENTS, platform=PIP_PLATFORMS[arch], python_version=runtime_version
                ),
            ),
        ),
    )
