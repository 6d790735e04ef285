"""How findings are written: text for people, JSON for tools, SARIF 2.1.0 for code
scanning (GitHub, GitLab, Azure DevOps annotate the resource's line), JUnit XML for CI
test reports.

SARIF: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html

Whatever a template holds, the output stays what it says it is: text escapes control and
bidi characters (:func:`constructs_lib.template.text.printable`), JSON and SARIF are JSON
(``ensure_ascii``), SARIF URIs are RFC 3986 references (percent-encoded) and JUnit is
well-formed XML 1.0.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from constructs_lib.checks.core import Finding, Rule
from constructs_lib.template.text import DEFAULT_WIDTH, columns, first_columns, last_columns, printable, wrap

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_URI = "https://github.com/constructs-lib/constructs-lib"


def summary(findings: Sequence[Finding]) -> dict[str, int]:
    return {
        "errors": sum(f.is_error for f in findings),
        "warnings": sum(f.applicable and f.level == "warning" for f in findings),
        "not_applicable": sum(f.status == "not-applicable" for f in findings),
        "suppressed": sum(f.status == "suppressed" for f in findings),
    }


def _where(f: Finding) -> str:
    text = f"{f.template}: {f.resource}" + (f" ({f.path})" if f.path else "")
    if f.origin:
        text += f" [from {f.origin}]"
    return text


#: A function that styles text for a terminal: ``style(text, "bold", "red")``; the
#: identity when there is no colour (``constructs_lib.cli._term.Terminal.style``).
Style = Callable[..., str]
_LABELS = {"non-compliant": None, "not-applicable": "N/A", "suppressed": "SUPPRESSED"}
_LEVEL_STYLE = {"error": ("bold", "red"), "warning": ("bold", "yellow")}
#: Columns of tab stops in the template lines a finding shows.
TAB_SIZE = 4


def _plain(text: str, *styles: str) -> str:
    return text


def snippet(f: Finding, width: int = DEFAULT_WIDTH, style: Style = _plain) -> list[str]:
    """The ``--> file:line:column`` line and the template lines a finding concerns, with a
    marker under the offending value (or under the last key the template has, naming
    what is missing), as rustc and ruff show them; every line within ``width`` columns
    (a long template line is shown around the marker) and printable."""
    pos = f.position
    if pos is None:
        return []
    file = f.file or f.template
    where = printable(f"{file}:{pos.line}:{pos.column}")
    arrow = style("-->", "bold", "blue")
    if columns(f"  --> {where}") <= width:
        lines = [f"  {arrow} {where}"]
    else:  # like a URL: whole, on a line of its own
        lines = [f"  {arrow}", f"    {where}"]
    number_width = len(str(pos.lines[-1][0]))
    gutter = " " * (number_width + 3) + style("|", "bold", "blue")
    room = max(width - number_width - 6, 20)
    lines.append(gutter)
    for number, text in pos.lines:
        marked = number == pos.line
        start, end = (pos.column - 1, pos.end_column - 1) if marked else (0, 0)
        head = printable(text[:start].expandtabs(TAB_SIZE))
        body = printable(text[:end].expandtabs(TAB_SIZE))[len(head):]
        tail = printable(text.expandtabs(TAB_SIZE))[len(head) + len(body):]
        shown, offset, span = _clip(head, body, tail, room)
        lines.append(f"  {style(str(number).rjust(number_width), 'bold', 'blue')} {style('|', 'bold', 'blue')} {shown}".rstrip())
        if marked:
            label = f" {'/'.join(map(str, pos.missing))} is not set" if pos.missing else ""
            marker = "^" * span
            if offset + span + columns(label) > room:
                label = ""
            colours = _LEVEL_STYLE.get(f.level, ("bold",)) if f.applicable else ("dim",)
            lines.append(f"{gutter} {' ' * offset}{style(marker + label, *colours)}")
    return lines


def _clip(head: str, body: str, tail: str, room: int) -> tuple[str, int, int]:
    """``head + body + tail`` within ``room`` terminal columns, keeping ``body`` (the marked
    text) in view: (the text shown, the marker's column in it, the marker's width). Cut by
    columns (:func:`columns`), not characters: a wide character takes two."""
    offset, span = columns(head), max(columns(body), 1)
    if offset + columns(body) + columns(tail) <= room:
        return head + body + tail, offset, span
    dots = "..."
    if offset + span > room - len(dots):  # the marked text is far right: cut the head
        keep = max(room // 3, 0)
        head = dots + last_columns(head, keep) if keep < offset else head
        offset = columns(head)
    span = max(1, min(span, room - offset - len(dots)))
    shown = head + body + tail
    if columns(shown) > room:
        shown = first_columns(shown, room - len(dots)) + dots
    return shown, offset, span


def finding_lines(f: Finding, width: int = DEFAULT_WIDTH, style: Style = _plain) -> list[str]:
    """One finding for people: its head line, where it is (:func:`snippet`), the message,
    the fix and the links; wrapped to ``width``, every line printable."""
    label = _LABELS[f.status] or f.level.upper()
    colours = _LEVEL_STYLE.get(f.level, ("bold",)) if f.applicable else ("dim",)
    head = wrap(printable(f"{label} {f.rule_id}  {_where(f)}"), width, hanging="    ")
    head[0] = head[0].replace(label, style(label, *colours), 1).replace(f.rule_id, style(f.rule_id, "bold"), 1)
    lines = [*head, *snippet(f, width, style)]

    def add(text: str, hanging: str = "    ") -> None:
        lines.extend(wrap(printable(text), width, indent="  ", hanging=hanging))

    if f.branch:
        add(f"only when {f.branch}")
    add(f.message, hanging="  ")
    if f.status == "suppressed":
        add(f"acknowledged: {f.suppression}")
    elif f.applicable:
        add(f"fix: {f.fix}")
        if f.source:
            add(f"see: {f.source}")
        add(f"rule: {f.help_uri}")
    return lines


def write_text(out: TextIO, shown: Sequence[Finding], findings: Sequence[Finding], templates: int,
               notes: Sequence[str] = (), *, width: int = DEFAULT_WIDTH, style: Style = _plain) -> None:
    """The findings for people, within ``width`` columns (a URL or a path longer than a line
    stays whole, on a line of its own); every line printable (template text escaped);
    ``style`` colours the labels, the markers and the summary on a terminal."""

    def line(text: str = "") -> None:
        print(text, file=out)

    for f in shown:
        for text in finding_lines(f, width, style):
            line(text)
        line()
    s = summary(findings)
    summary_line = (
        f"{templates} template(s) checked: {s['errors']} error(s), {s['warnings']} warning(s), "
        f"{s['not_applicable']} not applicable"
    )
    if s["suppressed"]:
        summary_line += f", {s['suppressed']} acknowledged"
    for text in wrap(printable(summary_line), width):
        line(style(text, "bold"))
    for note in notes:
        for text in wrap(printable(note), width):
            line(text)


def write_json(out: TextIO, shown: Sequence[Finding], findings: Sequence[Finding], templates: Sequence[str],
               extra: dict[str, Any]) -> None:
    json.dump(
        {"templates": list(templates), "summary": summary(findings), **extra, "findings": [f.to_dict() for f in shown]},
        out,
        indent=2,
    )
    out.write("\n")


def _uri(file: str | None, base: Path) -> str | None:
    """An RFC 3986 reference to ``file``: relative to ``base`` (percent-encoded, so a space,
    a ``%``, a ``:`` or non-ASCII stays a valid relative reference), else a ``file:`` URI
    (RFC 8089)."""
    if not file:
        return None
    path = Path(file)
    try:
        path = path.resolve()
    except (OSError, ValueError):  # a name the file system cannot encode: as it is
        path = path.absolute()
    try:
        return _quote(path.relative_to(base.resolve()).as_posix())
    except ValueError:
        return _file_uri(path)


def _quote(text: str) -> str:
    """Percent-encoded UTF-8 (a file name's undecodable bytes as they were on disk)."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeError:
        data = text.encode("utf-8", "surrogatepass")
    return quote(data, safe="/")


def _file_uri(path: Path) -> str:
    return "file://" + _quote(path.as_posix())


def _rule_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def sarif_rule(rule: Rule, level: str) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": _rule_name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {
            "text": f"{rule.fix} See {rule.help_uri}",
            "markdown": f"{rule.fix}\n\n[Rule documentation]({rule.help_uri}) - AWS: {rule.source}",
        },
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["lambda", "invocation-model"], "awsSource": rule.source, "levelReason": rule.level_reason},
    }


#: A finding's fix for SARIF: what it does, and the (character offset, length, new text)
#: replacements in the finding's file (``constructs-lib check --fix --diff --format sarif``).
SarifFix = tuple[str, Sequence[tuple[int, int, str]]]


def fingerprint(f: Finding) -> str:
    """The finding's stable identity: its SARIF ``partialFingerprints`` value."""
    return f"{f.template}/{f.resource}/{f.rule_id}/{f.location}"


def sarif_fix(description: str, artifact: dict[str, Any], replacements: Sequence[tuple[int, int, str]]) -> dict[str, Any]:
    """A SARIF ``fix`` object: one artifact change of character-offset replacements."""
    return {
        "description": {"text": description},
        "artifactChanges": [{
            "artifactLocation": dict(artifact),
            "replacements": [
                {"deletedRegion": {"charOffset": offset, "charLength": length}, "insertedContent": {"text": text}}
                for offset, length, text in replacements
            ],
        }],
    }


def sarif(findings: Sequence[Finding], rules: Sequence[Rule], *, levels: dict[str, str], version: str,
          base: Path | None = None, fixes: Mapping[str, SarifFix] | None = None, unreadable: Sequence[str] = (),
          notices: Sequence[str] = ()) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, every rule as reporting descriptor, one result per
    finding (acknowledged ones carry an in-source suppression) at the line and column of
    the offending value (or of the key that lacks it; else the resource's line).
    ``fixes`` (fingerprint -> description and replacements) become the results' ``fixes``;
    what could not be read is an error notification of the invocation (which then did not
    succeed), what was skipped a note."""
    base = base or Path.cwd()
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        if f.status == "not-applicable":
            continue
        location: dict[str, Any] = {
            "logicalLocations": [{"name": f.resource, "fullyQualifiedName": f"{f.template}/{f.resource}", "kind": "resource"}]
        }
        uri = _uri(f.file, base)
        if uri is not None:
            physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
            if not uri.startswith("file://"):
                physical["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
            pos = f.position
            physical["region"] = ({"startLine": pos.line, "startColumn": pos.column, "endColumn": pos.end_column}
                                  if pos is not None else {"startLine": f.line or 1})
            location["physicalLocation"] = physical
        message = f.message + (f" (only when {f.branch})" if f.branch else "")
        if f.origin:
            message += f" [from {f.origin}]"
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "level": f.level,
            "message": {"text": message},
            "locations": [location],
            "partialFingerprints": {"resource/v1": fingerprint(f)},
            "properties": {
                "template": f.template,
                "resourceType": f.resource_type,
                "location": f.location,
                "fix": f.fix,
                "awsSource": f.source,
                **({"cdkPath": f.path} if f.path else {}),
                **({"origin": f.origin} if f.origin else {}),
                **({"branch": f.branch} if f.branch else {}),
            },
        }
        if f.rule_id in index:
            result["ruleIndex"] = index[f.rule_id]
        if f.status == "suppressed":
            result["suppressions"] = [{"kind": "inSource", "justification": f.suppression or ""}]
        fix = (fixes or {}).get(fingerprint(f))
        if fix is not None and "physicalLocation" in location:
            result["fixes"] = [sarif_fix(fix[0], location["physicalLocation"]["artifactLocation"], fix[1])]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "constructs-lib",
                        "version": version,
                        "informationUri": TOOL_URI,
                        "rules": [sarif_rule(r, levels.get(r.id, r.level)) for r in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(base.resolve()).rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not unreadable,
                        "toolExecutionNotifications": [
                            *({"level": "error", "message": {"text": text}} for text in unreadable),
                            *({"level": "note", "message": {"text": text}} for text in notices),
                        ],
                    }
                ],
                "results": results,
            }
        ],
    }


def junit(findings: Sequence[Finding], rules: Sequence[Rule], templates: Sequence[str], *, fail_on: str,
          unreadable: Sequence[str] = ()) -> str:
    """JUnit XML: one test suite per template, one test case per rule; a finding at or above
    ``fail_on`` is a failure, a lesser one is written to the case's system-out; each input
    that could not be read is an error of a last suite. Well-formed XML 1.0 whatever the
    template holds: characters XML cannot carry are written as visible escapes."""
    from xml.sax.saxutils import escape as _escape, quoteattr as _quoteattr  # only here: it loads urllib and email

    def escape(text: str) -> str:
        return _escape(printable(text, keep="\n\t"))

    def quoteattr(text: str) -> str:
        return _quoteattr(printable(text))

    failing = {"error": ("error",), "warning": ("error", "warning"), "none": ()}[fail_on]
    suites = []
    total_failures = 0
    for template in templates:
        cases = []
        failures = 0
        for rule in rules:
            found = [f for f in findings if f.template == template and f.rule_id == rule.id and f.applicable]
            name = quoteattr(rule.id)
            body = ""
            failed = [f for f in found if f.level in failing]
            if failed:
                failures += 1
                text = "\n".join(f"{f.level.upper()} {printable(f.resource)}: {printable(f.message)}\nfix: {f.fix}\n"
                                 f"see: {f.help_uri}" for f in failed)
                body += f'<failure message={quoteattr(failed[0].message[:200])} type={quoteattr(failed[0].level)}>{escape(text)}</failure>'
            rest = [f for f in found if f not in failed]
            if rest:
                text = "\n".join(f"{f.level.upper()} {printable(f.resource)}: {printable(f.message)}" for f in rest)
                body += "<system-out>" + escape(text) + "</system-out>"
            cases.append(f'    <testcase classname={quoteattr(template)} name={name}>{body}</testcase>')
        total_failures += failures
        suites.append(
            f'  <testsuite name={quoteattr(template)} tests="{len(rules)}" failures="{failures}" errors="0">\n'
            + "\n".join(cases)
            + "\n  </testsuite>"
        )
    if unreadable:
        cases = [f'    <testcase classname="constructs-lib" name={quoteattr(f"read {i}")}>'
                 f'<error message={quoteattr(text[:200])} type="unreadable">{escape(printable(text))}</error></testcase>'
                 for i, text in enumerate(unreadable, 1)]
        suites.append(f'  <testsuite name="input that could not be read" tests="{len(unreadable)}" failures="0" '
                      f'errors="{len(unreadable)}">\n' + "\n".join(cases) + "\n  </testsuite>")
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="constructs-lib" tests="{len(rules) * len(templates) + len(unreadable)}" '
        f'failures="{total_failures}" errors="{len(unreadable)}">\n'
    )
    return head + "\n".join(suites) + "\n</testsuites>\n"


def rules_table(rules: Sequence[Rule], levels: dict[str, str], disabled: frozenset[str], *,
                width: int = DEFAULT_WIDTH) -> str:
    """One rule a line - id, level, summary - with the summary wrapped under itself within
    ``width`` columns (under the id, indented, when the columns left are too few; the
    level too when the id and the level do not fit one line). Only an id longer than the
    width is wider."""
    id_width = max(columns(r.id) for r in rules)
    lines = []
    for r in rules:
        level = "off" if r.id in disabled else levels.get(r.id, r.level)
        head = f"{r.id}{' ' * (id_width - columns(r.id))}  {level:<7}  "
        if width - columns(head) >= 30:
            lines.extend(wrap(r.summary, width, indent=head, hanging=" " * columns(head)))
            continue
        if columns(head.rstrip()) <= width:  # the levels still in a column
            lines.append(head.rstrip())
        elif columns(f"{r.id}  {level}") <= width:
            lines.append(f"{r.id}  {level}")
        else:  # the level opens the indented lines under the id
            lines.append(r.id)
            lines.extend(wrap(f"{level}  {r.summary}", width, indent="    ", hanging="    "))
            continue
        lines.extend(wrap(r.summary, width, indent="    ", hanging="    "))
    return "\n".join(lines) + "\n"


def rules_json(rules: Sequence[Rule], levels: dict[str, str], disabled: frozenset[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "level": levels.get(r.id, r.level),
            "default_level": r.level,
            "enabled": r.id not in disabled,
            "summary": r.summary,
            "explanation": r.explanation,
            "level_reason": r.level_reason,
            "fix": r.fix,
            "source": r.source,
            "help_uri": r.help_uri,
        }
        for r in rules
    ]
