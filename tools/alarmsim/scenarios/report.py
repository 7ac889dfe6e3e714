"""The scenario report (one section per environment): a table of verdicts and counts, the noise per service,
the family coverage line, and the JSON twin with every goal."""
from __future__ import annotations

import math
from typing import Sequence

from tools.alarmsim.scenarios.verdict import Goal, ScenarioVerdict
from tools.report import Section

__all__ = ["scenario_section"]


def _n(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value == math.inf:
        return "never"
    return f"{value:g}"


def _pair(stat: dict) -> str:
    return f"{_n(stat['p50'])} / {_n(stat['p90'])}"


def scenario_section(env: str, verdicts: Sequence[ScenarioVerdict], family: Goal, note: str = "",
                     not_simulated: Sequence[str] = ()) -> Section:
    """Markdown tables and JSON data of one environment's scenario run.

    Example
    -------
    >>> scenario_section("prod", [], Goal("families", "0", "0", True)).name
    'simulate-prod'
    """
    rows = ["| scenario | verdict | pages p50 / p90 | max pages per service per incident | flaps (max) | "
            "reach people p50 / p90 | info p50 / p90 | goals (measured) |",
            "|---|---|---|---|---|---|---|---|"]
    for v in verdicts:
        if v.verdict == "n/a":
            rows.append(f"| {v.scenario.title} | n/a ({v.reason}) | | | | | | |")
            continue
        total = v.stats["total"]
        goals = "; ".join(f"{'✓' if g.ok else '✗'} {g.name}: {g.measured}" for g in v.goals if g.name.endswith("pages")
                          or "ticket" in g.name or "maintenance" in g.name or not g.ok)
        rows.append(f"| {v.scenario.title} | **{v.verdict}** | {_pair(total['pages'])} | "
                    f"{_n(total['pages_per_incident']['max'])} | {_n(total['flaps']['max'])} | "
                    f"{_pair(total['people'])} | {_pair(total['info'])} | {goals or '-'} |")
    body = "\n".join(rows)
    normal = next((v for v in verdicts if v.scenario.noise_goals and v.verdict != "n/a"), None)
    if normal is not None:
        lines = ["", f"Noise in 7 normal days, per service (p50 / p90 over {normal.seeds} seeds; goal: median <= 1 "
                     "reaching people, <= 7 info, 0 pages):", "",
                 "| service | pages | reach people | info |", "|---|---|---|---|"]
        for group, stat in sorted(normal.stats["services"].items()):
            lines.append(f"| {group} | {_pair(stat['pages'])} | {_pair(stat['people'])} | {_pair(stat['info'])} |")
        body += "\n".join(lines)
    body += f"\n\n{'✓' if family.ok else '✗'} {family.name}: {family.measured}."
    if note:
        body += "\n\n" + note
    if not_simulated:
        # One line per alarm the scenarios cannot judge (log alarms above all), so nobody reads silence as a pass.
        body += f"\n\nNot simulated ({len(not_simulated)}):\n\n" + "\n".join(f"- {line}" for line in not_simulated)
    data = {v.scenario.name: v.summary() for v in verdicts}
    data["_not_simulated"] = list(not_simulated)
    data["_families"] = {"ok": family.ok, "measured": family.measured}
    return Section(name=f"simulate-{env}", title=f"Alarm simulation: {env}", markdown=body, data=data)
