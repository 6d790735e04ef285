"""A small test harness that runs our real handlers with each invocation model's semantics.

moto cannot execute Lambda code without Docker, so this harness plays Lambda's part
in-process, against moto's *real* SQS, DynamoDB (with streams) and EventBridge APIs
(``mock_aws``), configured from a *synthesized template*: the queues, tables and bus are
created with the template's properties (visibility timeout, redrive policy and
maxReceiveCount, stream view type...), every handler gets its function's environment
with the references resolved to those resources, and each driver reads the invocation
settings (batch size, partial batch responses, retries, bisection, filters, failure
destinations) from the event source mapping or event invoke config.

It is a test harness, not an emulator. Deliberate simplifications:

- invocations run one at a time (no concurrency, so ``max_concurrency`` is reported, not
  exercised), and no time passes: Lambda's async retry delays (1 and 2 minutes) and the
  event / record age limits are not simulated;
- SQS: a failed message's visibility is set to 0 instead of waiting out the visibility
  timeout, so it is received again at once; moto's own redrive policy moves it to the DLQ
  once it has been received maxReceiveCount times (as SQS does);
- streams: one shard, read from the start; partial batch responses checkpoint; a batch
  that fails as a whole is bisected (no retry consumed) down to single records, and a
  single record is retried ``MaximumRetryAttempts`` times before its metadata goes to the
  on-failure queue;
- Lambda's `Invoke` with ``InvocationType=Event`` and EventBridge's delivery to a Lambda
  target are in-memory queues the async driver drains.
"""

from __future__ import annotations

import importlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import boto3

ACCOUNT = "123456789012"
REGION = "eu-west-1"
MISSING = object()


# ----------------------------------------------------------------------------------------
# Event patterns (Lambda event filtering and EventBridge rules share the syntax)
# ----------------------------------------------------------------------------------------
def matches(pattern: Mapping[str, Any], data: Any) -> bool:
    """Does ``data`` match ``pattern``? Supports what our templates use: exact values,
    ``exists``, ``anything-but`` and ``prefix``; a list of rules is an OR."""
    for key, rule in pattern.items():
        value = data.get(key, MISSING) if isinstance(data, Mapping) else MISSING
        if isinstance(rule, Mapping):
            if not matches(rule, value if isinstance(value, Mapping) else {}):
                return False
        elif not any(_leaf(r, value) for r in rule):
            return False
    return True


def _leaf(rule: Any, value: Any) -> bool:
    if isinstance(rule, Mapping):
        if "exists" in rule:
            return (value is not MISSING) == rule["exists"]
        if "anything-but" in rule:
            excluded = rule["anything-but"]
            return value is not MISSING and value not in (excluded if isinstance(excluded, list) else [excluded])
        if "prefix" in rule:
            return isinstance(value, str) and value.startswith(rule["prefix"])
        raise NotImplementedError(f"filter rule {rule} is not supported by the harness")
    return value is not MISSING and value == rule


# ----------------------------------------------------------------------------------------
# The template's resources, created in moto
# ----------------------------------------------------------------------------------------
@dataclass
class Context:
    """The Lambda context object our handlers read (Powertools logger / idempotency)."""

    function_name: str
    timeout_s: int
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_s * 1000


class Harness:
    """The template's queues, tables and buses in moto, and its functions as callables.

    Use inside ``mock_aws()``; ``setenv`` is ``monkeypatch.setenv`` (environment restored
    after the test).
    """

    def __init__(self, template: Mapping[str, Any], setenv: Callable[[str, str], None]) -> None:
        self.template = template
        self.resources: Mapping[str, Any] = template["Resources"]
        self.setenv = setenv
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.dynamodb = boto3.client("dynamodb", region_name=REGION)
        self.events = boto3.client("events", region_name=REGION)
        # botocore addresses DescribeStream by account endpoint, which moto does not route.
        self.streams = boto3.client(
            "dynamodbstreams", region_name=REGION, endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com"
        )
        self.physical: dict[str, dict[str, str]] = {}
        self._create_resources()

    # -- resources ------------------------------------------------------------------------
    def _of_type(self, type_: str) -> dict[str, Any]:
        return {lid: r for lid, r in self.resources.items() if r["Type"] == type_}

    def _create_resources(self) -> None:
        for lid, res in self._of_type("AWS::Events::EventBus").items():
            arn = self.events.create_event_bus(Name=lid)["EventBusArn"]
            self.physical[lid] = {"Ref": lid, "Arn": arn, "Name": lid}
        for lid, res in self._of_type("AWS::DynamoDB::Table").items():
            props = res["Properties"]
            kwargs: dict[str, Any] = {
                "TableName": lid,
                "KeySchema": props["KeySchema"],
                "AttributeDefinitions": props["AttributeDefinitions"],
                "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
            }
            if "StreamSpecification" in props:
                kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
            table = self.dynamodb.create_table(**kwargs)["TableDescription"]
            self.physical[lid] = {"Ref": lid, "Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn", "")}
        # Dead-letter queues first: a redrive policy needs its target's ARN.
        queues = self._of_type("AWS::SQS::Queue")
        for lid in sorted(queues, key=lambda q: "RedrivePolicy" in queues[q].get("Properties", {})):
            props = queues[lid].get("Properties", {})
            attributes = {
                key: str(props[key]) for key in ("VisibilityTimeout", "MessageRetentionPeriod") if key in props
            }
            if "RedrivePolicy" in props:
                policy = props["RedrivePolicy"]
                attributes["RedrivePolicy"] = json.dumps(
                    {
                        "deadLetterTargetArn": self.resolve(policy["deadLetterTargetArn"]),
                        "maxReceiveCount": policy["maxReceiveCount"],
                    }
                )
            url = self.sqs.create_queue(QueueName=lid, Attributes=attributes)["QueueUrl"]
            arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self.physical[lid] = {"Ref": url, "Arn": arn, "QueueName": lid}
        for lid in self._of_type("AWS::Lambda::Function"):
            self.physical[lid] = {"Ref": lid, "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{lid}"}

    def resolve(self, value: Any) -> Any:
        """A template value with Ref / Fn::GetAtt / Fn::Join resolved to the moto resources."""
        if isinstance(value, Mapping):
            if "Ref" in value:
                return self.physical[value["Ref"]]["Ref"]
            if "Fn::GetAtt" in value:
                lid, attribute = value["Fn::GetAtt"]
                return self.physical[lid][attribute]
            if "Fn::Join" in value:
                sep, parts = value["Fn::Join"]
                return sep.join(str(self.resolve(p)) for p in parts)
        return value

    def logical_id(self, resource: Any) -> str:
        """The logical id a Ref / GetAtt points at."""
        return resource["Ref"] if "Ref" in resource else resource["Fn::GetAtt"][0]

    def queue_url(self, lid: str) -> str:
        return self.physical[lid]["Ref"]

    def function_id(self, handler: str) -> str:
        """The logical id of the one function whose handler is ``handler``."""
        (lid,) = [lid for lid, r in self._of_type("AWS::Lambda::Function").items() if r["Properties"]["Handler"] == handler]
        return lid

    def function(self, handler: str) -> Function:
        return Function(self, self.function_id(handler))

    def event_source_mapping(self, function: Function) -> dict[str, Any]:
        (props,) = [
            r["Properties"]
            for r in self._of_type("AWS::Lambda::EventSourceMapping").values()
            if r["Properties"]["FunctionName"] == {"Ref": function.logical_id}
        ]
        return props

    def event_invoke_config(self, function: Function) -> dict[str, Any]:
        (props,) = [
            r["Properties"]
            for r in self._of_type("AWS::Lambda::EventInvokeConfig").values()
            if r["Properties"]["FunctionName"] == {"Ref": function.logical_id}
        ]
        return props

    # -- small readers used by the tests ---------------------------------------------------
    def drain(self, queue_lid: str) -> list[dict[str, Any]]:
        """Every message of a queue (received and deleted), bodies parsed as JSON, with
        its attributes (``ApproximateReceiveCount`` includes this read)."""
        url, bodies = self.queue_url(queue_lid), []
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
            ).get("Messages", [])
            if not messages:
                return bodies
            for m in messages:
                bodies.append({"body": json.loads(m["Body"]), "message_id": m["MessageId"], "attributes": m.get("Attributes", {})})
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    def queue_depth(self, queue_lid: str) -> int:
        """Visible + in flight + delayed: what a queue still holds."""
        attrs = self.sqs.get_queue_attributes(QueueUrl=self.queue_url(queue_lid), AttributeNames=["All"])["Attributes"]
        return sum(
            int(attrs[k])
            for k in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")
        )


class Function:
    """One function of the template: its real handler, called with its own environment."""

    def __init__(self, harness: Harness, logical_id: str) -> None:
        self.harness = harness
        self.logical_id = logical_id
        props = harness.resources[logical_id]["Properties"]
        self.handler_path = props["Handler"]
        self.timeout_s = int(props.get("Timeout", 3))
        self.environment = {k: str(harness.resolve(v)) for k, v in props.get("Environment", {}).get("Variables", {}).items()}
        self.arn = harness.physical[logical_id]["Arn"]
        module_name, _, self.attribute = self.handler_path.rpartition(".")
        with self.env():
            # A fresh module per harness: module-level clients and caches bind to this mock.
            self.module = importlib.reload(importlib.import_module(module_name))
        self.invocations = 0

    @contextmanager
    def env(self) -> Iterator[None]:
        """This function's environment, set for the call (functions share variable names)."""
        for key, value in self.environment.items():
            self.harness.setenv(key, value)
        yield

    def __call__(self, event: Any) -> Any:
        self.invocations += 1
        with self.env():
            return getattr(self.module, self.attribute)(event, Context(self.logical_id, self.timeout_s))


# ----------------------------------------------------------------------------------------
# SQS: the event source mapping's poller
# ----------------------------------------------------------------------------------------
@dataclass
class QueueRun:
    invocations: int = 0
    deleted: int = 0
    returned: int = 0  # failures made visible again
    receives: Counter[str] = field(default_factory=Counter)  # deliveries per message id


def run_queue_consumer(harness: Harness, function: Function) -> QueueRun:
    """Poll the function's queue like Lambda until it is empty: batches of the mapping's
    BatchSize, the real SQS event, delete what succeeded, return failures to the queue
    (visibility 0); moto's redrive policy moves a message to the DLQ after maxReceiveCount
    receives."""
    mapping = harness.event_source_mapping(function)
    queue_lid = harness.logical_id(mapping["EventSourceArn"])
    url, arn = harness.queue_url(queue_lid), harness.physical[queue_lid]["Arn"]
    batch_size = int(mapping.get("BatchSize", 10))
    partial = "ReportBatchItemFailures" in mapping.get("FunctionResponseTypes", [])
    run = QueueRun()
    while True:
        messages = harness.sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(batch_size, 10),
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return run
        event = {"Records": [_sqs_record(m, arn) for m in messages]}
        run.invocations += 1
        run.receives.update(m["MessageId"] for m in messages)
        try:
            response = function(event)
            failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])} if partial else set()
        except Exception:  # noqa: BLE001 - a function error returns the whole batch
            failed = {m["MessageId"] for m in messages}
        for m in messages:
            if m["MessageId"] in failed:
                harness.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
                run.returned += 1
            else:
                harness.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                run.deleted += 1


def _sqs_record(message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
    """A message as Lambda's SQS event record."""
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {
            k: attributes[k]
            for k in ("ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp")
            if k in attributes
        },
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


# ----------------------------------------------------------------------------------------
# Asynchronous invocation: Lambda's internal queue, retries, on-failure destination
# ----------------------------------------------------------------------------------------
class AsyncInvoker:
    """Stands in for Lambda's ``Invoke(InvocationType=Event)`` and for EventBridge's
    delivery to a Lambda target: accepted events wait here until :func:`run_async_worker`."""

    def __init__(self) -> None:
        self.accepted: list[dict[str, Any]] = []

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803
        assert InvocationType == "Event", "the caller must invoke asynchronously"
        self.accepted.append(json.loads(Payload))
        return {"StatusCode": 202}


@dataclass
class AsyncRun:
    events: int = 0
    attempts: int = 0
    succeeded: int = 0
    failed: int = 0


def run_async_worker(harness: Harness, function: Function, events: list[dict[str, Any]]) -> AsyncRun:
    """Each event: 1 + MaximumRetryAttempts attempts (from the event invoke config), then the
    invocation record - the original event, the error, the condition - to the on-failure
    queue, as Lambda's destinations deliver it."""
    config = harness.event_invoke_config(function)
    retries = int(config.get("MaximumRetryAttempts", 2))
    destination = config["DestinationConfig"]["OnFailure"]["Destination"]
    failure_url = harness.queue_url(harness.logical_id(destination))
    run = AsyncRun(events=len(events))
    for event in events:
        for attempt in range(1, retries + 2):
            run.attempts += 1
            try:
                function(event)
            except Exception as error:  # noqa: BLE001 - the function error Lambda records
                if attempt <= retries:
                    continue
                harness.sqs.send_message(
                    QueueUrl=failure_url, MessageBody=json.dumps(_invocation_record(function, event, error, attempt))
                )
                run.failed += 1
            else:
                run.succeeded += 1
                break
    return run


def _invocation_record(function: Function, event: Any, error: Exception, attempts: int) -> dict[str, Any]:
    """The record an on-failure destination receives (AWS docs, "Capturing records of
    Lambda asynchronous invocations")."""
    return {
        "version": "1.0",
        "timestamp": datetime.now(timezone.utc).isoformat(),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"{function.arn}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": attempts,
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": []},
    }


def deliver_rule_targets(harness: Harness, capture_queue_url: str, rule_lid: str) -> list[dict[str, Any]]:
    """The events on the bus (captured by a catch-all rule into ``capture_queue_url``) that
    match the template rule ``rule_lid``'s pattern: what EventBridge would deliver to it."""
    pattern = harness.resources[rule_lid]["Properties"]["EventPattern"]
    return [event for event in _drain_url(harness, capture_queue_url) if matches(pattern, event)]


def capture_bus(harness: Harness, bus_lid: str) -> str:
    """A catch-all rule on the bus that copies every event to a queue; returns its URL."""
    url = harness.sqs.create_queue(QueueName=f"capture-{bus_lid}")["QueueUrl"]
    arn = harness.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = harness.physical[bus_lid]["Name"]
    harness.events.put_rule(Name="capture", EventBusName=bus, EventPattern=json.dumps({"account": [ACCOUNT]}))
    harness.events.put_targets(Rule="capture", EventBusName=bus, Targets=[{"Id": "capture", "Arn": arn}])
    return url


def _drain_url(harness: Harness, url: str) -> list[dict[str, Any]]:
    bodies = []
    while messages := harness.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for m in messages:
            bodies.append(json.loads(m["Body"]))
            harness.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


# ----------------------------------------------------------------------------------------
# Streams: the shard poller with checkpoints, bisection, retries and on-failure metadata
# ----------------------------------------------------------------------------------------
@dataclass
class StreamRun:
    records_read: int = 0
    filtered_out: int = 0
    invocations: int = 0
    bisections: int = 0
    retries: int = 0
    discarded_batches: int = 0
    discarded_records: int = 0


def read_stream(harness: Harness, table_lid: str) -> tuple[str, list[dict[str, Any]]]:
    """Every record of the table's stream (one shard, from TRIM_HORIZON), as Lambda's
    DynamoDB event records (moto's GetRecords shape plus ``eventSourceARN``)."""
    stream_arn = harness.physical[table_lid]["StreamArn"]
    (shard,) = harness.streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    iterator = harness.streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = []
    while iterator:
        page = harness.streams.get_records(ShardIterator=iterator)
        if not page["Records"]:
            break
        records += [{**r, "eventSourceARN": stream_arn} for r in page["Records"]]
        iterator = page.get("NextShardIterator")
    return shard["ShardId"], records


def run_stream_processor(harness: Harness, function: Function) -> StreamRun:
    """Read the function's table stream and invoke it like Lambda's stream poller."""
    mapping = harness.event_source_mapping(function)
    table_lid = harness.logical_id(mapping["EventSourceArn"])
    shard_id, records = read_stream(harness, table_lid)
    filters = [json.loads(f["Pattern"]) for f in mapping.get("FilterCriteria", {}).get("Filters", [])]
    run = StreamRun(records_read=len(records))
    if filters:
        kept = [r for r in records if any(matches(p, r) for p in filters)]
        run.filtered_out = len(records) - len(kept)
        records = kept
    batch_size = int(mapping.get("BatchSize", 100))
    retries = int(mapping.get("MaximumRetryAttempts", -1))
    bisect = bool(mapping.get("BisectBatchOnFunctionError", False))
    partial = "ReportBatchItemFailures" in mapping.get("FunctionResponseTypes", [])
    destination = mapping.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    pending = [records[i : i + batch_size] for i in range(0, len(records), batch_size)]
    while pending:
        batch, attempts = pending.pop(0), 0
        while batch:
            run.invocations += 1
            try:
                response = function({"Records": batch})
                failures = [f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])] if partial else []
            except Exception:  # noqa: BLE001 - the whole batch failed
                failures = [batch[0]["dynamodb"]["SequenceNumber"]]
            if not failures:
                break
            sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
            first = min(sequence_numbers.index(f) for f in failures)
            if first > 0:  # checkpoint before the first failure, retry from there
                batch = batch[first:]
                continue
            if bisect and len(batch) > 1:  # splitting does not consume a retry
                run.bisections += 1
                half = len(batch) // 2
                pending.insert(0, batch[half:])
                batch, attempts = batch[:half], 0
                continue
            attempts += 1
            if retries < 0 or attempts <= retries:
                run.retries += 1
                continue
            if destination is not None:
                harness.sqs.send_message(
                    QueueUrl=harness.queue_url(harness.logical_id(destination)),
                    MessageBody=json.dumps(_stream_failure_record(function, shard_id, batch, attempts)),
                )
            run.discarded_batches += 1
            run.discarded_records += len(batch)
            batch = []
    return run


def _stream_failure_record(function: Function, shard_id: str, batch: list[dict[str, Any]], attempts: int) -> dict[str, Any]:
    """The metadata a stream's on-failure destination receives (not the records)."""
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function.arn,
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": attempts,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": datetime.now(timezone.utc).isoformat(),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
            "batchSize": len(batch),
            "streamArn": batch[0]["eventSourceARN"],
        },
    }
