"""CloudWatch's limits on a dashboard body, CloudFormation's on the stacks that hold dashboards, and one check
that names every breach.

Sources: Dashboard Body Structure and Syntax (0..500 widgets; alarm widget 1..100 alarm ARNs; grid 24 columns),
CloudWatch service quotas (500 metrics per widget, 2,500 per dashboard), AWS::CloudWatch::Dashboard
(name 1..255 of A-Z a-z 0-9 - _), Logs StartQuery (at most 50 log groups per query), CloudFormation quotas
(a template uploaded through S3, as CDK deploys, is at most 1 MB; 500 resources per stack). CloudWatch
documents no size for a body; it travels inside a template, so a body is held to the template's size.
"""
from __future__ import annotations

import json
import re
from typing import Any

from config.errors import InputError

__all__ = [
    "DashboardLimitError", "check_body", "body_problems", "MAX_WIDGETS", "MAX_METRICS_PER_WIDGET",
    "MAX_METRICS_PER_DASHBOARD", "MAX_ALARMS_PER_WIDGET", "MAX_BODY_BYTES", "GRID_COLUMNS", "DASHBOARD_NAME",
    "MAX_LOG_GROUPS_PER_QUERY", "MAX_TEMPLATE_BYTES", "MAX_RESOURCES_PER_STACK", "DASHBOARDS_TEMPLATE_BUDGET",
    "MAX_DASHBOARDS_PER_STACK",
]

MAX_WIDGETS = 500
MAX_METRICS_PER_WIDGET = 500
MAX_METRICS_PER_DASHBOARD = 2500
MAX_ALARMS_PER_WIDGET = 100
MAX_LOG_GROUPS_PER_QUERY = 50
MAX_BODY_BYTES = 1_000_000
GRID_COLUMNS = 24
MAX_TEMPLATE_BYTES = 1_000_000  # 1 MB, counted in decimal to stay on the safe side
MAX_RESOURCES_PER_STACK = 500
# What the dashboards of one stack may take of its template: the rest holds the stack's description, CDK's
# bootstrap-version parameter and rule, and the gap between the measured and the written size.
DASHBOARDS_TEMPLATE_BUDGET = MAX_TEMPLATE_BYTES - 20_000
MAX_DASHBOARDS_PER_STACK = MAX_RESOURCES_PER_STACK - 1  # CDK may add its metadata resource
DASHBOARD_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_WIDGET_TYPES = {"metric", "text", "alarm", "log", "explorer"}


class DashboardLimitError(InputError):
    """A dashboard body breaks a CloudWatch limit; the message names each breach."""


def _metric_count(widget: dict[str, Any]) -> int:
    return len(widget.get("properties", {}).get("metrics", []))


def body_problems(body: dict[str, Any]) -> list[str]:
    """Every way ``body`` breaks CloudWatch's limits or the grid, one line each (empty when it fits).

    Example
    -------
    >>> body_problems({"widgets": []})
    []
    >>> body_problems({})
    ['body has no widgets array']
    """
    widgets = body.get("widgets")
    if not isinstance(widgets, list):
        return ["body has no widgets array"]
    problems: list[str] = []
    if len(widgets) > MAX_WIDGETS:
        problems.append(f"{len(widgets)} widgets; CloudWatch allows at most {MAX_WIDGETS}")
    size = len(json.dumps(body, separators=(",", ":")).encode())
    if size > MAX_BODY_BYTES:
        problems.append(f"body is {size} bytes; the budget is {MAX_BODY_BYTES}")
    total = 0
    for index, widget in enumerate(widgets):
        where = f"widget {index} ({widget.get('properties', {}).get('title', widget.get('type'))})"
        if widget.get("type") not in _WIDGET_TYPES:
            problems.append(f"{where}: type {widget.get('type')!r}; allowed {', '.join(sorted(_WIDGET_TYPES))}")
        x, y, w, h = (widget.get(k) for k in ("x", "y", "width", "height"))
        if not all(isinstance(v, int) for v in (x, y, w, h)):
            problems.append(f"{where}: x, y, width and height must be integers")
            continue
        if not (0 <= x and 1 <= w and x + w <= GRID_COLUMNS and y >= 0 and 1 <= h <= 1000):
            problems.append(f"{where}: does not fit the {GRID_COLUMNS}-column grid (x={x}, width={w}, height={h})")
        count = _metric_count(widget)
        total += count
        if count > MAX_METRICS_PER_WIDGET:
            problems.append(f"{where}: {count} metrics; at most {MAX_METRICS_PER_WIDGET} per widget")
        if widget.get("type") == "alarm":
            alarms = widget.get("properties", {}).get("alarms", [])
            if not 1 <= len(alarms) <= MAX_ALARMS_PER_WIDGET:
                problems.append(f"{where}: {len(alarms)} alarms; an alarm widget takes 1 to {MAX_ALARMS_PER_WIDGET}")
        if widget.get("type") == "log":
            sources = widget.get("properties", {}).get("query", "").count("SOURCE '")
            if not 1 <= sources <= MAX_LOG_GROUPS_PER_QUERY:
                problems.append(f"{where}: {sources} log groups; a query reads 1 to {MAX_LOG_GROUPS_PER_QUERY}")
    if total > MAX_METRICS_PER_DASHBOARD:
        problems.append(f"{total} metrics in all; at most {MAX_METRICS_PER_DASHBOARD} per dashboard")
    return problems


def check_body(name: str, body: dict[str, Any]) -> None:
    """Raise DashboardLimitError naming every breach of ``body`` (dashboard ``name``); return quietly if it fits.

    Example
    -------
    >>> check_body("watchtower-dev-Operations", {"widgets": []})
    """
    problems = ([] if DASHBOARD_NAME.match(name) else
                [f"name {name!r}: 1 to 255 of letters, digits, '-' and '_'"]) + body_problems(body)
    if problems:
        raise DashboardLimitError(f"dashboard {name}: " + "; ".join(problems))
