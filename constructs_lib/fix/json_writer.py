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
from typing import Any

from constructs_lib.fix.edits import AddResource, EditError, SetValue, plain, set_in

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


def _style(text: str, spans: dict[str, tuple[int, int, int]]) -> tuple[str | None, str, bool]:
    """(indent unit or None for a one-line file, the key separator, ensure_ascii)."""
    ensure_ascii = "\\u" in text and not any(ord(ch) > 127 for ch in text)
    colon = ": " if re.search(r'"\s*: ', text) or not re.search(r'"\s*:\S', text) else ":"
    if "\n" not in text.strip():
        return None, colon, ensure_ascii
    first = min(spans.values())[0] if spans else 0
    line_start = text.rfind("\n", 0, first) + 1
    lead = text[line_start:first]
    if not lead or lead.strip():
        return "  ", colon, ensure_ascii
    unit = lead[: max(1, len(lead) // 2)] if lead.strip(" \t") == "" else "  "
    return unit, colon, ensure_ascii


def _dumps(value: Any, unit: str | None, colon: str, ensure_ascii: bool, base: str) -> str:
    if unit is None:
        return json.dumps(value, separators=(", ", colon), ensure_ascii=ensure_ascii)
    text = json.dumps(value, indent=unit, separators=(",", colon), ensure_ascii=ensure_ascii)
    return text.replace("\n", "\n" + base)


def render(text: str, values: Sequence[SetValue], resources: Sequence[AddResource]) -> str:
    """``text`` with ``values`` set and ``resources`` added."""
    spans = resource_spans(text)
    unit, colon, ensure_ascii = _style(text, spans)
    by_resource: dict[str, list[SetValue]] = {}
    for edit in values:
        if edit.path[:1] != ("Resources",) or len(edit.path) < 3:
            raise EditError(f"{'/'.join(map(str, edit.path))} is outside a resource")
        by_resource.setdefault(str(edit.path[1]), []).append(edit)
    added: dict[str, list[AddResource]] = {}
    for new in resources:
        added.setdefault(new.after, []).append(new)
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
            replacement = _dumps(value, unit, colon, ensure_ascii, base)
        for new in added.get(lid, []):
            member = json.dumps(new.logical_id, ensure_ascii=ensure_ascii) + colon
            member += _dumps(plain(new.body), unit, colon, ensure_ascii, base)
            replacement += ("," + ("\n" + base if unit is not None else " ")) + member
        pieces.append((value_start, value_end, replacement))
    for start, end, replacement in sorted(pieces, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
