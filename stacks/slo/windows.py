"""Multi-window, multi-burn-rate alerting for a 30-day SLO (Google SRE workbook ch. 5; sloth's windows).

Each pair fires when both its long and short window burn the error budget faster than ``factor``:
pages at 1 h & 5 min (14.4x) and 6 h & 30 min (6x), tickets at 1 d & 2 h (3x) and 3 d & 6 h (1x).

The short window is there so that a pair resets soon after the burn stops. Evaluated alone it flaps: 5 minutes
of traffic burning just above the factor fall below it every few minutes by chance, and each dip would resolve
the page and the next minute re-send it. So the short window counts as burning while any of its last
``short_hold`` evaluations breached (1 of N): the pair opens as fast as before, and a dip of the short window
under the factor (at 99.95 % a 5-minute window holds a few dozen bad events, so noise crosses the factor both
ways) no longer resolves the page.

That hold alone would keep a pair armed long after a short incident, while its long window, still full of the
incident's bad events, hovers at the factor and re-pages. So each pair has a third window alarm, the short
window over ``SHORT_FLOOR_SHARE`` of the factor without hold: random dips of a real burn stay far above it, while
a burn that stopped falls under it within one short window, and the pair resets as the workbook's short window
intends.

The long window itself sags under the factor for a minute now and then during a burn just above it (a 1 h window
at 99.95 % holds a few hundred bad events). A page pair therefore also holds while its long window stays over
``LONG_BAND_SHARE`` of the factor, provided the pair's budget share is spent: the 1 h pair's 2 % of a 30-day
budget counted over 6 h (a 6 h window over 2.4x), the 6 h pair's 5 % over a day (1 d over 1.5x). A burn that
spends less never pages through it, so nothing under 2 % (or 5 %) of the budget pages; a burn just above the
factor pages a few minutes sooner, when that share is spent.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from config.errors import InputError

__all__ = [
    "BurnPair",
    "BURN_PAIRS",
    "SHORT_FLOOR_SHARE",
    "LONG_BAND_SHARE",
    "burn_threshold",
    "min_events",
    "window_label",
    "SloError",
]

SHORT_FLOOR_SHARE = 1 / 3  # the reset companion of each short window breaches over a third of the factor
LONG_BAND_SHARE = 0.9  # a page pair's long window may sag to 90 % of the factor once the pair's budget is spent


class SloError(InputError):
    """An SLO that cannot be built; the message is one line naming the service and what is allowed."""


@dataclass(frozen=True)
class BurnPair:
    """Two windows (seconds) that must both burn faster than ``factor``; ``action`` is page or ticket.

    Example
    -------
    >>> BURN_PAIRS[0].name
    'Page1h'
    """

    name: str
    long_window: int
    short_window: int
    factor: float
    action: str  # "page" | "ticket"
    short_hold: int = 1  # evaluations of the short window of which 1 must breach (the recovery it needs)
    budget_window: int | None = None  # page pairs: the window over which the pair's budget share is counted

    @property
    def budget_factor(self) -> float:
        """The burn over ``budget_window`` that spends the same budget share as ``factor`` over the long window.

        Example
        -------
        >>> round(BURN_PAIRS[0].budget_factor, 3)
        2.4
        """
        return self.factor * self.long_window / (self.budget_window or self.long_window)


BURN_PAIRS: tuple[BurnPair, ...] = (
    BurnPair("Page1h", 3600, 300, 14.4, "page", short_hold=12, budget_window=21600),  # 1 h of memory for dips
    BurnPair("Page6h", 21600, 1800, 6.0, "page", short_hold=6, budget_window=86400),  # 3 h
    BurnPair("Ticket1d", 86400, 7200, 3.0, "ticket", short_hold=3),    # 6 h
    BurnPair("Ticket3d", 259200, 21600, 1.0, "ticket", short_hold=2),  # 12 h
)


def burn_threshold(factor: float, objective_percent: float) -> float:
    """The bad-event ratio at which the budget burns ``factor`` times too fast: factor x (1 - objective).

    Example
    -------
    >>> round(burn_threshold(14.4, 99.9), 6)
    0.0144
    """
    return round(factor * (1 - objective_percent / 100), 9)


def min_events(threshold: float) -> int:
    """Events a window needs before its ratio counts: more than 1/threshold, so a single bad event in a quiet
    window can never breach on its own (1 bad of N events is 1/N, below the threshold once N > 1/threshold).

    Example
    -------
    >>> min_events(0.0144)
    70
    """
    return math.floor(1 / threshold) + 1


def window_label(seconds: int) -> str:
    """``300 -> '5m'``, ``3600 -> '1h'``, ``86400 -> '1d'``.

    Example
    -------
    >>> window_label(21600)
    '6h'
    """
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
