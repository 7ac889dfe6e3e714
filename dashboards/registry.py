"""Every dashboard of an environment, in the order the console lists them, built in one call."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards import business, cost, executive, operations, performance, service_overview, slo
from dashboards.limits import body_problems
from dashboards.model import AlarmRef, AppResources
from plan.model import Plan

__all__ = ["DASHBOARDS", "build_all", "build_parts"]

Builder = Callable[[EnvironmentConfig, Plan, Sequence[AlarmRef], AppResources], dict[str, Any]]
DASHBOARDS: dict[str, Builder] = {
    "ServiceOverview": service_overview.build,
    "Performance": performance.build,
    "Business": business.build,
    "SLO": slo.build,
    "Executive": executive.build,
    "Operations": operations.build,
    "Cost": cost.build,
}


def build_all(cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
              resources: AppResources = AppResources()) -> dict[str, dict[str, Any]]:
    """Body of every dashboard of ``cfg``'s environment, keyed by dashboard name (see DASHBOARDS): services and
    their resources from ``plan``, alarm widgets from ``alarm_refs`` (see dashboards.model.alarm_refs).

    Example
    -------
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> cfg = load_config("dev")
    >>> sorted(build_all(cfg, plan_environment(cfg), []))
    ['Business', 'Cost', 'Executive', 'Operations', 'Performance', 'SLO', 'ServiceOverview']
    """
    return {name: builder(cfg, plan, alarm_refs, resources) for name, builder in DASHBOARDS.items()}


def build_parts(name: str, cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
                resources: AppResources = AppResources()) -> dict[str, dict[str, Any]]:
    """Dashboard ``name`` as one body, or split by services into ``name-1``, ``name-2``... when one body would
    break CloudWatch's limits (500 widgets, 2,500 metrics, 1 MB).

    Services keep their config order across parts. A single service that breaks a limit on its own stays one
    (invalid) body, for the caller's limit check to report.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> sorted(build_parts("Performance", cfg, plan, []))  # one service fits one body
    ['Performance']
    """
    builder = DASHBOARDS[name]
    chunks = [tuple(plan.services)]
    while True:
        bodies = [builder(cfg.model_copy(update={"services": tuple(s.config for s in chunk)}),
                          dataclasses.replace(plan, services=chunk), alarm_refs, resources) for chunk in chunks]
        broken = [i for i, body in enumerate(bodies) if body_problems(body) and len(chunks[i]) > 1]
        if not broken:
            break
        chunks = [half for i, chunk in enumerate(chunks)
                  for half in ((chunk[:len(chunk) // 2], chunk[len(chunk) // 2:]) if i in broken else (chunk,))]
    if len(bodies) == 1:
        return {name: bodies[0]}
    for n, (body, chunk) in enumerate(zip(bodies, chunks), start=1):
        # The title says which part this is and which services it holds, so a reader knows where to look.
        title = body["widgets"][0]["properties"]
        first, _, rest = title["markdown"].partition("\n")
        title["markdown"] = (f"{first} (part {n} of {len(bodies)}: {chunk[0].name} to {chunk[-1].name})"
                             f"\n{rest}")
    return {f"{name}-{n}": body for n, body in enumerate(bodies, start=1)}
