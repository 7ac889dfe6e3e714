"""Business: the metrics services emit through the layer's ``business_metric``, as declared in config."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import region_of, title_block
from dashboards.inventory import services_of
from dashboards.layout import Grid
from dashboards.model import AlarmRef, AppResources
from dashboards.widgets import graph, metric, single_value
from plan.model import Plan

__all__ = ["build", "TIME_RANGE"]

TIME_RANGE = "-P7D"  # business trends read over a week


def build(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The business body: per declared metric, its trend (hourly) and its total over the time range.

    The layer writes business metrics into the service's namespace with the dimensions ``service`` and
    ``environment``.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> build(cfg, plan, [])["start"]
    '-P7D'
    """
    region = region_of(cfg)
    grid = Grid()
    grid.header(title_block(cfg, "business", "What the services did for their users.", []), height=3)
    declared = cfg.dashboards.business_metrics
    if not declared:
        grid.header("No business metrics are declared (config `dashboards.business_metrics`).")
    namespaces = {view.name: view.namespace for view in services_of(plan)}
    for service in dict.fromkeys(m.service for m in declared):
        grid.header(f"## {service}")
        widgets = []
        for item in (m for m in declared if m.service == service):
            series = metric(item.namespace or namespaces.get(service, service), item.name,
                            {"service": service, "environment": cfg.env}, stat=item.stat,
                            label=item.description or item.name)
            widgets.append(graph(f"{item.name} per hour", [series], unit=item.unit, region=region,
                                 stat=item.stat, period=3600))
            widgets.append(single_value(f"{item.name} over the range", [series], unit=item.unit, region=region,
                                        stat=item.stat))
        grid.rows(widgets, per_row=4)
    return grid.body(TIME_RANGE)
