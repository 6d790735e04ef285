"""Read templates: ``cdk.out`` cloud assemblies (nested stages and nested stacks
included), JSON / YAML templates, raw SAM templates (translated offline), templates using
``AWS::LanguageExtensions`` (``Fn::ForEach`` expanded), directories (every template below
them), and standard input (``-``).

Every file is opened by the reading layer (:mod:`constructs_lib.template.reading`): regular
files only, a size limit, and references (includes, nested templates, the files a manifest
names) confined to the root of the input that named them. Hostile input never ends in a
traceback, and one bad part never stops the rest: what cannot be read is listed in
:attr:`Loaded.unreadable` with one line naming it and the reason (a nested stack whose
template is missing or refused is "not checkable"), what a directory scan skipped in
:attr:`Loaded.notices`, and everything else is read. YAML whose aliases expand beyond
:data:`MAX_YAML_NODES` nodes (an alias bomb) or nesting deeper than Python can read is
refused; a malformed resource inside a readable template is left to the model, which
reports it and checks the rest.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs_lib.template import conditions, language_extensions, positions, sam
from constructs_lib.template.model import NESTED_STACK, PLUGIN_NAME, TemplateModel
from constructs_lib.template.reading import (
    MAX_FILE_BYTES,
    STDIN,
    STDIN_NAME,
    Reader,
    Refused,
    TemplateError,
    describe,
    directory,
    regular_file,
)

__all__ = [
    "MAX_FILE_BYTES",
    "Loaded",
    "Reader",
    "SourceFile",
    "TemplateError",
    "Unreadable",
    "load_path",
    "load_paths",
    "models_from_template",
    "read_source",
]

#: CloudFormation's YAML short forms (``!Ref X``, ``!GetAtt A.Arn``...) and their long names.
_SHORT_FORMS = (
    "And", "Base64", "Cidr", "Condition", "Equals", "FindInMap", "GetAtt", "GetAZs", "If",
    "ImportValue", "Join", "Not", "Or", "Select", "Split", "Sub", "Transform", "ToJsonString",
    "Length",
)
#: Most YAML nodes a document may expand to once its aliases are followed. A 1 MB
#: template has far fewer; a "billion laughs" document of a few hundred bytes has billions.
MAX_YAML_NODES = 200_000
#: File names a directory scan reads as candidate templates.
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
#: Directories a scan never enters (dependencies, VCS and build caches).
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_LOOKS_LIKE_TEMPLATE = re.compile(r"AWSTemplateFormatVersion|[\"']?Resources[\"']?\s*:")


@dataclass
class SourceFile:
    """A template file as read: where its resources are (for line numbers), and where any
    property path is (:meth:`locate`, for a finding's line, column and lines to show). A
    template read from standard input has the path ``<stdin>``."""

    path: Path
    text: str
    yaml_lines: dict[str, int] | None = None
    _json_lines: dict[str, int] | None = field(default=None, repr=False)
    _index: Any = field(default=None, repr=False)
    _json_offsets: dict[str, int] | None = field(default=None, repr=False)
    _yaml_root: Any = field(default=None, repr=False)
    _yaml_resources: dict[str, tuple[Any, Any]] | None = field(default=None, repr=False)

    @property
    def is_stdin(self) -> bool:
        return str(self.path) == STDIN_NAME

    @property
    def is_yaml(self) -> bool:
        return self.yaml_lines is not None

    @property
    def lines(self) -> Mapping[str, int]:
        return _LazyLines(self)

    def resource_lines(self) -> dict[str, int]:
        if self.yaml_lines is not None:
            return self.yaml_lines
        if self._json_lines is None:
            index = self._line_index()
            self._json_lines = {lid: index.line_col(offset)[0] for lid, offset in self._resource_offsets().items()}
        return self._json_lines

    def _line_index(self) -> positions.LineIndex:
        if self._index is None:
            self._index = positions.LineIndex(self.text)
        return self._index

    def _resource_offsets(self) -> dict[str, int]:
        if self._json_offsets is None:
            self._json_offsets = positions.json_resource_offsets(self.text)
        return self._json_offsets

    def _steps(self, path: tuple[positions.Key, ...]) -> list[tuple[positions.Span, positions.Span]]:
        """(key, value) spans of each part of ``path`` the file has, as deep as it goes."""
        if self.is_yaml:
            import yaml

            if self._yaml_resources is None:
                self._yaml_root, self._yaml_resources = _compose_yaml(self.text)
            resource = self._yaml_resources.get(str(path[1])) if len(path) > 1 and path[0] == "Resources" else None
            if resource is None:
                return positions.yaml_steps(self._yaml_root, path) if self._yaml_root is not None else []
            key, value = resource
            head = positions.yaml_steps(self._yaml_root, path[:1])
            return [*head, (positions.Span(key.start_mark.index, key.end_mark.index),
                            positions.Span(value.start_mark.index, value.end_mark.index)),
                    *positions.yaml_steps(value, path[2:])] if isinstance(value, yaml.Node) else head
        offset = self._resource_offsets().get(str(path[1])) if len(path) > 1 and path[0] == "Resources" else None
        if offset is None:
            return positions.json_steps(self.text, path)
        head = positions.json_steps(self.text, path[:1])
        member = positions.json_member(self.text, offset)
        if member is None:
            return head
        return [*head, member, *positions.json_steps(self.text, path[2:], member[1].start)]

    def locate(self, paths: Sequence[tuple[positions.Key, ...]], *, first_line: int | None = None
               ) -> positions.Position | None:
        """Where the first of ``paths`` that the file has in full is (the marker under its
        value), else the deepest part found of any of them (the marker under that key);
        None when the file has none of them (a resource an include or a loop made)."""
        best: tuple[tuple[positions.Key, ...], list[tuple[positions.Span, positions.Span]]] | None = None
        for path in paths:
            try:
                steps = self._steps(path)
            except Exception:  # noqa: BLE001 - a position is a courtesy: never fail a report over it
                steps = []
            if len(steps) < 2 and path[:1] == ("Resources",):
                continue  # not even the resource: say nothing rather than point at Resources
            if not steps:
                continue
            if len(steps) == len(path):
                best = (path, steps)
                break
            if best is None or len(steps) > len(best[1]):
                best = (path, steps)
        if best is None:
            return None
        path, steps = best
        key, value = steps[-1]
        found, missing = path[:len(steps)], path[len(steps):]
        return positions.position(self._line_index(), key, value, tuple(found), tuple(missing), first_line=first_line)


def _compose_yaml(text: str) -> tuple[Any, dict[str, tuple[Any, Any]]]:
    """The YAML node tree of a text the loader has already accepted (so aliases are known to
    stay small), and its resources' (key, value) nodes by logical id."""
    import yaml

    loader = _new_loader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    resources: dict[str, tuple[Any, Any]] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == "Resources" and isinstance(value, yaml.MappingNode):
                for res_key, res_value in value.value:
                    if isinstance(res_key, yaml.ScalarNode):
                        resources.setdefault(str(res_key.value), (res_key, res_value))
                break
    return root, resources


class _LazyLines(Mapping[str, int]):
    """Computed on first use: only findings need lines."""

    def __init__(self, source: SourceFile) -> None:
        self._source = source

    def __getitem__(self, key: str) -> int:
        return self._source.resource_lines()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._source.resource_lines())

    def __len__(self) -> int:
        return len(self._source.resource_lines())


@dataclass(frozen=True)
class Unreadable:
    """An input, or a part of one, that could not be read (the rest was): ``path`` as
    named, and ``message``, one line naming it and the reason."""

    path: str
    message: str
    #: The template that refers to it (an ``AWS::Include`` snippet), when the template itself
    #: was read: ``--fix`` does not write a template it could read only in part.
    template: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class Loaded:
    """What :func:`load_paths` read: the models (one per template, or one per undecidable
    branch), the files behind them, how long each SAM translation took, the files a
    directory scan skipped because they are no templates, what could not be read (the
    command exits 2 after reporting the rest), the notices of what was left out and why
    (special files and links out of the root in a scan, nested templates elsewhere), and
    the reader that opened every file."""

    models: list[TemplateModel] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    sam_seconds: list[float] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    reader: Reader = field(default_factory=Reader)

    def cannot_read(self, path: str | Path, message: str) -> None:
        self.unreadable.append(Unreadable(str(path), " ".join(message.split())))


# --------------------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------------------
def _yaml_loader() -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class CfnLoader(base):  # type: ignore[misc, valid-type]
        pass

    # Dates stay strings (AWSTemplateFormatVersion: 2010-09-09 unquoted), as CloudFormation reads them.
    CfnLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }

    def construct(name: str) -> Any:
        def make(loader: Any, node: Any) -> Any:
            if isinstance(node, yaml.ScalarNode):
                value: Any = loader.construct_scalar(node)
                if name == "Fn::GetAtt" and isinstance(value, str):
                    value = value.split(".", 1)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            return {name: value}

        return make

    CfnLoader.add_constructor("!Ref", construct("Ref"))
    for short in _SHORT_FORMS:
        long_name = "Condition" if short == "Condition" else f"Fn::{short}"
        CfnLoader.add_constructor(f"!{short}", construct(long_name))
    return CfnLoader


_LOADER: Any = None


def _expanded_size(root: Any, limit: int) -> int:
    """How many nodes a YAML node graph has once aliases are followed (memoised, iterative);
    raises TemplateError on a recursive alias."""
    import yaml

    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            else:
                children = node.value
            sizes[key] = min(limit + 1, 1 + sum(sizes[id(c)] for c in children))
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise TemplateError("a YAML alias refers to itself (a recursive structure)")
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            on_path.add(key)
            stack.append((node, True))
            children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
            stack.extend((c, False) for c in children if id(c) not in sizes)
        else:
            sizes[key] = 1
    return sizes[id(root)]


def _yaml_resource_lines(root: Any, text: str) -> dict[str, int]:
    """The line of every resource's key, from its offset (PyYAML's own ``.line`` also counts
    NEL, LS and PS as line breaks; see :mod:`~constructs_lib.template.positions`)."""
    import yaml

    offsets: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == "Resources" and isinstance(value, yaml.MappingNode):
                for res_key, _ in value.value:
                    if isinstance(res_key, yaml.ScalarNode):
                        offsets.setdefault(str(res_key.value), res_key.start_mark.index)
    if not offsets:
        return {}
    index = positions.LineIndex(text)
    return {lid: index.line_col(offset)[0] for lid, offset in offsets.items()}


#: Why a template that repeats a key is refused rather than read with the last value (what a
#: YAML or JSON library does, silently): CloudFormation does not take such a template, and
#: cfn-lint refuses it as it decodes it (E0000 "Duplicate found", in its
#: ``cfnlint/decode/cfn_yaml.py`` and ``cfn_json.py``; aws-cloudformation/cfn-lint#35: "the
#: last occurrence is used... Change a resource, deploy it, nothing changes").
_DUPLICATE_REASON = "CloudFormation refuses a template with duplicate keys"


def _duplicate_error(text: str, duplicate: positions.Duplicate) -> TemplateError:
    index = positions.LineIndex(text)
    (line1, col1), (line2, col2) = index.line_col(duplicate.first), index.line_col(duplicate.second)
    return TemplateError(
        f"duplicate key {json.dumps(duplicate.key, ensure_ascii=False)} in {positions.describe_path(duplicate.path)}"
        f" at lines {line1}:{col1} and {line2}:{col2} (line:column); {_DUPLICATE_REASON}"
    )


class _DuplicateKey(Exception):
    """json.loads met an object with a key twice (where is found by a scan of the text)."""


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey
    return found


def parse_json(text: str) -> Any:
    """A JSON document; TemplateError naming the key, and its two lines, of an object that
    has a key twice (json.loads would keep the last silently)."""
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except _DuplicateKey:
        duplicate = positions.json_duplicate(text)
        if duplicate is None:  # the scan disagrees with json.loads: read it as json.loads does
            return json.loads(text)
        raise _duplicate_error(text, duplicate) from None


def _new_loader(text: str) -> Any:
    """A loader of ``text`` with CloudFormation's short forms (its class built once)."""
    global _LOADER
    if _LOADER is None:
        _LOADER = _yaml_loader()
    return _LOADER(text)


def parse_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """A YAML document with CloudFormation's short forms, and the line of every resource;
    TemplateError for a key a mapping has twice, or aliases that expand too far."""
    loader = _new_loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _expanded_size(node, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise TemplateError(
                f"its YAML aliases expand to more than {MAX_YAML_NODES:,} nodes (an alias bomb?); refused"
            )
        duplicate = positions.yaml_duplicate(node)
        if duplicate is not None:
            raise _duplicate_error(text, duplicate)
        return loader.construct_document(node), _yaml_resource_lines(node, text)
    finally:
        loader.dispose()


def decode(data: bytes) -> str:
    """Template bytes as text: UTF-8 (a byte-order mark is allowed), or UTF-16 / UTF-32 with
    a byte-order mark; anything else is refused with the offending byte's offset."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise TemplateError(f"not valid {codec.upper()} text (byte {exc.start})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = " (it looks like UTF-16 without a byte-order mark)" if b"\x00" in data[:64] else ""
        raise TemplateError(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}{hint}") from None
    if "\x00" in text:
        raise TemplateError("contains NUL characters (it looks like UTF-16 without a byte-order mark)")
    return text


def parse_source(data: bytes, path: Path) -> tuple[Any, SourceFile]:
    """The parsed content of JSON or YAML bytes (JSON first: it is also YAML) and its
    source; TemplateError naming ``path`` with the reason for anything unreadable."""
    import yaml

    try:
        text = decode(data)
    except TemplateError as exc:
        raise TemplateError(f"{path}: {exc}") from None
    source = SourceFile(path, text)
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            try:
                return parse_json(text), source
            except TemplateError:
                raise
            except ValueError as exc:
                json_error: Exception | None = _json_error(text, exc)
            except RecursionError:
                raise TemplateError(f"{path}: nests deeper than Python can read") from None
        else:
            json_error = None
        try:
            data_, source.yaml_lines = parse_yaml(text)
        except yaml.YAMLError as exc:
            reason = f"neither JSON nor YAML: {json_error if json_error is not None else _yaml_error(text, exc)}"
            raise TemplateError(f"{path}: {' '.join(reason.split())}") from None
        return data_, source
    except TemplateError as exc:
        raise TemplateError(str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}") from None
    except RecursionError:
        raise TemplateError(f"{path}: nests deeper than Python can read") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an integer of 5,000 digits
        raise TemplateError(f"{path}: unreadable value: {' '.join(str(exc).split())[:200]}") from None


def _json_error(text: str, exc: ValueError) -> Exception:
    """``exc`` with its line and column counted as the rest of the tool counts them."""
    if not isinstance(exc, json.JSONDecodeError):
        return exc
    line, column = positions.LineIndex(text).line_col(exc.pos)
    return ValueError(f"{exc.msg}: line {line} column {column} (char {exc.pos})")


def _yaml_error(text: str, exc: Exception) -> Exception:
    """``exc`` with the lines of its marks counted from their offsets (only ``\\r\\n``,
    ``\\r``, ``\\n`` end a line; PyYAML also counts NEL, LS and PS)."""
    import yaml

    index: positions.LineIndex | None = None
    for name in ("context_mark", "problem_mark"):
        mark = getattr(exc, name, None)
        offset = getattr(mark, "index", None)
        if isinstance(offset, int) and 0 <= offset <= len(text):
            index = index or positions.LineIndex(text)
            line, column = index.line_col(offset)
            # libyaml's marks are read-only: a plain mark in their place (no snippet)
            setattr(exc, name, yaml.error.Mark(getattr(mark, "name", "<unicode string>"), offset,
                                               line - 1, column - 1, None, None))
    return exc


def read_source(path: Path, reader: Reader | None = None) -> tuple[Any, SourceFile]:
    """The parsed content of a JSON or YAML file (or of standard input, ``-``) and its
    source, read by ``reader`` (regular files only, within the size limit); TemplateError
    with the reason for anything unreadable."""
    reader = reader if reader is not None else Reader()
    if str(path) == STDIN:
        return parse_source(reader.read_stdin(), Path(STDIN_NAME))
    return parse_source(reader.read_bytes(path), path)


def is_template(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("Resources"), dict)


def load_template_file(path: Path, reader: Reader | None = None) -> dict[str, Any]:
    """A JSON or YAML CloudFormation template as a dict."""
    data, _ = read_source(path, reader)
    if not is_template(data):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources section)")
    return data


# --------------------------------------------------------------------------------------
# Models: includes, loops, SAM translation, conditions
# --------------------------------------------------------------------------------------
#: How deep a template is walked for ``AWS::Include`` snippets (templates nest a few
#: dozen levels; the loader already refused anything Python cannot read).
MAX_INCLUDE_DEPTH = 64


def _include_location(value: Any) -> str | None:
    """The local file of an ``{"Fn::Transform": {"Name": "AWS::Include", ...}}``, or None."""
    if not isinstance(value, Mapping) or len(value) != 1 or not isinstance(value.get("Fn::Transform"), Mapping):
        return None
    transform = value["Fn::Transform"]
    location = transform.get("Parameters", {}).get("Location") if isinstance(transform.get("Parameters"), Mapping) else None
    if transform.get("Name") != "AWS::Include" or not isinstance(location, str):
        return None
    return None if location.startswith(("s3://", "https://", "http://")) or not location else location


def inline_includes(template: Mapping[str, Any], directory: Path, *, reader: Reader | None = None,
                    root: Path | None = None, name: str = "", unreadable: list[Unreadable] | None = None,
                    ) -> Mapping[str, Any]:
    """``template`` with every ``AWS::Include`` of a local file replaced by the file's
    content, as ``sam package`` / ``aws cloudformation package`` upload it and CloudFormation
    then inserts it before any other transform (so SAM sees an included OpenAPI
    ``DefinitionBody``). The file resolves against ``directory`` and must lie inside
    ``root`` (default: ``directory``). A snippet that cannot be read, or is refused, stays
    as it is and is listed in ``unreadable``; snippets are not searched for further
    includes. Source:
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html
    """
    reader = reader if reader is not None else Reader()
    root = root if root is not None else directory
    cache: dict[str, Any] = {}

    def content(location: str) -> Any:
        if location not in cache:
            try:
                path = reader.confine(directory / location, root, reference=location,
                                      what=f"{name or 'the template'}: AWS::Include Location")
                cache[location], _ = read_source(path, reader)
            except TemplateError as exc:
                cache[location] = None
                if unreadable is not None:
                    unreadable.append(Unreadable(location, f"{exc}; the template is checked without that snippet"
                                                 if isinstance(exc, Refused) else
                                                 f"{name or 'the template'}: AWS::Include Location {location!r} "
                                                 f"cannot be read ({exc}); the template is checked without it",
                                                 template=name or None))
        return cache[location]

    def walk(value: Any, depth: int) -> Any:
        if depth > MAX_INCLUDE_DEPTH:
            return value
        location = _include_location(value)
        if location is not None:
            snippet = content(location)
            return value if snippet is None else snippet
        if isinstance(value, Mapping):
            out: dict[Any, Any] = {}
            for key, item in value.items():
                location = _include_location({key: item}) if key == "Fn::Transform" and len(value) > 1 else None
                snippet = content(location) if location is not None else None
                if isinstance(snippet, Mapping):
                    out.update(snippet)  # a section-level include merges its keys
                else:
                    out[key] = walk(item, depth + 1)
            return out
        if isinstance(value, list):
            return [walk(item, depth + 1) for item in value]
        return value

    return walk(template, 0)


def models_from_template(
    template: Mapping[str, Any],
    name: str,
    *,
    source: SourceFile | None = None,
    region: str = sam.DEFAULT_REGION,
    sam_seconds: list[float] | None = None,
    reader: Reader | None = None,
    root: Path | None = None,
    unreadable: list[Unreadable] | None = None,
) -> list[TemplateModel]:
    """The models of one template: its local includes inlined (read by ``reader``, inside
    ``root``), its ``Fn::ForEach`` loops expanded, translated if it is SAM, then one model per
    undecidable branch of its conditions (one model when every condition is decided)."""
    origins: dict[str, str] = {}
    authors: dict[str, str] = {}
    events: dict[str, str] = {}
    api_events: Mapping[str, Any] = {}
    problems: list[tuple[str, str]] = []
    if source is not None and "AWS::Include" in source.text:
        directory_ = Path.cwd() if source.is_stdin else source.path.parent
        template = inline_includes(template, directory_, reader=reader, root=root or directory_,
                                   name=str(source.path), unreadable=unreadable)
    expansion = language_extensions.expand_template(template)
    template = expansion.template
    loop_origins, loop_keys = expansion.origins.get("Resources", {}), expansion.loops.get("Resources", {})
    problems.extend(expansion.problems)
    origins.update(loop_origins)
    authors.update(loop_keys)
    if sam.is_sam(template):
        try:
            translation = sam.translate(template, region=region)
        except sam.SamError as exc:
            raise TemplateError(f"{name}: {exc}") from None
        if sam_seconds is not None:
            sam_seconds.append(translation.seconds)
        template, api_events = translation.template, translation.api_events
        problems.extend(translation.problems)
        for lid, author in translation.authors.items():
            authors[lid] = loop_keys.get(author, author)
        events.update(translation.events)
        for lid, origin in translation.origins.items():
            author = translation.authors.get(lid, "")
            origins[lid] = f"{origin}, in {loop_origins[author]}" if author in loop_origins else origin
    models = []
    for branch, resolved in conditions.variants(template):
        model = TemplateModel(resolved, name=name)
        model.branch = branch
        model.origins, model.authors, model.sam_events, model.events = origins, authors, api_events, events
        model.problems.extend(problems)
        if source is not None and not source.is_stdin:
            model.file = str(source.path)
        if source is not None:
            model.lines = source.lines
            model.source = source
        models.append(model)
    return models


# --------------------------------------------------------------------------------------
# One template file and its nested stacks
# --------------------------------------------------------------------------------------
@dataclass
class _Run:
    """One call of :func:`load_paths`: where results go, who reads, for which Region."""

    out: Loaded
    reader: Reader
    region: str
    #: Hears of the templates to read (``expect(n)``) and of each one read (``advance()``):
    #: the command's progress bar (``constructs_lib.cli._term.Progress``), or None.
    progress: Any = None

    def expect(self, n: int) -> None:
        if self.progress is not None and n:
            self.progress.expect(n)


def _nested_templates(template: Mapping[str, Any], directory_: Path, assets: Mapping[str, str]
                      ) -> Iterator[tuple[str, str, Path | None]]:
    """(logical id, reference as written, file or None) of every nested stack: the CDK
    ``aws:asset:path`` metadata, an asset of the stack's asset manifest whose hash the
    TemplateURL names, a local TemplateURL (``aws cloudformation package`` style), or None
    when the template is elsewhere (S3, a URL, a computed value)."""
    from constructs_lib.template.model import _flat_text

    resources = template.get("Resources")
    for lid, body in (resources.items() if isinstance(resources, Mapping) else ()):
        if not isinstance(body, Mapping) or body.get("Type") != NESTED_STACK:
            continue
        metadata: Mapping[str, Any] = body["Metadata"] if isinstance(body.get("Metadata"), Mapping) else {}
        props: Mapping[str, Any] = body["Properties"] if isinstance(body.get("Properties"), Mapping) else {}
        asset = metadata.get("aws:asset:path")
        url = props.get("TemplateURL")
        if isinstance(asset, str) and asset.endswith(".json"):
            yield str(lid), asset, directory_ / asset
            continue
        text = _flat_text(url)
        found = next((p for h, p in assets.items() if h in text), None)
        if found is not None:
            yield str(lid), found, directory_ / found
        elif isinstance(url, str) and not url.startswith(("http://", "https://", "s3://")) and url:
            yield str(lid), url, directory_ / url
        else:
            yield str(lid), text, None


def _load_file(path: Path, name: str, run: _Run, *, root: Path, assets: Mapping[str, str] | None = None,
               seen: set[Path] | None = None, acknowledged: Mapping[str, Mapping[str, str]] | None = None,
               read: tuple[Any, SourceFile] | None = None) -> None:
    """One template and, recursively, its nested stacks; TemplateError when the template
    itself cannot be read (a nested stack that cannot be is listed as not checkable)."""
    data, source = read if read is not None else read_source(path, run.reader)
    if not is_template(data):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources section)")
    out = run.out
    models = models_from_template(data, name, source=source, region=run.region, sam_seconds=out.sam_seconds,
                                  reader=run.reader, root=root, unreadable=out.unreadable)
    out.templates.append(name)
    if run.progress is not None:
        run.progress.advance()
    for model in models:
        model.acknowledged = acknowledged or {}
    out.models.extend(models)
    seen = seen if seen is not None else set()
    seen.add(path.resolve())
    for lid, reference, nested in _nested_templates(data, path.parent, assets or {}):
        where = f"{path}: nested stack {lid} is not checkable"
        if nested is None:
            out.notices.append(f"{where}: its template is not a local file ({reference}); only what was given is read")
            continue
        try:
            run.reader.confine(nested, root, reference=reference, what=f"{path}: the template of nested stack {lid}")
        except Refused as exc:
            out.cannot_read(reference, f"{where}: {str(exc).removeprefix(f'{path}: ')}")
            continue
        if nested.resolve() in seen:
            out.cannot_read(reference, f"{where}: it refers back to {nested.name} (a cycle)")
            continue
        if not regular_file(nested):
            out.cannot_read(reference, f"{where}: its template {nested} is {describe(nested)}" if os.path.lexists(nested)
                            else f"{where}: its template {nested} is missing")
            continue
        try:
            _load_file(nested, f"{name}/{lid}", run, root=root, assets=assets, seen=set(seen))
        except TemplateError as exc:
            out.cannot_read(reference, f"{where}: {exc}")


# --------------------------------------------------------------------------------------
# Cloud assemblies and directories
# --------------------------------------------------------------------------------------
def _manifest(directory_: Path, run: _Run) -> dict[str, Any]:
    path = directory_ / "manifest.json"
    data, _ = read_source(path, run.reader)
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: not a cloud assembly manifest (a {type(data).__name__}, not an object)")
    artifacts = data.get("artifacts", {})
    if not isinstance(artifacts, dict):
        raise TemplateError(f"{path}: its artifacts are a {type(artifacts).__name__}, not an object")
    return artifacts


def _in_assembly(directory_: Path, reference: Any, root: Path, run: _Run, what: str) -> Path:
    """A file a manifest names, inside the cloud assembly (TemplateError otherwise)."""
    text = str(reference)
    return run.reader.confine(directory_ / text, root, reference=text, what=what)


def _asset_hashes(directory_: Path, artifacts: Mapping[str, Any], stack_id: str, root: Path, run: _Run
                  ) -> dict[str, str]:
    """Asset hash -> file of the stack's asset manifest (nested stack templates are assets)."""
    found: dict[str, str] = {}
    for artifact in artifacts.values():
        props = artifact.get("properties") if isinstance(artifact, Mapping) else None
        if not isinstance(artifact, Mapping) or artifact.get("type") != "cdk:asset-manifest" or not isinstance(props, Mapping):
            continue
        file = props.get("file")
        if not isinstance(file, str) or not file.startswith(stack_id.split("/")[-1]):
            continue
        try:
            path = _in_assembly(directory_, file, root, run, f"{directory_ / 'manifest.json'}: asset manifest")
            data, _ = read_source(path, run.reader)
        except TemplateError as exc:
            # An unreadable asset manifest only loses the nested-stack fallback.
            run.out.notices.append(f"{exc}; nested stacks are found without it")
            continue
        files = data.get("files") if isinstance(data, dict) else None
        for asset_hash, spec in (files.items() if isinstance(files, dict) else ()):
            path_ = spec.get("source", {}).get("path") if isinstance(spec, dict) and isinstance(spec.get("source"), dict) else None
            if isinstance(path_, str) and path_.endswith(".json"):
                found[str(asset_hash)] = path_
    return found


def _load_assembly(directory_: Path, root: Path, run: _Run, *, seen: set[Path]) -> None:
    """Every stack of the cloud assembly in ``directory_`` (nested assemblies included),
    every file it names confined to ``root``; TemplateError when its manifest cannot be
    read (a stack that cannot be is listed as unreadable and the rest is read)."""
    manifest = directory_ / "manifest.json"
    resolved = directory_.resolve()
    if resolved in seen:
        raise TemplateError(f"{manifest}: a nested assembly refers back to {directory_} (a cycle)")
    seen.add(resolved)
    artifacts = _manifest(directory_, run)
    out = run.out
    run.expect(sum(isinstance(a, dict) and a.get("type") == "aws:cloudformation:stack" for a in artifacts.values()))
    for artifact_id, artifact in artifacts.items():
        try:
            if not isinstance(artifact, dict):
                raise TemplateError(f"{manifest}: artifact {artifact_id} is not an object")
            props = artifact.get("properties") or {}
            if not isinstance(props, dict):
                raise TemplateError(f"{manifest}: the properties of {artifact_id} are not an object")
            kind = artifact.get("type")
            if kind == "aws:cloudformation:stack" and props.get("templateFile") is not None:
                template = _in_assembly(directory_, props["templateFile"], root, run,
                                        f"{manifest}: stack {artifact_id}: templateFile")
                if not regular_file(template):
                    raise TemplateError(f"{manifest}: stack {artifact_id}: template {template} is missing"
                                        if not os.path.lexists(template) else
                                        f"{manifest}: stack {artifact_id}: template {template} is {describe(template)}")
                _load_file(template, _relative(template, root), run, root=root,
                           assets=_asset_hashes(directory_, artifacts, str(artifact_id), root, run),
                           acknowledged=_cdk_acknowledgments(directory_, artifact, root, run))
            elif kind == "cdk:cloud-assembly" and props.get("directoryName") is not None:
                nested = _in_assembly(directory_, props["directoryName"], root, run,
                                      f"{manifest}: nested assembly {artifact_id}: directoryName")
                if not regular_file(nested / "manifest.json"):
                    raise TemplateError(f"{manifest}: nested assembly {artifact_id}: {nested} has no manifest.json")
                _load_assembly(nested, root, run, seen=seen)
        except TemplateError as exc:
            out.cannot_read(f"{manifest}#{artifact_id}", str(exc))


def _cdk_acknowledgments(directory_: Path, artifact: Mapping[str, Any], root: Path, run: _Run
                         ) -> dict[str, dict[str, str]]:
    """Logical id -> {rule id: reason} of our rules acknowledged with CDK's
    ``Validations.of(construct).acknowledge`` (recorded in the stack's assembly metadata as
    ``aws:cdk:acknowledged-rules``; it covers the construct and everything below it)."""
    metadata: dict[str, Any] = {}
    inline = artifact.get("metadata")
    if isinstance(inline, dict):
        metadata.update(inline)
    extra = artifact.get("additionalMetadataFile")
    if isinstance(extra, str):
        try:
            path = _in_assembly(directory_, extra, root, run,
                                f"{directory_ / 'manifest.json'}: additionalMetadataFile")
            data, _ = read_source(path, run.reader)
        except TemplateError as exc:
            # The template is still checked; the acknowledgments in that file are not applied.
            run.out.cannot_read(extra, f"{exc}; CDK acknowledgments recorded there are not applied")
            data = None
        if isinstance(data, dict):
            metadata.update(data)
    logical_ids: dict[str, str] = {}
    acks: dict[str, dict[str, str]] = {}
    prefix = f"{PLUGIN_NAME}::"
    for path_, entries in metadata.items():
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            if entry.get("type") == "aws:cdk:logicalId" and isinstance(entry.get("data"), str):
                logical_ids[str(path_)] = entry["data"]
            elif entry.get("type") == "aws:cdk:acknowledged-rules" and isinstance(entry.get("data"), dict):
                ours = {k.removeprefix(prefix): str(v) for k, v in entry["data"].items()
                        if isinstance(k, str) and k.startswith(prefix) and str(v).strip()}
                if ours:
                    acks.setdefault(str(path_), {}).update(ours)
    found: dict[str, dict[str, str]] = {}
    for path_, lid in logical_ids.items():
        for at, rules in acks.items():
            if path_ == at or path_.startswith(at.rstrip("/") + "/"):
                found.setdefault(lid, {}).update(rules)
    return found


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _scan(directory_: Path, root: Path, run: _Run) -> None:
    """Every template below ``directory_``: cloud assemblies as assemblies, other files when
    they parse as templates; files that are no templates are skipped (and counted), special
    files and links that leave ``root`` are skipped with a notice, never opened. A template
    another one below ``directory_`` names as its nested stack is read through that parent
    only (once, under the parent's name)."""
    out, reader = run.out, run.reader
    found: list[tuple[Path, tuple[Any, SourceFile]]] = []
    for current, dirs, files in os.walk(directory_):  # symbolic links to directories are not followed
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        if here != directory_ and regular_file(here / "manifest.json") and reader.allows(
                Path(os.path.realpath(here / "manifest.json")), root):
            dirs[:] = []
            try:
                _load_assembly(here, here, run, seen=set())
            except TemplateError as exc:
                out.cannot_read(here / "manifest.json", str(exc))
            continue
        for name in sorted(files):
            path = here / name
            if not name.endswith(TEMPLATE_SUFFIXES) or name.endswith(".nested.template.json"):
                continue  # a nested template is read through its parent stack
            real = Path(os.path.realpath(path))
            if not reader.allows(real, root):
                out.notices.append(f"skipped {path}: a symbolic link to {real}, outside {os.path.realpath(root)}")
                continue
            if not regular_file(path):
                out.notices.append(f"skipped {path}: {describe(path)}, not a regular file")
                continue
            try:
                data, source = read_source(path, reader)
            except TemplateError as exc:
                if _looks_like_template(path, reader):
                    out.cannot_read(path, str(exc))
                else:
                    out.skipped.append(path)
                continue
            if not is_template(data):
                out.skipped.append(path)
                continue
            found.append((path, (data, source)))
    nested = {child.resolve() for path, (data, _) in found
              for _, _, child in _nested_templates(data, path.parent, {}) if child is not None}
    run.expect(sum(path.resolve() not in nested for path, _ in found))
    for path, read in found:
        if path.resolve() not in nested:
            try:
                _load_file(path, _relative(path, root), run, root=root, read=read)
            except TemplateError as exc:
                out.cannot_read(path, str(exc))


def _looks_like_template(path: Path, reader: Reader | None = None) -> bool:
    """Whether the first 64 KiB of a regular file look like a template (True when it cannot
    be read: better reported than silently skipped)."""
    try:
        head = (reader or Reader()).read_head(path, 64 * 1024)
    except TemplateError:
        return True
    return bool(_LOOKS_LIKE_TEMPLATE.search(head.decode("utf-8", "replace")))


def load_paths(paths: Sequence[str | Path], *, region: str = sam.DEFAULT_REGION, only_templates: bool = False,
               reader: Reader | None = None, keep_going: bool = False, progress: Any = None) -> Loaded:
    """Every template at ``paths``: a ``cdk.out`` (every stack, nested stages and nested
    stacks included), a template file (JSON, YAML, SAM), any directory (every template below
    it), or ``-`` (one template on standard input). Every file is opened by ``reader``
    (default: a :class:`~constructs_lib.template.reading.Reader` confined to each input's
    root); with ``only_templates`` a given file that is no template (as a scan would) is
    skipped.

    What cannot be read is listed in :attr:`Loaded.unreadable` and the rest is read; when
    nothing at all could be read, TemplateError is raised with those lines (unless
    ``keep_going``, which always returns what was found). ``progress`` (an object with
    ``expect(n)`` and ``advance()``) hears how many templates there are and when each is read."""
    reader = reader if reader is not None else Reader()
    out = Loaded(reader=reader)
    run = _Run(out, reader, region, progress)
    for raw in paths:
        if str(raw) == STDIN:
            try:
                data, source = read_source(Path(STDIN), reader)
                _load_file(Path(STDIN_NAME), STDIN_NAME, run, root=Path.cwd(), read=(data, source))
            except TemplateError as exc:
                out.cannot_read(STDIN, str(exc))
            continue
        p = Path(raw)
        before = (len(out.templates), len(out.unreadable))
        try:
            if os.path.islink(p) and not directory(p):
                # A link to a file named on the command line (a pre-commit hook names the files
                # of an untrusted change) stays inside the directory that holds it; a directory
                # named is read where it points (cdk.out may be a link).
                real, parent = Path(os.path.realpath(p)), Path(os.path.realpath(p.parent))
                if os.path.lexists(real) and not reader.allows(real, parent):
                    raise Refused(f"{p}: a symbolic link to {real}, outside {parent}; refused (--allow-path DIR reads "
                                  "a directory outside the input)")
            if directory(p):
                if regular_file(p / "manifest.json"):
                    _load_assembly(p, p, run, seen=set())
                else:
                    _scan(p, p, run)
                if (len(out.templates), len(out.unreadable)) == before:
                    raise TemplateError(f"{p}: no templates (expected a cdk.out directory with manifest.json, or "
                                        "CloudFormation / SAM templates below it)")
            elif regular_file(p):
                if only_templates and not _looks_like_template(p, reader):
                    out.skipped.append(p)
                    continue
                run.expect(1)
                _load_file(p, p.name if len(paths) == 1 else str(p), run, root=Path(os.path.realpath(p)).parent)
            elif os.path.lexists(p):
                raise Refused(f"{p}: {describe(p)}, not a template file or a directory; refused")
            else:
                raise TemplateError(f"{p}: {describe(p)}")
        except TemplateError as exc:
            out.cannot_read(p, str(exc))
    if out.unreadable and not out.templates and not keep_going:
        raise TemplateError("\n".join(u.message for u in out.unreadable))
    return out


def load_path(path: str | Path, *, reader: Reader | None = None) -> list[TemplateModel]:
    """The templates at ``path`` (see :func:`load_paths`)."""
    return load_paths([path], reader=reader).models


# --------------------------------------------------------------------------------------
# Lines of resources in JSON
# --------------------------------------------------------------------------------------
def json_resource_lines(text: str) -> dict[str, int]:
    """The 1-based line of every key of the top-level ``Resources`` object of a JSON text."""
    index = positions.LineIndex(text)
    return {lid: index.line_col(offset)[0] for lid, offset in positions.json_resource_offsets(text).items()}
