"""Run the command line in-process on hostile input and record what it did.

:func:`run_cli` runs ``constructs_lib.cli.main`` with its streams redirected, under a
deadline (SIGALRM: a blocking ``open()`` of a FIFO or an endless read of ``/dev/zero`` is
interrupted and reported as a hang), and records every file the process opens (Python's
audit hook, event ``open``: ``open()``, ``os.open`` and ``io.open`` raise it, whatever code
calls them; opens for writing, the report, are not input). :func:`assert_well_behaved` then checks the contract of every command: it
ended in time, without a traceback, with an exit status from the documented set, and
read nothing outside what it was given.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs_lib.cli import main
from constructs_lib.cli._io import EXIT_CODES

#: Where the interpreter and the installed packages live: their own files (modules, the
#: SAM translator's bundled policies) are not the user's input.
_LIBRARY_ROOTS = tuple(
    {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path) if p}
    | {str(Path(__file__).resolve().parents[2] / "constructs_lib")}
)

_opened: list[str] | None = None


def _reads(mode: Any, flags: Any) -> bool:
    """Whether an ``open`` audit event opens for reading (``open(path, "w")`` and
    ``os.open(path, O_WRONLY)`` write the report; only reads are input)."""
    if isinstance(mode, str):
        return "r" in mode or "+" in mode
    if isinstance(flags, int):
        return flags & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)
    return True


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _opened is not None and args and isinstance(args[0], (str, bytes, os.PathLike)):
        if _reads(args[1] if len(args) > 1 else None, args[2] if len(args) > 2 else None):
            _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


class Hang(Exception):
    """The command did not finish before its deadline."""


@dataclass
class Outcome:
    code: int | None
    out: str
    err: str
    opened: list[str] = field(default_factory=list)
    seconds: float = 0.0
    crash: str | None = None  # a traceback that escaped the command


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread after ``seconds`` (blocking calls included)."""

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _stdin(data: bytes | None) -> Iterator[None]:
    old = sys.stdin
    if data is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = old


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_cli(argv: Sequence[str], *, cwd: Path, stdin: bytes | None = None, stdout: Any = None,
            timeout: float = 30.0) -> Outcome:
    """``constructs-lib ARGV`` in ``cwd``, in this process, recorded (see the module)."""
    global _opened
    out = stdout if stdout is not None else io.StringIO()
    err = io.StringIO()
    opened: list[str] = []
    code: int | None = None
    crash = None
    start = time.perf_counter()
    with _cwd(cwd), _stdin(stdin), redirect_stdout(out), redirect_stderr(err):
        _opened = opened
        try:
            with deadline(timeout):
                code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        except Hang as exc:
            crash = f"hang: {exc}"
        except BaseException:  # noqa: BLE001 - what the test is looking for
            crash = traceback.format_exc()
        finally:
            _opened = None
    return Outcome(code, out.getvalue() if isinstance(out, io.StringIO) else "", err.getvalue(), opened,
                   time.perf_counter() - start, crash)


def outside(opened: Sequence[str], allowed: Sequence[Path], cwd: Path) -> list[str]:
    """The files in ``opened`` that lie outside every ``allowed`` directory: neither the
    interpreter's and packages' own files, nor a ``pyproject.toml`` of ``cwd`` or above it
    (where the configuration is documented to be found), nor ``/dev/null``."""
    roots = [os.path.realpath(a) for a in allowed]
    config = {str(d / "pyproject.toml") for d in (cwd.resolve(), *cwd.resolve().parents)}
    found = []
    for raw in opened:
        path = os.path.realpath(os.path.join(cwd, raw)) if raw not in ("<stdin>",) else raw
        if raw == "<stdin>" or path == os.devnull or path in config:
            continue
        if any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots):
            continue
        if path.startswith(_LIBRARY_ROOTS):
            continue
        found.append(path)
    return found


def assert_well_behaved(outcome: Outcome, *, allowed: Sequence[Path], cwd: Path,
                        codes: Sequence[int] = EXIT_CODES) -> None:
    """The contract every command keeps on any input (see the module)."""
    assert outcome.crash is None, outcome.crash
    assert "Traceback" not in outcome.err, outcome.err
    assert outcome.code in codes, (outcome.code, outcome.err[-2000:])
    assert outside(outcome.opened, allowed, cwd) == [], outcome.opened
