"""The only way --fix writes: regular template files given on the command line, never
through a symlink, atomically, and the original unchanged on any error."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from constructs_lib.fix import writer
from constructs_lib.fix.writer import WriteRefused, write_template
from tests.checks.test_checks_cli import run as run_cli
from tests.conftest import ROOT

ORDERS = ROOT / "docs" / "examples" / "orders.yaml"


def run(*argv: str) -> tuple[int, str]:
    code, out, _ = run_cli(*argv)
    return code, out


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.yaml"
    shutil.copy(ORDERS, path)
    return path


def test_a_template_is_replaced_atomically_with_its_permissions(orders: Path) -> None:
    orders.chmod(0o640)
    text = orders.read_text()
    write_template(orders, text, text + "# fixed\n", roots=[orders], templates=[str(orders)])
    assert orders.read_text() == text + "# fixed\n"
    assert oct(orders.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in orders.parent.iterdir()] == ["orders.yaml"]


def test_a_symlink_is_never_written_through(orders: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(orders)
    before = orders.read_bytes()
    with pytest.raises(WriteRefused, match="a symlink"):
        write_template(link, orders.read_text(), "x", roots=[tmp_path], templates=[str(link)])
    assert orders.read_bytes() == before and link.is_symlink()


def test_a_symlinked_directory_on_the_path_is_refused(orders: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(WriteRefused, match="a directory on its path is a symlink"):
        write_template(alias / "orders.yaml", orders.read_text(), "x", roots=[alias], templates=[str(alias / "orders.yaml")])


def test_a_file_with_other_hard_links_is_refused(orders: Path, tmp_path: Path) -> None:
    os.link(orders, tmp_path / "other.yaml")
    with pytest.raises(WriteRefused, match="2 hard links"):
        write_template(orders, orders.read_text(), "x", roots=[orders], templates=[str(orders)])


def test_only_templates_the_checks_read_within_the_given_paths(orders: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    with pytest.raises(WriteRefused, match="outside the paths given"):
        write_template(orders, orders.read_text(), "x", roots=[elsewhere], templates=[str(orders)])
    with pytest.raises(WriteRefused, match="not a template the checks read"):
        write_template(orders, orders.read_text(), "x", roots=[tmp_path], templates=[])
    with pytest.raises(WriteRefused, match="not a regular file"):
        write_template(tmp_path, "", "x", roots=[tmp_path], templates=[str(tmp_path)])


def test_a_file_changed_since_it_was_read_is_not_written(orders: Path) -> None:
    text = orders.read_text()
    orders.write_text(text + "# someone else's edit\n")
    with pytest.raises(WriteRefused, match="changed while it was being fixed"):
        write_template(orders, text, "x", roots=[orders], templates=[str(orders)])
    assert orders.read_text().endswith("# someone else's edit\n")


def test_an_error_while_writing_leaves_the_original_and_no_temporary_file(orders: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    before = orders.read_bytes()

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", broken)
    with pytest.raises(OSError, match="No space left"):
        write_template(orders, orders.read_text(), "x", roots=[orders], templates=[str(orders)])
    assert orders.read_bytes() == before
    assert [p.name for p in orders.parent.iterdir()] == ["orders.yaml"]


def test_a_byte_order_mark_and_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "orders.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ORDERS.read_bytes().replace(b"\n", b"\r\n"))
    code, out = run("check", str(path), "--fix")
    assert f"wrote {path}" in out, out
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") and b"OrdersDlq:\r\n" in data
    assert run("check", str(path))[0] == 0


def test_mixed_line_endings_need_a_decision(tmp_path: Path) -> None:
    path = tmp_path / "orders.yaml"
    path.write_bytes(ORDERS.read_bytes().replace(b"\n", b"\r\n", 3))
    before = path.read_bytes()
    code, out = run("check", str(path), "--fix")
    assert code == 1 and "mixes CRLF and LF line endings" in out
    assert path.read_bytes() == before


def test_the_command_refuses_a_symlinked_template_and_says_why(orders: Path, tmp_path: Path) -> None:
    target = tmp_path / "real"
    target.mkdir()
    shutil.move(str(orders), target / "orders.yaml")
    orders.symlink_to(target / "orders.yaml")
    before = (target / "orders.yaml").read_bytes()
    code, out = run("check", str(orders), "--fix")
    assert "not written:" in out and "symlink" in out
    assert code == 1  # the finding remains
    assert (target / "orders.yaml").read_bytes() == before


def test_a_nested_template_outside_the_given_file_is_not_written(tmp_path: Path) -> None:
    """A parent template given as a file names its nested stack's template: the checks read
    both, but only the file given is written."""
    shutil.copy(ROOT / "tests" / "fix" / "data" / "streams.yaml", tmp_path / "nested.yaml")
    parent = tmp_path / "parent.yaml"
    parent.write_text("Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                      "      TemplateURL: nested.yaml\n")
    before = (tmp_path / "nested.yaml").read_bytes()
    code, out = run("check", str(parent), "--fix")
    assert "outside the paths given" in out
    assert (tmp_path / "nested.yaml").read_bytes() == before
    code, out = run("check", str(tmp_path), "--fix")
    assert f"wrote {tmp_path / 'nested.yaml'}" in out
