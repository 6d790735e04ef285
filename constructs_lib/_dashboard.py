"""Dashboards: one row per construct, drawn from the construct's alarms table.

Each construct keeps its alarms as a table (``_alarms.Watch``, one row per alarm: the metric
object, the threshold, the failure path it watches). A dashboard row is made from that table
and from nothing else: a text widget that says what each failure path means and where failed
events go, then one graph per alarm - the alarm's own metric object, its threshold drawn as a
horizontal annotation (red, the alarming side shaded), and the limits the metric runs into
(an integration timeout, the age at which records are discarded) drawn as grey lines. An alarm
added later (``AsyncWorker.add_event_rule`` ...) gets its graph in every row already made. So
a graph cannot drift from its alarm.

The layout follows cdk-monitoring-constructs' habits (a full-width text widget heading each
construct, graphs a quarter of the 24-unit grid wide, y axes from zero, the alarm's threshold
as an annotation with the alarming range shaded), built on aws-cdk-lib's ``aws_cloudwatch``
alone: a few graphs per construct do not justify a second construct library.

Every construct makes a dashboard of its own by default (``dashboard=False`` opts out);
:class:`InvocationModelDashboard` shows several in one. A construct shown in an
``InvocationModelDashboard`` loses its own dashboard (its row moves there, and
``construct.dashboard`` names the shared one): one dashboard per failure path, not two copies
that drift in who looks at which, and CloudWatch bills each dashboard beyond the first three.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from aws_cdk import Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from constructs_lib import limits
from constructs_lib._alarms import COMPARISON_TEXT, AlarmBuilder, Watch
from constructs_lib._validation import check_props, dashboard_specs, raise_first
from constructs_lib.value_rules import Violation, num

#: The alarm's threshold line (CloudWatch's own alarm red) and the grey of a limit line.
ALARM_COLOR = "#d62728"
LIMIT_COLOR = "#7f7f7f"
#: A graph is a quarter of the grid wide (four to a line), as cdk-monitoring-constructs draws them.
GRAPH_WIDTH = limits.DASHBOARD_GRID_WIDTH // 4
GRAPH_HEIGHT = 5
#: The id of a construct's own dashboard (a child of the construct).
OWN_DASHBOARD_ID = "Dashboard"


@dataclass(frozen=True)
class FailurePath:
    """One failure path of a construct, as its dashboard's text widget says it: ``name`` (the
    ``path`` of the alarms that watch it), what ``happens``, and where the failed events
    ``go``."""

    name: str
    happens: str
    go: str


def where_failures_go(builder: AlarmBuilder, made_queue: bool, on_failure: object) -> str:
    """``"the failure queue `Stack/Worker/FailureQueue` (14 days)"`` for the queue the construct
    made (its path from the construct's, no jsii round trip), or the destination's kind."""
    if made_queue:
        return f"the failure queue `{builder.path}/FailureQueue` ({limits.FAILURE_QUEUE_RETENTION_S // 86400} days)"
    return f"the on-failure destination ({type(on_failure).__name__})"


def how_many(value: float | None) -> str:
    """A count for the text widget (``'the given number of'`` for a token)."""
    return "the given number of" if value is None else num(value)


def threshold_annotations(watch: Watch) -> list[cloudwatch.HorizontalAnnotation]:
    """The alarm's threshold (red, the alarming side shaded) and the limits (grey)."""
    shade = cloudwatch.Shading.ABOVE if watch.comparison in COMPARISON_TEXT else None
    drawn = [
        cloudwatch.HorizontalAnnotation(
            value=watch.threshold,
            label=f"{watch.name} alarm {COMPARISON_TEXT.get(watch.comparison, '')} {watch.shown}".replace("  ", " "),
            color=ALARM_COLOR,
            fill=shade,
        )
    ]
    drawn += [cloudwatch.HorizontalAnnotation(value=value, label=label, color=LIMIT_COLOR) for value, label in watch.also]
    return drawn


def graph(watch: Watch) -> cloudwatch.GraphWidget:
    """One alarm's graph: its own metric, its threshold and limits drawn on it."""
    return cloudwatch.GraphWidget(
        title=watch.title,
        left=[watch.metric],
        left_annotations=threshold_annotations(watch),
        left_y_axis=cloudwatch.YAxisProps(min=0),
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
    )


def markdown(kind: str, path: str, failure_paths: Sequence[FailurePath], watches: Sequence[Watch]) -> str:
    """The text widget: the construct, then each failure path - what happens, where the
    failed events go, and which graphs watch it."""
    lines = [f"### {kind} `{path}`", "Failure paths, and where failed events go:"]
    for failure_path in failure_paths:
        names = [w.name for w in watches if w.path == failure_path.name]
        graphs = f" *Graphs: {', '.join(names)}.*" if names else ""
        lines.append(f"- **{failure_path.name}**: {failure_path.happens}; {failure_path.go}.{graphs}")
    return "\n".join(lines)


def text_height(failure_paths: Sequence[FailurePath]) -> int:
    """Two units for the heading and one for each failure path."""
    return 2 + len(failure_paths)


class DashboardRow:
    """One construct's row: its text widget and one graph per alarm of its table, in a
    ``cloudwatch.Row`` (``widget``) that wraps onto more lines of the 24-unit grid. It listens
    to the table: an alarm added later gets its graph here too."""

    def __init__(self, builder: AlarmBuilder) -> None:
        self.builder = builder
        self.text = cloudwatch.TextWidget(
            markdown=markdown(builder.kind, builder.path, builder.failure_paths, builder.watches),
            width=limits.DASHBOARD_GRID_WIDTH,
            height=text_height(builder.failure_paths),
        )
        self.row = cloudwatch.Row(self.text, *(graph(w) for w in builder.watches))
        #: The row as a dashboard takes it (aws-cdk-lib's Row is an IWidget).
        self.widget = cast(cloudwatch.IWidget, self.row)
        builder.listeners.append(self)

    def add(self, watch: Watch) -> None:
        self.row.add_widget(graph(watch))


def row_of(builder: AlarmBuilder) -> DashboardRow:
    """The construct's row (made once, on first use)."""
    for listener in builder.listeners:
        if isinstance(listener, DashboardRow):
            return listener
    return DashboardRow(builder)


def own_dashboard(construct: Construct, builder: AlarmBuilder | None, dashboard: bool | None) -> cloudwatch.Dashboard | None:
    """The construct's own dashboard (``<construct>/Dashboard``), its row alone, unless
    ``dashboard`` is False or there are no alarms to draw. No name: dashboards are global to
    the account, so CloudFormation picks a unique one."""
    if builder is None or dashboard is False:
        return None
    return cloudwatch.Dashboard(construct, OWN_DASHBOARD_ID, widgets=[[row_of(builder).widget]])


def watches_of(construct: Construct) -> AlarmBuilder | None:
    """The alarms table of one of this library's constructs (``None``: not one, or no alarms)."""
    builder = getattr(construct, "_alarm_table", None)
    return builder if isinstance(builder, AlarmBuilder) else None


# --------------------------------------------------------------------------------------
# Several constructs, one dashboard
# --------------------------------------------------------------------------------------
class InvocationModelDashboard(Construct):
    """One CloudWatch dashboard for several constructs of this library: one row each (what
    each failure path means and where failed events go, then a graph per alarm with its
    threshold drawn on it), in the order given.

    Example::

        InvocationModelDashboard(stack, "Ops", constructs=[orders_api, payments, notifications])
        InvocationModelDashboard(stack, "Everything")   # every construct in the stack, made so far

    A construct shown here loses its own dashboard: its row moves here, and its
    ``dashboard`` attribute names this one (one dashboard per failure path, not two that
    drift in who looks at which; CloudWatch bills each dashboard beyond the first three).
    It can be shown on several ``InvocationModelDashboard`` s. Alarms a construct gets later
    (``AsyncWorker.add_event_rule`` ...) get their graphs here too.

    :param constructs: the constructs to show, in this order (``QueueConsumer``,
        ``StreamProcessor``, ``AsyncWorker``, ``SyncApiFunction``; each with its alarms on).
        Default: every such construct under ``scope`` that exists when the dashboard is made
        (make it last), in construct-tree order. A ``PlainFunction`` (no failure path of its
        own), a construct with ``alarms=False`` or anything else is an error, and so is a
        construct of a stack in another account or Region than the dashboard's (a template
        cannot reference another environment's resources: make one dashboard per environment).
    :param dashboard_name: the dashboard's name, 1-255 characters of ``A-Z a-z 0-9 - _``.
        Default none: CloudFormation picks a unique one (dashboard names are global to the
        account, so a fixed name deployed to two Regions would clash).

    Attributes: ``dashboard`` (the ``cloudwatch.Dashboard``), ``constructs`` (shown, in order).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        constructs: Sequence[Construct] | None = None,
        dashboard_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        check_props(self, dashboard_specs(), locals(), source=limits.SRC_CLOUDWATCH_PUT_DASHBOARD)
        raise_first(self, check_dashboard_name(dashboard_name))
        chosen = list(constructs) if constructs is not None else _found_under(scope)
        builders: list[AlarmBuilder] = []
        for index, construct in enumerate(chosen):
            builder = watches_of(construct)
            if builder is None:
                raise_first(self, _not_drawable(construct, index))
                continue  # pragma: no cover (raise_first raised)
            raise_first(self, _other_environment(self, construct, index))
            builders.append(builder)
        if not builders:
            raise_first(
                self,
                Violation(
                    "constructs",
                    f"constructs: nothing to show - no QueueConsumer, StreamProcessor, AsyncWorker or "
                    f"SyncApiFunction with alarms under {scope.node.path or 'the app'} yet; make the "
                    "dashboard after them, or pass constructs=[...]",
                    limits.SRC_CLOUDWATCH_DASHBOARD_BODY,
                ),
            )
        self.constructs: list[Construct] = chosen
        self.dashboard = cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=dashboard_name, widgets=[[row_of(b).widget] for b in builders]
        )
        for construct in chosen:
            construct.node.try_remove_child(OWN_DASHBOARD_ID)
            construct.dashboard = self.dashboard  # type: ignore[attr-defined]


def _found_under(scope: Construct) -> list[Construct]:
    return [c for c in scope.node.find_all() if isinstance(c, Construct) and watches_of(c) is not None]


def _not_drawable(construct: Any, index: int) -> Violation:
    kind = type(construct).__name__
    why = (
        "it has alarms=False, and a dashboard draws a construct's alarms"
        if hasattr(construct, "_alarm_table")
        else "it is not a QueueConsumer, StreamProcessor, AsyncWorker or SyncApiFunction (a PlainFunction "
        "has no failure path of its own to draw)"
    )
    path = construct.node.path if isinstance(construct, Construct) else repr(construct)
    return Violation("constructs", f"constructs[{index}] {kind} {path} cannot be shown: {why}", limits.SRC_CLOUDWATCH_DASHBOARD_BODY)


def _environment(stack: Stack) -> str:
    account = None if Token.is_unresolved(stack.account) else stack.account
    region = None if Token.is_unresolved(stack.region) else stack.region
    if account is None and region is None:
        return "environment-agnostic"
    return f"account {account or '(agnostic)'}, Region {region or '(agnostic)'}"


def _other_environment(dashboard: Construct, construct: Construct, index: int) -> Violation | None:
    """A construct of a stack in another account or Region (or one environment-agnostic and
    the other not) cannot be drawn: its graphs would reference the resources of a stack in
    another environment, which CloudFormation cannot resolve (aws-cdk-lib refuses it at synth)."""
    here, there = Stack.of(dashboard), Stack.of(construct)
    if here is there or (here.account == there.account and here.region == there.region):
        return None
    return Violation(
        "constructs",
        f"constructs[{index}] {type(construct).__name__} {construct.node.path} is in stack "
        f"{there.node.path} ({_environment(there)}), but this dashboard is in stack {here.node.path} "
        f"({_environment(here)}); a dashboard's graphs name the metrics' resources, and a template "
        "cannot reference resources of a stack in another account or Region (aws-cdk-lib fails the "
        "synth with CannotUseCrossEnvironment). Make one InvocationModelDashboard in a stack of each "
        "environment, with the constructs of that environment",
        limits.SRC_CFN_CROSS_STACK,
    )


_DASHBOARD_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def check_dashboard_name(name: str | None, *, prop: str = "dashboard_name") -> Violation | None:
    """A dashboard name CloudWatch accepts: 1-255 characters of A-Z, a-z, 0-9, - and _."""
    if name is None or Token.is_unresolved(name):
        return None
    if 1 <= len(name) <= limits.DASHBOARD_MAX_NAME_LENGTH and _DASHBOARD_NAME.match(name):
        return None
    return Violation(
        prop,
        f"{prop} {name!r} is not a dashboard name CloudWatch accepts: 1-{limits.DASHBOARD_MAX_NAME_LENGTH} "
        "characters of A-Z, a-z, 0-9, '-' and '_'",
        limits.SRC_CLOUDWATCH_PUT_DASHBOARD,
    )


# --------------------------------------------------------------------------------------
# The layout, as data (the construct pages show it; tests compare it with the template)
# --------------------------------------------------------------------------------------
def layout(builder: AlarmBuilder) -> list[dict[str, Any]]:
    """The row's widgets in order with their place on the grid (``x``, ``y``, ``width``,
    ``height``, as ``cloudwatch.Row`` wraps them), from the table alone."""
    widgets: list[dict[str, Any]] = [
        {"widget": "text", "title": "failure paths", "paths": [p.name for p in builder.failure_paths],
         "width": limits.DASHBOARD_GRID_WIDTH, "height": text_height(builder.failure_paths)}
    ]
    widgets += [
        {"widget": "graph", "title": w.title, "alarm": w.name, "threshold": f"{COMPARISON_TEXT.get(w.comparison, '')} {w.shown}",
         "also": [label for _, label in w.also], "path": w.path, "width": GRAPH_WIDTH, "height": GRAPH_HEIGHT}
        for w in builder.watches
    ]
    x = y = height = 0
    for widget in widgets:
        if x + widget["width"] > limits.DASHBOARD_GRID_WIDTH:
            x, y = 0, height
        widget["x"], widget["y"] = x, y
        height = max(height, y + widget["height"])
        x += widget["width"]
    return widgets


def layout_markdown(builder: AlarmBuilder) -> str:
    """The layout as the construct pages show it: one line per widget."""
    rows = ["| place (x, y) | widget | alarm drawn | failure path | also drawn |", "| --- | --- | --- | --- | --- |"]
    for widget in layout(builder):
        place = f"({widget['x']}, {widget['y']}) {widget['width']} x {widget['height']}"
        if widget["widget"] == "text":
            rows.append(f"| {place} | text: {', '.join(widget['paths'])} | | | |")
        else:
            rows.append(
                f"| {place} | graph: {widget['title']} | {widget['alarm']} {widget['threshold']} | {widget['path']} "
                f"| {'; '.join(widget['also'])} |"
            )
    return "\n".join(rows)


__all__ = ["FailurePath", "InvocationModelDashboard", "layout", "layout_markdown"]
