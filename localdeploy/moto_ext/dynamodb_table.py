"""AWS::DynamoDB::Table keeps SSESpecification and TimeToLiveSpecification.

moto bugs, both in ``Table.create_from_cloudformation_json``:

- ``SSESpecification`` is handed to ``create_table`` in CloudFormation's shape (``SSEEnabled``),
  but the table reads the API's shape (``Enabled``), so ``SSEEnabled: true`` is ignored and
  DescribeTable has no ``SSEDescription``. We translate it to the API shape first (what
  CreateTable's ``SSESpecification`` is); the table then reports KMS encryption with the AWS
  managed key (``alias/aws/dynamodb``) or the given ``KMSMasterKeyId``, as DynamoDB does.
- ``TimeToLiveSpecification`` is never read, so DescribeTimeToLive says ``DISABLED``. We apply it
  after the table is created with ``update_time_to_live``, as CloudFormation does with
  UpdateTimeToLive.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

_INSTALLED = "_constructs_lib_keeps_sse_and_ttl"


def api_sse_specification(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation ``SSESpecification`` -> CreateTable's (``SSEEnabled`` -> ``Enabled``)."""
    api: dict[str, Any] = {"Enabled": bool(cfn.get("SSEEnabled"))}
    for key in ("SSEType", "KMSMasterKeyId"):
        if cfn.get(key) is not None:
            api[key] = cfn[key]
    return api


def install() -> None:
    if getattr(Table, _INSTALLED, False):
        return
    original = Table.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: type[Table],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Table:
        translated = copy.deepcopy(cloudformation_json)  # moto's table keeps (and mutates) what it is given
        props = translated.get("Properties", {})
        if isinstance(props.get("SSESpecification"), dict):
            props["SSESpecification"] = api_sse_specification(props["SSESpecification"])
        table: Table = original(cls, resource_name, translated, account_id, region_name, **kwargs)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and "AttributeName" in ttl:
            dynamodb_backends[account_id][region_name].update_time_to_live(
                table.name, {"AttributeName": ttl["AttributeName"], "Enabled": bool(ttl.get("Enabled"))}
            )
        return table

    Table.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    setattr(Table, _INSTALLED, True)
