"""The incident scenarios: what happens to the service, from when, and what the monitoring should do.

Times are minutes relative to the onset. Error ratios of the burn scenarios follow from the SLO: burn rate =
error ratio / (1 - objective), so a 14.4x burn of a 99.9% objective fails 1.44% of requests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tools.alarmsim.scenarios.traffic import Condition

__all__ = ["Scenario", "scenarios", "burn_condition", "HEALTHY_ERROR_RATIO"]

HEALTHY_ERROR_RATIO = 0.0002  # 0.2x burn of a 99.9% objective: a healthy month spends a fifth of its budget


@dataclass(frozen=True)
class Scenario:
    """One scenario.

    ``condition(offset)`` is the service's condition ``offset`` minutes after the onset (negative: before).
    ``expect_page`` says whether paging is the right response; ``page_within`` (minutes) is the target when
    there is one. ``in_maintenance`` places the onset at the start of the first mute-rule window.
    """

    name: str
    title: str
    duration: int
    condition: Callable[[int], Condition]
    expect_page: bool
    page_within: int | None = None
    warmup: int = 420  # minutes of history before the onset: the 6 h page window plus an hour
    quiet: bool = False
    in_maintenance: bool = False
    burn: float | None = None  # error-budget burn rate from the onset, against each service's own objective


def _after(onset_condition: Condition, until: int | None = None) -> Callable[[int], Condition]:
    healthy = Condition(error_ratio=HEALTHY_ERROR_RATIO)
    return lambda offset: onset_condition if offset >= 0 and (until is None or offset < until) else healthy


def burn_condition(factor: float, objective: float) -> Condition:
    """The condition of a ``factor``x burn of an ``objective`` (percent) availability SLO.

    Example
    -------
    >>> burn_condition(14.4, 99.9).error_ratio
    0.0144
    """
    return Condition(error_ratio=round(factor * (1 - objective / 100.0), 10))


def _creep(offset: int) -> Condition:
    # Every latency quantile grows 3 % a minute, compounding: p99 from ~0.3 s past 10 s after about two hours.
    return Condition(error_ratio=HEALTHY_ERROR_RATIO, latency_factor=1.0 if offset < 0 else min(60.0, 1.03 ** offset))


def scenarios(objective: float = 99.9) -> list[Scenario]:
    """Every scenario; burn scenarios use ``objective`` (percent) unless the runner knows each service's own.

    Example
    -------
    >>> [s.name for s in scenarios()][:3]
    ['normal-7d', 'hard-outage', 'error-spike-5pct']
    """
    return [
        Scenario("normal-7d", "7 days of normal, noisy traffic", 7 * 1440, _after(Condition(error_ratio=HEALTHY_ERROR_RATIO)),
                 expect_page=False),
        Scenario("hard-outage", "hard outage (every request fails)", 120,
                 _after(Condition(error_ratio=1.0, down=True)), expect_page=True, page_within=2),
        Scenario("error-spike-5pct", "5% error spike for 30 min", 90, _after(Condition(error_ratio=0.05), 30),
                 expect_page=True),
        Scenario("error-spike-20pct", "20% error spike for 30 min", 90, _after(Condition(error_ratio=0.20), 30),
                 expect_page=True),
        Scenario("latency-creep", "latency creep (+3% a minute, p99 past 10 s after ~2 h)", 180, _creep,
                 expect_page=True),
        Scenario("dynamodb-throttling", "DynamoDB throttling for 15 min", 60,
                 _after(Condition(error_ratio=HEALTHY_ERROR_RATIO, throttles_per_minute=40.0), 15), expect_page=True),
        Scenario("burn-14.4x", "14.4x error-budget burn", 180, _after(burn_condition(14.4, objective)),
                 expect_page=True, page_within=5, burn=14.4),
        Scenario("burn-6x", "slow burn at 6x", 8 * 60, _after(burn_condition(6.0, objective)),
                 expect_page=True, page_within=30, burn=6.0),
        Scenario("burn-2x", "slow burn at 2x (ticket, not page)", 8 * 60, _after(burn_condition(2.0, objective)),
                 expect_page=False, burn=2.0),
        Scenario("traffic-drop", "traffic drops to 10% for 2 h", 180,
                 _after(Condition(traffic=0.1, error_ratio=HEALTHY_ERROR_RATIO), 120), expect_page=False),
        Scenario("quiet-dev", "a quiet dev environment (2 days, a few requests an hour)", 2 * 1440,
                 _after(Condition(error_ratio=0.01)), expect_page=False, quiet=True),
        Scenario("maintenance-window", "hard outage inside a maintenance window", 60,
                 lambda offset: Condition(error_ratio=1.0, down=True) if 0 <= offset < 30 else
                 Condition(error_ratio=HEALTHY_ERROR_RATIO), expect_page=False, in_maintenance=True),
    ]
