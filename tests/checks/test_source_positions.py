"""Line numbers as editors count them, and templates that repeat a key.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` only (what editors, ``grep -n`` and GitHub code
scanning count), never at NEL, LS or PS (U+0085, U+2028, U+2029), which PyYAML also counts as
line breaks: every line the tool reports (a finding's ``file:line:column`` and the lines it
shows, SARIF's region, the resource lines behind ``Finding.line``, a YAML error) is the line
an editor shows. A template that has a key twice in one mapping is refused, as CloudFormation
and cfn-lint refuse it, naming the key and both of its lines.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructs_lib.template import positions
from constructs_lib.template.loader import TemplateError, load_paths, parse_source, parse_yaml
from tests.wrapping import run_cli

_SPECIAL = ["\x85", "\u2028", "\u2029"]
_PLAIN = "abcXYZ019 .-"
#: Strings with NEL, LS and PS among plain characters (and, in YAML, real line breaks too).
_JSON_STRING = st.lists(st.sampled_from([*_PLAIN, *_SPECIAL]), max_size=12).map("".join)
#: YAML's own rule: a line of a quoted scalar may not start with ``---`` or ``...`` (a
#: document marker, refused by PyYAML and every YAML reader; NEL, LS and PS end a line there).
_DOCUMENT_MARKER = re.compile("[\n\r\x85\u2028\u2029](---|\\.\\.\\.)")
_YAML_STRING = (st.lists(st.sampled_from([*_PLAIN, *_SPECIAL, "\n", "\r\n", "\r"]), max_size=12).map("".join)
                .filter(lambda text: not _DOCUMENT_MARKER.search(text)))
_NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


def _editor_line(text: str, offset: int) -> int:
    """The 1-based line of ``offset`` as an editor counts it."""
    return len(text[:offset].replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _yaml_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar, its NEL, LS, PS and line breaks raw."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_template(before: list[str], inside: str, value: int, newline: str) -> str:
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
    for i, text in enumerate(before):
        lines += [f"  Topic{i}:", "    Type: AWS::SNS::Topic", "    Properties:",
                  f"      DisplayName: {_yaml_quoted(text)}"]
    lines += ["  Queue:", "    Type: AWS::SQS::Queue", "    Properties:",
              f"      QueueName: {_yaml_quoted(inside)}", f"      VisibilityTimeout: {value}"]
    # the line breaks inside the quoted values stay as they are; the template's own are `newline`
    return newline.join(lines) + newline


def _json_template(before: list[str], inside: str, value: int, newline: str, indent: int | None) -> str:
    resources = {f"Topic{i}": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": text}}
                 for i, text in enumerate(before)}
    resources["Queue"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": inside, "VisibilityTimeout": value}}
    text = json.dumps({"Resources": resources}, indent=indent, ensure_ascii=False)
    return text.replace("\n", newline)


def _check_position(text: str, suffix: str, value: int) -> None:
    _, source = parse_source(text.encode(), Path("t" + suffix))
    position = source.locate([("Resources", "Queue", "Properties", "VisibilityTimeout")])
    assert position is not None and position.missing == ()
    offset = text.index("VisibilityTimeout")
    offset = text.index(str(value), offset + len("VisibilityTimeout"))
    line = _editor_line(text, offset)
    editor_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert position.line == line, (position, repr(text))
    assert editor_lines[line - 1][position.column - 1:position.end_column - 1] == str(value)
    assert position.lines[-1] == (line, editor_lines[line - 1])
    queue = text.index('"Queue"' if suffix == ".json" else "  Queue:")
    assert source.lines["Queue"] == _editor_line(text, queue)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.lists(_YAML_STRING, max_size=3), inside=_YAML_STRING,
       value=st.integers(min_value=0, max_value=43200), newline=_NEWLINES)
def test_yaml_lines_are_the_lines_an_editor_shows(before: list[str], inside: str, value: int, newline: str) -> None:
    _check_position(_yaml_template(before, inside, value, newline), ".yaml", value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.lists(_JSON_STRING, max_size=3), inside=_JSON_STRING,
       value=st.integers(min_value=0, max_value=43200), newline=_NEWLINES, indent=st.sampled_from([2, None]))
def test_json_lines_are_the_lines_an_editor_shows(before: list[str], inside: str, value: int, newline: str,
                                                 indent: int | None) -> None:
    _check_position(_json_template(before, inside, value, newline, indent), ".json", value)


def test_a_document_marker_inside_a_quoted_value_is_refused_with_its_line() -> None:
    """Why the strategy above leaves document markers out: YAML ends the document there."""
    text = _yaml_template([], "\x85...\x85", 0, "\n")
    with pytest.raises(TemplateError, match=r"t\.yaml: neither JSON nor YAML: .*document indicator.*line 6"):
        parse_source(text.encode(), Path("t.yaml"))


@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.sampled_from(["a", "\n", "\r", "\r\n", "\x85", "\u2028", "\u2029"]), max_size=30).map("".join),
       data=st.data())
def test_the_line_index_counts_only_cr_lf_and_crlf(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    index = positions.LineIndex(text)
    line, column = index.line_col(offset)
    normalised = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    if text[offset - 1:offset + 1] != "\r\n":  # (between the CR and LF of a CRLF: still the CR's line)
        assert line == _editor_line(text, offset)
        assert column == len(normalised.split("\n")[-1]) + 1


def test_the_reviewers_template_with_ls_and_nel_in_a_string(tmp_path: Path) -> None:
    path = tmp_path / "nel2.yaml"
    text = ("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 60\n"
            '      Description: "a\u2028\x85c"\n      Role: arn:aws:iam::123456789012:role/worker\n'
            "      Runtime: python3.12\n      Handler: index.handler\n      Code: {ZipFile: \"x\"}\n"
            "  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 30\n"
            "  Mapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n      FunctionName: !Ref Fn\n"
            "      EventSourceArn: !GetAtt Queue.Arn\n      BatchSize: 1\n")
    path.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("check", str(path))
    assert code == 1 and f"{path}:14:26" in out
    code, out, _ = run_cli("check", str(path), "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    lines = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    assert lines["sqs-visibility-below-function-timeout"] == 14
    (model,) = load_paths([path]).models
    assert model.lines["Queue"] == 11 and model.lines["Mapping"] == 15


def test_a_yaml_error_names_the_line_an_editor_shows() -> None:
    text = "Resources:\n  # a comment, then NEL\x85 and: here\n  Fn:\n    Type: x\n"
    with pytest.raises(TemplateError) as err:
        parse_source(text.encode(), Path("t.yaml"))
    # at the colon after Fn; PyYAML says line 4: it also breaks the comment's line at NEL
    assert str(err.value).endswith("line 3, column 5"), err.value


def test_a_json_error_names_the_line_an_editor_shows() -> None:
    text = '{\r  "Resources": {\r    "A": 1,,\r  }\r}\r'
    with pytest.raises(TemplateError) as err:
        parse_source(text.encode(), Path("t.json"))
    assert "line 3 column" in str(err.value), err.value


# --------------------------------------------------------------------------------------
# Duplicate keys
# --------------------------------------------------------------------------------------
_DUP_YAML_RESOURCE = """Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 900
  Topic:
    Type: AWS::SNS::Topic
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
"""
_DUP_YAML_PROPERTY = """Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 900
      MessageRetentionPeriod: 60
      VisibilityTimeout: 30
"""
_DUP_YAML_FLOW_IN_LIST = """Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - {Key: a, Value: b, Key: c}
"""
_DUP_JSON_PROPERTY = """{
  "Resources": {
    "Queue": {
      "Type": "AWS::SQS::Queue",
      "Properties": {
        "VisibilityTimeout": 900, "VisibilityTimeout": 30
      }
    }
  }
}
"""
_DUP_JSON_RESOURCE = """{"Resources": {
  "Queue": {"Type": "AWS::SQS::Queue"},
  "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": [{"Key": "a,\\"}", "Value": "b"}]}},
  "\\u0051ueue": {"Type": "AWS::SQS::Queue"}
}}
"""


@pytest.mark.parametrize(("name", "text", "key", "where", "first", "second"), [
    ("t.yaml", _DUP_YAML_RESOURCE, "Queue", "in Resources", "2:3", "8:3"),
    ("t.yaml", _DUP_YAML_PROPERTY, "VisibilityTimeout", "in Resources.Queue.Properties", "5:7", "7:7"),
    ("t.yaml", _DUP_YAML_FLOW_IN_LIST, "Key", "in Resources.Queue.Properties.Tags[0]", "6:12", "6:30"),
    ("t.json", _DUP_JSON_PROPERTY, "VisibilityTimeout", "in Resources.Queue.Properties", "6:9", "6:35"),
    ("t.json", _DUP_JSON_RESOURCE, "Queue", "in Resources", "2:3", "4:3"),
])
def test_a_key_twice_in_a_mapping_is_refused_naming_it_and_both_lines(
        tmp_path: Path, name: str, text: str, key: str, where: str, first: str, second: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(TemplateError) as err:
        load_paths([path])
    message = str(err.value)
    assert message.startswith(f"{path}: duplicate key \"{key}\" {where} at lines {first} and {second}"), message
    assert "CloudFormation refuses" in message and "\n" not in message
    code, out, errors = run_cli("check", str(path))
    assert code == 2 and out == "" and " ".join(errors.split()) == f"error: {message}", errors


def test_the_same_key_in_different_mappings_and_merge_overrides_are_no_duplicates() -> None:
    text = ("Defaults: &d {VisibilityTimeout: 60, DelaySeconds: 1}\nResources:\n  Queue:\n"
            "    Type: AWS::SQS::Queue\n    Properties:\n      <<: *d\n      VisibilityTimeout: 900\n"
            "  Other:\n    Type: AWS::SQS::Queue\n    Properties: {VisibilityTimeout: 900}\n")
    data, source = parse_source(text.encode(), Path("t.yaml"))
    assert data["Resources"]["Queue"]["Properties"] == {"VisibilityTimeout": 900, "DelaySeconds": 1}
    assert source.lines["Other"] == 8
    assert parse_yaml(text)[0] == data
    json_text = json.dumps({"Resources": {"A": {"Properties": {"X": 1}}, "B": {"Properties": {"X": 1}}}})
    parse_source(json_text.encode(), Path("t.json"))


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=6),
       newline=_NEWLINES, fmt=st.sampled_from(["yaml", "json"]))
def test_a_duplicate_is_found_wherever_it_is_and_its_lines_are_right(keys: list[str], newline: str, fmt: str) -> None:
    """A mapping with the keys ``keys`` (one a line): refused exactly when a key repeats, at
    the lines of the first repeated key's first two occurrences."""
    if fmt == "yaml":
        text = newline.join(["Resources:", "  Queue:", "    Properties:", *(f"      {k}: {i}" for i, k in enumerate(keys))])
    else:
        body = f",{newline}".join(f'      "{k}": {i}' for i, k in enumerate(keys))
        text = newline.join(['{"Resources": {', '  "Queue": {', '    "Properties": {', body, "}}}}"])
    repeated = next((i for i, k in enumerate(keys) if k in keys[:i]), None)
    if repeated is None:
        parse_source(text.encode(), Path("t." + fmt))
        return
    with pytest.raises(TemplateError) as err:
        parse_source(text.encode(), Path("t." + fmt))
    first = keys.index(keys[repeated])
    column = 7
    assert f'"{keys[repeated]}" in Resources.Queue.Properties at lines {first + 4}:{column} and ' \
           f'{repeated + 4}:{column}' in str(err.value), str(err.value)
