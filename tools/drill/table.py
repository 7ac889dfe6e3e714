"""The drill's table: one row per alarm, the outcomes per channel and the verdict."""
from __future__ import annotations

from typing import Sequence

from tools.drill.drill import DrillResult

__all__ = ["format_table", "exit_code"]


def format_table(results: Sequence[DrillResult]) -> str:
    """A plain-text table, widest alarm name first column.

    Example
    -------
    >>> result = DrillResult("a", outcomes={"slack": "delivered"}, delivered_after_s=3.0)
    >>> print(format_table([result]))  # doctest: +NORMALIZE_WHITESPACE
    alarm | delivered after | channels | verdict
    ------+-----------------+-----------------+----------
    a     | 3s              | slack=delivered | delivered
    """
    rows = [("alarm", "delivered after", "channels", "verdict")]
    for result in results:
        after = "-" if result.delivered_after_s is None else f"{result.delivered_after_s:.0f}s"
        channels = ", ".join(f"{c}={o}" for c, o in sorted(result.outcomes.items())) or "-"
        rows.append((result.alarm, after, channels, result.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def exit_code(results: Sequence[DrillResult]) -> int:
    """0 when every drilled alarm was delivered, else 1 (skipped alarms do not count).

    Example
    -------
    >>> exit_code([DrillResult("a", skipped="no ALARM action")])
    0
    """
    return 0 if all(r.skipped or r.delivered for r in results) else 1
