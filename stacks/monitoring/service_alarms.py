"""Alarms for the resources of one service (or one part of a big service), rendered from the plan."""
from __future__ import annotations

import re
from typing import Sequence

from aws_cdk import aws_logs as logs, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import RESOURCE_KINDS, FunctionRef, ServiceConfig, ServiceResources
from plan.build import alarm_plans, error_log_namespace, resource_labels
from plan.metrics import error_log_metric_name
from plan.model import AlarmPlan
from stacks.logs.log_alarms import ErrorLogAlarm, error_log_alarm
from stacks.monitoring.alarm_factory import CreatedAlarm, render_alarm, tag_alarm
from stacks.naming import resource_name

__all__ = ["ServiceAlarms", "error_log_namespace", "resource_labels"]

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


class ServiceAlarms(Construct):
    """The catalog alarms of one stack of a service (``entries``, from the plan; planned here from
    ``resources`` when not given); ``created`` lists them, children of the service composites.

    Children notify ``info_topic`` (context in chat) and never page: paging is the composites' job. ErrorLogs
    is a log alarm on the warning topic when ``log_alarms`` is on, else a metric alarm on a metric filter.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> svc = ServiceConfig(name="orders", resources={"tables": ["orders"]})
    >>> alarms = ServiceAlarms(Stack(App(), "S"), "Alarms", cfg=load_config("prod"), service=svc,
    ...                        resources=svc.resources, info_topic=None)
    >>> [c.entry.name for c in alarms.created]
    ['watchtower-prod-orders-orders-DatabaseThrottling-critical']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 resources: ServiceResources, info_topic: sns.ITopic | None,
                 all_resources: ServiceResources | None = None, warning_topic: sns.ITopic | None = None,
                 entries: Sequence[AlarmPlan] | None = None) -> None:
        super().__init__(scope, construct_id)
        if entries is None:
            entries = alarm_plans(cfg, service, resources, all_resources=all_resources)
        refs = {(kind, ref.name): ref for kind in RESOURCE_KINDS for ref in getattr(all_resources or resources, kind)}
        labels = {label: key for key, label in resource_labels(all_resources or resources).items()}
        topics = {k: v for k, v in (("info", info_topic), ("warning", warning_topic or info_topic)) if v is not None}
        self.created: list[CreatedAlarm] = []
        # ErrorLogs as log alarms: they notify themselves, are no composite children, and stay off dashboards'
        # alarm widgets (which AWS documents for metric and composite alarms).
        self.log_alarms: list[ErrorLogAlarm] = []
        base_url = service.runbook_base_url or cfg.runbook_base_url
        filtered: set[str] = set()
        # One scope per severity, tagged once: alarm tags come from these scopes' aspects.
        scopes: dict[str, Construct] = {}

        def scope_of(severity: str) -> Construct:
            if severity not in scopes:
                scopes[severity] = Construct(self, severity.title())
                tag_alarm(scopes[severity], cfg, service.name, severity)
            return scopes[severity]

        for entry in entries:
            ref = refs[labels[entry.resource]]
            if entry.type == "log":
                assert isinstance(ref, FunctionRef)
                self.log_alarms.append(error_log_alarm(
                    scope_of(entry.severity), entry.construct_id, cfg=cfg, service=service.name,
                    resource=entry.resource, fn=ref, threshold=entry.threshold, severity=entry.severity,
                    topic=topics.get("warning"), runbook_base_url=base_url, log_lines=entry.log_lines or 0))
                continue
            if entry.family == "ErrorLogs" and ref.name not in filtered:
                assert isinstance(ref, FunctionRef)
                self._error_log_filter(cfg, ref)
                filtered.add(ref.name)
            self.created.append(render_alarm(scope_of(entry.severity), entry.construct_id, cfg=cfg, entry=entry,
                                             topics=topics, tag=False))

    def _error_log_filter(self, cfg: EnvironmentConfig, fn: FunctionRef) -> None:
        """Count Powertools JSON log lines at ERROR or CRITICAL level (the ErrorLogs alarm's metric)."""
        group_name = fn.log_group or f"/aws/lambda/{fn.name}"
        node_id = _ID_UNSAFE.sub("", fn.name.title())
        group = logs.LogGroup.from_log_group_name(self, f"{node_id}LogGroup", group_name)
        logs.MetricFilter(
            self, f"{node_id}ErrorLogFilter",
            log_group=group,
            filter_name=resource_name(cfg, fn.name, "error-logs"),
            filter_pattern=logs.FilterPattern.any(
                logs.FilterPattern.string_value("$.level", "=", "ERROR"),
                logs.FilterPattern.string_value("$.level", "=", "CRITICAL"),
            ),
            metric_namespace=error_log_namespace(cfg),
            metric_name=error_log_metric_name(fn),
            metric_value="1",
        )
