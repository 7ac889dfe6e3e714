"""``plan_environment(cfg) -> Plan``: config, template discovery, the catalog and overrides, resolved once.

Example
-------
>>> from config.loader import load_config
>>> plan = plan_environment(load_config("prod"))
>>> alarm = next(a for a in plan.alarms if a.name == "watchtower-prod-orders-orders-create-HighErrorRate-warning")
>>> alarm.value, alarm.threshold.period, alarm.comparison.name, [str(s) for s in alarm.actions], alarm.composites
(5.0, 300, 'GREATER_THAN_THRESHOLD', ['info'], ('watchtower-prod-orders-service-Warning-warning',))
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Sequence

from config.kinds import KIND_NAMES
from config.schema import EnvironmentConfig
from config.services import RESOURCE_KINDS, ServiceConfig, ServiceResources, SloConfig
from config.telemetry import CanaryConfig, EndpointCheck
from plan.catalog import CATALOG, GT, NOT_BREACHING, Threshold, resolve_threshold
from plan.discovery import discover_service
from plan.enums import Comparison, MissingData, Severity
from plan.metrics import MetricContext, applies, families_of, signal_for
from plan.model import (
    AlarmPlan,
    CompositePlan,
    CompositeRule,
    Plan,
    ResourcePlan,
    ServicePlan,
    SloObjectives,
    SloPlan,
    SloWindow,
)
from plan.naming import alarm_name, describe, native_slo_name, resource_name, runbook_url
from plan.regions import regional_topic_name, unpinned_resources
from plan.signals import MathSpec, Signal, metric
from plan.slo import (
    BURN_PAIRS,
    LONG_BAND_SHARE,
    SHORT_FLOOR_SHARE,
    BurnPair,
    SliSource,
    bad_ratio,
    burn_threshold,
    min_events,
    pick_source,
    window_label,
)

__all__ = ["plan_environment", "SCHEMA_VERSION", "PART_RESOURCE_BUDGET", "MAX_CHILDREN", "MAX_RULE_CHARS",
           "error_log_namespace", "maintenance_alarm_name", "any_of", "alarm_plans", "slo_plans", "resource_plans",
           "composite_plan", "maintenance_alarm", "summary", "resource_labels", "partition", "canary_of",
           "demo_canary"]

SCHEMA_VERSION = 1
# Alarms + metric filters per stack. A math alarm renders to ~1.7 KB of template, so 350 stays near 600 KB
# and leaves 150 resources of headroom for composites, SLOs and extra children.
PART_RESOURCE_BUDGET = 350
MAX_CHILDREN = 50  # CloudWatch allows 100; half leaves room for children added by other features
MAX_RULE_CHARS = 10_240
# ALARM("arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>") OR  -- the longest partition and region.
_PER_CHILD = len('ALARM("arn:aws-us-gov:cloudwatch:ap-southeast-5:123456789012:alarm:") OR ')
DEMO_SERVICE = "demo"  # the dev demo service's name (stacks/demo/names.py)
MAINTENANCE_SERVICE = "all"  # the switch covers every service of the environment
SLO_FAMILY = "SloBurnRate"
LOG_SIGNAL = "ErrorLogLines"  # the name segment of ErrorLogs as log alarms (the family stays ErrorLogs)
CANARY_FAMILIES = ("CanaryFailure", "CanaryLatency")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
# Appended to a resource's name in alarm names only when two kinds share that name (a function and the API
# in front of it are often both called "<service>-api"), so the usual names stay short and stable.
_KIND_SUFFIX = {"functions": "fn", "rest_apis": "api", "http_apis": "api", "tables": "table", "queues": "queue",
                "state_machines": "sm", "event_rules": "rule", "topics": "topic", "api_routes": "route",
                **{kind: names[2] for kind, names in KIND_NAMES.items()}}
_SLO_SEVERITY = {"page": Severity.CRITICAL, "ticket": Severity.WARNING}
_NO_TOPIC: tuple[Severity, ...] = ()


def error_log_namespace(cfg: EnvironmentConfig) -> str:
    """Namespace of the ERROR-log counts published by the metric filters.

    Example
    -------
    >>> from config.loader import load_config
    >>> error_log_namespace(load_config("prod"))
    'watchtower/prod/ErrorLogs'
    """
    return f"{cfg.app}/{cfg.env}/ErrorLogs"


def maintenance_alarm_name(cfg: EnvironmentConfig, region: str | None = None) -> str:
    """Name of the environment's manual maintenance alarm (what ``make maintenance`` flips); ``region`` names
    the copy in an extra canary region (names stay unique across the environment's regions).

    Example
    -------
    >>> from config.loader import load_config
    >>> maintenance_alarm_name(load_config("prod"))
    'watchtower-prod-all-maintenance-Maintenance-info'
    """
    resource = "maintenance" if region is None else f"maintenance-{region}"
    return alarm_name(cfg, MAINTENANCE_SERVICE, resource, "Maintenance", "info")


def summary(severity: str, family: str, what: str, resource: str, service: str, comparison: Comparison,
            threshold: Threshold, unit: str) -> str:
    """What a metric alarm's description says before its runbook link.

    Example
    -------
    >>> print(summary("warning", "HighErrorRate", "error rate", "orders-api", "orders", GT,
    ...               Threshold(5, period=300, min_requests=10), "%"))  # doctest: +NORMALIZE_WHITESPACE
    WARNING HighErrorRate: error rate of orders-api (service orders) > 5% in 1 of 1 period(s) of 5 min;
    counted once 10+ requests arrive per period
    """
    t = threshold
    shown = {"count": "", "std devs": " std devs"}.get(unit, unit)
    minutes = f"{t.period // 60} min" if t.period >= 60 else f"{t.period} s"
    guard = f"; counted once {t.min_requests}+ requests arrive per period" if t.min_requests else ""
    guard += f" and {t.min_bad}+ of them are bad" if t.min_bad else ""
    return (f"{severity.upper()} {family}: {what} of {resource} (service {service}) "
            f"{comparison.symbol} {t.value:g}{shown} in {t.datapoints} of {t.evaluation_periods} "
            f"period(s) of {minutes}{guard}")


def _kind_refs(resources: ServiceResources) -> Iterator[tuple[str, Any]]:
    for kind in RESOURCE_KINDS:
        for ref in getattr(resources, kind):
            yield kind, ref


def resource_labels(resources: ServiceResources) -> dict[tuple[str, str], str]:
    """``(kind, name) -> label`` used in alarm names: the name, plus a kind suffix when kinds share a name.

    Example
    -------
    >>> resource_labels(ServiceResources(functions=("x",), tables=("x",)))[("tables", "x")]
    'x-table'
    """
    kinds_by_name: dict[str, set[str]] = {}
    for kind, ref in _kind_refs(resources):
        kinds_by_name.setdefault(ref.name, set()).add(kind)
    return {(kind, ref.name): ref.name if len(kinds_by_name[ref.name]) == 1 else f"{ref.name}-{_KIND_SUFFIX[kind]}"
            for kind, ref in _kind_refs(resources)}


@dataclass(frozen=True)
class _Planned:
    kind: str
    ref: Any
    family: str
    severity: Severity
    threshold: Threshold


def _planned(service: ServiceConfig, kind: str, ref: Any) -> list[_Planned]:
    """Every (family, severity) alarm the catalog and overrides give one resource, in creation order."""
    found = []
    for family in families_of(kind):
        if not applies(kind, family, ref):
            continue
        for severity in CATALOG[family].thresholds:
            threshold = resolve_threshold(family, severity, service.overrides, ref.overrides)
            if threshold is not None:
                found.append(_Planned(kind, ref, family, Severity(severity), threshold))
    return found


def partition(service: ServiceConfig, resources: ServiceResources,
              budget: int = PART_RESOURCE_BUDGET) -> list[int]:
    """The part (1, 2...) of each resource of ``resources`` in config order, so no part holds more than
    ``budget`` alarms and metric filters (a resource's alarms stay together; the first part is the service's
    own stack, the others ``...-partN``).

    Example
    -------
    >>> svc = ServiceConfig(name="orders", resources={"functions": [f"fn{i}" for i in range(200)]})
    >>> max(partition(svc, svc.resources))
    7
    """
    parts, part, used = [], 1, 0
    for kind, ref in _kind_refs(resources):
        alarms = _planned(service, kind, ref)
        weight = len(alarms) + (1 if any(a.family == "ErrorLogs" for a in alarms) else 0)
        if used and used + weight > budget:
            part, used = part + 1, 0
        parts.append(part)
        used += weight
    return parts


def _groups(children: Sequence[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    length = 0
    for child in children:
        child_length = _PER_CHILD + len(child)
        if groups[-1] and (len(groups[-1]) >= MAX_CHILDREN or length + child_length > MAX_RULE_CHARS):
            groups.append([])
            length = 0
        groups[-1].append(child)
        length += child_length
    return groups


def composite_plan(cfg: EnvironmentConfig, *, service: str, resource: str, signal: str, severity: Severity,
                   what: str, rule: CompositeRule, stack: str, construct_id: str, base_url: str,
                   family: str = "Composite", description: str | None = None, topic: Severity | None = None,
                   suppressor: str | None = None) -> CompositePlan:
    """One composite over ``rule``, notifying ``topic`` (ALARM and OK, so pages resolve), held by
    ``suppressor``."""
    name = alarm_name(cfg, service, resource, signal, severity)
    url = runbook_url(base_url, family)
    return CompositePlan(
        name=name, service=service, resource=resource, family=family, severity=severity, what=what, rule=rule,
        children=rule.names(), suppressor=suppressor, actions=(topic,) if topic else _NO_TOPIC,
        ok_actions=(topic,) if topic else _NO_TOPIC,
        description=describe(description or f"{severity.upper()} {what} of service {service}", url),
        runbook_url=url, composites=(), stack=stack, construct_id=construct_id)


def any_of(cfg: EnvironmentConfig, *, service: str, resource: str, signal: str, severity: Severity, what: str,
           children: Sequence[str], stack: str, construct_id: str, base_url: str, family: str = "Composite",
           topic: Severity | None = None, suppressor: str | None = None) -> list[CompositePlan]:
    """A composite in ALARM when any child is, preceded by the intermediate composites ``<resource>-groupN``
    (which only feed it and never act) that CloudWatch's rule limits need; empty without children.

    Example
    -------
    >>> from config.loader import load_config
    >>> made = any_of(load_config("prod"), service="orders", resource="service", signal="Critical",
    ...               severity=Severity.CRITICAL, what="paging composite", children=[f"c{i}" for i in range(60)],
    ...               stack="Monitoring-orders", construct_id="Critical", base_url="https://x")
    >>> [(c.resource, len(c.children)) for c in made]
    [('service-group1', 50), ('service-group2', 10), ('service', 2)]
    """
    if not children:
        return []
    made: list[CompositePlan] = []
    groups = _groups(children)
    if len(groups) > 1:
        nested = []
        for index, group in enumerate(groups, start=1):
            made += any_of(cfg, service=service, resource=f"{resource}-group{index}", signal=signal,
                           severity=severity, what=what, children=group, stack=stack,
                           construct_id=f"{construct_id}Group{index}", base_url=base_url, family=family)
            nested.append(made[-1].name)
        children = nested
    text = f"{severity.upper()} {what} of service {service}: one of {len(children)} child alarm(s) is in ALARM"
    made.append(composite_plan(cfg, service=service, resource=resource, signal=signal, severity=severity,
                               what=what, rule=CompositeRule("ANY", tuple(children)), stack=stack,
                               construct_id=construct_id, base_url=base_url, family=family, description=text,
                               topic=topic, suppressor=suppressor))
    return made


@dataclass
class _Builder:
    """Collects one environment's entries; composite membership is filled in at the end."""

    cfg: EnvironmentConfig
    alarms: list[AlarmPlan] = field(default_factory=list)
    composites: list[CompositePlan] = field(default_factory=list)
    slos: list[SloPlan] = field(default_factory=list)

    def alarm(self, **fields: Any) -> AlarmPlan:
        fields.setdefault("composites", ())
        entry = AlarmPlan(**fields)
        self.alarms.append(entry)
        return entry

    def composite(self, **fields: Any) -> CompositePlan:
        entry = composite_plan(self.cfg, **fields)
        self.composites.append(entry)
        return entry

    def any_of(self, **fields: Any) -> CompositePlan | None:
        """``any_of`` (below), kept in this environment's composites; the last one made is the top."""
        made = any_of(self.cfg, **fields)
        self.composites.extend(made)
        return made[-1] if made else None

    def finish(self, plan_fields: dict[str, Any]) -> Plan:
        parents: dict[str, list[str]] = {}
        for composite in self.composites:
            for child in composite.children:
                parents.setdefault(child, []).append(composite.name)
        alarms = tuple(replace(a, composites=tuple(parents.get(a.name, ()))) for a in self.alarms)
        composites = tuple(replace(c, composites=tuple(parents.get(c.name, ()))) for c in self.composites)
        return Plan(alarms=alarms, composites=composites, slos=tuple(self.slos), **plan_fields)


def _alarm_type(signal: Signal) -> str:
    if signal.anomaly:
        return "anomaly"
    return "math" if isinstance(signal.metric, MathSpec) else "metric"


def _construct_id(*parts: str) -> str:
    return _ID_UNSAFE.sub("", "-".join(parts).title())


def _service_alarms(b: _Builder, service: ServiceConfig, resources: Sequence[ResourcePlan], ctx: MetricContext,
                    base_url: str, stack: str) -> list[AlarmPlan]:
    """The catalog alarms of some resources of one service (one stack's worth)."""
    cfg, made = b.cfg, []
    for res in resources:
        for p in _planned(service, res.kind, res.ref):
            row = CATALOG[p.family]
            if p.family == "ErrorLogs" and cfg.log_alarms.enabled:
                t = p.threshold
                minutes = max(t.period // 60, 1)
                url = runbook_url(base_url, p.family)
                made.append(b.alarm(
                    name=alarm_name(cfg, service.name, res.label, LOG_SIGNAL, p.severity), service=service.name,
                    resource=res.label, kind=res.kind, family=p.family, severity=p.severity, type="log",
                    signal=None, threshold=replace(t, period=minutes * 60), value=t.value, comparison=GT,
                    missing=NOT_BREACHING, what=f"ERROR/CRITICAL log lines of {res.log_group}", unit="count",
                    description="", runbook_url=url, actions=(Severity.WARNING,), ok_actions=(Severity.WARNING,),
                    stack=stack,
                    construct_id=_construct_id(res.name, p.family, p.severity, "log"),
                    log_lines=cfg.log_alarms.log_lines))
                continue
            signal = signal_for(res.kind, p.family, res.ref, ctx, p.threshold)
            url = runbook_url(base_url, p.family)
            text = summary(p.severity, p.family, row.what, res.label, service.name, row.comparison, p.threshold,
                           row.unit)
            made.append(b.alarm(
                name=alarm_name(cfg, service.name, res.label, p.family, p.severity), service=service.name,
                resource=res.label, kind=res.kind, family=p.family, severity=p.severity, type=_alarm_type(signal),
                signal=signal, threshold=p.threshold, value=p.threshold.value * signal.scale,
                comparison=row.comparison, missing=row.treat_missing, what=row.what, unit=row.unit,
                description=describe(text, url), runbook_url=url, actions=(Severity.INFO,), ok_actions=(),
                stack=stack, construct_id=_construct_id(res.kind, res.name, p.family, p.severity)))
    return made


def demo_canary() -> CanaryConfig:
    """The canary of the dev demo service when config gives it none: its readiness check.

    Example
    -------
    >>> [check.path for check in demo_canary().checks]
    ['/health/ready']
    """
    return CanaryConfig(checks=[EndpointCheck(name="ready-status", path="/health/ready", json_path="status",
                                              json_equals="healthy")])


def canary_of(cfg: EnvironmentConfig, service: ServiceConfig) -> CanaryConfig | None:
    """The service's canary: from config, else the demo service's default where the environment deploys it.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> canary_of(cfg, next(s for s in cfg.services if s.name == DEMO_SERVICE)) is not None
    True
    """
    if service.canary is not None:
        return service.canary
    return demo_canary() if cfg.demo_service and service.name == DEMO_SERVICE else None


def _canary_alarms(b: _Builder, service: ServiceConfig, stack: str) -> list[AlarmPlan]:
    """CanaryFailure and CanaryLatency of a service's home-region canary (children of its composites)."""
    cfg, canary = b.cfg, canary_of(b.cfg, service)
    if canary is None:
        return []
    minutes = canary.schedule_minutes or cfg.synthetics.schedule_minutes
    canary_name = resource_name(cfg, service.name).lower()
    dims = {"CanaryName": canary_name}
    period = minutes * 60
    made = []
    for family, severity, stat_metric, threshold, comparison, missing, unit, what in (
        ("CanaryFailure", Severity(canary.severity), "SuccessPercent",
         Threshold(100, period=period, evaluation_periods=canary.failed_runs_to_alarm),
         Comparison.LESS_THAN_THRESHOLD, MissingData.BREACHING, "%",
         f"success percent of canary {canary_name} (a canary that did not run counts as failed)"),
        ("CanaryLatency", Severity.WARNING, "Duration",
         Threshold(canary.expected_duration_ms(), period=period, evaluation_periods=3),
         Comparison.GREATER_THAN_THRESHOLD, MissingData.IGNORE, " ms", f"average run duration of canary {canary_name}"),
    ):
        signal = Signal(metric("CloudWatchSynthetics", stat_metric, dims, "Average", period))
        url = runbook_url(cfg.runbook_base_url, family)
        made.append(b.alarm(
            name=alarm_name(cfg, service.name, "canary", family, severity), service=service.name, resource="canary",
            kind="canary", family=family, severity=severity, type="metric", signal=signal, threshold=threshold,
            value=threshold.value, comparison=comparison, missing=missing, what=what, unit=unit,
            description=describe(summary(severity, family, what, "canary", service.name, comparison, threshold,
                                         unit), url),
            runbook_url=url, actions=(), ok_actions=(), stack=stack, construct_id=family))
    return made


@dataclass
class _SloWindows:
    """The window alarms of one SLI of one service, as they are made."""

    b: _Builder
    service: ServiceConfig
    source: SliSource
    sli: str
    objective: float
    base_url: str
    stack: str
    windows: list[SloWindow] = field(default_factory=list)

    @property
    def resource(self) -> str:
        return f"slo-{self.sli}"

    def window(self, pair: BurnPair, seconds: int, floor: bool = False, share: float | None = None,
               which: str | None = None) -> str:
        """One window alarm. ``floor``: the short window's reset companion, over SHORT_FLOOR_SHARE of the
        threshold, judged on the same request and bad-event floors as the short window itself (so the short
        window breaching implies it), 1 of 1: it goes OK within one short window once the burn really stops."""
        cfg, slo, objective = self.b.cfg, self.service.slo or SloConfig(), self.objective
        threshold_value = burn_threshold(pair.factor, objective)
        label = window_label(seconds)
        hold = pair.short_hold if seconds == pair.short_window and not floor and share is None else 1
        factor = pair.factor * (SHORT_FLOOR_SHARE if floor else (share or 1))
        which = which or ("ShortFloor" if floor else ("Long" if seconds == pair.long_window else "Short"))
        severity = _SLO_SEVERITY[pair.action]
        signal = Signal(bad_ratio(self.source, self.sli, seconds, min_events(threshold_value),
                                  slo.latency_threshold_ms, slo.min_bad_events))
        threshold = Threshold(burn_threshold(factor, objective), period=seconds, evaluation_periods=hold,
                              datapoints_to_alarm=1)
        what = f"{self.sli} bad-event ratio over {label} ({factor:g}x burn of a {objective}% objective)"
        url = runbook_url(self.base_url, SLO_FAMILY)
        suffix = "Floor" if floor else ("" if which in ("Long", "Short") else which)
        text = summary(severity, SLO_FAMILY, what, self.resource, self.service.name, GT, threshold, "")
        entry = self.b.alarm(
            name=alarm_name(cfg, self.service.name, self.resource, f"Burn{pair.name}{which}", severity),
            service=self.service.name, resource=self.resource, kind="slo", family=SLO_FAMILY, severity=severity,
            type="math", signal=signal, threshold=threshold, value=threshold.value, comparison=GT,
            missing=NOT_BREACHING, what=what, unit="", description=describe(text, url), runbook_url=url,
            actions=(), ok_actions=(), stack=self.stack,
            construct_id=f"Slo/{self.sli.title()}{pair.name}{label}{suffix}")
        self.windows.append(SloWindow(pair.name, which, seconds, entry.name))
        return entry.name


def _slo(b: _Builder, service: ServiceConfig, source: SliSource, base_url: str, stack: str,
         maintenance: str) -> tuple[list[str], list[str]]:
    """The burn-rate alarms and composites of a service's SLO: (page composites, ticket composites).

    Per SLI and pair: the long, short and short-floor windows (page pairs add the long band and the budget
    window), an AND composite per pair, then a page composite (OR of the page pairs, no actions: a child of
    the paging composite) and a ticket composite (warning topic, held by the maintenance switch)."""
    slo = service.slo
    assert slo is not None
    pages, tickets = [], []
    for sli, objective in (("availability", slo.availability), ("latency", slo.latency)):
        if objective is None:
            continue
        w = _SloWindows(b, service, source, sli, objective, base_url, stack)
        resource, node = w.resource, w.resource.title().replace("-", "")
        pair_names: list[str] = []
        by_action: dict[str, list[str]] = {"page": [], "ticket": []}
        for pair in BURN_PAIRS:
            long_, short = w.window(pair, pair.long_window), w.window(pair, pair.short_window)
            floor = w.window(pair, pair.short_window, floor=True)
            rule = CompositeRule("ALL", (long_, short, floor))
            if pair.budget_window:
                # long over the factor, or over LONG_BAND_SHARE of it once the pair's budget share is spent
                band = w.window(pair, pair.long_window, share=LONG_BAND_SHARE, which="LongBand")
                budget = w.window(pair, pair.budget_window, share=pair.budget_factor / pair.factor, which="Budget")
                long_ok = CompositeRule("ANY", (long_, CompositeRule("ALL", (band, budget))))
                rule = CompositeRule("ALL", (long_ok, short, floor))
            made = b.composite(
                service=service.name, resource=resource, signal=f"Burn{pair.name}",
                severity=_SLO_SEVERITY[pair.action],
                what=f"{sli} SLO {objective}% burning {pair.factor:g}x over {window_label(pair.long_window)} and "
                     f"{window_label(pair.short_window)}", rule=rule, stack=stack,
                construct_id=f"Slo/{node}Burn{pair.name}", base_url=base_url, family=SLO_FAMILY)
            by_action[pair.action].append(made.name)
            pair_names.append(made.name)
        page = b.composite(
            service=service.name, resource=resource, signal="SloPage", severity=Severity.CRITICAL,
            what=f"{sli} SLO {objective}% fast burn (pages through the service's paging composite)",
            rule=CompositeRule("ANY", tuple(by_action["page"])), stack=stack, construct_id=f"Slo/{node}SloPage",
            base_url=base_url, family=SLO_FAMILY)
        ticket = b.composite(
            service=service.name, resource=resource, signal="SloTicket", severity=Severity.WARNING,
            what=f"{sli} SLO {objective}% slow burn (ticket)", rule=CompositeRule("ANY", tuple(by_action["ticket"])),
            stack=stack, construct_id=f"Slo/{node}SloTicket", base_url=base_url, family=SLO_FAMILY,
            topic=Severity.WARNING, suppressor=maintenance)
        pages.append(page.name)
        tickets.append(ticket.name)
        b.slos.append(SloPlan(service=service.name, sli=sli, objective=objective, source=source,
                              windows=tuple(w.windows), pairs=tuple(pair_names), page=page.name, ticket=ticket.name,
                              native_name=native_slo_name(b.cfg, service.name, sli) if slo.native else None))
    return pages, tickets


def _service(b: _Builder, service: ServiceConfig, maintenance: str) -> ServicePlan:
    cfg = b.cfg
    region = service.region or cfg.region
    if cfg.organization is not None and region != cfg.region:
        # Composites are held by the switch of their own region (a suppressor cannot be in another region).
        maintenance = maintenance_alarm_name(cfg, region)
    resources, discovery = discover_service(service)
    # Kinds whose metrics exist in another region only are alarmed on there (stacks/pinned_monitoring_stack.py).
    resources = unpinned_resources(resources, home=cfg.region)
    listed = {(kind, ref.name) for kind, ref in _kind_refs(service.resources)}
    planned = resource_plans(service, resources,
                             discovered=frozenset(kr for kr in ((k, r.name) for k, r in _kind_refs(resources))
                                                  if kr not in listed))
    parts = [r.part for r in planned]
    base_url = service.runbook_base_url or cfg.runbook_base_url
    ctx = MetricContext(error_log_namespace(cfg), service.powertools_namespace, service.name)
    home = f"Monitoring-{service.name}"
    children: dict[Severity, list[str]] = {s: [] for s in Severity}
    # Parts 2.. first: their rollups are children of the service's composites.
    rollups: dict[int, dict[Severity, str]] = {}
    for part in range(2, max(parts, default=1) + 1):
        stack = f"{home}-part{part}"
        made = _service_alarms(b, service, [r for r in planned if r.part == part], ctx, base_url, stack)
        for severity in (Severity.CRITICAL, Severity.WARNING):
            rollup = b.any_of(service=service.name, resource=f"part{part}", signal=severity.title(),
                              severity=severity, what=f"part {part} rollup",
                              children=[a.name for a in made if a.severity == severity and a.type != "log"],
                              stack=stack, construct_id=f"{severity.title()}Rollup", base_url=base_url)
            if rollup is not None:
                rollups.setdefault(part, {})[severity] = rollup.name
    first = _service_alarms(b, service, [r for r in planned if r.part == 1], ctx, base_url, home)
    for a in first:
        if a.type != "log":
            children[a.severity].append(a.name)
    for part in sorted(rollups):
        for severity, name in rollups[part].items():
            children[severity].append(name)
    for a in _canary_alarms(b, service, home):
        children[a.severity].append(a.name)
    slo = service.slo
    source = pick_source(service.name, slo, resources) if slo else None
    pages, tickets = _slo(b, service, source, base_url, home, maintenance) if source is not None else ([], [])

    def composite(severity: Severity, signal: str, what: str, kids: list[str], topic: Severity,
                  suppressor: str | None = None) -> CompositePlan | None:
        return b.any_of(service=service.name, resource="service", signal=signal, severity=severity, what=what,
                        children=kids, stack=home, construct_id=signal, base_url=base_url, topic=topic,
                        suppressor=suppressor)

    # Only the critical composite pages; the SLO page composites are its children (one page per incident).
    critical = composite(Severity.CRITICAL, "Critical", "paging composite", children[Severity.CRITICAL] + pages,
                         Severity.CRITICAL, maintenance)
    warning = composite(Severity.WARNING, "Warning", "warning composite", children[Severity.WARNING],
                        Severity.WARNING, maintenance)
    health = [c.name for c in (critical, warning) if c is not None] + pages + tickets + children[Severity.INFO]
    composite(Severity.INFO, "Health", "health composite (anything wrong)", health, Severity.INFO)
    objectives = SloObjectives(slo.availability, slo.latency, slo.latency_threshold_ms) if slo else None
    return ServicePlan(name=service.name, resources=planned, parts=max(parts, default=1), sli_source=source,
                       objectives=objectives, runbook_base_url=base_url,
                       skipped=tuple(discovery.skipped) if discovery else (), config=service,
                       account=service.account, region=region,
                       account_id=cfg.organization.accounts[service.account]
                       if cfg.organization is not None and service.account else None)


def maintenance_alarm(cfg: EnvironmentConfig, region: str | None = None) -> AlarmPlan:
    """The manual maintenance switch of the environment (``region``: its copy in an extra canary region): an
    alarm on a metric nobody publishes that ignores missing data, so a state set by hand stays.

    Example
    -------
    >>> from config.loader import load_config
    >>> maintenance_alarm(load_config("prod"), "us-east-1").name
    'watchtower-prod-all-maintenance-us-east-1-Maintenance-info'
    """
    name = maintenance_alarm_name(cfg, region)
    threshold = Threshold(1, period=60, evaluation_periods=1)
    where = f" in {region}" if region else ""
    return AlarmPlan(
        name=name, service=MAINTENANCE_SERVICE, resource="maintenance", kind="maintenance", family="Maintenance",
        severity=Severity.INFO, type="metric",
        signal=Signal(metric(f"{cfg.app}/{cfg.env}/Maintenance", "MaintenanceMode", {}, "Maximum", 60)),
        threshold=threshold, value=1.0, comparison=Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        # 'ignore' keeps the state set by hand: nobody publishes the metric, so it never re-evaluates it away.
        missing=MissingData.IGNORE, what="manual maintenance switch", unit="",
        description=describe(
            f"Manual maintenance switch of {cfg.app} {cfg.env}{where}: while in ALARM, composites that reach people "
            f"change state but hold their notifications. Flip with `make maintenance ENV={cfg.env} STATE=on|off`",
            runbook_url(cfg.runbook_base_url, "Maintenance")),
        runbook_url=runbook_url(cfg.runbook_base_url, "Maintenance"), actions=(), ok_actions=(), composites=(),
        stack="Maintenance", construct_id="Switch/Alarm")


def resource_plans(service: ServiceConfig, resources: ServiceResources,
                   all_resources: ServiceResources | None = None, discovered: frozenset[tuple[str, str]] = frozenset(),
                   ) -> tuple[ResourcePlan, ...]:
    """The ResourcePlans of ``resources`` (labels judged over ``all_resources``), each with its part.

    Example
    -------
    >>> [r.label for r in resource_plans(ServiceConfig(name="s", resources={"tables": ["x"]}),
    ...                                  ServiceResources(functions=("x",), tables=("x",)))]
    ['x-fn', 'x-table']
    """
    labels = resource_labels(all_resources or resources)
    parts = partition(service, resources)
    return tuple(
        ResourcePlan(kind=kind, name=ref.name, label=labels[(kind, ref.name)],
                     discovered=(kind, ref.name) in discovered,
                     log_group=(ref.log_group or f"/aws/lambda/{ref.name}") if kind == "functions" else None,
                     part=part, ref=ref)
        for (kind, ref), part in zip(_kind_refs(resources), parts, strict=True))


def alarm_plans(cfg: EnvironmentConfig, service: ServiceConfig, resources: ServiceResources, *,
                all_resources: ServiceResources | None = None, stack: str = "") -> list[AlarmPlan]:
    """The catalog alarms of ``resources`` of ``service`` as one stack holds them (labels judged over
    ``all_resources``): what ``plan_environment`` gives a part, for a renderer that builds one part alone.

    Example
    -------
    >>> from config.loader import load_config
    >>> svc = ServiceConfig(name="orders", resources={"tables": ["orders"]})
    >>> [a.name for a in alarm_plans(load_config("prod"), svc, svc.resources)]
    ['watchtower-prod-orders-orders-DatabaseThrottling-critical']
    """
    b = _Builder(cfg)
    base_url = service.runbook_base_url or cfg.runbook_base_url
    ctx = MetricContext(error_log_namespace(cfg), service.powertools_namespace, service.name)
    return _service_alarms(b, service, resource_plans(service, resources, all_resources), ctx, base_url, stack)


def slo_plans(cfg: EnvironmentConfig, service: ServiceConfig, resources: ServiceResources, *, stack: str = "",
              maintenance: str | None = None) -> tuple[list[AlarmPlan], list[CompositePlan], list[SloPlan]]:
    """The burn-rate window alarms, composites and SLOs of ``service`` measured on ``resources``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> alarms, composites, slos = slo_plans(cfg, cfg.services[0], cfg.services[0].resources)
    >>> [s.sli for s in slos], len(alarms), composites[-1].name
    (['availability', 'latency'], 32, 'watchtower-prod-orders-slo-latency-SloTicket-warning')
    """
    b = _Builder(cfg)
    slo = service.slo
    source = pick_source(service.name, slo, resources) if slo else None
    if source is not None:
        _slo(b, service, source, service.runbook_base_url or cfg.runbook_base_url, stack,
             maintenance or maintenance_alarm_name(cfg))
    return b.alarms, b.composites, b.slos


def _maintenance(b: _Builder) -> str:
    b.alarms.append(maintenance_alarm(b.cfg))
    return b.alarms[-1].name


def plan_environment(cfg: EnvironmentConfig) -> Plan:
    """Resolve everything ``cfg`` monitors into a Plan (see the package docstring for its parts)."""
    b = _Builder(cfg)
    maintenance = _maintenance(b)
    services = tuple(_service(b, service, maintenance) for service in cfg.services)
    topics = tuple((severity, resource_name(cfg, "alerts", severity)) for severity in Severity)
    # Alarms notify topics of their own region only: each other region with services has its own.
    other_regions = dict.fromkeys(s.region for s in services if s.region and s.region != cfg.region)
    regional = tuple((region, tuple((severity, regional_topic_name(cfg, region, severity)) for severity in Severity))
                     for region in other_regions)
    accounts = tuple(cfg.organization.accounts.items()) if cfg.organization is not None else ()
    return b.finish(dict(schema_version=SCHEMA_VERSION, app=cfg.app, env=cfg.env, region=cfg.region,
                         topics=topics, maintenance=maintenance, services=services, regional_topics=regional,
                         accounts=accounts))
