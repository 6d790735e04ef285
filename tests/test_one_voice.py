"""Issue 27: ``check``, ``explain`` and ``simulate`` describe one mistake in the same words,
taken from one table (:mod:`constructs_lib.messages`).

For every rule's failing fixture (the templates of ``tests/checks/test_checks_rules.py``):
``check``'s finding carries the table's consequence; wherever ``explain`` marks a problem
with a rule id, the words after it are that rule's consequence; wherever ``simulate``'s
advice names a rule, it says that rule's consequence and fix. A sentence typed anywhere
else instead of the table's fails here.
"""

from __future__ import annotations

import io
import re

import pytest

from constructs_lib.checks import CheckOptions, TemplateModel
from constructs_lib.checks.rules import ALL_RULES, run_checks
from constructs_lib.explain import explain
from constructs_lib.messages import MESSAGES
from constructs_lib.simulate.report import write_text
from constructs_lib.simulate.run import simulate
from constructs_lib.simulate.scenarios import SCENARIOS
from tests.checks.test_checks_rules import CASES
from tests.wrapping import flat


def _said(text: str, rule_id: str) -> bool:
    return any(flat(c) in text for c in MESSAGES[rule_id].consequences)


def test_the_table_has_every_rule_and_no_other() -> None:
    assert set(MESSAGES) == {rule.id for rule in ALL_RULES}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_each_rule_takes_its_summary_and_fix_from_the_table(rule) -> None:
    assert (rule.summary, rule.fix) == (MESSAGES[rule.id].summary, MESSAGES[rule.id].fix)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_check_says_the_tables_consequence(rule_id: str) -> None:
    _, bad, _ = CASES[rule_id]
    findings = [f for f in run_checks([TemplateModel(bad, name="t.json")], CheckOptions()) if f.rule_id == rule_id]
    assert findings, rule_id
    for finding in findings:
        assert _said(flat(finding.message), rule_id), (rule_id, finding.message)
        assert finding.fix == MESSAGES[rule_id].fix


#: explain marks a problem as ``MARKER (`rule-id`): consequence`` or, inside a parenthesis,
#: ``(`rule-id`: consequence)``.
_EXPLAIN_MARK = re.compile(r"\(`(?P<rule>[a-z0-9-]+)`(?:\)|): (?P<rest>.*)")


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_explain_says_the_tables_consequence_where_it_names_a_rule(rule_id: str) -> None:
    _, bad, _ = CASES[rule_id]
    report = explain([TemplateModel(bad, name="t.json")], max_simulated=0)
    marks = [m for line in report.splitlines() for m in _EXPLAIN_MARK.finditer(line)]
    for mark in marks:
        assert mark["rule"] in MESSAGES, mark.group(0)
        assert _said(flat(mark["rest"]), mark["rule"]), mark.group(0)


#: Rules whose failing fixture explain marks with its id (the others it shows as settings or
#: leaves to check): the test above must not pass by finding no mark at all.
EXPLAIN_MARKS = {"sqs-redrive-policy", "sqs-visibility-below-function-timeout", "sqs-visibility-timeout",
                 "sqs-partial-batch-response"}


@pytest.mark.parametrize("rule_id", sorted(EXPLAIN_MARKS))
def test_explain_marks_the_sqs_mistakes_with_their_rule(rule_id: str) -> None:
    _, bad, _ = CASES[rule_id]
    report = explain([TemplateModel(bad, name="t.json")], max_simulated=0)
    assert f"`{rule_id}`" in report


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_simulate_says_the_tables_consequence_and_fix_where_it_names_a_rule(rule_id: str) -> None:
    _, bad, _ = CASES[rule_id]
    named = []
    for scenario in ("poison", "burst", "outage", "slow"):
        assert scenario in SCENARIOS
        out = io.StringIO()
        write_text(simulate([TemplateModel(bad, name="t.json")], scenario, events=50), out)
        text = flat(out.getvalue())
        for named_rule in re.findall(r"\(rule ([a-z0-9-]+)\)", text):
            named.append(named_rule)
            words = MESSAGES[named_rule]
            assert _said(text, named_rule), (scenario, text)
        # Advice ("... (rule id). Fix: ...") carries the consequence just before the rule and
        # the table's fix after it; a note on a value refused names the rule after its source.
        for named_rule in re.findall(r"\(rule ([a-z0-9-]+)\)\. Fix:", text):
            words = MESSAGES[named_rule]
            assert any(f"{flat(c)} (rule {named_rule})." in text for c in words.consequences), (scenario, text)
            assert f"(rule {named_rule}). Fix: {flat(words.fix)}" in text, (scenario, text)
    if rule_id == "sqs-redrive-policy":  # the loss the README shows: it must be named
        assert rule_id in named
