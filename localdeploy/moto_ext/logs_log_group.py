"""``Fn::GetAtt [LogGroup, Arn]`` ends in ``:*``, as in CloudFormation.

moto bug: the AWS::Logs::LogGroup model answers GetAtt ``Arn`` with the bare log-group ARN
(``arn:aws:logs:<region>:<account>:log-group:<name>``). CloudFormation's ``Arn`` attribute is the
ARN with ``:*`` (``...:log-group:<name>:*``, DescribeLogGroups' ``arn``), so whatever a template
wires from it (an API stage's access-log destination, an IAM policy resource) would read back
different from real AWS. We answer with CloudFormation's form.
"""

from __future__ import annotations

from typing import Any

from moto.logs.models import LogGroup

_INSTALLED = "_constructs_lib_arn_with_star"


def install() -> None:
    if getattr(LogGroup, _INSTALLED, False):
        return
    original = LogGroup.get_cfn_attribute

    def get_cfn_attribute(self: LogGroup, attribute_name: str) -> Any:
        if attribute_name == "Arn":
            return f"{self.arn}:*"
        return original(self, attribute_name)

    LogGroup.get_cfn_attribute = get_cfn_attribute  # type: ignore[method-assign]
    setattr(LogGroup, _INSTALLED, True)
