"""The only way ``--fix`` writes: one template file, replaced atomically, or not at all.

A file is written only when it is a regular file (not a symlink, no symlink on its path,
no other hard link to it), lies within one of the paths the command was given, is one the
checks read as a template, and still holds exactly the text the fix was planned from. The
new content goes to a temporary file in the same directory (same permissions), is flushed
to disk, and replaces the original with one rename: on any error the original is unchanged
and the temporary file is removed. A UTF-8 byte-order mark is kept; other encodings are
refused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: Largest file rewritten (the reading layer refuses larger ones anyway).
MAX_BYTES = 10 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


class WriteRefused(ValueError):
    """A file the fix will not write, with the reason."""


def within(path: Path, roots: Iterable[Path]) -> bool:
    """Whether ``path`` is one of ``roots`` (files) or below one of them (directories)."""
    real = Path(os.path.realpath(path))
    for root in roots:
        real_root = Path(os.path.realpath(root))
        if real == real_root or (real_root.is_dir() and real.is_relative_to(real_root)):
            return True
    return False


def check_writable(path: Path, roots: Iterable[Path], templates: Iterable[str]) -> os.stat_result:
    """The file's status when the fix may write it; WriteRefused with the reason otherwise."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise WriteRefused(f"{path}: cannot stat it: {exc.strerror or exc}") from None
    if stat.S_ISLNK(st.st_mode):
        raise WriteRefused(f"{path}: a symlink; the fix never writes through one")
    if not stat.S_ISREG(st.st_mode):
        raise WriteRefused(f"{path}: not a regular file")
    if os.path.realpath(path) != os.path.abspath(path):
        raise WriteRefused(f"{path}: a directory on its path is a symlink; the fix never writes through one")
    if st.st_nlink > 1:
        raise WriteRefused(f"{path}: has {st.st_nlink} hard links; replacing it would split them")
    if not within(path, roots):
        raise WriteRefused(f"{path}: outside the paths given to check")
    if os.path.abspath(path) not in {os.path.abspath(t) for t in templates}:
        raise WriteRefused(f"{path}: not a template the checks read")
    return st


def _current(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise WriteRefused(f"{path}: larger than {MAX_BYTES:,} bytes")
    return data


def write_template(path: Path, planned_from: str, new_text: str, *, roots: Iterable[Path],
                   templates: Iterable[str]) -> None:
    """Replace ``path``'s content by ``new_text`` when it still holds ``planned_from``."""
    st = check_writable(path, roots, templates)
    data = _current(path)
    bom = data.startswith(_BOM)
    try:
        text = data[len(_BOM):].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError:
        raise WriteRefused(f"{path}: not UTF-8; the fix writes UTF-8 only") from None
    if text != planned_from:
        raise WriteRefused(f"{path}: changed while it was being fixed; run the fix again")
    payload = (_BOM if bom else b"") + new_text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fix", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if _current(path) != data:
            raise WriteRefused(f"{path}: changed while it was being fixed; run the fix again")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
