"""AsyncWorker.add_schedule: an EventBridge Scheduler schedule targeting the worker, with a
target dead-letter queue, an explicit retry policy and an execution role of its own."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import AsyncWorker, ConstructPropsError
from tests.conftest import INLINE, assert_error, new_stack, number_param

HOURLY = scheduler.ScheduleExpression.rate(Duration.hours(1))


def worker(stack: Stack | None = None, **props: Any) -> AsyncWorker:
    return AsyncWorker(stack or new_stack(), "Worker", code=INLINE, handler="index.handler", **props)


@pytest.fixture(scope="module")
def scheduled() -> tuple[AsyncWorker, Any, Template]:
    stack = new_stack()
    made = worker(stack)
    dlq = made.add_schedule(HOURLY, input=scheduler.ScheduleTargetInput.from_object({"job": "digest"}))
    return made, dlq, Template.from_stack(stack)


def test_schedule_targets_the_worker_with_dlq_and_explicit_retry_policy(scheduled: tuple[AsyncWorker, Any, Template]) -> None:
    made, dlq, template = scheduled
    function_id = Stack.of(made).resolve(made.function.node.default_child.logical_id)  # type: ignore[union-attr]
    dlq_id = Stack.of(made).resolve(dlq.node.default_child.logical_id)
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "ScheduleExpression": "rate(1 hour)",
            "State": "ENABLED",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": {"Fn::GetAtt": [function_id, "Arn"]},
                "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [dlq_id, "Arn"]}},
                "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
                "Input": '{"job":"digest"}',
                "RoleArn": Match.any_value(),
            },
        },
    )
    assert made.schedules and dlq in made.delivery_dead_letter_queues


def test_schedule_dlq_is_encrypted_kept_14_days_and_alarmed(scheduled: tuple[AsyncWorker, Any, Template]) -> None:
    made, dlq, template = scheduled
    dlq_id = Stack.of(made).resolve(dlq.node.default_child.logical_id)
    assert template.to_json()["Resources"][dlq_id]["Properties"]["MessageRetentionPeriod"] == 1209600
    assert template.to_json()["Resources"][dlq_id]["Properties"]["SqsManagedSseEnabled"] is True
    assert "ScheduleDeadLetterQueue" in made.alarms


def test_execution_role_is_least_privilege(scheduled: tuple[AsyncWorker, Any, Template]) -> None:
    _, _, template = scheduled
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "scheduler.amazonaws.com"},
                        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                        "Effect": "Allow",
                    }
                ]
            }
        },
    )
    policies = template.find_resources("AWS::IAM::Policy", {"Properties": {"PolicyName": Match.string_like_regexp("ScheduleRole")}})
    (policy,) = policies.values()
    actions = [s["Action"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert actions == ["lambda:InvokeFunction", "sqs:SendMessage"]


def test_second_schedule_gets_its_own_ids() -> None:
    stack = new_stack()
    made = worker(stack)
    made.add_schedule(HOURLY)
    made.add_schedule(scheduler.ScheduleExpression.cron(minute="0", hour="6"))
    Template.from_stack(stack).resource_count_is("AWS::Scheduler::Schedule", 2)
    assert {"ScheduleDeadLetterQueue", "Schedule2DeadLetterQueue"} <= set(made.alarms)


@pytest.mark.parametrize(
    ("props", "fragment"),
    [
        ({"retry_attempts": -1}, "retry_attempts -1 is outside the allowed range 0-185"),
        ({"retry_attempts": 186}, "retry_attempts 186"),
        ({"max_event_age": Duration.seconds(59)}, "max_event_age 59 s is outside the allowed range 60-86400 s"),
        ({"max_event_age": Duration.seconds(86401)}, "max_event_age 86401 s"),
    ],
)
def test_retry_policy_boundaries(props: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        worker().add_schedule(HOURLY, **props)
    assert_error(exc, "AsyncWorker 'Test/Worker'", fragment, "API_RetryPolicy.html")


@pytest.mark.parametrize("props", [{"retry_attempts": 0}, {"retry_attempts": 185}, {"max_event_age": Duration.seconds(60)}, {"max_event_age": Duration.hours(24)}])
def test_retry_policy_last_good_values(props: dict[str, Any]) -> None:
    worker().add_schedule(HOURLY, **props)


def test_given_dlq_must_be_standard_and_encrypted() -> None:
    stack = new_stack()
    made = worker(stack)
    with pytest.raises(ConstructPropsError) as exc:
        made.add_schedule(HOURLY, dead_letter_queue=sqs.Queue(stack, "Fifo", fifo=True))
    assert_error(exc, "FIFO queue", "configuring-schedule-dlq")
    with pytest.raises(ConstructPropsError) as exc:
        made.add_schedule(HOURLY, dead_letter_queue=sqs.Queue(stack, "Plain", encryption=sqs.QueueEncryption.UNENCRYPTED))
    assert_error(exc, "encryption turned off")


def test_given_dlq_with_a_key_gets_the_key_granted_to_the_role() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key")
    made = worker(stack)
    made.add_schedule(HOURLY, dead_letter_queue=sqs.Queue(stack, "Dlq", encryption_master_key=key, retention_period=Duration.days(14)))
    policies = Template.from_stack(stack).find_resources("AWS::IAM::Policy", {"Properties": {"PolicyName": Match.string_like_regexp("ScheduleRole")}})
    statements = next(iter(policies.values()))["Properties"]["PolicyDocument"]["Statement"]
    assert any("kms:GenerateDataKey*" in s["Action"] for s in statements if isinstance(s["Action"], list))


def test_given_dlq_with_short_retention_warns() -> None:
    stack = new_stack()
    made = worker(stack)
    made.add_schedule(HOURLY, dead_letter_queue=sqs.Queue(stack, "Dlq", retention_period=Duration.days(4)))
    warnings = Annotations.from_stack(stack).find_warning("/Test/Worker", Match.string_like_regexp("retention"))
    assert warnings


def test_tokens_pass_through() -> None:
    stack = new_stack()
    made = worker(stack)
    made.add_schedule(HOURLY, retry_attempts=number_param(stack, "Retries"), max_event_age=Duration.seconds(number_param(stack, "Age")))
    Template.from_stack(stack).has_resource_properties(
        "AWS::Scheduler::Schedule",
        {"Target": {"RetryPolicy": {"MaximumRetryAttempts": {"Ref": "Retries"}, "MaximumEventAgeInSeconds": {"Ref": "Age"}}}},
    )
