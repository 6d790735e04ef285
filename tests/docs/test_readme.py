"""What the README's commands rely on that the Sybil run of README.md (conftest.py at the root)
cannot see by running them from a copy of the clone."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def _shell_lines() -> list[str]:
    """Every command line of the README's bash and console blocks, without its comment."""
    lines = []
    for language, body in re.findall(r"^```(bash|console)\n(.*?)^```", README, flags=re.S | re.M):
        for line in body.splitlines():
            if language == "console":
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            command = line.split(" #", 1)[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def test_the_commands_shown_not_run_are_in_the_readme_and_run_elsewhere() -> None:
    from conftest import SHOWN_NOT_RUN

    assert set(SHOWN_NOT_RUN) <= set(_shell_lines()), "conftest.SHOWN_NOT_RUN names a command the README dropped"
    # `make deploy` runs the command tests/localdeploy/test_make_deploy.py runs.
    recipe = subprocess.run(["make", "-n", "deploy"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert re.search(r"python -m localdeploy --target local$", recipe, flags=re.M), recipe
    deploy_test = (ROOT / "tests" / "localdeploy" / "test_make_deploy.py").read_text()
    assert '"-m", "localdeploy", "--target", "local"' in deploy_test


def test_npx_never_waits_for_an_answer() -> None:
    """In the clone, npx runs the pinned CLI of node_modules; anywhere else it would ask before
    installing the CLI, and in a non-interactive shell fail ("npx canceled due to missing
    packages and no YES option"). The Sybil run happens in the clone, so this checks the flag."""
    npx = [line for line in _shell_lines() if line.startswith("npx ")]
    assert npx, "the README no longer synthesizes its app with npx"
    assert all(line.startswith("npx --yes ") for line in npx), npx


def test_the_readme_states_the_suite_time_make_test_announces() -> None:
    makefile = (ROOT / "Makefile").read_text()
    minutes = re.search(r"^SUITE_MINUTES := (\S+)$", makefile, flags=re.M)
    assert minutes, "Makefile: no SUITE_MINUTES"
    flat = re.sub(r"\s+", " ", README)
    assert f"`make test` then takes {minutes[1]} minutes" in flat, "README.md: the suite's time differs from the Makefile's"
