"""``<app>-<env>-Account``: alarms on what the whole account shares in the home region (Lambda's concurrency
quota, SES reputation when SES is used), in one warning composite that reaches people."""
from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Stack, aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from plan.account import account_signals
from stacks.account import AccountSignalAlarms
from stacks.monitoring.maintenance import maintenance_alarm_name
from stacks.wiring import local_topics

__all__ = ["AccountStack"]


class AccountStack(Stack):
    """Composes the account-level alarms; the manual maintenance switch (by name) holds their composite.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> from stacks.alerting_stack import AlertingStack
    >>> app, cfg = App(), load_config("prod")
    >>> alerting = AlertingStack(app, "watchtower-prod-Alerting", cfg=cfg)
    >>> account = AccountStack(app, "watchtower-prod-Account", cfg=cfg, topics=alerting.topics)
    >>> sorted(account.alarms.composites)
    ['warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 topics: Mapping[str, sns.ITopic], **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        switch = cloudwatch.Alarm.from_alarm_name(self, "MaintenanceSwitch", maintenance_alarm_name(cfg))
        self.alarms = AccountSignalAlarms(self, "Signals", cfg=cfg, signals=account_signals(cfg),
                                          topics=local_topics(self, topics), suppressor=switch)
        self.alarm_refs = self.alarms.refs
