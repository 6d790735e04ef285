"""The describers read every promised property back from a running endpoint, in CloudFormation's
shape: a small hand-written template per family is deployed, then verified with the same code
`make deploy` uses (a one-stack cloud assembly written to a temporary directory)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from localdeploy import describe, moto_ext
from localdeploy.endpoint import running_endpoint
from localdeploy.moto_ext._testing import LAMBDA_ROLE, client, deploy, function
from localdeploy.verify import (
    DEPLOYED, ENDPOINT, GAP, MISMATCH, MISSING, OK, OK_SUBSET, PASSED_STATUSES, Resolver, Row, _Clients, compare,
    print_report, verify_assembly,
)

ACCESS_LOG_FORMAT = json.dumps({"requestId": "$context.requestId", "status": "$context.status"})
STACK = "DescribeExample"

TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Role": LAMBDA_ROLE,
        "Fn": function(
            "describe-fn", LoggingConfig={"LogGroup": {"Ref": "Logs"}}, TracingConfig={"Mode": "Active"},
        ),
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
        "Failures": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": True}},
        "FailuresPolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": "Failures"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": {"AWS": "*"},
                            "Action": "sqs:*",
                            "Resource": {"Fn::GetAtt": ["Failures", "Arn"]},
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["Failures", "Arn"]},
                            "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}},
                        },
                    ],
                },
            },
        },
        "FnVersion": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
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
        "Alerts": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "describe-alerts"}},
        "FailuresAlarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["Failures", "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 60,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": [{"Ref": "Alerts"}],
            },
        },
        "Board": {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {
                "DashboardBody": {"Fn::Join": ["", [
                    '{"widgets":[{"type":"metric","width":6,"height":5,"x":0,"y":0,"properties":{"title":"DLQ",'
                    '"metrics":[["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","',
                    {"Fn::GetAtt": ["Failures", "QueueName"]},
                    '",{"period":60,"stat":"Maximum"}]],"annotations":{"horizontal":[{"value":1,"label":"alarm"}]}}}]}',
                ]]},
            },
        },
        "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "describe-bus", "Description": "orders"}},
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventBusName": {"Ref": "Bus"},
                "EventPattern": {"source": ["orders"], "detail-type": ["OrderPlaced"]},
                "State": "ENABLED",
                "Targets": [
                    {
                        "Id": "Target0",
                        "Arn": {"Fn::GetAtt": ["Fn", "Arn"]},
                        "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Failures", "Arn"]}},
                        "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
                    }
                ],
            },
        },
        "RuleInvokes": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]},
                "Principal": "events.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]},
            },
        },
        # REST API
        "Rest": {
            "Type": "AWS::ApiGateway::RestApi",
            "Properties": {"Name": "describe-rest", "EndpointConfiguration": {"Types": ["REGIONAL"]}},
        },
        "RestAny": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Rest"},
                "ResourceId": {"Fn::GetAtt": ["Rest", "RootResourceId"]},
                "HttpMethod": "ANY",
                "AuthorizationType": "AWS_IAM",
                "Integration": {
                    "Type": "AWS_PROXY",
                    "IntegrationHttpMethod": "POST",
                    "TimeoutInMillis": 29000,
                    "Uri": {"Fn::Join": ["", [
                        "arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
                        ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Fn", "Arn"]}, "/invocations",
                    ]]},
                },
            },
        },
        "RestDeployment": {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["RestAny"],
            "Properties": {"RestApiId": {"Ref": "Rest"}},
        },
        "RestStage": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {
                "RestApiId": {"Ref": "Rest"},
                "DeploymentId": {"Ref": "RestDeployment"},
                "StageName": "prod",
                "TracingEnabled": True,
                "MethodSettings": [
                    {"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5,
                     "DataTraceEnabled": False},
                ],
                "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": ["Logs", "Arn"]}, "Format": ACCESS_LOG_FORMAT},
            },
        },
        "RestInvokes": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": "Fn"},
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Rest}/${RestStage}/*/"},
            },
        },
        # HTTP API
        "Http": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "describe-http", "ProtocolType": "HTTP"}},
        "HttpIntegration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": {"Fn::GetAtt": ["Fn", "Arn"]},
                "PayloadFormatVersion": "2.0",
                "TimeoutInMillis": 30000,
            },
        },
        "HttpRoute": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "RouteKey": "$default",
                "AuthorizationType": "AWS_IAM",
                "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "HttpIntegration"}]]},
            },
        },
        "HttpStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "StageName": "$default",
                "AutoDeploy": True,
                "DefaultRouteSettings": {"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5},
                "AccessLogSettings": {"DestinationArn": {"Fn::GetAtt": ["Logs", "Arn"]}, "Format": ACCESS_LOG_FORMAT},
            },
        },
    }
}

#: (type, property) that must read back ok; together every describer written for this issue.
PROMISED = {
    ("AWS::Lambda::Function", p) for p in ("LoggingConfig", "TracingConfig")
} | {
    ("AWS::Lambda::EventInvokeConfig", p)
    for p in ("FunctionName", "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
} | {
    ("AWS::Lambda::Alias", p) for p in ("FunctionName", "FunctionVersion", "Name", "Description")
} | {
    ("AWS::Lambda::Permission", p) for p in ("FunctionName", "Action", "Principal", "SourceArn")
} | {
    ("AWS::CloudWatch::Alarm", p)
    for p in ("MetricName", "Namespace", "Threshold", "ComparisonOperator", "EvaluationPeriods", "Statistic",
              "Dimensions", "AlarmActions", "Period", "TreatMissingData")
} | {
    ("AWS::SQS::QueuePolicy", "PolicyDocument"),
    ("AWS::CloudWatch::Dashboard", "DashboardBody"),
    ("AWS::Events::EventBus", "Name"), ("AWS::Events::EventBus", "Description"),
    ("AWS::ApiGateway::RestApi", "EndpointConfiguration"), ("AWS::ApiGateway::RestApi", "Name"),
    ("AWS::ApiGateway::Method", "Integration"), ("AWS::ApiGateway::Method", "AuthorizationType"),
    ("AWS::ApiGatewayV2::Api", "Name"), ("AWS::ApiGatewayV2::Api", "ProtocolType"),
    ("AWS::ApiGatewayV2::Integration", "TimeoutInMillis"), ("AWS::ApiGatewayV2::Integration", "IntegrationType"),
    ("AWS::ApiGatewayV2::Integration", "PayloadFormatVersion"),
    ("AWS::ApiGatewayV2::Route", "AuthorizationType"), ("AWS::ApiGatewayV2::Route", "RouteKey"),
    ("AWS::ApiGatewayV2::Route", "Target"),
} | {
    ("AWS::ApiGateway::Stage", p) for p in ("MethodSettings", "TracingEnabled", "AccessLogSetting", "DeploymentId")
} | {
    ("AWS::ApiGatewayV2::Stage", p) for p in ("DefaultRouteSettings", "AccessLogSettings", "AutoDeploy")
} | {
    ("AWS::Events::Rule", p) for p in ("EventPattern", "EventBusName", "Targets", "State")
}


def _assembly(directory: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    artifacts = {}
    for name, template in stacks.items():
        (directory / f"{name}.template.json").write_text(json.dumps(template))
        artifacts[name] = {"type": "aws:cloudformation:stack", "properties": {"templateFile": f"{name}.template.json"}}
    (directory / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return directory


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with running_endpoint(log) as url:
        yield url


@pytest.fixture(scope="module")
def rows(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    stack = deploy(endpoint, STACK, TEMPLATE)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outdir = _assembly(tmp_path_factory.mktemp("assembly"), {STACK: TEMPLATE})
    return verify_assembly(outdir, endpoint_url=endpoint, local=True)


def test_nothing_fails_and_nothing_is_a_gap(rows: list[Row]) -> None:
    bad = [r for r in rows if r.stack != ENDPOINT and r.status not in (*PASSED_STATUSES, DEPLOYED)]
    assert bad == []


def test_every_promise_is_read_back_ok(rows: list[Row]) -> None:
    verified = {(r.type, r.prop) for r in rows if r.status in PASSED_STATUSES}
    assert PROMISED - verified == set()


def test_every_promised_property_in_the_template_is_compared(rows: list[Row]) -> None:
    compared = {(r.resource, r.prop) for r in rows if r.status in PASSED_STATUSES}
    for logical, resource in TEMPLATE["Resources"].items():
        for prop in describe.PROMISES.get(resource["Type"], ()):
            if prop in resource.get("Properties", {}):
                assert (logical, prop) in compared, f"{logical}.{prop} not compared"


def test_endpoint_gaps_are_rows_of_their_own(rows: list[Row]) -> None:
    listed = {r.resource: r.reason for r in rows if r.stack == ENDPOINT}
    assert listed == moto_ext.GAPS
    assert all(r.status == GAP for r in rows if r.stack == ENDPOINT)


def test_ok_means_the_same_text_and_a_subset_says_so(rows: list[Row]) -> None:
    """`ok` never sits next to visibly different values; a subset match is its own status
    and names the keys the service added."""
    assert all(r.expected == r.actual for r in rows if r.status == OK)
    subset = [r for r in rows if r.status == OK_SUBSET]
    assert subset and all(r.expected != r.actual and r.reason.startswith("the service added ") for r in subset)


@pytest.mark.parametrize(
    ("expected", "actual", "status", "note"),
    [
        ("30", 30, OK, ""),
        (5, 5.0, OK, ""),
        ('{"a": 1}', {"a": 1}, OK, ""),
        ([{"a": 1}], [{"a": 1, "b": 2}], OK_SUBSET, "the service added [0].b"),
        ({"a": {"x": 1}}, {"a": {"x": 1, "y": 2}, "c": 3}, OK_SUBSET, "the service added c, a.y"),
        ({"a": 1, "b": 2}, {"a": 1}, MISMATCH, ""),
        ([1, 2], [2, 1], MISMATCH, ""),
        (5, "6", MISMATCH, ""),
    ],
)
def test_compare(expected: object, actual: object, status: str, note: str) -> None:
    assert compare(expected, actual) == (status, note)


def test_report_lists_endpoint_gaps_outside_the_table(rows: list[Row]) -> None:
    out = io.StringIO()
    assert print_report(rows, out) is True
    text = out.getvalue()
    table, gaps = text.split(f"\n{GAP}:\n", 1)
    assert "Lambda invocation" not in table
    listed = " ".join(gaps.split())  # long reasons are wrapped at 100 columns
    for name, reason in moto_ext.GAPS.items():
        assert f"- {name}: {reason}" in listed
    summary = [line for line in table.splitlines() if line.strip()][-1]  # "31 deployed, 20 ok, ..."
    assert " ok" in summary
    assert "not verifiable locally" not in summary


def test_a_drifted_resource_is_a_mismatch(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The describers compare, not just read: change the deployed alarm, queue policy and
    dashboard behind CloudFormation's back and the verification fails on exactly those properties."""
    template = {"Resources": {k: TEMPLATE["Resources"][k] for k in ("Failures", "FailuresPolicy", "Alerts", "Board")}}
    template["Resources"]["FailuresPolicy"] = json.loads(json.dumps(TEMPLATE["Resources"]["FailuresPolicy"]))
    template["Resources"]["FailuresPolicy"]["Properties"]["PolicyDocument"]["Statement"] = (
        template["Resources"]["FailuresPolicy"]["Properties"]["PolicyDocument"]["Statement"][:1]
    )
    template["Resources"]["Alarm"] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {"AlarmName": "drifting", "Namespace": "AWS/SQS", "MetricName": "NumberOfMessagesSent",
                       "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 5,
                       "ComparisonOperator": "GreaterThanThreshold"},
    }
    deploy(endpoint, "Drift", template)
    cfn = client(endpoint, "cloudformation")
    ids = {r["LogicalResourceId"]: r["PhysicalResourceId"]
           for r in cfn.describe_stack_resources(StackName="Drift")["StackResources"]}
    client(endpoint, "cloudwatch").put_metric_alarm(
        AlarmName="drifting", Namespace="AWS/SQS", MetricName="NumberOfMessagesSent", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=50, ComparisonOperator="GreaterThanThreshold",
    )
    client(endpoint, "cloudwatch").put_dashboard(DashboardName=ids["Board"], DashboardBody=json.dumps({"widgets": []}))
    client(endpoint, "sqs").set_queue_attributes(QueueUrl=ids["Failures"], Attributes={"Policy": json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]})})
    outdir = _assembly(tmp_path_factory.mktemp("drift"), {"Drift": template})
    rows = verify_assembly(outdir, endpoint_url=endpoint, local=True)
    mismatched = {(r.resource, r.prop) for r in rows if r.status == MISMATCH}
    assert mismatched == {("Alarm", "Threshold"), ("FailuresPolicy", "PolicyDocument"), ("Board", "DashboardBody")}


def test_a_resource_that_cannot_be_read_back_fails(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"FifoTopic": False}}}}
    deploy(endpoint, "Gone", template)
    topic = client(endpoint, "cloudformation").describe_stack_resources(StackName="Gone")["StackResources"][0]
    client(endpoint, "sns").delete_topic(TopicArn=topic["PhysicalResourceId"])
    rows = verify_assembly(_assembly(tmp_path_factory.mktemp("gone"), {"Gone": template}), endpoint_url=endpoint,
                           local=False)
    (row,) = rows
    assert row.status == MISSING and row.expected == "read back" and "NotFound" in row.actual


def test_subscription_describer(endpoint: str) -> None:
    """moto has no CloudFormation handler for AWS::SNS::Subscription nor AWS::Kinesis::StreamConsumer
    (no reference stack uses one); their describers are checked on resources made through the API."""
    sns, sqs = client(endpoint, "sns"), client(endpoint, "sqs")
    topic = sns.create_topic(Name="describe-sub")["TopicArn"]
    url = sqs.create_queue(QueueName="describe-sub")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"RawMessageDelivery": "true"},
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    actual = describe.DESCRIBERS["AWS::SNS::Subscription"](_Clients(endpoint, True), arn, {})
    assert actual["TopicArn"] == topic and actual["Protocol"] == "sqs" and actual["Endpoint"] == queue
    assert actual["RawMessageDelivery"] == "true"


def test_stream_consumer_describer(endpoint: str, resolver: Resolver) -> None:
    stream = resolver.resolve({"Fn::GetAtt": ["Stream", "Arn"]})
    consumer = client(endpoint, "kinesis").register_stream_consumer(StreamARN=stream, ConsumerName="describe-c")
    arn = consumer["Consumer"]["ConsumerARN"]
    actual = describe.DESCRIBERS["AWS::Kinesis::StreamConsumer"](_Clients(endpoint, True), arn, {})
    assert actual == {"ConsumerName": "describe-c", "StreamARN": stream}


# --------------------------------------------------------------------------------------
# The resolver: intrinsics and GetAtt forms the reference templates use
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def resolver(endpoint: str, rows: list[Row]) -> Resolver:
    cfn = client(endpoint, "cloudformation")
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                for r in cfn.describe_stack_resources(StackName=STACK)["StackResources"]}
    return Resolver(_Clients(endpoint, True), TEMPLATE, physical, STACK)


def test_resolver_pseudo_parameters_join_sub_and_select(resolver: Resolver) -> None:
    assert resolver.resolve({"Ref": "AWS::Region"}) == "us-east-1"
    assert resolver.resolve({"Ref": "AWS::AccountId"}) == "123456789012"
    assert resolver.resolve({"Ref": "AWS::Partition"}) == "aws"
    assert resolver.resolve({"Ref": "AWS::StackName"}) == STACK
    assert resolver.resolve({"Fn::Join": ["-", ["a", {"Ref": "AWS::Region"}]]}) == "a-us-east-1"
    assert resolver.resolve({"Fn::Sub": "${AWS::Region}/${Bus}/${!Literal}"}) == "us-east-1/describe-bus/${Literal}"
    assert resolver.resolve({"Fn::Sub": ["${X}-${Fn.Arn}", {"X": "x"}]}).startswith("x-arn:aws:lambda:")
    assert resolver.resolve({"Fn::Select": [1, ["a", {"Ref": "AWS::Region"}]]}) == "us-east-1"


@pytest.mark.parametrize(
    ("logical", "attribute", "starts"),
    [
        ("Failures", "Arn", "arn:aws:sqs:us-east-1:123456789012:"),
        ("Failures", "QueueName", "DescribeExample-Failures"),
        ("Fn", "Arn", "arn:aws:lambda:us-east-1:123456789012:function:describe-fn"),
        ("FnVersion", "Version", "1"),
        ("Role", "Arn", "arn:aws:iam::123456789012:role/"),
        ("Logs", "Arn", "arn:aws:logs:us-east-1:123456789012:log-group:"),
        ("Bus", "Arn", "arn:aws:events:us-east-1:123456789012:event-bus/describe-bus"),
        ("Rule", "Arn", "arn:aws:events:us-east-1:123456789012:rule/describe-bus/"),
        ("Rest", "RootResourceId", ""),
        ("Stream", "Arn", "arn:aws:kinesis:us-east-1:123456789012:stream/"),
        ("Alerts", "TopicArn", "arn:aws:sns:us-east-1:123456789012:describe-alerts"),
        ("Http", "ApiEndpoint", "http"),
    ],
)
def test_resolver_get_att(resolver: Resolver, logical: str, attribute: str, starts: str) -> None:
    value = resolver.resolve({"Fn::GetAtt": [logical, attribute]})
    assert isinstance(value, str) and value.startswith(starts) and value


def test_log_group_arn_is_cloudformations_form(resolver: Resolver) -> None:
    assert resolver.resolve({"Fn::GetAtt": ["Logs", "Arn"]}).endswith(":*")


def test_unresolvable_values_stay_intrinsics(resolver: Resolver) -> None:
    assert resolver.resolve({"Fn::GetAtt": ["Nope", "Arn"]}) == {"Fn::GetAtt": ["Nope", "Arn"]}
    assert resolver.resolve({"Fn::GetAtt": ["Rest", "NoSuchAttribute"]}) == {"Fn::GetAtt": ["Rest", "NoSuchAttribute"]}
    joined = resolver.resolve({"Fn::Join": ["", ["a", {"Ref": "Nope"}]]})
    assert joined == {"Fn::Join": ["", ["a", {"Ref": "Nope"}]]}
    assert resolver.resolve({"Fn::Sub": "${Nope}"}) == {"Fn::Sub": "${Nope}"}
