"""AWS::Lambda::Url on moto's Lambda backend (``create_function_url_config``), with its qualifier.

moto gap: no CloudFormation handler for function URLs. moto bug: the URL's ``Qualifier`` (an
alias such as ``live``) is ignored, so GetFunctionUrlConfig answers the unqualified function ARN.
We create the URL config from the template (AuthType, InvokeMode, Cors), keep the qualifier and
answer ``FunctionArn`` qualified, as Lambda does. Ref is the function ARN (qualified), GetAtt
``FunctionUrl`` / ``FunctionArn`` as CloudFormation documents them.
Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-url.html
"""

from __future__ import annotations

import contextlib
from typing import Any

from moto.awslambda.models import FunctionUrlConfig, get_backend

from ._base import CloudFormationModel, HandlerDefaults, function_name, ref_name

_INSTALLED = "_constructs_lib_qualifier"
#: The properties of AWS::Lambda::Url that are the URL's config (the rest name the function).
CONFIG_PROPS = ("AuthType", "InvokeMode", "Cors")


class FunctionUrl(HandlerDefaults, CloudFormationModel):
    """Ref: the (qualified) function ARN; GetAtt FunctionUrl, FunctionArn."""

    cfn_type = "AWS::Lambda::Url"
    attributes = {"FunctionUrl": "url", "FunctionArn": "physical_id"}

    def __init__(self, config: FunctionUrlConfig, function: str) -> None:
        self.config = config
        self.function = function
        self.url = config.url
        self.physical_id = config.to_dict()["FunctionArn"]

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FunctionUrl:
        props = cloudformation_json["Properties"]
        fn = function_name(ref_name(props["TargetFunctionArn"]))
        config = {k: props[k] for k in CONFIG_PROPS if k in props}
        if props.get("Qualifier"):
            config["Qualifier"] = str(props["Qualifier"])
        made = get_backend(account_id, region_name).create_function_url_config(fn, config)
        return cls(made, fn)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.awslambda.exceptions import UnknownFunctionException

        with contextlib.suppress(UnknownFunctionException):  # the function may be gone already
            get_backend(account_id, region_name).delete_function_url_config(self.function)


def install() -> None:
    if getattr(FunctionUrlConfig, _INSTALLED, False):
        return
    original = FunctionUrlConfig.to_dict

    def to_dict(self: FunctionUrlConfig) -> dict[str, Any]:
        answer = original(self)
        qualifier = self.config.get("Qualifier")
        if qualifier:
            answer["FunctionArn"] = f"{self.function.function_arn}:{qualifier}"
        return answer

    FunctionUrlConfig.to_dict = to_dict  # type: ignore[method-assign]
    setattr(FunctionUrlConfig, _INSTALLED, True)
