"""Text that fits: wrapping by words (and inside a long word), common name prefixes, readable tick numbers."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

from PIL import ImageFont

__all__ = ["font", "width_of", "wrap", "common_prefix", "tick_text", "value_text"]


@lru_cache(maxsize=None)
def font(size: int) -> Any:
    """Pillow's bundled scalable font at ``size`` pixels (no system font needed).

    Example
    -------
    >>> width_of("abc", 12) > 0
    True
    """
    return ImageFont.load_default(size=size)


def width_of(text: str, size: int) -> float:
    """Width in pixels of ``text`` drawn at ``size``."""
    return font(size).getlength(text)


def _split_long(word: str, width: float, size: int) -> list[str]:
    """A word wider than ``width`` broken after separators (``-``, ``/``, ``_``, ``.``) or, failing that, anywhere."""
    pieces = re.findall(r"[^-/_.:]*[-/_.:]?", word)
    pieces = [p for p in pieces if p]
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if width_of(line + piece, size) <= width or not line:
            line += piece
        else:
            lines.append(line)
            line = piece
        while width_of(line, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and width_of(line[:cut], size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def wrap(text: str, width: float, size: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels; every character is kept.

    Example
    -------
    >>> lines = wrap("orders availability: compliance, 30 days (objective 99.9%)", 120, 12)
    >>> " ".join(lines) == "orders availability: compliance, 30 days (objective 99.9%)"
    True
    >>> all(width_of(line, 12) <= 120 for line in lines)
    True
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if width_of(candidate, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            if width_of(word, size) <= width:
                line = word
            else:
                *whole, line = _split_long(word, width, size)
                lines.extend(whole)
        lines.append(line)
    return lines


def common_prefix(names: Sequence[str], separator: str = "-") -> str:
    """The longest prefix every name shares, ending at ``separator`` and leaving every name something to show.

    Example
    -------
    >>> common_prefix(["watchtower-prod-orders-api-Latency", "watchtower-prod-orders-service-Critical"])
    'watchtower-prod-orders-'
    >>> common_prefix(["only-one"])
    ''
    """
    if len(names) < 2:
        return ""
    first, last = min(names), max(names)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    prefix = first[:size]
    cut = prefix.rfind(separator)
    prefix = prefix[:cut + 1] if cut >= 0 else ""
    return prefix if all(len(n) > len(prefix) for n in names) else ""


def tick_text(value: float) -> str:
    """An axis number people read at a glance: ``54k``, ``1.25k``, ``99.5``, ``0.002``.

    Example
    -------
    >>> [tick_text(v) for v in (0, 54000, 1250, 99.5, 0.0025, 2.5e6)]
    ['0', '54k', '1.25k', '99.5', '0.0025', '2.5M']
    """
    magnitude = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:.3g}{suffix}"
    if magnitude == 0:
        return "0"
    return f"{value:.3g}" if magnitude >= 0.001 else f"{value:.1e}"


def value_text(value: float | None) -> str:
    """A single-value number: two decimals, more when it is a near-100 percentage whose digits matter.

    Example
    -------
    >>> value_text(99.987), value_text(48.2), value_text(None), value_text(12345.6)
    ('99.987', '48.20', '–', '12.3k')
    """
    if value is None:
        return "–"
    if 99 < value < 100:
        return f"{value:.3f}"
    if abs(value) >= 10000:
        return tick_text(value)
    return f"{value:.2f}"
