"""What each rule's mistake is, what it leads to and how to fix it: one table, so that
``check``, ``explain`` and ``simulate`` (and the constructs' errors, through the rules over
plain values) describe one mistake in the same words.

Keyed by rule id (``constructs-lib rules``). Each entry has:

- ``summary``: the rule's one line, what is wrong (``constructs-lib rules``, SARIF);
- ``consequence``: what happens in AWS because of it, as a clause that reads after a
  semicolon or a colon (lower case, no final stop): ``check`` prints it in the finding,
  ``explain`` next to the problem it marks, ``simulate`` next to the events it counts;
- ``fix``: what to change, one or two sentences;
- ``also``: the consequence of a variant of the mistake the same rule reports (a value AWS
  refuses beside one that only throttles), when it differs.

At the bottom of the layers, beside :mod:`constructs_lib.limits`: the rules over plain
values, the checks, the simulation and ``explain`` all read it, and it imports nothing.
The sources of each behaviour are cited where the rule is coded
(``constructs_lib/checks/rules/``) and in ``docs/rules/<id>.md``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleText:
    """The words of one rule (see the module's docstring)."""

    summary: str
    consequence: str
    fix: str
    also: tuple[str, ...] = ()

    @property
    def consequences(self) -> tuple[str, ...]:
        """The main consequence, then its variants'."""
        return (self.consequence, *self.also)


#: The deploy fails: what a value AWS refuses leads to.
_REJECTED_MAPPING = "Lambda rejects the event source mapping, so the deploy fails"
_THROTTLED_POLLERS = (
    "the poller invokes more copies than the function may run: the surplus invocations are throttled, and "
    "their messages return to the queue and count towards maxReceiveCount until they land in the dead-letter "
    "queue"
)

MESSAGES: dict[str, RuleText] = {
    # SQS -------------------------------------------------------------------------------
    "sqs-visibility-below-function-timeout": RuleText(
        "An SQS source queue's visibility timeout is below the function timeout.",
        "Lambda refuses to create or update an SQS event source mapping whose function timeout exceeds the "
        "queue's visibility timeout, so the deploy fails",
        "Set the queue's VisibilityTimeout to at least 6 x the function's Timeout + "
        "MaximumBatchingWindowInSeconds (never below the Timeout), or lower the Timeout.",
    ),
    "sqs-visibility-timeout": RuleText(
        "An SQS source queue's visibility timeout is below 6 x the function timeout + batching window.",
        "a message becomes visible again while its batch may still be running or waiting for a throttled "
        "retry, so it is processed twice and counts towards the maxReceiveCount that sends it to the "
        "dead-letter queue",
        "Set the queue's VisibilityTimeout to at least 6 x the function's Timeout + "
        "MaximumBatchingWindowInSeconds.",
    ),
    "sqs-redrive-policy": RuleText(
        "An SQS queue polled by Lambda has no redrive policy (no dead-letter queue).",
        "a message that always fails returns to the queue after every visibility timeout until its retention "
        "period ends, and then SQS deletes it: it is lost",
        "Give the queue a RedrivePolicy with a deadLetterTargetArn and maxReceiveCount >= 5.",
    ),
    "sqs-max-receive-count": RuleText(
        "An SQS source queue's maxReceiveCount is below 5.",
        "when the function is throttled, Lambda's poller still receives messages, so good messages can reach "
        "the dead-letter queue without ever being processed",
        "Set the redrive policy's maxReceiveCount to 5 or more.",
    ),
    "sqs-max-receive-count-range": RuleText(
        "An SQS source queue's maxReceiveCount is outside SQS's 1-1,000.",
        "SQS rejects the redrive policy, so the deploy fails",
        "Set the redrive policy's maxReceiveCount between 1 and 1,000 (5 or more is recommended).",
    ),
    "sqs-partial-batch-response": RuleText(
        "An SQS mapping with batches above 1 does not use partial batch responses.",
        "when one message fails, the whole batch returns to the queue and the messages that succeeded are "
        "processed again (and count towards maxReceiveCount)",
        'Set FunctionResponseTypes: ["ReportBatchItemFailures"] and return batchItemFailures from the handler '
        "(Powertools' BatchProcessor), or use BatchSize 1.",
    ),
    "sqs-dlq-retention": RuleText(
        "A standard queue's dead-letter queue keeps messages for less time than the queue itself.",
        "messages keep their original enqueue timestamp in the dead-letter queue, so they can expire there "
        "before anyone redrives them",
        "Set the dead-letter queue's MessageRetentionPeriod to at least the source's (14 days, 1209600 s, is "
        "the maximum and a good default).",
    ),
    "sqs-fifo-dlq": RuleText(
        "A FIFO queue's dead-letter queue is a standard queue (or the reverse).",
        "SQS requires the dead-letter queue of a FIFO queue to be FIFO and of a standard queue to be "
        "standard, and rejects the redrive policy: the deploy fails",
        "Make the dead-letter queue the same type as its source (FifoQueue: true for FIFO).",
    ),
    # Concurrency -----------------------------------------------------------------------
    "lambda-reserved-concurrency-zero": RuleText(
        "A function's reserved concurrency is 0 (or negative).",
        "every invocation is throttled: the function never runs, and every event is retried until it expires "
        "or lands in a failure destination",
        "Remove ReservedConcurrentExecutions, or set it to 1 or more.",
        also=("Lambda rejects a negative reservation, so the deploy fails",),
    ),
    "esm-max-concurrency-above-reserved": RuleText(
        "An event source mapping's maximum concurrency is above its function's reserved concurrency.",
        _THROTTLED_POLLERS,
        "Set ScalingConfig.MaximumConcurrency <= the function's ReservedConcurrentExecutions.",
    ),
    "lambda-unreserved-pool": RuleText(
        "The app's reserved concurrency leaves fewer than 100 unreserved executions.",
        "Lambda keeps at least 100 executions unreserved and refuses the reservation, so the deploy fails",
        "Lower the reservations, or pass your account's quota (--account-concurrency / "
        "InvocationModelChecks(account_concurrency=...)) after requesting an increase.",
    ),
    # Streams ---------------------------------------------------------------------------
    "stream-unbounded-retries": RuleText(
        "A stream mapping retries forever with no maximum record age (both -1, the default).",
        "one poison record blocks its whole shard (every later record on it waits) until the record expires "
        "from the stream, and then it is lost without reaching the on-failure destination",
        "Set MaximumRetryAttempts (e.g. 3) and/or MaximumRecordAgeInSeconds (e.g. 21600).",
    ),
    "stream-on-failure-destination": RuleText(
        "A stream mapping has no on-failure destination.",
        "records that exhaust their retries or their maximum age are discarded without a trace",
        "Set DestinationConfig.OnFailure.Destination to an SQS queue or SNS topic ARN.",
    ),
    "stream-bisect-batch": RuleText(
        "A stream mapping neither bisects failing batches nor uses partial batch responses.",
        "one poison record fails its whole batch on every retry, so good records share its fate (retried, "
        "then sent to the failure destination) and the shard stalls meanwhile",
        'Set BisectBatchOnFunctionError: true, or FunctionResponseTypes: ["ReportBatchItemFailures"].',
    ),
    # Asynchronous invocation -----------------------------------------------------------
    "async-failure-destination": RuleText(
        "A function invoked asynchronously has no on-failure destination and no dead-letter queue.",
        "after Lambda's retries (2 by default) or when the event is older than its maximum age, the event is "
        "discarded without a trace",
        "Add an AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure (an SQS queue, SNS topic, bus "
        "or function), or a DeadLetterConfig on the function (the only option for a durable function).",
    ),
    "eventbridge-target-dlq": RuleText(
        "An EventBridge rule's or EventBridge Scheduler schedule's Lambda target has no dead-letter queue.",
        "an event that cannot be delivered (throttling, a missing permission, a deleted function) is retried "
        "for up to 24 h (its retry policy) and then dropped",
        "Set the target's DeadLetterConfig.Arn to an SQS queue (and a RetryPolicy if needed).",
    ),
    "eventbridge-target-retry-policy": RuleText(
        "An EventBridge rule's or Scheduler schedule's target retry policy is outside 0-185 attempts or 60 s - 24 h.",
        "EventBridge rejects the target's retry policy, so the deploy fails",
        "Set RetryPolicy.MaximumRetryAttempts within 0-185 and MaximumEventAgeInSeconds within 60-86400 (or "
        "leave them out: 185 attempts and 24 h are the defaults).",
    ),
    "sns-subscription-redrive": RuleText(
        "An SNS subscription of a Lambda function has no redrive policy.",
        "a message SNS cannot deliver to the function (throttling beyond SNS's retries, a missing permission) "
        "is discarded",
        'Set the subscription\'s RedrivePolicy: {"deadLetterTargetArn": <SQS queue ARN>}.',
    ),
    # Synchronous invocation ------------------------------------------------------------
    "apigw-integration-timeout": RuleText(
        "A function behind API Gateway has a timeout not below the integration timeout.",
        "API Gateway stops waiting at the integration timeout and the caller gets an error while the function "
        "keeps running (and billing) to its own timeout, so a slow request fails for the caller yet may still "
        "complete its side effects, and the caller's retry runs it again",
        "Set the function's Timeout below the integration's TimeoutInMillis (29 s REST, 30 s HTTP, 29 s "
        "WebSocket by default), leaving room for a cold start.",
    ),
    "lambda-sync-invoke-timeout": RuleText(
        "A function that may call another synchronously has a timeout not above the callee's.",
        "a synchronous call can outlive its caller, which times out (and may be retried) while the callee "
        "still runs and completes its side effects",
        "Raise the caller's Timeout above the callee's, or invoke asynchronously (InvocationType Event, with "
        "an event invoke config and failure destination on the callee).",
    ),
    "lambda-sync-invoke": RuleText(
        "A function may invoke another function that has no event invoke config (a likely synchronous call).",
        "the call is likely synchronous: the caller pays for both durations while it waits, and its timeout "
        "must exceed the callee's",
        "Invoke asynchronously (InvocationType Event) with an event invoke config and failure destination on "
        "the callee, put a queue between them, or use Step Functions; acknowledge this warning if the "
        "synchronous call is intended.",
    ),
    # SQS provisioned mode, recursion, durable functions --------------------------------
    "sqs-provisioned-pollers": RuleText(
        "An SQS event source mapping's provisioned mode is out of range, next to maximum concurrency, or "
        "throttled by the function's reserved concurrency.",
        _REJECTED_MAPPING,
        "Keep the pollers in SQS's ranges, drop ScalingConfig.MaximumConcurrency, and reserve at least "
        "MaximumPollers x 10 (or lower MaximumPollers to ReservedConcurrentExecutions / 10).",
        also=(_THROTTLED_POLLERS,),
    ),
    "lambda-recursive-loop-allowed": RuleText(
        "A function turns off Lambda's recursive loop detection (RecursiveLoop: Allow).",
        "Lambda does not stop the function when it is invoked in a loop through Lambda, SQS, SNS or S3, so a "
        "loop runs and bills until someone stops it",
        "Remove RecursiveLoop or set it to Terminate; if the recursion is deliberate, bound it (a depth "
        "counter in the payload) and acknowledge this finding with the reason.",
    ),
    "durable-function-qualified-arn": RuleText(
        "A durable function is invoked through an unqualified ARN or name.",
        "Lambda rejects unqualified invocations of a durable function, so the trigger never runs it",
        "Point the trigger at an alias (AWS::Lambda::Alias, CDK fn.add_alias('live'), SAM AutoPublishAlias) "
        "or a version, and grant the permission on that alias or version.",
    ),
    # The template itself ---------------------------------------------------------------
    "aws-refused-value": RuleText(
        "A value CloudFormation or the service refuses: not a number, or outside the documented range.",
        "the service refuses the resource, so the deploy fails",
        "Set the value within the range the message names (the source links the service's documentation), "
        "or leave it out for the service's default.",
    ),
    "template-malformed-resource": RuleText(
        "A resource could not be read, so no rule checked it (reported as not applicable).",
        "no rule checked it",
        "Fix the resource so that CloudFormation accepts it (cfn-lint names the exact problem).",
    ),
    "metadata-acknowledgment": RuleText(
        "An acknowledgment in a resource's Metadata has no reason or names no rule of ours.",
        "it acknowledges nothing",
        'Give every entry the id of one of our rules (`constructs-lib rules`) and a reason that is true of '
        'this resource: {"id": "sqs-max-receive-count", "reason": "..."}.',
        also=("an unknown id usually hides a typo",),
    ),
}


def text(rule_id: str) -> RuleText:
    """The words of rule ``rule_id`` (KeyError for an id that is no rule)."""
    return MESSAGES[rule_id]


def consequence(rule_id: str) -> str:
    """What the mistake rule ``rule_id`` reports leads to."""
    return MESSAGES[rule_id].consequence


def fix(rule_id: str) -> str:
    """How to fix what rule ``rule_id`` reports."""
    return MESSAGES[rule_id].fix


__all__ = ["MESSAGES", "RuleText", "consequence", "fix", "text"]
