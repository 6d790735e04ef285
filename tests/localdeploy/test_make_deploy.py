"""`make deploy`'s local path, end to end: the real CDK CLI against the moto endpoint,
then the verification table. This is the same command `make deploy` runs."""

from __future__ import annotations

import os
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
    assert "verification passed" in deploy_output.stdout


def test_queue_consumer_promises_are_read_back(deploy_output: subprocess.CompletedProcess[str]) -> None:
    rows = [line.split() for line in deploy_output.stdout.splitlines() if line.startswith("QueueConsumerExample ")]
    verified = {(r[3], r[-1]) for r in rows if len(r) > 4}
    for prop in ("Timeout", "ReservedConcurrentExecutions", "VisibilityTimeout", "RedrivePolicy",
                 "BatchSize", "ScalingConfig", "FunctionResponseTypes", "MessageRetentionPeriod"):
        assert (prop, "ok") in verified, f"{prop} not verified ok"


def test_the_full_table_has_every_compared_property(
    deploy_output: subprocess.CompletedProcess[str], outdir: Path
) -> None:
    """The terminal shows the invocation-model promises; the file has every row."""
    full = (outdir / "verification.txt").read_text().splitlines()
    short = [line for line in deploy_output.stdout.splitlines() if line.startswith("QueueConsumerExample ")]
    full_rows = [line for line in full if line.startswith("QueueConsumerExample ")]
    assert len(full_rows) > len(short) > 0
    assert any(" RetentionInDays " in line and line.rstrip().endswith(" ok") for line in full_rows)
    assert not any(" RetentionInDays " in line for line in short)


def test_every_gap_is_listed_with_its_reason(deploy_output: subprocess.CompletedProcess[str]) -> None:
    """Nothing is silently missing: each "not verifiable locally" line names a known gap
    (the endpoint's own list, or the verifier's tables) and says why."""
    assert f"{GAP}:" in deploy_output.stdout
    listed = deploy_output.stdout.split(f"{GAP}:", 1)[1].splitlines()[1:]
    gaps = {}
    for line in listed:
        if not line.startswith("  - "):
            break
        name, _, reason = line[4:].partition(": ")
        assert reason.strip(), f"gap without a reason: {line}"
        gaps[name] = reason
    known = set(moto_ext.GAPS) | set(LOCAL_TYPE_GAPS) | {f"{t}.{p}" for t, p in LOCAL_PROPERTY_GAPS}
    assert set(moto_ext.GAPS) <= set(gaps)
    unexplained = {n for n in gaps if n not in known and "cannot be resolved" not in gaps[n]}
    assert not unexplained, unexplained
