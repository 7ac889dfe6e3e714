"""Business metrics in one call, with a guard against dimension cardinality blow-ups.

Every distinct dimension value is a new CloudWatch metric (billed per month), so a dimension fed from user
data (customer id, URL) can cost a fortune. Once a dimension has seen ``limit`` distinct values in this
container, new values are reported as ``"other"`` (one warning per dimension), so totals stay right.
"""
from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from .runtime import Runtime, runtime

__all__ = ["BusinessMetricError", "CardinalityGuard", "business_metric", "OVERFLOW_VALUE"]

OVERFLOW_VALUE = "other"


class CardinalityGuard:
    """Tracks distinct values per dimension name and folds values past ``limit`` into ``"other"``.

    Parameters
    ----------
    limit : int
        Distinct values allowed per dimension name.
    warn : Callable[[str], None]
        Receives one line the first time a dimension overflows.

    Example
    -------
    >>> guard = CardinalityGuard(limit=2, warn=print)
    >>> [guard.admit({"plan": p})["plan"] for p in ("a", "b", "a", "c")]
    dimension 'plan' passed 2 distinct values; new values are reported as 'other'
    ['a', 'b', 'a', 'other']
    """

    def __init__(self, limit: int, warn: Any) -> None:
        self.limit = limit
        self._warn = warn
        self._seen: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def admit(self, dimensions: dict[str, str]) -> dict[str, str]:
        """Return ``dimensions`` with each over-limit new value replaced by ``"other"``."""
        admitted = {}
        with self._lock:
            for name, value in dimensions.items():
                seen = self._seen.setdefault(name, set())
                if value in seen or len(seen) < self.limit:
                    seen.add(value)
                    admitted[name] = value
                    continue
                if OVERFLOW_VALUE not in seen:
                    seen.add(OVERFLOW_VALUE)
                    self._warn(f"dimension {name!r} passed {self.limit} distinct values; "
                               f"new values are reported as {OVERFLOW_VALUE!r}")
                admitted[name] = OVERFLOW_VALUE
        return admitted


class BusinessMetricError(ValueError):
    """A business metric was asked for with a unit CloudWatch does not know."""


_guards: dict[int, CardinalityGuard] = {}


def _guard_for(rt: Runtime) -> CardinalityGuard:
    guard = _guards.get(id(rt))
    if guard is None:
        guard = _guards[id(rt)] = CardinalityGuard(rt.settings.dimension_value_limit, rt.logger.warning)
    return guard


def business_metric(name: str, value: float, unit: str | MetricUnit = MetricUnit.Count,
                    dimensions: dict[str, Any] | None = None, *, rt: Runtime | None = None) -> None:
    """Emit one business metric, optionally with extra dimensions (guarded against cardinality blow-ups).

    Without extra dimensions the metric joins the invocation's EMF blob (flushed by ``@instrument``); with
    them it is written at once as its own blob carrying service, environment and the extra dimensions.

    Parameters
    ----------
    name : str
        Metric name, e.g. ``"MeasurementsProcessed"``.
    value : float
        The value.
    unit : str or MetricUnit
        A CloudWatch unit (``"Count"``, ``"Percent"``, ``"Milliseconds"``, ...).
    dimensions : dict, optional
        Extra dimensions; values are converted to text.
    rt : Runtime, optional
        A specific runtime (tests).

    Raises
    ------
    BusinessMetricError
        When ``unit`` is not a CloudWatch unit.

    Example
    -------
    >>> business_metric("OrdersPlaced", 1, "Count", {"plan": "pro"})  # one EMF line on stdout
    {"_aws":...,"OrdersPlaced":[1.0]...}
    """
    current = rt or runtime
    if not current.settings.enable_metrics:
        return
    try:
        unit_value = unit if isinstance(unit, MetricUnit) else MetricUnit(unit)
    except ValueError:
        allowed = ", ".join(member.value for member in MetricUnit)
        raise BusinessMetricError(f"unknown metric unit {unit!r} for {name!r}: allowed {allowed}") from None
    if not dimensions:
        current.metrics.add_metric(name=name, unit=unit_value, value=value)
        return
    extra = _guard_for(current).admit({str(k): str(v) for k, v in dimensions.items()})
    defaults = {"service": current.settings.service, "environment": current.settings.environment}
    with single_metric(name=name, unit=unit_value, value=value, namespace=current.settings.metrics_namespace,
                       default_dimensions={**defaults, **extra}):
        pass
