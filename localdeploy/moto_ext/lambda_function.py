"""AWS::Lambda::Function keeps Architectures, TracingConfig, Layers and EphemeralStorage.

moto bug: ``LambdaFunction.create_from_cloudformation_json`` copies only a fixed list of
optional properties (Description, MemorySize, Timeout, Environment, ...) into the spec it hands
``create_function``; the others are dropped, so a function deployed (or updated) by CloudFormation
reads back as x86_64, PassThrough tracing, no layers and 512 MB of /tmp. The same API call made
directly keeps them. We wrap the handler and apply the dropped properties afterwards, the way
``LambdaFunction.__init__`` reads them from a CreateFunction request.

``LoggingConfig`` is dropped the same way, and moto does not model it at all: GetFunctionConfiguration
never returns it, whatever CreateFunction was given. We keep it on the function (from the
CloudFormation properties and from a CreateFunction request) and return it as Lambda does: the
given settings over Lambda's defaults (``Text`` format, log group ``/aws/lambda/<function name>``).

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
    if "LoggingConfig" in properties:
        fn.logging_config = dict(properties["LoggingConfig"])  # type: ignore[attr-defined]


def logging_config(fn: LambdaFunction) -> dict[str, Any]:
    """What GetFunctionConfiguration returns as ``LoggingConfig``: the given settings over Lambda's defaults."""
    given: dict[str, Any] = getattr(fn, "logging_config", None) or {}
    return {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{fn.function_name}", **given}


def _patch_logging_config() -> None:
    original_init = LambdaFunction.__init__
    original_get_configuration = LambdaFunction.get_configuration

    def __init__(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        if spec.get("LoggingConfig"):
            self.logging_config = dict(spec["LoggingConfig"])  # type: ignore[attr-defined]

    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        config = original_get_configuration(self, on_create)
        config["LoggingConfig"] = logging_config(self)
        return config

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]


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
    _patch_logging_config()
    if not hasattr(LayerVersion, "physical_resource_id"):
        LayerVersion.physical_resource_id = property(lambda self: self.arn)  # type: ignore[attr-defined]
    setattr(LambdaFunction, _INSTALLED, True)
