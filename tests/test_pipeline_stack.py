"""The OrderPipeline stack: what each component promises, read from the template."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import assertions

from tests.pipeline_template import synth_order_pipeline


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    return synth_order_pipeline(str(tmp_path_factory.mktemp("order-pipeline")))


@pytest.fixture(scope="module")
def template(synthesized: tuple[Any, dict[str, Any]]) -> assertions.Template:
    return assertions.Template.from_json(synthesized[1])


def resources(raw: dict[str, Any], type_: str) -> dict[str, Any]:
    return {k: v for k, v in raw["Resources"].items() if v["Type"] == type_}


def test_orders_table_is_encrypted_on_demand_with_new_and_old_images(template: assertions.Template) -> None:
    template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "Properties": {
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
                "SSESpecification": {"SSEEnabled": True},
                "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            },
            "DeletionPolicy": "Retain",
        },
    )


def test_every_queue_is_encrypted_and_every_failure_queue_keeps_14_days(synthesized) -> None:
    stack, raw = synthesized
    queues = resources(raw, "AWS::SQS::Queue")
    # payments + DLQ, outbox + DLQ, worker failure, rule DLQ, stream failure, daily report's
    # schedule DLQ + failure queue
    assert len(queues) == 9
    for lid, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, lid
    failure_ends = [
        stack.payments.consumer.dead_letter_queue,
        stack.notifications.worker.failure_queue,
        stack.notifications.rule_dead_letter_queue,
        stack.order_events.processor.failure_queue,
        stack.reports.schedule_dead_letter_queue,
        stack.reports.daily.failure_queue,
    ]
    for queue in failure_ends:
        lid = stack.resolve(queue.node.default_child.logical_id)
        assert raw["Resources"][lid]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600, lid
    policies = resources(raw, "AWS::SQS::QueuePolicy")
    assert all("aws:SecureTransport" in json.dumps(p) for p in policies.values())


def test_payments_provisioned_pollers_fit_the_reservation(template: assertions.Template) -> None:
    """2 provisioned pollers x 10 invocations each = the 20 reserved executions."""
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Handler": "payments.handler.lambda_handler", "ReservedConcurrentExecutions": 20, "Timeout": 20},
    )
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "BatchSize": 10,
            "ProvisionedPollerConfig": {"MinimumPollers": 2, "MaximumPollers": 2},
            "ScalingConfig": assertions.Match.absent(),
            "MetricsConfig": {"Metrics": ["EventCount"]},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {"VisibilityTimeout": 120, "RedrivePolicy": assertions.Match.object_like({"maxReceiveCount": 5})},
    )


def test_order_events_filters_only_new_orders_and_status_changes(synthesized) -> None:
    from order_events.logic import STATUSES
    from stacks.order_pipeline import ORDER_STATUSES

    assert ORDER_STATUSES == STATUSES  # one "changed to X" filter per status the handler knows
    _, raw = synthesized
    (mapping,) = [
        m["Properties"]
        for m in resources(raw, "AWS::Lambda::EventSourceMapping").values()
        if "StreamArn" in json.dumps(m["Properties"]["EventSourceArn"])
    ]
    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert len(patterns) == 3 <= 5
    assert all(set(p) == {"dynamodb"} for p in patterns)  # DynamoDB filters only on the dynamodb key
    assert patterns[0] == {
        "dynamodb": {"NewImage": {"status": {"S": [{"exists": True}]}}, "OldImage": {"status": {"S": [{"exists": False}]}}}
    }
    assert patterns[2] == {
        "dynamodb": {"NewImage": {"status": {"S": ["PAID"]}}, "OldImage": {"status": {"S": [{"anything-but": ["PAID"]}]}}}
    }
    assert mapping["MaximumRetryAttempts"] == 3 and mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "OnFailure" in mapping["DestinationConfig"]


def test_order_placed_rule_on_the_custom_bus_targets_the_worker(synthesized) -> None:
    _, raw = synthesized
    (bus_id,) = resources(raw, "AWS::Events::EventBus")
    (rule,) = resources(raw, "AWS::Events::Rule").values()
    props = rule["Properties"]
    assert props["EventBusName"] == {"Ref": bus_id}
    assert props["EventPattern"] == {"source": ["example.orders"], "detail-type": ["OrderPlaced"]}
    (target,) = props["Targets"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
    assert "DeadLetterConfig" in target
    worker = [
        k for k, v in resources(raw, "AWS::Lambda::Function").items()
        if v["Properties"]["Handler"] == "notifications.handler.lambda_handler"
    ]
    assert target["Arn"] == {"Fn::GetAtt": [worker[0], "Arn"]}


def test_worker_retries_then_failure_queue(template: assertions.Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 21600, "DestinationConfig": {"OnFailure": assertions.Match.any_value()}},
    )


def test_api_is_iam_authorized_and_wired_to_the_pipeline(synthesized, template: assertions.Template) -> None:
    stack, raw = synthesized
    template.has_resource_properties("AWS::ApiGatewayV2::Route", {"AuthorizationType": "AWS_IAM"})
    api_fn = raw["Resources"][stack.resolve(stack.orders_api.api.function.node.default_child.logical_id)]
    variables = api_fn["Properties"]["Environment"]["Variables"]
    assert set(variables) >= {"ORDERS_TABLE_NAME", "PAYMENTS_QUEUE_URL", "NOTIFICATION_FUNCTION_NAME"}
    assert api_fn["Properties"]["Timeout"] == 3 and api_fn["Properties"]["ReservedConcurrentExecutions"] == 20


def _actions(raw: dict[str, Any], function_handler: str) -> set[str]:
    """Every action the function's role policies allow."""
    (fn,) = [
        v for v in resources(raw, "AWS::Lambda::Function").values() if v["Properties"]["Handler"] == function_handler
    ]
    role = fn["Properties"]["Role"]["Fn::GetAtt"][0]
    actions: set[str] = set()
    for policy in resources(raw, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                found = statement["Action"]
                actions |= {found} if isinstance(found, str) else set(found)
    return actions


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        ("orders_api.handler.lambda_handler", {"dynamodb:PutItem", "dynamodb:GetItem", "lambda:InvokeFunction", "sqs:SendMessage"}),
        ("payments.handler.lambda_handler", {"dynamodb:UpdateItem", "sqs:ReceiveMessage", "sqs:DeleteMessage"}),
        ("order_events.handler.lambda_handler", {"events:PutEvents", "dynamodb:GetRecords"}),
        ("notifications.handler.lambda_handler", {"sqs:SendMessage", "dynamodb:PutItem"}),
    ],
)
def test_least_privilege(synthesized, handler: str, expected: set[str]) -> None:
    actions = _actions(synthesized[1], handler)
    assert expected <= actions, actions
    assert not any(a.split(":")[1] == "*" for a in actions)  # no service-wide wildcards
    assert "dynamodb:Scan" not in actions


def test_outputs_for_the_smoke_test(synthesized) -> None:
    outputs = synthesized[1]["Outputs"]
    assert {"ApiUrl", "OrdersTableName", "PaymentsDeadLetterQueueUrl", "NotificationFailureQueueUrl", "OrderEventsFailureQueueUrl"} <= set(outputs)


def _retention(stack: Any, raw: dict[str, Any], queue: Any) -> int:
    return int(raw["Resources"][stack.resolve(queue.node.default_child.logical_id)]["Properties"]["MessageRetentionPeriod"])


def test_idempotency_windows_outlast_every_redrive_window(synthesized, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message redriven from a failure queue on its last day must still find its
    idempotency record, or it charges/emails twice. Read from the template, not assumed."""
    import importlib

    monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", "idempotency")  # notifications binds its table at import
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    payments = importlib.import_module("payments.handler")
    notifications = importlib.import_module("notifications.handler")
    stack, raw = synthesized

    # payments: the DLQ keeps a message 14 days from its original enqueue; a redriven
    # message is new, and the source queue keeps it again for its own retention.
    dlq = _retention(stack, raw, stack.payments.consumer.dead_letter_queue)
    source = _retention(stack, raw, stack.payments.consumer.queue)
    assert (dlq, source) == (14 * 86400, 4 * 86400)
    assert payments.IDEMPOTENCY_EXPIRES_AFTER_S > dlq + source
    assert payments.IDEMPOTENCY_EXPIRES_AFTER_S == 19 * 86400

    # notifications: an event arrives up to 24 h (rule retries) + 6 h (async event age)
    # late, then its failure queue / the rule's DLQ keep it 14 days for replay.
    (target,) = resources(raw, "AWS::Events::Rule").popitem()[1]["Properties"]["Targets"]
    notifications_fn = stack.resolve(stack.notifications.worker.function.node.default_child.logical_id)
    (invoke_config,) = [
        c["Properties"]
        for c in resources(raw, "AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": notifications_fn}
    ]
    delivery = target["RetryPolicy"]["MaximumEventAgeInSeconds"] + invoke_config["MaximumEventAgeInSeconds"]
    failure = max(
        _retention(stack, raw, stack.notifications.worker.failure_queue),
        _retention(stack, raw, stack.notifications.rule_dead_letter_queue),
    )
    assert notifications.IDEMPOTENCY_EXPIRES_AFTER_S > delivery + failure
    assert notifications.IDEMPOTENCY_EXPIRES_AFTER_S == 16 * 86400 + 6 * 3600


def test_reports_endpoint_is_an_iam_function_url_on_a_snapstart_alias(synthesized) -> None:
    stack, raw = synthesized
    endpoint = stack.reports.endpoint
    (url,) = resources(raw, "AWS::Lambda::Url").values()
    assert url["Properties"]["AuthType"] == "AWS_IAM" and url["Properties"]["Qualifier"] == "live"
    assert url["Properties"]["InvokeMode"] == "BUFFERED"
    fn = raw["Resources"][stack.resolve(endpoint.function.node.default_child.logical_id)]["Properties"]
    assert fn["SnapStart"] == {"ApplyOn": "PublishedVersions"} and fn["Timeout"] == 60
    assert fn["ReservedConcurrentExecutions"] == 2 and fn["RecursiveLoop"] == "Terminate"
    permissions = resources(raw, "AWS::Lambda::Permission").values()
    assert not [p for p in permissions if "FunctionUrlAuthType" in p["Properties"]]  # IAM: no public permission


def test_daily_report_runs_on_a_schedule_with_both_failure_paths(synthesized) -> None:
    stack, raw = synthesized
    (schedule,) = resources(raw, "AWS::Scheduler::Schedule").values()
    target = schedule["Properties"]["Target"]
    assert schedule["Properties"]["ScheduleExpression"] == "cron(0 6 * * ? *)"
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    dlq = stack.resolve(stack.reports.schedule_dead_letter_queue.node.default_child.logical_id)
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dlq, "Arn"]}}
    daily = stack.resolve(stack.reports.daily.function.node.default_child.logical_id)
    (config,) = [
        c["Properties"] for c in resources(raw, "AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": daily}
    ]
    assert config["MaximumRetryAttempts"] == 2 and "OnFailure" in config["DestinationConfig"]

