"""AWS limits and recommendations that the constructs and the checks rely on.

One named constant each, with the documentation page it comes from. Durations are in
seconds, sizes in MB. The constructs validate against these values and the checks
(``constructs_lib.checks``) read the same values, so a limit changes in one place.

Hard limits are what AWS enforces (a deploy or an API call fails beyond them);
recommendations are what AWS advises to avoid losing or duplicating data; our defaults
are what this library chooses, named ``DEFAULT_*`` and justified next to them.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------
SRC_LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
SRC_LAMBDA_RESERVED = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"
SRC_LAMBDA_SQS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"
SRC_LAMBDA_SQS_PARAMS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html"
SRC_LAMBDA_SQS_SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"
SRC_LAMBDA_SQS_ERRORS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html"
SRC_ESM_API = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"
SRC_ESM_SCALING = "https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html"
SRC_ESM_FILTERING = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html"
#: FilterCriteria.Filters: "Array items must be unique" in CloudFormation's resource schema
#: (cfn-lint E3037; aws-cdk-lib's own template validation reports it too).
SRC_ESM_FILTER_CRITERIA = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-properties-lambda-eventsourcemapping-filtercriteria.html"
)
SRC_SQS_VISIBILITY = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-visibility-timeout.html"
)
SRC_SQS_QUOTAS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "quotas-messages.html"
)
SRC_SQS_DLQ = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-dead-letter-queues.html"
)
SRC_SQS_FIFO_DLQ = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-configure-dead-letter-queue.html"
)
#: "you cannot modify the key policy of an AWS managed KMS key for Amazon SQS"; services
#: that send to an encrypted queue need a customer managed key that allows them.
SRC_SQS_KEY_MANAGEMENT = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-key-management.html"
)
#: "When using an Amazon SQS queue as a destination, FIFO queues cannot be used."
SRC_LAMBDA_DESTINATION_CONFIG = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-properties-lambda-eventinvokeconfig-destinationconfig.html"
)
SRC_LAMBDA_KINESIS = "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html"
#: What the execution role needs for each event source mapping on-failure destination:
#: "For an SQS destination: sqs:SendMessage; For an SNS destination: sns:Publish; For an S3
#: destination: s3:PutObject and s3:ListBucket", and with a KMS key "kms:GenerateDataKey"
#: (S3) or "kms:Decrypt and kms:GenerateDataKey" (SQS, SNS).
SRC_LAMBDA_ESM_DESTINATION_PERMISSIONS = "https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html"
#: "To fan out messages from Amazon SNS FIFO topics to AWS Lambda functions ... subscribe
#: Amazon SQS FIFO queues to the topic": a FIFO topic delivers to SQS queues only.
SRC_SNS_FIFO_DELIVERY = "https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html"
#: Publish to a FIFO topic: "You must associate a non-empty MessageGroupId with a message. If
#: you do not provide a MessageGroupId, the action fails." Lambda's destinations set none.
SRC_SNS_PUBLISH = "https://docs.aws.amazon.com/sns/latest/api/API_Publish.html"
#: "For a private API, you can't deploy your API without a resource policy."
SRC_APIGW_RESOURCE_POLICY = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html"
)
#: S3 refuses notification configurations whose event types overlap and whose key
#: prefixes and suffixes both overlap ("Configuration is ambiguously defined. Cannot have
#: overlapping suffixes in two rules if the prefixes are overlapping for the same event type").
SRC_S3_NOTIFICATION_FILTERING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html"
#: Lambda's DynamoDB stream permissions, scoped as AWS's own policy for it does
#: (dynamodb:DescribeStream, GetRecords, GetShardIterator, ListStreams on
#: ``arn:...:table/<name>/stream/*``).
SRC_DDB_LAMBDA_POLICY = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html"
)

SRC_LAMBDA_STREAM_ERRORS = "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html"
SRC_LAMBDA_DDB = "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html"
SRC_DDB_STREAMS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html"
SRC_KINESIS_RETENTION = "https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html"
SRC_LAMBDA_ASYNC = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html"
SRC_LAMBDA_ASYNC_CONFIG = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html"
SRC_LAMBDA_ASYNC_DEST = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"
SRC_EVENT_INVOKE_CONFIG = "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html"
SRC_EVENTBRIDGE_DLQ = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"
SRC_EVENTBRIDGE_RETRY = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html"
SRC_SNS_DLQ = "https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html"
SRC_APIGW_QUOTAS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html"
SRC_APIGW_HTTP_QUOTAS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html"
SRC_APIGW_THROTTLING = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html"
# Metrics the alarms read (namespace, name, statistic, dimensions) and CloudWatch's own advice.
SRC_LAMBDA_METRICS = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html"
SRC_SQS_METRICS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-available-cloudwatch-metrics.html"
)
SRC_APIGW_REST_METRICS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html"
SRC_APIGW_HTTP_METRICS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html"
SRC_CLOUDWATCH_RECOMMENDED_ALARMS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html"
)
SRC_CLOUDWATCH_MISSING_DATA = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "AlarmThatSendsEmail.html#alarms-and-missing-data"
)

# --------------------------------------------------------------------------------------
# Lambda functions (all invocation models)
# --------------------------------------------------------------------------------------
#: Maximum function timeout: 900 s (15 minutes). Source: SRC_LAMBDA_QUOTAS.
LAMBDA_MAX_TIMEOUT_S = 900
#: Minimum function timeout: 1 s. Source: SRC_LAMBDA_QUOTAS.
LAMBDA_MIN_TIMEOUT_S = 1
#: Memory: 128 MB to 10,240 MB. Source: SRC_LAMBDA_QUOTAS.
LAMBDA_MIN_MEMORY_MB = 128
LAMBDA_MAX_MEMORY_MB = 10240
#: Default account concurrency quota per Region (a soft quota). Source: SRC_LAMBDA_QUOTAS.
LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY = 1000
#: Lambda keeps at least 100 executions unreserved; reserving more fails the deploy.
#: Source: SRC_LAMBDA_RESERVED.
LAMBDA_MIN_UNRESERVED_CONCURRENCY = 100

#: Our default memory: 256 MB. Lambda allocates CPU in proportion to memory, and 128 MB
#: makes the cold start of a handler that imports boto3 and Powertools noticeably slower.
DEFAULT_MEMORY_MB = 256
#: Our default retention of a function's log group: 30 days. Finite so logs do not
#: accumulate cost forever; long enough to investigate a failure after a holiday.
DEFAULT_LOG_RETENTION_DAYS = 30
#: Lambda, SQS and API Gateway publish their metrics at one-minute granularity, so every
#: alarm evaluates 60 s periods: the fastest signal the metrics allow.
#: Sources: SRC_LAMBDA_METRICS, SRC_SQS_METRICS, SRC_APIGW_REST_METRICS.
ALARM_PERIOD_S = 60
#: Our default Errors / Throttles alarm thresholds: 1 in a minute (Sum). Every function
#: error or throttle of a queue, stream or async function is a retry on its way to a
#: failure destination; raise them where some errors are expected. Source: SRC_LAMBDA_METRICS.
DEFAULT_ERRORS_ALARM_THRESHOLD = 1
DEFAULT_THROTTLES_ALARM_THRESHOLD = 1

# --------------------------------------------------------------------------------------
# SQS queues and the SQS event source mapping (QueueConsumer)
# --------------------------------------------------------------------------------------
#: Visibility timeout at least 6 x function timeout (+ the batching window): Lambda may
#: retry a throttled batch within that time. Source: SRC_LAMBDA_SQS.
SQS_VISIBILITY_TIMEOUT_FACTOR = 6
#: The SQS queue and the Lambda function that polls it must be in the same Region (they may
#: be in different accounts): "The Lambda function and the Amazon SQS queue must be in the same
#: AWS Region, although they can be in different AWS accounts." Source: SRC_LAMBDA_SQS_SAME_REGION.
#: (For Kinesis and DynamoDB Streams no AWS page found states the same rule, so StreamProcessor
#: warns about a source in another Region instead of refusing it.)
SRC_LAMBDA_SQS_SAME_REGION = SRC_LAMBDA_SQS
#: Visibility timeout range: 0 s to 12 h. Source: SRC_SQS_VISIBILITY.
SQS_MAX_VISIBILITY_TIMEOUT_S = 12 * 3600
#: Message retention: 60 s to 14 days; default 4 days. Source: SRC_SQS_QUOTAS.
SQS_MIN_RETENTION_S = 60
SQS_MAX_RETENTION_S = 14 * 24 * 3600
SQS_DEFAULT_RETENTION_S = 4 * 24 * 3600
#: maxReceiveCount of the redrive policy: AWS recommends at least 5 for a Lambda
#: consumer, so that throttling does not push good messages to the DLQ. Source: SRC_LAMBDA_SQS.
SQS_RECOMMENDED_MIN_MAX_RECEIVE_COUNT = 5
#: maxReceiveCount range accepted by SQS: 1 to 1,000. Source: SRC_SQS_DLQ.
SQS_MIN_MAX_RECEIVE_COUNT = 1
SQS_MAX_MAX_RECEIVE_COUNT = 1000
#: Batch size: 1-10 without a batching window; up to 10,000 for standard queues with a
#: window of at least 1 s; FIFO queues at most 10. Source: SRC_ESM_API (BatchSize).
SQS_MIN_BATCH_SIZE = 1
SQS_MAX_BATCH_SIZE_WITHOUT_WINDOW = 10
SQS_MAX_BATCH_SIZE = 10000
SQS_FIFO_MAX_BATCH_SIZE = 10
#: MaximumBatchingWindowInSeconds: 0 to 300 s; not supported for FIFO queues.
#: Source: SRC_ESM_API (MaximumBatchingWindowInSeconds), SRC_LAMBDA_SQS_PARAMS.
MAX_BATCHING_WINDOW_S = 300
#: ScalingConfig.MaximumConcurrency: 2 to 1,000. Source: SRC_ESM_SCALING.
SQS_MIN_MAX_CONCURRENCY = 2
SQS_MAX_MAX_CONCURRENCY = 1000
#: Filters per event source mapping: 5 (default quota). Source: SRC_ESM_FILTERING.
ESM_MAX_FILTERS = 5

#: Our default batch size for SQS: 10, the largest that needs no batching window.
DEFAULT_SQS_BATCH_SIZE = 10
#: Our default maxReceiveCount: 5, the AWS recommendation for Lambda consumers.
DEFAULT_MAX_RECEIVE_COUNT = SQS_RECOMMENDED_MIN_MAX_RECEIVE_COUNT
#: Retention of every queue that catches failures (DLQs, failure destinations): the
#: SQS maximum, 14 days, so an operator has the longest time to redrive.
FAILURE_QUEUE_RETENTION_S = SQS_MAX_RETENTION_S
#: Our default alarm on a dead-letter / failure queue: at least 1 visible message
#: (ApproximateNumberOfMessagesVisible, Maximum): every message there is a failure
#: somebody must look at within the 14 days it is kept. Source: SRC_SQS_METRICS.
DEFAULT_DEAD_LETTER_QUEUE_ALARM_THRESHOLD = 1
#: Our default source-queue age alarm: ApproximateAgeOfOldestMessage (Maximum, seconds)
#: above 1.5 x the visibility timeout. The visibility timeout is the longest one attempt
#: may take, and CloudWatch recommends alarming 50 % above the maximum expected
#: processing time: the consumer is falling behind or messages are failing and
#: coming back. Sources: SRC_CLOUDWATCH_RECOMMENDED_ALARMS, SRC_SQS_METRICS.
DEFAULT_OLDEST_MESSAGE_AGE_ALARM_FACTOR = 1.5

# --------------------------------------------------------------------------------------
# Kinesis and DynamoDB Streams event source mappings (StreamProcessor)
# --------------------------------------------------------------------------------------
#: Batch size 1-10,000 for Kinesis and DynamoDB Streams. Source: SRC_ESM_API (BatchSize).
STREAM_MIN_BATCH_SIZE = 1
STREAM_MAX_BATCH_SIZE = 10000
#: MaximumRetryAttempts: -1 (infinite) to 10,000. Source: SRC_ESM_API.
STREAM_MIN_RETRY_ATTEMPTS = -1
STREAM_MAX_RETRY_ATTEMPTS = 10000
#: MaximumRecordAgeInSeconds: -1 (infinite) or 60 to 604,800 s (7 days). Source: SRC_ESM_API.
STREAM_INFINITE = -1
STREAM_MIN_RECORD_AGE_S = 60
STREAM_MAX_RECORD_AGE_S = 7 * 24 * 3600
#: DynamoDB Streams keep records for 24 hours. Source: SRC_DDB_STREAMS.
DYNAMODB_STREAM_RETENTION_S = 24 * 3600
#: Kinesis data streams keep records for 24 hours unless extended (up to 365 days).
#: Source: SRC_KINESIS_RETENTION.
KINESIS_DEFAULT_RETENTION_S = 24 * 3600
#: RetentionPeriodHours: 24 to 8,760 (365 days). Source: SRC_KINESIS_RETENTION.
KINESIS_MIN_RETENTION_HOURS = 24
KINESIS_MAX_RETENTION_HOURS = 8760
#: ParallelizationFactor: 1 to 10. Source: SRC_ESM_API.
STREAM_MIN_PARALLELIZATION_FACTOR = 1
STREAM_MAX_PARALLELIZATION_FACTOR = 10
#: TumblingWindowInSeconds: 0 to 900 s (15 minutes). Source: SRC_ESM_API.
STREAM_MAX_TUMBLING_WINDOW_S = 900
#: Our default retries for stream records: 3 - enough to ride out a transient error,
#: small enough that a poison record blocks its shard for minutes, not for the week a
#: Kinesis record may live. With bisect on, each retry halves the failing batch, and
#: splitting does not consume the retry quota (SRC_LAMBDA_STREAM_ERRORS), so 3 retries
#: still isolate one poison record in a batch of 10,000.
DEFAULT_STREAM_RETRY_ATTEMPTS = 3
#: Our default maximum record age: 6 hours - a consumer that is further behind than
#: that sends records to the on-failure destination instead of falling further behind,
#: and it stays below the 24 h retention of DynamoDB Streams.
DEFAULT_STREAM_MAX_RECORD_AGE_S = 6 * 3600
#: Our default batch size for streams: 100, aws-cdk-lib's and Lambda's own default.
DEFAULT_STREAM_BATCH_SIZE = 100
#: Our default IteratorAge alarm (Maximum, milliseconds): half of max_record_age (or of
#: the stream's retention when the record age is infinite). Half-way to being discarded
#: leaves the operator as much time again to scale or fix the consumer before records go
#: to the on-failure destination (or expire). Source: SRC_LAMBDA_METRICS (IteratorAge).
DEFAULT_ITERATOR_AGE_ALARM_FRACTION = 0.5

# --------------------------------------------------------------------------------------
# Asynchronous invocation (AsyncWorker)
# --------------------------------------------------------------------------------------
#: MaximumRetryAttempts: 0 to 2. Source: SRC_EVENT_INVOKE_CONFIG.
ASYNC_MIN_RETRY_ATTEMPTS = 0
ASYNC_MAX_RETRY_ATTEMPTS = 2
#: MaximumEventAgeInSeconds: 60 s to 21,600 s (6 h). Source: SRC_EVENT_INVOKE_CONFIG.
ASYNC_MIN_EVENT_AGE_S = 60
ASYNC_MAX_EVENT_AGE_S = 6 * 3600
#: Our default retries for async events: 2, Lambda's own default and maximum.
DEFAULT_ASYNC_RETRY_ATTEMPTS = 2
#: Our default maximum event age: 6 h, Lambda's maximum: a throttled event keeps its
#: chance to run for as long as Lambda allows before it goes to the failure destination.
DEFAULT_ASYNC_MAX_EVENT_AGE_S = ASYNC_MAX_EVENT_AGE_S
#: EventBridge target retry policy: 0-185 attempts, event age 60 s to 24 h.
#: Source: SRC_EVENTBRIDGE_RETRY.
EVENTBRIDGE_MAX_RETRY_ATTEMPTS = 185
EVENTBRIDGE_MIN_EVENT_AGE_S = 60
EVENTBRIDGE_MAX_EVENT_AGE_S = 24 * 3600
EVENTBRIDGE_MIN_RETRY_ATTEMPTS = 0
#: Our EventBridge target retry policy: EventBridge's own defaults (185 attempts, 24 h),
#: set explicitly so the template shows them. The target is Lambda's asynchronous Invoke
#: API, which fails only transiently (throttling, service errors) - worth retrying as long
#: as EventBridge allows - or permanently (missing permission or function), which
#: EventBridge sends to the target DLQ without retrying. Source: SRC_EVENTBRIDGE_DLQ.
DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS = EVENTBRIDGE_MAX_RETRY_ATTEMPTS
DEFAULT_EVENTBRIDGE_MAX_EVENT_AGE_S = EVENTBRIDGE_MAX_EVENT_AGE_S
#: Lambda waits 1 minute before the first retry of a failed async event and 2 minutes
#: before the second. Source: SRC_LAMBDA_ASYNC.
ASYNC_RETRY_DELAYS_S = (60, 120)
#: Our default AsyncEventAge alarm (Maximum, milliseconds): half of max_event_age. Events
#: that waited that long (throttling, retries) are half-way to expiring to the on-failure
#: destination without having run. Source: SRC_LAMBDA_METRICS (asynchronous invocation).
DEFAULT_EVENT_AGE_ALARM_FRACTION = 0.5

# --------------------------------------------------------------------------------------
# API Gateway (SyncApiFunction)
# --------------------------------------------------------------------------------------
#: REST API integration timeout: 50 ms to 29 s by default; Regional and private APIs can
#: raise it with a quota increase. Source: SRC_APIGW_QUOTAS.
APIGW_REST_MIN_INTEGRATION_TIMEOUT_MS = 50
APIGW_REST_DEFAULT_MAX_INTEGRATION_TIMEOUT_S = 29
#: HTTP API integration timeout: at most 30 s. Source: SRC_APIGW_HTTP_QUOTAS.
APIGW_HTTP_MAX_INTEGRATION_TIMEOUT_S = 30
#: Account-level throttling default: 10,000 requests/s, burst 5,000. Source: SRC_APIGW_THROTTLING.
APIGW_ACCOUNT_RATE_LIMIT = 10000
APIGW_ACCOUNT_BURST_LIMIT = 5000
#: HTTP API integration timeout: at least 50 ms (TimeoutInMillis 50-30,000).
#: Source: SRC_APIGW_V2_INTEGRATION.
APIGW_HTTP_MIN_INTEGRATION_TIMEOUT_MS = 50
SRC_APIGW_V2_INTEGRATION = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
    "aws-resource-apigatewayv2-integration.html"
)
#: Only Regional and private REST APIs can have the integration timeout quota raised above
#: 29 s (edge-optimized REST APIs and HTTP APIs cannot). Source: SRC_APIGW_QUOTAS.
SRC_APIGW_REST_LOGGING = "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html"
SRC_APIGW_HTTP_LOGGING = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html"
SRC_APIGW_ACCESS_CONTROL = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html"
)
SRC_LAMBDA_SYNC = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-sync.html"
SRC_LAMBDA_PROVISIONED = "https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html"
SRC_LAMBDA_INIT = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html"
#: The Init phase of an on-demand execution environment may take up to 10 s, and API
#: Gateway's integration timeout clock includes it (the request waits for the cold start).
#: Source: SRC_LAMBDA_INIT.
LAMBDA_MAX_INIT_S = 10
#: Provisioned concurrency: at least 1, and at most the function's reserved concurrency
#: when it has one. Source: SRC_LAMBDA_PROVISIONED.
LAMBDA_MIN_PROVISIONED_CONCURRENCY = 1
#: Our default function timeout behind API Gateway: 10 s. A cold start (Init, up to 10 s)
#: plus 10 s still answers within REST's 29 s, so API Gateway never cuts a request the
#: function would have finished; and a caller waiting synchronously seldom waits longer.
DEFAULT_SYNC_API_TIMEOUT_S = 10
#: Our default stage throttling: 50 requests/s, burst 100. Far below the account's shared
#: 10,000/5,000, so one API cannot starve the others in the Region; at 50 req/s even
#: requests that all run the full default timeout (10 s) need 500 concurrent executions,
#: half of the default account concurrency (1,000). Raise both deliberately.
DEFAULT_API_THROTTLING_RATE_LIMIT = 50
DEFAULT_API_THROTTLING_BURST_LIMIT = 100
#: Our default 5XX alarm: more than 5 % of requests answered with a server error, in 3
#: consecutive minutes - CloudWatch's recommended threshold for 5XXError (Average = rate).
#: Sources: SRC_CLOUDWATCH_RECOMMENDED_ALARMS, SRC_APIGW_REST_METRICS, SRC_APIGW_HTTP_METRICS.
DEFAULT_SERVER_ERROR_RATE_ALARM_THRESHOLD = 0.05
#: Our default p99 IntegrationLatency alarm: 80 % of the time a request has - the function
#: timeout, which is below the integration timeout (API Gateway answers 504 there). At
#: that p99, 1 % of callers wait close to a timeout. Source: SRC_APIGW_REST_METRICS.
DEFAULT_INTEGRATION_LATENCY_ALARM_FRACTION = 0.8

# --------------------------------------------------------------------------------------
# The simulation (constructs_lib.simulate): documented service behaviour it reproduces
# --------------------------------------------------------------------------------------
SRC_LAMBDA_ASYNC_ERRORS = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html"
SRC_LAMBDA_DDB_PARTIAL = "https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html"
SRC_LAMBDA_COLD_STARTS = "https://docs.aws.amazon.com/lambda/latest/operatorguide/execution-environments.html"
SRC_EVENTBRIDGE_RETRY_POLICY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"
SRC_SNS_DELIVERY_RETRIES = "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html"
SRC_SDK_RETRY_BEHAVIOR = "https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html"
#: An SQS event source mapping (standard mode) "starts processing five batches at a time with
#: five concurrent invocations" when messages are available, "increases the number of
#: processes that are reading batches by up to 300 more concurrent invokes per minute" while
#: messages remain, and "the maximum number of invokes that an event source mapping can
#: process simultaneously is 1,250". Source: SRC_LAMBDA_SQS_SCALING.
SQS_ESM_INITIAL_CONCURRENT_BATCHES = 5
SQS_ESM_SCALE_UP_PER_MINUTE = 300
SQS_ESM_MAX_CONCURRENT_INVOKES = 1250
#: And down: "when traffic is low, Lambda scales back the processing to five concurrent
#: invokes" (SRC_LAMBDA_SQS_SCALING; provisioned mode: to its minimum pollers); on a throttle,
#: "Lambda gradually backs off retries by reducing the amount of concurrency allocated to your
#: Amazon SQS event source mapping" (SRC_LAMBDA_SQS_ERRORS), and "throttles function scaling
#: when invocation errors occur" (SRC_LAMBDA_SQS_SCALING_KC). How low "low traffic" is and how
#: long scaling pauses are not documented: the simulation retires a poller that found no
#: message for a minute, retires one per throttled batch, and pauses scaling up for a minute
#: after one - the period the documented scale-up rate is given in.
SRC_LAMBDA_SQS_SCALING_KC = "https://repost.aws/knowledge-center/lambda-sqs-scaling"
SQS_ESM_IDLE_RETIRE_S = 60.0
SQS_ESM_SCALING_PAUSE_S = 60.0
#: Provisioned mode (ProvisionedPollerConfig): the minimum pollers stay ready, each drives up to
#: 10 concurrent invokes (SQS_INVOKES_PER_POLLER), and the pollers "auto scale up to 1000
#: concurrent executions per minute" ("3 times faster scaling" than standard mode).
#: Sources: SRC_LAMBDA_SQS_SCALING, SRC_LAMBDA_SQS_PROVISIONED_LAUNCH.
SRC_LAMBDA_SQS_PROVISIONED_LAUNCH = (
    "https://aws.amazon.com/blogs/aws/"
    "aws-lambda-enhances-sqs-processing-with-new-provisioned-mode-3x-faster-scaling-16x-higher-capacity/"
)
SQS_PROVISIONED_SCALE_UP_PER_MINUTE = 1000
#: "In each AWS Region, and for each function, your concurrency scaling rate is 1,000
#: execution environment instances every 10 seconds"; Lambda refills it continuously and
#: does not accumulate the unused part (at most 1,000 at any time). Beyond it, and beyond the
#: function's maximum concurrency, requests are throttled (429). Source: SRC_LAMBDA_SCALING.
SRC_LAMBDA_SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html"
LAMBDA_SCALING_ENVIRONMENTS = 1000
LAMBDA_SCALING_PERIOD_S = 10
#: Billing: requests, and duration (Init included for on-demand functions since August 2025)
#: rounded up to the nearest millisecond, times the memory in GB. Throttled requests are not
#: invocations and are not billed. Sources: SRC_LAMBDA_PRICING, SRC_LAMBDA_INIT_BILLING.
SRC_LAMBDA_PRICING = "https://aws.amazon.com/lambda/pricing/"
SRC_LAMBDA_INIT_BILLING = "https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/"
LAMBDA_BILLING_GRANULARITY_S = 0.001
#: MemorySize when a template leaves it out: 128 MB. Source: SRC_LAMBDA_FUNCTION_PROPS.
SRC_LAMBDA_FUNCTION_PROPS = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html"
)
LAMBDA_DEFAULT_MEMORY_MB = 128
#: On-failure destinations of Kinesis and DynamoDB Streams mappings: an SQS queue or SNS topic
#: receives "a JSON document with metadata about the failed invocation" (shard, sequence
#: numbers); "for Amazon S3 destinations, Lambda also sends the entire invocation record along
#: with the metadata". With SQS or SNS the records themselves stay only in the stream, until
#: its retention ends. Sources: SRC_LAMBDA_STREAM_ERRORS, SRC_LAMBDA_ESM_DESTINATION_PERMISSIONS.
STREAM_DESTINATIONS_KEEPING_RECORDS = ("s3",)
#: Lambda polls each Kinesis shard at a base rate of once per second, and each DynamoDB
#: stream shard 4 times per second. Sources: SRC_LAMBDA_KINESIS, SRC_LAMBDA_DDB.
KINESIS_POLLS_PER_SECOND = 1
DYNAMODB_STREAM_POLLS_PER_SECOND = 4
#: Asynchronous invocation, throttled (429) or system error (5XX): the retry interval
#: grows exponentially from 1 s to at most 5 minutes, for up to the maximum event age.
#: Source: SRC_LAMBDA_ASYNC_ERRORS.
ASYNC_THROTTLE_RETRY_FIRST_S = 1
ASYNC_THROTTLE_RETRY_MAX_S = 300
#: A cold start (creating the execution environment and running the init code) takes from
#: under 100 ms to over 1 second. Source: SRC_LAMBDA_COLD_STARTS.
LAMBDA_TYPICAL_COLD_START_S = (0.1, 1.0)
#: "According to an analysis of production Lambda workloads, cold starts typically occur in
#: under 1% of invocations" (SRC_LAMBDA_COLD_STARTS): under a steady load, the simulation
#: starts each warm invocation in a fresh (recycled) execution environment with this chance.
LAMBDA_STEADY_COLD_START_SHARE = 0.01
#: SNS delivery to Lambda (an AWS-managed endpoint): 3 immediate retries, 2 one second
#: apart, 10 with exponential backoff from 1 to 20 s, then 100,000 twenty seconds apart:
#: 100,015 attempts over 23 days. Source: SRC_SNS_DELIVERY_RETRIES.
SNS_LAMBDA_IMMEDIATE_RETRIES = 3
SNS_LAMBDA_PRE_BACKOFF_RETRIES = 2
SNS_LAMBDA_BACKOFF_RETRIES = 10
SNS_LAMBDA_BACKOFF_MAX_S = 20
SNS_LAMBDA_POST_BACKOFF_RETRIES = 100_000
#: The caller the simulation puts in front of a synchronous function behaves like an AWS
#: SDK in standard retry mode: 3 attempts in all, retrying throttling and 5XX answers
#: (a 504 included) after an exponential backoff with full jitter capped at 20 s.
#: Source: SRC_SDK_RETRY_BEHAVIOR.
SDK_STANDARD_MAX_ATTEMPTS = 3
SDK_MAX_BACKOFF_S = 20

# --------------------------------------------------------------------------------------
# Invocation-model features added since 2023 (issue 17)
# --------------------------------------------------------------------------------------
#: ProvisionedPollerConfig of an SQS event source mapping: MinimumPollers 2-200 (default 2),
#: MaximumPollers 2-10,000 (default 200). Kafka's ranges differ (1-200 / 1-2,000) and are not
#: ours. The CloudFormation resource schema allows MaximumPollers up to 10,000 as well.
SRC_ESM_PROVISIONED_POLLER = "https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html"
SQS_MIN_MINIMUM_POLLERS = 2
SQS_MAX_MINIMUM_POLLERS = 200
SQS_MIN_MAXIMUM_POLLERS = 2
SQS_MAX_MAXIMUM_POLLERS = 10000
#: What Lambda uses when a ProvisionedPollerConfig leaves a bound out (SQS). Source:
#: SRC_ESM_PROVISIONED_POLLER.
SQS_DEFAULT_MINIMUM_POLLERS = 2
SQS_DEFAULT_MAXIMUM_POLLERS = 200
#: "With provisioned mode, each event poller can handle up to 1 MB/s of throughput, up to 10
#: concurrent invokes, or up to 10 SQS polling API calls per second", and "you cannot use the
#: maximum concurrency setting and provisioned mode at the same time". Source: SRC_LAMBDA_SQS_SCALING.
SQS_INVOKES_PER_POLLER = 10

#: Event source mapping metrics (MetricsConfig ``EventCount``): namespace AWS/Lambda, dimension
#: EventSourceMappingUUID, Sum. SQS mappings publish PolledEventCount, FilteredOutEventCount,
#: InvokedEventCount, FailedInvokeEventCount, DeletedEventCount; Kinesis and DynamoDB mappings
#: publish DroppedEventCount and OnFailureDestinationDeliveredEventCount instead of DeletedEventCount.
#: Sources: SRC_LAMBDA_METRICS (#event-source-mapping-metrics), SRC_LAMBDA_METRICS_VIEW (dimensions).
SRC_LAMBDA_METRICS_VIEW = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html"
ESM_METRICS_EVENT_COUNT = "EventCount"

#: Recursive loop detection: Lambda stops a chain of invocations through Lambda, SQS, SNS and
#: S3 after about 16 calls when RecursiveLoop is Terminate (the default). Source: SRC_LAMBDA_RECURSION.
SRC_LAMBDA_RECURSION = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html"

#: EventBridge Scheduler target retry policy: MaximumRetryAttempts 0-185 (default 185),
#: MaximumEventAgeInSeconds 60-86,400 (default 86,400). The DLQ is a standard SQS queue the
#: schedule's execution role sends to. Sources: SRC_SCHEDULER_RETRY, SRC_SCHEDULER_DLQ.
SRC_SCHEDULER_RETRY = "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html"
SRC_SCHEDULER_DLQ = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html"
SRC_SCHEDULER_TARGETS = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html"
SCHEDULER_MIN_RETRY_ATTEMPTS = 0
SCHEDULER_MAX_RETRY_ATTEMPTS = 185
SCHEDULER_MIN_EVENT_AGE_S = 60
SCHEDULER_MAX_EVENT_AGE_S = 24 * 3600
#: Our Scheduler retry policy: Scheduler's own defaults (185 attempts, 24 h), written
#: explicitly, for the reason given at DEFAULT_EVENTBRIDGE_RETRY_ATTEMPTS: the target is
#: Lambda's asynchronous Invoke, which fails only transiently (worth retrying as long as
#: allowed) or permanently (sent to the DLQ).
DEFAULT_SCHEDULER_RETRY_ATTEMPTS = SCHEDULER_MAX_RETRY_ATTEMPTS
DEFAULT_SCHEDULER_MAX_EVENT_AGE_S = SCHEDULER_MAX_EVENT_AGE_S

#: Lambda function URLs: AuthType AWS_IAM or NONE; InvokeMode BUFFERED (Invoke, 6 MB payloads)
#: or RESPONSE_STREAM (InvokeWithResponseStream, responses up to 200 MB). A URL waits for the
#: function up to its timeout (at most 15 minutes). Sources: SRC_LAMBDA_URLS, SRC_LAMBDA_URL_STREAMING,
#: SRC_LAMBDA_QUOTAS.
SRC_LAMBDA_URLS = "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html"
SRC_LAMBDA_URL_AUTH = "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"
SRC_LAMBDA_URL_STREAMING = "https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html"
SRC_LAMBDA_URL_METRICS = "https://docs.aws.amazon.com/lambda/latest/dg/urls-monitoring.html"
SRC_LAMBDA_RESPONSE_STREAMING = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html"
LAMBDA_URL_BUFFERED_PAYLOAD_MB = 6
LAMBDA_URL_STREAMED_RESPONSE_MB = 200
#: CORS MaxAge of a function URL: 0-86,400 s. Source: the AWS::Lambda::Url Cors schema (SRC_LAMBDA_URLS).
LAMBDA_URL_MAX_CORS_MAX_AGE_S = 86400

#: REST API response streaming (ResponseTransferMode STREAM, Lambda proxy integrations): the
#: integration timeout may be up to 15 minutes, a stream lasts at most 15 minutes and is cut
#: after 5 minutes idle (Regional/private) or 30 s (edge-optimized); REST APIs only; no
#: endpoint caching, content encoding or VTL response transformation. Source: SRC_APIGW_STREAMING.
SRC_APIGW_STREAMING = "https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html"
SRC_APIGW_STREAMING_TIMEOUT = "https://docs.aws.amazon.com/apigateway/latest/developerguide/response-streaming-http.html"
APIGW_REST_STREAMING_MAX_INTEGRATION_TIMEOUT_S = 15 * 60

#: Lambda SnapStart: Java 11+, Python 3.12+ and .NET 8+ managed runtimes (not OS-only runtimes
#: or container images), both architectures; not with provisioned concurrency, Amazon EFS or
#: ephemeral storage above 512 MB; published versions only. Source: SRC_LAMBDA_SNAPSTART.
SRC_LAMBDA_SNAPSTART = "https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html"
SNAPSTART_MIN_RUNTIME_VERSIONS = {"python": (3, 12), "java": (11,), "dotnet": (8,)}
SNAPSTART_MAX_EPHEMERAL_STORAGE_MB = 512

# Who invokes Lambda, and how (the checks' invocation graph)
# --------------------------------------------------------------------------------------
#: AWS's list of the services that invoke Lambda and their method of invocation.
SRC_LAMBDA_SERVICES = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html"
#: Older revisions of the same list, still AWS's word for the synchronous invokers it no longer
#: tabulates (Alexa, CloudFront Lambda@Edge).
SRC_LAMBDA_SYNC_SERVICES = SRC_LAMBDA_SYNC
SRC_LAMBDA_URL_INVOKING = "https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html"
SRC_IOT_CUSTOM_AUTHORIZER = "https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html"
SRC_LAMBDA_EDGE = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-how-it-works.html"
SRC_CFN_CUSTOM_RESOURCES = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources-lambda.html"
)
SRC_PIPES_LAMBDA = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html"
SRC_APIGW_LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html"
SRC_APIGW_WEBSOCKET_QUOTAS = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html"
)
#: "$disconnect ... is a best-effort event": API Gateway calls it after the connection closed.
SRC_APIGW_WEBSOCKET_ROUTES = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html"
)
SRC_APIGW_OPENAPI_INTEGRATION = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html"
)
SRC_APIGW_QUICK_CREATE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-api.html"
)
#: "For FIFO queues, the enqueue timestamp resets when the message is moved to a dead-letter
#: queue"; for standard queues it is unchanged, so the DLQ must keep messages longer.
SRC_SQS_DLQ_RETENTION = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "setting-up-dead-letter-queue-retention.html"
)
#: "Durable functions require qualified identifiers for invocation" (version, alias or
#: $LATEST), and "don't support Lambda destinations" (a DLQ catches failed events).
SRC_LAMBDA_DURABLE_INVOKING = "https://docs.aws.amazon.com/lambda/latest/dg/durable-invoking.html"
SRC_CFN_METADATA = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-metadata.html"
SRC_CFN_TEMPLATE_ANATOMY = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"

#: WebSocket API integration timeout: 50 ms to 29 s, not raisable. Source: SRC_APIGW_WEBSOCKET_QUOTAS.
APIGW_WEBSOCKET_MAX_INTEGRATION_TIMEOUT_S = 29

SYNC = "sync"
ASYNC = "async"
POLLED = "polled"

#: How every AWS service that invokes Lambda does it: ONE table, read by the checks' template
#: model (``constructs_lib.template.model``) to decide each trigger's invocation model.
#: Source: SRC_LAMBDA_SERVICES ("Services that can invoke Lambda functions"), unless a row
#: names its own.
#:
#: name -> (invocation, service principals, how the template wires it, source, discards)
#:
#: ``invocation`` is ``SYNC`` (the service waits and owns the retries), ``ASYNC`` (Lambda
#: queues the event and retries it) or ``POLLED`` (an event source mapping reads a queue or
#: stream). ``discards`` is True for asynchronous invokers whose failed events are discarded
#: unless a DLQ or on-failure destination keeps them; CloudFormation custom resources and
#: CodePipeline actions also invoke asynchronously, but a lost event there fails the stack or
#: pipeline visibly (after its timeout) instead of losing data.
LAMBDA_INVOKERS: dict[str, tuple[str, tuple[str, ...], str, str, bool]] = {
    # --- synchronous: the caller waits -------------------------------------------------
    "apigateway-rest": (SYNC, ("apigateway.amazonaws.com",),
                        "AWS::ApiGateway::Method integration; RestApi Body (OpenAPI)", SRC_APIGW_LAMBDA, False),
    "apigateway-http": (SYNC, ("apigateway.amazonaws.com",),
                        "AWS::ApiGatewayV2::Integration; Api Body (OpenAPI) or Target (quick create)",
                        SRC_APIGW_LAMBDA, False),
    "apigateway-websocket": (SYNC, ("apigateway.amazonaws.com",),
                             "AWS::ApiGatewayV2::Integration of a WEBSOCKET Api", SRC_APIGW_WEBSOCKET_QUOTAS, False),
    "alb": (SYNC, ("elasticloadbalancing.amazonaws.com",),
            "AWS::ElasticLoadBalancingV2::TargetGroup (TargetType lambda)", SRC_LAMBDA_SERVICES, False),
    "function-url": (SYNC, ("*",), "AWS::Lambda::Url", SRC_LAMBDA_URL_INVOKING, False),
    "cognito": (SYNC, ("cognito-idp.amazonaws.com", "cognito-sync.amazonaws.com"),
                "AWS::Cognito::UserPool LambdaConfig", SRC_LAMBDA_SERVICES, False),
    "lex": (SYNC, ("lexv2.amazonaws.com", "lex.amazonaws.com"), "permission", SRC_LAMBDA_SERVICES, False),
    "alexa": (SYNC, ("alexa-appkit.amazon.com", "alexa-connectedhome.amazon.com"), "permission",
              SRC_LAMBDA_SYNC_SERVICES, False),
    "cloudfront": (SYNC, ("edgelambda.amazonaws.com",),
                   "AWS::CloudFront::Distribution LambdaFunctionAssociations", SRC_LAMBDA_EDGE, False),
    "firehose": (SYNC, ("firehose.amazonaws.com",),
                 "AWS::KinesisFirehose::DeliveryStream processor (LambdaArn)", SRC_LAMBDA_SERVICES, False),
    "iot-authorizer": (SYNC, ("iot.amazonaws.com",), "AWS::IoT::Authorizer AuthorizerFunctionArn",
                       SRC_IOT_CUSTOM_AUTHORIZER, False),
    "s3-batch": (SYNC, ("batchoperations.s3.amazonaws.com",), "permission", SRC_LAMBDA_SERVICES, False),
    "secrets-manager": (SYNC, ("secretsmanager.amazonaws.com",),
                        "AWS::SecretsManager::RotationSchedule RotationLambdaARN", SRC_LAMBDA_SERVICES, False),
    "connect": (SYNC, ("connect.amazonaws.com",), "permission", SRC_LAMBDA_SERVICES, False),
    "vpc-lattice": (SYNC, ("vpc-lattice.amazonaws.com",), "AWS::VpcLattice::TargetGroup (Type LAMBDA)",
                    SRC_LAMBDA_SERVICES, False),
    "pipes-sync": (SYNC, (), "AWS::Pipes::Pipe target, InvocationType REQUEST_RESPONSE (the default)",
                   SRC_PIPES_LAMBDA, False),
    # --- asynchronous: Lambda queues the event --------------------------------------------
    "s3": (ASYNC, ("s3.amazonaws.com",), "AWS::S3::Bucket NotificationConfiguration; permission",
           SRC_LAMBDA_SERVICES, True),
    "sns": (ASYNC, ("sns.amazonaws.com",), "AWS::SNS::Subscription / Topic Subscription (Protocol lambda)",
            SRC_LAMBDA_SERVICES, True),
    "ses": (ASYNC, ("ses.amazonaws.com",), "permission", SRC_LAMBDA_SERVICES, True),
    "eventbridge": (ASYNC, ("events.amazonaws.com",), "AWS::Events::Rule Targets", SRC_LAMBDA_SERVICES, True),
    "scheduler": (ASYNC, ("scheduler.amazonaws.com",), "AWS::Scheduler::Schedule Target", SRC_LAMBDA_SERVICES, True),
    "logs": (ASYNC, ("logs.amazonaws.com",), "AWS::Logs::SubscriptionFilter DestinationArn", SRC_LAMBDA_SERVICES, True),
    "codecommit": (ASYNC, ("codecommit.amazonaws.com",), "AWS::CodeCommit::Repository Triggers",
                   SRC_LAMBDA_SERVICES, True),
    "config": (ASYNC, ("config.amazonaws.com",), "AWS::Config::ConfigRule Source (CUSTOM_LAMBDA)",
               SRC_LAMBDA_SERVICES, True),
    "iot": (ASYNC, ("iot.amazonaws.com",), "AWS::IoT::TopicRule Lambda action", SRC_LAMBDA_SERVICES, True),
    "cloudwatch-alarms": (ASYNC, ("lambda.alarms.cloudwatch.amazonaws.com",), "AWS::CloudWatch::Alarm action",
                          SRC_LAMBDA_SERVICES, True),
    "pipes-async": (ASYNC, (), "AWS::Pipes::Pipe target, InvocationType FIRE_AND_FORGET", SRC_PIPES_LAMBDA, True),
    "destination": (ASYNC, (), "AWS::Lambda::EventInvokeConfig OnSuccess/OnFailure naming a function",
                    SRC_LAMBDA_ASYNC_DEST, True),
    "cloudformation": (ASYNC, ("cloudformation.amazonaws.com",), "custom resource ServiceToken",
                       SRC_CFN_CUSTOM_RESOURCES, False),
    "codepipeline": (ASYNC, ("codepipeline.amazonaws.com",), "pipeline Invoke action (its role)",
                     SRC_LAMBDA_SERVICES, False),
    # --- polled: an event source mapping -------------------------------------------------
    "sqs": (POLLED, (), "AWS::Lambda::EventSourceMapping on an SQS queue", SRC_LAMBDA_SERVICES, False),
    "kinesis": (POLLED, (), "AWS::Lambda::EventSourceMapping on a Kinesis stream", SRC_LAMBDA_SERVICES, False),
    "dynamodb": (POLLED, (), "AWS::Lambda::EventSourceMapping on a DynamoDB stream", SRC_LAMBDA_SERVICES, False),
    "kafka": (POLLED, (), "AWS::Lambda::EventSourceMapping on MSK or self-managed Kafka", SRC_LAMBDA_SERVICES, False),
    "mq": (POLLED, (), "AWS::Lambda::EventSourceMapping on an Amazon MQ broker", SRC_LAMBDA_SERVICES, False),
    "documentdb": (POLLED, (), "AWS::Lambda::EventSourceMapping on a DocumentDB change stream",
                   SRC_LAMBDA_SERVICES, False),
}


# --------------------------------------------------------------------------------------
# Function descriptions, code and CORS (values aws-cdk-lib refused with a raw error)
# --------------------------------------------------------------------------------------
#: CreateFunction's Description: at most 256 characters.
SRC_LAMBDA_CREATE_FUNCTION = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"
LAMBDA_MAX_DESCRIPTION_LENGTH = 256
#: Inline code (``Code.ZipFile``, aws-cdk-lib's ``Code.from_inline``) is accepted for the
#: Node.js and Python runtimes only.
SRC_CFN_LAMBDA_CODE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html"
)
LAMBDA_INLINE_CODE_RUNTIME_FAMILIES = ("nodejs", "python")
#: A function URL's CORS settings: MaxAge 0-86,400 s; at most 100 AllowOrigins, AllowHeaders
#: and ExposeHeaders each, at most 6 AllowMethods. (LAMBDA_URL_MAX_CORS_MAX_AGE_S above.)
SRC_LAMBDA_URL_CORS = "https://docs.aws.amazon.com/lambda/latest/api/API_Cors.html"
LAMBDA_URL_CORS_MAX_ITEMS = 100
LAMBDA_URL_CORS_MAX_METHODS = 6
#: An HTTP API's CORS MaxAge: -1 to 86,400 s (a Duration cannot be negative).
SRC_APIGW_HTTP_CORS = "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html#apis-apiid-model-cors"
APIGW_HTTP_MAX_CORS_MAX_AGE_S = 86400

# --------------------------------------------------------------------------------------
# EventBridge Scheduler: descriptions, expressions, time zones
# --------------------------------------------------------------------------------------
#: CreateSchedule's Description: at most 512 characters; ScheduleExpressionTimezone: a time
#: zone name (IANA), 1-50 characters.
SRC_SCHEDULER_CREATE = "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html"
SCHEDULER_MAX_DESCRIPTION_LENGTH = 512
#: ``rate(value unit)`` (a positive integer; minute(s), hour(s), day(s)), ``cron(minutes hours
#: day-of-month month day-of-week year)`` and ``at(yyyy-mm-ddThh:mm:ss)``.
SRC_SCHEDULER_TYPES = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html"
#: The cron fields' values and wildcards, and the rate unit's number (singular for 1, plural
#: above), as EventBridge documents them for schedule expressions.
SRC_EVENTBRIDGE_SCHEDULE_EXPRESSIONS = (
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html"
)
SCHEDULER_CRON_YEARS = (1970, 2199)
SCHEDULER_MAX_TIMEZONE_LENGTH = 50

# --------------------------------------------------------------------------------------
# Stream read permissions
# --------------------------------------------------------------------------------------
#: What Lambda needs to read a Kinesis data stream through a standard iterator:
#: DescribeStream, DescribeStreamSummary, GetRecords, GetShardIterator, ListShards on the
#: stream. SubscribeToShard and DescribeStreamConsumer act on an enhanced fan-out consumer
#: (their resource is the consumer's ARN), so a mapping without one never calls them; neither
#: does it call ListStreams (it is given the stream's ARN). Sources: SRC_LAMBDA_KINESIS_PERMISSIONS,
#: SRC_KINESIS_SUBSCRIBE_TO_SHARD, SRC_KINESIS_ACTIONS.
SRC_LAMBDA_KINESIS_PERMISSIONS = "https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html"
SRC_KINESIS_SUBSCRIBE_TO_SHARD = "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html"
SRC_KINESIS_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html"

# --------------------------------------------------------------------------------------
# Dashboards
# --------------------------------------------------------------------------------------
#: A CloudWatch dashboard is a grid 24 units wide; each widget has a width and a height
#: in those units. Source: SRC_CLOUDWATCH_DASHBOARD_BODY.
SRC_CLOUDWATCH_DASHBOARD_BODY = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html"
)
DASHBOARD_GRID_WIDTH = 24
#: Dashboards are global (one namespace per account, not per Region); a name is at most 255
#: characters of A-Z, a-z, 0-9, "-" and "_". Source: SRC_CLOUDWATCH_PUT_DASHBOARD.
SRC_CLOUDWATCH_PUT_DASHBOARD = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"
DASHBOARD_MAX_NAME_LENGTH = 255

# --------------------------------------------------------------------------------------
# Function configuration: environment variables and layers (values aws-cdk-lib refused with
# a raw jsii error, or that Lambda refuses at deploy)
# --------------------------------------------------------------------------------------
#: "Defined runtime environment variables": Lambda runtimes set these during initialization;
#: "the keys for these environment variables are reserved and cannot be set in your function
#: configuration" (LANG, PATH, PYTHONPATH and the like are not reserved).
SRC_LAMBDA_ENVVARS = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html"
LAMBDA_RESERVED_ENVIRONMENT_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})
#: Lambda quotas, "Function environment variables: 4 KB, for all environment variables
#: associated with the function, in aggregate" (SRC_LAMBDA_ENVVARS: "the total size of all
#: environment variables doesn't exceed 4 KB"). Counted here as the UTF-8 bytes of every key
#: and value. Source: SRC_LAMBDA_QUOTAS.
LAMBDA_MAX_ENVIRONMENT_BYTES = 4 * 1024
#: Lambda quotas, "Function layers: five layers"; "You can add up to five layers to a Lambda
#: function" (SRC_LAMBDA_LAYERS).
SRC_LAMBDA_LAYERS = "https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html"
LAMBDA_MAX_LAYERS = 5

# --------------------------------------------------------------------------------------
# API names and stage names
# --------------------------------------------------------------------------------------
#: Stage names "can only contain alphanumeric characters, hyphens, and underscores. Maximum
#: length is 128 characters" (REST CreateStage; the same for HTTP API stages, SRC_APIGW_V2_STAGES,
#: where "$default" names the stage served at the root of the endpoint).
SRC_APIGW_CREATE_STAGE = "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html"
SRC_APIGW_V2_STAGES = "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages.html"
APIGW_MAX_STAGE_NAME_LENGTH = 128
APIGW_HTTP_DEFAULT_STAGE = "$default"
#: An HTTP API's name: 1-128 characters (CreateApi's Name, StringWithLengthBetween1And128).
SRC_APIGW_V2_APIS = "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html"
APIGW_HTTP_MAX_API_NAME_LENGTH = 128
#: A CloudWatch dimension value: 1-255 characters (AWS::CloudWatch::Alarm Dimension Value). A
#: REST API's alarms and graphs use its name as the ApiName dimension, so the name is held to
#: this too (the REST API reference states no length of its own).
SRC_CLOUDWATCH_ALARM_DIMENSION = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudwatch-alarm-dimension.html"
)
CLOUDWATCH_MAX_DIMENSION_VALUE_LENGTH = 255

# --------------------------------------------------------------------------------------
# Event source mapping start time
# --------------------------------------------------------------------------------------
#: StartingPositionTimestamp: "With StartingPosition set to AT_TIMESTAMP, the time from which to
#: start reading, in Unix time seconds"; "StartingPositionTimestamp cannot be in the future".
#: A value more than this far ahead of the synth time is refused (most likely milliseconds).
#: Source: SRC_ESM_API.
ESM_MAX_STARTING_POSITION_TIMESTAMP_AHEAD_S = 24 * 3600

#: "You can't create cross-stack references across Regions" (Export / Fn::ImportValue work
#: within one account and Region): a dashboard cannot graph the resources of a stack in
#: another environment by reference (aws-cdk-lib: CannotUseCrossEnvironment).
SRC_CFN_CROSS_STACK = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html"
)
