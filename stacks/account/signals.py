"""The account-level alarms of the plan (plan/account.py), made by the app's one alarm factory, and the warning
composite that reaches people for them (held by the maintenance switch like every other composite)."""
from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from plan.account import ACCOUNT_SERVICE, AccountSignal
from plan.catalog import CATALOG
from stacks.monitoring.alarm_factory import AlarmSpec, CreatedAlarm, create_alarm
from stacks.monitoring.composites import Child, CompositeSpec, any_of
from stacks.monitoring.metrics.common import CdkSignal

__all__ = ["AccountSignalAlarms"]

_RESOURCE = {"AWS/Lambda": "lambda", "AWS/SES": "ses"}  # the resource segment of the alarm names


class AccountSignalAlarms(Construct):
    """``created`` alarms (children: they notify ``topics['info']``) and ``composites`` by severity, each
    notifying the topic of its severity, held by ``suppressor``.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> from plan.account import account_signals
    >>> cfg = load_config("prod")
    >>> alarms = AccountSignalAlarms(Stack(App(), "Example"), "Account", cfg=cfg, signals=account_signals(cfg),
    ...                              topics={})
    >>> [c.ref.name for c in alarms.created]
    ['watchtower-prod-account-lambda-AccountConcurrency-warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 signals: list[AccountSignal], topics: Mapping[str, sns.ITopic],
                 suppressor: cloudwatch.IAlarm | None = None) -> None:
        super().__init__(scope, construct_id)
        self.created: list[CreatedAlarm] = []
        self.refs: list[AlarmRef] = []
        for signal in signals:
            row = CATALOG[signal.family]
            resource = _RESOURCE[signal.namespace]
            watched = cloudwatch.Metric(namespace=signal.namespace, metric_name=signal.metric,
                                        statistic=signal.statistic, period=Duration.seconds(signal.threshold.period))
            created = create_alarm(
                self, f"{signal.family}{signal.severity.title()}", cfg=cfg, runbook_base_url=cfg.runbook_base_url,
                notify=topics.get("info"),
                spec=AlarmSpec(service=ACCOUNT_SERVICE, resource=resource, family=signal.family,
                               severity=signal.severity, signal=CdkSignal(watched, scale=signal.scale),
                               threshold=signal.threshold, comparison=row.comparison,
                               treat_missing=row.treat_missing, what=row.what, unit=row.unit))
            self.created.append(created)
            self.refs.append(created.ref)
        self.composites: dict[str, cloudwatch.CompositeAlarm] = {}
        for severity in ("critical", "warning"):
            children = [Child(c.alarm, c.ref.name) for c in self.created if c.severity == severity]
            spec = CompositeSpec(service=ACCOUNT_SERVICE, resource="account", signal=severity.title(),
                                 severity=severity, what="account-level signal (Lambda concurrency quota, SES "
                                                         "reputation)", family="Composite",
                                 topic=topics.get(severity), suppressor=suppressor)
            made = any_of(self, f"{severity.title()}Composite", cfg=cfg, spec=spec, children=children,
                          runbook_base_url=cfg.runbook_base_url)
            if made:
                self.composites[severity] = made[-1].alarm
                self.refs.extend(c.ref for c in made)
