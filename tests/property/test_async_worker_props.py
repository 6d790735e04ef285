"""AsyncWorker, and its trigger helpers, with props and arguments drawn across and beyond
every range: refused with a ConstructPropsError naming a prop or argument that was set,
or a template our checks, AWS's integer ranges and cfn-lint accept. One table per
constructor / method: add a prop by adding its strategy."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from hypothesis import given
from hypothesis import strategies as st

from constructs_lib import limits
from constructs_lib.async_worker import AsyncWorker
from tests.property.harness import (
    PROPERTY_SETTINGS,
    imported,
    OPTIONAL_BOOLEANS,
    FUNCTION_TABLE,
    HANDLER,
    INLINE,
    Maker,
    Prop,
    build_props,
    check_case,
    draw_lint,
    choice,
    draw_props,
    durations,
    integers,
    numbers,
    optional,
    plain,
    resource,
)

DESTINATIONS = choice(
    st.one_of(
        resource("sqs_destination", "sns_destination", "event_bus_destination", "lambda_destination"),
        st.just(("resource", "sqs_destination", "key_queue")),
        st.just(("resource", "sqs_destination", "imported_queue")),
        # the "imported" axis
        imported("queue", "sqs_destination"),
        imported("topic", "sns_destination"),
        resource("imported_bus_destination", "other_stack_bus_destination", "other_stack_function_destination",
                 "imported_function_destination", "other_stack_plain_function_destination"),
    ),
    st.one_of(
        st.just(("resource", "sqs_destination", "fifo_queue")),
        st.just(("resource", "sqs_destination", "unencrypted_queue")),
        st.just(("resource", "sns_destination", "fifo_topic")),
        st.just(("resource", "sqs_destination", "imported_fifo_queue")),
        st.just(("resource", "sqs_dlq")),  # an event source destination where a Lambda destination belongs
        resource("queue"),
    ),
)

TABLE: dict[str, Prop] = {
    **FUNCTION_TABLE,
    "retry_attempts": integers(limits.ASYNC_MIN_RETRY_ATTEMPTS, limits.ASYNC_MAX_RETRY_ATTEMPTS),
    "max_event_age": durations(limits.ASYNC_MAX_EVENT_AGE_S, min_s=limits.ASYNC_MIN_EVENT_AGE_S),
    "on_failure": optional(DESTINATIONS),
    "on_success": optional(DESTINATIONS),
    "alarms": Prop(valid=plain(True, False), wrong=plain(None, 1, "true")),
    "alarm_topic": optional(choice(st.one_of(resource("topic"), imported("topic")), plain("arn:aws:sns:eu-west-1:123456789012:t"))),
    "dashboard": OPTIONAL_BOOLEANS,
    "event_age_alarm_threshold": durations(
        limits.ASYNC_MAX_EVENT_AGE_S // 4, min_s=1, token_units=("millis",), whole=False
    ),
    "failure_queue_alarm_threshold": numbers(1, 5),
    "errors_alarm_threshold": numbers(1, 5),
    "throttles_alarm_threshold": numbers(1, 5),
}

DELIVERY_DLQ = optional(
    choice(
        st.one_of(resource("queue", "short_queue", "key_queue"), imported("queue")),
        st.one_of(resource("fifo_queue", "unencrypted_queue", "kms_managed_queue"), plain("dlq")),
    )
)

#: add_event_rule(rule, *, event, dead_letter_queue, retry_attempts, max_event_age)
EVENT_RULE_TABLE: dict[str, Prop] = {
    "event": optional(choice(plain(events.RuleTargetInput.from_object({"k": "v"})), plain({"k": "v"}))),
    "dead_letter_queue": DELIVERY_DLQ,
    "retry_attempts": integers(limits.EVENTBRIDGE_MIN_RETRY_ATTEMPTS, limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS),
    "max_event_age": durations(limits.EVENTBRIDGE_MAX_EVENT_AGE_S, min_s=limits.EVENTBRIDGE_MIN_EVENT_AGE_S),
}
#: add_schedule(schedule, *, input, dead_letter_queue, retry_attempts, max_event_age, description)
SCHEDULE_TABLE: dict[str, Prop] = {
    "input": optional(choice(plain(scheduler.ScheduleTargetInput.from_object({"k": "v"})), plain({"k": "v"}))),
    "dead_letter_queue": DELIVERY_DLQ,
    "retry_attempts": integers(limits.SCHEDULER_MIN_RETRY_ATTEMPTS, limits.SCHEDULER_MAX_RETRY_ATTEMPTS),
    "max_event_age": durations(limits.SCHEDULER_MAX_EVENT_AGE_S, min_s=limits.SCHEDULER_MIN_EVENT_AGE_S),
    "description": optional(choice(plain("nightly"), plain(5))),
}
SCHEDULES = [
    ("plain", scheduler.ScheduleExpression.rate(Duration.hours(1))),
    ("plain", scheduler.ScheduleExpression.cron(hour="3", minute="0")),
]
#: add_topic_subscription(topic, *, dead_letter_queue, filter_policy, filter_policy_with_message_body)
TOPIC_TABLE: dict[str, Prop] = {
    "dead_letter_queue": DELIVERY_DLQ,
    "filter_policy": optional(
        choice(
            plain({"kind": sns.SubscriptionFilter.string_filter(allowlist=["order"])}),
            plain({"kind": ["order"]}, ["kind"]),
        )
    ),
}
EVENT_TYPES = [("plain", e) for e in (s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_CREATED_PUT, s3.EventType.OBJECT_REMOVED)]


def _method_call(data: st.DataObject, worker_valid: bool) -> tuple[str, dict[str, Any]]:
    method = data.draw(
        st.sampled_from(["add_event_rule", "add_schedule", "add_topic_subscription", "add_bucket_notification", "grant_invoke"]),
        label="method",
    )
    if method == "add_event_rule":
        args = draw_props(data, EVENT_RULE_TABLE, max_props=3)
        rules = resource("rule", "other_stack_bus_rule", "other_stack_rule")
        args["rule"] = data.draw(st.one_of(rules, plain("rule")) if not worker_valid else rules)
    elif method == "add_schedule":
        args = draw_props(data, SCHEDULE_TABLE, max_props=3)
        args["schedule"] = data.draw(
            st.sampled_from(SCHEDULES) if worker_valid else st.one_of(st.sampled_from(SCHEDULES), plain("rate(1 hour)"))
        )
    elif method == "add_topic_subscription":
        args = draw_props(data, TOPIC_TABLE, max_props=2)
        args["topic"] = data.draw(
            st.one_of(resource("topic"), imported("topic")) if worker_valid else resource("topic", "fifo_topic", "queue")
        )
    elif method == "add_bucket_notification":
        args = {
            "bucket": data.draw(
                resource("bucket", "imported_bucket_notifications", "other_stack_bucket")
                if worker_valid
                else st.one_of(resource("bucket"), plain("bucket"))
            ),
            "events": data.draw(
                st.one_of(
                    st.lists(st.sampled_from(EVENT_TYPES), min_size=1, max_size=2, unique=True).map(lambda v: ("list", v)),
                    plain([], s3.EventType.OBJECT_CREATED, ["s3:ObjectCreated:*"]),
                )
            ),
            "filters": data.draw(
                st.lists(
                    st.sampled_from([("plain", s3.NotificationKeyFilter(prefix="in/")),
                                     ("plain", s3.NotificationKeyFilter(suffix=".json")),
                                     ("plain", s3.NotificationKeyFilter())]),
                    max_size=2,
                ).map(lambda v: ("list", v))
            ),
        }
    else:
        args = {
            "grantee": data.draw(
                resource("function", "role", "imported_role", "other_stack_function")
                if worker_valid
                else st.one_of(resource("function"), plain("fn"))
            ),
            "environment_variable": data.draw(st.one_of(plain(None, "WORKER_FUNCTION_NAME", ""), plain(5))),
        }
    return method, args


@PROPERTY_SETTINGS
@given(st.data())
def test_async_worker_never_crashes_and_never_accepts_what_aws_rejects(data: st.DataObject) -> None:
    drawn = draw_props(data, TABLE)
    calls = [_method_call(data, data.draw(st.booleans(), label="valid call")) for _ in range(data.draw(st.integers(0, 3)))]
    given_names = set(drawn) | {name for _, args in calls for name in args}

    def build(maker: Maker) -> None:
        worker = AsyncWorker(maker.stack, "Worker", code=INLINE, handler=HANDLER, **build_props(maker, drawn))
        for method, args in calls:
            values = build_props(maker, args)
            if method == "add_bucket_notification":
                getattr(worker, method)(values.pop("bucket"), values.pop("events"), *values.pop("filters"))
            else:
                first = {"add_event_rule": "rule", "add_schedule": "schedule", "add_topic_subscription": "topic"}.get(
                    method, "grantee"
                )
                getattr(worker, method)(values.pop(first), **values)

    check_case("AsyncWorker", build, given_names, lint=draw_lint(data))

