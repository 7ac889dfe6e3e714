"""Draws one dashboard body as a PNG with Pillow: the widget grid with titles and types, graphs with simulated
data, annotation lines, axis labels, alarm lists, text and log-query widgets."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from dashboards.preview.simulate import alarm_state, axis_top, series

__all__ = ["render", "COLUMN_PX", "ROW_PX"]

COLUMN_PX, ROW_PX, MARGIN, HEADER_PX = 56, 34, 16, 44
_PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
_STATE_COLORS = {"OK": "#2ca02c", "ALARM": "#d62728", "INSUFFICIENT_DATA": "#999999"}
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_fonts: dict[int, Any] = {}


def _font(size: int) -> Any:
    if size not in _fonts:
        _fonts[size] = ImageFont.load_default(size=size)
    return _fonts[size]


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    if draw.textlength(text, font=_font(size)) <= width:
        return text
    while text and draw.textlength(text + "…", font=_font(size)) > width:
        text = text[:-1]
    return text + "…"


def _wrap(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=_font(size)) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _search_label(entry: dict[str, Any]) -> str:
    """A SEARCH has one line per match in the console; the preview draws one, named after what it finds."""
    found = re.search(r'MetricName="([^"]+)"', entry.get("expression", ""))
    return f"{found.group(1)} (one line per match)" if found else entry.get("expression", "?")


def _visible(properties: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, options) of each metric entry the graph shows (hidden math inputs are skipped)."""
    shown = []
    for entry in properties.get("metrics", []):
        options = entry[-1] if isinstance(entry[-1], dict) else {}
        if options.get("visible") is False:
            continue
        label = options.get("label") or (entry[1] if isinstance(entry[0], str) else _search_label(entry[0]))
        shown.append((label or options.get("id", "series"), options))
    return shown


def _lives_near_top(text: str) -> bool:
    """Availability, compliance and success percentages sit just under 100 in a healthy service."""
    return any(word in text.lower() for word in ("availability", "compliance", "success"))


def _graph(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], properties: dict[str, Any]) -> None:
    left, top, right, bottom = box
    axis = properties.get("yAxis", {}).get("left", {})
    lines = properties.get("annotations", {}).get("horizontal", [])
    thresholds = [float(a["value"]) for a in lines]
    y_top = axis_top(thresholds, axis.get("max"))
    plot = (left + 44, top + 16, right - 8, bottom - 28)
    draw.rectangle(plot, outline="#cccccc")
    draw.text((left + 2, top + 2), _fit(draw, axis.get("label", "?"), 40, 10), fill="#555555", font=_font(10))
    for fraction in (0.0, 0.5, 1.0):
        y = plot[3] - fraction * (plot[3] - plot[1])
        draw.text((left + 2, y - 6), f"{y_top * fraction:.4g}", fill="#777777", font=_font(10))

    def to_y(value: float) -> float:
        return plot[3] - min(max(value / y_top, 0.0), 1.0) * (plot[3] - plot[1])

    points = 60
    legend_x = left + 44
    for index, (label, _options) in enumerate(_visible(properties)[:8]):
        near_top = axis.get("label") == "Percent" and _lives_near_top(label)
        values = series(f"{properties.get('title')}|{label}", points, y_top, thresholds, near_top=near_top)
        color = _PALETTE[index % len(_PALETTE)]
        xs = [plot[0] + i * (plot[2] - plot[0]) / (points - 1) for i in range(points)]
        draw.line(list(zip(xs, (to_y(v) for v in values))), fill=color, width=2)
        text = _fit(draw, label, 150, 10)
        if legend_x + draw.textlength(text, font=_font(10)) < right:
            draw.rectangle((legend_x, bottom - 20, legend_x + 8, bottom - 12), fill=color)
            draw.text((legend_x + 11, bottom - 23), text, fill="#333333", font=_font(10))
            legend_x += int(draw.textlength(text, font=_font(10))) + 24
    for line in lines:
        y = to_y(float(line["value"]))
        color = line.get("color", "#d62728")
        for x in range(plot[0], plot[2], 10):
            draw.line((x, y, min(x + 5, plot[2]), y), fill=color, width=1)
        draw.text((plot[2] - 4, y - 12), _fit(draw, str(line.get("label", "")), 160, 10), fill=color,
                  font=_font(10), anchor="ra")


def _single(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], properties: dict[str, Any]) -> None:
    left, top, right, _bottom = box
    shown = _visible(properties)[:4]
    width = (right - left) // max(1, len(shown))
    for index, (label, _options) in enumerate(shown):
        value = series(f"{properties.get('title')}|{label}", 1, 100.0, [],
                       near_top=_lives_near_top(f"{properties.get('title')} {label}"))[0]
        x = left + index * width + 8
        draw.text((x, top + 6), f"{value:.2f}", fill="#1f77b4", font=_font(26))
        draw.text((x, top + 40), _fit(draw, label, width - 12, 11), fill="#555555", font=_font(11))


def _alarms(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], properties: dict[str, Any]) -> None:
    left, top, right, bottom = box
    names = [arn.rsplit(":", 1)[-1].rstrip(">") for arn in properties.get("alarms", [])]
    states = properties.get("states")
    rows = [(n, alarm_state(n)) for n in names]
    if states:
        rows = [row for row in rows if row[1] in states]
    columns = max(1, (right - left) // 300)
    per_column = max(1, (bottom - top) // 16)
    for index, (name, state) in enumerate(rows[: columns * per_column]):
        x = left + (index // per_column) * ((right - left) // columns)
        y = top + (index % per_column) * 16
        draw.ellipse((x, y + 3, x + 9, y + 12), fill=_STATE_COLORS[state])
        draw.text((x + 14, y), _fit(draw, name, (right - left) // columns - 20, 11), fill="#333333", font=_font(11))
    if not rows:
        draw.text((left, top), "no alarm in the filtered states", fill="#777777", font=_font(11))


def _text(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], markdown: str) -> None:
    left, top, right, bottom = box
    y = top
    for raw in markdown.splitlines():
        level = len(raw) - len(raw.lstrip("#"))
        size = {1: 18, 2: 15}.get(level, 12)
        plain = _LINK.sub(r"\1", raw.lstrip("# "))
        for line in _wrap(draw, plain, right - left, size):
            if y + size > bottom:
                return
            draw.text((left, y), line, fill="#1f3b57" if level else "#333333", font=_font(size))
            y += size + 4


def _log(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], properties: dict[str, Any]) -> None:
    left, top, right, bottom = box
    query = properties.get("query", "")
    y = top
    for line in _wrap(draw, query.replace(" | ", "\n| "), right - left, 11)[:6]:
        draw.text((left, y), line, fill="#555555", font=_font(11))
        y += 14
    draw.line((left, y + 2, right, y + 2), fill="#cccccc")
    for row in range(max(0, (bottom - y - 8) // 15)):
        draw.text((left, y + 6 + row * 15), f"2026-01-01 12:{59 - row:02d}:00  simulated ERROR row {row + 1}",
                  fill="#999999", font=_font(11))


def render(body: dict[str, Any], title: str, path: Path) -> Path:
    """Draw ``body`` (a CloudWatch dashboard body) to ``path`` as a PNG; returns ``path``.

    Example
    -------
    >>> render({"start": "-PT3H", "widgets": []}, "empty", Path("/tmp/empty.png"))  # doctest: +SKIP
    PosixPath('/tmp/empty.png')
    """
    widgets = body.get("widgets", [])
    rows = max((w["y"] + w["height"] for w in widgets), default=1)
    image = Image.new("RGB", (24 * COLUMN_PX + 2 * MARGIN, HEADER_PX + rows * ROW_PX + 2 * MARGIN), "#f2f3f3")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 10), f"{title}   (default range {body.get('start', '-PT3H')}, simulated data)",
              fill="#16191f", font=_font(18))
    for widget in widgets:
        left = MARGIN + widget["x"] * COLUMN_PX
        top = HEADER_PX + MARGIN + widget["y"] * ROW_PX
        box = (left + 3, top + 3, left + widget["width"] * COLUMN_PX - 3, top + widget["height"] * ROW_PX - 3)
        draw.rectangle(box, fill="#ffffff", outline="#d5dbdb")
        properties = widget.get("properties", {})
        kind = widget["type"] + (f" · {properties['view']}" if properties.get("view") else "")
        inner = (box[0] + 8, box[1] + 24, box[2] - 8, box[3] - 6)
        if widget["type"] != "text":
            draw.text((box[0] + 8, box[1] + 5), _fit(draw, properties.get("title", ""), box[2] - box[0] - 120, 13),
                      fill="#16191f", font=_font(13))
            draw.text((box[2] - 8, box[1] + 6), kind, fill="#879596", font=_font(10), anchor="ra")
        if widget["type"] == "text":
            _text(draw, (box[0] + 8, box[1] + 6, box[2] - 8, box[3] - 4), properties.get("markdown", ""))
        elif widget["type"] == "alarm":
            _alarms(draw, inner, properties)
        elif widget["type"] == "log":
            _log(draw, inner, properties)
        elif properties.get("view") == "singleValue":
            _single(draw, inner, properties)
        else:
            _graph(draw, inner, properties)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")
    return path
