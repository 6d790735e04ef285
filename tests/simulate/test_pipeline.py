"""Nothing is lost: the order pipeline's REAL handlers (lambda_src/) inside the simulation.

``constructs_lib.simulate`` plays Lambda, configured from the OrderPipeline template (its
snapshot is exactly what `cdk synth` writes): the API's caller retries, the payments
queue's visibility timeout and redrive policy, the stream's filters, bisection and
retries, the worker's asynchronous retries 1 and 2 minutes apart, and the failure
destinations. A :class:`HandlerInvoker` calls each real handler in place of a model; the
handlers talk to moto's DynamoDB, SQS and EventBridge. So the idempotency and partial
batch code runs under the redelivery timing the template configures.
Each test prints its figures (``-s``)."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from typing import Any

import pytest
from moto import mock_aws

from constructs_lib.template.model import TemplateModel
from constructs_lib.simulate import EventSpec, HandlerInvoker, Invocation, function_config, simulate_entry
from constructs_lib.simulate.config import AsyncConfig, SqsMapping, StreamMapping
from constructs_lib.simulate.invokers import REGION
from constructs_lib.simulate.patterns import matches
from payments.logic import DECLINED_CARD
from tests.simulate.conftest import mutated, reference_templates, resources
from tests.simulate.moto_app import MotoApp, drain_url

N_ORDERS = 20
POISON = 3  # orders whose payment the stand-in provider declines
DUPLICATES = 4  # payment messages sent twice by a producer
RETRIES = 3  # requests a client sent again (same Idempotency-Key) after a lost answer
API = "orders_api.handler.lambda_handler"
PAYMENTS = "payments.handler.lambda_handler"
ORDER_EVENTS = "order_events.handler.lambda_handler"
WORKER = "notifications.handler.lambda_handler"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return reference_templates()["OrderPipeline"]


@pytest.fixture
def setenv(monkeypatch: pytest.MonkeyPatch) -> Any:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED", raising=False)
    return monkeypatch.setenv


def entry(template: dict[str, Any], app: MotoApp, handler: str, model: str) -> tuple[Any, Any]:
    tm = TemplateModel(template, name="OrderPipeline")
    config = function_config(tm, tm.resources[app.function_id(handler)])
    (found,) = [e for e in config.entries if e.model == model]
    return config, found


def fixed(seconds: float) -> Any:
    return lambda invocation: seconds


def http_post(body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    """An HTTP API (payload 2.0), IAM-authorized request, as API Gateway delivers it."""
    raw = json.dumps(body)
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": "/orders", "rawQueryString": "",
        "headers": {"content-type": "application/json", "content-length": str(len(raw)), "idempotency-key": idempotency_key},
        "requestContext": {
            "accountId": "123456789012", "apiId": "r3pmxmplak",
            "authorizer": {"iam": {"accountId": "123456789012", "userArn": "arn:aws:iam::123456789012:user/smoke"}},
            "domainName": "r3pmxmplak.execute-api.eu-west-1.amazonaws.com",
            "http": {"method": "POST", "path": "/orders", "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7", "userAgent": "t"},
            "requestId": str(uuid.uuid4()), "routeKey": "$default", "stage": "$default",
            "time": "09/Apr/2025:12:34:56 +0000", "timeEpoch": 1744202096000,
        },
        "body": raw, "isBase64Encoded": False,
    }


def order_body(i: int, *, declined: bool = False) -> dict[str, Any]:
    return {
        "customer_id": f"c-{i}", "customer_email": f"customer{i}@example.com", "currency": "EUR",
        "payment_token": DECLINED_CARD if declined else f"tok_{i}",
        "items": [{"sku": "BOOK-1", "quantity": 1 + i % 3, "unit_price_cents": 1250}],
    }


def counting_provider(monkeypatch: pytest.MonkeyPatch, payments: Any) -> Counter[str]:
    """Counts every call that reaches the stand-in payment provider, by order id."""
    charged: Counter[str] = Counter()
    real = payments.charge

    def charge(payment: Any) -> dict[str, Any]:
        charged[payment.order_id] += 1
        return real(payment)

    monkeypatch.setattr(payments, "charge", charge)
    return charged


def stream_events(app: MotoApp, table: str) -> list[EventSpec]:
    """The table's stream records as the stream's events, keyed by the item's key."""
    return [
        EventSpec(i, i * 0.1, record, json.dumps(record["dynamodb"]["Keys"]), None, record["dynamodb"]["SequenceNumber"])
        for i, record in enumerate(app.stream_records(table))
    ]


def test_the_whole_pipeline_loses_nothing(template: dict[str, Any], setenv: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws():
        app = MotoApp(template, setenv)
        api_module, api = app.handler(API)
        payments_module, payments = app.handler(PAYMENTS)
        _, order_events = app.handler(ORDER_EVENTS)
        _, worker = app.handler(WORKER)

        # 1. The API: N orders (POISON will be declined) and RETRIES repeated requests. The
        #    last order's first SendMessage fails: the handler errs, the API answers 5XX,
        #    and the simulated caller retries with the same Idempotency-Key.
        offloaded: list[Any] = []
        real_client = api_module.client
        flaky = iter([RuntimeError("SendMessage timed out")])

        class Lambda:
            def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803
                assert InvocationType == "Event"
                offloaded.append(json.loads(Payload))
                return {"StatusCode": 202}

        class Sqs:
            def send_message(self, **kwargs: Any) -> Any:
                if json.loads(kwargs["MessageBody"])["card"] == "tok_flaky" and (error := next(flaky, None)):
                    raise error
                return real_client("sqs").send_message(**kwargs)

        services = {"lambda": Lambda(), "sqs": Sqs()}
        monkeypatch.setattr(api_module, "client", lambda s: services.get(s) or real_client(s))
        bodies = [order_body(i, declined=i < POISON) for i in range(N_ORDERS)]
        bodies[-1]["payment_token"] = "tok_flaky"
        requests = [http_post(b, f"key-{i}") for i, b in enumerate(bodies)]
        requests += [http_post(bodies[i], f"key-{i}") for i in range(N_ORDERS - 1 - RETRIES, N_ORDERS - 1)]
        api_invoker = HandlerInvoker(api, duration=fixed(0.2))
        config, api_entry = entry(template, app, API, "apigateway")
        api_run = simulate_entry(config, api_entry, events=[EventSpec(i, i * 2.0, r) for i, r in enumerate(requests)], invoker=api_invoker)
        orders_table = next(lid for lid in app.of_type("AWS::DynamoDB::Table") if "StreamSpecification" in app.resources[lid]["Properties"])
        items = app.dynamodb.scan(TableName=orders_table)["Items"]
        order_of = {i["customer_id"]["S"]: i["id"]["S"] for i in items}
        poison_ids = {order_of[f"c-{i}"] for i in range(POISON)}

        # 2. Payments: the queue's messages (plus a producer's duplicates), polled by the
        #    simulated mapping: batches of 10, 120 s visibility, 5 receives, then the DLQ.
        charged = counting_provider(monkeypatch, payments_module)
        config, pay_entry = entry(template, app, PAYMENTS, "sqs")
        pay_cfg: SqsMapping = pay_entry.config
        messages = app.drain(pay_cfg.queue or "")
        messages += [m for m in messages if m["order_id"] not in poison_ids][:DUPLICATES]
        pay_invoker = HandlerInvoker(payments, duration=fixed(1.0))
        calls: list[Invocation] = []
        recording = HandlerInvoker(lambda e, c: payments(e, c), duration=fixed(1.0))
        recording.invoke = lambda inv: (calls.append(inv), pay_invoker.invoke(inv))[1]  # type: ignore[method-assign]
        pay_run = simulate_entry(config, pay_entry, events=[EventSpec(i, i * 0.5, json.dumps(m)) for i, m in enumerate(messages)],
                                 invoker=recording)
        in_dlq = [json.loads(r["body"])["order_id"] for r in pay_run.destinations.get(pay_cfg.dead_letter_queue or "", [])]
        receives = {r["receiveCount"] for r in pay_run.destinations.get(pay_cfg.dead_letter_queue or "", [])}
        starts_of = {o: sorted(c.time for c in calls if any(json.loads(r.payload)["order_id"] == o for r in c.records))
                     for o in poison_ids}
        statuses = Counter(i["status"]["S"] for i in app.dynamodb.scan(TableName=orders_table)["Items"])

        # 3. The stream: OrderPlaced for each new order, OrderStatusChanged for each payment;
        #    the template's filters let only those invoke OrderEvents.
        bus = next(iter(app.of_type("AWS::Events::EventBus")))
        capture = app.capture_bus(bus)
        config, stream_entry = entry(template, app, ORDER_EVENTS, "dynamodb")
        stream_run = simulate_entry(config, stream_entry, events=stream_events(app, orders_table),
                                    invoker=HandlerInvoker(order_events, duration=fixed(0.5)))
        rule = next(r["Properties"] for r in app.of_type("AWS::Events::Rule").values())
        placed = [e for e in drain_url(app.sqs, capture) if matches(rule["EventPattern"], e)]

        # 4. The worker: the API's asynchronous invokes and the OrderPlaced rule both deliver
        #    every order; the worker is idempotent, so each order gets one email.
        config, worker_entry = entry(template, app, WORKER, "async")
        worker_cfg: AsyncConfig = worker_entry.config
        deliveries = offloaded + placed
        worker_run = simulate_entry(config, worker_entry, events=[EventSpec(i, i * 1.0, e) for i, e in enumerate(deliveries)],
                                    invoker=HandlerInvoker(worker, duration=fixed(0.3)))
        outbox = next(lid for lid in app.of_type("AWS::SQS::Queue") if "Outbox" in lid)
        emailed = Counter(m["order_id"] for m in app.drain(outbox))

    good = set(order_of.values()) - poison_ids
    print(
        f"\n[api] {len(requests)} requests ({RETRIES} repeated, 1 SendMessage failure): {api_run.succeeded} succeeded, "
        f"{api_run.stats.get('errors', 0)} function error(s) retried by the caller, {len(items)} orders"
        f"\n[payments] {len(messages)} messages ({DUPLICATES} duplicates), {POISON} poison: {pay_run.succeeded} succeeded "
        f"({pay_run.duplicates} duplicate processings), {pay_run.dead_lettered} dead-lettered after {sorted(receives)} receives "
        f"{sorted({round(b - a) for t in starts_of.values() for a, b in zip(t, t[1:])})} s apart, {pay_run.lost} lost; "
        f"provider calls {sum(charged.values())} for {len(good)} good orders; statuses {dict(statuses)}"
        f"\n[order events] {stream_run.events + stream_run.filtered} records, {stream_run.filtered} filtered, "
        f"{stream_run.succeeded} succeeded, {stream_run.stats.get('invocations')} invocations; {len(placed)} OrderPlaced to the rule"
        f"\n[notifications] {worker_run.events} async events ({len(offloaded)} from the API, {len(placed)} from EventBridge): "
        f"{worker_run.succeeded} succeeded, {len(emailed)} orders emailed, max {max(emailed.values())} per order"
    )
    # the API: every request answered 202 in the end; the failed POST and the repeats made no second order
    assert api_run.succeeded == len(requests) and api_run.stats["errors"] == 1 and len(items) == N_ORDERS
    # payments: good orders charged exactly once (duplicates hit the idempotency record),
    # poison payments dead-lettered after maxReceiveCount receives, a visibility timeout apart
    assert all(charged[o] == 1 for o in good) and set(charged) == good | poison_ids
    assert sorted(in_dlq) == sorted(poison_ids) and receives == {pay_cfg.max_receive_count}
    assert pay_run.succeeded == len(messages) - POISON and pay_run.lost == pay_run.pending == 0
    gaps = [b - a for t in starts_of.values() for a, b in zip(t, t[1:])]
    assert len(gaps) == POISON * (pay_cfg.max_receive_count - 1)  # type: ignore[operator]
    assert all(abs(g - pay_cfg.visibility_s) <= 1.0 for g in gaps)  # a cold start at most apart
    assert statuses == {"PAID": N_ORDERS - POISON, "PENDING": POISON}
    # the stream: N INSERTs + N-k PENDING->PAID changes, nothing filtered away wrongly, all published
    assert stream_run.events == N_ORDERS + (N_ORDERS - POISON) and stream_run.filtered == 0 and stream_run.succeeded == stream_run.events
    assert len(placed) == N_ORDERS
    # the worker: 2N deliveries, N emails
    assert worker_run.succeeded == worker_run.events == len(offloaded) + N_ORDERS and worker_cfg.on_failure is not None
    assert set(emailed) == set(order_of.values()) and set(emailed.values()) == {1}


def test_a_failing_email_is_retried_then_recorded_with_its_event(template: dict[str, Any], setenv: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    good = [{"order_id": f"o-{i}", "customer_email": f"c{i}@example.com", "items": [{"sku": "A", "quantity": 1}]} for i in range(5)]
    bad = {"order_id": "o-bad", "customer_email": "not-an-address", "items": [{"sku": "A", "quantity": 1}]}
    with mock_aws():
        app = MotoApp(template, setenv)
        module, worker = app.handler(WORKER)
        real = module.sqs_client()
        sends = Counter[str]()

        class Flaky:  # the outbox rejects the first send: a transient error
            def send_message(self, **kwargs: Any) -> Any:
                sends["send"] += 1
                if sends["send"] == 1:
                    raise ConnectionError("outbox unavailable")
                return real.send_message(**kwargs)

        monkeypatch.setattr(module, "sqs_client", lambda: Flaky())
        config, worker_entry = entry(template, app, WORKER, "async")
        calls: list[Invocation] = []
        inner = HandlerInvoker(worker, duration=fixed(2.0))

        class Recording(HandlerInvoker):
            def invoke(self, invocation: Invocation) -> Any:
                calls.append(invocation)
                return inner.invoke(invocation)

        run = simulate_entry(config, worker_entry, events=[EventSpec(i, i * 10.0, e) for i, e in enumerate([*good, bad])],
                             invoker=Recording(worker))
        outbox = next(lid for lid in app.of_type("AWS::SQS::Queue") if "Outbox" in lid)
        emails = app.drain(outbox)
    cfg: AsyncConfig = worker_entry.config
    (record,) = run.destinations[cfg.on_failure or ""]
    bad_starts = [c.time for c in calls if c.records[0].payload == bad]
    print(f"\n[async worker] {len(good) + 1} events, retries {cfg.retries}: {len(calls)} attempts, {len(emails)} emails, "
          f"bad event attempted at {[round(t) for t in bad_starts]} s, {run.dead_lettered} record(s) in the failure queue, {run.lost} lost")
    assert sorted(e["order_id"] for e in emails) == [g["order_id"] for g in good]
    assert len(calls) == len(good) + 1 + (1 + cfg.retries)  # one retry for the transient error, 3 tries for the bad one
    assert [round(b - a) for a, b in zip(bad_starts, bad_starts[1:])] == [62, 122]  # 2 s run + 1 min, 2 s + 2 min
    assert record["requestPayload"] == bad and record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1 + cfg.retries
    assert record["responsePayload"]["errorType"] == "InvalidOrderError"
    assert (run.succeeded, run.dead_lettered, run.lost) == (len(good), 1, 0)


def test_a_poison_stream_record_is_isolated_and_its_batch_info_recorded(template: dict[str, Any], setenv: Any) -> None:
    with mock_aws():
        app = MotoApp(template, setenv)
        _, order_events = app.handler(ORDER_EVENTS)
        table = next(lid for lid in app.of_type("AWS::DynamoDB::Table") if "StreamSpecification" in app.resources[lid]["Properties"])
        capture = app.capture_bus(next(iter(app.of_type("AWS::Events::EventBus"))))
        items = [{"sku": {"S": "A"}, "quantity": {"N": "1"}}]
        for i in range(10):
            item = {"id": {"S": f"order-{i}"}, "status": {"S": "PENDING"}, "items": {"L": [{"M": it} for it in items]}}
            if i != 4:  # order-4 lacks its customer_email: a poison record
                item["customer_email"] = {"S": f"c{i}@example.com"}
            app.dynamodb.put_item(TableName=table, Item=item)
        app.dynamodb.update_item(  # a change that is not a status change: filtered out
            TableName=table, Key={"id": {"S": "order-1"}}, UpdateExpression="SET note = :n", ExpressionAttributeValues={":n": {"S": "gift"}}
        )
        app.dynamodb.delete_item(TableName=table, Key={"id": {"S": "order-2"}})  # REMOVE: filtered out
        events = stream_events(app, table)
        config, stream_entry = entry(template, app, ORDER_EVENTS, "dynamodb")
        run = simulate_entry(config, stream_entry, events=events, invoker=HandlerInvoker(order_events, duration=fixed(0.5)))
        rule = next(r["Properties"] for r in app.of_type("AWS::Events::Rule").values())
        published = Counter(e["detail"]["order_id"] for e in drain_url(app.sqs, capture) if matches(rule["EventPattern"], e))
    cfg: StreamMapping = stream_entry.config
    (failure,) = run.destinations[cfg.on_failure or ""]
    info = failure["DDBStreamBatchInfo"]
    poison = next(e for e in events if e.payload["dynamodb"]["Keys"]["id"]["S"] == "order-4")
    print(f"\n[order events] {len(events)} records ({run.filtered} filtered out), 1 poison: {run.stats['invocations']} invocations, "
          f"{run.stats.get('bisections', 0)} bisections, {run.succeeded} succeeded, {len(published)} published exactly once, "
          f"{run.metadata_only} discarded -> failure queue {failure['requestContext']}")
    assert run.filtered == 2 and run.events == 10
    assert set(published) == {f"order-{i}" for i in range(10) if i != 4} and set(published.values()) == {1}
    # The failure queue (SQS) receives the batch's metadata only: the record itself stays
    # readable in the stream for its 24 hours, then it is gone.
    assert (run.succeeded, run.metadata_only, run.dead_lettered, run.lost) == (9, 1, 0, 0)
    assert run.recoverable_until_s == poison.time + 24 * 3600
    assert failure["requestContext"] == {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 1 + cfg.retries}
    assert info["batchSize"] == 1 and info["startSequenceNumber"] == info["endSequenceNumber"] == poison.item_id


def test_a_short_visibility_timeout_redelivers_while_the_real_handler_runs_and_charges_once(
    template: dict[str, Any], setenv: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Visibility timeout at 1 x the function timeout (rule sqs-visibility-timeout): a batch
    that starts cold and runs most of its timeout is still running when its messages
    reappear, so another poller delivers them again. The payments handler's idempotency
    must hold under that real timing: the provider charges each order once."""
    def short_visibility(t: dict[str, Any]) -> None:
        for q in resources(t, "AWS::SQS::Queue"):
            if "RedrivePolicy" in q:
                q["VisibilityTimeout"] = 20  # the payments function's timeout

    short = mutated(template, short_visibility)
    with mock_aws():
        app = MotoApp(short, setenv)
        module, payments = app.handler(PAYMENTS)
        charged = counting_provider(monkeypatch, module)
        config, pay_entry = entry(short, app, PAYMENTS, "sqs")
        orders = [{"order_id": f"o-{i}", "amount_cents": 1000 + i, "currency": "EUR", "card": f"tok_{i}"} for i in range(30)]
        invoker = HandlerInvoker(payments, duration=fixed(17.0), cold_start=fixed(6.0), rng=random.Random(0))
        run = simulate_entry(config, pay_entry, events=[EventSpec(i, 0.0, json.dumps(o)) for i, o in enumerate(orders)], invoker=invoker)
    print(f"\n[payments, visibility 20 s] {len(orders)} orders: {run.succeeded} succeeded, {run.duplicates} duplicate deliveries "
          f"processed, provider calls {sum(charged.values())}")
    assert run.succeeded == len(orders) and run.lost == 0
    assert run.duplicates > 0  # redelivered while the first delivery ran (6 s Init + 17 s > 20 s)
    assert set(charged.values()) == {1} and len(charged) == len(orders)
