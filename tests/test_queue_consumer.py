"""QueueConsumer: defaults, derivations, validations (boundaries on both sides), tokens."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import ConstructPropsError, QueueConsumer
from tests.conftest import INLINE, assert_error, new_stack, number_param


def consumer(stack: Stack | None = None, id: str = "Orders", **props: Any) -> QueueConsumer:
    return QueueConsumer(stack or new_stack(), id, code=INLINE, handler="index.handler", **props)


# --------------------------------------------------------------------------------------
# Defaults: one synth for the whole group
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def default() -> tuple[QueueConsumer, Template]:
    stack = new_stack()
    made = consumer(stack)
    return made, Template.from_stack(stack)


def test_default_resources(default: tuple[QueueConsumer, Template]) -> None:
    _, template = default
    template.resource_count_is("AWS::SQS::Queue", 2)
    template.resource_count_is("AWS::Lambda::Function", 1)
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    template.resource_count_is("AWS::Logs::LogGroup", 1)


def test_default_function(default: tuple[QueueConsumer, Template]) -> None:
    _, template = default
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "MemorySize": 256,
            "Timeout": 30,
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": {"LogGroup": {"Ref": Match.string_like_regexp("OrdersLogGroup")}},
            "ReservedConcurrentExecutions": Match.absent(),
        },
    )
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})


def test_default_queue_derives_visibility_timeout_and_dlq(default: tuple[QueueConsumer, Template]) -> None:
    made, template = default
    queues = template.find_resources("AWS::SQS::Queue")
    dlq_id = next(k for k in queues if "DeadLetterQueue" in k)
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "VisibilityTimeout": 180,  # 6 x 30 s + 0 s
            "MessageRetentionPeriod": 345600,  # 4 days, SQS's default, made explicit
            "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}, "maxReceiveCount": 5},
        },
    )
    assert queues[dlq_id]["Properties"] == {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}
    assert made.visibility_timeout is not None and made.visibility_timeout.to_seconds() == 180
    assert made.dead_letter_queue is not None


def test_default_mapping(default: tuple[QueueConsumer, Template]) -> None:
    _, template = default
    mappings = template.find_resources("AWS::Lambda::EventSourceMapping")
    (props,) = [m["Properties"] for m in mappings.values()]
    assert props["BatchSize"] == 10
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "ScalingConfig" not in props
    assert "MaximumBatchingWindowInSeconds" not in props
    assert "FilterCriteria" not in props


def test_both_queues_enforce_ssl(default: tuple[QueueConsumer, Template]) -> None:
    _, template = default
    policies = template.find_resources("AWS::SQS::QueuePolicy")
    assert len(policies) == 2
    for policy in policies.values():
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_least_privilege_role(default: tuple[QueueConsumer, Template]) -> None:
    _, template = default
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    actions = {tuple(sorted(s["Action"])) if isinstance(s["Action"], list) else (s["Action"],) for s in statements}
    assert actions == {
        ("logs:CreateLogStream", "logs:PutLogEvents"),
        ("xray:PutTelemetryRecords", "xray:PutTraceSegments"),
        ("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"),
    }
    sqs_statement = next(s for s in statements if "sqs:ReceiveMessage" in s["Action"])
    assert sqs_statement["Resource"]["Fn::GetAtt"][0].startswith("OrdersQueue")
    # No AWS managed policies (AWSLambdaBasicExecutionRole would allow any log group).
    (role,) = template.find_resources("AWS::IAM::Role").values()
    assert "ManagedPolicyArns" not in role["Properties"]


# --------------------------------------------------------------------------------------
# Derivations
# --------------------------------------------------------------------------------------
def test_visibility_timeout_includes_batching_window() -> None:
    stack = new_stack()
    consumer(stack, timeout=Duration.seconds(10), max_batching_window=Duration.seconds(20), batch_size=100)
    Template.from_stack(stack).has_resource_properties(
        "AWS::SQS::Queue", {"VisibilityTimeout": 80, "RedrivePolicy": Match.any_value()}
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"BatchSize": 100, "MaximumBatchingWindowInSeconds": 20}
    )


def test_max_concurrency_follows_reserved_concurrency() -> None:
    stack = new_stack()
    made = consumer(stack, reserved_concurrent_executions=7)
    assert made.max_concurrency == 7
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Lambda::Function", {"ReservedConcurrentExecutions": 7})
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {"ScalingConfig": {"MaximumConcurrency": 7}})


def test_reserved_concurrency_of_one_warns_and_leaves_max_concurrency_unset() -> None:
    stack = new_stack()
    made = consumer(stack, reserved_concurrent_executions=1)
    assert made.max_concurrency is None
    Annotations.from_stack(stack).has_warning(
        "/Test/Orders", Match.string_like_regexp("reserved_concurrent_executions 1 is below the smallest max_concurrency")
    )


def test_explicit_max_concurrency_below_reserved_is_kept() -> None:
    stack = new_stack()
    consumer(stack, reserved_concurrent_executions=10, max_concurrency=4)
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"ScalingConfig": {"MaximumConcurrency": 4}}
    )


def test_fifo_makes_fifo_queue_and_fifo_dlq() -> None:
    stack = new_stack()
    consumer(stack, fifo=True)
    queues = Template.from_stack(stack).find_resources("AWS::SQS::Queue")
    assert [q["Properties"].get("FifoQueue") for q in queues.values()] == [True, True]


def test_kms_key_encrypts_both_queues_and_grants_decrypt() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key")
    consumer(stack, encryption_key=key)
    template = Template.from_stack(stack)
    (key_id,) = template.find_resources("AWS::KMS::Key")
    queues = template.find_resources("AWS::SQS::Queue")
    for queue in queues.values():
        assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
        assert "SqsManagedSseEnabled" not in queue["Properties"]
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Action": "kms:Decrypt"})])}},
    )


def test_filters_and_batch_failure_reporting_off() -> None:
    stack = new_stack()
    pattern = lambda_.FilterCriteria.filter({"body": {"kind": lambda_.FilterRule.is_equal("payment")}})
    consumer(stack, filters=[pattern], report_batch_item_failures=False)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FilterCriteria": {"Filters": [{"Pattern": '{"body":{"kind":["payment"]}}'}]},
            "FunctionResponseTypes": Match.absent(),
        },
    )


def test_max_receive_count_below_recommendation_warns() -> None:
    stack = new_stack()
    consumer(stack, max_receive_count=2)
    Template.from_stack(stack).has_resource_properties(
        "AWS::SQS::Queue", {"RedrivePolicy": Match.object_like({"maxReceiveCount": 2})}
    )
    Annotations.from_stack(stack).has_warning(
        "/Test/Orders", Match.string_like_regexp("max_receive_count 2 is below the recommended 5.*constructs-lib:max-receive-count-low")
    )


def test_recommended_max_receive_count_does_not_warn() -> None:
    stack = new_stack()
    consumer(stack, max_receive_count=5)
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


# --------------------------------------------------------------------------------------
# Validation: each rule raises naming path, property, value and rule; boundaries
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("seconds,ok", [(179, False), (180, True), (43200, True), (43201, False)])
def test_visibility_timeout_boundaries(seconds: int, ok: bool) -> None:
    props = {"timeout": Duration.seconds(30), "visibility_timeout": Duration.seconds(seconds)}
    if ok:
        consumer(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(**props)
    assert_error(exc, "QueueConsumer 'Test/Orders'", "visibility_timeout", f"{seconds} s")
    assert exc.value.prop == "visibility_timeout"


def test_visibility_timeout_message_explains_rule() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(timeout=Duration.seconds(30), visibility_timeout=Duration.seconds(60))
    assert_error(
        exc,
        "visibility_timeout 60 s is below 6 x timeout (30 s) + max_batching_window (0 s) = 180 s",
        "processed twice",
        "services-sqs-configure.html",
    )


@pytest.mark.parametrize("timeout,ok", [(0, False), (1, True), (900, True), (901, False)])
def test_function_timeout_boundaries(timeout: int, ok: bool) -> None:
    if ok:
        consumer(timeout=Duration.seconds(timeout))
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(timeout=Duration.seconds(timeout))
    assert_error(exc, "Test/Orders", "timeout", f"{timeout} s", "1-900")


@pytest.mark.parametrize("size,ok", [(127, False), (128, True), (10240, True), (10241, False)])
def test_memory_size_boundaries(size: int, ok: bool) -> None:
    if ok:
        consumer(memory_size=size)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(memory_size=size)
    assert_error(exc, "Test/Orders", "memory_size", str(size), "128-10240")


@pytest.mark.parametrize("reserved", [0, -1])
def test_reserved_concurrency_zero_or_negative_is_an_error(reserved: int) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(reserved_concurrent_executions=reserved)
    assert_error(exc, "Test/Orders", "reserved_concurrent_executions", str(reserved))


def test_reserved_concurrency_zero_message() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(reserved_concurrent_executions=0)
    assert_error(exc, "reserved_concurrent_executions 0: every invocation is throttled", "never runs")


@pytest.mark.parametrize("size,window,ok", [
    (0, 0, False), (1, 0, True), (10, 0, True), (11, 0, False),
    (11, 1, True), (10000, 1, True), (10001, 1, False),
])
def test_batch_size_boundaries(size: int, window: int, ok: bool) -> None:
    props: dict[str, Any] = {"batch_size": size}
    if window:
        props["max_batching_window"] = Duration.seconds(window)
    if ok:
        consumer(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(**props)
    assert_error(exc, "Test/Orders", "batch_size", str(size))


def test_batch_size_above_10_without_window_explains_fix() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(batch_size=11)
    assert_error(exc, "batch_size 11 is above 10 without a max_batching_window", "at least 1 s")


@pytest.mark.parametrize("window,ok", [(300, True), (301, False)])
def test_batching_window_boundaries(window: int, ok: bool) -> None:
    props = {"max_batching_window": Duration.seconds(window)}
    if ok:
        consumer(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(**props)
    assert_error(exc, "Test/Orders", "max_batching_window", "301 s", "0-300")


@pytest.mark.parametrize("size,ok", [(10, True), (11, False)])
def test_fifo_batch_size_boundaries(size: int, ok: bool) -> None:
    if ok:
        consumer(fifo=True, batch_size=size)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(fifo=True, batch_size=size, max_batching_window=None)
    assert_error(exc, "Test/Orders", "batch_size 11", "1-10", "FIFO")


def test_fifo_rejects_batching_window() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        consumer(fifo=True, max_batching_window=Duration.seconds(1))
    assert_error(exc, "Test/Orders", "max_batching_window 1 s is not supported for FIFO queues")


@pytest.mark.parametrize("value,ok", [(1, False), (2, True), (1000, True), (1001, False)])
def test_max_concurrency_boundaries(value: int, ok: bool) -> None:
    if ok:
        consumer(max_concurrency=value)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(max_concurrency=value)
    assert_error(exc, "Test/Orders", "max_concurrency", str(value), "2-1000")


@pytest.mark.parametrize("max_concurrency,ok", [(5, True), (6, False)])
def test_max_concurrency_above_reserved_is_an_error(max_concurrency: int, ok: bool) -> None:
    props = {"reserved_concurrent_executions": 5, "max_concurrency": max_concurrency}
    if ok:
        consumer(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(**props)
    assert_error(exc, "Test/Orders", "max_concurrency 6 is above reserved_concurrent_executions (5)", "throttled")


@pytest.mark.parametrize("count,ok", [(0, False), (1, True), (1000, True), (1001, False)])
def test_max_receive_count_boundaries(count: int, ok: bool) -> None:
    if ok:
        consumer(max_receive_count=count)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(max_receive_count=count)
    assert_error(exc, "Test/Orders", "max_receive_count", str(count), "1-1000")


@pytest.mark.parametrize("count,ok", [(5, True), (6, False)])
def test_filter_count_boundaries(count: int, ok: bool) -> None:
    filters = [lambda_.FilterCriteria.filter({"body": {"n": lambda_.FilterRule.is_equal(str(i))}}) for i in range(count)]
    if ok:
        consumer(filters=filters)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(filters=filters)
    assert_error(exc, "Test/Orders", "filters has 6 patterns", "at most 5")


@pytest.mark.parametrize("seconds,ok", [(59, False), (60, True), (1209600, True), (1209601, False)])
def test_retention_period_boundaries(seconds: int, ok: bool) -> None:
    props = {"retention_period": Duration.seconds(seconds)}
    if ok:
        consumer(**props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(**props)
    assert_error(exc, "Test/Orders", "retention_period", f"{seconds} s")


# --------------------------------------------------------------------------------------
# A given dead-letter queue
# --------------------------------------------------------------------------------------
def test_given_dlq_is_used() -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "MyDlq", retention_period=Duration.days(14))
    made = consumer(stack, dead_letter_queue=dlq)
    assert made.dead_letter_queue is dlq
    Template.from_stack(stack).resource_count_is("AWS::SQS::Queue", 2)


@pytest.mark.parametrize("dlq_days,source_days,ok", [(4, 4, True), (3, 4, False)])
def test_given_dlq_retention_must_cover_source(dlq_days: int, source_days: int, ok: bool) -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "MyDlq", retention_period=Duration.days(dlq_days))
    props = {"dead_letter_queue": dlq, "retention_period": Duration.days(source_days)}
    if ok:
        consumer(stack, **props)
        return
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, **props)
    assert_error(exc, "Test/Orders", "dead_letter_queue retention 259200 s is shorter", "345600 s", "original enqueue timestamp")


def test_given_standard_dlq_for_fifo_source_is_an_error() -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "MyDlq")
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, fifo=True, dead_letter_queue=dlq)
    assert_error(exc, "Test/Orders", "dead_letter_queue is a standard queue but the source queue is FIFO")


def test_given_unencrypted_dlq_is_an_error() -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "MyDlq", encryption=sqs.QueueEncryption.UNENCRYPTED, retention_period=Duration.days(14))
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, dead_letter_queue=dlq)
    assert_error(
        exc, "QueueConsumer 'Test/Orders'", "dead_letter_queue Test/MyDlq has server-side encryption turned off",
        "failed messages", "SQS_MANAGED", "sqs-dead-letter-queues.html",
    )
    assert exc.value.prop == "dead_letter_queue"


@pytest.mark.parametrize("encryption", [
    None,  # SQS encrypts new queues with SSE-SQS unless told otherwise
    sqs.QueueEncryption.SQS_MANAGED,
    sqs.QueueEncryption.KMS_MANAGED,  # SQS itself redrives, so the AWS managed key is fine here
    sqs.QueueEncryption.KMS,
])
def test_given_encrypted_dlq_is_accepted(encryption: sqs.QueueEncryption | None) -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "MyDlq", encryption=encryption, retention_period=Duration.days(14))
    assert consumer(stack, dead_letter_queue=dlq).dead_letter_queue is dlq


def test_given_fifo_dlq_for_standard_source_is_an_error() -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "MyDlq", fifo=True)
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, dead_letter_queue=dlq)
    assert_error(exc, "dead_letter_queue is a FIFO queue but the source queue is standard")


# --------------------------------------------------------------------------------------
# A given source queue
# --------------------------------------------------------------------------------------
def _queue_with_dlq(stack: Stack, *, visibility: int = 180, receives: int = 5, fifo: bool = False) -> sqs.Queue:
    dlq = sqs.Queue(stack, "GivenDlq", fifo=fifo or None, retention_period=Duration.days(14))
    return sqs.Queue(
        stack,
        "Given",
        fifo=fifo or None,
        visibility_timeout=Duration.seconds(visibility),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=receives),
    )


def test_given_queue_with_unencrypted_dlq_is_an_error() -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "GivenDlq", encryption=sqs.QueueEncryption.UNENCRYPTED, retention_period=Duration.days(14))
    queue = sqs.Queue(
        stack,
        "Given",
        visibility_timeout=Duration.seconds(180),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=queue)
    # Named as the prop the user set (queue), not dead_letter_queue, which is not allowed with it.
    assert_error(exc, "QueueConsumer 'Test/Orders'", "queue Test/Given's dead-letter queue Test/GivenDlq has server-side encryption turned off")
    assert exc.value.prop == "queue"


def test_given_queue_is_consumed_not_recreated() -> None:
    stack = new_stack()
    queue = _queue_with_dlq(stack)
    made = consumer(stack, queue=queue)
    assert made.queue is queue
    assert made.dead_letter_queue is queue.dead_letter_queue.queue  # type: ignore[union-attr]
    assert made.visibility_timeout is not None and made.visibility_timeout.to_seconds() == 180
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SQS::Queue", 2)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"EventSourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^Given"), "Arn"]}}
    )


def test_given_queue_with_short_visibility_timeout_is_an_error() -> None:
    stack = new_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=_queue_with_dlq(stack, visibility=179))
    assert_error(exc, "Test/Orders", "queue Test/Given's visibility timeout 179 s is below 6 x timeout (30 s)")
    assert exc.value.prop == "queue"


def test_given_queue_with_default_visibility_timeout_is_an_error() -> None:
    stack = new_stack()
    dlq = sqs.Queue(stack, "GivenDlq")
    queue = sqs.Queue(stack, "Given", dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5))
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=queue)
    assert_error(exc, "visibility timeout 30 s is below")
    assert exc.value.prop == "queue"


def test_given_queue_without_dlq_is_an_error() -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Given", visibility_timeout=Duration.seconds(180))
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=queue)
    assert_error(exc, "Test/Orders", "queue Test/Given has no dead-letter queue")


def test_given_queue_low_max_receive_count_warns() -> None:
    stack = new_stack()
    consumer(stack, queue=_queue_with_dlq(stack, receives=3))
    Annotations.from_stack(stack).has_warning("/Test/Orders", Match.string_like_regexp("queue Test/Given's maxReceiveCount 3"))


def test_given_fifo_queue_sets_fifo_rules() -> None:
    stack = new_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=_queue_with_dlq(stack, fifo=True), batch_size=11, max_batching_window=None)
    assert_error(exc, "batch_size 11", "FIFO")


def test_fifo_flag_contradicting_given_queue_is_an_error() -> None:
    stack = new_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=_queue_with_dlq(stack), fifo=True)
    assert_error(exc, "fifo True contradicts the given queue, which is a standard queue")


@pytest.mark.parametrize("prop,value", [
    ("visibility_timeout", Duration.seconds(600)),
    ("retention_period", Duration.days(1)),
])
def test_created_queue_props_conflict_with_given_queue(prop: str, value: Any) -> None:
    stack = new_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=_queue_with_dlq(stack), **{prop: value})
    assert_error(exc, prop, "an existing queue was given")


def test_imported_queue_warns_that_it_cannot_be_verified() -> None:
    stack = new_stack()
    queue = sqs.Queue.from_queue_arn(stack, "Imported", "arn:aws:sqs:us-east-1:123456789012:orders")
    made = consumer(stack, queue=queue)
    assert made.dead_letter_queue is None
    assert made.visibility_timeout is None
    Annotations.from_stack(stack).has_warning(
        "/Test/Orders", Match.string_like_regexp("is imported, so its visibility timeout .* cannot be verified")
    )


# --------------------------------------------------------------------------------------
# Unresolved tokens are skipped, never crashed on
# --------------------------------------------------------------------------------------
def test_token_batch_size_and_counts_are_not_validated() -> None:
    stack = new_stack()
    consumer(
        stack,
        batch_size=number_param(stack, "Batch"),
        max_receive_count=number_param(stack, "Receives"),
        max_concurrency=number_param(stack, "MaxConcurrency"),
        reserved_concurrent_executions=number_param(stack, "Reserved"),
        memory_size=number_param(stack, "Memory"),
    )
    template = Template.from_stack(stack)
    # Each token reaches the template unchanged, as a Ref to its parameter.
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {"BatchSize": {"Ref": "Batch"}, "ScalingConfig": {"MaximumConcurrency": {"Ref": "MaxConcurrency"}}},
    )
    template.has_resource_properties(
        "AWS::SQS::Queue", {"RedrivePolicy": Match.object_like({"maxReceiveCount": {"Ref": "Receives"}})}
    )
    template.has_resource_properties(
        "AWS::Lambda::Function", {"MemorySize": {"Ref": "Memory"}, "ReservedConcurrentExecutions": {"Ref": "Reserved"}}
    )


def test_token_reserved_concurrency_is_not_copied_into_max_concurrency() -> None:
    stack = new_stack()
    made = consumer(stack, reserved_concurrent_executions=number_param(stack, "Reserved"))
    assert made.max_concurrency is None
    mapping = next(iter(Template.from_stack(stack).find_resources("AWS::Lambda::EventSourceMapping").values()))
    assert "ScalingConfig" not in mapping["Properties"]


def test_token_visibility_timeout_is_not_validated() -> None:
    stack = new_stack()
    consumer(stack, visibility_timeout=Duration.seconds(number_param(stack, "Visibility")))
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::SQS::Queue", {"VisibilityTimeout": {"Ref": "Visibility"}, "RedrivePolicy": Match.any_value()}
    )


def test_token_batching_window_allows_batches_above_10() -> None:
    # An unresolved window may well be >= 1 s: the ">10 needs a window" rule is skipped.
    stack = new_stack()
    consumer(
        stack,
        batch_size=100,
        max_batching_window=Duration.seconds(number_param(stack, "Window")),
        visibility_timeout=Duration.seconds(900),  # cannot be derived from a token window
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"BatchSize": 100, "MaximumBatchingWindowInSeconds": {"Ref": "Window"}}
    )


@pytest.mark.parametrize("size", [0, 10001])
def test_token_batching_window_keeps_the_batch_size_range(size: int) -> None:
    stack = new_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(
            stack,
            batch_size=size,
            max_batching_window=Duration.seconds(number_param(stack, "Window")),
            visibility_timeout=Duration.seconds(900),
        )
    assert_error(exc, "QueueConsumer 'Test/Orders'", f"batch_size {size} is outside the allowed range 1-10000")


def test_token_timeout_needs_explicit_visibility_timeout() -> None:
    stack = new_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, timeout=Duration.seconds(number_param(stack, "Timeout")))
    # Named as the prop the user set: timeout, not visibility_timeout.
    assert_error(exc, "timeout is an unresolved token, so the visibility timeout", "cannot be derived", "pass visibility_timeout explicitly")
    assert exc.value.prop == "timeout"
    stack = new_stack()
    consumer(
        stack,
        timeout=Duration.seconds(number_param(stack, "Timeout")),
        visibility_timeout=Duration.seconds(900),
    )


# --------------------------------------------------------------------------------------
# A given queue: max_receive_count, Regions, imported dead-letter queues
# --------------------------------------------------------------------------------------
def _regional_stack(region: str | None = "us-east-1") -> Stack:
    from aws_cdk import App, Environment

    return Stack(App(), "Shop", env=Environment(account="123456789012", region=region) if region else None)


def _imported_queue(stack: Stack, region: str = "us-east-1", id: str = "Imported", name: str = "orders") -> sqs.IQueue:
    return sqs.Queue.from_queue_arn(stack, id, f"arn:aws:sqs:{region}:123456789012:{name}")


@pytest.mark.parametrize("count", [1, 5, 10])
def test_max_receive_count_with_a_given_queue_is_an_error(count: int) -> None:
    stack = _regional_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=_imported_queue(stack), max_receive_count=count)
    assert exc.value.prop == "max_receive_count"
    assert_error(exc, "Shop/Orders", f"max_receive_count {count}", "existing queue", "would be ignored",
                 "sqs.DeadLetterQueue(queue=..., max_receive_count=...)")


def test_max_receive_count_unset_with_a_given_queue_is_fine_and_defaults_without() -> None:
    stack = _regional_stack()
    consumer(stack, queue=_imported_queue(stack))  # no error: max_receive_count was not passed
    made = consumer(stack, "Created")
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::SQS::Queue", {"RedrivePolicy": Match.object_like({"maxReceiveCount": 5})}
    )
    assert made.dead_letter_queue is not None


def test_max_receive_count_token_with_a_given_queue_is_an_error() -> None:
    stack = _regional_stack()
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=_imported_queue(stack), max_receive_count=number_param(stack))
    assert exc.value.prop == "max_receive_count"


@pytest.mark.parametrize(
    ("stack_region", "queue_region"),
    [("us-east-1", "eu-west-1"), ("eu-west-1", "us-east-1"), ("us-east-1", "us-east-2")],
)
def test_an_imported_queue_in_another_region_is_an_error(stack_region: str, queue_region: str) -> None:
    stack = _regional_stack(stack_region)
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=_imported_queue(stack, queue_region))
    assert exc.value.prop == "queue"
    assert_error(
        exc, "Shop/Orders", "queue Shop/Imported", f"Region {queue_region}", stack_region,
        "Lambda polls only an SQS queue in its own Region", "services-sqs-configure.html",
    )


def test_a_queue_of_a_stack_in_another_region_is_an_error() -> None:
    from aws_cdk import App, Environment

    app = App()
    producer = Stack(app, "Producer", env=Environment(account="123456789012", region="eu-west-1"))
    stack = Stack(app, "Shop", env=Environment(account="123456789012", region="us-east-1"))
    dlq = sqs.Queue(producer, "Dlq")
    queue = sqs.Queue(producer, "Q", visibility_timeout=Duration.seconds(180),
                      dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5))
    with pytest.raises(ConstructPropsError) as exc:
        consumer(stack, queue=queue)
    assert exc.value.prop == "queue"
    assert_error(exc, "Region eu-west-1", "us-east-1")


def test_a_queue_in_the_same_region_or_another_account_is_accepted() -> None:
    stack = _regional_stack("eu-west-1")
    other_account = sqs.Queue.from_queue_arn(stack, "Other", "arn:aws:sqs:eu-west-1:210987654321:orders")
    consumer(stack, queue=_imported_queue(stack, "eu-west-1"))
    consumer(stack, "Second", queue=other_account)


def test_a_region_that_is_a_token_is_not_compared() -> None:
    from aws_cdk import Aws, Fn

    agnostic = _regional_stack(None)  # the stack's Region is a token
    consumer(agnostic, queue=_imported_queue(agnostic, "eu-west-1"))
    stack = _regional_stack("us-east-1")  # the queue's Region is a token
    token_arn = Fn.join(":", ["arn", Aws.PARTITION, "sqs", Aws.REGION, Aws.ACCOUNT_ID, "orders"])
    consumer(stack, queue=sqs.Queue.from_queue_arn(stack, "Tokened", token_arn))


def _warnings(stack: Stack, fragment: str) -> list[str]:
    found = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(fragment))
    return [str(message.entry.data) for message in found]


def test_an_imported_dead_letter_queue_warns_that_it_is_not_verifiable() -> None:
    stack = _regional_stack()
    consumer(stack, dead_letter_queue=_imported_queue(stack, name="orders-dlq"))
    warnings = _warnings(stack, "dead-letter-queue-not-verifiable")
    assert len(warnings) == 1
    assert "dead_letter_queue Shop/Imported is imported" in warnings[0]
    assert "encrypted" in warnings[0] and "as long as the source queue" in warnings[0]


def test_a_given_queue_whose_dead_letter_queue_is_imported_warns() -> None:
    stack = _regional_stack()
    queue = sqs.Queue(stack, "Q", visibility_timeout=Duration.seconds(180),
                      dead_letter_queue=sqs.DeadLetterQueue(queue=_imported_queue(stack, name="dlq"), max_receive_count=5))
    consumer(stack, queue=queue)
    warnings = _warnings(stack, "dead-letter-queue-not-verifiable")
    assert len(warnings) == 1
    assert warnings[0].startswith("queue Shop/Imported of queue Shop/Q is imported")


def test_a_dead_letter_queue_made_in_the_app_does_not_warn() -> None:
    stack = _regional_stack()
    consumer(stack, dead_letter_queue=sqs.Queue(stack, "Dlq", retention_period=Duration.days(14)))
    dlq = sqs.Queue(stack, "Dlq2", retention_period=Duration.days(14))
    queue = sqs.Queue(stack, "Q", visibility_timeout=Duration.seconds(180),
                      dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5))
    consumer(stack, "Given", queue=queue)
    consumer(stack, "Created")
    assert _warnings(stack, "dead-letter-queue-not-verifiable") == []
