"""`make deploy`: synthesize, deploy with the real CDK CLI, then verify what was deployed.

Local (the default): start the moto endpoint on a free loopback port, point the CLI and
boto3 at it with dummy credentials and a fixed account/region, bootstrap, deploy every
reference stack, verify, and stop the endpoint whatever happens.

AWS (``--target aws``): the same stacks to the account of the user's own credentials,
then the same verification against the real APIs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from localdeploy.endpoint import ACCOUNT, LOCAL_ENV, REGION, running_endpoint
from localdeploy.verify import print_report, verify_assembly

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".local-endpoint"
#: The stack whose API the smoke test calls after a deploy to AWS (stacks/order_pipeline.py).
PIPELINE_STACK = "OrderPipeline"


def _npx() -> str:
    venv_npx = Path(sys.executable).parent / "npx"
    return str(venv_npx) if venv_npx.exists() else (shutil.which("npx") or "npx")


def cdk(args: Sequence[str], env: Mapping[str, str], *, cwd: Path = ROOT) -> None:
    """Run the pinned CDK CLI (node_modules/aws-cdk) with the venv's node first on PATH."""
    venv_bin = str(Path(sys.executable).parent)
    full_env = {**env, "PATH": venv_bin + os.pathsep + env.get("PATH", "")}
    cmd = [_npx(), "--no-install", "cdk", *args]
    print("$ " + " ".join(["npx", "cdk", *args]), flush=True)
    subprocess.run(cmd, cwd=cwd, env=full_env, check=True)


def deploy_and_verify(
    env: Mapping[str, str], *, outdir: Path, bootstrap_target: str | None, endpoint_url: str | None
) -> int:
    """Bootstrap (idempotent), deploy every stack, verify; 0 when everything matches.

    ``bootstrap_target`` None bootstraps the account and region of the credentials.
    """
    common = ["--app", f"{sys.executable} app.py", "--output", str(outdir), "--no-notices", "--no-version-reporting"]
    started = time.monotonic()
    cdk(["bootstrap", *([bootstrap_target] if bootstrap_target else []), *common], env)
    # One stack at a time on the local endpoint: moto's CloudFormation is not safe for
    # concurrent change sets (stacks deployed together read each other's resources).
    concurrency = "1" if endpoint_url else "4"
    cdk(["deploy", "--all", "--require-approval", "never", "--concurrency", concurrency, *common], env)
    deployed_s = time.monotonic() - started
    rows = verify_assembly(outdir, endpoint_url=endpoint_url, local=endpoint_url is not None)
    ok = print_report(rows, full_table=outdir / "verification.txt")
    print(f"deploy took {deployed_s:.1f} s; verification {'passed' if ok else 'FAILED'}", flush=True)
    return 0 if ok else 1


def run_local(outdir: Path) -> int:
    STATE_DIR.mkdir(exist_ok=True)
    log_path = STATE_DIR / "moto.log"
    with running_endpoint(log_path=log_path) as url:
        print(f"local endpoint (moto server) on {url}; its log: {log_path}", flush=True)
        env = {**os.environ, **LOCAL_ENV, "AWS_ENDPOINT_URL": url}
        # Never let a user's real profile or credentials file leak into a local deploy.
        for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            env.pop(var, None)
        return deploy_and_verify(
            env, outdir=outdir, bootstrap_target=f"aws://{ACCOUNT}/{REGION}", endpoint_url=url
        )


def run_aws(outdir: Path) -> int:
    """Deploy to the credentials' account, verify, then post an order and read it back."""
    env = dict(os.environ)
    env.pop("AWS_ENDPOINT_URL", None)
    status = deploy_and_verify(env, outdir=outdir, bootstrap_target=None, endpoint_url=None)
    if status != 0:
        return status
    import boto3

    from localdeploy.smoke import SmokeTestFailed, smoke_test

    try:
        seen = smoke_test([PIPELINE_STACK], boto3.session.Session())
    except SmokeTestFailed as exc:
        print(f"smoke test FAILED: {exc}", flush=True)
        return 1
    print(f"smoke test passed: {seen}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdeploy", description=__doc__)
    parser.add_argument("--target", choices=("local", "aws"), default="local")
    parser.add_argument("--outdir", type=Path, default=None, help="cloud assembly directory")
    args = parser.parse_args(argv)
    outdir = args.outdir or ROOT / ("cdk.out.local" if args.target == "local" else "cdk.out")
    if args.target == "local":
        return run_local(outdir)
    return run_aws(outdir)
