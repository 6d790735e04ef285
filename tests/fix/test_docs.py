"""docs/fix.md has one before-and-after per rule with a fix (Sybil runs each), a reason for
every rule without one, and every rule page's Fix section links to its place there."""

from __future__ import annotations

import re

import pytest

from constructs_lib.checks.rules import ALL_RULES
from constructs_lib.fix.rules import FIXERS, LEFT_ALONE
from tests.conftest import ROOT

PAGE = (ROOT / "docs" / "fix.md").read_text()


def _section(rule_id: str) -> str:
    start = PAGE.index(f"\n### {rule_id}\n")
    end = PAGE.find("\n### ", start + 1)
    return PAGE[start: end if end > 0 else None]


@pytest.mark.parametrize("rule_id", sorted(FIXERS))
def test_every_fixable_rule_has_a_before_and_after_that_fixes_exactly_it(rule_id: str) -> None:
    section = _section(rule_id)
    (title,) = re.findall(r'```yaml title="([^"]+)"', section)
    assert f"$ constructs-lib check {title} --diff\n--- {title}\n+++ {title}\n" in section
    fixed = re.findall(r"^fixed \S+: 1 finding\(s\)\n  (\S+)  ", section, re.M)
    assert fixed == [rule_id]


@pytest.mark.parametrize("rule_id", sorted(LEFT_ALONE))
def test_every_rule_left_alone_is_listed_with_its_reason(rule_id: str) -> None:
    assert f"| [{rule_id}](rules/{rule_id}.md) | {LEFT_ALONE[rule_id].replace('|', '/')} |" in PAGE


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_page_links_from_its_fix_section_to_fix_md(rule) -> None:
    text = (ROOT / "docs" / "rules" / f"{rule.id}.md").read_text()
    fix = text[text.index("## Fix\n"):]
    anchor = rule.id if rule.id in FIXERS else "left-alone"
    assert f"](../fix.md#{anchor})" in fix
