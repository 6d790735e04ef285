"""The DynamoDB order store (Lambda glue: it talks to AWS; the logic stays in logic.py).

One item per order, partition key ``id``. ``put`` refuses to overwrite an existing
order (a conditional put: a retry with the same idempotency key finds its first
attempt's order instead of replacing it); ``get`` reads
strongly consistent, so a client that reads right after its POST sees its order.
Numbers come back from DynamoDB as ``Decimal`` and are turned back into ``int``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orders_api.logic import OrderExists

__all__ = ["DynamoDBOrderStore", "OrderExists"]


class DynamoDBOrderStore:
    """:class:`orders_api.logic.OrderStore` on a DynamoDB table (low-level client)."""

    def __init__(self, table_name: str, client: Any) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self.table_name = table_name
        self.client = client
        self._serializer = TypeSerializer()
        self._deserializer = TypeDeserializer()

    def put(self, order: dict[str, Any]) -> None:
        item = {key: self._serializer.serialize(value) for key, value in order.items()}
        try:
            self.client.put_item(
                TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(id)"
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            raise OrderExists(f"order {order['id']} already exists") from None

    def get(self, order_id: str) -> dict[str, Any] | None:
        response = self.client.get_item(TableName=self.table_name, Key={"id": {"S": order_id}}, ConsistentRead=True)
        item = response.get("Item")
        if item is None:
            return None
        return {key: _plain(self._deserializer.deserialize(value)) for key, value in item.items()}


def _plain(value: Any) -> Any:
    """DynamoDB's Decimals back to int/float, recursively (JSON-ready)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
