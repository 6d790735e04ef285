"""Every invoker by its invocation model (limits.LAMBDA_INVOKERS), on tiny templates: who is
synchronous, asynchronous or polled, and the false positives of 0.1 that must stay fixed."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib import limits
from constructs_lib.checks import TemplateModel
from constructs_lib.checks.rules import RULES_BY_ID, run_checks
from tests.checks import templates as t


def model(**resources: Any) -> TemplateModel:
    return TemplateModel(t.template(**resources), name="t.json")


def findings(tpl: dict[str, Any], rule_id: str | None = None) -> list:
    rules = [RULES_BY_ID[rule_id]] if rule_id else list(RULES_BY_ID.values())
    return [f for f in run_checks([TemplateModel(tpl, name="t.json")], rules=rules) if f.applicable]


def edges(m: TemplateModel, fn: str = t.FN) -> set[tuple[str, str, str]]:
    return {(tr.kind, tr.invoker, tr.invocation) for tr in m.triggers_of(fn)}


def res(type_: str, **props: Any) -> dict[str, Any]:
    return {"Type": type_, "Properties": props}


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------
REQUIRED = {
    limits.SYNC: {"apigateway-rest", "apigateway-http", "apigateway-websocket", "alb", "function-url", "cognito",
                  "lex", "alexa", "cloudfront", "firehose", "iot-authorizer"},
    limits.ASYNC: {"s3", "sns", "ses", "eventbridge", "scheduler", "logs", "codecommit", "config", "cloudformation", "iot"},
    limits.POLLED: {"sqs", "kinesis", "dynamodb", "kafka", "mq", "documentdb"},
}


@pytest.mark.parametrize("invocation", sorted(REQUIRED))
def test_the_table_covers_every_invoker_the_issue_names(invocation: str) -> None:
    table = {name for name, row in limits.LAMBDA_INVOKERS.items() if row[0] == invocation}
    assert REQUIRED[invocation] <= table


def test_every_row_has_a_model_and_an_aws_source() -> None:
    for name, (invocation, principals, wiring, source, discards) in limits.LAMBDA_INVOKERS.items():
        assert invocation in (limits.SYNC, limits.ASYNC, limits.POLLED), name
        assert source.startswith("https://docs.aws.amazon.com/"), name
        assert wiring and isinstance(principals, tuple)
        assert not discards or invocation == limits.ASYNC, name


def test_scheduler_limits_are_eventbridges() -> None:
    """One retry-policy rule serves both: their documented ranges are the same."""
    assert limits.SCHEDULER_MAX_RETRY_ATTEMPTS == limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS
    assert (limits.SCHEDULER_MIN_EVENT_AGE_S, limits.SCHEDULER_MAX_EVENT_AGE_S) == (
        limits.EVENTBRIDGE_MIN_EVENT_AGE_S, limits.EVENTBRIDGE_MAX_EVENT_AGE_S)


# --------------------------------------------------------------------------------------
# Synchronous invokers: never asked for a failure destination
# --------------------------------------------------------------------------------------
SYNC_CASES = {
    "alb": res("AWS::ElasticLoadBalancingV2::TargetGroup", TargetType="lambda", Targets=[{"Id": t.arn(t.FN)}]),
    "function-url": res("AWS::Lambda::Url", TargetFunctionArn=t.arn(t.FN), AuthType="AWS_IAM"),
    "cognito": res("AWS::Cognito::UserPool", LambdaConfig={"PreSignUp": t.arn(t.FN)}),
    "iot-authorizer": res("AWS::IoT::Authorizer", AuthorizerFunctionArn=t.arn(t.FN)),
    "secrets-manager": res("AWS::SecretsManager::RotationSchedule", SecretId="s", RotationLambdaARN=t.arn(t.FN)),
    "cloudfront": res("AWS::CloudFront::Distribution", DistributionConfig={"DefaultCacheBehavior": {
        "LambdaFunctionAssociations": [{"EventType": "viewer-request", "LambdaFunctionARN": t.ref("V1")}]}}),
    "firehose": res("AWS::KinesisFirehose::DeliveryStream", ExtendedS3DestinationConfiguration={"ProcessingConfiguration": {
        "Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": [
            {"ParameterName": "LambdaArn", "ParameterValue": t.arn(t.FN)}]}]}}),
}


@pytest.mark.parametrize("invoker", sorted(SYNC_CASES))
def test_synchronous_services(invoker: str) -> None:
    version = res("AWS::Lambda::Version", FunctionName=t.ref(t.FN))
    m = model(Fn=t.function(), Via=SYNC_CASES[invoker], V1=version)
    assert ("sync", invoker, "sync") in edges(m)
    assert findings(m.template, "async-failure-destination") == []


@pytest.mark.parametrize(("principal", "invoker"), [
    ("lexv2.amazonaws.com", "lex"), ("alexa-appkit.amazon.com", "alexa"), ("cognito-idp.amazonaws.com", "cognito"),
    ("elasticloadbalancing.amazonaws.com", "alb"), ("secretsmanager.amazonaws.com", "secrets-manager"),
])
def test_synchronous_principals(principal: str, invoker: str) -> None:
    m = model(Fn=t.function(), Perm=t.permission(principal))
    assert edges(m) == {("sync", invoker, "sync")}
    assert findings(m.template) == []


def test_iot_custom_authorizer_is_synchronous_and_iot_rule_asynchronous() -> None:
    """Both use iot.amazonaws.com: the authorizer is a synchronous call (0.1 judged it asynchronous)."""
    authorizer = res("AWS::IoT::Authorizer", AuthorizerFunctionArn=t.arn(t.FN))
    perm = t.permission("iot.amazonaws.com")
    m = model(Fn=t.function(), Auth=authorizer, Perm=perm)
    assert {e[2] for e in edges(m)} == {"sync"}
    assert findings(m.template) == []
    rule = res("AWS::IoT::TopicRule", TopicRulePayload={"Sql": "SELECT *", "Actions": [{"Lambda": {"FunctionArn": t.arn(t.FN)}}]})
    m = model(Fn=t.function(), Rule=rule, Perm=t.permission("iot.amazonaws.com"))
    assert ("async", "iot", "async") in edges(m)
    assert [f.rule_id for f in findings(m.template)] == ["async-failure-destination"]


def test_function_url_permission_is_synchronous() -> None:
    perm = t.permission("*")
    perm["Properties"]["FunctionUrlAuthType"] = "NONE"
    assert edges(model(Fn=t.function(), Perm=perm)) == {("sync", "function-url", "sync")}


# --------------------------------------------------------------------------------------
# Asynchronous invokers: a failure destination is required (except custom resources)
# --------------------------------------------------------------------------------------
ASYNC_CASES = {
    "scheduler": t.schedule(dead_letter=t.arn("Dlq")),
    "logs": res("AWS::Logs::SubscriptionFilter", LogGroupName="g", FilterPattern="", DestinationArn=t.arn(t.FN)),
    "config": res("AWS::Config::ConfigRule", Source={"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": t.arn(t.FN)}),
    "codecommit": res("AWS::CodeCommit::Repository", RepositoryName="r", Triggers=[{"Name": "t", "DestinationArn": t.arn(t.FN)}]),
    "s3": res("AWS::S3::Bucket", NotificationConfiguration={"LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": t.arn(t.FN)}]}),
    "sns": res("AWS::SNS::Topic", Subscription=[{"Protocol": "lambda", "Endpoint": t.arn(t.FN)}]),
    "pipes-async": res("AWS::Pipes::Pipe", Source="arn:aws:sqs:eu-west-1:1:q", Target=t.arn(t.FN), RoleArn="r",
                       TargetParameters={"LambdaFunctionParameters": {"InvocationType": "FIRE_AND_FORGET"}}),
}


@pytest.mark.parametrize("invoker", sorted(ASYNC_CASES))
def test_asynchronous_services_need_a_failure_destination(invoker: str) -> None:
    m = model(Fn=t.function(), Via=ASYNC_CASES[invoker], Dlq=t.dlq())
    assert any(e[1] == invoker and e[2] == "async" for e in edges(m)), edges(m)
    (f,) = findings(m.template, "async-failure-destination")
    assert f"{invoker} (Via)" in f.message
    fixed = model(Fn=t.function(DeadLetterConfig={"TargetArn": t.arn("Dlq")}), Via=ASYNC_CASES[invoker], Dlq=t.dlq())
    assert findings(fixed.template, "async-failure-destination") == []


def test_logs_principal_with_a_region_in_sub_is_read() -> None:
    perm = t.permission({"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"})
    assert edges(model(Fn=t.function(), Perm=perm)) == {("async", "logs", "async")}


def test_custom_resources_are_asynchronous_but_fail_visibly() -> None:
    """CloudFormation invokes a custom resource's function asynchronously, but a lost event
    fails the stack after its timeout: no data is lost, so no failure destination is asked."""
    m = model(Fn=t.function(), Custom=res("Custom::Thing", ServiceToken=t.arn(t.FN)))
    assert edges(m) == {("custom-resource", "cloudformation", "async")}
    assert findings(m.template) == []


def test_scheduler_target_gets_the_target_dlq_and_retry_checks() -> None:
    tpl = t.template(Fn=t.function(DeadLetterConfig={"TargetArn": t.arn("Dlq")}), Dlq=t.dlq(), Schedule=t.schedule())
    (f,) = findings(tpl, "eventbridge-target-dlq")
    assert (f.resource, f.location) == ("Schedule", "Properties/Target/DeadLetterConfig")
    assert "scheduler" in f.source
    # It names the schedule and Scheduler (it read "the rule's Lambda target ... EventBridge").
    assert f.message.startswith("the schedule's Lambda target has no DeadLetterConfig (EventBridge Scheduler); ")
    tpl["Resources"]["Schedule"] = t.schedule(dead_letter=t.arn("Dlq"), retry={"MaximumEventAgeInSeconds": 59})
    (f,) = findings(tpl)
    assert (f.rule_id, f.location) == ("eventbridge-target-retry-policy", "Properties/Target/RetryPolicy")
    assert "MaximumEventAgeInSeconds 59 s is outside the allowed range 60-86400 s" in f.message


def test_api_gateway_asynchronous_invocation_header() -> None:
    method = t.rest_method()
    integration = method["Properties"]["Integration"]
    integration.update(Type="AWS", RequestParameters={"integration.request.header.X-Amz-Invocation-Type": "'Event'"})
    m = model(Fn=t.function(60), Method=method)
    assert edges(m) == {("async", "apigateway-rest", "async")}
    assert [f.rule_id for f in findings(m.template)] == ["async-failure-destination"]


# --------------------------------------------------------------------------------------
# Polled
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "invoker"), [
    ("arn:aws:kafka:eu-west-1:123456789012:cluster/c/1", "kafka"),
    ("arn:aws:mq:eu-west-1:123456789012:broker:b:1", "mq"),
    ("arn:aws:rds:eu-west-1:123456789012:cluster:docdb", "documentdb"),
])
def test_other_event_source_mappings_are_polled(source: str, invoker: str) -> None:
    m = model(Fn=t.function(), Mapping=t.mapping(source))
    assert edges(m) == {("other", invoker, "polled")}


# --------------------------------------------------------------------------------------
# Lambda -> Lambda: destinations and durable callers are no synchronous calls
# --------------------------------------------------------------------------------------
def _destination_app(durable: bool = False) -> dict[str, Any]:
    """Caller with an event invoke config whose OnSuccess and OnFailure are functions, and the
    grant aws-cdk-lib's LambdaDestination adds to the caller's role (the ARN and ARN:*)."""
    caller_props = {"DurableConfig": {"ExecutionTimeout": 3600}} if durable else {}
    return t.template(
        CallerRole=t.role(),
        Caller=t.function(10, role="CallerRole", **caller_props),
        Done=t.function(60, DeadLetterConfig={"TargetArn": t.arn("Dlq")}),
        Failed=t.function(60, DeadLetterConfig={"TargetArn": t.arn("Dlq")}),
        Dlq=t.dlq(),
        Config=res("AWS::Lambda::EventInvokeConfig", FunctionName=t.ref("Caller"), Qualifier="$LATEST",
                   DestinationConfig={"OnSuccess": {"Destination": t.arn("Done")}, "OnFailure": {"Destination": t.arn("Failed")}}),
        Grant1=t.invoke_policy("CallerRole", "Done"),
        Grant2=t.invoke_policy("CallerRole", "Failed"),
    )


def test_destination_grants_are_not_synchronous_calls() -> None:
    tpl = _destination_app()
    m = TemplateModel(tpl, name="t")
    assert {(tr.kind, tr.source) for tr in m.triggers_of("Done")} == {("destination", "Caller")}
    assert {(tr.kind, tr.detail["on"]) for tr in m.triggers_of("Failed")} == {("destination", "failure")}
    assert [f.rule_id for f in findings(tpl) if f.rule_id.startswith("lambda-sync")] == []


def test_a_destination_function_is_invoked_asynchronously() -> None:
    tpl = _destination_app()
    del tpl["Resources"]["Done"]["Properties"]["DeadLetterConfig"]
    assert [(f.rule_id, f.resource) for f in findings(tpl, "async-failure-destination")] == [
        ("async-failure-destination", "Done")]


def test_a_durable_caller_is_no_synchronous_caller() -> None:
    tpl = t.template(**t.caller_and_callee(10, 60))
    tpl["Resources"]["Caller"]["Properties"]["DurableConfig"] = {"ExecutionTimeout": 86400}
    m = TemplateModel(tpl, name="t")
    assert {tr.kind for tr in m.triggers_of("Callee")} == {"durable-invoke"}
    assert findings(tpl) == []


# --------------------------------------------------------------------------------------
# API Gateway: REST, HTTP, WebSocket; OpenAPI bodies; quick create
# --------------------------------------------------------------------------------------
def _openapi(flavour: str, timeout_ms: Any = None) -> dict[str, Any]:
    integration = {"type": "aws_proxy", "httpMethod": "POST",
                   "uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}}
    if timeout_ms is not None:
        integration["timeoutInMillis"] = timeout_ms
    body = {"openapi": "3.0.1", "paths": {"/orders": {"post": {"x-amazon-apigateway-integration": integration}}}}
    return res("AWS::ApiGateway::RestApi" if flavour == "rest" else "AWS::ApiGatewayV2::Api", Body=body,
               **({} if flavour == "rest" else {"ProtocolType": "HTTP"}))


@pytest.mark.parametrize(("flavour", "ok", "bad"), [("rest", 28, 29), ("http", 29, 30)])
def test_openapi_body_integrations_are_read(flavour: str, ok: int, bad: int) -> None:
    assert findings(t.template(Fn=t.function(ok), Api=_openapi(flavour))) == []
    (f,) = findings(t.template(Fn=t.function(bad), Api=_openapi(flavour)))
    assert (f.rule_id, f.resource) == ("apigw-integration-timeout", "Api")
    assert f.location == "Properties/Body/paths/~1orders/post/x-amazon-apigateway-integration/timeoutInMillis"
    assert f.message.startswith("POST /orders: the Timeout of Fn")


def test_openapi_timeout_in_millis_is_read() -> None:
    assert [f.rule_id for f in findings(t.template(Fn=t.function(10), Api=_openapi("rest", 10000)))] == ["apigw-integration-timeout"]
    assert findings(t.template(Fn=t.function(9), Api=_openapi("rest", 10000))) == []


def test_http_api_quick_create_is_read() -> None:
    api = res("AWS::ApiGatewayV2::Api", ProtocolType="HTTP", Target=t.arn(t.FN))
    (f,) = findings(t.template(Fn=t.function(300), Api=api))
    assert (f.rule_id, f.location) == ("apigw-integration-timeout", "Properties/Target")
    assert "integration timeout 30 s" in f.message


def test_api_body_outside_the_template_is_not_applicable() -> None:
    api = res("AWS::ApiGateway::RestApi", BodyS3Location={"Bucket": "b", "Key": "k"})
    result = run_checks([TemplateModel(t.template(Api=api), name="t")])
    assert [(f.rule_id, f.status) for f in result] == [("apigw-integration-timeout", "not-applicable")]


def _websocket(route_key: str, timeout_s: int, integration_ms: Any = None) -> dict[str, Any]:
    integ = t.http_integration(integration_ms)
    integ["Properties"]["ApiId"] = t.ref("Ws")
    del integ["Properties"]["PayloadFormatVersion"]
    return t.template(
        Fn=t.function(timeout_s),
        Ws=res("AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"),
        Integ=integ,
        Route=res("AWS::ApiGatewayV2::Route", ApiId=t.ref("Ws"), RouteKey=route_key,
                  Target={"Fn::Join": ["/", ["integrations", t.ref("Integ")]]}),
    )


@pytest.mark.parametrize(("timeout", "bad"), [(28, False), (29, True)])
def test_websocket_integration_timeout_is_29_s_and_no_504(timeout: int, bad: bool) -> None:
    result = findings(_websocket("sendMessage", timeout))
    assert bool(result) is bad
    if bad:
        assert "WebSocket integration timeout 29 s" in result[0].message and "504" not in result[0].message


def test_websocket_disconnect_is_best_effort_and_not_flagged() -> None:
    assert findings(_websocket("$disconnect", 300)) == []
    assert findings(_websocket("$connect", 300)) != []


# --------------------------------------------------------------------------------------
# SQS: a FIFO queue's DLQ with a shorter retention
# --------------------------------------------------------------------------------------
def test_fifo_dead_letter_queue_with_shorter_retention_is_not_flagged() -> None:
    """SQS resets the enqueue timestamp when a FIFO message moves to its DLQ
    (limits.SRC_SQS_DLQ_RETENTION); a standard source keeps it, so it is flagged."""
    fifo = t.template(**{**t.sqs_consumer(), "Queue": t.queue(FifoQueue=True, MessageRetentionPeriod=1209600),
                         "Dlq": t.dlq(FifoQueue=True, MessageRetentionPeriod=86400)})
    assert findings(fifo, "sqs-dlq-retention") == []
    standard = t.template(**{**t.sqs_consumer(), "Queue": t.queue(MessageRetentionPeriod=1209600),
                             "Dlq": t.dlq(MessageRetentionPeriod=86400)})
    assert [f.resource for f in findings(standard, "sqs-dlq-retention")] == ["Dlq"]


# --------------------------------------------------------------------------------------
# Durable functions: qualified ARNs only (limits.SRC_LAMBDA_DURABLE_INVOKING)
# --------------------------------------------------------------------------------------
DURABLE = {"DurableConfig": {"ExecutionTimeout": 3600}}


@pytest.mark.parametrize(("arn", "qualified"), [
    (t.arn(t.FN), False),
    (t.ref("Live"), True),
    ({"Fn::Join": ["", [t.arn(t.FN), ":live"]]}, True),
    ({"Fn::Join": [":", [t.arn(t.FN), "1"]]}, True),
    ({"Fn::Sub": "${Fn.Arn}:$LATEST"}, True),
    ({"Fn::Sub": "${Fn.Arn}"}, False),
])
def test_durable_function_rule_target_must_be_qualified(arn: Any, qualified: bool) -> None:
    tpl = t.template(Fn=t.function(DeadLetterConfig={"TargetArn": t.arn("Dlq")}, **DURABLE), Live=t.alias(),
                     Dlq=t.dlq(), Rule=t.events_rule(arn, dead_letter=t.arn("Dlq")))
    result = findings(tpl, "durable-function-qualified-arn")
    assert bool(result) is not qualified
    if result:
        assert result[0].resource == "Rule" and result[0].location.startswith("Properties/Targets/0/Arn")


def test_durable_function_permission_and_sns_endpoint_unqualified() -> None:
    sub = t.sns_subscription({"deadLetterTargetArn": t.arn("Dlq")})
    tpl = t.template(Fn=t.function(DeadLetterConfig={"TargetArn": t.arn("Dlq")}, **DURABLE), Dlq=t.dlq(),
                     Sub=sub, Perm=t.permission("sns.amazonaws.com"))
    assert sorted(f.resource for f in findings(tpl, "durable-function-qualified-arn")) == ["Perm", "Sub"]


def test_durable_function_ignores_on_failure_destinations() -> None:
    """"Durable functions support dead-letter queues ... but don't support Lambda destinations"."""
    tpl = t.template(Fn=t.function(**DURABLE), Live=t.alias(), Config=t.invoke_config(t.arn("Dlq")), Dlq=t.dlq(),
                     Perm={**t.permission("s3.amazonaws.com"), "Properties": {**t.permission("s3.amazonaws.com")["Properties"], "FunctionName": t.ref("Live")}})
    (f,) = findings(tpl, "async-failure-destination")
    assert "durable function ignores on-failure destinations" in f.message


def test_non_durable_functions_are_not_judged_by_the_durable_rule() -> None:
    assert findings(t.template(**t.sqs_consumer()), "durable-function-qualified-arn") == []
