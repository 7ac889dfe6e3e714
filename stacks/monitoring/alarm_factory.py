"""The one place metric alarms are created: name, description ending with the runbook link, tags and actions.

Other features (canary alarms, the hourly-cost alarm) call ``create_alarm`` too, so every alarm of the app
follows the same rules. Severity tells where an alarm may act: children notify at most the info topic; paging
is left to composites (stacks/monitoring/composites.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Tags, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from plan.catalog import Threshold
from plan.enums import Comparison, MissingData
from stacks.monitoring.metrics.common import Signal
from stacks.naming import alarm_name

__all__ = ["AlarmSpec", "CreatedAlarm", "create_alarm", "runbook_url", "tag_alarm", "describe"]

_MAX_DESCRIPTION = 1024  # CloudWatch's AlarmDescription limit


@dataclass(frozen=True)
class AlarmSpec:
    """What one alarm watches and when it fires.

    Example
    -------
    >>> AlarmSpec(service="orders", resource="orders-api", family="HighErrorRate", severity="warning",
    ...           signal=Signal(metric), threshold=Threshold(5, period=300),
    ...           comparison=Comparison.GREATER_THAN_THRESHOLD, treat_missing=MissingData.NOT_BREACHING,
    ...           what="error rate", unit="%")  # doctest: +SKIP
    """

    service: str
    resource: str
    family: str
    severity: str
    signal: Signal
    threshold: Threshold
    comparison: Comparison
    treat_missing: MissingData
    what: str
    unit: str = ""
    signal_name: str | None = None  # the name's signal segment; default: family


@dataclass(frozen=True)
class CreatedAlarm:
    """An alarm and its plain-data reference for dashboards."""

    alarm: cloudwatch.Alarm
    ref: AlarmRef
    severity: str


def runbook_url(base_url: str, family: str) -> str:
    """``<base>/<family>.md``: docs/runbooks/<family>.md must exist (a test checks it).

    Example
    -------
    >>> runbook_url("https://github.com/acme/watchtower/blob/main/docs/runbooks", "Latency")
    'https://github.com/acme/watchtower/blob/main/docs/runbooks/Latency.md'
    """
    return f"{base_url.rstrip('/')}/{family}.md"


def describe(summary: str, url: str) -> str:
    """A description that says what breached and ends with the runbook link, within CloudWatch's 1024 chars.

    Example
    -------
    >>> describe("orders: error rate > 5%", "https://x/r/HighErrorRate.md")
    'orders: error rate > 5%. Runbook: https://x/r/HighErrorRate.md'
    """
    tail = f". Runbook: {url}"
    return summary[: _MAX_DESCRIPTION - len(tail)] + tail


def tag_alarm(alarm: Construct, cfg: EnvironmentConfig, service: str, severity: str) -> None:
    """Real CloudWatch tags (service, severity, env) so alarms can be filtered and routed by tag.

    Works on one alarm or on a scope holding many alarms of one service and severity (one aspect for all:
    an aspect per alarm costs seconds at synth for big services).

    Example
    -------
    >>> tag_alarm(alarm, cfg, "orders", "critical")  # doctest: +SKIP
    """
    tags = Tags.of(alarm)
    for key, value in (("service", service), ("severity", severity), ("env", cfg.env)):
        tags.add(key, value)


def _summary(spec: AlarmSpec) -> str:
    t = spec.threshold
    unit = {"count": "", "std devs": " std devs"}.get(spec.unit, spec.unit)
    minutes = f"{t.period // 60} min" if t.period >= 60 else f"{t.period} s"
    guard = f"; counted once {t.min_requests}+ requests arrive per period" if t.min_requests else ""
    guard += f" and {t.min_bad}+ of them are bad" if t.min_bad else ""
    return (f"{spec.severity.upper()} {spec.family}: {spec.what} of {spec.resource} (service {spec.service}) "
            f"{spec.comparison.symbol} {t.value:g}{unit} in {t.datapoints} of {t.evaluation_periods} "
            f"period(s) of {minutes}{guard}")


def create_alarm(scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, spec: AlarmSpec,
                 runbook_base_url: str, notify: sns.ITopic | None = None, tag: bool = True) -> CreatedAlarm:
    """Create the metric (or metric-math, or anomaly) alarm described by ``spec``.

    ``notify`` gets ALARM notifications: pass the info topic for context on children, or nothing when a
    composite acts for the alarm. ``tag=False`` leaves tagging to the caller, who tags a whole scope of
    alarms of one service and severity with ``tag_alarm`` instead.

    Example
    -------
    >>> created = create_alarm(stack, "OrdersApiErrors", cfg=cfg, spec=spec,
    ...                        runbook_base_url=cfg.runbook_base_url)  # doctest: +SKIP
    >>> created.ref.name  # doctest: +SKIP
    'watchtower-prod-orders-orders-api-HighErrorRate-warning'
    """
    t = spec.threshold
    name = alarm_name(cfg, spec.service, spec.resource, spec.signal_name or spec.family, spec.severity)
    description = describe(_summary(spec), runbook_url(runbook_base_url, spec.family))
    common: dict[str, Any] = dict(
        alarm_name=name,
        alarm_description=description,
        evaluation_periods=t.evaluation_periods,
        datapoints_to_alarm=t.datapoints,
        treat_missing_data=cloudwatch.TreatMissingData[spec.treat_missing.name],
    )
    metric = spec.signal.metric
    if spec.signal.anomaly:
        alarm: cloudwatch.Alarm = cloudwatch.AnomalyDetectionAlarm(
            scope, construct_id, metric=metric, std_devs=t.value,
            comparison_operator=cloudwatch.ComparisonOperator[spec.comparison.name], **common)
        kind = "anomaly"
    else:
        if spec.signal.percentile:
            common["evaluate_low_sample_count_percentile"] = "ignore"  # a handful of requests is no p99
        alarm = cloudwatch.Alarm(
            scope, construct_id, metric=metric, threshold=t.value * spec.signal.scale,
            comparison_operator=cloudwatch.ComparisonOperator[spec.comparison.name], **common)
        kind = "math" if isinstance(metric, cloudwatch.MathExpression) else "metric"
    if notify is not None:
        alarm.add_alarm_action(actions.SnsAction(notify))
    if tag:
        tag_alarm(alarm, cfg, spec.service, spec.severity)
    ref = AlarmRef(name=name, arn=alarm.alarm_arn, service=spec.service, severity=spec.severity, kind=kind,
                   family=spec.family, resource=spec.resource)
    return CreatedAlarm(alarm=alarm, ref=ref, severity=spec.severity)
