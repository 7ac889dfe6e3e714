"""Simulated data for previews: deterministic per series label, shaped by the graph's annotations.

A preview is about layout and readability, not real numbers: series stay below the lowest threshold with one
excursion towards it, so a reviewer sees how a breach would look against the annotation lines.
"""
from __future__ import annotations

import hashlib
import random

__all__ = ["rng_for", "series", "axis_top", "alarm_state"]


def rng_for(*keys: str) -> random.Random:
    """A random generator seeded from ``keys``, so the same dashboard always draws the same picture.

    Example
    -------
    >>> rng_for("a").random() == rng_for("a").random()
    True
    """
    digest = hashlib.sha256("|".join(keys).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def axis_top(thresholds: list[float], y_max: float | None) -> float:
    """The top of the y axis: the fixed maximum, else above the highest threshold, else 100.

    Example
    -------
    >>> axis_top([5.0, 10.0], None)
    12.5
    """
    if y_max is not None:
        return float(y_max)
    positive = [t for t in thresholds if t > 0]
    return max(positive) * 1.25 if positive else 100.0


def series(label: str, points: int, top: float, thresholds: list[float], near_top: bool = False) -> list[float]:
    """``points`` values in [0, top]: a noisy level under the lowest threshold with one excursion towards it.

    ``near_top`` draws a series that lives just under the top (availability, success percent).

    Example
    -------
    >>> values = series("orders errors", 60, 12.5, [5.0])
    >>> len(values), all(0 <= v <= 12.5 for v in values)
    (60, True)
    """
    rng = rng_for(label)
    if near_top:
        return [max(0.0, top - abs(rng.gauss(0, top * 0.004))) for _ in range(points)]
    ceiling = min([t for t in thresholds if t > 0], default=top * 0.8)
    level = ceiling * rng.uniform(0.25, 0.55)
    spike_at = rng.randrange(points) if points else 0
    values = []
    for i in range(points):
        level = min(max(level + rng.gauss(0, ceiling * 0.05), 0.0), ceiling * 0.8)
        bump = ceiling * 0.35 * max(0.0, 1 - abs(i - spike_at) / 4)
        values.append(min(top, level + bump))
    return values


def alarm_state(name: str) -> str:
    """A plausible state for an alarm in the preview: mostly OK, a few in ALARM or without data.

    Example
    -------
    >>> alarm_state("x") in {"OK", "ALARM", "INSUFFICIENT_DATA"}
    True
    """
    roll = rng_for("state", name).random()
    return "ALARM" if roll < 0.1 else "INSUFFICIENT_DATA" if roll < 0.2 else "OK"
