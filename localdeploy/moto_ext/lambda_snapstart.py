"""AWS::Lambda::Function keeps ``SnapStart``, and GetFunctionConfiguration answers it.

moto bug: ``LambdaFunction.get_configuration`` always answers ``SnapStart: {ApplyOn: None,
OptimizationStatus: Off}``, whatever CreateFunction or the CloudFormation template said (its
CloudFormation handler drops the property too). We keep ``SnapStart.ApplyOn`` on the function
and on the versions published from it, and answer as Lambda does: ``OptimizationStatus`` is
``On`` for a published version of a function with ``ApplyOn: PublishedVersions``, ``Off`` for
``$LATEST``. Source: https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html
"""

from __future__ import annotations

import copy
from typing import Any

from moto.awslambda.models import LambdaFunction

from ._base import keep_after_cloudformation

_INSTALLED = "_constructs_lib_snapstart"


def apply_on(fn: LambdaFunction) -> str:
    return str((getattr(fn, "snap_start", None) or {}).get("ApplyOn", "None"))


def install() -> None:
    if getattr(LambdaFunction, _INSTALLED, False):
        return
    original_init = LambdaFunction.__init__
    original_get_configuration = LambdaFunction.get_configuration

    def __init__(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self.snap_start = copy.deepcopy(spec.get("SnapStart"))  # type: ignore[attr-defined]

    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        config = original_get_configuration(self, on_create)
        published = str(self.version) != "$LATEST"
        on = apply_on(self) == "PublishedVersions" and published
        config["SnapStart"] = {"ApplyOn": apply_on(self), "OptimizationStatus": "On" if on else "Off"}
        return config

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]

    def keep(fn: LambdaFunction, properties: dict[str, Any]) -> None:
        fn.snap_start = copy.deepcopy(properties.get("SnapStart"))  # type: ignore[attr-defined]

    keep_after_cloudformation(LambdaFunction, keep)
    setattr(LambdaFunction, _INSTALLED, True)
