"""``python -m constructs_lib COMMAND``: ``check PATH``, ``explain PATH [--duration S] [--output FILE]``
and ``simulate PATH --scenario NAME [--events N] [--seed S] [--format text|json]``.

Commands dispatch to their modules through ``constructs_lib.checks.cli`` so that adding one
is a sub-parser there, not a new entry point.
"""

import sys

from constructs_lib.checks.cli import main

sys.exit(main(prog="python -m constructs_lib"))
