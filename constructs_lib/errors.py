"""The one error type the constructs raise for props that would misbehave in AWS."""

from __future__ import annotations

from constructs import Construct

from constructs_lib.rules import Violation


class ConstructPropsError(ValueError):
    """A construct was given props that would misbehave in AWS.

    The message names the construct type and path, the property, the value, the rule or
    range it breaks, why that matters, and the AWS documentation it comes from::

        QueueConsumer 'Stack/Orders': visibility_timeout 60 s is below 6 x timeout (30 s)
        + max_batching_window (0 s) = 180 s; ... (https://docs.aws.amazon.com/...)
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
