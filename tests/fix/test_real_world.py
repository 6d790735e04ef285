"""A real-world SAM app (aws-samples/amazon-eventbridge-producer-consumer-example, MIT-0;
see data/realworld/SOURCE.md): ``--fix`` changes only the resources it fixes, adds
resources named after them, and the result passes the checks, cfn-lint and the simulation."""

from __future__ import annotations

import difflib
import io
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from constructs_lib.cli import main
from constructs_lib.template.loader import parse_yaml
from tests.fix.helpers import DATA, checked, only_file, plan_of
from tests.wrapping import unwrap

APP = DATA / "realworld" / "eventbridge-producer-consumer.yaml"
FIXED = {"atmConsumerCase1Fn", "atmConsumerCase2Fn", "atmConsumerCase3Fn", "EventRuleCase1"}
UNTOUCHED = {"atmProducerFn", "PermissionForEventsToInvokeLambda"}


def spans(text: str) -> dict[str, range]:
    """Each resource's lines (0-based), from its key to the next resource's key."""
    lines = parse_yaml(text)[1]
    starts = sorted((line - 1, lid) for lid, line in lines.items())
    total = len(text.splitlines())
    return {lid: range(start, starts[i + 1][0] if i + 1 < len(starts) else total) for i, (start, lid) in enumerate(starts)}


def test_the_app_has_the_findings_the_fix_is_for() -> None:
    _, findings = checked(APP)
    assert sorted((f.rule_id, f.resource) for f in findings if f.applicable) == [
        ("async-failure-destination", "atmConsumerCase1Fn"),
        ("async-failure-destination", "atmConsumerCase2Fn"),
        ("async-failure-destination", "atmConsumerCase3Fn"),
        ("eventbridge-target-dlq", "EventRuleCase1"),
        ("eventbridge-target-dlq", "atmConsumerCase2FnTrigger"),
        ("eventbridge-target-dlq", "atmConsumerCase3FnTrigger"),
    ]


def test_the_diff_is_limited_to_the_fixed_resources() -> None:
    file = only_file(plan_of(APP))
    assert file.refusals == [] and file.error is None and file.new_text is not None
    before, after = file.text.splitlines(), file.new_text.splitlines()
    owner = {line: lid for lid, lines in spans(file.text).items() for line in lines}
    touched: set[str] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert tag == "insert", f"an original line changed: {before[i1:i2]}"  # the fixes only add lines here
        touched.add(owner[i1 - 1])  # inserted after a line of this resource
        for line in after[j1:j2]:
            new_id = re.match(r"^  (\w+):$", line)
            if new_id:
                assert any(new_id.group(1).startswith(o) for o in FIXED), f"{new_id.group(1)} is not named after its owner"
    assert touched == FIXED
    assert not touched & UNTOUCHED
    kept = spans(file.new_text)
    for lid in UNTOUCHED | {"atmConsumerCase1Fn"}:
        old = spans(file.text)[lid]
        assert after[kept[lid].start:kept[lid].start + 4] == before[old.start:old.start + 4]
    assert after[:9] == before[:9]  # the header, Globals and the first resource's key


def test_the_fixed_app_passes_the_checks_cfn_lint_and_the_simulation(tmp_path: Path) -> None:
    app = tmp_path / "template.yaml"
    shutil.copy(APP, app)
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(["check", str(app), "--fix"])
    text = unwrap(out.getvalue())  # a summary line a long path wrapped reads as one
    assert code == 0, text
    assert f"fixed {app}: 6 finding(s)" in text and f"wrote {app}" in text
    for fn in ("atmConsumerCase1Fn", "atmConsumerCase2Fn", "atmConsumerCase3Fn"):
        assert re.search(rf"proof: simulate: template.yaml/{fn}: poison lost [1-9]\d* -> 0", text), text
    assert [f for f in checked(app)[1] if f.applicable] == []
    lint = subprocess.run([sys.executable, "-m", "cfnlint", str(app)], capture_output=True, text=True, timeout=300)
    assert [line for line in lint.stdout.splitlines() if re.match(r"E\d{4}", line)] == [], lint.stdout
