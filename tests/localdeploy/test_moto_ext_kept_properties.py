"""Properties moto's own handlers drop, through the real endpoint: Lambda LoggingConfig, DynamoDB
SSE and TTL, Kinesis stream encryption, and a Lambda permission's physical id (its statement id)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from localdeploy.endpoint import running_endpoint
from localdeploy.moto_ext._testing import LAMBDA_ROLE, client, deploy, function, physical_ids
from localdeploy.moto_ext.lambda_permission import STATEMENT_ID_MAX, statement_id

LONG_ID = "OrdersApiproxyANYApiPermissionSyncApiRestExampleOrdersApiEDE8C4DFANYproxyED339906"


def template(suffix: str) -> dict[str, Any]:
    return {
        "Resources": {
            "Role": LAMBDA_ROLE,
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": f"fn-logs-{suffix}"}},
            "Fn": function(f"kept-fn-{suffix}", LoggingConfig={"LogGroup": {"Ref": "Logs"}}),
            "Plain": function(f"plain-fn-{suffix}"),
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "TableName": f"kept-table-{suffix}",
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "SSESpecification": {"SSEEnabled": True},
                    "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
                },
            },
            "OwnedKeyTable": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "TableName": f"owned-key-table-{suffix}",
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "SSESpecification": {"SSEEnabled": False},
                },
            },
            "Stream": {
                "Type": "AWS::Kinesis::Stream",
                "Properties": {
                    "Name": f"kept-stream-{suffix}",
                    "ShardCount": 1,
                    "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
                },
            },
            "Bus": {
                "Type": "AWS::Events::EventBus",
                "Properties": {
                    "Name": f"kept-bus-{suffix}",
                    "Description": "orders",
                    "DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:123456789012:bus-dlq"},
                },
            },
            "Rest": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {"Name": f"kept-rest-{suffix}", "EndpointConfiguration": {"Types": ["REGIONAL"]}},
            },
            "RestAny": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": {"Ref": "Rest"},
                    "ResourceId": {"Fn::GetAtt": ["Rest", "RootResourceId"]},
                    "HttpMethod": "ANY",
                    "AuthorizationType": "NONE",
                    "Integration": {
                        "Type": "AWS_PROXY",
                        "IntegrationHttpMethod": "POST",
                        "TimeoutInMillis": 12000,
                        "Uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn/invocations",
                    },
                },
            },
            "Rule": {
                "Type": "AWS::Events::Rule",
                "Properties": {"EventBusName": {"Ref": "Bus"}, "EventPattern": {"source": ["x"]}},
            },
            LONG_ID: {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]},
                    "Principal": "events.amazonaws.com",
                    "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]},
                },
            },
        },
        "Outputs": {"LogsArn": {"Value": {"Fn::GetAtt": ["Logs", "Arn"]}}},
    }


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with running_endpoint(log) as url:
        yield url


@pytest.fixture(scope="module", params=["change_set", "create_stack"])
def stack(request: pytest.FixtureRequest, endpoint: str) -> dict[str, Any]:
    suffix = "cs" if request.param == "change_set" else "cr"
    name = f"kept-{suffix}"
    deployed = deploy(endpoint, name, template(suffix), change_set=request.param == "change_set")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in deployed.get("Outputs", [])}
    return {
        "name": name, "suffix": suffix, "status": deployed["StackStatus"], "ids": physical_ids(endpoint, name),
        "outputs": outputs,
    }


def test_stack_completes(stack: dict[str, Any]) -> None:
    assert stack["status"] == "CREATE_COMPLETE"


def test_function_keeps_its_log_group(endpoint: str, stack: dict[str, Any]) -> None:
    lam = client(endpoint, "lambda")
    cfg = lam.get_function_configuration(FunctionName=f"kept-fn-{stack['suffix']}")
    assert cfg["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"fn-logs-{stack['suffix']}"}


def test_function_without_logging_config_reports_lambdas_default(endpoint: str, stack: dict[str, Any]) -> None:
    name = f"plain-fn-{stack['suffix']}"
    cfg = client(endpoint, "lambda").get_function_configuration(FunctionName=name)
    assert cfg["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}


def test_create_function_api_keeps_logging_config(endpoint: str, stack: dict[str, Any]) -> None:
    lam = client(endpoint, "lambda")
    iam = client(endpoint, "iam")
    role = iam.get_role(RoleName=stack["ids"]["Role"])["Role"]["Arn"]
    name = f"api-fn-{stack['suffix']}"
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(e, c): pass\n")
    lam.create_function(
        FunctionName=name, Runtime="python3.12", Handler="index.handler", Role=role,
        Code={"ZipFile": buf.getvalue()}, LoggingConfig={"LogFormat": "JSON", "LogGroup": "shared"},
    )
    cfg = lam.get_function_configuration(FunctionName=name)
    assert cfg["LoggingConfig"] == {"LogFormat": "JSON", "LogGroup": "shared"}


def test_table_reports_kms_encryption_with_the_aws_managed_key(endpoint: str, stack: dict[str, Any]) -> None:
    ddb = client(endpoint, "dynamodb")
    sse = ddb.describe_table(TableName=f"kept-table-{stack['suffix']}")["Table"]["SSEDescription"]
    assert sse["Status"] == "ENABLED" and sse["SSEType"] == "KMS"
    key = client(endpoint, "kms").describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]["Arn"]
    assert sse["KMSMasterKeyArn"] == key


def test_table_with_sse_disabled_uses_the_owned_key(endpoint: str, stack: dict[str, Any]) -> None:
    table = client(endpoint, "dynamodb").describe_table(TableName=f"owned-key-table-{stack['suffix']}")["Table"]
    assert "SSEDescription" not in table


def test_table_time_to_live_is_enabled(endpoint: str, stack: dict[str, Any]) -> None:
    ttl = client(endpoint, "dynamodb").describe_time_to_live(TableName=f"kept-table-{stack['suffix']}")
    assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiration"}


def test_stream_is_kms_encrypted(endpoint: str, stack: dict[str, Any]) -> None:
    kinesis = client(endpoint, "kinesis")
    summary = kinesis.describe_stream_summary(StreamName=f"kept-stream-{stack['suffix']}")
    assert summary["StreamDescriptionSummary"]["EncryptionType"] == "KMS"
    assert summary["StreamDescriptionSummary"]["KeyId"] == "alias/aws/kinesis"


def test_permission_physical_id_is_its_statement_id(endpoint: str, stack: dict[str, Any]) -> None:
    sid = stack["ids"][LONG_ID]
    assert sid.startswith(f"{stack['name']}-{LONG_ID[:40]}") and len(sid) <= STATEMENT_ID_MAX
    policy = json.loads(client(endpoint, "lambda").get_policy(FunctionName=f"kept-fn-{stack['suffix']}")["Policy"])
    (statement,) = [s for s in policy["Statement"] if s["Sid"] == sid]
    rule_arn = client(endpoint, "events").describe_rule(
        Name=stack["ids"]["Rule"].split("|")[-1], EventBusName=f"kept-bus-{stack['suffix']}"
    )["Arn"]
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnLike": {"AWS:SourceArn": rule_arn}}
    assert "FunctionName" not in statement


def test_statement_id_is_cut_to_lambdas_limit_keeping_the_suffix() -> None:
    long = "S" * 30 + "-" + "L" * 90 + "-ABCDEF123456"
    sid = statement_id(long)
    assert len(sid) == STATEMENT_ID_MAX and sid.endswith("-ABCDEF123456") and sid.startswith("S" * 30 + "-L")
    assert statement_id("short-Id-X1") == "short-Id-X1"


def test_deleting_the_stack_removes_only_its_statement(endpoint: str) -> None:
    deploy(endpoint, "kept-fn-owner", {"Resources": {"Role": LAMBDA_ROLE, "Fn": function("kept-del-fn")}})
    lam = client(endpoint, "lambda")
    lam.add_permission(
        FunctionName="kept-del-fn", StatementId="by-hand", Action="lambda:InvokeFunction", Principal="sqs.amazonaws.com"
    )
    deploy(endpoint, "kept-perm", {"Resources": {"Perm": {"Type": "AWS::Lambda::Permission", "Properties": {
        "Action": "lambda:InvokeFunction", "FunctionName": "kept-del-fn", "Principal": "sns.amazonaws.com"}}}})
    sid = physical_ids(endpoint, "kept-perm")["Perm"]

    def sids() -> set[str]:
        return {s["Sid"] for s in json.loads(lam.get_policy(FunctionName="kept-del-fn")["Policy"])["Statement"]}

    assert sids() == {"by-hand", sid}
    client(endpoint, "cloudformation").delete_stack(StackName="kept-perm")
    assert sids() == {"by-hand"}


def test_log_group_arn_attribute_ends_in_star(stack: dict[str, Any]) -> None:
    assert stack["outputs"]["LogsArn"] == f"arn:aws:logs:us-east-1:123456789012:log-group:fn-logs-{stack['suffix']}:*"


def test_event_bus_keeps_description_and_dead_letter_config(endpoint: str, stack: dict[str, Any]) -> None:
    bus = client(endpoint, "events").describe_event_bus(Name=f"kept-bus-{stack['suffix']}")
    assert bus["Description"] == "orders"
    assert bus["DeadLetterConfig"] == {"Arn": "arn:aws:sqs:us-east-1:123456789012:bus-dlq"}


def test_rest_api_keeps_its_endpoint_type(endpoint: str, stack: dict[str, Any]) -> None:
    api = client(endpoint, "apigateway").get_rest_api(restApiId=stack["ids"]["Rest"])
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]


def test_method_integration_keeps_its_timeout(endpoint: str, stack: dict[str, Any]) -> None:
    apigw = client(endpoint, "apigateway")
    root = apigw.get_rest_api(restApiId=stack["ids"]["Rest"])["rootResourceId"]
    integration = apigw.get_integration(restApiId=stack["ids"]["Rest"], resourceId=root, httpMethod="ANY")
    assert integration["timeoutInMillis"] == 12000 and integration["type"] == "AWS_PROXY"
