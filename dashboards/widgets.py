"""Widget builders: each returns one CloudWatch dashboard widget as a dict, without its place on the grid.

The layout (dashboards.layout) sets x, y, width and height. Every graph carries a y-axis label (its unit), and
thresholds arrive as horizontal annotations, so the layout rules hold by construction.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dashboards.limits import MAX_ALARMS_PER_WIDGET, MAX_LOG_GROUPS_PER_QUERY, MAX_METRICS_PER_WIDGET

__all__ = [
    "REGION_PLACEHOLDER", "metric", "expression", "annotation", "graph", "single_value", "alarm_status", "text",
    "log_query", "WidgetError", "grouped_graphs", "placed",
]

# Stands for "the stack's region" in environment-agnostic configs; the dashboards stack replaces it with the
# region token, and the preview with a readable name.
REGION_PLACEHOLDER = "${AWS::Region}"
Widget = dict[str, Any]


class WidgetError(ValueError):
    """A widget was asked for with values CloudWatch would reject."""


def metric(namespace: str, name: str, dimensions: Mapping[str, str] | None = None, **options: Any) -> list[Any]:
    """One entry of a widget's ``metrics`` array: namespace, name, dimension pairs, then rendering options.

    Example
    -------
    >>> metric("AWS/Lambda", "Errors", {"FunctionName": "f"}, stat="Sum", label="errors")
    ['AWS/Lambda', 'Errors', 'FunctionName', 'f', {'stat': 'Sum', 'label': 'errors'}]
    """
    entry: list[Any] = [namespace, name]
    for key, value in (dimensions or {}).items():
        entry += [key, value]
    return entry + [{k: v for k, v in options.items() if v is not None}]


def expression(expr: str, label: str, expr_id: str, **options: Any) -> list[Any]:
    """A metric-math entry, e.g. availability from request and error ids.

    Example
    -------
    >>> expression("100*(1-e/r)", "availability %", "a")
    [{'expression': '100*(1-e/r)', 'label': 'availability %', 'id': 'a'}]
    """
    return [{"expression": expr, "label": label, "id": expr_id, **{k: v for k, v in options.items() if v is not None}}]


def annotation(value: float, label: str, color: str | None = None) -> dict[str, Any]:
    """A horizontal line at ``value``: an alarm threshold or an objective.

    Example
    -------
    >>> annotation(5, "warning > 5%", "#ff7f0e")
    {'value': 5, 'label': 'warning > 5%', 'color': '#ff7f0e'}
    """
    return {"value": value, "label": label, **({"color": color} if color else {})}


def graph(title: str, metrics: Sequence[list[Any]], *, unit: str, region: str, stat: str = "Sum",
          period: int = 300, annotations: Iterable[dict[str, Any]] = (), stacked: bool = False,
          view: str = "timeSeries", y_max: float | None = None) -> Widget:
    """A time-series graph whose left axis is labelled with ``unit``.

    Raises
    ------
    WidgetError
        When ``metrics`` is empty, ``unit`` is blank or ``period`` is not 1, 5, 10, 30 or a multiple of 60.

    Example
    -------
    >>> graph("Errors", [metric("AWS/Lambda", "Errors")], unit="Count", region="eu-west-1")["properties"]["yAxis"]
    {'left': {'label': 'Count', 'showUnits': False, 'min': 0}}
    """
    if not metrics:
        raise WidgetError(f"graph {title!r} has no metrics; give at least one")
    if not unit.strip():
        raise WidgetError(f"graph {title!r} needs a unit for its y axis")
    if period not in (1, 5, 10, 30) and period % 60:
        raise WidgetError(f"graph {title!r}: period {period}; allowed 1, 5, 10, 30 or a multiple of 60 seconds")
    axis: dict[str, Any] = {"label": unit, "showUnits": False, "min": 0}
    if y_max is not None:
        axis["max"] = y_max
    properties: dict[str, Any] = {
        "title": title, "view": view, "stacked": stacked, "region": region, "stat": stat, "period": period,
        "metrics": [list(m) for m in metrics], "yAxis": {"left": axis},
    }
    lines = list(annotations)
    if lines:
        properties["annotations"] = {"horizontal": lines}
    return {"type": "metric", "properties": properties}


def grouped_graphs(title: str, groups: Sequence[Sequence[list[Any]]], *, max_metrics: int = MAX_METRICS_PER_WIDGET,
                   **options: Any) -> list[Widget]:
    """Graphs of ``groups`` (each the entries of one resource), as few as CloudWatch's metrics-per-widget cap
    allows: a group is never split, so a rate's inputs stay beside its expression. Titles get ``(n/N)`` when
    there is more than one; ``options`` are ``graph``'s.

    Raises
    ------
    WidgetError
        When one group alone holds more than ``max_metrics`` entries.

    Example
    -------
    >>> groups = [[metric("AWS/SQS", "X", {"QueueName": f"q{i}"})] for i in range(5)]
    >>> [w["properties"]["title"] for w in grouped_graphs("Queues", groups, max_metrics=2, unit="Count", region="r")]
    ['Queues (1/3)', 'Queues (2/3)', 'Queues (3/3)']
    """
    chunks: list[list[list[Any]]] = []
    for group in groups:
        if len(group) > max_metrics:
            raise WidgetError(f"graph {title!r}: one resource draws {len(group)} metrics; at most {max_metrics}")
        if not chunks or len(chunks[-1]) + len(group) > max_metrics:
            chunks.append([])
        chunks[-1].extend(group)
    return [graph(title if len(chunks) == 1 else f"{title} ({n}/{len(chunks)})", chunk, **options)
            for n, chunk in enumerate(chunks, start=1)]


def placed(widget: Widget, account_id: str | None, region: str | None) -> Widget:
    """``widget`` reading every metric from ``account_id`` and ``region`` (a service in another account or
    region of the organization); unchanged when both are None. Math entries need neither: they read their ids.

    Example
    -------
    >>> w = graph("Errors", [metric("AWS/Lambda", "Errors", {"FunctionName": "f"})], unit="Count", region="r")
    >>> placed(w, "111122223333", "us-west-2")["properties"]["metrics"][0][-1]
    {'accountId': '111122223333', 'region': 'us-west-2'}
    """
    where = {k: v for k, v in (("accountId", account_id), ("region", region)) if v}
    if not where or widget.get("type") != "metric":
        return widget
    metrics = [(m[:-1] + [{**m[-1], **where}] if isinstance(m[-1], dict) else [*m, dict(where)])
               if m and isinstance(m[0], str) else m for m in widget["properties"].get("metrics", [])]
    properties = {**widget["properties"], "metrics": metrics}
    if region:
        properties["region"] = region
    return {**widget, "properties": properties}


def single_value(title: str, metrics: Sequence[list[Any]], *, unit: str, region: str, stat: str = "Sum",
                 period: int = 300, whole_range: bool = True) -> Widget:
    """A number widget; with ``whole_range`` it shows one value over the dashboard's whole time range.

    ``unit`` goes into the title, because number widgets have no axis.

    Example
    -------
    >>> single_value("Requests", [metric("AWS/ApiGateway", "Count")], unit="Count", region="r")["properties"]["title"]
    'Requests (Count)'
    """
    if not metrics:
        raise WidgetError(f"number widget {title!r} has no metrics; give at least one")
    return {"type": "metric", "properties": {
        "title": f"{title} ({unit})", "view": "singleValue", "region": region, "stat": stat, "period": period,
        "setPeriodToTimeRange": whole_range, "metrics": [list(m) for m in metrics],
    }}


def alarm_status(title: str, arns: Sequence[str]) -> list[Widget]:
    """Alarm-status widgets for ``arns``, split into groups of 100 (CloudWatch's limit per widget).

    Alarms in ALARM sort first. An empty ``arns`` gives no widget.

    Example
    -------
    >>> [len(w["properties"]["alarms"]) for w in alarm_status("All", [f"arn:{i}" for i in range(150)])]
    [100, 50]
    """
    groups = [list(arns[i:i + MAX_ALARMS_PER_WIDGET]) for i in range(0, len(arns), MAX_ALARMS_PER_WIDGET)]
    return [
        {"type": "alarm", "properties": {
            "title": title if len(groups) == 1 else f"{title} ({n + 1}/{len(groups)})",
            "alarms": group, "sortBy": "stateUpdatedTimestamp",
        }}
        for n, group in enumerate(groups)
    ]


def text(markdown: str) -> Widget:
    """A markdown text widget (headings, runbook links).

    Example
    -------
    >>> text("## Orders")["properties"]
    {'markdown': '## Orders'}
    """
    return {"type": "text", "properties": {"markdown": markdown}}


def log_query(title: str, log_groups: Sequence[str], query: str, *, region: str, view: str = "table") -> Widget:
    """A Logs Insights widget over ``log_groups`` (each becomes a ``SOURCE`` clause).

    Raises
    ------
    WidgetError
        When no log group, or more than a query reads (50), is given.

    Example
    -------
    >>> log_query("Errors", ["/aws/lambda/f"], "fields @message", region="r")["properties"]["query"]
    "SOURCE '/aws/lambda/f' | fields @message"
    """
    if not 1 <= len(log_groups) <= MAX_LOG_GROUPS_PER_QUERY:
        raise WidgetError(f"log widget {title!r} reads {len(log_groups)} log groups; a query reads 1 to "
                          f"{MAX_LOG_GROUPS_PER_QUERY}")
    sources = " | ".join(f"SOURCE '{group}'" for group in log_groups)
    return {"type": "log", "properties": {
        "title": title, "query": f"{sources} | {query}", "region": region, "view": view,
    }}
