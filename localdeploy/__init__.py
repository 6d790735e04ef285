"""Test infrastructure, not product: run the reference stacks against a local moto
endpoint (or a real account) with the real CDK CLI, and read back what was deployed."""
