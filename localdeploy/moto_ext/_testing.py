"""Helpers the extension tests share: deploy a hand-written template to a running endpoint."""

from __future__ import annotations

import json
import os
from typing import Any

from localdeploy.endpoint import LOCAL_ENV, REGION


def client(url: str, service: str) -> Any:
    """A boto3 client for the local endpoint with the local dummy credentials."""
    import boto3

    os.environ.update(LOCAL_ENV)
    return boto3.client(service, endpoint_url=url, region_name=REGION)


def deploy(url: str, stack_name: str, template: dict[str, Any], *, change_set: bool = True) -> dict[str, Any]:
    """Create ``stack_name`` from ``template`` through a change set (the ``cdk deploy`` path) or
    CreateStack; return DescribeStacks' entry for it."""
    cfn = client(url, "cloudformation")
    body = json.dumps(template)
    if change_set:
        cfn.create_change_set(
            StackName=stack_name, ChangeSetName="deploy", ChangeSetType="CREATE", TemplateBody=body
        )
        cfn.execute_change_set(StackName=stack_name, ChangeSetName="deploy")
    else:
        cfn.create_stack(StackName=stack_name, TemplateBody=body)
    stack: dict[str, Any] = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    return stack


def physical_ids(url: str, stack_name: str) -> dict[str, str]:
    """Logical id -> physical id of the stack's resources."""
    cfn = client(url, "cloudformation")
    resources = cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}


LAMBDA_ROLE: dict[str, Any] = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    },
}


def function(name: str, **extra: Any) -> dict[str, Any]:
    """An inline Python function resource using the ``Role`` resource of the same template."""
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
            **extra,
        },
    }
