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

from tools.alarmsim.series import Bucket

__all__ = ["Statistic", "StatisticError", "parse_statistic", "window_values", "Datapoint"]

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


def window_values(buckets: dict[int, Bucket], statistic: Statistic, period_minutes: int,
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
    low = min(window_ends) - period_minutes
    high = max(window_ends)
    size = high - low
    counts = [0.0] * size
    totals = [0.0] * size
    for minute, bucket in buckets.items():
        if low <= minute < high:
            counts[minute - low] = bucket.count
            totals[minute - low] = bucket.total
    prefix_count = [0.0] * (size + 1)
    prefix_total = [0.0] * (size + 1)
    for i in range(size):
        prefix_count[i + 1] = prefix_count[i] + counts[i]
        prefix_total[i + 1] = prefix_total[i] + totals[i]

    kind = statistic.kind
    if kind in ("Minimum", "Maximum"):
        filler = math.inf if kind == "Minimum" else -math.inf
        extremes = [filler] * size
        for minute, bucket in buckets.items():
            if low <= minute < high:
                extremes[minute - low] = bucket.minimum if kind == "Minimum" else bucket.maximum
        reduce = min if kind == "Minimum" else max
    if kind == "PercentileRank":
        # Percent of samples in range over a window = in-range weight / weight: prefix sums keep day-long
        # windows (the SLO ticket alarms) as cheap as minute ones.
        prefix_inside = [0.0] * (size + 1)
        prefix_weight = [0.0] * (size + 1)
        per_minute = {m - low: _in_range(b, statistic.low, statistic.high) for m, b in buckets.items() if low <= m < high}
        for i in range(size):
            inside, weight = per_minute.get(i, (0.0, 0.0))
            prefix_inside[i + 1] = prefix_inside[i] + inside
            prefix_weight[i + 1] = prefix_weight[i] + weight

    result: list[Datapoint] = []
    for end in window_ends:
        start_index, end_index = end - period_minutes - low, end - low
        count = prefix_count[end_index] - prefix_count[start_index]
        if count <= 0:
            result.append((None, 0.0))
            continue
        if kind == "Sum":
            value = prefix_total[end_index] - prefix_total[start_index]
        elif kind == "SampleCount":
            value = count
        elif kind == "Average":
            value = (prefix_total[end_index] - prefix_total[start_index]) / count
        elif kind in ("Minimum", "Maximum"):
            value = reduce(extremes[start_index:end_index])
        elif kind == "PercentileRank":
            weight = prefix_weight[end_index] - prefix_weight[start_index]
            value = 100.0 * (prefix_inside[end_index] - prefix_inside[start_index]) / weight if weight else 0.0
        else:
            runs = [bucket.sorted_points() for minute in range(end - period_minutes, end)
                    if (bucket := buckets.get(minute)) is not None and bucket.points]
            value = _percentile(runs, statistic.percentile or 0.0)
        result.append((value, count))
    return result
