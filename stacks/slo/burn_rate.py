"""Burn-rate alarms of one service's SLOs, rendered from the plan (plan/slo.py, plan.build.slo_plans): per SLI,
one metric-math alarm per window, an AND composite per pair, a page composite (OR of the page pairs) and a
ticket composite (warning topic).

The page composite has no actions of its own: it is a child of the service's paging composite, so an incident
that burns the budget and also trips ServiceDown or HighErrorRate pages once, from one place, and resolves there.
"""
from __future__ import annotations

from typing import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import ServiceConfig, ServiceResources
from dashboards.model import AlarmRef
from plan.build import SLO_FAMILY, slo_plans
from plan.model import AlarmPlan, CompositePlan, SloPlan
from stacks.monitoring.alarm_factory import render_alarm, render_composite

__all__ = ["ServiceSlos", "FAMILY"]

FAMILY = SLO_FAMILY


def _local_id(construct_id: str) -> str:
    return construct_id.split("/", 1)[1]  # the plan's "Slo/<id>": ids inside this construct


class ServiceSlos(Construct):
    """The SLO alarms of one service. ``page`` holds the page composites per SLI (children for the service's
    paging composite, no actions), ``ticket`` the ticket composites (warning topic, held by ``maintenance``);
    ``alarm_refs`` lists everything for dashboards. ``alarms``, ``composites`` and ``slos`` are the plan's entries
    (planned here from ``resources`` when not given).

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> svc, stack = cfg.services[0], Stack(App(), "Example")
    >>> slos = ServiceSlos(stack, "Slo", cfg=cfg, service=svc, resources=svc.resources, topics={},
    ...                    maintenance=None)
    >>> len(slos.page), len(slos.ticket)  # a page and a ticket composite per SLI
    (2, 2)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 resources: ServiceResources, topics: dict[str, sns.ITopic],
                 maintenance: cloudwatch.IAlarm | None, alarms: Sequence[AlarmPlan] | None = None,
                 composites: Sequence[CompositePlan] | None = None, slos: Sequence[SloPlan] | None = None) -> None:
        super().__init__(scope, construct_id)
        if alarms is None or composites is None or slos is None:
            alarms, composites, slos = slo_plans(cfg, service, resources)
        self.alarm_refs: list[AlarmRef] = []
        self.page: list[cloudwatch.CompositeAlarm] = []
        self.ticket: list[cloudwatch.CompositeAlarm] = []
        made: dict[str, cloudwatch.IAlarm] = {}
        self.by_name = made  # every alarm and composite made here, by name
        alarm_by_name = {a.name: a for a in alarms}
        composite_by_name = {c.name: c for c in composites}

        def alarm(name: str) -> None:
            entry = alarm_by_name[name]
            created = render_alarm(self, _local_id(entry.construct_id), cfg=cfg, entry=entry)
            made[entry.name] = created.alarm
            self.alarm_refs.append(created.ref)

        def composite(name: str) -> cloudwatch.CompositeAlarm:
            entry = composite_by_name[name]
            created = render_composite(self, _local_id(entry.construct_id), cfg=cfg, entry=entry,
                                       alarm_of=made.__getitem__, topics=topics,
                                       suppressor=maintenance if entry.suppressor else None)
            made[entry.name] = created.alarm
            self.alarm_refs.append(created.ref)
            return created.alarm

        # Per SLI: each pair's windows, then the pair; then the page and ticket composites (dashboards list
        # the alarms in this order).
        for slo in slos:
            pair_names = list(dict.fromkeys(w.pair for w in slo.windows))  # BURN_PAIRS order, as slo.pairs
            for pair_name, pair in zip(pair_names, slo.pairs, strict=True):
                for window in slo.windows:
                    if window.pair == pair_name:
                        alarm(window.alarm)
                composite(pair)
            self.page.append(composite(slo.page))
            self.ticket.append(composite(slo.ticket))
