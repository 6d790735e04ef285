"""The terminal every command writes to: how wide it is, whether it takes colour, and a
progress bar for long runs. Standard library only.

- **Width**: ``COLUMNS`` when it is set (a number), else the terminal's own width when the
  stream is a terminal, else :data:`~constructs_lib.template.text.DEFAULT_WIDTH` (100): a
  pipe, a file, CI's log. Never below :data:`~constructs_lib.template.text.MIN_WIDTH`.
- **Colour**: only on a terminal (``TERM=dumb`` is none), never when ``NO_COLOR`` is set
  to anything (https://no-color.org); ``FORCE_COLOR`` (anything but ``0``/``false``) asks
  for it where there is no terminal, and ``NO_COLOR`` still wins.
- **Progress**: a bar on standard error while a long run (many templates, a large
  simulation) works, only when standard error is a terminal, drawn after half a second
  and erased when the run ends: nothing when piped or redirected.

The reports themselves (:mod:`constructs_lib.checks.report`,
:mod:`constructs_lib.simulate.report`) wrap to the width they are given, and take the
colours as a function: they never look at the terminal themselves.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TextIO

from constructs_lib.template.text import DEFAULT_WIDTH, MIN_WIDTH, wrap

#: SGR codes of the styles the reports use.
_STYLES = {
    "bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36",
}


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def width_of(stream: object) -> int:
    """The columns to wrap ``stream``'s text to (see the module's docstring)."""
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return max(int(raw), MIN_WIDTH)
    if _isatty(stream):
        try:
            return max(os.get_terminal_size(stream.fileno()).columns, MIN_WIDTH)  # type: ignore[attr-defined]
        except (AttributeError, ValueError, OSError):
            pass
    return DEFAULT_WIDTH


def colour_for(stream: object) -> bool:
    """Whether ``stream`` gets colour (see the module's docstring)."""
    if os.environ.get("NO_COLOR"):
        return False
    forced = os.environ.get("FORCE_COLOR", "")
    if forced and forced.lower() not in ("0", "false"):
        return True
    return _isatty(stream) and os.environ.get("TERM") != "dumb"


@dataclass(frozen=True)
class Terminal:
    """What a command knows of the stream it writes text to."""

    width: int = DEFAULT_WIDTH
    colour: bool = False

    def style(self, text: str, *styles: str) -> str:
        """``text`` in ``styles`` (``"bold"``, ``"red"``...) when colour is on, else as it is."""
        if not self.colour or not styles or not text:
            return text
        codes = ";".join(_STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def wrap(self, text: str, *, indent: str = "", hanging: str | None = None) -> list[str]:
        return wrap(text, self.width, indent=indent, hanging=hanging)

    def say(self, stream: TextIO, text: str, *, hanging: str = "  ") -> None:
        """``text`` (a note, an error) on ``stream``, wrapped to the width."""
        for line in wrap(text, self.width, hanging=hanging):
            print(line, file=stream)


def terminal(stream: object) -> Terminal:
    """The :class:`Terminal` of ``stream``."""
    return Terminal(width_of(stream), colour_for(stream))


def for_report(output: str | None, out: object) -> Terminal:
    """The :class:`Terminal` of a report: ``out``'s, or for a file (``--output``) the plain
    100 columns without colour."""
    return Terminal() if output else terminal(out)


def say(stream: TextIO, text: str, *, hanging: str = "  ") -> None:
    """``text`` on ``stream``, wrapped to that stream's width (the one-line ``error:`` and
    ``note:`` messages)."""
    terminal(stream).say(stream, text, hanging=hanging)


class Progress:
    """A one-line bar on a terminal's standard error: ``reading templates [#####.....] 12/40``.

    Does nothing unless ``stream`` is a terminal. ``expect(n)`` adds to the total,
    ``advance()`` counts one done (``update(done, total)`` sets both); the bar is drawn at
    most ten times a second, only once the run has lasted ``delay`` seconds, and erased by
    :meth:`close` (also on leaving a ``with`` block), so that what follows starts clean.
    """

    def __init__(self, stream: TextIO | None, label: str, *, total: int = 0, delay: float = 0.5) -> None:
        self.stream = stream
        self.enabled = stream is not None and _isatty(stream) and os.environ.get("TERM") != "dumb"
        self.label = label
        self.total = total
        self.done = 0
        self._start = time.monotonic()
        self._delay = delay
        self._drawn_at = 0.0
        self._shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def expect(self, n: int) -> None:
        self.total += n
        self._draw()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def update(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self._draw()

    def line(self, width: int) -> str:
        """The bar as text within ``width`` columns."""
        total = max(self.total, self.done)
        count = f" {self.done:,}/{total:,}" if total else f" {self.done:,}"
        room = width - len(self.label) - len(count) - 4
        if total and room >= 10:
            size = min(room, 40)
            filled = size * self.done // total
            return f"{self.label} [{'#' * filled}{'.' * (size - filled)}]{count}"
        return f"{self.label}{count}"[: width - 1]

    def _draw(self) -> None:
        if not self.enabled or self.stream is None:
            return
        now = time.monotonic()
        if now - self._start < self._delay or now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        try:
            self.stream.write("\r" + self.line(width_of(self.stream)) + "\x1b[K")
            self.stream.flush()
            self._shown = True
        except (OSError, ValueError):
            self.enabled = False

    def close(self) -> None:
        """Erase the bar (when it was drawn)."""
        if self._shown and self.stream is not None:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self._shown = False
        self.enabled = False
