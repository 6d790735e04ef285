"""The DynamoDB table behind Powertools' idempotency, shared by the reference stacks."""

from __future__ import annotations

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

#: Powertools' DynamoDBPersistenceLayer defaults: partition key and expiry attribute.
IDEMPOTENCY_KEY_ATTR = "id"
IDEMPOTENCY_EXPIRY_ATTR = "expiration"
#: Exactly what Powertools' idempotency needs on its table (its documented IAM policy).
IDEMPOTENCY_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")


def idempotency_table(scope: Construct, id: str = "IdempotencyTable") -> dynamodb.Table:
    """A Powertools idempotency table: partition key ``id``, TTL ``expiration``,
    on-demand, encrypted. Its records live days at most, so no backups, and it can go
    with the stack."""
    table = dynamodb.Table(
        scope,
        id,
        partition_key=dynamodb.Attribute(name=IDEMPOTENCY_KEY_ATTR, type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        time_to_live_attribute=IDEMPOTENCY_EXPIRY_ATTR,
        removal_policy=RemovalPolicy.DESTROY,
    )
    Validations.of(table).acknowledge(
        Acknowledgment(
            id="AwsSolutions-DDB3",
            reason="holds only idempotency records that DynamoDB TTL expires within days; "
            "point-in-time recovery would protect nothing worth restoring",
        )
    )
    return table


def grant_idempotency(table: dynamodb.ITable, function: lambda_.IFunction) -> None:
    """Exactly what Powertools' idempotency needs on its table."""
    function.add_to_role_policy(iam.PolicyStatement(actions=list(IDEMPOTENCY_ACTIONS), resources=[table.table_arn]))
