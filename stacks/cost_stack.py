"""``<app>-<env>-Cost``: anomaly detection, the monthly budget, and the hourly cost check with its alarm."""
from __future__ import annotations

from aws_cdk import Stack, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from stacks.cost import AnomalyDetection, CostChecker, HourlyCostAlarm, MonthlyBudget
from stacks.wiring import local_topic

__all__ = ["CostStack"]


class CostStack(Stack):
    """Composes the cost constructs; every notification goes to ``warning_topic``.

    Exposes ``hourly_cost_alarm`` (or None when the checker is disabled), ``alarm_refs`` for dashboards, and
    ``checker_function_name`` (a literal string, '' when disabled) for the operations/cost dashboards.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("dev")
    >>> from stacks.alerting_stack import AlertingStack
    >>> alerting = AlertingStack(app, "watchtower-dev-Alerting", cfg=cfg)
    >>> cost = CostStack(app, "watchtower-dev-Cost", cfg=cfg, warning_topic=alerting.topics["warning"])
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, warning_topic: sns.ITopic, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        warning_topic = local_topic(self, warning_topic)  # by name: no export to freeze the topic
        self.anomaly = AnomalyDetection(self, "Anomaly", cfg=cfg, topic=warning_topic)
        self.budget = MonthlyBudget(self, "Budget", cfg=cfg, topic=warning_topic)
        self.checker: CostChecker | None = None
        self.hourly_cost_alarm: HourlyCostAlarm | None = None
        self.alarm_refs: list[AlarmRef] = []
        self.checker_function_name = ""
        if cfg.cost.checker.enabled:
            self.checker = CostChecker(self, "Checker", cfg=cfg)
            self.checker_function_name = self.checker.name
            self.hourly_cost_alarm = HourlyCostAlarm(self, "HourlyCost", cfg=cfg, topic=warning_topic)
            self.alarm_refs.append(self.hourly_cost_alarm.ref)
