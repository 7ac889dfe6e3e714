"""Which metrics a dashboard may name: standard AWS metrics (an allow-list per namespace) or the layer's.

A metric outside both would draw an empty graph in production, so tests walk every widget against this list.
Names come from each service's CloudWatch metrics reference (Lambda, API Gateway REST, HTTP and WebSocket,
DynamoDB, SQS, Step Functions, EventBridge, SNS, Synthetics, Lambda Insights, Billing, Kinesis Data Streams, Data
Firehose, AppSync, Application Load Balancer, ECS and Container Insights, RDS, CloudFront, S3, EventBridge Scheduler
and Pipes, SES).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from config.schema import EnvironmentConfig

__all__ = [
    "AWS_METRICS", "LAYER_METRICS", "COST_CHECKER_METRICS", "known_metric", "layer_metrics", "metrics_named",
    "unknown_metrics",
]

AWS_METRICS: dict[str, frozenset[str]] = {
    "AWS/Lambda": frozenset({
        "Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions", "UnreservedConcurrentExecutions",
        "IteratorAge", "DeadLetterErrors", "DestinationDeliveryFailures", "AsyncEventsDropped", "AsyncEventAge",
        "AsyncEventsReceived", "ProvisionedConcurrencyUtilization", "ProvisionedConcurrencySpilloverInvocations",
        "ClaimedAccountConcurrency",
    }),
    "AWS/ApiGateway": frozenset({
        "Count", "4XXError", "5XXError", "Latency", "IntegrationLatency", "CacheHitCount", "CacheMissCount",
        "4xx", "5xx",  # HTTP APIs
        "MessageCount", "IntegrationError", "ExecutionError", "ClientError", "ConnectCount",  # WebSocket APIs
    }),
    "AWS/DynamoDB": frozenset({
        "SuccessfulRequestLatency", "ThrottledRequests", "ReadThrottleEvents", "WriteThrottleEvents",
        "ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "SystemErrors", "UserErrors",
        "ConditionalCheckFailedRequests", "ReturnedItemCount",
    }),
    "AWS/SQS": frozenset({
        "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed", "NumberOfMessagesSent", "NumberOfMessagesReceived",
        "NumberOfMessagesDeleted", "NumberOfEmptyReceives", "SentMessageSize",
    }),
    "AWS/States": frozenset({
        "ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted",
        "ExecutionThrottled", "ExecutionTime",
    }),
    "AWS/Events": frozenset({
        "Invocations", "FailedInvocations", "TriggeredRules", "MatchedEvents", "ThrottledRules",
        "DeadLetterInvocations",
    }),
    "AWS/SNS": frozenset({"NumberOfMessagesPublished", "NumberOfNotificationsDelivered",
                          "NumberOfNotificationsFailed"}),
    "CloudWatchSynthetics": frozenset({"SuccessPercent", "Duration", "Failed", "2xx", "4xx", "5xx"}),
    "LambdaInsights": frozenset({
        "memory_utilization", "used_memory_max", "total_memory", "init_duration", "cpu_total_time", "total_network",
    }),
    "AWS/Billing": frozenset({"EstimatedCharges"}),
    "AWS/Kinesis": frozenset({
        "IncomingRecords", "IncomingBytes", "GetRecords.IteratorAgeMilliseconds", "GetRecords.Records",
        "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "PutRecords.FailedRecords",
    }),
    "AWS/Firehose": frozenset({
        "IncomingRecords", "IncomingBytes", "ThrottledRecords",
        # the freshness of each destination the config allows (DeliveryTo<destination>.DataFreshness)
        *(f"DeliveryTo{d}.DataFreshness" for d in ("S3", "Iceberg", "Splunk", "AmazonOpenSearchService",
                                                   "AmazonOpenSearchServerless", "HttpEndpoint")),
    }),
    "AWS/AppSync": frozenset({"Requests", "Latency", "4XXError", "5XXError"}),
    "AWS/ApplicationELB": frozenset({
        "RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "HTTPCode_Target_4XX_Count",
        "TargetResponseTime", "HealthyHostCount", "UnHealthyHostCount", "LambdaUserError", "LambdaInternalError",
        "RejectedConnectionCount",
    }),
    "AWS/ECS": frozenset({"CPUUtilization", "MemoryUtilization"}),
    "ECS/ContainerInsights": frozenset({"RunningTaskCount", "DesiredTaskCount", "PendingTaskCount"}),
    "AWS/RDS": frozenset({
        "CPUUtilization", "ACUUtilization", "ServerlessDatabaseCapacity", "DatabaseConnections", "FreeableMemory",
    }),
    "AWS/CloudFront": frozenset({
        "Requests", "BytesDownloaded", "4xxErrorRate", "5xxErrorRate", "TotalErrorRate", "OriginLatency",
        "CacheHitRate",
    }),
    "AWS/S3": frozenset({
        "BucketSizeBytes", "NumberOfObjects", "AllRequests", "4xxErrors", "5xxErrors", "FirstByteLatency",
        "TotalRequestLatency",
    }),
    "AWS/Scheduler": frozenset({
        "InvocationAttemptCount", "InvocationDroppedCount", "TargetErrorCount", "InvocationThrottleCount",
        "InvocationsSentToDeadLetterCount",
    }),
    "AWS/EventBridge/Pipes": frozenset({
        "Invocations", "ExecutionFailed", "ExecutionTimeout", "ExecutionThrottled", "Duration",
    }),
    "AWS/SES": frozenset({"Send", "Delivery", "Bounce", "Complaint", "Reputation.BounceRate",
                          "Reputation.ComplaintRate"}),
}

# What the layer itself emits in every instrumented function, besides the business metrics config declares:
# Powertools' cold-start metric (dimensions function_name and service).
LAYER_METRICS: frozenset[str] = frozenset({"ColdStart"})
# What the cost checker Lambda writes as EMF under cfg.cost.checker.metrics_namespace.
COST_CHECKER_METRICS: frozenset[str] = frozenset({"EstimatedHourlyCost", "DailyCost", "CostSoFarToday"})
# SEARCH('{Namespace,Dim} MetricName="Name"', ...): the namespace and the metric a search expression reads.
_SEARCH = re.compile(r"SEARCH\(\s*'\{([^,}]+)[^}]*\}(?:[^']*?MetricName=\"([^\"]+)\")?")


def layer_metrics(cfg: EnvironmentConfig) -> dict[str, frozenset[str]]:
    """Metric names the layer emits, by namespace: each service's namespace holds ColdStart and the business
    metrics config declares for that service.

    Example
    -------
    >>> from config.loader import load_config; cfg = load_config("dev")
    >>> sorted(layer_metrics(cfg)['watchtower/demo'])[:2]
    ['ColdStart', 'InvalidRequests']
    """
    namespaces = {s.name: s.metrics_namespace or s.name for s in cfg.services}  # where the layer writes
    emitted: dict[str, set[str]] = {ns: set(LAYER_METRICS) for ns in namespaces.values()}
    for item in cfg.dashboards.business_metrics:
        namespace = item.namespace or namespaces.get(item.service, item.service)
        emitted.setdefault(namespace, set(LAYER_METRICS)).add(item.name)
    return {ns: frozenset(names) for ns, names in emitted.items()}


def known_metric(cfg: EnvironmentConfig, namespace: str, name: str) -> bool:
    """True when ``namespace``/``name`` is a standard AWS metric, one the layer emits, or the cost checker's.

    Example
    -------
    >>> from config.loader import load_config; cfg = load_config("dev")
    >>> known_metric(cfg, "AWS/Lambda", "Errors")
    True
    """
    if namespace in AWS_METRICS:
        return name in AWS_METRICS[namespace]
    if namespace == cfg.cost.checker.metrics_namespace:
        return name in COST_CHECKER_METRICS
    return name in layer_metrics(cfg).get(namespace, frozenset())


def metrics_named(body: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every (namespace, metric name) the widgets of ``body`` name, including those a SEARCH reads.

    A SEARCH without ``MetricName="..."`` yields ``"*"``, which no allow-list holds: searches must name a metric.

    Example
    -------
    >>> list(metrics_named({"widgets": [{"type": "metric", "properties": {"metrics": [["AWS/SQS", "X", {}]]}}]}))
    [('AWS/SQS', 'X')]
    """
    for widget in body.get("widgets", []):
        for entry in widget.get("properties", {}).get("metrics", []):
            if entry and isinstance(entry[0], str):
                yield entry[0], entry[1]
            elif entry and isinstance(entry[0], dict):
                for found in _SEARCH.finditer(entry[0].get("expression", "")):
                    yield found.group(1).strip(), found.group(2) or "*"


def unknown_metrics(cfg: EnvironmentConfig, body: dict[str, Any]) -> list[str]:
    """``namespace/name`` of each metric in ``body`` that is neither standard AWS nor the layer's.

    Example
    -------
    >>> from config.loader import load_config; cfg = load_config("dev")
    >>> body = {"widgets": [{"properties": {"metrics": [["AWS/Lambda", "Errors"], ["acme", "Nope"]]}}]}
    >>> unknown_metrics(cfg, body)
    ['acme/Nope']
    """
    return sorted({f"{ns}/{name}" for ns, name in metrics_named(body) if not known_metric(cfg, ns, name)})
