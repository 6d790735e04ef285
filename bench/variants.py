"""The benchmark matrix: one builder per (case, variant).

Cases are the invocation models (``queue``, ``kinesis``, ``dynamodb``, ``async``,
``api``); variants are ``ours`` (constructs_lib, defaults: alarms included),
``equivalent`` (hand-written aws-cdk-lib that makes the same resources: the same
protections, least-privilege statements and alarms; ``bench/compare.py`` checks it),
``minimal`` (aws-cdk-lib defaults) and ``solutions`` (the AWS Solutions Constructs
pattern, where one exists). A builder adds one instance to a scope:
``builder(scope, id, code)``.

The Solutions Constructs 2.105.0 cannot be installed next to aws-cdk-lib 2.275 by pip's
resolver (they pin ``aws-cdk.cloud-assembly-schema<55``; aws-cdk-lib 2.275 needs
``>=55``), so ``make bench`` installs them with ``--no-deps`` into ``SOLUTIONS_DIR`` and
only the benchmark puts that directory on ``sys.path``. They run fine at synth time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from bench import handwritten as hw

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = ROOT / ".venv" / "bench-solutions-constructs"
SOLUTIONS_VERSION = "2.105.0"

Builder = Callable[[Construct, str, lambda_.Code], None]

CASES = ("queue", "kinesis", "dynamodb", "async", "api")
VARIANTS = ("ours", "equivalent", "minimal", "solutions")
CASE_TITLES = {
    "queue": "QueueConsumer (SQS)",
    "kinesis": "StreamProcessor (Kinesis)",
    "dynamodb": "StreamProcessor (DynamoDB)",
    "async": "AsyncWorker",
    "api": "SyncApiFunction (REST)",
}
SOLUTIONS_PATTERNS = {
    "queue": "aws-sqs-lambda",
    "kinesis": "aws-kinesisstreams-lambda",
    "dynamodb": "aws-dynamodbstreams-lambda",
    "api": "aws-apigateway-lambda",
}


# --------------------------------------------------------------------------- ours
def _ours(case: str) -> Builder:
    def build(scope: Construct, id: str, code: lambda_.Code) -> None:
        from constructs_lib import AsyncWorker, QueueConsumer, StreamProcessor, SyncApiFunction

        cls: Any = {
            "queue": QueueConsumer,
            "kinesis": StreamProcessor,
            "dynamodb": StreamProcessor,
            "async": AsyncWorker,
            "api": SyncApiFunction,
        }[case]
        props: dict[str, Any] = {}
        if case == "kinesis":
            props["stream"] = hw.kinesis_source(scope, f"{id}Stream")
        elif case == "dynamodb":
            props["table"] = hw.table_source(scope, f"{id}Table")
        cls(scope, id, code=code, handler=hw.HANDLER, **props)

    build.__name__ = f"ours_{case}"
    return build


# --------------------------------------------------------------------------- Solutions Constructs
def solutions_available() -> bool:
    if SOLUTIONS_DIR.is_dir() and str(SOLUTIONS_DIR) not in sys.path:
        sys.path.append(str(SOLUTIONS_DIR))
    try:
        import aws_solutions_constructs.core  # noqa: F401
    except ImportError:
        return False
    return True


def _fn_props(code: lambda_.Code) -> lambda_.FunctionProps:
    return lambda_.FunctionProps(code=code, handler=hw.HANDLER, runtime=lambda_.Runtime.PYTHON_3_14)


def solutions_queue(scope: Construct, id: str, code: lambda_.Code) -> None:
    from aws_solutions_constructs.aws_sqs_lambda import SqsToLambda

    SqsToLambda(scope, id, lambda_function_props=_fn_props(code))


def solutions_kinesis(scope: Construct, id: str, code: lambda_.Code) -> None:
    from aws_solutions_constructs.aws_kinesis_streams_lambda import KinesisStreamsToLambda

    KinesisStreamsToLambda(scope, id, lambda_function_props=_fn_props(code))


def solutions_dynamodb(scope: Construct, id: str, code: lambda_.Code) -> None:
    from aws_solutions_constructs.aws_dynamodbstreams_lambda import DynamoDBStreamsToLambda

    DynamoDBStreamsToLambda(
        scope,
        id,
        lambda_function_props=_fn_props(code),
        dynamo_table_props=dynamodb.TableProps(
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
        ),
    )


def solutions_api(scope: Construct, id: str, code: lambda_.Code) -> None:
    from aws_solutions_constructs.aws_apigateway_lambda import ApiGatewayToLambda

    ApiGatewayToLambda(scope, id, lambda_function_props=_fn_props(code))


BUILDERS: dict[tuple[str, str], Builder] = {
    **{(case, "ours"): _ours(case) for case in CASES},
    ("queue", "equivalent"): hw.equivalent_queue,
    ("kinesis", "equivalent"): hw.equivalent_kinesis,
    ("dynamodb", "equivalent"): hw.equivalent_dynamodb,
    ("async", "equivalent"): hw.equivalent_async,
    ("api", "equivalent"): hw.equivalent_api,
    ("queue", "minimal"): hw.minimal_queue,
    ("kinesis", "minimal"): hw.minimal_kinesis,
    ("dynamodb", "minimal"): hw.minimal_dynamodb,
    ("async", "minimal"): hw.minimal_async,
    ("api", "minimal"): hw.minimal_api,
    ("queue", "solutions"): solutions_queue,
    ("kinesis", "solutions"): solutions_kinesis,
    ("dynamodb", "solutions"): solutions_dynamodb,
    ("api", "solutions"): solutions_api,
}
