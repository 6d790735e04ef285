"""Recursive loop detection stated on every function the constructs make: TERMINATE by
default, ALLOW only with a reason (and a warning), a reason only with ALLOW."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import AsyncWorker, ConstructPropsError, QueueConsumer, StreamProcessor, SyncApiFunction
from tests.conftest import INLINE, assert_error, new_stack


def _table(stack: Stack) -> dynamodb.Table:
    return dynamodb.Table(
        stack, "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )


MAKERS: dict[str, Callable[..., Any]] = {
    "QueueConsumer": lambda stack, **p: QueueConsumer(stack, "C", code=INLINE, handler="index.handler", **p),
    "StreamProcessor": lambda stack, **p: StreamProcessor(stack, "C", code=INLINE, handler="index.handler", table=_table(stack), **p),
    "AsyncWorker": lambda stack, **p: AsyncWorker(stack, "C", code=INLINE, handler="index.handler", **p),
    "SyncApiFunction": lambda stack, **p: SyncApiFunction(stack, "C", code=INLINE, handler="index.handler", api="http", **p),
    "SyncApiFunction(url)": lambda stack, **p: SyncApiFunction(
        stack, "C", code=INLINE, handler="index.handler", api="url", reserved_concurrent_executions=5, **p
    ),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_terminate_is_stated_by_default(kind: str) -> None:
    stack = new_stack()
    MAKERS[kind](stack)
    Template.from_stack(stack).has_resource_properties("AWS::Lambda::Function", {"RecursiveLoop": "Terminate"})


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_allow_needs_a_reason(kind: str) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        MAKERS[kind](new_stack(), recursive_loop=lambda_.RecursiveLoop.ALLOW)
    assert exc.value.prop == "recursive_loop"
    assert_error(exc, "'Test/C'", "recursive_loop ALLOW", "recursive_loop_reason", "invocation-recursion.html")


@pytest.mark.parametrize("kind", ["QueueConsumer", "AsyncWorker"])
def test_allow_with_a_reason_warns_with_the_reason(kind: str) -> None:
    stack = new_stack()
    MAKERS[kind](stack, recursive_loop=lambda_.RecursiveLoop.ALLOW, recursive_loop_reason="re-queues itself at most 3 times")
    Template.from_stack(stack).has_resource_properties("AWS::Lambda::Function", {"RecursiveLoop": "Allow"})
    warnings = Annotations.from_stack(stack).find_warning(
        "/Test/C", Match.string_like_regexp("re-queues itself at most 3 times")
    )
    assert len(warnings) == 1
    assert "constructs-lib:recursive-loop-allowed" in str(warnings[0].entry.data)


@pytest.mark.parametrize("loop", [None, lambda_.RecursiveLoop.TERMINATE])
def test_a_reason_without_allow_is_an_error(loop: lambda_.RecursiveLoop | None) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        MAKERS["AsyncWorker"](new_stack(), recursive_loop=loop, recursive_loop_reason="because")
    assert exc.value.prop == "recursive_loop_reason"


def test_function_props_cannot_bypass_the_check() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        MAKERS["QueueConsumer"](new_stack(), function_props={"recursive_loop": lambda_.RecursiveLoop.ALLOW})
    assert exc.value.prop == "function_props"
