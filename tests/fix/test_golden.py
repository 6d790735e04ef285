"""Golden tests: hand-written templates with comments, short tags, flow style and quoting,
fixed exactly as ``tests/fix/data/fixed/`` shows; the fixed text keeps every line the
fixes do not need, reads as the template with the edits applied, passes the checks and
cfn-lint, and a second fix changes nothing."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib.fix.plan import parse
from tests.fix.helpers import DATA, checked, fixable_findings, only_file, plan_of

GOLDEN = ["queue.yaml", "streams.yaml", "async.yaml", "sam.yaml", "queue.json"]
#: What each template's fixes must cover, rule by rule (so a golden file cannot silently
#: lose a fix when it is regenerated).
COVERS = {
    "queue.yaml": {"sqs-visibility-below-function-timeout", "sqs-redrive-policy", "sqs-max-receive-count",
                   "sqs-dlq-retention", "esm-max-concurrency-above-reserved"},
    "streams.yaml": {"stream-unbounded-retries", "stream-on-failure-destination", "stream-bisect-batch"},
    "async.yaml": {"async-failure-destination", "eventbridge-target-dlq", "eventbridge-target-retry-policy",
                   "sns-subscription-redrive"},
    "sam.yaml": {"sqs-visibility-below-function-timeout", "sqs-redrive-policy", "esm-max-concurrency-above-reserved",
                 "stream-unbounded-retries", "stream-on-failure-destination", "stream-bisect-batch",
                 "async-failure-destination", "eventbridge-target-dlq", "sns-subscription-redrive",
                 "apigw-integration-timeout"},
    "queue.json": {"sqs-visibility-timeout", "sqs-redrive-policy"},
}


@pytest.mark.parametrize("name", GOLDEN)
def test_the_fixed_text_is_the_golden_file(name: str) -> None:
    file = only_file(plan_of(DATA / name))
    assert file.error is None and file.refusals == []
    assert {fix.finding.rule_id for fix in file.fixes} == COVERS[name]
    assert file.new_text == (DATA / "fixed" / name).read_text()


@pytest.mark.parametrize("name", GOLDEN)
def test_no_line_of_the_original_is_lost_but_the_values_the_fixes_change(name: str) -> None:
    """Every comment line stays, in order; a removed line is always replaced by the same
    key with its new value (and its end-of-line comment kept)."""
    before = (DATA / name).read_text().splitlines()
    after = (DATA / "fixed" / name).read_text().splitlines()
    comments = [line for line in before if line.lstrip().startswith("#")]
    assert [line for line in after if line.lstrip().startswith("#")] == comments
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            for old in before[i1:i2]:
                key = re.match(r'\s*("?[\w:-]+"?\s*:|- [\w"]+)', old)
                assert key is not None, old
                same_key = [new for new in after[j1:j2] if new.lstrip().startswith(old.lstrip()[: len(key.group(0).lstrip())])]
                assert same_key, f"{old!r} disappeared"
                if "#" in old and not old.lstrip().startswith("#"):
                    assert any(old[old.index("#"):] in new for new in same_key), f"the comment of {old!r} is lost"


@pytest.mark.parametrize("name", ["queue.yaml", "sam.yaml", "async.yaml"])
def test_short_tags_flow_style_and_quotes_survive(name: str) -> None:
    before = (DATA / name).read_text()
    after = (DATA / "fixed" / name).read_text()
    changed = ("MaximumConcurrency", "MaximumRetryAttempts")  # values the fixes change (flow style checked below)
    for pattern in (r"!GetAtt [\w.]+", r"!Ref \w+", r"!Sub \"[^\"]+\"", r"\{[^}\n]+\}", r"'[^'\n]+'", r'"[^"\n]+"'):
        for found in re.findall(pattern, before):
            if not any(key in found for key in changed):
                assert found in after, f"{found!r} did not survive"
    assert "Fn::GetAtt" not in after and "Ref:" not in after  # new values use the short tags too


def test_a_value_changed_inside_flow_style_stays_in_flow_style() -> None:
    assert "ScalingConfig: {MaximumConcurrency: 5}    # above the 5 reserved" in (DATA / "fixed" / "queue.yaml").read_text()
    assert "RetryPolicy: {MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60}" in (
        DATA / "fixed" / "async.yaml").read_text()


@pytest.mark.parametrize("name", GOLDEN)
def test_the_fixed_template_has_no_fixable_finding_and_a_second_fix_changes_nothing(name: str, tmp_path: Path) -> None:
    fixed = tmp_path / name
    shutil.copy(DATA / "fixed" / name, fixed)
    _, findings = checked(fixed)
    assert fixable_findings(findings) == []
    again = plan_of(fixed)
    assert [f.path for f in again.files if f.changed] == []


def test_the_json_template_keeps_its_four_space_indentation_and_inline_style() -> None:
    after = (DATA / "fixed" / "queue.json").read_text()
    assert '\n                "VisibilityTimeout": 120,\n' in after
    assert '"deadLetterTargetArn": {"Fn::GetAtt": ["OrdersDlq", "Arn"]}' in after
    assert "caf\\u00e9" in after  # an escape the fix did not need to touch


@pytest.mark.parametrize("name", GOLDEN)
def test_the_golden_file_reads_as_the_original_plus_the_edits(name: str) -> None:
    from constructs_lib.fix.edits import apply, merge

    file = only_file(plan_of(DATA / name))
    expected = apply(parse(file.text, file.format), merge([e for fix in file.fixes for e in fix.edits]).edits())
    assert parse((DATA / "fixed" / name).read_text(), file.format) == expected


def test_cfn_lint_finds_no_error_in_the_fixed_templates(tmp_path: Path) -> None:
    """The resources the fixes add are valid CloudFormation (and SAM) by AWS's own schemas."""
    for name in GOLDEN:
        shutil.copy(DATA / "fixed" / name, tmp_path / name)
    done = subprocess.run([sys.executable, "-m", "cfnlint", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stdout.splitlines() if re.match(r"E\d{4}", line)]
    assert errors == [], done.stdout
