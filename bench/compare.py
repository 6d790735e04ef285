"""Check that the hand-written benchmark code makes the same resources as our constructs.

    python -m bench.compare

For each invocation model, synthesize ``ours`` and ``equivalent`` (bench/handwritten.py)
and compare every resource by logical id: type, properties and DependsOn must be equal;
only alarm descriptions and the dashboard's text widget may differ (ours name the construct
path and say what to do).
Prints one line per model and exits 1 when any differs, so the ratios in
docs/benchmarks.md always compare like with like.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Properties allowed to differ: free text.
FREE_TEXT = {("AWS::CloudWatch::Alarm", "AlarmDescription")}
#: A dashboard text widget's markdown is free text too (ours names the construct's path).
_MARKDOWN = re.compile(r'"markdown":"(?:[^"\\]|\\.)*"')


def _without_free_text(resource_type: str, key: str, value: Any) -> Any:
    """A dashboard body (a string, or Fn::Join parts) with every text widget's markdown blanked."""
    if (resource_type, key) != ("AWS::CloudWatch::Dashboard", "DashboardBody"):
        return value
    if isinstance(value, str):
        return _MARKDOWN.sub('"markdown":""', value)
    if isinstance(value, list):
        return [_without_free_text(resource_type, key, v) for v in value]
    if isinstance(value, dict):
        return {k: _without_free_text(resource_type, key, v) for k, v in value.items()}
    return value


def _template(case: str, variant: str) -> dict[str, Any]:
    from aws_cdk import App, Stack
    from aws_cdk import aws_lambda as lambda_

    from bench import variants

    app = App()
    stack = Stack(app, "Bench")
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    variants.BUILDERS[(case, variant)](stack, "Bench", code)
    return dict(app.synth().get_stack_by_name("Bench").template)


def differences(ours: dict[str, Any], hand: dict[str, Any]) -> list[str]:
    """What differs between two templates' resources (pure)."""
    found = []
    a, b = ours.get("Resources", {}), hand.get("Resources", {})
    for logical_id in sorted(set(a) | set(b)):
        ra, rb = a.get(logical_id), b.get(logical_id)
        if ra is None or rb is None:
            found.append(f"{logical_id} only in {'ours' if rb is None else 'hand-written'}")
            continue
        if ra["Type"] != rb["Type"] or ra.get("DependsOn") != rb.get("DependsOn"):
            found.append(f"{logical_id} type or DependsOn")
        pa, pb = ra.get("Properties", {}), rb.get("Properties", {})
        for key in sorted(set(pa) | set(pb)):
            va, vb = (_without_free_text(ra["Type"], key, p.get(key)) for p in (pa, pb))
            if va != vb and (ra["Type"], key) not in FREE_TEXT:
                found.append(f"{logical_id}.{key}")
    return found


def compare() -> dict[str, list[str]]:
    from bench.variants import CASES

    return {case: differences(_template(case, "ours"), _template(case, "equivalent")) for case in CASES}


def main() -> None:
    result = compare()
    for case, diffs in result.items():
        print(f"{case}: " + ("same resources and alarms" if not diffs else "DIFFERS " + ", ".join(diffs)))
    print(json.dumps(result))
    sys.exit(1 if any(result.values()) else 0)


if __name__ == "__main__":
    main()
