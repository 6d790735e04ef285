"""Alarm, QueuePolicy, a Rule on a custom bus, and loud stack failures, through the real endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from localdeploy.endpoint import running_endpoint
from localdeploy.moto_ext._testing import LAMBDA_ROLE, client, deploy, function

TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Role": LAMBDA_ROLE,
        "Fn": function("bus-fn"),
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "orders-bus"}},
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "rule-dlq"}},
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Name": "order-placed",
                "EventBusName": {"Ref": "Bus"},
                "EventPattern": {"source": ["orders"]},
                "Targets": [
                    {
                        "Id": "Target0",
                        "Arn": {"Fn::GetAtt": ["Fn", "Arn"]},
                        "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
                        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 7200},
                    }
                ],
            },
        },
        # After the rule in template order: the crash used to leave it uncreated.
        "DlqPolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": "Dlq"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["Dlq", "Arn"]},
                            "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}},
                        }
                    ],
                },
            },
        },
        "Alarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmName": "dlq-not-empty",
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["Dlq", "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 60,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
            },
        },
        "MathAlarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "EvaluationPeriods": 2,
                "DatapointsToAlarm": 2,
                "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Metrics": [
                    {"Id": "e", "Expression": "m * 2", "ReturnData": True},
                    {
                        "Id": "m",
                        "ReturnData": False,
                        "MetricStat": {
                            "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors"},
                            "Period": 300,
                            "Stat": "Sum",
                        },
                    },
                ],
            },
        },
    },
    "Outputs": {"AlarmArn": {"Value": {"Fn::GetAtt": ["Alarm", "Arn"]}}},
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_endpoint(tmp_path_factory.mktemp("moto") / "moto.log") as url:
        yield url


@pytest.fixture(scope="module", params=["change_set", "create_stack"])
def stack(request: pytest.FixtureRequest, endpoint: str) -> dict[str, Any]:
    """Both deploy paths; the second gets its own names so both can exist at once."""
    if request.param == "change_set":
        return deploy(endpoint, "resources-cs", TEMPLATE)
    renamed = json.loads(
        json.dumps(TEMPLATE)
        .replace("bus-fn", "bus-fn-b").replace("orders-bus", "orders-bus-b")
        .replace("rule-dlq", "rule-dlq-b").replace("dlq-not-empty", "dlq-not-empty-b")
    )
    return deploy(endpoint, "resources-cs-b", renamed, change_set=False)


def _suffix(stack: dict[str, Any]) -> str:
    return "-b" if stack["StackName"].endswith("-b") else ""


def test_stack_completes(stack: dict[str, Any]) -> None:
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def test_rule_on_custom_bus_keeps_dlq_and_retry_policy(endpoint: str, stack: dict[str, Any]) -> None:
    s = _suffix(stack)
    events = client(endpoint, "events")
    rule = events.describe_rule(Name="order-placed", EventBusName=f"orders-bus{s}")
    assert rule["EventBusName"] == f"orders-bus{s}"
    (target,) = events.list_targets_by_rule(Rule="order-placed", EventBusName=f"orders-bus{s}")["Targets"]
    assert target["Arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:bus-fn{s}"
    assert target["DeadLetterConfig"] == {"Arn": f"arn:aws:sqs:us-east-1:123456789012:rule-dlq{s}"}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 7200}


def test_queue_policy_is_set(endpoint: str, stack: dict[str, Any]) -> None:
    sqs = client(endpoint, "sqs")
    url = sqs.get_queue_url(QueueName=f"rule-dlq{_suffix(stack)}")["QueueUrl"]
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}


def test_alarms_are_created(endpoint: str, stack: dict[str, Any]) -> None:
    s = _suffix(stack)
    cw = client(endpoint, "cloudwatch")
    (alarm,) = cw.describe_alarms(AlarmNames=[f"dlq-not-empty{s}"])["MetricAlarms"]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": f"rule-dlq{s}"}]
    assert alarm["Threshold"] == 0.0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"
    assert {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]} == {"AlarmArn": alarm["AlarmArn"]}
    math = [a for a in cw.describe_alarms()["MetricAlarms"] if a["AlarmName"].startswith(f"{stack['StackName']}-MathAlarm")]
    assert len(math) == 1
    assert {m["Id"] for m in math[0]["Metrics"]} == {"e", "m"}
    assert math[0]["DatapointsToAlarm"] == 2


def test_unsupported_type_fails_the_stack_naming_it(endpoint: str) -> None:
    stack = deploy(endpoint, "unsupported", {
        "Resources": {
            "Meta": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:x"}},
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Pipe": {"Type": "AWS::Pipes::Pipe", "Properties": {"Source": "a", "Target": "b", "RoleArn": "r"}},
        }
    })
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    events = client(endpoint, "cloudformation").describe_stack_events(StackName="unsupported")["StackEvents"]
    reasons = [e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert len(reasons) == 1
    assert "Pipe (AWS::Pipes::Pipe)" in reasons[0]
    assert "not supported" in reasons[0]


def test_backend_error_fails_the_stack_naming_the_resource(endpoint: str) -> None:
    stack = deploy(endpoint, "bad-retry", {
        "Resources": {
            "Role": LAMBDA_ROLE,
            "Fn": function("bad-retry-fn"),
            "Cfg": {
                "Type": "AWS::Lambda::EventInvokeConfig",
                "Properties": {"FunctionName": {"Ref": "Fn"}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 3},
            },
        }
    })
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    events = client(endpoint, "cloudformation").describe_stack_events(StackName="bad-retry")["StackEvents"]
    (reason,) = [e["ResourceStatusReason"] for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert "Cfg (AWS::Lambda::EventInvokeConfig)" in reason
    assert "maximumRetryAttempts" in reason


def test_bucket_policy_keeps_all_but_conditional_denies(endpoint: str) -> None:
    statements = [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject",
         "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}},
    ]
    stack = deploy(endpoint, "bucket-policy", {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "ext-policy-bucket"}},
            "Policy": {"Type": "AWS::S3::BucketPolicy",
                       "Properties": {"Bucket": {"Ref": "Bucket"},
                                      "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}},
        }
    })
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    s3 = client(endpoint, "s3")
    policy = json.loads(s3.get_bucket_policy(Bucket="ext-policy-bucket")["Policy"])
    assert [s["Effect"] for s in policy["Statement"]] == ["Allow"]
    s3.put_object(Bucket="ext-policy-bucket", Key="k", Body=b"v")  # not denied
