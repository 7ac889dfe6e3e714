"""Split a service's resources into parts so each monitoring stack stays far below CloudFormation's limits
(500 resources and 1 MB per template): a 200-function service becomes several stacks."""
from __future__ import annotations

from config.services import RESOURCE_KINDS, ServiceConfig, ServiceResources
from stacks.monitoring.service_alarms import planned_alarms

__all__ = ["partition", "PART_RESOURCE_BUDGET"]

# Alarms + metric filters per stack. A math alarm renders to ~1.7 KB of template, so 350 stays near 600 KB
# and leaves 150 resources of headroom for composites, SLOs and extra children.
PART_RESOURCE_BUDGET = 350


def _weight(service: ServiceConfig, kind: str, ref) -> int:
    alarms = planned_alarms(service, ServiceResources(**{kind: (ref,)}))
    has_log_filter = any(family == "ErrorLogs" for _, _, family, _ in alarms)
    return len(alarms) + (1 if has_log_filter else 0)


def partition(service: ServiceConfig, resources: ServiceResources,
              budget: int = PART_RESOURCE_BUDGET) -> list[ServiceResources]:
    """Resources in parts of at most ``budget`` alarms and filters each, in config order; at least one part.

    Example
    -------
    >>> svc = ServiceConfig(name="orders", resources={"functions": [f"fn{i}" for i in range(200)]})
    >>> len(partition(svc, svc.resources))
    7
    """
    parts: list[dict[str, list]] = [{kind: [] for kind in RESOURCE_KINDS}]
    used = 0
    for kind in RESOURCE_KINDS:
        for ref in getattr(resources, kind):
            weight = _weight(service, kind, ref)
            if used and used + weight > budget:
                parts.append({k: [] for k in RESOURCE_KINDS})
                used = 0
            parts[-1][kind].append(ref)
            used += weight
    return [ServiceResources(**{kind: tuple(refs) for kind, refs in part.items()}) for part in parts]
