"""Render the results of ``python -m bench`` as docs/benchmarks.md."""

from __future__ import annotations

from typing import Any

from bench.variants import CASE_TITLES, CASES, SOLUTIONS_PATTERNS, SOLUTIONS_VERSION, VARIANTS

#: Ours slower than the hand-written equivalent by more than this is listed.
SLOWER_THRESHOLD = 1.10

VARIANT_TITLES = {
    "ours": "constructs-lib (defaults, with alarms)",
    "equivalent": "hand-written, same resources, alarms and dashboard",
    "minimal": "hand-written, aws-cdk-lib defaults",
    "solutions": "AWS Solutions Constructs",
}

#: Why ours costs what it costs: written from the measurements and profiles of this run's
#: code (see the "Findings" section); kept with the generator so the doc stays whole.
ANALYSIS = """\
### Where the time goes

Every call from Python into aws-cdk-lib is a JSON message to jsii's node process and back
(the **jsii** column), about 0.2-0.5 ms each on this machine, more under load; our own
Python (the type layer, the pure rules) costs microseconds. A construct's cost above
hand-written code is therefore its extra round trips, listed per construct below from a
traced build: what hand-written code makes too (the same resources), plus

- the cdk-nag acknowledgments: one `Validations.of(construct).acknowledge(...)` batch on
  the construct (2 round trips), whatever their number;
- the cfn-lint metadata on the function (`node.default_child`, `add_metadata`: 3);
- the construct path in the alarm descriptions, read once (2);
- what it reads back from what you brought: a Kinesis stream's retention (3, and its
  shard count next to a reservation), a DynamoDB table's key and the logical id behind
  the ListStreams acknowledgment (3);
- (not extra: the on-failure destination that only names its ARN, because the
  permission is granted explicitly, least privilege, is a Python object jsii calls back,
  2 round trips, as in the hand-written code that does the same).

The constructs' own Durations and the Lambda service principal are made once per process
and known without asking jsii; a Duration you pass is read once, in the unit the template
takes; numbers you pass are checked in Python, and only a value in the range CDK uses for
number tokens is asked about.

- **Cold synth is jsii's start-up, not our code.** The first build + synth in a fresh
  process loads every aws-cdk-lib type it touches into node (1-2 s on an idle core); the
  hand-written equivalent touches the same types. With a few fresh processes per variant
  on a shared machine the cold column is mostly noise: judge the warm column and the
  jsii counts.
- **The Solutions Constructs make 2 jsii calls per pattern**: the whole pattern is built
  inside node (TypeScript), so its cost shows in node time, not in round trips; they also
  load their own jsii assemblies at import (about 0.7 s more per process, not in these
  figures).
- **Scaling**: total time grows linearly, so the cost per construct does not rise with
  the app's size: the per-construct average keeps falling as the fixed start-up (jsii,
  several seconds under load) is spread, and the marginal cost (below the table) is the
  steady per-construct price. Node's peak memory grows by about 1-1.5 MiB per construct
  (the tree and the templates held in node); Python's stays near 100 MiB.
- **Handlers**: the handler asset and the layer ship no bytecode (the layer is bundled
  with `--no-compile`) and Lambda's file system is read-only, so every cold start
  compiles the handler and Powertools from source: compare the two import columns.
  Shipping bytecode would need the runtime's own Python (3.14) to compile it, which
  local bundling on this machine cannot do, so it is not done. What remains is the
  imports themselves: Powertools' idempotency utility pulls in boto3 (payments,
  notifications).
"""


def _fmt_s(value: float) -> str:
    return f"{value:.2f}"


def _fmt_ms(value: float) -> str:
    return f"{value * 1000:.0f}"


def _kib(value: int) -> str:
    return f"{value / 1024:.1f}"


def _findings(findings: list[list[str]]) -> str:
    if not findings:
        return "all pass"
    errors = [r for r, level in findings if level == "error"]
    warnings = [r for r, level in findings if level == "warning"]
    parts = [f"**error** `{r}`" for r in errors] + [f"warning `{r}`" for r in warnings]
    return "<br>".join(parts)


def _synth_section(rows: list[dict[str, Any]]) -> list[str]:
    by = {(r["case"], r["variant"]): r for r in rows}
    out = [
        "## Synth time of one construct",
        "",
        "One instance per app, `Code.from_inline` (no asset). **cold**: the first build + synth",
        "in a fresh process, after the imports (what a one-off `cdk synth` of a small app",
        "pays); **warm**: a new `App` with one instance in an already-warm process (construct",
        "+ `app.synth()`). **ratio** = constructs-lib (defaults) / that variant, on the",
        "minimum (the machine is shared: the minimum is the cost, the median shows the noise;",
        "> 1 means ours is slower). **jsii** = Python-to-node round trips while building the",
        "instance. Resources and template size are of the synthesized stack; **checks** lists",
        "what `constructs_lib.checks` (all rules, as the CLI runs them) reports on it.",
        "",
    ]
    for case in CASES:
        ours = by.get((case, "ours"))
        out += [f"### {CASE_TITLES[case]}", ""]
        out.append(
            "| variant | cold min / median s | warm min / median ms | ratio cold | ratio warm "
            "| jsii | resources | template KiB | checks |"
        )
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for variant in VARIANTS:
            r = by.get((case, variant))
            title = VARIANT_TITLES[variant]
            if variant == "solutions":
                title += f" `{SOLUTIONS_PATTERNS[case]}`" if case in SOLUTIONS_PATTERNS else ""
            if r is None:
                out.append(f"| {title} | no such pattern | | | | | | | |")
                continue
            if r.get("unavailable"):
                out.append(f"| {title} | not installed | | | | | | | |")
                continue
            if ours and variant != "ours" and not ours.get("unavailable"):
                rc = f"{ours['cold_min'] / r['cold_min']:.2f}"
                rw = f"{ours['warm_min'] / r['warm_min']:.2f}"
            else:
                rc = rw = "1"
            out.append(
                f"| {title} | {_fmt_s(r['cold_min'])} / {_fmt_s(r['cold_median'])} "
                f"| {_fmt_ms(r['warm_min'])} / {_fmt_ms(r['warm_median'])} | {rc} | {rw} "
                f"| {r.get('jsii_calls', '')} | {r['resources']} | {_kib(r['template_bytes'])} "
                f"| {_findings(r['findings'])} |"
            )
        out.append("")
    return out


def _sources_section(rows: list[dict[str, Any]]) -> list[str]:
    """Where each construct's jsii round trips go, from the traced build."""
    by = {(r["case"], r["variant"]): r for r in rows}
    out = ["### jsii round trips of each construct, by source line", ""]
    for case in CASES:
        r = by.get((case, "ours"))
        if not r or not r.get("jsii_sources"):
            continue
        parts = [f"{count} `{line}`" for line, count in r["jsii_sources"]]
        out.append(f"- {CASE_TITLES[case]} ({r['jsii_calls']}): " + "; ".join(parts))
    out.append("")
    return out


def cost_rows(rows: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per construct: jsii round trips (synth matrix) and the side-by-side warm times."""
    by = {(r["case"], r["variant"]): r for r in rows}
    table = []
    for pair in pairs:
        o, e = by.get((pair["case"], "ours")), by.get((pair["case"], "equivalent"))
        table.append(
            {
                **pair,
                "jsii_ours": o.get("jsii_calls") if o else None,
                "jsii_hand": e.get("jsii_calls") if e else None,
            }
        )
    return table


def cost_table(
    rows: list[dict[str, Any]], pairs: list[dict[str, Any]], equivalence: dict[str, list[str]] | None = None
) -> list[str]:
    out = [
        "| construct | jsii round trips ours / hand-written | warm min ours / hand-written ms "
        "| ratio (min) | ratio (median) | ratio (paired median) | same resources |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in cost_rows(rows, pairs):
        verdict = equivalence.get(r["case"]) if equivalence is not None else None
        same = "" if equivalence is None else ("yes" if not verdict else "no: " + ", ".join(verdict))
        out.append(
            f"| {CASE_TITLES[r['case']]} | {r['jsii_ours']} / {r['jsii_hand']} "
            f"| {_fmt_ms(r['ours_min'])} / {_fmt_ms(r['hand_min'])} | {r['ratio_min']:.2f} "
            f"| {r['ratio_median']:.2f} | {r['ratio_paired']:.2f} | {same} |"
        )
    return out


def _cost_section(results: dict[str, Any]) -> list[str]:
    pairs = results.get("pairs", [])
    s = results["settings"]
    return [
        "## Synth cost: a default construct against the same resources by hand",
        "",
        "Each construct with its defaults (alarms and dashboard included) against `bench/handwritten.py`,",
        "plain aws-cdk-lib code that makes the same resources with the same properties, the",
        "same alarms and the same dashboard (`python -m bench.compare` checks it: only alarm",
        "descriptions and the dashboard's text differ; the",
        "**same resources** column is its verdict). Both are built side by side in the same",
        f"warm processes ({s['processes']} processes x {s['repeat'] * 2} rounds, alternating which goes first, so",
        "a burst of load on this shared machine hits both alike): **ratio** = ours /",
        "hand-written on the warm time (a new `App` with one instance: construct +",
        "`app.synth()`), on the minimum, on the median, and the median of the per-round",
        "ratios (**paired**: the least sensitive to the machine). **jsii round trips**:",
        "Python-to-node requests while building the instance. The target is within 1.1 x.",
        "",
        *cost_table(results["synth"], pairs, results.get("equivalence")),
        "",
        "Above 1.1 x in this run (any of the three ratios): "
        + (", ".join(
            f"{CASE_TITLES[p['case']]} ({p['ratio_min']:.2f} / {p['ratio_median']:.2f} / {p['ratio_paired']:.2f})"
            for p in pairs
            if max(p["ratio_min"], p["ratio_median"], p["ratio_paired"]) > SLOWER_THRESHOLD
        ) or "none") + ". The per-variant tables below come from separate processes (cold",
        "start included), so machine noise shows more there; the jsii counts are exact.",
        "",
    ]


def _scaling_section(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "## Scaling: apps of 1, 10, 50 and 200 constructs",
        "",
        "The five invocation models in rotation (queue, Kinesis, DynamoDB, async, API), 20",
        "per stack; build + synth in a fresh process. Peak memory is the resident set",
        "(`VmHWM` from /proc for the Python process and for jsii's node child, read before",
        "it exits), the maximum over the runs. Per construct = median total / N.",
        "",
        "| variant | constructs | resources | template KiB | total min / median s | construct s | synth s "
        "| per construct ms | Python peak MiB | node peak MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        out.append(
            f"| {VARIANT_TITLES[r['variant']]} | {r['count']} | {r['resources']} | {_kib(r['template_bytes'])} "
            f"| {_fmt_s(r['total_min'])} / {_fmt_s(r['total_median'])} | {_fmt_s(r['construct_median'])} "
            f"| {_fmt_s(r['synth_median'])} | {r['total_median'] / r['count'] * 1000:.0f} "
            f"| {r['python_mib']:.0f} | {r['node_mib']:.0f} |"
        )
    # Marginal cost between the smallest and the largest app.
    out.append("")
    for variant in ("ours", "equivalent"):
        vr = sorted((r for r in rows if r["variant"] == variant), key=lambda r: r["count"])
        if len(vr) >= 2:
            a, b = vr[0], vr[-1]
            n = b["count"] - a["count"]
            out.append(
                f"- {VARIANT_TITLES[variant]}: marginal cost from {a['count']} to {b['count']} constructs "
                f"{(b['total_median'] - a['total_median']) / n * 1000:.0f} ms and "
                f"{(b['node_mib'] - a['node_mib']) / n * 1024:.0f} KiB of node memory per construct"
            )
            mid = [r for r in vr if r["count"] >= 10]
            if len(mid) >= 2:
                per = [r["total_median"] / r["count"] * 1000 for r in mid]
                out.append(
                    f"  (per construct from 10 up: {', '.join(f'{p:.0f}' for p in per)} ms)"
                )
    out.append("")
    return out


def _handlers_section(h: dict[str, Any]) -> list[str]:
    out = ["## Handlers", ""]
    if "error" in h:
        return out + ["```", h["error"], "```", ""]
    out += [
        "### Cold import time of each handler module",
        "",
        "`python -X importtime -c 'import <module>'` in a fresh interpreter, `lambda_src` and the",
        "bundled dependencies layer first on `sys.path`. **from source**: no bytecode for the",
        "handler or the layer (as deployed: the asset and layer carry no `__pycache__`, and",
        "Lambda's file system is read-only); **compiled**: with cached bytecode. This",
        "machine's Python, so compare the modules with each other, not with Lambda.",
        "",
        "| module | from source min / median ms | compiled min / median ms | runs |",
        "| --- | --- | --- | --- |",
    ]
    for r in h["imports"]:
        out.append(
            f"| `{r['module']}` | {r['min_ms']:.0f} / {r['median_ms']:.0f} "
            f"| {r['compiled_min_ms']:.0f} / {r['compiled_median_ms']:.0f} | {r['runs']} |"
        )
    out += [
        "",
        "### Deployment package of each reference function",
        "",
        "The handler asset (`lambda_src/` minus tests and the layer's requirements, shared by",
        "every function) plus the dependencies layer (Powertools, bundled locally for arm64),",
        "zipped with deflate as the CDK CLI uploads them. Lambda allows 50 MB zipped for a",
        "direct upload and 250 MB unzipped including layers.",
        "",
        "| stack | function | handler | code KiB | layers KiB | total zipped KiB | unzipped KiB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in h["packages"]:
        out.append(
            f"| {r['stack']} | {r['function']} | `{r['handler']}` | {_kib(r['code_zip'])} "
            f"| {_kib(r['layers_zip'])} | {_kib(r['total_zip'])} | {_kib(r['total_unzipped'])} |"
        )
    out.append("")
    return out


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    s = results["settings"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    out = [
        "# Benchmarks",
        "",
        "<!-- Generated by `make bench` (python -m bench); do not edit by hand. -->",
        "",
        "constructs-lib next to the same resources written by hand with aws-cdk-lib, to",
        "aws-cdk-lib's defaults, and to the AWS Solutions Constructs patterns. Figures, not",
        "tests: they depend on the machine, and this one is shared.",
        "",
        "## Machine",
        "",
        f"- {m['date']}; {m['platform']}",
        f"- CPU: {m['cpu']}, {m['cpus']} logical CPUs (shared with other work; load average "
        f"at start {m['loadavg'][0]:.2f} / {m['loadavg'][1]:.2f} / {m['loadavg'][2]:.2f}); "
        f"memory {m['memory_mib']} MiB",
        f"- Python {m['python']}, Node {m['node']}",
        f"- {versions}",
        f"- settings: {s['processes']} fresh processes per variant x {s['repeat']} warm runs; "
        f"{s['scale_runs']} runs per scaling size; {s['import_runs']} runs per handler import; "
        f"whole run {s['elapsed_s'] / 60:.1f} min",
        "",
        "The Solutions Constructs (`aws-solutions-constructs.*` " + SOLUTIONS_VERSION + ") cannot be",
        "installed next to aws-cdk-lib 2.275 by pip: their core pins",
        "`aws-cdk.cloud-assembly-schema<55` while aws-cdk-lib 2.275 needs `>=55`. `make bench`",
        "installs them with `--no-deps` into `.venv/bench-solutions-constructs`, which only the",
        "benchmark puts on `sys.path`; they synthesize without error at this aws-cdk-lib.",
        "",
    ]
    out += _cost_section(results)
    out += _synth_section(results["synth"])
    out += ANALYSIS.splitlines() + [""]
    out += _sources_section(results["synth"])
    if "scaling" in results:
        out += _scaling_section(results["scaling"])
    if "checks" not in results:
        out += ["(Scaling, checks and handlers were not run in this invocation: `make bench` runs them.)", ""]
        return "\n".join(out)
    out += [
        "## Checks: constructs-lib vs cdk-nag ServerlessChecks",
        "",
        "From `bench/bench_checks.py` (best of 3; see its docstring): ours reads every",
        "template from disk and runs every rule; cdk-nag's Serverless pack walks the construct",
        "tree. Findings differ by design: the app is plain aws-cdk-lib SQS consumers that pass",
        "our invocation-model rules but not cdk-nag's general ones.",
        "",
        "```",
        results["checks"],
        "```",
        "",
    ]
    out += _handlers_section(results["handlers"])
    return "\n".join(out)
