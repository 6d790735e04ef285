"""End to end through the real CDK CLI: bootstrap, then ``cdk deploy`` (change sets) of a small
app with every type the extensions add, read back from the endpoint's own APIs.

Slow (two CLI runs and a synth): marked ``deploy``. Lambda functions are never invoked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from localdeploy.endpoint import ACCOUNT, LOCAL_ENV, REGION, running_endpoint
from localdeploy.moto_ext._testing import client

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"

APP = textwrap.dedent(
    """
    import aws_cdk as cdk
    from aws_cdk import (
        Duration, aws_apigateway as apigw, aws_apigatewayv2 as apigwv2,
        aws_apigatewayv2_integrations as integrations, aws_cloudwatch as cloudwatch,
        aws_events as events, aws_events_targets as targets, aws_lambda as lambda_,
        aws_lambda_destinations as destinations, aws_sqs as sqs,
    )

    app = cdk.App()
    stack = cdk.Stack(app, "MotoExtE2E", env=cdk.Environment(account="123456789012", region="us-east-1"))
    fn = lambda_.Function(
        stack, "Fn", function_name="e2e-fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\\n    return {}\\n"),
        architecture=lambda_.Architecture.ARM_64, tracing=lambda_.Tracing.ACTIVE,
    )
    failures = sqs.Queue(stack, "Failures", queue_name="e2e-failures")
    fn.configure_async_invoke(retry_attempts=0, max_event_age=Duration.hours(1),
                              on_failure=destinations.SqsDestination(failures))
    lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
    api = apigw.RestApi(stack, "Rest", rest_api_name="e2e-rest", deploy_options=apigw.StageOptions(
        stage_name="prod", throttling_rate_limit=10, throttling_burst_limit=5, tracing_enabled=True))
    api.root.add_resource("items").add_method("GET", apigw.LambdaIntegration(fn))
    http = apigwv2.HttpApi(stack, "Http", api_name="e2e-http")
    http.add_routes(path="/orders", methods=[apigwv2.HttpMethod.POST],
                    integration=integrations.HttpLambdaIntegration("Orders", fn, timeout=Duration.seconds(10)))
    bus = events.EventBus(stack, "Bus", event_bus_name="e2e-bus")
    dlq = sqs.Queue(stack, "RuleDlq", queue_name="e2e-rule-dlq")
    events.Rule(stack, "Rule", rule_name="e2e-rule", event_bus=bus,
                event_pattern=events.EventPattern(source=["orders"]),
                targets=[targets.LambdaFunction(fn, dead_letter_queue=dlq, retry_attempts=2,
                                                max_event_age=Duration.hours(2))])
    cloudwatch.Alarm(stack, "Errors", alarm_name="e2e-errors", metric=fn.metric_errors(),
                     threshold=1, evaluation_periods=1)
    cdk.CfnOutput(stack, "RestUrl", value=api.url)
    app.synth()
    """
)


def _cdk(args: list[str], cwd: Path, url: str) -> tuple[float, str]:
    env = {
        **os.environ,
        **LOCAL_ENV,
        "AWS_ENDPOINT_URL": url,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
    start = time.monotonic()
    done = subprocess.run(
        [str(CDK), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    elapsed = time.monotonic() - start
    assert done.returncode == 0, f"cdk {' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return elapsed, done.stdout + done.stderr


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, float]]]:
    if not CDK.exists():
        pytest.skip("node_modules missing: run `make setup`")
    app_dir = tmp_path_factory.mktemp("cdkapp")
    (app_dir / "app.py").write_text(APP)
    (app_dir / "cdk.json").write_text(f'{{"app": "{sys.executable} app.py"}}')
    with running_endpoint(app_dir / "moto.log") as url:
        timings = {}
        timings["bootstrap"], _ = _cdk(["bootstrap", f"aws://{ACCOUNT}/{REGION}"], app_dir, url)
        timings["deploy"], out = _cdk(
            ["deploy", "MotoExtE2E", "--require-approval", "never", "--progress", "events"], app_dir, url
        )
        print(f"\ncdk bootstrap {timings['bootstrap']:.1f} s, cdk deploy {timings['deploy']:.1f} s")
        yield url, timings


@pytest.mark.deploy
def test_cdk_deploy_completes_through_change_sets(deployed: tuple[str, dict[str, float]]) -> None:
    url, _ = deployed
    stack = client(url, "cloudformation").describe_stacks(StackName="MotoExtE2E")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert any(o["OutputKey"] == "RestUrl" for o in stack.get("Outputs", []))


@pytest.mark.deploy
def test_cdk_deployed_resources_read_back(deployed: tuple[str, dict[str, float]]) -> None:
    url, _ = deployed
    lam = client(url, "lambda")
    config = lam.get_function_configuration(FunctionName="e2e-fn")
    assert config["Architectures"] == ["arm64"]
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert lam.get_alias(FunctionName="e2e-fn", Name="live")["FunctionVersion"] == "1"
    invoke = lam.get_function_event_invoke_config(FunctionName="e2e-fn")
    assert invoke["MaximumRetryAttempts"] == 0
    assert invoke["MaximumEventAgeInSeconds"] == 3600

    rest = next(a for a in client(url, "apigateway").get_rest_apis()["items"] if a["name"] == "e2e-rest")
    stage = client(url, "apigateway").get_stage(restApiId=rest["id"], stageName="prod")
    assert stage["tracingEnabled"] is True
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == 10.0
    assert stage["methodSettings"]["*/*"]["throttlingBurstLimit"] == 5

    v2 = client(url, "apigatewayv2")
    http = next(a for a in v2.get_apis()["Items"] if a["Name"] == "e2e-http")
    assert [r["RouteKey"] for r in v2.get_routes(ApiId=http["ApiId"])["Items"]] == ["POST /orders"]
    (integration,) = v2.get_integrations(ApiId=http["ApiId"])["Items"]
    assert integration["TimeoutInMillis"] == 10000
    assert [s["StageName"] for s in v2.get_stages(ApiId=http["ApiId"])["Items"]] == ["$default"]

    (target,) = client(url, "events").list_targets_by_rule(Rule="e2e-rule", EventBusName="e2e-bus")["Targets"]
    assert target["DeadLetterConfig"]["Arn"].endswith(":e2e-rule-dlq")
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 7200}

    sqs = client(url, "sqs")
    dlq_url = sqs.get_queue_url(QueueName="e2e-rule-dlq")["QueueUrl"]
    assert "events.amazonaws.com" in sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["Policy"])[
        "Attributes"
    ]["Policy"]
    (alarm,) = client(url, "cloudwatch").describe_alarms(AlarmNames=["e2e-errors"])["MetricAlarms"]
    assert alarm["MetricName"] == "Errors"
