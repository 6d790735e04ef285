"""Import paths from before the layout of 0.1 (issue 22), kept working for this version.

The template reader moved from ``constructs_lib.checks`` to :mod:`constructs_lib.template`,
``explain`` and the command line to :mod:`constructs_lib.explain` and
:mod:`constructs_lib.cli`, and the pure rules over plain values from ``constructs_lib.rules``
to :mod:`constructs_lib.value_rules`. An import of an old path gets the new module itself
(the same object, so patching and ``isinstance`` behave) and a ``DeprecationWarning``
naming the new path. No file remains at the old paths: the folders show the layers, and
import-linter sees no upward import.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from types import ModuleType

#: Old module path -> new module path. A key ending in ``.`` maps every module below it.
MOVED: dict[str, str] = {
    "constructs_lib.rules": "constructs_lib.value_rules",
    "constructs_lib.rules.": "constructs_lib.value_rules.",
    "constructs_lib.checks.loader": "constructs_lib.template.loader",
    "constructs_lib.checks.model": "constructs_lib.template.model",
    "constructs_lib.checks.sam": "constructs_lib.template.sam",
    "constructs_lib.checks.conditions": "constructs_lib.template.conditions",
    "constructs_lib.checks.explain": "constructs_lib.explain.report",
    "constructs_lib.checks.cli": "constructs_lib.cli",
    "constructs_lib.simulate.cli": "constructs_lib.cli.simulate",
}


def new_name(old: str) -> str | None:
    """The module that replaced ``old``, or ``None`` when ``old`` did not move."""
    if old in MOVED:
        return MOVED[old]
    for prefix, target in MOVED.items():
        if prefix.endswith(".") and old.startswith(prefix):
            return target + old[len(prefix):]
    return None


class _Alias:
    """Finds an old path and loads it as the module that replaced it (a meta path finder
    and its loader, by protocol: ``importlib.abc`` would cost the command line 8 ms)."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        new = new_name(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=False)  # type: ignore[arg-type]

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = new_name(spec.name)
        assert new is not None
        warnings.warn(
            f"{spec.name} moved to {new}; import it from there (the old path goes in a later version)",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(new)
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module already ran under its own name; the import system has just written
        # the alias's spec onto it: give it back its own.
        own = self._specs.pop(getattr(module.__spec__, "name", ""), None)
        if own is not None:
            module.__spec__ = own


_FINDER = _Alias()


def install() -> None:
    """Put the alias finder on ``sys.meta_path`` (once)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
