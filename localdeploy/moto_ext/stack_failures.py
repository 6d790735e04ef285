"""A stack that cannot be created fails loudly, naming the resource, instead of half-existing.

moto bugs: (1) a resource whose creation raises ends the CreateStack / ExecuteChangeSet request
with a 500 (HTML or a service's JSON error in an XML API), and the resources after it are never
created; the stack keeps whatever status it had. (2) A resource type with no handler is skipped
with only a log warning, and the stack still reaches CREATE_COMPLETE.

Here both end the same way a real deploy does: the stack goes to ROLLBACK_COMPLETE (or
UPDATE_ROLLBACK_COMPLETE) with a CREATE_FAILED event whose reason names the logical id, the type
and the cause, so ``cdk deploy`` fails and prints it. moto cannot roll back what it already
created; the reason says so. Types listed in ``IGNORED_TYPES`` are still skipped, on purpose.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing

#: Types a local deploy may skip: nothing reads them back. type -> why.
IGNORED_TYPES: dict[str, str] = {
    "AWS::CDK::Metadata": "CDK's analytics record; creates nothing in the account",
}


class ResourceCreationFailed(Exception):
    """A resource could not be created by the local endpoint."""

    def __init__(self, logical_id: str, resource_type: str, cause: str) -> None:
        super().__init__(f"{logical_id} ({resource_type}): {cause}")
        self.logical_id = logical_id
        self.resource_type = resource_type


def _is_unsupported(resource_type: str) -> bool:
    if resource_type in IGNORED_TYPES or resource_type in parsing.NULL_MODELS:
        return False
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return False
    return resource_type not in parsing.get_model_map()


def _fail(stack: Any, error: Exception, *, update: bool) -> None:
    reason = f"{type(error).__name__}: {error} (local endpoint; resources created before it are kept)"
    stack._add_stack_event("UPDATE_FAILED" if update else "CREATE_FAILED", resource_status_reason=reason)
    stack.status = "UPDATE_ROLLBACK_COMPLETE" if update else "ROLLBACK_COMPLETE"
    stack._add_stack_event(stack.status)


def install() -> None:
    if getattr(parsing, "_constructs_lib_strict", False):
        return
    original_parse = parsing.parse_and_create_resource

    @functools.wraps(original_parse)  # type: ignore[arg-type]
    def parse_and_create_resource(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        resource_type = resource_json["Type"]
        if _is_unsupported(resource_type):
            raise ResourceCreationFailed(logical_id, resource_type, "not supported by moto's CloudFormation")
        try:
            return original_parse(logical_id, resource_json, resources_map, account_id, region_name)
        except ResourceCreationFailed:
            raise
        except Exception as error:  # any backend error: name the resource that raised it
            raise ResourceCreationFailed(logical_id, resource_type, f"{type(error).__name__}: {error}") from error

    original_create = cfn_models.Stack.create_resources

    def create_resources(self: cfn_models.Stack) -> None:
        try:
            original_create(self)
        except Exception as error:
            _fail(self, error, update=False)

    original_execute = cfn_models.CloudFormationBackend.execute_change_set

    def execute_change_set(
        self: cfn_models.CloudFormationBackend, change_set_name: str, stack_name: str | None = None
    ) -> None:
        try:
            original_execute(self, change_set_name, stack_name)
        except Exception as error:
            change_set = self.describe_change_set(change_set_name)
            assert change_set is not None
            change_set.execution_status = "EXECUTE_FAILED"
            _fail(self.stacks[change_set.stack_id], error, update=change_set.change_set_type == "UPDATE")

    parsing.parse_and_create_resource = parse_and_create_resource
    cfn_models.Stack.create_resources = create_resources  # type: ignore[method-assign]
    cfn_models.CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]
    parsing._constructs_lib_strict = True  # type: ignore[attr-defined]
