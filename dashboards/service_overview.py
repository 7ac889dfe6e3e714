"""Service overview: per service, requests, error rate, p50/p95/p99 latency, availability and alarm status, then
the traffic, errors and health of each kind beyond the serverless core (dashboards.kinds)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import region_of, runbook_links, service_signals, threshold_lines, title_block
from dashboards.inventory import services_of
from dashboards.kinds import alarms_by_service, kind_labels, kind_resources, kind_widgets, placement, refs_by_service
from dashboards.layout import Grid
from dashboards.model import AlarmRef, AppResources
from dashboards.widgets import alarm_status, annotation, graph, placed
from plan.model import Plan

__all__ = ["build", "TIME_RANGE"]

TIME_RANGE = "-PT3H"  # on-call looks at the last few hours


def build(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The service overview body of ``cfg``'s environment.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> build(cfg, plan, [])["start"]
    '-PT3H'
    """
    region = region_of(cfg)
    grid = Grid()
    grid.header(title_block(cfg, "service overview", "Is each service up, fast and quiet?", alarm_refs), height=3)
    views = services_of(plan)
    if not views:
        grid.header("No services are configured in this environment yet (config `services:`).")
    planned, refs_of = alarms_by_service(plan), refs_by_service(alarm_refs)
    for service, view in zip(plan.services, views, strict=True):
        refs = refs_of.get(view.name, [])
        grid.header(f"## {view.name}\n{runbook_links(view.runbook_base_url, (r.family for r in refs))}")
        kinds = kind_resources(service, planned.get(service.name, ()))
        extra = kind_widgets(cfg, service, refs, "overview", kinds)
        # The core graphs draw the core resources' thresholds only: another kind's latency is in its own unit.
        labels = kind_labels(kinds)
        core_refs = [r for r in refs if r.resource not in labels]
        account_id, service_region = placement(cfg, service)
        signals = service_signals(view)
        if signals is None:
            if not extra:
                grid.header(f"{view.name} has no API or function configured: nothing to chart.")
        else:
            grid.row([placed(w, account_id, service_region) for w in (
                graph(f"{view.name}: requests", signals.requests, unit="Count", region=region),
                graph(f"{view.name}: error rate", signals.hidden() + [signals.error_rate()], unit="Percent",
                      region=region, annotations=threshold_lines(core_refs, view.name, ["HighErrorRate"])),
                graph(f"{view.name}: latency p50/p95/p99", signals.latency, unit=signals.latency_unit,
                      region=region, stat="p99", annotations=threshold_lines(core_refs, view.name, ["Latency"])),
                graph(f"{view.name}: availability", signals.hidden() + [signals.availability()], unit="Percent",
                      region=region, y_max=100,
                      annotations=[annotation(view.objective, f"objective {view.objective}%", "#2ca02c")]
                      + threshold_lines(core_refs, view.name, ["ServiceDown"])),
            )])
        if extra:
            grid.rows(extra, per_row=4)
        status = alarm_status(f"{view.name}: alarms", [r.arn for r in sorted(refs, key=_composites_first)])
        if status:
            grid.rows(status, per_row=1, height=4)
    return grid.body(TIME_RANGE)


def _composites_first(ref: AlarmRef) -> tuple[int, str]:
    return (0 if ref.kind == "composite" else 1, ref.name)
