"""One evaluation of a metric alarm: datapoints in the evaluation range -> new state.

Encodes the CloudWatch user guide, 'How alarm state is evaluated when data is missing':

- CloudWatch retrieves more datapoints than EvaluationPeriods (N): the *evaluation range* (its examples: 5 for
  N = 3; the simulator uses N + 2).
- With at least N real datapoints in the range, the N most recent real ones decide and TreatMissingData is
  not used.
- With fewer, the real ones are kept and missing ones are filled as few times as possible (N - real):
  ``breaching`` fills breaching points, ``notBreaching`` fills good ones.
- ``missing`` and ``ignore`` fill nothing: enough breaching real points (>= M) give ALARM; any good real point
  gives OK; with no real point at all ``missing`` gives INSUFFICIENT_DATA and ``ignore`` keeps the state; with
  only breaching real points (fewer than M) ``ignore`` keeps the state and ``missing`` gives ALARM, unless the
  one real point is the newest of the range (``- - - - X``: INSUFFICIENT_DATA). The current guide's rows
  ``X - - - -`` and ``- - X - -`` (3 of 3) and ``- - - X -`` (2 of 3) are ALARM under ``missing``: a breach
  followed by silence is an alarm; a single fresh breach with no history is not yet enough.
"""
from __future__ import annotations

from typing import Sequence

__all__ = ["OK", "ALARM", "INSUFFICIENT_DATA", "STATES", "TREAT_MISSING", "evaluate_range", "EvaluationError"]

OK = "OK"
ALARM = "ALARM"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
STATES = (OK, ALARM, INSUFFICIENT_DATA)
TREAT_MISSING = ("missing", "ignore", "breaching", "notBreaching")


class EvaluationError(ValueError):
    """Evaluation settings outside what CloudWatch allows."""


def evaluate_range(points: Sequence[bool | None], evaluation_periods: int, datapoints_to_alarm: int,
                   treat_missing: str, current: str) -> str:
    """New alarm state from the evaluation range.

    Parameters
    ----------
    points
        The evaluation range, oldest first: True = breaching, False = not breaching, None = missing.
    evaluation_periods, datapoints_to_alarm
        N and M of an "M out of N" alarm.
    treat_missing
        One of missing, ignore, breaching, notBreaching.
    current
        The alarm's state before this evaluation (kept by ``ignore``).

    Example
    -------
    >>> evaluate_range([False, None, True, None, True], 3, 2, "missing", "OK")
    'ALARM'
    >>> evaluate_range([None] * 5, 3, 3, "ignore", "ALARM")
    'ALARM'
    """
    n, m = evaluation_periods, datapoints_to_alarm
    if n < 1 or not 1 <= m <= n:
        raise EvaluationError(f"need 1 <= DatapointsToAlarm ({m}) <= EvaluationPeriods ({n})")
    if treat_missing not in TREAT_MISSING:
        raise EvaluationError(f"TreatMissingData {treat_missing!r} is not one of {', '.join(TREAT_MISSING)}")
    real = [p for p in points if p is not None]
    if len(real) >= n:
        return ALARM if sum(real[-n:]) >= m else OK
    missing_to_fill = n - len(real)
    if treat_missing == "breaching":
        return ALARM if sum(real) + missing_to_fill >= m else OK
    if treat_missing == "notBreaching":
        return ALARM if sum(real) >= m else OK
    breaching = sum(real)
    if breaching >= m:
        return ALARM
    if breaching < len(real):
        return OK
    if treat_missing == "ignore":
        return current
    if not real or (len(real) == 1 and points[-1] is True):
        return INSUFFICIENT_DATA
    return ALARM
