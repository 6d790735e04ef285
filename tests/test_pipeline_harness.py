"""Nothing is lost: the order pipeline's real handlers driven with each invocation model's
semantics (tests/harness) against moto's SQS, DynamoDB Streams and EventBridge, configured
from the synthesized OrderPipeline template. Each test prints its figures (``-s``)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

import pytest
from moto import mock_aws

from payments.logic import DECLINED_CARD
from tests.harness import (
    REGION,
    AsyncInvoker,
    Harness,
    capture_bus,
    deliver_rule_targets,
    read_stream,
    run_async_worker,
    run_queue_consumer,
    run_stream_processor,
)
from tests.pipeline_template import synth_order_pipeline

N_ORDERS = 20
POISON = 3  # orders whose payment the stand-in provider declines
DUPLICATES = 4  # payment messages delivered twice on purpose
RETRIES = 3  # orders whose client retried the POST (same Idempotency-Key) after a lost answer


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    return synth_order_pipeline(str(tmp_path_factory.mktemp("order-pipeline")))


@pytest.fixture
def harness(synthesized, monkeypatch: pytest.MonkeyPatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED", raising=False)
    with mock_aws():
        yield Harness(synthesized[1], monkeypatch.setenv)


def lid(stack: Any, construct: Any) -> str:
    return stack.resolve(construct.node.default_child.logical_id)


def http_post(body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0) request, IAM-authorized, as the API delivers it
    (header names in lower case)."""
    raw = json.dumps(body)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/orders",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "content-length": str(len(raw)), "idempotency-key": idempotency_key},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "r3pmxmplak",
            "authorizer": {"iam": {"accountId": "123456789012", "userArn": "arn:aws:iam::123456789012:user/smoke"}},
            "domainName": "r3pmxmplak.execute-api.eu-west-1.amazonaws.com",
            "http": {"method": "POST", "path": "/orders", "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7", "userAgent": "t"},
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": "09/Apr/2025:12:34:56 +0000",
            "timeEpoch": 1744202096000,
        },
        "body": raw,
        "isBase64Encoded": False,
    }


def order_body(i: int, *, declined: bool = False) -> dict[str, Any]:
    return {
        "customer_id": f"c-{i}",
        "customer_email": f"customer{i}@example.com",
        "currency": "EUR",
        "payment_token": DECLINED_CARD if declined else f"tok_{i}",
        "items": [{"sku": "BOOK-1", "quantity": 1 + i % 3, "unit_price_cents": 1250}],
    }


def counting_provider(monkeypatch: pytest.MonkeyPatch, payments: Any) -> Counter[str]:
    """Counts every call that reaches the stand-in payment provider, by order id."""
    charged: Counter[str] = Counter()
    real = payments.module.charge

    def charge(payment: Any) -> dict[str, Any]:
        charged[payment.order_id] += 1
        return real(payment)

    monkeypatch.setattr(payments.module, "charge", charge)
    return charged


def test_the_whole_pipeline_loses_nothing(harness: Harness, synthesized, monkeypatch: pytest.MonkeyPatch) -> None:
    stack, _ = synthesized
    api = harness.function("orders_api.handler.lambda_handler")
    payments = harness.function("payments.handler.lambda_handler")
    order_events = harness.function("order_events.handler.lambda_handler")
    worker = harness.function("notifications.handler.lambda_handler")
    lambda_service = AsyncInvoker()
    real_client = api.module.client
    sqs_failures = iter([RuntimeError("SendMessage timed out")])  # the last order's first SendMessage

    class FlakySqs:
        def send_message(self, **kwargs: Any) -> Any:
            error = next(sqs_failures, None) if json.loads(kwargs["MessageBody"])["card"] == "tok_flaky" else None
            if error is not None:
                raise error
            return real_client("sqs").send_message(**kwargs)

    services = {"lambda": lambda_service, "sqs": FlakySqs()}
    monkeypatch.setattr(api.module, "client", lambda s: services.get(s) or real_client(s))
    charged = counting_provider(monkeypatch, payments)
    captured = capture_bus(harness, lid(stack, stack.bus))

    # 1. the API accepts N orders (k will be declined); the last one's SendMessage fails:
    #    the client gets a 500 for an order that exists, and retries with its key
    declined = set(range(POISON))
    order_ids = []
    for i in range(N_ORDERS):
        body = order_body(i, declined=i in declined)
        if i == N_ORDERS - 1:
            body["payment_token"] = "tok_flaky"
            with pytest.raises(RuntimeError, match="SendMessage"):
                api(http_post(body, f"key-{i}"))
        response = api(http_post(body, f"key-{i}"))
        assert response["statusCode"] == 202, response
        order_ids.append(json.loads(response["body"])["id"])
    poison_ids = {order_ids[i] for i in declined}

    # 1b. some answers were lost (a 504): the clients retry with the same key, get the same
    #     order, and the payment request and confirmation are handed on again (idempotent)
    for i in range(N_ORDERS - 1 - RETRIES, N_ORDERS - 1):
        response = api(http_post(order_body(i), f"key-{i}"))
        assert response["statusCode"] == 202 and json.loads(response["body"])["id"] == order_ids[i]
        assert response["headers"]["Idempotent-Replayed"] == "true"

    # 2. duplicates delivered on purpose: the same payment message sent again
    queue_url = harness.queue_url(lid(stack, stack.payments.consumer.queue))
    for order_id in order_ids[POISON : POISON + DUPLICATES]:
        item = harness.dynamodb.get_item(TableName=lid(stack, stack.orders_table), Key={"id": {"S": order_id}})["Item"]
        duplicate = {"order_id": order_id, "amount_cents": int(item["amount_cents"]["N"]), "currency": "EUR", "card": item["payment_token"]["S"]}
        harness.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(duplicate))

    # 3. the payments consumer drains its queue
    queue_run = run_queue_consumer(harness, payments)
    dlq = harness.drain(lid(stack, stack.payments.consumer.dead_letter_queue))
    in_dlq = {m["body"]["order_id"] for m in dlq}
    good = set(order_ids) - poison_ids
    charged_once = {o for o in good if charged[o] == 1}
    statuses = Counter(
        harness.dynamodb.get_item(TableName=lid(stack, stack.orders_table), Key={"id": {"S": o}})["Item"]["status"]["S"]
        for o in order_ids
    )
    lost_payments = len(order_ids) - len(charged_once) - len(in_dlq)

    # 4. the stream: OrderPlaced for every order, OrderStatusChanged for every payment
    stream_run = run_stream_processor(harness, order_events)
    placed = deliver_rule_targets(harness, captured, lid(stack, stack.notifications.rule))

    # 5. the worker: the API's async invokes and the OrderPlaced rule both deliver every order
    async_run = run_async_worker(harness, worker, lambda_service.accepted + placed)
    emails = harness.drain(lid(stack, stack.notifications.outbox))
    emailed = Counter(m["body"]["order_id"] for m in emails)

    print(
        f"\n[payments] {N_ORDERS} orders (1 POST failed and was retried, {RETRIES} retried after success), "
        f"{POISON} poison payments, {DUPLICATES} duplicate messages: "
        f"{len(charged_once)} charged exactly once (provider calls for them: {sum(charged[o] for o in good)}), "
        f"{len(in_dlq)} in the DLQ (each delivered {sorted({queue_run.receives[m['message_id']] for m in dlq})} times), "
        f"{lost_payments} lost; {queue_run.invocations} invocations, queue left with {harness.queue_depth(lid(stack, stack.payments.consumer.queue))}; "
        f"order statuses {dict(statuses)}"
        f"\n[order events] {stream_run.records_read} stream records, {stream_run.filtered_out} filtered out, "
        f"{stream_run.invocations} invocations, {len(placed)} OrderPlaced delivered to the rule's target"
        f"\n[notifications] {async_run.events} async events ({len(lambda_service.accepted)} from the API, {len(placed)} from EventBridge), "
        f"{len(emailed)} orders emailed, max {max(emailed.values())} email per order, {async_run.failed} failed"
    )
    # the failed POST and the retries created no second order: one item per order
    assert len(set(order_ids)) == N_ORDERS
    assert harness.dynamodb.scan(TableName=lid(stack, stack.orders_table), Select="COUNT")["Count"] == N_ORDERS
    assert len(charged_once) == N_ORDERS - POISON and all(charged[o] == 1 for o in good)
    assert in_dlq == poison_ids and len(dlq) == POISON
    # the DLQ keeps the source message id: each poison message was delivered maxReceiveCount times
    assert {queue_run.receives[m["message_id"]] for m in dlq} == {5}
    assert lost_payments == 0 and harness.queue_depth(lid(stack, stack.payments.consumer.queue)) == 0
    assert statuses == {"PAID": N_ORDERS - POISON, "PENDING": POISON}
    # N INSERTs + N-k PENDING->PAID modifications reach the function; nothing is filtered away wrongly
    assert stream_run.records_read == N_ORDERS + (N_ORDERS - POISON)
    assert stream_run.filtered_out == 0 and stream_run.discarded_records == 0
    assert len(placed) == N_ORDERS
    assert set(emailed) == set(order_ids) and set(emailed.values()) == {1}  # 2N deliveries, N emails
    assert async_run.failed == 0 and harness.queue_depth(lid(stack, stack.notifications.worker.failure_queue)) == 0


def test_a_failing_email_is_retried_then_recorded_with_its_event(harness: Harness, synthesized, monkeypatch) -> None:
    stack, raw = synthesized
    worker = harness.function("notifications.handler.lambda_handler")
    good = [{"order_id": f"o-{i}", "customer_email": f"c{i}@example.com", "items": [{"sku": "A", "quantity": 1}]} for i in range(5)]
    bad = {"order_id": "o-bad", "customer_email": "not-an-address", "items": [{"sku": "A", "quantity": 1}]}

    # a transient failure: the outbox rejects the first send, the retry succeeds
    real_client = worker.module.sqs_client()
    calls = Counter[str]()

    class Flaky:
        def send_message(self, **kwargs: Any) -> Any:
            calls["send"] += 1
            if calls["send"] == 1:
                raise ConnectionError("outbox unavailable")
            return real_client.send_message(**kwargs)

    monkeypatch.setattr(worker.module, "sqs_client", lambda: Flaky())
    run = run_async_worker(harness, worker, [*good, bad])
    emails = harness.drain(lid(stack, stack.notifications.outbox))
    failures = harness.drain(lid(stack, stack.notifications.worker.failure_queue))
    retries = next(r["Properties"]["MaximumRetryAttempts"] for r in raw["Resources"].values() if r["Type"] == "AWS::Lambda::EventInvokeConfig")
    print(
        f"\n[async worker] {run.events} events ({len(good)} good, 1 bad, 1 transient error), retries {retries}: "
        f"{run.attempts} attempts, {len(emails)} emails sent, {len(failures)} invocation record(s) in the failure queue, "
        f"{run.events - len(emails) - len(failures)} lost"
    )
    assert sorted(e["body"]["order_id"] for e in emails) == [g["order_id"] for g in good]
    assert run.attempts == len(good) + 1 + (1 + retries)  # one retry for the transient error, 3 tries for the bad one
    (record,) = [f["body"] for f in failures]
    assert record["requestPayload"] == bad  # the original event, to replay after fixing it
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1 + retries
    assert record["responsePayload"]["errorType"] == "InvalidOrderError"


def test_a_poison_stream_record_is_isolated_and_its_batch_info_recorded(harness: Harness, synthesized) -> None:
    stack, _ = synthesized
    order_events = harness.function("order_events.handler.lambda_handler")
    captured = capture_bus(harness, lid(stack, stack.bus))
    table = lid(stack, stack.orders_table)
    items = [{"sku": {"S": "A"}, "quantity": {"N": "1"}}]
    for i in range(10):
        item = {"id": {"S": f"order-{i}"}, "status": {"S": "PENDING"}, "items": {"L": [{"M": it} for it in items]}}
        if i != 4:  # order-4 lacks its customer_email: a poison record
            item["customer_email"] = {"S": f"c{i}@example.com"}
        harness.dynamodb.put_item(TableName=table, Item=item)
    harness.dynamodb.update_item(  # a change that is not a status change: filtered out
        TableName=table, Key={"id": {"S": "order-1"}}, UpdateExpression="SET note = :n", ExpressionAttributeValues={":n": {"S": "gift"}}
    )
    harness.dynamodb.delete_item(TableName=table, Key={"id": {"S": "order-2"}})  # REMOVE: filtered out

    run = run_stream_processor(harness, order_events)
    published = Counter(e["detail"]["order_id"] for e in deliver_rule_targets(harness, captured, lid(stack, stack.notifications.rule)))
    (failure,) = [m["body"] for m in harness.drain(lid(stack, stack.order_events.processor.failure_queue))]
    from streams.logic import batch_info

    info = batch_info(failure)
    shard_id, records = read_stream(harness, table)
    poison = next(r for r in records if r["dynamodb"]["Keys"]["id"]["S"] == "order-4")
    print(
        f"\n[order events] {run.records_read} records ({run.filtered_out} filtered out), 1 poison: {run.invocations} invocations, "
        f"{run.bisections} bisections, {run.retries} retries, {len(published)} published exactly once, "
        f"{run.discarded_records} discarded -> failure queue {info['condition']} {info['start_sequence_number']}..{info['end_sequence_number']}"
    )
    assert run.filtered_out == 2
    assert set(published) == {f"order-{i}" for i in range(10) if i != 4} and set(published.values()) == {1}
    assert run.discarded_records == 1 and run.retries == 3  # MaximumRetryAttempts from the template
    assert info["condition"] == "RetryAttemptsExhausted" and info["batch_size"] == 1
    assert info["start_sequence_number"] == info["end_sequence_number"] == poison["dynamodb"]["SequenceNumber"]
    assert info["shard_id"] == shard_id  # enough to read the record back while the stream keeps it
