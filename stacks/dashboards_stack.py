"""``<app>-<env>-Dashboards`` (and ``-Dashboards-2``... at scale): every dashboard of the environment, each body
built by dashboards/ from the plan, spread over as many stacks as CloudFormation's template size needs."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from aws_cdk import ArnFormat, Stack, Token, aws_cloudwatch as cloudwatch
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.limits import (
    DASHBOARDS_TEMPLATE_BUDGET,
    MAX_DASHBOARDS_PER_STACK,
    DashboardLimitError,
    body_problems,
    check_body,
)
from dashboards.model import AlarmRef, AppResources, alarm_refs
from dashboards.registry import DASHBOARDS, build_parts
from dashboards.widgets import REGION_PLACEHOLDER
from plan.deploy_time import is_deploy_time
from plan.model import Plan
from stacks.monitoring.deploy_ids import resolve_key
from stacks.naming import resource_name, stack_name

__all__ = ["DashboardsStack", "build_dashboards", "outside_plan", "pack", "rendered_bytes", "with_region"]


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


def rendered_bytes(stack: Stack, logical_id: str, dashboard_name: str, body: dict[str, Any]) -> int:
    """Bytes the dashboard takes in ``stack``'s template as CDK writes it (one-space indent): its body
    resolved (an env-agnostic stack's ARNs and region become ``Fn::Join`` pieces, each on its own line) and
    escaped into a string, with its name and type. A body renders 1.05 to 2 times its own size, so the
    template, not the body, is what must stay within CloudFormation's limit.

    Example
    -------
    >>> from aws_cdk import App
    >>> stack = Stack(App(), "Example")
    >>> rendered_bytes(stack, "Ops", "d", {"widgets": []})  # the body string, its name and type, indented
    145
    >>> rendered_bytes(stack, "Ops", "d", {"r": "eu-west-1"}), rendered_bytes(stack, "Ops", "d", {"r": stack.region})
    (150, 267)
    """
    text = json.dumps(body, separators=(",", ":"))
    # CDK spells a token inside a string as ${Token[...]}: only such a body needs the (slow) round trip to CDK's
    # resolver; a literal one renders as the string it is.
    value = stack.resolve(text) if "${Token[" in text else text
    resource = {"Type": "AWS::CloudWatch::Dashboard",
                "Properties": {"DashboardBody": value, "DashboardName": dashboard_name}}
    # Nested as in the template ({"Resources": {id: ...}}), so every line carries the indent it will have.
    nested = json.dumps({"Resources": {logical_id: resource}}, indent=1)
    return len(nested.encode()) - len('{\n "Resources": {\n\n }\n}')


def pack(sizes: Mapping[str, int], budget: int, most: int = MAX_DASHBOARDS_PER_STACK) -> list[list[str]]:
    """Dashboards (name -> rendered bytes, in registry order) placed into stacks: each goes into the first
    stack with room for it, so small dashboards stay in the first stack as the estate grows and a stack holds
    at most ``budget`` bytes and ``most`` dashboards. One bigger than the budget gets a stack of its own.

    Example
    -------
    >>> pack({"A": 600, "B": 600, "C": 300, "D": 500}, budget=1000)
    [['A', 'C'], ['B'], ['D']]
    """
    stacks: list[list[str]] = []
    used: list[int] = []
    for name, size in sizes.items():
        home = next((i for i, total in enumerate(used)
                     if total + size <= budget and len(stacks[i]) < most), None)
        if home is None:
            stacks.append([])
            used.append(0)
            home = len(stacks) - 1
        stacks[home].append(name)
        used[home] += size
    return stacks or [[]]


class DashboardsStack(Stack):
    """CloudWatch dashboards: every entry of dashboards.registry.DASHBOARDS (split by services into
    ``<Name>-1``, ``<Name>-2``... when one body would break CloudWatch's limits or not fit a template), or
    exactly ``bodies`` (``build_dashboards`` renders them in the first stack and spreads them over several).

    Services, their resources and the planned alarms (with the thresholds graphs draw) come from ``plan``;
    ``extra_alarms`` are the alarms of stacks outside the plan. ``bodies`` keeps each body as deployed (before
    CloudFormation resolves tokens), for tests and the preview; ``sizes`` the bytes each takes in a template.
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
    >>> sorted(stack.dashboards) == sorted(stack.sizes)
    True
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, plan: Plan | None = None,
                 extra_alarms: Sequence[AlarmRef] = (), resources: AppResources = AppResources(),
                 alarm_regions: Mapping[str, str] | None = None, bodies: Mapping[str, dict[str, Any]] | None = None,
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._cfg = cfg
        self._alarm_regions = dict(alarm_regions or {})
        self._arn_prefixes: dict[str | None, str] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self.sizes: dict[str, int] = {}
        self.dashboards: dict[str, cloudwatch.CfnDashboard] = {}
        if bodies is None:
            if plan is None:
                raise TypeError("DashboardsStack needs a plan to render, or the bodies to hold")
            bodies = self.render(plan, extra_alarms, resources)
        self.add(bodies)

    def render(self, plan: Plan, extra_alarms: Sequence[AlarmRef] = (),
               resources: AppResources = AppResources()) -> dict[str, dict[str, Any]]:
        """Every dashboard body of the environment, checked against CloudWatch's limits and with this stack's
        region in place, in registry order; ``sizes`` learns the bytes each takes in a template."""
        # A service placed in another region has its alarms there, so their widgets must name that region's ARNs.
        placed = [(a.name, a.service) for a in plan.alarms] + [(c.name, c.service) for c in plan.composites]
        for name, service in placed:
            region = plan.region_of(service) if service else None
            if region and region != self._cfg.region:
                self._alarm_regions.setdefault(name, region)
        refs = alarm_refs(plan, self._arn) + [self._by_name(ref) for ref in extra_alarms]
        bodies: dict[str, dict[str, Any]] = {}
        for kind in DASHBOARDS:
            for name, body in build_parts(kind, self._cfg, plan, refs, resources, problems=self._problems).items():
                dashboard_name = resource_name(self._cfg, name)
                check_body(dashboard_name, body)
                bodies[name] = with_region(body, self.region)
                self.sizes[name] = rendered_bytes(self, _logical_id(name), dashboard_name, bodies[name])
                if self.sizes[name] > DASHBOARDS_TEMPLATE_BUDGET:  # one service too big for a template on its own
                    raise DashboardLimitError(f"dashboard {dashboard_name}: renders to {self.sizes[name]} bytes of "
                                              f"template; a stack holds at most {DASHBOARDS_TEMPLATE_BUDGET}")
        return bodies

    def add(self, bodies: Mapping[str, dict[str, Any]], sizes: Mapping[str, int] | None = None) -> None:
        """One AWS::CloudWatch::Dashboard per body, named ``<app>-<env>-<name>`` (bodies already checked);
        ``sizes`` are their rendered bytes when another stack measured them."""
        for name, body in bodies.items():
            if sizes and name in sizes:
                self.sizes[name] = sizes[name]
            self.bodies[name] = body
            self.dashboards[name] = cloudwatch.CfnDashboard(
                self, _logical_id(name), dashboard_name=resource_name(self._cfg, name),
                dashboard_body=json.dumps(self._read_at_deploy(body), separators=(",", ":")))

    def _read_at_deploy(self, value: Any) -> Any:
        """``value`` with each metric key made at deploy (a plan's DeployTimeName: the label is no metric's key)
        replaced by this stack's read of it, as the monitoring stacks read theirs, so those graphs draw data."""
        if isinstance(value, dict):
            return {k: self._read_at_deploy(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._read_at_deploy(v) for v in value]
        return resolve_key(self, value, self._cfg.region) if is_deploy_time(value) else value

    def _problems(self, body: dict[str, Any]) -> list[str]:
        """CloudWatch's limits, and the template budget: a dashboard must fit one stack's template."""
        problems = body_problems(body)
        if not problems:
            size = rendered_bytes(self, "Part", resource_name(self._cfg, "Part"), with_region(body, self.region))
            if size > DASHBOARDS_TEMPLATE_BUDGET:
                problems.append(f"renders to {size} bytes of template; the budget is {DASHBOARDS_TEMPLATE_BUDGET}")
        return problems

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
        """The ARN of the alarm called ``name`` in this stack's account, in its own region (``alarm_regions``).

        The prefix is spelled once per region: each format_arn is a round trip to the CDK's JavaScript side,
        which at tens of thousands of alarms took minutes of a synth.
        """
        region = self._alarm_regions.get(name)
        if region not in self._arn_prefixes:
            self._arn_prefixes[region] = self.format_arn(
                service="cloudwatch", resource="alarm", resource_name="-", region=region,
                arn_format=ArnFormat.COLON_RESOURCE_NAME).removesuffix("-")
        return self._arn_prefixes[region] + name


def _logical_id(name: str) -> str:
    return name.replace("-", "")


def build_dashboards(app: Construct, cfg: EnvironmentConfig, *, plan: Plan, props: Callable[[str], dict[str, Any]],
                     extra_alarms: Sequence[AlarmRef] = (), resources: AppResources = AppResources(),
                     alarm_regions: Mapping[str, str] | None = None) -> dict[str, DashboardsStack]:
    """The dashboards of ``cfg``'s environment over as many stacks as their templates need: ``Dashboards``,
    then ``Dashboards-2``, ``Dashboards-3``... (concern -> stack), each within CloudFormation's template
    size. The first keeps its name, so an environment whose dashboards fit one stack deploys as before;
    ``props(concern)`` gives each stack's name, environment and description.

    At scale a dashboard can move to another stack when the ones before it grow or shrink. CloudFormation
    refuses to create a dashboard whose name exists ("already exists"), so the stack giving it up must update
    first: each stack depends on the one before, so a dashboard moving to a later stack moves in one deploy
    (deleted, then created under the same name); one moving to an earlier stack needs the later stack
    deployed on its own first (see the README's Dashboards section).

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> from stacks.naming import stack_name
    >>> cfg = load_config("dev")
    >>> stacks = build_dashboards(App(), cfg, plan=plan_environment(cfg),
    ...                           props=lambda concern: {"stack_name": stack_name(cfg, concern)})
    >>> list(stacks), len(stacks["Dashboards"].dashboards)
    (['Dashboards'], 7)
    """
    first = DashboardsStack(app, stack_name(cfg, "Dashboards"), cfg=cfg, bodies={}, alarm_regions=alarm_regions,
                            **props("Dashboards"))
    bodies = first.render(plan, extra_alarms, resources)
    sizes = dict(first.sizes)
    bins = pack(sizes, DASHBOARDS_TEMPLATE_BUDGET)
    first.sizes = {}
    first.add({name: bodies[name] for name in bins[0]}, sizes)
    stacks = {"Dashboards": first}
    for n, names in enumerate(bins[1:], start=2):
        concern = f"Dashboards-{n}"
        stacks[concern] = DashboardsStack(app, stack_name(cfg, concern), cfg=cfg, bodies={}, **props(concern))
        stacks[concern].add({name: bodies[name] for name in names}, sizes)
        stacks[concern].add_stack_dependency(stacks["Dashboards" if n == 2 else f"Dashboards-{n - 1}"],
                                       "a dashboard moving here is deleted from the stack before first")
    return stacks
