"""AWS::Lambda::Permission gets a physical id: the statement id of its policy statement.

moto bug: ``Permission.create_from_cloudformation_json`` adds the statement to the function's
policy under a random statement id and returns a model without a physical id, so
ListStackResources / DescribeStackResources show no PhysicalResourceId for the permission (a
verifier sees it as never created), nothing can find its statement again, and deleting the stack
leaves the statement behind. CloudFormation names the statement after the stack and the logical id
(``<stack>-<logical id>-<suffix>``, the resource's physical id); we do the same with the name moto
generates for the resource, shortened to Lambda's 100-character statement-id limit, and remove the
statement when the resource is deleted.
"""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.models import Permission, get_backend

from ._base import function_name, ref_name

#: Lambda AddPermission: StatementId is 1-100 characters ([a-zA-Z0-9-_.]+).
STATEMENT_ID_MAX = 100
_INSTALLED = "_constructs_lib_statement_id"


def statement_id(resource_name: str) -> str:
    """``<stack>-<logical id>-<suffix>`` cut to 100 characters, keeping the random suffix."""
    if len(resource_name) <= STATEMENT_ID_MAX:
        return resource_name
    prefix, _, suffix = resource_name.rpartition("-")
    return f"{prefix[: STATEMENT_ID_MAX - len(suffix) - 1].rstrip('-')}-{suffix}"


def install() -> None:
    if getattr(Permission, _INSTALLED, False):
        return

    def create_from_cloudformation_json(
        cls: type[Permission],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Permission:
        props = dict(cloudformation_json["Properties"])
        fn_name = function_name(ref_name(props["FunctionName"]))
        sid = statement_id(resource_name)
        props["StatementId"] = sid
        # AddPermission's fields only: FunctionName is the path, not part of the statement.
        props.pop("FunctionName")
        get_backend(account_id, region_name).get_function(fn_name).policy.add_statement(raw=json.dumps(props))
        permission = Permission(region=region_name)  # type: ignore[abstract]
        permission.physical_resource_id = sid  # type: ignore[attr-defined]
        permission.function_name = fn_name  # type: ignore[attr-defined]
        return permission

    def delete(self: Permission, account_id: str, region_name: str) -> None:
        from moto.awslambda.exceptions import UnknownFunctionException

        sid = getattr(self, "physical_resource_id", None)
        if sid is None:
            return
        try:
            fn = get_backend(account_id, region_name).get_function(self.function_name)  # type: ignore[attr-defined]
        except UnknownFunctionException:
            return  # moto deletes in no dependency order: the function (and its policy) went first
        fn.policy.statements = [s for s in fn.policy.statements if s.get("Sid") != sid]

    Permission.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    Permission.delete = delete  # type: ignore[attr-defined]
    setattr(Permission, _INSTALLED, True)
