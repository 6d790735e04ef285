"""`make deploy`'s steps without deploying: the target check for TARGET=aws (no AWS account
needed: no credentials at all, moto, a stubbed STS) and a failing step ending in one line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from localdeploy import deploy
from localdeploy.deploy import Progress, StepFailed, cdk
from localdeploy.preflight import MIN_BOOTSTRAP_VERSION, TargetNotReady, check_target
from tests.conftest import ROOT

ACCOUNT = "123456789012"


def _no_aws_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment where boto3 finds no credentials anywhere (and asks no metadata service)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        **extra,
    )
    return env


def _deploy_aws(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "localdeploy", "--target", "aws", "--outdir", str(tmp_path / "cdk.out")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def _last_message(stdout: str) -> str:
    """The failure message: its first line and the indented lines it wraps onto (every
    one within 100 columns, as stdout is no terminal here)."""
    lines = stdout.rstrip().splitlines()
    start = max(i for i, line in enumerate(lines) if not line.startswith(" "))
    assert all(len(line) <= 100 for line in lines[start:]), lines[start:]
    return " ".join(line.strip() for line in lines[start:])


def test_aws_without_credentials_says_so_in_one_message(tmp_path: Path) -> None:
    proc = _deploy_aws(tmp_path, _no_aws_env(tmp_path, AWS_REGION="eu-west-1", COLUMNS=""))
    assert proc.returncode == 1
    last = _last_message(proc.stdout)
    assert last.startswith("make deploy failed at step 'check the target': TARGET=aws: no AWS credentials found: ")
    assert "AWS_PROFILE" in last and "AWS_ACCESS_KEY_ID" in last
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "==> synth" not in proc.stdout  # nothing was synthesized or deployed


def test_aws_without_a_region_says_so_in_one_message(tmp_path: Path) -> None:
    env = _no_aws_env(tmp_path, AWS_ACCESS_KEY_ID="AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", COLUMNS="")
    proc = _deploy_aws(tmp_path, env)
    assert proc.returncode == 1
    last = _last_message(proc.stdout)
    assert "no AWS Region configured: set AWS_REGION" in last
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.fixture
def moto_session(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.session.Session(region_name="eu-west-1")


def test_a_fresh_account_is_not_bootstrapped(moto_session: Any) -> None:
    target = check_target(moto_session)
    assert (target.account, target.region, target.bootstrap_version) == (ACCOUNT, "eu-west-1", None)
    assert not target.bootstrapped
    assert target.environment == f"aws://{ACCOUNT}/eu-west-1"
    assert "not bootstrapped yet (make deploy runs `cdk bootstrap` first)" in target.describe()


@pytest.mark.parametrize(("version", "bootstrapped"), [(MIN_BOOTSTRAP_VERSION - 1, False), (MIN_BOOTSTRAP_VERSION, True), (29, True)])
def test_bootstrap_version_from_ssm(moto_session: Any, version: int, bootstrapped: bool) -> None:
    moto_session.client("ssm").put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value=str(version), Type="String")
    target = check_target(moto_session)
    assert target.bootstrap_version == version and target.bootstrapped is bootstrapped
    assert (f"bootstrapped (version {version})" in target.describe()) is bootstrapped


def test_bootstrap_version_from_the_toolkit_stack(moto_session: Any) -> None:
    template = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"BootstrapVersion": {"Value": "21"}},
    }
    import json

    moto_session.client("cloudformation").create_stack(StackName="CDKToolkit", TemplateBody=json.dumps(template))
    assert check_target(moto_session).bootstrap_version == 21


class _StubbedSession:
    """A session whose STS rejects the credentials (as for an expired SSO token)."""

    region_name = "eu-west-1"

    def get_credentials(self) -> object:
        return object()

    def client(self, service: str, region_name: str | None = None) -> Any:
        client = boto3.client(service, region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")
        stubber = Stubber(client)
        stubber.add_client_error("get_caller_identity", "ExpiredToken", "The security token included in the request is expired")
        stubber.activate()
        return client


def test_rejected_credentials_say_what_to_do() -> None:
    with pytest.raises(TargetNotReady) as exc:
        check_target(_StubbedSession())
    text = str(exc.value)
    assert text.startswith("STS rejected the AWS credentials (ExpiredToken: The security token included in the request is expired)")
    assert "aws sso login" in text


def test_a_failing_step_becomes_one_line_with_the_traceback_in_the_log(tmp_path: Path) -> None:
    out = io.StringIO()
    progress = Progress(tmp_path / "deploy.log", out)
    with pytest.raises(StepFailed) as exc, progress.step("verify: read everything back", "verify"):
        raise KeyError("Stacks")
    progress.close()
    assert str(exc.value).startswith("make deploy failed at step 'verify': KeyError: 'Stacks' (details: ")
    assert "Traceback" in (tmp_path / "deploy.log").read_text()
    assert "Traceback" not in out.getvalue()


def test_a_failing_cdk_command_shows_its_last_lines_then_one_line(tmp_path: Path) -> None:
    out = io.StringIO()
    progress = Progress(tmp_path / "deploy.log", out)
    with pytest.raises(StepFailed) as exc:
        cdk(["deploy", "--app", str(tmp_path / "no-such-assembly"), "NoSuchStack"], dict(os.environ), progress,
            step="deploy")
    progress.close()
    assert str(exc.value).startswith("make deploy failed at step 'deploy': `npx cdk deploy` exited with status ")
    assert "--- last " in out.getvalue()


def test_main_ends_with_the_failed_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(outdir: Path, progress: Progress) -> None:
        raise StepFailed("bootstrap", "`npx cdk bootstrap` exited with status 1")

    monkeypatch.setattr(deploy, "run_local", failing)
    out = io.StringIO()
    assert deploy.main(["--outdir", str(tmp_path / "out")], out=out) == 1
    assert out.getvalue().rstrip().splitlines()[-1] == (
        "make deploy failed at step 'bootstrap': `npx cdk bootstrap` exited with status 1"
    )
