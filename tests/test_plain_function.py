"""PlainFunction: the library's function defaults, without a trigger; and the public API."""

from __future__ import annotations

import subprocess
import sys

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match, Template

import constructs_lib
from constructs_lib import ConstructPropsError, PlainFunction
from tests.conftest import INLINE, ROOT, assert_error


@pytest.fixture(scope="module")
def built() -> tuple[PlainFunction, Template]:
    stack = Stack(App(), "Plain")
    fn = PlainFunction(stack, "Checkout", code=INLINE, handler="index.handler", timeout=Duration.seconds(10))
    return fn, Template.from_stack(stack)


def test_defaults(built: tuple[PlainFunction, Template]) -> None:
    _, template = built
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "MemorySize": 256,
            "Timeout": 10,
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": {"LogGroup": {"Ref": Match.string_like_regexp("CheckoutLogGroup")}},
        },
    )
    template.has_resource("AWS::Logs::LogGroup", {"Properties": {"RetentionInDays": 30}, "DeletionPolicy": "Retain"})


def test_nothing_but_the_function_its_role_and_its_log_group(built: tuple[PlainFunction, Template]) -> None:
    _, template = built
    types = sorted(r["Type"] for r in template.to_json()["Resources"].values())
    assert types == ["AWS::IAM::Policy", "AWS::IAM::Role", "AWS::Lambda::Function", "AWS::Logs::LogGroup"]


def test_role_may_only_write_its_own_logs_and_traces(built: tuple[PlainFunction, Template]) -> None:
    _, template = built
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    actions = sorted(
        a for s in policy["Properties"]["PolicyDocument"]["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    )
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    template.resource_count_is("AWS::IAM::Role", 1)
    assert not template.find_resources("AWS::IAM::Role", {"Properties": {"ManagedPolicyArns": Match.any_value()}})


def test_attributes(built: tuple[PlainFunction, Template]) -> None:
    fn, _ = built
    assert isinstance(fn.function, lambda_.Function)
    assert fn.role is fn.function.role
    assert fn.log_group.node.id == "LogGroup"
    assert PlainFunction.DEFAULT_RUNTIME.name == "python3.14"
    assert PlainFunction.DEFAULT_ARCHITECTURE.name == "arm64"


@pytest.mark.parametrize(
    ("props", "fragments"),
    [
        ({"timeout": Duration.seconds(901)}, ("timeout", "900")),
        ({"memory_size": 127}, ("memory_size", "127")),
        ({"memory_size": 10241}, ("memory_size", "10241")),
        ({"reserved_concurrent_executions": 0}, ("reserved_concurrent_executions 0",)),
        ({"recursive_loop": lambda_.RecursiveLoop.ALLOW}, ("recursive_loop", "recursive_loop_reason")),
        ({"recursive_loop_reason": "bounded"}, ("recursive_loop_reason",)),
        ({"function_props": {"recursive_loop": lambda_.RecursiveLoop.ALLOW}}, ("function_props", "recursive_loop")),
        # The same type and unit layer as the four constructs (no raw TypeError / jsii error).
        ({"code": "x"}, ("code 'x' is of type str", "lambda_.Code")),
        ({"handler": 5}, ("handler 5 is of type int",)),
        ({"environment": {"A": 1}}, ("environment",)),
        ({"layers": "abc"}, ("layers",)),
        ({"timeout": 30}, ("timeout 30 is of type int", "Duration.seconds(30)")),
        ({"timeout": Duration.millis(1500)}, ("timeout", "not a whole number of seconds")),
        ({"memory_size": 200.5}, ("memory_size 200.5 is not a whole number",)),
        ({"function_props": {"timeout": Duration.seconds(3)}}, ("function_props sets timeout", "PlainFunction sets itself")),
    ],
)
def test_bad_props_are_errors(props: dict, fragments: tuple[str, ...]) -> None:
    stack = Stack(App(), "Bad")
    with pytest.raises(ConstructPropsError) as exc:
        PlainFunction(stack, "Fn", **{"code": INLINE, "handler": "index.handler", "timeout": Duration.seconds(10), **props})
    assert_error(exc, "PlainFunction 'Bad/Fn'", *fragments)


@pytest.mark.parametrize(("props"), [{"timeout": Duration.seconds(900)}, {"memory_size": 128}, {"memory_size": 10240}])
def test_last_good_values(props: dict) -> None:
    PlainFunction(Stack(App(), "Good"), "Fn", code=INLINE, handler="index.handler", **{"timeout": Duration.seconds(1), **props})


def test_recursion_allowed_with_a_reason_warns_and_is_written() -> None:
    stack = Stack(App(), "Loop")
    PlainFunction(
        stack, "Fn", code=INLINE, handler="index.handler", timeout=Duration.seconds(5),
        recursive_loop=lambda_.RecursiveLoop.ALLOW, recursive_loop_reason="re-queues at most 3 times",
    )
    Template.from_stack(stack).has_resource_properties("AWS::Lambda::Function", {"RecursiveLoop": "Allow"})
    Annotations.from_stack(stack).has_warning("*", Match.string_like_regexp("re-queues at most 3 times"))


def test_tokens_are_not_validated() -> None:
    stack = Stack(App(), "Tokens")
    memory = CfnParameter(stack, "Memory", type="Number").value_as_number
    PlainFunction(stack, "Fn", code=INLINE, handler="index.handler", timeout=Duration.seconds(5), memory_size=memory)


# ---------------------------------------------------------------------- the public API
def test_every_public_name_resolves() -> None:
    for name in constructs_lib.__all__:
        assert getattr(constructs_lib, name) is not None
    assert sorted(constructs_lib.__all__) == sorted(constructs_lib._EXPORTS)


def test_infinite_and_the_checks_plugin_are_public() -> None:
    from constructs_lib import INFINITE, InvocationModelChecks
    from constructs_lib.checks import InvocationModelChecks as from_checks
    from constructs_lib.stream_processor import INFINITE as from_module

    assert INFINITE == from_module == -1
    assert InvocationModelChecks is from_checks


def test_package_and_infinite_import_without_aws_cdk() -> None:
    code = (
        "import sys\nimport constructs_lib\nconstructs_lib.INFINITE\nimport constructs_lib.handlers\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.strip() == "[]"


def test_reference_stacks_use_the_public_api_only() -> None:
    """Users copy the reference stacks: no private module (``constructs_lib._function``...)."""
    import ast

    private = []
    for path in (ROOT / "stacks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("constructs_lib"):
                if any(part.startswith("_") for part in node.module.split(".")):
                    private.append(f"{path.name}: from {node.module} import ...")
    assert private == []
