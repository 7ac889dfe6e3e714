"""The log groups of a service's functions: ``/aws/lambda/<name>`` unless the function names its own. A function
whose name is made at deploy (plan/deploy_time.py) has a log group nobody can name at synth: it is left out."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plan.deploy_time import is_deploy_time

__all__ = ["MonitoredFunction", "monitored_functions"]


@dataclass(frozen=True)
class MonitoredFunction:
    """A function whose logs this app manages, and its log group."""

    service: str
    name: str
    log_group: str


def monitored_functions(service: str, resources: Any) -> list[MonitoredFunction]:
    """Functions of ``resources`` (a ServiceResources) with their log group names.

    Example
    -------
    >>> from config.loader import load_config
    >>> svc = load_config("prod").services[0]
    >>> [f.log_group for f in monitored_functions("orders", svc.resources)][:2]
    ['/aws/lambda/orders-create', '/aws/lambda/orders-get']
    """
    return [
        MonitoredFunction(service, fn.name, getattr(fn, "log_group", None) or f"/aws/lambda/{fn.name}")
        for fn in getattr(resources, "functions", ()) if not is_deploy_time(fn.name)
    ]
