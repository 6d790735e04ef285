"""Lambda extensions, through the real endpoint: Alias, EventInvokeConfig, kept function config."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from localdeploy.endpoint import running_endpoint
from localdeploy.moto_ext._testing import LAMBDA_ROLE, client, deploy, function

LAYER_ZIP_B64 = None  # layers are published from S3 in CDK; an inline layer is enough here

TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Role": LAMBDA_ROLE,
        "Failures": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "fn-failures"}},
        "Fn": function(
            "ext-fn",
            Architectures=["arm64"],
            TracingConfig={"Mode": "Active"},
            EphemeralStorage={"Size": 1024},
            MemorySize=256,
        ),
        "FnVersion": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        # Alias before the version in template order, as aws-cdk writes it: GetAtt resolves lazily.
        "Live": {
            "Type": "AWS::Lambda::Alias",
            "Properties": {
                "FunctionName": {"Ref": "Fn"},
                "FunctionVersion": {"Fn::GetAtt": ["FnVersion", "Version"]},
                "Name": "live",
                "Description": "the live version",
            },
        },
        "AsyncConfig": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "Properties": {
                "FunctionName": {"Ref": "Fn"},
                "Qualifier": "$LATEST",
                "MaximumRetryAttempts": 0,
                "MaximumEventAgeInSeconds": 3600,
                "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Failures", "Arn"]}}},
            },
        },
    },
    "Outputs": {"AliasArn": {"Value": {"Ref": "Live"}}, "VersionArn": {"Value": {"Ref": "FnVersion"}}},
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with running_endpoint(log) as url:
        yield url


@pytest.fixture(scope="module")
def stack(endpoint: str) -> dict[str, Any]:
    return deploy(endpoint, "lambda-ext", TEMPLATE)


def test_stack_completes_through_a_change_set(stack: dict[str, Any]) -> None:
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def test_function_keeps_architectures_tracing_and_storage(endpoint: str, stack: dict[str, Any]) -> None:
    config = client(endpoint, "lambda").get_function_configuration(FunctionName="ext-fn")
    assert config["Architectures"] == ["arm64"]
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert config["EphemeralStorage"] == {"Size": 1024}
    assert config["MemorySize"] == 256


def test_alias_points_at_the_published_version(endpoint: str, stack: dict[str, Any]) -> None:
    alias = client(endpoint, "lambda").get_alias(FunctionName="ext-fn", Name="live")
    assert alias["FunctionVersion"] == "1"
    assert alias["Description"] == "the live version"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["AliasArn"] == alias["AliasArn"] == (
        "arn:aws:lambda:us-east-1:123456789012:function:ext-fn:live"
    )
    assert outputs["VersionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:ext-fn:1"


def test_event_invoke_config_is_kept(endpoint: str, stack: dict[str, Any]) -> None:
    config = client(endpoint, "lambda").get_function_event_invoke_config(FunctionName="ext-fn")
    assert config["MaximumRetryAttempts"] == 0  # 0 is a value, not "unset"
    assert config["MaximumEventAgeInSeconds"] == 3600
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == (
        "arn:aws:sqs:us-east-1:123456789012:fn-failures"
    )


def test_deleting_the_stack_removes_alias_and_config(endpoint: str, stack: dict[str, Any]) -> None:
    deploy(endpoint, "lambda-ext-delete", {
        "Resources": {
            "Role": LAMBDA_ROLE,
            "Fn": function("ext-fn-2"),
            "Ver": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
            "Al": {
                "Type": "AWS::Lambda::Alias",
                "Properties": {
                    "FunctionName": {"Ref": "Fn"},
                    "FunctionVersion": {"Fn::GetAtt": ["Ver", "Version"]},
                    "Name": "live",
                },
            },
        }
    })
    lam = client(endpoint, "lambda")
    assert lam.get_alias(FunctionName="ext-fn-2", Name="live")["FunctionVersion"] == "1"
    client(endpoint, "cloudformation").delete_stack(StackName="lambda-ext-delete")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName="ext-fn-2")
