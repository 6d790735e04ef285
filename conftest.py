"""Every example in README.md, CONTRIBUTING.md and docs/ runs as a test, as written (Sybil).

**Python.** Each fenced ``python`` block (and each ``<!-- invisible-code-block: python -->``,
the setup a page may need, visible in its source) is one test; the blocks of a page share one
namespace, in order. A block that builds an ``App`` must synthesize it: the evaluator
records ``app.synth()`` and fails the example when it was not called or produced no cloud
assembly (``manifest.json``) - unless the block shows a ``ConstructPropsError``, which is
raised before there is anything to synthesize, or is an invisible setup block whose App the
page's fragments build on and a closing invisible block synthesizes. ``App()`` without
``outdir`` synthesizes into a temporary directory, so nothing is written into the repository.
A block with a title (````` ```python title="shop.py" `````) is also saved under that name
in the page's working directory before it runs, as the page tells its reader to.

**Shell, in the README.** README.md's ``bash`` and ``console`` blocks run as a new user runs
them: every command line, in order, in one non-interactive bash session (no profile, no
terminal, standard input closed: a command that would prompt fails) that starts in a copy of
the clone (its files as ``git ls-files`` lists them, and the ``node_modules`` that ``make``
installed), with the environment of a shell that has not activated the project's ``.venv``.
Working directory and exported variables carry from one line to the next (``source
.venv-app/bin/activate`` stays active), so the Install section's ``pip install`` is what the
later commands run with: a missing extra fails them. ``make deploy`` and ``make test`` are
shown, not run (``SHOWN_NOT_RUN`` says what runs them instead). Beyond its exit status and
shown output, no README command may print jsii's Node end-of-life banner (``b'!!...'``) or a
whole template.

**Shell, in the other pages.** Each ``bash`` and ``console`` block is one test too: its
``constructs-lib ...`` (and ``python -m constructs_lib ...``) commands run, in order, through
the command's entry point (the ``constructs-lib`` script of this environment, or ``python -m
constructs_lib``) in a working directory of the page; other commands (``make``, ``pip``,
``git``) are shown, not run.

In both, a command exits 0 unless its comment says otherwise (``# exit 1: ...``). In a
``console`` block a command starts with ``$ `` and the lines up to the next one are its
output, compared as doctest compares output (``...`` matches anything, runs of whitespace
are equal). A page's working directory (the README's: the copy of the clone) holds:

- ``cdk.out``: the cloud assembly the README's complete app synthesizes (the README's own
  Python example, run once per test process; in the README, its own synth command makes it);
- every file of ``docs/examples/`` (small CloudFormation and SAM templates; in the README,
  under ``docs/examples/``);
- every file a page shows in a titled block (````` ```yaml title="orders.yaml" `````, which
  MkDocs renders with its name): written there before the commands that follow it; a title
  naming a file of ``docs/examples/`` must show that file exactly.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sybil import Document, Example, Region, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import CodeBlockParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

ROOT = Path(__file__).resolve().parent
#: The files every page's commands can read (copied into its working directory).
EXAMPLES = ROOT / "docs" / "examples"
#: The key of a page's working directory in its namespace.
WORKDIR = "__shell_workdir__"
#: The key of the README's shell session in its namespace.
USER_SHELL = "__user_shell__"
README = ROOT / "README.md"
#: The README's commands that this suite does not run inside itself, and what runs them.
SHOWN_NOT_RUN = {
    "make deploy": "tests/localdeploy/test_make_deploy.py runs its recipe (tests/docs/test_readme.py: the same one)",
    "make test": ".ci/run runs it, and this suite is its last step",
}
#: Output no README command may print: jsii's banner for an end-of-life Node, printed as
#: Python bytes (the venv's Node is new enough), and a template dumped to the terminal.
NOISE = {"b'!!": "jsii's Node end-of-life banner", "\nResources:\n": "a whole template (synth without --quiet)"}

# jsii runs on the venv's Node (>= 22), as in tests/conftest.py.
_venv_bin = str(Path(sys.executable).parent)
if not os.environ.get("PATH", "").startswith(_venv_bin):
    os.environ["PATH"] = _venv_bin + os.pathsep + os.environ.get("PATH", "")

#: The cloud assembly of the README's complete app, once it has been synthesized.
_readme_assembly: Path | None = None


class SynthesizingEvaluator:
    """Python evaluation, plus: an example that creates an ``App`` synthesizes it."""

    def __init__(self) -> None:
        self.python = PythonEvaluator()

    def __call__(self, example: Example) -> str | None:
        source = str(example.parsed)
        if "App(" not in source or _is_invisible(example):
            # An invisible setup block may create the App that the page's visible fragments
            # build on; the page then synthesizes it in a closing invisible block.
            return self.python(example)
        import aws_cdk

        synthesized: list[Any] = []
        original = aws_cdk.App.synth

        def synth(app: Any, *args: Any, **kwargs: Any) -> Any:
            assembly = original(app, *args, **kwargs)
            synthesized.append(assembly)
            return assembly

        aws_cdk.App.synth = synth  # type: ignore[method-assign]
        try:
            result = self.python(example)
        finally:
            aws_cdk.App.synth = original  # type: ignore[method-assign]
        if result:
            return result
        if not synthesized:
            if "except ConstructPropsError" in source:
                return None
            return "this example builds an App but never calls app.synth()"
        missing = [a.directory for a in synthesized if not (Path(a.directory) / "manifest.json").is_file()]
        if missing:
            return f"app.synth() wrote no cloud assembly: {missing}"
        if Path(example.path).resolve() == README:
            global _readme_assembly
            _readme_assembly = Path(synthesized[-1].directory)
        return None


class PythonBlockParser(CodeBlockParser):
    """``python`` blocks, with or without a title (```python title="shop.py"```): a titled
    one is saved under its name in the page's working directory, then runs."""

    TITLE = re.compile(r'title="(?P<name>[^"/]+)"')

    def __init__(self, evaluator: Any, *, save: bool = True) -> None:
        super().__init__(language="python", evaluator=evaluator)
        self.save = save

    def __call__(self, document: Document) -> Any:
        for region in self.lexers(document):
            language, _, rest = str(region.lexemes["arguments"]).strip().partition(" ")
            if language != self.language:
                continue
            title = self.TITLE.fullmatch(rest.strip())
            if rest.strip() and title is None:
                continue  # python with other arguments: tests/docs/test_site.py refuses it
            region.parsed = region.lexemes["source"]
            evaluator = self._evaluator
            if title is not None and self.save:
                evaluator = _saving(title["name"], evaluator)
            region.evaluator = evaluator
            yield region


def _saving(name: str, evaluator: Any) -> Any:
    def evaluate(example: Example) -> str | None:
        (_page_dir(example) / name).write_text(str(example.parsed))
        return evaluator(example)

    return evaluate


def _is_invisible(example: Example) -> bool:
    """A ``<!-- invisible-code-block: python -->`` (page setup), not a visible example."""
    return example.document.text[example.start : example.start + 40].lstrip().startswith("<!--")


# --- shell examples --------------------------------------------------------------------

#: The commands that run: the installed entry point and the module.
_PROGRAMS = {"constructs-lib": "constructs-lib", "python -m constructs_lib": "python -m constructs_lib"}
_EXIT = re.compile(r"\bexit(?:s| status)? (\d+)\b")
_OUTPUT_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _workdir(namespace: dict[str, Any]) -> Path:
    """The page's working directory: docs/examples/ copied in, made on first use."""
    if WORKDIR not in namespace:
        workdir = Path(tempfile.mkdtemp(prefix="docs-shell-"))
        for path in EXAMPLES.iterdir() if EXAMPLES.is_dir() else ():
            (shutil.copytree if path.is_dir() else shutil.copy)(path, workdir / path.name)
        namespace[WORKDIR] = workdir
    return Path(namespace[WORKDIR])


def _page_dir(example: Example) -> Path:
    """Where a page's commands run: the README's shell session, or the page's working directory."""
    if Path(example.path).resolve() == README:
        return _user_shell(example.namespace).cwd
    return _workdir(example.namespace)


def _remove_workdir(namespace: dict[str, Any]) -> None:
    if WORKDIR in namespace:
        shutil.rmtree(namespace.pop(WORKDIR), ignore_errors=True)
    namespace.pop(USER_SHELL, None)


def readme_cloud_assembly() -> Path:
    """The cloud assembly of the README's complete app: synthesized by the README's own
    Python example (run here, through Sybil, when no README example ran in this process)."""
    if _readme_assembly is None:
        python_only = Sybil(parsers=[PythonBlockParser(SynthesizingEvaluator(), save=False)])
        for example in python_only.parse(README):
            example.evaluate()
    assert _readme_assembly is not None, "the README's complete app synthesized nothing"
    return _readme_assembly


def _commands(source: str, *, console: bool) -> list[tuple[str, str]]:
    """(command line, expected output) pairs; a ``bash`` block shows no output."""
    commands: list[tuple[str, list[str]]] = []
    pending = ""
    for line in source.splitlines():
        if pending:
            line, pending = pending + line, ""
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1] + " "
            continue
        if console:
            if line.startswith("$ "):
                commands.append((line[2:].strip(), []))
            elif commands:
                commands[-1][1].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            commands.append((line.strip(), []))
    return [(command, "\n".join(output).strip() + "\n") for command, output in commands]


def _program(argv: list[str]) -> tuple[str, list[str]] | None:
    for text, prog in _PROGRAMS.items():
        words = text.split()
        if argv[: len(words)] == words:
            return prog, argv[len(words) :]
    return None


def _run(prog: str, argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run the installed command in ``cwd``: (exit status, stdout and stderr as printed)."""
    command = [str(Path(sys.executable).parent / "constructs-lib")]
    if prog != "constructs-lib":
        command = [sys.executable, "-m", "constructs_lib"]
    proc = subprocess.run(
        [*command, *argv], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=300, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    return proc.returncode, proc.stdout


class ShellEvaluator:
    """Run a block's ``constructs-lib`` commands; check each exit status (and shown output)."""

    def __init__(self, *, console: bool) -> None:
        self.console = console

    def __call__(self, example: Example) -> str | None:
        workdir = _workdir(example.namespace)
        for line, expected in _commands(str(example.parsed), console=self.console):
            comment = line.split(" #", 1)[1] if " #" in line else ""
            argv = shlex.split(line, comments=True)
            found = _program(argv)
            if found is None:
                continue  # make, pip, git...: shown, not run
            prog, args = found
            if any(arg == "cdk.out" or arg.startswith("cdk.out/") for arg in args) and not (workdir / "cdk.out").exists():
                (workdir / "cdk.out").symlink_to(readme_cloud_assembly(), target_is_directory=True)
            status, output = _run(prog, args, workdir)
            wanted = int(match.group(1)) if (match := _EXIT.search(comment)) else 0
            if status != wanted:
                return f"`{line}` exited {status}, the page says {wanted}; its output:\n{output}"
            failure = self.compare(line, expected, output)
            if failure:
                return failure
        return None

    def compare(self, line: str, expected: str, output: str) -> str | None:
        """In a console block, the output shown must match (doctest's rules)."""
        checker = doctest.OutputChecker()
        if self.console and expected.strip() and not checker.check_output(expected, output, _OUTPUT_FLAGS):
            shown = doctest.Example(line, expected)
            return f"`{line}`:\n" + checker.output_difference(shown, output, _OUTPUT_FLAGS)
        return None


class UserShell:
    """A new user's non-interactive bash session in a copy of the clone (see the module's
    docstring). Each line runs in its own ``bash``; the working directory and the exported
    environment it leaves carry to the next line, as in one terminal."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.cwd = self.home / "constructs-lib"
        self.cwd.mkdir()
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
        for name in filter(None, listed.split("\0")):
            source = ROOT / name
            if source.is_file():
                (self.cwd / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, self.cwd / name)
        if (ROOT / "node_modules").is_dir():  # what `make` installed before: the pinned CDK CLI
            (self.cwd / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
        venv_bin = Path(sys.executable).parent
        path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry and Path(entry) != venv_bin]
        hidden = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION")
        self.env = {key: value for key, value in os.environ.items() if key not in hidden}
        self.env["PATH"] = os.pathsep.join(path)
        # pip byte-compiles every file it installs: constructs-lib with its dependencies took
        # 27 s with it, 3 s without (measured); the commands import little of what it compiles.
        # (pip reads PIP_NO_COMPILE=1 as --compile.)
        self.env["PIP_COMPILE"] = "0"
        # The CDK CLI stays off the network, as under make: no version check, no telemetry.
        self.env.update(CDK_DISABLE_VERSION_CHECK="1", CDK_DISABLE_CLI_TELEMETRY="true")
        self.state = self.home / "state"

    def run(self, line: str) -> tuple[int, str]:
        """Run one command line: (exit status, stdout and stderr as printed)."""
        script = f"{line}\n__status=$?\n{{ printf '%s\\0' \"$PWD\"; env -0; }} > {shlex.quote(str(self.state))}\nexit $__status\n"
        self.state.unlink(missing_ok=True)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", script], cwd=self.cwd, env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
        )
        if self.state.is_file():
            cwd, *variables = self.state.read_text().split("\0")
            self.cwd = Path(cwd)
            self.env = dict(v.split("=", 1) for v in variables if "=" in v)
        return proc.returncode, proc.stdout


def _user_shell(namespace: dict[str, Any]) -> UserShell:
    if USER_SHELL not in namespace:
        # Under pytest's temporary directory, like the packaging test's virtualenv: removing
        # a virtualenv takes seconds, and pytest removes old runs' directories itself.
        namespace[USER_SHELL] = UserShell(namespace["tmp_path_factory"].mktemp("readme"))
    return namespace[USER_SHELL]  # type: ignore[no-any-return]


class ReadmeShellEvaluator(ShellEvaluator):
    """Run every command line of a README block in the README's shell session."""

    def __call__(self, example: Example) -> str | None:
        shell = _user_shell(example.namespace)
        for line, expected in _commands(str(example.parsed), console=self.console):
            comment = line.split(" #", 1)[1] if " #" in line else ""
            command = line.split(" #", 1)[0].strip()
            if command in SHOWN_NOT_RUN:
                continue
            status, output = shell.run(line)
            wanted = int(match.group(1)) if (match := _EXIT.search(comment)) else 0
            if status != wanted:
                return f"`{line}` exited {status}, the README says {wanted}; its output:\n{output[-5000:]}"
            noise = [what for text, what in NOISE.items() if text in output or output.startswith(text.lstrip("\n"))]
            if noise:
                return f"`{line}` printed {', '.join(noise)}:\n{output[-3000:]}"
            failure = self.compare(line, expected, output)
            if failure:
                return failure
        return None


class FileBlockParser:
    """A fenced block with a title (```yaml title="orders.yaml"```) is a file in the page's
    working directory; one that names a file of docs/examples/ must show it exactly."""

    TITLED = re.compile(r'(?!python\b)[\w-]+ title="(?P<name>[^"/]+)"')

    def __init__(self) -> None:
        self.lexer = FencedCodeBlockLexer(language=r".+", mapping={"language": "arguments", "source": "source"})

    def __call__(self, document: Document) -> Any:
        for region in self.lexer(document):
            match = self.TITLED.fullmatch(region.lexemes["arguments"].strip())
            if match is not None:
                yield Region(region.start, region.end, (match["name"], str(region.lexemes["source"])), _write_file)


def _write_file(example: Example) -> str | None:
    name, text = example.parsed
    reference = EXAMPLES / name
    if reference.is_file() and reference.read_text() != text:
        return f"this block shows {name}, which differs from docs/examples/{name}: make them the same"
    (_page_dir(example) / name).write_text(text)
    return None


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """README.md first: its shell session (a virtualenv, an install, a synth) is the longest
    piece of work xdist cannot split (``--dist loadfile`` keeps a file on one worker). ``make
    test`` passes ``--no-loadscope-reorder``, so the workers start with it and end on small
    modules instead of one worker finishing it alone (measured on a busy two-core machine:
    368 s -> 284 s for the whole suite, the same CPU time)."""
    items.sort(key=lambda item: Path(str(item.path)).resolve() != README)


def _sybil(patterns: list[str], shell: type[ShellEvaluator], fixtures: tuple[str, ...] = ()) -> Sybil:
    return Sybil(
        fixtures=list(fixtures),
        parsers=[
            PythonBlockParser(SynthesizingEvaluator()),
            CodeBlockParser(language="bash", evaluator=shell(console=False)),
            CodeBlockParser(language="console", evaluator=shell(console=True)),
            FileBlockParser(),
        ],
        patterns=patterns,
        path=".",
        teardown=_remove_workdir,
    )


pytest_collect_file = (
    _sybil(["README.md"], ReadmeShellEvaluator, fixtures=("tmp_path_factory",)) + _sybil(["CONTRIBUTING.md", "docs/*.md", "docs/*/*.md"], ShellEvaluator)
).pytest()
