"""The command line: ``constructs-lib COMMAND`` (also ``python -m constructs_lib COMMAND``).

- ``check PATH...``: the invocation-model checks (:mod:`constructs_lib.cli.check`);
- ``rules``: the rules and their levels;
- ``explain PATH``: the report of :mod:`constructs_lib.explain` (:mod:`constructs_lib.cli.explain`);
- ``simulate PATH --scenario NAME``: :mod:`constructs_lib.simulate` under a fault
  (:mod:`constructs_lib.cli.simulate`).

The top of the layers: each subcommand's module imports only what it uses, and only when
it runs, so ``check`` on a CloudFormation template loads no SimPy, aws-cdk-lib, jsii,
boto3 or SAM translator. Every file is read through :mod:`constructs_lib.template.reading`
and every output written through :mod:`constructs_lib.cli._io`. Exit status: 0 success,
1 the command's failure (findings, lost events), 2 some input could not be read (the rest
is reported), the report could not be written, or the arguments or the configuration are
wrong; 141 the reader of the output went away (a broken pipe, as for any Unix tool).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from constructs_lib.cli.check import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, FORMATS

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_USAGE", "FORMATS", "build_parser", "main"]


def __getattr__(name: str) -> object:
    # The names ``constructs_lib.checks.cli`` had before the commands got a module each.
    if name in ("add_check_arguments", "failed", "run_check", "run_rules"):
        from constructs_lib.cli import check

        return getattr(check, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The commands and their one-line help, in the order ``--help`` lists them.
COMMANDS = {
    "check": "check cdk.out directories, templates (JSON/YAML/SAM) or directories of them",
    "rules": "list the rules with their levels",
    "explain": "write a Markdown report of every function's invocation model and failure paths",
    "simulate": "simulate what happens to every event under a scenario (poison, slow, outage, burst, noisy-neighbour)",
}


def _add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    if command == "check":
        from constructs_lib.cli.check import add_check_arguments

        add_check_arguments(parser)
    elif command == "rules":
        from constructs_lib.cli.check import add_rules_arguments

        add_rules_arguments(parser)
    elif command == "explain":
        from constructs_lib.cli.explain import add_explain_arguments

        add_explain_arguments(parser)
    elif command == "simulate":
        from constructs_lib.cli.simulate import add_simulate_arguments

        add_simulate_arguments(parser)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose error message (``invalid choice: ... (choose from ...)``)
    wraps to the terminal's width like every other message."""

    def error(self, message: str) -> NoReturn:
        from constructs_lib.cli._term import say, width_of
        from constructs_lib.template.text import wrap

        # argparse never breaks inside an option's group ("[--fail-on {lost,...}]"), so
        # its usage can outgrow a narrow terminal: wrapped again, between words.
        usage = " ".join(self.format_usage().split())
        for line in wrap(usage, width_of(sys.stderr), hanging=" " * len("usage: ")):
            print(line, file=sys.stderr)
        say(sys.stderr, f"{self.prog}: error: {message}")
        self.exit(2)


def build_parser(prog: str = "constructs-lib", *, only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or (``only``) of the one about to run: the others are
    listed with their help but their modules are not imported."""
    from constructs_lib import __version__

    parser = _Parser(prog=prog, description="Lambda invocation-model checks for CloudFormation templates.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        if only is None or only == name:
            _add_arguments(name, sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word that is not an option), if any."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None, prog: str = "constructs-lib") -> int:
    from constructs_lib.cli._io import guarded

    return guarded(lambda: _main(argv, prog))


def _main(argv: Sequence[str] | None, prog: str) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(prog, only=_command_of(argv)).parse_args(argv)
    if args.command == "check":
        from constructs_lib.cli.check import run_check

        return run_check(args)
    if args.command == "rules":
        from constructs_lib.cli.check import run_rules

        return run_rules(args)
    if args.command == "explain":
        from constructs_lib.cli.explain import run_explain

        return run_explain(args)
    if args.command == "simulate":
        from constructs_lib.cli.simulate import run_simulate

        return run_simulate(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
