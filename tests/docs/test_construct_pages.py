"""The construct pages stay in step with the code: every prop in the props table, every
warning a construct can raise in its warnings, every acknowledgment in its cdk-nag table;
and the README's performance sentence quotes the generated benchmark.

What a page says about a template (defaults, role statements, acknowledgments recorded on the
construct) is asserted by the page's own invisible Sybil blocks; these tests catch what a
page leaves out. No synth here: they read signatures and sources.
"""

from __future__ import annotations

import inspect
import re
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT

#: Shared function props a construct page may leave to the PlainFunction page, in one
#: sentence that names them.
SHARED = ("runtime", "architecture", "memory_size", "environment", "layers", "description", "log_retention",
          "function_props")


def _section(text: str, heading: str) -> str:
    """The text of ``## heading`` up to the next ``## `` heading."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _pages() -> list[tuple[str, Any, ModuleType]]:
    from constructs_lib import async_worker, plain_function, queue_consumer, stream_processor, sync_api

    return [
        ("queue-consumer.md", queue_consumer.QueueConsumer, queue_consumer),
        ("stream-processor.md", stream_processor.StreamProcessor, stream_processor),
        ("async-worker.md", async_worker.AsyncWorker, async_worker),
        ("sync-api-function.md", sync_api.SyncApiFunction, sync_api),
        ("plain-function.md", plain_function.PlainFunction, plain_function),
    ]


PAGES = [name for name, _, _ in _pages()]


def _page(name: str) -> tuple[str, Any, ModuleType]:
    return next(entry for entry in _pages() if entry[0] == name)


@pytest.mark.parametrize("page", PAGES)
def test_every_prop_is_on_the_page(page: str) -> None:
    _, cls, _ = _page(page)
    props = _section((ROOT / "docs" / page).read_text(), "Props")
    params = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "scope", "id")]
    missing = [p for p in params if f"`{p}`" not in props]
    assert missing == [], f"{page}: props not in its Props section: {missing}"
    for name, method in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_") and method.__qualname__.startswith(cls.__name__ + "."):
            assert f"`{name}(" in props or f"`{name}`" in props, f"{page}: method {name} not in its Props section"


#: The most text a props-table cell shows (issue 27: cells ran past 1,000 characters): what
#: does not fit goes into the text under the table, which the cell links to
#: (``[more](#prop-name)`` -> ``{ #prop-name }``).
CELL_LIMIT = 120


def _visible(cell: str) -> str:
    """A cell's text as the page shows it: link text without its target, no code marks."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell).replace("`", "").replace("**", "")


@pytest.mark.parametrize("page", PAGES)
def test_props_tables_fit_the_page(page: str) -> None:
    props = _section((ROOT / "docs" / page).read_text(), "Props")
    rows = [line for line in props.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert rows, f"{page}: no props table"
    too_long = {}
    for row in rows:
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip()[1:-1])]
        longest = max(len(_visible(cell)) for cell in cells)
        if longest > CELL_LIMIT:
            too_long[cells[0]] = longest
    assert too_long == {}, f"{page}: cells longer than {CELL_LIMIT} characters (move the rest under the table)"
    for anchor in re.findall(r"\]\(#(prop-[a-z0-9-]+)\)", props):
        assert f"{{ #{anchor} }}" in props, f"{page}: [more](#{anchor}) points at no paragraph under the table"


def _package_source(module: object) -> str:
    """The source of a construct's module, or of every module of its package
    (``sync_api/``: a core and one module per front door)."""
    import importlib
    import pkgutil

    path = getattr(module, "__path__", None)
    if path is None:
        return inspect.getsource(module)  # type: ignore[arg-type]
    name = module.__name__  # type: ignore[attr-defined]
    parts = [inspect.getsource(module)]  # type: ignore[arg-type]
    for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
        parts.append(inspect.getsource(importlib.import_module(f"{name}.{info.name}")))
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_warning_is_on_the_page(page: str) -> None:
    _, _, module = _page(page)
    source = _package_source(module)
    # warn(self, "id", ...) in a construct, warn(construct, "id", ...) in a front door module.
    raised = set(re.findall(r'warn\(\s*\w+,\s*"([a-z0-9-]+)"', source))
    if page != "plain-function.md":
        assert raised, f"{page}: no warning found in the construct's source; the pattern no longer matches"
    warnings = raised | {"recursive-loop-allowed"}
    text = (ROOT / "docs" / page).read_text()
    missing = sorted(w for w in warnings if f"constructs-lib:{w}" not in text)
    assert missing == [], f"{page}: warnings the construct raises but the page does not name: {missing}"


@pytest.mark.parametrize("page", [p for p in PAGES if p != "plain-function.md"])
def test_every_acknowledgment_is_in_the_cdk_nag_table(page: str) -> None:
    from constructs_lib._failure import failure_queue_acknowledgments
    from constructs_lib._function import ROLE_XRAY_ACKNOWLEDGMENT

    _, _, module = _page(page)
    table = _section((ROOT / "docs" / page).read_text(), "cdk-nag acknowledgments")
    rules = {*getattr(module, "ACKNOWLEDGMENTS", {}), *ROLE_XRAY_ACKNOWLEDGMENT}
    if "create_failure_queue" in inspect.getsource(module):
        rules |= set(failure_queue_acknowledgments("x", redrive_target=module.__name__.endswith("queue_consumer")))
    missing = sorted(rule for rule in rules if f"`{rule}`" not in table)
    assert missing == [], f"{page}: acknowledgments the construct records but its table does not list: {missing}"


def _synth_cost_rows() -> list[dict[str, str]]:
    """The rows of docs/benchmarks.md's "Synth cost" table, by column name."""
    text = (ROOT / "docs" / "benchmarks.md").read_text()
    part = text.split("## Synth cost", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in part.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in lines[2:]]


def test_readme_quotes_the_benchmark() -> None:
    """Issue 14: the README's performance claim quotes `make bench` (docs/benchmarks.md is
    generated: after a new run, update the README's figures)."""
    rows = _synth_cost_rows()
    assert rows and all(row["same resources"] == "yes" for row in rows)
    paired = [float(row["ratio (paired median)"]) for row in rows]
    trips = [[int(n) for n in row["jsii round trips ours / hand-written"].split(" / ")] for row in rows]
    ours, theirs = [t[0] for t in trips], [t[1] for t in trips]
    readme = (ROOT / "README.md").read_text()
    sentence = next((line for line in _sentences(readme) if "make bench" in line and "1.1" in line), "")
    assert sentence, "README.md: no sentence quoting `make bench` and the 1.1 x target"
    for figure in (f"{min(paired):.2f}", f"{max(paired):.2f}", f"{min(ours)}", f"{max(ours)}", f"{min(theirs)}",
                   f"{max(theirs)}"):
        assert figure in sentence, f"README.md's benchmark sentence does not quote {figure}: {sentence}"


def _sentences(text: str) -> list[str]:
    flat = re.sub(r"\s+", " ", text)
    return re.split(r"(?<=[.!?])\s+(?=[A-Z`\[])", flat)
