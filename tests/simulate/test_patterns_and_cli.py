"""The event-pattern matcher, and the ``simulate`` command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib.cli import main
from constructs_lib.messages import consequence
from constructs_lib.simulate.patterns import UnsupportedPattern, matches, parse
from tests.simulate.conftest import reference_templates
from tests.wrapping import flat, unwrap
from tests.simulate.templates import sqs_template

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(("pattern", "event", "expected"), [
    ({"source": ["a", "b"]}, {"source": "b"}, True),
    ({"source": ["a"]}, {"source": "c"}, False),
    ({"detail": {"n": [{"numeric": [">", 1, "<=", 5]}]}}, {"detail": {"n": 5}}, True),
    ({"detail": {"n": [{"numeric": [">", 1]}]}}, {"detail": {"n": "7"}}, False),
    ({"k": [{"exists": False}]}, {}, True),
    ({"k": [{"exists": True}]}, {}, False),
    ({"k": [{"anything-but": ["x"]}]}, {"k": "y"}, True),
    ({"k": [{"anything-but": {"prefix": "ab"}}]}, {"k": "abc"}, False),
    ({"k": [{"prefix": "ab"}]}, {"k": "abc"}, True),
    ({"k": [{"suffix": ".png"}]}, {"k": "a.png"}, True),
    ({"k": [{"equals-ignore-case": "ABC"}]}, {"k": "abc"}, True),
    ({"tags": ["x"]}, {"tags": ["w", "x"]}, True),
    ({"$or": [{"a": [1]}, {"b": [2]}]}, {"b": 2}, True),
    ({"$or": [{"a": [1]}, {"b": [2]}]}, {"b": 3}, False),
    ({"dynamodb": {"NewImage": {"status": {"S": [{"exists": True}]}}, "OldImage": {"status": {"S": [{"exists": False}]}}}},
     {"dynamodb": {"NewImage": {"status": {"S": "PENDING"}}}}, True),
])
def test_patterns(pattern: dict, event: dict, expected: bool) -> None:
    assert matches(parse(json.dumps(pattern)), event) is expected


def test_an_unknown_rule_is_reported_not_guessed() -> None:
    with pytest.raises(UnsupportedPattern, match="wildcard"):
        matches({"k": [{"wildcard": "a*"}]}, {"k": "ab"})


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference app as a directory of templates (what `cdk synth` writes)."""
    out = tmp_path_factory.mktemp("cdk.out")
    for name, template in reference_templates().items():
        (out / f"{name}.template.json").write_text(json.dumps(template))
    return out


FUNCTION_KEYS = [
    "template", "function", "name", "model", "events", "succeeded", "dead_lettered", "metadata_only", "returned_errors",
    "lost", "pending", "duplicates", "duplicates_by_cause", "caller_timeouts", "completed_after_caller_gave_up",
    "throttles", "max_iterator_age_s", "recoverable_until_s", "causes", "billed_gb_s", "requests", "advice", "notes",
]


def test_json_output_has_exactly_the_documented_shape(cdk_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(cdk_out), "--scenario", "poison", "--format", "json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert list(data) == ["scenario", "events", "seed", "account_concurrency", "functions", "notes", "refused"]
    assert (data["scenario"], data["events"], data["seed"], data["account_concurrency"]) == ("poison", 200, 0, 1000)
    assert len(data["functions"]) == 12  # every function of the reference app with a trigger, the URL's included
    for f in data["functions"]:
        assert list(f) == FUNCTION_KEYS
        assert (f["succeeded"] + f["dead_lettered"] + f["metadata_only"] + f["returned_errors"] + f["lost"] + f["pending"]
                == f["events"] == 200)
        assert f["requests"] > 0 and f["billed_gb_s"] > 0
        assert all(set(a) == {"rule", "count", "what"} for a in f["advice"])
    streams = [f for f in data["functions"] if f["model"] in ("kinesis", "dynamodb")]
    assert streams and all(f["metadata_only"] == 10 and f["recoverable_until_s"] > 0 for f in streams)
    # stderr says the same for people
    assert "What to change:" in captured.err and "metadata only" in captured.err


def test_text_output_names_the_rule_and_exits_1_when_something_is_lost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(sqs_template(max_receive=None, retention=3600)))
    assert main(["simulate", str(path), "--scenario", "poison", "--events", "40", "--seed", "3"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("scenario poison") and lines[3] == "t.json/Fn [sqs]"
    assert lines[4].startswith("  40 events: 38 succeeded, 0 dead-lettered, 2 lost; 0 duplicates")
    assert "What to change:" in out and "(rule sqs-redrive-policy)" in out and "RedrivePolicy" in out
    assert max(len(line) for line in lines) <= 100


def test_the_same_seed_prints_the_same(cdk_out: Path) -> None:
    runs = []
    for _ in range(2):
        buffer = io.StringIO()
        from constructs_lib.cli import build_parser
        from constructs_lib.cli.simulate import run_simulate

        args = build_parser().parse_args(["simulate", str(cdk_out), "--scenario", "outage", "--seed", "5"])
        assert run_simulate(args, out=buffer) == 0
        runs.append(buffer.getvalue())
    assert runs[0] == runs[1]


def test_several_paths_as_for_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """PATH as for `check`: several templates at once, each function once, named by its file."""
    for name, max_receive in (("a.json", 5), ("b.json", 3)):
        (tmp_path / name).write_text(json.dumps(sqs_template(max_receive=max_receive)))
    args = ["simulate", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--scenario", "poison", "--format", "json"]
    assert main(args) == 0
    templates = [f["template"] for f in json.loads(capsys.readouterr().out)["functions"]]
    assert templates == [str(tmp_path / "a.json"), str(tmp_path / "b.json")]


@pytest.mark.parametrize(
    "argv",
    [
        ["--scenario", "nope"], ["--events", "0", "--scenario", "slow"], ["--events", "100001", "--scenario", "slow"],
        ["--events", "many", "--scenario", "slow"], [], ["--scenario", "slow", "--fail-on", "never"],
        ["--scenario", "slow", "--account-concurrency", "99"], ["--scenario", "slow", "--account-concurrency", "lots"],
    ],
)
def test_bad_arguments_exit_2(cdk_out: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["simulate", str(cdk_out), *argv])
    assert exc.value.code == 2


def test_an_unreadable_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "missing"), "--scenario", "slow"]) == 2
    assert "error:" in capsys.readouterr().err


def test_python_dash_m(cdk_out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "constructs_lib", "simulate", str(cdk_out / "QueueConsumerExample.template.json"),
         "--scenario", "burst", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert json.loads(done.stdout)["functions"][0]["succeeded"] == 200


# --------------------------------------------------------------------------------------
# Exit codes and output that serve CI
# --------------------------------------------------------------------------------------
def test_help_does_not_crash(capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` crashed: argparse formats help strings with %, and a scenario says "5 %"."""
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "5 % of events fail" in out and "--fail-on" in out and "--account-concurrency" in out and "--plot" in out


def _write(tmp_path: Path, template: dict, name: str = "t.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(template))
    return str(path)


def test_a_mapping_aws_refuses_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Visibility timeout below the function timeout: Lambda refuses the mapping, nothing is
    ever polled. It was a note and exit 0."""
    path = _write(tmp_path, sqs_template(vis=30, timeout=60))
    assert main(["simulate", path, "--scenario", "poison"]) == 1
    assert consequence("sqs-visibility-below-function-timeout") in flat(capsys.readouterr().out)
    assert main(["simulate", path, "--scenario", "poison", "--fail-on", "none"]) == 0


@pytest.mark.parametrize(("template", "expected"), [
    # nothing lost, nothing twice, every poison message dead-lettered
    (sqs_template(), {"lost": 0, "duplicates": 0, "any": 1, "none": 0}),
    # poison messages lost at their retention
    (sqs_template(max_receive=None, retention=3600), {"lost": 1, "duplicates": 1, "any": 1, "none": 0}),
])
def test_fail_on_levels(tmp_path: Path, template: dict, expected: dict[str, int]) -> None:
    path = _write(tmp_path, template)
    got = {level: main(["simulate", path, "--scenario", "poison", "--fail-on", level]) for level in expected}
    assert got == expected
    assert main(["simulate", path, "--scenario", "poison"]) == expected["lost"]  # the default is lost


def test_fail_on_duplicates(tmp_path: Path) -> None:
    # visibility = the timeout: a batch whose environment was recycled (a cold start, under 1 %
    # of the invocations) runs past it and is delivered again
    path = _write(tmp_path, sqs_template(vis=10, timeout=10, max_receive=5))
    assert main(["simulate", path, "--scenario", "slow", "--events", "5000", "--fail-on", "lost"]) == 0
    assert main(["simulate", path, "--scenario", "slow", "--events", "5000", "--fail-on", "duplicates"]) == 1


def test_text_output_fits_100_columns(cdk_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from constructs_lib.simulate import SCENARIOS

    for scenario in SCENARIOS:
        main(["simulate", str(cdk_out), "--scenario", scenario])
        lines = capsys.readouterr().out.splitlines()
        assert lines and max(len(line) for line in lines) <= 100, scenario


def test_functions_are_named_by_their_path_in_the_app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = sqs_template()
    template["Resources"]["Fn"]["Metadata"] = {"aws:cdk:path": "Shop/Payments/Function/Resource"}
    path = _write(tmp_path, template)
    assert main(["simulate", path, "--scenario", "poison", "--format", "json"]) == 0
    (function,) = json.loads(capsys.readouterr().out)["functions"]
    assert (function["name"], function["function"]) == ("Shop/Payments/Function", "Fn")


def test_plot_draws_every_function(cdk_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "timeline.png"
    assert main(["simulate", str(cdk_out / "QueueConsumerExample.template.json"), "--scenario", "poison",
                 "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"timelines: {target}" in unwrap(capsys.readouterr().err)


def test_plot_marks_the_first_loss(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from constructs_lib.simulate import simulate
    from constructs_lib.simulate.plot import plot_report
    from tests.simulate.conftest import model

    report = simulate([model(sqs_template(max_receive=None, retention=600))], "poison", timeline=True)
    (result,) = report.functions
    assert result.lost > 0 and result.first_loss_s is not None and result.timeline is not None
    assert result.timeline.losses and min(result.timeline.losses) == result.first_loss_s
    assert result.timeline.arrivals and result.timeline.concurrency and result.timeline.backlog
    assert plot_report(report, str(tmp_path / "t.svg")) == [result]
    assert "first event lost" in (tmp_path / "t.svg").read_text()


@pytest.mark.parametrize("name", ["timeline.txt", "missing-dir/timeline.png"])
def test_a_plot_that_cannot_be_drawn_is_refused_before_simulating(tmp_path: Path, name: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, sqs_template())
    assert main(["simulate", path, "--scenario", "poison", "--plot", str(tmp_path / name)]) == 2
    assert "error: --plot" in capsys.readouterr().err
