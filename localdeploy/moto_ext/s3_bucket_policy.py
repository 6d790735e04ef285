"""AWS::S3::BucketPolicy on moto's S3 backend (``put_bucket_policy``).

moto gap: no CloudFormation handler. ``cdk bootstrap``'s template has one (StagingBucketPolicy);
moto used to skip it silently, and now that unsupported types fail the stack
(``stack_failures``) bootstrapping needs it.

moto limitation: its bucket-policy enforcement ignores ``Condition``s, so the bootstrap policy's
"Deny s3:* to * when aws:SecureTransport is false" would deny every request (asset uploads get
403). A conditional Deny statement is therefore left out of the stored policy (moto would apply
it unconditionally); everything else is stored as written.
"""

from __future__ import annotations

import json
from typing import Any

from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from ._base import CloudFormationModel, HandlerDefaults, ref_name


def _backend(account_id: str, region_name: str) -> Any:
    return s3_backends[account_id][get_partition(region_name)]


def enforceable(document: dict[str, Any] | str) -> dict[str, Any]:
    """The policy without its conditional Deny statements (moto would enforce them always)."""
    policy: dict[str, Any] = json.loads(document) if isinstance(document, str) else dict(document)
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    policy["Statement"] = [
        s for s in statements if not (s.get("Effect") == "Deny" and "Condition" in s)
    ]
    return policy


class BucketPolicy(HandlerDefaults, CloudFormationModel):
    """Ref: the bucket name."""

    cfn_type = "AWS::S3::BucketPolicy"

    def __init__(self, bucket: str) -> None:
        self.physical_id = bucket

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> BucketPolicy:
        props = cloudformation_json["Properties"]
        bucket = ref_name(props["Bucket"])
        policy = json.dumps(enforceable(props["PolicyDocument"]))
        _backend(account_id, region_name).put_bucket_policy(bucket, policy.encode())
        return cls(bucket)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        if self.physical_id in backend.buckets:
            backend.delete_bucket_policy(self.physical_id)


def install() -> None:
    """Registered by being defined (moto reads ``CloudFormationModel.__subclasses__()``)."""
