"""AWS::Events::Rule on a custom event bus, and the bus's own properties.

moto bug: its AWS::Events::EventBus model has no physical id, so ``{"Ref": "Bus"}`` resolves
to the ``EventBus`` object itself; the Rule handler passes it as ``EventBusName`` to
``put_rule``, whose ``_normalize_event_bus_arn`` calls ``.split("/")`` on it:
``AttributeError: 'EventBus' object has no attribute 'split'``. The request dies with a 500 and
every resource after the rule is never created. CloudFormation's Ref of an event bus is its
name, so we give the model that physical id; the rule then lands on the custom bus with its
targets (DeadLetterConfig and RetryPolicy included, stored as given).

moto bug: the EventBus handler passes only ``Name`` and ``EventSourceName`` to
``create_event_bus``; ``Description``, ``DeadLetterConfig`` and ``KmsKeyIdentifier`` are dropped
(DescribeEventBus would return them when CreateEventBus is given them). We set them on the bus,
as CreateEventBus does.
"""

from __future__ import annotations

from typing import Any

from moto.events.models import EventBus

#: CloudFormation property -> the EventBus attribute CreateEventBus sets.
KEPT_BUS_PROPERTIES = {
    "Description": "description",
    "DeadLetterConfig": "dead_letter_config",
    "KmsKeyIdentifier": "kms_key_identifier",
}
_INSTALLED = "_constructs_lib_keeps_bus_properties"


def install() -> None:
    if "physical_resource_id" not in vars(EventBus):
        EventBus.physical_resource_id = property(lambda self: self.name)  # type: ignore[attr-defined]
    if getattr(EventBus, _INSTALLED, False):
        return
    original = EventBus.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: type[EventBus],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EventBus:
        bus: EventBus = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        props = cloudformation_json.get("Properties", {})
        for prop, attr in KEPT_BUS_PROPERTIES.items():
            if props.get(prop) is not None:
                setattr(bus, attr, props[prop])
        return bus

    EventBus.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    setattr(EventBus, _INSTALLED, True)
