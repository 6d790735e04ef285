"""Read a deployed resource back from the endpoint's own APIs, in CloudFormation's shape.

One describer per resource type: given the clients, the physical id and the resource's template
properties (resolved: ``Ref`` / ``Fn::GetAtt`` / ``Fn::Join`` replaced by the deployed values, so a
child resource finds its parent, e.g. a stage its API), it returns the resource's *actual*
properties under the same names the template uses, so the verifier compares template (the
promise) and endpoint (the truth) property by property. ``PROMISES`` lists, per type, the
properties worth comparing. ``EXPECTED`` optionally narrows a template value to the part a
describer can read back (e.g. a queue policy's statements to Effect / Action / Condition).

Describers use only the public service APIs, so the same code verifies a real AWS account.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

Describer = Callable[["Clients", str, dict[str, Any]], dict[str, Any]]
#: Narrows the template's (resolved) properties to what is compared.
Projection = Callable[[dict[str, Any]], dict[str, Any]]


class Clients(Protocol):
    def __call__(self, service: str) -> Any: ...


DESCRIBERS: dict[str, Describer] = {}
#: Per type, the template properties each describer reads back (the construct's promises).
PROMISES: dict[str, tuple[str, ...]] = {}
#: Per type, how the template's properties are narrowed before comparing (default: as written).
EXPECTED: dict[str, Projection] = {}


def describes(
    resource_type: str, *promises: str, expected: Projection | None = None
) -> Callable[[Describer], Describer]:
    def register(fn: Describer) -> Describer:
        DESCRIBERS[resource_type] = fn
        PROMISES[resource_type] = promises
        if expected is not None:
            EXPECTED[resource_type] = expected
        return fn

    return register


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _name(value: Any) -> str:
    """A name from a name or an ARN (``arn:...:function:name`` / ``arn:...:table/name``)."""
    text = str(value)
    if text.startswith("arn:"):
        resource = text.split(":", 5)[5]
        if "/" in resource:
            return resource.split("/")[-1]
        parts = resource.split(":")
        return parts[1] if len(parts) > 1 else parts[0]
    return text


# --------------------------------------------------------------------------------------
# Lambda
# --------------------------------------------------------------------------------------
@describes(
    "AWS::Lambda::Function",
    "Runtime", "Handler", "Timeout", "MemorySize", "ReservedConcurrentExecutions",
    "Architectures", "TracingConfig", "LoggingConfig", "Environment", "RecursiveLoop", "SnapStart",
)
def _function(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    lam = clients("lambda")
    cfg = lam.get_function_configuration(FunctionName=physical_id)
    concurrency = lam.get_function_concurrency(FunctionName=physical_id)
    recursion = lam.get_function_recursion_config(FunctionName=physical_id) if "RecursiveLoop" in props else {}
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
            "RecursiveLoop": recursion.get("RecursiveLoop"),
            "SnapStart": {"ApplyOn": (cfg.get("SnapStart") or {}).get("ApplyOn")} if cfg.get("SnapStart") else None,
        }
    )


def function_url_target(physical_id: str) -> dict[str, str]:
    """GetFunctionUrlConfig's ``FunctionName`` (and ``Qualifier``) for an AWS::Lambda::Url's
    physical id, the (qualified) function ARN."""
    parts = physical_id.split(":")
    if not physical_id.startswith("arn:") or len(parts) < 7:
        return {"FunctionName": physical_id}
    return {"FunctionName": parts[6], **({"Qualifier": parts[7]} if len(parts) > 7 else {})}


def _function_name(arn_or_name: str | None) -> str | None:
    if arn_or_name and arn_or_name.startswith("arn:"):
        return arn_or_name.split(":")[6]
    return arn_or_name


@describes(
    "AWS::Lambda::EventSourceMapping",
    "FunctionName", "EventSourceArn", "BatchSize", "MaximumBatchingWindowInSeconds",
    "FunctionResponseTypes", "ScalingConfig", "FilterCriteria", "StartingPosition",
    "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
    "ParallelizationFactor", "TumblingWindowInSeconds", "DestinationConfig", "MetricsConfig",
    "ProvisionedPollerConfig",
)
def _event_source_mapping(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    esm = clients("lambda").get_event_source_mapping(UUID=physical_id)
    esm["FunctionName"] = _function_name(esm.get("FunctionArn"))
    return esm


@describes("AWS::Lambda::Url", "AuthType", "InvokeMode", "Cors", "TargetFunctionArn", "Qualifier")
def _function_url(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """The URL config of the function (and alias) the template names."""
    target = str(props["TargetFunctionArn"])
    qualifier = props.get("Qualifier")
    args = {"FunctionName": _name(target), **({"Qualifier": str(qualifier)} if qualifier else {})}
    cfg = clients("lambda").get_function_url_config(**args)
    arn = str(cfg.get("FunctionArn", ""))
    parts = arn.split(":")
    return _drop_none(
        {
            "AuthType": cfg.get("AuthType"),
            "InvokeMode": cfg.get("InvokeMode"),
            "Cors": cfg.get("Cors") or None,
            # FunctionArn is qualified for an alias' URL: split it back into the template's two.
            "TargetFunctionArn": ":".join(parts[:7]) if len(parts) >= 7 else None,
            "Qualifier": parts[7] if len(parts) > 7 else None,
        }
    )


# --------------------------------------------------------------------------------------
# SQS, SNS, logs
# --------------------------------------------------------------------------------------
@describes(
    "AWS::SQS::Queue",
    "FifoQueue", "VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy",
    "SqsManagedSseEnabled", "KmsMasterKeyId",
)
def _queue(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
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
def _topic(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    attrs = clients("sns").get_topic_attributes(TopicArn=physical_id)["Attributes"]
    return _drop_none({"KmsMasterKeyId": attrs.get("KmsMasterKeyId"), "FifoTopic": attrs.get("FifoTopic")})


@describes("AWS::Logs::LogGroup", "RetentionInDays")
def _log_group(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
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
def _table(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
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
def _stream(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
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


@describes("AWS::Kinesis::StreamConsumer", "ConsumerName", "StreamARN")
def _stream_consumer(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    consumer = clients("kinesis").describe_stream_consumer(ConsumerARN=physical_id)["ConsumerDescription"]
    return {"ConsumerName": consumer["ConsumerName"], "StreamARN": consumer["StreamARN"]}


# --------------------------------------------------------------------------------------
# Lambda: asynchronous invocation, aliases, resource policy
# --------------------------------------------------------------------------------------
@describes(
    "AWS::Lambda::EventInvokeConfig",
    "FunctionName", "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig",
)
def _event_invoke_config(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    # The physical id is opaque (a generated id in CloudFormation); the function and qualifier
    # come from the template.
    function, qualifier = _name(props["FunctionName"]), str(props.get("Qualifier", "$LATEST"))
    cfg = clients("lambda").get_function_event_invoke_config(FunctionName=function, Qualifier=qualifier)
    arn = cfg.get("FunctionArn", "")
    return _drop_none(
        {
            "FunctionName": _name(arn) if arn else None,
            "MaximumRetryAttempts": cfg.get("MaximumRetryAttempts"),
            "MaximumEventAgeInSeconds": cfg.get("MaximumEventAgeInSeconds"),
            "DestinationConfig": {k: v for k, v in (cfg.get("DestinationConfig") or {}).items() if v} or None,
        }
    )


@describes("AWS::Lambda::Alias", "FunctionName", "FunctionVersion", "Name", "Description", "RoutingConfig")
def _alias(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    # Ref of an alias is its ARN: arn:aws:lambda:<region>:<account>:function:<function>:<alias>.
    function, name = physical_id.split(":")[6], physical_id.split(":")[7]
    alias = clients("lambda").get_alias(FunctionName=function, Name=name)
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    return _drop_none(
        {
            "FunctionName": function,
            "FunctionVersion": alias.get("FunctionVersion"),
            "Name": alias.get("Name"),
            "Description": alias.get("Description"),
            "RoutingConfig": {
                "AdditionalVersionWeights": [
                    {"FunctionVersion": version, "FunctionWeight": weight} for version, weight in weights.items()
                ]
            }
            if weights
            else None,
        }
    )


def _principal(principal: Any) -> Any:
    """A policy statement's Principal in AddPermission's (and the template's) form."""
    if isinstance(principal, dict) and len(principal) == 1:
        return next(iter(principal.values()))
    return principal


@describes(
    "AWS::Lambda::Permission",
    "FunctionName", "Action", "Principal", "SourceArn", "SourceAccount", "PrincipalOrgID", "FunctionUrlAuthType",
)
def _permission(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """The statement whose Sid is the permission's physical id, in the function's resource policy."""
    function = _name(props["FunctionName"])
    lam = clients("lambda")
    policy = json.loads(lam.get_policy(FunctionName=function)["Policy"])
    matching = [s for s in policy.get("Statement", []) if s.get("Sid") == physical_id]
    if not matching:
        return {}
    statement = matching[0]
    condition = statement.get("Condition") or {}
    return _drop_none(
        {
            # FunctionName may be a name or an ARN: answer in the template's form.
            "FunctionName": lam.get_function_configuration(FunctionName=function)["FunctionArn"]
            if str(props["FunctionName"]).startswith("arn:")
            else function,
            "Action": statement.get("Action"),
            "Principal": _principal(statement.get("Principal")),
            "SourceArn": (condition.get("ArnLike") or {}).get("AWS:SourceArn"),
            "SourceAccount": (condition.get("StringEquals") or {}).get("AWS:SourceAccount"),
            "PrincipalOrgID": (condition.get("StringEquals") or {}).get("aws:PrincipalOrgID"),
            "FunctionUrlAuthType": (condition.get("StringEquals") or {}).get("lambda:FunctionUrlAuthType"),
        }
    )


# --------------------------------------------------------------------------------------
# CloudWatch alarms, resource policies, SNS subscriptions
# --------------------------------------------------------------------------------------
@describes(
    "AWS::CloudWatch::Alarm",
    "MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Threshold",
    "ComparisonOperator", "EvaluationPeriods", "DatapointsToAlarm", "TreatMissingData", "Metrics",
    "AlarmActions", "OKActions", "InsufficientDataActions", "ActionsEnabled",
)
def _alarm(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    alarms = clients("cloudwatch").describe_alarms(AlarmNames=[physical_id])["MetricAlarms"]
    if not alarms:
        return {}
    alarm = alarms[0]
    return _drop_none({prop: alarm.get(prop) for prop in PROMISES["AWS::CloudWatch::Alarm"]})


@describes("AWS::CloudWatch::Dashboard", "DashboardBody", "DashboardName")
def _dashboard(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's body as deployed (its widgets: the failure-path text, the graphs and the
    thresholds drawn on them); its name when the template names it."""
    answer = clients("cloudwatch").get_dashboard(DashboardName=physical_id)
    return _drop_none(
        {
            "DashboardBody": answer.get("DashboardBody"),
            "DashboardName": answer.get("DashboardName") if "DashboardName" in props else None,
        }
    )


#: What a resource policy statement is compared on: who else may or may not do what, when.
STATEMENT_KEYS = ("Effect", "Action", "Condition")


def _statements(document: Any) -> dict[str, Any]:
    if isinstance(document, str):
        document = json.loads(document)
    statements = (document or {}).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return {"Statement": [{k: s[k] for k in STATEMENT_KEYS if k in s} for s in statements]}


def _queue_policy_expected(props: dict[str, Any]) -> dict[str, Any]:
    return {**props, "PolicyDocument": _statements(props.get("PolicyDocument"))}


@describes("AWS::SQS::QueuePolicy", "PolicyDocument", expected=_queue_policy_expected)
def _queue_policy(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """The policy on every queue of ``Queues`` (all must hold it), as Effect/Action/Condition."""
    documents = []
    for url in props.get("Queues", []):
        attrs = clients("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
        documents.append(_statements(attrs.get("Policy")) if attrs.get("Policy") else None)
    if not documents:
        return {}
    if any(d != documents[0] for d in documents):
        return {"PolicyDocument": {"differs between queues": documents}}
    return _drop_none({"PolicyDocument": documents[0]})


@describes(
    "AWS::SNS::Subscription",
    "TopicArn", "Protocol", "Endpoint", "RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy",
)
def _subscription(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    attrs = clients("sns").get_subscription_attributes(SubscriptionArn=physical_id)["Attributes"]
    return _drop_none({prop: attrs.get(prop) for prop in PROMISES["AWS::SNS::Subscription"]})


# --------------------------------------------------------------------------------------
# API Gateway (REST)
# --------------------------------------------------------------------------------------
@describes("AWS::ApiGateway::RestApi", "Name", "Description", "EndpointConfiguration", "DisableExecuteApiEndpoint")
def _rest_api(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    api = clients("apigateway").get_rest_api(restApiId=physical_id)
    endpoint = api.get("endpointConfiguration") or {}
    return _drop_none(
        {
            "Name": api.get("name"),
            "Description": api.get("description"),
            "EndpointConfiguration": {"Types": endpoint["types"]} if endpoint.get("types") else None,
            "DisableExecuteApiEndpoint": api.get("disableExecuteApiEndpoint"),
        }
    )


#: API Gateway's method-setting fields -> CloudFormation's MethodSetting properties.
METHOD_SETTING_PROPS = {
    "throttlingBurstLimit": "ThrottlingBurstLimit",
    "throttlingRateLimit": "ThrottlingRateLimit",
    "loggingLevel": "LoggingLevel",
    "dataTraceEnabled": "DataTraceEnabled",
    "metricsEnabled": "MetricsEnabled",
    "cachingEnabled": "CachingEnabled",
    "cacheTtlInSeconds": "CacheTtlInSeconds",
    "cacheDataEncrypted": "CacheDataEncrypted",
}


def _method_setting_key(resource_path: str, http_method: str) -> str:
    """``/*`` + ``*`` -> ``*/*``; ``/items/{id}`` + ``GET`` -> ``~1items~1{id}/GET`` (API Gateway's keys)."""
    path = "*" if resource_path == "/*" else resource_path.replace("/", "~1")
    return f"{path}/{http_method}"


def _method_settings(stage: dict[str, Any], template: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The stage's method settings as CloudFormation's list, in the template's order."""
    by_key = stage.get("methodSettings") or {}
    if not by_key:
        return None
    settings: list[dict[str, Any]] = []
    wanted = [_method_setting_key(t.get("ResourcePath", "/*"), t.get("HttpMethod", "*")) for t in template]
    for key in wanted + sorted(set(by_key) - set(wanted)):
        if key not in by_key:
            continue
        path, _, method = key.rpartition("/")
        entry = {"ResourcePath": "/*" if path == "*" else path.replace("~1", "/"), "HttpMethod": method}
        entry.update({cfn: by_key[key][api] for api, cfn in METHOD_SETTING_PROPS.items() if api in by_key[key]})
        settings.append(entry)
    return settings


@describes(
    "AWS::ApiGateway::Stage",
    "StageName", "DeploymentId", "MethodSettings", "TracingEnabled", "AccessLogSetting", "Variables",
    "CacheClusterEnabled",
)
def _rest_stage(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    stage = clients("apigateway").get_stage(restApiId=props["RestApiId"], stageName=physical_id)
    logs = stage.get("accessLogSettings") or {}
    return _drop_none(
        {
            "StageName": stage.get("stageName"),
            "DeploymentId": stage.get("deploymentId"),
            "MethodSettings": _method_settings(stage, props.get("MethodSettings") or []),
            "TracingEnabled": stage.get("tracingEnabled", False),
            "AccessLogSetting": {"DestinationArn": logs.get("destinationArn"), "Format": logs.get("format")}
            if logs
            else None,
            "Variables": stage.get("variables"),
            "CacheClusterEnabled": stage.get("cacheClusterEnabled"),
        }
    )


@describes("AWS::ApiGateway::Method", "HttpMethod", "AuthorizationType", "AuthorizerId", "ApiKeyRequired", "Integration")
def _method(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    method = clients("apigateway").get_method(
        restApiId=props["RestApiId"], resourceId=props["ResourceId"], httpMethod=props["HttpMethod"]
    )
    integration = method.get("methodIntegration") or {}
    return _drop_none(
        {
            "HttpMethod": method.get("httpMethod"),
            "AuthorizationType": method.get("authorizationType"),
            "AuthorizerId": method.get("authorizerId"),
            "ApiKeyRequired": method.get("apiKeyRequired"),
            "Integration": _drop_none(
                {
                    "Type": integration.get("type"),
                    "IntegrationHttpMethod": integration.get("httpMethod"),
                    "Uri": integration.get("uri"),
                    "TimeoutInMillis": integration.get("timeoutInMillis"),
                }
            )
            if integration
            else None,
        }
    )


# --------------------------------------------------------------------------------------
# API Gateway (HTTP APIs)
# --------------------------------------------------------------------------------------
@describes(
    "AWS::ApiGatewayV2::Api",
    "Name", "ProtocolType", "Description", "CorsConfiguration", "DisableExecuteApiEndpoint",
)
def _http_api(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    api = clients("apigatewayv2").get_api(ApiId=physical_id)
    return _drop_none({prop: api.get(prop) for prop in PROMISES["AWS::ApiGatewayV2::Api"]})


@describes("AWS::ApiGatewayV2::Stage", "StageName", "AutoDeploy", "DefaultRouteSettings", "AccessLogSettings")
def _http_stage(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    stage = clients("apigatewayv2").get_stage(ApiId=props["ApiId"], StageName=physical_id)
    return _drop_none({prop: stage.get(prop) for prop in PROMISES["AWS::ApiGatewayV2::Stage"]})


@describes(
    "AWS::ApiGatewayV2::Integration",
    "IntegrationType", "IntegrationUri", "PayloadFormatVersion", "TimeoutInMillis",
)
def _http_integration(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    integration = clients("apigatewayv2").get_integration(ApiId=props["ApiId"], IntegrationId=physical_id)
    return _drop_none({prop: integration.get(prop) for prop in PROMISES["AWS::ApiGatewayV2::Integration"]})


@describes("AWS::ApiGatewayV2::Route", "RouteKey", "AuthorizationType", "AuthorizerId", "Target")
def _http_route(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    route = clients("apigatewayv2").get_route(ApiId=props["ApiId"], RouteId=physical_id)
    return _drop_none({prop: route.get(prop) for prop in PROMISES["AWS::ApiGatewayV2::Route"]})


# --------------------------------------------------------------------------------------
# EventBridge
# --------------------------------------------------------------------------------------
@describes("AWS::Events::EventBus", "Name", "Description", "DeadLetterConfig", "KmsKeyIdentifier")
def _event_bus(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    bus = clients("events").describe_event_bus(Name=physical_id)
    return _drop_none({prop: bus.get(prop) for prop in PROMISES["AWS::Events::EventBus"]})


def _in_template_order(targets: list[dict[str, Any]], template: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rule's targets ordered as the template lists them (by Id); extra ones last."""
    order = {t.get("Id"): i for i, t in enumerate(template)}
    return sorted(targets, key=lambda t: (order.get(t.get("Id"), len(order)), str(t.get("Id"))))


def rule_name_and_bus(physical_id: str, props: dict[str, Any]) -> tuple[str, str]:
    """A rule's name and bus: CloudFormation's physical id is ``<bus>|<name>`` on a custom bus."""
    bus, _, name = physical_id.rpartition("|")
    return name, _name(bus or props.get("EventBusName") or "default")


@describes(
    "AWS::Events::Rule",
    "EventBusName", "EventPattern", "ScheduleExpression", "State", "Description", "Targets",
)
def _rule(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    events = clients("events")
    name, bus = rule_name_and_bus(physical_id, props)
    rule = events.describe_rule(Name=name, EventBusName=bus)
    targets = events.list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]
    return _drop_none(
        {
            "EventBusName": _name(rule.get("EventBusName", "default")),
            "EventPattern": json.loads(rule["EventPattern"]) if rule.get("EventPattern") else None,
            "ScheduleExpression": rule.get("ScheduleExpression"),
            "State": rule.get("State"),
            "Description": rule.get("Description"),
            "Targets": _in_template_order(targets, props.get("Targets") or []),
        }
    )


# --------------------------------------------------------------------------------------
# EventBridge Scheduler
# --------------------------------------------------------------------------------------
@describes(
    "AWS::Scheduler::Schedule",
    "ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "State", "Description",
    "GroupName", "Target",
)
def _schedule(clients: Clients, physical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    schedule = clients("scheduler").get_schedule(Name=physical_id, GroupName=props.get("GroupName", "default"))
    return _drop_none({prop: schedule.get(prop) for prop in PROMISES["AWS::Scheduler::Schedule"]})

