"""Hand-written CloudFormation fixtures for the simulator tests (the shape CDK synthesizes)."""
from __future__ import annotations

from typing import Any

from tools.alarmsim.series import MetricKey, SeriesStore

T0 = 29_000_000  # an epoch minute (2025-02-20T..); any whole minute works
FUNCTION = {"FunctionName": "orders-handler"}
ERRORS = MetricKey.of("AWS/Lambda", "Errors", FUNCTION)
INVOCATIONS = MetricKey.of("AWS/Lambda", "Invocations", FUNCTION)


def metric_alarm(name: str, *, metric: str = "Errors", namespace: str = "AWS/Lambda", statistic: str = "Sum",
                 period: int = 60, threshold: float = 0, comparison: str = "GreaterThanThreshold",
                 evaluation_periods: int = 1, datapoints: int | None = None, treat: str | None = None,
                 dimensions: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AlarmName": name, "ComparisonOperator": comparison, "EvaluationPeriods": evaluation_periods,
        "MetricName": metric, "Namespace": namespace, "Period": period, "Threshold": threshold,
        "Dimensions": [{"Name": k, "Value": v} for k, v in (dimensions or FUNCTION).items()],
    }
    props["ExtendedStatistic" if statistic[0] in "pP" else "Statistic"] = statistic
    if datapoints is not None:
        props["DatapointsToAlarm"] = datapoints
    if treat is not None:
        props["TreatMissingData"] = treat
    props.update(extra)
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": props}


def composite(name: str, rule: Any, **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::CompositeAlarm", "Properties": {"AlarmName": name, "AlarmRule": rule, **extra}}


def topic(name: str) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": name}}


def template(**resources: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": resources}


def store_of(per_minute: dict[MetricKey, list[float | None]], start: int = T0) -> SeriesStore:
    """One sample per minute from ``start``; None leaves the minute empty (missing)."""
    store = SeriesStore()
    for key, values in per_minute.items():
        for offset, value in enumerate(values):
            if value is not None:
                store.add_sample(key, start + offset, value)
    return store
