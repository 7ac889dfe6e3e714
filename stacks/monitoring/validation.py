"""Semantic checks of the resolved monitoring: what the schema cannot see because it needs the catalog, the
overrides and the discovered resources together.

A config can be well-formed and still deploy alarms that never fire (a 250 % error rate, a p99 latency at the
function's timeout) or that always fire (a negative count), or a service with no alarm at all. Every such
problem is one line naming the service, the resource, the alarm family and why; all of them are reported at
once. ``check_environment`` also returns what discovery found and skipped, for the synth report.

Run ``python -m config validate ENV`` (or ``make synth``) to see them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterator

from config.kinds import KIND_NAMES
from config.schema import EnvironmentConfig
from config.services import RESOURCE_KINDS, ServiceConfig, ServiceResources
from plan.catalog import CATALOG, CatalogError, defaults_for_kind, resolve_threshold
from plan.discovery import Discovery, DiscoveryError, discover_service
from plan.metrics import families_for
from plan.regions import pinned_region_problems

__all__ = ["ServiceCheck", "EnvironmentCheck", "MonitoringError", "check_environment", "check_service",
           "threshold_problem", "report_lines", "KIND_LABELS"]

# Families whose metric is the function's own duration (Lambda Duration): it never exceeds the timeout, so a
# threshold at or above the timeout can never be crossed.
_FUNCTION_DURATION_FAMILIES = ("Latency",)
KIND_LABELS = {"functions": ("function", "functions"), "rest_apis": ("REST API", "REST APIs"),
               "http_apis": ("HTTP API", "HTTP APIs"), "tables": ("table", "tables"), "queues": ("queue", "queues"),
               "state_machines": ("state machine", "state machines"), "event_rules": ("rule", "rules"),
               "topics": ("topic", "topics"), "api_routes": ("API route", "API routes"),
               **{kind: names[:2] for kind, names in KIND_NAMES.items()}}


class MonitoringError(ValueError):
    """The resolved monitoring has problems; ``lines`` holds one line per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class ServiceCheck:
    """One service after resolution: its resources, what discovery did, how many alarms it gets, its problems."""

    service: str
    resources: ServiceResources
    discovery: Discovery | None = None
    template: str | None = None
    alarms: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class EnvironmentCheck:
    """Every service's check; ``problems`` is all of their lines, in config order."""

    services: list[ServiceCheck] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [line for check in self.services for line in check.problems]


def _comparison(family: str) -> str:
    comparison = CATALOG[family].comparison
    return str(getattr(comparison, "value", comparison))  # a string or cloudwatch.ComparisonOperator


def threshold_problem(family: str, value: float, timeout_seconds: int | None = None,
                      on_function: bool = False) -> str | None:
    """Why ``value`` makes ``family`` an alarm that can never fire or always fires, or None when it can work.

    The unit and the comparison come from the catalog row of ``family``.

    Example
    -------
    >>> threshold_problem("HighErrorRate", 250)
    'threshold 250 % is out of range: a percentage is between 0 and 100, so the alarm could never fire'
    >>> threshold_problem("HighErrorRate", 5) is None
    True
    """
    row = CATALOG[family]
    unit, comparison = row.unit, _comparison(family)
    shown = f"{value:g} {unit}".replace(" % of timeout", " % of the timeout")
    if not math.isfinite(value):
        return f"threshold {shown} is not a number"
    above, below = comparison.startswith("GreaterThan"), comparison.startswith("LessThan")
    inclusive = "OrEqual" in comparison
    if unit.startswith("%"):
        if not 0 <= value <= 100:
            fires = "always fire" if (above and value < 0) or (below and value > 100) else "never fire"
            return f"threshold {shown} is out of range: a percentage is between 0 and 100, so the alarm could {fires}"
        if above and (value >= 100 and not inclusive):
            return f"threshold {shown} can never be exceeded (a percentage is at most 100): set it below 100"
        if above and inclusive and value <= 0:
            return f"threshold {shown} is always reached (a percentage is at least 0): set it above 0"
        if below and not inclusive and value <= 0:
            return f"threshold {shown} can never be undercut (a percentage is at least 0): set it above 0"
        if below and inclusive and value >= 100:
            return f"threshold {shown} is always reached (a percentage is at most 100): set it below 100"
    elif unit in ("count", "ms", "s"):
        if value < 0:
            what = {"count": "a count", "ms": "a time", "s": "an age"}[unit]
            fires = "always fire" if above else "never fire"
            return f"threshold {shown} is negative: {what} is never below 0, so the alarm would {fires}"
        if above and inclusive and value == 0:
            return f"threshold {shown} is always reached (it is never below 0): use > 0 or a positive threshold"
        if below and value == 0 and not inclusive:
            return f"threshold {shown} can never be undercut (it is never below 0): set it above 0"
    elif unit == "std devs" and value <= 0:
        return f"threshold {shown}: an anomaly band is a positive number of standard deviations"
    if on_function and family in _FUNCTION_DURATION_FAMILIES and timeout_seconds and unit == "ms" \
            and value >= timeout_seconds * 1000:
        return (f"threshold {shown} is not below the function's timeout ({timeout_seconds} s): its duration never "
                f"exceeds the timeout, so the alarm could never fire; set it below {timeout_seconds * 1000} ms")
    return None


def _resources(resources: ServiceResources) -> Iterator[tuple[str, Any]]:
    for kind in RESOURCE_KINDS:
        for ref in getattr(resources, kind):
            yield kind, ref


def _override_problems(service: ServiceConfig, resources: ServiceResources, applied: set[str]) -> list[str]:
    """Override keys that change nothing: a severity the family lacks, a family none of the resources has."""
    lines = []

    def check(key: str, where: str, families_here: set[str]) -> None:
        family, _, severity = key.partition(".")
        severities = list(CATALOG[family].thresholds)
        if severity and severity not in severities:
            lines.append(f"{where}: {family}: override '{key}' changes nothing: {family} has no {severity} "
                         f"threshold (its severities: {', '.join(severities)})")
        elif family not in families_here:
            lines.append(f"{where}: {family}: override '{key}' changes nothing: no resource here has a {family} "
                         f"alarm ({CATALOG[family].what}, on {', '.join(CATALOG[family].kinds)})")

    for key in service.overrides:
        check(key, f"{service.name}", applied)
    for kind, ref in _resources(resources):
        if ref.overrides:
            here = set(families_for(kind, ref))
            for key in ref.overrides:
                check(key, f"{service.name}: {ref.name}", here)
    return lines


def check_service(cfg: EnvironmentConfig, service: ServiceConfig) -> ServiceCheck:
    """Resolve ``service`` (discovery included) and check every alarm it would get.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> check_service(cfg, cfg.services[0]).problems
    []
    """
    try:
        resources, discovery = discover_service(service)
    except DiscoveryError as exc:
        return ServiceCheck(service.name, ServiceResources(), template=service.template,
                            problems=[f"{service.name}: {exc}"])
    check = ServiceCheck(service.name, resources, discovery, service.template)
    if discovery is not None:
        check.problems += [f"{service.name}: {line}" for line in discovery.problems]
    applied: set[str] = set()
    # One line per problem, not per resource: a bad service-wide override names every resource it breaks.
    grouped: dict[tuple[str, str], list[str]] = {}
    for kind, ref in _resources(resources):
        timeout = getattr(ref, "timeout_seconds", None)
        for family in families_for(kind, ref):
            applied.add(family)
            for severity in CATALOG[family].thresholds:
                try:
                    threshold = resolve_threshold(family, severity, service.overrides, ref.overrides)
                except CatalogError as exc:
                    grouped.setdefault(("", str(exc)), []).append(ref.name)
                    continue
                if threshold is None:
                    continue
                check.alarms += 1
                why = threshold_problem(family, threshold.value, timeout, on_function=kind == "functions")
                if why:
                    grouped.setdefault((f"{family}.{severity}: ", why), []).append(ref.name)
    discovered = {f.name: f for f in discovery.resources.functions} if discovery is not None else {}
    listed = {f.name for f in service.resources.functions}
    for (alarm, why), names in grouped.items():
        names = list(dict.fromkeys(names))
        line = f"{service.name}: {', '.join(names)}: {alarm}{why}"
        hidden = [discovered[n] for n in names if n in discovered and n not in listed and "timeout" in why]
        if hidden and alarm:
            # A discovered function takes overrides once listed; listing it replaces the discovered entry.
            fn = hidden[0]
            flags = "".join(f", {k}: true" for k in ("stream_source", "async_invoked") if getattr(fn, k))
            line += (f" (to override it, list it: resources.functions: [{{name: {fn.name}, timeout_seconds: "
                     f"{fn.timeout_seconds}{flags}, overrides: {{{alarm.rstrip(': ')}: {{threshold: ...}}}}}}])")
        check.problems.append(line)
    check.problems += _override_problems(service, resources, applied)
    check.problems += _slo_problems(service, resources)
    slo = service.slo
    slo_alarms = slo is not None and (slo.availability is not None or slo.latency is not None) and bool(
        resources.functions or resources.rest_apis or resources.http_apis)
    if check.alarms == 0 and not slo_alarms:
        check.problems.append(f"{service.name}: no alarm at all: {_why_no_alarm(service, resources, discovery)}")
    return check


def _slo_problems(service: ServiceConfig, resources: ServiceResources) -> list[str]:
    """A latency SLO on a function whose timeout is at or below the threshold counts no request as slow."""
    slo = service.slo
    if slo is None or slo.latency is None:
        return []
    candidates = [*resources.rest_apis, *resources.http_apis, *resources.functions]
    if slo.source is not None:
        chosen = [c for c in candidates if c.name == slo.source]
        if not chosen:
            names = ", ".join(c.name for c in candidates) or "none"
            return [f"{service.name}: slo: slo.source '{slo.source}' is not one of its APIs or functions ({names})"]
        candidates = chosen
    source = candidates[0] if candidates else None
    timeout = getattr(source, "timeout_seconds", None)
    if source is not None and timeout and slo.latency_threshold_ms >= timeout * 1000:
        return [f"{service.name}: {source.name}: slo latency: latency_threshold_ms {slo.latency_threshold_ms} is not "
                f"below the function's timeout ({timeout} s): no invocation can be slower, so the latency SLO could "
                f"never burn; set it below {timeout * 1000}"]
    return []


def _why_no_alarm(service: ServiceConfig, resources: ServiceResources, discovery: Discovery | None) -> str:
    if resources.count() == 0 and discovery is not None:
        skipped = len(discovery.skips)
        return (f"its template {service.template} yields no resource to monitor ({skipped} skipped, see the "
                "discovery report); list the resources by name under resources:")
    if resources.count() == 0:
        return "it lists no resources"
    kinds = sorted({kind for kind, _ in _resources(resources)})
    families = sorted({row.family for kind in kinds for row in defaults_for_kind(kind)})
    return (f"every alarm of its resources is disabled by overrides ({', '.join(families)}); enable one, or drop "
            "the service")


def check_environment(cfg: EnvironmentConfig) -> EnvironmentCheck:
    """Check every service of ``cfg``.

    Example
    -------
    >>> from config.loader import load_config
    >>> check_environment(load_config("prod")).problems
    []
    """
    checks = [check_service(cfg, service) for service in cfg.services]
    for service, check in zip(cfg.services, checks, strict=True):  # a region-pinned kind in the wrong region
        check.problems.extend(pinned_region_problems(cfg, service, check.resources))
    return EnvironmentCheck(checks)


def raise_on_problems(cfg: EnvironmentConfig) -> EnvironmentCheck:
    """``check_environment``, raising MonitoringError when there is any problem."""
    check = check_environment(cfg)
    if check.problems:
        raise MonitoringError(check.problems)
    return check


def _counted(resources: ServiceResources) -> str:
    parts = []
    for kind in RESOURCE_KINDS:
        n = len(getattr(resources, kind))
        if n:
            singular, plural = KIND_LABELS[kind]
            parts.append(f"{n} {singular if n == 1 else plural}")
    return ", ".join(parts) or "nothing"


def report_lines(check: EnvironmentCheck) -> list[str]:
    """The discovery report: per service what it monitors (found per kind) and, for a template, what was skipped,
    why, and the config line that would include it.

    Example
    -------
    >>> from config.loader import load_config
    >>> print("\\n".join(report_lines(check_environment(load_config("dev")))))
    Monitored resources per service:
      demo: listed 1 function, 1 REST API, 1 table -> 20 alarms
    """
    lines = ["Monitored resources per service:"]
    for service in check.services:
        if service.discovery is None:
            lines.append(f"  {service.service}: listed {_counted(service.resources)} -> {service.alarms} alarms")
            continue
        found = service.discovery.resources
        listed = service.resources.count() - found.count()
        extra = f" (+{listed} listed)" if listed > 0 else ""
        lines.append(f"  {service.service}: discovered in {service.template}: {_counted(found)}{extra} "
                     f"-> {service.alarms} alarms")
        for skip in service.discovery.skips:
            lines.append(f"    skipped {skip}")
    return lines
