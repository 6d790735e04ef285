"""Where a fix goes: the place in the template as its author wrote it.

The checks read the translated template (a SAM function becomes a function, a role, an
event source mapping, a rule...); a fix must edit what the author wrote. :func:`locate`
maps a resource of the model to its :class:`Site`: the resource itself in a CloudFormation
template (or a plain resource of a SAM template), the ``AWS::Serverless::Function`` it came
from, or the entry of that function's ``Events`` that made it. The fixes then write SAM's
own properties there (``Events.<name>.Properties.DestinationConfig``, ``DeadLetterQueue``,
``EventInvokeConfig``), so SAM stays SAM and the translator keeps generating the rest
(with the permissions SAM adds for a destination whose ``Type`` is given).

Pure: the model and the parsed source in, places out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from constructs_lib.fix.edits import Path, is_intrinsic
from constructs_lib.template.model import SERVERLESS_FUNCTION, Resource, TemplateModel

SiteKind = Literal["resource", "sam-function", "sam-event"]


class NotEditable(ValueError):
    """A resource of the model that has no place in the source a fix could edit."""


@dataclass(frozen=True)
class Site:
    """A resource's place in the source.

    ``kind`` is ``"resource"`` (edit ``Resources/<id>/Properties`` as CloudFormation
    properties), ``"sam-function"`` (the ``AWS::Serverless::Function`` itself) or
    ``"sam-event"`` (the function's ``Events/<event>/Properties``, whose names follow the
    event type). ``owner`` is the logical id written in the source; ``name`` the id a new
    resource's id is derived from (the generated resource's own id for an event)."""

    kind: SiteKind
    owner: str
    base: Path
    name: str
    event: str | None = None
    event_type: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)

    def path(self, *keys: str | int) -> Path:
        return (*self.base, *keys)

    def get(self, key: str) -> Any:
        return self.properties.get(key)


@dataclass
class Source:
    """The template as its author wrote it (parsed: long-form intrinsics), and the ids a
    fix must not reuse."""

    template: Mapping[str, Any]
    taken: set[str] = field(default_factory=set)
    _allocated: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def resources(self) -> Mapping[str, Any]:
        res = self.template.get("Resources")
        return res if isinstance(res, Mapping) else {}

    def body(self, logical_id: str) -> Mapping[str, Any]:
        body = self.resources.get(logical_id)
        return body if isinstance(body, Mapping) else {}

    def new_id(self, owner: str, suffix: str) -> str:
        """A logical id for a new resource: ``owner + suffix``, or with a number appended
        when that is taken (by the source, by what SAM generates, by an earlier fix). The
        same owner and suffix give the same id, so two findings share one new resource."""
        key = (owner, suffix)
        if key in self._allocated:
            return self._allocated[key]
        stem = "".join(ch for ch in owner + suffix if ch.isalnum()) or "Fix"
        candidate, n = stem, 1
        while candidate in self.taken or candidate in self.resources:
            n += 1
            candidate = f"{stem}{n}"
        self.taken.add(candidate)
        self._allocated[key] = candidate
        return candidate


def locate(model: TemplateModel, source: Source, logical_id: str) -> Site:
    """The place in ``source`` of the model's resource ``logical_id``; NotEditable when the
    resource comes from somewhere a fix cannot edit (a SAM-generated resource other than a
    function and its events, a macro)."""
    resource = model.resources.get(logical_id)
    body = source.body(logical_id)
    author = model.authors.get(logical_id)
    if author is None or author == logical_id and body.get("Type") != SERVERLESS_FUNCTION:
        if resource is not None and body.get("Type") == resource.type:
            return Site("resource", logical_id, ("Resources", logical_id, "Properties"), logical_id,
                        properties=_props(body))
        raise NotEditable(f"{logical_id} is not written in the template as it is checked (a transform or macro "
                          "makes it)")
    owner = source.body(author)
    if owner.get("Type") != SERVERLESS_FUNCTION:
        raise NotEditable(f"{logical_id} is generated from {owner.get('Type')} {author}; the fix cannot edit that")
    props = _props(owner)
    if author == logical_id:
        return Site("sam-function", author, ("Resources", author, "Properties"), author, properties=props)
    events = props.get("Events")
    names = [e for e in (events if isinstance(events, Mapping) else {}) if isinstance(e, str)]
    event = max((e for e in names if logical_id == author + e), key=len, default=None)
    if event is None:
        generated_by = max((e for e in names if logical_id.startswith(author + e)), key=len, default=None)
        what = f"event {generated_by}" if generated_by else "the function"
        raise NotEditable(f"{logical_id} is generated by SAM from {author} ({what}); the fix cannot edit it there")
    entry = events[event] if isinstance(events, Mapping) else {}
    event_props = entry.get("Properties") if isinstance(entry, Mapping) else None
    return Site(
        "sam-event", author, ("Resources", author, "Properties", "Events", event, "Properties"), logical_id,
        event=event, event_type=str(entry.get("Type")) if isinstance(entry, Mapping) else None,
        properties=event_props if isinstance(event_props, Mapping) else {},
    )


def _props(body: Mapping[str, Any]) -> Mapping[str, Any]:
    props = body.get("Properties")
    if is_intrinsic(props):
        raise NotEditable("its Properties are computed by an intrinsic function")
    return props if isinstance(props, Mapping) else {}


def condition_of(source: Source, site: Site) -> str | None:
    """The ``Condition`` of the resource the author wrote: a new resource that belongs to
    it is created under the same condition."""
    condition = source.body(site.owner).get("Condition")
    return condition if isinstance(condition, str) else None


def role_in_template(model: TemplateModel, source: Source, value: Any) -> str | None:
    """The logical id of the IAM role ``value`` refers to, when the source declares it."""
    role: Resource | None = model.ref(value)
    if role is None or role.type != "AWS::IAM::Role" or source.body(role.logical_id).get("Type") != role.type:
        return None
    return role.logical_id
