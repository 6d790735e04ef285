"""Recursive loop detection turned off (``RecursiveLoop: Allow``) on a Lambda function.

The same pure rule as the constructs' ``recursive_loop`` prop
(:mod:`constructs_lib.value_rules.recursion`). Read from ``AWS::Lambda::Function`` and
``AWS::Serverless::Function`` resources.
"""

from __future__ import annotations

from collections.abc import Iterator

from constructs_lib import limits
from constructs_lib.checks.core import CheckOptions, Hit, rule
from constructs_lib.template.model import FUNCTION, SERVERLESS_FUNCTION, TemplateModel
from constructs_lib.value_rules import recursion as recursion_rules


@rule(
    "lambda-recursive-loop-allowed",
    "warning",
    explanation="""With RecursiveLoop Terminate (the default), Lambda stops a function that is
    invoked in a loop through Lambda, SQS, SNS or S3 after about 16 invocations and drops the
    event. Allow turns that off: a loop runs, and bills, until someone notices. Allow is right
    only for a deliberate, bounded recursion; acknowledge the finding with that reason.""",
    source=limits.SRC_LAMBDA_RECURSION,
    level_reason="""Warning: Lambda accepts Allow and nothing is lost; AWS recommends leaving loop
    detection on, and a deliberate recursion is a legitimate choice once it is bounded.""",
)
def lambda_recursive_loop_allowed(model: TemplateModel, options: CheckOptions) -> Iterator[Hit]:
    for fn in model.of_type(FUNCTION, SERVERLESS_FUNCTION):
        value = fn.get("RecursiveLoop")
        violation = recursion_rules.recursive_loop_allowed(value if isinstance(value, str) else None, prop="RecursiveLoop")
        if violation is not None:
            yield Hit.of(fn, violation, location="Properties/RecursiveLoop")


RULES = (lambda_recursive_loop_allowed,)
