"""API Gateway extensions through the real endpoint: a REST API deployed by a change set (the
Deployment written before its methods, as aws-cdk does), its Stage and Account; an HTTP API
(ApiGatewayV2 Api, Integration, Route, Authorizer, Stage)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from localdeploy.endpoint import running_endpoint
from localdeploy.moto_ext._testing import LAMBDA_ROLE, client, deploy, function, physical_ids

FN_URI = {
    "Fn::Join": [
        "",
        [
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/",
            {"Fn::GetAtt": ["Fn", "Arn"]},
            "/invocations",
        ],
    ]
}

REST: dict[str, Any] = {
    "Resources": {
        "Role": LAMBDA_ROLE,
        "Fn": function("rest-fn"),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "orders"}},
        # aws-cdk order: the Deployment comes before the methods it DependsOn.
        "Deployment": {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["ItemsGet"],
            "Properties": {"RestApiId": {"Ref": "Api"}, "Description": "auto"},
        },
        "Stage": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "DeploymentId": {"Ref": "Deployment"},
                "StageName": "prod",
                "TracingEnabled": True,
                "MethodSettings": [
                    {
                        "ResourcePath": "/*",
                        "HttpMethod": "*",
                        "ThrottlingRateLimit": 50,
                        "ThrottlingBurstLimit": 100,
                        "MetricsEnabled": True,
                        "LoggingLevel": "ERROR",
                        "DataTraceEnabled": False,
                    }
                ],
                "AccessLogSetting": {
                    "DestinationArn": {"Fn::GetAtt": ["AccessLogs", "Arn"]},
                    "Format": "$context.requestId",
                },
            },
        },
        "AccessLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "api-access"}},
        "Items": {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "PathPart": "items",
            },
        },
        "ItemsGet": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Ref": "Items"},
                "HttpMethod": "GET",
                "AuthorizationType": "NONE",
                "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": FN_URI},
            },
        },
        "ItemsOptions": {  # aws-cdk's CORS preflight: a MOCK integration, no IntegrationHttpMethod
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Ref": "Items"},
                "HttpMethod": "OPTIONS",
                "AuthorizationType": "NONE",
                "Integration": {
                    "Type": "MOCK",
                    "RequestTemplates": {"application/json": "{ statusCode: 200 }"},
                    "IntegrationResponses": [{"StatusCode": "204"}],
                },
            },
        },
        "CloudWatchRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
        "Account": {
            "Type": "AWS::ApiGateway::Account",
            "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["CloudWatchRole", "Arn"]}},
        },
    },
    "Outputs": {"StageName": {"Value": {"Ref": "Stage"}}},
}

HTTP: dict[str, Any] = {
    "Resources": {
        "Role": LAMBDA_ROLE,
        "Fn": function("http-fn"),
        "Api": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {
                "Name": "orders-http",
                "ProtocolType": "HTTP",
                "CorsConfiguration": {"AllowOrigins": ["https://example.com"], "MaxAge": 600},
            },
        },
        "Integration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": {"Fn::GetAtt": ["Fn", "Arn"]},
                "PayloadFormatVersion": "2.0",
                "TimeoutInMillis": 10000,
            },
        },
        "Authorizer": {
            "Type": "AWS::ApiGatewayV2::Authorizer",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "AuthorizerType": "JWT",
                "Name": "jwt",
                "IdentitySource": ["$request.header.Authorization"],
                "JwtConfiguration": {"Audience": ["orders"], "Issuer": "https://issuer.example.com"},
            },
        },
        "Route": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "RouteKey": "POST /orders",
                "AuthorizationType": "JWT",
                "AuthorizerId": {"Ref": "Authorizer"},
                "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]},
            },
        },
        "Stage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "StageName": "$default",
                "AutoDeploy": True,
                "DefaultRouteSettings": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 10},
                "AccessLogSettings": {
                    "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:http-access",
                    "Format": "$context.requestId",
                },
            },
        },
    },
    "Outputs": {
        "Url": {"Value": {"Fn::GetAtt": ["Api", "ApiEndpoint"]}},
        "ApiId": {"Value": {"Ref": "Api"}},
    },
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_endpoint(tmp_path_factory.mktemp("moto") / "moto.log") as url:
        yield url


@pytest.fixture(scope="module")
def rest(endpoint: str) -> dict[str, Any]:
    return deploy(endpoint, "rest-ext", REST)


@pytest.fixture(scope="module")
def http(endpoint: str) -> dict[str, Any]:
    return deploy(endpoint, "http-ext", HTTP)


def test_rest_api_deploys_through_a_change_set(rest: dict[str, Any]) -> None:
    assert rest["StackStatus"] == "CREATE_COMPLETE"
    assert {o["OutputKey"]: o["OutputValue"] for o in rest["Outputs"]} == {"StageName": "prod"}


def test_rest_stage_keeps_throttling_tracing_and_access_logs(endpoint: str, rest: dict[str, Any]) -> None:
    api_id = physical_ids(endpoint, "rest-ext")["Api"]
    stage = client(endpoint, "apigateway").get_stage(restApiId=api_id, stageName="prod")
    assert stage["tracingEnabled"] is True
    settings = stage["methodSettings"]["*/*"]
    assert settings["throttlingRateLimit"] == 50.0
    assert settings["throttlingBurstLimit"] == 100
    assert settings["metricsEnabled"] is True
    assert settings["loggingLevel"] == "ERROR"
    assert settings["dataTraceEnabled"] is False
    assert stage["accessLogSettings"] == {
        "destinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:api-access:*",  # GetAtt Arn, as CFN
        "format": "$context.requestId",
    }
    ids = physical_ids(endpoint, "rest-ext")
    assert stage["deploymentId"] == ids["Deployment"]
    assert ids["ItemsGet"] == f"{api_id}-{ids['Items']}-GET"


def test_rest_mock_method_is_created(endpoint: str, rest: dict[str, Any]) -> None:
    ids = physical_ids(endpoint, "rest-ext")
    method = client(endpoint, "apigateway").get_method(
        restApiId=ids["Api"], resourceId=ids["Items"], httpMethod="OPTIONS"
    )
    assert method["methodIntegration"]["type"] == "MOCK"


def test_rest_account_role_is_set(endpoint: str, rest: dict[str, Any]) -> None:
    account = client(endpoint, "apigateway").get_account()
    assert account["cloudwatchRoleArn"].startswith("arn:aws:iam::123456789012:role/")


def test_http_api_and_its_parts(endpoint: str, http: dict[str, Any]) -> None:
    assert http["StackStatus"] == "CREATE_COMPLETE"
    v2 = client(endpoint, "apigatewayv2")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in http["Outputs"]}
    api = next(a for a in v2.get_apis()["Items"] if a["Name"] == "orders-http")
    assert outputs == {"ApiId": api["ApiId"], "Url": api["ApiEndpoint"]}
    assert api["ProtocolType"] == "HTTP"
    assert api["CorsConfiguration"]["AllowOrigins"] == ["https://example.com"]

    (integration,) = v2.get_integrations(ApiId=api["ApiId"])["Items"]
    assert integration["TimeoutInMillis"] == 10000
    assert integration["PayloadFormatVersion"] == "2.0"
    assert integration["IntegrationUri"] == "arn:aws:lambda:us-east-1:123456789012:function:http-fn"

    (route,) = v2.get_routes(ApiId=api["ApiId"])["Items"]
    # moto has no GetAuthorizers; read the route's authorizer by id
    authorizer = v2.get_authorizer(ApiId=api["ApiId"], AuthorizerId=route["AuthorizerId"])
    assert authorizer["Name"] == "jwt"
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert authorizer["JwtConfiguration"] == {
        "Audience": ["orders"],
        "Issuer": "https://issuer.example.com",
    }

    assert route["RouteKey"] == "POST /orders"
    assert route["Target"] == f"integrations/{integration['IntegrationId']}"
    assert route["AuthorizationType"] == "JWT"

    (stage,) = v2.get_stages(ApiId=api["ApiId"])["Items"]
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 20
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 10.0
    assert stage["AccessLogSettings"]["Format"] == "$context.requestId"


def test_deleting_the_http_stack_removes_the_api(endpoint: str, http: dict[str, Any]) -> None:
    deploy(endpoint, "http-ext-delete", {
        "Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "gone", "ProtocolType": "HTTP"}}}
    })
    v2 = client(endpoint, "apigatewayv2")
    assert any(a["Name"] == "gone" for a in v2.get_apis()["Items"])
    client(endpoint, "cloudformation").delete_stack(StackName="http-ext-delete")
    assert not any(a["Name"] == "gone" for a in v2.get_apis()["Items"])
