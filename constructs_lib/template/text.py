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
