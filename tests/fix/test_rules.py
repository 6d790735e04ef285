"""The fixers one by one on tiny templates: the values they write, the ids they choose, the
permissions they add, and the cases they refuse or leave alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.checks.rules import ALL_RULES
from constructs_lib.fix.edits import EditError, SetValue, merge
from constructs_lib.fix.plan import FilePlan
from constructs_lib.fix.rules import FIXERS, LEFT_ALONE
from tests.checks import templates as t
from tests.fix.helpers import checked, fixable_findings, only_file, plan_of


def fixed(tmp_path: Path, template: dict[str, Any] | str, *, name: str = "template.json",
          rules: list[str] | None = None) -> tuple[FilePlan, Any]:
    """The plan of one file, and the fixed template as the checks read it."""
    path = tmp_path / name
    path.write_text(template if isinstance(template, str) else json.dumps(template, indent=2))
    file = only_file(plan_of(path, rules=rules))
    data = None
    if file.changed and file.new_text is not None:
        out = tmp_path / f"fixed-{name}"
        out.write_text(file.new_text)
        data = json.loads(file.new_text) if name.endswith(".json") else None
        assert fixable_findings(checked(out)[1]) == [] or rules is not None
    return file, data


def resources(data: Any) -> dict[str, Any]:
    return data["Resources"]


def test_every_rule_either_has_a_fix_or_says_why_it_is_left_alone() -> None:
    ids = {r.id for r in ALL_RULES}
    assert set(FIXERS) <= ids and set(LEFT_ALONE) <= ids
    assert set(FIXERS) | set(LEFT_ALONE) == ids
    assert not set(FIXERS) & set(LEFT_ALONE)


def test_a_fifo_queue_gets_a_fifo_dead_letter_queue_and_ids_never_collide(tmp_path: Path) -> None:
    template = t.template(
        Fn=t.function(30), Queue=t.queue(dlq=None, FifoQueue=True), Mapping=t.mapping(BatchSize=1),
        QueueDlq=t.dlq(),  # an unrelated resource already has the natural id
    )
    file, data = fixed(tmp_path, template)
    new = resources(data)["QueueDlq2"]
    assert new == {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True, "SqsManagedSseEnabled": True,
                                                             "MessageRetentionPeriod": 1209600}}
    assert resources(data)["Queue"]["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["QueueDlq2", "Arn"]}, "maxReceiveCount": 5}


def test_a_computed_fifo_flag_needs_a_decision(tmp_path: Path) -> None:
    template = t.template(Fn=t.function(30), Queue=t.queue(dlq=None, FifoQueue={"Ref": "Fifo"}),
                          Mapping=t.mapping(BatchSize=1))
    template["Parameters"] = {"Fifo": {"Type": "String"}}
    file, _ = fixed(tmp_path, template)
    assert not file.changed
    assert [r.reason for r in file.refusals] == ["whether Queue is a FIFO queue is computed; its dead-letter queue must "
                                                 "be the same type"]


def test_a_redrive_policy_written_as_a_json_string_stays_a_json_string(tmp_path: Path) -> None:
    queue = t.queue(dlq=None)
    queue["Properties"]["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq",
                                                       "maxReceiveCount": 2})
    file, data = fixed(tmp_path, t.template(Fn=t.function(30), Queue=queue, Mapping=t.mapping(BatchSize=1)))
    policy = resources(data)["Queue"]["Properties"]["RedrivePolicy"]
    assert isinstance(policy, str) and json.loads(policy) == {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq",
                                                              "maxReceiveCount": 5}


@pytest.mark.parametrize(("count", "expected"), [(0, 5), (1001, 1000)])
def test_a_receive_count_outside_sqs_range_comes_back_inside(tmp_path: Path, count: int, expected: int) -> None:
    template = t.template(Fn=t.function(30), Queue=t.queue(max_receive=count), Dlq=t.dlq(), Mapping=t.mapping(BatchSize=1))
    file, data = fixed(tmp_path, template)
    assert resources(data)["Queue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == expected


def test_a_visibility_timeout_sqs_cannot_hold_needs_a_decision(tmp_path: Path) -> None:
    template = t.template(Fn=t.function(9000), Queue=t.queue(visibility=30), Dlq=t.dlq(), Mapping=t.mapping(BatchSize=1))
    file, _ = fixed(tmp_path, template)
    assert not file.changed
    assert "54,000 s, above SQS's maximum visibility timeout of 43,200 s" in file.refusals[0].reason


def test_two_functions_on_one_queue_get_the_larger_visibility_timeout(tmp_path: Path) -> None:
    template = t.template(Fn=t.function(30), Slow=t.function(100), Queue=t.queue(visibility=30), Dlq=t.dlq(),
                          Mapping=t.mapping(BatchSize=1), SlowMapping=t.mapping(function="Slow", BatchSize=1,
                                                                                MaximumBatchingWindowInSeconds=7))
    file, data = fixed(tmp_path, template)
    assert resources(data)["Queue"]["Properties"]["VisibilityTimeout"] == 607


def test_merging_keeps_the_larger_value_and_refuses_disagreement() -> None:
    path = ("Resources", "Q", "Properties", "VisibilityTimeout")
    assert merge([SetValue(path, 180, "max"), SetValue(path, 607, "max")]).values[path].value == 607
    with pytest.raises(EditError, match="different values"):
        merge([SetValue(path, 1), SetValue(path, 2)])


def test_new_resources_keep_the_condition_of_the_resource_they_serve(tmp_path: Path) -> None:
    queue = t.queue(dlq=None)
    queue["Condition"] = "IsProd"
    template = t.template(Fn=t.function(30), Queue=queue, Mapping=t.mapping(BatchSize=1))
    template["Parameters"] = {"Stage": {"Type": "String"}}
    template["Conditions"] = {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}
    file, data = fixed(tmp_path, template)
    assert resources(data)["QueueDlq"]["Condition"] == "IsProd"


def test_a_stream_destination_needs_the_role_in_the_template(tmp_path: Path) -> None:
    consumer = t.kinesis_consumer(DestinationConfig=None)
    del consumer["Failures"]
    file, _ = fixed(tmp_path, t.template(**consumer))
    assert not file.changed
    assert "the execution role of Fn is not declared in this template" in file.refusals[0].reason
    consumer["Fn"] = t.function(30, role="Role")
    consumer["Role"] = t.role()
    file, data = fixed(tmp_path, t.template(**consumer))
    policy = resources(data)["MappingFailureQueueSendPolicy"]["Properties"]
    assert policy["Roles"] == [{"Ref": "Role"}]
    assert policy["PolicyDocument"]["Statement"] == [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                                     "Resource": {"Fn::GetAtt": ["MappingFailureQueue", "Arn"]}}]
    assert resources(data)["Mapping"]["DependsOn"] == "MappingFailureQueueSendPolicy"


def test_an_existing_event_invoke_config_gets_the_destination(tmp_path: Path) -> None:
    template = t.template(Fn=t.function(30, role="Role"), Role=t.role(), Config=t.invoke_config(),
                          Allow=t.permission("s3.amazonaws.com"))
    file, data = fixed(tmp_path, template)
    config = resources(data)["Config"]
    assert config["Properties"]["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": ["FnFailureQueue", "Arn"]}}}
    assert config["DependsOn"] == "FnFailureQueueSendPolicy"
    assert "FnEventInvokeConfig" not in resources(data)


def test_a_function_with_aliases_needs_a_decision_on_the_qualifier(tmp_path: Path) -> None:
    template = t.template(Fn=t.function(30, role="Role"), Role=t.role(), Allow=t.permission("s3.amazonaws.com"),
                          Version=t._res("AWS::Lambda::Version", {"FunctionName": t.ref("Fn")}))
    file, _ = fixed(tmp_path, template)
    assert "has versions or aliases (Version)" in file.refusals[0].reason


def test_a_durable_function_gets_a_dead_letter_queue(tmp_path: Path) -> None:
    template = t.template(Fn=t.function(30, role="Role", DurableConfig={"ExecutionTimeout": 3600}), Role=t.role(),
                          Allow=t.permission("s3.amazonaws.com"))
    file, data = fixed(tmp_path, template)
    fn = resources(data)["Fn"]
    assert fn["Properties"]["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": ["FnFailureQueue", "Arn"]}}
    assert fn["DependsOn"] == "FnFailureQueueSendPolicy"


def test_an_inline_topic_subscription_is_left_alone(tmp_path: Path) -> None:
    topic = t._res("AWS::SNS::Topic", {"Subscription": [{"Protocol": "lambda", "Endpoint": t.arn("Fn")}]})
    template = t.template(Fn=t.function(30, role="Role"), Role=t.role(), Topic=topic,
                          Config=t.invoke_config(on_failure="arn:aws:sqs:us-east-1:123456789012:f"))
    file, _ = fixed(tmp_path, template)
    assert [(x.finding.rule_id, x.reason.split(":")[0]) for x in file.left_alone] == [
        ("sns-subscription-redrive", "needs a decision")]


def test_max_concurrency_below_the_smallest_allowed_needs_a_decision(tmp_path: Path) -> None:
    consumer = t.sqs_consumer(ScalingConfig={"MaximumConcurrency": 10})
    consumer["Fn"] = t.function(30, reserved=1)
    file, _ = fixed(tmp_path, t.template(**consumer))
    assert "below the smallest maximum concurrency (2)" in file.refusals[0].reason


def test_a_rest_integration_timeout_sets_the_function_timeout_a_second_below(tmp_path: Path) -> None:
    template = t.template(Fn=t.function(30), Method=t.rest_method(timeout_ms=10000))
    file, data = fixed(tmp_path, template)
    assert resources(data)["Fn"]["Properties"]["Timeout"] == 9


SAM_OWN_ROLE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return None\\n"
      Role: !GetAtt Role.Arn   # SAM adds no policy to a role it did not make
      Events:
        Nightly:
          Type: Schedule
          Properties: {Schedule: rate(1 day)}
"""


def test_a_sam_function_with_its_own_role_gets_the_policy_on_that_role(tmp_path: Path) -> None:
    file, _ = fixed(tmp_path, SAM_OWN_ROLE, name="template.yaml")
    assert file.changed and file.new_text is not None
    assert "  FnFailureQueueSendPolicy:\n    Type: AWS::IAM::Policy\n" in file.new_text
    assert "        - !Ref Role\n" in file.new_text
    file, _ = fixed(tmp_path, SAM_OWN_ROLE.replace("!GetAtt Role.Arn", "arn:aws:iam::123456789012:role/x"),
                    name="other.yaml")
    assert not file.changed and "not declared in this template" in file.refusals[0].reason


ANCHORS = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: &props
      Runtime: python3.13
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/x
      Code: {ZipFile: "x"}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 180
      Tags: [{Key: copy, Value: *props}]
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: !Ref Fn, BatchSize: 1}
"""


def test_yaml_anchors_shared_between_resources_need_a_decision(tmp_path: Path) -> None:
    file, _ = fixed(tmp_path, ANCHORS, name="template.yaml")
    assert not file.changed
    assert "resource Queue cannot be read on its own" in str(file.error) and "anchors" in str(file.error)


def test_resources_in_flow_style_are_refused(tmp_path: Path) -> None:
    text = ("Resources: {Fn: {Type: 'AWS::Lambda::Function', Properties: {Timeout: 30, Role: r, Runtime: python3.13, "
            "Handler: i.h, Code: {ZipFile: x}}}, Q: {Type: 'AWS::SQS::Queue'}, M: {Type: 'AWS::Lambda::EventSourceMapping', "
            "Properties: {EventSourceArn: !GetAtt Q.Arn, FunctionName: !Ref Fn, BatchSize: 1}}}\n")
    file, _ = fixed(tmp_path, text, name="template.yaml")
    assert not file.changed and "flow style" in str(file.error)


def test_a_finding_under_an_undecided_condition_is_fixed_for_its_branch(tmp_path: Path) -> None:
    text = """\
Parameters:
  Stage: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/x
      Timeout: !If [IsProd, 60, 10]
      Code: {ZipFile: x}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 100   # enough for 10 s, not for 60 s
      RedrivePolicy: {deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:d", maxReceiveCount: 5}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: !Ref Fn, BatchSize: 1}
"""
    file, _ = fixed(tmp_path, text, name="template.yaml")
    assert file.changed and file.new_text is not None
    assert "      VisibilityTimeout: 360   # enough for 10 s, not for 60 s\n" in file.new_text


SAM_GENERATED_ID = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Work:
    Type: AWS::SQS::Queue
  W:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: index.handler
      Timeout: 10
      InlineCode: "def handler(event, context):\\n    return None\\n"
      Events:
        orkDlq:   # SAM names this event's mapping W + orkDlq = WorkDlq
          Type: SQS
          Properties: {Queue: !GetAtt Work.Arn, BatchSize: 1}
"""


def test_a_new_id_never_collides_with_one_sam_generates(tmp_path: Path) -> None:
    file, _ = fixed(tmp_path, SAM_GENERATED_ID, name="template.yaml")
    assert file.new_text is not None
    assert "deadLetterTargetArn: !GetAtt WorkDlq2.Arn" in file.new_text and "\n  WorkDlq2:\n" in file.new_text
