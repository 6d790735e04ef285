"""Shared plumbing for the CloudFormation handlers that close moto's gaps.

moto builds its CloudFormation type map from ``CloudFormationModel.__subclasses__()`` (direct
subclasses only), so every handler here names ``CloudFormationModel`` among its bases and mixes in
``HandlerDefaults`` for the parts that are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.common_models import CloudFormationModel


class HandlerDefaults:
    """Defaults for a handler whose physical id is a plain string and whose update is replace.

    A subclass sets ``cfn_type`` and ``attributes`` (``{GetAtt name: instance attribute}``), and
    implements ``create_from_cloudformation_json`` and, when the resource can be removed, ``delete``.
    """

    cfn_type: str = ""
    #: GetAtt name -> attribute of the instance holding its value.
    attributes: dict[str, str] = {}

    physical_id: str

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.cfn_type

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # no name property: moto generates "<stack>-<logical id>-<suffix>"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.attributes

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name not in self.attributes:
            raise UnformattedGetAttTemplateException()
        return getattr(self, self.attributes[attribute_name])

    @property
    def physical_resource_id(self) -> str:
        """What ``Ref`` returns."""
        return self.physical_id

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:  # noqa: B027 - optional hook
        """Remove the resource from its backend (default: nothing to remove)."""

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(  # type: ignore[attr-defined]
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        """Only reached when ``delete`` failed; nothing more to do."""


def ref_name(value: Any) -> str:
    """A Ref's value as a string: moto resolves Ref to the object when it has no physical id."""
    for attr in ("physical_resource_id", "name", "id"):
        found = getattr(value, attr, None)
        if isinstance(found, str):
            return found
    return str(value)


def function_name(value: str) -> str:
    """A Lambda function name from a name, a full ARN or a partial ARN (``fn:qualifier`` dropped)."""
    if value.startswith("arn:"):
        return value.split(":")[6]
    return value.split(":")[0]


def keep_after_cloudformation(model: type[Any], keep: Callable[[Any, dict[str, Any]], None]) -> None:
    """Wrap ``model``'s CloudFormation create and update handlers: after moto's own, call
    ``keep(resource, properties)`` to set what moto's handler dropped."""
    original_create = model.create_from_cloudformation_json.__func__
    original_update = model.update_from_cloudformation_json.__func__

    def create_from_cloudformation_json(
        cls: type[Any], resource_name: str, cloudformation_json: dict[str, Any],
        account_id: str, region_name: str, **kwargs: Any,
    ) -> Any:
        made = original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        keep(made, cloudformation_json["Properties"])
        return made

    def update_from_cloudformation_json(
        cls: type[Any], original_resource: Any, new_resource_name: str,
        cloudformation_json: dict[str, Any], account_id: str, region_name: str,
    ) -> Any:
        made = original_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        keep(made, cloudformation_json["Properties"])
        return made

    model.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    model.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)


__all__ = ["CloudFormationModel", "HandlerDefaults", "function_name", "keep_after_cloudformation", "ref_name"]
