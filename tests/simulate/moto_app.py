"""A synthesized template's data resources in moto, and its functions as real handlers.

moto cannot run Lambda code without Docker, and it need not: ``constructs_lib.simulate``
plays the Lambda service (pollers, visibility timeouts, retries, destinations) and calls
the handlers of ``lambda_src/`` through a :class:`~constructs_lib.simulate.HandlerInvoker`.
What the handlers themselves call - DynamoDB tables (with streams), SQS queues, the
EventBridge bus - is moto's (``mock_aws``), created here with the template's properties;
each handler runs with its function's environment, references resolved to them.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import boto3

from constructs_lib.simulate.invokers import ACCOUNT, REGION


class MotoApp:
    """Use inside ``mock_aws()``; ``setenv`` is ``monkeypatch.setenv``."""

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
        self._create()

    def of_type(self, type_: str) -> dict[str, Any]:
        return {lid: r for lid, r in self.resources.items() if r["Type"] == type_}

    def _create(self) -> None:
        for lid in self.of_type("AWS::Events::EventBus"):
            arn = self.events.create_event_bus(Name=lid)["EventBusArn"]
            self.physical[lid] = {"Ref": lid, "Arn": arn, "Name": lid}
        for lid, res in self.of_type("AWS::DynamoDB::Table").items():
            props = res["Properties"]
            kwargs: dict[str, Any] = {
                "TableName": lid, "KeySchema": props["KeySchema"], "AttributeDefinitions": props["AttributeDefinitions"],
                "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
            }
            if "StreamSpecification" in props:
                kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
            table = self.dynamodb.create_table(**kwargs)["TableDescription"]
            self.physical[lid] = {"Ref": lid, "Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn", "")}
        for lid in self.of_type("AWS::SQS::Queue"):
            url = self.sqs.create_queue(QueueName=lid)["QueueUrl"]
            arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self.physical[lid] = {"Ref": url, "Arn": arn, "QueueName": lid}
        for lid in self.of_type("AWS::Lambda::Function"):
            self.physical[lid] = {"Ref": lid, "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{lid}"}

    def resolve(self, value: Any) -> Any:
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

    def function_id(self, handler: str) -> str:
        (lid,) = [lid for lid, r in self.of_type("AWS::Lambda::Function").items() if r["Properties"].get("Handler") == handler]
        return lid

    def handler(self, handler_path: str) -> tuple[Any, Callable[[Any, Any], Any]]:
        """(the handler's module, a callable that runs it with its function's environment)."""
        props = self.resources[self.function_id(handler_path)]["Properties"]
        environment = {k: str(self.resolve(v)) for k, v in props.get("Environment", {}).get("Variables", {}).items()}
        module_name, _, attribute = handler_path.rpartition(".")

        def with_env() -> None:
            for key, value in environment.items():
                self.setenv(key, value)

        with_env()
        # A fresh module per app: module-level clients and caches bind to this mock.
        module = importlib.reload(importlib.import_module(module_name))

        def call(event: Any, context: Any) -> Any:
            with_env()
            return getattr(module, attribute)(event, context)

        return module, call

    # -- reading what the handlers wrote -----------------------------------------------
    def drain(self, queue_lid: str) -> list[Any]:
        """Every message body of a queue (received and deleted), parsed as JSON."""
        return drain_url(self.sqs, self.physical[queue_lid]["Ref"])

    def stream_records(self, table_lid: str) -> list[dict[str, Any]]:
        """Every record of the table's stream (one shard, from TRIM_HORIZON)."""
        stream_arn = self.physical[table_lid]["StreamArn"]
        (shard,) = self.streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
        iterator = self.streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records: list[dict[str, Any]] = []
        while iterator:
            page = self.streams.get_records(ShardIterator=iterator)
            if not page["Records"]:
                break
            records += page["Records"]
            iterator = page.get("NextShardIterator")
        return records

    def capture_bus(self, bus_lid: str) -> str:
        """A catch-all rule on the bus that copies every event to a queue; its URL."""
        url = self.sqs.create_queue(QueueName=f"capture-{bus_lid}")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        bus = self.physical[bus_lid]["Name"]
        self.events.put_rule(Name="capture", EventBusName=bus, EventPattern=json.dumps({"account": [ACCOUNT]}))
        self.events.put_targets(Rule="capture", EventBusName=bus, Targets=[{"Id": "capture", "Arn": arn}])
        return url


def drain_url(sqs: Any, url: str) -> list[Any]:
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for m in messages:
            bodies.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies
