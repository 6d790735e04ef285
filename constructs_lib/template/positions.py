"""Where a value is in a template file: the line and column of a property path, for the
``file:line:column`` of a finding and the template lines shown under it.

A path is a sequence of keys from the document's root (``("Resources", "Queue",
"Properties", "VisibilityTimeout")``; a list index as its number). :func:`locate` finds
the deepest part of the path the file has: the value itself when it is there (its span,
to put a marker under it), else the key of the last part found (a missing property is
marked at the resource's ``Properties`` key, or at the resource). YAML is read with
PyYAML's composer (every node carries its start and end marks); JSON with a scanner that
follows the path and skips the values beside it. Both work on the text as read (the
loader's :class:`~constructs_lib.template.loader.SourceFile`), never the file again, and
only for a file that has findings.

Columns count code points from 1 (SARIF's ``unicodeCodePoints``); lines count from 1, with
YAML's line breaks for YAML (``\\r\\n``, ``\\r``, ``\\n``, NEL, LS, PS) and ``\\n`` for JSON.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: How many lines a finding shows: the marked line and the lines before it.
CONTEXT_LINES = 1
Key = str | int


@dataclass(frozen=True)
class Span:
    """A stretch of text: 0-based character offsets ``start`` (inclusive) and ``end``."""

    start: int
    end: int


@dataclass(frozen=True)
class Position:
    """Where a finding points in its file, and the lines to show.

    ``line`` and ``column`` (1-based) start the marked text, ``end_column`` ends it on the
    same line (exclusive); ``found`` is the part of the path the file has, ``missing`` what
    it lacks (``"RedrivePolicy"``: the marker is then under the last key found);
    ``lines`` are (line number, text) of the lines shown, the marked line last.
    """

    line: int
    column: int
    end_column: int
    found: tuple[Key, ...]
    missing: tuple[Key, ...]
    lines: tuple[tuple[int, str], ...]


_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


class LineIndex:
    """Offsets of line starts in a text, to turn offsets into (line, column)."""

    def __init__(self, text: str, *, yaml: bool) -> None:
        self.text = text
        pattern = _YAML_BREAK if yaml else re.compile("\n")
        self.starts = [0, *(m.end() for m in pattern.finditer(text))]
        self._breaks = [m.start() for m in pattern.finditer(text)] + [len(text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line``, without its line break."""
        return self.text[self.starts[line - 1]:self._breaks[line - 1]]


def position(index: LineIndex, key: Span | None, value: Span | None, found: tuple[Key, ...],
             missing: tuple[Key, ...], *, first_line: int | None = None) -> Position:
    """The :class:`Position` that marks ``value`` when it is a one-line value that was found,
    else ``key`` (the last key found); ``first_line`` is the first line shown (default: the
    line before the marked one)."""
    mark = value if value is not None and not missing and _one_line(index, value) else key or value
    assert mark is not None
    line, column = index.line_col(mark.start)
    end_line, end_column = index.line_col(max(mark.end, mark.start + 1))
    if end_line != line:
        end_column = len(index.line_text(line)) + 1
    first = max(1, line - CONTEXT_LINES) if first_line is None else max(1, min(first_line, line))
    first = max(first, line - CONTEXT_LINES)
    shown = tuple((n, index.line_text(n)) for n in range(first, line + 1))
    while len(shown) > 1 and not shown[0][1].strip():
        shown = shown[1:]
    return Position(line, column, max(end_column, column + 1), found, missing, shown)


def _one_line(index: LineIndex, span: Span) -> bool:
    return index.line_col(span.start)[0] == index.line_col(max(span.end - 1, span.start))[0]


# --------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------
def yaml_steps(root: Any, path: Sequence[Key]) -> list[tuple[Span, Span]]:
    """(key span, value span) of each part of ``path`` found in a composed YAML node tree,
    as deep as the tree goes."""
    import yaml

    steps: list[tuple[Span, Span]] = []
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value
                          if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if match is None:
                break
            key, node = match
            steps.append((_node_span(key), _node_span(node)))
        elif isinstance(node, yaml.SequenceNode) and (index := _index(part)) is not None and index < len(node.value):
            node = node.value[index]
            span = _node_span(node)
            steps.append((span, span))
        else:
            break
    return steps


def _node_span(node: Any) -> Span:
    return Span(node.start_mark.index, node.end_mark.index)


def _index(part: Key) -> int | None:
    if isinstance(part, int):
        return part
    return int(part) if isinstance(part, str) and part.isdigit() else None


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------
_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR = re.compile(r"[^\s,:\[\]{}\"]+")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]', re.S)


def _skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def json_value_end(text: str, pos: int) -> int:
    """The offset just after the JSON value that starts at ``pos`` (a scan, not a parse:
    strings and brackets are followed, the rest is skipped)."""
    if pos >= len(text):
        return pos
    if text[pos] == '"':
        match = _STRING.match(text, pos)
        return match.end() if match else len(text)
    if text[pos] not in "[{":
        match = _SCALAR.match(text, pos)
        return match.end() if match else pos + 1
    depth = 0
    for token in _TOKEN.finditer(text, pos):
        char = token.group()[0]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
    return len(text)


def json_steps(text: str, path: Sequence[Key], start: int = 0) -> list[tuple[Span, Span]]:
    """(key span, value span) of each part of ``path`` found in the JSON value that starts
    at (or after whitespace from) ``start``, as deep as the text goes."""
    steps: list[tuple[Span, Span]] = []
    pos = _skip_ws(text, start)
    for part in path:
        if pos >= len(text):
            break
        found: tuple[Span, int] | None = None
        if text[pos] == "{":
            pos = _skip_ws(text, pos + 1)
            while pos < len(text) and text[pos] == '"':
                key = _STRING.match(text, pos)
                if key is None:
                    break
                colon = _skip_ws(text, key.end())
                if colon >= len(text) or text[colon] != ":":
                    break
                value = _skip_ws(text, colon + 1)
                if _json_string(key.group()) == str(part):
                    found = Span(key.start(), key.end()), value
                    break
                pos = _skip_ws(text, json_value_end(text, value))
                if pos < len(text) and text[pos] == ",":
                    pos = _skip_ws(text, pos + 1)
        elif text[pos] == "[" and _index(part) is not None:
            pos = _skip_ws(text, pos + 1)
            for i in range(_index(part) or 0):
                if pos >= len(text) or text[pos] == "]":
                    break
                pos = _skip_ws(text, json_value_end(text, pos))
                if pos < len(text) and text[pos] == ",":
                    pos = _skip_ws(text, pos + 1)
            else:
                if pos < len(text) and text[pos] != "]":
                    found = Span(pos, json_value_end(text, pos)), pos
        if found is None:
            break
        key_span, pos = found
        steps.append((key_span, Span(pos, json_value_end(text, pos))))
    return steps


def json_member(text: str, key_offset: int) -> tuple[Span, Span] | None:
    """(key span, value span) of the object member whose key starts at ``key_offset``."""
    key = _STRING.match(text, key_offset)
    if key is None:
        return None
    colon = _skip_ws(text, key.end())
    if colon >= len(text) or text[colon] != ":":
        return None
    value = _skip_ws(text, colon + 1)
    return Span(key.start(), key.end()), Span(value, json_value_end(text, value))


def _json_string(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return token.strip('"')
    return value if isinstance(value, str) else token


def json_resource_offsets(text: str) -> dict[str, int]:
    """Logical id -> offset of the key of every resource in the top-level ``Resources``
    object of a JSON text (one pass over the text, however large)."""
    steps = json_steps(text, ("Resources",))
    if not steps:
        return {}
    pos = _skip_ws(text, steps[0][1].start)
    found: dict[str, int] = {}
    if pos >= len(text) or text[pos] != "{":
        return found
    pos = _skip_ws(text, pos + 1)
    while pos < len(text) and text[pos] == '"':
        key = _STRING.match(text, pos)
        if key is None:
            break
        found.setdefault(_json_string(key.group()), key.start())
        colon = _skip_ws(text, key.end())
        if colon >= len(text) or text[colon] != ":":
            break
        pos = _skip_ws(text, json_value_end(text, _skip_ws(text, colon + 1)))
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return found
