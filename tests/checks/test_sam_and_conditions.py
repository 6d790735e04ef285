"""Raw SAM templates, translated offline by AWS's translator; and conditions decided from
literals and parameter defaults, or checked branch by branch."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.checks import TemplateModel
from constructs_lib.template.conditions import variants
from constructs_lib.template.loader import load_paths, models_from_template
from constructs_lib.checks.rules import run_checks
from tests.checks import templates as t
from tests.wrapping import flat, run_cli, unwrap

SAM = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.13
    Timeout: 60
    CodeUri: src/
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Policies:
        - AWSLambdaBasicExecutionRole
        - SQSPollerPolicy:
            QueueName: !GetAtt Orders.QueueName
      Events:
        FromQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 10
        PostOrder:
          Type: Api
          Properties:
            Path: /orders
            Method: post
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 day)
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
"""


def run(*argv: str) -> tuple[int, str, str]:
    code, out, err = run_cli(*argv)
    return code, out, unwrap(err)  # one message a line, however wrapped


@pytest.fixture(scope="module")
def sam_findings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any], Any]:
    path = tmp_path_factory.mktemp("sam") / "template.yaml"
    path.write_text(SAM)
    loaded = load_paths([path])
    return path, run_checks(loaded.models), loaded


def test_sam_is_translated_offline_and_checked(sam_findings) -> None:
    _, findings, loaded = sam_findings
    (model,) = loaded.models
    assert {"AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping", "AWS::Scheduler::Schedule",
            "AWS::ApiGateway::RestApi", "AWS::IAM::Role"} <= {r.type for r in model.resources.values()}
    role = next(r for r in model.resources.values() if r.type == "AWS::IAM::Role")
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" in json.dumps(role.properties)
    fn = model.resources["Worker"]
    assert fn.get("Code") == {"S3Bucket": "constructs-lib-sam-placeholder", "S3Key": "code.zip"}
    found = {(f.rule_id, f.resource) for f in findings if f.applicable}
    assert {("sqs-visibility-below-function-timeout", "Orders"), ("sqs-redrive-policy", "Orders"),
            ("sqs-partial-batch-response", "WorkerFromQueue"), ("apigw-integration-timeout", "ServerlessRestApi"),
            ("eventbridge-target-dlq", "WorkerNightly"), ("async-failure-destination", "Worker")} <= found
    assert len(loaded.sam_seconds) == 1 and loaded.sam_seconds[0] > 0


def test_findings_name_the_sam_resource_the_event_and_its_line(sam_findings) -> None:
    path, findings, _ = sam_findings
    by_rule = {f.rule_id: f for f in findings if f.applicable}
    mapping = by_rule["sqs-partial-batch-response"]
    assert mapping.origin == "AWS::Serverless::Function Worker, event FromQueue (SQS)"
    assert (mapping.file, mapping.line) == (str(path), SAM.splitlines().index("  Worker:") + 1)
    api = by_rule["apigw-integration-timeout"]
    assert api.origin == "AWS::Serverless::Function Worker, event PostOrder"
    assert api.line == SAM.splitlines().index("  Worker:") + 1
    assert by_rule["sqs-redrive-policy"].line == SAM.splitlines().index("  Orders:") + 1
    assert by_rule["eventbridge-target-dlq"].origin == "AWS::Serverless::Function Worker, event Nightly (ScheduleV2)"


def test_sam_cli_output_names_the_origin_and_the_translation_time(sam_findings) -> None:
    path, _, _ = sam_findings
    code, out, _ = run("check", str(path))
    assert code == 1
    assert "[from AWS::Serverless::Function Worker, event FromQueue (SQS)]" in flat(out)
    assert "SAM: 1 template(s) translated in" in out


def test_metadata_on_a_sam_function_acknowledges_what_it_generates(tmp_path: Path) -> None:
    text = SAM.replace("  Worker:\n    Type: AWS::Serverless::Function\n",
                       "  Worker:\n    Type: AWS::Serverless::Function\n    Metadata:\n      constructs-lib:\n"
                       "        acknowledge:\n          - id: sqs-partial-batch-response\n"
                       "            reason: every message of a batch is one row of one transaction\n")
    path = tmp_path / "t.yaml"
    path.write_text(text)
    statuses = {f.rule_id: f.status for f in run_checks(load_paths([path]).models) if f.resource == "WorkerFromQueue"}
    assert statuses == {"sqs-partial-batch-response": "suppressed"}


def test_sam_template_the_translator_rejects_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
                    "    Properties:\n      Events:\n        E:\n          Type: Nonsense\n")
    code, out, err = run("check", str(path))
    assert code == 2 and out == "" and unwrap(err).count("\n") == 1 and "SAM translator" in err


def test_missing_translator_exits_2_with_the_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SAM)
    real_import = builtins.__import__

    def no_samtranslator(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("samtranslator"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_samtranslator)
    code, _, err = run("check", str(path))
    assert code == 2 and "pip install 'constructs-lib[sam]'" in err and unwrap(err).count("\n") == 1


def test_a_directory_of_sam_and_cloudformation_templates(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "template.yaml").write_text(SAM)
    (tmp_path / "infra.json").write_text(json.dumps(t.template(**t.sqs_consumer())))
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "event.json").write_text('{"Records": []}')
    loaded = load_paths([tmp_path])
    assert sorted(loaded.templates) == ["app/template.yaml", "infra.json"]
    assert sorted(p.name for p in loaded.skipped) == ["event.json", "package.json"]


SAM_INCLUDED_API = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api.yaml
      Auth:
        DefaultAuthorizer: Authorizer
        Authorizers:
          Authorizer:
            FunctionArn: !GetAtt Authorizer.Arn
  Authorizer:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.13, Handler: a.h, CodeUri: src/}
  Slow:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.13, Handler: a.h, CodeUri: src/, Timeout: 60}
"""
INCLUDED_OPENAPI = """\
openapi: 3.0.1
info: {title: t, version: '1'}
paths:
  /slow:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri:
          Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Slow.Arn}/invocations
"""


def test_a_local_aws_include_is_inlined_as_package_and_cloudformation_would(tmp_path: Path) -> None:
    """An OpenAPI DefinitionBody included from a local file (24 of 480 serverless-patterns
    templates): CloudFormation inserts it before the SAM transform runs. Without inlining,
    the translator refused the template when it has Auth (exit 2), and the integrations in
    the file were never checked."""
    (tmp_path / "api.yaml").write_text(INCLUDED_OPENAPI)
    (tmp_path / "template.yaml").write_text(SAM_INCLUDED_API)
    code, out, err = run("check", str(tmp_path / "template.yaml"), "--format", "json")
    assert code == 1, err
    found = [(f["rule_id"], f["resource"]) for f in json.loads(out)["findings"]]
    assert ("apigw-integration-timeout", "Api") in found
    # The same include in a plain CloudFormation RestApi Body.
    cfn = {"Resources": {
        "Slow": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 60}},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
            "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "api.yaml"}}}}},
    }}
    (tmp_path / "cfn.json").write_text(json.dumps(cfn))
    code, out, _ = run("check", str(tmp_path / "cfn.json"), "--format", "json")
    assert code == 1 and [f["rule_id"] for f in json.loads(out)["findings"]] == ["apigw-integration-timeout"]


def test_an_include_that_cannot_be_read_stays_not_applicable(tmp_path: Path) -> None:
    """The rest of the template is checked; the include is named as unreadable (exit 2)."""
    cfn = {"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "missing.yaml"}}}}}}}
    (tmp_path / "cfn.json").write_text(json.dumps(cfn))
    code, out, err = run("check", str(tmp_path / "cfn.json"), "--show-not-applicable", "--format", "json")
    assert code == 2 and "included Body" in json.dumps(json.loads(out)["findings"])
    assert "AWS::Include Location 'missing.yaml' cannot be read" in err and "no such file or directory" in err
    assert [u["path"] for u in json.loads(out)["unreadable"]] == ["missing.yaml"]


# --------------------------------------------------------------------------------------
# Conditions
# --------------------------------------------------------------------------------------
def _conditional(default: str | None) -> dict[str, Any]:
    """A consumer whose queue's visibility timeout depends on IsProd (Env == prod)."""
    tpl = t.template(**t.sqs_consumer())
    env: dict[str, Any] = {"Type": "String"}
    if default is not None:
        env["Default"] = default
    tpl["Parameters"] = {"Env": env}
    tpl["Conditions"] = {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}
    tpl["Resources"]["Queue"]["Properties"]["VisibilityTimeout"] = {"Fn::If": ["IsProd", 180, 20]}
    return tpl


@pytest.mark.parametrize(("default", "rules"), [("prod", []), ("dev", ["sqs-visibility-below-function-timeout"])])
def test_conditions_decided_from_parameter_defaults(default: str, rules: list[str]) -> None:
    (model,) = models_from_template(_conditional(default), "t")
    assert model.branch is None
    assert [f.rule_id for f in run_checks([model]) if f.applicable] == rules


def test_undecidable_conditions_are_checked_per_branch_and_say_which() -> None:
    models = models_from_template(_conditional(None), "t")
    assert sorted(m.branch or "" for m in models) == ["IsProd=false", "IsProd=true"]
    (f,) = [f for f in run_checks(models) if f.applicable]
    assert (f.rule_id, f.branch) == ("sqs-visibility-below-function-timeout", "IsProd=false")


def test_a_finding_in_every_branch_has_no_branch() -> None:
    tpl = _conditional(None)
    tpl["Resources"]["Queue"]["Properties"]["RedrivePolicy"] = {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}]}
    found = {(f.rule_id, f.branch) for f in run_checks(models_from_template(tpl, "t")) if f.applicable}
    assert ("sqs-redrive-policy", None) in found


def test_resource_condition_false_leaves_the_resource_out() -> None:
    tpl = t.template(Fn=t.function(), Perm=t.permission("s3.amazonaws.com"))
    tpl["Conditions"] = {"Never": {"Fn::Equals": ["a", "b"]}}
    tpl["Resources"]["Perm"]["Condition"] = "Never"
    assert [f for f in run_checks(models_from_template(tpl, "t")) if f.applicable] == []
    tpl["Conditions"] = {"Always": {"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}}
    tpl["Resources"]["Perm"]["Condition"] = "Always"
    assert [f.rule_id for f in run_checks(models_from_template(tpl, "t")) if f.applicable] == ["async-failure-destination"]


def test_many_undecidable_conditions_stay_bounded() -> None:
    tpl = t.template(Fn=t.function())
    tpl["Conditions"] = {f"C{i}": {"Fn::Equals": [{"Ref": f"P{i}"}, "x"]} for i in range(12)}
    tpl["Resources"]["Fn"]["Properties"]["Timeout"] = {"Fn::If": ["C0", 1, {"Fn::If": ["C1", 2, 3]}]}
    for i in range(2, 12):
        tpl["Resources"][f"Q{i}"] = {"Type": "AWS::SQS::Queue", "Condition": f"C{i}"}
    found = variants(tpl)
    assert 2 < len(found) <= 2 + 2 * 12


def test_plain_model_without_conditions_is_one_variant() -> None:
    tpl = t.template(**t.sqs_consumer())
    assert variants(tpl) == [(None, tpl)]
    assert isinstance(models_from_template(tpl, "t")[0], TemplateModel)


def test_cdks_metadata_condition_does_not_split_a_template() -> None:
    """CDK puts AWS::CDK::Metadata under the Region-dependent CDKMetadataAvailable condition in
    every stack: it changes nothing the checks or the simulation read, so a CDK template is
    one variant and each finding is reported once, without a branch."""
    tpl = t.template(**t.sqs_consumer())
    tpl["Resources"]["Queue"]["Properties"].pop("RedrivePolicy", None)
    tpl["Conditions"] = {"CDKMetadataAvailable": {"Fn::Or": [{"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}]}}
    tpl["Resources"]["CDKMetadata"] = {
        "Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:x"}, "Condition": "CDKMetadataAvailable",
    }
    (model,) = models_from_template(tpl, "t")
    assert model.branch is None
    found = [(f.rule_id, f.branch) for f in run_checks([model]) if f.applicable and f.rule_id == "sqs-redrive-policy"]
    assert found == [("sqs-redrive-policy", None)]
