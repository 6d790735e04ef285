"""The event-pattern matcher, and the ``simulate`` command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib.cli import main
from constructs_lib.simulate.patterns import UnsupportedPattern, matches, parse
from tests.simulate.conftest import reference_templates
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


def test_json_output_has_exactly_the_documented_shape(cdk_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(cdk_out), "--scenario", "poison", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["scenario", "functions"] and data["scenario"] == "poison"
    keys = ["template", "function", "model", "events", "succeeded", "duplicates", "dead_lettered", "returned_errors",
            "lost", "pending", "caller_timeouts"]
    assert len(data["functions"]) == 12  # every function of the reference app with a trigger, the URL's included
    for f in data["functions"]:
        assert list(f) == keys
        assert f["succeeded"] + f["dead_lettered"] + f["returned_errors"] + f["lost"] + f["pending"] == f["events"] == 200


def test_text_output_names_the_rule_and_exits_1_when_something_is_lost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(sqs_template(max_receive=None, retention=3600)))
    assert main(["simulate", str(path), "--scenario", "poison", "--events", "40", "--seed", "3"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("scenario poison") and lines[1].startswith("t.json/Fn [sqs] 40 events: 38 succeeded")
    assert "What to change:" in out and "rule sqs-redrive-policy" in out and "RedrivePolicy" in out


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
        ["--events", "many", "--scenario", "slow"], [],
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
