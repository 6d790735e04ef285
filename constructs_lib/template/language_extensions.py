"""The ``AWS::LanguageExtensions`` transform, offline: ``Fn::ForEach`` loops expanded as
CloudFormation expands them, so what a loop generates is checked like any other resource.

What CloudFormation documents, and this module does:

- ``Fn::ForEach::LoopName: [Identifier, Collection, {OutputKey: OutputValue}]`` in
  ``Resources``, ``Conditions`` and ``Outputs``, at the top of the section or inside a
  resource's properties, nested up to :data:`MAX_NESTED_LOOPS` deep: for each item of the
  collection, every output key is copied with ``${Identifier}`` replaced by the item and
  ``&{Identifier}`` by the item without its non-alphanumeric characters, and merged into
  the mapping that held the loop (a key generated twice fails the transform);
- inside an output value, ``{"Ref": "Identifier"}`` becomes the item and ``${Identifier}`` /
  ``&{Identifier}`` inside ``Fn::Sub`` are replaced (a ``Fn::Sub`` left without variables is
  its string); ``Ref`` and ``Fn::GetAtt`` may take ``Fn::Sub`` names (``!Ref {Fn::Sub:
  "Subnet${Suffix}"}``);
- the collection is a list, a ``Ref`` to a ``CommaDelimitedList`` / ``List<...>``
  parameter (its ``Default``, space trimmed), or a ``Fn::FindInMap`` whose keys are known;
- ``Fn::FindInMap`` with known keys (and its ``DefaultValue``; a default of
  ``AWS::NoValue`` removes the key) is resolved inside loops.

A loop whose collection is only known at deploy time (a parameter without a default) or
that CloudFormation would reject is left out and named in the problems, with why; so is a
key generated twice. The expansion is bounded (:data:`MAX_EXPANDED_NODES`): a loop of
loops that would make millions of resources is refused, not built.

Sources:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html,
https://github.com/aws-cloudformation/cfn-language-discussion/blob/main/RFCs/0009-Fn%3A%3AForEach.md
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TRANSFORM = "AWS::LanguageExtensions"
FOREACH = "Fn::ForEach::"
#: How deeply loops may nest: "up to 5 nested Fn::ForEach within a single parent loop" (RFC 0009).
MAX_NESTED_LOOPS = 5
#: Most nodes the expansion may produce: far above a 500-resource stack (CloudFormation's
#: quota applies to the expanded template), far below what a loop of loops can ask for.
MAX_EXPANDED_NODES = 500_000
#: The sections a loop may appear in (and the resource properties within them).
SECTIONS = ("Conditions", "Resources", "Outputs")

_NON_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]+")


class ExpansionError(ValueError):
    """Something CloudFormation's transform would reject, or more than this module builds."""


class _TooLarge(ExpansionError):
    """Past :data:`MAX_EXPANDED_NODES`: the whole outermost loop is refused, once."""


@dataclass
class Expansion:
    """The expanded template, where each generated top-level key came from, and the loops
    that could not be expanded (key, reason)."""

    template: dict[str, Any]
    #: section -> generated key -> "Fn::ForEach::Loop (Identifier=value)" (outer loops first)
    origins: dict[str, dict[str, str]] = field(default_factory=dict)
    #: section -> generated key -> the loop key as written in the template (for its line)
    loops: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


def declares(template: Mapping[str, Any]) -> bool:
    """Whether the template declares the transform."""
    value = template.get("Transform")
    return TRANSFORM in (value if isinstance(value, list) else [value])


def has_loops(template: Mapping[str, Any]) -> bool:
    """Whether a section holds a ``Fn::ForEach`` at its top."""
    return any(
        isinstance(key, str) and key.startswith(FOREACH)
        for section in SECTIONS if isinstance(template.get(section), Mapping)
        for key in template[section]
    )


def expand_template(template: Mapping[str, Any]) -> Expansion:
    """What CloudFormation makes of a template's loops: expanded when the template declares
    the transform; without it (CloudFormation rejects the template) the loops are left out
    and named in the problems. A template without loops comes back as it is."""
    if not has_loops(template):
        return Expansion(dict(template))
    if declares(template):
        return expand(template)
    out = dict(template)
    problems = []
    for section in SECTIONS:
        body = template.get(section)
        if isinstance(body, Mapping):
            loops = [k for k in body if isinstance(k, str) and k.startswith(FOREACH)]
            problems += [(k, f"Fn::ForEach without Transform: {TRANSFORM}; CloudFormation rejects the template, "
                          "and what the loop makes is not checked") for k in loops]
            out[section] = {k: v for k, v in body.items() if k not in loops}
    return Expansion(out, problems=problems)


def expand(template: Mapping[str, Any]) -> Expansion:
    """``template`` with every ``Fn::ForEach`` of its sections expanded (see the module)."""
    expander = _Expander(template)
    out: dict[str, Any] = dict(template)
    result = Expansion(out)
    for section in SECTIONS:
        body = template.get(section)
        if not isinstance(body, Mapping):
            continue
        origins: dict[str, str] = {}
        loops: dict[str, str] = {}
        out[section] = expander.mapping(body, {}, depth=0, origins=origins, loops=loops, top=True)
        if origins:
            result.origins[section] = origins
            result.loops[section] = loops
    result.problems = expander.problems
    transforms = template.get("Transform")
    if isinstance(transforms, list):
        out["Transform"] = [t for t in transforms if t != TRANSFORM]
    elif transforms == TRANSFORM:
        del out["Transform"]
    return result


class _Expander:
    def __init__(self, template: Mapping[str, Any]) -> None:
        self.template = template
        self.nodes = 0
        self.problems: list[tuple[str, str]] = []

    # ----------------------------------------------------------------------------------
    # Walking
    # ----------------------------------------------------------------------------------
    def _count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_EXPANDED_NODES:
            raise _TooLarge(f"it expands to more than {MAX_EXPANDED_NODES:,} nodes; refused")

    def mapping(self, body: Mapping[str, Any], params: Mapping[str, str], *, depth: int,
                origins: dict[str, str] | None = None, loops: dict[str, str] | None = None,
                top: bool = False, label: str = "", loop_key: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in body.items():
            if params:
                self._count()
            if isinstance(key, str) and key.startswith(FOREACH):
                try:
                    generated = self.loop(key, value, params, depth=depth, origins=origins, loops=loops,
                                          top=top, label=label, loop_key=loop_key or key)
                except ExpansionError as exc:
                    if isinstance(exc, _TooLarge) and params:
                        raise  # the outermost loop is refused as a whole
                    self.problems.append((key, f"Fn::ForEach: {exc}; the resources it makes are not checked"))
                    continue
                for gen_key, gen_value in generated.items():
                    if gen_key in out:
                        self.problems.append((key, f"Fn::ForEach generates {gen_key!r}, a key the template already "
                                             "has; CloudFormation rejects the template (the first one is checked)"))
                        continue
                    out[gen_key] = gen_value
                continue
            new_key = _substitute(key, params) if params and isinstance(key, str) else key
            resolved = self.value(value, params, depth=depth)
            if resolved is _NO_VALUE:
                continue
            if new_key in out:
                self.problems.append((str(new_key), f"Fn::ForEach generates {new_key!r}, which the template also declares; "
                                     "CloudFormation rejects the template (the generated one is checked)"))
                continue
            out[new_key] = resolved
            if top and params and origins is not None and loops is not None and isinstance(new_key, str):
                origins[new_key] = label
                loops[new_key] = loop_key
        return out

    def loop(self, key: str, value: Any, params: Mapping[str, str], *, depth: int, origins: dict[str, str] | None,
             loops: dict[str, str] | None, top: bool, label: str, loop_key: str) -> dict[str, Any]:
        if depth >= MAX_NESTED_LOOPS:
            raise ExpansionError(f"loops nest deeper than {MAX_NESTED_LOOPS}; CloudFormation refuses that")
        if not isinstance(value, list) or len(value) != 3:
            raise ExpansionError("its value must be a list of [identifier, collection, fragment]")
        identifier, collection, fragment = value
        if not isinstance(identifier, str) or not identifier:
            raise ExpansionError("its identifier must be a string")
        if not isinstance(fragment, Mapping):
            raise ExpansionError("its fragment (the third item) must be a mapping")
        items = self.collection(collection, params)
        out: dict[str, Any] = {}
        name = key.removeprefix(FOREACH)
        for item in items:
            inner = {**params, identifier: item}
            text = f"Fn::ForEach::{name} ({identifier}={item})"
            generated = self.mapping(fragment, inner, depth=depth + 1, origins=origins, loops=loops, top=top,
                                     label=f"{label} > {text}" if label else text, loop_key=loop_key)
            for gen_key, gen_value in generated.items():
                if gen_key in out:
                    raise ExpansionError(f"it generates {gen_key!r} twice (its output key must hold ${{{identifier}}} "
                                         f"or &{{{identifier}}}); CloudFormation rejects the template")
                out[gen_key] = gen_value
        return out

    def value(self, value: Any, params: Mapping[str, str], *, depth: int) -> Any:
        if params:
            self._count()
        if isinstance(value, list):
            return [v for v in (self.value(item, params, depth=depth) for item in value) if v is not _NO_VALUE]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref":
                if isinstance(arg, Mapping):
                    arg = self.value(arg, params, depth=depth)
                if isinstance(arg, str) and arg in params:
                    return params[arg]
                return {"Ref": arg}
            if fn == "Fn::Sub" and params:
                return self.sub(arg, params, depth=depth)
            if fn == "Fn::FindInMap" and params:
                found = self.find_in_map(arg, params, depth=depth)
                if found is not _UNRESOLVED:
                    return found
            if fn == "Fn::ToJsonString":
                return {fn: self.value(arg, params, depth=depth)} if params else value
        return self.mapping(value, params, depth=depth)

    def sub(self, arg: Any, params: Mapping[str, str], *, depth: int) -> Any:
        if isinstance(arg, str):
            text = _substitute(arg, params)
            return text if "${" not in text.replace("${!", "") else {"Fn::Sub": text}
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            text = _substitute(arg[0], params)
            if "${" not in text.replace("${!", ""):
                return text  # no variable left: the variables map has nothing to fill
            return {"Fn::Sub": [text, *(self.value(a, params, depth=depth) for a in arg[1:])]}
        return {"Fn::Sub": self.value(arg, params, depth=depth)}

    # ----------------------------------------------------------------------------------
    # Values known before deployment
    # ----------------------------------------------------------------------------------
    def collection(self, value: Any, params: Mapping[str, str]) -> list[str]:
        if isinstance(value, Mapping) and set(value) == {"Fn::FindInMap"}:
            found = self.find_in_map(value["Fn::FindInMap"], params, depth=0)
            value = value if found is _UNRESOLVED or found is _NO_VALUE else found
        value = self.value(value, params, depth=0) if isinstance(value, (Mapping, list)) else value
        if isinstance(value, Mapping) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
            return self.list_parameter(value["Ref"])
        if not isinstance(value, list):
            raise ExpansionError(f"its collection {_short(value)} cannot be known before deployment")
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise ExpansionError(f"its collection holds {_short(item)}, which cannot be known before deployment")
            items.append(str(item))
        return items

    def list_parameter(self, name: str) -> list[str]:
        parameters = self.template.get("Parameters")
        spec = parameters.get(name) if isinstance(parameters, Mapping) else None
        if not isinstance(spec, Mapping):
            raise ExpansionError(f"its collection !Ref {name} names no parameter of this template")
        kind = spec.get("Type")
        if not isinstance(kind, str) or not (kind == "CommaDelimitedList" or kind.startswith("List<")):
            raise ExpansionError(f"its collection !Ref {name} is a {kind} parameter, not a CommaDelimitedList")
        default = spec.get("Default")
        if isinstance(default, list):
            return [str(d).strip() for d in default]
        if not isinstance(default, str):
            raise ExpansionError(f"its collection !Ref {name} has no Default, so it is only known at deployment")
        return [part.strip() for part in default.split(",")]

    def find_in_map(self, arg: Any, params: Mapping[str, str], *, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            return _UNRESOLVED
        keys = [self.value(a, params, depth=depth) for a in arg[:3]]
        mappings = self.template.get("Mappings")
        if all(isinstance(k, str) for k in keys) and isinstance(mappings, Mapping):
            top = mappings.get(keys[0])
            second = top.get(keys[1]) if isinstance(top, Mapping) else None
            if isinstance(second, Mapping) and keys[2] in second:
                return self.value(second[keys[2]], params, depth=depth)
        if len(arg) == 4 and isinstance(arg[3], Mapping) and "DefaultValue" in arg[3] and all(isinstance(k, str) for k in keys):
            default = self.value(arg[3]["DefaultValue"], params, depth=depth)
            return _NO_VALUE if default == {"Ref": "AWS::NoValue"} else default
        return _UNRESOLVED


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NO_VALUE: Any = _Marker("AWS::NoValue")
_UNRESOLVED: Any = _Marker("unresolved")


def _substitute(text: str, params: Mapping[str, str]) -> str:
    if "{" not in text:
        return text
    for name, item in params.items():
        text = text.replace(f"${{{name}}}", item).replace(f"&{{{name}}}", _NON_ALPHANUMERIC.sub("", item))
    return text


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
