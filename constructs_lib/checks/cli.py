"""``constructs-lib check PATH``: run the invocation-model checks on templates on disk;
``constructs-lib explain PATH``: the Markdown report of ``constructs_lib.checks.explain``;
``constructs-lib simulate PATH --scenario NAME``: ``constructs_lib.simulate`` under a fault.

PATH is a ``cdk.out`` directory (every stack, nested stages included) or one template
file, JSON or YAML. Exit status: 0 no errors (warnings allowed), 1 at least one error,
2 the path could not be read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from constructs_lib import limits
from constructs_lib.checks.core import CheckOptions, Finding
from constructs_lib.checks.loader import TemplateError, load_path

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def build_parser(prog: str = "constructs-lib") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Lambda invocation-model checks for CloudFormation templates.")
    from constructs_lib import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="check a cdk.out directory or a JSON/YAML template")
    add_check_arguments(check)
    from constructs_lib.checks.explain import add_explain_arguments

    explain = commands.add_parser(
        "explain", help="write a Markdown report of every function's invocation model and failure paths"
    )
    add_explain_arguments(explain)
    from constructs_lib.simulate.cli import add_simulate_arguments

    simulate = commands.add_parser(
        "simulate", help="simulate what happens to every event under a fault scenario (poison, slow, outage, burst)"
    )
    add_simulate_arguments(simulate)
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a concurrency quota; it must be 1 or more")
    return value


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="a cdk.out directory or a template file (JSON or YAML)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument(
        "--account-concurrency",
        type=_positive_int,
        default=limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
        metavar="N",
        help="the account's Lambda concurrency quota for the unreserved-pool rule (default %(default)s)",
    )
    parser.add_argument(
        "--show-not-applicable",
        action="store_true",
        help="also list the rules that could not be decided because a reference leaves the template",
    )


def run_check(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from constructs_lib.checks.rules import run_checks

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        models = load_path(args.path)
    except (TemplateError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    findings = run_checks(models, CheckOptions(account_concurrency=args.account_concurrency))
    shown = [f for f in findings if f.applicable or args.show_not_applicable]
    if args.format == "json":
        json.dump(
            {
                "templates": [m.name for m in models],
                "summary": _summary(findings),
                "findings": [f.to_dict() for f in shown],
            },
            out,
            indent=2,
        )
        out.write("\n")
    else:
        _print_text(shown, findings, len(models), out)
    return EXIT_ERRORS if any(f.is_error for f in findings) else EXIT_OK


def _summary(findings: Sequence[Finding]) -> dict[str, int]:
    return {
        "errors": sum(f.is_error for f in findings),
        "warnings": sum(f.applicable and f.level == "warning" for f in findings),
        "not_applicable": sum(not f.applicable for f in findings),
    }


def _print_text(shown: Sequence[Finding], findings: Sequence[Finding], templates: int, out: TextIO) -> None:
    for f in shown:
        label = f.level.upper() if f.applicable else "N/A"
        where = f"{f.template}: {f.resource}" + (f" ({f.path})" if f.path else "")
        print(f"{label} {f.rule_id}  {where}", file=out)
        print(f"  {f.message}", file=out)
        if f.applicable:
            print(f"  fix: {f.fix}", file=out)
            if f.source:
                print(f"  see: {f.source}", file=out)
        print(file=out)
    s = _summary(findings)
    print(
        f"{templates} template(s) checked: {s['errors']} error(s), {s['warnings']} warning(s), "
        f"{s['not_applicable']} not applicable",
        file=out,
    )


def main(argv: Sequence[str] | None = None, prog: str = "constructs-lib") -> int:
    args = build_parser(prog).parse_args(argv)
    if args.command == "check":
        return run_check(args)
    if args.command == "explain":
        from constructs_lib.checks.explain import run_explain

        return run_explain(args)
    if args.command == "simulate":
        from constructs_lib.simulate.cli import run_simulate

        return run_simulate(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
