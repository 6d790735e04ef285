"""Every Python example in README.md and docs/ runs as a test, as written (Sybil).

Each fenced ``python`` block (and each ``<!-- invisible-code-block: python -->``, the setup
a page may need, visible in its source) is one test; the blocks of a page share one
namespace, in order. A block that builds an ``App`` must synthesize it: the evaluator
records ``app.synth()`` and fails the example when it was not called or produced no cloud
assembly (``manifest.json``) - unless the block shows a ``ConstructPropsError``, which is
raised before there is anything to synthesize, or is an invisible setup block whose App the
page's fragments build on and a closing invisible block synthesizes. ``App()`` without ``outdir`` synthesizes into a temporary
directory, so nothing is written into the repository.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from sybil import Example, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import CodeBlockParser

ROOT = Path(__file__).resolve().parent

# jsii runs on the venv's Node (>= 22), as in tests/conftest.py.
_venv_bin = str(Path(sys.executable).parent)
if not os.environ.get("PATH", "").startswith(_venv_bin):
    os.environ["PATH"] = _venv_bin + os.pathsep + os.environ.get("PATH", "")


class SynthesizingEvaluator:
    """Python evaluation, plus: an example that creates an ``App`` synthesizes it."""

    def __init__(self) -> None:
        self.python = PythonEvaluator()

    def __call__(self, example: Example) -> str | None:
        source = str(example.parsed)
        if "App(" not in source or _is_invisible(example):
            # An invisible setup block may create the App that the page's visible fragments
            # build on; the page then synthesizes it in a closing invisible block.
            return self.python(example)
        import aws_cdk

        synthesized: list[Any] = []
        original = aws_cdk.App.synth

        def synth(app: Any, *args: Any, **kwargs: Any) -> Any:
            assembly = original(app, *args, **kwargs)
            synthesized.append(assembly)
            return assembly

        aws_cdk.App.synth = synth  # type: ignore[method-assign]
        try:
            result = self.python(example)
        finally:
            aws_cdk.App.synth = original  # type: ignore[method-assign]
        if result:
            return result
        if not synthesized:
            if "except ConstructPropsError" in source:
                return None
            return "this example builds an App but never calls app.synth()"
        missing = [a.directory for a in synthesized if not (Path(a.directory) / "manifest.json").is_file()]
        if missing:
            return f"app.synth() wrote no cloud assembly: {missing}"
        return None


def _is_invisible(example: Example) -> bool:
    """A ``<!-- invisible-code-block: python -->`` (page setup), not a visible example."""
    return example.document.text[example.start : example.start + 40].lstrip().startswith("<!--")


pytest_collect_file = Sybil(
    parsers=[CodeBlockParser(language="python", evaluator=SynthesizingEvaluator())],
    patterns=["README.md", "CONTRIBUTING.md", "docs/*.md", "docs/*/*.md"],
    path=".",
).pytest()
