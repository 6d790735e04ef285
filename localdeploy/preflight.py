"""Before ``make deploy TARGET=aws`` touches anything: which account and Region the
credentials point at, and whether that environment is bootstrapped for the CDK.

Everything that can be missing is reported as one sentence that says what is missing and
how to provide it (:class:`TargetNotReady`), never as a traceback.

Sources: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html,
https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html (the ``CDKToolkit`` stack
and the ``/cdk-bootstrap/<qualifier>/version`` SSM parameter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The CDK's default bootstrap qualifier and toolkit stack name.
DEFAULT_QUALIFIER = "hnb659fds"
TOOLKIT_STACK = "CDKToolkit"
#: The bootstrap version templates synthesized by aws-cdk-lib 2.x require (their
#: ``CheckBootstrapVersion`` rule): older environments must be bootstrapped again.
MIN_BOOTSTRAP_VERSION = 6

HOW_TO_CREDENTIALS = (
    "set AWS_PROFILE to a configured profile (`aws configure`, or `aws sso login --profile NAME`) "
    "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)


class TargetNotReady(Exception):
    """The target account cannot be deployed to; ``str()`` says what is missing and how to fix it."""


@dataclass(frozen=True)
class Target:
    account: str
    region: str
    arn: str
    #: The bootstrap version found, or None when the environment is not bootstrapped.
    bootstrap_version: int | None

    @property
    def environment(self) -> str:
        return f"aws://{self.account}/{self.region}"

    @property
    def bootstrapped(self) -> bool:
        return self.bootstrap_version is not None and self.bootstrap_version >= MIN_BOOTSTRAP_VERSION

    def describe(self) -> str:
        if self.bootstrap_version is None:
            state = "not bootstrapped yet (make deploy runs `cdk bootstrap` first)"
        elif not self.bootstrapped:
            state = (
                f"bootstrap version {self.bootstrap_version} is older than the {MIN_BOOTSTRAP_VERSION} the "
                "templates need (make deploy runs `cdk bootstrap` to upgrade it)"
            )
        else:
            state = f"bootstrapped (version {self.bootstrap_version})"
        return f"account {self.account}, Region {self.region} as {self.arn}; {state}"


def check_target(session: Any, qualifier: str = DEFAULT_QUALIFIER) -> Target:
    """Account, Region and bootstrap state of ``session`` (a ``boto3.session.Session``).

    Raises :class:`TargetNotReady` when there are no credentials, no Region, or STS
    rejects the credentials.
    """
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    if session.get_credentials() is None:
        raise TargetNotReady(f"no AWS credentials found: {HOW_TO_CREDENTIALS}")
    region = session.region_name
    if not region:
        raise TargetNotReady(
            "no AWS Region configured: set AWS_REGION (e.g. `AWS_REGION=eu-west-1 make deploy TARGET=aws`) "
            "or a region in your profile"
        )
    try:
        identity = session.client("sts", region_name=region).get_caller_identity()
    except NoCredentialsError:
        raise TargetNotReady(f"no AWS credentials found: {HOW_TO_CREDENTIALS}") from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        message = error.response.get("Error", {}).get("Message", str(error))
        raise TargetNotReady(
            f"STS rejected the AWS credentials ({code}: {message}): refresh them (`aws sso login`, new "
            f"access keys) or {HOW_TO_CREDENTIALS}"
        ) from None
    except BotoCoreError as error:
        raise TargetNotReady(f"cannot reach STS in {region} ({error}): check the Region and your network") from None
    return Target(
        account=identity["Account"],
        region=region,
        arn=identity["Arn"],
        bootstrap_version=bootstrap_version(session, region, qualifier),
    )


def bootstrap_version(session: Any, region: str, qualifier: str = DEFAULT_QUALIFIER) -> int | None:
    """The environment's bootstrap version (SSM ``/cdk-bootstrap/<qualifier>/version``,
    else the ``CDKToolkit`` stack's ``BootstrapVersion`` output); None when neither exists
    or cannot be read."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        parameter = session.client("ssm", region_name=region).get_parameter(Name=f"/cdk-bootstrap/{qualifier}/version")
        return int(parameter["Parameter"]["Value"])
    except (ClientError, BotoCoreError, KeyError, ValueError):
        pass
    try:
        stacks = session.client("cloudformation", region_name=region).describe_stacks(StackName=TOOLKIT_STACK)["Stacks"]
    except (ClientError, BotoCoreError):
        return None
    for output in stacks[0].get("Outputs", []) if stacks else []:
        if output.get("OutputKey") == "BootstrapVersion":
            try:
                return int(output["OutputValue"])
            except (KeyError, ValueError):
                return None
    return None
