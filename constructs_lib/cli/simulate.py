"""``constructs-lib simulate PATH [PATH ...] --scenario NAME [--events N] [--seed S] [--format text|json]``.

PATH as for ``check``: ``cdk.out`` directories, CloudFormation or SAM templates, or
directories of them; several may be given."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from constructs_lib.cli import _io
from constructs_lib.simulate.scenarios import DEFAULT_EVENTS, DEFAULT_SEED, SCENARIOS


#: The most events per function one run simulates: 100,000 already takes seconds per
#: function, and the scenarios' fractions (5 % poison...) are stable long before that.
MAX_EVENTS = 100_000


def _events(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of events") from None
    if not 1 <= value <= MAX_EVENTS:
        raise argparse.ArgumentTypeError(f"{value} events: simulate 1 to {MAX_EVENTS:,} per function")
    return value


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", metavar="PATH", nargs="+",
        help="cdk.out directories, CloudFormation or SAM templates (JSON or YAML), or directories of them",
    )
    parser.add_argument(
        "--scenario", required=True, choices=tuple(SCENARIOS),
        help="; ".join(f"{s.name}: {s.summary}" for s in SCENARIOS.values()),
    )
    parser.add_argument("--events", type=_events, default=DEFAULT_EVENTS, metavar="N",
                        help="events per function (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                        help="random seed; the same seed gives the same result (default %(default)s)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    _io.add_input_arguments(parser)


def run_simulate(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Exit 0 when nothing is lost or pending, 1 otherwise, 2 when PATH cannot be read."""
    from constructs_lib.checks.rules import ALL_RULES
    from constructs_lib.simulate.report import write_text
    from constructs_lib.simulate.run import simulate

    out = out or sys.stdout
    err = err or sys.stderr
    loaded = _io.load(args.paths, args, err)  # the reading layer; unreadable input: one line each
    if loaded is None:
        return 2
    models = loaded.models
    report = simulate(models, args.scenario, events=args.events, seed=args.seed)
    if args.format == "json":
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
        for note in report.notes:
            print(f"note: {note}", file=err)
    else:
        write_text(report, out, rule_fixes={rule.id: rule.fix for rule in ALL_RULES})
    return _io.exit_code(1 if any(f.lost or f.pending for f in report.functions) else 0, loaded)
