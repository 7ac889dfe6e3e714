"""Helpers every channel formatter shares: state colours, truncation, timestamps."""
from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["STATE_COLOURS", "STATE_ICONS", "truncate", "iso_utc"]

STATE_COLOURS = {"ALARM": "#D13212", "OK": "#1D8102", "INSUFFICIENT_DATA": "#8D8D8D"}
STATE_ICONS = {"ALARM": "\N{LARGE RED CIRCLE}", "OK": "\N{LARGE GREEN CIRCLE}", "INSUFFICIENT_DATA": "\N{WHITE CIRCLE}"}

_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d")


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut with an ellipsis.

    Example
    -------
    >>> truncate("abcdef", 4)
    'abc…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def iso_utc(text: str | None) -> str | None:
    """Normalise the time formats AWS sends (``...+0000``, ``...Z``, dates) to ISO-8601 UTC, or None.

    Example
    -------
    >>> iso_utc("2026-11-22T05:00:00.123+0000")
    '2026-11-22T05:00:00.123Z'
    """
    if not text:
        return None
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return None
