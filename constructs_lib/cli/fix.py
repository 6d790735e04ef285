"""``constructs-lib check PATH... --fix [--diff] [--fix-rule ID]``: write each finding's fix
into the template, and prove it.

The fixes come from :mod:`constructs_lib.fix`; this module proves them, which needs both
sides of the layers (the checks and the simulation), and writes what is proven:

1. **Check again.** The fixed templates are read as ``check`` would read them: every fixed
   finding must be gone and no new error may appear, or the file is not written.
2. **Simulate.** Every scenario runs on the templates as they were and as fixed; for each
   function that loses events in either, the summary prints both figures
   (``orders.yaml/Worker: poison lost 10 -> 0``). A fix that makes a function lose more is
   not written.
3. **Write.** Only with ``--fix`` and without ``--diff``, only proven files, only through
   :func:`constructs_lib.fix.writer.write_template`.

Templates CDK synthesized are never written: their findings get the construct prop or L1
override that fixes them in the CDK code. Exit status as for ``check``, on the templates as
fixed (with ``--diff``: as they would be), which ``check`` computes from what
:func:`run_fix` returns.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from constructs_lib.checks.core import CheckOptions, Finding
from constructs_lib.cli._term import say, terminal
from constructs_lib.template.text import DEFAULT_WIDTH, printable, wrap
from constructs_lib.template.model import TemplateModel

def _key(f: Finding) -> tuple[str, str, str, str]:
    return f.rule_id, f.template, f.resource, f.location


@dataclass
class Proof:
    """What checking and simulating the fixed templates showed, per file."""

    #: file -> why its fixes are not proven (a fixed finding remains, a new error...).
    failed: dict[str, list[str]] = field(default_factory=dict)
    #: file -> how many fixed findings are gone.
    gone: dict[str, int] = field(default_factory=dict)
    #: (file, "template/function: scenario lost a -> b") lines.
    losses: list[tuple[str, str]] = field(default_factory=list)
    #: The findings of the templates as fixed (only proven files changed).
    after: list[Finding] = field(default_factory=list)


def simulate_losses(models: Sequence[TemplateModel], scenario: str, *, events: int, seed: int) -> dict[str, int]:
    """``template/function`` -> events lost under ``scenario``: the one call into the
    simulation (its narrowest API), kept here so a change there changes one function."""
    from constructs_lib.simulate import simulate

    report = simulate(list(models), scenario, events=events, seed=seed)
    lost: dict[str, int] = {}
    for result in report.functions:
        name = f"{result.template}/{result.function}"
        lost[name] = lost.get(name, 0) + int(result.lost)
    return lost


def scenario_names() -> list[str]:
    from constructs_lib.simulate.scenarios import SCENARIOS

    return list(SCENARIOS)


def prove(models: Sequence[TemplateModel], findings: Sequence[Finding], fix_plan: Any, options: CheckOptions, *,
          region: str, simulate: bool = True, events: int = 200, seed: int = 0) -> Proof:
    """Check (and simulate) the fixed templates; the files whose fixes hold up."""
    from constructs_lib.checks.rules import run_checks
    from constructs_lib.fix.plan import fixed_models

    proof = Proof()
    changed = [f for f in fix_plan.files if f.changed]
    before_keys = {_key(f) for f in findings if f.applicable}
    fixed: dict[str, list[TemplateModel]] = {}
    for file in changed:
        try:
            fixed[str(file.path)] = fixed_models(file, models, region=region)
        except Exception as exc:  # noqa: BLE001 - a fixed template the reader rejects is an unproven fix
            proof.failed[str(file.path)] = [f"the fixed template cannot be read: {exc}"]
    candidate = _swap(models, fixed)
    after = run_checks(candidate, options)
    for file in changed:
        path = str(file.path)
        if path in proof.failed:
            continue
        mine = [f for f in after if f.file == path and f.applicable]
        wanted = {_key(fix.finding) for fix in file.fixes}
        reasons = [f"{f.rule_id} {f.resource} is still found" for f in mine if _key(f) in wanted]
        reasons += [f"new error {f.rule_id} {f.resource}: {f.message}" for f in mine
                    if f.is_error and _key(f) not in before_keys]
        if reasons:
            proof.failed[path] = reasons
        else:
            proof.gone[path] = len(wanted)
    if simulate and proof.gone:
        proven = {p: fixed[p] for p in proof.gone}
        old = [m for m in models if m.file in proven]
        new = [m for p in proven for m in proven[p]]
        owner = {m.name: m.file for m in old}
        for scenario in scenario_names():
            before = simulate_losses(old, scenario, events=events, seed=seed)
            later = simulate_losses(new, scenario, events=events, seed=seed)
            for name in sorted(set(before) | set(later)):
                lost, now = before.get(name), later.get(name, 0)
                if not lost and not now:
                    continue
                file_of = owner.get(name.rsplit("/", 1)[0], "") or ""
                was = "not simulated before" if lost is None else str(lost)
                proof.losses.append((file_of, f"{name}: {scenario} lost {was} -> {now}"))
                if lost is not None and now > lost:
                    proof.failed.setdefault(file_of, []).append(f"{name} loses more under {scenario} ({lost} -> {now})")
                    proof.gone.pop(file_of, None)
    if any(str(f.path) in proof.failed for f in changed):
        after = run_checks(_swap(models, {p: ms for p, ms in fixed.items() if p not in proof.failed}), options)
    proof.after = after
    return proof


def _swap(models: Sequence[TemplateModel], fixed: dict[str, list[TemplateModel]]) -> list[TemplateModel]:
    out: list[TemplateModel] = []
    done: set[str] = set()
    for model in models:
        if model.file in fixed:
            if model.file not in done:
                out.extend(fixed[model.file])
                done.add(model.file)
            continue
        out.append(model)
    return out


_LONE_CR = re.compile(r"\r(?!\n)")
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}


class _Printable:
    """A text stream that shows control characters (a template's own, in a diff or a
    resource id) as escapes instead of sending them to the terminal."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(_LONE_CR.sub(r"\\r", text).translate(_CONTROL))

    def flush(self) -> None:
        self._out.flush()


def _where(f: Finding) -> str:
    return f.resource + (f" [from {f.origin}]" if f.origin else "")


def run_fix(args: argparse.Namespace, loaded: Any, findings: Sequence[Finding], options: CheckOptions, *,
            fail_on: str, config: Any, out: TextIO, err: TextIO) -> list[Finding] | None:
    """The ``--fix`` / ``--diff`` part of ``check``, after the checks ran: the findings of
    the templates as fixed, or ``None`` after printing why the arguments are wrong."""
    from constructs_lib.checks.rules import RULES_BY_ID
    from constructs_lib.fix.plan import plan
    from constructs_lib.fix.writer import WriteRefused, write_template

    if not (args.fix or args.diff):
        say(err, "error: --fix-rule narrows --fix or --diff; give one of them")
        return None
    only = set(args.fix_rule) if args.fix_rule else None
    unknown = sorted((only or set()) - set(RULES_BY_ID))
    if unknown:
        say(err, printable(f"error: --fix-rule {', '.join(unknown)}: no such rule (constructs-lib rules lists them)"))
        return None
    region = args.region or config.region or "us-east-1"
    fix_plan = plan(loaded.models, findings, rules=only)
    proof = prove(loaded.models, findings, fix_plan, options, region=region)
    dry = bool(args.diff) or not args.fix
    text = args.format == "text"
    report: Any = _Printable(out if text else err)
    if text and args.diff:
        for file in fix_plan.files:
            if file.changed and str(file.path) not in proof.failed:
                report.write(file.diff())
    written: list[str] = []
    not_written: dict[str, str] = {}
    if not dry:
        roots = [Path(p) for p in args.paths]
        templates = {m.file for m in loaded.models if m.file}
        # A template read without one of its AWS::Include snippets: the fix and its proof saw
        # only part of it (the snippet may hold the very resources the fix adds).
        partial = {u.template for u in loaded.unreadable if u.template}
        for file in fix_plan.files:
            if not file.changed or str(file.path) in proof.failed or file.new_text is None:
                continue
            if str(file.path) in partial:
                not_written[str(file.path)] = (f"{file.path}: part of it could not be read (an AWS::Include "
                                               "snippet), so the fix saw only the rest; make it readable first")
                continue
            try:
                write_template(file.path, file.text, file.new_text, roots=roots, templates=templates)
                written.append(str(file.path))
            except (WriteRefused, OSError) as exc:
                not_written[str(file.path)] = str(exc)
    if not_written:
        from constructs_lib.checks.rules import run_checks
        from constructs_lib.fix.plan import fixed_models

        keep = {str(f.path): fixed_models(f, loaded.models, region=region) for f in fix_plan.files
                if str(f.path) in written}
        proof.after = run_checks(_swap(loaded.models, keep), options)
    _summary(report, fix_plan, proof, written=written, not_written=not_written, dry=dry,
             width=terminal(out if text else err).width)
    if not text:
        _write_report(args, fix_plan, proof, findings, loaded, config, fail_on, out, err)
    return proof.after


def _summary(stream: TextIO, fix_plan: Any, proof: Proof, *, written: list[str], not_written: dict[str, str],
             dry: bool, width: int = DEFAULT_WIDTH) -> None:
    """What --fix did, one wrapped line (or a few) per file, fix and proof, within ``width``."""

    def line(text: str) -> None:
        hanging = "    " if text.startswith("  ") else "  "
        for piece in wrap(text, width, hanging=hanging):
            stream.write(piece + "\n")

    fixed_total = refused_total = 0
    for file in fix_plan.files:
        path = str(file.path)
        if file.refused:
            refused_total += 1
            line(f"refused {path}: nothing in it is changed (narrow the rules with --fix-rule to fix the rest)")
            for r in file.refusals:
                line(f"  {r.finding.rule_id}  {_where(r.finding)}: {r.reason}")
            if file.error:
                line(f"  {file.error}")
        elif path in proof.failed:
            refused_total += 1
            line(f"not fixed {path}: the fixed template does not hold up")
            for reason in proof.failed[path]:
                line(f"  {reason}")
        elif file.changed:
            fixed_total += len(file.fixes)
            line(f"fixed {path}: {len(file.fixes)} finding(s)")
            for fix in file.fixes:
                line(f"  {fix.finding.rule_id}  {_where(fix.finding)}: {fix.summary}")
        for left in file.left_alone:
            line(f"left alone in {path}: {left.finding.rule_id}  {_where(left.finding)}")
            line(f"  {left.reason}")
    for left in fix_plan.left_alone:
        line(f"left alone: {left.finding.rule_id}  {left.finding.template}: {left.reason}")
    for advice in fix_plan.cdk:
        f = advice.finding
        line(f"in your CDK code: {f.rule_id}  {advice.construct or f.resource} ({f.template}: {f.resource})")
        line(f"  {advice.hint}")
        for override in advice.overrides:
            line(f"  or the L1 override: {override}")
    for path, gone in proof.gone.items():
        line(f"proof: check again: {path}: {gone} fixed finding(s) gone, no new error")
    for path, loss in proof.losses:
        if path not in proof.failed:
            line(f"proof: simulate: {loss}")
    for path in written:
        line(f"wrote {path}")
    for path, reason in not_written.items():
        line(f"not written: {reason}")
    proven = [f for f in fix_plan.files if f.changed and str(f.path) in proof.gone]
    if dry and proven:
        line(f"--diff: nothing written ({len(proven)} file(s) would change)")
    if fix_plan.cdk:
        line("cdk.out: nothing written; a template CDK synthesized is fixed in the CDK code")
    if not fixed_total and not refused_total and not fix_plan.cdk:
        left = sum(len(f.left_alone) for f in fix_plan.files) + len(fix_plan.left_alone)
        line(f"nothing fixed: {left} finding(s) need code or a decision" if left else "nothing to fix")


def _write_report(args: argparse.Namespace, fix_plan: Any, proof: Proof, findings: Sequence[Finding], loaded: Any,
                  config: Any, fail_on: str, out: TextIO, err: TextIO) -> None:
    """The --format json / sarif / junit report: the findings as found, with their fixes."""
    from constructs_lib import __version__
    from constructs_lib.checks import report
    from constructs_lib.checks.rules import ALL_RULES
    from constructs_lib.fix.plan import finding_changes

    target = open(args.output, "w", encoding="utf-8") if args.output else out  # noqa: SIM115
    try:
        rules = [r for r in ALL_RULES if r.id not in config.disable]
        if args.format == "sarif":
            fixes: dict[str, report.SarifFix] = {}
            for file in fix_plan.files:
                if str(file.path) in proof.failed:
                    continue
                summaries = {fix.finding: fix.summary for fix in file.fixes}
                for finding, changes in finding_changes(file).items():
                    fixes[report.fingerprint(finding)] = (summaries[finding], changes)
            log = report.sarif(findings, rules, levels=dict(config.levels), version=__version__, fixes=fixes)
            json.dump(log, target, indent=2)
            target.write("\n")
        elif args.format == "json":
            shown = [f for f in findings if f.applicable]
            extra = {"config": str(config.path) if config.path else None, "fail_on": fail_on, "fix": _fix_json(fix_plan, proof)}
            report.write_json(target, shown, findings, loaded.templates, extra)
        else:
            target.write(report.junit(proof.after, rules, loaded.templates, fail_on=fail_on))
    finally:
        if args.output:
            target.close()
    if args.output:
        say(err, printable(f"wrote {args.output}"))


def _fix_json(fix_plan: Any, proof: Proof) -> dict[str, Any]:
    files = []
    for file in fix_plan.files:
        path = str(file.path)
        status = "refused" if file.refused else "not-proven" if path in proof.failed else "fixed" if file.changed else "unchanged"
        files.append({
            "file": path,
            "status": status,
            "fixes": [{"rule_id": x.finding.rule_id, "resource": x.finding.resource, "summary": x.summary} for x in file.fixes],
            "refused": [{"rule_id": x.finding.rule_id, "resource": x.finding.resource, "reason": x.reason}
                        for x in file.refusals] + ([{"reason": file.error}] if file.error else []),
            "left_alone": [{"rule_id": x.finding.rule_id, "resource": x.finding.resource, "reason": x.reason}
                           for x in file.left_alone],
            "proof": proof.failed.get(path, []),
            "diff": file.diff() if status == "fixed" else "",
        })
    return {
        "files": files,
        "cdk": [{"rule_id": a.finding.rule_id, "construct": a.construct, "hint": a.hint, "overrides": a.overrides}
                for a in fix_plan.cdk],
        "simulation": [line for _, line in proof.losses],
    }
