"""Operations: every composite's state, what is in ALARM now, router health, DLQ depth, canaries, recent errors."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import region_of, threshold_lines, title_block
from dashboards.inventory import services_of
from dashboards.layout import Grid
from dashboards.limits import MAX_LOG_GROUPS_PER_QUERY
from dashboards.model import AlarmRef, AppResources
from dashboards.widgets import alarm_status, graph, log_query, metric
from plan.model import Plan

__all__ = ["build", "TIME_RANGE", "RECENT_ERRORS_QUERY", "log_groups_of"]

TIME_RANGE = "-PT3H"
# The layer logs JSON with Powertools' keys: level, message, service, correlation_id.
RECENT_ERRORS_QUERY = ("fields @timestamp, service, message, correlation_id, error_fingerprint "
                       "| filter level = 'ERROR' | sort @timestamp desc | limit 50")
_ROUTER, _ROUTER_FAMILY = "alerting", "alert-router"  # AlarmRef service and family of the router's alarms
_CANARY_FAMILIES = ("CanaryFailure",)


def log_groups_of(plan: Plan, resources: AppResources) -> list[str]:
    """Log groups the recent-errors query reads: each service function's and the router's, without repeats.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> log_groups_of(plan, AppResources(router_function="r"))
    ['/aws/lambda/watchtower-dev-demo-api', '/aws/lambda/r']
    """
    groups = [group for view in services_of(plan) for group in view.log_groups]
    groups += [g for gs in resources.log_groups.values() for g in gs]
    if resources.router_function:
        groups.append(f"/aws/lambda/{resources.router_function}")
    return list(dict.fromkeys(groups))


def _alerting_path(plan: Plan, alarm_refs: Sequence[AlarmRef], resources: AppResources,
                   region: str) -> list[dict[str, Any]]:
    """Graphs of what carries alerts and checks services from outside: router, DLQs, canaries."""
    health: list[dict[str, Any]] = []
    if resources.router_function:
        fn = {"FunctionName": resources.router_function}
        health.append(graph("Alert router: invocations and errors", [
            metric("AWS/Lambda", "Invocations", fn, stat="Sum", label="invocations"),
            metric("AWS/Lambda", "Errors", fn, stat="Sum", label="errors"),
            metric("AWS/Lambda", "Throttles", fn, stat="Sum", label="throttles"),
        ], unit="Count", region=region, annotations=threshold_lines(alarm_refs, _ROUTER, [_ROUTER_FAMILY])))
    if resources.router_dlq:
        health.append(graph("Alert router: DLQ depth", [
            metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": resources.router_dlq},
                   stat="Maximum", label="messages waiting"),
        ], unit="Messages", region=region, stat="Maximum",
            annotations=threshold_lines(alarm_refs, _ROUTER, [_ROUTER_FAMILY])))
    service_dlqs = [(view.name, dlq) for view in services_of(plan) for dlq in view.dlqs]
    if service_dlqs:
        health.append(graph("Service DLQ depth", [
            metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": dlq}, stat="Maximum",
                   label=f"{service} {dlq}") for service, dlq in service_dlqs
        ], unit="Messages", region=region, stat="Maximum",
            annotations=[a for service in dict.fromkeys(s for s, _ in service_dlqs)
                         for a in threshold_lines(alarm_refs, service, ["DlqDepth"])]))
    if resources.canaries:
        health.append(graph("Canary success", [
            metric("CloudWatchSynthetics", "SuccessPercent", {"CanaryName": name}, stat="Average", label=service)
            for service, name in sorted(resources.canaries.items())
        ], unit="Percent", region=region, stat="Average", y_max=100,
            annotations=[a for service in sorted(resources.canaries)
                         for a in threshold_lines(alarm_refs, service, _CANARY_FAMILIES)]))
    return health


def build(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The operations body of ``cfg``'s environment.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> build(cfg, plan, [])["start"]
    '-PT3H'
    """
    region = region_of(cfg)
    grid = Grid()
    grid.header(title_block(cfg, "operations", "What is firing, and is the alerting path itself healthy?",
                            alarm_refs), height=3)
    composites = sorted((r for r in alarm_refs if r.kind == "composite"), key=lambda r: r.name)
    grid.rows(alarm_status("Composite alarms", [r.arn for r in composites]), per_row=1, height=4)
    firing = alarm_status("Alarms in ALARM now", [r.arn for r in sorted(alarm_refs, key=lambda r: r.name)])
    for widget in firing:
        widget["properties"]["states"] = ["ALARM"]
    grid.rows(firing, per_row=1, height=4)
    if not alarm_refs:
        grid.header("No alarms are deployed in this environment yet.")
    health = _alerting_path(plan, alarm_refs, resources, region)
    if health:
        grid.header("## Alerting path and synthetic checks")
        grid.rows(health, per_row=len(health) if len(health) <= 4 else 4)
    groups = log_groups_of(plan, resources)
    chunks = [groups[i:i + MAX_LOG_GROUPS_PER_QUERY] for i in range(0, len(groups), MAX_LOG_GROUPS_PER_QUERY)]
    for n, chunk in enumerate(chunks, start=1):
        title = "Recent errors (Logs Insights)" + (f" {n}/{len(chunks)}" if len(chunks) > 1 else "")
        grid.row([log_query(title, chunk, RECENT_ERRORS_QUERY, region=region)], height=8)
    return grid.body(TIME_RANGE)
