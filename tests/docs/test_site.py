"""The documentation: the site builds strictly and offline, the README stays a first-hour
README, links resolve, and no example escapes the Sybil run (conftest.py at the root)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

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


# --- the site works offline (issue 27) ---------------------------------------------------

#: What a browser loads with a page: scripts, styles and what styles load (fonts, images).
_LOADING_LINKS = {"stylesheet", "preload", "modulepreload", "preconnect", "dns-prefetch", "icon", "manifest"}
#: Script and style addresses in the theme's JavaScript that point to another host, and why
#: a browser never fetches them from this site.
GUARDED_FALLBACKS = {
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js":
        "Material fetches it only when no `mermaid` global exists; docs/hooks/mermaid.py loads the pinned one first",
    "https://unpkg.com/resize-observer-polyfill":
        "only in a browser without ResizeObserver, which no browser Material supports lacks",
}
#: The guard in Material's bundle that each fallback sits behind.
_GUARDS = {
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js": 'typeof mermaid=="undefined"',
    "https://unpkg.com/resize-observer-polyfill": 'typeof ResizeObserver=="undefined"',
}
_CDN_HOSTS = ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com")


class _Resources(HTMLParser):
    """The addresses a page loads: script sources, loading links, and inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts.append(found)
            if found.get("src"):
                self.urls.append(("script", found["src"] or ""))
            else:
                self._in = "script"
        elif tag == "link" and set((found.get("rel") or "").split()) & _LOADING_LINKS:
            self.urls.append((f"link rel={found.get('rel')}", found.get("href") or ""))
        elif tag == "style":
            self._in = "style"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline.append(data)


def _remote(url: str) -> bool:
    """Another host: a scheme other than data:, or a protocol-relative address."""
    url = url.strip().strip("'\"")
    return url.startswith("//") or bool(re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", url)) and not url.startswith("data:")


def _css_urls(text: str) -> list[str]:
    """What a style loads: ``url(...)`` and ``@import "..."``."""
    return [a or b for a, b in re.findall(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", text)]


def _script_and_style_urls_in_js(text: str) -> set[str]:
    """Absolute addresses in JavaScript that name a script or a style, or a CDN."""
    urls = set(re.findall(r"""["'`](https?://[^"'`\s]+)""", text))
    return {url for url in urls if re.search(r"\.(m?js|css)(\?|$)", url) or urlparse(url).hostname in _CDN_HOSTS}


def test_the_site_loads_no_script_or_style_from_another_host(site: Path) -> None:
    offenders = []
    for page in sorted(site.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text())
        name = page.relative_to(site).as_posix()
        offenders += [f"{name}: {kind} {url}" for kind, url in parser.urls if _remote(url)]
        for text in parser.inline:
            offenders += [f"{name}: inline {url}" for url in _css_urls(text) if _remote(url)]
            offenders += [f"{name}: inline script {url}" for url in _script_and_style_urls_in_js(text)]
    for css in sorted(site.rglob("*.css")):
        offenders += [f"{css.relative_to(site)}: {url}" for url in _css_urls(css.read_text()) if _remote(url)]
    for js in sorted(site.rglob("*.js")):
        text = js.read_text(errors="replace")
        for url in sorted(_script_and_style_urls_in_js(text)):
            if url not in GUARDED_FALLBACKS:
                offenders.append(f"{js.relative_to(site)}: {url}")
            elif not re.search(re.escape(_GUARDS[url]) + r".{0,80}" + re.escape(url), text):
                offenders.append(f"{js.relative_to(site)}: {url} no longer behind {_GUARDS[url]}")
    assert offenders == [], "the site loads these from another host:\n" + "\n".join(offenders)


def test_every_diagram_loads_the_pinned_mermaid_before_material_looks_for_it(site: Path) -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["mermaid"]
    installed = json.loads((ROOT / "node_modules" / "mermaid" / "package.json").read_text())["version"]
    assert installed == pinned, "node_modules is not what package.json pins: make setup"
    bundled = site / "assets" / "javascripts" / "mermaid.min.js"
    assert bundled.read_bytes() == (ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js").read_bytes()
    assert 'globalThis["mermaid"] =' in bundled.read_text()  # the global Material checks for
    with_diagrams = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text()
        parser = _Resources()
        parser.feed(html)
        sources = [s for s in parser.scripts if (s.get("src") or "").endswith("assets/javascripts/mermaid.min.js")]
        if 'class="mermaid"' not in html:
            assert sources == [], f"{page}: loads Mermaid without a diagram"
            continue
        with_diagrams.append(page.parent.name)
        # A plain script (not async, not a module): it runs before DOMContentLoaded, when
        # Material renders the diagrams.
        assert [s for s in sources if not {"async", "defer", "type"} & set(s)], f"{page}: no plain Mermaid script"
        assert (page.parent / (sources[0]["src"] or "")).resolve() == bundled.resolve()
    assert {"queue-consumer", "stream-processor", "async-worker", "sync-api-function"} <= set(with_diagrams)


def test_readme_is_a_first_hour_readme() -> None:
    text = (ROOT / "README.md").read_text()
    lines = text.splitlines()
    assert len(lines) <= 250
    # Read in a terminal as often as rendered: no line (table rows included) past 100 columns.
    assert [line for line in lines if len(line) > 100] == []
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
