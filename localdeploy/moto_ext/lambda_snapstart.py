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

_INSTALLED = "_constructs_lib_snapstart"


def apply_on(fn: LambdaFunction) -> str:
    return str((getattr(fn, "snap_start", None) or {}).get("ApplyOn", "None"))


def install() -> None:
    if getattr(LambdaFunction, _INSTALLED, False):
        return
    original_init = LambdaFunction.__init__
    original_get_configuration = LambdaFunction.get_configuration
    original_create = LambdaFunction.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    original_update = LambdaFunction.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def __init__(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self.snap_start = copy.deepcopy(spec.get("SnapStart"))  # type: ignore[attr-defined]

    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        config = original_get_configuration(self, on_create)
        published = str(self.version) != "$LATEST"
        on = apply_on(self) == "PublishedVersions" and published
        config["SnapStart"] = {"ApplyOn": apply_on(self), "OptimizationStatus": "On" if on else "Off"}
        return config

    def create_from_cloudformation_json(
        cls: type[LambdaFunction], resource_name: str, cloudformation_json: dict[str, Any],
        account_id: str, region_name: str, **kwargs: Any,
    ) -> LambdaFunction:
        fn = original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        fn.snap_start = copy.deepcopy(cloudformation_json["Properties"].get("SnapStart"))  # type: ignore[attr-defined]
        return fn

    def update_from_cloudformation_json(
        cls: type[LambdaFunction], original_resource: LambdaFunction, new_resource_name: str,
        cloudformation_json: dict[str, Any], account_id: str, region_name: str,
    ) -> LambdaFunction:
        fn = original_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        fn.snap_start = copy.deepcopy(cloudformation_json["Properties"].get("SnapStart"))  # type: ignore[attr-defined]
        return fn

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    LambdaFunction.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    setattr(LambdaFunction, _INSTALLED, True)
