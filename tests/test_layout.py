"""The layout is the architecture (issue 22): no import circle anywhere in the package,
each command loads only what it uses, and every import path from before the layout still
works. import-linter keeps the layers (``lint-imports`` in ``make test``); these tests
cover what its contracts cannot say."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import warnings
from pathlib import Path

import grimp
import pytest

from constructs_lib import _compat
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
#: What ``check`` on a CloudFormation template must not load (issue 22; ruamel.yaml, issue
#: 26: only ``check --fix`` rewrites YAML).
HEAVY = ("simpy", "aws_cdk", "jsii", "boto3", "botocore", "samtranslator", "constructs", "ruamel")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle_anywhere_in_constructs_lib() -> None:
    """Module by module, imports inside functions included (only ``TYPE_CHECKING`` imports,
    which never run, are left out): nothing imports something that imports it back. The
    old entry point ``python -m constructs_lib.checks`` runs the command line from below it,
    and is the one import left out."""
    graph = grimp.build_graph("constructs_lib", exclude_type_checking_imports=True)
    graph.remove_import(importer="constructs_lib.checks.__main__", imported="constructs_lib.cli")
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


def _modules_after(argv: list[str], cwd: Path) -> tuple[int, set[str]]:
    """Run the command line in a fresh interpreter; its exit code and every module it loaded."""
    script = (
        "import json, sys\n"
        "from constructs_lib.cli import main\n"
        f"code = main({argv!r})\n"
        "sys.stdout.flush()\n"
        "print('\\n' + json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120, check=True)
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return code, set(modules)


def _loaded(modules: set[str], top: str) -> bool:
    return any(m == top or m.startswith(top + ".") for m in modules)


def test_check_on_a_cloudformation_template_loads_no_simpy_cdk_jsii_boto3_or_sam_translator(tmp_path: Path) -> None:
    code, modules = _modules_after(["check", str(FIXTURES / "checks_good_consumer.json")], tmp_path)
    assert code == 0
    assert [top for top in HEAVY if _loaded(modules, top)] == []
    assert not _loaded(modules, "constructs_lib.simulate")
    assert not _loaded(modules, "constructs_lib.explain")


def test_check_loads_the_sam_translator_only_for_a_sam_template(tmp_path: Path) -> None:
    pytest.importorskip("samtranslator")
    code, modules = _modules_after(["check", str(ROOT / "docs" / "examples" / "orders.yaml")], tmp_path)
    assert code in (0, 1)
    assert _loaded(modules, "samtranslator")
    # The translator brings boto3 itself; nothing else heavy comes with it.
    assert [top for top in HEAVY if top not in ("samtranslator", "boto3", "botocore") and _loaded(modules, top)] == []


def test_rules_and_simulate_load_only_their_own_side(tmp_path: Path) -> None:
    _, modules = _modules_after(["rules"], tmp_path)
    assert not _loaded(modules, "constructs_lib.template.loader") and not _loaded(modules, "simpy")
    assert not _loaded(modules, "constructs_lib.simulate") and not _loaded(modules, "constructs_lib.explain")
    _, modules = _modules_after(["simulate", str(FIXTURES / "checks_good_consumer.json"), "--scenario", "poison",
                                 "--events", "5"], tmp_path)
    assert _loaded(modules, "simpy")
    assert [top for top in HEAVY if top not in ("simpy",) and _loaded(modules, top)] == []


#: Every import of a moved module that code outside the library used before the layout.
OLD_IMPORTS = [
    ("constructs_lib.checks.cli", ["main", "build_parser", "run_check", "run_rules", "failed"]),
    ("constructs_lib.checks.loader", ["TemplateError", "load_path", "load_paths", "models_from_template", "read_source"]),
    ("constructs_lib.checks.model", ["TemplateModel", "Resource", "Trigger"]),
    ("constructs_lib.checks.sam", ["translate"]),
    ("constructs_lib.checks.conditions", ["variants"]),
    ("constructs_lib.checks.explain", ["explain", "explain_data", "DEFAULT_DURATION_S", "function_report"]),
    ("constructs_lib.simulate.cli", ["run_simulate", "add_simulate_arguments"]),
    ("constructs_lib.rules", ["Violation", "check_range", "num"]),
    ("constructs_lib.rules.sqs", []),
    ("constructs_lib.rules.streams", []),
]


@pytest.mark.parametrize(("old", "names"), OLD_IMPORTS, ids=[old for old, _ in OLD_IMPORTS])
def test_old_import_paths_keep_working_with_a_deprecation_warning(old: str, names: list[str]) -> None:
    new = _compat.new_name(old)
    assert new is not None
    for name in [n for n in list(sys.modules) if n == old]:
        del sys.modules[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    assert module is importlib.import_module(new), "the old path is the new module itself"
    assert module.__spec__ is not None and module.__spec__.name == new, "the module keeps its own spec"
    assert any(issubclass(w.category, DeprecationWarning) and new in str(w.message) for w in caught)
    for name in names:
        assert hasattr(module, name), f"{old}.{name}"


def test_old_paths_named_in_from_imports_and_the_public_api_still_import() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from constructs_lib.checks import sam  # noqa: F401 - the form bench/eval_checks.py used
        from constructs_lib.checks.model import TemplateModel as Old
        from constructs_lib.rules.sqs import check_visibility_timeout  # noqa: F401
    from constructs_lib.checks import CheckOptions, Finding, InvocationModelChecks, TemplateModel, run_checks  # noqa: F401
    from constructs_lib.template import TemplateModel as New

    assert Old is New is TemplateModel


def test_an_unmoved_module_is_not_aliased() -> None:
    assert _compat.new_name("constructs_lib.checks.rules") is None
    assert _compat.new_name("constructs_lib.rulesets") is None
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("constructs_lib.checks.no_such_module")
