"""The vocabulary of the checks: rules, their levels, and what they report. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from constructs_lib import limits
from constructs_lib.checks.model import Resource, TemplateModel
from constructs_lib.rules import Violation

Level = Literal["error", "warning"]
Status = Literal["non-compliant", "not-applicable", "suppressed"]
LEVELS: tuple[Level, ...] = ("error", "warning")
#: The plugin's name; CDK derives the acknowledgment namespace from it, so a finding of
#: rule ``sqs-visibility-timeout`` is acknowledged with ``constructs-lib::sqs-visibility-timeout``.
PLUGIN_NAME = "constructs-lib"
#: Where every rule's documentation page lives: ``<base><rule id>.md``. A finding's
#: ``help_uri`` is built from it; set ``CONSTRUCTS_LIB_RULES_DOCS`` to point findings at
#: your own copy (an internal docs site, a fork).
RULE_DOCS_BASE_URL = "https://github.com/constructs-lib/constructs-lib/blob/main/docs/rules/"
#: The same pages inside the repository (and the source distribution).
RULE_DOCS_PATH = "docs/rules/"
#: The key of a resource's ``Metadata`` where acknowledgments live:
#: ``{"constructs-lib": {"acknowledge": [{"id": "<rule id>", "reason": "..."}]}}``.
METADATA_KEY = "constructs-lib"


def rule_docs_url(rule_id: str) -> str:
    """The documentation page of a rule (``CONSTRUCTS_LIB_RULES_DOCS`` overrides the base)."""
    import os

    base = os.environ.get("CONSTRUCTS_LIB_RULES_DOCS") or RULE_DOCS_BASE_URL
    return f"{base.rstrip('/')}/{rule_id}.md"


@dataclass(frozen=True)
class CheckOptions:
    """Knobs of the checks.

    :param account_concurrency: the account's Lambda concurrency quota per Region that the
        unreserved-pool rule compares the app's reservations with. Default 1,000, the
        default quota (``limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY``); raise it to your
        account's quota.
    """

    account_concurrency: int = limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY
    #: Rule ids not to run (from the config file's ``disable``).
    disabled: frozenset[str] = frozenset()
    #: Rule id -> level, overriding the rule's own (from the config file's ``levels``).
    levels: Mapping[str, Level] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.account_concurrency < 1:
            raise ValueError(
                f"account_concurrency {self.account_concurrency} is not a concurrency quota; it must be "
                "1 or more (the default quota is 1,000 executions per Region)"
            )
        for rule_id, level in self.levels.items():
            if level not in LEVELS:
                raise ValueError(f"level {level!r} of rule {rule_id} is not one of {', '.join(LEVELS)}")


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: a resource and why it breaks (or escapes) the rule."""

    resource: Resource
    message: str
    location: str = "Properties"
    source: str = ""
    fix: str = ""
    applicable: bool = True
    #: The resource the author wrote that best explains the finding (a SAM function and
    #: event), when the rule knows better than the resource's own origin.
    origin: str | None = None

    @classmethod
    def of(cls, resource: Resource, violation: Violation, *, location: str = "Properties", fix: str = "") -> Hit:
        """A hit from a pure value rule's ``Violation``."""
        return cls(resource, violation.message, location, violation.source, fix)

    @classmethod
    def not_applicable(cls, resource: Resource, why: str, location: str = "Properties") -> Hit:
        return cls(resource, why, location, applicable=False)


@dataclass(frozen=True)
class Finding:
    """One result of one rule on one resource of one template."""

    rule_id: str
    level: Level
    status: Status
    template: str
    resource: str
    resource_type: str
    path: str | None
    location: str
    message: str
    fix: str
    source: str
    #: The line of the resource in ``file`` (1-based), when known.
    line: int | None = None
    #: The file the line refers to (the template, or the SAM template it was translated from).
    file: str | None = None
    #: The resource the author wrote, when the template was generated from it: the SAM
    #: resource (and event) behind a translated resource.
    origin: str | None = None
    #: Which outcome of conditions the template cannot decide the finding comes from
    #: (``None``: it holds whatever they decide).
    branch: str | None = None
    #: Why it is acknowledged (status ``"suppressed"``): the reason in the resource's metadata.
    suppression: str | None = None
    #: The rule's documentation page.
    help_uri: str = ""

    @property
    def is_error(self) -> bool:
        return self.status == "non-compliant" and self.level == "error"

    @property
    def applicable(self) -> bool:
        return self.status == "non-compliant"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


TemplateCheck = Callable[[TemplateModel, CheckOptions], Iterable[Hit]]
AppCheck = Callable[[Sequence[TemplateModel], CheckOptions], Iterable[tuple[TemplateModel, Hit]]]


@dataclass(frozen=True)
class Rule:
    """A rule: an ID, a level, a one-line summary, the failure it prevents, and the check.

    ``check`` runs on one template; ``app_check`` (for the few rules about the whole app,
    such as the account's unreserved concurrency) on every template at once.
    """

    id: str
    level: Level
    summary: str
    explanation: str
    fix: str
    check: TemplateCheck | None = None
    app_check: AppCheck | None = None
    #: The AWS documentation of the behaviour the rule follows.
    source: str = ""
    #: Why the rule has its level: "AWS rejects ...", "data can be lost ...", or the
    #: recommendation a warning stands for.
    level_reason: str = ""

    @property
    def help_uri(self) -> str:
        return rule_docs_url(self.id)

    def finding(self, model: TemplateModel, hit: Hit, *, level: Level | None = None) -> Finding:
        return Finding(
            rule_id=self.id,
            level=level or self.level,
            status="non-compliant" if hit.applicable else "not-applicable",
            template=model.name,
            resource=hit.resource.logical_id,
            resource_type=hit.resource.type,
            path=hit.resource.path,
            location=hit.location,
            message=hit.message,
            fix=hit.fix or self.fix,
            source=hit.source or self.source,
            line=model.line_of(hit.resource.logical_id),
            file=model.file,
            origin=hit.origin or model.origin(hit.resource.logical_id),
            branch=model.branch,
            help_uri=self.help_uri,
        )


def rule(
    id: str, level: Level, summary: str, *, explanation: str, fix: str, source: str = "", level_reason: str = ""
) -> Callable[[TemplateCheck], Rule]:
    """Decorator: turn a template check function into a :class:`Rule`."""

    def wrap(fn: TemplateCheck) -> Rule:
        return Rule(id, level, summary, " ".join(explanation.split()), fix, check=fn, source=source,
                    level_reason=" ".join(level_reason.split()))

    return wrap


def app_rule(
    id: str, level: Level, summary: str, *, explanation: str, fix: str, source: str = "", level_reason: str = ""
) -> Callable[[AppCheck], Rule]:
    """Decorator: turn an app-wide check function into a :class:`Rule`."""

    def wrap(fn: AppCheck) -> Rule:
        return Rule(id, level, summary, " ".join(explanation.split()), fix, app_check=fn, source=source,
                    level_reason=" ".join(level_reason.split()))

    return wrap
