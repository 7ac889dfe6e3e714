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
from config.services import FunctionRef, HttpApiRef, RestApiRef, ServiceResources, SloConfig
from plan.signals import MathSpec, math as math_spec, metric

__all__ = [
    "BurnPair",
    "BURN_PAIRS",
    "SHORT_FLOOR_SHARE",
    "LONG_BAND_SHARE",
    "burn_threshold",
    "min_events",
    "window_label",
    "SloError",
    "SliSource",
    "pick_source",
    "bad_ratio",
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


@dataclass(frozen=True)
class SliSource:
    """Where an SLO's events come from: namespace, dimensions (``(name, value)`` pairs) and the request, error
    and latency metric names."""

    resource: str
    namespace: str
    dimensions: tuple[tuple[str, str], ...]
    requests: str
    errors: str
    latency: str


def pick_source(service_name: str, slo: SloConfig, resources: ServiceResources) -> SliSource | None:
    """The SLO's source: ``slo.source`` by name, else the first API, else the first function; None if none.

    Example
    -------
    >>> pick_source("orders", SloConfig(), ServiceResources(functions=("orders-api",))).requests
    'Invocations'
    """
    candidates: list[RestApiRef | HttpApiRef | FunctionRef] = [*resources.rest_apis, *resources.http_apis,
                                                              *resources.functions]
    if slo.source is not None:
        chosen = [c for c in candidates if c.name == slo.source]
        if not chosen:
            names = ", ".join(c.name for c in candidates) or "none"
            raise SloError(f"service '{service_name}': slo.source '{slo.source}' is not one of its APIs or "
                           f"functions ({names})")
        candidates = chosen
    if not candidates:
        return None
    ref = candidates[0]
    if isinstance(ref, RestApiRef):
        return SliSource(ref.name, "AWS/ApiGateway", (("ApiName", ref.name), ("Stage", ref.stage)), "Count",
                         "5XXError", "Latency")
    if isinstance(ref, HttpApiRef):
        return SliSource(ref.name, "AWS/ApiGateway", (("ApiId", ref.api_id), ("Stage", ref.stage)), "Count",
                         "5xx", "Latency")
    return SliSource(ref.name, "AWS/Lambda", (("FunctionName", ref.name),), "Invocations", "Errors", "Duration")


def bad_ratio(source: SliSource, sli: str, window: int, min_events: int, latency_threshold_ms: int,
              min_bad_events: int = 1) -> MathSpec:
    """Bad events / all events over ``window`` seconds; 0 while fewer than ``min_events`` events or fewer than
    ``min_bad_events`` bad ones arrived (the volume floor alone stops one bad event, not two or three).

    - availability: failed / all requests (API 5xx / Count, or Lambda Errors / Invocations);
    - latency: requests slower than the threshold / all requests, from the percentile-rank statistic
      ``PR(0:threshold)`` (the share of samples at or under the threshold), which CloudWatch accepts in alarms.

    Example
    -------
    >>> source = pick_source("orders", SloConfig(), ServiceResources(functions=(FunctionRef(name="orders-api"),)))
    >>> bad_ratio(source, "availability", 3600, 70, 1000, 5).expression
    'IF(requests >= 70 AND FILL(bad, 0) >= 5, FILL(bad, 0) / requests, 0)'
    """
    dims = dict(source.dimensions)
    requests = metric(source.namespace, source.requests, dims, "Sum", window)
    if sli == "availability":
        bad = metric(source.namespace, source.errors, dims, "Sum", window)
        expression = f"IF(requests >= {min_events} AND FILL(bad, 0) >= {min_bad_events}, FILL(bad, 0) / requests, 0)"
        using = {"requests": requests, "bad": bad}
    else:
        within = metric(source.namespace, source.latency, dims, f"PR(0:{latency_threshold_ms})", window)
        # Slow requests = requests x the share above the threshold (PR gives the share at or under it, in %).
        slow_share = "(100 - FILL(within, 100)) / 100"
        expression = (f"IF(requests >= {min_events} AND requests * {slow_share} >= {min_bad_events}, "
                      f"{slow_share}, 0)")
        using = {"requests": requests, "within": within}
    return math_spec(expression, using, window, f"{source.resource} {sli} bad ratio")
