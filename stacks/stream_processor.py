"""The StreamProcessor examples: a Kinesis data stream and a DynamoDB stream, each with its
ordered handler, bounded retries and an encrypted on-failure queue."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from constructs import Construct

from constructs_lib import StreamProcessor
from stacks._packaging import dependencies_layer, handler_code


class StreamProcessorKinesisExample(Stack):
    """Order events on a 2-shard, KMS-encrypted Kinesis stream.

    ``parallelization_factor=2`` runs two batches per shard (order kept per partition
    key), so the function reserves 2 shards x 2 = 4 executions - the smallest value the
    construct accepts. Retries (3), record age (6 h), bisection, partial batch responses
    and the 14-day failure queue are the construct's defaults.
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.stream = kinesis.Stream(
            self,
            "OrderEvents",
            shard_count=2,
            retention_period=Duration.hours(24),
            encryption=kinesis.StreamEncryption.MANAGED,
        )
        self.processor = StreamProcessor(
            self,
            "OrderEventsProcessor",
            code=handler_code(),
            handler="streams.kinesis_handler.lambda_handler",
            layers=[dependencies_layer(self)],
            stream=self.stream,
            parallelization_factor=2,
            reserved_concurrent_executions=4,
            max_batching_window=Duration.seconds(1),
            environment={"POWERTOOLS_SERVICE_NAME": "order-events"},
            description="Processes order events in shard order (ordered partial batch responses)",
        )
        CfnOutput(self, "StreamName", value=self.stream.stream_name)
        CfnOutput(self, "FunctionName", value=self.processor.function.function_name)
        CfnOutput(self, "EventSourceMappingId", value=self.processor.event_source_mapping.event_source_mapping_id)
        CfnOutput(self, "FailureQueueUrl", value=self.processor.failure_queue.queue_url)  # type: ignore[union-attr]


class StreamProcessorDynamoDbExample(Stack):
    """Status changes of an orders table (NEW_AND_OLD_IMAGES stream, AWS-managed KMS key).

    The record age stays at the 6 h default, inside the 24 h retention of DynamoDB
    Streams; discarded batches' metadata goes to the encrypted failure queue.
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.table = dynamodb.Table(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="Id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        )
        self.processor = StreamProcessor(
            self,
            "OrderChangesProcessor",
            code=handler_code(),
            handler="streams.ddb_handler.lambda_handler",
            layers=[dependencies_layer(self)],
            table=self.table,
            environment={"POWERTOOLS_SERVICE_NAME": "order-changes"},
            description="Processes order status changes in shard order (ordered partial batch responses)",
        )
        CfnOutput(self, "TableName", value=self.table.table_name)
        CfnOutput(self, "FunctionName", value=self.processor.function.function_name)
        CfnOutput(self, "EventSourceMappingId", value=self.processor.event_source_mapping.event_source_mapping_id)
        CfnOutput(self, "FailureQueueUrl", value=self.processor.failure_queue.queue_url)  # type: ignore[union-attr]
