"""Snapshots of every reference stack in app.py, with asset hashes normalised, plus
assertions on the promises each reference stack makes (snapshots complement them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import ROOT

#: An asset hash: 64 hex characters (S3 keys, asset paths, bootstrap metadata).
ASSET_HASH = re.compile(r"[0-9a-f]{64}")
#: The logical id of a function's ``current_version``: aws-cdk-lib appends a hash of the
#: function's configuration, code asset included, to the path hash, so it changes with
#: every edit of the handler. The path hash (8 upper-case hex) stays; the rest is masked.
VERSION_HASH = re.compile(r"(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}")


def _mask(text: str) -> str:
    return VERSION_HASH.sub(r"\1<version-hash>", ASSET_HASH.sub("<asset-hash>", text))


def normalise_assets(value: Any) -> Any:
    """Replace asset hashes so a snapshot changes only when the template does."""
    if isinstance(value, dict):
        return {_mask(k): normalise_assets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise_assets(v) for v in value]
    if isinstance(value, str):
        return _mask(value)
    return value


class TemplateSnapshot(JSONSnapshotExtension):
    """One readable JSON file per stack under tests/snapshots/."""

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return str(Path(ROOT) / "tests" / "snapshots")


@pytest.fixture
def template_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(TemplateSnapshot)


def test_every_reference_stack_matches_its_snapshot(
    reference_templates: dict[str, dict[str, Any]], template_snapshot: SnapshotAssertion
) -> None:
    for name in sorted(reference_templates):
        assert normalise_assets(reference_templates[name]) == template_snapshot(name=name)


def test_snapshot_files_match_the_stacks(reference_templates: dict[str, dict[str, Any]]) -> None:
    """A removed or renamed stack must not leave a stale snapshot behind."""
    on_disk = {p.name.split("[", 1)[1].split("]", 1)[0] for p in (ROOT / "tests" / "snapshots").glob("*.json")}
    assert on_disk == set(reference_templates)


def test_normalise_assets_masks_only_hashes() -> None:
    h = "a" * 64
    assert normalise_assets({"S3Key": f"{h}.zip", "n": 1, "l": [h]}) == {
        "S3Key": "<asset-hash>.zip",
        "n": 1,
        "l": ["<asset-hash>"],
    }


def test_normalise_assets_masks_the_code_hash_of_version_ids_only() -> None:
    version = "FnCurrentVersion1B23829D" + "0123456789abcdef" * 2
    masked = "FnCurrentVersion1B23829D<version-hash>"
    assert normalise_assets({version: {"Ref": version}, "FnCurrentVersion": 1}) == {
        masked: {"Ref": masked},
        "FnCurrentVersion": 1,
    }


def _resources(template: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [r.get("Properties", {}) for r in template["Resources"].values() if r["Type"] == rtype]


def test_queue_consumer_example_promises(reference_templates: dict[str, dict[str, Any]]) -> None:
    template = reference_templates["QueueConsumerExample"]
    (function,) = _resources(template, "AWS::Lambda::Function")
    assert function["Timeout"] == 20
    assert function["ReservedConcurrentExecutions"] == 5
    assert function["Handler"] == "payments.handler.lambda_handler"
    assert len(function["Layers"]) == 1
    (mapping,) = _resources(template, "AWS::Lambda::EventSourceMapping")
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 5}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    source = next(q for q in _resources(template, "AWS::SQS::Queue") if "RedrivePolicy" in q)
    assert source["VisibilityTimeout"] == 120
    assert source["RedrivePolicy"]["maxReceiveCount"] == 5
