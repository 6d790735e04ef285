"""Benchmark (not a test): what one ``constructs-lib`` command costs per process on a small
template, against ``python -c "import yaml"`` (the floor: an interpreter and a YAML parser).

    .venv/bin/python bench/bench_startup.py [--runs 30] [--template PATH]

For each command: the median wall time of ``--runs`` fresh processes, its ratio to the
floor, how many modules it imported and which heavy ones (SimPy, aws-cdk-lib, jsii, boto3,
the SAM translator) among them. Bytecode is written (as an installed package has it), so
the first run of each command is a warm-up and not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE = ROOT / "tests" / "fixtures" / "checks_good_consumer.json"
HEAVY = ("simpy", "aws_cdk", "jsii", "boto3", "botocore", "samtranslator")

PROBE = (
    "import json, sys\n"
    "from constructs_lib.cli import main\n"
    "import contextlib, io\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = main(sys.argv[1:])\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _median_ms(argv: list[str], runs: int) -> float:
    subprocess.run(argv, env=_env(), cwd=ROOT, capture_output=True, check=False)  # warm-up: writes bytecode
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=_env(), cwd=ROOT, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _modules(args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=_env(), cwd=ROOT, capture_output=True,
                          text=True, check=False)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--template", default=str(DEFAULT_TEMPLATE))
    args = parser.parse_args()
    floor = _median_ms([sys.executable, "-c", "import yaml"], args.runs)
    commands = {
        "check": ["check", args.template],
        "rules": ["rules"],
        "explain": ["explain", args.template],
        "simulate": ["simulate", args.template, "--scenario", "poison", "--events", "20"],
    }
    print(f"floor: python -c 'import yaml'  {floor:6.1f} ms (median of {args.runs})")
    print(f"{'command':10} {'median ms':>9} {'x floor':>8} {'modules':>8}  heavy modules loaded")
    for name, cli_args in commands.items():
        ms = _median_ms([sys.executable, "-m", "constructs_lib", *cli_args], args.runs)
        modules = _modules(cli_args)
        heavy = sorted({m.split(".")[0] for m in modules if m.split(".")[0] in HEAVY})
        print(f"{name:10} {ms:9.1f} {ms / floor:8.2f} {len(modules):8d}  {', '.join(heavy) or '-'}")


if __name__ == "__main__":
    main()
