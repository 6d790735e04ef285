"""Hostile input, generated: every subcommand and format on workspaces made of special files
(FIFOs, sockets, devices, links to ``/dev/zero``), references out of the root (includes,
nested stacks, manifest entries), huge and deep files, control characters, ``Fn::ForEach``
and YAML alias bombs, standard input, full disks and broken pipes.

Each case runs in-process under a deadline (tests/hostile/harness.py) and must: end in
time, without a traceback, with an exit status from the documented set (0, 1, 2, 141), and
having opened nothing outside the input's root (every ``open`` is recorded with Python's
audit hook). ``make test`` runs a few cases per test (``CONSTRUCTS_LIB_HOSTILE_EXAMPLES``,
default 30, plus the explicit examples); ``make fuzz`` runs hundreds.
"""

from __future__ import annotations

import io
import json
import os
import socket
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from constructs_lib.cli._io import EXIT_BROKEN_PIPE
from constructs_lib.template.reading import MAX_FILE_BYTES
from tests.checks import templates as t
from tests.hostile.harness import assert_well_behaved, run_cli

EXAMPLES = int(os.environ.get("CONSTRUCTS_LIB_HOSTILE_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("CONSTRUCTS_LIB_HOSTILE_RANDOM"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: What a reference (an include, a nested stack, a manifest entry) may point at.
TARGETS = ["../outside/secret.json", "{ws}/outside/secret.json", "/dev/zero", "/dev/urandom", "/etc/passwd",
           "fifo", "missing.json", "sub/../../outside/secret.json", "link-out", "good.json", "."]
NAMES = ["t.json", "t e.yaml", "ü.yml", "x.template", "deep/n.json"]
HOSTILE_IDS = ["Q\x1b[2J", "A\u202eB", "L\nF", "Nul\x00", "Z\u200b", "Sur\ud800", "Del\x7f"]
COMMANDS = [
    ["check"], ["check", "--format", "json"], ["check", "--format", "sarif"], ["check", "--format", "junit"],
    ["check", "--show-not-applicable", "--show-suppressed"], ["explain"], ["explain", "--format", "json"],
    ["simulate", "--scenario", "poison", "--events", "20"], ["simulate", "--scenario", "burst", "--format", "json",
                                                             "--events", "20"],
]


def _broken(lid: str = "Queue") -> dict[str, Any]:
    return {"Fn": t.function(30), lid: t.queue(visibility=20), "Dlq": t.dlq(), "Mapping": t.mapping(t.arn(lid))}


def _include(target: str) -> dict[str, Any]:
    return {"Resources": {**_broken(), "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": target}}}}}}}


def _nested(target: str) -> dict[str, Any]:
    return {"Resources": {**_broken(), "Child": {"Type": "AWS::CloudFormation::Stack",
                                                 "Properties": {"TemplateURL": target}}}}


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *a9\n"


def _foreach_bomb() -> dict[str, Any]:
    items = [f"i{i}x" for i in range(40)]
    inner: dict[str, Any] = {"R${A}${B}${C}${D}": {"Type": "AWS::SQS::Queue"}}
    for name in "DCB":
        inner = {f"Fn::ForEach::{name}": [name, items, inner]}
    return {"Transform": "AWS::LanguageExtensions", "Resources": {"Fn::ForEach::A": ["A", items, inner]}}


CONTENTS: dict[str, Any] = {
    "good": lambda target: {"Resources": t.sqs_consumer()},
    "broken": lambda target: {"Resources": _broken()},
    "hostile-id": lambda target: {"Resources": _broken(HOSTILE_IDS[len(target) % len(HOSTILE_IDS)])},
    "include": _include,
    "nested": _nested,
    "yaml-include": lambda target: f"Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n"
                                   f"      Body: !Transform {{Name: AWS::Include, Parameters: {{Location: '{target}'}}}}\n",
    "deep-json": lambda target: "[" * 60_000 + "]" * 60_000,
    "deep-yaml": lambda target: "Resources:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)) + "  " * 400 + "v\n",
    "alias-bomb": lambda target: _alias_bomb(),
    "foreach-bomb": lambda target: _foreach_bomb(),
    "foreach": lambda target: {"Transform": "AWS::LanguageExtensions", "Resources": {"Fn::ForEach::L": [
        "N", ["A", "B"], {"Fn${N}": t.function(60), "Q${N}": t.queue(visibility=20)}]}},
    "bytes": lambda target: bytes(range(256)) * 4,
    "utf16-no-bom": lambda target: json.dumps({"Resources": t.sqs_consumer()}).encode("utf-16-le"),
    "huge": None,  # a sparse file above the size limit
}
SPECIALS = ["fifo", "socket", "link-zero", "link-urandom", "link-out", "link-dangling", "link-loop", "dir"]


@dataclass
class Entry:
    name: str
    kind: str  # a CONTENTS key, a SPECIALS kind, or "cdk.out"
    target: str


entries = st.builds(
    Entry,
    name=st.sampled_from(NAMES),
    kind=st.sampled_from([*CONTENTS, *SPECIALS, "cdk.out"]),
    target=st.sampled_from(TARGETS),
)


class Workspace:
    """``repo/`` (the input, with the entries), ``outside/`` (nothing may be read there)."""

    def __init__(self, base: Path, stack: ExitStack) -> None:
        self.base = base
        self.repo = base / "repo"
        self.repo.mkdir()
        (base / "outside").mkdir()
        (base / "outside" / "secret.json").write_text(json.dumps({"Resources": _broken()}))
        os.mkfifo(self.repo / "fifo")
        (self.repo / "link-out").symlink_to(base / "outside" / "secret.json")
        (self.repo / "good.json").write_text(json.dumps({"Resources": t.sqs_consumer()}))
        self.stack = stack

    def add(self, entry: Entry) -> str:
        target = entry.target.replace("{ws}", str(self.base))
        path = self.repo / entry.name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            return entry.name
        kind = entry.kind
        if kind == "huge":
            with path.open("wb") as handle:
                handle.truncate(MAX_FILE_BYTES + 1)
        elif kind in CONTENTS:
            data = CONTENTS[kind](target)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8",
                                errors="surrogatepass")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            sock = self.stack.enter_context(socket.socket(socket.AF_UNIX))
            sock.bind(str(path))
        elif kind.startswith("link-"):
            path.symlink_to({"link-zero": "/dev/zero", "link-urandom": "/dev/urandom", "link-dangling": "gone",
                             "link-loop": path.name, "link-out": str(self.base / "outside" / "secret.json")}[kind])
        elif kind == "dir":
            path.mkdir()
        else:  # a cloud assembly whose manifest names the target
            path.mkdir()
            os.mkfifo(path / "fifo")
            (path / "S.template.json").write_text(json.dumps({"Resources": _broken()}))
            (path / "manifest.json").write_text(json.dumps({"artifacts": {
                "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"},
                      "additionalMetadataFile": target},
                "T": {"type": "aws:cloudformation:stack", "properties": {"templateFile": target}},
                "N": {"type": "cdk:cloud-assembly", "properties": {"directoryName": target}},
            }}))
        return entry.name


def _check(argv: list[str], ws: Workspace, **kwargs: Any) -> None:
    outcome = run_cli(argv, cwd=ws.repo, timeout=20, **kwargs)
    assert_well_behaved(outcome, allowed=[ws.repo], cwd=ws.repo)


@SETTINGS
@given(workspace=st.lists(entries, min_size=1, max_size=5), command=st.sampled_from(COMMANDS),
       named=st.sampled_from(["dir", "entry", "entries", "special"]))
@example(workspace=[Entry("t.json", "include", "fifo")], command=["check"], named="dir")
@example(workspace=[Entry("t.json", "include", "../outside/secret.json"),
                    Entry("ü.yml", "nested", "{ws}/outside/secret.json")], command=["check"], named="dir")
@example(workspace=[Entry("t.yaml", "yaml-include", "/dev/zero")], command=["explain"], named="entry")
@example(workspace=[Entry("t.json", "nested", "fifo")], command=["check", "--format", "sarif"], named="entry")
@example(workspace=[Entry("cdk.out", "cdk.out", "fifo")], command=["check", "--format", "junit"], named="entry")
@example(workspace=[Entry("cdk.out", "cdk.out", "/dev/zero")], command=["simulate", "--scenario", "poison",
                                                                         "--events", "20"], named="entry")
@example(workspace=[Entry("t.json", "link-zero", "")], command=["check"], named="entry")
@example(workspace=[Entry("t.json", "fifo", ""), Entry("x.template", "huge", "")], command=["check"], named="dir")
@example(workspace=[Entry("t.json", "foreach-bomb", ""), Entry("t e.yaml", "alias-bomb", "")],
         command=["explain", "--format", "json"], named="dir")
def test_any_workspace_any_command(workspace: list[Entry], command: list[str], named: str) -> None:
    with tempfile.TemporaryDirectory() as base, ExitStack() as stack:
        ws = Workspace(Path(base), stack)
        names = [ws.add(entry) for entry in workspace]
        paths = {"dir": ["."], "entry": names[:1], "entries": sorted(set(names)),
                 "special": ["fifo", "/dev/null", "link-out"]}[named]
        if command[0] == "explain":
            paths = paths[:1]
        _check([command[0], *paths, *command[1:]], ws)


@SETTINGS
@given(data=st.one_of(st.binary(max_size=2000), st.sampled_from(["good", "broken", "include", "nested", "hostile-id",
                                                                  "alias-bomb", "foreach"]).map(
    lambda k: (lambda d: d if isinstance(d, str) else json.dumps(d))(CONTENTS[k]("../outside/secret.json")).encode(
        "utf-8", "surrogatepass"))),
       command=st.sampled_from(COMMANDS))
def test_any_standard_input(data: bytes, command: list[str]) -> None:
    with tempfile.TemporaryDirectory() as base, ExitStack() as stack:
        ws = Workspace(Path(base), stack)
        _check([command[0], "-", *command[1:]], ws, stdin=data)


@SETTINGS
@given(command=st.sampled_from([*COMMANDS, ["rules"], ["rules", "--format", "json"]]),
       sink=st.sampled_from(["full-stdout", "broken-pipe", "output-full", "output-dir", "output-link", "output-fifo"]))
def test_any_command_into_a_full_disk_or_a_broken_pipe(command: list[str], sink: str) -> None:
    with tempfile.TemporaryDirectory() as base, ExitStack() as stack:
        ws = Workspace(Path(base), stack)
        argv = [command[0], *([] if command[0] == "rules" else ["good.json"]), *command[1:]]
        stdout: Any = None
        if sink == "full-stdout":
            if not os.path.exists("/dev/full"):
                pytest.skip("needs /dev/full")
            stdout = stack.enter_context(open("/dev/full", "w", encoding="utf-8"))  # noqa: SIM115
        elif sink == "broken-pipe":
            read_end, write_end = os.pipe()
            os.close(read_end)
            stdout = stack.enter_context(io.open(write_end, "w", encoding="utf-8"))
        elif command[0] != "rules" and command[0] != "simulate":
            output = {"output-full": "/dev/full", "output-dir": ".", "output-link": "link-out", "output-fifo": "fifo"}
            argv += ["--output", output[sink]]
        outcome = run_cli(argv, cwd=ws.repo, stdout=stdout, timeout=60)
        assert_well_behaved(outcome, allowed=[ws.repo], cwd=ws.repo)
        if sink == "broken-pipe":
            assert outcome.code == EXIT_BROKEN_PIPE, outcome.err
        elif sink == "full-stdout" or "--output" in argv:
            assert outcome.code == 2 and outcome.err.count("error:") == 1, outcome.err
        assert (Path(base) / "outside" / "secret.json").read_text().startswith("{")  # never written through the link
