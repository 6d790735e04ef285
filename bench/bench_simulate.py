"""Benchmark (not a test): how fast ``constructs-lib simulate`` runs on the reference app.

    .venv/bin/python bench/bench_simulate.py [PATH] [--events 200 2000] [--repeat 3]

PATH is a cdk.out directory (``npx cdk synth -o DIR``); without it the reference app's
templates come from the test snapshots (exactly what `cdk synth` writes). Prints, per
scenario and event count: the wall time of ``simulate`` in this process (best of
``--repeat``), events simulated per second (events x functions / time), and the
processing time of the whole command (``constructs-lib simulate ...`` in a fresh
interpreter: start-up, loading the templates, the simulation, the output) for each of
the four scenarios and their total.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from constructs_lib.template.loader import load_path  # noqa: E402
from constructs_lib.simulate import SCENARIOS, simulate  # noqa: E402


def snapshot_dir(into: Path) -> Path:
    for snapshot in sorted((ROOT / "tests" / "snapshots").glob("*.json")):
        name = snapshot.name.split("[", 1)[1].removesuffix("].json")
        (into / f"{name}.template.json").write_text(snapshot.read_text())
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="a cdk.out directory (default: the reference app's snapshots)")
    parser.add_argument("--events", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.path) if args.path else snapshot_dir(Path(tmp))
        models = load_path(path)
        print(f"{path}: {len(models)} templates")
        print(f"{'scenario':<8} {'events':>7} {'functions':>9} {'best s':>8} {'events/s':>10}  outcome (lost / pending)")
        for n in args.events:
            for name in SCENARIOS:
                best, report = float("inf"), None
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    report = simulate(models, name, events=n)
                    best = min(best, time.perf_counter() - start)
                assert report is not None
                total = sum(f.events + f.filtered for f in report.functions)
                lost = sum(f.lost for f in report.functions)
                pending = sum(f.pending for f in report.functions)
                print(f"{name:<8} {n:>7} {len(report.functions):>9} {best:>8.3f} {total / best:>10,.0f}  {lost} / {pending}")
        print()
        command_total = 0.0
        for name in SCENARIOS:
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "constructs_lib", "simulate", str(path), "--scenario", name, "--format", "json"],
                capture_output=True, text=True, cwd=ROOT,
            )
            elapsed = time.perf_counter() - start
            command_total += elapsed
            functions = len(json.loads(done.stdout)["functions"]) if done.stdout else 0
            print(f"constructs-lib simulate PATH --scenario {name:<7} {elapsed:6.2f} s  (exit {done.returncode}, {functions} functions)")
        print(f"all four scenarios, whole command: {command_total:.2f} s")


if __name__ == "__main__":
    main()
