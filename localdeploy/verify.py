"""Verify a deployed cloud assembly: the synthesized template is what each construct
promised; the endpoint's own APIs say what was deployed. Compare them property by
property and print one table.

Every resource of every stack gets a row: properties that a describer reads back are
compared (``ok`` / ``MISMATCH``); a resource with no describer is checked to exist
(``deployed``); what the local endpoint cannot show is listed as ``not verifiable
locally`` with the reason, never as verified and never as a failure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from localdeploy import describe
from localdeploy.endpoint import LOCAL_ENV

OK = "ok"
DEPLOYED = "deployed"
MISMATCH = "MISMATCH"
MISSING = "MISSING"
GAP = "not verifiable locally"
FAILED_STATUSES = (MISMATCH, MISSING)

#: Resource types that are CDK bookkeeping, not promises.
SKIPPED_TYPES = {"AWS::CDK::Metadata"}

#: What the local endpoint cannot deploy or read back, and why: (type, property) ->
#: reason, property "-" for a whole type. Only used for local deploys (a real account has
#: no gaps). The extensions in localdeploy.moto_ext close every gap moto 5.2.5 has for
#: the reference stacks; what they leave open is in moto_ext.GAPS and the README.
LOCAL_TYPE_GAPS: dict[str, str] = {}
LOCAL_PROPERTY_GAPS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Row:
    stack: str
    resource: str
    type: str
    prop: str
    expected: str
    actual: str
    status: str
    reason: str = ""


class _Clients:
    def __init__(self, endpoint_url: str | None, local: bool) -> None:
        self._session = boto3.session.Session(
            aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"] if local else None,
            aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"] if local else None,
            aws_session_token=LOCAL_ENV["AWS_SESSION_TOKEN"] if local else None,
            region_name=LOCAL_ENV["AWS_REGION"] if local else None,
        )
        self._endpoint_url = endpoint_url
        self._cache: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._cache:
            self._cache[service] = self._session.client(service, endpoint_url=self._endpoint_url)
        return self._cache[service]


class Resolver:
    """Resolves ``Ref`` and ``Fn::GetAtt [X, Arn]`` within one deployed stack."""

    def __init__(self, clients: _Clients, template: dict[str, Any], physical: dict[str, str]) -> None:
        self.clients = clients
        self.resources: dict[str, Any] = template.get("Resources", {})
        self.physical = physical

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"Ref"}:
                return self.physical.get(value["Ref"], value)
            if set(value) == {"Fn::GetAtt"}:
                return self._get_att(*value["Fn::GetAtt"])
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _get_att(self, logical_id: str, attribute: str) -> Any:
        physical = self.physical.get(logical_id)
        rtype = self.resources.get(logical_id, {}).get("Type")
        if physical is None:
            return {"Fn::GetAtt": [logical_id, attribute]}
        if rtype == "AWS::SQS::Queue" and attribute == "Arn":
            attrs = self.clients("sqs").get_queue_attributes(QueueUrl=physical, AttributeNames=["QueueArn"])
            return attrs["Attributes"]["QueueArn"]
        if rtype == "AWS::Lambda::Function" and attribute == "Arn":
            return self.clients("lambda").get_function_configuration(FunctionName=physical)["FunctionArn"]
        if rtype == "AWS::DynamoDB::Table" and attribute == "StreamArn":
            return self.clients("dynamodb").describe_table(TableName=physical)["Table"].get("LatestStreamArn")
        if rtype == "AWS::DynamoDB::Table" and attribute == "Arn":
            return self.clients("dynamodb").describe_table(TableName=physical)["Table"]["TableArn"]
        if rtype == "AWS::Kinesis::Stream" and attribute == "Arn":
            summary = self.clients("kinesis").describe_stream_summary(StreamName=physical)
            return summary["StreamDescriptionSummary"]["StreamARN"]
        if rtype == "AWS::Kinesis::StreamConsumer" and attribute == "ConsumerARN":
            return physical
        if rtype == "AWS::SNS::Topic" and attribute == "TopicArn":
            return physical
        return {"Fn::GetAtt": [logical_id, attribute]}


def normalise(value: Any) -> Any:
    """Make template and API values comparable: "30" == 30, "true" == True, JSON strings."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        if value.lstrip("-").isdigit():
            return int(value)
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        if value[:1] in "{[":
            try:
                return normalise(json.loads(value))
            except json.JSONDecodeError:
                return value
    return value


def matches(expected: Any, actual: Any) -> bool:
    """``expected`` is contained in ``actual`` (dicts by key subset, lists elementwise)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)


def _short(value: Any, width: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= width else text[: width - 3] + "..."


def _unresolved(value: Any) -> bool:
    if isinstance(value, dict):
        if set(value) & {"Ref", "Fn::GetAtt", "Fn::Join", "Fn::Sub", "Fn::ImportValue", "Fn::Select"}:
            return True
        return any(_unresolved(v) for v in value.values())
    if isinstance(value, list):
        return any(_unresolved(v) for v in value)
    return False


def verify_resource(
    stack: str, logical_id: str, resource: dict[str, Any], physical_id: str | None,
    resolver: Resolver, clients: _Clients, *, local: bool,
) -> Iterable[Row]:
    rtype = resource["Type"]
    if physical_id is None:
        if local and rtype in LOCAL_TYPE_GAPS:
            yield Row(stack, logical_id, rtype, "-", "deployed", "not created", GAP, LOCAL_TYPE_GAPS[rtype])
        else:
            yield Row(stack, logical_id, rtype, "-", "deployed", "not created", MISSING)
        return
    describer = describe.DESCRIBERS.get(rtype)
    if describer is None:
        yield Row(stack, logical_id, rtype, "-", "deployed", physical_id, DEPLOYED)
        return
    actual_props = describer(clients, physical_id)
    props = resource.get("Properties", {})
    compared = False
    for prop in describe.PROMISES[rtype]:
        if prop not in props:
            continue
        expected = resolver.resolve(props[prop])
        actual = actual_props.get(prop)
        compared = True
        if _unresolved(expected):
            yield Row(stack, logical_id, rtype, prop, _short(expected), _short(actual), GAP,
                      "references a value that cannot be resolved here")
            continue
        ok = matches(normalise(expected), normalise(actual))
        gap = LOCAL_PROPERTY_GAPS.get((rtype, prop)) if local else None
        status = OK if ok else (GAP if gap else MISMATCH)
        yield Row(stack, logical_id, rtype, prop, _short(expected), _short(actual), status, "" if ok else (gap or ""))
    if not compared:
        yield Row(stack, logical_id, rtype, "-", "deployed", physical_id, DEPLOYED)


def _stacks(outdir: Path) -> list[tuple[str, dict[str, Any]]]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    found = []
    for artifact in manifest.get("artifacts", {}).values():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        props = artifact["properties"]
        template = json.loads((outdir / props["templateFile"]).read_text())
        found.append((props.get("stackName") or props["templateFile"].split(".")[0], template))
    return sorted(found)


def verify_assembly(outdir: Path, *, endpoint_url: str | None, local: bool) -> list[Row]:
    clients = _Clients(endpoint_url, local)
    rows: list[Row] = []
    for stack, template in _stacks(outdir):
        summaries = clients("cloudformation").get_paginator("list_stack_resources").paginate(StackName=stack)
        physical = {
            s["LogicalResourceId"]: s["PhysicalResourceId"]
            for page in summaries
            for s in page["StackResourceSummaries"]
            if s.get("PhysicalResourceId") and not s.get("ResourceStatus", "").endswith("FAILED")
        }
        resolver = Resolver(clients, template, physical)
        for logical_id, resource in sorted(template.get("Resources", {}).items()):
            if resource["Type"] in SKIPPED_TYPES:
                continue
            rows.extend(
                verify_resource(stack, logical_id, resource, physical.get(logical_id), resolver, clients, local=local)
            )
    return rows


def print_report(rows: list[Row], out: Any = sys.stdout) -> bool:
    """Print the verification table and the gaps with their reasons; True when nothing failed."""
    headers = ("stack", "resource", "type", "property", "expected", "actual", "status")
    table = [headers] + [(r.stack, r.resource, r.type, r.prop, r.expected, r.actual, r.status) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(), file=out)
        if i == 0:
            print("  ".join("-" * w for w in widths), file=out)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    print("\n" + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())), file=out)
    reasons = sorted({(r.type, r.prop, r.reason) for r in rows if r.status == GAP})
    if reasons:
        print("\nnot verifiable locally:", file=out)
        for rtype, prop, reason in reasons:
            print(f"  - {rtype}{'' if prop == '-' else '.' + prop}: {reason}", file=out)
    failed = [r for r in rows if r.status in FAILED_STATUSES]
    for r in failed:
        print(f"FAILED {r.stack}/{r.resource} {r.prop}: expected {r.expected}, got {r.actual}", file=out)
    return not failed
