"""``<app>-<env>-Dashboards``: every dashboard of the environment, each body built by dashboards/ from the plan."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aws_cdk import ArnFormat, Stack, Token, aws_cloudwatch as cloudwatch
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.limits import check_body
from dashboards.model import AlarmRef, AppResources, alarm_refs
from dashboards.registry import DASHBOARDS, build_parts
from dashboards.widgets import REGION_PLACEHOLDER
from plan.model import Plan
from stacks.naming import resource_name

__all__ = ["DashboardsStack", "outside_plan", "with_region"]


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


def outside_plan(cfg: EnvironmentConfig, plan: Plan, stacks: Iterable[Stack]) -> dict[str, Any]:
    """What DashboardsStack needs that the plan does not hold, read from the names the stacks expose (never
    from their construct trees): the alert router's function and DLQ, each service's canary, and the alarms of
    stacks outside the plan (router health, cost, canaries run from extra regions) with their regions.

    A stack with ``function_name`` and ``dlq_name`` is the alert router; one with ``canaries`` (service ->
    canary construct) adds canary names; ``alarm_refs`` of a stack contribute the alarms the plan has not.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> app, cfg = App(), load_config("dev")
    >>> plan = plan_environment(cfg)
    >>> outside_plan(cfg, plan, [Stack(app, "Other")])["extra_alarms"]  # a stack without alarm_refs adds none
    []
    """
    stacks = list(stacks)
    planned = {a.name for a in plan.alarms} | {c.name for c in plan.composites}
    extra = [(stack, ref) for stack in stacks for ref in getattr(stack, "alarm_refs", ()) if ref.name not in planned]
    router = next((s for s in stacks if hasattr(s, "function_name") and hasattr(s, "dlq_name")), None)
    canaries: dict[str, str] = {}
    for stack in stacks:  # the home region's synthetics stack comes first; extra regions chart their own
        for service, canary in getattr(stack, "canaries", {}).items():
            name = getattr(canary, "name", None) or getattr(getattr(canary, "canary", None), "canary_name", None)
            # Synthetics names canaries {app}-{env}-{service}, lower-case (stacks/synthetics/canary.py).
            if isinstance(name, str) and not Token.is_unresolved(name):
                canaries.setdefault(service, name)
            else:
                canaries.setdefault(service, resource_name(cfg, service).lower())
    resources = AppResources(
        router_function=getattr(router, "function_name", "") or "",
        router_dlq=getattr(router, "dlq_name", "") or "",
        canaries=canaries,
    )
    # Alarms of stacks pinned to another region (extra canary regions) live there: their ARNs must say so.
    alarm_regions = {ref.name: stack.region for stack, ref in extra
                     if not Token.is_unresolved(stack.region) and stack.region != cfg.region}
    return {"extra_alarms": [ref for _, ref in extra], "resources": resources, "alarm_regions": alarm_regions}


class DashboardsStack(Stack):
    """One AWS::CloudWatch::Dashboard per entry of dashboards.registry.DASHBOARDS (split by services into
    ``<Name>-1``, ``<Name>-2``... when one body would break CloudWatch's limits).

    Services, their resources and the planned alarms (with the thresholds graphs draw) come from ``plan``;
    ``extra_alarms`` are the alarms of stacks outside the plan. ``bodies`` keeps each body as deployed (before
    CloudFormation resolves tokens), for tests and the preview.
    Alarm widgets name alarms by ARNs built from their names, so no stack exports an alarm to the dashboards.
    A body still over CloudWatch's limits (one service too big on its own) stops synth with one line naming
    the breach.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> app, cfg = App(), load_config("dev")
    >>> stack = DashboardsStack(app, "watchtower-dev-Dashboards", cfg=cfg, plan=plan_environment(cfg))
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, plan: Plan,
                 extra_alarms: Sequence[AlarmRef] = (), resources: AppResources = AppResources(),
                 alarm_regions: Mapping[str, str] | None = None, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._alarm_regions = dict(alarm_regions or {})
        self.bodies: dict[str, dict[str, Any]] = {}
        self.dashboards: dict[str, cloudwatch.CfnDashboard] = {}
        refs = alarm_refs(plan, self._arn) + [self._by_name(ref) for ref in extra_alarms]
        for kind in DASHBOARDS:
            for name, body in build_parts(kind, cfg, plan, refs, resources).items():
                dashboard_name = resource_name(cfg, name)
                check_body(dashboard_name, body)
                body = with_region(body, self.region)
                self.bodies[name] = body
                self.dashboards[name] = cloudwatch.CfnDashboard(
                    self, name.replace("-", ""), dashboard_name=dashboard_name,
                    dashboard_body=json.dumps(body, separators=(",", ":")))

    def _by_name(self, ref: AlarmRef) -> AlarmRef:
        """``ref`` with its ARN spelled from its (stable) name in this stack's account and region.

        An ARN token from another stack would become an export the dashboards import, and CloudFormation then
        refuses to delete or rename that alarm until the dashboards stop importing it. Alarm names never change
        (stacks/naming.py), so the ARN built from the name points at the same alarm without that coupling.
        ARNs already literal are kept; an alarm named in ``alarm_regions`` gets that region.
        """
        if not Token.is_unresolved(ref.arn) or Token.is_unresolved(ref.name):
            return ref
        return dataclasses.replace(ref, arn=self._arn(ref.name))

    def _arn(self, name: str) -> str:
        """The ARN of the alarm called ``name`` in this stack's account, in its own region (``alarm_regions``)."""
        return self.format_arn(service="cloudwatch", resource="alarm", resource_name=name,
                               region=self._alarm_regions.get(name), arn_format=ArnFormat.COLON_RESOURCE_NAME)
