"""AWS::Lambda::Function keeps ``RecursiveLoop``, and Lambda's recursion-config API answers it.

moto gap: moto models neither the function's recursive loop detection nor the
``GetFunctionRecursionConfig`` / ``PutFunctionRecursionConfig`` operations
(``/2024-08-31/functions/<name>/recursion-config``), and its CloudFormation handler drops the
``RecursiveLoop`` property. We keep the value on the function (``Terminate``, Lambda's default,
when unset), route the two operations to moto's Lambda responses, and answer them as Lambda
does. Source: https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionRecursionConfig.html
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.awslambda import urls
from moto.awslambda.models import LambdaFunction

from ._base import keep_after_cloudformation
from moto.awslambda.responses import LambdaResponse

_INSTALLED = "_constructs_lib_recursion"
#: Lambda's default: recursive loops are detected and stopped.
DEFAULT = "Terminate"
PATH = r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/recursion-config/?$"


def recursive_loop(fn: LambdaFunction) -> str:
    return str(getattr(fn, "recursive_loop", None) or DEFAULT)


def _function_name(response: LambdaResponse) -> str:
    return unquote(response.path.split("?")[0].rstrip("/").split("/")[-2])


def get_function_recursion_config(self: LambdaResponse) -> tuple[int, dict[str, Any], str]:
    fn = self.backend.get_function(_function_name(self))
    return 200, {}, json.dumps({"RecursiveLoop": recursive_loop(fn)})


def put_function_recursion_config(self: LambdaResponse) -> tuple[int, dict[str, Any], str]:
    fn = self.backend.get_function(_function_name(self))
    fn.recursive_loop = self.json_body["RecursiveLoop"]  # type: ignore[attr-defined]
    return 200, {}, json.dumps({"RecursiveLoop": recursive_loop(fn)})


def install() -> None:
    if getattr(LambdaFunction, _INSTALLED, False):
        return
    urls.url_paths[PATH] = LambdaResponse.dispatch
    LambdaResponse.get_function_recursion_config = get_function_recursion_config  # type: ignore[attr-defined]
    LambdaResponse.put_function_recursion_config = put_function_recursion_config  # type: ignore[attr-defined]

    original_init = LambdaFunction.__init__

    def __init__(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self.recursive_loop = spec.get("RecursiveLoop")  # type: ignore[attr-defined]

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]

    def keep(fn: LambdaFunction, properties: dict[str, Any]) -> None:
        fn.recursive_loop = properties.get("RecursiveLoop")  # type: ignore[attr-defined]

    keep_after_cloudformation(LambdaFunction, keep)
    setattr(LambdaFunction, _INSTALLED, True)
