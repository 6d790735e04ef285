"""Issue 27: text for a terminal, the way ruff and cfn-lint print it.

- Every text report fits the terminal's width (100 columns when the output is no terminal,
  ``COLUMNS`` respected): ``check`` (and ``--fix``'s summary), ``rules``, ``simulate``,
  ``explain``'s notes and the error messages, over the docs' example templates, the
  reference app's templates and a template that breaks every rule. Only a line that is
  one word (a URL, a path) may be longer: it is never cut.
- Each finding shows ``file:line:column``, the template lines and a marker under the
  offending value, for CloudFormation and SAM, YAML and JSON (a property's position in any
  layout: a property-based test), and the construct path of a cdk.out template.
- Colour only on a terminal; ``NO_COLOR`` always wins; a progress bar only on a terminal.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from constructs_lib.cli._term import Progress, Terminal, colour_for, width_of
from constructs_lib.template.loader import load_paths
from constructs_lib.checks.core import Finding
from constructs_lib.checks.report import finding_lines, rules_table, snippet
from constructs_lib.checks.rules import ALL_RULES
from constructs_lib.template.positions import Position
from constructs_lib.template.text import MIN_WIDTH, columns, wrap
from tests.checks import templates as t
from tests.checks.test_checks_rules import CASES
from tests.conftest import ROOT
from tests.wrapping import run_cli
from tests.simulate.conftest import reference_templates

EXAMPLES = ROOT / "docs" / "examples"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*argv: str, columns: int | None = None, env: dict[str, str] | None = None,
        monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """The command in-process, its output no terminal (as in a pipe)."""
    for name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    if columns is not None:
        monkeypatch.setenv("COLUMNS", str(columns))
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    return run_cli(*argv)


def too_wide(text: str, width: int) -> list[str]:
    """The lines of ``text`` wider than ``width`` terminal columns (a wide character takes
    two) that are more than one word: a URL or a path alone on its line may be longer: it is
    never cut."""
    return [line for line in ANSI.sub("", text).splitlines()
            if columns(line) > width and len([w for w in line.split() if w != "-->"]) > 1]


# --------------------------------------------------------------------------------------
# The inputs: the docs' examples, the reference app, every rule broken
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Templates as users have them: the docs' example templates (SAM, YAML), the reference
    app as a cdk.out (JSON as CDK writes it, with construct paths), and a copy of it with
    its protections removed, and one template per rule that breaks it."""
    root = tmp_path_factory.mktemp("inputs")
    cdk_out = root / "cdk.out"
    broken = root / "broken.out"
    for directory in (cdk_out, broken):
        directory.mkdir()
    artifacts = {}
    for name, template in reference_templates().items():
        artifacts[name] = {"type": "aws:cloudformation:stack", "properties": {"templateFile": f"{name}.template.json"}}
        (cdk_out / f"{name}.template.json").write_text(json.dumps(template, indent=1))
        damaged = json.loads(json.dumps(template))
        for lid, resource in damaged["Resources"].items():
            resource.setdefault("Metadata", {})["aws:cdk:path"] = f"{name}/{lid[:-8] or lid}/Resource"
            props = resource.get("Properties", {})
            props.pop("RedrivePolicy", None)
            props.pop("DestinationConfig", None)
            props.pop("FunctionResponseTypes", None)
            if "VisibilityTimeout" in props:
                props["VisibilityTimeout"] = 1
        (broken / f"{name}.template.json").write_text(json.dumps(damaged, indent=1))
    for directory in (cdk_out, broken):
        (directory / "manifest.json").write_text(json.dumps({"version": "48.0.0", "artifacts": artifacts}))
    rules = root / "rules"
    rules.mkdir()
    for rule_id, (_, bad, _) in CASES.items():
        (rules / f"{rule_id}.json").write_text(json.dumps(bad, indent=2))
    examples = root / "examples"
    shutil.copytree(EXAMPLES, examples)
    return {"cdk.out": cdk_out, "broken": broken, "rules": rules, "examples": examples}


def _commands(inputs: dict[str, Path]) -> list[list[str]]:
    examples = sorted(str(p) for p in inputs["examples"].glob("*.yaml"))
    return [
        ["check", *examples, "--show-not-applicable", "--show-suppressed", "--fail-on", "none"],
        ["check", str(inputs["rules"]), "--show-not-applicable", "--show-suppressed"],
        ["check", str(inputs["broken"]), "--show-not-applicable"],
        ["check", str(inputs["cdk.out"])],
        ["rules"],
        *(["simulate", str(inputs["cdk.out"]), "--scenario", s] for s in ("poison", "slow", "outage", "burst")),
        ["simulate", str(inputs["broken"]), "--scenario", "poison"],
        ["simulate", str(inputs["rules"]), "--scenario", "poison"],
        ["simulate", *examples, "--scenario", "noisy-neighbour", "--noisy", "Reports"],
        ["simulate", str(inputs["rules"] / "sqs-redrive-policy.json"), "--scenario", "poison", "--format", "json"],
        ["explain", str(inputs["cdk.out"]), "--output", str(inputs["cdk.out"].parent / "report.md")],
        ["check", str(inputs["cdk.out"] / "missing.json"), str(inputs["rules"] / "sqs-redrive-policy.json")],
        ["simulate", str(inputs["cdk.out"]), "--scenario", "no-such-scenario"],
    ]


@pytest.mark.parametrize("columns", [None, 60])
def test_no_line_of_any_command_is_wider_than_the_terminal(inputs: dict[str, Path], columns: int | None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    width = columns or 100
    for argv in _commands(inputs):
        code, out, err = run(*argv, columns=columns, monkeypatch=monkeypatch)
        assert code in (0, 1, 2), (argv, err)
        shown = err if argv[0] == "explain" or "json" in argv else out + err  # explain's report is Markdown
        assert shown.strip(), argv
        assert too_wide(shown, width) == [], (argv, too_wide(shown, width))


@pytest.mark.parametrize("columns", [None, 60])
def test_the_fix_summary_fits_too(inputs: dict[str, Path], tmp_path: Path, columns: int | None,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(inputs["rules"], rules)
    shutil.copy(inputs["examples"] / "orders.yaml", rules / "orders.yaml")
    code, out, err = run("check", str(rules), "--fix", "--show-not-applicable", columns=columns,
                         monkeypatch=monkeypatch)
    assert "wrote" in out and "refused" in out and "left alone" in out and "proof: simulate" in out
    assert too_wide(out + err, columns or 100) == [], too_wide(out + err, columns or 100)


def test_the_reports_were_too_wide_before(inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines the issue measured (check up to 380 columns, rules 193) are there to wrap:
    unwrapped, they run far past 100."""
    _, out, _ = run("check", str(inputs["rules"]), columns=10_000, monkeypatch=monkeypatch)
    _, rules, _ = run("rules", columns=10_000, monkeypatch=monkeypatch)
    assert max(map(len, out.splitlines())) > 200 and max(map(len, rules.splitlines())) > 150


def test_a_url_is_never_cut() -> None:
    url = "https://github.com/constructs-lib/constructs-lib/blob/main/docs/rules/esm-max-concurrency-above-reserved.md"
    lines = wrap(f"rule: {url} and more words after it", 60, indent="  ")
    assert f"    {url}" in lines or f"  rule: {url}" in lines
    assert all(url in line or "://" not in line for line in lines)


# --------------------------------------------------------------------------------------
# file:line:column, the lines and the marker
# --------------------------------------------------------------------------------------
def _finding_block(out: str, rule_id: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if rule_id in line and line.startswith(("ERROR", "WARNING", "N/A")))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
    return lines[start:end]


def _marked(block: list[str]) -> tuple[str, int, int, str]:
    """(the file, the line, the column) of the ``-->`` line, and the text above the marker."""
    at = next(i for i, line in enumerate(block) if line.strip().startswith("-->"))
    arrow = block[at] if block[at].strip() != "-->" else "  --> " + block[at + 1].strip()  # a long path: below
    file, line, column = re.fullmatch(r"\s*--> (.+):(\d+):(\d+)", arrow).groups()  # type: ignore[union-attr]
    marker = next(i for i, text in enumerate(block) if "^" in text and text.strip().startswith("|"))
    start = block[marker].index("^")  # the gutters line up: the marked text is right above
    return file, int(line), int(column), block[marker - 1][start:start + block[marker].count("^")]


def test_a_finding_in_yaml_points_at_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml"
    _, out, _ = run("check", str(path), monkeypatch=monkeypatch)
    block = _finding_block(out, "sqs-visibility-below-function-timeout")
    file, line, column, marked = _marked(block)
    text = path.read_text().splitlines()
    assert (file, text[line - 1][column - 1:column + 1], marked) == (str(path), "20", "20")
    assert block[3].split(" | ", 1)[1] == text[line - 2]  # the line before, for context


def test_a_missing_property_is_marked_at_the_key_that_lacks_it_in_json(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    template = t.template(**{**t.sqs_consumer(), "Queue": t.queue(dlq=None)})
    for indent in (2, None, "\t"):
        path = tmp_path / "t.json"
        path.write_text(json.dumps(template, indent=indent))
        _, out, _ = run("check", str(path), monkeypatch=monkeypatch)
        block = _finding_block(out, "sqs-redrive-policy")
        file, line, column, marked = _marked(block)
        source = path.read_text().splitlines()[line - 1]
        assert source[column - 1:].startswith('"Properties"') and marked.startswith('"Properties"'), block
        assert any("RedrivePolicy is not set" in text for text in block)
        assert too_wide("\n".join(block), 100) == []  # a one-line (minified) template is shown around the marker


def test_a_sam_finding_points_at_the_event_the_author_wrote(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("samtranslator")
    path = EXAMPLES / "template.yaml"
    _, out, _ = run("check", str(path), monkeypatch=monkeypatch)
    block = _finding_block(out, "sqs-partial-batch-response")
    file, line, column, marked = _marked(block)
    assert path.read_text().splitlines()[line - 1].strip() == "Properties: {Queue: !GetAtt Queue.Arn}"
    assert marked == "Properties" and "FunctionResponseTypes is not set" in "\n".join(block)
    assert "[from AWS::Serverless::Function Worker, event FromQueue (SQS)]" in " ".join(" ".join(block).split())


def test_a_sam_function_property_set_in_globals_points_at_globals(tmp_path: Path) -> None:
    pytest.importorskip("samtranslator")
    path = tmp_path / "t.yaml"
    path.write_text("Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Timeout: 30\n"
                    "    ReservedConcurrentExecutions: 0\nResources:\n  Worker:\n    Type: AWS::Serverless::Function\n"
                    "    Properties:\n      Runtime: python3.13\n      Handler: a.h\n      CodeUri: s/\n")
    from constructs_lib.checks.rules import run_checks

    (finding,) = [f for f in run_checks(load_paths([path]).models) if f.rule_id == "lambda-reserved-concurrency-zero"]
    assert (finding.position.line, finding.position.found[:2]) == (5, ("Globals", "Function"))


def test_a_cdk_out_finding_names_the_template_file_and_the_construct_path(inputs: dict[str, Path],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = run("check", str(inputs["broken"]), monkeypatch=monkeypatch)
    block = _finding_block(out, "sqs-visibility-below-function-timeout")
    file, line, column, marked = _marked(block)
    assert Path(file).parent == inputs["broken"] and file.endswith(".template.json")
    assert Path(file).read_text().splitlines()[line - 1][column - 1:].startswith("1") and marked == "1"
    assert re.search(r"\(\w+/\w+/Resource\)", " ".join(block))


def test_sarif_gains_the_column_and_keeps_its_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml"
    _, out, _ = run("check", str(path), "--format", "sarif", monkeypatch=monkeypatch)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in json.loads(out)["runs"][0]["results"]]
    assert regions and all(set(region) == {"startLine", "startColumn", "endColumn"} for region in regions)
    _, out, _ = run("check", str(path), "--format", "json", monkeypatch=monkeypatch)
    assert all("position" not in f for f in json.loads(out)["findings"])


_KEY = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    others=st.dictionaries(_KEY, st.one_of(st.integers(), _KEY, st.lists(st.integers(), max_size=3)), max_size=4),
    padding=st.dictionaries(_KEY, st.just({"Type": "AWS::SNS::Topic"}), max_size=3),
    value=st.integers(min_value=0, max_value=43200),
    layout=st.sampled_from(["json2", "json0", "jsontab", "yaml-block", "yaml-flow"]),
)
def test_the_position_of_a_property_is_where_its_value_is_written(others: dict[str, Any], padding: dict[str, Any],
                                                                  value: int, layout: str) -> None:
    """Whatever the layout (pretty or minified JSON, block or flow YAML) and whatever is
    around it, the position of Resources/Queue/Properties/VisibilityTimeout is its value."""
    from constructs_lib.template.loader import parse_source

    props = {**{k: v for k, v in others.items() if k != "VisibilityTimeout"}, "VisibilityTimeout": value}
    template = {"Resources": {**padding, "Queue": {"Type": "AWS::SQS::Queue", "Properties": props}}}
    if layout.startswith("json"):
        text = json.dumps(template, indent={"json2": 2, "json0": None, "jsontab": "\t"}[layout])
    else:
        text = yaml.safe_dump(template, default_flow_style=layout == "yaml-flow", width=10_000)
    _, source = parse_source(text.encode(), Path("t." + layout[:4]))
    position = source.locate([("Resources", "Queue", "Properties", "VisibilityTimeout")])
    assert position is not None and position.missing == ()
    line = position.lines[-1]
    assert line[0] == position.line
    assert line[1][position.column - 1:position.end_column - 1] == str(value)
    missing = source.locate([("Resources", "Queue", "Properties", "RedrivePolicy")])
    assert missing is not None and missing.missing == ("RedrivePolicy",)
    assert missing.lines[-1][1][missing.column - 1:].lstrip('"').startswith("Properties")


# --------------------------------------------------------------------------------------
# Colour and progress
# --------------------------------------------------------------------------------------
class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("env", "tty", "colour"), [
    ({}, False, False), ({}, True, True), ({"NO_COLOR": "1"}, True, False), ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False), ({"FORCE_COLOR": "0"}, False, False),
    ({"TERM": "dumb"}, True, False),
])
def test_colour_only_on_a_terminal_and_never_with_no_color(env: dict[str, str], tty: bool, colour: bool,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert colour_for(_Tty() if tty else io.StringIO()) is colour


def test_colour_marks_the_labels_and_keeps_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "tests" / "fixtures" / "checks_bad_consumer.yaml"
    _, coloured, _ = run("check", str(path), env={"FORCE_COLOR": "1"}, monkeypatch=monkeypatch)
    _, plain, _ = run("check", str(path), monkeypatch=monkeypatch)
    assert "\x1b[1;31mERROR\x1b[0m" in coloured and "\x1b" not in plain
    assert ANSI.sub("", coloured) == plain
    _, none, _ = run("check", str(path), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}, monkeypatch=monkeypatch)
    assert none == plain


def test_the_width_is_columns_or_the_terminal_or_100(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert width_of(io.StringIO()) == 100
    monkeypatch.setenv("COLUMNS", "72")
    assert width_of(io.StringIO()) == 72
    monkeypatch.setenv("COLUMNS", "5")
    assert width_of(io.StringIO()) == 40  # never narrower than MIN_WIDTH
    monkeypatch.setenv("COLUMNS", "wide")
    assert width_of(io.StringIO()) == 100
    assert Terminal(colour=False).style("x", "red") == "x" and Terminal(colour=True).style("x", "red") == "\x1b[31mx\x1b[0m"


def test_a_progress_bar_only_on_a_terminal_and_erased_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        with Progress(stream, "reading templates", delay=0) as bar:
            bar.expect(40)
            for _ in range(12):
                bar._drawn_at = 0.0  # draw every step here (it draws ten times a second)
                bar.advance()
    assert pipe.getvalue() == ""
    assert "\rreading templates [" in tty.getvalue() and "12/40" in tty.getvalue()
    assert tty.getvalue().endswith("\r\x1b[K")  # erased: what follows starts on a clean line
    assert len(Progress(None, "x").line(60)) < 60


def test_long_runs_report_progress_and_the_run_is_the_same(inputs: dict[str, Path]) -> None:
    from constructs_lib.simulate.run import simulate

    models = load_paths([inputs["cdk.out"]]).models
    seen: list[tuple[int, int]] = []
    quiet = simulate(models, "outage")
    heard = simulate(models, "outage", progress=lambda done, total: seen.append((done, total)))
    assert heard.to_dict() == quiet.to_dict()
    assert seen and all(0 <= done <= total for done, total in seen) and seen[-1][1] == sum(f.events for f in heard.functions)

    class Counter:
        expected = done = 0

        def expect(self, n: int) -> None:
            self.expected += n

        def advance(self) -> None:
            self.done += 1

    counter = Counter()
    loaded = load_paths([inputs["cdk.out"], inputs["rules"]], progress=counter)
    assert counter.done == len(loaded.templates) and counter.expected == counter.done


def test_piped_commands_print_no_progress(inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, err = run("simulate", str(inputs["cdk.out"]), "--scenario", "burst", monkeypatch=monkeypatch)
    assert "\r" not in err and "\x1b" not in err


# --------------------------------------------------------------------------------------
# Terminal columns, not characters: wide characters, combining marks, narrow terminals
# --------------------------------------------------------------------------------------
_WIDE = "日本語テスト한국어"
_COMBINING = "\u0301\u0308"
_letters = st.sampled_from("abcxyz-/:." + _WIDE + _COMBINING)
_words = st.one_of(st.text(_letters, min_size=1, max_size=12), st.text(_letters, min_size=30, max_size=80),
                   st.just(_WIDE * 15))


def _one_word(line: str) -> bool:
    return len(line.split()) <= 1


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.tuples(_words, st.sampled_from([" ", "  ", "\n"])), max_size=30),
       width=st.integers(MIN_WIDTH, 120), indent=st.sampled_from(["", "  ", "    "]),
       hanging=st.sampled_from([None, "", "    ", "      "]))
def test_wrap_measures_terminal_columns(words: list[tuple[str, str]], width: int, indent: str,
                                        hanging: str | None) -> None:
    """Every line within ``width`` columns unless it is one word; no word is cut or lost."""
    text = "".join(word + sep for word, sep in words)
    lines = wrap(text, width, indent=indent, hanging=hanging)
    assert [line for line in lines if columns(line) > width and not _one_word(line)] == []
    assert " ".join(lines).split() == text.split()
    assert all(line.startswith(indent) for line in lines[:1] if line.strip())


def test_wide_characters_no_longer_overflow_a_wrapped_line() -> None:
    """The reviewer's case: a logical id of ``日本語`` x 15 (45 characters, 90 columns)."""
    lines = wrap(f"ERROR sqs-redrive-policy  template.yaml: {'日本語' * 15} (Stack/Queue)", 100, hanging="    ")
    assert max(map(columns, lines)) <= 100, [columns(line) for line in lines]
    assert wrap("a b", 40, keep=["a b"]) == ["a b"]
    assert wrap("", 40, indent="  ") == [""]


def _finding(resource: str, file: str, text: str, start: int, end: int, missing: tuple[str, ...] = ()) -> Finding:
    position = Position(line=12, column=start + 1, end_column=end + 1, found=(), missing=missing,
                        lines=((11, "  Queue:"), (12, text)))
    return Finding("sqs-redrive-policy", "error", "non-compliant", "template.yaml", resource, "AWS::SQS::Queue",
                   None, "Properties", "An SQS queue polled by Lambda has no redrive policy.", "Add one.",
                   "https://docs.aws.amazon.com/x", line=12, file=file, position=position,
                   help_uri="https://example.com/rules/sqs-redrive-policy.md")


_line_text = st.text(st.sampled_from("ab \t:\"'" + _WIDE + _COMBINING), max_size=300)


@settings(max_examples=300, deadline=None)
@given(text=_line_text, data=st.data(), width=st.integers(MIN_WIDTH, 120),
       resource=st.text(st.sampled_from("Ab1" + _WIDE), min_size=1, max_size=60),
       missing=st.sampled_from([(), ("RedrivePolicy",)]))
def test_snippet_and_finding_lines_fit_the_width(text: str, data: st.DataObject, width: int, resource: str,
                                                  missing: tuple[str, ...]) -> None:
    """Random template lines (wide characters, combining marks, tabs, long lines) and a
    marked span anywhere: every line of the finding fits, the path line aside."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    f = _finding(resource, "template.yaml", text, start, end, missing)
    shown = snippet(f, width)
    assert [line for line in shown if columns(line) > width] == [], [columns(line) for line in shown]
    assert [line for line in finding_lines(f, width) if columns(line) > width and not _one_word(line)] == []
    marker = next(line for line in shown if "^" in line)
    assert marker.count("^") >= 1


@pytest.mark.parametrize(("text", "width"), [
    ("x: " + "a" * 300, 100),              # a long template line: was 105 columns
    ("名前: " + "日本語" * 40, 60),         # wide characters at COLUMNS=60: was 65
    ("日本語" * 40 + ": value", 60),       # the marked text far right, the head cut
])
def test_a_long_template_line_is_cut_by_columns(text: str, width: int) -> None:
    start = text.index(":") + 2 if not text.endswith("value") else text.index("value")
    f = _finding("Queue", "template.yaml", text, start, len(text))
    lines = snippet(f, width)
    assert max(map(columns, lines)) <= width, [columns(line) for line in lines]
    assert any("..." in line for line in lines)


@pytest.mark.parametrize("width", [40, 60, 100])
def test_the_path_line_breaks_before_a_long_path(width: int) -> None:
    long = "/home/someone/projects/a-service/infrastructure/cdk.out/assembly-Production/" + "Stack" * 4 + ".template.json"
    short = _finding("Queue", "t.yaml", "  Type: x", 2, 6)
    assert snippet(short, width)[0] == "  --> t.yaml:12:3"
    lines = snippet(_finding("Queue", long, "  Type: x", 2, 6), width)
    assert lines[:2] == ["  -->", f"    {long}:12:3"]  # whole, on a line of its own
    assert too_wide("\n".join(lines), width) == []


@pytest.mark.parametrize("width", [40, 60, 100])
def test_the_rules_table_fits_the_documented_widths(width: int) -> None:
    """At 40 columns (the minimum) the longest id and its level (44-46 columns) do not fit one
    line: the level opens the indented lines under the id."""
    levels = {r.id: r.level for r in ALL_RULES}
    off = frozenset({ALL_RULES[0].id})
    table = rules_table(ALL_RULES, levels, off, width=width)
    assert [line for line in table.splitlines() if columns(line) > width] == []
    for r in ALL_RULES:  # every rule's id, level and whole summary are there, in that order
        level = "off" if r.id in off else r.level
        assert re.search(re.escape(r.id) + r"\s+" + level + r"\s+" + r"\s+".join(map(re.escape, r.summary.split())),
                         table), r.id


def test_the_rules_command_fits_40_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = run("rules", columns=40, monkeypatch=monkeypatch)
    assert out.strip() and [line for line in out.splitlines() if columns(line) > 40] == []
