"""Per-alarm datapoints on the evaluation clock: value, sample count and breaching flag per window end.

The datapoint of an alarm at window end ``e`` (an epoch minute) aggregates ``[e - period, e)``; a metric-math
alarm evaluates its expressions on the aligned series of its metrics.
"""
from __future__ import annotations

from dataclasses import dataclass

from tools.alarmsim.anomaly import band_breaching
from tools.alarmsim.mathexpr import MathError
from tools.alarmsim.model import COMPARISONS, MetricAlarm, MetricStat
from tools.alarmsim.series import SeriesStore
from tools.alarmsim.statistics import window_values

__all__ = ["AlarmDatapoints", "compute_datapoints", "period_minutes", "evaluation_range_size"]


def period_minutes(seconds: int) -> int:
    """Period in whole minutes (high-resolution periods under 60 s are simulated at one minute).

    Example
    -------
    >>> period_minutes(300), period_minutes(10)
    (5, 1)
    """
    return max(1, seconds // 60)


def evaluation_range_size(evaluation_periods: int) -> int:
    """Datapoints retrieved per evaluation: N + 2 (the user guide's examples retrieve 5 for N = 3).

    Example
    -------
    >>> evaluation_range_size(3)
    5
    """
    return evaluation_periods + 2


@dataclass
class AlarmDatapoints:
    """Datapoints of one alarm for window ends ``first_end .. first_end + len(values) - 1``."""

    first_end: int
    values: list[float | None]
    counts: list[float]
    breaching: list[bool | None]

    def decided_states(self, stride: int, evaluation_periods: int, datapoints_to_alarm: int) -> list[str | None]:
        """Per window end: ALARM/OK when the N most recent periods all hold real data (TreatMissingData is then
        irrelevant, the guide's first two cases), else None (the caller runs the full evaluation).

        Example
        -------
        >>> AlarmDatapoints(0, [1.0, 2.0], [1, 1], [True, False]).decided_states(1, 2, 1)
        [None, 'ALARM']
        """
        size = len(self.breaching)
        real = [0] * size
        breach = [0] * size
        for i, flag in enumerate(self.breaching):
            back = i - stride
            real[i] = (flag is not None) + (real[back] if back >= 0 else 0)
            breach[i] = (flag is True) + (breach[back] if back >= 0 else 0)
        span = evaluation_periods * stride
        result: list[str | None] = []
        for i in range(size):
            j = i - span
            real_n = real[i] - (real[j] if j >= 0 else 0)
            if real_n < evaluation_periods or j < -stride:
                result.append(None)
            else:
                result.append("ALARM" if breach[i] - (breach[j] if j >= 0 else 0) >= datapoints_to_alarm else "OK")
        return result

    def index(self, window_end: int) -> int:
        """Position of a window end in the lists (negative when before the computed span)."""
        return window_end - self.first_end


SeriesCache = dict


def _metric_series(store: SeriesStore, metric: MetricStat, ends: range,
                   cache: SeriesCache | None) -> tuple[list[float | None], list[float]]:
    # Alarms of one resource share metrics (Errors and Invocations feed four alarms): compute each once.
    cache_key = (metric.key, metric.statistic, metric.period, ends.start, ends.stop)
    if cache is not None and cache_key in cache:
        return cache[cache_key]
    points = window_values(store.buckets(metric.key), metric.statistic, period_minutes(metric.period), ends)
    result = ([v for v, _ in points], [c for _, c in points])
    if cache is not None:
        cache[cache_key] = result
    return result


def compute_datapoints(alarm: MetricAlarm, store: SeriesStore, first_end: int, last_end: int,
                       cache: SeriesCache | None = None) -> AlarmDatapoints:
    """Compute the alarm's datapoints for every window end in ``[first_end, last_end]``.

    Raises
    ------
    MathError
        When a math expression reads an id the alarm does not define.

    Example
    -------
    >>> compute_datapoints(alarm, store, 100, 200)  # doctest: +SKIP
    """
    ends = range(first_end, last_end + 1)
    if alarm.metric is not None:
        values, counts = _metric_series(store, alarm.metric, ends, cache)
    else:
        length = len(ends)
        variables: dict[str, list[float | None]] = {}
        counts = [0.0] * length
        for query in alarm.queries:
            if query.metric is not None:
                variables[query.id], query_counts = _metric_series(store, query.metric, ends, cache)
                counts = [max(a, b) for a, b in zip(counts, query_counts)]
        pending = [q for q in alarm.queries if q.expression is not None]
        while pending:
            ready = [q for q in pending if q.expression.identifiers() <= set(variables)]  # type: ignore[union-attr]
            if not ready:
                missing = sorted(set().union(*(q.expression.identifiers() for q in pending)) - set(variables))  # type: ignore[union-attr]
                raise MathError(f"alarm {alarm.name}: expression reads undefined id(s) {', '.join(missing)}")
            for query in ready:
                variables[query.id] = query.expression.evaluate(  # type: ignore[union-attr]
                    variables, length, [q.id for q in alarm.queries if q.metric is not None])
                pending.remove(query)
        returned = next(q for q in alarm.queries if q.return_data)
        values = variables[returned.id]
    if alarm.band is not None:
        # The band is fitted on history before the alarm's own evaluation periods, so an anomaly does not
        # widen the band that judges it.
        skip = alarm.evaluation_periods * period_minutes(alarm.period)
        return AlarmDatapoints(first_end, values, counts, band_breaching(values, alarm.band[1], alarm.comparison, skip))
    compare = COMPARISONS[alarm.comparison]
    breaching = [None if v is None else compare(v, alarm.threshold) for v in values]
    return AlarmDatapoints(first_end, values, counts, breaching)
