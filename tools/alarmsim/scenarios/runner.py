"""Run scenarios against an environment's alarms: generate series for the metrics they read, simulate, judge.

A *page* is a change to ALARM whose actions ran and include a critical topic (its name contains
``page_marker``, "critical" by default). Detection time is from the onset to the first page.
"""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from tools.alarmsim.evaluation import ALARM, OK
from tools.alarmsim.model import AlarmSet
from tools.alarmsim.scenarios.catalog import HEALTHY_ERROR_RATIO, Scenario, burn_condition
from tools.alarmsim.scenarios.traffic import DEV, PROD, Condition, Profile, emit, poisson, requests_per_minute
from tools.alarmsim.series import MetricKey, SeriesStore, minute_of, parse_time
from tools.alarmsim.simulator import Simulator, Transition

__all__ = ["ScenarioResult", "run_scenario", "affected_metrics", "ONSET", "is_page"]

ONSET = minute_of(parse_time("2026-03-04T10:00:00Z"))  # a Wednesday morning, near the daily peak


@dataclass
class ScenarioResult:
    """What one scenario did to the monitoring."""

    scenario: Scenario
    verdict: str                                   # pass | fail | n/a
    reason: str
    fired: list[str] = field(default_factory=list)  # alarms that went to ALARM after the onset
    pages: list[Transition] = field(default_factory=list)
    unwanted_pages: list[Transition] = field(default_factory=list)
    first_page_minutes: float | None = None
    onset: int = ONSET

    def summary(self) -> dict:
        """Plain data for BENCHMARKS.json."""
        return {"verdict": self.verdict, "reason": self.reason, "first_page_minutes": self.first_page_minutes,
                "target_minutes": self.scenario.page_within, "expect_page": self.scenario.expect_page,
                "fired": self.fired, "pages": [p.alarm for p in self.pages],
                "unwanted_pages": [p.alarm for p in self.unwanted_pages]}


def is_page(transition: Transition, marker: str = "critical") -> bool:
    """True for a change to ALARM whose executed actions include a critical (paging) target.

    Example
    -------
    >>> is_page(Transition(0, "a", "OK", "ALARM", ("watchtower-prod-alerts-critical",), 0))
    True
    """
    return transition.to_state == ALARM and any(marker in action.lower() for action in transition.actions)


def affected_metrics(alarms: AlarmSet, service_prefixes: Iterable[str] | None) -> set[MetricKey]:
    """Metrics an incident affects: those read by alarms named after a monitored service (None: every metric;
    an empty list: none, e.g. an environment that monitors no service yet).

    Example
    -------
    >>> affected_metrics(alarm_set, ["watchtower-prod-orders-"])  # doctest: +SKIP
    """
    if service_prefixes is None:
        return {metric.key for alarm in alarms.metric_alarms for metric in alarm.metrics()}
    prefixes = tuple(service_prefixes)
    return {metric.key for alarm in alarms.metric_alarms for metric in alarm.metrics()
            if prefixes and alarm.name.startswith(prefixes)}


def _paged_at(page: Transition) -> int:
    """When the page went out: the actions' minute (later than the change after a WaitPeriod)."""
    return page.actions_minute if page.actions_minute is not None else page.minute


def _muted_prefixes(alarms: AlarmSet, prefixes: Iterable[str] | None) -> list[str] | None:
    """Services whose alarms a mute rule covers: a maintenance window concerns those services only."""
    muted = [name for rule in alarms.mute_rules for name in rule.alarm_names]
    if prefixes is None:
        return None
    return [p for p in prefixes if any(name.startswith(p) for name in muted)]


def _warmup(alarms: AlarmSet, scenario: Scenario) -> int:
    # History before the onset: the scenario's own (enough for the 6 h page windows); day-long ticket windows
    # then see a shorter history, which changes ratios little and pages not at all.
    return scenario.warmup


def _onset(alarms: AlarmSet, scenario: Scenario) -> int | None:
    if not scenario.in_maintenance:
        return ONSET
    windows = [rule.schedule.muted_minutes(ONSET, ONSET + 8 * 1440) for rule in alarms.mute_rules]
    starts = [min(minutes) for minutes in windows if minutes]
    return min(starts) + 1 if starts else None


def _key_objectives(alarms: AlarmSet, objectives: dict[str, float] | None) -> dict[MetricKey, float]:
    """Each metric's availability objective: that of the service whose alarms read it."""
    result: dict[MetricKey, float] = {}
    for prefix, objective in (objectives or {}).items():
        for alarm in alarms.metric_alarms:
            if alarm.name.startswith(prefix):
                for metric in alarm.metrics():
                    result.setdefault(metric.key, objective)
    return result


def generate(alarms: AlarmSet, scenario: Scenario, onset: int, profile: Profile,
             affected: set[MetricKey], objectives: dict[str, float] | None = None) -> SeriesStore:
    """Series for every metric the alarms read, one-minute resolution, seeded by the scenario name.

    A burn scenario burns each service's budget at the same rate: its error ratio follows that service's
    objective (``objectives``: alarm-name prefix -> percent), else the scenario's default.

    Example
    -------
    >>> generate(alarm_set, scenarios()[1], ONSET, PROD, affected_metrics(alarm_set, None)).keys()  # doctest: +SKIP
    """
    rng = random.Random(zlib.crc32(scenario.name.encode()))
    store = SeriesStore()
    keys = sorted({metric.key for alarm in alarms.metric_alarms for metric in alarm.metrics()})
    healthy = Condition(error_ratio=HEALTHY_ERROR_RATIO)
    key_objective = _key_objectives(alarms, objectives) if scenario.burn else {}
    burns = {key: burn_condition(scenario.burn, objective) for key, objective in key_objective.items()}
    first = onset - _warmup(alarms, scenario)
    for minute in range(first, onset + scenario.duration + 1):
        incident = scenario.condition(minute - onset)
        base = requests_per_minute(profile, minute, rng)
        # One request count per minute for all affected resources and one for the rest, so a resource's
        # errors never exceed its invocations.
        requests = {True: poisson(rng, base * incident.traffic), False: poisson(rng, base)}
        burning = scenario.burn is not None and minute >= onset
        for key in keys:
            hit = key in affected
            condition = (burns.get(key, incident) if burning else incident) if hit else healthy
            emit(store, key, minute, requests[hit], condition, profile, rng)
    return store


def run_scenario(alarms: AlarmSet, scenario: Scenario, profile: Profile | None = None,
                 service_prefixes: Iterable[str] | None = None, page_marker: str = "critical",
                 progress: Callable[[str], None] | None = None,
                 objectives: dict[str, float] | None = None) -> ScenarioResult:
    """Generate, simulate and judge one scenario.

    ``service_prefixes`` (alarm-name prefixes of the monitored services) say which metrics an incident hits;
    ``objectives`` (prefix -> availability percent) size the burn scenarios per service.

    Example
    -------
    >>> run_scenario(load_alarms(["cdk.out/prod"]), scenarios()[1]).verdict  # doctest: +SKIP
    'pass'
    """
    onset = _onset(alarms, scenario)
    if onset is None:
        return ScenarioResult(scenario, "n/a", "no AlarmMuteRule in these templates")
    chosen = DEV if scenario.quiet else (profile or PROD)
    if scenario.in_maintenance:
        service_prefixes = _muted_prefixes(alarms, service_prefixes)
    affected = affected_metrics(alarms, service_prefixes)
    if scenario.expect_page and not affected:
        return ScenarioResult(scenario, "n/a", "no monitored service in these templates")
    store = generate(alarms, scenario, onset, chosen, affected, objectives)
    if progress:
        progress(f"{scenario.name}: simulating {len(alarms.names())} alarms over {scenario.duration} min")
    # Alarms have been running for a while: start them in OK and let the warm-up data settle before the onset.
    start = onset - min(_warmup(alarms, scenario), 6 * 60)
    transitions = Simulator(alarms, store, OK).run(start, onset + scenario.duration)
    settled = [t for t in transitions if t.minute >= start + 60]
    pages = [t for t in settled if is_page(t, page_marker)]
    fired = sorted({t.alarm for t in settled if t.to_state == ALARM and t.minute >= onset})
    if scenario.expect_page:
        unwanted = [p for p in pages if _paged_at(p) < onset]
        wanted = sorted((p for p in pages if _paged_at(p) >= onset), key=_paged_at)
        first = (_paged_at(wanted[0]) - onset) if wanted else None
        if first is None:
            verdict, reason = "fail", "no page"
        elif scenario.page_within is not None and first > scenario.page_within:
            verdict, reason = "fail", f"first page after {first} min (target <= {scenario.page_within})"
        elif unwanted:
            verdict, reason = "fail", f"{len(unwanted)} page(s) before the onset"
        else:
            verdict = "pass"
            reason = f"paged after {first} min" + (f" (target <= {scenario.page_within})" if scenario.page_within else "")
        return ScenarioResult(scenario, verdict, reason, fired, pages, unwanted, first, onset)
    verdict = "pass" if not pages else "fail"
    reason = "no page" if not pages else f"{len(pages)} page(s) that should not have happened"
    return ScenarioResult(scenario, verdict, reason, fired, pages, list(pages), None, onset)
