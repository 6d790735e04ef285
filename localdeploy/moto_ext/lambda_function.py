"""AWS::Lambda::Function keeps Architectures, TracingConfig, Layers and EphemeralStorage.

moto bug: ``LambdaFunction.create_from_cloudformation_json`` copies only a fixed list of
optional properties (Description, MemorySize, Timeout, Environment, ...) into the spec it hands
``create_function``; the others are dropped, so a function deployed (or updated) by CloudFormation
reads back as x86_64, PassThrough tracing, no layers and 512 MB of /tmp. The same API call made
directly keeps them. We wrap the handler and apply the dropped properties afterwards, the way
``LambdaFunction.__init__`` reads them from a CreateFunction request.

Also: ``AWS::Lambda::LayerVersion`` has no physical id in moto, so ``Ref`` to a layer yields the
model object instead of the layer version ARN; we give it one (CloudFormation's Ref is the ARN).
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaFunction, LayerVersion, get_backend

_INSTALLED = "_constructs_lib_keeps_config"


def _layers(fn: LambdaFunction, arns: list[Any]) -> list[dict[str, Any]]:
    backend = get_backend(fn.account_id, fn.region)
    kept: list[dict[str, Any]] = []
    for item in arns:
        arn = item.arn if isinstance(item, LayerVersion) else str(item)
        layer = backend.layers_versions_by_arn(arn)
        # A layer published elsewhere (e.g. a public Powertools layer) is kept by ARN.
        kept.append({"Arn": arn, "CodeSize": layer.code_size if layer else 0})
    return kept


def apply_dropped_properties(fn: LambdaFunction, properties: dict[str, Any]) -> None:
    """Set on ``fn`` what moto's CloudFormation handler leaves out of the spec."""
    if "Architectures" in properties:
        fn.architectures = list(properties["Architectures"])  # the setter validates
    if "TracingConfig" in properties:
        fn.tracing_config = dict(properties["TracingConfig"])
    if "Layers" in properties:
        fn.layers = _layers(fn, properties["Layers"])  # type: ignore[assignment]
    if "EphemeralStorage" in properties:
        fn.ephemeral_storage = properties["EphemeralStorage"]["Size"]


def install() -> None:
    if getattr(LambdaFunction, _INSTALLED, False):
        return
    original = LambdaFunction.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: type[LambdaFunction],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> LambdaFunction:
        fn = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        apply_dropped_properties(fn, cloudformation_json["Properties"])
        return fn

    original_update = LambdaFunction.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def update_from_cloudformation_json(
        cls: type[LambdaFunction],
        original_resource: LambdaFunction,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> LambdaFunction:
        fn = original_update(
            cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
        )
        apply_dropped_properties(fn, cloudformation_json["Properties"])
        return fn

    LambdaFunction.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    LambdaFunction.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    if not hasattr(LayerVersion, "physical_resource_id"):
        LayerVersion.physical_resource_id = property(lambda self: self.arn)  # type: ignore[attr-defined]
    setattr(LambdaFunction, _INSTALLED, True)
