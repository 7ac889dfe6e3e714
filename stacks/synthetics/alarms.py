"""Canary alarms: SuccessPercent (missing data breaches: a canary that stops running is a problem) and Duration.

Made by the app's one alarm factory (stacks/monitoring/alarm_factory.py: name, description ending with the
runbook link, tags). A composed service's canary alarms are made in its monitoring stack, from a CanaryRef,
beside the composites that name them (they feed the service composites). In an extra region (alarms cannot
join composites or notify topics of another region) they roll up into one composite per canary that notifies
that region's topic, so maintenance holds them there too: its ActionsSuppressor is the region's maintenance
switch, and the service's scheduled windows mute it.
"""
from __future__ import annotations

from aws_cdk import Duration, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from plan.catalog import Threshold
from plan.enums import Comparison, MissingData
from stacks.monitoring.alarm_factory import AlarmSpec, create_alarm
from stacks.monitoring.composites import Child, CompositeSpec, any_of
from stacks.monitoring.maintenance import mute_rules
from stacks.monitoring.metrics.common import CdkSignal
from stacks.naming import alarm_name
from stacks.synthetics.canary import CanaryRef, ServiceCanary

__all__ = ["CanaryAlarms", "CANARY_FAMILIES"]

CANARY_FAMILIES = ("CanaryFailure", "CanaryLatency")


class CanaryAlarms(Construct):
    """The two alarms of one canary, as ``children`` [(alarm, severity)] and ``refs`` for dashboards.

    - ``CanaryFailure`` (severity from config, default critical): SuccessPercent < 100 in
      ``failed_runs_to_alarm`` consecutive schedule periods; missing data is breaching.
    - ``CanaryLatency`` (warning): average run duration above the checks' budgets plus start-up, 3 of 3 periods;
      missing data is ignored here because the failure alarm already covers a silent canary.

    ``notify`` maps severity to a topic for ALARM/OK actions; leave it out when composites act for the alarms.
    With ``suppressor`` (an extra region's maintenance switch) the alarms do not act themselves: one composite
    (``composite``) notifies the topic, held by the switch and muted by the service's scheduled windows.

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_s3 as s3
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> svc = next(s for s in cfg.services if s.name == "orders")
    >>> bucket = s3.Bucket(stack, "Artifacts")
    >>> from stacks.synthetics.canary import ServiceCanary
    >>> orders_canary = ServiceCanary(stack, "Orders", cfg=cfg, service="orders", canary=svc.canary, bucket=bucket,
    ...                               base_url=svc.canary.base_url)
    >>> [severity for _, severity in CanaryAlarms(stack, "OrdersAlarms", cfg=cfg, canary=orders_canary).children]
    ['critical', 'warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 canary: ServiceCanary | CanaryRef,
                 notify: dict[str, sns.ITopic] | None = None, region_label: str = "",
                 suppressor: cloudwatch.IAlarm | None = None) -> None:
        super().__init__(scope, construct_id)
        self.composite: cloudwatch.CompositeAlarm | None = None
        rolled_up = dict(notify) if notify and suppressor is not None else None
        notify = None if rolled_up else notify
        service, settings = canary.service, canary.config
        period = Duration.minutes(canary.schedule_minutes)
        resource = f"canary{('-' + region_label) if region_label else ''}"
        self.children: list[tuple[cloudwatch.IAlarm, str]] = []
        self.refs: list[AlarmRef] = []
        failure_severity = settings.severity
        self._add(
            cfg, service, resource, "CanaryFailure", failure_severity, notify,
            metric=canary.metric_success_percent(period=period, statistic="Average"),
            threshold=100, comparison=Comparison.LESS_THAN_THRESHOLD, period=canary.schedule_minutes * 60,
            periods=settings.failed_runs_to_alarm, missing=MissingData.BREACHING, unit="%",
            what=f"success percent of canary {canary.name} (a canary that did not run counts as failed)",
        )
        budget_ms = settings.expected_duration_ms()
        self._add(
            cfg, service, resource, "CanaryLatency", "warning", notify,
            metric=canary.metric_duration(period=period, statistic="Average"),
            threshold=budget_ms, comparison=Comparison.GREATER_THAN_THRESHOLD, period=canary.schedule_minutes * 60,
            periods=3, missing=MissingData.IGNORE, unit=" ms",
            what=f"average run duration of canary {canary.name}",
        )
        if rolled_up and suppressor is not None:
            self._roll_up(cfg, canary, resource, failure_severity, rolled_up[failure_severity], suppressor)

    def _roll_up(self, cfg: EnvironmentConfig, canary: ServiceCanary | CanaryRef, resource: str, severity: str,
                 topic: sns.ITopic, suppressor: cloudwatch.IAlarm) -> None:
        spec = CompositeSpec(service=canary.service, resource=resource, signal="Canary", severity=severity,
                             what=f"canary {canary.name} (failure or latency)", family="CanaryFailure", topic=topic,
                             suppressor=suppressor)
        children = [Child(alarm, alarm_name(cfg, canary.service, resource, family, sev))
                    for (alarm, sev), family in zip(self.children, CANARY_FAMILIES, strict=True)]
        made = any_of(self, "Composite", cfg=cfg, spec=spec, children=children,
                      runbook_base_url=cfg.runbook_base_url)
        self.refs.extend(c.ref for c in made)
        self.composite = made[-1].alarm if made else None
        service = next((s for s in cfg.services if s.name == canary.service), None)
        if service is not None and service.maintenance_windows and self.composite is not None:
            mute_rules(self, cfg, f"{canary.service}-{resource}", service.maintenance_windows, [self.composite])

    def _add(self, cfg: EnvironmentConfig, service: str, resource: str, family: str, severity: str,
             notify: dict[str, sns.ITopic] | None, *, metric: cloudwatch.IMetric, threshold: float,
             comparison: Comparison, period: int, periods: int, missing: MissingData, unit: str, what: str) -> None:
        topic = notify.get(severity) if notify else None
        created = create_alarm(
            self, family, cfg=cfg, runbook_base_url=cfg.runbook_base_url, notify=topic,
            spec=AlarmSpec(service=service, resource=resource, family=family, severity=severity,
                           signal=CdkSignal(metric), threshold=Threshold(threshold, period=period,
                                                                      evaluation_periods=periods),
                           comparison=comparison, treat_missing=missing, what=what, unit=unit),
        )
        if topic is not None:
            created.alarm.add_ok_action(actions.SnsAction(topic))  # extra regions: the local topic hears recovery
        self.children.append((created.alarm, severity))
        self.refs.append(created.ref)
