"""From findings to fixed files: which findings each file's fixes cover, and its new text.

:func:`plan` groups the findings by the file they point at, runs each finding's fixer
(:mod:`constructs_lib.fix.rules`), and writes the edits into the file's text in memory
(:mod:`~constructs_lib.fix.yaml_writer`, :mod:`~constructs_lib.fix.json_writer`). A file
whose fixes would need a decision is refused as a whole: nothing in it is changed. Every
new text is verified before anyone sees it - it must read back, with the checks' own
parser, as exactly the template with the edits applied - and is then reduced to the
changed lines the edits need, so formatting the writer would normalise elsewhere stays as
written. Templates that CDK synthesized (``cdk.out``) are never rewritten: their findings
get advice for the CDK code instead (:mod:`~constructs_lib.fix.cdk`).

Nothing here writes a file (:mod:`~constructs_lib.fix.writer` does) or simulates
(the proof is the command's: :mod:`constructs_lib.cli.fix`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from constructs_lib.checks.core import Finding
from constructs_lib.fix import cdk
from constructs_lib.fix.cdk import CdkAdvice
from constructs_lib.fix.edits import AddResource, EditError, Fix, LeftAlone, Refusal, SetValue, apply, merge
from constructs_lib.fix.rules import FIXERS, Context, fix_finding
from constructs_lib.fix.site import Source
from constructs_lib.template.model import TemplateModel

Format = Literal["json", "yaml"]


@dataclass
class FilePlan:
    """What fixing does to one template file."""

    path: Path
    name: str
    text: str = ""
    new_text: str | None = None
    fixes: list[Fix] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    left_alone: list[LeftAlone] = field(default_factory=list)
    #: Why the file as a whole is not fixed (unreadable, a writer's limit), if it is not.
    error: str | None = None
    format: Format = "yaml"
    #: The source as parsed (long-form intrinsics), for the proof and per-finding changes.
    data: Any = None
    crlf: bool = False

    @property
    def changed(self) -> bool:
        return self.new_text is not None and self.new_text != self.text

    @property
    def refused(self) -> bool:
        return bool(self.refusals) or self.error is not None

    def diff(self, label: str | None = None) -> str:
        """The unified diff of the change (empty when nothing changes)."""
        if not self.changed or self.new_text is None:
            return ""
        name = label or str(self.path)
        lines = difflib.unified_diff(self.text.splitlines(keepends=True), self.new_text.splitlines(keepends=True),
                                     name, name)
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass
class FixPlan:
    files: list[FilePlan] = field(default_factory=list)
    cdk: list[CdkAdvice] = field(default_factory=list)
    #: Findings outside any file the fix reads (app-wide rules without a template file).
    left_alone: list[LeftAlone] = field(default_factory=list)

    def outcomes(self) -> Iterable[Fix | Refusal | LeftAlone]:
        for file in self.files:
            yield from file.fixes
            yield from file.refusals
            yield from file.left_alone
        yield from self.left_alone


def parse(text: str, fmt: Format) -> Any:
    """``text`` as the checks read it (CloudFormation's YAML short forms included)."""
    if fmt == "json":
        return json.loads(text)
    from constructs_lib.template.loader import parse_yaml

    return parse_yaml(text)[0]


def read_template(path: Path) -> tuple[Any, str]:
    """The parsed template and its text, through the checks' reading layer."""
    from constructs_lib.template.loader import read_source

    data, source = read_source(path)
    return data, source.text


def is_cdk_output(models: Sequence[TemplateModel]) -> bool:
    """Whether CDK synthesized the template (its resources carry ``aws:cdk:path``)."""
    return any(res.path is not None for model in models for res in model.resources.values())


def plan(models: Sequence[TemplateModel], findings: Sequence[Finding], *,
         rules: Iterable[str] | None = None) -> FixPlan:
    """The fixes of ``findings`` (those still applicable; only ``rules`` when given) over
    the templates the ``models`` were read from."""
    wanted = set(rules) if rules is not None else None
    result = FixPlan()
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.applicable or (wanted is not None and f.rule_id not in wanted):
            continue
        if f.file is None:
            result.left_alone.append(LeftAlone(f, "not in a template file the fix can read"))
            continue
        by_file.setdefault(f.file, []).append(f)
    for file, group in by_file.items():
        file_models = [m for m in models if m.file == file]
        if is_cdk_output(file_models) or any(f.path for f in group):
            result.cdk.extend(cdk.advice(f, _model_for(f, file_models)) for f in group)
            continue
        result.files.append(plan_file(Path(file), group, file_models))
    return result


def _model_for(finding: Finding, models: Sequence[TemplateModel]) -> TemplateModel | None:
    matching = [m for m in models if m.name == finding.template and finding.resource in m.resources]
    preferred = [m for m in matching if m.branch is None or m.branch == finding.branch]
    found = preferred or matching
    return found[0] if found else None


def plan_file(path: Path, findings: Sequence[Finding], models: Sequence[TemplateModel]) -> FilePlan:
    """The plan of one file: each finding's outcome, and the new text when every fix applies."""
    file = FilePlan(path, findings[0].template if findings else str(path))
    try:
        data, text = read_template(path)
    except (OSError, ValueError) as exc:
        file.error = f"cannot read it again: {exc}"
        return file
    file.text, file.data = text, data
    stripped = text.lstrip()
    file.format = "json" if stripped.startswith(("{", "[")) and _is_json(text) else "yaml"
    source = Source(data if isinstance(data, dict) else {})
    source.taken.update(lid for m in models for lid in m.resources)
    for finding in findings:
        model = _model_for(finding, models)
        if model is None:
            file.refusals.append(Refusal(finding, f"{finding.resource} is not in the template as read"))
            continue
        outcome = fix_finding(finding, Context(model, source))
        if isinstance(outcome, Fix):
            if outcome.edits:
                file.fixes.append(outcome)
        elif isinstance(outcome, Refusal):
            file.refusals.append(outcome)
        else:
            file.left_alone.append(outcome)
    if file.refusals or not file.fixes:
        return file
    try:
        file.new_text = render_fixes(file, file.fixes)
    except EditError as exc:
        file.error = str(exc)
    return file


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def render_fixes(file: FilePlan, fixes: Sequence[Fix]) -> str:
    """The file's text with ``fixes`` applied, verified and reduced to the lines they need;
    EditError when that cannot be done."""
    text = file.text
    if "\r\n" in text:
        if text.count("\r\n") != text.count("\n"):
            raise EditError("it mixes CRLF and LF line endings; the fix would have to choose one")
        file.crlf = True
        text = text.replace("\r\n", "\n")
    merged = merge([e for fix in fixes for e in fix.edits])
    expected = apply(file.data, merged.edits())
    values = list(merged.values.values())
    added = list(merged.resources.values())
    fmt = file.format

    def valid(candidate: str) -> bool:
        try:
            return bool(parse(candidate, fmt) == expected)
        except Exception:  # noqa: BLE001 - any parse failure means: not this text
            return False

    new_text = _render(text, values, added, fmt)
    if not valid(new_text):
        raise EditError("the rewritten file would not read back as the fixed template; nothing is written")
    new_text = minimal(text, new_text, valid)
    return new_text.replace("\n", "\r\n") if file.crlf else new_text


def _render(text: str, values: list[SetValue], added: list[AddResource], fmt: Format) -> str:
    try:
        if fmt == "json":
            from constructs_lib.fix import json_writer

            return json_writer.render(text, values, added)
        from constructs_lib.fix import yaml_writer

        return yaml_writer.render(text, values, added, parse=lambda t: parse(t, "yaml"))
    except EditError:
        raise
    except Exception as exc:  # noqa: BLE001 - ruamel.yaml's own errors (duplicate keys...) on a file the checks read
        what = "ruamel.yaml cannot round-trip it" if fmt == "yaml" else "its JSON cannot be rewritten"
        raise EditError(f"{what}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}") from None


#: Most changed runs of lines :func:`minimal` tries to put back (each try parses the whole
#: text; the writers only rewrite edited resources, so real fixes stay far below it).
MAX_MINIMAL_TRIES = 64


#: The longest changed run :func:`_keep_reformatted` splits (lines).
MAX_REFORMATTED_RUN = 40


def minimal(old: str, new: str, valid: Callable[[str], bool]) -> str:
    """``new`` with every changed run of lines put back as it was in ``old`` where the text
    still reads as it must (``valid``): only the lines the edits need stay changed."""
    a = old.splitlines(keepends=True)
    current = new.splitlines(keepends=True)
    ops = [op for op in difflib.SequenceMatcher(None, a, current, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(ops) > MAX_MINIMAL_TRIES:
        return new
    for tag, i1, i2, j1, j2 in reversed(ops):
        trial = current[:j1] + a[i1:i2] + current[j2:]
        if valid("".join(trial)):
            current = trial
        elif tag == "replace":
            current = _keep_reformatted(a[i1:i2], current, j1, j2, valid)
    return "".join(current)


def _keep_reformatted(old: list[str], current: list[str], j1: int, j2: int, valid: Callable[[str], bool]) -> list[str]:
    """A changed run whose new lines are the old ones written again (re-indented by the
    round trip, a comment's spacing) next to lines an edit inserts: the old lines put back
    in place of the first or the last ``k`` new ones, where the text still reads as it
    must. Small runs only (each try parses the whole text)."""
    if j2 - j1 > MAX_REFORMATTED_RUN:
        return current
    for k in sorted(range(1, j2 - j1), key=lambda k: (abs(k - len(old)), k)):
        for trial in (current[:j1] + old + current[j1 + k:], current[:j2 - k] + old + current[j2:]):
            if valid("".join(trial)):
                return trial
    return current


def replacements(old: str, new: str) -> list[tuple[int, int, str]]:
    """(character offset, length, inserted text) of each changed run of lines: the SARIF
    ``replacements`` that turn ``old`` into ``new``."""
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            found.append((offsets[i1], offsets[i2] - offsets[i1], "".join(b[j1:j2])))
    return found


def finding_changes(file: FilePlan) -> dict[Finding, list[tuple[int, int, str]]]:
    """Each fixed finding's own change to the file (its fix alone), as replacements."""
    changes: dict[Finding, list[tuple[int, int, str]]] = {}
    if file.refused or not file.changed:
        return changes
    for fix in file.fixes:
        try:
            text = render_fixes(FilePlan(file.path, file.name, file.text, data=file.data, format=file.format), [fix])
        except EditError:
            continue
        changes[fix.finding] = replacements(file.text, text)
    return changes


def fixed_models(file: FilePlan, models: Sequence[TemplateModel], *, region: str) -> list[TemplateModel]:
    """The models of the file as fixed (what ``check`` would read from the new text)."""
    from constructs_lib.template.loader import SourceFile, models_from_template

    if not file.changed or file.new_text is None:
        return [m for m in models if m.file == str(file.path)]
    text = file.new_text.replace("\r\n", "\n") if file.crlf else file.new_text
    data = parse(text, file.format)
    source = SourceFile(file.path, text)
    if file.format == "yaml":
        from constructs_lib.template.loader import parse_yaml

        source.yaml_lines = parse_yaml(text)[1]
    names = [m.name for m in models if m.file == str(file.path)]
    fixed = models_from_template(data, names[0] if names else file.name, source=source, region=region)
    acknowledged = next((m.acknowledged for m in models if m.file == str(file.path)), {})
    for model in fixed:
        model.acknowledged = acknowledged
    return fixed


def fixable(rule_id: str) -> bool:
    """Whether ``--fix`` has a fix for the rule's findings."""
    return rule_id in FIXERS
