"""The pre-commit hook, run for real: `pre-commit try-repo` installs this repository into
pre-commit's own environment (from the local path; dependencies from PyPI) and runs the
hook on a template and a JSON file that is no template.

try-repo installs into a temporary store every time (PRE_COMMIT_HOME does not cache it), so
every run pays for installing aws-cdk-lib and the rest. Most of that was pip byte-compiling
every installed file (measured: constructs-lib with its dependencies into a fresh
virtualenv, 27 s with it, 3 s without); the hook's command imports none of the heavy
packages, so the install skips it: ``PIP_COMPILE=0`` (pip reads ``PIP_NO_COMPILE=1`` as
``--compile``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.wrapping import flat

BAD_YAML = ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml"
GOOD_JSON = ROOT / "tests" / "fixtures" / "checks_good_consumer.json"


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_hook_checks_templates_and_skips_other_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(BAD_YAML, repo / "template.yaml")
    shutil.copy(GOOD_JSON, repo / "good.json")
    (repo / "settings.json").write_text('{"editor": {"tabSize": 2}}\n')
    env = {**os.environ, "PRE_COMMIT_HOME": str(ROOT / ".venv" / "pre-commit-home"), "PIP_COMPILE": "0",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "constructs-lib-check", "--files", *files],
            cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False,
        )

    result = hook("template.yaml", "good.json", "settings.json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert flat("ERROR sqs-dlq-retention  template.yaml: DeadLetters") in flat(result.stdout)
    assert "2 template(s) checked: 2 error(s), 1 warning(s)" in result.stdout
    assert "1 file(s) are no CloudFormation or SAM templates; skipped" in result.stdout
