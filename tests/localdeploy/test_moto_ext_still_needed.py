"""Each workaround in localdeploy.moto_ext is still needed: the bug or gap it closes is still in
plain moto. When one of these fails, moto fixed it upstream: delete the workaround (and this check).

The checks run in a child process with plain moto (in-process ``mock_aws``), because importing
the extensions changes moto for the whole process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent(
    r'''
    import json, os
    os.environ.update(AWS_ACCESS_KEY_ID="t", AWS_SECRET_ACCESS_KEY="t", AWS_DEFAULT_REGION="us-east-1")
    import boto3
    from moto import mock_aws
    from moto.cloudformation.parsing import get_model_map

    ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}
    def fn(name, **extra):
        return {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": name, "Runtime": "python3.12",
            "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Code": {"ZipFile": "def handler(e, c): pass"}, **extra}}
    def via_change_set(cfn, name, template):
        cfn.create_change_set(StackName=name, ChangeSetName="c", ChangeSetType="CREATE", TemplateBody=json.dumps(template))
        cfn.execute_change_set(StackName=name, ChangeSetName="c")

    found = {}
    with mock_aws():
        cfn = boto3.client("cloudformation")
        lam = boto3.client("lambda")

        cfn.create_stack(StackName="arch", TemplateBody=json.dumps({"Resources": {"Role": ROLE,
            "Fn": fn("arch", Architectures=["arm64"], TracingConfig={"Mode": "Active"})}}))
        c = lam.get_function_configuration(FunctionName="arch")
        found["lambda_function"] = c["Architectures"] == ["x86_64"] and c["TracingConfig"]["Mode"] == "PassThrough"

        rest = {"Resources": {"Role": ROLE, "Fn": fn("rest"),
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}},
            "Dep": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["Get"], "Properties": {"RestApiId": {"Ref": "Api"}}},
            "Get": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"},
                "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "HttpMethod": "GET", "AuthorizationType": "NONE",
                "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": "arn:x"}}}},
            "Outputs": {"Api": {"Value": {"Ref": "Api"}}}}
        try:
            via_change_set(cfn, "rest", rest)
            found["change_sets.order"] = False
        except Exception:
            found["change_sets.order"] = True
        via_change_set(cfn, "outputs", {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
            "Outputs": {"Url": {"Value": {"Ref": "Q"}}}})
        found["change_sets.outputs"] = "Outputs" not in cfn.describe_stacks(StackName="outputs")["Stacks"][0]

        try:
            cfn.create_stack(StackName="bus", TemplateBody=json.dumps({"Resources": {
                "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "b"}},
                "Rule": {"Type": "AWS::Events::Rule", "Properties": {"EventBusName": {"Ref": "Bus"},
                    "EventPattern": {"source": ["x"]}}}}}))
            found["events_rule"] = False
        except AttributeError as e:
            found["events_rule"] = "split" in str(e)

        try:
            cfn.create_stack(StackName="mock", TemplateBody=json.dumps({"Resources": {
                "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "m"}},
                "Opt": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"},
                    "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "HttpMethod": "OPTIONS",
                    "AuthorizationType": "NONE", "Integration": {"Type": "MOCK"}}}}}))
            found["apigateway.mock_method"] = False
        except KeyError:
            found["apigateway.mock_method"] = True

        cfn.create_stack(StackName="kept", TemplateBody=json.dumps({"Resources": {"Role": ROLE,
            "Fn": fn("logs", LoggingConfig={"LogGroup": "my-logs"}),
            "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {"Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": "Fn"}, "Principal": "sns.amazonaws.com"}},
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "SSESpecification": {"SSEEnabled": True},
                "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True}}},
            "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"Name": "s", "ShardCount": 1,
                "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}}}}}))
        found["lambda_function.logging_config"] = "LoggingConfig" not in lam.get_function_configuration(FunctionName="logs")
        ddb = boto3.client("dynamodb")
        found["dynamodb_table.sse"] = "SSEDescription" not in ddb.describe_table(TableName="t")["Table"]
        found["dynamodb_table.ttl"] = (
            ddb.describe_time_to_live(TableName="t")["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED")
        summary = boto3.client("kinesis").describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
        found["kinesis_stream"] = summary["EncryptionType"] == "NONE"
        cfn.create_stack(StackName="kept2", TemplateBody=json.dumps({"Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "lg"}},
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "kb", "Description": "d"}},
            "Rest": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "r",
                "EndpointConfiguration": {"Types": ["REGIONAL"]}}},
            "Any": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Rest"},
                "ResourceId": {"Fn::GetAtt": ["Rest", "RootResourceId"]}, "HttpMethod": "ANY", "AuthorizationType": "NONE",
                "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "TimeoutInMillis": 12000,
                    "Uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn/invocations"}}}},
            "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Logs", "Arn"]}}}}))
        found["logs_log_group"] = not cfn.describe_stacks(StackName="kept2")["Stacks"][0]["Outputs"][0][
            "OutputValue"].endswith(":*")
        found["events_rule.bus_properties"] = "Description" not in boto3.client("events").describe_event_bus(Name="kb")
        apigw = boto3.client("apigateway")
        rest_id = cfn.describe_stack_resource(StackName="kept2", LogicalResourceId="Rest")["StackResourceDetail"][
            "PhysicalResourceId"]
        rest = apigw.get_rest_api(restApiId=rest_id)
        found["apigateway.endpoint_configuration"] = not rest.get("endpointConfiguration", {}).get("types")
        integration = apigw.get_integration(restApiId=rest_id, resourceId=rest["rootResourceId"], httpMethod="ANY")
        found["apigateway.integration_properties"] = "timeoutInMillis" not in integration
        perm = cfn.describe_stack_resource(StackName="kept", LogicalResourceId="Perm")["StackResourceDetail"]
        found["lambda_permission"] = not perm.get("PhysicalResourceId")

        cfn.create_stack(StackName="features", TemplateBody=json.dumps({"Resources": {"Role": ROLE,
            "Fn": fn("snap", SnapStart={"ApplyOn": "PublishedVersions"}, RecursiveLoop="Allow")}}))
        found["lambda_snapstart"] = lam.get_function_configuration(FunctionName="snap")["SnapStart"]["ApplyOn"] == "None"
        try:
            lam.get_function_recursion_config(FunctionName="snap")
            found["lambda_recursion"] = False
        except Exception:
            found["lambda_recursion"] = True
        lam.create_function_url_config(FunctionName="snap", AuthType="AWS_IAM", Qualifier="live")
        found["lambda_url.qualifier"] = not lam.get_function_url_config(
            FunctionName="snap", Qualifier="live")["FunctionArn"].endswith(":live")

        cfn.create_stack(StackName="skip", TemplateBody=json.dumps({"Resources": {
            "Pipe": {"Type": "AWS::Pipes::Pipe", "Properties": {}}}}))
        found["stack_failures"] = cfn.describe_stacks(StackName="skip")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"

    from moto.apigateway.models import Deployment, Method
    from moto.awslambda.models import LambdaVersion, LayerVersion
    from moto.events.models import EventBus
    found["refs"] = {c.__name__: not hasattr(c, "physical_resource_id")
                     for c in (Deployment, Method, LambdaVersion, LayerVersion, EventBus)}
    found["lambda_alias.version_getatt"] = not hasattr(LambdaVersion, "get_cfn_attribute")
    found["gaps"] = sorted(set(json.loads(os.environ["GAP_TYPES"])) - set(get_model_map()))
    print(json.dumps(found))
    '''
)

GAP_TYPES = [
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Lambda::Alias",
    "AWS::CloudWatch::Alarm",
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Account",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::Lambda::Url",
    "AWS::Scheduler::Schedule",
]


@pytest.fixture(scope="module")
def plain_moto() -> dict[str, object]:
    env = {"GAP_TYPES": json.dumps(GAP_TYPES), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "workaround",
    [
        "lambda_function",
        "change_sets.order",
        "change_sets.outputs",
        "events_rule",
        "apigateway.mock_method",
        "stack_failures",
        "lambda_alias.version_getatt",
        "lambda_function.logging_config",
        "lambda_permission",
        "dynamodb_table.sse",
        "dynamodb_table.ttl",
        "kinesis_stream",
        "logs_log_group",
        "events_rule.bus_properties",
        "apigateway.endpoint_configuration",
        "apigateway.integration_properties",
        "lambda_snapstart",
        "lambda_recursion",
        "lambda_url.qualifier",
    ],
)
def test_bug_is_still_in_plain_moto(plain_moto: dict[str, object], workaround: str) -> None:
    assert plain_moto[workaround] is True, f"moto fixed what moto_ext.{workaround} works around: remove it"


def test_models_still_lack_a_physical_id(plain_moto: dict[str, object]) -> None:
    assert plain_moto["refs"] == {
        "Deployment": True, "Method": True, "LambdaVersion": True, "LayerVersion": True, "EventBus": True
    }


def test_types_still_have_no_handler_in_plain_moto(plain_moto: dict[str, object]) -> None:
    assert plain_moto["gaps"] == sorted(GAP_TYPES), "moto now has a handler for some: drop ours"


def test_extensions_register_every_gap_type() -> None:
    """In a child process too: install() and read moto's type map (it is cached per process)."""
    code = (
        "import json; from localdeploy import moto_ext; moto_ext.install(); "
        "from moto.cloudformation.parsing import get_model_map; print(json.dumps(sorted(get_model_map())))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert set(GAP_TYPES) <= set(json.loads(done.stdout))
