"""``<app>-<env>-Dashboards``: every dashboard of the environment, each body built by dashboards/ from config."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.limits import check_body
from dashboards.model import AlarmRef, AppResources
from dashboards.registry import DASHBOARDS
from dashboards.widgets import REGION_PLACEHOLDER
from stacks.naming import resource_name

__all__ = ["DashboardsStack", "with_region"]


def with_region(value: Any, region: str) -> Any:
    """``value`` with every REGION_PLACEHOLDER string replaced by ``region`` (a literal or the region token).

    Example
    -------
    >>> with_region({"a": ["${AWS::Region}", "x"]}, "eu-west-1")
    {'a': ['eu-west-1', 'x']}
    """
    if isinstance(value, dict):
        return {k: with_region(v, region) for k, v in value.items()}
    if isinstance(value, list):
        return [with_region(v, region) for v in value]
    return region if value == REGION_PLACEHOLDER else value


class DashboardsStack(Stack):
    """One AWS::CloudWatch::Dashboard per entry of dashboards.registry.DASHBOARDS.

    ``bodies`` keeps each body as deployed (before CloudFormation resolves tokens), for tests and the preview.
    A body over CloudWatch's limits stops synth with one line naming the breach.

    Example
    -------
    >>> DashboardsStack(app, "watchtower-dev-Dashboards", cfg=cfg, alarm_refs=monitoring.alarm_refs)  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 alarm_refs: Sequence[AlarmRef] = (), resources: AppResources = AppResources(), **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.bodies: dict[str, dict[str, Any]] = {}
        self.dashboards: dict[str, cloudwatch.CfnDashboard] = {}
        for name, builder in DASHBOARDS.items():
            dashboard_name = resource_name(cfg, name)
            body = builder(cfg, list(alarm_refs), resources)
            check_body(dashboard_name, body)
            body = with_region(body, self.region)
            self.bodies[name] = body
            self.dashboards[name] = cloudwatch.CfnDashboard(
                self, name, dashboard_name=dashboard_name, dashboard_body=json.dumps(body, separators=(",", ":")))
