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
    """``text`` as lines of at most ``width`` terminal columns (:func:`columns`: an East
    Asian wide character takes two, a combining mark none): the first starts with
    ``indent``, the others with ``hanging`` (default: ``indent`` and two spaces). Words are
    never cut: a URL or a path longer than the room left goes on a line of its own, whole
    (a terminal still makes it clickable, and it can be copied). Each phrase of ``keep``
    stays on one line. Each line of a multi-line ``text`` is wrapped on its own. The text
    is printed as it is: escape what came from a template with :func:`printable` first."""
    hanging = indent + "  " if hanging is None else hanging
    width = max(width, MIN_WIDTH)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        for phrase in keep:
            paragraph = paragraph.replace(phrase, phrase.replace(" ", _NBSP))
        wrapped = _wrap_paragraph(paragraph, width, indent, hanging) or [indent.rstrip()]
        lines.extend(line.replace(_NBSP, " ") for line in wrapped)
    return lines


#: What separates words, as :mod:`textwrap` sees it: ASCII whitespace (a no-break or an
#: ideographic space is part of its word).
_WHITESPACE = "\t\n\x0b\x0c\r "
_SPACES = str.maketrans(_WHITESPACE, " " * len(_WHITESPACE))
_CHUNKS = re.compile(f"([{re.escape(_WHITESPACE)}]+)")


def _wrap_paragraph(text: str, width: int, indent: str, hanging: str) -> list[str]:
    """:func:`textwrap.wrap` (``break_long_words=False``, ``break_on_hyphens=False``),
    measured in terminal columns: greedy, the spaces between words kept as they are, the
    spaces at a line's end (and at the start of a line but the first) dropped."""
    chunks = [chunk for chunk in _CHUNKS.split(text.expandtabs().translate(_SPACES)) if chunk]
    chunks.reverse()  # taken from the end: a stack
    lines: list[str] = []
    while chunks:
        prefix = hanging if lines else indent
        room = width - columns(prefix)
        if lines and not chunks[-1].strip():
            chunks.pop()
        line: list[str] = []
        used = 0
        while chunks:
            size = columns(chunks[-1])
            if used + size > room:
                break
            line.append(chunks.pop())
            used += size
        if chunks and not line:  # a word longer than the room: whole, on its own line
            line.append(chunks.pop())
        if line and not line[-1].strip():
            line.pop()
        if line:
            lines.append(prefix + "".join(line))
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
    return sum(map(_char_columns, text))


def first_columns(text: str, room: int) -> str:
    """The longest start of ``text`` within ``room`` terminal columns (a wide character
    that would straddle the edge left out; the combining marks of the last character kept)."""
    if text.isascii():
        return text[:max(room, 0)]
    used = 0
    for index, char in enumerate(text):
        size = _char_columns(char)
        if size and used + size > room:
            return text[:index]
        used += size
    return text


def last_columns(text: str, room: int) -> str:
    """The longest end of ``text`` within ``room`` terminal columns, starting at a character
    of its own (never at a combining mark)."""
    if text.isascii():
        return text[len(text) - max(room, 0):] if room > 0 else ""
    used = 0
    start = len(text)
    for index in range(len(text) - 1, -1, -1):
        size = _char_columns(text[index])
        if used + size > room:
            break
        used += size
        if size:
            start = index
    return text[start:]


def _char_columns(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
