"""Draws one dashboard body as a PNG with Pillow: the widget grid, graphs of the simulated environment with their
threshold lines, alarm lists, numbers, text and log-query widgets.

Readability rules, so a reviewer can trust the picture:

- nothing is cut silently: titles and axis labels wrap (the axis label runs along the axis); a legend shows every
  series, wrapping into more lines and shrinking its font; an alarm list that does not fit ends with "+N more"
  and what those are, and the name prefix every alarm shares is written once above the list;
- the y axis shows the data: a threshold within reach of the data is a line, one far outside is an arrow at the
  top or bottom edge with its value; a graph with an objective is zoomed around it (99.9 %: about 99-100).

``render`` returns a :class:`Drawing` that records what was drawn (texts with their boxes, legend entries,
alarm rows, the y range, edge markers), so tests check the picture's content, not only that a file exists.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from dashboards.preview.simulate import HEALTHY, Model, State, series_range, window_minutes
from dashboards.preview.text import common_prefix, font, tick_text, value_text, width_of, wrap

__all__ = ["render", "Drawing", "WidgetDrawing", "TextItem", "y_axis", "COLUMN_PX", "ROW_PX", "REACH"]

COLUMN_PX, ROW_PX, MARGIN, HEADER_PX = 56, 34, 16, 44
POINTS = 72
REACH = 3.0  # a threshold up to 3x the data's top is drawn as a line; further out it is an arrow at the edge
_PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff9896",
            "#aec7e8"]
_STATE_COLORS = {"OK": "#2ca02c", "ALARM": "#d62728", "INSUFFICIENT_DATA": "#999999"}
_STATE_ORDER = {"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


@dataclass
class TextItem:
    """One piece of text as drawn: its string, its box in the image and what it is (title, legend, alarm ...)."""

    text: str
    box: tuple[float, float, float, float]
    role: str


@dataclass
class WidgetDrawing:
    """What one widget shows."""

    type: str
    title: str
    box: tuple[int, int, int, int]
    texts: list[TextItem] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    values: dict[str, list[float | None]] = field(default_factory=dict)
    legend: list[str] = field(default_factory=list)
    y_range: tuple[float, float] | None = None
    lines: list[tuple[str, float]] = field(default_factory=list)
    edge_markers: list[tuple[str, float, str]] = field(default_factory=list)
    alarms: list[tuple[str, str]] = field(default_factory=list)      # every alarm listed (after a state filter)
    alarm_rows: list[tuple[str, str]] = field(default_factory=list)  # those drawn as rows
    more: str | None = None
    note: str | None = None

    def text(self, role: str) -> list[str]:
        """The strings drawn with ``role``."""
        return [t.text for t in self.texts if t.role == role]


@dataclass
class Drawing:
    """A rendered dashboard: where the PNG went, the state it shows and every widget's content."""

    name: str
    path: Path
    state: State
    widgets: list[WidgetDrawing]


class _Canvas:
    def __init__(self, draw: ImageDraw.ImageDraw, image: Image.Image) -> None:
        self.draw = draw
        self.image = image

    def text(self, widget: WidgetDrawing | None, xy: tuple[float, float], text: str, size: int, fill: str,
             role: str, anchor: str = "la") -> TextItem:
        self.draw.text(xy, text, fill=fill, font=font(size), anchor=anchor)
        left, top, right, bottom = self.draw.textbbox(xy, text, font=font(size), anchor=anchor)
        item = TextItem(text, (left, top, right, bottom), role)
        if widget is not None:
            widget.texts.append(item)
        return item

    def vertical(self, widget: WidgetDrawing, xy: tuple[int, int], text: str, size: int, fill: str,
                 role: str) -> None:
        """Text turned 90 degrees (reading upwards), its top-left corner at ``xy``."""
        width = math.ceil(width_of(text, size)) + 2
        patch = Image.new("RGBA", (width, size + 4), (255, 255, 255, 0))
        ImageDraw.Draw(patch).text((1, 0), text, fill=fill, font=font(size))
        turned = patch.rotate(90, expand=True)
        self.image.paste(turned, xy, turned)
        widget.texts.append(TextItem(text, (xy[0], xy[1], xy[0] + turned.width, xy[1] + turned.height), role))


def y_axis(values: list[list[float | None]], thresholds: list[tuple[str, float]], axis: dict[str, Any]
           ) -> tuple[float, float, list[tuple[str, float]], list[tuple[str, float, str]], str | None]:
    """(low, high, lines drawn inside, edge markers, note) for a graph's left axis.

    The range covers the data; a threshold within ``REACH`` times the data's top joins the range and is a line;
    one further out (or below the range) becomes an edge marker ``(label, value, "top"|"bottom")``. A graph with
    an objective annotation (``objective 99.9%``) is zoomed to ten budgets below 100 (99.9: 99-100), widened to
    any data below that.

    Example
    -------
    >>> low, high, lines, edges, _ = y_axis([[100.0, 200.0]], [("warning", 250.0), ("timeout", 54000.0)], {})
    >>> (low, high > 250, [label for label, _ in lines], edges)
    (0.0, True, ['warning'], [('timeout', 54000.0, 'top')])
    >>> y_axis([[99.98, 99.99]], [("objective 99.9%", 99.9), ("down", 50.0)], {"min": 0, "max": 100})[:2]
    (99.0, 100.0)
    """
    found = series_range(values)
    data_low, data_high = found if found else (0.0, 0.0)
    fixed_min, fixed_max = axis.get("min"), axis.get("max")
    objective = next((v for label, v in thresholds if label.lower().startswith("objective")), None)
    note = None
    if objective is not None and 50 < objective < 100:
        budget = 100 - objective
        low = max(0.0, min(100 - 10 * budget, data_low))
        low = math.floor(low / budget) * budget if low > 0 else 0.0
        low = round(low, 6)
        high = float(fixed_max) if fixed_max is not None else max(100.0, data_high)
        if fixed_min is not None and low > float(fixed_min):
            note = f"zoomed to {tick_text(low)}-{tick_text(high)} around the objective (console: " \
                   f"{tick_text(float(fixed_min))}-{tick_text(high)})"
    else:
        low = float(fixed_min) if fixed_min is not None else min(0.0, data_low)
        reach = max(data_high, low) * REACH if data_high > low else low
        inside = [v for _, v in thresholds if low <= v <= reach]
        top = max([data_high] + inside)
        if fixed_max is not None and float(fixed_max) >= top:
            high = float(fixed_max)
        else:
            high = top * 1.1 if top > low else low + 1.0
    lines = [(label, v) for label, v in thresholds if low <= v <= high]
    edges = [(label, v, "top" if v > high else "bottom") for label, v in thresholds if not low <= v <= high]
    return low, high, lines, edges, note


def _title(canvas: _Canvas, widget: WidgetDrawing, box: tuple[int, int, int, int], title: str, kind: str) -> int:
    """Draw the title (wrapped, never cut) and the widget type; returns the y where the content starts."""
    left, top, right, _ = box
    tag_width = width_of(kind, 10) + 16
    size = 13
    lines = wrap(title, right - left - 16 - tag_width, size)
    if len(lines) > 2:
        size = 11
        lines = wrap(title, right - left - 16 - tag_width, size)
    y = top + 5
    for line in lines:
        canvas.text(widget, (left + 8, y), line, size, "#16191f", "title")
        y += size + 3
    canvas.text(widget, (right - 8, top + 6), kind, 10, "#879596", "kind", anchor="ra")
    return int(y + 3)


def _legend_layout(labels: list[str], width: float, size: int) -> list[list[tuple[str, float]]]:
    rows: list[list[tuple[str, float]]] = [[]]
    x = 0.0
    for label in labels:
        needed = 11 + width_of(label, size)
        if rows[-1] and x + needed > width:
            rows.append([])
            x = 0.0
        rows[-1].append((label, x))
        x += needed + 12
    return rows


def _legend(canvas: _Canvas, widget: WidgetDrawing, labels: list[str], left: int, right: int, bottom: int,
            budget: int) -> int:
    """Draw every label as a legend entry (more lines, then a smaller font when needed); returns its height."""
    if not labels:
        return 0
    width = right - left
    # a label wider than the whole legend is wrapped inside its entry
    for size in (10, 9, 8):
        rows = _legend_layout(labels, width, size)
        if len(rows) * (size + 3) <= budget and all(width_of(label, size) + 11 <= width for label in labels):
            break
    height = 0
    entries: list[tuple[str, float, int, int]] = []
    for row in rows:
        tallest = 1
        for label, x in row:
            parts = wrap(label, width - 11, size) if width_of(label, size) + 11 > width else [label]
            entries.append((label, x, height, size))
            tallest = max(tallest, len(parts))
        height += tallest * (size + 3)
    top = bottom - height
    for index, (label, x, dy, entry_size) in enumerate(entries):
        color = _PALETTE[index % len(_PALETTE)]
        y = top + dy
        canvas.draw.rectangle((left + x, y + 2, left + x + 8, y + 10), fill=color)
        parts = wrap(label, width - 11, entry_size) if width_of(label, entry_size) + 11 > width else [label]
        for line_no, part in enumerate(parts):
            canvas.text(widget, (left + x + 11, y + line_no * (entry_size + 3)), part, entry_size, "#333333",
                        "legend" if line_no == 0 else "legend-cont")
        widget.legend.append(label)
    return height


def _edge_texts(edges: list[tuple[str, float, str]], position: str) -> list[tuple[str, str]]:
    """One line per threshold family off the axis at ``position``: ``Latency warning 3k``, values joined."""
    grouped: dict[str, list[float]] = {}
    for label, value, where in edges:
        if where == position:
            grouped.setdefault(label, []).append(value)
    order = sorted(grouped, key=lambda label: min(grouped[label]))
    return [(label, label if all(_names_value(label, v) for v in grouped[label])
             else f"{label} {', '.join(tick_text(v) for v in sorted(grouped[label]))}") for label in order]


def _names_value(label: str, value: float) -> bool:
    """True when ``label`` already states ``value`` (``critical at 6x``, ``objective 99.9%``)."""
    return any(re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", label) for text in (f"{value:g}", tick_text(value)))


def _color(annotations: list[dict[str, Any]], label: str) -> str:
    return next((a.get("color") for a in annotations if a.get("label") == label), None) or "#d62728"


def _dashes(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: float, color: str) -> None:
    for x in range(x0, x1, 10):
        draw.line((x, y, min(x + 5, x1), y), fill=color, width=1)


def _graph(canvas: _Canvas, widget: WidgetDrawing, box: tuple[int, int, int, int], properties: dict[str, Any],
           model: Model, window: int) -> None:
    left, top, right, bottom = box
    draw = canvas.draw
    axis = properties.get("yAxis", {}).get("left", {})
    annotations = properties.get("annotations", {}).get("horizontal", [])
    series = model.widget_series(properties, window, POINTS)
    widget.series = [label for label, _, _ in series]
    widget.values = {label: values for label, _, values in series}
    colors: dict[str, str] = {}
    for index, (label, _, _) in enumerate(series):
        colors.setdefault(label, _PALETTE[index % len(_PALETTE)])
    legend_height = _legend(canvas, widget, widget.series, left + 18, right, bottom,
                            max(14, int((bottom - top) * 0.4)))
    thresholds: list[tuple[str, float]] = []
    for line in annotations:
        entry = (str(line.get("label", "")), float(line["value"]))
        if entry not in thresholds:
            thresholds.append(entry)
    low, high, inside, edges, note = y_axis([v for _, _, v in series], thresholds, axis)
    widget.y_range, widget.lines, widget.edge_markers, widget.note = (low, high), inside, edges, note
    if note:
        canvas.text(widget, (left, top - 2), note, 9, "#879596", "note")
        top += 10
    ticks = [low + f * (high - low) for f in (0.0, 0.5, 1.0)]
    tick_width = max(width_of(tick_text(t), 10) for t in ticks) + 6
    plot = (int(left + 18 + tick_width), top + 6, right - 4, bottom - legend_height - 6)
    top_marks = len(_edge_texts(edges, "top"))
    if top_marks and not axis.get("max"):
        # room above the data for the arrows, so they never sit on a series
        band = min(0.6, 13 * top_marks / max(1, plot[3] - plot[1]))
        # never past a threshold drawn as an arrow: the arrow says it is above the axis
        high = min(low + (high - low) / (1 - band), min(v for _, v, w in edges if w == "top") * 0.999)
        widget.y_range = (low, high)
        ticks = [low + f * (high - low) for f in (0.0, 0.5, 1.0)]
    # the unit runs along the axis, so it never needs cutting; two lines when it is longer than the axis
    unit = str(axis.get("label", ""))
    if unit:
        lines = wrap(unit, max(20, plot[3] - plot[1]), 10)
        for index, line in enumerate(lines[:2] if len(lines) <= 2 else lines):
            canvas.vertical(widget, (left + index * 12, plot[1]), line, 10, "#555555", "axis")
    draw.rectangle(plot, outline="#cccccc")
    span = high - low

    def to_y(value: float) -> float:
        return plot[3] - (min(max(value, low), high) - low) / span * (plot[3] - plot[1])

    for tick in ticks:
        canvas.text(widget, (plot[0] - 3, to_y(tick)), tick_text(tick), 10, "#777777", "tick", anchor="rm")
    xs = [plot[0] + i * (plot[2] - plot[0]) / max(1, POINTS - 1) for i in range(POINTS)]
    for label, _, values in series:
        run: list[tuple[float, float]] = []
        for x, value in zip(xs, values, strict=True):
            if value is None or not math.isfinite(value):
                if len(run) > 1:
                    draw.line(run, fill=colors[label], width=2)
                run = []
                continue
            run.append((x, to_y(value)))
        if len(run) > 1:
            draw.line(run, fill=colors[label], width=2)
    # lines closer than a label's height share one label row above the highest of them, each label in its
    # line's colour, so no label sits on another line
    clusters: list[list[tuple[str, float, float]]] = []
    for label, value in sorted(inside, key=lambda lv: -lv[1]):
        y = to_y(value)
        _dashes(draw, plot[0], plot[2], y, _color(annotations, label))
        if clusters and y - clusters[-1][-1][2] < 12:
            clusters[-1].append((label, value, y))
        else:
            clusters.append([(label, value, y)])
    for cluster in clusters:
        y = cluster[0][2]
        text_y = y - 12 if y - 12 >= plot[1] else cluster[-1][2] + 1
        x = plot[2] - 4
        for label, value, _ in cluster:
            shown = label if _names_value(label, value) else f"{label} ({tick_text(value)})"
            if x - width_of(shown, 10) < plot[0] and x < plot[2] - 4:  # no room left on this row
                x, text_y = plot[2] - 4, text_y - 11
            item = canvas.text(widget, (x, text_y), shown, 10, _color(annotations, label), "threshold",
                               anchor="ra")
            x = item.box[0] - 8
    for position in ("top", "bottom"):
        for index, (label, text) in enumerate(_edge_texts(edges, position)):
            color = _color(annotations, label)
            y = plot[1] + 2 + index * 12 if position == "top" else plot[3] - 13 - index * 12
            x = plot[2] - 4
            canvas.text(widget, (x - 10, y), text, 10, color, "edge", anchor="ra")
            tip = (x - 4, y + (1 if position == "top" else 10))
            base = y + (9 if position == "top" else 2)
            draw.polygon([tip, (x - 8, base), (x, base)], fill=color)


def _single(canvas: _Canvas, widget: WidgetDrawing, box: tuple[int, int, int, int], properties: dict[str, Any],
            model: Model, window: int) -> None:
    left, top, right, _ = box
    series = model.widget_series(properties, window, POINTS)
    widget.series = [label for label, _, _ in series]
    widget.values = {label: values for label, _, values in series}
    if not series:
        return
    per_row = max(1, min(len(series), (right - left) // 140))
    width = (right - left) // per_row
    row_height = 56
    for index, (label, _, values) in enumerate(series):
        x = left + (index % per_row) * width + 4
        y = top + (index // per_row) * row_height + 2
        size = 26 if width >= 110 else 20
        canvas.text(widget, (x, y), value_text(values[-1] if values else None), size, "#1f77b4", "value")
        for n, line in enumerate(wrap(label, width - 10, 11)):
            canvas.text(widget, (x, y + size + 6 + n * 13), line, 11, "#555555", "legend" if n == 0 else
                        "legend-cont")
        widget.legend.append(label)


def _alarms(canvas: _Canvas, widget: WidgetDrawing, box: tuple[int, int, int, int], properties: dict[str, Any],
            state: State) -> None:
    left, top, right, bottom = box
    names = [arn.rsplit(":alarm:", 1)[-1].rstrip(">") for arn in properties.get("alarms", [])]
    rows = [(name, state.alarm_state(name)) for name in names]
    wanted = properties.get("states")
    if wanted:
        rows = [row for row in rows if row[1] in wanted]
    rows.sort(key=lambda row: _STATE_ORDER.get(row[1], 3))  # stable: the body's order within a state
    widget.alarms = rows
    counts = {s: sum(1 for _, st in rows if st == s) for s in _STATE_ORDER}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    if not rows:
        filtered = "/".join(wanted) if wanted else "any state"
        canvas.text(widget, (left, top), f"no alarm in {filtered} ({len(names)} watched)", 11, "#2ca02c",
                    "summary")
        return
    prefix = common_prefix([name for name, _ in rows])
    header = f"{len(rows)} alarm{'s' if len(rows) != 1 else ''}: {summary}"
    if prefix:
        header += f"  ·  every name starts with {prefix}"
    for n, line in enumerate(wrap(header, right - left, 10)):
        canvas.text(widget, (left, top + n * 13), line, 10, "#555555", "summary")
    top += 13 * len(wrap(header, right - left, 10)) + 2
    size, line_height = 11, 16
    shorts = [name[len(prefix):] for name, _ in rows]
    column_width = max(width_of(s, size) for s in shorts) + 24
    while column_width > right - left and size > 8:
        size -= 1
        line_height -= 1
        column_width = max(width_of(s, size) for s in shorts) + 24
    columns = max(1, int((right - left) // column_width))
    column_width = (right - left) / columns
    per_column = max(1, (bottom - top) // line_height)
    capacity = columns * per_column
    shown = rows if len(rows) <= capacity else rows[:capacity - 1]
    for index, ((name, alarm_state), short) in enumerate(zip(shown, shorts, strict=False)):
        x = left + (index // per_column) * column_width
        y = top + (index % per_column) * line_height
        canvas.draw.ellipse((x, y + 3, x + 9, y + 12), fill=_STATE_COLORS[alarm_state])
        lines = wrap(short, column_width - 20, size)
        canvas.text(widget, (x + 14, y), lines[0] if len(lines) == 1 else lines[0] + "…", size, "#333333",
                    "alarm")
        widget.alarm_rows.append((name, alarm_state))
    hidden = rows[len(shown):]
    if hidden:
        by_state = {s: sum(1 for _, st in hidden if st == s) for s in _STATE_ORDER}
        detail = ", ".join(f"{n} {s}" for s, n in by_state.items() if n)
        widget.more = f"+{len(hidden)} more ({detail})"
        index = len(shown)
        x = left + (index // per_column) * column_width
        y = top + (index % per_column) * line_height
        canvas.text(widget, (x + 14, y), widget.more, size, "#16191f", "more")


def _text(canvas: _Canvas, widget: WidgetDrawing, box: tuple[int, int, int, int], markdown: str) -> None:
    left, top, right, bottom = box
    y = top
    for raw in markdown.splitlines():
        level = len(raw) - len(raw.lstrip("#"))
        size = {1: 18, 2: 15}.get(level, 12)
        plain = _LINK.sub(r"\1", raw.lstrip("# ")).replace("`", "")
        for line in wrap(plain, right - left, size):
            if y + size > bottom:
                canvas.text(widget, (right, bottom - 12), "(text continues)", 10, "#879596", "more", anchor="ra")
                return
            canvas.text(widget, (left, y), line, size, "#1f3b57" if level else "#333333", "text")
            y += size + 4


def _log(canvas: _Canvas, widget: WidgetDrawing, box: tuple[int, int, int, int], properties: dict[str, Any],
         model: Model) -> None:
    left, top, right, bottom = box
    query = properties.get("query", "")
    y = top
    lines = wrap(query.replace(" | ", "\n| "), right - left, 11)
    for line in lines[:6]:
        canvas.text(widget, (left, y), line, 11, "#555555", "query")
        y += 14
    if len(lines) > 6:
        canvas.text(widget, (left, y), f"(+{len(lines) - 6} more query lines)", 10, "#879596", "more")
        y += 14
    canvas.draw.line((left, y + 2, right, y + 2), fill="#cccccc")
    groups = re.findall(r"SOURCE '([^']+)'", query)
    failing = [g for g in groups if g.rsplit("/", 1)[-1] in model.state.affected]
    if not failing:
        canvas.text(widget, (left, y + 8), "no ERROR lines in the range (simulated, state: "
                    f"{model.state.name})", 11, "#2ca02c", "summary")
        return
    for row in range(max(0, (bottom - y - 8) // 15)):
        group = failing[row % len(failing)]
        canvas.text(widget, (left, y + 6 + row * 15), f"2026-03-04 10:{29 - row % 30:02d}:{(row * 7) % 60:02d}  "
                    f"{group.rsplit('/', 1)[-1]}  ERROR  simulated: request failed (outage)", 11, "#d62728", "row")


def render(body: dict[str, Any], title: str, path: Path, state: State = HEALTHY, own_prefix: str = "") -> Drawing:
    """Draw ``body`` (a CloudWatch dashboard body) in ``state`` to ``path`` as a PNG; returns what was drawn.

    Example
    -------
    >>> render({"start": "-PT3H", "widgets": []}, "empty", Path("/tmp/empty.png")).widgets
    []
    """
    widgets = body.get("widgets", [])
    rows = max((w["y"] + w["height"] for w in widgets), default=1)
    image = Image.new("RGB", (24 * COLUMN_PX + 2 * MARGIN, HEADER_PX + rows * ROW_PX + 2 * MARGIN), "#f2f3f3")
    canvas = _Canvas(ImageDraw.Draw(image), image)
    window = window_minutes(body.get("start"))
    model = Model(state, own_prefix)
    header = f"{title}   (default range {body.get('start', '-PT3H')}, simulated data; state: {state.description})"
    lines = wrap(header, image.width - 2 * MARGIN, 16)
    size = 16 if len(lines) == 1 else 13
    for index, line in enumerate(wrap(header, image.width - 2 * MARGIN, size)[:3]):
        canvas.text(None, (MARGIN, 8 + index * (size + 3)), line, size, "#16191f", "header")
    drawn: list[WidgetDrawing] = []
    for widget in widgets:
        left = MARGIN + widget["x"] * COLUMN_PX
        top = HEADER_PX + MARGIN + widget["y"] * ROW_PX
        box = (left + 3, top + 3, left + widget["width"] * COLUMN_PX - 3, top + widget["height"] * ROW_PX - 3)
        canvas.draw.rectangle(box, fill="#ffffff", outline="#d5dbdb")
        properties = widget.get("properties", {})
        record = WidgetDrawing(widget["type"], str(properties.get("title", "")), box)
        drawn.append(record)
        if widget["type"] == "text":
            _text(canvas, record, (box[0] + 8, box[1] + 6, box[2] - 8, box[3] - 4), properties.get("markdown", ""))
            continue
        kind = widget["type"] + (f" · {properties['view']}" if properties.get("view") else "")
        content_top = _title(canvas, record, box, record.title, kind)
        inner = (box[0] + 8, content_top, box[2] - 8, box[3] - 6)
        if widget["type"] == "alarm":
            _alarms(canvas, record, inner, properties, state)
        elif widget["type"] == "log":
            _log(canvas, record, inner, properties, model)
        elif properties.get("view") == "singleValue":
            _single(canvas, record, inner, properties, model, window)
        else:
            _graph(canvas, record, inner, properties, model, window)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")
    return Drawing(title, path, state, drawn)
