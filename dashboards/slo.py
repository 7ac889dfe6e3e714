"""SLO: per service and SLI (availability, latency), the error budget left over 30 days, the burn rate per
window and compliance.

Events come from the same source the SLO alarms use (dashboards.inventory.SliSource). Windows and factors
follow the Google SRE workbook's multiwindow, multi-burn-rate alerts: page at 14.4x (1 h, 5 min) and 6x (6 h,
30 min), ticket at 3x (1 d, 2 h) and 1x (3 d, 6 h). Each line uses its window as its period, so a line crossing
its annotation is what the matching burn-rate alarm sees. Latency counts a request as bad when slower than the
threshold, from the percentile-rank statistic ``PR(0:threshold)``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import SEVERITY_COLORS, region_of, runbook_links, title_block
from dashboards.inventory import ServiceView, services_of
from dashboards.layout import HEADER_HEIGHT, Grid
from dashboards.model import AlarmRef, AppResources
from dashboards.slo_console import slo_console_url
from dashboards.widgets import REGION_PLACEHOLDER, alarm_status, annotation, expression, graph, metric, single_value
from plan.model import Plan
from plan.naming import native_slo_name

__all__ = ["build", "TIME_RANGE", "PAGE_WINDOWS", "TICKET_WINDOWS", "SLO_FAMILIES", "bad_ratio_inputs"]

TIME_RANGE = "-P30D"  # the SLO period
PAGE_WINDOWS = ((300, 14.4), (3600, 14.4), (1800, 6.0), (21600, 6.0))  # (window seconds, factor)
TICKET_WINDOWS = ((7200, 3.0), (86400, 3.0), (21600, 1.0), (259200, 1.0))
SLO_FAMILIES = ("SloBurnRate", "SLO", "ErrorBudget")
_WINDOW_NAMES = {300: "5m", 1800: "30m", 3600: "1h", 7200: "2h", 21600: "6h", 86400: "1d", 259200: "3d"}


def bad_ratio_inputs(view: ServiceView, sli: str, tag: str, period: int | None = None
                     ) -> tuple[list[list[Any]], str]:
    """Hidden input metrics (ids suffixed ``tag``) and the math for the share of bad events of ``sli``.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> view = services_of(plan)[0]
    >>> inputs, bad = bad_ratio_inputs(view, "availability", "x")
    >>> bad
    '(ex/rx)'
    """
    source = view.slo_source
    assert source is not None  # callers only pass services with an SLO source
    dims = dict(source.dimensions)
    requests = metric(source.namespace, source.requests, dims, stat="Sum", id=f"r{tag}", visible=False,
                      period=period)
    if sli == "availability":
        errors = metric(source.namespace, source.errors, dims, stat="Sum", id=f"e{tag}", visible=False,
                        period=period)
        return [requests, errors], f"(e{tag}/r{tag})"
    within = metric(source.namespace, source.latency, dims, stat=f"PR(0:{view.latency_threshold_ms:g})",
                    id=f"w{tag}", visible=False, period=period)
    return [requests, within], f"((100-w{tag})/100)"


def _burn_lines(view: ServiceView, sli: str, budget: float, windows: Sequence[tuple[int, float]]) -> list[list]:
    lines: list[list[Any]] = []
    for window in dict.fromkeys(w for w, _ in windows):
        tag = _WINDOW_NAMES[window]
        inputs, bad = bad_ratio_inputs(view, sli, tag, period=window)
        lines += inputs + [expression(f"{bad}/{budget:g}", f"burn rate {tag}", f"burn{tag}", period=window)]
    return lines


def _factor_lines(windows: Sequence[tuple[int, float]], severity: str) -> list[dict[str, Any]]:
    factors = sorted({factor for _, factor in windows}, reverse=True)
    return [annotation(f, f"{severity} at {f:g}x", SEVERITY_COLORS[severity]) for f in factors]


def _sli_row(view: ServiceView, sli: str, objective: float, region: str) -> list[dict[str, Any]]:
    budget = (100 - objective) / 100
    inputs, bad = bad_ratio_inputs(view, sli, "all")
    name = f"{view.name} {sli}"
    return [
        single_value(f"{name}: error budget remaining, 30 days",
                     inputs + [expression(f"100*(1-{bad}/{budget:g})", "budget remaining %", "budget")],
                     unit="Percent", region=region),
        single_value(f"{name}: compliance, 30 days (objective {objective:g}%)",
                     inputs + [expression(f"100*(1-{bad})", f"{sli} %", "compliance")], unit="Percent",
                     region=region),
        graph(f"{name}: burn rate, page windows", _burn_lines(view, sli, budget, PAGE_WINDOWS),
              unit="Burn rate (x budget)", region=region, annotations=_factor_lines(PAGE_WINDOWS, "critical")),
        graph(f"{name}: burn rate, ticket windows", _burn_lines(view, sli, budget, TICKET_WINDOWS),
              unit="Burn rate (x budget)", region=region, annotations=_factor_lines(TICKET_WINDOWS, "warning")),
    ]


def _console_links(cfg: EnvironmentConfig, view: ServiceView, region: str) -> str:
    """Links to the service's Application Signals SLOs (attainment, budget, burn rates), if it has them."""
    if not view.native_slos:
        return ""
    slis = [sli for sli, objective in (("availability", view.availability_slo), ("latency", view.latency_slo))
            if objective]
    console_region = None if region == REGION_PLACEHOLDER else region  # a token cannot sit inside a link
    links = " · ".join(f"[{sli}]({slo_console_url(console_region, native_slo_name(cfg, view.name, sli))})"
                       for sli in slis)
    return f"\nIn the CloudWatch console (Application Signals SLOs): {links}" if links else ""


def _plan_order(plan: Plan, service: str) -> dict[str, int]:
    """Position of each SLO alarm of ``service`` as the plan lists them: per SLI, each burn-rate pair's windows
    then the pair, then the page and ticket composites (the order on-call reads a pair before its verdict)."""
    names: list[str] = []
    for slo in (s for s in plan.slos if s.service == service):
        labels = list(dict.fromkeys(w.pair for w in slo.windows))
        for label, pair in zip(labels, slo.pairs, strict=True):
            names += [w.alarm for w in slo.windows if w.pair == label] + [pair]
        names += [slo.page, slo.ticket]
    return {name: n for n, name in enumerate(names)}


def build(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The SLO body: per service with an SLO, one header and one row of four widgets per SLI.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> build(cfg, plan, [])["start"]
    '-P30D'
    """
    region = region_of(cfg)
    grid = Grid()
    slo_refs = [r for r in alarm_refs if r.family in SLO_FAMILIES]
    grid.header(title_block(cfg, "SLOs", "How much error budget is left, and how fast it burns.", slo_refs),
                height=3)
    views = [v for v in services_of(plan) if v.slo_source is not None and (v.availability_slo or v.latency_slo)]
    if not views:
        grid.header("No service with an SLO and an API or function is configured yet: no SLO to show.")
    for view in views:
        order = _plan_order(plan, view.name)
        refs = sorted((r for r in slo_refs if r.service == view.name), key=lambda r: order.get(r.name, len(order)))
        source = view.slo_source
        assert source is not None
        links = _console_links(cfg, view, region)
        grid.header(f"## {view.name}: SLOs over 30 days, measured at {source.resource}\n"
                    f"{runbook_links(view.runbook_base_url, (r.family for r in refs) if refs else ['SloBurnRate'])}"
                    f"{links}", height=3 if links else HEADER_HEIGHT)
        for sli, objective in (("availability", view.availability_slo), ("latency", view.latency_slo)):
            if objective:
                grid.row(_sli_row(view, sli, objective, region))
        grid.rows(alarm_status(f"{view.name}: SLO alarms", [r.arn for r in refs]), per_row=1, height=3)
    return grid.body(TIME_RANGE)
