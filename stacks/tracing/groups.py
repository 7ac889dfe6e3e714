"""X-Ray groups per service: errors, faults and slow requests, with insights and insight notifications.

Traces are matched on the ``Service`` annotation the observability layer (Powertools Tracer) records on every
invocation, so a service's groups cover all of its functions.
"""
from __future__ import annotations

from aws_cdk import aws_xray as xray
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.naming import resource_name
from stacks.tracing.names import short_name

__all__ = ["ServiceTraceGroups", "group_filters"]


def group_filters(service: str, slow_threshold_ms: int) -> dict[str, str]:
    """Filter expressions by group kind; ``responsetime`` is in seconds.

    Example
    -------
    >>> group_filters("orders", 1500)["slow"]
    'annotation.Service = "orders" AND responsetime > 1.5'
    """
    match = f'annotation.Service = "{service}"'
    return {
        "errors": f"{match} AND error = true",
        "faults": f"{match} AND fault = true",
        "slow": f"{match} AND responsetime > {slow_threshold_ms / 1000:g}",
    }


class ServiceTraceGroups(Construct):
    """Three groups for ``service``; ``groups`` maps kind (errors, faults, slow) to the CfnGroup.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> groups = ServiceTraceGroups(stack, "Orders", cfg=cfg, service="orders", slow_threshold_ms=1000)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: str,
                 slow_threshold_ms: int) -> None:
        super().__init__(scope, construct_id)
        self.groups: dict[str, xray.CfnGroup] = {}
        for kind, expression in group_filters(service, slow_threshold_ms).items():
            self.groups[kind] = xray.CfnGroup(
                self,
                kind.capitalize(),
                group_name=short_name(resource_name(cfg, service, kind)),
                filter_expression=expression,
                insights_configuration=xray.CfnGroup.InsightsConfigurationProperty(
                    insights_enabled=True, notifications_enabled=True
                ),
            )
