"""Plain data the stacks hand to dashboard builders, so dashboards never import stacks."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["AlarmRef", "AppResources"]


@dataclass(frozen=True)
class AlarmRef:
    """One alarm the app creates, as dashboards need it.

    ``arn`` may be a CloudFormation token string when built inside a stack. ``threshold`` (optional, added for
    dashboards) lets a graph draw the alarm's threshold as a horizontal annotation.

    Example
    -------
    >>> AlarmRef(name="watchtower-prod-orders-composite-Critical-critical", arn="arn:...", service="orders",
    ...          severity="critical", kind="composite", family="Composite")  # doctest: +SKIP
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
