"""Text the commands wrap to the terminal's width, read back by the tests; and the command
line run in-process, as the tests run it."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout

_CONTINUATION = re.compile(r"\n +(?=\S)")


def unwrap(text: str) -> str:
    """``text`` with every wrapped message joined back into one line: a line that starts
    with spaces continues the one before it (as :func:`constructs_lib.template.text.wrap`
    indents them). For messages (``error:``, ``note:``), not for indented reports."""
    return _CONTINUATION.sub(" ", text)


def flat(text: str) -> str:
    """``text`` with all whitespace runs as one space: a sentence wrapped anywhere reads whole."""
    return " ".join(text.split())


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``constructs-lib ARGV`` in this process (its output no terminal, as in a pipe): the
    exit status (argparse's too), standard output, standard error as it was written."""
    from constructs_lib.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()
