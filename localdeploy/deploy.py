"""`make deploy`: synthesize, deploy with the real CDK CLI, then verify what was deployed.

Local (the default): start the moto endpoint on a free loopback port, point the CLI and
boto3 at it with dummy credentials and a fixed account/region, synthesize, bootstrap,
deploy every reference stack, verify, and stop the endpoint whatever happens.

AWS (``--target aws``): check the target first (credentials, account, Region, bootstrap
state), then the same stacks to the account of the user's own credentials, the same
verification against the real APIs, and a smoke test of the order pipeline's API.

What it prints is meant for a person: one line per step (and per stack) with its time,
then a summary of the verification that fits 100 columns. The CDK CLI's own output goes
to ``<outdir>/deploy.log`` and every compared property to ``<outdir>/verification.txt``.
A step that fails ends the run with one line naming the step, not a traceback (the
traceback, if any, is in the log).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from localdeploy.endpoint import ACCOUNT, LOCAL_ENV, REGION, running_endpoint

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".local-endpoint"
#: The stack whose API the smoke test calls after a deploy to AWS (stacks/order_pipeline.py).
PIPELINE_STACK = "OrderPipeline"
#: How many lines of the CLI's output a failed step shows before its one-line verdict.
TAIL_LINES = 15

#: The pinned CLI's progress lines (aws-cdk 2.1148.x, non-interactive output).
_DEPLOYING = re.compile(r"^(?P<stack>[\w-]+): deploying\.\.\. \[(?P<index>\d+)/(?P<total>\d+)\]")
_DEPLOYED = re.compile(r"^\s*✅\s+(?P<stack>[\w-]+)\s*(?:\(no changes\))?\s*$")
_FAILED = re.compile(r"^\s*❌\s+(?P<stack>[\w-]+)")


class StepFailed(Exception):
    """A step of the deploy failed; ``str()`` is the one line that says which and why."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"make deploy failed at step '{step}': {reason}")
        self.step = step


class Progress:
    """One line per step, indented detail lines, elapsed times; the CLI's output to a log."""

    def __init__(self, log_path: Path, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = log_path.open("w", encoding="utf-8")
        self.started = time.monotonic()

    def line(self, text: str) -> None:
        """``text`` wrapped to the terminal's width (100 columns when piped, ``COLUMNS``
        respected) like every message of ``constructs-lib``: further lines indented two
        more, a URL or a path longer than a line whole on a line of its own."""
        from constructs_lib.cli._term import width_of
        from constructs_lib.template.text import wrap

        indent = text[: len(text) - len(text.lstrip(" "))]
        for piece in wrap(text.lstrip(" "), width_of(self.out), indent=indent, hanging=indent + "  "):
            print(piece, file=self.out, flush=True)

    def detail(self, text: str) -> None:
        self.line(f"    {text}")

    @contextlib.contextmanager
    def step(self, title: str, name: str | None = None) -> Iterator[None]:
        """``==> title``, then ``done in N s``; any exception becomes :class:`StepFailed`."""
        name = name or title
        self.line(f"==> {title}")
        self.log.write(f"\n==> {title}\n")
        self.log.flush()
        started = time.monotonic()
        try:
            yield
        except StepFailed:
            raise
        except Exception as error:  # noqa: BLE001 - every failure ends as one line naming the step
            self.log.write(traceback.format_exc())
            self.log.flush()
            reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
            raise StepFailed(name, f"{reason} (details: {self.shown(self.log_path)})") from error
        self.detail(f"done in {time.monotonic() - started:.1f} s")

    def close(self) -> None:
        self.log.close()

    @staticmethod
    def shown(path: Path) -> str:
        """``path`` relative to the working directory when it is inside it (shorter lines)."""
        with contextlib.suppress(ValueError):
            return str(path.relative_to(Path.cwd()))
        return str(path)


def _npx() -> str:
    venv_npx = Path(sys.executable).parent / "npx"
    return str(venv_npx) if venv_npx.exists() else (shutil.which("npx") or "npx")


def cdk(
    args: Sequence[str], env: Mapping[str, str], progress: Progress, *, step: str, cwd: Path = ROOT
) -> list[str]:
    """Run the pinned CDK CLI (node_modules/aws-cdk) with the venv's node first on PATH.

    Its output goes to the log; stack progress lines become one line per stack. A non-zero
    exit shows the last lines of the output and raises :class:`StepFailed`.
    """
    venv_bin = str(Path(sys.executable).parent)
    full_env = {**env, "PATH": venv_bin + os.pathsep + env.get("PATH", ""), "FORCE_COLOR": "0", "CI": "true"}
    cmd = [_npx(), "--no-install", "cdk", *args]
    progress.log.write("$ " + " ".join(["npx", "cdk", *args]) + "\n")
    progress.log.flush()
    lines: list[str] = []
    started: dict[str, tuple[float, str]] = {}
    try:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
    except OSError as error:
        raise StepFailed(step, f"cannot run the CDK CLI ({error}); run `make setup`") from None
    assert proc.stdout is not None
    for line in proc.stdout:
        progress.log.write(line)
        progress.log.flush()
        lines.append(line.rstrip("\n"))
        if match := _DEPLOYING.match(line):
            counter = f"[{match['index']}/{match['total']}]"
            started[match["stack"]] = (time.monotonic(), counter)
            progress.detail(f"{counter} {match['stack']}: deploying")
        elif match := _DEPLOYED.match(line):
            since, counter = started.get(match["stack"], (time.monotonic(), "[-]"))
            progress.detail(f"{counter} {match['stack']}: deployed in {time.monotonic() - since:.1f} s")
        elif match := _FAILED.match(line):
            progress.detail(f"{started.get(match['stack'], (0, '[-]'))[1]} {match['stack']}: FAILED")
    status = proc.wait()
    if status != 0:
        tail = [line for line in lines if line.strip()][-TAIL_LINES:]
        progress.line(f"    --- last {len(tail)} lines of the CDK CLI's output ({progress.shown(progress.log_path)}):")
        for line in tail:
            progress.line(f"    | {line}")
        raise StepFailed(step, f"`npx cdk {args[0]}` exited with status {status} (full output: {progress.shown(progress.log_path)})")
    return lines


def _stack_names(outdir: Path) -> list[str]:
    import json

    manifest = json.loads((outdir / "manifest.json").read_text())
    return sorted(
        a.get("properties", {}).get("stackName") or name
        for name, a in manifest.get("artifacts", {}).items()
        if a.get("type") == "aws:cloudformation:stack"
    )


def deploy_and_verify(
    env: Mapping[str, str],
    progress: Progress,
    *,
    outdir: Path,
    bootstrap_target: str | None,
    endpoint_url: str | None,
) -> None:
    """Synthesize, bootstrap (when ``bootstrap_target`` is given), deploy every stack and
    verify; raises :class:`StepFailed` unless everything deployed is what the templates promise."""
    from localdeploy.verify import FAILED_STATUSES, print_report, verify_assembly

    common = ["--no-notices", "--no-version-reporting"]
    with progress.step(f"synth: the reference app (app.py) into {progress.shown(outdir)}", "synth"):
        cdk(["synth", "--app", f"{sys.executable} app.py", "--output", str(outdir), "--quiet", *common],
            env, progress, step="synth")
        stacks = _stack_names(outdir)
        progress.detail(f"{len(stacks)} stacks")
    if bootstrap_target is not None:
        with progress.step(f"bootstrap: {bootstrap_target} (the CDKToolkit stack and its asset bucket)", "bootstrap"):
            cdk(["bootstrap", bootstrap_target, "--app", str(outdir), *common], env, progress, step="bootstrap")
    # One stack at a time on the local endpoint: moto's CloudFormation is not safe for
    # concurrent change sets (stacks deployed together read each other's resources).
    concurrency = "1" if endpoint_url else "4"
    with progress.step(
        f"deploy: {len(stacks)} stacks with the CDK CLI ({'one at a time' if concurrency == '1' else 'up to 4 at once'})",
        "deploy",
    ):
        cdk(["deploy", "--all", "--app", str(outdir), "--require-approval", "never", "--concurrency", concurrency,
             *common], env, progress, step="deploy")
    with progress.step("verify: read every deployed resource back and compare it with its template", "verify"):
        rows = verify_assembly(outdir, endpoint_url=endpoint_url, local=endpoint_url is not None)
    full = outdir / "verification.txt"
    if not print_report(rows, progress.out, full_table=full, shown_as=progress.shown(full)):
        failed = sum(r.status in FAILED_STATUSES for r in rows)
        raise StepFailed("verify", f"{failed} deployed propert{'y differs' if failed == 1 else 'ies differ'} from "
                         f"the templates or could not be read back (every row: {progress.shown(full)})")


def run_local(outdir: Path, progress: Progress) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    log_path = STATE_DIR / "moto.log"
    with contextlib.ExitStack() as cleanup:
        with progress.step("local endpoint: start moto in server mode", "start the local endpoint"):
            url = cleanup.enter_context(running_endpoint(log_path=log_path))
            progress.detail(f"{url} (its log: {progress.shown(log_path)})")
        env = {**os.environ, **LOCAL_ENV, "AWS_ENDPOINT_URL": url}
        # Never let a user's real profile or credentials file leak into a local deploy.
        for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            env.pop(var, None)
        deploy_and_verify(env, progress, outdir=outdir, bootstrap_target=f"aws://{ACCOUNT}/{REGION}", endpoint_url=url)


def run_aws(outdir: Path, progress: Progress, session: Any = None) -> None:
    """Check the target, deploy to the credentials' account, verify, then post an order and
    read it back."""
    import boto3

    from localdeploy.preflight import TargetNotReady, check_target

    env = dict(os.environ)
    env.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)  # boto3 here talks to AWS too, never a leftover endpoint
    with progress.step("target: the AWS account and Region of your credentials", "check the target"):
        try:
            target = check_target(session or boto3.session.Session())
        except TargetNotReady as error:
            raise StepFailed("check the target", f"TARGET=aws: {error}") from None
        progress.detail(target.describe())
    env.setdefault("AWS_REGION", target.region)
    env.setdefault("AWS_DEFAULT_REGION", target.region)
    deploy_and_verify(
        env,
        progress,
        outdir=outdir,
        bootstrap_target=None if target.bootstrapped else target.environment,
        endpoint_url=None,
    )
    from localdeploy.smoke import SmokeTestFailed, smoke_test

    with progress.step(f"smoke test: post an order to {PIPELINE_STACK}'s API and read it back", "smoke test"):
        try:
            seen = smoke_test([PIPELINE_STACK], session or boto3.session.Session())
        except SmokeTestFailed as exc:
            raise StepFailed("smoke test", str(exc)) from None
        progress.detail(f"passed: {seen}")


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdeploy", description=__doc__)
    parser.add_argument("--target", choices=("local", "aws"), default="local")
    parser.add_argument("--outdir", type=Path, default=None, help="cloud assembly directory")
    args = parser.parse_args(argv)
    outdir = (args.outdir or ROOT / ("cdk.out.local" if args.target == "local" else "cdk.out")).resolve()
    progress = Progress(outdir / "deploy.log", out)
    where = "moto, locally" if args.target == "local" else "your AWS account"
    progress.line(f"make deploy: the reference stacks to {where}; CDK CLI output in {progress.shown(progress.log_path)}")
    try:
        if args.target == "local":
            run_local(outdir, progress)
        else:
            run_aws(outdir, progress)
    except StepFailed as failed:
        progress.line(str(failed))
        return 1
    except KeyboardInterrupt:
        progress.line("make deploy: interrupted")
        return 130
    finally:
        progress.close()
    progress.line(f"make deploy: passed in {time.monotonic() - progress.started:.0f} s")
    return 0
