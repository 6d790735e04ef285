"""Rules for Lambda SnapStart (``SnapStart: {ApplyOn: PublishedVersions}``).

SnapStart snapshots the initialized execution environment when a version is published and
resumes new environments from it. AWS supports it on the Java 11+, Python 3.12+ and .NET 8+
managed runtimes (not OS-only runtimes or container images), on both architectures, and not
together with provisioned concurrency, Amazon EFS or ephemeral storage above 512 MB. It applies
to published versions only, so callers must invoke a version or an alias, never ``$LATEST``.
Source: ``limits.SRC_LAMBDA_SNAPSTART``.
"""

from __future__ import annotations

import re

from constructs_lib import limits
from constructs_lib.value_rules import Violation, num

_RUNTIME = re.compile(r"^(?P<family>python|java|dotnet)(?P<version>\d+(?:\.\d+)?)")


def supports_snap_start(runtime: str | None) -> bool | None:
    """Whether ``runtime`` (``"python3.12"``, ``"java21"``, ``"dotnet8"``) supports SnapStart;
    ``None`` when unknown (no runtime: a container image, or a token)."""
    if runtime is None:
        return None
    match = _RUNTIME.match(runtime)
    if match is None:
        return False
    minimum = limits.SNAPSTART_MIN_RUNTIME_VERSIONS[match.group("family")]
    version = tuple(int(part) for part in match.group("version").split("."))
    return version >= minimum


def check_snap_start_runtime(runtime: str | None, *, prop: str = "runtime") -> Violation | None:
    """SnapStart needs Python 3.12+, Java 11+ or .NET 8+ (managed runtimes)."""
    if supports_snap_start(runtime) is not False:
        return None
    return Violation(
        prop,
        f"{prop} {runtime} does not support SnapStart; Lambda supports it on the Python 3.12+, "
        "Java 11+ and .NET 8+ managed runtimes only (not on other runtimes, OS-only runtimes "
        "or container images) and rejects the function. Use python3.12 or newer, or drop snap_start",
        limits.SRC_LAMBDA_SNAPSTART,
    )


def check_snap_start_without_provisioned(
    provisioned: float | None, *, prop: str = "provisioned_concurrency"
) -> Violation | None:
    """SnapStart and provisioned concurrency are mutually exclusive."""
    if provisioned is None:
        return None
    return Violation(
        prop,
        f"{prop} {num(provisioned)} cannot be combined with snap_start: Lambda does not support "
        "SnapStart together with provisioned concurrency. Choose one - provisioned concurrency "
        "keeps environments initialized (billed while idle), SnapStart resumes them from a "
        "snapshot on demand",
        limits.SRC_LAMBDA_SNAPSTART,
    )


def check_snap_start_without_efs(filesystem: bool, *, prop: str = "function_props") -> Violation | None:
    """SnapStart does not support Amazon EFS."""
    if not filesystem:
        return None
    return Violation(
        prop,
        f"{prop} sets filesystem (Amazon EFS), which Lambda does not support together with "
        "SnapStart; drop one of them",
        limits.SRC_LAMBDA_SNAPSTART,
    )


def check_snap_start_ephemeral_storage(
    size_mb: float | None, *, prop: str = "function_props"
) -> Violation | None:
    """SnapStart supports at most 512 MB of ephemeral storage (/tmp)."""
    if size_mb is None or size_mb <= limits.SNAPSTART_MAX_EPHEMERAL_STORAGE_MB:
        return None
    return Violation(
        prop,
        f"{prop} sets ephemeral_storage_size {num(size_mb)} MB; Lambda does not support SnapStart "
        f"with more than {limits.SNAPSTART_MAX_EPHEMERAL_STORAGE_MB} MB of ephemeral storage. "
        f"Use at most {limits.SNAPSTART_MAX_EPHEMERAL_STORAGE_MB} MB, or drop snap_start",
        limits.SRC_LAMBDA_SNAPSTART,
    )


__all__ = [
    "check_snap_start_ephemeral_storage",
    "check_snap_start_runtime",
    "check_snap_start_without_efs",
    "check_snap_start_without_provisioned",
    "supports_snap_start",
]
