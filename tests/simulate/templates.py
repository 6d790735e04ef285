"""Tiny hand-written templates for the simulation's semantics tests."""

from __future__ import annotations

import json
from typing import Any

from constructs_lib.template.model import TemplateModel
from constructs_lib.simulate import Entry, FunctionConfig, Invocation, Result, function_config


def fn(timeout: float = 10, reserved: int | None = None, **props: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"Handler": "index.handler", "Runtime": "python3.12", "Timeout": timeout, **props}
    if reserved is not None:
        p["ReservedConcurrentExecutions"] = reserved
    return {"Type": "AWS::Lambda::Function", "Properties": p}


def sqs_template(
    *, vis: float = 60, max_receive: int | None = 3, retention: float | None = None, dlq_retention: float = 1209600,
    batch: int = 10, partial: bool = True, fifo: bool = False, window: float | None = None,
    filters: list[dict[str, Any]] | None = None, max_concurrency: int | None = None, timeout: float = 10,
    reserved: int | None = None,
) -> dict[str, Any]:
    queue: dict[str, Any] = {"VisibilityTimeout": vis}
    if retention is not None:
        queue["MessageRetentionPeriod"] = retention
    if fifo:
        queue["FifoQueue"] = True
    if max_receive is not None:
        queue["RedrivePolicy"] = {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": max_receive}
    mapping: dict[str, Any] = {"FunctionName": {"Ref": "Fn"}, "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]}, "BatchSize": batch}
    if partial:
        mapping["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    if window is not None:
        mapping["MaximumBatchingWindowInSeconds"] = window
    if filters:
        mapping["FilterCriteria"] = {"Filters": [{"Pattern": json.dumps(f)} for f in filters]}
    if max_concurrency is not None:
        mapping["ScalingConfig"] = {"MaximumConcurrency": max_concurrency}
    dlq: dict[str, Any] = {"MessageRetentionPeriod": dlq_retention}
    if fifo:
        dlq["FifoQueue"] = True
    return {"Resources": {
        "Fn": fn(timeout, reserved),
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": queue},
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": dlq},
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": mapping},
    }}


def stream_template(
    *, kind: str = "dynamodb", retries: int = 2, age: int | None = None, bisect: bool = True, partial: bool = True,
    destination: bool = True, batch: int = 10, shards: int = 1, factor: int = 1, reserved: int | None = None,
    filters: list[dict[str, Any]] | None = None, timeout: float = 10,
) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        "FunctionName": {"Ref": "Fn"}, "BatchSize": batch, "MaximumRetryAttempts": retries,
        "BisectBatchOnFunctionError": bisect, "ParallelizationFactor": factor, "StartingPosition": "TRIM_HORIZON",
    }
    if age is not None:
        mapping["MaximumRecordAgeInSeconds"] = age
    if partial:
        mapping["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    if destination:
        mapping["DestinationConfig"] = {"OnFailure": {"Destination": {"Fn::GetAtt": ["Failures", "Arn"]}}}
    if filters:
        mapping["FilterCriteria"] = {"Filters": [{"Pattern": json.dumps(f)} for f in filters]}
    if kind == "dynamodb":
        source = {"Type": "AWS::DynamoDB::Table", "Properties": {"StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}}
        mapping["EventSourceArn"] = {"Fn::GetAtt": ["Source", "StreamArn"]}
    else:
        source = {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": shards}}
        mapping["EventSourceArn"] = {"Fn::GetAtt": ["Source", "Arn"]}
    return {"Resources": {
        "Fn": fn(timeout, reserved), "Source": source,
        "Failures": {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}},
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": mapping},
    }}


def async_template(
    *, retries: int | None = 2, age: int | None = None, destination: bool = True, dlq: bool = False,
    rule: bool = False, permission: bool = True, rule_dlq: bool = True, timeout: float = 10, reserved: int | None = None,
) -> dict[str, Any]:
    resources: dict[str, Any] = {"Fn": fn(timeout, reserved), "Failures": {"Type": "AWS::SQS::Queue", "Properties": {}}}
    config: dict[str, Any] = {"FunctionName": {"Ref": "Fn"}, "Qualifier": "$LATEST"}
    if retries is not None:
        config["MaximumRetryAttempts"] = retries
    if age is not None:
        config["MaximumEventAgeInSeconds"] = age
    if destination:
        config["DestinationConfig"] = {"OnFailure": {"Destination": {"Fn::GetAtt": ["Failures", "Arn"]}}}
    resources["Config"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": config}
    if dlq:
        resources["Fn"]["Properties"]["DeadLetterConfig"] = {"TargetArn": {"Fn::GetAtt": ["Failures", "Arn"]}}
    if rule:
        target: dict[str, Any] = {"Id": "T", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}
        if rule_dlq:
            target["DeadLetterConfig"] = {"Arn": {"Fn::GetAtt": ["RuleDlq", "Arn"]}}
            resources["RuleDlq"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
        resources["Rule"] = {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["x"]}, "Targets": [target]}}
        if permission:
            resources["Permission"] = {"Type": "AWS::Lambda::Permission", "Properties": {
                "Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]},
                "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}}
    return {"Resources": resources}


def http_api_template(*, timeout: float = 3, integration_ms: int | None = None, rate: float | None = None,
                      burst: float | None = None, reserved: int | None = None) -> dict[str, Any]:
    integration: dict[str, Any] = {
        "ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
        "IntegrationUri": {"Fn::GetAtt": ["Fn", "Arn"]},
    }
    if integration_ms is not None:
        integration["TimeoutInMillis"] = integration_ms
    stage: dict[str, Any] = {"ApiId": {"Ref": "Api"}, "StageName": "$default"}
    if rate is not None:
        stage["DefaultRouteSettings"] = {"ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}
    return {"Resources": {
        "Fn": fn(timeout, reserved),
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}},
        "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": integration},
        "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": stage},
    }}


def entry_of(template: dict[str, Any], function: str = "Fn", model: str | None = None) -> tuple[FunctionConfig, Entry]:
    tm = TemplateModel(template, name="T")
    config = function_config(tm, tm.resources[function])
    entries = [e for e in config.entries if model is None or e.model == model]
    assert entries, config
    return config, entries[0]


class Scripted:
    """An invoker whose answer a test writes: ``answer(invocation) -> Result``; it records
    every invocation (``calls``) and has no cold starts unless ``cold_s`` is set."""

    def __init__(self, answer: Any, cold_s: float = 0.0) -> None:
        self.answer, self.cold_s = answer, cold_s
        self.calls: list[Invocation] = []

    def cold_start_s(self, invocation: Invocation) -> float:
        return self.cold_s

    def invoke(self, invocation: Invocation) -> Result:
        self.calls.append(invocation)
        return self.answer(invocation)
