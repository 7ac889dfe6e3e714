"""``<app>-<env>-Monitoring-<service>-<region>``: a service's alarms on resources whose metrics exist in one
region only (CloudFront: us-east-1), made in that region.

CloudWatch alarms read metrics of their own region, and a composite names alarms of its own region only, so the
service's home composites cannot include these alarms. They roll up beside their children instead, into the
pinned region's own composites: ``Critical`` notifies that region's critical topic, which the home router
subscribes to, so a CloudFront outage pages through the router (PagerDuty, chat, grouping, maintenance windows)
like every other page of the service; ``Warning`` notifies the region's warning topic. Both are held by that
region's copy of the maintenance switch and muted by the service's scheduled windows. The home composites see
none of these metrics, so one pinned-resource incident pages once.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from aws_cdk import App, Environment, Stack, aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import ServiceConfig, ServiceResources
from dashboards.model import AlarmRef
from plan.discovery import service_resources
from plan.regions import pinned_resources
from stacks.monitoring.composites import Child, CompositeSpec, any_of
from stacks.monitoring.maintenance import mute_rules
from stacks.monitoring.service_alarms import ServiceAlarms
from stacks.naming import stack_name
from stacks.regional_alerting_stack import RegionalAlertingStack
from stacks.wiring import local_alarm, local_topics

__all__ = ["PinnedMonitoringStack", "build_pinned_monitoring"]


class PinnedMonitoringStack(Stack):
    """One service's catalog alarms on ``resources`` (its kinds pinned to ``region``) and their composites.

    ``topics`` and ``maintenance`` are the region's (its Alerting-<region> stack), found by name.
    ``all_resources`` is everything the service lists, so alarm names match the home stacks' labels.

    Example
    -------
    >>> from config.loader import load_config
    >>> from stacks.regional_alerting_stack import build_regional_alerting
    >>> app, cfg = App(), load_config("prod")
    >>> cdn_only = ServiceResources(cloudfront_distributions=("E2EXAMPLE",))  # its metrics exist in us-east-1 only
    >>> svc = cfg.services[0].model_copy(update={"resources": cdn_only})
    >>> regionals = build_regional_alerting(app, cfg, routing=Stack(app, "Routing"), props=lambda concern: {})
    >>> regional = regionals["us-east-1"]
    >>> pinned = PinnedMonitoringStack(app, "watchtower-prod-Monitoring-orders-us-east-1", cfg=cfg, service=svc,
    ...                                region="us-east-1", resources=cdn_only, topics=regional.topics,
    ...                                maintenance=regional.maintenance.alarm)
    >>> pinned.critical.node.id
    'Critical'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 region: str, resources: ServiceResources, topics: Mapping[str, sns.ITopic],
                 maintenance: cloudwatch.IAlarm, all_resources: ServiceResources | None = None, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        topics, maintenance = local_topics(self, dict(topics)), local_alarm(self, maintenance)
        base_url = service.runbook_base_url or cfg.runbook_base_url
        alarms = ServiceAlarms(self, "Alarms", cfg=cfg, service=service, resources=resources,
                               info_topic=topics["info"], all_resources=all_resources,
                               warning_topic=topics["warning"])
        self.alarm_refs: list[AlarmRef] = [c.ref for c in alarms.created]
        made: dict[str, cloudwatch.CompositeAlarm | None] = {}
        for severity, signal, what in (("critical", "Critical", f"paging composite ({region})"),
                                       ("warning", "Warning", f"warning composite ({region})")):
            kids = [Child(c.alarm, c.ref.name) for c in alarms.created if c.severity == severity]
            spec = CompositeSpec(service=service.name, resource=region, signal=signal, severity=severity, what=what,
                                 topic=topics[severity], suppressor=maintenance)
            composites = any_of(self, signal, cfg=cfg, spec=spec, children=kids, runbook_base_url=base_url)
            made[severity] = composites[-1].alarm if composites else None
            self.alarm_refs.extend(c.ref for c in composites)
        self.critical, self.warning = made["critical"], made["warning"]
        self.people_reaching = [c for c in (self.critical, self.warning) if c is not None]
        if service.maintenance_windows and self.people_reaching:
            mute_rules(self, cfg, f"{service.name}-{region}", service.maintenance_windows, self.people_reaching)


def build_pinned_monitoring(app: App, cfg: EnvironmentConfig, *, regional: Mapping[str, RegionalAlertingStack],
                            props: Callable[[str], dict]) -> dict[str, PinnedMonitoringStack]:
    """One ``Monitoring-<service>-<region>`` stack per service and region its pinned resources need, each after
    that region's Alerting-<region> stack (``regional``: region -> stack with ``topics`` and ``maintenance``).

    Example
    -------
    >>> from config.loader import load_config
    >>> from stacks.regional_alerting_stack import build_regional_alerting
    >>> app, cfg = App(), load_config("prod")
    >>> cdn_only = ServiceResources(cloudfront_distributions=("E2EXAMPLE",))  # its metrics exist in us-east-1 only
    >>> svc = cfg.services[0].model_copy(update={"resources": cdn_only})
    >>> regionals = build_regional_alerting(app, cfg, routing=Stack(app, "Routing"), props=lambda concern: {})
    >>> cfg = cfg.model_copy(update={"services": [svc]})
    >>> sorted(build_pinned_monitoring(app, cfg, regional=regionals, props=lambda concern: {}))
    ['Monitoring-orders-us-east-1']
    """
    made: dict[str, PinnedMonitoringStack] = {}
    for service in cfg.services:
        resources = service_resources(service)
        for region, pinned in pinned_resources(resources, home=cfg.region).items():
            backbone = regional[region]
            concern = f"Monitoring-{service.name}-{region}"
            made[concern] = PinnedMonitoringStack(
                app, stack_name(cfg, concern), cfg=cfg, service=service, region=region, resources=pinned,
                all_resources=resources, topics=backbone.topics,
                maintenance=backbone.maintenance.alarm,
                **{**props(concern), "env": Environment(account=cfg.account, region=region)})
            made[concern].add_stack_dependency(backbone)  # its topics and switch, by name
    return made
