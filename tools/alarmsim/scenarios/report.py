"""The scenario table for BENCHMARKS.md (one section per environment) and its JSON twin."""
from __future__ import annotations

from typing import Sequence

from tools.alarmsim.scenarios.runner import ScenarioResult
from tools.report import Section

__all__ = ["scenario_section", "short_name"]


def short_name(alarm: str, prefix: str) -> str:
    """Drop the ``<app>-<env>-`` prefix so the table stays readable.

    Example
    -------
    >>> short_name("watchtower-prod-orders-api-ServiceDown-critical", "watchtower-prod-")
    'orders-api-ServiceDown-critical'
    """
    return alarm[len(prefix):] if prefix and alarm.startswith(prefix) else alarm


def _list(names: Sequence[str], prefix: str, limit: int = 4) -> str:
    if not names:
        return "-"
    shown = ", ".join(short_name(n, prefix) for n in names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


def scenario_section(env: str, results: Sequence[ScenarioResult], prefix: str, note: str = "") -> Section:
    """Markdown table and JSON data of one environment's scenario run.

    Example
    -------
    >>> scenario_section("prod", [], "watchtower-prod-").name
    'simulate-prod'
    """
    rows = ["| scenario | expected | verdict | first page (min after onset) | alarms fired | pages that should not have happened |",
            "|---|---|---|---|---|---|"]
    for result in results:
        scenario = result.scenario
        expected = ("page" + (f" <= {scenario.page_within} min" if scenario.page_within else "")
                    if scenario.expect_page else "no page")
        first = "-" if result.first_page_minutes is None else f"{result.first_page_minutes:g}"
        fired = f"{len(result.fired)}: {_list(result.fired, prefix)}" if result.fired else "0"
        rows.append(f"| {scenario.title} | {expected} | **{result.verdict}** ({result.reason}) | {first} | {fired} | "
                    f"{_list([p.alarm for p in result.unwanted_pages], prefix)} |")
    body = "\n".join(rows)
    if note:
        body += "\n\n" + note
    data = {result.scenario.name: result.summary() for result in results}
    return Section(name=f"simulate-{env}", title=f"Alarm simulation: {env}", markdown=body, data=data)
