"""Every resource kind as a Markdown table for the README: its config key, its alarms with their default
thresholds, and where each default comes from. Generated from the catalog (its ``kinds`` column) and
``SOURCES``; ``python -m stacks.monitoring.catalog_table --write`` writes it between its markers, and a test keeps
README and catalog equal.

Example
-------
>>> kinds_table().splitlines()[0]
'| kind | config key | alarms: default per severity (source) |'
"""
from __future__ import annotations

from typing import Mapping

from config.kinds import KIND_NAMES
from config.services import RESOURCE_KINDS
from plan.catalog import CATALOG
from stacks.monitoring.catalog_table import _cell

__all__ = ["SOURCES", "kinds_table", "readme_with_kinds", "BEGIN", "END"]

BEGIN = "<!-- resource-kinds:begin (generated: python -m stacks.monitoring.catalog_table --write) -->"
END = "<!-- resource-kinds:end -->"
_CORE = {"functions": "Lambda function", "rest_apis": "REST API", "http_apis": "HTTP API", "tables": "DynamoDB table",
         "queues": "SQS queue", "state_machines": "state machine", "event_rules": "EventBridge rule",
         "topics": "SNS topic", "api_routes": "API route"}
_KEYS = {"api_routes": "`routes:` of a REST or HTTP API"}
_SEED = "seed"
_FIRST = "first principles"
_AWS = "AWS recommended alarms: "
# Where each family's default comes from, in words a reader can check (the catalog's comments say more; AWS's
# rows themselves are in plan/recommended.py).
SOURCES: Mapping[str, str] = {
    "ServiceDown": _SEED, "QuietOutage": _FIRST,
    "HighErrorRate": "seed; AWS recommends Lambda Errors, API Gateway 5XXError / 5xx, WebSocket ExecutionError "
                     "and CloudFront 5xxErrorRate, here a guarded rate",
    "DatabaseThrottling": _AWS + "Read/WriteThrottleEvents, with a floor of 5 a minute",
    "Latency": "seed; AWS recommends p90 Latency >= 2500 ms (API Gateway), IntegrationLatency >= 2000 ms "
               "(WebSocket), Lambda Duration and CloudFront OriginLatency from the application",
    "MemoryPressure": "seed; AWS recommends Lambda Insights memory_utilization > 90 %", "ColdStarts": _SEED,
    "Throttles": _AWS + "Lambda Throttles, here a guarded rate",
    "DurationNearTimeout": _FIRST,
    "IteratorAge": _FIRST + " (AWS lists no Lambda IteratorAge row)",
    "AsyncFailures": _FIRST, "ErrorLogs": _FIRST,
    "Api4xxRate": "AWS recommends 4XXError / 4xx / ClientError Average > 0.05; 20 % here (clients get 4xx "
                  "legitimately)",
    "TrafficDrop": _AWS + "Count below a floor from history; here an expected band",
    "QueueMessageAge": _AWS + "ApproximateAgeOfOldestMessage, threshold from processing time",
    "DlqDepth": _FIRST,
    "StepFunctionsFailures": _FIRST + " (AWS lists no Step Functions row), a guarded share",
    "EventDeliveryFailures": _FIRST,
    "NotificationFailures": _AWS + "NumberOfNotificationsFailed",
    "StreamConsumerLag": _AWS + "GetRecords.IteratorAgeMilliseconds, Maximum, 15 of 15 minutes, past 50 % of the "
                         "retention",
    "StreamWriteThrottles": _AWS + "WriteProvisionedThroughputExceeded, 5 of 5 minutes; here a guarded rate",
    "StreamReadFailures": _AWS + "GetRecords.Success, 5 of 5 minutes; here the failed share, guarded",
    "StreamPutFailures": _AWS + "PutRecord.Success and PutRecords.FailedRecords, 5 of 5 minutes; here one "
                         "guarded share",
    "DeliveryFreshness": "Amazon Data Firehose developer guide: DataFreshness above the buffering limit (15 min)",
    "FirehoseThrottling": "Amazon Data Firehose developer guide recommends ThrottledRecords; here a guarded rate",
    "UnhealthyTargets": _FIRST, "LambdaTargetErrors": _FIRST,
    "CpuUtilization": "AWS recommends CPUUtilization > 80 % (ECS) and > 90 % (RDS) for 5 minutes; 90 % for 15 "
                      "minutes here",
    "MemoryUtilization": "AWS recommends MemoryUtilization > 80 % for 5 minutes; 90 % for 15 minutes here",
    "RunningTasks": _AWS + "RunningTaskCount, adjusted to the service's minimum tasks",
    "EphemeralStorage": _AWS + "EphemeralStorageUtilized, about 90 % of the storage, 5 of 5 minutes",
    "DatabaseCapacity": _FIRST + " (AWS lists no ACUUtilization row)",
    "DatabaseWriterDown": _AWS + "EngineUptime of the writer <= 0, 2 minutes",
    "BucketServerErrors": _AWS + "5xxErrors > 5 %, 15 of 15 minutes (needs an S3 request-metrics configuration)",
    "Bucket4xxRate": "AWS recommends 4xxErrors > 5 %, 15 of 15 minutes; 20 % here (existence checks get 404)",
    "BucketStorageAnomaly": _FIRST + " (daily storage metrics, when there are no request metrics)",
    "ScheduleFailures": _AWS + "InvocationDroppedCount > 0, per schedule group",
    "ScheduleThrottles": _AWS + "TargetErrorThrottledCount and InvocationThrottleCount > 0, 15 of 15 minutes",
    "ScheduleDlqFailures": _AWS + "InvocationsFailedToBeSentToDeadLetterCount > 0, 15 of 15 minutes",
    "PipeFailures": _FIRST,
    "EmailBounceRate": "SES developer guide: a sender is reviewed at a 5 % bounce rate",
    "EmailComplaintRate": "SES developer guide: a sender is reviewed at a 0.1 % complaint rate",
    "AccountConcurrency": _AWS + "Lambda ClaimedAccountConcurrency, Maximum, about 90 % of the quota, 10 of 10 "
                          "minutes",
    "SesBounceRate": "SES developer guide: an account is reviewed at a 5 % bounce rate",
    "SesComplaintRate": "SES developer guide: an account is reviewed at a 0.1 % complaint rate",
}


def _label(kind: str) -> str:
    return _CORE.get(kind) or KIND_NAMES[kind][0]


def kinds_table() -> str:
    """One row per resource kind: what it is, its key under ``resources:``, and each alarm with its defaults."""
    rows = ["| kind | config key | alarms: default per severity (source) |", "|---|---|---|"]
    for kind in RESOURCE_KINDS:
        alarms = []
        for family, row in CATALOG.items():
            if kind not in row.kinds:
                continue
            comparison = str(getattr(row.comparison, "value", row.comparison))
            defaults = "; ".join(f"{severity} {_cell(comparison, row.unit, threshold)}"
                                 for severity, threshold in row.thresholds.items())
            alarms.append(f"`{family}` {defaults} ({SOURCES[family]})")
        key = _KEYS.get(kind, f"`{kind}`")
        rows.append(f"| {_label(kind)} | {key} | " + "<br>".join(alarms) + " |")
    return "\n".join(rows)


def readme_with_kinds(text: str) -> str:
    """``text`` (the README) with the generated kinds table between its markers."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + kinds_table() + "\n" + text[end:]
