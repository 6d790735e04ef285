"""StreamProcessor with props drawn across and beyond every range: refused with a
ConstructPropsError naming a prop that was set, or a template our checks, AWS's integer
ranges and cfn-lint accept. One table: add a prop by adding its strategy."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from hypothesis import given
from hypothesis import strategies as st

from constructs_lib import limits
from constructs_lib.stream_processor import StreamProcessor
from tests.property.harness import (
    PROPERTY_SETTINGS,
    imported,
    OPTIONAL_BOOLEANS,
    BOOLEANS,
    FUNCTION_TABLE,
    HANDLER,
    INLINE,
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


TIMESTAMP = 1_700_000_000

TABLE: dict[str, Prop] = {
    **FUNCTION_TABLE,
    "stream": choice(
        st.one_of(
            resource("stream", "on_demand_stream", "long_stream", "imported_stream"),
            imported("stream"),
            st.integers(1, 12).map(lambda n: ("resource", "stream", n)),
        ),
        st.one_of(resource("table", "queue"), plain("arn:aws:kinesis:eu-west-1:123456789012:stream/s")),
    ),
    "table": choice(
        st.one_of(resource("table"), imported("table")),
        st.one_of(resource("table_without_stream", "stream"), plain("orders")),
    ),
    "starting_position": choice(
        st.sampled_from([("plain", p) for p in lambda_.StartingPosition]), plain("LATEST", None)
    ),
    "starting_position_timestamp": choice(
        st.one_of(plain(TIMESTAMP, 0, float(TIMESTAMP) + 0.5), st.just(("token_number",))),
        plain(-1, "2024-01-01", True),
    ),
    "batch_size": integers(limits.STREAM_MIN_BATCH_SIZE, limits.STREAM_MAX_BATCH_SIZE),
    "max_batching_window": durations(limits.MAX_BATCHING_WINDOW_S),
    "parallelization_factor": integers(limits.STREAM_MIN_PARALLELIZATION_FACTOR, limits.STREAM_MAX_PARALLELIZATION_FACTOR),
    "retry_attempts": integers(limits.STREAM_MIN_RETRY_ATTEMPTS, limits.STREAM_MAX_RETRY_ATTEMPTS),
    "max_record_age": Prop(
        valid=st.one_of(
            durations(limits.DYNAMODB_STREAM_RETENTION_S, min_s=limits.STREAM_MIN_RECORD_AGE_S).valid,
            plain(limits.STREAM_INFINITE),
        ),
        wrong=st.one_of(
            durations(limits.STREAM_MAX_RECORD_AGE_S, min_s=limits.STREAM_MIN_RECORD_AGE_S).wrong,
            plain(0, -2, 60, None),
        ),
    ),
    "bisect_batch_on_error": BOOLEANS,
    "report_batch_item_failures": BOOLEANS,
    "on_failure": optional(
        choice(
            st.one_of(
                resource("sqs_dlq", "sns_dlq", "s3_destination"),
                st.just(("resource", "s3_destination", "kms_bucket")),
                st.just(("resource", "sqs_dlq", "key_queue")),
                st.just(("resource", "sqs_dlq", "imported_queue")),
                imported("queue", "sqs_dlq"),
                imported("topic", "sns_dlq"),
                imported("bucket", "s3_destination"),
            ),
            st.one_of(
                st.just(("resource", "sqs_dlq", "fifo_queue")),
                st.just(("resource", "sqs_dlq", "unencrypted_queue")),
                st.just(("resource", "sns_dlq", "fifo_topic")),
                st.just(("resource", "sqs_dlq", "imported_fifo_queue")),
                resource("queue"),
                plain("arn:aws:sqs:eu-west-1:123456789012:dlq"),
            ),
        )
    ),
    "encryption_key": optional(choice(st.one_of(resource("key"), imported("key")), plain("alias/aws/sqs"))),
    "tumbling_window": durations(limits.STREAM_MAX_TUMBLING_WINDOW_S),
    "mapping_metrics": BOOLEANS,
    "filters": choice(
        st.integers(0, limits.ESM_MAX_FILTERS).map(lambda n: ("plain", filters(n, "data"))),
        st.one_of(
            st.integers(6, 8).map(lambda n: ("plain", filters(n, "data"))),
            st.integers(2, 5).map(lambda n: ("plain", [filters(1, "data")[0]] * n)),  # duplicates
            plain(filters(1, "data")[0], [None]),
        ),
    ),
    "use_enhanced_fan_out": BOOLEANS,
    "alarms": BOOLEANS,
    "alarm_topic": optional(choice(st.one_of(resource("topic"), imported("topic")), plain("arn:aws:sns:eu-west-1:123456789012:t"))),
    "dashboard": OPTIONAL_BOOLEANS,
    "iterator_age_alarm_threshold": durations(
        limits.DYNAMODB_STREAM_RETENTION_S // 4, min_s=1, token_units=("millis",), whole=False
    ),
    "failure_queue_alarm_threshold": numbers(1, 5),
    "errors_alarm_threshold": numbers(1, 5),
}


@PROPERTY_SETTINGS
@given(st.data())
def test_stream_processor_never_crashes_and_never_accepts_what_aws_rejects(data: st.DataObject) -> None:
    drawn = draw_props(data, TABLE)
    if "stream" not in drawn and "table" not in drawn:
        source = data.draw(st.sampled_from(["stream", "table"]), label="source")
        drawn[source] = data.draw(TABLE[source].valid, label=source)

    def build(maker: Maker) -> None:
        StreamProcessor(maker.stack, "Processor", code=INLINE, handler=HANDLER, **build_props(maker, drawn))

    check_case("StreamProcessor", build, set(drawn), lint=draw_lint(data))

