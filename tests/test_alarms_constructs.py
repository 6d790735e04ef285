"""The alarms of every construct: exact metric, statistic, period, threshold, comparison,
evaluation periods, dimensions and actions; derived defaults; ``alarms=False``; and the
``Alarms`` container. One app is synthesized for the whole module."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template

from constructs_lib import AsyncWorker, QueueConsumer, StreamProcessor, SyncApiFunction
from constructs_lib._alarms import Alarms
from constructs_lib.stream_processor import INFINITE
from tests.conftest import INLINE, new_stack

TOPIC = {"Ref": "AlarmTopicD01E77F9"}
NOT_BREACHING = "notBreaching"


class Built:
    def __init__(self) -> None:
        self.stack = stack = new_stack("Alarms")
        self.topic = sns.Topic(stack, "AlarmTopic")
        common: dict[str, Any] = {"code": INLINE, "handler": "index.handler"}
        self.queue = QueueConsumer(stack, "Queue", **common, timeout=Duration.seconds(20), alarm_topic=self.topic)
        self.queue_off = QueueConsumer(stack, "QueueOff", **common, alarms=False)
        self.queue_short = QueueConsumer(stack, "QueueShort", **common, retention_period=Duration.seconds(60))
        self.queue_custom = QueueConsumer(
            stack,
            "QueueCustom",
            **common,
            dead_letter_queue_alarm_threshold=10,
            oldest_message_age_alarm_threshold=Duration.minutes(30),
            errors_alarm_threshold=5,
            throttles_alarm_threshold=3,
        )
        imported = sqs.Queue.from_queue_arn(stack, "Imported", "arn:aws:sqs:eu-west-1:123456789012:imported")
        self.queue_imported = QueueConsumer(stack, "QueueImported", **common, queue=imported)
        self.kinesis = kinesis.Stream(stack, "Stream", shard_count=1)
        self.stream = StreamProcessor(stack, "Kinesis", **common, stream=self.kinesis, alarm_topic=self.topic)
        table = dynamodb.Table(
            stack,
            "Table",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            stream=dynamodb.StreamViewType.NEW_IMAGE,
        )
        self.stream_infinite = StreamProcessor(stack, "Ddb", **common, table=table, max_record_age=INFINITE)
        self.worker = AsyncWorker(stack, "Worker", **common, max_event_age=Duration.hours(1), alarm_topic=self.topic)
        rule = events.Rule(stack, "Rule", event_pattern=events.EventPattern(source=["orders"]))
        self.worker.add_event_rule(rule)
        self.worker.add_topic_subscription(sns.Topic(stack, "Orders"))
        self.worker_off = AsyncWorker(stack, "WorkerOff", **common, alarms=False)
        self.rest = SyncApiFunction(stack, "Rest", **common, timeout=Duration.seconds(3), alarm_topic=self.topic)
        self.http = SyncApiFunction(
            stack,
            "Http",
            **common,
            api="http",
            server_error_rate_alarm_threshold=0.1,
            integration_latency_alarm_threshold=Duration.seconds(5),
            throttles_alarm_threshold=2,
        )
        self.pager = sns.Topic(stack, "Pager")
        self.queue_custom.alarms.add_alarm_action(cw_actions.SnsAction(self.pager))
        self.template = Template.from_stack(stack).to_json()

    def props(self, alarm: cloudwatch.Alarm) -> dict[str, Any]:
        stack = Stack.of(alarm)
        logical_id = stack.resolve(stack.get_logical_id(alarm.node.default_child))  # type: ignore[arg-type]
        return dict(self.template["Resources"][logical_id]["Properties"])

    def metric(self, alarm: cloudwatch.Alarm) -> dict[str, Any]:
        """The alarm's properties without description and actions (asserted separately)."""
        props = self.props(alarm)
        for key in ("AlarmDescription", "AlarmActions", "OKActions"):
            props.pop(key, None)
        return props

    def ref(self, construct: Any) -> dict[str, Any]:
        stack = Stack.of(construct)
        return {"Ref": stack.resolve(stack.get_logical_id(construct.node.default_child))}

    def queue_name(self, queue: Any) -> dict[str, Any]:
        stack = Stack.of(queue)
        return {"Fn::GetAtt": [stack.resolve(stack.get_logical_id(queue.node.default_child)), "QueueName"]}


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def count_alarm(metric: str, namespace: str, dimensions: list[dict[str, Any]], threshold: float, statistic: str) -> dict[str, Any]:
    return {
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "Dimensions": dimensions,
        "EvaluationPeriods": 1,
        "MetricName": metric,
        "Namespace": namespace,
        "Period": 60,
        "Statistic": statistic,
        "Threshold": threshold,
        "TreatMissingData": NOT_BREACHING,
    }


def fn_dims(built: Built, construct: Any) -> list[dict[str, Any]]:
    return [{"Name": "FunctionName", "Value": built.ref(construct.function)}]


# --------------------------------------------------------------------------------------
# QueueConsumer
# --------------------------------------------------------------------------------------
def test_queue_consumer_alarms(built: Built) -> None:
    c = built.queue
    assert list(c.alarms) == ["DeadLetterQueue", "OldestMessageAge", "Errors", "Throttles", "FailedInvokeEvents"]
    assert built.metric(c.alarms["DeadLetterQueue"]) == count_alarm(
        "ApproximateNumberOfMessagesVisible", "AWS/SQS",
        [{"Name": "QueueName", "Value": built.queue_name(c.dead_letter_queue)}], 1, "Maximum",
    )
    # 1.5 x the derived visibility timeout (6 x 20 s = 120 s) = 180 s
    assert built.metric(c.alarms["OldestMessageAge"]) == {
        "ComparisonOperator": "GreaterThanThreshold",
        "Dimensions": [{"Name": "QueueName", "Value": built.queue_name(c.queue)}],
        "EvaluationPeriods": 1,
        "MetricName": "ApproximateAgeOfOldestMessage",
        "Namespace": "AWS/SQS",
        "Period": 60,
        "Statistic": "Maximum",
        "Threshold": 180,
        "TreatMissingData": NOT_BREACHING,
    }
    assert built.metric(c.alarms["Errors"]) == count_alarm("Errors", "AWS/Lambda", fn_dims(built, c), 1, "Sum")
    assert built.metric(c.alarms["Throttles"]) == count_alarm("Throttles", "AWS/Lambda", fn_dims(built, c), 1, "Sum")
    for alarm in c.alarms.values():
        props = built.props(alarm)
        assert props["AlarmActions"] == [TOPIC] and props["OKActions"] == [TOPIC]
        assert props["AlarmDescription"].startswith("Alarms/Queue: ")


def test_queue_consumer_descriptions_tell_what_to_do(built: Built) -> None:
    dlq = built.props(built.queue.alarms["DeadLetterQueue"])["AlarmDescription"]
    assert "redrive" in dlq and "StartMessageMoveTask" in dlq
    age = built.props(built.queue.alarms["OldestMessageAge"])["AlarmDescription"]
    assert "older than 180 s" in age and "falling behind" in age


def test_queue_consumer_custom_thresholds_and_extra_actions(built: Built) -> None:
    alarms = built.queue_custom.alarms
    assert built.props(alarms["DeadLetterQueue"])["Threshold"] == 10
    assert built.props(alarms["OldestMessageAge"])["Threshold"] == 1800
    assert built.props(alarms["Errors"])["Threshold"] == 5
    assert built.props(alarms["Throttles"])["Threshold"] == 3
    pager = built.ref(built.pager)
    for alarm in alarms.values():
        assert built.props(alarm)["AlarmActions"] == [pager]  # no alarm_topic, only the added action
        assert "OKActions" not in built.props(alarm)


def test_queue_consumer_short_retention_derives_half_the_retention(built: Built) -> None:
    assert built.props(built.queue_short.alarms["OldestMessageAge"])["Threshold"] == 30


def test_imported_queue_has_no_dlq_alarm_but_an_age_alarm(built: Built) -> None:
    alarms = built.queue_imported.alarms
    assert "DeadLetterQueue" not in alarms
    # the minimum visibility timeout for the default 30 s timeout: 180 s; x 1.5 = 270 s
    assert built.metric(alarms["OldestMessageAge"])["Threshold"] == 270
    assert built.metric(alarms["OldestMessageAge"])["Dimensions"] == [{"Name": "QueueName", "Value": "imported"}]


def test_alarms_false_creates_none(built: Built) -> None:
    assert built.queue_off.alarms == {} and built.worker_off.alarms == {}
    paths = [v["Properties"]["AlarmDescription"] for v in built.template["Resources"].values() if v["Type"] == "AWS::CloudWatch::Alarm"]
    assert not [p for p in paths if p.startswith(("Alarms/QueueOff:", "Alarms/WorkerOff:"))]


# --------------------------------------------------------------------------------------
# StreamProcessor
# --------------------------------------------------------------------------------------
def test_stream_processor_alarms(built: Built) -> None:
    c = built.stream
    assert list(c.alarms) == [
        "IteratorAge", "FailureQueue", "DestinationDeliveryFailures", "Errors",
        "DiscardedToFailureDestination", "DroppedEvents", "FailedInvokeEvents",
    ]
    # half of the default max_record_age (6 h), in milliseconds
    assert built.metric(c.alarms["IteratorAge"]) == {
        "ComparisonOperator": "GreaterThanThreshold",
        "Dimensions": fn_dims(built, c),
        "EvaluationPeriods": 1,
        "MetricName": "IteratorAge",
        "Namespace": "AWS/Lambda",
        "Period": 60,
        "Statistic": "Maximum",
        "Threshold": 3 * 3600 * 1000,
        "TreatMissingData": NOT_BREACHING,
    }
    assert built.metric(c.alarms["FailureQueue"]) == count_alarm(
        "ApproximateNumberOfMessagesVisible", "AWS/SQS",
        [{"Name": "QueueName", "Value": built.queue_name(c.failure_queue)}], 1, "Maximum",
    )
    assert built.metric(c.alarms["DestinationDeliveryFailures"]) == count_alarm(
        "DestinationDeliveryFailures", "AWS/Lambda", fn_dims(built, c), 1, "Sum"
    )
    assert built.metric(c.alarms["Errors"]) == count_alarm("Errors", "AWS/Lambda", fn_dims(built, c), 1, "Sum")
    for alarm in c.alarms.values():
        assert built.props(alarm)["AlarmActions"] == [TOPIC]


def test_stream_with_infinite_age_derives_from_the_retention(built: Built) -> None:
    # DynamoDB Streams keep records 24 h: half is 12 h
    assert built.props(built.stream_infinite.alarms["IteratorAge"])["Threshold"] == 12 * 3600 * 1000
    assert "AlarmActions" not in built.props(built.stream_infinite.alarms["IteratorAge"])


# --------------------------------------------------------------------------------------
# AsyncWorker
# --------------------------------------------------------------------------------------
def test_async_worker_alarms(built: Built) -> None:
    c = built.worker
    assert list(c.alarms) == [
        "AsyncEventsDropped", "AsyncEventAge", "DestinationDeliveryFailures", "FailureQueue", "Errors", "Throttles",
        "RuleDeadLetterQueue", "OrdersDeadLetterQueue",
    ]
    dims = fn_dims(built, c)
    assert built.metric(c.alarms["AsyncEventsDropped"]) == count_alarm("AsyncEventsDropped", "AWS/Lambda", dims, 1, "Sum")
    # half of max_event_age (1 h), in milliseconds
    assert built.metric(c.alarms["AsyncEventAge"]) == {
        "ComparisonOperator": "GreaterThanThreshold",
        "Dimensions": dims,
        "EvaluationPeriods": 1,
        "MetricName": "AsyncEventAge",
        "Namespace": "AWS/Lambda",
        "Period": 60,
        "Statistic": "Maximum",
        "Threshold": 1800 * 1000,
        "TreatMissingData": NOT_BREACHING,
    }
    assert built.metric(c.alarms["DestinationDeliveryFailures"]) == count_alarm(
        "DestinationDeliveryFailures", "AWS/Lambda", dims, 1, "Sum"
    )
    assert built.metric(c.alarms["FailureQueue"]) == count_alarm(
        "ApproximateNumberOfMessagesVisible", "AWS/SQS",
        [{"Name": "QueueName", "Value": built.queue_name(c.failure_queue)}], 1, "Maximum",
    )
    assert built.metric(c.alarms["Errors"]) == count_alarm("Errors", "AWS/Lambda", dims, 1, "Sum")
    assert built.metric(c.alarms["Throttles"]) == count_alarm("Throttles", "AWS/Lambda", dims, 1, "Sum")
    rule_dlq, topic_dlq = c.delivery_dead_letter_queues
    assert built.metric(c.alarms["RuleDeadLetterQueue"])["Dimensions"] == [{"Name": "QueueName", "Value": built.queue_name(rule_dlq)}]
    assert built.metric(c.alarms["OrdersDeadLetterQueue"])["Dimensions"] == [{"Name": "QueueName", "Value": built.queue_name(topic_dlq)}]
    for alarm in c.alarms.values():
        assert built.props(alarm)["AlarmActions"] == [TOPIC]
        assert built.props(alarm)["OKActions"] == [TOPIC]


# --------------------------------------------------------------------------------------
# SyncApiFunction
# --------------------------------------------------------------------------------------
def rate_alarm(errors: str, requests_stat: str, dimensions: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    def stat(name: str, statistic: str) -> dict[str, Any]:
        return {
            "Metric": {"Dimensions": dimensions, "MetricName": name, "Namespace": "AWS/ApiGateway"},
            "Period": 60,
            "Stat": statistic,
        }

    return {
        "ComparisonOperator": "GreaterThanThreshold",
        "DatapointsToAlarm": 3,
        "EvaluationPeriods": 3,
        "Metrics": [
            {"Expression": "FILL(errors, 0) / requests", "Id": "expr_1", "Label": "5XX rate", "ReturnData": True},
            {"Id": "errors", "MetricStat": stat(errors, "Sum"), "ReturnData": False},
            {"Id": "requests", "MetricStat": stat("Count", requests_stat), "ReturnData": False},
        ],
        "Threshold": threshold,
        "TreatMissingData": NOT_BREACHING,
    }


def latency_alarm(dimensions: list[dict[str, Any]], threshold_ms: float) -> dict[str, Any]:
    return {
        "ComparisonOperator": "GreaterThanThreshold",
        "DatapointsToAlarm": 3,
        "Dimensions": dimensions,
        "EvaluationPeriods": 5,
        "ExtendedStatistic": "p99",
        "MetricName": "IntegrationLatency",
        "Namespace": "AWS/ApiGateway",
        "Period": 60,
        "Threshold": threshold_ms,
        "TreatMissingData": NOT_BREACHING,
    }


def test_rest_api_alarms(built: Built) -> None:
    c = built.rest
    assert list(c.alarms) == ["ServerErrorRate", "IntegrationLatency", "Throttles"]
    # The names the construct gave the API and its stage, written as they are (no Ref needed).
    dims = [{"Name": "ApiName", "Value": "Rest"}, {"Name": "Stage", "Value": "prod"}]
    assert built.metric(c.alarms["ServerErrorRate"]) == rate_alarm("5XXError", "SampleCount", dims, 0.05)
    # 80 % of the 3 s function timeout (below the 29 s integration timeout)
    assert built.metric(c.alarms["IntegrationLatency"]) == latency_alarm(dims, 2400)
    assert built.metric(c.alarms["Throttles"]) == count_alarm("Throttles", "AWS/Lambda", fn_dims(built, c), 1, "Sum")
    for alarm in c.alarms.values():
        assert built.props(alarm)["AlarmActions"] == [TOPIC]


def test_http_api_alarms(built: Built) -> None:
    c = built.http
    dims = [{"Name": "ApiId", "Value": built.ref(c.api)}, {"Name": "Stage", "Value": "$default"}]
    assert built.metric(c.alarms["ServerErrorRate"]) == rate_alarm("5xx", "Sum", dims, 0.1)
    assert built.metric(c.alarms["IntegrationLatency"]) == latency_alarm(dims, 5000)
    assert built.metric(c.alarms["Throttles"]) == count_alarm("Throttles", "AWS/Lambda", fn_dims(built, c), 2, "Sum")
    assert "AlarmActions" not in built.props(c.alarms["Throttles"])


# --------------------------------------------------------------------------------------
# The container
# --------------------------------------------------------------------------------------
def test_alarms_is_a_dict_with_bulk_actions() -> None:
    stack = new_stack()
    consumer = QueueConsumer(stack, "C", code=INLINE, handler="index.handler")
    assert isinstance(consumer.alarms, Alarms) and isinstance(consumer.alarms, dict)
    topic = sns.Topic(stack, "T")
    consumer.alarms.add_ok_action(cw_actions.SnsAction(topic))
    template = Template.from_stack(stack).to_json()
    alarms = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == 5  # DeadLetterQueue, OldestMessageAge, Errors, Throttles, FailedInvokeEvents
    assert all(a["Properties"]["OKActions"] == [{"Ref": stack.resolve(stack.get_logical_id(topic.node.default_child))}] for a in alarms)
