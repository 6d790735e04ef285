"""Handlers for StreamProcessor: Kinesis data streams and DynamoDB Streams (ordered, per shard)."""
