"""A separate CDK app that uses constructs-lib as a pip dependency (tests/packaging).

It imports nothing from the constructs-lib repository: only the installed wheel. Run with
the python of a virtualenv where the wheel is installed:

    python app.py OUTDIR

It synthesizes one stack with all four constructs, with the invocation-model checks
plugin on the app (an error finding would fail the synth; one deliberate warning shows the
plugin ran), and prints one JSON line:
where constructs_lib was imported from, its version, and the resource types per stack.
"""

from __future__ import annotations

import json
import sys

from aws_cdk import App, Duration, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_

import constructs_lib
from constructs_lib import AsyncWorker, Authorization, QueueConsumer, StreamProcessor, SyncApiFunction
from constructs_lib.checks import InvocationModelChecks

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")


class ShopStack(Stack):
    def __init__(self, scope: App, id: str) -> None:
        super().__init__(scope, id)
        self.consumer = QueueConsumer(
            self, "Payments", code=CODE, handler="index.handler",
            timeout=Duration.seconds(20), reserved_concurrent_executions=5,
            # Deliberately below the recommended 5: the construct warns, and the checks
            # plugin reports a warning (which does not fail the synth) - proof it ran.
            max_receive_count=3,
        )
        stream = kinesis.Stream(self, "Events", shard_count=1, encryption=kinesis.StreamEncryption.MANAGED)
        self.kinesis = StreamProcessor(self, "EventsProcessor", code=CODE, handler="index.handler", stream=stream)
        table = dynamodb.Table(
            self, "Orders",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        )
        self.changes = StreamProcessor(self, "ChangesProcessor", code=CODE, handler="index.handler", table=table)
        self.worker = AsyncWorker(self, "Confirmation", code=CODE, handler="index.handler")
        self.worker.grant_invoke(self.consumer.function, environment_variable="CONFIRMATION_FUNCTION_NAME")
        self.api = SyncApiFunction(
            self, "OrdersApi", code=CODE, handler="index.handler", api="http",
            timeout=Duration.seconds(5), authorization=Authorization.iam(),
        )


def main(outdir: str) -> None:
    app = App(outdir=outdir)
    plugin = InvocationModelChecks()
    Validations.of(app).add_plugins(plugin)
    ShopStack(app, "Shop")
    assembly = app.synth()
    print(
        json.dumps(
            {
                "constructs_lib_file": constructs_lib.__file__,
                "version": constructs_lib.__version__,
                "findings": [f.rule_id for f in plugin.findings if f.applicable],
                "stacks": {
                    s.stack_name: sorted({r["Type"] for r in s.template["Resources"].values()})
                    for s in assembly.stacks
                },
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
