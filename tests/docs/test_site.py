"""The documentation: the site builds strictly and offline, the README stays a first-hour
README, links resolve, and no example escapes the Sybil run (conftest.py at the root)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CONSTRUCT_PAGES = ["queue-consumer.md", "stream-processor.md", "async-worker.md", "sync-api-function.md"]
FENCE = re.compile(r"^(```+|~~~+)([^\s`]*)", re.M)


def _pages() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return out


def test_site_builds_strictly_with_every_page(site: Path) -> None:
    for page in ("queue-consumer", "stream-processor", "async-worker", "sync-api-function", "plain-function",
                 "handlers", "checks", "checks-evaluation", "rules", "rules/sqs-redrive-policy", "explain",
                 "simulate", "reference-system", "order-pipeline", "local-deploy", "benchmarks", "api"):
        assert (site / page / "index.html").is_file(), page
    assert (site / "examples" / "orders.yaml").is_file()  # the templates the pages link to


def test_api_reference_is_rendered_from_the_docstrings(site: Path) -> None:
    html = (site / "api" / "index.html").read_text()
    for anchor in (
        "constructs_lib.queue_consumer.QueueConsumer", "constructs_lib.stream_processor.StreamProcessor",
        "constructs_lib.async_worker.AsyncWorker", "constructs_lib.sync_api.SyncApiFunction",
        "constructs_lib.sync_api.Authorization", "constructs_lib.plain_function.PlainFunction",
        "constructs_lib.errors.ConstructPropsError", "constructs_lib.checks.plugin.InvocationModelChecks",
        "constructs_lib.handlers.streams.batch_info", "constructs_lib.handlers.ordered.OrderedBatchProcessor",
    ):
        assert f'id="{anchor}"' in html, anchor
    assert "visibility_timeout" in html  # a documented prop, from the docstring


def test_mermaid_is_rendered_in_the_browser_not_fetched_at_build(site: Path) -> None:
    html = (site / "queue-consumer" / "index.html").read_text()
    assert '<pre class="mermaid"><code>flowchart LR' in html


def test_readme_is_a_first_hour_readme() -> None:
    text = (ROOT / "README.md").read_text()
    lines = text.splitlines()
    assert len(lines) <= 250
    assert lines[0] == "# constructs-lib"  # the wheel's long description starts with it
    commands = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    first = [line.split("#")[0].strip() for line in commands[0].splitlines()]
    assert first[:2] == ["make deploy", "make test"]  # the developers' guide: the README's first commands
    for page in CONSTRUCT_PAGES + ["plain-function.md", "checks.md", "explain.md", "simulate.md",
                                   "handlers.md", "local-deploy.md", "benchmarks.md", "reference-system.md"]:
        assert f"(docs/{page}" in text, page
    assert text.count("```python") == 1  # one complete app


@pytest.mark.parametrize("page", ["README.md", "CONTRIBUTING.md"])
def test_relative_links_resolve(page: str) -> None:
    """README and CONTRIBUTING are not part of the site build, so their links are checked here."""
    text = (ROOT / page).read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "#", "mailto:")):
            continue
        assert (ROOT / target.split("#")[0]).exists(), f"{page}: broken link {target}"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_python_block_is_one_sybil_runs(page: Path) -> None:
    """A ``py``, ``python3`` or ``pycon`` fence would silently escape the example run."""
    languages = [m.group(2) for i, m in enumerate(FENCE.finditer(page.read_text())) if i % 2 == 0]
    assert [lang for lang in languages if lang.lower().startswith(("py", "ipy")) and lang != "python"] == []


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shell_example_is_one_sybil_runs(page: Path) -> None:
    """Commands go in ``bash`` or ``console`` blocks (conftest.py runs their ``constructs-lib``
    lines); a ``sh`` / ``shell`` fence, or a ``$ constructs-lib`` prompt shown as plain text,
    would escape the run."""
    text = page.read_text()
    fences = list(FENCE.finditer(text))
    for opening, closing in zip(fences[::2], fences[1::2]):
        language = opening.group(2).lower()
        assert language not in ("sh", "shell", "zsh", "shell-session", "shellsession"), f"{page.name}: use bash or console"
        if language not in ("bash", "console"):
            body = text[opening.end():closing.start()]
            assert not re.search(r"^\$ (constructs-lib|python -m constructs_lib)\b", body, flags=re.M), (
                f"{page.name}: a constructs-lib command with its output belongs in a console block"
            )


def test_rules_index_lists_every_rule_with_its_level_and_summary() -> None:
    from constructs_lib.checks.rules import ALL_RULES

    text = (ROOT / "docs" / "rules" / "index.md").read_text()
    rows = re.findall(r"^\| \[`([a-z0-9-]+)`\]\(([a-z0-9-]+)\.md\) \| (\w+) \| (.+) \|$", text, flags=re.M)
    assert [(rule_id, page, level, summary) for rule_id, page, level, summary in rows] == [
        (r.id, r.id, r.level, r.summary) for r in ALL_RULES
    ], "docs/rules/index.md: one row per rule of ALL_RULES, in order, with its level and summary"


@pytest.mark.parametrize("page", CONSTRUCT_PAGES)
def test_construct_pages_follow_the_pattern_page_layout(page: str) -> None:
    text = (ROOT / "docs" / page).read_text()
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    for section in ("Minimal deployable example", "Props", "Attributes", "Default settings", "Alarms",
                    "Failure paths", "Errors and warnings", "cdk-nag acknowledgments"):
        assert section in headings, f"{page}: no '## {section}'"
    failure_paths = text.split("## Failure paths", 1)[1]
    assert failure_paths.lstrip().startswith("```mermaid")
    # one row per prop, so a new prop is one new line
    props = text.split("## Props", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^\| `timeout` \|", props, flags=re.M)
