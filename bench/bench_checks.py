"""Benchmark (not a test): how long the invocation-model checks take on synthesized apps
of about 10, 100 and 1,000 resources, next to cdk-nag v3's Serverless pack on the same apps;
and how ``explain`` scales next to ``check`` on one template of 5,000 and 20,000 resources.

    .venv/bin/python bench/bench_checks.py [--repeat 3] [--only all|nag|explain]

Each app is N copies of a plain-CDK SQS consumer (queue, DLQ, role, policy, function,
mapping: 6 resources), 50 per stack. Synthesis is done once per app and not timed. "ours" is reading
every template from disk plus running every rule (what the CLI and the plugin do);
"cdk-nag" is ``ServerlessChecks().validate_scope(app)`` over the construct tree (what its
plugin does). The best of ``--repeat`` runs is reported.

The second table times the two commands end to end (``python -m constructs_lib check`` and
``explain``, interpreter start included) on one JSON template of the same consumers, written
as a template (no synth): ``explain`` must take no more than 3 x what ``check`` takes at
5,000 resources, and under 20 s at 20,000 (issue 24; it took 26.5 s at 1,000 before).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from constructs_lib.template.loader import load_path  # noqa: E402
from constructs_lib.checks.rules import run_checks  # noqa: E402

TARGETS = (10, 100, 1000)
#: Resources of the one template ``explain`` is timed on, and its targets (issue 24).
EXPLAIN_TARGETS = (5000, 20000)
EXPLAIN_MAX_RATIO_AT_5000 = 3.0
EXPLAIN_MAX_S_AT_20000 = 20.0
PER_CONSUMER = 6
CONSUMERS_PER_STACK = 50


def build_app(outdir: str, consumers: int) -> Any:
    from aws_cdk import App, Duration, Stack
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_lambda_event_sources as event_sources
    from aws_cdk import aws_sqs as sqs

    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
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
            stack, f"Fn{i}", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler", code=code,
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


def consumer_template(resources: int) -> dict[str, Any]:
    """One template of ``resources`` resources: the consumers ``build_app`` makes, as CDK
    would write them (queue, DLQ, role, policy, function, mapping)."""
    out: dict[str, Any] = {}
    for i in range(resources // PER_CONSUMER + 1):
        out.update({
            f"Dlq{i}": {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}},
            f"Queue{i}": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 180, "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": [f"Dlq{i}", "Arn"]}, "maxReceiveCount": 5}}},
            f"Role{i}": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{
                "Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]}}},
            f"Policy{i}": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": f"Role{i}"}], "PolicyDocument": {
                "Statement": [{"Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Effect": "Allow",
                               "Resource": {"Fn::GetAtt": [f"Queue{i}", "Arn"]}}]}}},
            f"Fn{i}": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.13", "Handler": "index.handler", "Timeout": 30,
                "Role": {"Fn::GetAtt": [f"Role{i}", "Arn"]}, "Code": {"ZipFile": "def handler(e, c): return {}"}}},
            f"Mapping{i}": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "FunctionName": {"Ref": f"Fn{i}"}, "EventSourceArn": {"Fn::GetAtt": [f"Queue{i}", "Arn"]},
                "FunctionResponseTypes": ["ReportBatchItemFailures"]}},
        })
    return {"Resources": dict(list(out.items())[:resources])}


def best_cli(repeat: int, *argv: str) -> float:
    """The best wall time of ``python -m constructs_lib ARGV`` (its output discarded)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "constructs_lib", *argv], stdout=subprocess.DEVNULL, check=False,
                       cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def explain_table(repeat: int) -> None:
    print(f"{'resources':>9} {'check s':>8} {'explain s':>10} {'ratio':>6}  target")
    for resources in EXPLAIN_TARGETS:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"app{resources}.json"
            path.write_text(json.dumps(consumer_template(resources)))
            check_s = best_cli(repeat, "check", str(path))
            explain_s = best_cli(repeat, "explain", str(path))
            ratio = explain_s / check_s
            if resources == 5000:
                target = f"ratio <= {EXPLAIN_MAX_RATIO_AT_5000:g}: {'met' if ratio <= EXPLAIN_MAX_RATIO_AT_5000 else 'MISSED'}"
            else:
                target = f"explain < {EXPLAIN_MAX_S_AT_20000:g} s: {'met' if explain_s < EXPLAIN_MAX_S_AT_20000 else 'MISSED'}"
            print(f"{resources:>9} {check_s:>8.2f} {explain_s:>10.2f} {ratio:>5.1f}x  {target}")


def nag_table(repeat: int) -> None:
    from cdk_nag import ServerlessChecks

    print(f"{'resources':>9} {'synth s':>8} {'ours ms':>9} {'findings':>8} {'cdk-nag ms':>11} {'nag findings':>12} {'ratio':>6}")
    for target in TARGETS:
        consumers = max(1, round(target / PER_CONSUMER))
        with tempfile.TemporaryDirectory() as outdir:
            start = time.perf_counter()
            app = build_app(outdir, consumers)
            synth_s = time.perf_counter() - start
            models = load_path(outdir)
            resources = sum(len(m.resources) for m in models)
            ours_s, findings = best_of(repeat, lambda: run_checks(load_path(outdir)))
            nag_s, report = best_of(repeat, lambda: ServerlessChecks().validate_scope(app))
            nag_count = sum(len(v.violating_resources) for v in report.violations)  # type: ignore[attr-defined]
            print(
                f"{resources:>9} {synth_s:>8.1f} {ours_s * 1000:>9.1f} {len(findings):>8} "  # type: ignore[arg-type]
                f"{nag_s * 1000:>11.1f} {nag_count:>12} {nag_s / ours_s:>5.0f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("all", "nag", "explain"), default="all")
    args = parser.parse_args()
    if args.only in ("all", "nag"):
        nag_table(args.repeat)
    if args.only == "all":
        print()
    if args.only in ("all", "explain"):
        explain_table(args.repeat)


if __name__ == "__main__":
    main()
