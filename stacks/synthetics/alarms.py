"""Canary alarms: SuccessPercent (missing data breaches: a canary that stops running is a problem) and Duration.

Named, described (ending with the runbook link) and tagged like every alarm of the app
(stacks/monitoring/alarm_factory.py); built here so this stack does not depend on the monitoring stack. The
alarms feed the service composites through MonitoringStack's ``extra_children``.
"""
from __future__ import annotations

from aws_cdk import Duration, Tags, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from stacks.naming import alarm_name
from stacks.synthetics.canary import ServiceCanary

__all__ = ["CanaryAlarms", "CANARY_FAMILIES", "runbook_url"]

CANARY_FAMILIES = ("CanaryFailure", "CanaryLatency")
_DEFAULT_RUNBOOKS = "https://github.com/acme/watchtower/blob/main/docs/runbooks"
_MAX_DESCRIPTION = 1024


def runbook_url(cfg: EnvironmentConfig, family: str) -> str:
    """``<runbook_base_url>/<family>.md`` (docs/runbooks/<family>.md).

    Example
    -------
    >>> runbook_url(cfg, "CanaryFailure")  # doctest: +SKIP
    'https://github.com/acme/watchtower/blob/main/docs/runbooks/CanaryFailure.md'
    """
    base = getattr(cfg, "runbook_base_url", None) or _DEFAULT_RUNBOOKS
    return f"{base.rstrip('/')}/{family}.md"


class CanaryAlarms(Construct):
    """The two alarms of one canary, as ``children`` [(alarm, severity)] and ``refs`` for dashboards.

    - ``CanaryFailure`` (severity from config, default critical): SuccessPercent < 100 in
      ``failed_runs_to_alarm`` consecutive schedule periods; missing data is breaching.
    - ``CanaryLatency`` (warning): average run duration above the checks' budgets plus start-up, 3 of 3 periods;
      missing data is ignored here because the failure alarm already covers a silent canary.

    ``notify`` maps severity to a topic for ALARM/OK actions; leave it out when composites act for the alarms.

    Example
    -------
    >>> CanaryAlarms(stack, "OrdersAlarms", cfg=cfg, canary=orders_canary).children  # doctest: +SKIP
    [(<Alarm>, 'critical'), (<Alarm>, 'warning')]
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, canary: ServiceCanary,
                 notify: dict[str, sns.ITopic] | None = None, region_label: str = "") -> None:
        super().__init__(scope, construct_id)
        service, settings = canary.service, canary.config
        period = Duration.minutes(canary.schedule_minutes)
        resource = f"canary{('-' + region_label) if region_label else ''}"
        self.children: list[tuple[cloudwatch.IAlarm, str]] = []
        self.refs: list[AlarmRef] = []
        failure_severity = settings.severity
        self._add(
            cfg, service, resource, "CanaryFailure", failure_severity, notify,
            metric=canary.canary.metric_success_percent(period=period, statistic="Average"),
            threshold=100, comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            periods=settings.failed_runs_to_alarm, missing=cloudwatch.TreatMissingData.BREACHING,
            summary=(f"{failure_severity.upper()} CanaryFailure: canary {canary.name} of service "
                     f"{service} failed (or did not run) in {settings.failed_runs_to_alarm} consecutive "
                     f"{canary.schedule_minutes}-min periods"),
        )
        budget_ms = settings.expected_duration_ms()
        self._add(
            cfg, service, resource, "CanaryLatency", "warning", notify,
            metric=canary.canary.metric_duration(period=period, statistic="Average"),
            threshold=budget_ms, comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            periods=3, missing=cloudwatch.TreatMissingData.IGNORE,
            summary=(f"WARNING CanaryLatency: canary {canary.name} of service {service} took over "
                     f"{budget_ms} ms on average in 3 of 3 {canary.schedule_minutes}-min periods"),
        )

    def _add(self, cfg: EnvironmentConfig, service: str, resource: str, family: str, severity: str,
             notify: dict[str, sns.ITopic] | None, *, metric: cloudwatch.IMetric, threshold: float,
             comparison: cloudwatch.ComparisonOperator, periods: int, missing: cloudwatch.TreatMissingData,
             summary: str) -> None:
        name = alarm_name(cfg, service, resource, family, severity)
        tail = f". Runbook: {runbook_url(cfg, family)}"
        alarm = cloudwatch.Alarm(
            self, family, alarm_name=name, alarm_description=summary[: _MAX_DESCRIPTION - len(tail)] + tail,
            metric=metric, threshold=threshold, comparison_operator=comparison, evaluation_periods=periods,
            datapoints_to_alarm=periods, treat_missing_data=missing,
        )
        if notify and severity in notify:
            alarm.add_alarm_action(actions.SnsAction(notify[severity]))
            alarm.add_ok_action(actions.SnsAction(notify[severity]))
        for key, value in (("service", service), ("severity", severity), ("env", cfg.env)):
            Tags.of(alarm).add(key, value)
        self.children.append((alarm, severity))
        self.refs.append(AlarmRef(name=name, arn=alarm.alarm_arn, service=service, severity=severity,
                                  kind="metric", family=family, resource=resource))
