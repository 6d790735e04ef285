"""Package attributes loaded on first access (PEP 562), so importing a package costs only
what its caller uses: ``constructs-lib rules`` reads the template model without the
loader, the command line reads the scenario names without SimPy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str], namespace: dict[str, Any]) -> tuple[
    Callable[[str], Any], Callable[[], list[str]]
]:
    """``__getattr__`` and ``__dir__`` for ``package``: each name in ``exports`` (name ->
    the module that defines it) is imported when first read, then kept in ``namespace``."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(import_module(exports[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*namespace, *exports])

    return __getattr__, __dir__
