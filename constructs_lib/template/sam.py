"""Raw SAM templates in, CloudFormation out: AWS's own translator (``aws-sam-translator``),
run offline.

What ``sam package`` and the deploy-time transform would do is reproduced without AWS:
local artifact paths (``CodeUri``, ``ImageUri``, ``ContentUri``, ``DefinitionUri``,
``Location``) become placeholder S3 locations, Serverless Application Repository
locations become placeholder template URLs (no SAR call), managed policy names resolve
from the translator's bundled list (no IAM call), and the Region comes from ``region``.

Every resource the translator generates keeps the metadata of the SAM resource it came
from (the translator's ``passthrough_metadata``); a marker in it names that resource, so
findings name the ``AWS::Serverless::Function`` (and the event) the author wrote next to
the generated logical id. Acknowledgments in a SAM resource's metadata therefore apply to
what it generates.

Source: https://github.com/aws/serverless-application-model (the translator), and
https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-package.html
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from constructs_lib.template import language_extensions

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
LANGUAGE_EXTENSIONS = language_extensions.TRANSFORM
INSTALL_HINT = "pip install 'constructs-lib[sam]'"
#: The marker the translator copies onto every resource generated from a SAM resource.
ORIGIN_KEY = "constructs-lib:sam"
PLACEHOLDER_BUCKET = "constructs-lib-sam-placeholder"
PLACEHOLDER_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/constructs-lib-sam-placeholder:latest"
DEFAULT_REGION = "us-east-1"


class SamError(ValueError):
    """A SAM template the translator cannot translate (or cannot run: not installed)."""


@dataclass
class Translation:
    template: dict[str, Any]
    #: generated logical id -> "AWS::Serverless::Function Fn, event Queue (SQS)"
    origins: dict[str, str] = field(default_factory=dict)
    #: generated logical id -> the SAM logical id it came from
    authors: dict[str, str] = field(default_factory=dict)
    #: generated logical id -> the event of the SAM function it came from (``FromQueue``)
    events: dict[str, str] = field(default_factory=dict)
    #: SAM function id -> {Api/HttpApi event name: (path, lower-case method)}
    api_events: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    #: what the translation could not take into account (a Fn::ForEach it could not expand ...)
    problems: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def transforms(template: Mapping[str, Any]) -> list[str]:
    value = template.get("Transform")
    items = value if isinstance(value, list) else [value]
    return [t for t in items if isinstance(t, str)]


def is_sam(template: Mapping[str, Any]) -> bool:
    """A template that declares the SAM transform."""
    return SAM_TRANSFORM in transforms(template)


def translate(template: Mapping[str, Any], *, region: str = DEFAULT_REGION) -> Translation:
    """The CloudFormation template the SAM transform makes of ``template`` (offline)."""
    start = time.perf_counter()
    try:
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin
        from samtranslator.translator.arn_generator import ArnGenerator
        from samtranslator.translator.translator import Translator
    except ImportError as exc:
        raise SamError(f"a SAM template needs AWS's translator ({exc.name} is missing): {INSTALL_HINT}") from exc

    import logging

    logging.getLogger("samtranslator").setLevel(logging.CRITICAL)
    expansion = language_extensions.expand_template(template)  # the loader has already done this
    sam = copy.deepcopy(expansion.template)
    problems = expansion.problems
    resources = sam.get("Resources")
    if not isinstance(resources, dict):
        raise SamError("the template has no Resources mapping")
    parameters = _placeholders(sam)
    for lid, body in resources.items():
        if isinstance(body, dict) and isinstance(body.get("Type"), str) and body["Type"].startswith("AWS::Serverless::"):
            body["Metadata"] = {**_dict(body.get("Metadata")), ORIGIN_KEY: {"resource": lid, "type": body["Type"]}}
    api_events = _api_events(resources)
    previous = ArnGenerator.BOTO_SESSION_REGION_NAME
    ArnGenerator.BOTO_SESSION_REGION_NAME = region
    try:
        translator = Translator(
            None,
            Parser(),
            plugins=[ServerlessAppPlugin(sar_client=_NoServerlessRepo())],
            boto_session=_Region(region),  # only its region_name is read
        )
        output = translator.translate(sam, parameter_values=parameters, passthrough_metadata=True)
    except InvalidDocumentException as exc:
        causes = "; ".join(sorted({cause.message for cause in exc.causes})) or str(exc)
        raise SamError(f"the SAM translator rejects the template: {causes}") from exc
    except RecursionError as exc:
        raise SamError("the SAM template nests too deeply to translate") from exc
    except Exception as exc:  # noqa: BLE001 - the translator's own failure modes are many; none is ours
        raise SamError(f"the SAM translator failed: {type(exc).__name__}: {exc}") from exc
    finally:
        ArnGenerator.BOTO_SESSION_REGION_NAME = previous
    translation = Translation(output, api_events=api_events, problems=problems)
    _record_origins(translation, resources)
    translation.seconds = time.perf_counter() - start
    return translation


class _Region:
    """Stands in for a boto3 session: the translator reads only its Region."""

    def __init__(self, region: str) -> None:
        self.region_name = region


class _NoServerlessRepo:
    """Stands in for the Serverless Application Repository client: the checks never call AWS."""

    def __getattr__(self, name: str) -> Any:
        raise SamError("an AWS::Serverless::Application from the Serverless Application Repository cannot be "
                       "translated offline")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _s3(name: str) -> str:
    return f"s3://{PLACEHOLDER_BUCKET}/{name}"


def _local(value: Any) -> bool:
    """A local artifact path (what ``sam package`` uploads), not an S3 location or intrinsic."""
    return isinstance(value, str) and not value.startswith(("s3://", "https://", "http://"))


def _placeholders(sam: dict[str, Any]) -> dict[str, Any]:
    """Replace local artifact paths by placeholder S3 locations, as ``sam package`` would;
    return the parameter values the translator needs (AutoPublishAlias parameters)."""
    parameters: dict[str, Any] = {}
    declared = _dict(sam.get("Parameters"))
    global_fn = _dict(_dict(sam.get("Globals")).get("Function"))
    for key in ("CodeUri", "ImageUri"):
        if _local(global_fn.get(key)):
            global_fn[key] = PLACEHOLDER_IMAGE if key == "ImageUri" else _s3("code.zip")
    alias_refs = [global_fn.get("AutoPublishAlias")]
    for lid, body in (sam.get("Resources") or {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("Properties", {}), dict):
            continue
        props = body.setdefault("Properties", {})
        kind = body.get("Type")
        if kind == "AWS::Serverless::Function":
            if props.get("PackageType", global_fn.get("PackageType")) == "Image":
                if props.get("ImageUri") is None and global_fn.get("ImageUri") is None or _local(props.get("ImageUri")) and ".dkr." not in str(props.get("ImageUri")):
                    props["ImageUri"] = PLACEHOLDER_IMAGE
            elif props.get("InlineCode") is None:
                code = props.get("CodeUri")
                if _local(code) or (code is None and global_fn.get("CodeUri") is None) or isinstance(code, dict) and set(code) & {"Ref", "Fn::Sub"}:
                    props["CodeUri"] = _s3(f"{lid}.zip")
            if isinstance(props.get("AutoPublishCodeSha256"), dict):
                props["AutoPublishCodeSha256"] = "placeholder"
            alias_refs.append(props.get("AutoPublishAlias"))
        elif kind == "AWS::Serverless::LayerVersion" and _local(props.get("ContentUri")):
            props["ContentUri"] = _s3(f"{lid}.zip")
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::Serverless::StateMachine"):
            if _local(props.get("DefinitionUri")):
                props["DefinitionUri"] = _s3(f"{lid}.definition")
        elif kind == "AWS::Serverless::Application":
            location = props.get("Location")
            if _local(location) or isinstance(location, dict):
                props["Location"] = f"https://{PLACEHOLDER_BUCKET}.s3.amazonaws.com/{lid}.template"
    for ref in alias_refs:
        if isinstance(ref, dict) and isinstance(ref.get("Ref"), str) and ref["Ref"] in declared:
            if not isinstance(declared[ref["Ref"]], dict) or "Default" not in declared[ref["Ref"]]:
                parameters[ref["Ref"]] = "live"
    return parameters


def _api_events(resources: Mapping[str, Any]) -> dict[str, dict[str, tuple[str, str]]]:
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for lid, body in resources.items():
        if not isinstance(body, dict) or body.get("Type") != "AWS::Serverless::Function":
            continue
        events = (body.get("Properties") or {}).get("Events") if isinstance(body.get("Properties"), dict) else None
        for name, event in (events or {}).items() if isinstance(events, dict) else ():
            props = event.get("Properties") if isinstance(event, dict) else None
            if isinstance(event, dict) and event.get("Type") in ("Api", "HttpApi") and isinstance(props, dict):
                path, method = props.get("Path"), props.get("Method")
                if isinstance(path, str) and isinstance(method, str):
                    found.setdefault(lid, {})[name] = (path, method.lower())
    return found


def _record_origins(translation: Translation, sam_resources: Mapping[str, Any]) -> None:
    events_of: dict[str, dict[str, str]] = {}
    for lid, body in sam_resources.items():
        props = body.get("Properties") if isinstance(body, dict) else None
        events = props.get("Events") if isinstance(props, dict) else None
        if isinstance(events, dict):
            events_of[lid] = {
                name: str(e.get("Type")) for name, e in events.items() if isinstance(name, str) and isinstance(e, dict)
            }
    for lid, body in (translation.template.get("Resources") or {}).items():
        metadata = body.get("Metadata") if isinstance(body, dict) else None
        marker = metadata.get(ORIGIN_KEY) if isinstance(metadata, dict) else None
        if not isinstance(marker, dict):
            continue
        author, kind = str(marker.get("resource")), str(marker.get("type"))
        translation.authors[lid] = author
        origin = f"{kind} {author}"
        if lid != author:
            event = max((e for e in events_of.get(author, {}) if lid.startswith(author + e)), key=len, default=None)
            if event is not None:
                origin += f", event {event} ({events_of[author][event]})"
                translation.events[lid] = event
        translation.origins[lid] = origin
