"""``constructs-lib check PATH...``: run the invocation-model checks on templates on disk;
``constructs-lib rules``: list the rules and their levels.

PATH is a ``cdk.out`` directory (every stack, nested stages and nested stacks included), a
template file (JSON or YAML, CloudFormation or SAM), any directory (every template below
it), or ``-`` (one template on standard input); several may be given. Every file is read
through :mod:`constructs_lib.template.reading` (:mod:`constructs_lib.cli._io`). Exit
status: 0 nothing at or above ``--fail-on`` (default: error), 1 at least one such finding,
2 some input could not be read (the rest is reported), the report could not be written, or
the arguments or the configuration are wrong; 141 the reader of the output went away.

Imports only what checking needs: the template package and the checks; no SimPy, no
aws-cdk-lib, and the SAM translator only when a SAM template is read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from constructs_lib import limits
from constructs_lib.checks.core import CheckOptions, Finding
from constructs_lib.cli import _io, _term

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = _io.EXIT_OK, _io.EXIT_FAILED, _io.EXIT_UNREADABLE
FORMATS = ("text", "json", "sarif", "junit")


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument("--config", metavar="FILE", help="pyproject.toml with [tool.constructs-lib] (default: found upward)")


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="a cdk.out directory, a template file (JSON/YAML, CloudFormation or SAM), a directory of them, "
             "or - (a template on standard input)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument(
        "--fail-on", choices=("error", "warning", "none"), default=None,
        help="exit 1 when a finding at this level or above remains (default error; 'none' always exits 0)",
    )
    parser.add_argument("--config", metavar="FILE", help="pyproject.toml with [tool.constructs-lib] (default: found upward)")
    parser.add_argument(
        "--account-concurrency", type=_io.whole_number("account concurrency", 1), default=None, metavar="N",
        help=f"the account's Lambda concurrency quota for the unreserved-pool rule "
        f"(default {limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY})",
    )
    parser.add_argument("--region", default=None, help="the Region SAM templates are translated for (default us-east-1)")
    parser.add_argument(
        "--show-not-applicable", action="store_true",
        help="also list what could not be decided (a reference leaves the template, a resource is unreadable)",
    )
    parser.add_argument("--show-suppressed", action="store_true", help="also list findings acknowledged in metadata")
    parser.add_argument(
        "--only-templates", action="store_true",
        help="skip given files that are no CloudFormation/SAM templates instead of failing (for pre-commit hooks)",
    )
    parser.add_argument(
        "--fix", action="store_true",
        help="write the fix of every finding that has one into the template (proven by checking and simulating "
        "again; a cdk.out is not written: the CDK change is printed instead)",
    )
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing")
    parser.add_argument("--fix-rule", action="append", metavar="ID", default=None,
                        help="with --fix or --diff: fix only the findings of rule ID (repeatable)")
    _io.add_input_arguments(parser)


def _config(args: argparse.Namespace, err: TextIO):  # type: ignore[no-untyped-def]
    """The configuration (named on ``err``), or ``None`` after printing why it is wrong."""
    from constructs_lib.checks.config import ConfigError, find_config, load_config
    from constructs_lib.checks.rules import RULES_BY_ID
    from constructs_lib.template.text import printable

    try:
        path = Path(args.config) if args.config else find_config()
        config = load_config(path, set(RULES_BY_ID))
    except ConfigError as exc:
        _term.say(err, printable(f"error: {exc}"))
        return None
    if config.path is not None:
        _term.say(err, printable(f"constructs-lib: using config {config.path}"))
    return config


def run_check(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from constructs_lib import __version__
    from constructs_lib.checks import report
    from constructs_lib.checks.rules import ALL_RULES, run_checks

    out = out or sys.stdout
    err = err or sys.stderr
    config = _config(args, err)
    if config is None:
        return EXIT_USAGE
    loaded = _io.load(args.paths, args, err, region=args.region or config.region or "us-east-1",
                      only_templates=args.only_templates)
    if loaded is None:
        return EXIT_USAGE
    options = CheckOptions(
        account_concurrency=args.account_concurrency or config.account_concurrency or limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
        disabled=config.disable,
        levels=config.levels,
    )
    findings = run_checks(loaded.models, options)
    fail_on = args.fail_on or config.fail_on or "error"
    if getattr(args, "fix", False) or getattr(args, "diff", False) or getattr(args, "fix_rule", None):
        from constructs_lib.cli.fix import run_fix

        after = run_fix(args, loaded, findings, options, fail_on=fail_on, config=config, out=out, err=err)
        return _io.exit_code(EXIT_USAGE if after is None else EXIT_ERRORS if failed(after, fail_on) else EXIT_OK, loaded)
    shown = [
        f for f in findings
        if f.applicable or (args.show_not_applicable and f.status == "not-applicable")
        or (args.show_suppressed and f.status == "suppressed")
    ]
    rules = [r for r in ALL_RULES if r.id not in config.disable]
    unreadable = [u.message for u in loaded.unreadable]
    term = _term.for_report(args.output, out)

    def write(target: TextIO) -> None:
        if args.format == "json":
            extra = {
                "config": str(config.path) if config.path else None,
                "fail_on": fail_on,
                "sam_translations_s": [round(s, 4) for s in loaded.sam_seconds],
                "unreadable": [{"path": u.path, "message": u.message} for u in loaded.unreadable],
                "notices": list(loaded.notices),
            }
            report.write_json(target, shown, findings, loaded.templates, extra)
        elif args.format == "sarif":
            log = report.sarif(findings, rules, levels=dict(config.levels), version=__version__,
                               unreadable=unreadable, notices=loaded.notices)
            json.dump(log, target, indent=2)
            target.write("\n")
        elif args.format == "junit":
            target.write(report.junit(findings, rules, loaded.templates, fail_on=fail_on, unreadable=unreadable))
        else:
            notes = []
            if loaded.sam_seconds:
                n, total = len(loaded.sam_seconds), sum(loaded.sam_seconds)
                notes.append(f"SAM: {n} template(s) translated in {total:.2f} s ({total / n:.3f} s each)")
            if loaded.skipped:
                notes.append(f"{len(loaded.skipped)} file(s) are no CloudFormation or SAM templates; skipped")
            if unreadable:
                notes.append(f"{len(unreadable)} input(s) could not be read (listed on standard error); the rest "
                             "is checked")
            report.write_text(target, shown, findings, len(loaded.templates), notes, width=term.width,
                              style=term.style)

    problem = _io.write_report(write, output=args.output, out=out, err=err,
                               written=f"wrote {args.output}" if args.output else None)
    if problem is not None:
        return problem
    return _io.exit_code(EXIT_ERRORS if failed(findings, fail_on) else EXIT_OK, loaded)


def failed(findings: Sequence[Finding], fail_on: str) -> bool:
    """Whether a finding at ``fail_on`` or above remains (not acknowledged, applicable)."""
    levels = {"error": ("error",), "warning": ("error", "warning"), "none": ()}[fail_on]
    return any(f.applicable and f.level in levels for f in findings)


def run_rules(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from constructs_lib.checks import report
    from constructs_lib.checks.rules import ALL_RULES

    out = out or sys.stdout
    err = err or sys.stderr
    config = _config(args, err)
    if config is None:
        return EXIT_USAGE
    levels = dict(config.levels)

    def write(target: TextIO) -> None:
        if args.format == "json":
            json.dump(report.rules_json(ALL_RULES, levels, config.disable), target, indent=2)
            target.write("\n")
        else:
            target.write(report.rules_table(ALL_RULES, levels, config.disable, width=_term.terminal(out).width))

    problem = _io.write_report(write, output=None, out=out, err=err)
    return EXIT_OK if problem is None else problem
