"""Every rule (ALL_RULES, so rules added by other modules too) has a unique id, a level with
its reason, an AWS source, and a documentation page with the sections users need."""

from __future__ import annotations

import re

import pytest

from constructs_lib.checks.core import LEVELS, RULE_DOCS_PATH, rule_docs_url
from constructs_lib.checks.rules import ALL_RULES
from tests.conftest import ROOT

SECTIONS = ("## What it catches", "## Why it matters", "## Fix")
FIXES = ("With our construct", "With plain aws-cdk-lib (Python)", "In CloudFormation", "In SAM")


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_has_a_level_a_reason_for_it_and_an_aws_source(rule) -> None:
    assert rule.level in LEVELS
    assert rule.level_reason, f"{rule.id}: say why it is an {rule.level} (rejected by AWS / data lost / a recommendation)"
    assert rule.source.startswith("https://docs.aws.amazon.com/"), rule.id
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_has_a_documentation_page(rule) -> None:
    page = ROOT / RULE_DOCS_PATH / f"{rule.id}.md"
    assert page.is_file(), f"write {page.relative_to(ROOT)}"
    text = page.read_text()
    assert text.startswith(f"# {rule.id}\n")
    positions = [text.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), f"{rule.id}: sections {SECTIONS}"
    why = text[positions[1]:positions[2]]
    assert "https://docs.aws.amazon.com/" in why, f"{rule.id}: 'Why it matters' cites AWS"
    fix = text[positions[2]:]
    for variant in FIXES:
        assert variant in fix, f"{rule.id}: Fix {variant}"
    assert f"**Level: {rule.level}.**" in text


def test_findings_link_to_the_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    assert rule_docs_url("sqs-redrive-policy").endswith("/docs/rules/sqs-redrive-policy.md")
    monkeypatch.setenv("CONSTRUCTS_LIB_RULES_DOCS", "https://docs.example.com/rules/")
    assert rule_docs_url("sqs-redrive-policy") == "https://docs.example.com/rules/sqs-redrive-policy.md"


def test_no_page_without_a_rule() -> None:
    pages = {p.stem for p in (ROOT / RULE_DOCS_PATH).glob("*.md")} - {"index"}  # index.md: the list of rules
    assert pages == {r.id for r in ALL_RULES}
