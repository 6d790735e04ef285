"""Text from a template, made safe to print: one small function every text output shares.

A logical id, a property value or a file name comes from whoever wrote the template, which
in CI may be an untrusted pull request. Printed raw, a terminal escape (``\\x1b[2J``) clears
or rewrites the reader's screen, a bidi control (U+202E) shows text in another order than
it is (CVE-2021-42574, "Trojan Source"), a newline forges an extra line of the report, and
a lone surrogate cannot be encoded at all. :func:`printable` writes each such character as
a visible escape instead: ``\\x1b``, ``\\u202e``, ``\\n``.
"""

from __future__ import annotations

import re
import unicodedata

#: Unicode categories escaped: controls (C0, DEL, C1), format characters (the bidi
#: embeddings, overrides and isolates, zero-width characters, the byte-order mark),
#: surrogates, private use, unassigned code points, and line and paragraph separators.
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

#: Everything but printable ASCII: the only characters worth a look.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e]")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: object, *, keep: str = "") -> str:
    """``text`` (any value, as ``str``) with every control, format, surrogate, private-use,
    unassigned and separator character written as a visible escape; ``keep`` names
    characters to leave as they are (``"\\n"`` for a multi-line report)."""
    text = text if isinstance(text, str) else str(text)

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return char if char in keep or unicodedata.category(char) not in ESCAPED_CATEGORIES else _escape(char)

    return _NOT_PLAIN.sub(replace, text)


def is_printable(text: str, *, keep: str = "") -> bool:
    """Whether :func:`printable` would leave ``text`` as it is."""
    return printable(text, keep=keep) == text


# --------------------------------------------------------------------------------------
# Lines that fit a terminal
# --------------------------------------------------------------------------------------
#: The width every text report wraps to when it is not written to a terminal (and the
#: terminal's own width is unknown); ``constructs_lib.cli._term`` finds the real one.
DEFAULT_WIDTH = 100
#: The narrowest width the reports wrap to, whatever ``COLUMNS`` says.
MIN_WIDTH = 40
#: Keeps a phrase of :func:`wrap`'s ``keep`` on one line (a no-break space, restored after).
_NBSP = "\0"


def wrap(text: str, width: int = DEFAULT_WIDTH, *, indent: str = "", hanging: str | None = None,
         keep: tuple[str, ...] | list[str] = ()) -> list[str]:
    """``text`` as lines of at most ``width`` columns: the first starts with ``indent``, the
    others with ``hanging`` (default: ``indent`` and two spaces). Words are never cut: a
    URL or a path longer than the room left goes on a line of its own, whole (a terminal
    still makes it clickable, and it can be copied). Each phrase of ``keep`` stays on one
    line. Each line of a multi-line ``text`` is wrapped on its own. The text is printed as
    it is: escape what came from a template with :func:`printable` first."""
    import textwrap

    hanging = indent + "  " if hanging is None else hanging
    lines: list[str] = []
    for paragraph in text.split("\n"):
        for phrase in keep:
            paragraph = paragraph.replace(phrase, phrase.replace(" ", _NBSP))
        wrapped = textwrap.wrap(paragraph, max(width, MIN_WIDTH), initial_indent=indent, subsequent_indent=hanging,
                                break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]
        lines.extend(line.replace(_NBSP, " ") for line in wrapped)
    return lines


def fill(text: str, width: int = DEFAULT_WIDTH, *, indent: str = "", hanging: str | None = None,
         keep: tuple[str, ...] | list[str] = ()) -> str:
    """:func:`wrap`'s lines joined by newlines."""
    return "\n".join(wrap(text, width, indent=indent, hanging=hanging, keep=keep))


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide and full-width characters
    take two, combining marks none (enough to put a marker under the right character)."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total
