"""Read a deployed resource back from the endpoint's own APIs, in CloudFormation's shape.

One describer per resource type: given the clients, the physical id and a resolver for
``Fn::GetAtt``, it returns the resource's *actual* properties under the same names the
template uses, so the verifier compares template (the promise) and endpoint (the truth)
property by property. ``PROMISES`` lists, per type, the properties worth comparing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

Describer = Callable[["Clients", str], dict[str, Any]]


class Clients(Protocol):
    def __call__(self, service: str) -> Any: ...


DESCRIBERS: dict[str, Describer] = {}
#: Per type, the template properties each describer reads back (the construct's promises).
PROMISES: dict[str, tuple[str, ...]] = {}


def describes(resource_type: str, *promises: str) -> Callable[[Describer], Describer]:
    def register(fn: Describer) -> Describer:
        DESCRIBERS[resource_type] = fn
        PROMISES[resource_type] = promises
        return fn

    return register


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


# --------------------------------------------------------------------------------------
# Lambda
# --------------------------------------------------------------------------------------
@describes(
    "AWS::Lambda::Function",
    "Runtime", "Handler", "Timeout", "MemorySize", "ReservedConcurrentExecutions",
    "Architectures", "TracingConfig", "LoggingConfig", "Environment",
)
def _function(clients: Clients, physical_id: str) -> dict[str, Any]:
    lam = clients("lambda")
    cfg = lam.get_function_configuration(FunctionName=physical_id)
    concurrency = lam.get_function_concurrency(FunctionName=physical_id)
    return _drop_none(
        {
            "Runtime": cfg.get("Runtime"),
            "Handler": cfg.get("Handler"),
            "Timeout": cfg.get("Timeout"),
            "MemorySize": cfg.get("MemorySize"),
            "ReservedConcurrentExecutions": concurrency.get("ReservedConcurrentExecutions"),
            "Architectures": cfg.get("Architectures"),
            "TracingConfig": cfg.get("TracingConfig"),
            "LoggingConfig": {"LogGroup": (cfg.get("LoggingConfig") or {}).get("LogGroup")},
            "Environment": cfg.get("Environment"),
        }
    )


def _function_name(arn_or_name: str | None) -> str | None:
    if arn_or_name and arn_or_name.startswith("arn:"):
        return arn_or_name.split(":")[6]
    return arn_or_name


@describes(
    "AWS::Lambda::EventSourceMapping",
    "FunctionName", "EventSourceArn", "BatchSize", "MaximumBatchingWindowInSeconds",
    "FunctionResponseTypes", "ScalingConfig", "FilterCriteria", "StartingPosition",
    "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
    "ParallelizationFactor", "TumblingWindowInSeconds", "DestinationConfig",
)
def _event_source_mapping(clients: Clients, physical_id: str) -> dict[str, Any]:
    esm = clients("lambda").get_event_source_mapping(UUID=physical_id)
    esm["FunctionName"] = _function_name(esm.get("FunctionArn"))
    return esm


# --------------------------------------------------------------------------------------
# SQS, SNS, logs
# --------------------------------------------------------------------------------------
@describes(
    "AWS::SQS::Queue",
    "FifoQueue", "VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy",
    "SqsManagedSseEnabled", "KmsMasterKeyId",
)
def _queue(clients: Clients, physical_id: str) -> dict[str, Any]:
    attrs = clients("sqs").get_queue_attributes(QueueUrl=physical_id, AttributeNames=["All"])["Attributes"]
    redrive = attrs.get("RedrivePolicy")
    return _drop_none(
        {
            "FifoQueue": attrs.get("FifoQueue", "false"),
            "VisibilityTimeout": attrs.get("VisibilityTimeout"),
            "MessageRetentionPeriod": attrs.get("MessageRetentionPeriod"),
            "RedrivePolicy": json.loads(redrive) if redrive else None,
            "SqsManagedSseEnabled": attrs.get("SqsManagedSseEnabled"),
            "KmsMasterKeyId": attrs.get("KmsMasterKeyId"),
        }
    )


@describes("AWS::SNS::Topic", "KmsMasterKeyId", "FifoTopic")
def _topic(clients: Clients, physical_id: str) -> dict[str, Any]:
    attrs = clients("sns").get_topic_attributes(TopicArn=physical_id)["Attributes"]
    return _drop_none({"KmsMasterKeyId": attrs.get("KmsMasterKeyId"), "FifoTopic": attrs.get("FifoTopic")})


@describes("AWS::Logs::LogGroup", "RetentionInDays")
def _log_group(clients: Clients, physical_id: str) -> dict[str, Any]:
    groups = clients("logs").describe_log_groups(logGroupNamePrefix=physical_id)["logGroups"]
    match = next(g for g in groups if g["logGroupName"] == physical_id)
    return _drop_none({"RetentionInDays": match.get("retentionInDays")})


# --------------------------------------------------------------------------------------
# Streams and tables
# --------------------------------------------------------------------------------------
@describes(
    "AWS::DynamoDB::Table",
    "BillingMode", "StreamSpecification", "SSESpecification", "KeySchema", "TimeToLiveSpecification",
)
def _table(clients: Clients, physical_id: str) -> dict[str, Any]:
    ddb = clients("dynamodb")
    table = ddb.describe_table(TableName=physical_id)["Table"]
    ttl = ddb.describe_time_to_live(TableName=physical_id).get("TimeToLiveDescription", {})
    stream = table.get("StreamSpecification")
    sse = table.get("SSEDescription")
    return _drop_none(
        {
            "BillingMode": (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
            "StreamSpecification": {"StreamViewType": stream["StreamViewType"]} if stream else None,
            "SSESpecification": {"SSEEnabled": sse.get("Status") in ("ENABLED", "ENABLING")} if sse else None,
            "KeySchema": table.get("KeySchema"),
            "TimeToLiveSpecification": {
                "AttributeName": ttl.get("AttributeName"),
                "Enabled": ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"),
            }
            if ttl.get("AttributeName")
            else None,
        }
    )


@describes("AWS::Kinesis::Stream", "ShardCount", "StreamEncryption", "RetentionPeriodHours", "StreamModeDetails")
def _stream(clients: Clients, physical_id: str) -> dict[str, Any]:
    summary = clients("kinesis").describe_stream_summary(StreamName=physical_id)["StreamDescriptionSummary"]
    encryption = summary.get("EncryptionType")
    return _drop_none(
        {
            "ShardCount": summary.get("OpenShardCount"),
            "RetentionPeriodHours": summary.get("RetentionPeriodHours"),
            "StreamEncryption": {"EncryptionType": encryption, "KeyId": summary.get("KeyId")}
            if encryption and encryption != "NONE"
            else None,
            "StreamModeDetails": summary.get("StreamModeDetails"),
        }
    )
