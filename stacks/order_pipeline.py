"""The reference system: an order pipeline that composes all four constructs.

::

    client --SigV4--> OrdersApi (SyncApiFunction, HTTP API)
                        |-- PutItem --> Orders table (stream: NEW_AND_OLD_IMAGES)
                        |-- SendMessage --> Payments (QueueConsumer) -- UpdateItem PAID --> Orders table
                        '-- Invoke(Event) --> Notifications (AsyncWorker) --> outbox queue
    Orders table stream --> OrderEvents (StreamProcessor, filtered) --PutEvents--> Orders bus
    Orders bus --rule OrderPlaced--> Notifications (idempotent: one email per order)
    analyst --SigV4--> Reports (SyncApiFunction, function URL, SnapStart) -- Scan --> Orders table
    EventBridge Scheduler (daily) --> DailyReport (AsyncWorker) -- Scan --> Orders table -> metrics

Every failure path ends in an encrypted, durable queue: the payments DLQ, the
notification worker's on-failure queue, the OrderPlaced rule's delivery DLQ, the
order-events on-failure queue (discarded batches' metadata), and the daily report's
schedule DLQ and on-failure queue, all SSE-SQS, TLS only, 14 days. One dashboard,
``Operations``, shows every component's failure paths and alarms, a row each.

**One stack, four components.** Each component is a ``Construct`` (``Payments``,
``Notifications``, ``OrdersApi``, ``OrderEvents``) in one ``OrderPipeline`` stack, not
a stack each. The components reference each other in both directions (the API sends to
the payments queue and invokes the worker; the bus rule targets the worker, and the
worker's invoke permission names the rule), and they share one lifecycle and one orders
table. As separate stacks those references become exports, and an export in use cannot
change: renaming a queue or replacing the table would need a two-step deploy, and the
rule would have to live in the worker's stack anyway to avoid a dependency cycle. One
stack deploys and rolls back atomically (CDK's "model with constructs, deploy with
stacks"). A team that must deploy a component alone can move its construct into its
own stack later; nothing inside the component changes.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import (
    AsyncWorker,
    Authorization,
    InvocationModelDashboard,
    QueueConsumer,
    StreamProcessor,
    SyncApiFunction,
)
from stacks._outbox import notification_outbox
from stacks._packaging import dependencies_layer, handler_code
from stacks._idempotency import grant_idempotency, idempotency_table

#: Every status an order can have (lambda_src/order_events/logic.py STATUSES; a test
#: keeps the two equal). One "changed to X" filter per status.
ORDER_STATUSES = ("PENDING", "PAID")
#: The EventBridge source and detail type OrderEvents publishes for a new order.
EVENT_SOURCE = "example.orders"
ORDER_PLACED = "OrderPlaced"
#: SQS provisioned mode pollers of the payments consumer (SQS's minimum): each drives up to
#: 10 concurrent invocations, so the consumer reserves 10 x this.
PAYMENT_POLLERS = 2


def order_change_filters(statuses: tuple[str, ...] = ORDER_STATUSES) -> list[dict[str, Any]]:
    """Stream filters that let only a new order and a status change invoke OrderEvents.

    DynamoDB event source mappings filter on the record's ``dynamodb`` key only, and a
    pattern compares a field with constants: "NewImage.status differs from
    OldImage.status" cannot be written as one pattern. With NEW_AND_OLD_IMAGES it can be
    enumerated exactly: a new order is a record with a new status and no old one (an
    INSERT has no OldImage), and "changed to X" is NewImage.status = X with
    OldImage.status anything-but X, once per status. That is 1 + len(statuses) patterns;
    Lambda allows 5 per mapping by default, so up to 4 statuses (beyond that, filter on
    "has a new status" and let ``order_events.logic.project`` drop unchanged ones).
    Records that match no filter (REMOVE, other attribute changes) are dropped by Lambda,
    never retried, never sent to the failure queue - which is what we want for them.
    Source: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
    """
    placed = lambda_.FilterCriteria.filter(
        {
            "dynamodb": {
                "NewImage": {"status": {"S": lambda_.FilterRule.exists()}},
                "OldImage": {"status": {"S": lambda_.FilterRule.not_exists()}},
            }
        }
    )
    changed = [
        lambda_.FilterCriteria.filter(
            {
                "dynamodb": {
                    "NewImage": {"status": {"S": lambda_.FilterRule.is_equal(status)}},
                    "OldImage": {"status": {"S": lambda_.FilterRule.not_equals(status)}},
                }
            }
        )
        for status in statuses
    ]
    return [placed, *changed]


class Notifications(Construct):
    """AsyncWorker: the order-confirmation email, invoked by the API (``Invoke`` with
    ``InvocationType=Event``) and by the ``OrderPlaced`` rule; idempotent on the order id,
    so the two paths (and any redelivery) send one email. Execution failures go to
    ``worker.failure_queue`` after Lambda's 2 retries; delivery failures of the rule go to
    ``rule_dead_letter_queue``."""

    def __init__(self, scope: Construct, id: str, *, code: lambda_.Code, layer: lambda_.ILayerVersion, bus: events.IEventBus) -> None:
        super().__init__(scope, id)
        self.idempotency_table = idempotency_table(self)
        self.outbox = notification_outbox(self, "Outbox")
        self.worker = AsyncWorker(
            self,
            "Worker",
            code=code,
            handler="notifications.handler.lambda_handler",
            layers=[layer],
            timeout=Duration.seconds(30),
            # retry_attempts=2 and max_event_age=6 h: the defaults, Lambda's maxima.
            environment={
                "POWERTOOLS_SERVICE_NAME": "order-confirmation",
                "IDEMPOTENCY_TABLE_NAME": self.idempotency_table.table_name,
                "NOTIFICATION_QUEUE_URL": self.outbox.queue_url,
            },
            description="Order pipeline: sends the order confirmation, once per order (idempotent)",
        )
        grant_idempotency(self.idempotency_table, self.worker.function)
        self.outbox.grant_send_messages(self.worker.function)
        self.rule = events.Rule(
            self,
            "OrderPlaced",
            event_bus=bus,
            description="Every placed order gets a confirmation",
            event_pattern=events.EventPattern(source=[EVENT_SOURCE], detail_type=[ORDER_PLACED]),
        )
        self.rule_dead_letter_queue = self.worker.add_event_rule(self.rule)


class Payments(Construct):
    """QueueConsumer: charges each order once (idempotent) and marks it PAID.

    SQS provisioned mode with 2 dedicated pollers (the minimum and here also the maximum):
    payments are latency-sensitive and spiky (a sale starts), and warm pollers pick a
    burst up at once instead of scaling from 5 invocations. Each SQS poller drives up to
    10 concurrent invocations, so ``reserved_concurrent_executions=20`` (2 x 10) is what
    the pollers may use - the payment provider sees at most 20 concurrent charges - and
    QueueConsumer refuses a reservation that would throttle them (throttled messages
    would move towards the DLQ). No ``max_concurrency``: AWS rejects it next to
    provisioned mode. The mapping's own metrics are on (the default): ``FailedInvokeEvents``
    counts the messages a batch reports as failed, which ``Errors`` never sees.
    Visibility timeout 6 x 20 s = 120 s (derived). A declined payment is retried up to
    maxReceiveCount (5) receives, then the redrive policy moves it to the encrypted DLQ
    (14 days)."""

    def __init__(self, scope: Construct, id: str, *, code: lambda_.Code, layer: lambda_.ILayerVersion, orders_table: dynamodb.ITable) -> None:
        super().__init__(scope, id)
        self.idempotency_table = idempotency_table(self)
        self.consumer = QueueConsumer(
            self,
            "Consumer",
            code=code,
            handler="payments.handler.lambda_handler",
            layers=[layer],
            timeout=Duration.seconds(20),
            reserved_concurrent_executions=PAYMENT_POLLERS * 10,
            provisioned_poller_config=lambda_.ProvisionedPollerConfig(
                minimum_pollers=PAYMENT_POLLERS, maximum_pollers=PAYMENT_POLLERS
            ),
            environment={
                "POWERTOOLS_SERVICE_NAME": "payments",
                "IDEMPOTENCY_TABLE_NAME": self.idempotency_table.table_name,
                "ORDERS_TABLE_NAME": orders_table.table_name,
            },
            description="Order pipeline: charges orders from the payments queue, once per order",
        )
        grant_idempotency(self.idempotency_table, self.consumer.function)
        orders_table.grant(self.consumer.function, "dynamodb:UpdateItem")


class OrdersApi(Construct):
    """SyncApiFunction: ``POST /orders`` (202 + id) and ``GET /orders/{id}`` behind an
    IAM-authorized HTTP API. 3 s timeout, far below the 30 s integration timeout; 20
    reserved executions; the stage at 5 req/s (burst 10): 5/s x 3 s = 15 <= 20, so the
    stage, not Lambda, answers the surplus with 429. An HTTP API needs no account-level
    CloudWatch role for its access logs, so the stack deploys to a fresh account."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: lambda_.Code,
        layer: lambda_.ILayerVersion,
        orders_table: dynamodb.ITable,
        payments_queue: sqs.IQueue,
        notifications: AsyncWorker,
    ) -> None:
        super().__init__(scope, id)
        self.api = SyncApiFunction(
            self,
            "Api",
            code=code,
            handler="orders_api.handler.lambda_handler",
            layers=[layer],
            api="http",
            timeout=Duration.seconds(3),
            reserved_concurrent_executions=20,
            throttling_rate_limit=5,
            throttling_burst_limit=10,
            authorization=Authorization.iam(),
            environment={
                "POWERTOOLS_SERVICE_NAME": "orders-api",
                "ORDERS_TABLE_NAME": orders_table.table_name,
                "PAYMENTS_QUEUE_URL": payments_queue.queue_url,
            },
            description="Order pipeline: accepts orders (synchronous API)",
        )
        function = self.api.function
        orders_table.grant(function, "dynamodb:PutItem", "dynamodb:GetItem")
        payments_queue.grant_send_messages(function)
        notifications.grant_invoke(function, environment_variable="NOTIFICATION_FUNCTION_NAME")


class Reports(Construct):
    """The order reports, read-only on the orders table (``dynamodb:Scan`` only).

    - ``endpoint``: SyncApiFunction(api="url"): ``GET /report?since=...`` on a Lambda
      function URL with AWS_IAM auth (analysts sign with SigV4; grant them with
      ``endpoint.grant_invoke_url``). A URL has no 29 s integration timeout, so a scan may
      take up to the 60 s function timeout (the handler answers ``truncated`` before);
      2 reserved executions cap what reports may cost the table, since a URL has no stage
      throttling. SnapStart: reports are rare, so most requests would pay a cold start;
      the published version restores from a snapshot instead, and the URL points at the
      alias ``live``.
    - ``daily``: AsyncWorker on an EventBridge Scheduler schedule (06:00 UTC): the last
      24 hours as CloudWatch metrics, one ``Orders`` count per status. Scheduler's own
      retries and DLQ catch delivery failures, the worker's retries and on-failure queue
      catch failed runs."""

    def __init__(self, scope: Construct, id: str, *, code: lambda_.Code, layer: lambda_.ILayerVersion, orders_table: dynamodb.ITable) -> None:
        super().__init__(scope, id)
        environment = {"POWERTOOLS_SERVICE_NAME": "reports", "ORDERS_TABLE_NAME": orders_table.table_name}
        self.endpoint = SyncApiFunction(
            self,
            "Endpoint",
            code=code,
            handler="reports.handler.lambda_handler",
            layers=[layer],
            api="url",
            timeout=Duration.seconds(60),
            reserved_concurrent_executions=2,
            snap_start=True,
            environment=environment,
            description="Order pipeline: order report over a function URL (IAM)",
        )
        self.daily = AsyncWorker(
            self,
            "Daily",
            code=code,
            handler="reports.handler.daily_handler",
            layers=[layer],
            timeout=Duration.seconds(60),
            environment=environment,
            description="Order pipeline: daily order metrics, on a schedule",
        )
        self.schedule_dead_letter_queue = self.daily.add_schedule(
            scheduler.ScheduleExpression.cron(minute="0", hour="6"),
            input=scheduler.ScheduleTargetInput.from_object({"report": "daily"}),
            description="Daily order metrics at 06:00 UTC",
        )
        for function in (self.endpoint.function, self.daily.function):
            orders_table.grant(function, "dynamodb:Scan")


class OrderEvents(Construct):
    """StreamProcessor on the orders table's stream: publishes ``OrderPlaced`` and
    ``OrderStatusChanged`` to the bus. Only new orders and status changes invoke it
    (:func:`order_change_filters`). Construct defaults: 3 retries, 6 h record age,
    bisection, ordered partial batch responses, encrypted on-failure queue."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: lambda_.Code,
        layer: lambda_.ILayerVersion,
        orders_table: dynamodb.ITable,
        bus: events.IEventBus,
    ) -> None:
        super().__init__(scope, id)
        self.processor = StreamProcessor(
            self,
            "Processor",
            code=code,
            handler="order_events.handler.lambda_handler",
            layers=[layer],
            table=orders_table,
            filters=order_change_filters(),
            environment={"POWERTOOLS_SERVICE_NAME": "order-events", "EVENT_BUS_NAME": bus.event_bus_name},
            description="Order pipeline: publishes order events from the orders table's stream",
        )
        bus.grant_put_events_to(self.processor.function)


class OrderPipeline(Stack):
    """The order pipeline: OrdersApi -> Orders table -> OrderEvents -> bus -> Notifications,
    and OrdersApi -> Payments. See the module docstring for the picture and why it is one
    stack."""

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        code = handler_code()
        layer = dependencies_layer(self)

        # Shared state: the orders (business data: kept on stack deletion, with point-in-time
        # recovery) and the custom bus the order events go to.
        self.orders_table = dynamodb.Table(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.bus = events.EventBus(self, "OrderEventsBus", description="Order pipeline domain events")

        self.notifications = Notifications(self, "Notifications", code=code, layer=layer, bus=self.bus)
        self.payments = Payments(self, "Payments", code=code, layer=layer, orders_table=self.orders_table)
        self.orders_api = OrdersApi(
            self,
            "OrdersApi",
            code=code,
            layer=layer,
            orders_table=self.orders_table,
            payments_queue=self.payments.consumer.queue,
            notifications=self.notifications.worker,
        )
        self.order_events = OrderEvents(self, "OrderEvents", code=code, layer=layer, orders_table=self.orders_table, bus=self.bus)
        self.reports = Reports(self, "Reports", code=code, layer=layer, orders_table=self.orders_table)

        # One dashboard for the whole pipeline, in the order an order flows: a row per
        # construct (its failure paths, then a graph per alarm with its threshold drawn on it).
        # Each construct's own dashboard moves here, so there is one dashboard to watch.
        self.operations = InvocationModelDashboard(
            self,
            "Operations",
            constructs=[
                self.orders_api.api,
                self.payments.consumer,
                self.order_events.processor,
                self.notifications.worker,
                self.reports.endpoint,
                self.reports.daily,
            ],
        )

        outputs = {
            "ApiUrl": self.orders_api.api.url,
            "ApiFunctionName": self.orders_api.api.function.function_name,
            "AccessLogGroup": self.orders_api.api.access_log_group.log_group_name,
            "OrdersTableName": self.orders_table.table_name,
            "PaymentsQueueUrl": self.payments.consumer.queue.queue_url,
            "PaymentsDeadLetterQueueUrl": self.payments.consumer.dead_letter_queue.queue_url,  # type: ignore[union-attr]
            "PaymentsFunctionName": self.payments.consumer.function.function_name,
            "NotificationFunctionName": self.notifications.worker.function.function_name,
            "NotificationFailureQueueUrl": self.notifications.worker.failure_queue.queue_url,  # type: ignore[union-attr]
            "OrderPlacedRuleDeadLetterQueueUrl": self.notifications.rule_dead_letter_queue.queue_url,
            "NotificationOutboxUrl": self.notifications.outbox.queue_url,
            "OrderEventsFunctionName": self.order_events.processor.function.function_name,
            "OrderEventsFailureQueueUrl": self.order_events.processor.failure_queue.queue_url,  # type: ignore[union-attr]
            "EventBusName": self.bus.event_bus_name,
            "ReportUrl": self.reports.endpoint.url,
            "ReportFunctionName": self.reports.endpoint.function.function_name,
            "DailyReportFunctionName": self.reports.daily.function.function_name,
            "DailyReportScheduleDeadLetterQueueUrl": self.reports.schedule_dead_letter_queue.queue_url,
            "DailyReportFailureQueueUrl": self.reports.daily.failure_queue.queue_url,  # type: ignore[union-attr]
            "OperationsDashboardName": self.operations.dashboard.dashboard_name,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)
