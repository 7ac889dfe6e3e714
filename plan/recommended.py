"""AWS's recommended alarms for the kinds watchtower monitors, as data: one row per alarm AWS lists (CloudWatch
user guide, "Recommended alarms", under "Best practice alarm recommendations for AWS services"), with the
catalog family that implements it, or the reason no family does.

A row copies AWS's metric, dimensions, statistic, threshold (a number, or "depends" where AWS says "Depends on
your situation"), period, datapoints to alarm, evaluation periods and comparison. AWS gives no missing-data
treatment; the catalog row that implements an alarm says its own. Where the catalog departs from AWS's numbers
its row's comment says why. The kinds AWS lists no row for (state machines, EventBridge rules, Firehose
streams, AppSync APIs, Application Load Balancers, EventBridge Pipes, SES configuration sets) have none here;
their catalog rows name the guide or the first principles they rest on.

Example
-------
>>> [row.metric for row in recommended_for("kinesis_streams") if row.family == "StreamPutFailures"]
['PutRecord.Success', 'PutRecords.FailedRecords']
>>> sorted({row.family for row in recommended_for("cloudfront_distributions") if row.family})
['HighErrorRate', 'Latency']
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AWS_PAGE", "AwsAlarm", "AWS_RECOMMENDED", "recommended_for", "implemented"]

AWS_PAGE = ("https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
            "Best_Practice_Recommended_Alarms_AWS_Services.html")


@dataclass(frozen=True)
class AwsAlarm:
    """One of AWS's recommended alarms, for resources of ``kind`` (``"account"``: one per account and region).

    ``family`` is the catalog family whose alarm watches ``metric`` for that kind; when it is None, ``why``
    says why watchtower does not alarm on it.

    Example
    -------
    >>> AwsAlarm("functions", "AWS/Lambda", "Errors", "FunctionName", "Sum", "depends", 60, 3, 3, ">",
    ...          "HighErrorRate").datapoints
    3
    """

    kind: str
    namespace: str
    metric: str
    dimensions: str
    statistic: str
    threshold: str
    period: int
    datapoints: int
    evaluation_periods: int
    comparison: str
    family: str | None = None
    why: str = ""


def _rows(kind: str, namespace: str, dimensions: str,
          *rows: tuple[str, str, str, int, int, str, str | None, str]) -> tuple[AwsAlarm, ...]:
    """``rows``: (metric, statistic, threshold, period, datapoints (= evaluation periods), comparison, family,
    why) for one kind, namespace and dimension set (a row's own dimensions follow ``|`` in its metric)."""
    out = []
    for metric, statistic, threshold, period, datapoints, comparison, family, why in rows:
        name, _, dims = metric.partition("|")
        out.append(AwsAlarm(kind, namespace, name, dims or dimensions, statistic, threshold, period, datapoints,
                            datapoints, comparison, family, why))
    return tuple(out)


_NOT_YET = "not alarmed yet"
_SIZE = "a threshold from the instance's size, which the config does not give"
_MYSQL = "Aurora MySQL only: the config does not say the engine"
_PG = "PostgreSQL only: the config does not say the engine"
_CF_FUNCTIONS = "CloudFront Functions are not in the config"
_PER_TASK = "per task or container: the service-level CpuUtilization, MemoryUtilization and EphemeralStorage judge it"

# fmt: off
AWS_RECOMMENDED: tuple[AwsAlarm, ...] = (
    *_rows("functions", "AWS/Lambda", "FunctionName",
           ("Errors", "Sum", "depends", 60, 3, ">", "HighErrorRate", "a guarded rate, not a count"),
           ("Throttles", "Sum", "depends", 60, 5, ">=", "Throttles", "a guarded rate, not a count"),
           ("Duration", "p90", "depends", 60, 15, ">", "Latency", "p99, the seed's thresholds"),
           ("ConcurrentExecutions", "Maximum", "depends", 60, 10, ">", None,
            "AWS points to ClaimedAccountConcurrency for the account's quota: AccountConcurrency watches it")),
    *_rows("functions", "LambdaInsights", "function_name",
           ("memory_utilization", "Average", "90", 60, 10, ">", "MemoryPressure", "80 % for 5 minutes (the seed)")),
    *_rows("account", "AWS/Lambda", "None",
           ("ClaimedAccountConcurrency", "Maximum", "depends", 60, 10, ">", "AccountConcurrency",
            "90 % of the configured quota, AWS's numbers")),
    *_rows("rest_apis", "AWS/ApiGateway", "ApiName, Stage",
           ("4XXError", "Average", "0.05", 60, 5, ">", "Api4xxRate", "20 % of at least 50 requests"),
           ("5XXError", "Average", "0.05", 60, 3, ">", "HighErrorRate", "a guarded rate paging at 10 %"),
           ("Count", "SampleCount", "depends", 60, 10, "<", "TrafficDrop", "an expected band, not a floor"),
           ("Latency", "p90", "2500", 60, 5, ">=", "Latency", "p99, the seed's thresholds")),
    *_rows("http_apis", "AWS/ApiGateway", "ApiId, Stage",
           ("4xx", "Average", "0.05", 60, 5, ">", "Api4xxRate", "20 % of at least 50 requests"),
           ("5xx", "Average", "0.05", 60, 3, ">", "HighErrorRate", "a guarded rate paging at 10 %"),
           ("Count", "SampleCount", "depends", 60, 10, "<", "TrafficDrop", "an expected band, not a floor"),
           ("Latency", "p90", "2500", 60, 5, ">=", "Latency", "p99, the seed's thresholds"),
           ("IntegrationLatency", "p90", "2000", 60, 5, ">=", None,
            "AWS calls it optional for HTTP APIs, which have the Latency row")),
    *_rows("api_routes", "AWS/ApiGateway", "ApiName, Stage, Resource, Method",
           ("Latency", "p90", "2500", 60, 5, ">=", "Latency", "p99, the seed's thresholds"),
           ("Latency|ApiId, Stage, Resource, Method", "p90", "2500", 60, 5, ">=", "Latency",
            "p99, the seed's thresholds"),
           ("Count", "SampleCount", "depends", 60, 10, "<", None,
            "a route's traffic drop shows in its API's TrafficDrop; AWS advises the per-route floor only where "
            "each route's traffic is predictable"),
           ("Count|ApiId, Stage, Resource, Method", "SampleCount", "depends", 60, 10, "<", None,
            "as for REST routes")),
    *_rows("websocket_apis", "AWS/ApiGateway", "ApiId, Stage",
           ("IntegrationLatency", "p90", "2000", 60, 5, ">=", "Latency", "p99, the seed's thresholds"),
           ("IntegrationLatency|ApiId, Stage, Route", "p90", "2000", 60, 5, ">=", None,
            "the config lists no WebSocket routes"),
           ("MessageCount", "SampleCount", "depends", 60, 10, "<", None,
            "AWS advises it only for steady traffic; a WebSocket API's messages follow its connected clients"),
           ("MessageCount|ApiId, Stage, Route", "SampleCount", "depends", 60, 10, "<", None,
            "the config lists no WebSocket routes"),
           ("ClientError", "Average", "0.05", 60, 5, ">", "Api4xxRate", "20 % of at least 50 messages"),
           ("ExecutionError", "Average", "0.05", 60, 3, ">", "HighErrorRate",
            "integration and execution errors per message, a guarded rate")),
    *_rows("tables", "AWS/DynamoDB", "TableName",
           ("ReadThrottleEvents", "Sum", "depends", 60, 5, ">", "DatabaseThrottling", "at least 5 a minute"),
           ("WriteThrottleEvents", "Sum", "depends", 60, 5, ">", "DatabaseThrottling", "at least 5 a minute"),
           ("ReadThrottleEvents|TableName, GlobalSecondaryIndexName", "Sum", "depends", 60, 5, ">", None,
            "the config lists tables, not their indexes"),
           ("WriteThrottleEvents|TableName, GlobalSecondaryIndexName", "Sum", "depends", 60, 5, ">", None,
            "the config lists tables, not their indexes"),
           ("SystemErrors", "Sum", "depends", 60, 15, ">", None, _NOT_YET),
           ("SuccessfulRequestLatency|TableName, Operation", "Average", "depends", 60, 10, ">", None, _NOT_YET),
           ("ReplicationLatency|TableName, ReceivingRegion", "Average", "depends", 60, 15, ">", None,
            "global tables only: the config does not say a table is global"),
           ("AgeOfOldestUnreplicatedRecord|TableName, DelegatedOperation", "Maximum", "depends", 300, 3, ">",
            None, "Kinesis streaming destinations are not in the config"),
           ("FailedToReplicateRecordCount|TableName, DelegatedOperation", "Sum", "0", 60, 1, ">", None,
            "Kinesis streaming destinations are not in the config"),
           ("ThrottledPutRecordCount|TableName, DelegatedOperation", "Maximum", "depends", 60, 10, ">", None,
            "Kinesis streaming destinations are not in the config"),
           ("AccountProvisionedReadCapacityUtilization|None", "Maximum", "80", 300, 2, ">", None,
            "account-level: " + _NOT_YET),
           ("AccountProvisionedWriteCapacityUtilization|None", "Maximum", "80", 300, 2, ">", None,
            "account-level: " + _NOT_YET),
           ("UserErrors|None", "Sum", "depends", 60, 10, ">", None, "account-level: " + _NOT_YET)),
    *_rows("queues", "AWS/SQS", "QueueName",
           ("ApproximateAgeOfOldestMessage", "Maximum", "depends", 60, 15, ">=", "QueueMessageAge",
            "15 minutes, one 5-minute period"),
           ("ApproximateNumberOfMessagesNotVisible", "Average", "depends", 60, 15, ">=", None,
            "a threshold from history; a stuck backlog shows as QueueMessageAge"),
           ("ApproximateNumberOfMessagesVisible", "Average", "depends", 60, 15, ">=", None,
            "a threshold from history; a stuck backlog shows as QueueMessageAge"),
           ("NumberOfMessagesSent", "Sum", "0", 60, 15, "<=", None, _NOT_YET)),
    *_rows("topics", "AWS/SNS", "TopicName",
           ("NumberOfNotificationsFailed", "Sum", "depends", 60, 5, ">", "NotificationFailures",
            "any failure in 5 minutes"),
           ("NumberOfMessagesPublished", "Sum", "depends", 60, 5, "<", None, "a traffic floor from history"),
           ("NumberOfNotificationsDelivered", "Sum", "depends", 60, 5, "<", None, "a traffic floor from history"),
           ("NumberOfNotificationsFilteredOut-InvalidAttributes", "Sum", "0", 60, 5, ">", None, _NOT_YET),
           ("NumberOfNotificationsFilteredOut-InvalidMessageBody", "Sum", "0", 60, 5, ">", None, _NOT_YET),
           ("NumberOfNotificationsRedrivenToDlq", "Sum", "0", 60, 5, ">", None, _NOT_YET),
           ("NumberOfNotificationsFailedToRedriveToDlq", "Sum", "0", 60, 5, ">", None, _NOT_YET),
           ("SMSMonthToDateSpentUSD", "Maximum", "depends", 60, 5, ">", None, "SMS only: not in the config"),
           ("SMSSuccessRate", "Average", "depends", 60, 5, ">", None, "SMS only: not in the config")),
    *_rows("kinesis_streams", "AWS/Kinesis", "StreamName",
           ("GetRecords.IteratorAgeMilliseconds", "Maximum", "depends", 60, 15, ">", "StreamConsumerLag",
            "50 % of the retention pages, 10 % notifies, over three 5-minute periods"),
           ("GetRecords.Success", "Average", "depends", 60, 5, "<", "StreamReadFailures",
            "the failed share of at least 10 calls a minute over 10 %"),
           ("PutRecord.Success", "Average", "depends", 60, 5, "<", "StreamPutFailures",
            "with PutRecords.FailedRecords, one share of the records put"),
           ("PutRecords.FailedRecords", "Sum", "depends", 60, 5, ">", "StreamPutFailures",
            "with PutRecord.Success, one share of the records put"),
           ("ReadProvisionedThroughputExceeded", "Average", "depends", 60, 5, ">", None,
            "a throttled read is a failed GetRecords call: StreamReadFailures judges it"),
           ("SubscribeToShardEvent.MillisBehindLatest|StreamName, ConsumerName", "Average", "depends", 60, 5, ">",
            None, "the config names no enhanced fan-out consumer"),
           ("WriteProvisionedThroughputExceeded", "Average", "depends", 60, 5, ">", "StreamWriteThrottles",
            "1 % of at least 100 records a minute")),
    *_rows("ecs_services", "AWS/ECS", "ClusterName, ServiceName",
           ("CPUUtilization", "Average", "80", 60, 5, ">", "CpuUtilization", "90 % for 15 minutes"),
           ("MemoryUtilization", "Average", "80", 60, 5, ">", "MemoryUtilization", "90 % for 15 minutes"),
           ("CPUReservation|ClusterName", "Average", "80", 60, 5, ">", None,
            "cluster-level, shared by services; AWS does not advise it with Fargate or managed scaling"),
           ("MemoryReservation|ClusterName", "Average", "80", 60, 5, ">", None,
            "cluster-level, shared by services; AWS does not advise it with Fargate or managed scaling"),
           ("EBSFilesystemUtilization", "Average", "80", 60, 5, ">", None,
            "tasks' EBS volumes are not in the config"),
           ("HTTPCode_Target_5XX_Count", "Sum", "depends", 60, 5, ">", None,
            "requests are judged where they enter: a listed load balancer's HighErrorRate"),
           ("TargetResponseTime", "Average", "depends", 60, 5, ">", None,
            "requests are judged where they enter: a listed load balancer's Latency")),
    *_rows("ecs_services", "ECS/ContainerInsights", "ClusterName, ServiceName",
           ("EphemeralStorageUtilized", "Average", "depends", 60, 5, ">", "EphemeralStorage",
            "90 % of the reserved storage, AWS's numbers (Fargate)"),
           ("RunningTaskCount", "Average", "0", 60, 5, "<=", "RunningTasks",
            "below the service's minimum tasks (Minimum), 3 of 6 minutes"),
           ("TaskCpuUtilization", "Average", "80", 60, 5, ">", None, _PER_TASK),
           ("TaskMemoryUtilization", "Average", "80", 60, 5, ">", None, _PER_TASK),
           ("ContainerCpuUtilization", "Average", "80", 60, 5, ">", None, _PER_TASK),
           ("ContainerMemoryUtilization", "Average", "80", 60, 5, ">", None, _PER_TASK),
           ("TaskEphemeralStorageUtilization", "Average", "80", 60, 5, ">", None, _PER_TASK),
           ("TaskEBSfilesystemUtilization", "Average", "80", 60, 5, ">", None,
            "tasks' EBS volumes are not in the config"),
           ("instance_filesystem_utilization|InstanceId, ContainerInstanceId, ClusterName", "Average", "90", 60, 5,
            ">", None, "per container instance of an EC2 cluster, not a service's")),
    *_rows("aurora_clusters", "AWS/RDS", "DBInstanceIdentifier",
           ("CPUUtilization", "Average", "90", 60, 5, ">", "CpuUtilization",
            "the busiest instance of the cluster (Maximum), 15 minutes"),
           ("EngineUptime|DBClusterIdentifier, Role=WRITER", "Average", "0", 60, 2, "<=", "DatabaseWriterDown",
            "2 of 5 minutes, so it resolves after 4 healthy ones"),
           ("DatabaseConnections", "Average", "depends", 60, 5, ">", None, _SIZE + " (max connections)"),
           ("FreeableMemory", "Average", "depends", 60, 15, "<", None, _SIZE + " (memory)"),
           ("DBLoad", "Average", "depends", 60, 15, ">", None, _SIZE + " (vCPUs); AWS: not for serverless"),
           ("FreeLocalStorage", "Average", "depends", 60, 5, "<", None, _SIZE + " (local storage)"),
           ("StorageNetworkThroughput|DBClusterIdentifier, Role=WRITER", "Average", "depends", 60, 5, ">", None,
            _SIZE + " (network bandwidth)"),
           ("ReadLatency", "p90", "depends", 60, 5, ">", None, "per instance: " + _NOT_YET),
           ("WriteLatency", "p90", "depends", 60, 5, ">", None, "per instance: " + _NOT_YET),
           ("BufferCacheHitRatio", "Average", "80", 60, 10, "<", None, "per instance: " + _NOT_YET),
           ("BlockedTransactions", "Average", "depends", 60, 5, ">", None, "per instance: " + _NOT_YET),
           ("AuroraVolumeBytesLeftTotal|DBClusterIdentifier", "Average", "depends", 60, 5, "<", None, _MYSQL),
           ("AuroraBinlogReplicaLag|DBClusterIdentifier, Role=WRITER", "Average", "-1", 60, 2, "<=", None,
            _MYSQL),
           ("RollbackSegmentHistoryListLength", "Average", "1000000", 60, 5, ">", None, _MYSQL),
           ("MaximumUsedTransactionIDs", "Average", "1000000000", 60, 1, ">", None, _PG),
           ("EBSByteBalance%", "Average", "10", 60, 3, "<", None, "AWS: not for Aurora PostgreSQL instances"),
           ("EBSIOBalance%", "Average", "10", 60, 3, "<", None, "AWS: not for Aurora instances"),
           ("FreeStorageSpace", "Minimum", "depends", 60, 5, "<", None,
            "an Aurora cluster's volume grows by itself (AuroraVolumeBytesLeftTotal is its row)"),
           ("ReplicaLag", "Maximum", "60", 60, 10, ">", None, "RDS read replicas are not in the config")),
    *_rows("cloudfront_distributions", "AWS/CloudFront", "DistributionId, Region=Global",
           ("5xxErrorRate", "Average", "depends", 60, 5, ">", "HighErrorRate",
            "10 % pages and 5 % notifies, with at least 20 requests a minute"),
           ("OriginLatency", "p90", "depends", 60, 5, ">", "Latency",
            "p99, the seed's thresholds (needs the additional metrics)"),
           ("FunctionValidationErrors|DistributionId, FunctionName, Region=Global", "Sum", "0", 60, 2, ">", None,
            _CF_FUNCTIONS),
           ("FunctionExecutionErrors|DistributionId, FunctionName, Region=Global", "Sum", "0", 60, 5, ">", None,
            _CF_FUNCTIONS),
           ("FunctionThrottles|DistributionId, FunctionName, Region=Global", "Sum", "0", 60, 5, ">", None,
            _CF_FUNCTIONS)),
    *_rows("buckets", "AWS/S3", "BucketName, FilterId",
           ("4xxErrors", "Average", "0.05", 60, 15, ">", "Bucket4xxRate", "20 % of at least 20 requests a minute"),
           ("5xxErrors", "Average", "0.05", 60, 15, ">", "BucketServerErrors",
            "AWS's numbers, with at least 20 requests a minute"),
           ("OperationsFailedReplication|SourceBucket, DestinationBucket, RuleId", "Maximum", "0", 60, 5, ">", None,
            "replication rules are not in the config")),
    *_rows("schedule_groups", "AWS/Scheduler", "None",
           ("TargetErrorThrottledCount", "Sum", "0", 60, 15, ">", "ScheduleThrottles", "per schedule group"),
           ("InvocationThrottleCount", "Sum", "0", 60, 15, ">", "ScheduleThrottles", "per schedule group"),
           ("InvocationDroppedCount", "Sum", "0", 60, 1, ">", "ScheduleFailures",
            "per schedule group, as a share of the attempts with at least 1 dropped"),
           ("InvocationsFailedToBeSentToDeadLetterCount", "Sum", "0", 60, 15, ">", "ScheduleDlqFailures",
            "per schedule group")),
)
# fmt: on


def recommended_for(kind: str) -> list[AwsAlarm]:
    """AWS's recommended alarms for resources of ``kind``, in AWS's order.

    Example
    -------
    >>> [row.metric for row in recommended_for("schedule_groups")][:2]
    ['TargetErrorThrottledCount', 'InvocationThrottleCount']
    """
    return [row for row in AWS_RECOMMENDED if row.kind == kind]


def implemented(kind: str) -> dict[str, set[str]]:
    """For ``kind``: each catalog family that implements one of AWS's recommended alarms -> the metrics it cites.

    Example
    -------
    >>> implemented("aurora_clusters")
    {'CpuUtilization': {'CPUUtilization'}, 'DatabaseWriterDown': {'EngineUptime'}}
    """
    out: dict[str, set[str]] = {}
    for row in recommended_for(kind):
        if row.family:
            out.setdefault(row.family, set()).add(row.metric)
    return out
