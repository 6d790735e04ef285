"""The checks' configuration file: ``[tool.constructs-lib]`` in ``pyproject.toml``.

Found upward from the current directory (the first ``pyproject.toml`` that has the
table), or given with ``--config``::

    [tool.constructs-lib]
    disable = ["lambda-sync-invoke"]         # rules not to run
    fail-on = "warning"                       # error (default) | warning | none
    account-concurrency = 3000                # the account's Lambda concurrency quota
    region = "eu-west-1"                      # Region the SAM translator assumes

    [tool.constructs-lib.levels]              # a rule's level, overriding its own
    stream-bisect-batch = "error"

Unknown keys, unknown rule ids and unknown levels are errors (a typo would otherwise
silently keep a rule on). The file is read through the reading layer
(:mod:`constructs_lib.template.reading`): a regular file within the size limit, never a
FIFO or a device (``--config /dev/zero`` is refused, saying what it is).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs_lib.template.reading import Reader, TemplateError, regular_file

TABLE = "constructs-lib"
KEYS = ("disable", "fail-on", "account-concurrency", "region", "levels")
FAIL_ON = ("error", "warning", "none")


class ConfigError(ValueError):
    """A configuration file that cannot be read or says something the checks do not know."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    disable: frozenset[str] = frozenset()
    levels: Mapping[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    account_concurrency: int | None = None
    region: str | None = None


_NO_TOML_READER = "reading it needs Python 3.11+ or `pip install tomli`"


def _text(path: Path) -> str:
    try:
        return Reader().read_text(path)
    except TemplateError:
        return ""


def _toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError as exc:
            raise ConfigError(f"{path}: {_NO_TOML_READER}") from exc
    try:
        data = Reader().read_bytes(path)
    except TemplateError as exc:
        raise ConfigError(str(exc)) from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {' '.join(str(exc).split())}") from None


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a ``[tool.constructs-lib]`` table."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if regular_file(candidate):
            try:
                data = _toml(candidate)
            except ConfigError as exc:
                if _NO_TOML_READER in str(exc) and f"[tool.{TABLE}" in _text(candidate):
                    raise  # our table is there but cannot be read (Python 3.10 without tomli): say so
                continue
            if isinstance(data.get("tool"), dict) and TABLE in data["tool"]:
                return candidate
    return None


def load_config(path: Path | None, known_rules: frozenset[str] | set[str]) -> Config:
    """The configuration in ``path`` (``None``: no file, the defaults)."""
    if path is None:
        return Config()
    data = _toml(path)
    table = data.get("tool", {}).get(TABLE) if isinstance(data.get("tool"), dict) else None
    if table is None:
        raise ConfigError(f"{path}: has no [tool.{TABLE}] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] is not a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)} in [tool.{TABLE}] (known: {', '.join(KEYS)})")
    disable = table.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(r, str) for r in disable):
        raise ConfigError(f"{path}: disable must be a list of rule ids")
    levels = table.get("levels", {})
    if not isinstance(levels, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}.levels] must map rule ids to error or warning")
    for rule_id in [*disable, *levels]:
        if rule_id not in known_rules:
            raise ConfigError(f"{path}: {rule_id!r} is not a rule (see `constructs-lib rules`)")
    for rule_id, level in levels.items():
        if level not in ("error", "warning"):
            raise ConfigError(f"{path}: level {level!r} of {rule_id} must be error or warning")
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"{path}: fail-on must be one of {', '.join(FAIL_ON)}")
    concurrency = table.get("account-concurrency")
    if concurrency is not None and (not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1):
        raise ConfigError(f"{path}: account-concurrency must be a whole number of 1 or more")
    region = table.get("region")
    if region is not None and not isinstance(region, str):
        raise ConfigError(f"{path}: region must be a string such as eu-west-1")
    return Config(path, frozenset(disable), dict(levels), fail_on, concurrency, region)
