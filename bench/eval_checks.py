"""Evaluation (not a test): the checks on real public templates, with one mistake injected at
a time next to a compliant twin; false positives read by hand; timings.

    .venv/bin/python bench/eval_checks.py --mirror /path/to/serverless-patterns.git [--limit 500]

The mirror is a git directory of https://github.com/aws-samples/serverless-patterns (or
any repository of SAM / CloudFormation templates); templates are read from its HEAD with
`git show`, written to a temporary directory and never kept. Nothing here is tuned to the
corpus: every rule follows AWS's documented behaviour (see docs/rules/).

For each mistake class, every template whose SAM functions have the event it needs yields
a *twin* (the template made compliant for that class only) and an *injected* copy (the
twin with the one mistake). Recall = injected copies where the class's rule fires; the
twin must not fire it (a twin firing counts as a false positive of the class).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from constructs_lib.template import sam  # noqa: E402
from constructs_lib.template.loader import TemplateError, load_paths, models_from_template, read_source  # noqa: E402
from constructs_lib.checks.rules import run_checks  # noqa: E402

Template = dict[str, Any]


def git(mirror: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={mirror}", *args], capture_output=True, text=True, check=True).stdout


def corpus(mirror: Path, limit: int, workdir: Path) -> list[Path]:
    names = [n for n in git(mirror, "ls-tree", "-r", "HEAD", "--name-only").splitlines()
             if n.endswith(("template.yaml", "template.yml", "template.json"))]
    paths = []
    for name in sorted(names)[:limit]:
        target = workdir / name.replace("/", "__")
        target.write_bytes(subprocess.run(["git", f"--git-dir={mirror}", "show", f"HEAD:{name}"],
                                          capture_output=True, check=True).stdout)
        paths.append(target)
    return paths


# --------------------------------------------------------------------------------------
# Mistake classes: (rule that must fire, needs, make compliant, inject)
# --------------------------------------------------------------------------------------
def functions(t: Template) -> dict[str, Template]:
    return {k: v for k, v in (t.get("Resources") or {}).items()
            if isinstance(v, dict) and v.get("Type") == "AWS::Serverless::Function" and isinstance(v.get("Properties"), dict)}


def events(fn: Template, *types: str) -> dict[str, Template]:
    ev = fn["Properties"].get("Events")
    return {k: e for k, e in (ev.items() if isinstance(ev, dict) else ()) if isinstance(e, dict) and e.get("Type") in types
            and isinstance(e.get("Properties"), dict)}


def queue_of(t: Template, event: Template) -> str | None:
    q = event["Properties"].get("Queue")
    lid = q.get("Fn::GetAtt")[0] if isinstance(q, dict) and isinstance(q.get("Fn::GetAtt"), list) else None
    res = t["Resources"].get(lid) if lid else None
    return lid if isinstance(res, dict) and res.get("Type") == "AWS::SQS::Queue" else None


def sqs_targets(t: Template) -> list[tuple[str, str, str]]:
    return [(f, e, q) for f, fn in functions(t).items() for e, ev in events(fn, "SQS").items() if (q := queue_of(t, ev))]


def _props(res: Template) -> Template:
    if not isinstance(res.get("Properties"), dict):
        res["Properties"] = {}
    return res["Properties"]


def _fix_sqs(t: Template) -> None:
    t["Resources"]["EvalDlq"] = {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}}
    for f, e, q in sqs_targets(t):
        fn = functions(t)[f]
        _props(fn)["Timeout"] = 30
        ev = events(fn, "SQS")[e]["Properties"]
        ev["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
        ev.pop("MaximumBatchingWindowInSeconds", None)
        queue = _props(t["Resources"][q])
        queue.update(VisibilityTimeout=180, MessageRetentionPeriod=345600,
                     RedrivePolicy={"deadLetterTargetArn": {"Fn::GetAtt": ["EvalDlq", "Arn"]}, "maxReceiveCount": 5})
        queue.pop("FifoQueue", None)


def _first_queue(t: Template) -> Template:
    return _props(t["Resources"][sqs_targets(t)[0][2]])


def _async_fns(t: Template) -> list[str]:
    return [f for f, fn in functions(t).items() if events(fn, "S3", "SNS", "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2")]


def _fix_async(t: Template) -> None:
    t["Resources"]["EvalFailures"] = {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}}
    if isinstance(t.get("Globals"), dict) and isinstance(t["Globals"].get("Function"), dict):
        t["Globals"]["Function"].pop("DeadLetterQueue", None)
    for f in _async_fns(t):
        _props(functions(t)[f])["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["EvalFailures", "Arn"]}}


def _inject_async(t: Template) -> None:
    props = _props(functions(t)[_async_fns(t)[0]])
    props.pop("DeadLetterQueue", None)
    props.pop("EventInvokeConfig", None)


def _rule_events(t: Template) -> list[tuple[str, str]]:
    return [(f, e) for f, fn in functions(t).items() for e in events(fn, "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2")]


def _fix_rule_dlq(t: Template) -> None:
    t["Resources"]["EvalTargetDlq"] = {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}}
    for f, e in _rule_events(t):
        events(functions(t)[f], "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2")[e]["Properties"]["DeadLetterConfig"] = {
            "Arn": {"Fn::GetAtt": ["EvalTargetDlq", "Arn"]}}


def _inject_rule_dlq(t: Template) -> None:
    f, e = _rule_events(t)[0]
    events(functions(t)[f], "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2")[e]["Properties"].pop("DeadLetterConfig")


def _api_fns(t: Template) -> list[str]:
    return [f for f, fn in functions(t).items() if events(fn, "Api", "HttpApi")]


def _set_api_timeouts(t: Template, seconds: int) -> None:
    for f in _api_fns(t):
        _props(functions(t)[f])["Timeout"] = seconds


def _stream_events(t: Template) -> list[tuple[str, str]]:
    return [(f, e) for f, fn in functions(t).items() for e in events(fn, "Kinesis", "DynamoDB")]


def _fix_streams(t: Template) -> None:
    t["Resources"]["EvalStreamFailures"] = {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}}
    for f, e in _stream_events(t):
        events(functions(t)[f], "Kinesis", "DynamoDB")[e]["Properties"].update(
            MaximumRetryAttempts=3, BisectBatchOnFunctionError=True,
            DestinationConfig={"OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": ["EvalStreamFailures", "Arn"]}}})


def _inject_stream(t: Template, key: str) -> None:
    f, e = _stream_events(t)[0]
    props = events(functions(t)[f], "Kinesis", "DynamoDB")[e]["Properties"]
    props.pop(key)
    if key == "MaximumRetryAttempts":
        props.pop("MaximumRecordAgeInSeconds", None)


Mistake = tuple[str, Callable[[Template], bool], Callable[[Template], None], Callable[[Template], None]]
MISTAKES: dict[str, Mistake] = {
    "visibility below function timeout": ("sqs-visibility-below-function-timeout", lambda t: bool(sqs_targets(t)), _fix_sqs,
                                          lambda t: _first_queue(t).update(VisibilityTimeout=20)),
    "visibility below 6 x timeout": ("sqs-visibility-timeout", lambda t: bool(sqs_targets(t)), _fix_sqs,
                                     lambda t: _first_queue(t).update(VisibilityTimeout=60)),
    "SQS source without DLQ": ("sqs-redrive-policy", lambda t: bool(sqs_targets(t)), _fix_sqs,
                               lambda t: _first_queue(t).pop("RedrivePolicy")),
    "DLQ retention shorter than source": ("sqs-dlq-retention", lambda t: bool(sqs_targets(t)), _fix_sqs,
                                          lambda t: t["Resources"]["EvalDlq"]["Properties"].update(MessageRetentionPeriod=3600)),
    "async function without failure destination": ("async-failure-destination", lambda t: bool(_async_fns(t)), _fix_async, _inject_async),
    "rule/schedule target without DLQ": ("eventbridge-target-dlq", lambda t: bool(_rule_events(t)), _fix_rule_dlq, _inject_rule_dlq),
    "API function timeout >= integration timeout": ("apigw-integration-timeout", lambda t: bool(_api_fns(t)),
                                                    lambda t: _set_api_timeouts(t, 10), lambda t: _set_api_timeouts(t, 60)),
    "stream without on-failure destination": ("stream-on-failure-destination", lambda t: bool(_stream_events(t)), _fix_streams,
                                              lambda t: _inject_stream(t, "DestinationConfig")),
    "stream with unbounded retries": ("stream-unbounded-retries", lambda t: bool(_stream_events(t)), _fix_streams,
                                      lambda t: _inject_stream(t, "MaximumRetryAttempts")),
}


def fires(template: Template, rule_id: str) -> bool:
    models = models_from_template(template, "eval")
    return any(f.rule_id == rule_id and f.applicable for f in run_checks(models))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", required=True, type=Path, help="git directory of a repository of templates")
    parser.add_argument("--limit", type=int, default=600)
    parser.add_argument("--per-class", type=int, default=40, help="templates per mistake class")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = corpus(args.mirror, args.limit, Path(tmp))
        readable: list[tuple[Path, Template]] = []
        unreadable = Counter()
        for path in paths:
            try:
                data, _ = read_source(path)
            except TemplateError as exc:
                unreadable[str(exc).split(": ", 1)[-1][:40]] += 1
                continue
            if isinstance(data, dict) and isinstance(data.get("Resources"), dict):
                readable.append((path, data))
        sam_templates = [(p, d) for p, d in readable if sam.is_sam(d)]
        print(f"corpus: {len(paths)} template files, {len(readable)} readable templates "
              f"({len(sam_templates)} SAM), {sum(unreadable.values())} unreadable")

        # Timings: SAM translation per template; 80 templates (already translated) in one process.
        translations, failures = [], Counter()
        translated: list[tuple[Path, Template]] = []
        for path, data in sam_templates:
            try:
                result = sam.translate(data)
            except sam.SamError as exc:
                failures[str(exc)[:60]] += 1
                continue
            translations.append(result.seconds)
            translated.append((path, result.template))
        plain = [(p, d) for p, d in readable if not sam.is_sam(d)] + translated
        print(f"SAM translation: {len(translations)} translated, {sum(failures.values())} rejected by the translator; "
              f"median {statistics.median(translations) * 1000:.1f} ms, mean {statistics.mean(translations) * 1000:.1f} ms, "
              f"first (imports) {translations[0] * 1000:.0f} ms, max {max(translations) * 1000:.0f} ms")
        batch = plain[:80]
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            models = [m for p, d in batch for m in models_from_template(d, p.name)]
            findings = run_checks(models)
            best = min(best, time.perf_counter() - start)
        resources = sum(len(d["Resources"]) for _, d in batch)
        print(f"80 templates ({resources} resources, translated beforehand) in one process: models + every rule "
              f"{best * 1000:.0f} ms (best of 5); {sum(f.applicable for f in findings)} findings")
        start = time.perf_counter()
        files = [p for p, _ in readable if not sam.is_sam(_)][:80]
        if files:
            load_paths(files)
            print(f"{len(files)} plain CloudFormation files read from disk + checked: "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms")

        # Findings on the real templates as they are (read by hand for false positives).
        counts = Counter()
        for _, data in translated:
            for f in run_checks(models_from_template(data, "t")):
                if f.applicable:
                    counts[f.rule_id] += 1
        print("findings on the unmodified SAM templates, by rule:", dict(counts.most_common()))

        # Injected mistakes next to compliant twins.
        print(f"\n{'mistake class':45} {'templates':>9} {'recall':>8} {'twin FPs':>8}")
        for name, (rule_id, needs, comply, inject) in MISTAKES.items():
            caught = tried = twin_fp = 0
            for _, data in sam_templates:
                if tried >= args.per_class or not needs(data):
                    continue
                twin = copy.deepcopy(data)
                try:
                    comply(twin)
                    broken = copy.deepcopy(twin)
                    inject(broken)
                    twin_fires, broken_fires = fires(twin, rule_id), fires(broken, rule_id)
                except (TemplateError, sam.SamError, KeyError, IndexError, TypeError):
                    continue
                tried += 1
                caught += broken_fires
                twin_fp += twin_fires
            recall = f"{caught / tried:.0%}" if tried else "n/a"
            print(f"{name:45} {tried:>9} {recall:>8} {twin_fp:>8}")


if __name__ == "__main__":
    main()
