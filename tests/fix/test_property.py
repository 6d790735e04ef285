"""Property: on generated templates (every trigger the fixes know, with settings drawn
across their ranges, written as YAML or JSON, CloudFormation or SAM), ``--fix`` then
``check`` leaves no finding that has a fix, adds no error, and a second ``--fix`` changes
nothing. ``CONSTRUCTS_LIB_FIX_EXAMPLES`` sets how many templates (default 30; ``make fuzz``
style runs can raise it)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fix.helpers import checked, fixable_findings, only_file, plan_of

EXAMPLES = int(os.environ.get("CONSTRUCTS_LIB_FIX_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


def arn(lid: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [lid, "Arn"]}


def res(type_: str, **props: Any) -> dict[str, Any]:
    return {"Type": type_, "Properties": {k: v for k, v in props.items() if v is not None}}


def role() -> dict[str, Any]:
    return res("AWS::IAM::Role", AssumeRolePolicyDocument={"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def function(p: str, timeout: int | None, reserved: int | None = None) -> dict[str, Any]:
    return res("AWS::Lambda::Function", Runtime="python3.13", Handler="index.handler", Role=arn(f"{p}Role"),
               Timeout=timeout, ReservedConcurrentExecutions=reserved, Code={"ZipFile": "def handler(e, c):\n    return None\n"})


optional = st.none() | st.just(None)


@st.composite
def sqs_unit(draw: st.DrawFn, p: str) -> dict[str, Any]:
    timeout = draw(st.integers(1, 900))
    reserved = draw(st.none() | st.integers(2, 50))
    fifo = draw(st.booleans())
    queue: dict[str, Any] = {"VisibilityTimeout": draw(st.none() | st.integers(0, 43200)),
                             "MessageRetentionPeriod": draw(st.none() | st.integers(60, 1209600))}
    out = {f"{p}Role": role(), f"{p}Fn": function(p, timeout, reserved)}
    if fifo:
        queue["FifoQueue"] = True
    if draw(st.booleans()):
        out[f"{p}Dead"] = res("AWS::SQS::Queue", MessageRetentionPeriod=draw(st.integers(60, 1209600)),
                              FifoQueue=True if fifo else None)
        queue["RedrivePolicy"] = {"deadLetterTargetArn": arn(f"{p}Dead"), "maxReceiveCount": draw(st.integers(0, 1200))}
    out[f"{p}Queue"] = res("AWS::SQS::Queue", **queue)
    max_concurrency = draw(st.none() | st.integers(2, 1000))
    out[f"{p}Mapping"] = res(
        "AWS::Lambda::EventSourceMapping", EventSourceArn=arn(f"{p}Queue"), FunctionName={"Ref": f"{p}Fn"},
        BatchSize=draw(st.integers(1, 10)), MaximumBatchingWindowInSeconds=draw(st.none() | st.integers(0, 300)),
        FunctionResponseTypes=draw(st.none() | st.just(["ReportBatchItemFailures"])),
        ScalingConfig={"MaximumConcurrency": max_concurrency} if max_concurrency else None,
    )
    return out


@st.composite
def stream_unit(draw: st.DrawFn, p: str) -> dict[str, Any]:
    out = {f"{p}Role": role(), f"{p}Fn": function(p, draw(st.integers(1, 900))),
           f"{p}Stream": res("AWS::Kinesis::Stream", ShardCount=1)}
    destination = None
    if draw(st.booleans()):
        out[f"{p}Failed"] = res("AWS::SQS::Queue")
        destination = {"OnFailure": {"Destination": arn(f"{p}Failed")}}
    out[f"{p}Mapping"] = res(
        "AWS::Lambda::EventSourceMapping", EventSourceArn=arn(f"{p}Stream"), FunctionName={"Ref": f"{p}Fn"},
        StartingPosition="LATEST", BatchSize=draw(st.integers(1, 10000)),
        MaximumRetryAttempts=draw(st.none() | st.just(-1) | st.integers(0, 10000)),
        MaximumRecordAgeInSeconds=draw(st.none() | st.just(-1) | st.integers(60, 604800)),
        BisectBatchOnFunctionError=draw(st.none() | st.booleans()), DestinationConfig=destination,
    )
    return out


@st.composite
def async_unit(draw: st.DrawFn, p: str) -> dict[str, Any]:
    out = {f"{p}Role": role(), f"{p}Fn": function(p, draw(st.none() | st.integers(1, 900)))}
    kind = draw(st.sampled_from(["s3", "rule", "schedule", "sns"]))
    if kind == "s3":
        out[f"{p}Allow"] = res("AWS::Lambda::Permission", FunctionName={"Ref": f"{p}Fn"}, Action="lambda:InvokeFunction",
                               Principal="s3.amazonaws.com")
    elif kind == "rule":
        targets = []
        for i in range(draw(st.integers(1, 2))):
            target: dict[str, Any] = {"Id": f"t{i}", "Arn": arn(f"{p}Fn")}
            if draw(st.booleans()):
                target["RetryPolicy"] = {"MaximumRetryAttempts": draw(st.integers(0, 300)),
                                         "MaximumEventAgeInSeconds": draw(st.integers(1, 90000))}
            targets.append(target)
        out[f"{p}Rule"] = res("AWS::Events::Rule", ScheduleExpression="rate(1 hour)", Targets=targets)
    elif kind == "schedule":
        out[f"{p}SchedulerRole"] = role()
        out[f"{p}Schedule"] = res("AWS::Scheduler::Schedule", ScheduleExpression="rate(1 hour)",
                                  FlexibleTimeWindow={"Mode": "OFF"},
                                  Target={"Arn": arn(f"{p}Fn"), "RoleArn": arn(f"{p}SchedulerRole")})
    else:
        out[f"{p}Topic"] = res("AWS::SNS::Topic")
        out[f"{p}Sub"] = res("AWS::SNS::Subscription", Protocol="lambda", TopicArn={"Ref": f"{p}Topic"},
                             Endpoint=arn(f"{p}Fn"))
    if draw(st.booleans()):
        out[f"{p}Config"] = res("AWS::Lambda::EventInvokeConfig", FunctionName={"Ref": f"{p}Fn"}, Qualifier="$LATEST",
                                MaximumRetryAttempts=draw(st.integers(0, 2)))
    return out


@st.composite
def api_unit(draw: st.DrawFn, p: str) -> dict[str, Any]:
    uri = {"Fn::Sub": f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/"
                      f"${{{p}Fn.Arn}}/invocations"}
    integration: dict[str, Any] = {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": uri}
    millis = draw(st.none() | st.integers(2000, 29000))
    if millis is not None:
        integration["TimeoutInMillis"] = millis
    return {f"{p}Role": role(), f"{p}Fn": function(p, draw(st.integers(1, 900))),
            f"{p}Method": res("AWS::ApiGateway::Method", HttpMethod="GET", Integration=integration)}


UNITS = [sqs_unit, stream_unit, async_unit, api_unit]


@st.composite
def templates(draw: st.DrawFn) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for index, unit in enumerate(draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=4))):
        resources.update(draw(unit(f"U{index}")))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def _write(path: Path, template: dict[str, Any]) -> None:
    if path.suffix == ".json":
        path.write_text(json.dumps(template, indent=draw_indent(template)))
    else:
        path.write_text("# generated\n" + yaml.safe_dump(template, sort_keys=False))


def draw_indent(template: dict[str, Any]) -> int:
    return 2 + 2 * (len(template["Resources"]) % 2)


def _fix_then_check(tmp_path: Path, template: dict[str, Any], suffix: str) -> None:
    path = tmp_path / f"template{suffix}"
    _write(path, template)
    _, before = checked(path)
    files = plan_of(path).files
    if files:
        file = only_file(plan_of(path))
        assert file.refusals == [] and file.error is None, (file.refusals, file.error)
        if file.new_text is not None:
            path.write_text(file.new_text)
    else:
        assert fixable_findings(before) == []
    _, after = checked(path)
    assert fixable_findings(after) == []
    errors_before = {(f.rule_id, f.resource) for f in before if f.is_error}
    assert {(f.rule_id, f.resource) for f in after if f.is_error} <= errors_before
    assert [f.path for f in plan_of(path).files if f.changed] == []


@SETTINGS
@given(template=templates(), suffix=st.sampled_from([".yaml", ".json"]))
def test_fix_then_check_leaves_no_fixable_finding(tmp_path_factory: Any, template: dict[str, Any], suffix: str) -> None:
    _fix_then_check(tmp_path_factory.mktemp("fix"), template, suffix)


@st.composite
def sam_templates(draw: st.DrawFn) -> dict[str, Any]:
    events: dict[str, Any] = {}
    resources: dict[str, Any] = {"Queue": res("AWS::SQS::Queue", VisibilityTimeout=draw(st.none() | st.integers(0, 43200))),
                                 "Stream": res("AWS::Kinesis::Stream", ShardCount=1), "Topic": res("AWS::SNS::Topic")}
    for kind in draw(st.lists(st.sampled_from(["SQS", "Kinesis", "SNS", "Schedule", "ScheduleV2", "Api"]),
                              min_size=1, max_size=4, unique=True)):
        props: dict[str, Any] = {
            "SQS": {"Queue": arn("Queue"), "BatchSize": 1},
            "Kinesis": {"Stream": arn("Stream"), "StartingPosition": "LATEST",
                        "MaximumRetryAttempts": draw(st.none() | st.integers(0, 10))},
            "SNS": {"Topic": {"Ref": "Topic"}},
            "Schedule": {"Schedule": "rate(1 hour)"},
            "ScheduleV2": {"ScheduleExpression": "rate(1 hour)"},
            "Api": {"Path": "/x", "Method": "get"},
        }[kind]
        events[f"From{kind}"] = {"Type": kind, "Properties": {k: v for k, v in props.items() if v is not None}}
    resources["Fn"] = {"Type": "AWS::Serverless::Function", "Properties": {
        "Runtime": "python3.13", "Handler": "index.handler", "InlineCode": "def handler(e, c):\n    return None\n",
        "Timeout": draw(st.integers(1, 900)), "Events": events}}
    return {"Transform": "AWS::Serverless-2016-10-31", "Resources": resources}


@settings(SETTINGS, max_examples=max(3, EXAMPLES // 4))
@given(template=sam_templates(), suffix=st.sampled_from([".yaml", ".json"]))
def test_fix_then_check_on_sam_templates(tmp_path_factory: Any, template: dict[str, Any], suffix: str) -> None:
    _fix_then_check(tmp_path_factory.mktemp("fix"), template, suffix)
