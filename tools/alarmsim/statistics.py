"""Statistics over a period: Sum, Average, Minimum, Maximum, SampleCount and pNN percentiles.

Periods slide with the evaluation clock: the datapoint that ends at minute ``e`` aggregates the buckets of
minutes ``[e - period, e)``. A period with no sample is a missing datapoint (None), as in CloudWatch.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from typing import Sequence

import numpy as np

from tools.alarmsim.series import Bucket, Dense

__all__ = ["Statistic", "StatisticError", "parse_statistic", "window_values", "window_arrays", "Datapoint"]

_SIMPLE = {"sum": "Sum", "average": "Average", "avg": "Average", "minimum": "Minimum", "min": "Minimum",
           "maximum": "Maximum", "max": "Maximum", "samplecount": "SampleCount"}
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?|100)$", re.IGNORECASE)
_NUMBER = r"(-?\d+(?:\.\d+)?)?"
_RANK = re.compile(r"^PR\(" + _NUMBER + r":" + _NUMBER + r"\)$", re.IGNORECASE)

#: (value or None when the period has no sample, number of samples in the period)
Datapoint = tuple[float | None, float]


class StatisticError(ValueError):
    """A statistic the simulator does not know; the message lists the allowed ones."""


@dataclass(frozen=True)
class Statistic:
    """A parsed statistic: ``kind`` is Sum/Average/Minimum/Maximum/SampleCount/Percentile.

    Example
    -------
    >>> parse_statistic("p99").percentile
    99.0
    """

    kind: str
    percentile: float | None = None
    low: float | None = None    # PercentileRank bounds (None: unbounded)
    high: float | None = None

    def low_sample_limit(self) -> float | None:
        """Samples below which a percentile is 'low sample' (user guide: 10/(1-p) for p >= 0.5, else 10/p).

        Example
        -------
        >>> round(parse_statistic("p99").low_sample_limit())
        1000
        """
        if self.percentile is None:
            return None
        fraction = self.percentile / 100.0
        if fraction >= 1.0 or fraction <= 0.0:
            return None
        return 10.0 / (1.0 - fraction) if fraction >= 0.5 else 10.0 / fraction


def parse_statistic(text: str) -> Statistic:
    """Parse a CloudWatch statistic name.

    Raises
    ------
    StatisticError
        For anything but Sum, Average, Minimum, Maximum, SampleCount or pNN(.NN).

    Example
    -------
    >>> parse_statistic("Average").kind, parse_statistic("p99.9").percentile, parse_statistic("PR(:800)").high
    ('Average', 99.9, 800.0)
    """
    cleaned = text.strip()
    if cleaned.lower() in _SIMPLE:
        return Statistic(_SIMPLE[cleaned.lower()])
    match = _PERCENTILE.match(cleaned)
    if match:
        return Statistic("Percentile", float(match.group(1)))
    match = _RANK.match(cleaned)
    if match and (match.group(1) or match.group(2)):
        low, high = (float(g) if g else None for g in match.groups())
        return Statistic("PercentileRank", None, low, high)
    raise StatisticError(
        f"statistic {text!r} is not supported (allowed: Sum, Average, Minimum, Maximum, SampleCount, pNN, PR(n:m))")


_WEIGHT = itemgetter(1)


def _percentile(sorted_runs: list[list[tuple[float, float]]], percentile: float) -> float:
    """Weighted nearest-rank percentile over sorted runs of (value, weight): the smallest value whose
    cumulative weight reaches p% of the total."""
    # Timsort merges the already-sorted runs in C: much faster than heapq.merge here.
    points = sorted_runs[0] if len(sorted_runs) == 1 else sorted([p for run in sorted_runs for p in run])
    cumulative = list(accumulate(map(_WEIGHT, points)))
    target = cumulative[-1] * percentile / 100.0 - 1e-9
    return points[min(bisect_left(cumulative, target), len(points) - 1)][0]


def _in_range(bucket: Bucket, low: float | None, high: float | None) -> tuple[float, float]:
    """(weight with low < value <= high, total weight) of one bucket: PR(low:high).

    The user guide ('Statistics definitions'): "The percentile rank is exclusive on the lower bound and
    inclusive on the upper bound."
    """
    inside = total = 0.0
    for value, weight in bucket.points:
        total += weight
        if (low is None or value > low) and (high is None or value <= high):
            inside += weight
    return inside, total


def _as_dense(buckets: dict[int, Bucket], low: int, high: int) -> Dense:
    size = max(0, high - low)
    count, total = np.zeros(size), np.zeros(size)
    minimum, maximum = np.full(size, math.inf), np.full(size, -math.inf)
    for minute, bucket in buckets.items():
        if low <= minute < high:
            i = minute - low
            count[i], total[i], minimum[i], maximum[i] = bucket.count, bucket.total, bucket.minimum, bucket.maximum
    return Dense(low, count, total, minimum, maximum)


def _slice(dense: Dense, low: int, high: int) -> Dense:
    """``dense`` cut (or padded with unpublished minutes) to ``[low, high)``."""
    size = max(0, high - low)
    out = Dense(low, np.zeros(size), np.zeros(size), np.full(size, math.inf), np.full(size, -math.inf))
    a, b = max(low, dense.first), min(high, dense.first + len(dense))
    if a < b:
        src, dst = slice(a - dense.first, b - dense.first), slice(a - low, b - low)
        out.count[dst], out.total[dst] = dense.count[src], dense.total[src]
        out.minimum[dst], out.maximum[dst] = dense.minimum[src], dense.maximum[src]
        if dense.values is not None:
            k = dense.values.shape[1]
            out.values, out.weights = np.full((size, k), math.inf), np.zeros((size, k))
            out.values[dst], out.weights[dst] = dense.values[src], dense.weights[src]
    return out


def _window_sums(series, period_minutes: int, n_ends: int):
    cumulative = np.concatenate(([0.0], np.cumsum(series)))
    ends = np.arange(n_ends) + period_minutes
    # Round away the cumulative sums' float noise: a window of zero errors must sum to exactly 0.
    return np.round(cumulative[ends] - cumulative[ends - period_minutes], 9)


def _window_extreme(series, period_minutes: int, n_ends: int, kind: str):
    if period_minutes * n_ends <= 20_000_000:
        view = np.lib.stride_tricks.sliding_window_view(series, period_minutes)[:n_ends]
        return view.min(axis=1) if kind == "Minimum" else view.max(axis=1)
    reduce = min if kind == "Minimum" else max
    return np.array([reduce(series[i:i + period_minutes]) for i in range(n_ends)])


def _percentile_rows(values, weights, percentile: float):
    """Weighted nearest-rank percentile of each row (the smallest value whose cumulative weight reaches p%)."""
    order = np.argsort(values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    cumulative = np.cumsum(np.take_along_axis(weights, order, axis=1), axis=1)
    target = cumulative[:, -1] * percentile / 100.0 - 1e-9
    index = np.minimum((cumulative < target[:, None]).sum(axis=1), values.shape[1] - 1)
    return ordered[np.arange(len(values)), index]


def _dense_percentiles(dense: Dense, period_minutes: int, n_ends: int, percentile: float):
    """Percentiles of every window of a metric with per-minute distributions.

    A window whose published minutes all hold the same distribution (the same points, weights in the same
    proportions: steady traffic) has that distribution's percentile, computed once per minute; only the other
    windows (where the distribution changes) merge their minutes' points.
    """
    v, w = dense.values, dense.weights
    size, k = v.shape
    totals = w.sum(axis=1)
    published = totals > 0
    per_row = _percentile_rows(v, w, percentile)
    rows = np.flatnonzero(published)
    group = np.full(size, -1, dtype=np.int64)
    if len(rows):
        shares = w[rows] / totals[rows][:, None]
        changed = np.ones(len(rows), dtype=bool)
        changed[1:] = ~((v[rows[1:]] == v[rows[:-1]]).all(axis=1)
                        & (np.abs(shares[1:] - shares[:-1]) <= 1e-12).all(axis=1))
        group[rows] = np.cumsum(changed) - 1
    big = np.iinfo(np.int64).max
    lowest = np.lib.stride_tricks.sliding_window_view(np.where(published, group, big), period_minutes)[:n_ends].min(axis=1)
    highest = np.lib.stride_tricks.sliding_window_view(group, period_minutes)[:n_ends].max(axis=1)
    values = np.full(n_ends, math.nan)
    if len(rows):
        group_value = np.zeros(int(group.max()) + 1)
        group_value[group[rows]] = per_row[rows]
        steady = (highest >= 0) & (lowest == highest)
        values[steady] = group_value[highest[steady]]
        mixed = np.flatnonzero((highest >= 0) & ~steady)
        if len(mixed):
            rows_v = np.lib.stride_tricks.sliding_window_view(v, (period_minutes, k))[:n_ends, 0][mixed]
            rows_w = np.lib.stride_tricks.sliding_window_view(w, (period_minutes, k))[:n_ends, 0][mixed]
            values[mixed] = _percentile_rows(rows_v.reshape(len(mixed), -1), rows_w.reshape(len(mixed), -1),
                                             percentile)
    return values


def window_arrays(source: dict[int, Bucket] | Dense, statistic: Statistic, period_minutes: int,
                  first_end: int, last_end: int):
    """Datapoints of the periods ending (exclusive) at every minute of ``[first_end, last_end]``, as numpy
    arrays: (values, NaN where the period has no sample; sample counts).

    Example
    -------
    >>> b = Bucket(); b.add(3.0)
    >>> values, counts = window_arrays({10: b}, parse_statistic("Sum"), 5, 10, 16)
    >>> values.tolist()[:2], counts.tolist()[1]
    ([nan, 3.0], 1.0)
    """
    n_ends = last_end - first_end + 1
    if n_ends <= 0:
        return np.zeros(0), np.zeros(0)
    low, high = first_end - period_minutes, last_end
    kind = statistic.kind
    ragged = not isinstance(source, Dense)
    dense = _slice(source, low, high) if not ragged else _as_dense(source, low, high)
    counts = _window_sums(dense.count, period_minutes, n_ends)
    if kind == "Sum":
        values = _window_sums(dense.total, period_minutes, n_ends)
    elif kind == "SampleCount":
        values = counts.copy()
    elif kind == "Average":
        with np.errstate(invalid="ignore", divide="ignore"):
            values = _window_sums(dense.total, period_minutes, n_ends) / counts
    elif kind in ("Minimum", "Maximum"):
        values = _window_extreme(dense.minimum if kind == "Minimum" else dense.maximum, period_minutes, n_ends, kind)
    elif kind == "PercentileRank":
        inside, weight = _rank_weights(source, dense, low, high, statistic)
        inside_sum, weight_sum = (_window_sums(x, period_minutes, n_ends) for x in (inside, weight))
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(weight_sum > 0, 100.0 * inside_sum / np.where(weight_sum > 0, weight_sum, 1), 0.0)
    elif not ragged and dense.values is not None and period_minutes * n_ends <= 20_000_000:
        values = _dense_percentiles(dense, period_minutes, n_ends, statistic.percentile or 0.0)
    else:
        buckets = source if ragged else _buckets_of(dense)
        values = np.array([_window_percentile(buckets, end, period_minutes, statistic.percentile or 0.0)
                           for end in range(first_end, last_end + 1)])
    values = np.where(counts > 0, values, math.nan)
    return values, counts


def _buckets_of(dense: Dense) -> dict[int, Bucket]:
    found = {}
    for i in range(len(dense)):
        bucket = dense.bucket(dense.first + i)
        if bucket is not None:
            found[dense.first + i] = bucket
    return found


def _window_percentile(buckets: dict[int, Bucket], end: int, period_minutes: int, percentile: float) -> float:
    runs = [bucket.sorted_points() for minute in range(end - period_minutes, end)
            if (bucket := buckets.get(minute)) is not None and bucket.points]
    return _percentile(runs, percentile) if runs else math.nan


def _rank_weights(source, dense: Dense, low: int, high: int, statistic: Statistic):
    """Per minute: (weight of points with low < value <= high, total weight)."""
    size = len(dense)
    if isinstance(source, Dense) and dense.values is not None:
        v, w = dense.values, dense.weights
        mask = np.ones(v.shape, dtype=bool)
        if statistic.low is not None:
            mask &= v > statistic.low
        if statistic.high is not None:
            mask &= v <= statistic.high
        return (w * mask).sum(axis=1), w.sum(axis=1)
    inside, weight = np.zeros(size), np.zeros(size)
    buckets = source if not isinstance(source, Dense) else _buckets_of(dense)
    for minute, bucket in buckets.items():
        if low <= minute < high:
            inside[minute - low], weight[minute - low] = _in_range(bucket, statistic.low, statistic.high)
    return inside, weight


def window_values(buckets: dict[int, Bucket] | Dense, statistic: Statistic, period_minutes: int,
                  window_ends: Sequence[int]) -> list[Datapoint]:
    """Aggregate ``buckets`` over the period that ends (exclusive) at each minute of ``window_ends``.

    Example
    -------
    >>> b = Bucket(); b.add(3.0)
    >>> window_values({10: b}, parse_statistic("Sum"), 5, [10, 11, 15, 16])
    [(None, 0.0), (3.0, 1.0), (3.0, 1.0), (None, 0.0)]
    """
    if not window_ends:
        return []
    first, last = min(window_ends), max(window_ends)
    values, counts = window_arrays(buckets, statistic, period_minutes, first, last)
    return [(None if math.isnan(values[e - first]) else float(values[e - first]), float(counts[e - first]))
            for e in window_ends]
