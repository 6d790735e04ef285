"""Text the commands wrap to the terminal's width, read back by the tests."""

from __future__ import annotations

import re

_CONTINUATION = re.compile(r"\n +(?=\S)")


def unwrap(text: str) -> str:
    """``text`` with every wrapped message joined back into one line: a line that starts
    with spaces continues the one before it (as :func:`constructs_lib.template.text.wrap`
    indents them). For messages (``error:``, ``note:``), not for indented reports."""
    return _CONTINUATION.sub(" ", text)


def flat(text: str) -> str:
    """``text`` with all whitespace runs as one space: a sentence wrapped anywhere reads whole."""
    return " ".join(text.split())
