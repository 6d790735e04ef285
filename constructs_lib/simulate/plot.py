"""``constructs-lib simulate --plot FILE``: each function's timeline, so a loss can be seen
unfolding.

Two panels per function and invocation model: above, what happened per time bin -
arrivals, throttles, failed attempts (retries), dead-letter and destination arrivals, and
losses; below, the function's concurrency against its limit, with the queue depth (SQS) or
the iterator age (streams) on a second axis. A red line marks the moment the first event was
lost. matplotlib is an optional extra: ``pip install 'constructs-lib[plot]'``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from constructs_lib.simulate.run import FunctionResult, Report

#: The file types matplotlib writes that a report is useful in.
FORMATS = (".png", ".svg", ".pdf")
#: The most functions one figure draws: the worst ones (most lost, then pending...).
MAX_PANELS = 24
BINS = 120


class PlotUnavailable(ValueError):
    """``--plot`` cannot be honoured: matplotlib is missing or the file type is unknown."""


def check_plot_path(path: str) -> None:
    """Refuse early - before simulating - what cannot be drawn."""
    if Path(path).suffix.lower() not in FORMATS:
        raise PlotUnavailable(f"--plot {path}: the file must end in {', '.join(FORMATS)}")
    if importlib.util.find_spec("matplotlib") is None:
        raise PlotUnavailable("--plot needs matplotlib: pip install 'constructs-lib[plot]'")
    parent = Path(path).parent
    if not parent.is_dir():
        raise PlotUnavailable(f"--plot {path}: the directory {parent} does not exist")


def _scale(end_s: float) -> tuple[float, str]:
    if end_s > 2 * 86400:
        return 86400.0, "days"
    if end_s > 2 * 3600:
        return 3600.0, "hours"
    if end_s > 120:
        return 60.0, "minutes"
    return 1.0, "seconds"


def _worst(result: FunctionResult) -> tuple[int, ...]:
    return (-result.lost, -result.pending, -result.metadata_only, -result.duplicates,
            -(result.dead_lettered + result.returned_errors), -result.throttles)


def plot_report(report: Report, path: str) -> list[FunctionResult]:
    """Draw the report's timelines into ``path``; the results drawn (at most MAX_PANELS)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drawn = sorted((r for r in report.functions if r.timeline is not None), key=_worst)[:MAX_PANELS]
    rows = max(len(drawn), 1)
    fig, axes = plt.subplots(rows * 2, 1, figsize=(11, 3.2 * rows), squeeze=False,
                             gridspec_kw={"height_ratios": [3, 2] * rows})
    if not drawn:
        axes[0][0].text(0.5, 0.5, "no simulated function", ha="center", va="center")
    for i, result in enumerate(drawn):
        _draw(result, axes[2 * i][0], axes[2 * i + 1][0])
    fig.suptitle(f"constructs-lib simulate --scenario {report.scenario} ({report.events:,} events per function, "
                 f"seed {report.seed})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return drawn


def _draw(result: FunctionResult, top: Any, bottom: Any) -> None:
    line = result.timeline
    assert line is not None
    points = [*line.arrivals, *line.throttles, *line.retries, *line.dead_letters, *line.losses,
              *(t for t, _ in line.concurrency), *(t for t, _ in line.backlog)]
    end = max(points, default=1.0) or 1.0
    unit, label = _scale(end)
    edges = [end * k / BINS / unit for k in range(BINS + 1)]
    series = (("arrivals", line.arrivals, "tab:blue"), ("throttles", line.throttles, "tab:orange"),
              ("failed attempts", line.retries, "tab:purple"), ("dead-lettered", line.dead_letters, "tab:brown"),
              ("lost", line.losses, "tab:red"))
    for name, times, colour in series:
        if times:
            top.hist([t / unit for t in times], bins=edges, histtype="step", label=f"{name} ({len(times):,})", color=colour)
    top.set_ylabel("events per bin")
    fates = [f"{result.succeeded:,} succeeded", f"{result.dead_lettered:,} dead-lettered"]
    fates += [f"{n:,} {what}" for n, what in ((result.metadata_only, "metadata only"),
                                              (result.returned_errors, "returned errors")) if n]
    top.set_title(f"{result.name} [{result.model}]: {', '.join(fates)}, {result.lost:,} lost", fontsize=9, loc="left")
    if line.concurrency:
        xs = [0.0, *(t / unit for t, _ in line.concurrency)]
        ys = [0, *(n for _, n in line.concurrency)]
        bottom.step(xs, ys, where="post", color="tab:green", label="concurrency")
    peak = max((n for _, n in line.concurrency), default=0)
    if line.limit is not None and line.limit <= 5 * max(peak, 1):
        bottom.axhline(line.limit, color="tab:green", linestyle=":", label=f"limit ({line.limit:,.0f})")
    elif line.limit is not None:  # a shared pool far above this function's use: named, not drawn
        bottom.plot([], [], color="tab:green", linestyle=":", label=f"limit {line.limit:,.0f} (off the scale)")
    bottom.set_ylabel("concurrency")
    bottom.set_xlabel(label)
    if line.backlog:
        twin = bottom.twinx()
        twin.plot([t / unit for t, _ in line.backlog], [v for _, v in line.backlog], color="tab:gray", linewidth=0.8,
                  label=line.backlog_kind)
        twin.set_ylabel(line.backlog_kind)
        twin.legend(loc="upper right", fontsize=7)
    for axis in (top, bottom):
        if result.first_loss_s is not None:
            axis.axvline(result.first_loss_s / unit, color="red", linewidth=1.2,
                         label="first event lost" if axis is top else None)
        axis.set_xlim(0, end / unit)
    if top.get_legend_handles_labels()[0]:
        top.legend(loc="upper right", fontsize=7)
    if bottom.get_legend_handles_labels()[0]:
        bottom.legend(loc="upper left", fontsize=7)
