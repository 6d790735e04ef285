"""The one error type the constructs raise for props that would misbehave in AWS."""

from __future__ import annotations

from constructs import Construct

from constructs_lib.value_rules import Violation


class ConstructPropsError(ValueError):
    """A construct was given props that would misbehave in AWS.

    The message names the construct type and path, the property, the value, the rule or
    range it breaks, why that matters, and the AWS documentation it comes from::

        QueueConsumer 'Stack/Orders': visibility_timeout 60 s is below 6 x timeout (30 s)
        + max_batching_window (0 s) = 180 s; ... (https://docs.aws.amazon.com/...)

    ``prop`` is always a prop (or method argument) you set. Types and units are checked
    first, before anything reaches aws-cdk-lib: a number where a ``Duration`` belongs,
    ``True`` or ``"10"`` where an integer belongs, a fraction where AWS takes an integer
    (``batch_size=2.5``), a fraction of the unit AWS counts (``Duration.millis(1500)`` as a
    timeout, in whole seconds), an object of the wrong kind (a Kinesis stream as ``table``),
    escape-hatch keys the construct sets itself or its target does not take. An unresolved
    token (a ``CfnParameter`` value) passes through unchecked, but a token ``Duration`` must
    be in the unit the template takes (``Duration.seconds(token)``, or ``Duration.millis``
    for milliseconds): ``Duration.minutes(token)`` cannot be converted at synth time. Then
    the ranges and combinations AWS refuses, and what would lose data. A reservation above
    the account's Lambda quota minus the 100 executions Lambda keeps unreserved is refused
    (quota 1,000 by default; set the context ``constructs-lib:account-concurrency`` when
    yours was raised).

    The constructs record their cdk-nag acknowledgments in one batch on the construct; each
    reason names the resource it concerns and is true of it.
    """

    def __init__(self, construct: Construct, violation: Violation) -> None:
        self.construct_path = construct.node.path
        self.construct_type = type(construct).__name__
        self.violation = violation
        super().__init__(f"{self.construct_type} '{self.construct_path}': {violation}")

    @property
    def prop(self) -> str:
        """The name of the offending property, as the construct's keyword argument."""
        return self.violation.prop
