"""Plain data the stacks hand to dashboard builders, so dashboards never import stacks."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AlarmRef"]


@dataclass(frozen=True)
class AlarmRef:
    """One alarm the app creates, as dashboards need it.

    ``arn`` may be a CloudFormation token string when built inside a stack.

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
