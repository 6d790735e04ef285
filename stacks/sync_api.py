"""The SyncApiFunction examples: the orders API behind a REST API and behind an HTTP API."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from constructs import Construct

from constructs_lib import Authorization, SyncApiFunction
from stacks._packaging import dependencies_layer, handler_code

#: Both examples serve lambda_src/orders_api: POST /orders (202 + id), GET /orders/{id}.
HANDLER = "orders_api.handler.lambda_handler"


def _orders_api(scope: Stack, api: str, **props: Any) -> SyncApiFunction:
    """The shared shape: a 3 s function capped at 20 executions, a stage at 5 req/s
    (burst 10). 5/s x 3 s = 15 concurrent requests at worst, inside the 20 reserved, so
    the stage, not Lambda, answers the surplus with 429."""
    return SyncApiFunction(
        scope,
        "Orders",
        code=handler_code(),
        handler=HANDLER,
        layers=[dependencies_layer(scope)],
        api=api,
        timeout=Duration.seconds(3),
        reserved_concurrent_executions=20,
        throttling_rate_limit=5,
        throttling_burst_limit=10,
        # Service-to-service API: callers sign with SigV4 and need execute-api:Invoke.
        authorization=Authorization.iam(),
        environment={"POWERTOOLS_SERVICE_NAME": "orders-api"},
        description=f"Orders API behind an API Gateway {api.upper()} API (synchronous)",
        **props,
    )


class SyncApiRestExample(Stack):
    """The orders API behind a Regional REST API: IAM authorization, 29 s integration
    timeout (written explicitly), stage throttling, JSON access logs and X-Ray tracing.

    Access logging on a REST API needs the account-level CloudWatch role of API Gateway;
    it is account setup, so this stack does not create it (``cloud_watch_role=False``).
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.orders = _orders_api(self, "rest")
        api = self.orders.api
        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="Proxy integration without models: the orders handler validates every "
                "body and id itself and answers 400/422 (lambda_src/orders_api/logic.py)",
            )
        )
        Validations.of(self.orders.stage).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="Reference stack for IAM-authorized service-to-service calls: SigV4 and "
                "stage throttling guard it; associate a WAF web ACL when exposing it to browsers",
            )
        )
        CfnOutput(self, "Url", value=self.orders.url)
        CfnOutput(self, "FunctionName", value=self.orders.function.function_name)
        CfnOutput(self, "AccessLogGroup", value=self.orders.access_log_group.log_group_name)


class SyncApiHttpExample(Stack):
    """The orders API behind an HTTP API: IAM authorization, 30 s integration timeout
    (the HTTP API maximum, written explicitly), stage throttling and JSON access logs.
    HTTP APIs need no account-level logging role."""

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.orders = _orders_api(self, "http")
        CfnOutput(self, "Url", value=self.orders.url)
        CfnOutput(self, "FunctionName", value=self.orders.function.function_name)
        CfnOutput(self, "AccessLogGroup", value=self.orders.access_log_group.log_group_name)
