"""``constructs-lib simulate PATH [PATH ...] --scenario NAME [--events N] [--seed S] [--format text|json]
[--fail-on lost|duplicates|any|none] [--account-concurrency N] [--noisy NAME] [--plot FILE]``.

PATH as for ``check``: ``cdk.out`` directories, CloudFormation or SAM templates, or
directories of them; several may be given."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from constructs_lib import limits
from constructs_lib.cli import _io, _term
from constructs_lib.simulate.scenarios import DEFAULT_EVENTS, DEFAULT_SEED, SCENARIOS
from constructs_lib.template.text import printable

#: The most events per function one run simulates: 100,000 already takes seconds per
#: function, and a scenario's verdict does not change with the number of events.
MAX_EVENTS = 100_000
#: What makes the command exit 1 (``constructs_lib.simulate.report.failed``), least strict last.
FAIL_ON = ("lost", "duplicates", "any", "none")
DEFAULT_FAIL_ON = "lost"
#: The largest account concurrency one run accepts (AWS raises the quota on request).
MAX_ACCOUNT_CONCURRENCY = 1_000_000


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", metavar="PATH", nargs="+",
        help="cdk.out directories, CloudFormation or SAM templates (JSON or YAML), or directories of them",
    )
    parser.add_argument(
        "--scenario", required=True, choices=tuple(SCENARIOS),
        # argparse formats help with %: a scenario's "5 %" must be escaped.
        help="; ".join(f"{s.name}: {s.summary}" for s in SCENARIOS.values()).replace("%", "%%"),
    )
    parser.add_argument("--events", type=_io.whole_number("events", 1, MAX_EVENTS), default=DEFAULT_EVENTS, metavar="N",
                        help="events per function (default %(default)s); the verdict does not depend on it")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                        help="random seed; the same seed gives the same result (default %(default)s)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument(
        "--fail-on", choices=FAIL_ON, default=DEFAULT_FAIL_ON,
        help="exit 1 when: lost - an event is lost or a value AWS refuses stops a trigger (default); "
        "duplicates - also when an event is processed twice; any - also when an event is dead-lettered, "
        "kept as metadata only, answered with an error or a caller timed out; none - never",
    )
    parser.add_argument(
        "--account-concurrency", type=_io.whole_number("account concurrency", limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY,
                                             MAX_ACCOUNT_CONCURRENCY),
        default=limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY, metavar="N",
        help="the Region's concurrency all simulated functions share (default %(default)s, Lambda's default quota)",
    )
    parser.add_argument("--noisy", metavar="NAME",
                        help="noisy-neighbour: the function that bursts (its path, logical id or template/logical id; "
                        "default: the first without reserved concurrency)")
    parser.add_argument("--plot", metavar="FILE",
                        help="draw each function's timeline into FILE (PNG, SVG or PDF; needs the plot extra: "
                        "pip install 'constructs-lib[plot]')")
    _io.add_input_arguments(parser)


def run_simulate(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Exit 1 when the report fails at ``--fail-on`` (default: an event lost or pending, or a
    value AWS refuses), 0 otherwise, 2 when PATH cannot be read or an argument is wrong."""
    from constructs_lib.simulate.report import failed, write_text
    from constructs_lib.simulate.run import simulate

    out = out or sys.stdout
    err = err or sys.stderr
    fail_on = getattr(args, "fail_on", DEFAULT_FAIL_ON)
    plot = getattr(args, "plot", None)
    if plot is not None:
        from constructs_lib.simulate.plot import PlotUnavailable, check_plot_path

        try:
            check_plot_path(plot)
        except PlotUnavailable as exc:
            _term.say(err, f"error: {exc}")
            return 2
    loaded = _io.load(args.paths, args, err)  # the reading layer; unreadable input: one line each
    if loaded is None:
        return 2
    models = loaded.models
    try:
        with _term.Progress(err, f"simulating {args.scenario}") as bar:
            report = simulate(models, args.scenario, events=args.events, seed=args.seed,
                              account_concurrency=getattr(args, "account_concurrency",
                                                          limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY),
                              noisy=getattr(args, "noisy", None), timeline=plot is not None,
                              progress=bar.update if bar.enabled else None)
    except ValueError as exc:
        _term.say(err, printable(f"error: {exc}"))
        return 2
    if args.format == "json":
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
        term = _term.terminal(err)
        write_text(report, err, width=term.width, style=term.style)
    else:
        term = _term.terminal(out)
        write_text(report, out, width=term.width, style=term.style)
    if plot is not None:
        from constructs_lib.simulate.plot import plot_report

        plot_report(report, plot)
        _term.say(err, printable(f"timelines: {plot}"))
    return _io.exit_code(1 if failed(report, fail_on) else 0, loaded)
