"""The Plan's data types: frozen dataclasses holding tuples, enums and other plan types only.

Field names are a contract: dashboards, the cost estimate, the scenario runner and ``plan.json`` read them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from plan.catalog import Threshold
from plan.enums import Comparison, MissingData, Severity
from plan.signals import Signal
from plan.slo import SliSource

__all__ = ["ResourcePlan", "SloObjectives", "ServicePlan", "AlarmPlan", "CompositeRule", "CompositePlan", "SloWindow",
           "SloPlan", "Plan", "AlarmType"]

AlarmType = Literal["metric", "math", "anomaly", "log"]


@dataclass(frozen=True)
class ResourcePlan:
    """One monitored resource of a service: ``kind`` (a ServiceResources field), ``name``, the ``label`` alarm
    names use (the name, plus a kind suffix when two kinds share it), whether it was ``discovered`` from the
    service's template, its ``log_group`` (functions), the ``part`` (stack) holding its alarms and the config
    ``ref`` it came from."""

    kind: str
    name: str
    label: str
    discovered: bool
    log_group: str | None
    part: int
    ref: Any


@dataclass(frozen=True)
class SloObjectives:
    """What a service promises: availability and latency objectives (percent, None when not set) and the
    latency threshold in milliseconds."""

    availability: float | None
    latency: float | None
    latency_threshold_ms: int


@dataclass(frozen=True)
class ServicePlan:
    """A service: its resources (listed and discovered), how many monitoring stacks (``parts``) hold them,
    the SLI ``source`` and ``objectives`` of its SLO (None without one), the base URL of its runbooks, what
    discovery skipped (one line each), and the config it came from. ``account`` / ``account_id`` name the source
    account it runs in (None: the environment's own account) and ``region`` the region its alarms live in (None:
    the environment's, when that is not set either)."""

    name: str
    resources: tuple[ResourcePlan, ...]
    parts: int
    sli_source: SliSource | None
    objectives: SloObjectives | None
    runbook_base_url: str
    skipped: tuple[str, ...]
    config: Any
    account: str | None = None
    account_id: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class AlarmPlan:
    """One metric (or math, anomaly, log) alarm.

    ``name`` is the deployed AlarmName; ``resource`` the name's resource segment (a resource's label, ``canary``,
    ``slo-availability``...); ``kind`` the resource kind (``functions``..., or ``slo``, ``canary``,
    ``maintenance``); ``signal`` what it watches (None for a log alarm, which runs a Logs Insights query);
    ``threshold`` the resolved catalog threshold and ``value`` what the alarm compares (``threshold.value`` times
    the signal's scale); ``actions`` / ``ok_actions`` the severities whose topic it notifies; ``composites``
    the composites that list it; ``stack`` the concern of the stack holding it (``Monitoring-orders``,
    ``Monitoring-fleet-part2``, ``Maintenance``) and ``construct_id`` its id there.
    """

    name: str
    service: str
    resource: str
    kind: str
    family: str
    severity: Severity
    type: AlarmType
    signal: Signal | None
    threshold: Threshold
    value: float
    comparison: Comparison
    missing: MissingData
    what: str
    unit: str
    description: str
    runbook_url: str
    actions: tuple[Severity, ...]
    ok_actions: tuple[Severity, ...]
    composites: tuple[str, ...]
    stack: str
    construct_id: str
    log_lines: int | None = None


@dataclass(frozen=True)
class CompositeRule:
    """A composite rule: ``op`` ("ANY" or "ALL") over ``terms``, each an alarm name (in ALARM) or a CompositeRule.

    Example
    -------
    >>> CompositeRule("ALL", ("a", CompositeRule("ANY", ("b", "c")))).text()
    '(ALARM("a") AND (ALARM("b") OR ALARM("c")))'
    >>> CompositeRule("ALL", ("a", CompositeRule("ANY", ("b", "c")))).names()
    ('a', 'b', 'c')
    """

    op: Literal["ANY", "ALL"]
    terms: tuple[str | CompositeRule, ...]

    def text(self) -> str:
        """The rule as CloudWatch writes it, with alarm names where CloudWatch has ARNs."""
        joiner = " OR " if self.op == "ANY" else " AND "
        terms = (t.text() if isinstance(t, CompositeRule) else f'ALARM("{t}")' for t in self.terms)
        return "(" + joiner.join(terms) + ")"

    def names(self) -> tuple[str, ...]:
        """Every alarm the rule names, in order."""
        found: list[str] = []
        for term in self.terms:
            found.extend(term.names() if isinstance(term, CompositeRule) else (term,))
        return tuple(found)


@dataclass(frozen=True)
class CompositePlan:
    """One composite alarm: ``rule`` over its ``children`` (alarm or composite names), the ``suppressor``
    alarm that holds its actions (the maintenance switch) or None, the severities whose topic its ALARM and OK
    notifications reach, and where it lives (``stack``, ``construct_id``). ``parent`` is the composite that
    groups it when CloudWatch's rule limits split a long list (its name ends ``-groupN``)."""

    name: str
    service: str
    resource: str
    family: str
    severity: Severity
    what: str
    rule: CompositeRule
    children: tuple[str, ...]
    suppressor: str | None
    actions: tuple[Severity, ...]
    ok_actions: tuple[Severity, ...]
    description: str
    runbook_url: str
    composites: tuple[str, ...]
    stack: str
    construct_id: str


@dataclass(frozen=True)
class SloWindow:
    """One burn-rate window alarm of an SLO: the pair it belongs to, which window (Long, Short, ShortFloor,
    LongBand, Budget), its length in seconds and the alarm's name."""

    pair: str
    which: str
    seconds: int
    alarm: str


@dataclass(frozen=True)
class SloPlan:
    """One SLI of a service's SLO: ``objective`` percent, its windows and pair composites, the ``page``
    (child of the paging composite) and ``ticket`` (warning topic) composites, and ``native_name``, the name of its
    Application Signals SLO (None when the service sets ``slo.native: false``)."""

    service: str
    sli: str
    objective: float
    source: SliSource
    windows: tuple[SloWindow, ...]
    pairs: tuple[str, ...]
    page: str
    ticket: str
    native_name: str | None = None


@dataclass(frozen=True)
class Plan:
    """Everything one environment monitors. See the package docstring for what each part holds.

    ``regional_topics`` holds the alert topics of each region other than the home one that has services (alarms
    notify topics of their own region only), and ``accounts`` the organization's source accounts by name (empty
    without an ``organization:`` section)."""

    schema_version: int
    app: str
    env: str
    region: str
    topics: tuple[tuple[Severity, str], ...]
    maintenance: str
    services: tuple[ServicePlan, ...]
    alarms: tuple[AlarmPlan, ...]
    composites: tuple[CompositePlan, ...]
    slos: tuple[SloPlan, ...]
    regional_topics: tuple[tuple[str, tuple[tuple[Severity, str], ...]], ...] = ()
    accounts: tuple[tuple[str, str], ...] = ()

    def service(self, name: str) -> ServicePlan:
        """The service called ``name``."""
        return next(s for s in self._index[0].get(name, ()))

    def alarms_of(self, service: str, stack: str | None = None) -> tuple[AlarmPlan, ...]:
        """The metric alarms of ``service`` (of one ``stack`` when given), in creation order."""
        return tuple(a for a in self._index[1].get(service, ()) if stack is None or a.stack == stack)

    def composites_of(self, service: str, stack: str | None = None) -> tuple[CompositePlan, ...]:
        """The composites of ``service`` (of one ``stack`` when given), children before parents."""
        return tuple(c for c in self._index[2].get(service, ()) if stack is None or c.stack == stack)

    @cached_property
    def _regions(self) -> dict[str, str | None]:
        return {s.name: s.region for s in self.services}

    def region_of(self, service: str) -> str | None:
        """The region the alarms of ``service`` live in (the home region for the environment's own switch)."""
        return self._regions.get(service) or self.region

    def topics_in(self, region: str | None) -> dict[Severity, str]:
        """The topic name of each severity in ``region`` (the home topics for the home region or None).

        Example
        -------
        >>> from config.loader import load_config
        >>> from plan.build import plan_environment
        >>> plan_environment(load_config("prod")).topics_in(None)["critical"]
        'watchtower-prod-alerts-critical'
        """
        regional = dict(self.regional_topics)
        if region is None or region == self.region or region not in regional:
            return dict(self.topics)
        return dict(regional[region])

    def thresholds(self) -> dict[str, float]:
        """What every non-anomaly metric alarm compares, by alarm name (the line a graph draws)."""
        return {a.name: a.value for a in self.alarms if a.type in ("metric", "math")}

    @cached_property
    def _index(self) -> tuple[dict[str, list[ServicePlan]], dict[str, list[AlarmPlan]], dict[str, list[CompositePlan]]]:
        # Services, alarms and composites by service, in order, built on first use: each service's stacks ask for
        # theirs several times, and scanning every entry each time made a thousand-service plan quadratic.
        services: dict[str, list[ServicePlan]] = {}
        alarms: dict[str, list[AlarmPlan]] = {}
        composites: dict[str, list[CompositePlan]] = {}
        for service in self.services:
            services.setdefault(service.name, []).append(service)
        for alarm in self.alarms:
            alarms.setdefault(alarm.service, []).append(alarm)
        for composite in self.composites:
            composites.setdefault(composite.service, []).append(composite)
        return services, alarms, composites
