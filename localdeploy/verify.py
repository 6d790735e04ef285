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
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from localdeploy import describe, moto_ext
from localdeploy.endpoint import LOCAL_ENV

#: Read back and equal to the template's value (after ``normalise``): both print the same.
OK = "ok"
#: Read back; every key and value of the template's value is there, and the service added
#: keys of its own (its defaults), which the row lists.
OK_SUBSET = "ok-subset"
DEPLOYED = "deployed"
MISMATCH = "MISMATCH"
MISSING = "MISSING"
GAP = "not verifiable locally"
FAILED_STATUSES = (MISMATCH, MISSING)
#: The ``stack`` of rows about the local endpoint itself rather than a resource (moto_ext.GAPS).
ENDPOINT = "(local endpoint)"

#: Resource types that are CDK bookkeeping, not promises.
SKIPPED_TYPES = {"AWS::CDK::Metadata"}

#: What the local endpoint cannot deploy or read back, and why: (type, property) ->
#: reason, property "-" for a whole type. Only used for local deploys (a real account has
#: no gaps). The extensions in localdeploy.moto_ext close every gap moto 5.2.5 has for
#: the reference stacks; what they leave open is in moto_ext.GAPS and docs/local-deploy.md.
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


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class Resolver:
    """Resolves ``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ``Fn::Sub``, ``Fn::Select`` and pseudo
    parameters within one deployed stack, reading attributes through the service APIs.

    What cannot be resolved is left as the intrinsic (the verifier reports it as a gap with the
    reason), never dropped.
    """

    def __init__(
        self, clients: _Clients, template: dict[str, Any], physical: dict[str, str], stack_name: str = ""
    ) -> None:
        self.clients = clients
        self.resources: dict[str, Any] = template.get("Resources", {})
        self.physical = physical
        self.stack_name = stack_name
        self._atts: dict[tuple[str, str], Any] = {}
        self._pseudo: dict[str, Any] = {}

    # -- pseudo parameters ------------------------------------------------------------------
    def pseudo(self, name: str) -> Any:
        if name not in self._pseudo:
            region = self.clients("sts").meta.region_name
            if name == "AWS::Region":
                self._pseudo[name] = region
            elif name == "AWS::Partition":
                self._pseudo[name] = _partition(region)
            elif name == "AWS::URLSuffix":
                self._pseudo[name] = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
            elif name == "AWS::AccountId":
                self._pseudo[name] = self.clients("sts").get_caller_identity()["Account"]
            elif name == "AWS::StackName" and self.stack_name:
                self._pseudo[name] = self.stack_name
            elif name == "AWS::StackId" and self.stack_name:
                stacks = self.clients("cloudformation").describe_stacks(StackName=self.stack_name)["Stacks"]
                self._pseudo[name] = stacks[0]["StackId"]
            elif name == "AWS::NoValue":
                self._pseudo[name] = None
            else:
                return {"Ref": name}
        return self._pseudo[name]

    # -- intrinsics -------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"Ref"}:
                ref = value["Ref"]
                if ref.startswith("AWS::"):
                    return self.pseudo(ref)
                return self.physical.get(ref, value)
            if set(value) == {"Fn::GetAtt"}:
                att = value["Fn::GetAtt"]
                logical, attribute = att.split(".", 1) if isinstance(att, str) else att
                return self._get_att(logical, attribute)
            if set(value) == {"Fn::Join"}:
                return self._join(value)
            if set(value) == {"Fn::Sub"}:
                return self._sub(value)
            if set(value) == {"Fn::Select"}:
                index, items = (self.resolve(v) for v in value["Fn::Select"])
                if isinstance(index, int | str) and str(index).isdigit() and isinstance(items, list):
                    return items[int(index)]
                return value
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _join(self, value: dict[str, Any]) -> Any:
        separator, parts = value["Fn::Join"]
        resolved = self.resolve(parts)
        if isinstance(resolved, list) and all(isinstance(p, str | int) for p in resolved):
            return separator.join(str(p) for p in resolved)
        return {"Fn::Join": [separator, resolved]}

    def _sub(self, value: dict[str, Any]) -> Any:
        import re

        body = value["Fn::Sub"]
        text, variables = (body, {}) if isinstance(body, str) else (body[0], body[1])
        unresolved = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unresolved
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                found = self.resolve(variables[name])
            elif "." in name:
                found = self.resolve({"Fn::GetAtt": name.split(".", 1)})
            else:
                found = self.resolve({"Ref": name})
            if not isinstance(found, str | int):
                unresolved = True
                return match.group(0)
            return str(found)

        result = re.sub(r"\$\{([^}]+)\}", replace, text)
        return value if unresolved else result

    # -- Fn::GetAtt -------------------------------------------------------------------------
    def _get_att(self, logical_id: str, attribute: str) -> Any:
        key = (logical_id, attribute)
        if key not in self._atts:
            physical = self.physical.get(logical_id)
            resource = self.resources.get(logical_id, {})
            reader = _GET_ATT.get((resource.get("Type", ""), attribute))
            found = None
            if physical is not None and reader is not None:
                found = reader(self, physical, resource.get("Properties", {}))
            self._atts[key] = {"Fn::GetAtt": [logical_id, attribute]} if found is None else found
        return self._atts[key]


def _rule_arn(r: Resolver, physical: str, props: dict[str, Any]) -> Any:
    name, bus = describe.rule_name_and_bus(physical, r.resolve(props))
    return r.clients("events").describe_rule(Name=name, EventBusName=bus)["Arn"]


def _log_group_arn(r: Resolver, physical: str, props: dict[str, Any]) -> Any:
    groups = r.clients("logs").describe_log_groups(logGroupNamePrefix=physical)["logGroups"]
    arn = next((g["arn"] for g in groups if g["logGroupName"] == physical), None)
    # CloudFormation's GetAtt Arn of a log group ends in ":*", as DescribeLogGroups' arn.
    return arn if arn is None or arn.endswith(":*") else arn + ":*"


AttReader = Callable[[Resolver, str, dict[str, Any]], Any]
#: (type, attribute) -> how to read it given the physical id and the template properties.
_GET_ATT: dict[tuple[str, str], AttReader] = {
    ("AWS::SQS::Queue", "Arn"): lambda r, p, _: r.clients("sqs").get_queue_attributes(
        QueueUrl=p, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"],
    ("AWS::SQS::Queue", "QueueName"): lambda r, p, _: p.rstrip("/").split("/")[-1],
    ("AWS::SQS::Queue", "QueueUrl"): lambda r, p, _: p,
    ("AWS::Lambda::Function", "Arn"): lambda r, p, _: r.clients("lambda").get_function_configuration(
        FunctionName=p)["FunctionArn"],
    ("AWS::Lambda::Version", "Version"): lambda r, p, _: p.split(":")[-1],
    ("AWS::Lambda::Alias", "AliasArn"): lambda r, p, _: p,
    ("AWS::Lambda::LayerVersion", "LayerVersionArn"): lambda r, p, _: p,
    ("AWS::DynamoDB::Table", "StreamArn"): lambda r, p, _: r.clients("dynamodb").describe_table(
        TableName=p)["Table"].get("LatestStreamArn"),
    ("AWS::DynamoDB::Table", "Arn"): lambda r, p, _: r.clients("dynamodb").describe_table(
        TableName=p)["Table"]["TableArn"],
    ("AWS::Kinesis::Stream", "Arn"): lambda r, p, _: r.clients("kinesis").describe_stream_summary(
        StreamName=p)["StreamDescriptionSummary"]["StreamARN"],
    ("AWS::Kinesis::StreamConsumer", "ConsumerARN"): lambda r, p, _: p,
    ("AWS::SNS::Topic", "TopicArn"): lambda r, p, _: p,
    ("AWS::SNS::Topic", "TopicName"): lambda r, p, _: p.split(":")[-1],
    ("AWS::IAM::Role", "Arn"): lambda r, p, _: r.clients("iam").get_role(RoleName=p)["Role"]["Arn"],
    ("AWS::Logs::LogGroup", "Arn"): _log_group_arn,
    ("AWS::Events::EventBus", "Arn"): lambda r, p, _: r.clients("events").describe_event_bus(Name=p)["Arn"],
    ("AWS::Events::EventBus", "Name"): lambda r, p, _: p,
    ("AWS::Events::Rule", "Arn"): _rule_arn,
    ("AWS::ApiGateway::RestApi", "RootResourceId"): lambda r, p, _: r.clients("apigateway").get_rest_api(
        restApiId=p)["rootResourceId"],
    ("AWS::ApiGatewayV2::Api", "ApiId"): lambda r, p, _: p,
    ("AWS::ApiGatewayV2::Api", "ApiEndpoint"): lambda r, p, _: r.clients("apigatewayv2").get_api(
        ApiId=p)["ApiEndpoint"],
    ("AWS::CloudWatch::Alarm", "Arn"): lambda r, p, _: r.clients("cloudwatch").describe_alarms(
        AlarmNames=[p])["MetricAlarms"][0]["AlarmArn"],
    ("AWS::Lambda::Url", "FunctionArn"): lambda r, p, _: p,
    ("AWS::Lambda::Url", "FunctionUrl"): lambda r, p, props: r.clients("lambda").get_function_url_config(
        **describe.function_url_target(p))["FunctionUrl"],
    ("AWS::Scheduler::Schedule", "Arn"): lambda r, p, props: r.clients("scheduler").get_schedule(
        Name=p, GroupName=props.get("GroupName", "default"))["Arn"],
}


def normalise(value: Any) -> Any:
    """Make template and API values comparable and print the same: "30" and 30.0 are 30,
    "true" is True, a JSON string is its object."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
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


def added_keys(expected: Any, actual: Any, path: str = "") -> list[str]:
    """The keys ``actual`` has beyond ``expected`` (for a ``matches`` that is not equality)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{path}.{k}".lstrip(".") for k in sorted(set(actual) - set(expected))]
        for key in sorted(set(expected) & set(actual)):
            found += added_keys(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        return [k for i, (e, a) in enumerate(zip(expected, actual, strict=False)) for k in added_keys(e, a, f"{path}[{i}]")]
    return []


def compare(expected: Any, actual: Any) -> tuple[str, str]:
    """(status, note): ``ok`` when equal after ``normalise``, ``ok-subset`` (noting the keys
    the service added) when ``actual`` contains ``expected``, else ``MISMATCH``."""
    expected, actual = normalise(expected), normalise(actual)
    if expected == actual:
        return OK, ""
    if matches(expected, actual):
        return OK_SUBSET, "the service added " + ", ".join(added_keys(expected, actual))
    return MISMATCH, ""


def show(value: Any) -> str:
    """A value as the table prints it: normalised, JSON with sorted keys, never cut."""
    value = normalise(value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


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
    props = resource.get("Properties", {})
    resolved = resolver.resolve(props)
    try:
        actual_props = describer(clients, physical_id, resolved)
    except Exception as error:  # noqa: BLE001 - a resource that cannot be read back fails its row
        yield Row(stack, logical_id, rtype, "-", "read back", f"{type(error).__name__}: {error}", MISSING)
        return
    expected_props = describe.EXPECTED.get(rtype, lambda p: p)(resolved)
    compared = False
    for prop in describe.PROMISES[rtype]:
        if prop not in props:
            continue
        expected = expected_props.get(prop)
        actual = actual_props.get(prop)
        compared = True
        if _unresolved(expected):
            yield Row(stack, logical_id, rtype, prop, show(expected), show(actual), GAP,
                      "references a value that cannot be resolved here")
            continue
        status, note = compare(expected, actual)
        gap = LOCAL_PROPERTY_GAPS.get((rtype, prop)) if local and status == MISMATCH else None
        yield Row(stack, logical_id, rtype, prop, show(expected), show(actual), GAP if gap else status, gap or note)
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
        resolver = Resolver(clients, template, physical, stack)
        for logical_id, resource in sorted(template.get("Resources", {}).items()):
            if resource["Type"] in SKIPPED_TYPES:
                continue
            rows.extend(
                verify_resource(stack, logical_id, resource, physical.get(logical_id), resolver, clients, local=local)
            )
    if local:
        rows.extend(Row(ENDPOINT, name, "-", "-", "-", "-", GAP, reason) for name, reason in moto_ext.GAPS.items())
    return rows


#: The invocation-model promises: what the short table on the terminal shows (the full
#: table, every compared property of every resource, goes to a file).
KEY_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::Lambda::Function": (
        "Timeout", "ReservedConcurrentExecutions", "Architectures", "TracingConfig", "RecursiveLoop", "SnapStart",
    ),
    "AWS::SQS::Queue": ("VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy"),
    "AWS::Lambda::EventSourceMapping": (
        "BatchSize", "MaximumBatchingWindowInSeconds", "ScalingConfig", "FunctionResponseTypes",
        "FilterCriteria", "StartingPosition", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds",
        "BisectBatchOnFunctionError", "ParallelizationFactor", "DestinationConfig", "MetricsConfig",
        "ProvisionedPollerConfig",
    ),
    "AWS::Lambda::EventInvokeConfig": ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig"),
    "AWS::Events::Rule": ("Targets",),
    "AWS::ApiGateway::Method": ("Integration",),
    "AWS::ApiGateway::Stage": ("MethodSettings",),
    "AWS::ApiGatewayV2::Integration": ("TimeoutInMillis",),
    "AWS::ApiGatewayV2::Stage": ("DefaultRouteSettings",),
    "AWS::Lambda::Url": ("AuthType", "InvokeMode", "Qualifier"),
    "AWS::Scheduler::Schedule": ("ScheduleExpression", "Target"),
    # The dashboards: each construct's failure paths and a graph per alarm, threshold drawn.
    "AWS::CloudWatch::Dashboard": ("DashboardBody",),
}


def key_rows(rows: list[Row]) -> list[Row]:
    """The rows of the invocation-model promises (and every row that did not pass)."""
    return [r for r in rows if r.prop in KEY_PROPERTIES.get(r.type, ()) or r.status in FAILED_STATUSES]


PASSED_STATUSES = (OK, OK_SUBSET)

LEGEND = f"""\
Every resource of every deployed stack, one row per compared property.
  {OK}: read back and equal to the template's value (both normalised: "30" is 30, a JSON string its object)
  {OK_SUBSET}: read back; every key and value of the template's value is there, plus keys the service added (listed)
  {DEPLOYED}: exists; a type with no promise worth comparing
  {MISMATCH}, {MISSING}: a failure (make deploy exits 1)
  {GAP}: the local endpoint cannot show it; the reason is given
Columns: stack, resource, type, property, status, then the value (ok), or expected | deployed, and a note."""


def _detail(r: Row) -> str:
    if r.status == OK:
        return r.expected
    if r.status == DEPLOYED:
        return r.actual
    text = f"expected {r.expected} | deployed {r.actual}"
    return f"{text} | {r.reason}" if r.reason else text


def _table(rows: list[Row], out: Any) -> None:
    """Fixed columns, then the value(s) at the end of the line, never cut."""
    headers = ("stack", "resource", "type", "property", "status", "value")
    table = [headers] + [(r.stack, r.resource, r.type, r.prop, r.status, _detail(r)) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers) - 1)]
    for i, row in enumerate(table):
        print("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]).rstrip(), file=out)
        if i == 0:
            print("  ".join([*("-" * w for w in widths), "-----"]), file=out)


def write_full_table(rows: list[Row], path: Path) -> None:
    """Every row, untruncated, with a legend (``cdk.out.local/verification.txt``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        print(LEGEND + "\n", file=handle)
        _table([r for r in rows if r.stack != ENDPOINT], handle)
        gaps = [r for r in rows if r.stack == ENDPOINT]
        if gaps:
            print(f"\n{GAP} on this endpoint at all:", file=handle)
            for r in gaps:
                print(f"  - {r.resource}: {r.reason}", file=handle)


def summary(rows: list[Row]) -> list[tuple[str, int, int, int, int, int, int]]:
    """Per stack: resources, promises checked (the invocation-model properties), exact
    matches and subset matches among them, failures (anywhere), not verifiable."""
    by_stack: dict[str, list[Row]] = {}
    for r in rows:
        if r.stack != ENDPOINT:
            by_stack.setdefault(r.stack, []).append(r)
    result = []
    for stack, stack_rows in sorted(by_stack.items()):
        promises = [r for r in stack_rows if r.prop in KEY_PROPERTIES.get(r.type, ())]
        result.append((
            stack,
            len({r.resource for r in stack_rows}),
            len(promises),
            sum(r.status == OK for r in promises),
            sum(r.status == OK_SUBSET for r in promises),
            sum(r.status in FAILED_STATUSES for r in stack_rows),
            sum(r.status == GAP for r in stack_rows),
        ))
    return result


def _summary_table(rows: list[Row], out: Any) -> None:
    headers = ("stack", "resources", "promises", "exact", "subset", "failed", "not verifiable")
    lines = [headers] + [tuple(str(c) for c in line) for line in summary(rows)]
    width = max(len(line[0]) for line in lines)
    for i, line in enumerate(lines):
        print("  " + line[0].ljust(width) + "".join(c.rjust(len(h) + 2) for c, h in zip(line[1:], headers[1:], strict=True)),
              file=out)
        if i == 0:
            print("  " + "-" * (width + sum(len(h) + 2 for h in headers[1:])), file=out)


def _fit(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def print_report(
    rows: list[Row], out: Any = sys.stdout, *, full_table: Path | None = None, shown_as: str | None = None
) -> bool:
    """Print the verification and the gaps with their reasons; True when nothing failed.

    Without ``full_table`` the whole table goes to ``out``. With it, the whole table goes
    to that file and ``out`` gets a per-stack summary that fits 100 columns. Rows of the
    local endpoint itself (``moto_ext.GAPS``: what it cannot show at all, such as Lambda
    invocation) are not resources: they are listed with the gaps only.
    """
    endpoint_gaps = [r for r in rows if r.stack == ENDPOINT]
    resource_rows = [r for r in rows if r.stack != ENDPOINT]
    if full_table is None:
        _table(resource_rows, out)
    else:
        write_full_table(rows, full_table)
        print("Invocation-model promises (timeouts, concurrency, batching, retries, destinations...) read back:", file=out)
        _summary_table(rows, out)
        print("  exact: equal to the template; subset: the service added keys of its own (listed in the file)", file=out)
        print(f"  every compared property ({len(resource_rows)}): {shown_as or full_table}", file=out)
    counts: dict[str, int] = {}
    for r in resource_rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    print("\n" + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())), file=out)
    reasons = sorted({(r.type, r.prop, r.reason) for r in resource_rows if r.status == GAP})
    if reasons or endpoint_gaps:
        print(f"\n{GAP}:", file=out)
        items = [f"{rtype}{'' if prop == '-' else '.' + prop}: {reason}" for rtype, prop, reason in reasons]
        items += [f"{r.resource}: {r.reason}" for r in endpoint_gaps]
        for item in items:
            print(textwrap.fill(item, width=100, initial_indent="  - ", subsequent_indent="    ",
                                break_on_hyphens=False), file=out)
    failed = [r for r in resource_rows if r.status in FAILED_STATUSES]
    for r in failed:
        line = f"FAILED {r.stack}/{r.resource} {r.prop}: expected {r.expected}, got {r.actual}"
        print(line if full_table is None else _fit(line), file=out)
    return not failed
