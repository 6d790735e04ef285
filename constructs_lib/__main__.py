"""``python -m constructs_lib COMMAND``: ``check PATH``, ``rules``, ``explain PATH`` and
``simulate PATH --scenario NAME``; the commands live in :mod:`constructs_lib.cli`."""

import sys

from constructs_lib.cli import main

sys.exit(main(prog="python -m constructs_lib"))
