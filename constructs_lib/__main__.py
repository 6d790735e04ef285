"""``python -m constructs_lib COMMAND``: ``check PATH`` and ``explain PATH [--duration S] [--output FILE]``.

Commands dispatch to their modules through ``constructs_lib.checks.cli`` so that adding one
is a sub-parser there, not a new entry point.
"""

import sys

from constructs_lib.checks.cli import main

sys.exit(main(prog="python -m constructs_lib"))
