"""AsyncWorker: defaults, derivations, validation, warnings and trigger helpers."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib._failure import PreboundDestination
from constructs_lib import limits
from constructs_lib.async_worker import DEFAULT_TIMEOUT, AsyncWorker
from constructs_lib.errors import ConstructPropsError

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
FN = {"code": CODE, "handler": "index.handler"}


def worker_of(stack: Stack, id: str = "Worker", **props: Any) -> AsyncWorker:
    return AsyncWorker(stack, id, **{**FN, **props})


def resource_id(stack: Stack, construct: Any) -> str:
    return stack.get_logical_id(construct.node.default_child)


# --------------------------------------------------------------------------------------
# One app, built once per module
# --------------------------------------------------------------------------------------
class Built:
    def __init__(self) -> None:
        app = App()

        # Defaults, and every trigger helper with its defaults.
        self.stack = Stack(app, "Defaults")
        self.worker = worker_of(self.stack)
        self.bus = events.EventBus(self.stack, "Bus")
        self.rule = events.Rule(
            self.stack, "OrderPlaced", event_bus=self.bus, event_pattern=events.EventPattern(source=["shop"])
        )
        self.rule_dlq = self.worker.add_event_rule(self.rule)
        self.topic = sns.Topic(self.stack, "Topic")
        self.topic_dlq = self.worker.add_topic_subscription(self.topic)
        self.bucket = s3.Bucket(self.stack, "Uploads")
        self.worker.add_bucket_notification(
            self.bucket,
            [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED],
            s3.NotificationKeyFilter(prefix="in/"),
        )
        self.caller = lambda_.Function(
            self.stack, "Caller", code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_13
        )
        self.grant = self.worker.grant_invoke(self.caller, environment_variable="WORKER_FUNCTION_NAME")

        # Everything overridden.
        self.custom = Stack(app, "Custom")
        self.alarm_topic = sns.Topic(self.custom, "Alarms")
        self.success_bus = events.EventBus(self.custom, "Results")
        self.custom_worker = worker_of(
            self.custom,
            timeout=Duration.minutes(15),
            retry_attempts=0,
            max_event_age=Duration.seconds(60),
            reserved_concurrent_executions=5,
            on_failure=destinations.SnsDestination(self.alarm_topic),
            on_success=destinations.EventBridgeDestination(self.success_bus),
        )
        self.custom_rule = events.Rule(self.custom, "Nightly", schedule=events.Schedule.rate(Duration.days(1)))
        self.given_dlq = sqs.Queue(self.custom, "GivenDlq", retention_period=Duration.days(4))
        self.custom_rule_dlq = self.custom_worker.add_event_rule(
            self.custom_rule,
            dead_letter_queue=self.given_dlq,
            retry_attempts=3,
            max_event_age=Duration.hours(2),
            event=events.RuleTargetInput.from_object({"job": "nightly"}),
        )
        self.kms_dlq = sqs.Queue(self.custom, "KmsDlq", encryption=sqs.QueueEncryption.KMS)
        self.custom_topic = sns.Topic(self.custom, "Orders")
        self.custom_worker.add_topic_subscription(
            self.custom_topic,
            dead_letter_queue=self.kms_dlq,
            filter_policy={"kind": sns.SubscriptionFilter.string_filter(allowlist=["order"])},
        )
        # Legal but suspicious: retries that the event age does not leave time for.
        self.short_lived = worker_of(self.custom, "ShortLived", max_event_age=Duration.seconds(120))
        # Synthesize only once the whole tree is built.
        self.template = Template.from_stack(self.stack)
        self.custom_template = Template.from_stack(self.custom)
        self.custom_annotations = Annotations.from_stack(self.custom)
        self.default_annotations = Annotations.from_stack(self.stack)


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


# --------------------------------------------------------------------------------------
# Defaults
# --------------------------------------------------------------------------------------
def test_event_invoke_config_defaults(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": {"Ref": resource_id(built.stack, built.worker.function)},
            "Qualifier": "$LATEST",
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 21600,
            "DestinationConfig": {
                "OnFailure": {
                    "Destination": {"Fn::GetAtt": [resource_id(built.stack, built.worker.failure_queue), "Arn"]}
                }
            },
        },
    )
    config = built.template.find_resources("AWS::Lambda::EventInvokeConfig")
    assert len(config) == 1
    assert "OnSuccess" not in next(iter(config.values()))["Properties"]["DestinationConfig"]


def test_attributes(built: Built) -> None:
    assert built.worker.retry_attempts == limits.DEFAULT_ASYNC_RETRY_ATTEMPTS == 2
    assert built.worker.max_event_age.to_seconds() == limits.DEFAULT_ASYNC_MAX_EVENT_AGE_S == 21600
    assert isinstance(built.worker.failure_queue, sqs.Queue)
    # The failure queue, bound with exactly sqs:SendMessage (not SqsDestination's extras).
    assert isinstance(built.worker.on_failure, PreboundDestination)
    assert isinstance(built.worker.event_invoke_config, lambda_.EventInvokeConfig)
    assert isinstance(built.worker.function, lambda_.Function)
    assert built.worker.delivery_dead_letter_queues == [built.rule_dlq, built.topic_dlq]


def test_function_defaults(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "index.handler",
            "Timeout": int(DEFAULT_TIMEOUT.to_seconds()),
            "MemorySize": limits.DEFAULT_MEMORY_MB,
            "Architectures": ["arm64"],
            "TracingConfig": {"Mode": "Active"},
        },
    )
    assert DEFAULT_TIMEOUT.to_seconds() == 60
    fn = built.template.to_json()["Resources"][resource_id(built.stack, built.worker.function)]
    assert "ReservedConcurrentExecutions" not in fn["Properties"]


def failure_queue_props() -> dict[str, Any]:
    return {
        "SqsManagedSseEnabled": True,
        "MessageRetentionPeriod": limits.FAILURE_QUEUE_RETENTION_S,
    }


def test_failure_queue_is_encrypted_and_keeps_14_days(built: Built) -> None:
    queue = built.template.to_json()["Resources"][resource_id(built.stack, built.worker.failure_queue)]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"] == failure_queue_props()
    assert limits.FAILURE_QUEUE_RETENTION_S == 14 * 24 * 3600


def test_every_created_queue_enforces_tls(built: Built) -> None:
    queues = built.template.find_resources("AWS::SQS::Queue")
    assert len(queues) == 3  # the failure queue and one DLQ per EventBridge / SNS trigger
    for queue in queues.values():
        assert queue["Properties"] == failure_queue_props()
    for queue_id in queues:
        built.template.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            {
                "Queues": [{"Ref": queue_id}],
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Deny",
                                    "Action": "sqs:*",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            )
                        ]
                    )
                },
            },
        )


def test_function_may_send_to_its_failure_queue_only(built: Built) -> None:
    role_id = resource_id(built.stack, built.worker.function.role)
    policies = built.template.find_resources("AWS::IAM::Policy", {"Properties": {"Roles": [{"Ref": role_id}]}})
    statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    sqs_statements = [s for s in statements if any(str(a).startswith("sqs:") for a in _as_list(s["Action"]))]
    assert sqs_statements == [
        {
            "Action": "sqs:SendMessage",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [resource_id(built.stack, built.worker.failure_queue), "Arn"]},
        }
    ]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_warnings_with_defaults(built: Built) -> None:
    built.default_annotations.has_no_warning("*", Match.string_like_regexp("constructs-lib"))


# --------------------------------------------------------------------------------------
# grant_invoke
# --------------------------------------------------------------------------------------
def test_grant_invoke_allows_invoking_this_function_only(built: Built) -> None:
    fn_id = resource_id(built.stack, built.worker.function)
    built.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": resource_id(built.stack, built.caller.role)}],
            "PolicyDocument": {
                "Statement": [
                    # The unqualified function only: a version or alias would bypass the
                    # worker's event invoke config (retries, event age, on-failure destination).
                    {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Fn::GetAtt": [fn_id, "Arn"]}}
                ]
            },
        },
    )
    assert built.grant.success


def test_grant_invoke_tells_the_caller_the_function_name(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "index.handler",
            "Runtime": "python3.13",
            "Environment": {
                "Variables": {"WORKER_FUNCTION_NAME": {"Ref": resource_id(built.stack, built.worker.function)}}
            },
        },
    )


def test_grant_invoke_environment_variable_needs_a_function() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    role = lambda_.Function(stack, "Other", code=CODE, handler="i.h", runtime=lambda_.Runtime.PYTHON_3_13).role
    assert role is not None
    with pytest.raises(ConstructPropsError) as err:
        worker.grant_invoke(role, environment_variable="WORKER")
    message = str(err.value)
    assert message.startswith("AsyncWorker 'Stack/Worker': environment_variable 'WORKER'")
    assert "lambda_.Function" in message and "Role" in message
    assert worker.grant_invoke(role).success  # without the variable it is a plain grant


# --------------------------------------------------------------------------------------
# add_event_rule
# --------------------------------------------------------------------------------------
def test_event_rule_target_has_dlq_and_explicit_retry_policy(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventBusName": {"Ref": resource_id(built.stack, built.bus)},
            "Targets": [
                {
                    "Arn": {"Fn::GetAtt": [resource_id(built.stack, built.worker.function), "Arn"]},
                    "Id": "Target0",
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [resource_id(built.stack, built.rule_dlq), "Arn"]}},
                    "RetryPolicy": {
                        "MaximumRetryAttempts": limits.DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS,
                        "MaximumEventAgeInSeconds": limits.DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S,
                    },
                }
            ],
        },
    )
    assert (limits.DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS, limits.DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S) == (185, 86400)


def test_event_rule_dlq_is_a_new_encrypted_queue_inside_the_worker(built: Built) -> None:
    assert isinstance(built.rule_dlq, sqs.Queue)
    assert built.rule_dlq.node.path == "Defaults/Worker/OrderPlacedDeadLetterQueue"
    assert built.rule_dlq is not built.worker.failure_queue


def test_event_rule_dlq_policy_lets_this_rule_send(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "Queues": [{"Ref": resource_id(built.stack, built.rule_dlq)}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "sqs:SendMessage",
                                "Effect": "Allow",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Condition": {
                                    "ArnEquals": {
                                        "aws:SourceArn": {"Fn::GetAtt": [resource_id(built.stack, built.rule), "Arn"]}
                                    }
                                },
                            }
                        )
                    ]
                )
            },
        },
    )


def test_event_rule_may_invoke_the_function(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": "events.amazonaws.com",
            "FunctionName": {"Fn::GetAtt": [resource_id(built.stack, built.worker.function), "Arn"]},
            "SourceArn": {"Fn::GetAtt": [resource_id(built.stack, built.rule), "Arn"]},
        },
    )


def test_event_rule_overrides(built: Built) -> None:
    assert built.custom_rule_dlq is built.given_dlq
    built.custom_template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(1 day)",
            "Targets": [
                Match.object_like(
                    {
                        "Input": '{"job":"nightly"}',
                        "DeadLetterConfig": {
                            "Arn": {"Fn::GetAtt": [resource_id(built.custom, built.given_dlq), "Arn"]}
                        },
                        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 7200},
                    }
                )
            ],
        },
    )


def test_given_dlq_with_short_retention_warns(built: Built) -> None:
    built.custom_annotations.has_warning(
        "/Custom/Worker",
        Match.string_like_regexp(r"dead_letter_queue retention 345600 s \(4 days\) is below 1209600 s"),
    )


def test_event_rule_dlq_ids_do_not_collide() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    first = worker.add_event_rule(events.Rule(stack, "Same", schedule=events.Schedule.rate(Duration.hours(1))))
    inner = events.Rule(worker, "Same", schedule=events.Schedule.rate(Duration.hours(2)))  # same id, other scope
    second = worker.add_event_rule(inner)
    assert first.node.id == "SameDeadLetterQueue"
    assert second.node.id == "SameDeadLetterQueue2"


# --------------------------------------------------------------------------------------
# add_topic_subscription
# --------------------------------------------------------------------------------------
def test_topic_subscription_has_dlq(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "lambda",
            "TopicArn": {"Ref": resource_id(built.stack, built.topic)},
            "Endpoint": {"Fn::GetAtt": [resource_id(built.stack, built.worker.function), "Arn"]},
            "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": [resource_id(built.stack, built.topic_dlq), "Arn"]}
            },
        },
    )
    assert isinstance(built.topic_dlq, sqs.Queue)
    assert built.topic_dlq.node.path == "Defaults/Worker/TopicDeadLetterQueue"


def test_topic_dlq_policy_lets_sns_send(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "Queues": [{"Ref": resource_id(built.stack, built.topic_dlq)}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "sqs:SendMessage",
                                "Effect": "Allow",
                                "Principal": {"Service": "sns.amazonaws.com"},
                                "Condition": {
                                    "ArnEquals": {"aws:SourceArn": {"Ref": resource_id(built.stack, built.topic)}}
                                },
                            }
                        )
                    ]
                )
            },
        },
    )


def test_topic_may_invoke_the_function(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": "sns.amazonaws.com",
            "SourceArn": {"Ref": resource_id(built.stack, built.topic)},
        },
    )


def test_topic_subscription_overrides_and_kms_dlq_warning(built: Built) -> None:
    built.custom_template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "FilterPolicy": {"kind": ["order"]},
            "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": [resource_id(built.custom, built.kms_dlq), "Arn"]}
            },
        },
    )
    built.custom_annotations.has_warning(
        "/Custom/Worker",
        Match.string_like_regexp(r"dead_letter_queue Custom/KmsDlq is encrypted with a customer managed KMS key; Amazon SNS"),
    )


# --------------------------------------------------------------------------------------
# add_bucket_notification
# --------------------------------------------------------------------------------------
def test_bucket_notification_per_event_type(built: Built) -> None:
    built.template.has_resource_properties(
        "Custom::S3BucketNotifications",
        {
            "BucketName": {"Ref": resource_id(built.stack, built.bucket)},
            "NotificationConfiguration": {
                "LambdaFunctionConfigurations": [
                    {
                        "Events": [event],
                        "LambdaFunctionArn": {"Fn::GetAtt": [resource_id(built.stack, built.worker.function), "Arn"]},
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}},
                    }
                    for event in ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
                ]
            },
        },
    )


def test_bucket_may_invoke_the_function_for_this_bucket_and_account_only(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": "s3.amazonaws.com",
            "FunctionName": {"Fn::GetAtt": [resource_id(built.stack, built.worker.function), "Arn"]},
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::GetAtt": [resource_id(built.stack, built.bucket), "Arn"]},
        },
    )


def test_bucket_notification_needs_events() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    with pytest.raises(ConstructPropsError, match=r"AsyncWorker 'Stack/Worker': events is empty"):
        worker.add_bucket_notification(s3.Bucket(stack, "B"), [])


# --------------------------------------------------------------------------------------
# Overrides of the construct's own props
# --------------------------------------------------------------------------------------
def test_custom_event_invoke_config_and_destinations(built: Built) -> None:
    built.custom_template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": {"Ref": resource_id(built.custom, built.custom_worker.function)},
            "MaximumRetryAttempts": 0,
            "MaximumEventAgeInSeconds": 60,
            "DestinationConfig": {
                "OnFailure": {"Destination": {"Ref": resource_id(built.custom, built.alarm_topic)}},
                "OnSuccess": {
                    "Destination": {"Fn::GetAtt": [resource_id(built.custom, built.success_bus), "Arn"]}
                },
            },
        },
    )
    assert built.custom_worker.failure_queue is None
    assert built.custom_worker.retry_attempts == 0


def test_custom_function_props(built: Built) -> None:
    built.custom_template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Timeout": 900, "ReservedConcurrentExecutions": 5},
    )


def test_given_destinations_get_least_privilege_grants(built: Built) -> None:
    built.custom_template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": resource_id(built.custom, built.custom_worker.function.role)}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": "sns:Publish",
                            "Effect": "Allow",
                            "Resource": {"Ref": resource_id(built.custom, built.alarm_topic)},
                        },
                        {
                            "Action": "events:PutEvents",
                            "Effect": "Allow",
                            "Resource": {"Fn::GetAtt": [resource_id(built.custom, built.success_bus), "Arn"]},
                        },
                    ]
                )
            },
        },
    )


def test_no_failure_queue_is_made_when_on_failure_is_given(built: Built) -> None:
    # The Custom stack's queues: the given event-rule DLQ, the KMS DLQ and ShortLived's failure queue.
    assert len(built.custom_template.find_resources("AWS::SQS::Queue")) == 3


def test_retries_outlived_by_event_age_warns(built: Built) -> None:
    built.custom_annotations.has_warning(
        "/Custom/ShortLived",
        Match.string_like_regexp(
            r"max_event_age 120 s is shorter than retry_attempts \(2\) x timeout \(60 s\) \+ "
            r"Lambda's retry delays \(60 s \+ 120 s\) = 300 s"
        ),
    )
    # retry_attempts 0 with the minimum age is consistent: no warning for that worker.
    built.custom_annotations.has_no_warning("/Custom/Worker", Match.string_like_regexp("max_event_age"))


def test_warnings_are_namespaced(built: Built) -> None:
    ids = {
        w.entry.data.split("[ack: ")[-1].rstrip("]")
        for w in built.custom_annotations.find_warning("*", Match.any_value())
        if "[ack: " in str(w.entry.data)
    }
    assert ids == {
        "constructs-lib:retries-outlived-by-event-age",
        "constructs-lib:failure-queue-retention-short",
        "constructs-lib:dead-letter-queue-kms",
        "constructs-lib:failure-destination-unverified",
    }


def test_given_on_failure_warns_that_it_is_unverified(built: Built) -> None:
    built.custom_annotations.has_warning(
        "/Custom/Worker",
        Match.string_like_regexp(
            r"on_failure SnsDestination is your own destination, which this construct cannot inspect; make "
            r"sure it is encrypted.*not FIFO: Lambda destinations reject FIFO queues.*at least 1209600 s "
            r"\(14 days.*\[ack: constructs-lib:failure-destination-unverified\]"
        ),
    )
    # The created failure queue needs no such warning.
    built.custom_annotations.has_no_warning("/Custom/ShortLived", Match.string_like_regexp("failure-destination-unverified"))


def test_an_app_queue_kept_short_warns_about_its_retention_not_that_it_cannot_be_inspected() -> None:
    """A queue made in this app is inspected: the warning says what is wrong with it."""
    stack = Stack(App(), "Stack")
    short = sqs.Queue(stack, "Short", retention_period=Duration.days(2))
    worker_of(stack, on_failure=destinations.SqsDestination(short))
    annotations = Annotations.from_stack(stack)
    annotations.has_no_warning("*", Match.string_like_regexp("cannot inspect"))
    annotations.has_warning(
        "*",
        Match.string_like_regexp(
            r"on_failure retention 172800 s \(2 days\) is below 1209600 s.*\[ack: constructs-lib:failure-queue-retention-short\]"
        ),
    )


def test_given_on_success_alone_does_not_warn() -> None:
    stack = Stack(App(), "Stack")
    worker_of(stack, on_success=destinations.EventBridgeDestination(events.EventBus(stack, "Bus")))
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("failure-destination-unverified"))


# --------------------------------------------------------------------------------------
# Validation: boundaries (last good / first bad on each side), messages
# --------------------------------------------------------------------------------------
def assert_error(err: pytest.ExceptionInfo[ConstructPropsError], prop: str, value: str, *rule: str) -> None:
    message = str(err.value)
    assert message.startswith(f"AsyncWorker 'Stack/Worker': {prop} {value}"), message
    assert err.value.prop == prop
    for fragment in rule:
        assert fragment in message, message
    assert "https://docs.aws.amazon.com/" in message


@pytest.mark.parametrize("value", [0, 2])
def test_retry_attempts_last_good(value: int) -> None:
    worker = worker_of(Stack(App(), "Stack"), retry_attempts=value)
    cfn = worker.event_invoke_config.node.default_child
    assert isinstance(cfn, lambda_.CfnEventInvokeConfig)
    assert cfn.maximum_retry_attempts == value


@pytest.mark.parametrize("value", [-1, 3])
def test_retry_attempts_first_bad(value: int) -> None:
    with pytest.raises(ConstructPropsError) as err:
        worker_of(Stack(App(), "Stack"), retry_attempts=value)
    assert_error(err, "retry_attempts", str(value), "outside the allowed range 0-2", "at most twice")


@pytest.mark.parametrize("value", [60, 21600])
def test_max_event_age_last_good(value: int) -> None:
    worker = worker_of(Stack(App(), "Stack"), max_event_age=Duration.seconds(value), retry_attempts=0)
    cfn = worker.event_invoke_config.node.default_child
    assert isinstance(cfn, lambda_.CfnEventInvokeConfig)
    assert cfn.maximum_event_age_in_seconds == value


@pytest.mark.parametrize("value", [59, 21601])
def test_max_event_age_first_bad(value: int) -> None:
    with pytest.raises(ConstructPropsError) as err:
        worker_of(Stack(App(), "Stack"), max_event_age=Duration.seconds(value))
    assert_error(err, "max_event_age", f"{value} s", "outside the allowed range 60-21600 s", "6 hours")


@pytest.mark.parametrize("value", [1, 900])
def test_timeout_last_good(value: int) -> None:
    worker = worker_of(Stack(App(), "Stack"), timeout=Duration.seconds(value))
    assert worker.function.timeout is not None and worker.function.timeout.to_seconds() == value


def test_timeout_above_15_minutes() -> None:
    with pytest.raises(ConstructPropsError) as err:
        worker_of(Stack(App(), "Stack"), timeout=Duration.seconds(901))
    assert_error(err, "timeout", "901 s", "outside the allowed range 1-900 s", "15 minutes")


def test_reserved_concurrency_zero_is_an_error() -> None:
    with pytest.raises(ConstructPropsError) as err:
        worker_of(Stack(App(), "Stack"), reserved_concurrent_executions=0)
    assert_error(err, "reserved_concurrent_executions", "0", "every invocation is throttled")


def test_reserved_concurrency_one_is_legal() -> None:
    worker = worker_of(Stack(App(), "Stack"), reserved_concurrent_executions=1)
    cfn = worker.function.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction) and cfn.reserved_concurrent_executions == 1


def test_validation_happens_before_any_resource_is_made() -> None:
    stack = Stack(App(), "Stack")
    with pytest.raises(ConstructPropsError):
        worker_of(stack, retry_attempts=3)
    worker = stack.node.find_child("Worker")
    assert worker.node.children == []


@pytest.mark.parametrize("value", [0, 185])
def test_target_retry_attempts_last_good(value: int) -> None:
    stack = Stack(App(), "Stack")
    worker_of(stack).add_event_rule(
        events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1))), retry_attempts=value
    )


@pytest.mark.parametrize("value", [-1, 186])
def test_target_retry_attempts_first_bad(value: int) -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    rule = events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1)))
    with pytest.raises(ConstructPropsError) as err:
        worker.add_event_rule(rule, retry_attempts=value)
    assert_error(err, "retry_attempts", str(value), "outside the allowed range 0-185", "EventBridge")
    assert worker.node.try_find_child("RDeadLetterQueue") is None  # nothing made


@pytest.mark.parametrize("value", [60, 86400])
def test_target_max_event_age_last_good(value: int) -> None:
    stack = Stack(App(), "Stack")
    worker_of(stack).add_event_rule(
        events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1))),
        max_event_age=Duration.seconds(value),
    )


@pytest.mark.parametrize("value", [59, 86401])
def test_target_max_event_age_first_bad(value: int) -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    rule = events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1)))
    with pytest.raises(ConstructPropsError) as err:
        worker.add_event_rule(rule, max_event_age=Duration.seconds(value))
    assert_error(err, "max_event_age", f"{value} s", "outside the allowed range 60-86400 s", "24 hours")


def test_fifo_dead_letter_queue_is_an_error() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    rule = events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1)))
    with pytest.raises(ConstructPropsError) as err:
        worker.add_event_rule(rule, dead_letter_queue=sqs.Queue(stack, "Fifo", fifo=True))
    assert_error(err, "dead_letter_queue", "is a FIFO queue", "EventBridge sends failed events only to a standard")


def test_unencrypted_dead_letter_queue_is_an_error() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    plain = sqs.Queue(stack, "Plain", encryption=sqs.QueueEncryption.UNENCRYPTED)
    with pytest.raises(ConstructPropsError) as err:
        worker.add_topic_subscription(sns.Topic(stack, "T"), dead_letter_queue=plain)
    assert_error(err, "dead_letter_queue", "Stack/Plain has server-side encryption turned off", "SQS_MANAGED")


@pytest.mark.parametrize("service", ["EventBridge", "Amazon SNS"])
def test_dead_letter_queue_with_aws_managed_key_is_an_error(service: str) -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    dlq = sqs.Queue(stack, "AwsManaged", encryption=sqs.QueueEncryption.KMS_MANAGED)
    with pytest.raises(ConstructPropsError) as err:
        if service == "EventBridge":
            worker.add_event_rule(events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1))), dead_letter_queue=dlq)
        else:
            worker.add_topic_subscription(sns.Topic(stack, "T"), dead_letter_queue=dlq)
    assert_error(
        err, "dead_letter_queue", "Stack/AwsManaged is encrypted with the AWS managed SQS key (alias/aws/sqs",
        f"cannot be changed to let {service} use the key", "every delivery failure would be lost",
        "sqs-key-management.html",
    )
    assert worker.delivery_dead_letter_queues == []


def test_dead_letter_queue_with_aws_managed_key_alias_object_is_an_error() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    alias = kms.Alias.from_alias_name(stack, "AwsSqs", "alias/aws/sqs")
    dlq = sqs.Queue(stack, "AwsManaged", encryption=sqs.QueueEncryption.KMS, encryption_master_key=alias)
    with pytest.raises(ConstructPropsError) as err:
        worker.add_topic_subscription(sns.Topic(stack, "T"), dead_letter_queue=dlq)
    assert_error(err, "dead_letter_queue", "Stack/AwsManaged is encrypted with the AWS managed SQS key")


def test_dead_letter_queue_with_customer_managed_key_only_warns() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    dlq = sqs.Queue(stack, "Cmk", encryption=sqs.QueueEncryption.KMS, encryption_master_key=kms.Key(stack, "Key"))
    assert worker.add_event_rule(events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1))), dead_letter_queue=dlq) is dlq
    Annotations.from_stack(stack).has_warning(
        "/Stack/Worker",
        Match.string_like_regexp(r"customer managed KMS key; EventBridge can send to it only if the key policy"),
    )


def test_imported_dead_letter_queue_is_accepted_unverified() -> None:
    stack = Stack(App(), "Stack")
    worker = worker_of(stack)
    imported = sqs.Queue.from_queue_arn(stack, "Imported", "arn:aws:sqs:eu-west-1:123456789012:dlq")
    assert worker.add_topic_subscription(sns.Topic(stack, "T"), dead_letter_queue=imported) is imported


# --------------------------------------------------------------------------------------
# Unresolved tokens are skipped, never crashed on
# --------------------------------------------------------------------------------------
def test_unresolved_tokens_pass() -> None:
    stack = Stack(App(), "Stack")

    def param(name: str) -> CfnParameter:
        return CfnParameter(stack, name, type="Number")

    worker = worker_of(
        stack,
        timeout=Duration.seconds(param("Timeout").value_as_number),
        retry_attempts=param("Retries").value_as_number,  # type: ignore[arg-type]
        max_event_age=Duration.seconds(param("Age").value_as_number),
        reserved_concurrent_executions=param("Reserved").value_as_number,  # type: ignore[arg-type]
        memory_size=param("Memory").value_as_number,  # type: ignore[arg-type]
    )
    worker.add_event_rule(
        events.Rule(stack, "R", schedule=events.Schedule.rate(Duration.hours(1))),
        retry_attempts=param("TargetRetries").value_as_number,  # type: ignore[arg-type]
        max_event_age=Duration.seconds(param("TargetAge").value_as_number),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumRetryAttempts": {"Ref": "Retries"}, "MaximumEventAgeInSeconds": {"Ref": "Age"}},
    )
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "Targets": [
                Match.object_like(
                    {"RetryPolicy": {"MaximumRetryAttempts": {"Ref": "TargetRetries"}, "MaximumEventAgeInSeconds": {"Ref": "TargetAge"}}}
                )
            ]
        },
    )


# --------------------------------------------------------------------------------------
# The reference stack keeps its promises to the handlers
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from stacks.async_worker import AsyncWorkerExample

    app = App(outdir=str(tmp_path_factory.mktemp("cdk.out")))
    stack = AsyncWorkerExample(app, "AsyncWorkerExample")
    return {"stack": stack, "template": Template.from_stack(stack)}


def test_reference_idempotency_table_matches_powertools(reference: dict[str, Any]) -> None:
    import inspect

    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    defaults = inspect.signature(DynamoDBPersistenceLayer.__init__).parameters
    reference["template"].has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": defaults["key_attr"].default, "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "SSESpecification": {"SSEEnabled": True},
            "TimeToLiveSpecification": {"AttributeName": defaults["expiry_attr"].default, "Enabled": True},
        },
    )


def test_reference_worker_gets_exactly_the_idempotency_actions(reference: dict[str, Any]) -> None:
    stack = reference["stack"]
    reference["template"].has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": resource_id(stack, stack.worker.function.role)}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": [
                                "dynamodb:GetItem",
                                "dynamodb:PutItem",
                                "dynamodb:UpdateItem",
                                "dynamodb:DeleteItem",
                            ],
                            "Effect": "Allow",
                            "Resource": {"Fn::GetAtt": [resource_id(stack, stack.idempotency_table), "Arn"]},
                        }
                    ]
                )
            },
        },
    )


def test_reference_functions_find_what_their_handlers_read(reference: dict[str, Any]) -> None:
    from checkout.handler import FUNCTION_NAME_ENV

    stack = reference["stack"]
    template = reference["template"]
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "notifications.handler.lambda_handler",
            "Environment": {
                "Variables": {
                    "IDEMPOTENCY_TABLE_NAME": {"Ref": resource_id(stack, stack.idempotency_table)},
                    "NOTIFICATION_QUEUE_URL": {"Ref": resource_id(stack, stack.notification_outbox)},
                    "POWERTOOLS_SERVICE_NAME": "order-confirmation",
                }
            },
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "checkout.handler.lambda_handler",
            "Environment": {
                "Variables": {
                    FUNCTION_NAME_ENV: {"Ref": resource_id(stack, stack.worker.function)},
                    "POWERTOOLS_SERVICE_NAME": "checkout",
                }
            },
        },
    )


def test_reference_rule_on_custom_bus_with_dlq_and_retry_policy(reference: dict[str, Any]) -> None:
    stack = reference["stack"]
    reference["template"].has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventBusName": {"Ref": resource_id(stack, stack.bus)},
            "EventPattern": {"source": ["example.orders"], "detail-type": ["OrderPlaced"]},
            "Targets": [
                Match.object_like(
                    {
                        "DeadLetterConfig": {
                            "Arn": {"Fn::GetAtt": [resource_id(stack, stack.rule_dead_letter_queue), "Arn"]}
                        },
                        "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
                    }
                )
            ],
        },
    )
    reference["template"].has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 21600, "DestinationConfig": Match.object_like({"OnFailure": Match.any_value()})},
    )
