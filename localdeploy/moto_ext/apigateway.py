"""AWS::ApiGateway::Stage and AWS::ApiGateway::Account on moto's API Gateway backend.

moto gaps: no CloudFormation handler for either. The stage is created with ``create_stage``,
then its method settings and access log setting are applied with ``update_stage`` patch
operations, exactly as the API would.

moto bugs: AWS::ApiGateway::Deployment and ::Method have no physical id, so ``Ref`` yields the
model object (and DescribeStackResources has no PhysicalResourceId for a method); we give them
theirs. The Method handler reads ``Integration.IntegrationHttpMethod`` / ``Uri`` unconditionally,
so a MOCK integration (aws-cdk's CORS preflight ``OPTIONS`` method) fails with KeyError; we
default them to None, which ``put_integration`` accepts. It also passes only the integration's
type, method and URI, dropping ``TimeoutInMillis``, ``Credentials``, ``RequestTemplates``, ...; we
set them on the integration, as PutIntegration does.

moto bug: the RestApi handler stores ``EndpointConfiguration`` in CloudFormation's shape
(``Types``), but GetRestApi answers in the API's (``types``), so it reads back empty; we translate
it first.
"""

from __future__ import annotations

from typing import Any

from moto.apigateway.models import Deployment, Method, RestAPI, apigateway_backends

from ._base import CloudFormationModel, HandlerDefaults, ref_name

#: CloudFormation MethodSetting property -> the path suffix of its patch operation.
METHOD_SETTING_PATHS = {
    "ThrottlingBurstLimit": "throttling/burstLimit",
    "ThrottlingRateLimit": "throttling/rateLimit",
    "LoggingLevel": "logging/loglevel",
    "DataTraceEnabled": "logging/dataTrace",
    "MetricsEnabled": "metrics/enabled",
    "CachingEnabled": "caching/enabled",
    "CacheTtlInSeconds": "caching/ttlInSeconds",
    "CacheDataEncrypted": "caching/dataEncrypted",
}


#: CloudFormation Integration property -> the attribute of moto's Integration that PutIntegration sets.
INTEGRATION_ATTRIBUTES = {
    "TimeoutInMillis": "timeout_in_millis",
    "Credentials": "credentials",
    "RequestTemplates": "request_templates",
    "RequestParameters": "request_parameters",
    "PassthroughBehavior": "passthrough_behaviour",
    "ContentHandling": "content_handling",
    "ConnectionType": "connection_type",
    "CacheNamespace": "cache_namespace",
}


def api_endpoint_configuration(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation ``EndpointConfiguration`` -> CreateRestApi's (``Types`` -> ``types``)."""
    api: dict[str, Any] = {}
    if "Types" in cfn:
        api["types"] = list(cfn["Types"])
    if "VpcEndpointIds" in cfn:
        api["vpcEndpointIds"] = list(cfn["VpcEndpointIds"])
    if "IpAddressType" in cfn:
        api["ipAddressType"] = cfn["IpAddressType"]
    return api


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def method_setting_key(resource_path: str, http_method: str) -> str:
    """``/*`` + ``*`` -> ``*/*``; ``/items/{id}`` + ``GET`` -> ``~1items~1{id}/GET`` (API Gateway's keys)."""
    path = "*" if resource_path == "/*" else resource_path.replace("/", "~1")
    return f"{path}/{http_method}"


def stage_patch_operations(props: dict[str, Any]) -> list[dict[str, str]]:
    """The UpdateStage operations that give a stage its MethodSettings and AccessLogSetting."""
    ops: list[dict[str, str]] = []
    for setting in props.get("MethodSettings", []):
        key = method_setting_key(setting.get("ResourcePath", "/*"), setting.get("HttpMethod", "*"))
        for prop, suffix in METHOD_SETTING_PATHS.items():
            if prop in setting:
                ops.append({"op": "replace", "path": f"/{key}/{suffix}", "value": _text(setting[prop])})
    for prop, field in (("DestinationArn", "destinationArn"), ("Format", "format")):
        value = props.get("AccessLogSetting", {}).get(prop)
        if value is not None:
            ops.append({"op": "replace", "path": f"/accessLogSettings/{field}", "value": value})
    return ops


class Stage(HandlerDefaults, CloudFormationModel):
    """Ref: the stage name."""

    cfn_type = "AWS::ApiGateway::Stage"

    def __init__(self, rest_api_id: str, name: str) -> None:
        self.rest_api_id = rest_api_id
        self.physical_id = name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "StageName"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Stage:
        props = cloudformation_json["Properties"]
        backend = apigateway_backends[account_id][region_name]
        api_id = ref_name(props["RestApiId"])
        tags = {t["Key"]: t["Value"] for t in props.get("Tags", [])}
        backend.create_stage(
            api_id,
            resource_name,
            ref_name(props["DeploymentId"]),
            variables=props.get("Variables"),
            description=props.get("Description", ""),
            cacheClusterEnabled=props.get("CacheClusterEnabled"),
            cacheClusterSize=props.get("CacheClusterSize"),
            tags=tags or None,
            tracing_enabled=props.get("TracingEnabled"),
        )
        ops = stage_patch_operations(props)
        if ops:
            backend.update_stage(api_id, resource_name, ops)
        return cls(api_id, resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        apigateway_backends[account_id][region_name].delete_stage(self.rest_api_id, self.physical_id)


class Account(HandlerDefaults, CloudFormationModel):
    """The region's API Gateway account settings (the CloudWatch Logs role). Ref: a generated id."""

    cfn_type = "AWS::ApiGateway::Account"

    def __init__(self, physical_id: str) -> None:
        self.physical_id = physical_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Account:
        role = cloudformation_json["Properties"].get("CloudWatchRoleArn")
        if role is not None:
            apigateway_backends[account_id][region_name].update_account(
                [{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
            )
        return cls(resource_name)


def install() -> None:
    if getattr(Method, "_constructs_lib_patched", False):
        return
    Deployment.physical_resource_id = property(lambda self: self.id)  # type: ignore[attr-defined]
    original = Method.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: type[Method],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Method:
        props = cloudformation_json["Properties"]
        integration = props.setdefault("Integration", {"Type": "MOCK"})
        integration.setdefault("IntegrationHttpMethod", None)
        integration.setdefault("Uri", None)
        method = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        api_id, resource_id = ref_name(props["RestApiId"]), ref_name(props["ResourceId"])
        stored = apigateway_backends[account_id][region_name].get_integration(api_id, resource_id, props["HttpMethod"])
        for prop, attr in INTEGRATION_ATTRIBUTES.items():
            if integration.get(prop) is not None:
                setattr(stored, attr, integration[prop])
        method.physical_resource_id = f"{api_id}-{resource_id}-{props['HttpMethod']}"
        return method

    original_api = RestAPI.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_rest_api(
        cls: type[RestAPI],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> RestAPI:
        props = cloudformation_json["Properties"]
        if isinstance(props.get("EndpointConfiguration"), dict):
            cloudformation_json = {
                **cloudformation_json,
                "Properties": {**props, "EndpointConfiguration": api_endpoint_configuration(props["EndpointConfiguration"])},
            }
        return original_api(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    Method.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    RestAPI.create_from_cloudformation_json = classmethod(create_rest_api)  # type: ignore[method-assign,assignment]
    Method._constructs_lib_patched = True  # type: ignore[attr-defined]
