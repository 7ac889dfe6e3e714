"""An approximation of ANOMALY_DETECTION_BAND for alarms on it (ThresholdMetricId).

CloudWatch trains a model on up to two weeks of the metric, with daily and weekly seasonality; offline there is
no such model and scenarios hold hours of history, so the band here is a local one: a straight line fitted to
the two hours of datapoints before the alarm's evaluation periods, extrapolated to now, +/- k standard
deviations of that fit's residuals (at least the Poisson noise of a count, sqrt(expected)). It catches steps
(a traffic drop to 10%) and ignores slow daily swings; treat its timings as indicative only.
"""
from __future__ import annotations

import math
import re
from typing import Sequence

__all__ = ["BAND_COMPARISONS", "parse_band", "band_breaching", "HISTORY_MINUTES", "MIN_HISTORY"]

BAND_COMPARISONS = ("LessThanLowerThreshold", "GreaterThanUpperThreshold", "LessThanLowerOrGreaterThanUpperThreshold")
HISTORY_MINUTES = 120
MIN_HISTORY = 30
_BAND = re.compile(r"^\s*ANOMALY_DETECTION_BAND\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:,\s*(\d+(?:\.\d+)?)\s*)?\)\s*$",
                   re.IGNORECASE)


def parse_band(expression: str) -> tuple[str, float] | None:
    """(metric id, width in standard deviations) of ``ANOMALY_DETECTION_BAND(id[, k])``; k defaults to 2.

    Example
    -------
    >>> parse_band("ANOMALY_DETECTION_BAND(m0, 3)")
    ('m0', 3.0)
    """
    match = _BAND.match(expression)
    return (match.group(1), float(match.group(2) or 2)) if match else None


def band_breaching(values: Sequence[float | None], width: float, comparison: str,
                   skip: int) -> list[bool | None]:
    """Per window end: is the value outside the band fitted on history ending ``skip`` minutes earlier?

    Example
    -------
    >>> flat = [100.0] * 200 + [10.0] * 5
    >>> band_breaching(flat, 3, "LessThanLowerThreshold", 15)[-1], band_breaching(flat, 3, "LessThanLowerThreshold", 15)[150]
    (True, False)
    """
    size = len(values)
    # Rolling sums over the history window [i - skip - HISTORY_MINUTES, i - skip) of x, y, x*y, y*y, n.
    sx = sy = sxy = syy = sxx = 0.0
    n = 0
    result: list[bool | None] = []
    for i in range(size):
        enter, leave = i - skip - 1, i - skip - 1 - HISTORY_MINUTES
        if 0 <= enter < size and values[enter] is not None:
            y = values[enter]
            sx += enter; sy += y; sxy += enter * y; syy += y * y; sxx += enter * enter; n += 1  # noqa: E702
        if 0 <= leave < size and values[leave] is not None:
            y = values[leave]
            sx -= leave; sy -= y; sxy -= leave * y; syy -= y * y; sxx -= leave * leave; n -= 1  # noqa: E702
        value = values[i]
        if value is None or n < MIN_HISTORY:
            result.append(None)
            continue
        denominator = n * sxx - sx * sx
        slope = (n * sxy - sx * sy) / denominator if denominator else 0.0
        intercept = (sy - slope * sx) / n
        residual = max(0.0, syy - intercept * sy - slope * sxy) / max(1, n - 2)
        expected = intercept + slope * i
        sigma = max(math.sqrt(residual), math.sqrt(max(expected, 1.0)))
        low, high = expected - width * sigma, expected + width * sigma
        if comparison == "LessThanLowerThreshold":
            result.append(value < low)
        elif comparison == "GreaterThanUpperThreshold":
            result.append(value > high)
        else:
            result.append(value < low or value > high)
    return result
