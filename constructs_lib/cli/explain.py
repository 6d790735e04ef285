"""``constructs-lib explain PATH [--duration S] [--format markdown|json] [--output FILE]``:
the report of :mod:`constructs_lib.explain`, written to standard output or a file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from constructs_lib.explain.defaults import DEFAULT_DURATION_S


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="a cdk.out directory or a template file (JSON or YAML)")
    parser.add_argument(
        "--duration",
        type=float,
        default=DEFAULT_DURATION_S,
        metavar="SECONDS",
        help="average invocation duration for the capacity estimate (default %(default)s s)",
    )
    parser.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="output format (default markdown)"
    )
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    # The report names the command that generated it: this sub-command's own prog
    # ("constructs-lib explain", "python -m constructs_lib explain").
    parser.set_defaults(explain_prog=parser.prog)


def command_line(args: argparse.Namespace) -> str:
    """The command that generated a report, as the user typed it (without ``--output``)."""
    parts = [getattr(args, "explain_prog", "constructs-lib explain"), str(args.path)]
    if args.duration != DEFAULT_DURATION_S:
        parts += ["--duration", f"{args.duration:g}"]
    return " ".join(parts)


def run_explain(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from constructs_lib.explain.report import explain, explain_data
    from constructs_lib.template.loader import TemplateError, load_path

    out = out or sys.stdout
    err = err or sys.stderr
    if args.duration <= 0:
        print(f"error: --duration {args.duration} must be a positive number of seconds", file=err)
        return 2
    try:
        models = load_path(args.path)
    except (TemplateError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return 2
    command = command_line(args)
    if getattr(args, "format", "markdown") == "json":
        report = json.dumps(explain_data(models, duration_s=args.duration, command=command), indent=2) + "\n"
    else:
        report = explain(models, duration_s=args.duration, command=command)
    if args.output:
        try:
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            print(f"error: {args.output}: cannot write the report: {exc.strerror or exc}", file=err)
            return 2
        print(f"wrote {args.output} ({len(models)} template(s))", file=err)
    else:
        out.write(report)
    return 0
