"""SLO: per service, error budget remaining over 30 days, burn rate per window, and compliance.

Windows and factors follow DESIGN.md (Google SRE workbook): page at 14.4x (1 h, 5 min) and 6x (6 h, 30 min),
ticket at 3x (1 d, 2 h) and 1x (3 d, 6 h). Each graph line uses its window as its period, so a line crossing its
annotation is what the matching burn-rate alarm sees.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.common import SEVERITY_COLORS, region_of, runbook_links, service_signals, title_block
from dashboards.inventory import ServiceView, services_of
from dashboards.layout import Grid
from dashboards.model import AlarmRef, AppResources
from dashboards.widgets import alarm_status, annotation, expression, graph, single_value

__all__ = ["build", "TIME_RANGE", "PAGE_WINDOWS", "TICKET_WINDOWS", "SLO_FAMILIES"]

TIME_RANGE = "-P30D"  # the SLO period
PAGE_WINDOWS = ((300, 14.4), (3600, 14.4), (1800, 6.0), (21600, 6.0))  # (window seconds, factor)
TICKET_WINDOWS = ((7200, 3.0), (86400, 3.0), (21600, 1.0), (259200, 1.0))
SLO_FAMILIES = ("SLO", "SloBurnRate", "BurnRate", "ErrorBudget")
_WINDOW_NAMES = {300: "5m", 1800: "30m", 3600: "1h", 7200: "2h", 21600: "6h", 86400: "1d", 259200: "3d"}


def _burn_rate_lines(view: ServiceView, windows: Sequence[tuple[int, float]], prefix: str) -> list[list[Any]]:
    signals = service_signals(view)
    assert signals is not None  # callers skip services without signals
    budget = (100 - view.objective) / 100
    lines: list[list[Any]] = []
    seen: set[int] = set()
    for window, _factor in windows:
        if window in seen:
            continue
        seen.add(window)
        tag = f"{prefix}{_WINDOW_NAMES[window]}"
        for kind, series in (("r", signals.requests), ("e", signals.errors)):
            for i, m in enumerate(series):
                lines.append(m[:-1] + [{"stat": "Sum", "period": window, "id": f"{kind}{i}{tag}", "visible": False}])
        r = ",".join(f"r{i}{tag}" for i in range(len(signals.requests)))
        e = ",".join(f"e{i}{tag}" for i in range(len(signals.errors)))
        lines.append(expression(f"(SUM([{e}])/SUM([{r}]))/{budget:g}", f"burn rate {_WINDOW_NAMES[window]}",
                                f"burn{tag}", period=window))
    return lines


def _factor_lines(windows: Sequence[tuple[int, float]], severity: str) -> list[dict[str, Any]]:
    factors = sorted({factor for _, factor in windows}, reverse=True)
    return [annotation(f, f"{severity} at {f:g}x", SEVERITY_COLORS[severity]) for f in factors]


def build(cfg: EnvironmentConfig, alarm_refs: Sequence[AlarmRef],
          resources: AppResources = AppResources()) -> dict[str, Any]:
    """The SLO body: one header and one row of four widgets per service with requests to measure.

    Example
    -------
    >>> build(cfg, [])["start"]  # doctest: +SKIP
    '-P30D'
    """
    region = region_of(cfg)
    grid = Grid()
    slo_refs = [r for r in alarm_refs if r.family in SLO_FAMILIES]
    grid.header(title_block(cfg, "SLOs", "How much error budget is left, and how fast it burns.", slo_refs),
                height=3)
    views = [v for v in services_of(cfg) if service_signals(v) is not None]
    if not views:
        grid.header("No service with an API or function is configured yet: no SLO to show.")
    for view in views:
        signals = service_signals(view)
        assert signals is not None
        refs = [r for r in slo_refs if r.service == view.name]
        budget = (100 - view.objective) / 100
        grid.header(f"## {view.name}: availability objective {view.objective}% over 30 days\n"
                    f"{runbook_links(cfg, (r.family for r in refs) if refs else ['SloBurnRate'])}")
        requests, errors = signals.sums()
        remaining = expression(f"100*(1-({errors}/{requests})/{budget:g})", "budget remaining %", "budget")
        grid.row([
            single_value(f"{view.name}: error budget remaining, 30 days", signals.hidden() + [remaining],
                         unit="Percent", region=region),
            single_value(f"{view.name}: compliance, 30 days", signals.hidden() + [signals.availability()],
                         unit="Percent", region=region),
            graph(f"{view.name}: burn rate, page windows", _burn_rate_lines(view, PAGE_WINDOWS, "p"),
                  unit="Burn rate (x budget)", region=region, annotations=_factor_lines(PAGE_WINDOWS, "critical")),
            graph(f"{view.name}: burn rate, ticket windows", _burn_rate_lines(view, TICKET_WINDOWS, "t"),
                  unit="Burn rate (x budget)", region=region, annotations=_factor_lines(TICKET_WINDOWS, "warning")),
        ])
        grid.rows(alarm_status(f"{view.name}: SLO alarms", [r.arn for r in refs]), per_row=1, height=3)
    return grid.body(TIME_RANGE)
