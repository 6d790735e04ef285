"""Dashboards: one row per construct, drawn from the alarms table, so a graph cannot drift from
its alarm. The central test reads every alarm of a synthesized template and finds, on the
construct's dashboard, exactly one graph of the same metric with the alarm's threshold drawn
on it - and no graph without an alarm."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from constructs_lib import (
    AsyncWorker,
    ConstructPropsError,
    InvocationModelDashboard,
    PlainFunction,
    QueueConsumer,
    StreamProcessor,
    SyncApiFunction,
)
from constructs_lib._dashboard import ALARM_COLOR, layout_markdown
from tests.conftest import INLINE, ROOT, assert_error

COMMON: dict[str, Any] = {"code": INLINE, "handler": "index.handler"}


def _table(stack: Stack) -> dynamodb.Table:
    return dynamodb.Table(
        stack, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )


def _worker_with_sources(stack: Stack, **props: Any) -> AsyncWorker:
    """A worker whose delivery DLQs (and their alarms) are added after construction."""
    made = AsyncWorker(stack, "C", **COMMON, **props)
    made.add_event_rule(events.Rule(stack, "Rule", event_pattern=events.EventPattern(source=["shop"])))
    made.add_schedule(scheduler.ScheduleExpression.rate(Duration.hours(1)))
    made.add_topic_subscription(sns.Topic(stack, "Topic"))
    return made


def _token(stack: Stack, name: str) -> float:
    return CfnParameter(stack, name, type="Number").value_as_number


#: Every construct, front door and source with its default alarms, and a few with tokens.
BUILDS: dict[str, Callable[[Stack], Any]] = {
    "QueueConsumer": lambda s: QueueConsumer(s, "C", **COMMON),
    "QueueConsumer fifo, no mapping metrics": lambda s: QueueConsumer(s, "C", **COMMON, fifo=True, mapping_metrics=False),
    "QueueConsumer imported queue": lambda s: QueueConsumer(
        s, "C", **COMMON, queue=sqs.Queue.from_queue_arn(s, "Q", "arn:aws:sqs:eu-west-1:123456789012:orders")
    ),
    "QueueConsumer token thresholds": lambda s: QueueConsumer(
        s, "C", **COMMON, errors_alarm_threshold=_token(s, "E"), oldest_message_age_alarm_threshold=Duration.seconds(_token(s, "A"))
    ),
    "StreamProcessor Kinesis": lambda s: StreamProcessor(s, "C", **COMMON, stream=kinesis.Stream(s, "Stream", shard_count=1)),
    "StreamProcessor DynamoDB": lambda s: StreamProcessor(s, "C", **COMMON, table=_table(s)),
    "StreamProcessor infinite age": lambda s: StreamProcessor(
        s, "C", **COMMON, table=_table(s), max_record_age=-1, retry_attempts=5, mapping_metrics=False
    ),
    "AsyncWorker": lambda s: AsyncWorker(s, "C", **COMMON),
    "AsyncWorker with sources added later": _worker_with_sources,
    "AsyncWorker token event age": lambda s: AsyncWorker(s, "C", **COMMON, max_event_age=Duration.seconds(_token(s, "M"))),
    "SyncApiFunction rest": lambda s: SyncApiFunction(s, "C", **COMMON),
    "SyncApiFunction http": lambda s: SyncApiFunction(s, "C", **COMMON, api="http"),
    "SyncApiFunction url": lambda s: SyncApiFunction(s, "C", **COMMON, api="url", reserved_concurrent_executions=5),
}


# --------------------------------------------------------------------------------------
# Reading a synthesized dashboard body back
# --------------------------------------------------------------------------------------
def dashboard_body(body: Any) -> dict[str, Any]:
    """A ``DashboardBody`` (a string, or ``Fn::Join`` of strings and intrinsics) as JSON, each
    intrinsic put back where it stood (inside a string or as a value of its own)."""
    if isinstance(body, str):
        return dict(json.loads(body))
    parts = body["Fn::Join"][1]
    text, intrinsics = "", []
    for part in parts:
        if isinstance(part, str):
            text += part
            continue
        intrinsics.append(part)
        inside_string = len(re.findall(r'(?<!\\)"', text)) % 2 == 1
        marker = f"@@{len(intrinsics) - 1}@@"
        text += marker if inside_string else f'"{marker}"'

    def restore(node: Any) -> Any:
        if isinstance(node, str):
            whole = re.fullmatch(r"@@(\d+)@@", node)
            if whole:
                return intrinsics[int(whole.group(1))]
            return re.sub(r"@@(\d+)@@", lambda m: json.dumps(intrinsics[int(m.group(1))], sort_keys=True), node)
        if isinstance(node, list):
            return [restore(n) for n in node]
        if isinstance(node, dict):
            return {k: restore(v) for k, v in node.items()}
        return node

    return dict(restore(json.loads(text)))


def _graph_metrics(widget: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A graph's metrics as comparable tuples: (namespace, name, dimensions, stat, period, id)
    or ("expression", expression, period)."""
    found = []
    for entry in widget["properties"].get("metrics", []):
        options = entry[-1] if entry and isinstance(entry[-1], dict) else {}
        if "expression" in options:
            found.append(("expression", options["expression"], options.get("period")))
            continue
        names = entry[:-1] if options else entry
        namespace, name, *dims = names
        dimensions = json.dumps(dict(zip(dims[::2], dims[1::2])), sort_keys=True)
        found.append((namespace, name, dimensions, options.get("stat"), options.get("period"), options.get("id")))
    return found


def _alarm_metrics(alarm: dict[str, Any]) -> list[tuple[Any, ...]]:
    """An alarm's metric(s), in the graph's tuple form."""
    props = alarm["Properties"]
    if "Metrics" not in props:
        dimensions = json.dumps({d["Name"]: d["Value"] for d in props.get("Dimensions", [])}, sort_keys=True)
        stat = props.get("Statistic") or props.get("ExtendedStatistic")
        return [(props["Namespace"], props["MetricName"], dimensions, stat, props["Period"], None)]
    found = []
    for query in props["Metrics"]:
        if "Expression" in query:
            found.append(("expression", query["Expression"], query.get("Period")))
        else:
            stat = query["MetricStat"]
            metric = stat["Metric"]
            dimensions = json.dumps({d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}, sort_keys=True)
            found.append((metric["Namespace"], metric["MetricName"], dimensions, stat["Stat"], stat["Period"], query["Id"]))
    return found


def _same_metrics(graph: list[tuple[Any, ...]], alarm: list[tuple[Any, ...]]) -> bool:
    """The graph draws exactly the alarm's metrics (an expression's inputs by id; the period of
    an expression is the alarm's evaluation period)."""
    def key(m: tuple[Any, ...]) -> tuple[Any, ...]:
        return m[:2] if m[0] == "expression" else m[:4] + (m[5] if len(alarm) > 1 else None,)

    return sorted(map(key, graph)) == sorted(map(key, alarm))


def graphs_match_alarms(template: dict[str, Any], dashboard_id: str, alarm_ids: set[str] | None = None) -> list[str]:
    """Problems: an alarm (of ``alarm_ids``; default every alarm of the template) with no graph
    of its metric and threshold on the dashboard, or a graph that matches no alarm. Empty when
    every graph is its alarm's."""
    resources = template["Resources"]
    body = dashboard_body(resources[dashboard_id]["Properties"]["DashboardBody"])
    graphs = [w for w in body["widgets"] if w["type"] == "metric"]
    alarms = {
        k: v for k, v in resources.items()
        if v["Type"] == "AWS::CloudWatch::Alarm" and (alarm_ids is None or k in alarm_ids)
    }
    problems, used = [], set()
    for logical_id, alarm in alarms.items():
        threshold = alarm["Properties"]["Threshold"]
        matches = [
            i for i, g in enumerate(graphs)
            if _same_metrics(_graph_metrics(g), _alarm_metrics(alarm))
            and any(a["value"] == threshold and a.get("color") == ALARM_COLOR
                    for a in g["properties"].get("annotations", {}).get("horizontal", []))
        ]
        if len(matches) != 1:
            problems.append(f"alarm {logical_id}: {len(matches)} graphs of its metric with its threshold")
        used.update(matches)
    problems += [f"graph {graphs[i]['properties'].get('title')} matches no alarm" for i in range(len(graphs)) if i not in used]
    return problems


def _synth(build: Callable[[Stack], Any]) -> tuple[Any, Stack, dict[str, Any]]:
    app = App()
    stack = Stack(app, "S")
    made = build(stack)
    return made, stack, dict(app.synth().get_stack_by_name("S").template)


def _dashboards(template: dict[str, Any]) -> list[str]:
    return [k for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudWatch::Dashboard"]


# --------------------------------------------------------------------------------------
# A graph cannot drift from its alarm
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(BUILDS))
def test_every_alarm_has_one_graph_with_its_metric_and_threshold_and_no_graph_is_without_one(case: str) -> None:
    made, stack, template = _synth(BUILDS[case])
    (dashboard_id,) = _dashboards(template)
    assert dashboard_id == stack.resolve(made.dashboard.node.default_child.logical_id)
    assert graphs_match_alarms(template, dashboard_id) == []
    body = dashboard_body(template["Resources"][dashboard_id]["Properties"]["DashboardBody"])
    assert len([w for w in body["widgets"] if w["type"] == "metric"]) == len(made.alarms)


def test_the_drift_test_sees_a_graph_that_drifted() -> None:
    """The check above fails when a graph's threshold or metric differs from its alarm's."""
    made, stack, template = _synth(BUILDS["QueueConsumer"])
    (dashboard_id,) = _dashboards(template)
    alarm_id = stack.resolve(made.alarms["Errors"].node.default_child.logical_id)
    template["Resources"][alarm_id]["Properties"]["Threshold"] = 2
    assert graphs_match_alarms(template, dashboard_id) == [
        f"alarm {alarm_id}: 0 graphs of its metric with its threshold",
        "graph Function errors per minute matches no alarm",
    ]


def test_the_text_says_each_failure_path_and_where_failed_events_go() -> None:
    made, _, template = _synth(BUILDS["QueueConsumer"])
    (dashboard_id,) = _dashboards(template)
    body = dashboard_body(template["Resources"][dashboard_id]["Properties"]["DashboardBody"])
    text = body["widgets"][0]
    assert text["type"] == "text" and text["width"] == 24
    markdown = text["properties"]["markdown"]
    assert markdown.startswith("### QueueConsumer `S/C`")
    for fragment in ("**Retries**", "visibility timeout (3 min)", "**Dead-letter queue**", "max_receive_count (5)",
                     "`S/C/DeadLetterQueue`", "StartMessageMoveTask", "**Expiry**", "retention (4 days)",
                     "*Graphs: DeadLetterQueue.*", "*Graphs: Errors, Throttles, FailedInvokeEvents.*"):
        assert fragment in markdown, fragment


def test_the_text_names_a_dead_letter_queue_you_brought() -> None:
    stack = Stack(App(), "S")
    dlq = sqs.Queue(stack, "Mine", retention_period=Duration.days(14))
    made = QueueConsumer(stack, "C", **COMMON, dead_letter_queue=dlq)
    (failure_path,) = [p for p in made._alarm_table.failure_paths if p.name == "Dead-letter queue"]
    assert "`S/Mine`" in failure_path.go


def test_latency_is_drawn_against_the_integration_timeout_and_ages_against_their_limits() -> None:
    """The graphs draw the limit each metric runs into: the integration timeout on latency,
    max_record_age and the stream's retention on IteratorAge, max_event_age on AsyncEventAge,
    the retention on OldestMessageAge."""
    expected = {
        "SyncApiFunction rest": [29000, "integration timeout 29 s: 504"],
        "SyncApiFunction http": [30000, "integration timeout 30 s: 504"],
        "SyncApiFunction url": [10000, "function timeout 10 s"],
        "StreamProcessor DynamoDB": [21600000, "max_record_age 6 h: discarded", 86400000, "stream retention 1 day: lost"],
        "AsyncWorker": [21600000, "max_event_age 6 h: to the on-failure destination"],
        "QueueConsumer": [345600, "retention 4 days: deleted unprocessed"],
    }
    for case, limits in expected.items():
        _, _, template = _synth(BUILDS[case])
        (dashboard_id,) = _dashboards(template)
        body = dashboard_body(template["Resources"][dashboard_id]["Properties"]["DashboardBody"])
        drawn = [
            [x for a in w["properties"]["annotations"]["horizontal"][1:] for x in (a["value"], a["label"])]
            for w in body["widgets"] if w["type"] == "metric"
        ]
        assert limits in drawn, case


# --------------------------------------------------------------------------------------
# On by default; dashboard=False opts out; nothing to draw without alarms
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("construct", [QueueConsumer, AsyncWorker, SyncApiFunction])
def test_dashboard_false_makes_none_and_alarms_false_makes_none_either(construct: Any) -> None:
    made, _, template = _synth(lambda s: construct(s, "C", **COMMON, dashboard=False))
    assert made.dashboard is None and _dashboards(template) == [] and made.alarms
    made, _, template = _synth(lambda s: construct(s, "C", **COMMON, alarms=False))
    assert made.dashboard is None and _dashboards(template) == []


@pytest.mark.parametrize("construct", [QueueConsumer, AsyncWorker, SyncApiFunction])
def test_a_dashboard_without_alarms_is_refused(construct: Any) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        construct(Stack(App(), "S"), "C", **COMMON, alarms=False, dashboard=True)
    assert exc.value.prop == "dashboard"
    assert_error(exc, "dashboard True draws the construct's alarms", "alarms is False")


def test_stream_processor_dashboard_without_alarms_is_refused() -> None:
    stack = Stack(App(), "S")
    with pytest.raises(ConstructPropsError) as exc:
        StreamProcessor(stack, "C", **COMMON, table=_table(stack), alarms=False, dashboard=True)
    assert exc.value.prop == "dashboard"


@pytest.mark.parametrize("value", [1, "yes", 0])
def test_dashboard_takes_a_bool(value: Any) -> None:
    with pytest.raises(ConstructPropsError) as exc:
        QueueConsumer(Stack(App(), "S"), "C", **COMMON, dashboard=value)
    assert exc.value.prop == "dashboard"


# --------------------------------------------------------------------------------------
# Several constructs, one dashboard
# --------------------------------------------------------------------------------------
def _app_of_three(stack: Stack) -> tuple[QueueConsumer, AsyncWorker, SyncApiFunction]:
    return (
        QueueConsumer(stack, "Payments", **COMMON),
        AsyncWorker(stack, "Notifications", **COMMON),
        SyncApiFunction(stack, "Orders", **COMMON, api="http"),
    )


def _headings(template: dict[str, Any], dashboard_id: str) -> list[str]:
    body = dashboard_body(template["Resources"][dashboard_id]["Properties"]["DashboardBody"])
    return [w["properties"]["markdown"].splitlines()[0] for w in body["widgets"] if w["type"] == "text"]


def test_one_dashboard_shows_one_row_per_construct_in_the_order_given_and_takes_their_rows_over() -> None:
    app = App()
    stack = Stack(app, "S")
    payments, notifications, orders = _app_of_three(stack)
    ops = InvocationModelDashboard(stack, "Ops", constructs=[orders, payments, notifications])
    template = app.synth().get_stack_by_name("S").template
    (dashboard_id,) = _dashboards(template)
    assert dashboard_id == stack.resolve(ops.dashboard.node.default_child.logical_id)
    assert _headings(template, dashboard_id) == [
        "### SyncApiFunction `S/Orders`", "### QueueConsumer `S/Payments`", "### AsyncWorker `S/Notifications`",
    ]
    assert graphs_match_alarms(template, dashboard_id) == []
    assert payments.dashboard is ops.dashboard and notifications.dashboard is ops.dashboard
    assert ops.constructs == [orders, payments, notifications]


def test_without_constructs_it_shows_every_construct_under_its_scope_and_later_alarms_too() -> None:
    app = App()
    stack = Stack(app, "S")
    payments, notifications, orders = _app_of_three(stack)
    PlainFunction(stack, "Helper", **COMMON, timeout=Duration.seconds(3))  # no failure path of its own: not shown
    InvocationModelDashboard(stack, "Ops")
    notifications.add_event_rule(events.Rule(stack, "Placed", event_pattern=events.EventPattern(source=["shop"])))
    template = app.synth().get_stack_by_name("S").template
    (dashboard_id,) = _dashboards(template)
    assert _headings(template, dashboard_id) == [
        "### QueueConsumer `S/Payments`", "### AsyncWorker `S/Notifications`", "### SyncApiFunction `S/Orders`",
    ]
    assert graphs_match_alarms(template, dashboard_id) == []  # PlacedDeadLetterQueue's graph included


def test_a_construct_can_be_on_two_shared_dashboards() -> None:
    app = App()
    stack = Stack(app, "S")
    payments, notifications, orders = _app_of_three(stack)
    ops = InvocationModelDashboard(stack, "Ops", constructs=[payments, notifications])
    team = InvocationModelDashboard(stack, "Team", constructs=[payments])
    template = app.synth().get_stack_by_name("S").template
    assert len(_dashboards(template)) == 3  # Ops, Team, and the orders API's own

    def alarms_of(*constructs: Any) -> set[str]:
        return {stack.resolve(a.node.default_child.logical_id) for c in constructs for a in c.alarms.values()}

    for dashboard, shown in ((ops.dashboard, (payments, notifications)), (team.dashboard, (payments,)), (orders.dashboard, (orders,))):
        dashboard_id = stack.resolve(dashboard.node.default_child.logical_id)
        assert graphs_match_alarms(template, dashboard_id, alarms_of(*shown)) == []


@pytest.mark.parametrize(
    ("build", "fragments"),
    [
        (lambda s: [PlainFunction(s, "Helper", **COMMON, timeout=Duration.seconds(3))], ["constructs[0] PlainFunction S/Helper", "no failure path"]),
        (lambda s: [QueueConsumer(s, "Quiet", **COMMON, alarms=False)], ["constructs[0] QueueConsumer S/Quiet", "alarms=False"]),
        (lambda s: [sqs.Queue(s, "Q")], ["constructs[0] Queue S/Q", "is not a QueueConsumer"]),
        (lambda s: [], ["nothing to show"]),
    ],
)
def test_what_it_cannot_show_is_an_error_naming_constructs(build: Callable[[Stack], list[Any]], fragments: list[str]) -> None:
    stack = Stack(App(), "S")
    with pytest.raises(ConstructPropsError) as exc:
        InvocationModelDashboard(stack, "Ops", constructs=build(stack))
    assert exc.value.prop == "constructs"
    assert_error(exc, *fragments)


def test_nothing_under_the_scope_is_an_error() -> None:
    with pytest.raises(ConstructPropsError) as exc:
        InvocationModelDashboard(Stack(App(), "S"), "Ops")
    assert_error(exc, "nothing to show", "make the dashboard after them")


@pytest.mark.parametrize(("name", "refused"), [("orders-ops_1", False), ("x" * 255, False), ("", True), ("x" * 256, True), ("ops dashboard", True)])
def test_dashboard_name(name: str, refused: bool) -> None:
    stack = Stack(App(), "S")
    consumer = QueueConsumer(stack, "C", **COMMON)
    if not refused:
        InvocationModelDashboard(stack, "Ops", constructs=[consumer], dashboard_name=name)
        return
    with pytest.raises(ConstructPropsError) as exc:
        InvocationModelDashboard(stack, "Ops", constructs=[consumer], dashboard_name=name)
    assert exc.value.prop == "dashboard_name"


# --------------------------------------------------------------------------------------
# The construct pages show each dashboard's layout, generated from the same table
# --------------------------------------------------------------------------------------
#: page -> the construct with its defaults, whose layout the page shows.
PAGES: dict[str, Callable[[Stack], Any]] = {
    "queue-consumer.md": BUILDS["QueueConsumer"],
    "stream-processor.md": BUILDS["StreamProcessor DynamoDB"],
    "async-worker.md": BUILDS["AsyncWorker"],
    "sync-api-function.md": BUILDS["SyncApiFunction rest"],
}
START, END = "<!-- dashboard-layout: start -->", "<!-- dashboard-layout: end -->"


def page_layout(page: str) -> str:
    text = (ROOT / "docs" / page).read_text()
    return text[text.index(START) + len(START):text.index(END)].strip()


def expected_layout(page: str) -> str:
    made = PAGES[page](Stack(App(), "S"))
    return layout_markdown(made._alarm_table)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_construct_page_shows_its_dashboard_layout_as_the_table_makes_it(page: str) -> None:
    """Regenerate with ``python -m tests.test_dashboard``."""
    assert page_layout(page) == expected_layout(page)


def write_layouts() -> None:  # pragma: no cover - a helper for the pages' authors
    for page in PAGES:
        path = Path(ROOT / "docs" / page)
        text = path.read_text()
        before, after = text[: text.index(START) + len(START)], text[text.index(END):]
        path.write_text(f"{before}\n{expected_layout(page)}\n{after}")


if __name__ == "__main__":  # pragma: no cover
    write_layouts()
