"""Benchmark (not a test): how fast ``constructs-lib simulate`` runs, and that it grows linearly.

    .venv/bin/python bench/bench_simulate.py [PATH] [--repeat 3] [--quick]

Prints three tables:

1. events per second through one function of each invocation model (SQS, Kinesis, async,
   HTTP API) at 1,000, 10,000 and 100,000 events, scenario ``poison``;
2. functions per second for a template of 10, 100 and 1,000 functions (a mix of the four
   models, 200 events each, scenario ``poison``), all in one account;
3. the reference app (or PATH, a cdk.out directory) under every scenario: the wall time of
   ``simulate`` in this process, and of the whole command (``constructs-lib simulate ...`` in a
   fresh interpreter: start-up, reading the templates, the simulation, the output).

Each figure is the best of ``--repeat`` runs. ``--quick`` stops at 10,000 events and 100
functions. Linear growth shows as a steady events/s and functions/s across the sizes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from constructs_lib.simulate import SCENARIOS, simulate  # noqa: E402
from constructs_lib.template.loader import load_path  # noqa: E402
from constructs_lib.template.model import TemplateModel  # noqa: E402


def _fn(timeout: int, **props: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "index.handler", "Runtime": "python3.13",
                                                            "Timeout": timeout, "MemorySize": 256, **props}}


def add_sqs(resources: dict[str, Any], i: int) -> None:
    resources[f"Fn{i}"] = _fn(10)
    resources[f"Queue{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {
        "VisibilityTimeout": 60, "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [f"Dlq{i}", "Arn"]}, "maxReceiveCount": 5}}}
    resources[f"Dlq{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}}
    resources[f"Map{i}"] = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
        "FunctionName": {"Ref": f"Fn{i}"}, "EventSourceArn": {"Fn::GetAtt": [f"Queue{i}", "Arn"]}, "BatchSize": 10,
        "FunctionResponseTypes": ["ReportBatchItemFailures"]}}


def add_kinesis(resources: dict[str, Any], i: int) -> None:
    resources[f"Fn{i}"] = _fn(30)
    resources[f"Stream{i}"] = {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 2}}
    resources[f"Failures{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}}
    resources[f"Map{i}"] = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
        "FunctionName": {"Ref": f"Fn{i}"}, "EventSourceArn": {"Fn::GetAtt": [f"Stream{i}", "Arn"]}, "BatchSize": 100,
        "StartingPosition": "TRIM_HORIZON", "MaximumRetryAttempts": 3, "BisectBatchOnFunctionError": True,
        "MaximumRecordAgeInSeconds": 21600, "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [f"Failures{i}", "Arn"]}}}}}


def add_async(resources: dict[str, Any], i: int) -> None:
    resources[f"Fn{i}"] = _fn(30)
    resources[f"Failures{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    resources[f"Config{i}"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
        "FunctionName": {"Ref": f"Fn{i}"}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 2,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [f"Failures{i}", "Arn"]}}}}}


def add_http(resources: dict[str, Any], i: int) -> None:
    resources[f"Fn{i}"] = _fn(10)
    resources[f"Api{i}"] = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}}
    resources[f"Integration{i}"] = {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
        "ApiId": {"Ref": f"Api{i}"}, "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
        "IntegrationUri": {"Fn::GetAtt": [f"Fn{i}", "Arn"]}}}


KINDS: dict[str, Callable[[dict[str, Any], int], None]] = {"sqs": add_sqs, "kinesis": add_kinesis, "async": add_async,
                                                          "http": add_http}


def template(functions: int, kinds: tuple[str, ...] = tuple(KINDS)) -> dict[str, Any]:
    """A template of ``functions`` functions, their invocation models taken in turn from ``kinds``."""
    resources: dict[str, Any] = {}
    for i in range(functions):
        KINDS[kinds[i % len(kinds)]](resources, i)
    return {"Resources": resources}


def best(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    fastest, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, value


def snapshot_dir(into: Path) -> Path:
    for snapshot in sorted((ROOT / "tests" / "snapshots").glob("*.json")):
        name = snapshot.name.split("[", 1)[1].removesuffix("].json")
        (into / f"{name}.template.json").write_text(snapshot.read_text())
    return into


def events_table(sizes: list[int], repeat: int) -> None:
    print("1. One function, scenario poison: events per second")
    print(f"{'model':<8} {'events':>8} {'best s':>8} {'events/s':>10}  outcome (lost / pending)")
    for kind in KINDS:
        model = TemplateModel(template(1, (kind,)), name=f"{kind}.json")
        for n in sizes:
            elapsed, report = best(repeat, lambda: simulate([model], "poison", events=n))
            lost = sum(f.lost for f in report.functions)
            pending = sum(f.pending for f in report.functions)
            print(f"{kind:<8} {n:>8,} {elapsed:>8.2f} {n / elapsed:>10,.0f}  {lost} / {pending}")
    print()


def functions_table(sizes: list[int], repeat: int) -> None:
    print("2. A template of N functions (SQS, Kinesis, async, HTTP in turn), 200 events each, scenario poison")
    print(f"{'functions':>9} {'read s':>7} {'simulate s':>10} {'functions/s':>11} {'events/s':>10}  outcome (lost / pending)")
    for n in sizes:
        body = template(n)
        read, model = best(1, lambda: TemplateModel(body, name=f"functions-{n}.json"))
        elapsed, report = best(repeat, lambda: simulate([model], "poison"))
        events = sum(f.events for f in report.functions)
        lost = sum(f.lost for f in report.functions)
        pending = sum(f.pending for f in report.functions)
        print(f"{n:>9,} {read:>7.2f} {elapsed:>10.2f} {n / elapsed:>11,.0f} {events / elapsed:>10,.0f}  {lost} / {pending}")
    print()


def reference_table(path: Path, repeat: int) -> None:
    models = load_path(path)
    print(f"3. {path}: {len(models)} templates, every scenario (200 events per function)")
    total = 0.0
    for name in SCENARIOS:
        elapsed, report = best(repeat, lambda: simulate(models, name))
        total += elapsed
        lost = sum(f.lost for f in report.functions)
        print(f"simulate --scenario {name:<16} {elapsed:6.2f} s  ({len(report.functions)} functions, {lost} lost)")
    print(f"all scenarios, in this process: {total:.2f} s")
    command_total = 0.0
    for name in SCENARIOS:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "constructs_lib", "simulate", str(path), "--scenario", name, "--format", "json"],
            capture_output=True, text=True, cwd=ROOT,
        )
        command_total += time.perf_counter() - start
        if done.returncode not in (0, 1) or not done.stdout:
            raise SystemExit(f"constructs-lib simulate --scenario {name} failed: {done.stderr}")
        json.loads(done.stdout)
    print(f"all scenarios, the whole command ({len(SCENARIOS)} processes): {command_total:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="a cdk.out directory (default: the reference app's snapshots)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="stop at 10,000 events and 100 functions")
    args = parser.parse_args()
    events_table([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000], args.repeat)
    functions_table([10, 100] if args.quick else [10, 100, 1_000], args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        reference_table(Path(args.path) if args.path else snapshot_dir(Path(tmp)), args.repeat)


if __name__ == "__main__":
    main()
