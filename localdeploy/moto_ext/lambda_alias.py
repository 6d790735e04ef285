"""AWS::Lambda::Alias on moto's Lambda backend (``create_alias``), and a usable AWS::Lambda::Version.

moto gap: no CloudFormation handler for aliases. moto bug: its AWS::Lambda::Version model has no
physical id and no ``Version`` attribute, so ``Ref`` yields the model object and
``Fn::GetAtt [Version, Version]`` (what aws-cdk's ``Alias`` / ``currentVersion`` emit) fails;
we give it the version ARN (CloudFormation's Ref) and the version number.
"""

from __future__ import annotations

import contextlib

from typing import Any

from moto.awslambda.models import LambdaAlias, LambdaVersion, get_backend
from moto.awslambda.utils import make_function_ver_arn

from ._base import CloudFormationModel, HandlerDefaults, function_name, ref_name


def routing_config(properties: dict[str, Any]) -> dict[str, Any] | None:
    """CloudFormation's ``RoutingConfig`` (a list of weights) in the Lambda API's shape (a map)."""
    config = properties.get("RoutingConfig")
    if not config:
        return None
    weights = config.get("AdditionalVersionWeights", [])
    return {
        "AdditionalVersionWeights": {
            str(w["FunctionVersion"]): float(w["FunctionWeight"]) for w in weights
        }
    }


class Alias(HandlerDefaults, CloudFormationModel):
    """Ref: the alias ARN (as CloudFormation)."""

    cfn_type = "AWS::Lambda::Alias"
    attributes = {"AliasArn": "physical_id"}

    def __init__(self, alias: LambdaAlias, function: str) -> None:
        self.alias = alias
        self.function = function
        self.physical_id = alias.arn

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Alias:
        props = cloudformation_json["Properties"]
        fn = function_name(ref_name(props["FunctionName"]))
        alias = get_backend(account_id, region_name).create_alias(
            name=props["Name"],
            function_name=fn,
            function_version=str(props["FunctionVersion"]),
            description=props.get("Description", ""),
            routing_config=routing_config(props),  # type: ignore[arg-type]
        )
        return cls(alias, fn)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.awslambda.exceptions import UnknownFunctionException

        # moto deletes a stack's resources in no dependency order: the function may be gone
        # already, and its aliases with it.
        with contextlib.suppress(UnknownFunctionException):
            get_backend(account_id, region_name).delete_alias(self.alias.name, self.function)


def _version_get_cfn_attribute(self: LambdaVersion, attribute_name: str) -> str:
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    if attribute_name == "Version":
        return str(self.version)
    raise UnformattedGetAttTemplateException()


def install() -> None:
    if getattr(LambdaVersion, "_constructs_lib_patched", False):
        return
    original = LambdaVersion.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: type[LambdaVersion],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> LambdaVersion:
        version = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        name = function_name(ref_name(cloudformation_json["Properties"]["FunctionName"]))
        version.function_arn = make_function_ver_arn(region_name, account_id, name, version.version)
        return version

    LambdaVersion.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    LambdaVersion.physical_resource_id = property(lambda self: self.function_arn)  # type: ignore[attr-defined]
    LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr == "Version")  # type: ignore[method-assign,assignment]
    LambdaVersion.get_cfn_attribute = _version_get_cfn_attribute  # type: ignore[attr-defined]
    LambdaVersion._constructs_lib_patched = True  # type: ignore[attr-defined]
