"""Edits into a YAML template with ruamel.yaml's round trip: untouched lines stay as written.

Only the resources a fix edits are rewritten, each on its own: the resource's block is
cut out of the file (without the comments and blank lines that follow it, which belong to
the next resource), loaded with ruamel.yaml's round-trip loader, edited, dumped in the
block's own indentation and put back. New resources are dumped the same way and written
after the resource they serve. Comments, key order, quoting, flow style and the short
intrinsic tags (``!Ref``, ``!GetAtt``, ``!Sub``...) of the edited resources survive the
round trip; every other line is not touched at all. The caller verifies the result (it
must read back as the template with the edits applied) and keeps only the changed lines
that the edits need (:func:`constructs_lib.fix.plan.minimal`).

ruamel.yaml is imported here only: ``constructs-lib check`` without ``--fix`` never loads it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from constructs_lib.fix.edits import AddResource, EditError, Intrinsic, SetValue, group_edits, set_in

_KEY_LINE = re.compile(r"^( *)(?:[\"']?[^\s#\"'][^#]*?[\"']?):\s*(?:#.*)?$")


def _yaml(mapping: int = 2, offset: int = 2) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the author wrote on one
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return yaml


def guess_indent(lines: Sequence[str]) -> tuple[int | None, int | None]:
    """(mapping indent, dash offset of block sequences) most used in ``lines``."""
    mappings: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    for i, line in enumerate(lines):
        match = _KEY_LINE.match(line.rstrip("\n"))
        if match is None:
            continue
        parent = len(match.group(1))
        for following in lines[i + 1:]:
            stripped = following.strip()
            if not stripped or stripped.startswith("#"):
                continue
            child = len(following) - len(following.lstrip(" "))
            if stripped.startswith("- ") or stripped == "-":
                if child >= parent:
                    offsets[child - parent] += 1
            elif child > parent:
                mappings[child - parent] += 1
            break
    return (mappings.most_common(1)[0][0] if mappings else None,
            offsets.most_common(1)[0][0] if offsets else None)


def _node(value: Any) -> Any:
    """A plain value (with markers) as ruamel round-trip data: short tags for intrinsics."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

    if isinstance(value, Intrinsic):
        tag = "!Ref" if value.name == "Ref" else "!" + value.name.removeprefix("Fn::")
        arg = value.value
        if value.name == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
            arg = f"{arg[0]}.{arg[1]}"
        if isinstance(arg, (list, tuple)):
            seq = CommentedSeq([_node(v) for v in arg])
            seq.yaml_set_ctag(_tag(tag))
            seq.fa.set_flow_style()
            return seq
        if isinstance(arg, Mapping):
            mapping = _node(arg)
            mapping.yaml_set_ctag(_tag(tag))
            return mapping
        return TaggedScalar(value=str(arg), tag=tag)
    if isinstance(value, Mapping):
        return CommentedMap((k, _node(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_node(v) for v in value)
    return value


def _tag(name: str) -> Any:
    from ruamel.yaml.tag import Tag

    return Tag(suffix=name)


def _new_mapping() -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _spans(text: str) -> tuple[list[str], dict[str, tuple[int, int, int]], int]:
    """The file's lines, each resource's (first line, end of its body, end of its span)
    (0-based, ends exclusive; the body leaves out the blank and comment lines that follow
    it), and the column of the resources' keys."""
    from ruamel.yaml.comments import CommentedMap

    yaml = _yaml()
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap) or not isinstance(doc.get("Resources"), CommentedMap):
        raise EditError("the template has no Resources mapping")
    resources = doc["Resources"]
    if resources.fa.flow_style():
        raise EditError("its Resources are written in flow style ({...}); the fix edits block-style templates")
    lines = text.splitlines(keepends=True)
    top = sorted(doc.lc.key(k)[0] for k in doc)
    start_line = doc.lc.key("Resources")[0]
    end_of_resources = next((line for line in top if line > start_line), len(lines))
    keys = sorted((resources.lc.key(k)[0], str(k)) for k in resources)
    columns = {resources.lc.key(k)[1] for k in resources}
    if len(columns) != 1:
        raise EditError("its resources are not all indented alike")
    spans: dict[str, tuple[int, int, int]] = {}
    for index, (line, key) in enumerate(keys):
        end = keys[index + 1][0] if index + 1 < len(keys) else end_of_resources
        body = end
        while body > line + 1 and (not lines[body - 1].strip() or lines[body - 1].lstrip().startswith("#")):
            body -= 1
        spans[key] = (line, body, end)
    return lines, spans, columns.pop()


def _dedent(lines: Sequence[str], column: int) -> str:
    out = []
    for line in lines:
        lead = len(line) - len(line.lstrip(" "))
        out.append(line[min(lead, column):])
    return "".join(out)


def _indent(text: str, column: int) -> list[str]:
    pad = " " * column
    return [(pad + line) if line.strip() else line for line in text.splitlines(keepends=True)]


def render(text: str, values: Sequence[SetValue], resources: Sequence[AddResource], *, parse: Any) -> str:
    """``text`` with ``values`` set and ``resources`` added. ``parse`` reads YAML text as
    the checks do (for the check that a resource's block reads alone as it does in the file)."""
    lines, spans, column = _spans(text)
    file_mapping, file_offset = guess_indent(lines)
    by_resource, added = group_edits(values, resources)
    blank_between = _blank_between(lines, spans)
    replacements: list[tuple[int, int, list[str]]] = []
    for lid in set(by_resource) | set(added):
        if lid not in spans:
            raise EditError(f"resource {lid} is not in the file")
        start, body, end = spans[lid]
        new_lines = lines[start:body]
        if lid in by_resource:
            new_lines, body = _edit_block(lines, start, body, end, column, lid, by_resource[lid], parse,
                                    (file_mapping, file_offset))
        if not new_lines[-1].endswith("\n"):
            new_lines[-1] += "\n"
        for new in added.get(lid, []):
            dumped = _dump(_yaml(file_mapping or 2, file_offset if file_offset is not None else 2),
                           _node({new.logical_id: new.body}))
            new_lines += (["\n"] if blank_between else []) + _indent(dumped, column)
        replacements.append((start, body, new_lines))
    for start, body, new_lines in sorted(replacements, reverse=True):
        lines[start:body] = new_lines
    return "".join(lines)


def _blank_between(lines: Sequence[str], spans: Mapping[str, tuple[int, int, int]]) -> bool:
    """Whether the file separates its resources with blank lines (most of them)."""
    starts = sorted(s for s, _, _ in spans.values())[1:]
    blank = sum(1 for s in starts if not lines[s - 1].strip())
    return bool(starts) and blank * 2 >= len(starts)


def _edit_block(lines: Sequence[str], start: int, body: int, end: int, column: int, lid: str,
                edits: Sequence[SetValue], parse: Any, file_indent: tuple[int | None, int | None]) -> tuple[list[str], int]:
    """The resource's block, edited. The block is cut before the comments that follow it;
    when that changes what it reads as (a literal block whose last lines start with '#'),
    the whole span is used."""
    block = _dedent(lines[start:body], column)
    whole = _dedent(lines[start:end], column)
    if body != end and parse(block) != parse(whole):
        block, body = whole, end
    mapping, offset = guess_indent(block.splitlines(keepends=True))
    mapping = mapping or file_indent[0] or 2
    offset = offset if offset is not None else file_indent[1] if file_indent[1] is not None else mapping
    yaml = _yaml(mapping, offset)
    try:
        data = yaml.load(block)
    except Exception as exc:  # noqa: BLE001 - ruamel's errors (an alias defined elsewhere...) all mean: cannot edit alone
        raise EditError(f"resource {lid} cannot be read on its own ({type(exc).__name__}: "
                        f"{' '.join(str(exc).split())[:160]}); YAML anchors shared between resources?") from None
    for edit in edits:
        set_in(data, edit.path[1:], _node(edit.value), new_mapping=_new_mapping)
    return _indent(_dump(yaml, data), column), body
