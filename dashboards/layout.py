"""Places widgets on CloudWatch's 24-column grid in rows that always fill the full width.

Rows are built from a fixed set of widths (full, half, third, quarter), so every dashboard lines up the same
way and a reader finds the same graph in the same column for every service.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from dashboards.widgets import text

__all__ = ["Grid", "LayoutError", "WIDTHS", "GRAPH_HEIGHT", "HEADER_HEIGHT"]

WIDTHS: dict[int, int] = {1: 24, 2: 12, 3: 8, 4: 6}  # widgets per row -> width of each
GRAPH_HEIGHT = 6
HEADER_HEIGHT = 2


class LayoutError(ValueError):
    """A row was asked for that the grid rules do not allow."""


@dataclass
class Grid:
    """Widgets in reading order; ``body`` returns the dashboard body with a default time range.

    Example
    -------
    >>> grid = Grid()
    >>> grid.header("## Orders")
    >>> grid.row([text("a"), text("b")])
    >>> [(w["x"], w["y"], w["width"]) for w in grid.body("-PT3H")["widgets"]]
    [(0, 0, 24), (0, 2, 12), (12, 2, 12)]
    """

    widgets: list[dict[str, Any]] = field(default_factory=list)
    _y: int = 0

    def header(self, markdown: str, height: int = HEADER_HEIGHT) -> None:
        """A full-width text widget: a section title, runbook links."""
        self.row([text(markdown)], height=height)

    def row(self, widgets: list[dict[str, Any]], height: int = GRAPH_HEIGHT) -> None:
        """One row of 1 to 4 widgets of equal width that together fill the 24 columns.

        Raises
        ------
        LayoutError
            When the row is empty or holds more than 4 widgets.
        """
        if len(widgets) not in WIDTHS:
            raise LayoutError(f"a row holds 1 to {max(WIDTHS)} widgets, got {len(widgets)}")
        width = WIDTHS[len(widgets)]
        for column, widget in enumerate(widgets):
            placed = copy.deepcopy(widget)
            placed.update({"x": column * width, "y": self._y, "width": width, "height": height})
            self.widgets.append(placed)
        self._y += height

    def rows(self, widgets: list[dict[str, Any]], per_row: int = 4, height: int = GRAPH_HEIGHT) -> None:
        """Flow ``widgets`` into rows of ``per_row``; a short last row is padded with empty text widgets.

        Padding keeps every row at 24 columns, so widths stay consistent down the page.
        """
        if per_row not in WIDTHS:
            raise LayoutError(f"per_row must be one of {sorted(WIDTHS)}, got {per_row}")
        for start in range(0, len(widgets), per_row):
            chunk = list(widgets[start:start + per_row])
            chunk += [text(" ")] * (per_row - len(chunk))
            self.row(chunk, height=height)

    def body(self, start: str, period_override: str = "inherit") -> dict[str, Any]:
        """The dashboard body: widgets plus the default time range ``start`` (e.g. ``-PT3H``, ``-P30D``)."""
        return {"start": start, "periodOverride": period_override, "widgets": list(self.widgets)}
