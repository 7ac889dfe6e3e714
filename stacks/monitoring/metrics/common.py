"""Building blocks shared by the metric factories: plain metrics, guarded rates and sums of counters."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Mapping

from aws_cdk import Duration, aws_cloudwatch as cloudwatch

from plan.catalog import Threshold

__all__ = [
    "MetricContext",
    "Signal",
    "SignalBuilder",
    "seconds",
    "metric",
    "guarded_percent",
    "guarded_success",
    "total",
    "guarded_share",
]


@dataclass(frozen=True)
class MetricContext:
    """What factories need beyond the resource: where ERROR-log counts and Powertools metrics live.

    Example
    -------
    >>> MetricContext(error_log_namespace="watchtower/prod/ErrorLogs", powertools_namespace="orders",
    ...               powertools_service="orders").powertools_service
    'orders'
    """

    error_log_namespace: str
    powertools_namespace: str
    powertools_service: str


@dataclass(frozen=True)
class Signal:
    """What an alarm watches. The alarm threshold is the catalog value times ``scale`` (e.g. % of a timeout
    in milliseconds); ``percentile`` marks a percentile statistic (low sample counts keep the state)."""

    metric: cloudwatch.IMetric
    scale: float = 1.0
    percentile: bool = False
    anomaly: bool = False


SignalBuilder = Callable[[Threshold], Signal]


@lru_cache(maxsize=None)
def seconds(value: int) -> Duration:
    """A shared Duration per period: each new one is a round trip to the jsii runtime, which adds up at
    thousands of alarms."""
    return Duration.seconds(value)


def metric(namespace: str, name: str, dimensions: Mapping[str, str], statistic: str, period: int,
           label: str | None = None) -> cloudwatch.Metric:
    """A CloudWatch metric with an explicit period, so every alarm's period is visible in its template.

    Example
    -------
    >>> metric("AWS/Lambda", "Errors", {"FunctionName": "orders-api"}, "Sum", 60).period.to_seconds()
    60
    """
    return cloudwatch.Metric(namespace=namespace, metric_name=name, dimensions_map=dict(dimensions),
                             statistic=statistic, period=seconds(period), label=label)


def _guard(threshold: Threshold, requests: str = "requests", bad: str = "FILL(bad, 0)") -> str:
    """The condition under which a rate counts: enough requests, and enough bad events when a floor is set."""
    guard = f"{requests} >= {threshold.min_requests}"
    return f"{guard} AND {bad} >= {threshold.min_bad}" if threshold.min_bad else guard


def guarded_percent(bad: cloudwatch.IMetric, requests: cloudwatch.IMetric, threshold: Threshold,
                    label: str) -> cloudwatch.MathExpression:
    """``100 * bad / requests`` while at least ``threshold.min_requests`` requests (and, when the threshold sets
    ``min_bad``, that many bad events) arrived, else 0 (healthy).

    Example
    -------
    >>> errors = metric("AWS/Lambda", "Errors", {"FunctionName": "orders-api"}, "Sum", 300)
    >>> invocations = metric("AWS/Lambda", "Invocations", {"FunctionName": "orders-api"}, "Sum", 300)
    >>> guarded_percent(errors, invocations, Threshold(10, period=300, min_requests=10), "error rate").expression
    'IF(requests >= 10, 100 * FILL(bad, 0) / requests, 0)'
    """
    return cloudwatch.MathExpression(
        expression=f"IF({_guard(threshold)}, 100 * FILL(bad, 0) / requests, 0)",
        using_metrics={"bad": bad, "requests": requests},
        label=label,
        period=seconds(threshold.period),
    )


def guarded_success(bad: cloudwatch.IMetric, requests: cloudwatch.IMetric, threshold: Threshold,
                    label: str) -> cloudwatch.MathExpression:
    """``100 - 100 * bad / requests`` while at least ``threshold.min_requests`` requests arrived, else 100.

    Example
    -------
    >>> errors = metric("AWS/Lambda", "Errors", {"FunctionName": "orders-api"}, "Sum", 60)
    >>> invocations = metric("AWS/Lambda", "Invocations", {"FunctionName": "orders-api"}, "Sum", 60)
    >>> guarded_success(errors, invocations, Threshold(50, min_requests=5), "success rate").expression
    'IF(requests >= 5, 100 - 100 * FILL(bad, 0) / requests, 100)'
    """
    return cloudwatch.MathExpression(
        expression=f"IF({_guard(threshold)}, 100 - 100 * FILL(bad, 0) / requests, 100)",
        using_metrics={"bad": bad, "requests": requests},
        label=label,
        period=seconds(threshold.period),
    )


def total(metrics: Mapping[str, cloudwatch.IMetric], period: int, label: str) -> cloudwatch.MathExpression:
    """The sum of several counters, each missing point counted as 0.

    Example
    -------
    >>> r = metric("AWS/DynamoDB", "ReadThrottleEvents", {"TableName": "orders"}, "Sum", 60)
    >>> w = metric("AWS/DynamoDB", "WriteThrottleEvents", {"TableName": "orders"}, "Sum", 60)
    >>> total({"reads": r, "writes": w}, 60, "throttled requests").expression
    'FILL(reads, 0) + FILL(writes, 0)'
    """
    expression = " + ".join(f"FILL({metric_id}, 0)" for metric_id in metrics)
    return cloudwatch.MathExpression(expression=expression, using_metrics=dict(metrics), label=label,
                                     period=seconds(period))


def guarded_share(bad: Mapping[str, cloudwatch.IMetric], requests: cloudwatch.IMetric, threshold: Threshold,
                  label: str) -> cloudwatch.MathExpression:
    """``100 * (sum of bad counters) / requests`` while at least ``threshold.min_requests`` requests and
    ``threshold.min_bad`` bad events arrived in the period, else 0. Missing counters count as 0, so the rate
    exists whenever there are requests.

    Example
    -------
    >>> guarded_share({"failed": f, "timedout": t}, started,
    ...               Threshold(10, min_requests=3, min_bad=3), "x")  # doctest: +SKIP
    """
    bad_sum = "(" + " + ".join(f"FILL({metric_id}, 0)" for metric_id in bad) + ")"
    expression = (f"IF({_guard(threshold, 'FILL(requests, 0)', bad_sum)}, "
                  f"100 * {bad_sum} / requests, 0)")
    return cloudwatch.MathExpression(expression=expression, using_metrics={**bad, "requests": requests},
                                     label=label, period=seconds(threshold.period))
