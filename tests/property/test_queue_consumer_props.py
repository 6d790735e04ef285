"""QueueConsumer with props drawn across and beyond every range: refused with a
ConstructPropsError naming a prop that was set, or a template our checks, AWS's integer
ranges and cfn-lint accept. One table: add a prop by adding its strategy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from constructs_lib import limits
from constructs_lib.queue_consumer import QueueConsumer
from tests.property.harness import (
    PROPERTY_SETTINGS,
    imported,
    BOOLEANS,
    FUNCTION_TABLE,
    HANDLER,
    INLINE,
    OPTIONAL_BOOLEANS,
    Maker,
    Prop,
    build_props,
    check_case,
    draw_lint,
    filters,
    choice,
    draw_props,
    durations,
    integers,
    numbers,
    optional,
    plain,
    resource,
)



TABLE: dict[str, Prop] = {
    **FUNCTION_TABLE,
    "queue": choice(
        st.one_of(
            resource("queue_with_dlq", "fifo_queue_with_dlq", "imported_queue", "queue_low_receives", "imported_fifo_queue"),
            resource("imported_key_queue", "other_stack_queue_with_dlq", "other_stack_queue"),  # the "imported" axis
        ),
        st.one_of(
            resource("queue_without_dlq", "queue_short_visibility", "queue_unencrypted_dlq"),
            plain("arn:aws:sqs:eu-west-1:123456789012:q"),
        ),
    ),
    "fifo": OPTIONAL_BOOLEANS,
    "batch_size": integers(limits.SQS_MIN_BATCH_SIZE, limits.SQS_MAX_BATCH_SIZE),
    "max_batching_window": durations(limits.MAX_BATCHING_WINDOW_S),
    "max_concurrency": integers(limits.SQS_MIN_MAX_CONCURRENCY, limits.SQS_MAX_MAX_CONCURRENCY),
    "max_receive_count": integers(limits.SQS_MIN_MAX_RECEIVE_COUNT, limits.SQS_MAX_MAX_RECEIVE_COUNT),
    "report_batch_item_failures": BOOLEANS,
    "filters": choice(
        st.integers(0, limits.ESM_MAX_FILTERS).map(lambda n: ("plain", filters(n, "body"))),
        st.one_of(
            st.integers(6, 8).map(lambda n: ("plain", filters(n, "body"))),
            st.integers(2, 5).map(lambda n: ("plain", [filters(1, "body")[0]] * n)),  # duplicates
            plain(filters(1, "body")[0], ["pattern"], [None]),
        ),
    ),
    "visibility_timeout": durations(limits.SQS_MAX_VISIBILITY_TIMEOUT_S),
    "retention_period": durations(limits.SQS_MAX_RETENTION_S, min_s=limits.SQS_MIN_RETENTION_S),
    "dead_letter_queue": optional(
        choice(
            st.one_of(resource("queue", "imported_queue", "key_queue"), imported("queue")),
            st.one_of(resource("fifo_queue", "unencrypted_queue", "short_queue", "kms_managed_queue"), plain("dlq")),
        )
    ),
    "encryption_key": optional(choice(st.one_of(resource("key"), imported("key")), plain("alias/aws/sqs"))),
    "provisioned_poller_config": optional(
        choice(
            st.one_of(
                st.tuples(st.integers(2, 200), st.integers(2, 10000))
                .filter(lambda p: p[0] <= p[1])
                .map(lambda p: ("resource", "pollers", p[0], p[1])),
                st.sampled_from([("resource", "pollers", 2, 2), ("resource", "pollers", None, 5), ("resource", "pollers")]),
            ),
            st.one_of(
                st.sampled_from([
                    ("resource", "pollers", 1, 5), ("resource", "pollers", 201, 300), ("resource", "pollers", 2, 10001),
                    ("resource", "pollers", 6, 5), ("resource", "pollers", 2.5, 5), ("resource", "pollers", 2, 5, "group"),
                ]),
                plain("2-5", {"minimum_pollers": 2}),
            ),
        )
    ),
    "mapping_metrics": BOOLEANS,
    "alarms": BOOLEANS,
    "alarm_topic": optional(choice(st.one_of(resource("topic"), imported("topic")), plain("arn:aws:sns:eu-west-1:123456789012:t"))),
    "dashboard": OPTIONAL_BOOLEANS,
    "dead_letter_queue_alarm_threshold": numbers(1, 5),
    "oldest_message_age_alarm_threshold": durations(limits.SQS_MAX_RETENTION_S, min_s=1, whole=False),
    "errors_alarm_threshold": numbers(1, 5),
    "throttles_alarm_threshold": numbers(1, 5),
}


@PROPERTY_SETTINGS
@given(st.data())
def test_queue_consumer_never_crashes_and_never_accepts_what_aws_rejects(data: st.DataObject) -> None:
    drawn = draw_props(data, TABLE)

    def build(maker: Maker) -> None:
        QueueConsumer(maker.stack, "Consumer", code=INLINE, handler=HANDLER, **build_props(maker, drawn))

    check_case("QueueConsumer", build, set(drawn), lint=draw_lint(data))

