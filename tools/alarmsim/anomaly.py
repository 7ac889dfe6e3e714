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

__all__ = ["BAND_COMPARISONS", "parse_band", "band_breaching", "HISTORY_MINUTES", "MIN_HISTORY",
           "STRIDED_HISTORY"]

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
                   skip: int, period_minutes: int = 1) -> list[bool | None]:
    """Per window end: is the value outside the band fitted on history ending ``skip`` minutes earlier?

    A period longer than the history window (a daily S3 storage metric) is fitted on the previous periods'
    datapoints instead (see :func:`_strided_band`): window ends a minute apart would all read one or two
    daily samples, and a line through a step would extrapolate far above the next day's value.

    Example
    -------
    >>> flat = [100.0] * 200 + [10.0] * 5
    >>> band_breaching(flat, 3, "LessThanLowerThreshold", 15)[-1], band_breaching(flat, 3, "LessThanLowerThreshold", 15)[150]
    (True, False)
    """
    if period_minutes > HISTORY_MINUTES:
        return _strided_band(values, width, comparison, skip, period_minutes)
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
    breach = _outside(y, expected, width * sigma, comparison)
    decided = present & (n >= MIN_HISTORY)
    return [bool(b) if d else None for b, d in zip(breach.tolist(), decided.tolist())]


STRIDED_HISTORY = 3  # previous periods a long-period band is fitted on (the simulator keeps 3 days of history)


def _strided_band(values: Sequence[float | None], width: float, comparison: str, skip: int,
                  step: int) -> list[bool | None]:
    """The band of a long period: a line through the datapoints one, two and three periods before the
    evaluation periods (at the same time of day for a daily metric), decided once two of them exist.

    Example
    -------
    >>> growing = [100.0 * 1.003 ** (i // 1440) for i in range(4 * 1440)]
    >>> deleted = growing[:3 * 1440] + [40.0] * 1440
    >>> band_breaching(growing, 4, "LessThanLowerThreshold", 1440, 1440)[-1]
    False
    >>> band_breaching(deleted, 4, "LessThanLowerThreshold", 1440, 1440)[-1]
    True
    """
    size = len(values)
    y = np.array([np.nan if v is None else float(v) for v in values])
    index = np.arange(size)
    xs, ys = [], []
    for k in range(STRIDED_HISTORY):
        at = index - skip - k * step
        valid = at >= 0
        picked = np.where(valid, y[np.clip(at, 0, size - 1)], np.nan)
        xs.append(np.where(np.isnan(picked), np.nan, at.astype(float)))
        ys.append(picked)
    x_hist, y_hist = np.array(xs), np.array(ys)
    present = ~np.isnan(y_hist)
    n = present.sum(axis=0).astype(float)
    with np.errstate(all="ignore"):
        mx = np.nansum(x_hist, axis=0) / np.maximum(n, 1)
        my = np.nansum(y_hist, axis=0) / np.maximum(n, 1)
        dx, dy = np.where(present, x_hist - mx, 0.0), np.where(present, y_hist - my, 0.0)
        sxx = (dx * dx).sum(axis=0)
        slope = np.where(sxx > 0, (dx * dy).sum(axis=0) / np.where(sxx > 0, sxx, 1), 0.0)
        residual = np.where(present, dy - slope * dx, 0.0)
        spread = np.sqrt((residual ** 2).sum(axis=0) / np.maximum(1, n - 2))
        expected = my + slope * (index - mx)
        sigma = np.maximum(spread, np.sqrt(np.maximum(expected, 1.0)))
    breach = _outside(y, expected, width * sigma, comparison)
    decided = ~np.isnan(y) & (n >= 2)
    return [bool(b) if d else None for b, d in zip(breach.tolist(), decided.tolist(), strict=True)]


def _outside(y, expected, half_width, comparison: str):
    """Where ``y`` is outside the band ``expected`` +- ``half_width`` on the side ``comparison`` watches."""
    low, high = expected - half_width, expected + half_width
    if comparison == "LessThanLowerThreshold":
        return y < low
    if comparison == "GreaterThanUpperThreshold":
        return y > high
    return (y < low) | (y > high)
