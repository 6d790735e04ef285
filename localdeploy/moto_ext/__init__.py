"""Extensions that close moto's CloudFormation gaps for the local endpoint (test infrastructure).

moto builds its CloudFormation type map from the direct subclasses of
``moto.core.common_models.CloudFormationModel``; the modules here add handlers for the types our
reference stacks use and moto lacks, backed by moto's own service backends, and patch the moto
bugs that break a CDK deploy. ``install()`` applies them all; it is idempotent, and runs in the
endpoint process before the server starts (``localdeploy.endpoint.serve``).

Each module says which moto gap or bug it closes and how; ``GAPS`` lists what is left open.
"""

from __future__ import annotations

from importlib import import_module

#: One module per extension, applied in this order.
EXTENSIONS: tuple[str, ...] = (
    "lambda_function",  # bug: Architectures / TracingConfig / Layers / EphemeralStorage / LoggingConfig dropped
    "lambda_permission",  # bug: AWS::Lambda::Permission has no physical id (its statement id)
    "lambda_alias",  # gap: AWS::Lambda::Alias; bug: AWS::Lambda::Version Ref / GetAtt Version
    "lambda_event_invoke_config",  # gap: AWS::Lambda::EventInvokeConfig
    "cloudwatch_alarm",  # gap: AWS::CloudWatch::Alarm
    "dynamodb_table",  # bug: SSESpecification / TimeToLiveSpecification not applied
    "kinesis_stream",  # bug: StreamEncryption not applied
    "logs_log_group",  # bug: GetAtt LogGroup.Arn lacks CloudFormation's ":*"
    "sqs_queue_policy",  # gap: AWS::SQS::QueuePolicy
    "s3_bucket_policy",  # gap: AWS::S3::BucketPolicy (cdk bootstrap's staging bucket)
    "apigateway",  # gap: Stage / Account; bugs: Deployment/Method Ref, MOCK methods, Integration
    # props (TimeoutInMillis ...) and RestApi EndpointConfiguration dropped
    "apigatewayv2",  # gap: AWS::ApiGatewayV2::Api / Stage / Integration / Route / Authorizer
    "events_rule",  # bugs: Rule on a custom bus (EventBus Ref) crashes; bus Description/DLQ/KMS dropped
    "lambda_recursion",  # gap: RecursiveLoop and the recursion-config API
    "lambda_snapstart",  # bug: SnapStart dropped, GetFunctionConfiguration always answers None
    "lambda_url",  # gap: AWS::Lambda::Url; bug: the URL's Qualifier ignored
    "scheduler_schedule",  # gap: AWS::Scheduler::Schedule
    "change_sets",  # bugs: change sets ignore DependsOn (REST API fails), lose Outputs/exports
    "stack_failures",  # bug: failures and unsupported types are silent; make them fail the stack
)

#: What the local endpoint still cannot show, with the reason (printed as "not verifiable locally").
GAPS: dict[str, str] = {
    "Lambda invocation": (
        "moto runs functions only in Docker, which the local deploy does not use; handlers are "
        "tested on real event shapes with pytest instead"
    ),
    "EventInvokeConfig qualifier": (
        "moto keeps one event invoke config per function and ignores the qualifier; the config "
        "reads back by function name, whatever alias or version it was put on"
    ),
    "S3 bucket policy conditions": (
        "moto's bucket-policy enforcement ignores Condition, so a conditional Deny (cdk bootstrap's "
        "deny-non-TLS) is not stored; it would otherwise deny every request"
    ),
    "Rollback": (
        "moto cannot roll back: a failed stack is marked ROLLBACK_COMPLETE with the reason, but "
        "the resources created before the failure are kept"
    ),
    "Event source mapping behaviour": (
        "moto's mappings never poll, so the per-mapping metrics (MetricsConfig) and the provisioned "
        "pollers (ProvisionedPollerConfig) are verified as configuration only: no metric is "
        "published and no poller runs; their alarms are verified as alarms"
    ),
    "Scheduler and function URL traffic": (
        "moto's EventBridge Scheduler never fires a schedule and moto does not serve function URLs "
        "(it needs Docker to run a function); the schedule's target, retry policy and DLQ and the "
        "URL's auth type, invoke mode and qualifier are verified as configuration"
    ),
    "SnapStart and recursive loop detection at run time": (
        "no snapshot is taken or restored and no loop is detected without running functions; "
        "SnapStart and RecursiveLoop are verified as the functions' configuration"
    ),
}

_installed = False


def install() -> None:
    """Apply every extension (idempotent); then let moto rebuild its CloudFormation type map."""
    global _installed
    if _installed:
        return
    for name in EXTENSIONS:
        import_module(f"{__name__}.{name}").install()
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    _installed = True


__all__ = ["EXTENSIONS", "GAPS", "install"]
