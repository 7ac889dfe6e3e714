"""The alarm catalog: every alarm family, the resource kinds it applies to, and its default thresholds.

One readable table. The first rows are the seed alarms the catalog started from: ServiceDown, HighErrorRate,
DatabaseThrottling, Latency, MemoryPressure, ColdStarts. Rates are percentages (0-100), times milliseconds.
A threshold's duration is ``period x evaluation_periods``; ``min_requests`` is the traffic guard of rate alarms
(requests per period below which the rate counts as healthy, so one failed request in a quiet hour never pages)
and ``min_bad`` the floor of bad events a period needs before it may breach at all.

Where AWS lists a metric among its recommended alarms (CloudWatch user guide, "Best practice alarm
recommendations for AWS services", its list of recommended alarms), the row says so and says where it departs
from the recommendation, and why; ``plan.recommended`` holds AWS's rows as data (metric, dimensions, statistic,
threshold, period, datapoints, comparison, the page), each with the family that implements it or the reason
none does. AWS's rows give no missing-data treatment: ours is the row's own. AWS's rows are per metric and per
minute; ours are rates with traffic guards because they roll up into paging composites, where a single failed
request must not wake anybody.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Mapping

from config.errors import InputError
from config.services import AlarmOverride
from plan.enums import Comparison, MissingData

__all__ = ["Threshold", "AlarmDefault", "CATALOG", "FAMILIES", "CatalogError", "resolve_threshold",
           "defaults_for_kind", "ACCOUNT"]

GT, GTE, LT, LTE = (Comparison.GREATER_THAN_THRESHOLD, Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    Comparison.LESS_THAN_THRESHOLD, Comparison.LESS_THAN_OR_EQUAL_TO_THRESHOLD)
LOWER_BAND = Comparison.LESS_THAN_LOWER_THRESHOLD
NOT_BREACHING, IGNORE = MissingData.NOT_BREACHING, MissingData.IGNORE

FUNCTION, REST_API, HTTP_API = "functions", "rest_apis", "http_apis"
TABLE, QUEUE, STATE_MACHINE, EVENT_RULE, TOPIC = "tables", "queues", "state_machines", "event_rules", "topics"
APIS = (REST_API, HTTP_API)
API_ROUTE, KINESIS, FIREHOSE, APPSYNC, WEBSOCKET = ("api_routes", "kinesis_streams", "firehose_streams",
                                                    "appsync_apis", "websocket_apis")
LOAD_BALANCER, ECS, AURORA, CLOUDFRONT, BUCKET = ("load_balancers", "ecs_services", "aurora_clusters",
                                                  "cloudfront_distributions", "buckets")
SCHEDULE_GROUP, PIPE, SES = "schedule_groups", "pipes", "ses_configuration_sets"
# What answers requests and so has a success rate, an error rate and a latency (listed routes included).
REQUESTS = (API_ROUTE, LOAD_BALANCER, APPSYNC, CLOUDFRONT)


class CatalogError(InputError):
    """An override produced settings CloudWatch would reject."""


@dataclass(frozen=True)
class Threshold:
    """When one severity of an alarm fires: ``value`` breached in ``datapoints_to_alarm`` of
    ``evaluation_periods`` periods of ``period`` seconds.

    Example
    -------
    >>> Threshold(10, period=60, evaluation_periods=5).duration_seconds
    300
    """

    value: float
    period: int = 60
    evaluation_periods: int = 1
    datapoints_to_alarm: int | None = None
    min_requests: int = 0
    min_bad: int = 0

    @property
    def duration_seconds(self) -> int:
        return self.period * self.evaluation_periods

    @property
    def datapoints(self) -> int:
        return self.datapoints_to_alarm or self.evaluation_periods


@dataclass(frozen=True)
class AlarmDefault:
    """One catalog row: a family, where it applies, how it compares, and its thresholds by severity."""

    family: str
    kinds: tuple[str, ...]
    comparison: Comparison
    treat_missing: MissingData
    unit: str
    what: str
    thresholds: Mapping[str, Threshold] = field(default_factory=dict)


def _row(family: str, kinds: tuple[str, ...], comparison: Comparison, treat_missing: MissingData, unit: str,
         what: str, **thresholds: Threshold) -> AlarmDefault:
    return AlarmDefault(family, kinds, comparison, treat_missing, unit, what, MappingProxyType(thresholds))


# fmt: off
_ROWS = (
    # --- seeds (the alarms the catalog started from) -------------------------------------------------------
    # ServiceDown: 2 breaching minutes of 5 open it (the seed's "< 50% for 2 min"); it closes only after 4
    # healthy minutes in a row, so a page does not resolve and re-fire while an outage stutters.
    _row("ServiceDown", (FUNCTION, *APIS, *REQUESTS), LT, NOT_BREACHING, "%", "success rate (non-5xx / requests)",
         critical=Threshold(50, period=60, evaluation_periods=5, datapoints_to_alarm=2, min_requests=5)),
    # ServiceDown needs 5 requests a minute, so a service at about 1 request a minute is blind to it. This one
    # judges 10 minutes with a small absolute floor (3 requests, 3 of them failed, more than half failed): a
    # total outage of a quiet service opens it within minutes, while the odd failed request of a quiet dev
    # service never reaches 3. Ten minutes, not five: at one request a minute one 5-minute window in eight holds
    # fewer than 3 requests and counts as healthy mid-outage, which resolved and re-sent the page (10 minutes:
    # one in 350). 1 of 3 periods: it closes after 30 minutes without a failing window.
    _row("QuietOutage", (FUNCTION, *APIS), LT, NOT_BREACHING, "%", "success rate over 10 minutes (quiet traffic)",
         critical=Threshold(50, period=600, evaluation_periods=3, datapoints_to_alarm=1, min_requests=3,
                            min_bad=3)),
    # AWS recommends Lambda Errors (Sum > 0, 60 s, 3 of 3) and API Gateway 5XXError (Average > 0.05, 60 s, 3 of
    # 3). We alarm on the rate with a traffic guard instead: a count > 0 pages on one failed request at peak.
    # The critical one judges minutes: 5 minutes over 10 % (the seed's "for 5 min") among the last 15 open it,
    # and it closes once fewer than 5 of the last 15 breach (11 healthy minutes). An error rate hovering at
    # the threshold breaches about every other minute, so it stays open; with 5-minute periods it closed and
    # re-paged within minutes of opening. 20 requests a minute: below that one failure is 5 %, and quieter
    # services are judged by QuietOutage and their SLO windows.
    _row("HighErrorRate", (FUNCTION, *APIS, *REQUESTS, WEBSOCKET), GT, NOT_BREACHING, "%", "error rate",
         critical=Threshold(10, period=60, evaluation_periods=15, datapoints_to_alarm=5, min_requests=20),
         warning=Threshold(5, period=300, evaluation_periods=1, min_requests=10)),
    # AWS's recommended alarms include ReadThrottleEvents and WriteThrottleEvents per table. One throttled
    # request is retried by the SDK and is no incident, so this needs 5 or more a minute in 3 of 5 minutes.
    # AWS/DynamoDB alarms always ignore missing data whatever the setting says; the template says 'ignore' so it
    # reads as it behaves, and the expression adds the consumed capacity (which DynamoDB publishes every minute
    # the table is used) times 0, so it has a value, and can go back to OK, whenever the table has traffic.
    _row("DatabaseThrottling", (TABLE,), GTE, IGNORE, "count", "throttled read and write requests per minute",
         critical=Threshold(5, period=60, evaluation_periods=5, datapoints_to_alarm=3)),
    # AWS recommends p90 alarms as starting points: API Gateway Latency >= 2500 ms and WebSocket
    # IntegrationLatency >= 2000 ms (60 s, 5 of 5), Lambda Duration below the timeout (60 s, 15 of 15),
    # CloudFront OriginLatency near 80 % of the origin response timeout (60 s, 5 of 5). One family serves
    # everything that answers requests, at the seed's p99 numbers: a p99 over seconds is felt by users, and
    # an API that must answer faster sets its own threshold (overrides).
    _row("Latency", (FUNCTION, *APIS, *REQUESTS, WEBSOCKET), GT, NOT_BREACHING, "ms", "p99 latency",
         critical=Threshold(10_000, period=300, evaluation_periods=3, datapoints_to_alarm=1),
         warning=Threshold(5_000, period=300, evaluation_periods=2)),
    # AWS recommends Lambda Insights memory_utilization Average > 90 (60 s, 10 of 10); the seed's 80 % for
    # 5 minutes warns before an out-of-memory crash, which no later alarm would.
    _row("MemoryPressure", (FUNCTION,), GT, NOT_BREACHING, "%", "Lambda Insights memory utilization",
         warning=Threshold(80, period=300, evaluation_periods=1)),
    _row("ColdStarts", (FUNCTION,), GT, NOT_BREACHING, "%", "cold starts per invocation (Powertools ColdStart)",
         warning=Threshold(20, period=900, evaluation_periods=1, min_requests=20)),
    # --- anchors: defaults chosen for the remaining signals ------------------------------------------------
    # AWS's recommended alarms include Lambda Throttles; a rate with a guard keeps one retried throttle quiet.
    _row("Throttles", (FUNCTION,), GT, NOT_BREACHING, "%", "throttled invocations per request",
         warning=Threshold(1, period=300, evaluation_periods=2, min_requests=10)),
    _row("DurationNearTimeout", (FUNCTION,), GT, NOT_BREACHING, "% of timeout", "p99 duration",
         warning=Threshold(90, period=300, evaluation_periods=2)),
    # AWS's recommended alarms list no Lambda IteratorAge row (they list the stream's own
    # GetRecords.IteratorAgeMilliseconds, see StreamConsumerLag): a minute behind notifies (first principles).
    _row("IteratorAge", (FUNCTION,), GT, NOT_BREACHING, "ms", "maximum stream iterator age",
         warning=Threshold(60_000, period=300, evaluation_periods=1)),
    # Every failed async delivery is a lost event: a count on purpose.
    _row("AsyncFailures", (FUNCTION,), GT, NOT_BREACHING, "count",
         "failed async deliveries (DeadLetterErrors + DestinationDeliveryFailures + AsyncEventsDropped)",
         warning=Threshold(0, period=300, evaluation_periods=1)),
    _row("ErrorLogs", (FUNCTION,), GT, NOT_BREACHING, "count", "ERROR-level log lines",
         warning=Threshold(10, period=300, evaluation_periods=1)),
    # AWS recommends API Gateway 4XXError / 4xx and WebSocket ClientError Average > 0.05 (60 s, 5 of 5); many
    # clients legitimately get 4xx, hence 20 % of at least 50 requests over 15 minutes.
    _row("Api4xxRate", (*APIS, WEBSOCKET), GT, NOT_BREACHING, "%", "4xx rate",
         warning=Threshold(20, period=300, evaluation_periods=3, min_requests=50)),
    # AWS recommends Count SampleCount below an expected floor (60 s, 10 of 10) for APIs with steady traffic;
    # here the floor is an expected band, its width in standard deviations; missing data is fine (canaries
    # keep a live API above zero).
    _row("TrafficDrop", APIS, LOWER_BAND, NOT_BREACHING, "std devs", "request count below its expected band",
         warning=Threshold(3, period=300, evaluation_periods=3)),
    # AWS's recommended alarms include ApproximateAgeOfOldestMessage, with a threshold from the processing time.
    _row("QueueMessageAge", (QUEUE,), GT, NOT_BREACHING, "s", "age of the oldest message",
         warning=Threshold(900, period=300, evaluation_periods=1)),
    # A message in a dead-letter queue is a lost unit of work: a count on purpose.
    _row("DlqDepth", (QUEUE,), GT, NOT_BREACHING, "count", "messages in the dead-letter queue",
         warning=Threshold(0, period=60, evaluation_periods=1)),
    # AWS's recommended alarms list no Step Functions row. A count over 0 notified people about 88 times a day at a
    # busy state machine's normal, retried failures (measured with make simulate), so this is the share of
    # started executions that failed, timed out or were aborted: over 10 % with at least 3 such executions, in 2
    # of 3 ten-minute periods.
    _row("StepFunctionsFailures", (STATE_MACHINE,), GT, NOT_BREACHING, "%",
         "failed, timed-out and aborted executions per started execution",
         warning=Threshold(10, period=600, evaluation_periods=3, datapoints_to_alarm=2, min_requests=3,
                           min_bad=3)),
    _row("EventDeliveryFailures", (EVENT_RULE,), GT, NOT_BREACHING, "count", "failed target invocations",
         warning=Threshold(0, period=300, evaluation_periods=1)),
    # AWS's recommended alarms include NumberOfNotificationsFailed; any failed delivery is a lost message here.
    _row("NotificationFailures", (TOPIC,), GT, NOT_BREACHING, "count", "failed notification deliveries",
         warning=Threshold(0, period=300, evaluation_periods=1)),
    # --- the kinds beyond the serverless core --------------------------------------------------------------
    # Load balancers, AppSync APIs, CloudFront distributions and listed API routes share ServiceDown,
    # HighErrorRate and Latency above (5xx per request, p99 response time); WebSocket APIs the last two and
    # Api4xxRate. AWS's recommended alarms list CloudFront 5xxErrorRate (Average, a threshold above 0 that
    # depends on the tolerance, 60 s, 5 of 5): HighErrorRate judges that rate, guarded by the request count.
    # They list WebSocket ExecutionError (Average > 0.05, 60 s, 3 of 3): HighErrorRate counts integration and
    # execution errors per message. They list no row for AppSync, Application Load Balancers or Pipes.
    #
    # AWS recommends GetRecords.IteratorAgeMilliseconds, Maximum, 60 s, 15 of 15, threshold from the retention:
    # past 50 % of it records risk expiring unread. Judged against the retention: half of it pages while half
    # is left to recover, a tenth (2.4 h on a 24 h stream) notifies, both over AWS's 15 minutes as three
    # five-minute Maximums, so a page closes only after 5 healthy minutes (15 of 15 one-minute periods would
    # close after one, and re-page while a consumer stutters).
    _row("StreamConsumerLag", (KINESIS,), GT, NOT_BREACHING, "% of retention",
         "maximum iterator age of the stream's consumers (GetRecords.IteratorAgeMilliseconds)",
         critical=Threshold(50, period=300, evaluation_periods=3),
         warning=Threshold(10, period=300, evaluation_periods=3)),
    # AWS recommends WriteProvisionedThroughputExceeded, Average, a percentage from the retries, 60 s, 5 of 5.
    # A throttled write is retried by the producer's SDK: 1 % of at least 100 records a minute, over AWS's
    # 5 minutes, is a stream short of shards.
    _row("StreamWriteThrottles", (KINESIS,), GT, NOT_BREACHING, "%",
         "throttled writes per record written (WriteProvisionedThroughputExceeded)",
         warning=Threshold(1, period=60, evaluation_periods=5, min_requests=100)),
    # AWS recommends GetRecords.Success, Average below the share of successful reads the application needs,
    # 60 s, 5 of 5 (and ReadProvisionedThroughputExceeded, the usual cause). Here the failed share of at least
    # 10 GetRecords calls a minute: consumers retry a throttled read, so 10 % over 5 minutes, not one.
    _row("StreamReadFailures", (KINESIS,), GT, NOT_BREACHING, "%",
         "failed GetRecords calls per call (1 - GetRecords.Success Average)",
         warning=Threshold(10, period=60, evaluation_periods=5, min_requests=10)),
    # AWS recommends PutRecord.Success (Average, 60 s, 5 of 5) and PutRecords.FailedRecords (Sum, 60 s, 5 of 5),
    # thresholds from the producers' tolerance. Here both as one share of the records put: 1 % of at least 100
    # records a minute, over 5 minutes (SDKs retry an occasional internal failure).
    _row("StreamPutFailures", (KINESIS,), GT, NOT_BREACHING, "%",
         "records not put per record put (failed PutRecord calls and PutRecords.FailedRecords)",
         warning=Threshold(1, period=60, evaluation_periods=5, min_requests=100)),
    # AWS's recommended alarms list no Firehose row. The Amazon Data Firehose developer guide ("Implement best
    # practices with CloudWatch Alarms"): alarm when DeliveryTo<destination>.DataFreshness exceeds the
    # buffering limit, at most 15 minutes; it gives no statistic or datapoints: Maximum over 15 minutes (3 of 3
    # five-minute periods) here.
    _row("DeliveryFreshness", (FIREHOSE,), GT, NOT_BREACHING, "s",
         "age of the oldest record not yet delivered (DeliveryTo<destination>.DataFreshness)",
         warning=Threshold(900, period=300, evaluation_periods=3)),
    # The same guide recommends an alarm on ThrottledRecords; as a share of the records put, with a volume
    # guard, so a throttled burst the producer retries stays quiet.
    _row("FirehoseThrottling", (FIREHOSE,), GT, NOT_BREACHING, "%", "throttled records per record put",
         warning=Threshold(1, period=300, evaluation_periods=3, datapoints_to_alarm=2, min_requests=100)),
    # No AWS row (first principles): a rolling deploy drains hosts for a minute or two; a quarter of the hosts
    # unhealthy in 3 of 5 minutes is capacity lost. A group with no healthy host shows up as 5xx in
    # ServiceDown, which pages.
    _row("UnhealthyTargets", (LOAD_BALANCER,), GT, NOT_BREACHING, "%",
         "unhealthy hosts of the listed target groups (UnHealthyHostCount / all hosts)",
         warning=Threshold(25, period=60, evaluation_periods=5, datapoints_to_alarm=3)),
    # No AWS row (first principles): errors of Lambda targets as the load balancer sees them (the function's
    # own alarms see its errors, not the invocations the balancer could not make): 5 % with at least 10
    # requests and 3 errors.
    _row("LambdaTargetErrors", (LOAD_BALANCER,), GT, NOT_BREACHING, "%",
         "Lambda target errors per request (LambdaUserError + LambdaInternalError)",
         warning=Threshold(5, period=300, evaluation_periods=1, min_requests=10, min_bad=3)),
    # AWS recommends CPUUtilization Average > 80 for ECS services (ClusterName, ServiceName) and > 90 for RDS
    # instances, both 60 s, 5 of 5. One family serves both: 90 % (of the busiest Aurora instance, Maximum over
    # the cluster) for 15 minutes. Saturation notifies, it is no outage: a service that scales out on CPU runs
    # near 80 % by design, and 15 minutes lets a deploy or a scale-out settle.
    _row("CpuUtilization", (ECS, AURORA), GT, NOT_BREACHING, "%", "CPU utilization",
         warning=Threshold(90, period=300, evaluation_periods=3)),
    # AWS recommends MemoryUtilization Average > 80 (60 s, 5 of 5); 90 % for 15 minutes here, for the reasons
    # of CpuUtilization (a task's memory climbs to its working set and stays there).
    _row("MemoryUtilization", (ECS,), GT, NOT_BREACHING, "%", "memory utilization of the service's tasks",
         warning=Threshold(90, period=300, evaluation_periods=3)),
    # AWS recommends Container Insights RunningTaskCount, Average <= 0, 60 s, 5 of 5, adjusted to the service's
    # minimum running tasks. That adjustment: fewer tasks running than the minimum (Minimum statistic) in
    # 3 minutes of 6 is an outage (deploys replace tasks one at a time and stay at or above it). It closes
    # after 4 healthy minutes, so a crash-looping service does not resolve and re-page.
    _row("RunningTasks", (ECS,), LT, NOT_BREACHING, "% of min tasks",
         "running tasks per minimum running tasks (Container Insights RunningTaskCount)",
         critical=Threshold(100, period=60, evaluation_periods=6, datapoints_to_alarm=3)),
    # AWS recommends Container Insights EphemeralStorageUtilized, Average, about 90 % of the ephemeral storage
    # size, 60 s, 5 of 5 (Fargate): as a share of EphemeralStorageReserved, AWS's numbers.
    _row("EphemeralStorage", (ECS,), GT, NOT_BREACHING, "%",
         "ephemeral storage used of reserved (Container Insights EphemeralStorageUtilized, Fargate)",
         warning=Threshold(90, period=60, evaluation_periods=5)),
    # AWS's recommended alarms list no ACUUtilization row (first principles): Serverless v2 at its maximum
    # capacity cannot scale further: 90 % for 15 minutes.
    _row("DatabaseCapacity", (AURORA,), GT, NOT_BREACHING, "%", "capacity used of the maximum ACUs (ACUUtilization)",
         warning=Threshold(90, period=300, evaluation_periods=3)),
    # AWS recommends EngineUptime (DBClusterIdentifier, Role=WRITER), Average <= 0, 60 s, 2 of 2: the writer
    # is down and no replica took over (a failover usually restores it within 60 s). 2 minutes of 5 at zero
    # open it, like AWS's 2 of 2; it closes after 4 healthy minutes, so a flapping writer pages once. A paused
    # Serverless v2 writer publishes nothing, and missing data is not a breach.
    _row("DatabaseWriterDown", (AURORA,), LTE, NOT_BREACHING, "s", "uptime of the cluster's writer (EngineUptime)",
         critical=Threshold(0, period=60, evaluation_periods=5, datapoints_to_alarm=2)),
    # AWS recommends 5xxErrors (BucketName, FilterId), Average > 0.05, 60 s, 15 of 15: request metrics need a
    # metrics configuration on the bucket. AWS's numbers, with a guard of 20 requests a minute (SDKs retry a
    # 503 Slow Down at a hot prefix; a quiet bucket's one failed request is no incident).
    _row("BucketServerErrors", (BUCKET,), GT, NOT_BREACHING, "%", "5xx responses per request (request metrics)",
         warning=Threshold(5, period=60, evaluation_periods=15, min_requests=20)),
    # AWS recommends 4xxErrors, Average > 0.05, 60 s, 15 of 15, to baseline typical 4xx rates. Existence checks
    # (404) and expired links (403) are normal traffic for many buckets, hence 20 % as for API 4xx, over AWS's
    # 15 minutes, with at least 20 requests a minute.
    _row("Bucket4xxRate", (BUCKET,), GT, NOT_BREACHING, "%", "4xx responses per request (request metrics)",
         warning=Threshold(20, period=60, evaluation_periods=15, min_requests=20)),
    # No AWS row (first principles): without request metrics S3 publishes stored bytes once a day: far below
    # the expected band is bulk deletion, or a lifecycle rule doing what it was told. Chat only: a person
    # judges which.
    _row("BucketStorageAnomaly", (BUCKET,), LOWER_BAND, NOT_BREACHING, "std devs",
         "stored bytes below their expected band (daily BucketSizeBytes)",
         info=Threshold(4, period=86400, evaluation_periods=1)),
    # AWS recommends InvocationDroppedCount, Sum > 0, 60 s, 1 of 1: a dropped invocation is a scheduled job that
    # never ran after its retries. Per schedule group here, as a share of the attempted invocations with at
    # least 1 dropped: the same alarm (any drop), which reads as a rate beside the attempts.
    _row("ScheduleFailures", (SCHEDULE_GROUP,), GT, NOT_BREACHING, "%",
         "invocations dropped after their retries, per attempted invocation",
         warning=Threshold(0, period=60, evaluation_periods=1, min_bad=1)),
    # AWS recommends TargetErrorThrottledCount and InvocationThrottleCount, Sum > 0, 60 s, 15 of 15: throttling
    # in every minute of 15 delays schedules (a brief throttle is retried). Both, per schedule group, AWS's
    # numbers.
    _row("ScheduleThrottles", (SCHEDULE_GROUP,), GT, NOT_BREACHING, "count",
         "throttled invocations (TargetErrorThrottledCount + InvocationThrottleCount)",
         warning=Threshold(0, period=60, evaluation_periods=15)),
    # AWS recommends InvocationsFailedToBeSentToDeadLetterCount, Sum > 0, 60 s, 15 of 15 (retryable errors show
    # up too, hence 15): a failed invocation that also missed its DLQ is lost. AWS's numbers, per group.
    _row("ScheduleDlqFailures", (SCHEDULE_GROUP,), GT, NOT_BREACHING, "count",
         "failed invocations that also failed to reach the dead-letter queue",
         warning=Threshold(0, period=60, evaluation_periods=15)),
    # No AWS row (first principles): a pipe retries its target; failed and timed-out executions over 5 % of
    # at least 10 invocations, and at least 3 of them, in 2 of 3 five-minute periods.
    _row("PipeFailures", (PIPE,), GT, NOT_BREACHING, "%", "failed and timed-out executions per invocation",
         warning=Threshold(5, period=300, evaluation_periods=3, datapoints_to_alarm=2, min_requests=10,
                           min_bad=3)),
    # AWS's recommended alarms list no SES row. SES computes these rates over the configuration set's recent
    # sending, so they carry their own volume; SES reviews a sender at 5 % bounces and 0.1 % complaints (SES
    # developer guide, as for the account's SesBounceRate and SesComplaintRate below).
    _row("EmailBounceRate", (SES,), GT, NOT_BREACHING, "%", "bounce rate of the configuration set "
         "(Reputation.BounceRate)", warning=Threshold(5, period=3600, evaluation_periods=1)),
    _row("EmailComplaintRate", (SES,), GT, NOT_BREACHING, "%", "complaint rate of the configuration set "
         "(Reputation.ComplaintRate)", warning=Threshold(0.1, period=3600, evaluation_periods=1)),
)
# fmt: on

# --- account-level signals: one account and region, not a resource of a service ------------------------------
# Rendered by the environment's Account stack into a warning composite (they reach people, never page: at these
# levels nothing fails yet, and the services' own alarms page when something does).
ACCOUNT = "account"
# fmt: off
_ACCOUNT_ROWS = (
    # AWS's recommended alarms (Lambda): ClaimedAccountConcurrency, statistic Maximum, threshold near 90 % of the
    # account's concurrency quota, so the quota is raised (or reservations cut) before on-demand invocations
    # throttle. The metric is account-level (per region, no FunctionName dimension): unreserved concurrency plus
    # every reserved and provisioned allocation. Ten minutes in a row, not a burst; the quota is config
    # (account_signals.lambda_concurrency_quota), the threshold a share of it.
    _row("AccountConcurrency", (ACCOUNT,), GT, NOT_BREACHING, "% of quota",
         "Lambda concurrency claimed in the account and region (ClaimedAccountConcurrency, Maximum)",
         warning=Threshold(90, period=60, evaluation_periods=10)),
    # SES publishes account reputation as Reputation.BounceRate and Reputation.ComplaintRate (AWS/SES, 0..1,
    # statistic Average; SES developer guide, 'Creating reputation monitoring alarms using CloudWatch'). SES
    # places an account under review at a 5 % bounce rate or a 0.1 % complaint rate and may pause sending at
    # 10 % / 0.5 % (SES developer guide, 'Reputation metrics messages'): alarm at the review levels, averaged
    # over an hour, so a person acts before the pause. The rates are rolling and published no more often than
    # that; a missing hour (no mail sent) is fine.
    _row("SesBounceRate", (ACCOUNT,), GTE, NOT_BREACHING, "%", "SES bounce rate of the account (Reputation.BounceRate)",
         warning=Threshold(5, period=3600, evaluation_periods=1)),
    _row("SesComplaintRate", (ACCOUNT,), GTE, NOT_BREACHING, "%",
         "SES complaint rate of the account (Reputation.ComplaintRate)",
         warning=Threshold(0.1, period=3600, evaluation_periods=1)),
)
# fmt: on

CATALOG: Mapping[str, AlarmDefault] = MappingProxyType({row.family: row for row in (*_ROWS, *_ACCOUNT_ROWS)})
# The one list of alarm families: config checks override keys against it (importing it when it validates, so
# config never imports plan/ at import time).
FAMILIES: tuple[str, ...] = tuple(CATALOG)


def defaults_for_kind(kind: str) -> list[AlarmDefault]:
    """Catalog rows that apply to resources of ``kind`` (a ServiceResources field name), in catalog order.

    Example
    -------
    >>> [row.family for row in defaults_for_kind("tables")]
    ['DatabaseThrottling']
    """
    return [row for row in CATALOG.values() if kind in row.kinds]


def resolve_threshold(family: str, severity: str, *override_maps: Mapping[str, AlarmOverride]) -> Threshold | None:
    """The catalog threshold of ``family``/``severity`` with overrides applied, or None when disabled.

    Later maps win (pass service overrides, then resource overrides); within a map, ``Family.severity`` beats
    ``Family``.

    Example
    -------
    >>> resolve_threshold("HighErrorRate", "warning", {"HighErrorRate": AlarmOverride(threshold=3)}).value
    3.0
    """
    threshold = CATALOG[family].thresholds.get(severity)
    if threshold is None:
        return None
    enabled = True
    for overrides in override_maps:
        for key in (family, f"{family}.{severity}"):
            change = overrides.get(key)
            if change is None:
                continue
            enabled = change.enabled
            updates: dict[str, Any] = {
                name: value
                for name, value in (
                    ("value", change.threshold),
                    ("period", change.period_seconds),
                    ("evaluation_periods", change.evaluation_periods),
                    ("datapoints_to_alarm", change.datapoints_to_alarm),
                    ("min_requests", change.min_requests),
                    ("min_bad", change.min_bad_events),
                )
                if value is not None
            }
            if (change.evaluation_periods is not None and change.datapoints_to_alarm is None
                    and threshold.datapoints_to_alarm is not None):
                # fewer evaluation periods than the default's datapoints: every one of them must breach
                updates["datapoints_to_alarm"] = min(threshold.datapoints_to_alarm, change.evaluation_periods)
            threshold = replace(threshold, **updates)
    if not enabled:
        return None
    _check_limits(family, severity, threshold)
    return threshold


def _check_limits(family: str, severity: str, threshold: Threshold) -> None:
    """CloudWatch's documented alarm limits (PutMetricAlarm): neither CDK nor cfn-lint checks them."""
    where = f"{family}.{severity}"
    if threshold.datapoints > threshold.evaluation_periods:
        raise CatalogError(f"{where}: datapoints_to_alarm ({threshold.datapoints}) must be <= evaluation_periods "
                           f"({threshold.evaluation_periods})")
    limit = 7 * 86400 if threshold.period >= 3600 else 86400
    if threshold.duration_seconds > limit:
        raise CatalogError(f"{where}: period x evaluation_periods = {threshold.duration_seconds} s exceeds "
                           f"CloudWatch's {limit} s ({'7 days' if limit > 86400 else '1 day for periods < 1 h'})")
