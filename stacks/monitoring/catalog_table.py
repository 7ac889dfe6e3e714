"""The override families and their defaults as a Markdown table, generated from the alarm catalog for the README.

``python -m stacks.monitoring.catalog_table`` prints the table; ``--write`` replaces it in README.md between its
markers. A test keeps the README equal to the catalog, so the documented defaults are the deployed ones.
"""
from __future__ import annotations

import sys
from pathlib import Path

from plan.catalog import CATALOG, Threshold

__all__ = ["override_table", "readme_with_table", "BEGIN", "END", "README"]

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- override-families:begin (generated: python -m stacks.monitoring.catalog_table --write) -->"
END = "<!-- override-families:end -->"
_SIGN = {"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=", "LessThanThreshold": "<",
         "LessThanOrEqualToThreshold": "<=", "LessThanLowerThreshold": "below the band of",
         "GreaterThanUpperThreshold": "above the band of",
         "LessThanLowerOrGreaterThanUpperThreshold": "outside the band of"}
_KINDS = {"functions": "functions", "rest_apis": "REST APIs", "http_apis": "HTTP APIs", "tables": "tables",
          "queues": "queues", "state_machines": "state machines", "event_rules": "rules", "topics": "topics"}


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def _cell(comparison: str, unit: str, threshold: Threshold | None) -> str:
    if threshold is None:
        return ""
    unit_shown = {"%": " %", "% of timeout": " % of timeout", "count": "", "ms": " ms", "s": " s",
                  "std devs": " std devs"}.get(unit, f" {unit}")
    sign = _SIGN.get(comparison, comparison)
    text = f"{sign} {threshold.value:g}{unit_shown} for {_duration(threshold.duration_seconds)}"
    if threshold.datapoints != threshold.evaluation_periods:
        text += f" ({threshold.datapoints} of {threshold.evaluation_periods})"
    if threshold.min_requests:
        text += f", at least {threshold.min_requests} requests"
    min_bad = getattr(threshold, "min_bad", 0)  # the floor of bad events, where the catalog sets one
    if min_bad:
        text += f", at least {min_bad} bad"
    return text


def override_table() -> str:
    """Every family of the catalog: where it applies, what it measures, and its default per severity.

    Example
    -------
    >>> override_table().splitlines()[0]
    '| family | applies to | measures | critical | warning |'
    """
    severities = [s for s in ("critical", "warning", "info") if any(s in row.thresholds for row in CATALOG.values())]
    rows = ["| family | applies to | measures | " + " | ".join(severities) + " |",
            "|---|---|---|" + "---|" * len(severities)]
    for family, row in CATALOG.items():
        comparison = str(getattr(row.comparison, "value", row.comparison))
        cells = [_cell(comparison, row.unit, row.thresholds.get(s)) for s in severities]
        kinds = ", ".join(_KINDS.get(k, k) for k in row.kinds)
        rows.append(f"| `{family}` | {kinds} | {row.what} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def readme_with_table(text: str) -> str:
    """``text`` (the README) with the generated table between the markers."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + override_table() + "\n" + text[end:]


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        README.write_text(readme_with_table(README.read_text()))
        print(f"wrote the override families into {README.name}")
        return 0
    print(override_table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
