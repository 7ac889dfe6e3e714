"""Per-alarm datapoints on the evaluation clock: value, sample count and breaching flag per window end.

The datapoint of an alarm at window end ``e`` (an epoch minute) aggregates ``[e - period, e)``; a metric-math
alarm evaluates its expressions on the aligned series of its metrics.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.alarmsim.anomaly import band_breaching
from tools.alarmsim.mathexpr import MathError, to_list
from tools.alarmsim.model import MetricAlarm, MetricStat
from tools.alarmsim.series import SeriesStore
from tools.alarmsim.statistics import window_arrays

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


def _flags(breaching) -> "np.ndarray":
    return np.array([-1 if b is None else int(bool(b)) for b in breaching], dtype=np.int8)


@dataclass
class AlarmDatapoints:
    """Datapoints of one alarm for window ends ``first_end .. first_end + len(values) - 1``.

    ``breaching`` is True/False/None per window end (a list, or a numpy int8 array of 1/0/-1 as
    :func:`compute_datapoints` writes it).
    """

    first_end: int
    values: object
    counts: object
    breaching: object

    def flags(self) -> "np.ndarray":
        """Breaching per window end as int8: 1 breaching, 0 not, -1 missing."""
        if isinstance(self.breaching, np.ndarray):
            return self.breaching
        return _flags(self.breaching)

    def decided_codes(self, stride: int, evaluation_periods: int, datapoints_to_alarm: int) -> "np.ndarray":
        """:meth:`decided_states` as int8: 1 ALARM, 0 OK, -1 undecided."""
        flags = self.flags()
        size = len(flags)
        real = np.zeros(size, dtype=np.int32)
        breach = np.zeros(size, dtype=np.int32)
        is_real, is_breach = (flags >= 0).astype(np.int32), (flags == 1).astype(np.int32)
        for k in range(evaluation_periods):
            shift = k * stride
            if shift >= size:
                break
            real[shift:] += is_real[:size - shift]
            breach[shift:] += is_breach[:size - shift]
        codes = np.where(breach >= datapoints_to_alarm, 1, 0).astype(np.int8)
        undecided = real < evaluation_periods
        undecided[:max(0, (evaluation_periods - 1) * stride)] = True  # the N periods reach before the span
        codes[undecided] = -1
        return codes

    def decided_states(self, stride: int, evaluation_periods: int, datapoints_to_alarm: int) -> list[str | None]:
        """Per window end: ALARM/OK when the N most recent periods all hold real data (TreatMissingData is then
        irrelevant, the guide's first two cases), else None (the caller runs the full evaluation).

        Example
        -------
        >>> AlarmDatapoints(0, [1.0, 2.0], [1, 1], [True, False]).decided_states(1, 2, 1)
        [None, 'ALARM']
        """
        names = {1: "ALARM", 0: "OK", -1: None}
        return [names[c] for c in self.decided_codes(stride, evaluation_periods, datapoints_to_alarm).tolist()]

    def index(self, window_end: int) -> int:
        """Position of a window end in the lists (negative when before the computed span)."""
        return window_end - self.first_end


SeriesCache = dict


def _metric_series(store: SeriesStore, metric: MetricStat, first_end: int, last_end: int,
                   cache: SeriesCache | None):
    # Alarms of one resource share metrics (Errors and Invocations feed four alarms): compute each once.
    cache_key = (metric.key, metric.statistic, metric.period, first_end, last_end)
    if cache is not None and cache_key in cache:
        return cache[cache_key]
    dense = store.dense(metric.key)
    source = dense if dense is not None else store.buckets(metric.key)
    result = window_arrays(source, metric.statistic, period_minutes(metric.period), first_end, last_end)
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
    >>> from tools.alarmsim.template import alarms_from_templates
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> alarm_set = alarms_from_templates({"app": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
    ...                                                                "Properties": props}}}})
    >>> from tools.alarmsim.series import MetricKey, SeriesStore
    >>> store = SeriesStore(); store.add_sample(MetricKey.of("app", "Errors"), 5, 1.0)
    >>> compute_datapoints(alarm_set.metric_alarms[0], store, 4, 6).values.tolist()
    [nan, nan, 1.0]
    """
    length = last_end - first_end + 1
    if alarm.metric is not None:
        values, counts = _metric_series(store, alarm.metric, first_end, last_end, cache)
    else:
        variables: dict = {}
        counts = np.zeros(length)
        for query in alarm.queries:
            if query.metric is not None:
                variables[query.id], query_counts = _metric_series(store, query.metric, first_end, last_end, cache)
                counts = np.maximum(counts, query_counts)
        pending = [q for q in alarm.queries if q.expression is not None]
        while pending:
            ready = [q for q in pending if q.expression.identifiers() <= set(variables)]  # type: ignore[union-attr]
            if not ready:
                missing = sorted(set().union(*(q.expression.identifiers() for q in pending)) - set(variables))  # type: ignore[union-attr]
                raise MathError(f"alarm {alarm.name}: expression reads undefined id(s) {', '.join(missing)}")
            for query in ready:
                variables[query.id] = query.expression.evaluate_arrays(  # type: ignore[union-attr]
                    variables, length, [q.id for q in alarm.queries if q.metric is not None])
                pending.remove(query)
        returned = next(q for q in alarm.queries if q.return_data)
        values = variables[returned.id]
    if alarm.band is not None:
        # The band is fitted on history before the alarm's own evaluation periods, so an anomaly does not
        # widen the band that judges it.
        skip = alarm.evaluation_periods * period_minutes(alarm.period)
        listed = to_list(values)
        return AlarmDatapoints(first_end, values, counts,
                               _flags(band_breaching(listed, alarm.band[1], alarm.comparison, skip,
                                                     period_minutes(alarm.period))))
    compare = {"GreaterThanThreshold": np.greater, "GreaterThanOrEqualToThreshold": np.greater_equal,
               "LessThanThreshold": np.less, "LessThanOrEqualToThreshold": np.less_equal}[alarm.comparison]
    with np.errstate(invalid="ignore"):
        flags = np.where(np.isnan(values), -1, compare(values, alarm.threshold).astype(np.int8)).astype(np.int8)
    return AlarmDatapoints(first_end, values, counts, flags)
