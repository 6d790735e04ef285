"""AWS::SQS::QueuePolicy on moto's SQS backend (``set_queue_attributes`` Policy). moto gap."""

from __future__ import annotations

import json
from typing import Any

from moto.sqs.models import sqs_backends

from ._base import CloudFormationModel, HandlerDefaults, ref_name


def queue_name(url_or_name: str) -> str:
    """The queue name from a queue URL (what Ref of AWS::SQS::Queue returns) or a name."""
    return url_or_name.rstrip("/").split("/")[-1]


class QueuePolicy(HandlerDefaults, CloudFormationModel):
    """Ref: a generated id, as CloudFormation."""

    cfn_type = "AWS::SQS::QueuePolicy"

    def __init__(self, physical_id: str, queues: list[str]) -> None:
        self.physical_id = physical_id
        self.queues = queues

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> QueuePolicy:
        props = cloudformation_json["Properties"]
        document = props["PolicyDocument"]
        policy = document if isinstance(document, str) else json.dumps(document)
        backend = sqs_backends[account_id][region_name]
        names = [queue_name(ref_name(q)) for q in props["Queues"]]
        for name in names:
            backend.set_queue_attributes(name, {"Policy": policy})
        return cls(resource_name, names)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = sqs_backends[account_id][region_name]
        for name in self.queues:
            if name in backend.queues:
                backend.set_queue_attributes(name, {"Policy": None})


def install() -> None:
    """Registered by being defined (moto reads ``CloudFormationModel.__subclasses__()``)."""
