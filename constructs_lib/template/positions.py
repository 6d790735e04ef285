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

Columns count code points from 1 (SARIF's ``unicodeCodePoints``); lines count from 1, and
only ``\\r\\n``, ``\\r`` and ``\\n`` end a line, in YAML as in JSON: what editors, ``grep -n``
and GitHub code scanning count. PyYAML (YAML 1.1) also breaks lines at NEL, LS and PS
(U+0085, U+2028, U+2029), so its marks' ``.line`` is never used: every line comes from a
mark's character offset (``.index``) through :class:`LineIndex`.

Duplicate keys (:func:`yaml_duplicate`, :func:`json_duplicate`): the loader refuses a
template that repeats a key in one mapping, naming the key and both lines.
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


#: The line breaks lines are counted by (never NEL, LS or PS, which PyYAML also counts).
LINE_BREAK = re.compile(r"\r\n|[\r\n]")


class LineIndex:
    """Offsets of line starts in a text, to turn offsets into (line, column): lines end at
    ``\\r\\n``, ``\\r`` or ``\\n`` only, columns count code points."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = [(m.start(), m.end()) for m in LINE_BREAK.finditer(text)]
        self.starts = [0, *(end for _, end in breaks)]
        self._breaks = [start for start, _ in breaks] + [len(text)]

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


# --------------------------------------------------------------------------------------
# Duplicate keys
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Duplicate:
    """A key a mapping has twice: the ``path`` of the mapping from the root, the ``key``,
    and the offsets of its ``first`` and its ``second`` occurrence."""

    path: tuple[Key, ...]
    key: str
    first: int
    second: int


def yaml_duplicate(root: Any) -> Duplicate | None:
    """The first key (in the text) that a mapping of a composed YAML node tree has twice,
    or None. Merge keys (``<<: *defaults``) are no duplicates: a key written beside one
    overrides what it merges, as YAML means."""
    import yaml

    found: Duplicate | None = None
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[Key, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen or not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
            continue
        first: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                at = key.start_mark.index
                if key.value in first and (found is None or at < found.second):
                    found = Duplicate(path, str(key.value), first[key.value], at)
                first.setdefault(key.value, at)
            stack.append((value, (*path, str(getattr(key, "value", "?")))))
    return found


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],]', re.S)


def json_duplicate(text: str) -> Duplicate | None:
    """The first key (in the text) that an object of a JSON text has twice, or None (a
    scan of the text that json.loads has accepted: strings and brackets are followed)."""
    # One frame per open object or array: [is object, keys seen -> offset, current key or
    # index, expecting a key].
    frames: list[list[Any]] = []
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()[0]
        top = frames[-1] if frames else None
        if char == "{":
            frames.append([True, {}, None, True])
        elif char == "[":
            frames.append([False, None, 0, False])
        elif char in "]}":
            if frames:
                frames.pop()
        elif char == ",":
            if top is not None:
                if top[0]:
                    top[3] = True
                else:
                    top[2] += 1
        elif top is not None and top[0] and top[3]:  # a key
            key = _json_string(token.group())
            if key in top[1]:
                return Duplicate(tuple(f[2] for f in frames[:-1]), key, top[1][key], token.start())
            top[1][key] = token.start()
            top[2], top[3] = key, False
    return None


def describe_path(path: Sequence[Key]) -> str:
    """``Resources.Queue.Properties``, ``Tags[0]``; ``the top level`` for the root."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    return text or "the top level"
