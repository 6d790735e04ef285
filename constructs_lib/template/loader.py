"""Read templates from disk: ``cdk.out`` cloud assemblies (nested stages and nested stacks
included), JSON / YAML templates, raw SAM templates (translated offline), and directories
(every template below them).

Hostile input never ends in a traceback: a path that cannot be read raises
:class:`TemplateError` with one line naming the file and the reason (the CLI exits 2).
Bounded: files above :data:`MAX_FILE_BYTES`, YAML whose aliases expand beyond
:data:`MAX_YAML_NODES` nodes (an alias bomb) or nesting deeper than Python can read are
refused; a malformed resource inside a readable template is left to the model, which
reports it and checks the rest.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs_lib.template import conditions, sam
from constructs_lib.template.model import NESTED_STACK, PLUGIN_NAME, TemplateModel

#: CloudFormation's YAML short forms (``!Ref X``, ``!GetAtt A.Arn``...) and their long names.
_SHORT_FORMS = (
    "And", "Base64", "Cidr", "Condition", "Equals", "FindInMap", "GetAtt", "GetAZs", "If",
    "ImportValue", "Join", "Not", "Or", "Select", "Split", "Sub", "Transform", "ToJsonString",
    "Length",
)
#: Largest file read: CloudFormation accepts template bodies of at most 1 MB (S3), so ten
#: times that is no real template.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Most YAML nodes a document may expand to once its aliases are followed. A 1 MB
#: template has far fewer; a "billion laughs" document of a few hundred bytes has billions.
MAX_YAML_NODES = 200_000
#: File names a directory scan reads as candidate templates.
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
#: Directories a scan never enters (dependencies, VCS and build caches).
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_LOOKS_LIKE_TEMPLATE = re.compile(r"AWSTemplateFormatVersion|[\"']?Resources[\"']?\s*:")


class TemplateError(ValueError):
    """A path that is neither a cloud assembly nor a readable template."""


@dataclass
class SourceFile:
    """A template file as read: where its resources are (for line numbers)."""

    path: Path
    text: str
    yaml_lines: dict[str, int] | None = None
    _json_lines: dict[str, int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> Mapping[str, int]:
        return _LazyLines(self)

    def resource_lines(self) -> dict[str, int]:
        if self.yaml_lines is not None:
            return self.yaml_lines
        if self._json_lines is None:
            self._json_lines = json_resource_lines(self.text)
        return self._json_lines


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


@dataclass
class Loaded:
    """What :func:`load_paths` read: the models (one per template, or one per undecidable
    branch), the files behind them, how long each SAM translation took, and the files a
    directory scan skipped because they are no templates."""

    models: list[TemplateModel] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    sam_seconds: list[float] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


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


def _yaml_resource_lines(root: Any) -> dict[str, int]:
    import yaml

    lines: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == "Resources" and isinstance(value, yaml.MappingNode):
                for res_key, _ in value.value:
                    if isinstance(res_key, yaml.ScalarNode):
                        lines.setdefault(str(res_key.value), res_key.start_mark.line + 1)
    return lines


def parse_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """A YAML document with CloudFormation's short forms, and the line of every resource."""

    global _LOADER
    if _LOADER is None:
        _LOADER = _yaml_loader()
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _expanded_size(node, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise TemplateError(
                f"its YAML aliases expand to more than {MAX_YAML_NODES:,} nodes (an alias bomb?); refused"
            )
        return loader.construct_document(node), _yaml_resource_lines(node)
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


def read_source(path: Path) -> tuple[Any, SourceFile]:
    """The parsed content of a JSON or YAML file (JSON first: it is also YAML) and its
    source; TemplateError with the reason for anything unreadable."""
    import yaml

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TemplateError(f"{path}: {size:,} bytes, larger than the {MAX_FILE_BYTES:,} read (CloudFormation "
                                "accepts 1 MB)")
        text = decode(path.read_bytes())
    except TemplateError as exc:
        raise TemplateError(str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}") from None
    except OSError as exc:
        raise TemplateError(f"{path}: {exc.strerror or exc}") from None
    source = SourceFile(path, text)
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            try:
                return json.loads(text), source
            except ValueError as exc:
                json_error: Exception | None = exc
            except RecursionError:
                raise TemplateError(f"{path}: nests deeper than Python can read") from None
        else:
            json_error = None
        try:
            data, source.yaml_lines = parse_yaml(text)
        except yaml.YAMLError as exc:
            reason = f"neither JSON nor YAML: {json_error if json_error is not None else exc}"
            raise TemplateError(f"{path}: {' '.join(reason.split())}") from None
        return data, source
    except TemplateError as exc:
        raise TemplateError(str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}") from None
    except RecursionError:
        raise TemplateError(f"{path}: nests deeper than Python can read") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an integer of 5,000 digits
        raise TemplateError(f"{path}: unreadable value: {' '.join(str(exc).split())[:200]}") from None


def is_template(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("Resources"), dict)


def load_template_file(path: Path) -> dict[str, Any]:
    """A JSON or YAML CloudFormation template as a dict."""
    data, _ = read_source(path)
    if not is_template(data):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources section)")
    return data


# --------------------------------------------------------------------------------------
# Models: SAM translation, conditions, nested stacks
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


def inline_includes(template: Mapping[str, Any], directory: Path) -> Mapping[str, Any]:
    """``template`` with every ``AWS::Include`` of a local file replaced by the file's
    content, as ``sam package`` / ``aws cloudformation package`` upload it and CloudFormation
    then inserts it before any other transform (so SAM sees an included OpenAPI
    ``DefinitionBody``). A snippet that cannot be read stays as it is; snippets are not
    searched for further includes. Source:
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html
    """
    cache: dict[str, Any] = {}

    def content(location: str) -> Any:
        if location not in cache:
            try:
                cache[location], _ = read_source(directory / location)
            except TemplateError:
                cache[location] = None
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
) -> list[TemplateModel]:
    """The models of one template: translated first if it is SAM, then one per undecidable
    branch of its conditions (one model when every condition is decided)."""
    origins: Mapping[str, str] = {}
    authors: Mapping[str, str] = {}
    api_events: Mapping[str, Any] = {}
    problems: list[tuple[str, str]] = []
    if source is not None and "AWS::Include" in source.text:
        template = inline_includes(template, source.path.parent)
    if sam.is_sam(template):
        try:
            translation = sam.translate(template, region=region)
        except sam.SamError as exc:
            raise TemplateError(f"{name}: {exc}") from None
        if sam_seconds is not None:
            sam_seconds.append(translation.seconds)
        template, origins, authors = translation.template, translation.origins, translation.authors
        api_events, problems = translation.api_events, translation.problems
    models = []
    for branch, resolved in conditions.variants(template):
        model = TemplateModel(resolved, name=name)
        model.branch = branch
        model.origins, model.authors, model.sam_events = origins, authors, api_events
        model.problems.extend(problems)
        if source is not None:
            model.file = str(source.path)
            model.lines = source.lines
        models.append(model)
    return models


def _nested_templates(template: Mapping[str, Any], directory: Path, assets: Mapping[str, str]) -> Iterator[tuple[str, Path]]:
    """(logical id, file) of every nested stack whose template is on disk: the CDK
    ``aws:asset:path`` metadata, an asset of the stack's asset manifest whose hash the
    TemplateURL names, or a local TemplateURL (``aws cloudformation package`` style)."""
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
            yield lid, directory / asset
            continue
        text = _flat_text(url)
        found = next((p for h, p in assets.items() if h in text), None)
        if found is not None:
            yield lid, directory / found
        elif isinstance(url, str) and not url.startswith(("http://", "https://", "s3://")) and url:
            yield lid, directory / url


def _load_file(path: Path, name: str, out: Loaded, *, region: str, assets: Mapping[str, str] | None = None,
               seen: set[Path] | None = None, acknowledged: Mapping[str, Mapping[str, str]] | None = None,
               read: tuple[Any, SourceFile] | None = None) -> None:
    data, source = read if read is not None else read_source(path)
    if not is_template(data):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources section)")
    out.templates.append(name)
    models = models_from_template(data, name, source=source, region=region, sam_seconds=out.sam_seconds)
    for model in models:
        model.acknowledged = acknowledged or {}
    out.models.extend(models)
    seen = seen if seen is not None else set()
    seen.add(path.resolve())
    for lid, nested in _nested_templates(data, path.parent, assets or {}):
        if nested.resolve() in seen:
            raise TemplateError(f"{path}: nested stack {lid} refers back to {nested.name} (a cycle)")
        if not nested.is_file():
            raise TemplateError(f"{path}: the template of nested stack {lid} is missing ({nested})")
        _load_file(nested, f"{name}/{lid}", out, region=region, assets=assets, seen=set(seen))


# --------------------------------------------------------------------------------------
# Cloud assemblies and directories
# --------------------------------------------------------------------------------------
def _manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    data, _ = read_source(path)
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: not a cloud assembly manifest (a {type(data).__name__}, not an object)")
    artifacts = data.get("artifacts", {})
    if not isinstance(artifacts, dict):
        raise TemplateError(f"{path}: its artifacts are a {type(artifacts).__name__}, not an object")
    return artifacts


def _asset_hashes(directory: Path, artifacts: Mapping[str, Any], stack_id: str) -> dict[str, str]:
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
            data, _ = read_source(directory / file)
        except TemplateError:
            continue  # an unreadable asset manifest only loses the nested-stack fallback
        files = data.get("files") if isinstance(data, dict) else None
        for asset_hash, spec in (files.items() if isinstance(files, dict) else ()):
            path = spec.get("source", {}).get("path") if isinstance(spec, dict) and isinstance(spec.get("source"), dict) else None
            if isinstance(path, str) and path.endswith(".json"):
                found[str(asset_hash)] = path
    return found


def _load_assembly(directory: Path, root: Path, out: Loaded, *, region: str, seen: set[Path]) -> None:
    resolved = directory.resolve()
    if resolved in seen:
        raise TemplateError(f"{directory / 'manifest.json'}: a nested assembly refers back to {directory} (a cycle)")
    seen.add(resolved)
    artifacts = _manifest(directory)
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            raise TemplateError(f"{directory / 'manifest.json'}: artifact {artifact_id} is not an object")
        props = artifact.get("properties") or {}
        if not isinstance(props, dict):
            raise TemplateError(f"{directory / 'manifest.json'}: the properties of {artifact_id} are not an object")
        kind = artifact.get("type")
        if kind == "aws:cloudformation:stack" and props.get("templateFile") is not None:
            template = directory / str(props["templateFile"])
            if not template.is_file():
                raise TemplateError(f"{directory / 'manifest.json'}: stack {artifact_id}: template {template} is missing")
            _load_file(template, _relative(template, root), out, region=region,
                       assets=_asset_hashes(directory, artifacts, str(artifact_id)),
                       acknowledged=_cdk_acknowledgments(directory, artifact))
        elif kind == "cdk:cloud-assembly" and props.get("directoryName") is not None:
            nested = directory / str(props["directoryName"])
            if not (nested / "manifest.json").is_file():
                raise TemplateError(f"{directory / 'manifest.json'}: nested assembly {artifact_id}: {nested} has no "
                                    "manifest.json")
            _load_assembly(nested, root, out, region=region, seen=seen)


def _cdk_acknowledgments(directory: Path, artifact: Mapping[str, Any]) -> dict[str, dict[str, str]]:
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
            data, _ = read_source(directory / extra)
        except TemplateError:
            data = None  # unreadable metadata only loses CDK acknowledgments; the template is checked
        if isinstance(data, dict):
            metadata.update(data)
    logical_ids: dict[str, str] = {}
    acks: dict[str, dict[str, str]] = {}
    prefix = f"{PLUGIN_NAME}::"
    for path, entries in metadata.items():
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            if entry.get("type") == "aws:cdk:logicalId" and isinstance(entry.get("data"), str):
                logical_ids[str(path)] = entry["data"]
            elif entry.get("type") == "aws:cdk:acknowledged-rules" and isinstance(entry.get("data"), dict):
                ours = {k.removeprefix(prefix): str(v) for k, v in entry["data"].items()
                        if isinstance(k, str) and k.startswith(prefix) and str(v).strip()}
                if ours:
                    acks.setdefault(str(path), {}).update(ours)
    found: dict[str, dict[str, str]] = {}
    for path, lid in logical_ids.items():
        for at, rules in acks.items():
            if path == at or path.startswith(at.rstrip("/") + "/"):
                found.setdefault(lid, {}).update(rules)
    return found


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _scan(directory: Path, root: Path, out: Loaded, *, region: str) -> None:
    """Every template below ``directory``: cloud assemblies as assemblies, other files when
    they parse as templates; files that are no templates are skipped (and counted). A
    template another one below ``directory`` names as its nested stack is read through
    that parent only (once, under the parent's name)."""
    found: list[tuple[Path, tuple[Any, SourceFile]]] = []
    for current, dirs, files in os.walk(directory):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        if (here / "manifest.json").is_file() and here != directory:
            dirs[:] = []
            _load_assembly(here, root, out, region=region, seen=set())
            continue
        for name in sorted(files):
            path = here / name
            if not name.endswith(TEMPLATE_SUFFIXES):
                continue
            if name.endswith(".nested.template.json"):
                continue  # read through its parent stack
            try:
                data, source = read_source(path)
            except TemplateError:
                if _looks_like_template(path):
                    raise
                out.skipped.append(path)
                continue
            if not is_template(data):
                out.skipped.append(path)
                continue
            found.append((path, (data, source)))
    nested = {child.resolve() for path, (data, _) in found for _, child in _nested_templates(data, path.parent, {})}
    for path, read in found:
        if path.resolve() not in nested:
            _load_file(path, _relative(path, root), out, region=region, read=read)


def _looks_like_template(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return True
    return bool(_LOOKS_LIKE_TEMPLATE.search(head.decode("utf-8", "replace")))


def load_paths(paths: Sequence[str | Path], *, region: str = sam.DEFAULT_REGION, only_templates: bool = False) -> Loaded:
    """Every template at ``paths``: a ``cdk.out`` (every stack, nested stages and nested
    stacks included), a template file (JSON, YAML, SAM), or any directory (every template
    below it). Raises TemplateError for the first input that cannot be read; with
    ``only_templates`` a given file that is no template (as a scan would) is skipped."""
    out = Loaded()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            before = len(out.templates)
            if (p / "manifest.json").is_file():
                _load_assembly(p, p, out, region=region, seen=set())
            else:
                _scan(p, p, out, region=region)
            if len(out.templates) == before:
                raise TemplateError(f"{p}: no templates (expected a cdk.out directory with manifest.json, or "
                                    "CloudFormation / SAM templates below it)")
        elif p.is_file():
            if only_templates and not _looks_like_template(p):
                out.skipped.append(p)
                continue
            _load_file(p, p.name if len(paths) == 1 else str(p), out, region=region)
        else:
            raise TemplateError(f"{p}: no such file or directory")
    return out


def load_path(path: str | Path) -> list[TemplateModel]:
    """The templates at ``path`` (see :func:`load_paths`)."""
    return load_paths([path]).models


# --------------------------------------------------------------------------------------
# Lines of resources in JSON
# --------------------------------------------------------------------------------------
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def json_resource_lines(text: str) -> dict[str, int]:
    """The 1-based line of every key of the top-level ``Resources`` object of a JSON text."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines: dict[str, int] = {}
    stack: list[list[Any]] = []  # [container, expecting a key, current key]
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            stack.append(["{", True, None])
        elif token == "[":
            stack.append(["[", False, None])
        elif token in "}]":
            if stack:
                stack.pop()
            if not stack and lines:
                break
        elif token == ",":
            if stack and stack[-1][0] == "{":
                stack[-1][1] = True
        elif token == ":":
            if stack:
                stack[-1][1] = False
        elif stack and stack[-1][0] == "{" and stack[-1][1]:
            try:
                key = json.loads(token)
            except ValueError:
                key = token.strip('"')
            stack[-1][2] = key
            if len(stack) == 2 and stack[0][2] == "Resources":
                lines.setdefault(key, bisect.bisect_left(newlines, match.start()) + 1)
    return lines
