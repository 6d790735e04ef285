"""AWS::Events::Rule on a custom event bus.

moto bug: its AWS::Events::EventBus model has no physical id, so ``{"Ref": "Bus"}`` resolves
to the ``EventBus`` object itself; the Rule handler passes it as ``EventBusName`` to
``put_rule``, whose ``_normalize_event_bus_arn`` calls ``.split("/")`` on it:
``AttributeError: 'EventBus' object has no attribute 'split'``. The request dies with a 500 and
every resource after the rule is never created. CloudFormation's Ref of an event bus is its
name, so we give the model that physical id; the rule then lands on the custom bus with its
targets (DeadLetterConfig and RetryPolicy included, stored as given).
"""

from __future__ import annotations

from moto.events.models import EventBus


def install() -> None:
    if "physical_resource_id" not in vars(EventBus):
        EventBus.physical_resource_id = property(lambda self: self.name)  # type: ignore[attr-defined]
