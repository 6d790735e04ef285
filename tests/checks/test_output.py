"""Output that never breaks, whatever a template holds: text escapes control and bidi
characters, SARIF validates against the SARIF 2.1.0 schema (its URIs are RFC 3986
references), JUnit is well-formed XML for any id, and the process streams fail quietly
(a broken pipe, a full disk)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructs_lib.checks.core import Finding
from constructs_lib.checks.report import junit, sarif, write_text
from constructs_lib.checks.rules import ALL_RULES
from constructs_lib.template.text import ESCAPED_CATEGORIES, printable
from tests.checks import templates as t
from tests.checks.test_formats_and_config import run
from tests.conftest import ROOT

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
HOSTILE_IDS = ["Q\x1b[2J\x1b[31mOK", "Admin\u202eKO", "Line\nbreak", "Tab\there", "Nul\x00", "Lone\ud800surrogate",
               "Bell\x07", "Zero\u200bwidth", "Sep\u2028arator", "Del\x7f", "C1\x85", "BOM\ufeff", "emoji\U0001f600"]


def sarif_errors(log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]


def test_the_validator_refuses_a_uri_with_a_space() -> None:
    """The test can fail: an unencoded artifactLocation URI is what the issue found."""
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{
        "message": {"text": "m"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "my templates/t.yaml"}}}]}]}]}
    assert sarif_errors(log) != []
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "my%20templates/t.yaml"
    assert sarif_errors(log) == []


def _consumer_with(lid: str) -> dict[str, Any]:
    """A consumer whose queue, ``lid``, has a visibility timeout below the function's (an error)."""
    return {"Resources": {"Fn": t.function(30), lid: t.queue(visibility=20), "Dlq": t.dlq(),
                          "Mapping": t.mapping(t.arn(lid), BatchSize=1)}}


@pytest.mark.parametrize("directory", ["plain", "with space", "per%cent", "colon:dir", "ünïcödé", "#hash?q"])
def test_sarif_validates_against_the_schema_for_any_path(tmp_path: Path, directory: str) -> None:
    """Relative URIs (under the current directory) and file: URIs (elsewhere) both."""
    folder = tmp_path / directory
    folder.mkdir()
    path = folder / "t e.json"
    path.write_text(json.dumps(_consumer_with("Extra")))
    for cwd in (tmp_path, ROOT):
        code, out, err = run("check", str(path), "--format", "sarif", cwd=cwd)
        assert code == 1, err
        log = json.loads(out)
        assert sarif_errors(log) == []
        uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert " " not in uri and (uri.startswith("file:") is (cwd == ROOT))


def test_sarif_of_unreadable_input_is_a_failed_invocation_with_notifications(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps(t.template(**t.sqs_consumer())))
    (tmp_path / "parent.json").write_text(json.dumps({"Resources": {"Child": {
        "Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "../../etc/passwd"}}}}))
    code, out, _ = run("check", str(tmp_path), "--format", "sarif")
    assert code == 2
    log = json.loads(out)
    assert sarif_errors(log) == []
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "nested stack Child is not checkable" in note["message"]["text"]
    assert "outside" in note["message"]["text"] and "'../../etc/passwd'" in note["message"]["text"]


def _finding(lid: str, template: str = "t.json", file: str | None = None) -> Finding:
    rule = ALL_RULES[0]
    return Finding(rule_id=rule.id, level="error", status="non-compliant", template=template, resource=lid,
                   resource_type="AWS::SQS::Queue", path=None, location="Properties", message=f"{lid} is wrong",
                   fix=rule.fix, source=rule.source, file=file, line=3, help_uri=rule.help_uri)


texts = st.text(st.characters(codec="utf-8") | st.characters(categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
                min_size=1, max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lid=texts, template=texts, name=texts)
def test_sarif_and_junit_hold_for_any_id_template_and_file_name(tmp_path: Path, lid: str, template: str,
                                                                name: str) -> None:
    file = str(tmp_path / name.replace("/", "_").replace("\x00", "_")[:40])
    findings = [_finding(lid, template, file)]
    log = json.loads(json.dumps(sarif(findings, ALL_RULES, levels={}, version="0", base=tmp_path,
                                      unreadable=[f"{lid}: refused"], notices=[name])))
    assert sarif_errors(log) == []
    xml = junit(findings, ALL_RULES, [template], fail_on="error", unreadable=[f"{lid}: refused"])
    root = ET.fromstring(xml.encode("utf-8"))  # well-formed XML 1.0, or it raises
    (failure,) = root.iter("failure")
    assert printable(lid) in failure.text and failure.text == printable(failure.text, keep="\n\t")


@pytest.mark.parametrize("lid", HOSTILE_IDS)
def test_text_output_escapes_control_and_bidi_characters(tmp_path: Path, lid: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_consumer_with(lid)), encoding="utf-8")
    code, out, err = run("check", str(path), "--show-not-applicable")
    assert code == 1, err
    assert printable(lid) in out and (lid == printable(lid) or lid not in out)
    assert all(unicodedata.category(c) not in ESCAPED_CATEGORIES for c in out.replace("\n", ""))


@pytest.mark.parametrize("lid", HOSTILE_IDS)
def test_explain_escapes_control_and_bidi_characters(tmp_path: Path, lid: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(t.template(**{lid: t.function(30)})), encoding="utf-8")
    code, out, err = run("explain", str(path))
    assert code == 0, err
    assert printable(lid) in out
    assert all(unicodedata.category(c) not in ESCAPED_CATEGORIES for c in out.replace("\n", ""))


@given(st.text(st.characters(codec="utf-8") | st.characters(categories=("Cs",))))
def test_printable_leaves_no_escaped_character_and_keeps_the_rest(text: str) -> None:
    escaped = printable(text)
    assert all(unicodedata.category(c) not in ESCAPED_CATEGORIES for c in escaped)
    assert (escaped == text) == all(unicodedata.category(c) not in ESCAPED_CATEGORIES for c in text)
    assert printable(text, keep="\n").count("\n") == text.count("\n")


def test_write_text_of_a_finding_is_one_printable_line_per_field() -> None:
    import io

    out = io.StringIO()
    write_text(out, [_finding("A\nERROR forged-rule  t.json: B")], [], 1)
    assert "A\\x0aERROR forged-rule" in out.getvalue()
    assert not any(line.startswith("ERROR forged-rule") for line in out.getvalue().splitlines())


# --------------------------------------------------------------------------------------
# Broken pipes and full disks: real processes, real descriptors
# --------------------------------------------------------------------------------------
BAD_YAML = ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml"


def _cli(*argv: str, stdout: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "constructs_lib", *argv], stdout=stdout, stderr=subprocess.PIPE,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def many_findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template whose report is far larger than a pipe's buffer (64 KiB)."""
    resources: dict[str, Any] = {}
    for i in range(150):
        resources.update({f"Fn{i}": t.function(30), f"Queue{i}": t.queue(visibility=20, dlq=None),
                          f"Mapping{i}": t.mapping(t.arn(f"Queue{i}"), function=f"Fn{i}")})
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_text(json.dumps({"Resources": resources}))
    return path


@pytest.mark.parametrize("argv", [["check", "{big}", "--format", "json"], ["check", "{big}"],
                                  ["check", "{big}", "--format", "sarif"], ["explain", "{big}"]])
def test_a_reader_that_goes_away_ends_the_command_quietly_with_141(argv: list[str], many_findings: Path) -> None:
    """`check --format json | head -c1` ended in a BrokenPipeError traceback."""
    argv = [a.replace("{big}", str(many_findings)) for a in argv]
    proc = subprocess.Popen([sys.executable, "-m", "constructs_lib", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(1)
    proc.stdout.close()  # the reader goes away after one byte
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 141, err
    assert err == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["check", str(BAD_YAML)], ["check", str(BAD_YAML), "--format", "sarif"],
                                  ["explain", str(BAD_YAML)], ["rules"]])
def test_a_full_disk_on_standard_output_is_one_line_and_exit_2(argv: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = _cli(*argv, stdout=full)
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().splitlines() == ["error: cannot write the report: <stdout>: No space left on device"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["check", "explain"])
def test_output_to_dev_full_is_one_line_and_exit_2(command: str) -> None:
    code, out, err = run(command, str(BAD_YAML), "--output", "/dev/full")
    assert (code, out) == (2, "")
    assert err.splitlines() == ["error: cannot write the report: /dev/full: No space left on device"]


def test_output_never_writes_through_a_symbolic_link_to_a_file(tmp_path: Path) -> None:
    """A link an untrusted change planted (report.sarif -> ~/.bashrc) must not redirect the write."""
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (tmp_path / "report.sarif").symlink_to(victim)
    code, out, err = run("check", str(BAD_YAML), "--format", "sarif", "--output", str(tmp_path / "report.sarif"))
    assert code == 2 and victim.read_text() == "keep me"
    assert "a symbolic link to" in err and "refusing to write through it" in err


def test_output_to_a_fifo_no_one_reads_is_refused_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, _, err = run("check", str(BAD_YAML), "--output", str(fifo))
    assert code == 2 and "a FIFO (named pipe) that no one reads" in err


def test_output_to_dev_null_is_fine() -> None:
    assert run("check", str(BAD_YAML), "--output", os.devnull)[0] == 1
