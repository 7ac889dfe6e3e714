"""Performance: Lambda duration, memory, cold starts, concurrency and throttles; DynamoDB latency and throttles;
then the latency, age and utilization of each kind beyond the serverless core (dashboards.kinds)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import region_of, runbook_links, threshold_lines, title_block
from dashboards.inventory import ServiceView, services_of
from dashboards.kinds import alarms_by_service, kind_labels, kind_resources, kind_widgets, placement, refs_by_service
from dashboards.layout import Grid
from dashboards.model import AlarmRef, AppResources
from dashboards.widgets import expression, graph, metric, placed
from plan.model import Plan

__all__ = ["build", "TIME_RANGE", "DYNAMODB_OPERATIONS"]

TIME_RANGE = "-PT6H"
DYNAMODB_OPERATIONS = ("GetItem", "PutItem", "Query")


def _lambda_row(cfg: EnvironmentConfig, view: ServiceView, refs: Sequence[AlarmRef], region: str) -> list[dict]:
    fns = view.functions
    namespace = view.namespace
    cold = [metric(namespace, "ColdStart", {"function_name": fn, "service": view.name}, stat="Sum", id=f"c{i}",
                   visible=False) for i, fn in enumerate(fns)]
    invocations = [metric("AWS/Lambda", "Invocations", {"FunctionName": fn}, stat="Sum", id=f"i{i}", visible=False)
                   for i, fn in enumerate(fns)]
    cold_pct = [expression(f"100*c{i}/i{i}", f"{fn} cold starts %", f"cs{i}") for i, fn in enumerate(fns)]
    return [
        graph(f"{view.name}: Lambda duration p99", [metric("AWS/Lambda", "Duration", {"FunctionName": fn},
                                                           stat="p99", label=fn) for fn in fns],
              unit="Milliseconds", region=region, stat="p99",
              annotations=threshold_lines(refs, view.name, ["Latency", "DurationNearTimeout"])),
        graph(f"{view.name}: memory used (Lambda Insights)",
              [metric("LambdaInsights", "memory_utilization", {"function_name": fn}, stat="Maximum", label=fn)
               for fn in fns], unit="Percent", region=region, stat="Maximum", y_max=100,
              annotations=threshold_lines(refs, view.name, ["MemoryPressure"])),
        graph(f"{view.name}: cold starts", cold + invocations + cold_pct, unit="Percent", region=region,
              annotations=threshold_lines(refs, view.name, ["ColdStarts"])),
        graph(f"{view.name}: concurrency and throttles",
              [metric("AWS/Lambda", "ConcurrentExecutions", {"FunctionName": fn}, stat="Maximum",
                      label=f"{fn} concurrent") for fn in fns]
              + [metric("AWS/Lambda", "Throttles", {"FunctionName": fn}, stat="Sum", label=f"{fn} throttles")
                 for fn in fns], unit="Count", region=region),
    ]


def _dynamodb_row(view: ServiceView, refs: Sequence[AlarmRef], region: str) -> list[dict]:
    tables = view.tables
    return [
        graph(f"{view.name}: DynamoDB latency", [
            metric("AWS/DynamoDB", "SuccessfulRequestLatency", {"TableName": t, "Operation": op}, stat="Average",
                   label=f"{t} {op}") for t in tables for op in DYNAMODB_OPERATIONS],
              unit="Milliseconds", region=region, stat="Average"),
        graph(f"{view.name}: DynamoDB throttles", [
            metric("AWS/DynamoDB", name, {"TableName": t}, stat="Sum", label=f"{t} {name}")
            for t in tables for name in ("ReadThrottleEvents", "WriteThrottleEvents")],
              unit="Count", region=region, annotations=threshold_lines(refs, view.name, ["DatabaseThrottling"])),
        graph(f"{view.name}: DynamoDB consumed capacity", [
            metric("AWS/DynamoDB", name, {"TableName": t}, stat="Sum", label=f"{t} {name}")
            for t in tables for name in ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")],
              unit="Capacity units", region=region),
        graph(f"{view.name}: DynamoDB errors", [
            metric("AWS/DynamoDB", "SystemErrors", {"TableName": t, "Operation": op}, stat="Sum",
                   label=f"{t} {op}") for t in tables for op in DYNAMODB_OPERATIONS],
              unit="Count", region=region),
    ]


def build(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The performance body of ``cfg``'s environment: per service a Lambda row, a DynamoDB row and the rows
    of its other kinds, each when it has them.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> build(cfg, plan, [])["start"]
    '-PT6H'
    """
    region = region_of(cfg)
    grid = Grid()
    grid.header(title_block(cfg, "performance", "Where does the time go, and what is being throttled?",
                            alarm_refs), height=3)
    planned, refs_of = alarms_by_service(plan), refs_by_service(alarm_refs)
    shown = []
    for service, view in zip(plan.services, services_of(plan), strict=True):
        refs = refs_of.get(view.name, [])
        kinds = kind_resources(service, planned.get(service.name, ()))
        extra = kind_widgets(cfg, service, refs, "performance", kinds)
        if view.functions or view.tables or extra:
            shown.append((service, view, refs, kinds, extra))
    if not shown:
        grid.header("No functions or tables are configured in this environment yet.")
    for service, view, refs, kinds, extra in shown:
        grid.header(f"## {view.name}\n{runbook_links(view.runbook_base_url, (r.family for r in refs))}")
        # The core graphs draw the core resources' thresholds only: another kind's latency is in its own unit.
        labels = kind_labels(kinds)
        core_refs = [r for r in refs if r.resource not in labels]
        account_id, service_region = placement(cfg, service)
        if view.functions:
            grid.row([placed(w, account_id, service_region) for w in _lambda_row(cfg, view, core_refs, region)])
        if view.tables:
            grid.row([placed(w, account_id, service_region) for w in _dynamodb_row(view, core_refs, region)])
        if extra:
            grid.rows(extra, per_row=4)
    return grid.body(TIME_RANGE)
