"""``Fn::ForEach`` (the ``AWS::LanguageExtensions`` transform): what a loop generates is
checked, findings name the loop and the generated logical id, and the expansion agrees with
cfn-lint's (an established implementation, a dev dependency only: it is internal to
cfn-lint and replaces what it cannot resolve with random names)."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructs_lib.checks.rules import run_checks
from constructs_lib.template import language_extensions as le
from constructs_lib.template.loader import load_paths, models_from_template
from tests.checks import templates as t
from tests.wrapping import flat
from tests.checks.test_hostile_input import run

LOOP = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Consumers:
    - Name
    - [Orders, Payments, Refunds]
    - ${Name}Function:
        Type: AWS::Lambda::Function
        Properties:
          Timeout: 60
          Role: arn:aws:iam::123456789012:role/r
      ${Name}Queue:
        Type: AWS::SQS::Queue
        Properties:
          VisibilityTimeout: 30
      ${Name}Mapping:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Ref
            Fn::Sub: ${Name}Function
          EventSourceArn: !GetAtt [!Sub "${Name}Queue", Arn]
          BatchSize: 1
"""


def test_three_misconfigured_consumers_in_a_loop_are_found_with_the_loop_and_the_generated_id(tmp_path: Path) -> None:
    """The issue's case: exit 0 and "0 error(s)" before; each generated queue is an error now."""
    path = tmp_path / "loop.yaml"
    path.write_text(LOOP)
    code, out, err = run("check", str(path), "--format", "json")
    assert code == 1, err
    found = [(f["rule_id"], f["resource"], f["origin"], f["line"]) for f in json.loads(out)["findings"]]
    visibility = [f for f in found if f[0] == "sqs-visibility-below-function-timeout"]
    assert visibility == [
        ("sqs-visibility-below-function-timeout", f"{name}Queue", f"Fn::ForEach::Consumers (Name={name})", 4)
        for name in ("Orders", "Payments", "Refunds")
    ]
    code, text, _ = run("check", str(path))
    assert flat("ERROR sqs-visibility-below-function-timeout  loop.yaml: PaymentsQueue [from Fn::ForEach::Consumers " \
           "(Name=Payments)]") in flat(text)


def test_a_sam_function_in_a_loop_names_the_sam_resource_its_event_and_the_loop(tmp_path: Path) -> None:
    pytest.importorskip("samtranslator")
    path = tmp_path / "sam.yaml"
    path.write_text("""\
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn::ForEach::Workers:
    - Name
    - [Orders, Payments]
    - Worker${Name}:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.13
          Handler: a.h
          CodeUri: src/
          Events:
            FromQueue:
              Type: SQS
              Properties: {Queue: !GetAtt [!Sub "Queue${Name}", Arn]}
      Queue${Name}:
        Type: AWS::SQS::Queue
        Properties: {VisibilityTimeout: 180}
""")
    findings = [f for f in run_checks(load_paths([path]).models) if f.rule_id == "sqs-partial-batch-response"]
    assert [(f.resource, f.origin, f.line) for f in findings] == [
        (f"Worker{n}FromQueue", f"AWS::Serverless::Function Worker{n}, event FromQueue (SQS), in "
                                f"Fn::ForEach::Workers (Name={n})", 3)
        for n in ("Orders", "Payments")
    ]


def _loop(collection: Any, *, identifier: str = "Name", key: str = "${Name}Queue", fragment: Any = None) -> dict[str, Any]:
    body = fragment if fragment is not None else {key: t.queue(visibility=20, dlq=None)}
    return {"Transform": le.TRANSFORM, "Resources": {"Fn": t.function(60), "Fn::ForEach::Queues": [identifier, collection, body]}}


def test_a_collection_from_a_comma_delimited_list_parameter_uses_its_default() -> None:
    tpl = _loop({"Ref": "Names"})
    tpl["Parameters"] = {"Names": {"Type": "CommaDelimitedList", "Default": "A, B"}}
    (model,) = models_from_template(tpl, "t.json")
    assert sorted(model.resources) == ["AQueue", "BQueue", "Fn"]


@pytest.mark.parametrize(
    ("parameters", "reason"),
    [
        ({"Names": {"Type": "CommaDelimitedList"}}, "has no Default, so it is only known at deployment"),
        ({"Names": {"Type": "String", "Default": "A"}}, "is a String parameter, not a CommaDelimitedList"),
        ({}, "names no parameter of this template"),
    ],
)
def test_a_loop_whose_collection_is_unknown_is_named_not_guessed(parameters: dict[str, Any], reason: str) -> None:
    tpl = _loop({"Ref": "Names"})
    tpl["Parameters"] = parameters
    (model,) = models_from_template(tpl, "t.json")
    assert sorted(model.resources) == ["Fn"]
    (problem,) = model.problems
    assert problem[0] == "Fn::ForEach::Queues" and reason in problem[1] and "not checked" in problem[1]
    (finding,) = [f for f in run_checks([model]) if f.rule_id == "template-malformed-resource"]
    assert finding.status == "not-applicable" and finding.resource == "Fn::ForEach::Queues"


@pytest.mark.parametrize(
    ("loop", "reason"),
    [
        (["Name", ["A"]], "must be a list of [identifier, collection, fragment]"),
        ([1, ["A"], {}], "its identifier must be a string"),
        (["Name", ["A"], "x"], "its fragment (the third item) must be a mapping"),
        (["Name", [{"a": 1}], {"${Name}Q": {}}], "cannot be known before deployment"),
        (["Name", ["A", "B"], {"Q": {"Type": "AWS::SQS::Queue"}}], "generates 'Q' twice"),
    ],
)
def test_a_loop_cloudformation_rejects_is_a_problem_with_its_reason(loop: list[Any], reason: str) -> None:
    tpl = {"Transform": le.TRANSFORM, "Resources": {"Fn::ForEach::L": loop}}
    expansion = le.expand(tpl)
    assert expansion.template["Resources"] == {}
    assert [k for k, _ in expansion.problems] == ["Fn::ForEach::L"] and reason in expansion.problems[0][1]


@pytest.mark.parametrize("loop_first", [True, False])
def test_a_generated_key_that_the_template_declares_too_is_a_problem(loop_first: bool) -> None:
    loop = ["Name", ["A"], {"Fn": t.queue(dlq=None)}]
    resources = {"Fn::ForEach::L": loop, "Fn": t.function()} if loop_first else {"Fn": t.function(), "Fn::ForEach::L": loop}
    expansion = le.expand({"Transform": le.TRANSFORM, "Resources": resources})
    (problem,) = expansion.problems
    assert "'Fn'" in problem[1] and "CloudFormation rejects the template" in problem[1]
    assert expansion.template["Resources"]["Fn"]["Type"] == ("AWS::SQS::Queue" if loop_first else "AWS::Lambda::Function")


def test_a_loop_without_the_transform_is_not_expanded_and_says_why() -> None:
    tpl = _loop(["A", "B"])
    del tpl["Transform"]
    (model,) = models_from_template(tpl, "t.json")
    assert sorted(model.resources) == ["Fn"]
    assert model.problems == [("Fn::ForEach::Queues", "Fn::ForEach without Transform: AWS::LanguageExtensions; "
                               "CloudFormation rejects the template, and what the loop makes is not checked")]


def test_ampersand_removes_non_alphanumeric_characters_in_keys() -> None:
    tpl = _loop(["eu-west-1", "us.east"], key="Queue&{Name}")
    (model,) = models_from_template(tpl, "t.json")
    assert sorted(model.resources) == ["Fn", "Queueeuwest1", "Queueuseast"]


def test_find_in_map_with_a_default_inside_a_loop() -> None:
    tpl = _loop(["A", "B"], fragment={"${Name}Queue": {"Type": "AWS::SQS::Queue", "Properties": {
        "VisibilityTimeout": {"Fn::FindInMap": ["Vis", {"Ref": "Name"}, "Seconds", {"DefaultValue": 400}]},
        "DelaySeconds": {"Fn::FindInMap": ["Vis", {"Ref": "Name"}, "Delay", {"DefaultValue": {"Ref": "AWS::NoValue"}}]},
    }}})
    tpl["Mappings"] = {"Vis": {"A": {"Seconds": 20, "Delay": 5}}}
    (model,) = models_from_template(tpl, "t.json")
    assert dict(model.resources["AQueue"].properties) == {"VisibilityTimeout": 20, "DelaySeconds": 5}
    assert dict(model.resources["BQueue"].properties) == {"VisibilityTimeout": 400}


def test_loops_of_loops_that_would_make_millions_of_nodes_are_refused_quickly() -> None:
    items = [f"i{i}x" for i in range(30)]
    inner: dict[str, Any] = {"R${A}${B}${C}${D}${E}": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "k"}]}}}
    for name in "EDCB":
        inner = {f"Fn::ForEach::{name}": [name, items, inner]}
    tpl = {"Transform": le.TRANSFORM, "Resources": {"Fn::ForEach::A": ["A", items, inner]}}  # 30^5 resources
    start = time.perf_counter()
    expansion = le.expand(tpl)
    assert time.perf_counter() - start < 5
    assert expansion.template["Resources"] == {}
    assert "more than 500,000 nodes" in expansion.problems[0][1]


def test_loops_nest_at_most_five_deep() -> None:
    inner: dict[str, Any] = {"R${L0}${L1}${L2}${L3}${L4}${L5}": {"Type": "AWS::SQS::Queue"}}
    for level in reversed(range(6)):
        inner = {f"Fn::ForEach::L{level}": [f"L{level}", ["x"], inner]}
    expansion = le.expand({"Transform": le.TRANSFORM, "Resources": inner})
    assert expansion.template["Resources"] == {} and "nest deeper than 5" in expansion.problems[0][1]


# --------------------------------------------------------------------------------------
# The same expansion as cfn-lint's, on any template whose collections are known
# --------------------------------------------------------------------------------------
ITEM = st.text(alphabet="ABCDEFGHXYZabcxyz0123456789-.", min_size=1, max_size=6)
IDENTIFIERS = ("Name", "Env", "Part")


def _values(identifier: str, outer: list[str]) -> st.SearchStrategy[Any]:
    names = [identifier, *outer]
    leaf = st.one_of(
        st.sampled_from(["literal", 5, True, {"Ref": "AWS::Region"}, {"Ref": "Other"}]),
        st.sampled_from(names).map(lambda n: {"Ref": n}),
        st.sampled_from(names).map(lambda n: {"Fn::Sub": f"pre-${{{n}}}-${{AWS::Region}}"}),
        st.sampled_from(names).map(lambda n: {"Fn::Sub": f"only-${{{n}}}-&{{{n}}}"}),
        st.sampled_from(names).map(lambda n: {"Ref": {"Fn::Sub": f"Res${{{n}}}"}}),
        st.sampled_from(names).map(lambda n: {"Fn::GetAtt": [{"Fn::Sub": f"Res${{{n}}}"}, "Arn"]}),
        st.sampled_from(names).map(lambda n: {"Fn::FindInMap": ["Items", {"Ref": n}, "Value"]}),
    )
    return st.recursive(leaf, lambda children: st.lists(children, max_size=3)
                        | st.dictionaries(st.sampled_from(["A", "B", "Tags", "Value"]), children, max_size=3),
                        max_leaves=6)


@st.composite
def _fragment(draw: st.DrawFn, depth: int, outer: list[str]) -> dict[str, Any]:
    identifier = IDENTIFIERS[depth]
    names = [identifier, *outer]
    keys = draw(st.lists(st.sampled_from(["Res", "Queue", "Fn"]), min_size=1, max_size=3, unique=True))
    fragment: dict[str, Any] = {}
    for prefix in keys:
        suffix = "".join(f"${{{n}}}" if draw(st.booleans()) else f"&{{{n}}}" for n in names)
        fragment[f"{prefix}{suffix}"] = {"Type": "AWS::SQS::Queue",
                                         "Properties": draw(st.dictionaries(st.sampled_from(["P", "Q"]),
                                                                            _values(identifier, outer), max_size=2))}
    if depth + 1 < len(IDENTIFIERS) and draw(st.booleans()):
        fragment[f"Fn::ForEach::Inner{depth}"] = [IDENTIFIERS[depth + 1], draw(_collection()),
                                                  draw(_fragment(depth + 1, names))]
    return fragment


def _collection() -> st.SearchStrategy[list[str]]:
    # Items that stay distinct once &{} removes their non-alphanumeric characters.
    return st.lists(ITEM, min_size=1, max_size=3, unique_by=lambda s: "".join(c for c in s if c.isalnum()))


@st.composite
def _templates(draw: st.DrawFn) -> dict[str, Any]:
    items = draw(_collection())
    return {
        "Transform": le.TRANSFORM,
        "Mappings": {"Items": {item: {"Value": f"v-{item}"} for item in items}},
        "Resources": {"Fn::ForEach::Outer": ["Name", items, draw(_fragment(0, []))]},
    }


def _cfn_lint(template: dict[str, Any]) -> dict[str, Any]:
    from cfnlint.template import Template
    from cfnlint.template.transforms._language_extensions import language_extension

    matches, out = language_extension(Template("t.json", copy.deepcopy(template), regions=["us-east-1"]))
    assert matches == []
    return json.loads(json.dumps(out))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_templates())
def test_the_expansion_agrees_with_cfn_lint(template: dict[str, Any]) -> None:
    pytest.importorskip("cfnlint")
    ours = le.expand(template)
    if ours.problems:  # a key generated twice (an inner item equal to an outer one...)
        assert all("CloudFormation rejects the template" in reason for _, reason in ours.problems)
        return
    theirs = _cfn_lint(template)
    expected = {k: v for k, v in theirs.items() if k != "Transform"}
    assert {k: v for k, v in ours.template.items() if k != "Transform"} == expected
    generated = set(ours.template["Resources"])
    assert set(ours.origins.get("Resources", {})) == generated
    assert all(origin.startswith("Fn::ForEach::Outer (Name=") for origin in ours.origins["Resources"].values())
