"""The extensions for the features added since 2023, through the real endpoint: RecursiveLoop
and the recursion-config API, SnapStart, AWS::Lambda::Url (with its alias qualifier),
AWS::Scheduler::Schedule, and the event source mapping's MetricsConfig / ProvisionedPollerConfig
(which moto keeps on its own); each read back with the API calls the verifier makes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from localdeploy import describe
from localdeploy.endpoint import running_endpoint
from localdeploy.moto_ext._testing import LAMBDA_ROLE, client, deploy, function, physical_ids

TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Role": LAMBDA_ROLE,
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "feat-queue"}},
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "feat-dlq"}},
        "Fn": function("feat-fn", RecursiveLoop="Allow", SnapStart={"ApplyOn": "PublishedVersions"}),
        "Plain": function("feat-plain"),
        "FnVersion": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        "Live": {
            "Type": "AWS::Lambda::Alias",
            "Properties": {"FunctionName": {"Ref": "Fn"}, "FunctionVersion": {"Fn::GetAtt": ["FnVersion", "Version"]}, "Name": "live"},
        },
        "Url": {
            "Type": "AWS::Lambda::Url",
            "DependsOn": ["Live"],
            "Properties": {
                "AuthType": "AWS_IAM",
                "InvokeMode": "RESPONSE_STREAM",
                "TargetFunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]},
                "Qualifier": "live",
                "Cors": {"AllowOrigins": ["https://example.com"]},
            },
        },
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "Plain"},
                "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                "MetricsConfig": {"Metrics": ["EventCount"]},
                "ProvisionedPollerConfig": {"MinimumPollers": 2, "MaximumPollers": 3},
            },
        },
        "Schedule": {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                "ScheduleExpression": "cron(0 6 * * ? *)",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "State": "ENABLED",
                "Target": {
                    "Arn": {"Fn::GetAtt": ["Plain", "Arn"]},
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Input": '{"report":"daily"}',
                    "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
                },
            },
        },
    },
    "Outputs": {
        "UrlArn": {"Value": {"Ref": "Url"}},
        "Url": {"Value": {"Fn::GetAtt": ["Url", "FunctionUrl"]}},
        "ScheduleName": {"Value": {"Ref": "Schedule"}},
        "ScheduleArn": {"Value": {"Fn::GetAtt": ["Schedule", "Arn"]}},
    },
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_endpoint(tmp_path_factory.mktemp("moto") / "moto.log") as url:
        yield url


@pytest.fixture(scope="module")
def stack(endpoint: str) -> dict[str, Any]:
    return deploy(endpoint, "features-ext", TEMPLATE)


@pytest.fixture(scope="module")
def outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def test_stack_completes(stack: dict[str, Any]) -> None:
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")


def test_recursive_loop_is_kept_and_answered_by_the_api(endpoint: str, stack: dict[str, Any]) -> None:
    lam = client(endpoint, "lambda")
    assert lam.get_function_recursion_config(FunctionName="feat-fn")["RecursiveLoop"] == "Allow"
    assert lam.get_function_recursion_config(FunctionName="feat-plain")["RecursiveLoop"] == "Terminate"
    lam.put_function_recursion_config(FunctionName="feat-plain", RecursiveLoop="Allow")
    assert lam.get_function_recursion_config(FunctionName="feat-plain")["RecursiveLoop"] == "Allow"
    lam.put_function_recursion_config(FunctionName="feat-plain", RecursiveLoop="Terminate")


def test_snap_start_is_kept_and_on_for_the_published_version(endpoint: str, stack: dict[str, Any]) -> None:
    lam = client(endpoint, "lambda")
    latest = lam.get_function_configuration(FunctionName="feat-fn")["SnapStart"]
    assert latest == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}
    version = lam.get_function_configuration(FunctionName="feat-fn", Qualifier="1")["SnapStart"]
    assert version == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    assert lam.get_function_configuration(FunctionName="feat-plain")["SnapStart"]["ApplyOn"] == "None"


def test_function_url_keeps_config_and_qualifier(endpoint: str, outputs: dict[str, str]) -> None:
    cfg = client(endpoint, "lambda").get_function_url_config(FunctionName="feat-fn", Qualifier="live")
    assert cfg["AuthType"] == "AWS_IAM" and cfg["InvokeMode"] == "RESPONSE_STREAM"
    assert cfg["Cors"]["AllowOrigins"] == ["https://example.com"]
    assert cfg["FunctionArn"].endswith(":function:feat-fn:live")
    assert outputs["UrlArn"] == cfg["FunctionArn"] and outputs["Url"] == cfg["FunctionUrl"]


def test_function_url_describer_splits_the_qualified_arn(endpoint: str, stack: dict[str, Any]) -> None:
    props = {"TargetFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:feat-fn", "Qualifier": "live"}
    actual = describe.DESCRIBERS["AWS::Lambda::Url"](lambda s: client(endpoint, s), "ignored", props)
    assert actual["Qualifier"] == "live" and actual["TargetFunctionArn"] == props["TargetFunctionArn"]


def test_mapping_keeps_metrics_and_poller_config(endpoint: str, stack: dict[str, Any]) -> None:
    uuid = physical_ids(endpoint, "features-ext")["Mapping"]
    esm = client(endpoint, "lambda").get_event_source_mapping(UUID=uuid)
    assert esm["MetricsConfig"] == {"Metrics": ["EventCount"]}
    assert esm["ProvisionedPollerConfig"] == {"MinimumPollers": 2, "MaximumPollers": 3}


def test_schedule_is_created_with_its_target(endpoint: str, outputs: dict[str, str]) -> None:
    schedule = client(endpoint, "scheduler").get_schedule(Name=outputs["ScheduleName"])
    assert schedule["Arn"] == outputs["ScheduleArn"]
    assert schedule["ScheduleExpression"] == "cron(0 6 * * ? *)" and schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"].endswith(":function:feat-plain")
    assert target["DeadLetterConfig"]["Arn"].endswith(":feat-dlq")
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
    assert target["Input"] == '{"report":"daily"}'


def test_deleting_the_stack_removes_url_and_schedule(endpoint: str, outputs: dict[str, str]) -> None:
    cfn = client(endpoint, "cloudformation")
    cfn.delete_stack(StackName="features-ext")
    assert client(endpoint, "scheduler").list_schedules()["Schedules"] == []
