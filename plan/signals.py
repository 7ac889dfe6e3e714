"""What an alarm watches, as plain data: a metric, or metric math over metrics, and how to read it.

A *signal* is what one alarm watches: a ``MetricSpec`` (one CloudWatch metric) or a ``MathSpec`` (an
expression over named metrics), plus how its threshold compares (``scale``, ``percentile``, ``anomaly``).
Specs are frozen and hold tuples only, so a plan can be compared, hashed and written as JSON; the stacks turn
them into ``cloudwatch.Metric`` / ``MathExpression`` objects. Dimension values may name the monitoring stack's
account, region or partition as ``${AWS::AccountId}``, ``${AWS::Region}``, ``${AWS::Partition}``, which the
renderer resolves at deploy.

The builders mirror the guarded rates the catalog's rate alarms use.

Example
-------
>>> errors = metric("AWS/Lambda", "Errors", {"FunctionName": "orders-api"}, "Sum", 60)
>>> errors.dimensions_map
{'FunctionName': 'orders-api'}
>>> invocations = metric("AWS/Lambda", "Invocations", {"FunctionName": "orders-api"}, "Sum", 60)
>>> from plan.catalog import Threshold
>>> rate = guarded_percent(errors, invocations, Threshold(5, period=60, min_requests=10), "orders-api error %")
>>> rate.expression, [name for name, _ in rate.using], rate.period
('IF(requests >= 10, 100 * FILL(bad, 0) / requests, 0)', ['bad', 'requests'], 60)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Union

if TYPE_CHECKING:
    from plan.catalog import Threshold

__all__ = [
    "MetricSpec",
    "MathSpec",
    "MetricLike",
    "Signal",
    "metric",
    "math",
    "guarded_percent",
    "guarded_success",
    "total",
    "guarded_share",
]


@dataclass(frozen=True)
class MetricSpec:
    """One CloudWatch metric with its statistic and period (seconds). ``dimensions`` are ``(name, value)``
    pairs in the order given; ``account_id``/``region`` are set only for a metric of another account or region.

    Example
    -------
    >>> MetricSpec("AWS/SQS", "ApproximateAgeOfOldestMessage", (("QueueName", "orders"),), "Maximum", 300).period
    300
    """

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    period: int
    label: str | None = None
    account_id: str | None = None
    region: str | None = None

    @property
    def dimensions_map(self) -> dict[str, str]:
        """The dimensions as a new dict (what CloudWatch's APIs and CDK take)."""
        return dict(self.dimensions)


@dataclass(frozen=True)
class MathSpec:
    """A metric-math expression over named metrics (``using``: ``(id, MetricSpec)`` pairs) at ``period``.

    Example
    -------
    >>> reads = metric("AWS/DynamoDB", "ReadThrottleEvents", {"TableName": "orders"}, "Sum", 60)
    >>> math("FILL(reads, 0)", {"reads": reads}, 60, "throttles").using_map["reads"].name
    'ReadThrottleEvents'
    """

    expression: str
    using: tuple[tuple[str, MetricSpec], ...]
    period: int
    label: str | None = None

    @property
    def using_map(self) -> dict[str, MetricSpec]:
        """The expression's metrics by id, as a new dict."""
        return dict(self.using)


MetricLike = Union[MetricSpec, MathSpec]


@dataclass(frozen=True)
class Signal:
    """What an alarm watches. The alarm threshold is the catalog value times ``scale`` (e.g. % of a timeout
    in milliseconds); ``percentile`` marks a percentile statistic (a handful of samples keeps the state);
    ``anomaly`` marks an anomaly-detection band (the threshold is its width in standard deviations).

    Example
    -------
    >>> Signal(metric("AWS/Lambda", "Duration", {"FunctionName": "f"}, "p99", 300), percentile=True).scale
    1.0
    """

    metric: MetricLike
    scale: float = 1.0
    percentile: bool = False
    anomaly: bool = False

    @property
    def period(self) -> int:
        """The period (seconds) the alarm evaluates."""
        return self.metric.period


def metric(namespace: str, name: str, dimensions: Mapping[str, str], statistic: str, period: int,
           label: str | None = None) -> MetricSpec:
    """A MetricSpec from a dimensions mapping (its order kept).

    Example
    -------
    >>> metric("AWS/Lambda", "Errors", {"FunctionName": "orders-api"}, "Sum", 60).dimensions
    (('FunctionName', 'orders-api'),)
    """
    return MetricSpec(namespace, name, tuple(dimensions.items()), statistic, period, label)


def math(expression: str, using: Mapping[str, MetricSpec], period: int, label: str | None = None) -> MathSpec:
    """A MathSpec from an ``{id: metric}`` mapping (its order kept)."""
    return MathSpec(expression, tuple(using.items()), period, label)


def _guard(threshold: Threshold, requests: str = "requests", bad: str = "FILL(bad, 0)") -> str:
    """The condition under which a rate counts: enough requests, and enough bad events when a floor is set."""
    guard = f"{requests} >= {threshold.min_requests}"
    return f"{guard} AND {bad} >= {threshold.min_bad}" if threshold.min_bad else guard


def guarded_percent(bad: MetricSpec, requests: MetricSpec, threshold: Threshold, label: str) -> MathSpec:
    """``100 * bad / requests`` while at least ``threshold.min_requests`` requests (and, when the threshold sets
    ``min_bad``, that many bad events) arrived, else 0 (healthy).

    Example
    -------
    >>> from plan.catalog import Threshold
    >>> errors = metric("AWS/Lambda", "Errors", {"FunctionName": "orders-api"}, "Sum", 300)
    >>> calls = metric("AWS/Lambda", "Invocations", {"FunctionName": "orders-api"}, "Sum", 300)
    >>> guarded_percent(errors, calls, Threshold(10, period=300, min_requests=10, min_bad=2), "x").expression
    'IF(requests >= 10 AND FILL(bad, 0) >= 2, 100 * FILL(bad, 0) / requests, 0)'
    """
    return math(f"IF({_guard(threshold)}, 100 * FILL(bad, 0) / requests, 0)", {"bad": bad, "requests": requests},
                threshold.period, label)


def guarded_success(bad: MetricSpec, requests: MetricSpec, threshold: Threshold, label: str) -> MathSpec:
    """``100 - 100 * bad / requests`` while at least ``threshold.min_requests`` requests arrived, else 100.

    Example
    -------
    >>> from plan.catalog import Threshold
    >>> errors = metric("AWS/Lambda", "Errors", {"FunctionName": "orders-api"}, "Sum", 60)
    >>> calls = metric("AWS/Lambda", "Invocations", {"FunctionName": "orders-api"}, "Sum", 60)
    >>> guarded_success(errors, calls, Threshold(50, min_requests=5), "success rate").expression
    'IF(requests >= 5, 100 - 100 * FILL(bad, 0) / requests, 100)'
    """
    return math(f"IF({_guard(threshold)}, 100 - 100 * FILL(bad, 0) / requests, 100)",
                {"bad": bad, "requests": requests}, threshold.period, label)


def total(metrics: Mapping[str, MetricSpec], period: int, label: str) -> MathSpec:
    """The sum of several counters, each missing point counted as 0.

    Example
    -------
    >>> r = metric("AWS/DynamoDB", "ReadThrottleEvents", {"TableName": "orders"}, "Sum", 60)
    >>> w = metric("AWS/DynamoDB", "WriteThrottleEvents", {"TableName": "orders"}, "Sum", 60)
    >>> total({"reads": r, "writes": w}, 60, "throttled requests").expression
    'FILL(reads, 0) + FILL(writes, 0)'
    """
    return math(" + ".join(f"FILL({metric_id}, 0)" for metric_id in metrics), metrics, period, label)


def guarded_share(bad: Mapping[str, MetricSpec], requests: MetricSpec, threshold: Threshold,
                  label: str) -> MathSpec:
    """``100 * (sum of bad counters) / requests`` while at least ``threshold.min_requests`` requests and
    ``threshold.min_bad`` bad events arrived in the period, else 0. Missing counters count as 0, so the rate
    exists whenever there are requests.

    Example
    -------
    >>> from plan.catalog import Threshold
    >>> dims = {"StateMachineArn": "arn:aws:states:eu-west-1:1:stateMachine:fulfil"}
    >>> failed = metric("AWS/States", "ExecutionsFailed", dims, "Sum", 600)
    >>> started = metric("AWS/States", "ExecutionsStarted", dims, "Sum", 600)
    >>> guarded_share({"failed": failed}, started, Threshold(10, period=600, min_requests=3, min_bad=3),
    ...               "x").expression
    'IF(FILL(requests, 0) >= 3 AND (FILL(failed, 0)) >= 3, 100 * (FILL(failed, 0)) / requests, 0)'
    """
    bad_sum = "(" + " + ".join(f"FILL({metric_id}, 0)" for metric_id in bad) + ")"
    expression = f"IF({_guard(threshold, 'FILL(requests, 0)', bad_sum)}, 100 * {bad_sum} / requests, 0)"
    return math(expression, {**bad, "requests": requests}, threshold.period, label)
