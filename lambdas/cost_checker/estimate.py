"""From cost rows to the figures the checker publishes. Pure functions: no AWS, no clock.

Cost Explorer lags by hours and books some charges at the start of a day, so the estimate leans towards
*under*-estimating: today's rate is today's cost so far over the hours elapsed (lagging data makes it lower,
never higher), it only counts once enough of the day has passed, and a day with no data is "unknown", not $0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from .explorer import CostRow

__all__ = ["DayCost", "CostSnapshot", "summarize", "hourly_rate", "top_services", "OTHER_SERVICES"]

OTHER_SERVICES = "Other"


@dataclass(frozen=True)
class DayCost:
    """One UTC day: account total, the environment's tagged total, and cost per service.

    Example
    -------
    >>> DayCost(total=2.0, environment=1.0, by_service={"AWS Lambda": 2.0}).total
    2.0
    """

    total: float
    environment: float
    by_service: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CostSnapshot:
    """What one run learned. ``None`` means Cost Explorer had no data for that figure (not zero cost)."""

    yesterday: DayCost | None
    today: DayCost | None
    hourly_account: float | None
    hourly_environment: float | None


def summarize(rows: Iterable[CostRow], now: datetime, environment: str, min_hours_for_today_rate: int) -> CostSnapshot:
    """Fold rows into yesterday, today and the estimated hourly cost (account-wide and for ``environment``).

    Example
    -------
    >>> rows = [CostRow(date(2026, 1, 1), "AWS Lambda", "prod", 48.0)]
    >>> summarize(rows, datetime(2026, 1, 2, 12, tzinfo=timezone.utc), "prod", 6).hourly_account
    2.0
    """
    rows = list(rows)
    now = now.astimezone(timezone.utc)
    today = now.date()
    yesterday, current = _day(rows, today - timedelta(days=1), environment), _day(rows, today, environment)
    hours = (now - datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc)).total_seconds() / 3600
    return CostSnapshot(
        yesterday=yesterday,
        today=current,
        hourly_account=hourly_rate(
            yesterday.total if yesterday else None, current.total if current else None, hours, min_hours_for_today_rate
        ),
        hourly_environment=hourly_rate(
            yesterday.environment if yesterday else None,
            current.environment if current else None,
            hours,
            min_hours_for_today_rate,
        ),
    )


def hourly_rate(
    yesterday_total: float | None, today_so_far: float | None, hours_elapsed: float, min_hours_for_today_rate: int
) -> float | None:
    """The higher of yesterday's average hourly cost and today's so far; ``None`` when neither is known.

    Today's rate only counts after ``min_hours_for_today_rate`` hours: at 00:30 a start-of-day charge divided by
    half an hour would look like a huge hourly cost.

    Example
    -------
    >>> hourly_rate(24.0, 30.0, 10.0, 6)
    3.0
    >>> hourly_rate(24.0, 30.0, 2.0, 6)
    1.0
    """
    rates = []
    if yesterday_total is not None:
        rates.append(yesterday_total / 24)
    if today_so_far is not None and hours_elapsed >= min_hours_for_today_rate:
        rates.append(today_so_far / hours_elapsed)
    return max(rates) if rates else None


def top_services(by_service: dict[str, float], limit: int) -> dict[str, float]:
    """The ``limit`` most expensive services, the rest summed under ``Other`` (so metric count stays bounded).

    Example
    -------
    >>> top_services({"a": 3.0, "b": 2.0, "c": 1.0}, 1)
    {'a': 3.0, 'Other': 3.0}
    """
    ranked = sorted(by_service.items(), key=lambda item: (-item[1], item[0]))
    kept = dict(ranked[:limit])
    rest = ranked[limit:]
    if rest:
        kept[OTHER_SERVICES] = kept.get(OTHER_SERVICES, 0.0) + sum(amount for _, amount in rest)
    return kept


def _day(rows: Iterable[CostRow], day: date, environment: str) -> DayCost | None:
    selected = [r for r in rows if r.day == day]
    if not selected:
        return None
    by_service: dict[str, float] = {}
    for row in selected:
        by_service[row.service] = by_service.get(row.service, 0.0) + row.amount
    return DayCost(
        total=sum(r.amount for r in selected),
        environment=sum(r.amount for r in selected if r.tag_value == environment),
        by_service=by_service,
    )
