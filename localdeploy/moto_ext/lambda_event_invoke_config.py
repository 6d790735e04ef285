"""AWS::Lambda::EventInvokeConfig on moto's ``put_function_event_invoke_config``.

moto gap: no CloudFormation handler. moto keeps one config per function and ignores the
qualifier, so a config on an alias reads back through the function name as well.
"""

from __future__ import annotations

import contextlib

from typing import Any

from moto.awslambda.models import get_backend

from ._base import CloudFormationModel, HandlerDefaults, function_name, ref_name

_API_KEYS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


class EventInvokeConfig(HandlerDefaults, CloudFormationModel):
    """Ref: ``<function>:<qualifier>`` (CloudFormation returns a generated id)."""

    cfn_type = "AWS::Lambda::EventInvokeConfig"

    def __init__(self, function: str, qualifier: str) -> None:
        self.function = function
        self.physical_id = f"{function}:{qualifier}"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EventInvokeConfig:
        props = cloudformation_json["Properties"]
        fn = function_name(ref_name(props["FunctionName"]))
        config = {key: props[key] for key in _API_KEYS if key in props}
        backend = get_backend(account_id, region_name)
        backend.get_function(fn).event_invoke_config = []  # a put replaces, as in Lambda
        backend.put_function_event_invoke_config(fn, config)
        return cls(fn, str(props.get("Qualifier", "$LATEST")))

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.awslambda.exceptions import UnknownFunctionException

        # moto deletes a stack's resources in no dependency order: the function may be gone already.
        with contextlib.suppress(UnknownFunctionException):
            get_backend(account_id, region_name).get_function(self.function).event_invoke_config = []


def install() -> None:
    """Registered by being defined (moto reads ``CloudFormationModel.__subclasses__()``)."""
