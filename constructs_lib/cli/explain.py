"""``constructs-lib explain PATH [--duration S] [--format markdown|json] [--output FILE]``:
the report of :mod:`constructs_lib.explain`, written to standard output or a file.

PATH is read as ``check`` reads it (``-``: a template on standard input; ``--allow-path``);
exit status 0, or 2 when some input could not be read (the report covers the rest), the
report could not be written or the arguments are wrong; 141 the reader went away."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TextIO

from constructs_lib.cli import _io, _term
from constructs_lib.explain.defaults import DEFAULT_DURATION_S, MAX_SIMULATED_FUNCTIONS


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH",
                        help="a cdk.out directory, a template file (JSON or YAML), or - (a template on standard input)")
    parser.add_argument(
        "--duration",
        type=_io.positive_seconds,
        default=DEFAULT_DURATION_S,
        metavar="SECONDS",
        help="average invocation duration for the capacity estimate (default %(default)s s)",
    )
    parser.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="output format (default markdown)"
    )
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument(
        "--simulate-up-to", type=_io.whole_number("functions", 0), default=None, metavar="N",
        help=f"simulate the fault scenarios when the app has at most N functions (default {MAX_SIMULATED_FUNCTIONS}: "
        "each adds a few hundredths of a second per scenario; 0 never simulates)",
    )
    _io.add_input_arguments(parser)
    # The report names the command that generated it: this sub-command's own prog
    # ("constructs-lib explain", "python -m constructs_lib explain").
    parser.set_defaults(explain_prog=parser.prog)


def command_line(args: argparse.Namespace) -> str:
    """The command that generated a report, as the user typed it (without ``--output``)."""
    parts = [getattr(args, "explain_prog", "constructs-lib explain"), str(args.path)]
    if args.duration != DEFAULT_DURATION_S:
        parts += ["--duration", f"{args.duration:g}"]
    if getattr(args, "simulate_up_to", None) is not None:
        parts += ["--simulate-up-to", str(args.simulate_up_to)]
    return " ".join(parts)


def run_explain(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from constructs_lib.explain.report import explain, explain_data

    out = out or sys.stdout
    err = err or sys.stderr
    if not (args.duration > 0 and math.isfinite(args.duration)):  # the library's callers skip the flag's type
        _term.say(err, f"error: --duration {args.duration} must be a positive number of seconds")
        return _io.EXIT_UNREADABLE
    loaded = _io.load([args.path], args, err)
    if loaded is None:
        return _io.EXIT_UNREADABLE
    models = loaded.models
    command = command_line(args)
    limit = MAX_SIMULATED_FUNCTIONS if getattr(args, "simulate_up_to", None) is None else args.simulate_up_to

    def write(target: TextIO) -> None:
        if getattr(args, "format", "markdown") == "json":
            data = explain_data(models, duration_s=args.duration, command=command, max_simulated=limit)
            target.write(json.dumps(data, indent=2) + "\n")
        else:
            target.write(explain(models, duration_s=args.duration, command=command, max_simulated=limit))

    problem = _io.write_report(write, output=args.output, out=out, err=err,
                               written=f"wrote {args.output} ({len(loaded.templates)} template(s))")
    return problem if problem is not None else _io.exit_code(_io.EXIT_OK, loaded)
