"""Plain data dashboard builders read: a thin view of the plan's alarms, and the few deployed names (router,
DLQ, canaries) the plan does not hold, so dashboards never import stacks."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from plan.model import Plan

__all__ = ["AlarmRef", "AppResources", "alarm_refs"]


@dataclass(frozen=True)
class AlarmRef:
    """One alarm the app creates, as dashboards need it: a view of a plan entry (see ``alarm_refs``), or what a
    stack outside the plan (router health, cost) hands over.

    ``arn`` may be a CloudFormation token string when built inside a stack. ``threshold`` is the value the alarm
    compares (None for composites and anomaly bands), drawn on graphs as a horizontal annotation.

    Example
    -------
    >>> AlarmRef(name="watchtower-prod-orders-composite-Critical-critical", arn="arn:...", service="orders",
    ...          severity="critical", kind="composite", family="Composite").threshold is None
    True
    """

    name: str
    arn: str
    service: str
    severity: str  # critical | warning | info
    kind: str  # metric | math | anomaly | composite
    family: str  # alarm family, e.g. HighErrorRate; matches docs/runbooks/<family>.md
    resource: str = ""
    threshold: float | None = None


@dataclass(frozen=True)
class AppResources:
    """Names of resources other stacks create that dashboards chart (router, DLQ, canaries, log groups).

    Every field is optional: a dashboard leaves out what is not deployed in the environment.

    Example
    -------
    >>> AppResources(router_function="watchtower-dev-alert-router", router_dlq="watchtower-dev-router-dlq")
    AppResources(router_function='watchtower-dev-alert-router', router_dlq='watchtower-dev-router-dlq', \
canaries={}, log_groups={}, cost_checker_function='')
    """

    router_function: str = ""
    router_dlq: str = ""
    canaries: Mapping[str, str] = field(default_factory=dict)  # service -> canary name
    log_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # service -> log group names
    cost_checker_function: str = ""


def alarm_refs(plan: Plan, arn_of: Callable[[str], str]) -> list[AlarmRef]:
    """Every planned metric alarm and composite as an AlarmRef, its threshold the value the plan says it
    compares; ``arn_of`` spells an alarm's ARN from its name (the dashboards stack's account and region).
    Log alarms are left out: they run a Logs Insights query, which no metric graph draws, and the alarm
    widgets list metric and composite alarms.

    Example
    -------
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> refs = alarm_refs(plan_environment(load_config("prod")), lambda name: "arn:" + name)
    >>> ref = next(r for r in refs if r.name == "watchtower-prod-orders-orders-create-HighErrorRate-critical")
    >>> ref.kind, ref.family, ref.threshold
    ('math', 'HighErrorRate', 10.0)
    """
    refs = [AlarmRef(name=a.name, arn=arn_of(a.name), service=a.service, severity=str(a.severity), kind=a.type,
                     family=a.family, resource=a.resource,
                     threshold=float(a.value) if a.type in ("metric", "math") else None)
            for a in plan.alarms if a.type != "log"]
    refs += [AlarmRef(name=c.name, arn=arn_of(c.name), service=c.service, severity=str(c.severity), kind="composite",
                      family=c.family, resource=c.resource) for c in plan.composites]
    return refs
