"""Templates the simulation tests share: the reference app (its snapshots are exactly what
`cdk synth` writes, asserted by tests/test_reference_stacks.py) and small hand-made ones."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from constructs_lib.template.model import TemplateModel

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"


def reference_templates() -> dict[str, dict[str, Any]]:
    """Every reference stack's template, by stack name (pure: read from the snapshots)."""
    found = {}
    for path in sorted(SNAPSHOTS.glob("test_every_reference_stack_matches_its_snapshot[[]*[]].json")):
        name = path.name.split("[", 1)[1].removesuffix("].json")
        found[name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def model(template: dict[str, Any], name: str = "T") -> TemplateModel:
    return TemplateModel(template, name=name)


def resources(template: dict[str, Any], type_: str) -> Iterator[dict[str, Any]]:
    for res in template["Resources"].values():
        if res["Type"] == type_:
            yield res.setdefault("Properties", {})


def mutated(template: dict[str, Any], mutation: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(template)
    mutation(copied)
    return copied
