"""Change sets (the path ``cdk deploy`` takes) behave like CreateStack.

moto bug 1: ``create_stack`` creates resources in ``DependsOn`` order, but a change set
(``ExecuteChangeSet``, the path ``cdk deploy`` takes) goes through ``ResourceMap.update``, which
creates the added resources in template order and ignores ``DependsOn`` (``Ref``/``GetAtt`` are
resolved lazily, ``DependsOn`` is not). aws-cdk writes a REST API's ``AWS::ApiGateway::Deployment``
before its methods, with ``DependsOn`` on them, so moto's ``create_deployment`` runs on an API
with no methods and raises ``NoMethodDefined``; the exception escapes as a 500 with a JSON body,
which the CDK CLI reports as ``@aws-sdk XML parse error``. We sort the "Add" list of the diff
(that ``update`` iterates) into ``DependsOn`` order of the new template.

moto bug 2: ``execute_change_set`` stores the new template text but never rebuilds the stack's
outputs (built when the empty REVIEW_IN_PROGRESS stack was made) nor registers its exports, so a
stack deployed by ``cdk deploy`` has no Outputs and its ``Fn::ImportValue`` consumers fail. After
a successful execution we re-parse the template, rebuild the outputs and register the exports, as
``create_stack`` does.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.parsing import ResourceMap


def dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids, each after everything it ``DependsOn`` (template order otherwise), like moto's
    own create path."""
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in resources:
            return
        seen.add(name)
        depends = resources[name].get("DependsOn", [])
        for dependency in [depends] if isinstance(depends, str) else depends:
            visit(dependency)
        ordered.append(name)

    for name in resources:
        visit(name)
    return ordered


def install() -> None:
    if getattr(ResourceMap, "_constructs_lib_ordered", False):
        return
    original = ResourceMap.build_resource_diff

    def build_resource_diff(
        self: ResourceMap, other_template: dict[str, Any], parameters: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        diff = original(self, other_template, parameters)
        rank = {name: i for i, name in enumerate(dependency_order(other_template["Resources"]))}
        diff["Add"] = sorted(diff["Add"], key=lambda name: rank.get(name, len(rank)))
        return diff

    original_execute = CloudFormationBackend.execute_change_set

    def execute_change_set(
        self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
    ) -> None:
        original_execute(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        assert change_set is not None
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.output_map = stack._create_output_map()
        for export in stack.exports:
            self.exports[export.name] = export

    ResourceMap.build_resource_diff = build_resource_diff  # type: ignore[method-assign]
    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]
    ResourceMap._constructs_lib_ordered = True  # type: ignore[attr-defined]
