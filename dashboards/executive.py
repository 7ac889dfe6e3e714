"""Executive: 30-day availability per service, request volume and the cost trend, on one screen."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import region_of, service_signals, title_block
from dashboards.inventory import services_of
from dashboards.layout import Grid
from dashboards.model import AlarmRef, AppResources
from dashboards.widgets import annotation, expression, graph, metric, single_value
from plan.model import Plan

__all__ = ["build", "TIME_RANGE", "BILLING_REGION"]

TIME_RANGE = "-P30D"
BILLING_REGION = "us-east-1"  # AWS/Billing metrics exist only there


def build(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The executive body: availability and volume of every service, then what the environment costs.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> build(cfg, plan, [])["start"]
    '-P30D'
    """
    region = region_of(cfg)
    grid = Grid()
    # No alarm widget here, but the two runbooks behind these numbers: SLO burn and cost.
    grid.header(title_block(cfg, "executive summary", "Availability, volume and cost over 30 days.", [],
                            ["SloBurnRate", "CostAnomaly"]), height=3)
    availability: list[list[Any]] = []
    volume: list[list[Any]] = []
    for n, view in enumerate(services_of(plan)):
        signals = service_signals(view)
        if signals is None:
            continue
        # Each service gets its own id prefix so several services share one widget's math.
        renamed = [m[:-1] + [{**m[-1], "id": f"s{n}{m[-1]['id']}", "visible": False}]
                   for m in signals.requests + signals.errors]
        r = ",".join(f"s{n}{m[-1]['id']}" for m in signals.requests)
        e = ",".join(f"s{n}{m[-1]['id']}" for m in signals.errors)
        availability += renamed + [expression(f"100*(1-SUM([{e}])/SUM([{r}]))", view.name, f"a{n}")]
        volume += [m[:-1] + [{**m[-1], "visible": False}] for m in renamed if m[-1]["id"].startswith(f"s{n}r")]
        volume.append(expression(f"SUM([{r}])", f"{view.name} requests", f"v{n}"))
    if availability:
        grid.row([
            single_value("Availability, 30 days", availability, unit="Percent", region=region),
            graph("Requests per day", volume, unit="Count", region=region, period=86400),
        ])
    else:
        grid.header("No service with an API or function is configured yet: availability and volume are empty.")
    cost = cfg.cost.checker
    budget = cfg.cost.budget.monthly_limit_usd
    grid.row([
        graph("Cost today so far (cost checker)", [metric(cost.metrics_namespace, "CostSoFarToday",
                                                          {"Scope": "account"}, stat="Maximum", label="USD today")],
              unit="USD", region=region, stat="Maximum", period=86400,
              annotations=[annotation(round(budget / 30, 2), "budget / 30 days", "#ff7f0e")]),
        graph("Month-to-date charges (AWS/Billing)", [metric("AWS/Billing", "EstimatedCharges", {"Currency": "USD"},
                                                             stat="Maximum", label="estimated charges")],
              unit="USD", region=BILLING_REGION, stat="Maximum", period=21600,
              annotations=[annotation(budget, "monthly budget", "#d62728")]),
    ])
    return grid.body(TIME_RANGE)
