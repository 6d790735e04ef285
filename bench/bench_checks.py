"""Benchmark (not a test): how long the invocation-model checks take on synthesized apps
of about 10, 100 and 1,000 resources, next to cdk-nag v3's Serverless pack on the same apps.

    .venv/bin/python bench/bench_checks.py [--repeat 3]

Each app is N copies of a plain-CDK SQS consumer (queue, DLQ, role, policy, function,
mapping: 6 resources), 50 per stack. Synthesis is done once per app and not timed. "ours" is reading
every template from disk plus running every rule (what the CLI and the plugin do);
"cdk-nag" is ``ServerlessChecks().validate_scope(app)`` over the construct tree (what its
plugin does). The best of ``--repeat`` runs is reported.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aws_cdk import App, Duration, Stack  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402
from aws_cdk import aws_lambda_event_sources as event_sources  # noqa: E402
from aws_cdk import aws_sqs as sqs  # noqa: E402
from cdk_nag import ServerlessChecks  # noqa: E402

from constructs_lib.template.loader import load_path  # noqa: E402
from constructs_lib.checks.rules import run_checks  # noqa: E402

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
TARGETS = (10, 100, 1000)
PER_CONSUMER = 6
CONSUMERS_PER_STACK = 50


def build_app(outdir: str, consumers: int) -> App:
    app = App(outdir=outdir)
    stack = Stack(app, "Bench0")
    for i in range(consumers):
        if i and i % CONSUMERS_PER_STACK == 0:  # CloudFormation allows 500 resources per stack
            stack = Stack(app, f"Bench{i // CONSUMERS_PER_STACK}")
        dlq = sqs.Queue(stack, f"Dlq{i}", retention_period=Duration.days(14))
        queue = sqs.Queue(
            stack,
            f"Queue{i}",
            visibility_timeout=Duration.seconds(180),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
        )
        fn = lambda_.Function(
            stack, f"Fn{i}", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler", code=CODE,
            timeout=Duration.seconds(30),
        )
        fn.add_event_source(event_sources.SqsEventSource(queue, report_batch_item_failures=True))
    app.synth()
    return app


def best_of(repeat: int, fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'resources':>9} {'synth s':>8} {'ours ms':>9} {'findings':>8} {'cdk-nag ms':>11} {'nag findings':>12} {'ratio':>6}")
    for target in TARGETS:
        consumers = max(1, round(target / PER_CONSUMER))
        with tempfile.TemporaryDirectory() as outdir:
            start = time.perf_counter()
            app = build_app(outdir, consumers)
            synth_s = time.perf_counter() - start
            models = load_path(outdir)
            resources = sum(len(m.resources) for m in models)
            ours_s, findings = best_of(args.repeat, lambda: run_checks(load_path(outdir)))
            nag_s, report = best_of(args.repeat, lambda: ServerlessChecks().validate_scope(app))
            nag_count = sum(len(v.violating_resources) for v in report.violations)  # type: ignore[attr-defined]
            print(
                f"{resources:>9} {synth_s:>8.1f} {ours_s * 1000:>9.1f} {len(findings):>8} "  # type: ignore[arg-type]
                f"{nag_s * 1000:>11.1f} {nag_count:>12} {nag_s / ours_s:>5.0f}x"
            )


if __name__ == "__main__":
    main()
