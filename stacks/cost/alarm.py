"""The hourly-cost alarm (family CostAnomaly), made by the monitoring work's alarm factory so it is named,
described (ending with the runbook link), tagged and wired like every other alarm of the app."""
from __future__ import annotations

from aws_cdk import Duration, aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from plan.catalog import Threshold
from plan.enums import Comparison, MissingData
from stacks.monitoring.alarm_factory import AlarmSpec, create_alarm
from stacks.monitoring.metrics.common import CdkSignal

__all__ = ["HourlyCostAlarm", "FAMILY", "SEVERITY", "SERVICE", "HOURLY_METRIC"]

FAMILY = "CostAnomaly"
SEVERITY = "warning"
SERVICE = "cost"
HOURLY_METRIC = "EstimatedHourlyCost"  # emitted by lambdas/cost_checker (emf.py)


class HourlyCostAlarm(Construct):
    """``EstimatedHourlyCost`` above ``cost.checker.hourly_cost_threshold_usd`` notifies ``topic``.

    No data (Cost Explorer lagging, throttled, empty) is not breaching: the checker then emits nothing.
    Exposes ``alarm``, ``ref`` (for dashboards), ``name`` and ``resource`` ('account' or 'environment').

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_sns as sns
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> topic = sns.Topic(stack, "Warning")
    >>> HourlyCostAlarm(stack, "HourlyCost", cfg=cfg, topic=topic).ref.family
    'CostAnomaly'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        settings = cfg.cost.checker
        account_wide = settings.alarm_scope == "account"
        self.resource = "account" if account_wide else "environment"
        period = settings.rate_hours * 3600  # one point per checker run
        self.metric = cloudwatch.Metric(
            namespace=settings.metrics_namespace,
            metric_name=HOURLY_METRIC,
            dimensions_map={"Scope": "account" if account_wide else cfg.env},
            statistic="Maximum",
            period=Duration.seconds(period),
        )
        spec = AlarmSpec(
            service=SERVICE,
            resource=self.resource,
            family=FAMILY,
            severity=SEVERITY,
            signal=CdkSignal(self.metric),
            threshold=Threshold(settings.hourly_cost_threshold_usd, period=period, evaluation_periods=1),
            comparison=Comparison.GREATER_THAN_THRESHOLD,
            treat_missing=MissingData.NOT_BREACHING,
            what="estimated hourly cost (Cost Explorer, via the cost checker)",
            unit=" USD/h",
        )
        created = create_alarm(self, "Alarm", cfg=cfg, spec=spec, runbook_base_url=cfg.runbook_base_url, notify=topic)
        self.alarm = created.alarm
        self.ref = created.ref
        self.name = created.ref.name
