"""Run every benchmark and write docs/benchmarks.md (``make bench``).

    python -m bench [--processes 3] [--repeat 10] [--scale-runs 3] [--out docs/benchmarks.md]

Figures, not tests: nothing here passes or fails on a number. Every measurement runs in a
fresh interpreter (``bench.worker``); the processes of different variants are
interleaved, so a burst of load on this shared machine hits all of them alike. The
minimum is the best estimate of the cost itself, the median shows the noise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import variants  # noqa: E402
from bench.report import render  # noqa: E402

SCALE_SIZES = (1, 10, 50, 200)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    return env


def _worker(*args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=str(ROOT),
        env=_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench.worker {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        mem = int(Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, env=_env()).stdout.strip()
    versions = {}
    for dist in ("aws-cdk-lib", "constructs", "jsii", "cdk-nag", "constructs-lib", "aws-lambda-powertools"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    # Not imported here: that would start a jsii node process in this orchestrator.
    installed = (variants.SOLUTIONS_DIR / "aws_solutions_constructs" / "core").is_dir()
    versions["aws-solutions-constructs"] = variants.SOLUTIONS_VERSION if installed else "not installed"
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_mib": mem,
        "loadavg": os.getloadavg(),
        "python": platform.python_version(),
        "node": node,
        "versions": versions,
    }


def synth_matrix(processes: int, repeat: int) -> list[dict[str, Any]]:
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in range(processes):
        for case in variants.CASES:
            for variant in variants.VARIANTS:
                if (case, variant) not in variants.BUILDERS:
                    continue
                _log(f"synth {case}/{variant} process {p + 1}/{processes}")
                runs.setdefault((case, variant), []).append(_worker("synth", case, variant, "--repeat", str(repeat)))
    results = []
    for (case, variant), rs in runs.items():
        if rs[0].get("unavailable"):
            results.append({"case": case, "variant": variant, "unavailable": True})
            continue
        warm = [c + s for r in rs for c, s in zip(r["construct_s"], r["synth_s"])]
        construct = [c for r in rs for c in r["construct_s"]]
        cold = [r["first_s"] for r in rs]
        results.append(
            {
                "case": case,
                "variant": variant,
                "cold_min": min(cold),
                "cold_median": statistics.median(cold),
                "warm_min": min(warm),
                "warm_median": statistics.median(warm),
                "construct_median": statistics.median(construct),
                "imports_median": statistics.median(r["imports_s"] for r in rs),
                "resources": rs[0]["resources"],
                "template_bytes": rs[0]["template_bytes"],
                "findings": rs[0]["findings"],
                "node_mib": max(r["node_mib"] for r in rs),
                "jsii_calls": rs[0].get("jsii_calls"),
                "jsii_sources": rs[0].get("jsii_sources", []),
                "samples": len(warm),
            }
        )
    return results


def pairs(processes: int, repeat: int) -> list[dict[str, Any]]:
    """Ours against the hand-written equivalent, side by side in the same processes."""
    rows = []
    for case in variants.CASES:
        ours: list[float] = []
        hand: list[float] = []
        for p in range(processes):
            _log(f"pair {case} process {p + 1}/{processes}")
            r = _worker("pair", case, "--repeat", str(repeat))
            ours += r["ours_s"]
            hand += r["equivalent_s"]
        rows.append(
            {
                "case": case,
                "ours_min": min(ours),
                "hand_min": min(hand),
                "ours_median": statistics.median(ours),
                "hand_median": statistics.median(hand),
                "ratio_min": min(ours) / min(hand),
                "ratio_median": statistics.median(ours) / statistics.median(hand),
                "ratio_paired": statistics.median(o / h for o, h in zip(ours, hand)),
                "samples": len(ours),
            }
        )
    return rows


def equivalence() -> dict[str, list[str]]:
    """bench/compare.py: does the hand-written code make the same resources as ours?"""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.compare"], cwd=str(ROOT), env=_env(), capture_output=True, text=True
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def print_costs(results: dict[str, Any]) -> None:
    """The per-construct cost table on stdout (make bench prints it)."""
    from bench.report import cost_rows

    same = results["equivalence"]
    print("\nSynth cost per construct, defaults vs the same resources and alarms by hand (side by side):")
    print(f"{'construct':<28} {'jsii ours':>9} {'jsii hand':>9} {'ratio min':>9} {'median':>7} {'paired':>7}  same")
    for r in cost_rows(results["synth"], results["pairs"]):
        print(
            f"{variants.CASE_TITLES[r['case']]:<28} {r['jsii_ours']:>9} {r['jsii_hand']:>9} {r['ratio_min']:>9.2f} "
            f"{r['ratio_median']:>7.2f} {r['ratio_paired']:>7.2f}  {'yes' if not same.get(r['case']) else 'NO'}"
        )


def scaling(runs: int) -> list[dict[str, Any]]:
    raw: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in range(runs):
        for count in SCALE_SIZES:
            for variant in ("ours", "equivalent"):
                _log(f"scale {variant} x{count} run {r + 1}/{runs}")
                raw.setdefault((variant, count), []).append(_worker("scale", variant, str(count)))
    rows = []
    for (variant, count), rs in sorted(raw.items()):
        totals = [r["total_s"] for r in rs]
        rows.append(
            {
                "variant": variant,
                "count": count,
                "resources": rs[0]["resources"],
                "template_bytes": rs[0]["template_bytes"],
                "total_min": min(totals),
                "total_median": statistics.median(totals),
                "construct_median": statistics.median(r["construct_s"] for r in rs),
                "synth_median": statistics.median(r["synth_s"] for r in rs),
                "python_mib": max(r["python_mib"] for r in rs),
                "node_mib": max(r["node_mib"] for r in rs),
                "runs": len(rs),
            }
        )
    return rows


def checks(repeat: int) -> str:
    """bench/bench_checks.py's own table (it is the checks benchmark; not duplicated here)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_checks.py"), "--repeat", str(repeat)],
        cwd=str(ROOT),
        env=_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return f"bench/bench_checks.py failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
    return proc.stdout.rstrip()


def handlers(repeat: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.handlers", "--repeat", str(repeat)],
        cwd=str(ROOT),
        env=_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr[-2000:]}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per variant (default 3)")
    parser.add_argument("--repeat", type=int, default=10, help="warm runs per process (default 10)")
    parser.add_argument("--scale-runs", type=int, default=2, help="runs per scaling size (default 2)")
    parser.add_argument("--import-runs", type=int, default=5, help="runs per handler import (default 5)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--json", default=None, help="also write the raw results here")
    parser.add_argument("--from-json", default=None, help="only render --out from results saved with --json")
    parser.add_argument(
        "--only", choices=("all", "synth"), default="all",
        help="synth: only the per-construct synth matrix (and the cost table), no scaling, checks or handlers",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        Path(args.out).write_text(render(json.loads(Path(args.from_json).read_text())))
        return

    start = time.perf_counter()
    results: dict[str, Any] = {"machine": machine()}
    _log(f"machine: {results['machine']['cpu']} x{results['machine']['cpus']}")
    results["equivalence"] = equivalence()
    results["synth"] = synth_matrix(args.processes, args.repeat)
    results["pairs"] = pairs(args.processes, args.repeat * 2)
    print_costs(results)
    if args.only == "all":
        results["scaling"] = scaling(args.scale_runs)
        _log("checks: bench/bench_checks.py")
        results["checks"] = checks(3)
        _log("handlers: packages and import times")
        results["handlers"] = handlers(args.import_runs)
    results["settings"] = vars(args) | {"elapsed_s": time.perf_counter() - start}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(render(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    _log(f"wrote {args.out} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
