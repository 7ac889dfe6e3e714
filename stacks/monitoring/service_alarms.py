"""Alarms for the resources of one service (or one part of a big service), from the catalog and overrides."""
from __future__ import annotations

import re
from typing import Any, Iterator

from aws_cdk import aws_logs as logs, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import RESOURCE_KINDS, FunctionRef, ServiceConfig, ServiceResources
from plan.catalog import CATALOG, resolve_threshold
from stacks.logs.log_alarms import ErrorLogAlarm, error_log_alarm
from stacks.monitoring.alarm_factory import AlarmSpec, CreatedAlarm, create_alarm, tag_alarm
from stacks.monitoring.metrics import MetricContext, signals_for
from stacks.monitoring.metrics.lambda_ import error_log_metric_name
from stacks.naming import resource_name

__all__ = ["ServiceAlarms", "planned_alarms", "metric_context", "error_log_namespace", "resource_labels"]

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
# Appended to a resource's name in alarm names only when two kinds share that name (a function and the API
# in front of it are often both called "<service>-api"), so the usual names stay short and stable.
_KIND_SUFFIX = {"functions": "fn", "rest_apis": "api", "http_apis": "api", "tables": "table", "queues": "queue",
                "state_machines": "sm", "event_rules": "rule", "topics": "topic"}


def error_log_namespace(cfg: EnvironmentConfig) -> str:
    """Namespace of the ERROR-log counts published by the metric filters.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> error_log_namespace(cfg)
    'watchtower/prod/ErrorLogs'
    """
    return f"{cfg.app}/{cfg.env}/ErrorLogs"


def metric_context(cfg: EnvironmentConfig, service: ServiceConfig) -> MetricContext:
    """The MetricContext of ``service`` in ``cfg``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> svc = cfg.services[0]
    >>> metric_context(cfg, svc).powertools_namespace
    'orders'
    """
    return MetricContext(error_log_namespace=error_log_namespace(cfg),
                         powertools_namespace=service.powertools_namespace, powertools_service=service.name)


def _resources(resources: ServiceResources) -> Iterator[tuple[str, Any]]:
    for kind in RESOURCE_KINDS:
        for ref in getattr(resources, kind):
            yield kind, ref


def resource_labels(resources: ServiceResources) -> dict[tuple[str, str], str]:
    """``(kind, name) -> label`` used in alarm names: the name, plus a kind suffix when kinds share a name.

    Example
    -------
    >>> resource_labels(ServiceResources(functions=("x",), tables=("x",)))[("tables", "x")]
    'x-table'
    """
    kinds_by_name: dict[str, set[str]] = {}
    for kind, ref in _resources(resources):
        kinds_by_name.setdefault(ref.name, set()).add(kind)
    return {(kind, ref.name): ref.name if len(kinds_by_name[ref.name]) == 1 else f"{ref.name}-{_KIND_SUFFIX[kind]}"
            for kind, ref in _resources(resources)}


def planned_alarms(service: ServiceConfig, resources: ServiceResources) -> list[tuple[str, Any, str, str]]:
    """``(kind, resource, family, severity)`` of every alarm the catalog and overrides give these resources.

    Example
    -------
    >>> from config.services import ServiceConfig
    >>> svc = ServiceConfig(name="orders", resources={"tables": ["orders"]})
    >>> [(f, s) for _, _, f, s in planned_alarms(svc, ServiceResources(tables=("orders",)))]
    [('DatabaseThrottling', 'critical')]
    """
    ctx = MetricContext("", "", "")
    planned = []
    for kind, ref in _resources(resources):
        for family in signals_for(kind, ref, ctx):
            for severity in CATALOG[family].thresholds:
                if resolve_threshold(family, severity, service.overrides, ref.overrides) is not None:
                    planned.append((kind, ref, family, severity))
    return planned


class ServiceAlarms(Construct):
    """Every catalog alarm of ``resources``; ``created`` lists them, children of the service composites.

    Children notify ``info_topic`` (context in chat) and never page: paging is the composites' job.

    Example
    -------
    >>> alarms = ServiceAlarms(stack, "Alarms", cfg=cfg, service=svc, resources=svc.resources,
    ...                        info_topic=alerting.topics["info"])  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 resources: ServiceResources, info_topic: sns.ITopic | None,
                 all_resources: ServiceResources | None = None, warning_topic: sns.ITopic | None = None) -> None:
        super().__init__(scope, construct_id)
        labels = resource_labels(all_resources or resources)
        self.created: list[CreatedAlarm] = []
        # ErrorLogs as log alarms: they notify themselves, are no composite children, and stay off dashboards'
        # alarm widgets (which AWS documents for metric and composite alarms).
        self.log_alarms: list[ErrorLogAlarm] = []
        ctx = metric_context(cfg, service)
        base_url = service.runbook_base_url or cfg.runbook_base_url
        filtered: set[str] = set()
        # One scope per severity, tagged once: alarm tags come from these scopes' aspects.
        scopes: dict[str, Construct] = {}

        def scope_of(severity: str) -> Construct:
            if severity not in scopes:
                scopes[severity] = Construct(self, severity.title())
                tag_alarm(scopes[severity], cfg, service.name, severity)
            return scopes[severity]

        for kind, ref, family, severity in planned_alarms(service, resources):
            row = CATALOG[family]
            threshold = resolve_threshold(family, severity, service.overrides, ref.overrides)
            assert threshold is not None  # planned_alarms keeps enabled ones only
            if family == "ErrorLogs" and cfg.log_alarms.enabled:
                self.log_alarms.append(error_log_alarm(
                    scope_of(severity), _ID_UNSAFE.sub("", f"{ref.name}-{family}-{severity}-log".title()), cfg=cfg,
                    service=service.name, resource=labels[(kind, ref.name)], fn=ref, threshold=threshold,
                    severity=severity, topic=warning_topic or info_topic, runbook_base_url=base_url,
                    log_lines=cfg.log_alarms.log_lines))
                continue
            if family == "ErrorLogs" and ref.name not in filtered:
                self._error_log_filter(cfg, ref, ctx)
                filtered.add(ref.name)
            signal = signals_for(kind, ref, ctx)[family](threshold)
            spec = AlarmSpec(service=service.name, resource=labels[(kind, ref.name)], family=family, severity=severity,
                             signal=signal, threshold=threshold, comparison=row.comparison,
                             treat_missing=row.treat_missing, what=row.what, unit=row.unit)
            construct_id_ = _ID_UNSAFE.sub("", f"{kind}-{ref.name}-{family}-{severity}".title())
            self.created.append(create_alarm(scope_of(severity), construct_id_, cfg=cfg, spec=spec,
                                             runbook_base_url=base_url, notify=info_topic, tag=False))

    def _error_log_filter(self, cfg: EnvironmentConfig, fn: FunctionRef, ctx: MetricContext) -> None:
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
            metric_namespace=ctx.error_log_namespace,
            metric_name=error_log_metric_name(fn),
            metric_value="1",
        )
