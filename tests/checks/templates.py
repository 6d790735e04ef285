"""Tiny CloudFormation templates (plain dicts) for the rule tests: one builder per
resource type, with only the properties the rules read."""

from __future__ import annotations

from typing import Any

FN = "Fn"


def ref(lid: str) -> dict[str, Any]:
    return {"Ref": lid}


def arn(lid: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [lid, "Arn"]}


def template(**resources: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": resources}


def _res(type_: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"Type": type_, "Properties": {k: v for k, v in props.items() if v is not None}}


def function(timeout: Any = 30, *, reserved: Any = None, role: str | None = None, **props: Any) -> dict[str, Any]:
    return _res(
        "AWS::Lambda::Function",
        {
            "Timeout": timeout,
            "ReservedConcurrentExecutions": reserved,
            "Role": arn(role) if role else "arn:aws:iam::123456789012:role/r",
            **props,
        },
    )


def role() -> dict[str, Any]:
    return _res("AWS::IAM::Role", {"AssumeRolePolicyDocument": {}})


def queue(*, visibility: Any = 180, dlq: str | None = "Dlq", max_receive: Any = 5, **props: Any) -> dict[str, Any]:
    redrive = {"deadLetterTargetArn": arn(dlq), "maxReceiveCount": max_receive} if dlq else None
    return _res("AWS::SQS::Queue", {"VisibilityTimeout": visibility, "RedrivePolicy": redrive, **props})


def dlq(**props: Any) -> dict[str, Any]:
    return _res("AWS::SQS::Queue", {"MessageRetentionPeriod": 1209600, **props})


def mapping(source: Any = None, function: str = FN, **props: Any) -> dict[str, Any]:
    return _res(
        "AWS::Lambda::EventSourceMapping",
        {"FunctionName": ref(function), "EventSourceArn": source if source is not None else arn("Queue"), **props},
    )


def sqs_consumer(**mapping_props: Any) -> dict[str, Any]:
    """A correct consumer: timeout 30 s, visibility 180 s, DLQ 14 days, receive count 5,
    batches of 10 with partial batch responses."""
    props = {"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"], **mapping_props}
    return {"Fn": function(30), "Queue": queue(), "Dlq": dlq(), "Mapping": mapping(**props)}


def kinesis_consumer(**mapping_props: Any) -> dict[str, Any]:
    """A correct stream consumer: finite retries and age, on-failure queue, bisect."""
    props = {
        "StartingPosition": "LATEST",
        "MaximumRetryAttempts": 3,
        "MaximumRecordAgeInSeconds": 21600,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Destination": arn("Failures")}},
        **mapping_props,
    }
    return {
        "Fn": function(30),
        "Stream": _res("AWS::Kinesis::Stream", {"ShardCount": 1}),
        "Failures": dlq(),
        "Mapping": mapping(arn("Stream"), **{k: v for k, v in props.items() if v is not None}),
    }


def permission(principal: str, function: str = FN) -> dict[str, Any]:
    return _res("AWS::Lambda::Permission", {"Action": "lambda:InvokeFunction", "FunctionName": arn(function), "Principal": principal})


def invoke_config(on_failure: Any = None, function: str = FN) -> dict[str, Any]:
    dest = {"OnFailure": {"Destination": on_failure}} if on_failure is not None else None
    return _res(
        "AWS::Lambda::EventInvokeConfig",
        {"FunctionName": ref(function), "Qualifier": "$LATEST", "MaximumRetryAttempts": 2, "DestinationConfig": dest},
    )


def events_rule(target_arn: Any = None, dead_letter: Any = None, retry: Any = None) -> dict[str, Any]:
    target: dict[str, Any] = {"Id": "Target0", "Arn": target_arn if target_arn is not None else arn(FN)}
    if dead_letter is not None:
        target["DeadLetterConfig"] = {"Arn": dead_letter}
    if retry is not None:
        target["RetryPolicy"] = retry
    return _res("AWS::Events::Rule", {"ScheduleExpression": "rate(1 hour)", "Targets": [target]})


def sns_subscription(redrive: Any = None) -> dict[str, Any]:
    return _res(
        "AWS::SNS::Subscription",
        {"Protocol": "lambda", "TopicArn": ref("Topic"), "Endpoint": arn(FN), "RedrivePolicy": redrive},
    )


def rest_method(timeout_ms: Any = None, function: str = FN) -> dict[str, Any]:
    uri = {
        "Fn::Join": [
            "",
            [
                "arn:",
                ref("AWS::Partition"),
                ":apigateway:",
                ref("AWS::Region"),
                ":lambda:path/2015-03-31/functions/",
                arn(function),
                "/invocations",
            ],
        ]
    }
    integration = {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": uri}
    if timeout_ms is not None:
        integration["TimeoutInMillis"] = timeout_ms
    return _res("AWS::ApiGateway::Method", {"HttpMethod": "ANY", "Integration": integration})


def http_integration(timeout_ms: Any = None, function: str = FN) -> dict[str, Any]:
    return _res(
        "AWS::ApiGatewayV2::Integration",
        {"IntegrationType": "AWS_PROXY", "IntegrationUri": arn(function), "TimeoutInMillis": timeout_ms, "PayloadFormatVersion": "2.0"},
    )


def invoke_policy(caller_role: str, callee: str) -> dict[str, Any]:
    return _res(
        "AWS::IAM::Policy",
        {
            "PolicyName": "p",
            "Roles": [ref(caller_role)],
            "PolicyDocument": {
                "Statement": [
                    {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [arn(callee), {"Fn::Join": ["", [arn(callee), ":*"]]}]}
                ]
            },
        },
    )


def caller_and_callee(caller_timeout: Any, callee_timeout: Any, *, async_callee: bool = False) -> dict[str, Any]:
    resources = {
        "CallerRole": role(),
        "Caller": function(caller_timeout, role="CallerRole"),
        "Callee": function(callee_timeout),
        "CallerPolicy": invoke_policy("CallerRole", "Callee"),
    }
    if async_callee:
        resources["CalleeConfig"] = invoke_config(arn("Dlq"), function="Callee")
        resources["Dlq"] = dlq()
    return resources


def alias(function: str = FN, name: str = "live") -> dict[str, Any]:
    return _res("AWS::Lambda::Alias", {"FunctionName": ref(function), "FunctionVersion": "1", "Name": name})


def with_metadata(resource: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "Metadata": metadata}


def schedule(target_arn: Any = None, dead_letter: Any = None, retry: Any = None) -> dict[str, Any]:
    target: dict[str, Any] = {"Arn": target_arn if target_arn is not None else arn(FN), "RoleArn": "arn:aws:iam::123456789012:role/s"}
    if dead_letter is not None:
        target["DeadLetterConfig"] = {"Arn": dead_letter}
    if retry is not None:
        target["RetryPolicy"] = retry
    return _res("AWS::Scheduler::Schedule", {"ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": target})
