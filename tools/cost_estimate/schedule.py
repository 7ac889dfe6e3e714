"""Runs per month of an EventBridge or Synthetics schedule expression: ``rate(...)`` and simple ``cron(...)``."""
from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["runs_per_month", "ScheduleError"]

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_MINUTES = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


class ScheduleError(ValueError):
    """A schedule expression this estimate cannot count; the message says which forms are understood."""


def runs_per_month(expression: str, days_per_month: int) -> Decimal:
    """How many times ``expression`` fires in a month of ``days_per_month`` days.

    ``rate(0 minutes)`` (Synthetics: run once) counts as 0 a month. ``cron`` supports minute and hour fields
    with ``*``, ``*/n``, lists and ranges, every day of month ('*' or '?'), and days of week as '*', '?', a list
    or a range (counted as a share of the week).

    Example
    -------
    >>> runs_per_month("rate(5 minutes)", 30)
    Decimal('8640')
    >>> runs_per_month("cron(0 9 ? * MON-FRI *)", 28)
    Decimal('20')
    """
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value == 0:
            return Decimal(0)
        return Decimal(days_per_month * 1440) / Decimal(value * _MINUTES[unit])
    cron = _CRON.match(text)
    if cron:
        return _cron_runs(cron.group(1).split(), days_per_month, expression)
    raise ScheduleError(f"schedule '{expression}' is not understood: use rate(N minutes|hours|days) or cron(...)")


def _cron_runs(fields: list[str], days_per_month: int, expression: str) -> Decimal:
    if len(fields) != 6:
        raise ScheduleError(f"schedule '{expression}': cron takes 6 fields (minute hour day-of-month month day-of-week year)")
    minute, hour, dom, month, dow, _year = fields
    if dom not in ("*", "?") or month != "*":
        raise ScheduleError(f"schedule '{expression}': only every day of every month is understood (day-of-month */?, month *)")
    per_day = len(_values(minute, 0, 59, expression)) * len(_values(hour, 0, 23, expression))
    if dow in ("*", "?"):
        days = Decimal(days_per_month)
    else:
        days = Decimal(days_per_month) * len(_values(dow, 1, 7, expression, _DAYS)) / 7
    return per_day * days


def _values(field: str, low: int, high: int, expression: str, names: dict[str, int] | None = None) -> set[int]:
    def number(token: str) -> int:
        token = token.upper()
        if names and token in names:
            return names[token]
        if not token.isdigit() or not low <= int(token) <= high:
            raise ScheduleError(f"schedule '{expression}': '{token}' is not a value between {low} and {high}")
        return int(token)

    values: set[int] = set()
    for part in field.split(","):
        step, stepped = 1, "/" in part
        if stepped:
            part, raw_step = part.split("/", 1)
            step = number(raw_step)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            start, end = (number(p) for p in part.split("-", 1))
        else:
            start = end = number(part)
            if stepped:  # 'a/n' means from a to the top, every n
                end = high
        values.update(range(start, end + 1, step))
    return values
