"""An approximation of ANOMALY_DETECTION_BAND for alarms on it (ThresholdMetricId).

CloudWatch trains a model on up to two weeks of the metric, with daily and weekly seasonality; offline there is
no such model and scenarios hold hours of history, so the band here is a local one: a straight line fitted to
the two hours of datapoints before the alarm's evaluation periods, extrapolated to now, +/- k standard
deviations of that fit's residuals (at least the Poisson noise of a count, sqrt(expected)). It catches steps
(a traffic drop to 10%) and ignores slow daily swings; treat its timings as indicative only.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

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
    y = np.array([np.nan if v is None else float(v) for v in values])
    present = ~np.isnan(y)
    x = np.arange(size, dtype=float)
    # Rolling sums over the history window [i - skip - HISTORY_MINUTES, i - skip) of x, y, x*y, y*y, x*x, n,
    # from prefix sums (a week of minutes in a few array operations).
    terms = [np.where(present, t, 0.0) for t in (x, np.nan_to_num(y), x * np.nan_to_num(y),
                                                  np.nan_to_num(y) ** 2, x * x)] + [present.astype(float)]
    prefix = [np.concatenate(([0.0], np.cumsum(t))) for t in terms]
    hi = np.clip(np.arange(size) - skip, 0, size)
    lo = np.clip(np.arange(size) - skip - HISTORY_MINUTES, 0, size)
    sx, sy, sxy, syy, sxx, n = (p[hi] - p[lo] for p in prefix)
    with np.errstate(all="ignore"):
        denominator = n * sxx - sx * sx
        slope = np.where(denominator != 0, (n * sxy - sx * sy) / np.where(denominator != 0, denominator, 1), 0.0)
        intercept = (sy - slope * sx) / np.maximum(n, 1)
        residual = np.maximum(0.0, syy - intercept * sy - slope * sxy) / np.maximum(1, n - 2)
        expected = intercept + slope * x
        sigma = np.maximum(np.sqrt(residual), np.sqrt(np.maximum(expected, 1.0)))
    low, high = expected - width * sigma, expected + width * sigma
    if comparison == "LessThanLowerThreshold":
        breach = y < low
    elif comparison == "GreaterThanUpperThreshold":
        breach = y > high
    else:
        breach = (y < low) | (y > high)
    decided = present & (n >= MIN_HISTORY)
    return [bool(b) if d else None for b, d in zip(breach.tolist(), decided.tolist())]
