"""Edits into a JSON template: only the edited resources are rewritten, in the file's own
indentation; every other character stays as it is.

The resources' positions come from Python's own JSON decoder (``raw_decode`` from each
value's first character), so strings with escapes and nested braces need no home-made
tokenizer. A rewritten resource is dumped with the indentation unit the file uses (spaces
or tabs, or none for a one-line file) and the separators it uses, then indented to where
the resource starts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from constructs_lib.fix.edits import AddResource, EditError, SetValue, group_edits, plain, set_in

_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def resource_spans(text: str) -> dict[str, tuple[int, int, int]]:
    """Logical id -> (start of its key, start of its value, end of its value) in ``text``."""
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if text[pos:pos + 1] != "{":
        raise EditError("the template is not a JSON object")
    pos += 1
    while True:
        pos = _skip(text, pos)
        if text[pos:pos + 1] == "}":
            raise EditError("the template has no Resources object")
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos:pos + 1] != ":":
            raise EditError("unexpected JSON structure")
        pos = _skip(text, pos + 1)
        if key == "Resources" and text[pos:pos + 1] == "{":
            return _members(text, pos, decoder)
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos:pos + 1] == ",":
            pos += 1


def _members(text: str, pos: int, decoder: json.JSONDecoder) -> dict[str, tuple[int, int, int]]:
    spans: dict[str, tuple[int, int, int]] = {}
    pos += 1
    while True:
        pos = _skip(text, pos)
        if text[pos:pos + 1] == "}":
            return spans
        key_start = pos
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        pos = _skip(text, pos + 1)  # the colon
        value_start = pos
        _, pos = decoder.raw_decode(text, pos)
        spans[str(key)] = (key_start, value_start, pos)
        pos = _skip(text, pos)
        if text[pos:pos + 1] == ",":
            pos += 1


@dataclass(frozen=True)
class _Style:
    """How the file writes JSON: its indent unit (None: on one line), key separator,
    escapes, and whether it keeps short lists and intrinsic functions on one line."""

    unit: str | None
    colon: str
    ensure_ascii: bool
    inline_lists: bool
    inline_intrinsics: bool


def _style(text: str, spans: dict[str, tuple[int, int, int]]) -> _Style:
    ensure_ascii = "\\u" in text and not any(ord(ch) > 127 for ch in text)
    colon = ": " if re.search(r'"\s*: ', text) or not re.search(r'"\s*:\S', text) else ":"
    inline_lists = re.search(r'\[[^\[\]{}\n]*"[^\[\]{}\n]*\]', text) is not None
    inline_intrinsics = re.search(r'\{\s*"(?:Ref|Fn::[A-Za-z]+)"\s*:[^\n{}]*\}', text) is not None
    unit: str | None
    if "\n" not in text.strip():
        unit = None
    else:
        first = min(spans.values())[0] if spans else 0
        lead = text[text.rfind("\n", 0, first) + 1:first]
        unit = lead[: max(1, len(lead) // 2)] if lead and not lead.strip(" \t") else "  "
    return _Style(unit, colon, ensure_ascii, inline_lists, inline_intrinsics)


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _dumps(value: Any, style: _Style, base: str) -> str:
    """``value`` as JSON in the file's style, its continuation lines indented from ``base``."""
    if style.unit is None:
        return json.dumps(value, separators=(", ", style.colon), ensure_ascii=style.ensure_ascii)
    scalar = json.dumps(value, ensure_ascii=style.ensure_ascii) if _scalar(value) else None
    if scalar is not None:
        return scalar
    inner = base + style.unit
    if isinstance(value, list):
        if not value:
            return "[]"
        if style.inline_lists and all(_scalar(v) for v in value):
            return "[" + ", ".join(json.dumps(v, ensure_ascii=style.ensure_ascii) for v in value) + "]"
        return "[\n" + ",\n".join(inner + _dumps(v, style, inner) for v in value) + "\n" + base + "]"
    if not value:
        return "{}"
    key = next(iter(value))
    if style.inline_intrinsics and len(value) == 1 and isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
        argument = value[key]
        if _scalar(argument) or (isinstance(argument, list) and all(_scalar(v) for v in argument)):
            flat = _Style(None, style.colon, style.ensure_ascii, True, True)
            return "{" + json.dumps(key) + style.colon + _dumps(argument, flat, base) + "}"
    members = (inner + json.dumps(str(k), ensure_ascii=style.ensure_ascii) + style.colon + _dumps(v, style, inner)
               for k, v in value.items())
    return "{\n" + ",\n".join(members) + "\n" + base + "}"


def render(text: str, values: Sequence[SetValue], resources: Sequence[AddResource]) -> str:
    """``text`` with ``values`` set and ``resources`` added."""
    spans = resource_spans(text)
    style = _style(text, spans)
    by_resource, added = group_edits(values, resources)
    pieces: list[tuple[int, int, str]] = []
    for lid in set(by_resource) | set(added):
        if lid not in spans:
            raise EditError(f"resource {lid} is not in the file")
        key_start, value_start, value_end = spans[lid]
        line_start = text.rfind("\n", 0, key_start) + 1
        base = text[line_start:key_start] if not text[line_start:key_start].strip() else ""
        replacement = text[value_start:value_end]
        if lid in by_resource:
            value = json.loads(replacement)
            for edit in by_resource[lid]:
                set_in(value, edit.path[2:], plain(edit.value))
            replacement = _dumps(value, style, base)
        for new in added.get(lid, []):
            member = json.dumps(new.logical_id, ensure_ascii=style.ensure_ascii) + style.colon
            member += _dumps(plain(new.body), style, base)
            replacement += ("," + ("\n" + base if style.unit is not None else " ")) + member
        pieces.append((value_start, value_end, replacement))
    for start, end, replacement in sorted(pieces, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
