"""Monitoring stacks: ``<app>-<env>-Maintenance`` (the manual switch) and, per service,
``<app>-<env>-Monitoring-<service>`` with its composites and SLOs, plus ``...-partN`` stacks when the service is
too big for one template."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from aws_cdk import App, Stack, aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import ServiceConfig, ServiceResources
from dashboards.model import AlarmRef
from plan.discovery import service_resources
from plan.regions import unpinned_resources
from stacks.monitoring.composites import Child, CompositeSpec, any_of
from stacks.monitoring.maintenance import MaintenanceSwitch, mute_rules
from stacks.monitoring.partition import partition
from stacks.monitoring.service_alarms import ServiceAlarms
from stacks.naming import alarm_name, stack_name
from stacks.slo.burn_rate import ServiceSlos
from stacks.slo.native import NativeSlos
from stacks.synthetics.alarms import CanaryAlarms
from stacks.synthetics.canary import CanaryRef
from stacks.wiring import local_alarm, local_topic, local_topics

__all__ = ["MaintenanceStack", "MonitoringStack", "MonitoringPartStack", "build_monitoring"]

ExtraChildren = Mapping[str, Sequence[tuple[cloudwatch.IAlarm, str]]]


def _children(alarms: ServiceAlarms, severity: str) -> list[Child]:
    return [Child(c.alarm, c.ref.name) for c in alarms.created if c.severity == severity]


class MaintenanceStack(Stack):
    """Holds the manual maintenance alarm every paging composite uses as its ActionsSuppressor.

    Example
    -------
    >>> maintenance = MaintenanceStack(app, "watchtower-prod-Maintenance", cfg=cfg)  # doctest: +SKIP
    >>> maintenance.alarm  # the ActionsSuppressor of every paging composite  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.switch = MaintenanceSwitch(self, "Switch", cfg=cfg)
        self.alarm = self.switch.alarm
        self.alarm_refs: list[AlarmRef] = [self.switch.ref]


class MonitoringPartStack(Stack):
    """Alarms of one part of a big service, rolled up into part composites that feed the service's composites.

    Example
    -------
    >>> part = MonitoringPartStack(app, "watchtower-prod-Monitoring-fleet-part2", cfg=cfg, service=svc,
    ...                            resources=parts[1], part=2, info_topic=alerting.topics["info"])  # doctest: +SKIP
    >>> sorted(part.rollups)  # doctest: +SKIP
    ['critical', 'warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 resources: ServiceResources, part: int, info_topic: sns.ITopic,
                 all_resources: ServiceResources | None = None, warning_topic: sns.ITopic | None = None,
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        info_topic = local_topic(self, info_topic)  # by name: no export that would freeze the topic
        base_url = service.runbook_base_url or cfg.runbook_base_url
        alarms = ServiceAlarms(self, "Alarms", cfg=cfg, service=service, resources=resources, info_topic=info_topic,
                               all_resources=all_resources, warning_topic=warning_topic)
        self.alarm_refs: list[AlarmRef] = [c.ref for c in alarms.created]
        self.rollups: dict[str, Child] = {}
        for severity in ("critical", "warning"):
            spec = CompositeSpec(service=service.name, resource=f"part{part}", signal=severity.title(),
                                 severity=severity, what=f"part {part} rollup", refs=self.alarm_refs)
            composite = any_of(self, f"{severity.title()}Rollup", cfg=cfg, spec=spec,
                               children=_children(alarms, severity), runbook_base_url=base_url)
            if composite is not None:
                self.rollups[severity] = Child(composite, alarm_name(cfg, service.name, f"part{part}",
                                                                     severity.title(), severity))


class MonitoringStack(Stack):
    """One service: its alarms (first part), SLOs, and the critical / warning / health composites.

    ``extra_children`` are alarms built elsewhere (e.g. canary alarms) as ``[(alarm, severity)]``; they join the
    composites of their severity. SLOs are measured on ``all_resources`` (default: ``resources``), since a big
    service's API may sit in another part. ``alarm_refs`` lists every alarm of the service for dashboards.

    Example
    -------
    >>> MonitoringStack(app, "watchtower-prod-Monitoring-orders", cfg=cfg, service=svc,
    ...                 resources=svc.resources, topics=alerting.topics,
    ...                 maintenance=maintenance.alarm)  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 resources: ServiceResources, topics: Mapping[str, sns.ITopic], maintenance: cloudwatch.IAlarm,
                 parts: Sequence[MonitoringPartStack] = (),
                 extra_children: Sequence[tuple[cloudwatch.IAlarm, str]] = (),
                 all_resources: ServiceResources | None = None, canary: CanaryRef | None = None,
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # Other stacks' topics and alarms by name: an export would block replacing or removing them.
        topics, maintenance = local_topics(self, dict(topics)), local_alarm(self, maintenance)
        extra_children = [(local_alarm(self, alarm), severity) for alarm, severity in extra_children]
        base_url = service.runbook_base_url or cfg.runbook_base_url
        alarms = ServiceAlarms(self, "Alarms", cfg=cfg, service=service, resources=resources,
                               info_topic=topics["info"], all_resources=all_resources,
                               warning_topic=topics["warning"])
        self.alarm_refs: list[AlarmRef] = [c.ref for c in alarms.created]
        for part in parts:
            self.alarm_refs.extend(part.alarm_refs)

        children: dict[str, list[Child]] = {severity: _children(alarms, severity) for severity in topics}
        for part in parts:
            for severity, rollup in part.rollups.items():
                children[severity].append(Child(local_alarm(self, rollup.alarm), rollup.name))
        for alarm, severity in extra_children:
            children[severity].append(Child(alarm, alarm.alarm_name))
        if canary is not None:  # the service's canary alarms, beside the composites that name them
            canary_alarms = CanaryAlarms(self, "CanaryAlarms", cfg=cfg, canary=canary)
            for (alarm, severity), ref in zip(canary_alarms.children, canary_alarms.refs, strict=True):
                children[severity].append(Child(alarm, ref.name))
            self.alarm_refs.extend(canary_alarms.refs)

        def composite(severity: str, signal: str, what: str, kids: list[Child], topic: sns.ITopic,
                      suppressor: cloudwatch.IAlarm | None = None) -> cloudwatch.CompositeAlarm | None:
            spec = CompositeSpec(service=service.name, resource="service", signal=signal, severity=severity,
                                 what=what, topic=topic, suppressor=suppressor, refs=self.alarm_refs)
            return any_of(self, signal, cfg=cfg, spec=spec, children=kids, runbook_base_url=base_url)

        # The SLO page composites are children of the paging composite (one page per incident); tickets act on
        # the warning topic. Everything that reaches people is held by the maintenance switch.
        self.slos = ServiceSlos(self, "Slo", cfg=cfg, service=service, resources=all_resources or resources,
                                topics=dict(topics), maintenance=maintenance)
        self.alarm_refs.extend(self.slos.alarm_refs)
        # The same SLOs as Application Signals objects: attainment and budget in the console, no paging.
        self.native_slos = NativeSlos(self, "NativeSlo", cfg=cfg, service=service, resources=all_resources or resources)
        slo_pages = [Child(c, c.alarm_name) for c in self.slos.page]
        # Only this composite pages.
        self.critical = composite("critical", "Critical", "paging composite", children["critical"] + slo_pages,
                                  topics["critical"], suppressor=maintenance)
        self.warning = composite("warning", "Warning", "warning composite", children["warning"], topics["warning"],
                                 suppressor=maintenance)
        health_children = [Child(c, c.alarm_name) for c in (self.critical, self.warning, *self.slos.page,
                                                            *self.slos.ticket) if c is not None]
        health_children += children["info"]
        self.health = composite("info", "Health", "health composite (anything wrong)", health_children,
                                topics["info"])
        self.paging = [c for c in (self.critical,) if c is not None]
        # Scheduled windows mute everything of the service that reaches people, not only what pages.
        self.people_reaching = [c for c in (self.critical, self.warning, *self.slos.ticket) if c is not None]
        if service.maintenance_windows and self.people_reaching:
            mute_rules(self, cfg, service.name, service.maintenance_windows, self.people_reaching)


def build_monitoring(app: App, cfg: EnvironmentConfig, *, topics: Mapping[str, sns.ITopic],
                     props: Callable[[str], dict], extra_children: ExtraChildren | None = None,
                     log_group_stacks: Sequence[Stack] = (),
                     canaries: Mapping[str, CanaryRef] | None = None) -> dict[str, Stack]:
    """The maintenance stack and every service's monitoring stacks, keyed by concern.

    ``log_group_stacks`` create or retain the functions' log groups; the ERROR-log metric filters need those
    groups to exist, so every monitoring stack deploys after them.

    Example
    -------
    >>> stacks = build_monitoring(app, cfg, topics=alerting.topics, props=props)  # doctest: +SKIP
    >>> sorted(stacks)  # doctest: +SKIP
    ['Maintenance', 'Monitoring-orders']
    """
    extra_children = extra_children or {}
    unknown = sorted(set(extra_children) - {s.name for s in cfg.services})
    if unknown:
        raise ValueError(f"extra_children name unknown services: {', '.join(unknown)}")
    stacks: dict[str, Stack] = {}
    maintenance = MaintenanceStack(app, stack_name(cfg, "Maintenance"), cfg=cfg, **props("Maintenance"))
    stacks["Maintenance"] = maintenance
    for service in cfg.services:
        # Kinds whose metrics exist in another region only are alarmed on there (stacks/pinned_monitoring_stack.py).
        resources = unpinned_resources(service_resources(service), home=cfg.region)
        first, *rest = partition(service, resources)
        parts = []
        for index, part_resources in enumerate(rest, start=2):
            concern = f"Monitoring-{service.name}-part{index}"
            parts.append(MonitoringPartStack(app, stack_name(cfg, concern), cfg=cfg, service=service,
                                             resources=part_resources, part=index, info_topic=topics["info"],
                                             all_resources=resources, warning_topic=topics["warning"],
                                             **props(concern)))
            stacks[concern] = parts[-1]
        concern = f"Monitoring-{service.name}"
        for stack in parts:
            for dependency in log_group_stacks:
                stack.add_stack_dependency(dependency)
        stacks[concern] = MonitoringStack(app, stack_name(cfg, concern), cfg=cfg, service=service, resources=first,
                                          topics=topics, maintenance=maintenance.alarm, parts=parts,
                                          extra_children=extra_children.get(service.name, ()),
                                          canary=(canaries or {}).get(service.name),
                                          all_resources=resources, **props(concern))
        for dependency in log_group_stacks:
            stacks[concern].add_stack_dependency(dependency)
    return stacks
