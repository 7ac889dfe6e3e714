"""Monitoring stacks, rendered from the plan: ``<app>-<env>-Maintenance`` (the manual switch) and, per service,
``<app>-<env>-Monitoring-<service>`` with its composites and SLOs, plus ``...-partN`` stacks when the service is
too big for one template (the plan decides the parts)."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from aws_cdk import App, Stack, aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from plan.build import plan_environment
from plan.model import Plan, ServicePlan
from plan.signals import MetricSpec
from stacks.monitoring.alarm_factory import CreatedComposite, render_alarm, render_composite
from stacks.monitoring.maintenance import MaintenanceSwitch, mute_rules
from stacks.monitoring.service_alarms import ServiceAlarms
from stacks.naming import stack_name
from stacks.slo.burn_rate import ServiceSlos
from stacks.slo.native import NativeSlos
from stacks.synthetics.canary import CanaryRef
from stacks.wiring import local_alarm, local_topic, local_topics

__all__ = ["MaintenanceStack", "MonitoringStack", "MonitoringPartStack", "build_monitoring"]

ExtraChildren = Mapping[str, Sequence[tuple[cloudwatch.IAlarm, str]]]


class MaintenanceStack(Stack):
    """Holds the manual maintenance alarm every paging composite uses as its ActionsSuppressor.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> maintenance = MaintenanceStack(App(), "watchtower-dev-Maintenance", cfg=load_config("dev"))
    >>> [ref.name for ref in maintenance.alarm_refs]  # its alarm is the ActionsSuppressor of every paging composite
    ['watchtower-dev-all-maintenance-Maintenance-info']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.switch = MaintenanceSwitch(self, "Switch", cfg=cfg)
        self.alarm = self.switch.alarm
        self.alarm_refs: list[AlarmRef] = [self.switch.ref]


def _service_alarms(stack: Stack, cfg: EnvironmentConfig, plan: Plan, service: ServicePlan,
                    topics: Mapping[str, sns.ITopic]) -> ServiceAlarms:
    """The catalog alarms the plan puts in ``stack`` (resource alarms only: SLO and canary alarms have their
    own constructs)."""
    concern = stack.node.id.removeprefix(f"{cfg.app}-{cfg.env}-")
    entries = [a for a in plan.alarms_of(service.name, concern) if a.kind not in ("slo", "canary")]
    config, everything = service.config, _all_resources(service)
    return ServiceAlarms(stack, "Alarms", cfg=cfg, service=config, resources=everything, info_topic=topics["info"],
                         all_resources=everything, warning_topic=topics.get("warning"), entries=entries)


def _all_resources(service: ServicePlan):
    from config.services import RESOURCE_KINDS, ServiceResources

    return ServiceResources(**{kind: tuple(r.ref for r in service.resources if r.kind == kind)
                               for kind in RESOURCE_KINDS})


class MonitoringPartStack(Stack):
    """Alarms of one part of a big service, rolled up into part composites that feed the service's composites.

    Example
    -------
    >>> from config.loader import load_config
    >>> from config.services import ServiceConfig
    >>> fleet = ServiceConfig(name="fleet", resources={"functions": [f"fleet-fn{i}" for i in range(40)]})
    >>> cfg = load_config("prod").model_copy(update={"services": [fleet]})
    >>> plan, app = plan_environment(cfg), App()
    >>> plan.service("fleet").parts  # 40 functions' alarms are too many for one stack
    2
    >>> alerting = Stack(app, "Alerting")
    >>> topics = {severity: sns.Topic(alerting, severity) for severity in ("critical", "warning", "info")}
    >>> part = MonitoringPartStack(app, "watchtower-prod-Monitoring-fleet-part2", cfg=cfg, plan=plan,
    ...                            service=plan.service("fleet"), topics=topics)
    >>> sorted(part.rollups)
    ['critical', 'warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, plan: Plan,
                 service: ServicePlan, topics: Mapping[str, sns.ITopic], **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        concern = construct_id.removeprefix(f"{cfg.app}-{cfg.env}-")
        # by name: no export that would freeze the topic
        local = {severity: local_topic(self, topic) for severity, topic in topics.items() if severity == "info"}
        alarms = _service_alarms(self, cfg, plan, service, {**local, "warning": topics["warning"]})
        self.alarm_refs: list[AlarmRef] = [c.ref for c in alarms.created]
        made: dict[str, cloudwatch.IAlarm] = {c.entry.name: c.alarm for c in alarms.created}
        self.rollups: dict[str, CreatedComposite] = {}
        for entry in plan.composites_of(service.name, concern):
            created = render_composite(self, entry.construct_id, cfg=cfg, entry=entry, alarm_of=made.__getitem__)
            made[entry.name] = created.alarm
            self.alarm_refs.append(created.ref)
            if "-group" not in entry.resource:
                self.rollups[str(entry.severity)] = created


class MonitoringStack(Stack):
    """One service: its alarms (first part), canary alarms, SLOs, and the critical / warning / health
    composites, as the plan has them. ``alarm_refs`` lists every alarm of the service for dashboards.
    ``canary`` is the service's canary as the synthetics stack made it; its name must be the one the plan's
    canary alarms watch.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> app, cfg = App(), load_config("dev")
    >>> from aws_cdk import Stack, aws_sns as sns
    >>> alerting = Stack(app, "Alerting")
    >>> topics = {severity: sns.Topic(alerting, severity) for severity in ("critical", "warning", "info")}
    >>> plan, maintenance = plan_environment(cfg), MaintenanceStack(app, "watchtower-dev-Maintenance", cfg=cfg)
    >>> stack = MonitoringStack(app, "watchtower-dev-Monitoring-demo", cfg=cfg, plan=plan, service=plan.service("demo"),
    ...                         topics=topics, maintenance=maintenance.alarm)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, plan: Plan,
                 service: ServicePlan, topics: Mapping[str, sns.ITopic], maintenance: cloudwatch.IAlarm,
                 parts: Sequence[MonitoringPartStack] = (), canary: CanaryRef | None = None, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        concern = construct_id.removeprefix(f"{cfg.app}-{cfg.env}-")
        # Other stacks' topics and alarms by name: an export would block replacing or removing them.
        topics, maintenance = local_topics(self, dict(topics)), local_alarm(self, maintenance)
        config = service.config
        alarms = _service_alarms(self, cfg, plan, service, topics)
        self.alarm_refs: list[AlarmRef] = [c.ref for c in alarms.created]
        made: dict[str, cloudwatch.IAlarm] = {c.entry.name: c.alarm for c in alarms.created}
        for part in parts:
            self.alarm_refs.extend(part.alarm_refs)
            for rollup in part.rollups.values():
                made[rollup.entry.name] = local_alarm(self, rollup.alarm)
        canary_entries = [a for a in plan.alarms_of(service.name, concern) if a.kind == "canary"]
        planned_canaries = {dict(a.signal.metric.dimensions).get("CanaryName") for a in canary_entries
                            if a.signal is not None and isinstance(a.signal.metric, MetricSpec)}
        if canary is not None and planned_canaries != {canary.name}:
            # the synthetics stack made a canary the plan does not watch (or watches under another name)
            raise ValueError(f"service {service.name}: canary {canary.name} is not the one the plan watches "
                             f"({', '.join(sorted(filter(None, planned_canaries))) or 'none'})")
        if canary_entries:  # the service's canary alarms, beside the composites that name them
            scope = Construct(self, "CanaryAlarms")
            for entry in canary_entries:
                created = render_alarm(scope, entry.construct_id, cfg=cfg, entry=entry, topics=topics)
                made[entry.name] = created.alarm
                self.alarm_refs.append(created.ref)
        # The SLO page composites are children of the paging composite (one page per incident); tickets act on
        # the warning topic. Everything that reaches people is held by the maintenance switch.
        slo_names = {s.page for s in plan.slos if s.service == service.name} | {
            s.ticket for s in plan.slos if s.service == service.name}
        slo_composites = [c for c in plan.composites_of(service.name, concern) if c.construct_id.startswith("Slo/")]
        self.slos = ServiceSlos(self, "Slo", cfg=cfg, service=config, resources=_all_resources(service),
                                topics=dict(topics), maintenance=maintenance,
                                alarms=[a for a in plan.alarms_of(service.name, concern) if a.kind == "slo"],
                                composites=slo_composites,
                                slos=[s for s in plan.slos if s.service == service.name])
        self.alarm_refs.extend(self.slos.alarm_refs)
        made.update(self.slos.by_name)
        assert len(slo_names) == len(self.slos.page) + len(self.slos.ticket)
        # The same SLOs as Application Signals objects: attainment and budget in the console, no paging.
        self.native_slos = NativeSlos(self, "NativeSlo", cfg=cfg, service=config, resources=_all_resources(service))
        rendered: dict[str, cloudwatch.CompositeAlarm] = {}
        for composite in plan.composites_of(service.name, concern):
            if composite.construct_id.startswith("Slo/"):
                continue
            composite_made = render_composite(self, composite.construct_id, cfg=cfg, entry=composite,
                                              alarm_of=made.__getitem__, topics=topics,
                                              suppressor=maintenance if composite.suppressor else None)
            made[composite.name] = rendered[composite.construct_id] = composite_made.alarm
            self.alarm_refs.append(composite_made.ref)
        # Only the critical composite pages.
        self.critical = rendered.get("Critical")
        self.warning = rendered.get("Warning")
        self.health = rendered.get("Health")
        self.paging = [c for c in (self.critical,) if c is not None]
        # Scheduled windows mute everything of the service that reaches people, not only what pages.
        self.people_reaching = [c for c in (self.critical, self.warning, *self.slos.ticket) if c is not None]
        if config.maintenance_windows and self.people_reaching:
            mute_rules(self, cfg, service.name, config.maintenance_windows, self.people_reaching)


def build_monitoring(app: App, cfg: EnvironmentConfig, *, topics: Mapping[str, sns.ITopic],
                     props: Callable[[str], dict], extra_children: ExtraChildren | None = None,
                     log_group_stacks: Sequence[Stack] = (),
                     canaries: Mapping[str, CanaryRef] | None = None, plan: Plan | None = None) -> dict[str, Stack]:
    """The maintenance stack and every service's monitoring stacks, keyed by concern, rendered from ``plan``
    (default: the plan of ``cfg``).

    ``log_group_stacks`` create or retain the functions' log groups; the ERROR-log metric filters need those
    groups to exist, so every monitoring stack deploys after them. Alarms that are not in the plan cannot join
    a service's composites: ``extra_children`` must be empty (canary alarms of composed services are planned).

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("dev")
    >>> from aws_cdk import Stack, aws_sns as sns
    >>> alerting = Stack(app, "Alerting")
    >>> topics = {severity: sns.Topic(alerting, severity) for severity in ("critical", "warning", "info")}
    >>> stacks = build_monitoring(app, cfg, topics=topics, props=lambda concern: {})
    >>> sorted(stacks)
    ['Maintenance', 'Monitoring-demo']
    """
    unplanned = sorted(service for service, children in (extra_children or {}).items() if children)
    if unplanned:
        raise ValueError(f"extra_children are not in the plan, so no composite can name them: "
                         f"{', '.join(unplanned)}")
    plan = plan or plan_environment(cfg)
    stacks: dict[str, Stack] = {}
    maintenance = MaintenanceStack(app, stack_name(cfg, "Maintenance"), cfg=cfg, **props("Maintenance"))
    stacks["Maintenance"] = maintenance
    for service in plan.services:
        parts = []
        for index in range(2, service.parts + 1):
            concern = f"Monitoring-{service.name}-part{index}"
            parts.append(MonitoringPartStack(app, stack_name(cfg, concern), cfg=cfg, plan=plan, service=service,
                                             topics=topics, **props(concern)))
            stacks[concern] = parts[-1]
        concern = f"Monitoring-{service.name}"
        for stack in parts:
            for dependency in log_group_stacks:
                stack.add_stack_dependency(dependency)
        stacks[concern] = MonitoringStack(app, stack_name(cfg, concern), cfg=cfg, plan=plan, service=service,
                                          topics=topics, maintenance=maintenance.alarm, parts=parts,
                                          canary=(canaries or {}).get(service.name), **props(concern))
        for dependency in log_group_stacks:
            stacks[concern].add_stack_dependency(dependency)
    return stacks
