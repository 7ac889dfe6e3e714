"""Every dashboard of an environment, in the order the console lists them, built in one call."""
from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Sequence
from typing import Any

from config.schema import EnvironmentConfig
from dashboards import business, cost, executive, operations, performance, service_overview, slo
from dashboards.limits import MAX_BODY_BYTES, MAX_METRICS_PER_DASHBOARD, MAX_WIDGETS, body_problems
from dashboards.model import AlarmRef, AppResources
from plan.model import Plan, ServicePlan

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


def _part_inputs(plan: Plan, chunk: Sequence[ServicePlan], alarm_refs: Sequence[AlarmRef],
                 resources: AppResources) -> tuple[list[AlarmRef], AppResources]:
    """The alarms and deployed names a part holding ``chunk`` charts: those of its services, plus everything
    that belongs to no planned service (router health, cost, account-level alarms), which every part shows.

    Without this every part of a split dashboard listed every alarm of the estate (Operations' alarm widgets),
    so a part grew with the whole estate however finely the services were split.
    """
    planned = {s.name for s in plan.services}
    held = {s.name for s in chunk}

    def keep(service: str) -> bool:
        return service in held or service not in planned

    refs = [r for r in alarm_refs if keep(r.service)]
    part = dataclasses.replace(resources, canaries={s: n for s, n in resources.canaries.items() if keep(s)},
                               log_groups={s: g for s, g in resources.log_groups.items() if keep(s)})
    return refs, part


def _where(chunk: Sequence[ServicePlan]) -> str:
    """``s00 to s09``, plus the source accounts and regions the services run in when any names one."""
    where = f"{chunk[0].name} to {chunk[-1].name}"
    accounts = list(dict.fromkeys(a for s in chunk if (a := getattr(s.config, "account", None))))
    regions = list(dict.fromkeys(r for s in chunk if (r := getattr(s.config, "region", None))))
    for label, names in (("accounts", accounts), ("regions", regions)):
        if names:
            listed = ", ".join(names) if len(names) <= 4 else f"{names[0]} to {names[-1]} ({len(names)})"
            where += f"; {label} {listed}"
    return where


# Services rendered to estimate a part's size, and the estimated number of parts from which the estimate is
# trusted (below it, the whole body is tried first, so a dashboard that fits stays one).
_SAMPLE, _SURE = 8, 3


def _parts_needed(sample: dict[str, Any], sampled: int, services: int) -> int:
    """Parts ``services`` services need, judged from a body of ``sampled`` of them against CloudWatch's widget
    and metric counts and the body budget, with room to spare (the sample's header counts as theirs)."""
    widgets = len(sample.get("widgets", []))
    metrics = sum(len(w.get("properties", {}).get("metrics", [])) for w in sample.get("widgets", []))
    size = len(json.dumps(sample, separators=(",", ":")))
    share = max(widgets / MAX_WIDGETS, metrics / MAX_METRICS_PER_DASHBOARD, size / MAX_BODY_BYTES) / max(sampled, 1)
    return math.ceil(services * share / 0.8)


def build_parts(name: str, cfg: EnvironmentConfig, plan: Plan, alarm_refs: Sequence[AlarmRef],
                resources: AppResources = AppResources(),
                problems: Callable[[dict[str, Any]], list[str]] = body_problems) -> dict[str, dict[str, Any]]:
    """Dashboard ``name`` as one body, or split by services into ``name-1``, ``name-2``... when one body would
    break CloudWatch's limits (500 widgets, 2,500 metrics, 1 MB), or whatever else ``problems`` reports (the
    dashboards stack adds the size the body takes in its template).

    Services keep their config order across parts; each part charts its own services' alarms, canaries and log
    groups, and what belongs to no service. A single service that breaks a limit on its own stays one
    (invalid) body, for the caller's limit check to report.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("dev"); plan = plan_environment(cfg)
    >>> sorted(build_parts("Performance", cfg, plan, []))  # one service fits one body
    ['Performance']
    >>> sorted(build_parts("Performance", cfg, plan, [], problems=lambda body: ["too big"]))  # one can't split
    ['Performance']
    """
    builder = DASHBOARDS[name]

    def render(chunk: tuple[ServicePlan, ...]) -> dict[str, Any]:
        refs, part = _part_inputs(plan, chunk, alarm_refs, resources)
        return builder(cfg.model_copy(update={"services": tuple(s.config for s in chunk)}),
                       dataclasses.replace(plan, services=chunk), refs, part)

    services = tuple(plan.services)
    chunks = [services]
    guess = _parts_needed(render(services[:_SAMPLE]), min(_SAMPLE, len(services)), len(services))
    if guess >= _SURE:  # clearly too big for one body: start from that many parts instead of halving down to them
        size = -(-len(services) // guess)
        chunks = [services[i:i + size] for i in range(0, len(services), size)]
    while True:
        bodies = [render(chunk) for chunk in chunks]
        broken = [i for i, body in enumerate(bodies) if len(chunks[i]) > 1 and problems(body)]
        if not broken:
            break
        chunks = [half for i, chunk in enumerate(chunks)
                  for half in ((chunk[:len(chunk) // 2], chunk[len(chunk) // 2:]) if i in broken else (chunk,))]
    if len(bodies) == 1:
        return {name: bodies[0]}
    for n, (body, chunk) in enumerate(zip(bodies, chunks, strict=True), start=1):
        # The title says which part this is and which services it holds, so a reader knows where to look.
        title = body["widgets"][0]["properties"]
        first, _, rest = title["markdown"].partition("\n")
        title["markdown"] = f"{first} (part {n} of {len(bodies)}: {_where(chunk)})\n{rest}"
    return {f"{name}-{n}": body for n, body in enumerate(bodies, start=1)}
