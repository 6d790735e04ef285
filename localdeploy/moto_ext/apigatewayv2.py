"""AWS::ApiGatewayV2::Api, Stage, Integration, Route and Authorizer on moto's API Gateway v2 backend.

moto gap: it has the v2 API (``create_api``, ``create_stage``, ``create_integration``,
``create_route``, ``create_authorizer``) but no CloudFormation handler for any v2 type. The
backend takes the API's wire shapes, so nested CloudFormation objects (CorsConfiguration,
AccessLogSettings, DefaultRouteSettings, JwtConfiguration...) are passed with camelCase keys.
"""

from __future__ import annotations

from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends

from ._base import CloudFormationModel, HandlerDefaults, ref_name


def camel(value: Any) -> Any:
    """``{"AllowOrigins": [..]}`` -> ``{"allowOrigins": [..]}``, recursively (keys only)."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def _backend(account_id: str, region_name: str) -> Any:
    return apigatewayv2_backends[account_id][region_name]


class _V2Child(HandlerDefaults):
    """A resource that lives inside an API: remembers the API id for delete."""

    api_id: str


class Api(HandlerDefaults, CloudFormationModel):
    """Ref: the API id; GetAtt ApiEndpoint, ApiId."""

    cfn_type = "AWS::ApiGatewayV2::Api"
    attributes = {"ApiEndpoint": "api_endpoint", "ApiId": "physical_id"}

    def __init__(self, api_id: str, api_endpoint: str) -> None:
        self.physical_id = api_id
        self.api_endpoint = api_endpoint

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Api:
        p = cloudformation_json["Properties"]
        api = _backend(account_id, region_name).create_api(
            api_key_selection_expression=p.get("ApiKeySelectionExpression"),
            cors_configuration=camel(p.get("CorsConfiguration")),
            description=p.get("Description"),
            disable_schema_validation=p.get("DisableSchemaValidation"),
            disable_execute_api_endpoint=p.get("DisableExecuteApiEndpoint"),
            name=p.get("Name", resource_name),
            protocol_type=p["ProtocolType"],
            route_selection_expression=p.get("RouteSelectionExpression"),
            tags=p.get("Tags"),
            version=p.get("Version"),
        )
        return cls(api.api_id, api.api_endpoint)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_api(self.physical_id)


class Stage(_V2Child, CloudFormationModel):
    """Ref: the stage name."""

    cfn_type = "AWS::ApiGatewayV2::Stage"

    def __init__(self, api_id: str, name: str) -> None:
        self.api_id = api_id
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
        p = cloudformation_json["Properties"]
        api_id = ref_name(p["ApiId"])
        config: dict[str, Any] = {"stageName": resource_name}
        for prop in ("AccessLogSettings", "DefaultRouteSettings"):
            if prop in p:
                config[prop[:1].lower() + prop[1:]] = camel(p[prop])
        if "RouteSettings" in p:  # keys are route keys ("GET /items"): keep them
            config["routeSettings"] = {k: camel(v) for k, v in p["RouteSettings"].items()}
        for prop in ("AutoDeploy", "ClientCertificateId", "Description", "StageVariables", "Tags"):
            if prop in p:
                config[prop[:1].lower() + prop[1:]] = p[prop]
        _backend(account_id, region_name).create_stage(api_id, config)
        return cls(api_id, resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_stage(self.api_id, self.physical_id)


class Integration(_V2Child, CloudFormationModel):
    """Ref: the integration id."""

    cfn_type = "AWS::ApiGatewayV2::Integration"

    def __init__(self, api_id: str, integration_id: str) -> None:
        self.api_id = api_id
        self.physical_id = integration_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Integration:
        p = cloudformation_json["Properties"]
        api_id = ref_name(p["ApiId"])
        integration = _backend(account_id, region_name).create_integration(
            api_id=api_id,
            connection_id=p.get("ConnectionId"),
            connection_type=p.get("ConnectionType"),
            content_handling_strategy=p.get("ContentHandlingStrategy"),
            credentials_arn=p.get("CredentialsArn"),
            description=p.get("Description"),
            integration_method=p.get("IntegrationMethod"),
            integration_subtype=p.get("IntegrationSubtype"),
            integration_type=p["IntegrationType"],
            integration_uri=p.get("IntegrationUri"),
            passthrough_behavior=p.get("PassthroughBehavior"),
            payload_format_version=p.get("PayloadFormatVersion"),
            request_parameters=p.get("RequestParameters"),
            request_templates=p.get("RequestTemplates"),
            response_parameters=p.get("ResponseParameters"),
            template_selection_expression=p.get("TemplateSelectionExpression"),
            timeout_in_millis=p.get("TimeoutInMillis"),
            tls_config=camel(p.get("TlsConfig")),
        )
        return cls(api_id, integration.id)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_integration(self.api_id, self.physical_id)


class Route(_V2Child, CloudFormationModel):
    """Ref: the route id."""

    cfn_type = "AWS::ApiGatewayV2::Route"

    def __init__(self, api_id: str, route_id: str) -> None:
        self.api_id = api_id
        self.physical_id = route_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Route:
        p = cloudformation_json["Properties"]
        api_id = ref_name(p["ApiId"])
        authorizer_id = p.get("AuthorizerId")
        route = _backend(account_id, region_name).create_route(
            api_id=api_id,
            api_key_required=p.get("ApiKeyRequired", False),
            authorization_scopes=p.get("AuthorizationScopes"),
            authorization_type=p.get("AuthorizationType"),
            authorizer_id=ref_name(authorizer_id) if authorizer_id is not None else None,
            model_selection_expression=p.get("ModelSelectionExpression"),
            operation_name=p.get("OperationName"),
            request_models=p.get("RequestModels"),
            request_parameters=p.get("RequestParameters"),
            route_key=p["RouteKey"],
            route_response_selection_expression=p.get("RouteResponseSelectionExpression"),
            target=p.get("Target"),
        )
        return cls(api_id, route.route_id)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_route(self.api_id, self.physical_id)


class Authorizer(_V2Child, CloudFormationModel):
    """Ref: the authorizer id."""

    cfn_type = "AWS::ApiGatewayV2::Authorizer"

    def __init__(self, api_id: str, authorizer_id: str) -> None:
        self.api_id = api_id
        self.physical_id = authorizer_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Authorizer:
        p = cloudformation_json["Properties"]
        api_id = ref_name(p["ApiId"])
        authorizer = _backend(account_id, region_name).create_authorizer(
            api_id,
            auth_creds_arn=p.get("AuthorizerCredentialsArn"),
            auth_payload_format_version=p.get("AuthorizerPayloadFormatVersion"),
            auth_result_ttl=p.get("AuthorizerResultTtlInSeconds"),
            authorizer_type=p["AuthorizerType"],
            authorizer_uri=p.get("AuthorizerUri"),
            enable_simple_response=p.get("EnableSimpleResponses"),
            identity_source=p.get("IdentitySource"),
            identity_validation_expr=p.get("IdentityValidationExpression"),
            jwt_config=camel(p.get("JwtConfiguration")),
            name=p["Name"],
        )
        return cls(api_id, authorizer.id)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_authorizer(self.api_id, self.physical_id)


def install() -> None:
    """Registered by being defined (moto reads ``CloudFormationModel.__subclasses__()``)."""
