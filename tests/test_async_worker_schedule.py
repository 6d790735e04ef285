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


def _schedule_role_statements(stack: Stack) -> list[dict[str, Any]]:
    policies = Template.from_stack(stack).find_resources("AWS::IAM::Policy", {"Properties": {"PolicyName": Match.string_like_regexp("ScheduleRole")}})
    return list(next(iter(policies.values()))["Properties"]["PolicyDocument"]["Statement"])


@pytest.mark.parametrize("imported", [False, True], ids=["key of this app", "imported key"])
def test_given_dlq_with_a_key_gets_exactly_what_sqs_asks_of_a_producer(imported: bool) -> None:
    """Issue 25: the Scheduler role got kms:Encrypt and kms:ReEncrypt* but no kms:Decrypt. An SQS
    producer needs kms:GenerateDataKey and kms:Decrypt on the key (and nothing else)."""
    stack = new_stack()
    key = (
        kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        if imported
        else kms.Key(stack, "Key")
    )
    made = worker(stack)
    made.add_schedule(HOURLY, dead_letter_queue=sqs.Queue(stack, "Dlq", encryption_master_key=key, retention_period=Duration.days(14)))
    kms_statements = [s for s in _schedule_role_statements(stack) if str(s["Action"]).startswith(("kms:", "['kms:"))]
    assert [sorted(s["Action"]) for s in kms_statements] == [["kms:Decrypt", "kms:GenerateDataKey"]]
    assert kms_statements[0]["Resource"] == stack.resolve(key.key_arn)


def test_schedule_role_may_invoke_the_unqualified_function_only(scheduled: tuple[AsyncWorker, Any, Template]) -> None:
    """Issue 25: the role also got <function ARN>:*, although the schedule targets the unqualified ARN."""
    made, dlq, template = scheduled
    stack = Stack.of(made)
    invoke = [s for s in _schedule_role_statements(stack) if s["Action"] == "lambda:InvokeFunction"]
    assert invoke == [{"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": stack.resolve(made.function.function_arn)}]
    send = [s for s in _schedule_role_statements(stack) if s["Action"] == "sqs:SendMessage"]
    assert send == [{"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": stack.resolve(dlq.queue_arn)}]


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("rate(1 hours)", "takes the unit 'hour'"),
        ("rate(5 minute)", "takes the unit 'minutes'"),
        ("rate(0 minutes)", "not a positive integer"),
        ("rate(2 weeks)", "minute(s), hour(s) or day(s)"),
        ("cron(bad)", "6 fields"),
        ("cron(0 6 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(60 6 * * ? *)", "minutes value '60' is outside 0-59"),
        ("cron(0 24 * * ? *)", "hours value '24'"),
        ("cron(0 6 ? 13 MON *)", "month value '13'"),
        ("cron(0 6 ? * 8 *)", "day-of-week value '8'"),
        ("cron(0 6 * * ? 2200)", "year value '2200'"),
        ("at(2030-02-30T25:00:00)", "yyyy-mm-ddThh:mm:ss"),
        ("every hour", "none of rate"),
    ],
)
def test_schedule_expressions_scheduler_refuses_are_refused(expression: str, fragment: str) -> None:
    """Issue 25: rate(1 hours) and cron(bad) passed through to deploy time."""
    with pytest.raises(ConstructPropsError) as exc:
        worker().add_schedule(scheduler.ScheduleExpression.expression(expression))
    assert exc.value.prop == "schedule"
    assert_error(exc, repr(expression), fragment, "schedule-types.html")


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 minute)", "rate(1 day)", "rate(15 minutes)", "rate(2 days)", "cron(0 6 * * ? *)",
        "cron(0/15 * * * ? *)", "cron(0 8 ? * MON-FRI *)", "cron(0 18 ? * 6L 2030-2035)", "cron(0 10 ? * 2#3 *)",
        "cron(0 8 1W * ? *)", "cron(0 8 L JAN-MAR ? *)", "cron(59 23 31 12 ? 2199)", "at(2030-01-31T23:59:59)",
    ],
)
def test_schedule_expressions_scheduler_accepts_pass(expression: str) -> None:
    worker().add_schedule(scheduler.ScheduleExpression.expression(expression))


def test_cdk_expressions_and_a_token_expression_pass() -> None:
    stack = new_stack()
    made = worker(stack)
    made.add_schedule(scheduler.ScheduleExpression.rate(Duration.minutes(1)))
    made.add_schedule(scheduler.ScheduleExpression.cron(minute="30", hour="4", week_day="MON-FRI"))
    from aws_cdk import CfnParameter

    made.add_schedule(scheduler.ScheduleExpression.expression(CfnParameter(stack, "Expr").value_as_string))
    assert len(made.schedules) == 3


def test_an_unknown_time_zone_is_refused_and_iana_names_pass() -> None:
    """Issue 25: the time zone Mars/Olympus passed through to deploy time."""
    from aws_cdk import TimeZone

    with pytest.raises(ConstructPropsError) as exc:
        worker().add_schedule(scheduler.ScheduleExpression.expression("cron(0 6 * * ? *)", TimeZone.of("Mars/Olympus")))
    assert exc.value.prop == "schedule"
    assert_error(exc, "'Mars/Olympus'", "IANA time zone")
    made = worker()
    made.add_schedule(scheduler.ScheduleExpression.cron(minute="0", hour="6", time_zone=TimeZone.EUROPE_PARIS))
    made.add_schedule(scheduler.ScheduleExpression.expression("cron(0 6 * * ? *)", TimeZone.of("America/Argentina/Buenos_Aires")))


@pytest.mark.parametrize(("length", "refused"), [(512, False), (513, True), (600, True)])
def test_schedule_description_is_at_most_512_characters(length: int, refused: bool) -> None:
    """Issue 25: add_schedule(description=...) accepted 600 characters; Scheduler allows 512."""
    made = worker()
    if not refused:
        made.add_schedule(HOURLY, description="d" * length)
        return
    with pytest.raises(ConstructPropsError) as exc:
        made.add_schedule(HOURLY, description="d" * length)
    assert exc.value.prop == "description"
    assert_error(exc, f"{length} characters", "at most 512", "API_CreateSchedule")


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
