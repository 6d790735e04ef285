"""Read templates from disk: a ``cdk.out`` cloud assembly, or a JSON / YAML template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from constructs_lib.checks.model import TemplateModel

#: CloudFormation's YAML short forms (``!Ref X``, ``!GetAtt A.Arn``...) and their long names.
_SHORT_FORMS = (
    "And", "Base64", "Cidr", "Condition", "Equals", "FindInMap", "GetAtt", "GetAZs", "If",
    "ImportValue", "Join", "Not", "Or", "Select", "Split", "Sub", "Transform", "ToJsonString",
    "Length",
)


class TemplateError(ValueError):
    """A path that is neither a cloud assembly nor a readable template."""


def _yaml_loader() -> Any:
    import yaml

    class CfnLoader(yaml.SafeLoader):
        pass

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


def load_template_file(path: Path) -> dict[str, Any]:
    """A JSON or YAML CloudFormation template as a dict (JSON first: it is also YAML)."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        import yaml

        try:
            data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise TemplateError(f"{path}: neither JSON nor YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources section)")
    return data


def _assembly_templates(directory: Path) -> list[Path]:
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return sorted(directory.glob("*.template.json"))
    data = json.loads(manifest.read_text(encoding="utf-8"))
    found: list[Path] = []
    for artifact in (data.get("artifacts") or {}).values():
        props = artifact.get("properties") or {}
        if artifact.get("type") == "aws:cloudformation:stack" and props.get("templateFile"):
            found.append(directory / props["templateFile"])
        elif artifact.get("type") == "cdk:cloud-assembly" and props.get("directoryName"):
            found.extend(_assembly_templates(directory / props["directoryName"]))
    return found


def load_path(path: str | Path) -> list[TemplateModel]:
    """The templates at ``path``: every stack of a cloud assembly (``cdk.out``, nested
    stage assemblies included), or the one template file."""
    p = Path(path)
    if p.is_dir():
        files = _assembly_templates(p)
        if not files:
            raise TemplateError(f"{p}: no templates (expected a cdk.out directory with manifest.json)")
        return [TemplateModel(load_template_file(f), name=str(f.relative_to(p))) for f in files]
    if p.is_file():
        return [TemplateModel(load_template_file(p), name=p.name)]
    raise TemplateError(f"{p}: no such file or directory")
