"""Maintenance windows: a manual switch (an alarm held in ALARM by hand) and scheduled mutes from config.

Both hold everything of a service that reaches people: its paging, warning and SLO ticket composites, and the
canary composites of extra regions (each region has its own copy of the switch). The manual switch is the
ActionsSuppressor of those composites. It watches a metric nobody publishes
and ignores missing data, so a state set with ``set-alarm-state`` stays until it is set back (``make
maintenance ENV=x STATE=on|off``); real AWS starts it in INSUFFICIENT_DATA, which suppresses nothing.
"""
from __future__ import annotations

from typing import Sequence

from aws_cdk import Duration, TimeZone, aws_cloudwatch as cloudwatch
from constructs import Construct

from config.schema import EnvironmentConfig
from config.windows import ServiceMaintenanceWindow
from dashboards.model import AlarmRef
from plan.build import MAINTENANCE_SERVICE, maintenance_alarm, maintenance_alarm_name
from stacks.monitoring.alarm_factory import render_alarm
from stacks.naming import resource_name

__all__ = ["MaintenanceSwitch", "maintenance_alarm_name", "mute_rules", "MAINTENANCE_SERVICE"]


class MaintenanceSwitch(Construct):
    """The manual maintenance alarm of one environment (``region``: its copy in an extra canary region);
    ``alarm`` is the ActionsSuppressor of every composite that reaches people. Planned by the plan
    (``maintenance_alarm``), rendered by the one alarm factory.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> MaintenanceSwitch(stack, "Maintenance", cfg=cfg).ref.name
    'watchtower-prod-all-maintenance-Maintenance-info'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 region: str | None = None) -> None:
        super().__init__(scope, construct_id)
        created = render_alarm(self, "Alarm", cfg=cfg, entry=maintenance_alarm(cfg, region))
        self.alarm = created.alarm
        self.ref: AlarmRef = created.ref


def mute_rules(scope: Construct, cfg: EnvironmentConfig, service: str, windows: Sequence[ServiceMaintenanceWindow],
               alarms: Sequence[cloudwatch.IAlarm]) -> list[cloudwatch.AlarmMuteRule]:
    """One AlarmMuteRule per scheduled window, muting ``alarms`` (what of the service reaches people).

    The API reference documents that deleting a mute rule runs the actions of alarms still in ALARM; what happens
    at the scheduled end of a window is not documented. The alarm simulator releases held actions then, and
    the Maintenance runbook says how to check it on an account.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> cfg, stack = load_config("prod"), Stack(App(), "Example")
    >>> svc = next(s for s in cfg.services if s.name == "orders")
    >>> critical = cloudwatch.Alarm.from_alarm_name(stack, "Critical", "watchtower-prod-orders-critical")
    >>> [rule.node.id for rule in mute_rules(stack, cfg, "orders", svc.maintenance_windows, [critical])]
    ['MuteWeeklyDbPatching']
    """
    rules = []
    for window in windows:
        minute, hour, day, month, weekday = window.cron.split()
        schedule = cloudwatch.ScheduleExpression.cron(
            minute=minute, hour=hour, month=month, time_zone=TimeZone.of(window.timezone),
            **({"week_day": weekday} if day in ("*", "?") and weekday not in ("*", "?") else {"day": day}),
        )
        rule = cloudwatch.AlarmMuteRule(
            scope, f"Mute{window.name.title().replace('-', '')}",
            alarm_mute_rule_name=resource_name(cfg, service, "mute", window.name),
            description=f"Scheduled maintenance '{window.name}' of {service}: cron {window.cron} {window.timezone}, "
                        f"{window.duration_minutes} min",
            schedule=schedule,
            duration=Duration.minutes(window.duration_minutes),
            alarms=list(alarms)[:100],  # AlarmMuteRule takes up to 100 alarms
        )
        rules.append(rule)
    return rules
