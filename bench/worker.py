"""One measurement in a fresh process; prints one JSON object on stdout.

    python -m bench.worker synth CASE VARIANT [--repeat N]
    python -m bench.worker pair CASE [--repeat N]
    python -m bench.worker scale VARIANT N

Every measurement runs in its own interpreter (and so its own jsii node process): nothing
is cached from another variant, and the peak memory is this app's alone.

- ``synth``: imports, one warm-up build + synth (reported as ``first_s``: what a one-off
  ``cdk synth`` of a small app pays beyond the imports), then ``--repeat`` timed runs of
  one instance in a fresh ``App``: ``construct_s`` (building the instance: our validation
  and derivation run here), ``synth_s`` (``app.synth()``: jsii resolves and writes the
  template), ``jsii_calls`` (Python -> node round trips while building the instance). Template size is the bytes ``cdk synth`` writes; the checks run on it.
- ``scale``: an app of N instances rotating over the five invocation models, 20 per stack
  (CloudFormation allows 500 resources per stack); wall time of build + synth, and the
  peak resident memory of the Python process and of jsii's node child (``VmHWM`` from
  /proc, the child's read before it exits; ``tracemalloc`` would see Python objects only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

T_START = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from aws_cdk import App, Stack  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402

from bench import variants  # noqa: E402

#: jsii round trips (Python -> node requests, callbacks included): the unit of cost of
#: everything a construct does through aws-cdk-lib.
JSII_CALLS = [0]
#: When set, the source line (in constructs_lib or bench) that made each round trip.
TRACE: list[Counter[str]] = []


def _count_jsii_calls() -> None:
    from jsii._kernel.providers import process

    original = process._NodeProcess.send

    def send(self: Any, request: Any, response_type: Any) -> Any:
        JSII_CALLS[0] += 1
        if TRACE:
            TRACE[0][_caller()] += 1
        return original(self, request, response_type)

    process._NodeProcess.send = send  # type: ignore[method-assign]


def _caller() -> str:
    """``module.py: source line`` of the innermost frame in constructs_lib or bench."""
    for frame in reversed(traceback.extract_stack(limit=60)[:-2]):  # not _caller / send
        if "/constructs_lib/" in frame.filename or "/bench/" in frame.filename:
            return f"{Path(frame.filename).name}: {(frame.line or '').strip()}"
    return "?"


_count_jsii_calls()

CODE_SRC = "def handler(event, context):\n    return {}\n"
PER_STACK = 20


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (jsii's node process and anything it started)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory() -> dict[str, float]:
    """Peak RSS in MiB: this Python process and its node child(ren)."""
    # VmHWM of this process, not ru_maxrss: Linux carries ru_maxrss over fork + exec, so it
    # would report the parent's peak when that is larger.
    python_kb = _status_kb(os.getpid(), "VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    node_kb = sum(_status_kb(pid, "VmHWM") for pid in _children(os.getpid()))
    # A child that already exited (none expected) would show up here instead.
    node_kb += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"python_mib": python_kb / 1024, "node_mib": node_kb / 1024}


def _template_facts(assembly: Any, stacks: list[Stack]) -> dict[str, Any]:
    from constructs_lib.checks import run_checks
    from constructs_lib.template.model import TemplateModel

    models, size, resources = [], 0, 0
    for stack in stacks:
        artifact = assembly.get_stack_artifact(stack.artifact_id)
        size += Path(artifact.template_full_path).stat().st_size
        template = artifact.template
        resources += len(template.get("Resources", {}))
        models.append(TemplateModel(template, name=stack.stack_name))
    findings = run_checks(models)
    return {
        "resources": resources,
        "template_bytes": size,
        "findings": sorted({(f.rule_id, f.level) for f in findings if f.applicable}),
    }


def run_synth(case: str, variant: str, repeat: int) -> dict[str, Any]:
    if variant == "solutions" and not variants.solutions_available():
        return {"case": case, "variant": variant, "unavailable": True}
    builder = variants.BUILDERS[(case, variant)]
    code = lambda_.Code.from_inline(CODE_SRC)
    imports_s = time.perf_counter() - T_START
    construct, synth, first, calls = [], [], 0.0, 0
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat + 1):
            outdir = f"{tmp}/out{i}"
            app = App(outdir=outdir)
            stack = Stack(app, "Bench")
            before = JSII_CALLS[0]
            t0 = time.perf_counter()
            builder(stack, "Bench", code)
            t1 = time.perf_counter()
            calls = JSII_CALLS[0] - before
            assembly = app.synth()
            t2 = time.perf_counter()
            if i == 0:
                first = t2 - t0
                facts = _template_facts(assembly, [stack])
            else:
                construct.append(t1 - t0)
                synth.append(t2 - t1)
        # One more, untimed build with every round trip's source line recorded.
        traced = Stack(App(outdir=f"{tmp}/traced"), "Bench")
        TRACE.append(Counter())
        builder(traced, "Bench", code)
        sources = TRACE.pop()
    return {
        "case": case,
        "variant": variant,
        "jsii_sources": sources.most_common(),
        "imports_s": imports_s,
        "first_s": first,
        "construct_s": construct,
        "synth_s": synth,
        "jsii_calls": calls,
        **facts,
        **memory(),
    }


def run_pair(case: str, repeat: int) -> dict[str, Any]:
    """Ours and the hand-written equivalent side by side in one warm process, alternating
    which goes first, so a burst of load on the shared machine hits both alike: the warm
    time (build + synth) of each, per round."""
    code = lambda_.Code.from_inline(CODE_SRC)
    builders = {v: variants.BUILDERS[(case, v)] for v in ("ours", "equivalent")}
    times: dict[str, list[float]] = {"ours": [], "equivalent": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat + 1):
            order = ("ours", "equivalent") if i % 2 == 0 else ("equivalent", "ours")
            for variant in order:
                app = App(outdir=f"{tmp}/{variant}{i}")
                stack = Stack(app, "Bench")
                t0 = time.perf_counter()
                builders[variant](stack, "Bench", code)
                app.synth()
                if i:  # round 0 warms both up
                    times[variant].append(time.perf_counter() - t0)
    return {"case": case, "ours_s": times["ours"], "equivalent_s": times["equivalent"]}


def run_scale(variant: str, count: int) -> dict[str, Any]:
    code = lambda_.Code.from_inline(CODE_SRC)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app = App(outdir=tmp)
        stacks: list[Stack] = []
        for i in range(count):
            if i % PER_STACK == 0:
                stacks.append(Stack(app, f"Scale{i // PER_STACK}"))
            case = variants.CASES[i % len(variants.CASES)]
            variants.BUILDERS[(case, variant)](stacks[-1], f"C{i}", code)
        t1 = time.perf_counter()
        assembly = app.synth()
        t2 = time.perf_counter()
        facts = _template_facts(assembly, stacks)
    return {
        "variant": variant,
        "count": count,
        "construct_s": t1 - t0,
        "synth_s": t2 - t1,
        "total_s": t2 - t0,
        "resources": facts["resources"],
        "template_bytes": facts["template_bytes"],
        **memory(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("synth")
    s.add_argument("case", choices=variants.CASES)
    s.add_argument("variant", choices=variants.VARIANTS)
    s.add_argument("--repeat", type=int, default=5)
    p = sub.add_parser("pair")
    p.add_argument("case", choices=variants.CASES)
    p.add_argument("--repeat", type=int, default=20)
    c = sub.add_parser("scale")
    c.add_argument("variant", choices=("ours", "equivalent"))
    c.add_argument("count", type=int)
    args = parser.parse_args(argv)
    if args.command == "synth":
        result = run_synth(args.case, args.variant, args.repeat)
    elif args.command == "pair":
        result = run_pair(args.case, args.repeat)
    else:
        result = run_scale(args.variant, args.count)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
