"""The hourly-cost alarm (family CostAnomaly), named, described, tagged and wired like every other alarm:
``{app}-{env}-{service}-{resource}-{signal}-{severity}``, description ending with the runbook link.

Built here until the monitoring work's alarm factory lands; switching is a matter of calling it with these values.
"""
from __future__ import annotations

from aws_cdk import Duration, Tags, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.cost.anomaly import usd
from stacks.naming import alarm_name

__all__ = ["HourlyCostAlarm", "FAMILY", "SEVERITY", "SERVICE", "runbook_url"]

FAMILY = "CostAnomaly"
SEVERITY = "warning"
SERVICE = "cost"
_DEFAULT_RUNBOOKS = "https://github.com/acme/watchtower/blob/main/docs/runbooks"


def runbook_url(cfg: EnvironmentConfig, family: str = FAMILY) -> str:
    """Link to docs/runbooks/<family>.md under the environment's runbook base.

    Example
    -------
    >>> runbook_url(cfg)  # doctest: +SKIP
    'https://github.com/acme/watchtower/blob/main/docs/runbooks/CostAnomaly.md'
    """
    base = getattr(cfg, "runbook_base_url", None) or _DEFAULT_RUNBOOKS
    return f"{base.rstrip('/')}/{family}.md"


class HourlyCostAlarm(Construct):
    """``EstimatedHourlyCost`` above ``cost.checker.hourly_cost_threshold_usd`` notifies ``topic``.

    No data (Cost Explorer lagging, throttled, empty) is not breaching: the checker then emits nothing.

    Example
    -------
    >>> HourlyCostAlarm(stack, "HourlyCost", cfg=cfg, topic=alerting.topics["warning"]).alarm  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        settings = cfg.cost.checker
        scope_value = "account" if settings.alarm_scope == "account" else cfg.env
        self.resource = "account" if settings.alarm_scope == "account" else "environment"
        self.metric = cloudwatch.Metric(
            namespace=settings.metrics_namespace,
            metric_name="EstimatedHourlyCost",
            dimensions_map={"Scope": scope_value},
            statistic="Maximum",
            # One point per checker run, so the period follows the schedule.
            period=Duration.hours(settings.rate_hours),
        )
        threshold = usd(settings.hourly_cost_threshold_usd)
        self.name = alarm_name(cfg, SERVICE, self.resource, FAMILY, SEVERITY)
        self.alarm = cloudwatch.Alarm(
            self,
            "Alarm",
            alarm_name=self.name,
            alarm_description=(
                f"Estimated {self.resource} cost above ${threshold}/hour (Cost Explorer, via the cost checker). "
                f"Runbook: {runbook_url(cfg)}"
            ),
            metric=self.metric,
            threshold=settings.hourly_cost_threshold_usd,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.alarm.add_alarm_action(actions.SnsAction(topic))
        self.alarm.add_ok_action(actions.SnsAction(topic))
        for key, value in {"service": SERVICE, "severity": SEVERITY, "env": cfg.env, "family": FAMILY}.items():
            Tags.of(self.alarm).add(key, value)
