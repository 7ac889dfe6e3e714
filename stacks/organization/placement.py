"""Services in another account or region, monitored from the monitoring account.

CloudWatch allows it this way only: a metric or metric-math alarm in the monitoring account reads a linked source
account's metrics when every metric query names that account (``Metrics[].AccountId``); no alarm reads another
region, so a service of another region gets its monitoring stacks in that region; composites sit beside their
children (the same stacks) and their ActionsSuppressor is that region's copy of the maintenance switch.

The account is applied where the alarms are rendered, on every alarm of the service's monitoring stacks, so it
holds for every alarm kind (single metric, metric math, anomaly band) whatever built it. Metrics the monitoring
account publishes itself (canaries, the switch, the app's own namespaces) keep no account.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import jsii
from aws_cdk import (
    Environment,
    IAspect,
    Stack,
    aws_applicationsignals as applicationsignals,
    aws_cloudwatch as cloudwatch,
)
from constructs import IConstruct

from config.schema import SEVERITIES, EnvironmentConfig
from config.services import ServiceConfig
from plan.regions import regional_topic_name
from stacks.monitoring.properties import plain, properties
from stacks.naming import resource_name

__all__ = ["SourceAccountMetrics", "placed_props", "place_monitoring", "monitoring_region", "LOCAL_NAMESPACES"]

# Namespaces whose metrics the monitoring account itself publishes: canaries run there.
LOCAL_NAMESPACES: tuple[str, ...] = ("CloudWatchSynthetics",)
_SINGLE_METRIC = ("MetricName", "Namespace", "Dimensions", "Statistic", "ExtendedStatistic", "Period", "Unit")


def monitoring_region(cfg: EnvironmentConfig, service: ServiceConfig) -> str | None:
    """The region a service's alarms live in: its own (alarms cannot read another region).

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> monitoring_region(cfg, cfg.services[0]) == cfg.region
    True
    """
    return service.region or cfg.region


@jsii.implements(IAspect)
class SourceAccountMetrics:
    """Put ``account_id`` on every metric query of every metric alarm below the construct it is added to.

    A single-metric alarm is rewritten to the one-query ``Metrics`` form (the only one with ``AccountId``),
    exactly as CDK renders a ``Metric(account=...)`` alarm.

    Example
    -------
    >>> from aws_cdk import App, Aspects
    >>> stack = Stack(App(), "Example")
    >>> Aspects.of(stack).add(SourceAccountMetrics("222222222222", own_prefix="watchtower/dev/"))
    """

    def __init__(self, account_id: str, *, own_prefix: str) -> None:
        self.account_id = account_id
        self.own_prefixes = (*LOCAL_NAMESPACES, own_prefix)

    def apply_to(self, scope: IConstruct) -> None:
        """Visit every construct below ``scope`` now, as the aspect would at synth.

        An aspect is called back from the jsii runtime once for every construct of the stack, alarm or not: at
        organization scale those round trips cost more than the alarms' own changes. Called once the stack's
        monitoring is built, this changes the same alarms in the same way.
        """
        for node in scope.node.find_all():
            self.visit(node)

    def _local(self, namespace: Any) -> bool:
        return isinstance(namespace, str) and namespace.startswith(self.own_prefixes)

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, applicationsignals.CfnServiceLevelObjective):
            self._slo(node)
            return
        if not isinstance(node, cloudwatch.CfnAlarm):
            return
        props = properties(node)
        name = props.get("metricName")
        if name is not None:
            namespace = props.get("namespace")
            if self._local(namespace):
                return
            dimensions = plain(Stack.of(node), props.get("dimensions"))
            statistic, unit = props.get("extendedStatistic"), props.get("unit")
            stat: dict[str, Any] = {
                "Metric": {"Namespace": namespace, "MetricName": name,
                           **({"Dimensions": dimensions} if dimensions else {})},
                "Period": props.get("period"), "Stat": statistic or props.get("statistic"),
                **({"Unit": unit} if unit else {}),
            }
            node.add_property_override("Metrics", [{"Id": "m1", "AccountId": self.account_id, "MetricStat": stat,
                                                    "ReturnData": True}])
            # Only the keys the alarm has: deleting an absent key changes nothing and costs a round trip.
            present = {"Dimensions": bool(dimensions), "ExtendedStatistic": bool(statistic),
                       "Statistic": not statistic, "Unit": bool(unit)}
            for key in _SINGLE_METRIC:
                if present.get(key, True):
                    node.add_property_deletion_override(key)
            return
        queries = props.get("metrics")
        if not isinstance(queries, list):  # none, or a token CDK resolves later
            return
        for index, query in enumerate(plain(Stack.of(node), queries)):
            query_stat = query.get("MetricStat") if isinstance(query, dict) else None
            if not query_stat or self._local(query_stat.get("Metric", {}).get("Namespace")):
                continue
            node.add_property_override(f"Metrics.{index}.AccountId", self.account_id)

    def _slo(self, node: applicationsignals.CfnServiceLevelObjective) -> None:
        # An Application Signals SLO on CloudWatch metrics reads the source account the same way.
        paths: list[tuple[str, Any]] = []
        props, stack = properties(node), Stack.of(node)
        request = plain(stack, props.get("requestBasedSli"))
        if isinstance(request, dict):
            metric = request.get("RequestBasedSliMetric", {})
            paths.append(("RequestBasedSli.RequestBasedSliMetric.TotalRequestCountMetric",
                          metric.get("TotalRequestCountMetric")))
            for key, queries in (metric.get("MonitoredRequestCountMetric") or {}).items():
                paths.append((f"RequestBasedSli.RequestBasedSliMetric.MonitoredRequestCountMetric.{key}", queries))
        period = plain(stack, props.get("sli"))
        if isinstance(period, dict):
            paths.append(("Sli.SliMetric.MetricDataQueries", (period.get("SliMetric") or {}).get("MetricDataQueries")))
        for path, queries in paths:
            for index, query in enumerate(queries or ()):
                stat = query.get("MetricStat") if isinstance(query, dict) else None
                if stat and not self._local(stat.get("Metric", {}).get("Namespace")):
                    node.add_property_override(f"{path}.{index}.AccountId", self.account_id)


_ACTIONS = (("alarmActions", "AlarmActions"), ("okActions", "OKActions"),
            ("insufficientDataActions", "InsufficientDataActions"))
_PART = re.compile(r"^Monitoring-(?P<service>.+?)(-part\d+)?$")


def _services_by_name(cfg: EnvironmentConfig) -> dict[str, ServiceConfig]:
    # built once per caller: one per stack made every stack's lookup scan every service
    return {s.name: s for s in cfg.services}


def _service_of_concern(names: Mapping[str, ServiceConfig], concern: str) -> ServiceConfig | None:
    match = _PART.match(concern)
    if not match:
        return None
    # The longest service name that the concern is of (a service 'shop' and another 'shop-api' differ).
    exact = names.get(concern.removeprefix("Monitoring-"))
    return exact or names.get(match["service"])


def placed_props(cfg: EnvironmentConfig, props: Callable[[str], dict]) -> Callable[[str], dict]:
    """``props`` with each service's monitoring stacks in that service's region (the rest unchanged)."""
    if cfg.organization is None:
        return props
    names = _services_by_name(cfg)

    def placed(concern: str) -> dict:
        base = props(concern)
        service = _service_of_concern(names, concern)
        if service is None or monitoring_region(cfg, service) == cfg.region:
            return base
        account = cfg.account or cfg.organization.monitoring_account  # type: ignore[union-attr]
        return {**base, "env": Environment(account=account, region=monitoring_region(cfg, service))}

    return placed


def place_monitoring(cfg: EnvironmentConfig, stacks: Mapping[str, Stack],
                     switch_arn: Callable[[Stack], str] | None = None) -> None:
    """Every monitoring stack of a service in a source account reads its metrics there; composites of a service in
    another region are held by that region's maintenance switch (``switch_arn(stack)``)."""
    org = cfg.organization
    if org is None:
        return
    names = _services_by_name(cfg)
    for concern, stack in stacks.items():
        service = _service_of_concern(names, concern)
        if service is None:
            continue
        if service.account is not None:  # the stack is complete: its alarms are changed now, not at synth
            SourceAccountMetrics(org.accounts[service.account], own_prefix=f"{cfg.app}/{cfg.env}/").apply_to(stack)
        region = monitoring_region(cfg, service)
        if region == cfg.region or region is None:
            continue
        regional = stacks.get(f"Alerting-{region}")
        if regional is not None:
            stack.add_stack_dependency(regional)  # its topics and switch, named below
        topics = {Stack.of(stack).format_arn(service="sns", resource=resource_name(cfg, "alerts", severity)):
                  stack.format_arn(service="sns", resource=regional_topic_name(cfg, region, severity))
                  for severity in SEVERITIES}
        resolved = {json.dumps(stack.resolve(home)): regional_arn for home, regional_arn in topics.items()}
        for node in stack.node.find_all():
            if not isinstance(node, (cloudwatch.CfnAlarm, cloudwatch.CfnCompositeAlarm)):
                continue
            props = properties(node)
            if isinstance(node, cloudwatch.CfnCompositeAlarm) and switch_arn is not None \
                    and props.get("actionsSuppressor") is not None:
                node.actions_suppressor = switch_arn(stack)
            # Alarm actions cannot cross regions: the home topics become this region's topics (the three lists
            # resolved in one round trip, keyed: a list that renders empty resolves to nothing).
            lists = {key: props[name] for name, key in _ACTIONS if props.get(name)}
            for key, actions in (stack.resolve(lists) if lists else {}).items():
                actions = actions or []
                moved = [resolved.get(json.dumps(a), a) for a in actions]
                if moved != actions:
                    node.add_property_override(key, moved)
