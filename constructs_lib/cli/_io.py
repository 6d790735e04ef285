"""What the commands share about what they read and write, for runs on untrusted input.

- **Reading**: every input goes through :mod:`constructs_lib.template.reading` (regular
  files only, a size limit, references confined to the input's root); ``--allow-path DIR``
  opts a directory in (:func:`add_input_arguments`, :func:`reader_for`); ``-`` reads one
  template from standard input; what could not be read is printed as one ``error:`` line
  each, what was skipped as ``note:`` lines (:func:`load`; wrapped to the terminal's width,
  their further lines indented), and the command exits 2 after reporting the rest.
- **Writing**: a reader that goes away (``| head -c1``) ends the command quietly with 141
  (128 + SIGPIPE), the status of a Unix tool that a broken pipe stops; a full disk or
  another write error ends it with one ``error:`` line and exit 2 (:func:`write_report`,
  :func:`guarded`); ``--output`` never writes through a symbolic link to a file, never into
  a FIFO no one reads, never into a directory (:func:`open_output`).
- **Flags**: numbers that are not finite are refused where they are parsed
  (:func:`positive_seconds`).

Exit status of every command: 0 success, 1 the command's own failure (findings, lost
events), 2 some input could not be read (the rest was reported), the report could not be
written, or the arguments or the configuration are wrong; 141 the reader of the output
went away.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import stat
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, TextIO, cast

from constructs_lib.cli._term import Progress, say
from constructs_lib.template.reading import STDIN, Reader, TemplateError, describe_mode
from constructs_lib.template.text import printable

if TYPE_CHECKING:
    from constructs_lib.template.loader import Loaded

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2
#: A broken pipe: the status a shell reports for a tool that SIGPIPE (13) stopped.
EXIT_BROKEN_PIPE = 128 + 13
#: The documented exit statuses of every command.
EXIT_CODES = (EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE, EXIT_BROKEN_PIPE)


# --------------------------------------------------------------------------------------
# Flags
# --------------------------------------------------------------------------------------
def positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above 0 (``nan`` and ``inf`` refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number of seconds")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive number of seconds")
    return value


def whole_number(what: str, low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (no upper bound when
    ``None``), refused with what it counts and the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bound = f"{low:,} to {high:,}" if high is not None else f"{low:,} or more"
            raise argparse.ArgumentTypeError(f"{value:,} {what}: give {bound}")
        return value

    return parse


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """``--allow-path DIR`` (repeatable): a directory outside the input that references
    (includes, nested templates, a manifest's files) may still be read from."""
    parser.add_argument(
        "--allow-path", action="append", default=[], metavar="DIR",
        help="also read files a template or manifest names inside DIR (by default only files inside the input's "
             "own directory or cdk.out are read); repeatable",
    )


def reader_for(args: argparse.Namespace) -> Reader:
    """The reader of a command's inputs (TemplateError for an ``--allow-path`` that is no directory)."""
    return Reader.allowing(getattr(args, "allow_path", None) or ())


def stdin_once(paths: Sequence[str]) -> str | None:
    """Why ``paths`` cannot be read (``-`` named twice: standard input is read once), or None."""
    if sum(str(p) == STDIN for p in paths) > 1:
        return "'-' (standard input) can be named once"
    return None


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------
def load(paths: Sequence[str], args: argparse.Namespace, err: TextIO, *, region: str | None = None,
         only_templates: bool = False) -> Loaded | None:
    """Every template at ``paths`` (see :func:`~constructs_lib.template.loader.load_paths`),
    with a ``note:`` line on ``err`` for each thing skipped and an ``error:`` line for each
    input that could not be read; None (after those lines) when nothing could be read or
    the arguments are wrong."""
    from constructs_lib.template.loader import load_paths

    problem = stdin_once(paths)
    if problem is not None:
        say(err, f"error: {problem}")
        return None
    try:
        reader = reader_for(args)
    except TemplateError as exc:
        say(err, printable(f"error: {exc}"))
        return None
    kwargs = {"region": region} if region else {}
    with Progress(err, "reading templates") as progress:
        loaded = load_paths(paths, only_templates=only_templates, reader=reader, keep_going=True, progress=progress,
                            **kwargs)
    print_problems(loaded, err)
    if not loaded.templates and (loaded.unreadable or not loaded.skipped):
        return None
    return loaded


def print_problems(loaded: Loaded, err: TextIO) -> None:
    """One ``note:`` per notice and one ``error:`` per unreadable input, each wrapped to the
    width of ``err`` (its further lines indented)."""
    for notice in loaded.notices:
        say(err, printable(f"note: {notice}"))
    for item in loaded.unreadable:
        say(err, printable(f"error: {item.message}"))


def exit_code(code: int, loaded: Loaded) -> int:
    """``code`` unless some input could not be read (2)."""
    return EXIT_UNREADABLE if loaded.unreadable else code


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------
class OutputError(OSError):
    """A ``--output`` path the command will not write to, with what it really is."""


def open_output(path: str) -> TextIO:
    """``path`` opened for writing the report (created or truncated), refusing a symbolic
    link to a file (a link an untrusted change planted would redirect the write), a
    directory, a socket, and a FIFO that no one reads (the open would wait forever); a
    character device (``/dev/null``) is fine."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(exc.errno, f"{path}: {exc.strerror}") from None
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            target = os.stat(path)
        except OSError:
            target = None
        if target is None or stat.S_ISREG(target.st_mode):
            raise OutputError(errno.ELOOP, f"{path}: a symbolic link to {os.path.realpath(path)}; refusing to write "
                              "through it (name the file itself)")
    else:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(exc.errno, f"{path}: a FIFO (named pipe) that no one reads; refusing to wait") from None
        if exc.errno == errno.ELOOP:
            raise OutputError(exc.errno, f"{path}: a symbolic link; refusing to write through it") from None
        what = describe_mode(info.st_mode) if info is not None else None
        reason = f"{what}, not a file" if what == "a directory" else exc.strerror or str(exc)
        raise OutputError(exc.errno, f"{path}: {reason}") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode) or stat.S_ISSOCK(mode):
        os.close(fd)
        raise OutputError(errno.EINVAL, f"{path}: {describe_mode(mode)}, not a file")
    with suppress(OSError, AttributeError):
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return open(fd, "w", encoding="utf-8")  # noqa: SIM115 - closed by write_report


def _silence(stream: TextIO) -> None:
    """Point a process stream's descriptor at /dev/null, so that the interpreter's last
    flush of what is still buffered neither fails nor prints "Exception ignored"."""
    with suppress(OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _is_process_stream(stream: TextIO) -> bool:
    return stream is sys.stdout or stream is sys.stderr or stream is sys.__stdout__ or stream is sys.__stderr__


def write_report(write: Callable[[TextIO], None], *, output: str | None, out: TextIO, err: TextIO,
                 written: str | None = None) -> int | None:
    """Write a report with ``write`` to ``output`` (a file) or ``out``: None when it was
    written; 141 when the reader of a pipe went away (quietly, as a Unix tool that SIGPIPE
    stops); 2 after one ``error:`` line when it could not be written (a full disk, an
    output that is refused). ``written`` is printed on ``err`` after a file was written."""
    name = output or "<stdout>"
    target: TextIO | None = None
    try:
        target = open_output(output) if output else out
        write(cast(TextIO, _Chunked(target)))
        target.flush()
        if output:
            target.close()
    except BrokenPipeError:
        if target is not None and _is_process_stream(target):
            _silence(target)
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if target is not None and output:
            with suppress(OSError):
                target.close()
        elif target is not None and _is_process_stream(target):
            _silence(target)
        reason = str(exc) if isinstance(exc, OutputError) else f"{name}: {exc.strerror or exc}"
        _say(err, f"error: cannot write the report: {reason}")
        return EXIT_UNREADABLE
    if output and written:
        _say(err, printable(written), wrapped=True)
    return None


class _Chunked:
    """Writes a long text in pieces smaller than the stream's buffer: CPython's buffered
    writer drops the rest of one large write that a closed pipe or a full disk cuts short
    and reports success; in pieces, the failure surfaces as an error."""

    PIECE = 4096

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        for start in range(0, len(text), self.PIECE):
            self._stream.write(text[start:start + self.PIECE])
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def _say(err: TextIO, line: str, *, wrapped: bool = False) -> None:
    """A line on ``err`` (``wrapped`` to its width; an error about writing stays one line,
    for whoever greps for it); nothing when ``err`` itself cannot be written."""
    try:
        if wrapped:
            say(err, line)
        else:
            print(line, file=err)
        err.flush()
    except OSError:
        if _is_process_stream(err):
            _silence(err)


#: Write errors that end a command quietly (a full disk, a quota, a device error).
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG})


def guarded(run: Callable[[], int]) -> int:
    """``run()`` (a command), ended quietly when writing its output fails under it, for the
    commands and lines that do not go through :func:`write_report`: a broken pipe gives
    141, a full disk one ``error:`` line and 2. Standard output is flushed inside, so a
    buffered report cannot fail later, at the interpreter's exit."""
    try:
        code = run()
        with suppress(ValueError, AttributeError):
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence(sys.stdout)
        _silence(sys.stderr)
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.errno not in _WRITE_ERRORS:
            raise
        _silence(sys.stdout)
        _say(sys.stderr, f"error: cannot write the output: {exc.strerror or exc}")
        return EXIT_UNREADABLE
