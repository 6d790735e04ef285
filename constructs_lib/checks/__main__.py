"""``python -m constructs_lib.checks check PATH`` (same as ``python -m constructs_lib check``)."""

import sys

from constructs_lib.cli import main

sys.exit(main(prog="python -m constructs_lib.checks"))
