"""What the CLI reads and refuses (the reading layer, ``constructs_lib/template/reading.py``):
special files are never opened, references stay inside the input's root unless
``--allow-path`` opts a directory in, every refusal is one line saying what the path really
is, ``-`` reads standard input, and unreadable parts never stop the rest. Each case runs
in-process under a deadline, with every ``open`` recorded (tests/hostile/harness.py)."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.template.loader import load_paths
from constructs_lib.template.reading import MAX_FILE_BYTES, Reader, Refused, TemplateError, describe
from tests.checks import templates as t
from tests.wrapping import flat, unwrap
from tests.hostile.harness import Outcome, assert_well_behaved, run_cli

BROKEN = {**t.sqs_consumer(), "Queue": t.queue(visibility=20)}  # one error: visibility below the timeout


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Path]:
    """A workspace: ``repo/`` is the input, ``outside/secret.json`` a template-shaped file
    beside it that nothing may read."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.json").write_text(json.dumps(t.template(**BROKEN)))
    yield tmp_path


def cli(ws: Path, *argv: str, stdin: bytes | None = None, allowed: tuple[Path, ...] = ()) -> Outcome:
    outcome = run_cli(argv, cwd=ws / "repo", stdin=stdin, timeout=20)
    outcome.err = unwrap(outcome.err)  # one message a line, however the terminal wrapped it
    assert_well_behaved(outcome, allowed=(ws / "repo", *allowed), cwd=ws / "repo")
    return outcome


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    return sock


# --------------------------------------------------------------------------------------
# Special files
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["check"], ["explain"], ["simulate", "--scenario", "poison"]])
def test_a_fifo_named_directly_exits_2_saying_what_it_is(ws: Path, command: list[str]) -> None:
    os.mkfifo(ws / "repo" / "t.yaml")
    outcome = cli(ws, command[0], "t.yaml", *command[1:])
    assert (outcome.code, outcome.out) == (2, "")
    assert outcome.err == "error: t.yaml: a FIFO (named pipe), not a template file or a directory; refused\n"


@pytest.mark.parametrize(("path", "what"), [("/dev/null", "a character device"), ("/dev/zero", "a character device")])
def test_a_device_named_directly_is_refused_never_read(ws: Path, path: str, what: str) -> None:
    """``/dev/null`` was reported as "no such file or directory"."""
    outcome = cli(ws, "check", path)
    assert outcome.code == 2 and outcome.err == f"error: {path}: {what}, not a template file or a directory; refused\n"
    assert path not in outcome.opened


def test_a_socket_named_directly_says_it_is_a_socket(ws: Path) -> None:
    with _socket(ws / "repo" / "s.json"):
        outcome = cli(ws, "check", "s.json")
    assert outcome.err == "error: s.json: a socket, not a template file or a directory; refused\n"


def test_a_directory_scan_skips_special_files_and_links_out_of_the_root_with_a_notice(ws: Path) -> None:
    repo = ws / "repo"
    write(repo / "app.json", t.template(**BROKEN))
    os.mkfifo(repo / "pipe.yaml")
    (repo / "zero.json").symlink_to("/dev/zero")
    (repo / "random.yaml").symlink_to("/dev/urandom")
    (repo / "secret.json").symlink_to(ws / "outside" / "secret.json")
    (repo / "loop.json").symlink_to(repo / "loop.json")
    with _socket(repo / "sock.json"):
        outcome = cli(ws, "check", ".")
    assert outcome.code == 1, outcome.err  # the findings of app.json, nothing else
    assert "1 template(s) checked: 1 error(s)" in outcome.out
    notes = sorted(outcome.err.splitlines())
    assert notes == sorted([
        "note: skipped loop.json: a loop of symbolic links, not a regular file",
        "note: skipped pipe.yaml: a FIFO (named pipe), not a regular file",
        f"note: skipped random.yaml: a symbolic link to /dev/urandom, outside {repo}",
        f"note: skipped secret.json: a symbolic link to {ws / 'outside' / 'secret.json'}, outside {repo}",
        "note: skipped sock.json: a socket, not a regular file",
        f"note: skipped zero.json: a symbolic link to /dev/zero, outside {repo}",
    ])


@pytest.mark.parametrize("target", ["{ws}/outside/secret.json", "/dev/zero", "/etc/passwd"])
def test_a_link_named_on_the_command_line_stays_in_its_directory(ws: Path, target: str) -> None:
    """A pre-commit hook names the files of an untrusted change: a link among them to a
    file elsewhere is refused, never followed."""
    target = target.replace("{ws}", str(ws))
    (ws / "repo" / "template.yaml").symlink_to(target)
    outcome = cli(ws, "check", "template.yaml")
    assert outcome.code == 2 and outcome.err == (f"error: template.yaml: a symbolic link to {target}, outside "
                                                 f"{ws / 'repo'}; refused (--allow-path DIR reads a directory outside "
                                                 "the input)\n")


def test_a_symbolic_link_inside_the_root_is_read(ws: Path) -> None:
    write(ws / "repo" / "real.json", t.template(**BROKEN))
    (ws / "repo" / "link.json").symlink_to("real.json")
    assert cli(ws, "check", "link.json").code == 1


# --------------------------------------------------------------------------------------
# References out of the root
# --------------------------------------------------------------------------------------
def _include(location: str) -> dict[str, Any]:
    return t.template(**BROKEN, Api={"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": location}}}}})


@pytest.mark.parametrize("location", ["../outside/secret.json", "{ws}/outside/secret.json", "/dev/zero",
                                      "/etc/passwd", "sub/../../outside/secret.json"])
def test_an_include_out_of_the_root_is_refused_in_one_line_and_the_rest_is_checked(ws: Path, location: str) -> None:
    location = location.replace("{ws}", str(ws))
    write(ws / "repo" / "t.json", _include(location))
    outcome = cli(ws, "check", "t.json")
    assert outcome.code == 2 and "1 template(s) checked: 1 error(s)" in outcome.out
    (line,) = outcome.err.splitlines()
    assert line.startswith(f"error: t.json: AWS::Include Location {location!r}") and "refused" in line, line
    assert f"is outside {ws / 'repo'}" in line and "--allow-path" in line


def test_allow_path_opts_a_directory_in(ws: Path) -> None:
    snippet = {"paths": {}}
    write(ws / "outside" / "api.json", snippet)
    write(ws / "repo" / "t.json", _include("../outside/api.json"))
    outcome = cli(ws, "check", "t.json", "--allow-path", "../outside", allowed=(ws / "outside",))
    assert outcome.code == 1 and outcome.err == ""
    assert cli(ws, "check", "t.json", "--allow-path", "missing").err == \
        "error: --allow-path missing: no such file or directory, not a directory\n"


@pytest.mark.parametrize("url", ["../outside/secret.json", "{ws}/outside/secret.json", "/dev/zero"])
def test_a_nested_template_out_of_the_root_is_not_checkable_and_the_run_goes_on(ws: Path, url: str) -> None:
    url = url.replace("{ws}", str(ws))
    write(ws / "repo" / "parent.json", t.template(**BROKEN, Child={
        "Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": url}}))
    outcome = cli(ws, "check", "parent.json")
    assert outcome.code == 2 and "1 template(s) checked: 1 error(s)" in outcome.out
    (line,) = outcome.err.splitlines()
    assert line.startswith("error: parent.json: nested stack Child is not checkable: the template of nested stack "
                           f"Child {url!r}"), line


def test_a_nested_template_that_is_a_fifo_is_not_checkable(ws: Path) -> None:
    os.mkfifo(ws / "repo" / "child.json")
    write(ws / "repo" / "parent.json", t.template(**BROKEN, Child={
        "Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "child.json"}}))
    outcome = cli(ws, "check", "parent.json")
    assert outcome.code == 2
    assert outcome.err == (f"error: parent.json: nested stack Child is not checkable: its template {Path('child.json')} "
                           "is a FIFO (named pipe)\n")


def test_a_nested_template_in_s3_is_a_notice_not_an_error(ws: Path) -> None:
    write(ws / "repo" / "parent.json", t.template(**BROKEN, Child={
        "Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "https://s3.amazonaws.com/b/child.json"}}))
    outcome = cli(ws, "check", "parent.json")
    assert outcome.code == 1
    assert outcome.err == ("note: parent.json: nested stack Child is not checkable: its template is not a local file "
                           "(https://s3.amazonaws.com/b/child.json); only what was given is read\n")


def _assembly(ws: Path, artifact: dict[str, Any]) -> Path:
    cdk_out = ws / "repo" / "cdk.out"
    cdk_out.mkdir()
    write(cdk_out / "Good.template.json", t.template(**BROKEN))
    write(cdk_out / "manifest.json", {"artifacts": {
        "Good": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Good.template.json"}},
        "Bad": artifact,
    }})
    return cdk_out


@pytest.mark.parametrize("artifact", [
    {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../../outside/secret.json"}},
    {"type": "aws:cloudformation:stack", "properties": {"templateFile": "/dev/zero"}},
    {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Good.template.json"},
     "additionalMetadataFile": "/dev/zero"},
    {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Good.template.json"},
     "additionalMetadataFile": "../../outside/secret.json"},
    {"type": "cdk:cloud-assembly", "properties": {"directoryName": "../../outside"}},
])
def test_a_manifest_entry_out_of_the_cdk_out_is_refused_and_the_other_stacks_are_checked(
        ws: Path, artifact: dict[str, Any]) -> None:
    """A cdk.out whose manifest pointed at /dev/zero ended in a MemoryError traceback."""
    _assembly(ws, artifact)
    outcome = cli(ws, "check", "cdk.out")
    assert outcome.code == 2 and "error(s)" in outcome.out
    (line,) = outcome.err.splitlines()
    assert "refused" in line and "outside" in line and "manifest.json" in line, line


def test_a_manifest_that_is_a_link_to_dev_zero_is_not_read(ws: Path) -> None:
    cdk_out = ws / "repo" / "cdk.out"
    cdk_out.mkdir()
    (cdk_out / "manifest.json").symlink_to("/dev/zero")
    outcome = cli(ws, "check", "cdk.out")
    assert outcome.code == 2 and "/dev/zero" not in outcome.opened


# --------------------------------------------------------------------------------------
# Configuration, standard input, flags
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("config", "what"), [("/dev/zero", "a character device"), ("fifo", "a FIFO (named pipe)"),
                                              (".", "a directory")])
@pytest.mark.parametrize("command", ["check", "rules"])
def test_a_config_that_is_no_regular_file_exits_2_saying_what_it_is(ws: Path, config: str, what: str,
                                                                    command: str) -> None:
    os.mkfifo(ws / "repo" / "fifo")
    write(ws / "repo" / "t.json", t.template(**BROKEN))
    argv = [command, *(["t.json"] if command == "check" else []), "--config", config]
    outcome = cli(ws, *argv)
    assert outcome.code == 2 and outcome.err == f"error: {config}: {what}, not a regular file; refused\n"


def test_dash_reads_one_template_from_standard_input(ws: Path) -> None:
    data = json.dumps(t.template(**BROKEN)).encode()
    outcome = cli(ws, "check", "-", stdin=data)
    assert outcome.code == 1 and flat("ERROR sqs-visibility-below-function-timeout  <stdin>: Queue") in flat(outcome.out)
    sarif = json.loads(cli(ws, "check", "-", "--format", "sarif", stdin=data).out)
    assert "physicalLocation" not in sarif["runs"][0]["results"][0]["locations"][0]  # no file to point at
    assert "# Invocation model report" in cli(ws, "explain", "-", stdin=data).out
    assert cli(ws, "check", "-", "-", stdin=data).err == "error: '-' (standard input) can be named once\n"


def test_standard_input_larger_than_the_limit_is_refused() -> None:
    reader = Reader(max_bytes=1000, stdin=open("/dev/zero", "rb"))  # noqa: SIM115
    with pytest.raises(Refused, match="more than 1,000 bytes"):
        reader.read_stdin()


@pytest.mark.parametrize("duration", ["nan", "inf", "-inf", "0", "-1", "x"])
def test_non_finite_or_non_positive_durations_are_refused_at_the_flag(ws: Path, duration: str) -> None:
    """``explain --duration nan`` wrote NaN into the JSON."""
    write(ws / "repo" / "t.json", t.template(**BROKEN))
    outcome = cli(ws, "explain", "t.json", "--duration", duration, "--format", "json")
    assert outcome.code == 2 and outcome.out == "" and "argument --duration" in outcome.err


# --------------------------------------------------------------------------------------
# The reader itself
# --------------------------------------------------------------------------------------
def test_the_size_limit_is_inclusive(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(b" " * 100)
    assert Reader(max_bytes=100).read_bytes(path) == b" " * 100
    with pytest.raises(Refused, match="100 bytes, larger than the 99 read"):
        Reader(max_bytes=99).read_bytes(path)


def test_a_run_reads_at_most_its_total_budget(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"t{i}.json").write_bytes(b"x" * 400)
    reader = Reader(max_total_bytes=1000)
    reader.read_bytes(tmp_path / "t0.json")
    reader.read_bytes(tmp_path / "t1.json")
    with pytest.raises(Refused, match="spent"):
        reader.read_bytes(tmp_path / "t2.json")


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to read, and nothing is
    reader = Reader()
    with pytest.raises(Refused, match="larger than the 10,485,760 read"):
        reader.read_bytes(path)
    assert reader.opened == [] and reader.total_bytes == 0


def test_describe_names_what_a_path_really_is(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    assert describe(tmp_path / "fifo") == "a FIFO (named pipe)"
    assert describe(tmp_path) == "a directory"
    assert describe(Path("/dev/null")) == "a character device"
    assert describe(tmp_path / "dangling") == f"a symbolic link to {tmp_path / 'gone'}, which does not exist"
    assert describe(tmp_path / "missing") == "no such file or directory"


def test_load_paths_still_raises_when_nothing_at_all_can_be_read(tmp_path: Path) -> None:
    """Library callers (simulate) keep their one-line error for a single bad input."""
    with pytest.raises(TemplateError, match="no such file or directory"):
        load_paths([tmp_path / "missing.json"])
    loaded = load_paths([tmp_path / "missing.json"], keep_going=True)
    assert loaded.models == [] and [u.path for u in loaded.unreadable] == [str(tmp_path / "missing.json")]
