"""What a fix is made of: edits to a template, in the template's own terms.

An edit names a place in the template as its author wrote it (the SAM source, never the
translated output) by a path of keys from the document's root, and the value to put
there. Values are plain data plus :class:`Intrinsic` markers (``!Ref X``, ``!GetAtt X.Arn``),
which the YAML writer renders in CloudFormation's short form and the JSON writer in the
long form. Pure: no I/O, no YAML library.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from constructs_lib.checks.core import Finding

#: A place in a template: keys (and list indexes) from the document's root.
Path = tuple[Union[str, int], ...]


@dataclass(frozen=True)
class Intrinsic:
    """A CloudFormation intrinsic function: ``name`` is ``Ref`` or ``Fn::GetAtt``...;
    ``value`` its argument, as the long form holds it (``["Queue", "Arn"]`` for GetAtt)."""

    name: str
    value: Any

    def plain(self) -> dict[str, Any]:
        return {self.name: plain(self.value)}


def ref(logical_id: str) -> Intrinsic:
    return Intrinsic("Ref", logical_id)


def get_att(logical_id: str, attribute: str) -> Intrinsic:
    return Intrinsic("Fn::GetAtt", [logical_id, attribute])


def plain(value: Any) -> Any:
    """``value`` with every marker in its long form: what a CloudFormation parser reads."""
    if isinstance(value, Intrinsic):
        return value.plain()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def marked(value: Any) -> Any:
    """``value`` (as a template parser returns it) with every one-key intrinsic mapping
    (``{"Ref": X}``, ``{"Fn::Sub": ...}``) turned into a marker, so a value copied from a
    template is written back in the file's own style."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            key = next(iter(value))
            if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::") or key == "Condition"):
                return Intrinsic(key, marked(value[key]))
        return {k: marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [marked(v) for v in value]
    return value


@dataclass(frozen=True)
class SetValue:
    """Put ``value`` at ``path`` (mappings on the way are created when missing).

    ``merge`` says what two fixes that set the same place agree on: ``"max"`` and
    ``"min"`` keep the larger / smaller number (a queue polled by two functions needs the
    larger visibility timeout), ``"same"`` only an equal value."""

    path: Path
    value: Any
    merge: Literal["same", "max", "min"] = "same"

    @property
    def resource(self) -> str:
        return str(self.path[1])


@dataclass(frozen=True)
class AddResource:
    """A new resource ``logical_id``, written next to the resource ``after`` it belongs to."""

    logical_id: str
    body: Mapping[str, Any]
    after: str

    @property
    def resource(self) -> str:
        return self.logical_id


Edit = Union[SetValue, AddResource]


@dataclass(frozen=True)
class Fix:
    """A finding's fix: the edits, and one line saying what they do."""

    finding: Finding
    edits: tuple[Edit, ...]
    summary: str


@dataclass(frozen=True)
class Refusal:
    """A finding whose fix needs a decision the template does not make: its file is not
    written (``--fix-rule`` narrows the rules to fix the rest)."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class LeftAlone:
    """A finding no configuration change fixes (it needs code, or a choice only its owner
    can make): listed with why, and left as it is."""

    finding: Finding
    reason: str


Outcome = Union[Fix, Refusal, LeftAlone]


class EditError(ValueError):
    """An edit that cannot be applied to the template as it is (a value on the way is not
    a mapping, two fixes disagree)."""


@dataclass
class Merged:
    """The edits of one file after merging: property values by path, new resources by id."""

    values: dict[Path, SetValue] = field(default_factory=dict)
    resources: dict[str, AddResource] = field(default_factory=dict)

    def edits(self) -> list[Edit]:
        return [*self.values.values(), *self.resources.values()]


def merge(edits: Sequence[Edit]) -> Merged:
    """One edit per place: equal edits once, ``max`` / ``min`` numbers combined; EditError
    when two fixes want different things at one place."""
    merged = Merged()
    for edit in edits:
        if isinstance(edit, AddResource):
            known = merged.resources.get(edit.logical_id)
            if known is not None and plain(known.body) != plain(edit.body):
                raise EditError(f"two fixes add different resources named {edit.logical_id}")
            merged.resources.setdefault(edit.logical_id, edit)
            continue
        known_value = merged.values.get(edit.path)
        if known_value is None:
            merged.values[edit.path] = edit
            continue
        if plain(known_value.value) == plain(edit.value):
            continue
        if edit.merge == known_value.merge and edit.merge in ("max", "min"):
            pick = max if edit.merge == "max" else min
            merged.values[edit.path] = SetValue(edit.path, pick(known_value.value, edit.value), edit.merge)
            continue
        raise EditError(f"two fixes set {'/'.join(map(str, edit.path))} to different values")
    for path in merged.values:
        for other in merged.values:
            if other != path and other[: len(path)] == path:
                raise EditError(f"one fix sets {'/'.join(map(str, path))}, another a value inside it")
    return merged


def group_edits(values: Sequence[SetValue], resources: Sequence[AddResource]) -> tuple[
    dict[str, list[SetValue]], dict[str, list[AddResource]]
]:
    """The values to set, by the resource they are in, and the new resources, by the
    resource they are written after: what a writer rewrites, resource by resource."""
    values_of: dict[str, list[SetValue]] = {}
    for edit in values:
        if edit.path[:1] != ("Resources",) or len(edit.path) < 3:
            raise EditError(f"{_text(edit.path)} is outside a resource")
        values_of.setdefault(str(edit.path[1]), []).append(edit)
    added: dict[str, list[AddResource]] = {}
    for new in resources:
        added.setdefault(new.after, []).append(new)
    return values_of, added


def apply(document: Any, edits: Sequence[Edit]) -> Any:
    """A copy of ``document`` (plain data, as a template parser returns it) with ``edits``
    applied: what the written file must read back as."""
    result = copy.deepcopy(document)
    resources = result.get("Resources") if isinstance(result, dict) else None
    if not isinstance(resources, dict):
        raise EditError("the template has no Resources mapping")
    for edit in edits:
        if isinstance(edit, AddResource):
            if edit.logical_id in resources:
                raise EditError(f"resource {edit.logical_id} exists already")
            resources[edit.logical_id] = plain(edit.body)
        else:
            set_in(result, edit.path, plain(edit.value))
    return result


def set_in(document: Any, path: Path, value: Any, *, new_mapping: Any = dict) -> None:
    """Put ``value`` at ``path`` inside ``document``, creating missing mappings with
    ``new_mapping``; EditError when something on the way is not a container to descend."""
    node = document
    for depth, key in enumerate(path[:-1]):
        node = _child(node, key, path[: depth + 1], new_mapping)
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or not 0 <= last < len(node):
            raise EditError(f"{_text(path)}: no list item {last} there")
        node[last] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise EditError(f"{_text(path[:-1])} is not a mapping")


def _child(node: Any, key: str | int, where: Path, new_mapping: Any) -> Any:
    if isinstance(key, int):
        if not isinstance(node, list) or not 0 <= key < len(node):
            raise EditError(f"{_text(where)}: no list item {key} there")
        return node[key]
    if not isinstance(node, dict):
        raise EditError(f"{_text(where[:-1])} is not a mapping")
    if key not in node or node[key] is None:
        node[key] = new_mapping()
    child = node[key]
    if is_intrinsic(child):
        raise EditError(f"{_text(where)} is computed by {next(iter(child))}; a fix cannot edit inside it")
    return child


def get_in(document: Any, path: Path) -> Any:
    """The value at ``path`` (``None`` where a level is missing)."""
    node = document
    for key in path:
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
        else:
            node = node.get(key) if isinstance(node, Mapping) else None
        if node is None:
            return None
    return node


def is_intrinsic(value: Any) -> bool:
    """A one-key mapping whose key is ``Ref``, ``Condition`` or ``Fn::...`` (or a marker)."""
    if isinstance(value, Intrinsic):
        return True
    if isinstance(value, Mapping) and len(value) == 1:
        key = next(iter(value))
        return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))
    return False


def _text(path: Path) -> str:
    return "/".join(str(p) for p in path)
