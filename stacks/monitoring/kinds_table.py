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
# Where each family's default comes from, in words a reader can check (the catalog's comments say more).
SOURCES: Mapping[str, str] = {
    "ServiceDown": _SEED, "QuietOutage": _FIRST,
    "HighErrorRate": "seed; AWS recommends Lambda Errors and API Gateway 5XXError, here a guarded rate",
    "DatabaseThrottling": "AWS recommended alarms (Read/WriteThrottleEvents), with a floor of 5 a minute",
    "Latency": "seed; AWS lists API Gateway Latency and Lambda Duration with application thresholds",
    "MemoryPressure": _SEED, "ColdStarts": _SEED,
    "Throttles": "AWS recommended alarms (Lambda Throttles), here a guarded rate",
    "DurationNearTimeout": _FIRST,
    "IteratorAge": "AWS recommended alarms (IteratorAge), threshold from the expected delay",
    "AsyncFailures": _FIRST, "ErrorLogs": _FIRST,
    "Api4xxRate": "AWS recommends 4XXError Average > 0.05; 20 % here (clients get 4xx legitimately)",
    "TrafficDrop": _FIRST,
    "QueueMessageAge": "AWS recommended alarms (ApproximateAgeOfOldestMessage), threshold from processing time",
    "DlqDepth": _FIRST,
    "StepFunctionsFailures": "AWS recommended alarms (ExecutionsFailed), here a guarded share",
    "EventDeliveryFailures": _FIRST,
    "NotificationFailures": "AWS recommended alarms (NumberOfNotificationsFailed)",
    "StreamConsumerLag": _FIRST + " (records older than the retention are lost)",
    "StreamWriteThrottles": _FIRST,
    "DeliveryFreshness": "Amazon Data Firehose developer guide: DataFreshness above the buffering limit (15 min)",
    "FirehoseThrottling": "Amazon Data Firehose developer guide recommends ThrottledRecords; here a guarded rate",
    "UnhealthyTargets": _FIRST, "LambdaTargetErrors": _FIRST, "CpuUtilization": _FIRST,
    "MemoryUtilization": _FIRST, "RunningTasks": _FIRST, "DatabaseCapacity": _FIRST,
    "BucketServerErrors": _FIRST + " (needs an S3 request-metrics configuration)",
    "BucketStorageAnomaly": _FIRST + " (daily storage metrics, when there are no request metrics)",
    "ScheduleFailures": _FIRST, "PipeFailures": _FIRST, "EmailBounceRate": _FIRST, "EmailComplaintRate": _FIRST,
    "AccountConcurrency": "AWS recommended alarms (Lambda ClaimedAccountConcurrency, Maximum, near 90 % of quota)",
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
