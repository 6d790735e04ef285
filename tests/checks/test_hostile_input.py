"""Hostile input: every unreadable input exits 2 with one line naming the file and the
reason, never a traceback; a malformed resource is reported as not applicable and the rest
of the template is still checked; aliases and nesting are bounded in time."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructs_lib.checks import TemplateModel
from constructs_lib.template.loader import TemplateError, load_paths, read_source
from constructs_lib.checks.rules import run_checks
from tests.checks import templates as t
from tests.wrapping import run_cli, unwrap


def run(*argv: str) -> tuple[int, str, str]:
    code, out, err = run_cli(*argv)
    return code, out, unwrap(err)


def assert_one_line_error(path: Path, *fragments: str) -> None:
    code, out, err = run("check", str(path))
    assert code == 2, (out, err)
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err or path.name in err
    for fragment in fragments:
        assert fragment in err, err


# --------------------------------------------------------------------------------------
# Broken cloud assemblies
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        ("{not json", "neither JSON nor YAML"),
        ("[1, 2]", "not a cloud assembly manifest (a list"),
        ('"a string"', "not a cloud assembly manifest (a str"),
        ('{"artifacts": []}', "artifacts are a list"),
        ('{"artifacts": {"S": "x"}}', "artifact S is not an object"),
        ('{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": "x"}}}', "properties of S are not an object"),
        ('{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "gone.json"}}}}', "is missing"),
        ('{"artifacts": {"Me": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}}}', "a cycle"),
    ],
)
def test_broken_manifest_exits_2_with_one_line(tmp_path: Path, manifest: str, reason: str) -> None:
    (tmp_path / "manifest.json").write_text(manifest)
    code, out, err = run("check", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "manifest.json" in err and reason in err, err


def test_nested_assembly_cycle_through_a_child(tmp_path: Path) -> None:
    child = tmp_path / "assembly-Child"
    child.mkdir()
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"artifacts": {"C": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Child"}}}}))
    (child / "manifest.json").write_text(json.dumps(
        {"artifacts": {"P": {"type": "cdk:cloud-assembly", "properties": {"directoryName": ".."}}}}))
    code, _, err = run("check", str(tmp_path))
    assert code == 2 and "a cycle" in err


# --------------------------------------------------------------------------------------
# Unreadable files
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe\xfa not utf", "not valid UTF-16"),
        (b"Resources:\n  Q:\n    Type: \xe9t\xe9\n", "not UTF-8 text: byte 0xe9"),
        ("Resources: {}".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        (b"{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"DelaySeconds\": " + b"9" * 5000 + b"}}}}",
         "4300 digits"),
        (b"[" * 100_000 + b"]" * 100_000, "nests deeper than Python can read"),
        (b"a: &a [*a]\n", "refers to itself"),
        (b"Resources: !Unknown x\n", "neither JSON nor YAML"),
        (b"", "not a CloudFormation template"),
        (b"just: yaml\n", "not a CloudFormation template"),
        (b"---\na: 1\n---\nb: 2\n", "neither JSON nor YAML"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(content)
    assert_one_line_error(path, reason)


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(json.dumps(t.template(**t.sqs_consumer())).encode("utf-16"))
    assert run("check", str(path))[0] == 0


def test_yaml_integer_of_5000_digits(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: " + "9" * 5000 + "\n")
    assert_one_line_error(path, "unreadable value")


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """The 'billion laughs' shape: nine levels of ten aliases each (10^9 nodes)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *a9")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert len(path.read_bytes()) < 1000
    start = time.perf_counter()
    assert_one_line_error(path, "alias bomb")
    assert time.perf_counter() - start < 5


def test_a_small_alias_graph_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("Tags: &tags\n  - {Key: team, Value: a}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *tags\n")
    assert run("check", str(path))[0] == 0


def test_missing_path_and_one_bad_of_several(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(t.template(**t.sqs_consumer())))
    code, _, err = run("check", str(good), str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml: no such file or directory" in err


# --------------------------------------------------------------------------------------
# Malformed resources: not applicable, the rest is checked
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"Type": "AWS::SQS::Queue", "Properties": "a string"}, "its Properties are a string"),
        ({"Type": "AWS::SQS::Queue", "Properties": [1, 2]}, "its Properties are a list"),
        ({"Type": "AWS::SQS::Queue", "Properties": 5}, "its Properties are a number"),
        ("junk", "the resource is a string"),
        ({"Properties": {}}, "has no Type"),
        ({"Type": "AWS::SQS::Queue", "Properties": {"Tags": json.loads("[" * 150 + "]" * 150)}}, "nest deeper than 100"),
    ],
)
def test_malformed_resource_is_not_applicable_and_the_rest_is_checked(body: Any, reason: str) -> None:
    tpl = t.template(**{**t.sqs_consumer(), "Queue": t.queue(visibility=20), "Bad": body})
    findings = run_checks([TemplateModel(tpl, name="t.json")])
    (na,) = [f for f in findings if f.rule_id == "template-malformed-resource"]
    assert na.status == "not-applicable" and na.resource == "Bad" and reason in na.message
    assert "sqs-visibility-below-function-timeout" in {f.rule_id for f in findings if f.applicable}


def test_properties_of_the_wrong_type_inside_resources_are_survived() -> None:
    tpl = t.template(
        Fn=t.function({"a": 1}, reserved=[1], DeadLetterConfig="x"),
        Rule={"Type": "AWS::Events::Rule", "Properties": {"Targets": 5}},
        Topic={"Type": "AWS::SNS::Topic", "Properties": {"Subscription": "x"}},
        Mapping={"Type": "AWS::Lambda::EventSourceMapping", "Properties": {"FunctionName": [], "ScalingConfig": 3}},
        Api={"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {"paths": {"/x": "y", "/z": {"get": 3}}}}},
    )
    run_checks([TemplateModel(tpl, name="t.json")])


# --------------------------------------------------------------------------------------
# Property-based: nothing a template may contain raises
# --------------------------------------------------------------------------------------
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["Fn", "Queue", "Dlq", "AWS::NoValue", "lambda", "WEBSOCKET", "$disconnect", "AWS_PROXY",
                     "arn:aws:lambda:eu-west-1:1:function:f", "sns.amazonaws.com", "iot.amazonaws.com", "*"]),
)
refs = st.sampled_from([t.ref("Fn"), t.arn("Fn"), t.arn("Queue"), t.ref("Dlq"), {"Fn::Sub": "${Fn.Arn}:x"},
                        {"Fn::If": ["C", t.ref("Fn"), {"Ref": "AWS::NoValue"}]}, {"Fn::ImportValue": "x"}])
values = st.recursive(scalars | refs, lambda children: st.lists(children, max_size=4)
                      | st.dictionaries(st.sampled_from(["Ref", "Fn::GetAtt", "Fn::Join", "Fn::Sub", "Fn::If", "Arn", "Id",
                                                         "Destination", "OnFailure", "paths", "Type", "uri", "x"]) | st.text(max_size=8),
                                        children, max_size=4), max_leaves=20)
RESOURCE_TYPES = [
    "AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping", "AWS::SQS::Queue", "AWS::Lambda::Permission",
    "AWS::Lambda::EventInvokeConfig", "AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::SNS::Subscription",
    "AWS::SNS::Topic", "AWS::ApiGateway::Method", "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route", "AWS::IAM::Policy", "AWS::IAM::Role",
    "AWS::S3::Bucket", "AWS::Lambda::Alias", "AWS::Cognito::UserPool", "AWS::IoT::TopicRule", "Custom::X",
    "AWS::Pipes::Pipe", "AWS::CloudFront::Distribution", "AWS::KinesisFirehose::DeliveryStream",
]
PROPERTY_NAMES = [
    "FunctionName", "EventSourceArn", "Timeout", "ReservedConcurrentExecutions", "VisibilityTimeout", "RedrivePolicy",
    "MessageRetentionPeriod", "FifoQueue", "Principal", "SourceArn", "DestinationConfig", "Targets", "Target",
    "Protocol", "Endpoint", "TopicArn", "Integration", "IntegrationUri", "IntegrationType", "ApiId", "Body",
    "Roles", "PolicyDocument", "Policies", "NotificationConfiguration", "DeadLetterConfig", "DurableConfig",
    "ScalingConfig", "BatchSize", "FunctionResponseTypes", "Subscription", "LambdaConfig", "TopicRulePayload",
    "ServiceToken", "MaximumRetryAttempts", "RouteKey", "Role", "TimeoutInMillis", "ProtocolType",
]
resources = st.fixed_dictionaries(
    {"Type": st.sampled_from(RESOURCE_TYPES)},
    optional={
        "Properties": st.dictionaries(st.sampled_from(PROPERTY_NAMES), values, max_size=6) | values,
        "Metadata": st.dictionaries(st.sampled_from(["constructs-lib", "aws:cdk:path", "x"]), values, max_size=2) | values,
        "Condition": st.sampled_from(["C", "D", "Missing"]),
    },
)
templates = st.fixed_dictionaries(
    {"Resources": st.dictionaries(st.sampled_from(["Fn", "Queue", "Dlq", "A", "B", "C"]), resources | values, max_size=6)},
    optional={
        "Conditions": st.dictionaries(st.sampled_from(["C", "D"]), values, max_size=2),
        "Parameters": st.dictionaries(st.sampled_from(["P", "Env"]), values, max_size=2),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates)
def test_no_template_makes_the_model_or_the_rules_raise(template: dict[str, Any]) -> None:
    from constructs_lib.template.loader import models_from_template

    models = models_from_template(template, "t.json")
    for finding in run_checks(models):
        assert finding.rule_id and finding.status in ("non-compliant", "not-applicable", "suppressed")
    for model in models:
        for trigger in model.triggers:
            assert trigger.invocation in ("sync", "async", "polled", "durable")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_no_bytes_make_the_loader_raise_anything_but_template_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(data)
    try:
        load_paths([path])
    except TemplateError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(templates)
def test_any_template_round_trips_through_the_loader_without_a_traceback(tmp_path: Path, template: dict[str, Any]) -> None:
    path = tmp_path / "t.json"
    try:
        path.write_text(json.dumps(template, default=str))
    except (ValueError, OverflowError):
        return  # not representable as JSON (e.g. an integer of 400 digits on a 4,300-digit limit is fine, NaN too)
    try:
        data, _ = read_source(path)
        assert isinstance(data, dict)
        code, out, err = run("check", str(path), "--format", "json")
    except TemplateError:
        return
    assert code in (0, 1, 2) and "Traceback" not in err
