"""`make deploy`'s local path, end to end: the real CDK CLI against the moto endpoint,
then the verification table. This is the same command `make deploy` runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from localdeploy import moto_ext
from localdeploy.verify import GAP, LOCAL_PROPERTY_GAPS, LOCAL_TYPE_GAPS
from tests.conftest import ROOT

pytestmark = pytest.mark.deploy


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cdk.out.local")


@pytest.fixture(scope="module")
def deploy_output(outdir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, "-m", "localdeploy", "--target", "local", "--outdir", str(outdir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )


def test_local_deploy_succeeds_and_verifies(deploy_output: subprocess.CompletedProcess[str]) -> None:
    assert deploy_output.returncode == 0, deploy_output.stdout[-6000:] + deploy_output.stderr[-3000:]
    assert deploy_output.stdout.rstrip().splitlines()[-1].startswith("make deploy: passed in ")
    assert "Traceback" not in deploy_output.stdout + deploy_output.stderr


def test_every_long_step_and_every_stack_has_a_progress_line(deploy_output: subprocess.CompletedProcess[str]) -> None:
    out = deploy_output.stdout
    for step in ("==> local endpoint:", "==> synth:", "==> bootstrap:", "==> deploy: 7 stacks", "==> verify:"):
        assert step in out
    deployed = re.findall(r"^    \[(\d)/7\] (\w+): deployed in \d+\.\d s$", out, flags=re.M)
    assert [int(i) for i, _ in deployed] == list(range(1, 8))
    assert {name for _, name in deployed} >= {"QueueConsumerExample", "OrderPipeline"}


def _full_rows(outdir: Path, stack: str) -> list[list[str]]:
    lines = (outdir / "verification.txt").read_text().splitlines()
    return [line.split(maxsplit=5) for line in lines if line.startswith(stack + " ")]


def test_queue_consumer_promises_are_read_back_exactly(outdir: Path) -> None:
    verified = {(r[3], r[4]) for r in _full_rows(outdir, "QueueConsumerExample")}
    for prop in ("Timeout", "ReservedConcurrentExecutions", "VisibilityTimeout", "RedrivePolicy",
                 "BatchSize", "ScalingConfig", "FunctionResponseTypes", "MessageRetentionPeriod"):
        assert (prop, "ok") in verified, f"{prop} not verified ok"


def test_the_terminal_shows_a_summary_that_fits_100_columns(deploy_output: subprocess.CompletedProcess[str]) -> None:
    lines = deploy_output.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:3] == ["stack", "resources", "promises"])
    table = lines[header:header + 9]
    assert all(len(line) <= 100 for line in table)
    (row,) = [line.split() for line in table if line.split()[:1] == ["QueueConsumerExample"]]
    resources, promises, exact, subset, failed, gaps = map(int, row[1:])
    assert resources > 5 and promises == exact + subset > 5 and failed == 0 and gaps == 0
    assert not any(line.startswith("QueueConsumerExample ") for line in lines)  # no per-property rows


def test_the_full_table_has_every_compared_property_uncut(outdir: Path) -> None:
    rows = _full_rows(outdir, "QueueConsumerExample")
    assert any(r[3] == "RetentionInDays" and r[4] == "ok" for r in rows)
    (policy,) = [r for r in rows if r[3] == "RedrivePolicy"]
    assert json.loads(policy[5])["maxReceiveCount"] == 5  # the whole value, parseable, not cut at 60
    text = (outdir / "verification.txt").read_text()
    assert "..." not in text.split("\nstack ", 1)[1]


def test_every_gap_is_listed_with_its_reason(deploy_output: subprocess.CompletedProcess[str]) -> None:
    """Nothing is silently missing: each "not verifiable locally" line names a known gap
    (the endpoint's own list, or the verifier's tables) and says why."""
    assert f"{GAP}:" in deploy_output.stdout
    listed = deploy_output.stdout.split(f"{GAP}:", 1)[1].splitlines()[1:]
    items: list[str] = []
    for line in listed:
        if line.startswith("  - "):
            items.append(line[4:])
        elif line.startswith("    ") and items:
            items[-1] += " " + line.strip()  # a long reason wrapped at 100 columns
        else:
            break
    assert all(len(line) <= 100 for line in listed[: len(items)])
    gaps = {}
    for item in items:
        name, _, reason = item.partition(": ")
        assert reason.strip(), f"gap without a reason: {item}"
        gaps[name] = reason
    known = set(moto_ext.GAPS) | set(LOCAL_TYPE_GAPS) | {f"{t}.{p}" for t, p in LOCAL_PROPERTY_GAPS}
    assert set(moto_ext.GAPS) <= set(gaps)
    unexplained = {n for n in gaps if n not in known and "cannot be resolved" not in gaps[n]}
    assert not unexplained, unexplained
