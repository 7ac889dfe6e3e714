"""Cost: cost by AWS service, the hourly-cost check against its threshold, anomalies and the monthly budget."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import region_of, title_block
from dashboards.executive import BILLING_REGION
from dashboards.layout import Grid
from dashboards.model import AlarmRef, AppResources
from dashboards.widgets import alarm_status, annotation, expression, graph, metric
from plan.model import Plan

__all__ = ["build", "TIME_RANGE", "COST_FAMILIES"]

TIME_RANGE = "-P30D"
COST_FAMILIES = ("CostAnomaly", "HourlyCost", "Budget")


def _budget_lines(limit: float, alerts: Sequence[Any]) -> list[dict[str, Any]]:
    """One line per distinct alert level; alerts at the same level (actual and forecasted 100%) share a label."""
    levels: dict[float, list[str]] = {}
    for alert in alerts:
        levels.setdefault(alert.percent, []).append(f"{alert.type.lower()} {alert.percent:g}%")
    return [annotation(limit * percent / 100, " / ".join(labels), "#ff7f0e" if percent < 100 else "#d62728")
            for percent, labels in sorted(levels.items())]


def build(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The cost body: the cost checker's EMF metrics, AWS billing, and the cost alarms.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> build(cfg, plan, [])["start"]
    '-P30D'
    """
    region = region_of(cfg)
    grid = Grid()
    refs = [r for r in alarm_refs if r.family in COST_FAMILIES]
    checker, budget, anomaly = cfg.cost.checker, cfg.cost.budget, cfg.cost.anomaly
    alerts = ", ".join(f"{a.type.lower()} {a.percent:g}%" for a in budget.alerts)
    grid.header(title_block(cfg, "cost", "What the environment costs and whether that is expected.", refs)
                + f"\n\nMonthly budget ${budget.monthly_limit_usd:,.0f} (alerts: {alerts}); anomaly alerts from "
                f"${anomaly.min_impact_usd:,.0f} impact; hourly-cost alarm above "
                f"${checker.hourly_cost_threshold_usd:,.2f}/h.", height=4)
    namespace = checker.metrics_namespace
    by_service = expression(f"SEARCH('{{{namespace},Service}} MetricName=\"DailyCost\"', 'Maximum', 86400)",
                            "", "byservice")
    hourly = [metric(namespace, "EstimatedHourlyCost", {"Scope": scope}, stat="Maximum", label=f"{scope} USD/h")
              for scope in dict.fromkeys(["account", cfg.env])]
    threshold = [annotation(checker.hourly_cost_threshold_usd, "hourly-cost alarm", "#d62728")]
    billing_by_service = expression(
        "SEARCH('{AWS/Billing,Currency,ServiceName} MetricName=\"EstimatedCharges\"', 'Maximum', 86400)", "",
        "billing")
    grid.row([
        graph("Daily cost by service (cost checker)", [by_service], unit="USD", region=region, stat="Maximum",
              period=86400, stacked=True),
        graph("Estimated hourly cost", hourly, unit="USD per hour", region=region, stat="Maximum", period=3600,
              annotations=threshold),
        graph("Month-to-date charges by service (AWS/Billing)", [billing_by_service], unit="USD",
              region=BILLING_REGION, stat="Maximum", period=86400),
        graph("Month-to-date charges vs budget", [metric("AWS/Billing", "EstimatedCharges", {"Currency": "USD"},
                                                         stat="Maximum", label="estimated charges")],
              unit="USD", region=BILLING_REGION, stat="Maximum", period=21600,
              annotations=_budget_lines(budget.monthly_limit_usd, budget.alerts)),
    ])
    status = alarm_status("Cost alarms", [r.arn for r in sorted(refs, key=lambda r: r.name)])
    grid.rows(status, per_row=1, height=3)
    grid.header("Cost anomalies are reported by Cost Anomaly Detection (no CloudWatch metric): see "
                "[Cost Anomaly Detection](https://console.aws.amazon.com/cost-management/home#/anomaly-detection) "
                "and the alert channels; the router forwards each anomaly by severity.")
    return grid.body(TIME_RANGE)
