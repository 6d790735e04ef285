"""The one door through which the commands read files: templates, cloud assembly
manifests and their metadata, ``AWS::Include`` snippets, nested templates, the
configuration file, and standard input.

The commands run in CI on untrusted pull requests, so what they read is bounded:

- **Regular files only.** A FIFO, a socket or a device (``/dev/zero``, ``/dev/urandom``,
  a terminal) is never read: it is classified with ``stat`` before anything opens it, and
  the opened file is checked again with ``fstat`` (it may have been swapped in between);
  the open itself never blocks (``O_NONBLOCK``) and never takes a controlling terminal.
- **A size limit.** A file above :data:`MAX_FILE_BYTES` is refused before it is read, and a
  file that grows while it is read is refused at the limit; the whole run reads at most
  :data:`MAX_TOTAL_BYTES`.
- **References confined to a root.** A path that a template or a manifest names (an include,
  a nested template, a manifest's ``templateFile``...) resolves, symbolic links followed,
  inside the root of the input that named it: the directory argument, the ``cdk.out``, or
  the template's own directory. Anything else is refused with one line naming the
  reference, unless a directory the user allowed (``--allow-path DIR``) holds it.

Every refusal is a :class:`TemplateError` whose message is one line naming the path and
saying what it really is ("a FIFO (named pipe)", "a character device", "a directory").
:attr:`Reader.opened` records every file this reader opened (the hostile-input tests
assert nothing outside the root is in it).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

#: Largest file read: CloudFormation accepts template bodies of at most 1 MB (S3), so ten
#: times that is no real template (nor a real manifest or pyproject.toml).
#: Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Most bytes one run reads over all its files: a directory of thousands of large files
#: ends with a notice instead of running for hours.
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: The name a template read from standard input goes by (``-`` on the command line).
STDIN = "-"
STDIN_NAME = "<stdin>"

_READ_CHUNK = 1024 * 1024
#: Never block (a FIFO swapped in after the stat), never take a controlling terminal.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class TemplateError(ValueError):
    """A path that cannot be read as what it should be: one line naming it and the reason."""


class Refused(TemplateError):
    """A path the reading layer refuses: not a regular file, too large, or outside the root."""


#: What a ``stat`` mode says a path is, in the order the checks run.
_KINDS = (
    (stat.S_ISREG, "a regular file"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def describe_mode(mode: int) -> str:
    """What a ``stat`` mode says a path is, in words."""
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def describe(path: Path) -> str:
    """What ``path`` really is: "a regular file", "a directory", "a FIFO (named pipe)",
    "a socket", "a character device", "a symbolic link to X, which does not exist",
    "no such file or directory", or why it cannot be looked at."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"a symbolic link to {os.readlink(path)}, which does not exist"
        return "no such file or directory"
    except OSError as exc:
        return _reason(exc)
    what = describe_mode(mode)
    if os.path.islink(path) and not stat.S_ISREG(mode):
        return f"a symbolic link to {os.path.realpath(path)}, {what}"
    return what


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links"
    if exc.errno == errno.ENAMETOOLONG:
        return "a name too long for the file system"
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


@dataclass
class Reader:
    """Reads files for one run: regular files only, each at most ``max_bytes``, all of
    them at most ``max_total_bytes``, references confined (:meth:`confine`).

    ``allowed`` are directories the user opted in (``--allow-path``): a reference that
    resolves inside one of them is read wherever the input's root is. ``stdin`` is what
    ``-`` reads (default: the process's standard input).
    """

    allowed: tuple[Path, ...] = ()
    max_bytes: int = MAX_FILE_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    stdin: BinaryIO | None = None
    #: Every file opened, resolved, in order (standard input as ``<stdin>``).
    opened: list[Path] = field(default_factory=list)
    total_bytes: int = 0

    def __post_init__(self) -> None:
        self.allowed = tuple(Path(os.path.realpath(p)) for p in self.allowed)

    @classmethod
    def allowing(cls, directories: Iterable[str | Path] = (), **kwargs: object) -> Reader:
        """A reader that also reads inside ``directories`` (``--allow-path``); each must be
        a directory (TemplateError naming what it is otherwise)."""
        found = []
        for raw in directories:
            path = Path(raw)
            if not path.is_dir():
                raise TemplateError(f"--allow-path {raw}: {describe(path)}, not a directory")
            found.append(path)
        return cls(allowed=tuple(found), **kwargs)  # type: ignore[arg-type]

    # ----------------------------------------------------------------------------------
    # Confinement
    # ----------------------------------------------------------------------------------
    def allows(self, resolved: Path, root: Path | None) -> bool:
        """Whether ``resolved`` (a real path) lies inside ``root`` or an allowed directory."""
        roots = ([Path(os.path.realpath(root))] if root is not None else []) + list(self.allowed)
        return any(_inside(resolved, r) for r in roots)

    def confine(self, path: Path, root: Path | None, *, reference: str, what: str) -> Path:
        """``path`` (a reference named by an input whose root is ``root``) if it resolves
        inside the root or an allowed directory; :class:`Refused` otherwise, naming
        ``what`` named it and the ``reference`` as written."""
        resolved = Path(os.path.realpath(path))
        if self.allows(resolved, root):
            return path
        where = f"outside {Path(os.path.realpath(root))}" if root is not None else "outside the input"
        shown = f"{reference!r}" + (f" ({resolved})" if str(resolved) != reference else "")
        raise Refused(f"{what} {shown} is {where}; refused (--allow-path DIR reads a directory outside the input)")

    # ----------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------
    def check_regular(self, path: Path) -> os.stat_result:
        """``stat`` of ``path`` when it is a regular file within the size limit;
        :class:`Refused` (or TemplateError for a missing file) with what it is otherwise."""
        try:
            info = os.stat(path)
        except OSError:
            raise TemplateError(f"{path}: {describe(path)}") from None
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{path}: {describe(path)}, not a regular file; refused")
        self._check_size(path, info.st_size)
        return info

    def _check_size(self, path: Path | str, size: int) -> None:
        if size > self.max_bytes:
            raise Refused(f"{path}: {size:,} bytes, larger than the {self.max_bytes:,} read (CloudFormation accepts "
                          "template bodies of 1 MB); refused")
        if self.total_bytes + size > self.max_total_bytes:
            raise Refused(f"{path}: this run has read {self.total_bytes:,} bytes; the {self.max_total_bytes:,} it "
                          "reads at most are spent; refused")

    def _open(self, path: Path, *, limited: bool) -> int:
        """A descriptor of ``path``, checked to be a regular file (within the size limit when
        ``limited``) before the open and after it; the open never blocks."""
        info = self.check_regular(path) if limited else None
        if info is None:
            try:
                mode = os.stat(path).st_mode
            except OSError:
                raise TemplateError(f"{path}: {describe(path)}") from None
            if not stat.S_ISREG(mode):
                raise Refused(f"{path}: {describe(path)}, not a regular file; refused")
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError as exc:
            raise TemplateError(f"{path}: {_reason(exc)}") from None
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):  # swapped after the stat above
                raise Refused(f"{path}: {describe_mode(opened.st_mode)}, not a regular file; refused")
            if limited:
                self._check_size(path, opened.st_size)
        except BaseException:
            os.close(fd)
            raise
        self.opened.append(Path(os.path.realpath(path)))
        return fd

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of a regular file (see the module docstring); ``-`` is standard input."""
        if str(path) == STDIN:
            return self.read_stdin()
        fd = self._open(path, limited=True)
        try:
            return self._bounded(lambda n: os.read(fd, n), str(path))
        except OSError as exc:
            raise TemplateError(f"{path}: {_reason(exc)}") from None
        finally:
            os.close(fd)

    def read_head(self, path: Path, size: int) -> bytes:
        """The first ``size`` bytes of a regular file of any size (to tell whether it looks
        like a template); never a special file."""
        fd = self._open(path, limited=False)
        try:
            return os.read(fd, size)
        except OSError as exc:
            raise TemplateError(f"{path}: {_reason(exc)}") from None
        finally:
            os.close(fd)

    def read_stdin(self) -> bytes:
        """Standard input, at most ``max_bytes``; a terminal is refused (nothing to wait for)."""
        stream = self.stdin if self.stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise TemplateError(f"{STDIN_NAME}: there is no standard input")
        try:
            if stream.isatty():
                raise Refused(f"{STDIN_NAME}: standard input is a terminal; pipe a template into it "
                              "(constructs-lib check - < template.yaml)")
        except (AttributeError, ValueError, OSError):
            pass
        self.opened.append(Path(STDIN_NAME))
        try:
            return self._bounded(stream.read, STDIN_NAME)
        except OSError as exc:
            raise TemplateError(f"{STDIN_NAME}: {_reason(exc)}") from None

    def _bounded(self, read: object, name: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = read(min(_READ_CHUNK, self.max_bytes + 1 - size))  # type: ignore[operator]
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_bytes:
                raise Refused(f"{name}: more than {self.max_bytes:,} bytes (CloudFormation accepts template bodies "
                              "of 1 MB); refused")
        self._check_size(name, size)
        self.total_bytes += size
        return b"".join(chunks)

    def read_text(self, path: Path, *, encoding: str = "utf-8") -> str:
        """A regular file's text (invalid bytes replaced); for files that are not templates."""
        return self.read_bytes(path).decode(encoding, "replace")


def regular_file(path: Path) -> bool:
    """Whether ``path`` is a regular file (symbolic links followed), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def directory(path: Path) -> bool:
    """Whether ``path`` is a directory (symbolic links followed), without opening it."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
