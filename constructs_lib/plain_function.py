"""PlainFunction: a Lambda function with this library's defaults and no trigger of its own.

For a function whose invocation model is somebody else's business - a function that calls
an ``AsyncWorker`` (``worker.grant_invoke(caller.function, ...)``), a function invoked by a
Step Functions task or by hand - which should still get what every function of this
library gets: the newest Python runtime, arm64, 256 MB, its own log group with finite
retention, active tracing and a least-privilege execution role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib import limits
from constructs_lib._function import (
    DEFAULT_ARCHITECTURE,
    DEFAULT_RUNTIME,
    create_function,
    function_rule_violations,
    validate_recursive_loop,
)
from constructs_lib._validation import check_props, plain_function_specs, raise_first


class PlainFunction(Construct):
    """A ``lambda_.Function`` with the defaults the four invocation-model constructs share.

    It adds no trigger, retry, destination or alarm: whoever invokes it owns those. Use
    one of the four constructs when an AWS service invokes the function.

    Example::

        checkout = PlainFunction(
            stack, "Checkout",
            code=lambda_.Code.from_inline("def handler(event, context):\\n    return {}\\n"),
            handler="index.handler",
            timeout=Duration.seconds(10),
        )
        worker.grant_invoke(checkout.function, environment_variable="WORKER_FUNCTION_NAME")

    :param code: the function's code (``lambda_.Code``). Required.
    :param handler: the handler, e.g. ``"app.handler"``. Required.
    :param timeout: the function timeout, 1 s to 15 min. Required: without a trigger
        there is no invocation model to derive it from, so it is your decision (Lambda's
        own default, 3 s, is seldom the right one).
    :param runtime: default the newest Python runtime aws-cdk-lib knows (3.14): the
        longest support window ahead.
    :param architecture: default arm64: cheaper per GB-second than x86_64 for the same code.
    :param memory_size: default 256 MB: CPU scales with memory, and 128 MB makes cold
        starts with boto3 or Powertools slow. 128 to 10,240 MB.
    :param environment: environment variables. Default none.
    :param reserved_concurrent_executions: cap on concurrent executions, e.g. to protect
        what the function calls. Default none (no reservation). 0 is an error: nothing
        would ever run. Above the account's concurrency quota minus the 100 executions
        Lambda keeps unreserved (900 by default) is an error too; state a raised quota in
        the context ``constructs-lib:account-concurrency``.
    :param layers: Lambda layers. Default none.
    :param description: the function's description. Default none.
    :param log_retention: retention of the function's own log group. Default 30 days:
        finite, so logs do not accumulate forever.
    :param recursive_loop: Lambda's recursive loop detection. Default
        ``lambda_.RecursiveLoop.TERMINATE``, written into the template: Lambda stops a loop
        through Lambda, SQS, SNS or S3 after about 16 invocations instead of running (and
        billing) until someone notices. ``ALLOW`` only with ``recursive_loop_reason``, and
        then with a ``constructs-lib:recursive-loop-allowed`` warning.
    :param recursive_loop_reason: why the recursion is deliberate and bounded; required with
        ``ALLOW``, an error otherwise. Default none.
    :param function_props: escape hatch: any other ``lambda_.Function`` keyword argument
        (``vpc``, ``role``...), passed through unchanged. Default none.

    Attributes: ``function`` (the ``lambda_.Function``), ``role`` (its execution role),
    ``log_group`` (its log group).
    """

    #: The runtime every function of this library gets by default.
    DEFAULT_RUNTIME: ClassVar[lambda_.Runtime] = DEFAULT_RUNTIME
    #: The architecture every function of this library gets by default.
    DEFAULT_ARCHITECTURE: ClassVar[lambda_.Architecture] = DEFAULT_ARCHITECTURE

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: lambda_.Code,
        handler: str,
        timeout: Duration,
        runtime: lambda_.Runtime | None = None,
        architecture: lambda_.Architecture | None = None,
        memory_size: int | None = None,
        environment: Mapping[str, str] | None = None,
        reserved_concurrent_executions: int | None = None,
        layers: Sequence[lambda_.ILayerVersion] | None = None,
        description: str | None = None,
        log_retention: logs.RetentionDays | None = None,
        recursive_loop: lambda_.RecursiveLoop | None = None,
        recursive_loop_reason: str | None = None,
        function_props: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(scope, id)
        plain = check_props(self, plain_function_specs(), locals(), source=limits.SRC_LAMBDA_QUOTAS)
        raise_first(self, *function_rule_violations(plain, self))
        validate_recursive_loop(self, recursive_loop, recursive_loop_reason, function_props)
        self.function: lambda_.Function = create_function(
            self,
            code=code,
            handler=handler,
            timeout=timeout,
            runtime=runtime,
            architecture=architecture,
            memory_size=memory_size,
            environment=environment,
            reserved_concurrent_executions=reserved_concurrent_executions,
            layers=layers,
            description=description,
            log_retention=log_retention,
            recursive_loop=recursive_loop,
            function_props=function_props,
        )
        role = self.function.role
        assert role is not None  # create_function always gives the function a role
        self.role: iam.IRole = role
        log_group = self.node.find_child("LogGroup")
        assert isinstance(log_group, logs.LogGroup)
        self.log_group: logs.LogGroup = log_group
