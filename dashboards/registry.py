"""Every dashboard of an environment, in the order the console lists them, built in one call."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards import business, cost, executive, operations, performance, service_overview, slo
from dashboards.model import AlarmRef, AppResources

__all__ = ["DASHBOARDS", "build_all"]

Builder = Callable[[EnvironmentConfig, Sequence[AlarmRef], AppResources], dict[str, Any]]
DASHBOARDS: dict[str, Builder] = {
    "ServiceOverview": service_overview.build,
    "Performance": performance.build,
    "Business": business.build,
    "SLO": slo.build,
    "Executive": executive.build,
    "Operations": operations.build,
    "Cost": cost.build,
}


def build_all(cfg: EnvironmentConfig, alarm_refs: Sequence[AlarmRef],
              resources: AppResources = AppResources()) -> dict[str, dict[str, Any]]:
    """Body of every dashboard of ``cfg``'s environment, keyed by dashboard name (see DASHBOARDS).

    Example
    -------
    >>> sorted(build_all(load_config("dev"), []))  # doctest: +SKIP
    ['Business', 'Cost', 'Executive', 'Operations', 'Performance', 'SLO', 'ServiceOverview']
    """
    return {name: builder(cfg, alarm_refs, resources) for name, builder in DASHBOARDS.items()}
