"""The vocabulary of the checks: rules, their levels, and what they report. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from constructs_lib import limits
from constructs_lib.checks.model import Resource, TemplateModel
from constructs_lib.rules import Violation

Level = Literal["error", "warning"]
Status = Literal["non-compliant", "not-applicable"]
#: The plugin's name; CDK derives the acknowledgment namespace from it, so a finding of
#: rule ``sqs-visibility-timeout`` is acknowledged with ``constructs-lib::sqs-visibility-timeout``.
PLUGIN_NAME = "constructs-lib"


@dataclass(frozen=True)
class CheckOptions:
    """Knobs of the checks.

    :param account_concurrency: the account's Lambda concurrency quota per Region that the
        unreserved-pool rule compares the app's reservations with. Default 1,000, the
        default quota (``limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY``); raise it to your
        account's quota.
    """

    account_concurrency: int = limits.LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY

    def __post_init__(self) -> None:
        if self.account_concurrency < 1:
            raise ValueError(
                f"account_concurrency {self.account_concurrency} is not a concurrency quota; it must be "
                "1 or more (the default quota is 1,000 executions per Region)"
            )


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: a resource and why it breaks (or escapes) the rule."""

    resource: Resource
    message: str
    location: str = "Properties"
    source: str = ""
    fix: str = ""
    applicable: bool = True

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

    def finding(self, model: TemplateModel, hit: Hit) -> Finding:
        return Finding(
            rule_id=self.id,
            level=self.level,
            status="non-compliant" if hit.applicable else "not-applicable",
            template=model.name,
            resource=hit.resource.logical_id,
            resource_type=hit.resource.type,
            path=hit.resource.path,
            location=hit.location,
            message=hit.message,
            fix=hit.fix or self.fix,
            source=hit.source,
        )


def rule(
    id: str, level: Level, summary: str, *, explanation: str, fix: str
) -> Callable[[TemplateCheck], Rule]:
    """Decorator: turn a template check function into a :class:`Rule`."""

    def wrap(fn: TemplateCheck) -> Rule:
        return Rule(id, level, summary, " ".join(explanation.split()), fix, check=fn)

    return wrap


def app_rule(
    id: str, level: Level, summary: str, *, explanation: str, fix: str
) -> Callable[[AppCheck], Rule]:
    """Decorator: turn an app-wide check function into a :class:`Rule`."""

    def wrap(fn: AppCheck) -> Rule:
        return Rule(id, level, summary, " ".join(explanation.split()), fix, app_check=fn)

    return wrap
