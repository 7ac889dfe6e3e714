"""Judge a scenario over its seeds: every class of outcome is counted, each goal is a line that passes or not.

How goals read the seeds (the same everywhere, so a number means one thing):

- detection targets are met by the p90 over seeds (a seed that never pages counts as never);
- "never" goals (no page in normal traffic or on a ticket-level burn, nothing reaching people in a quiet dev
  environment or during maintenance, at most one page per service per incident, no page re-sent within an
  hour) hold in every seed;
- "at most N per service per week" goals are met by the median, as the goals say.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from tools.alarmsim.scenarios.catalog import EITHER, NO_PAGE, PAGE, Scenario
from tools.alarmsim.scenarios.runner import Environment, SeedOutcome

__all__ = ["Goal", "ScenarioVerdict", "judge", "percentile", "FLAP_MINUTES", "family_goal"]

FLAP_MINUTES = 60  # a page re-sent within this long of the service's previous page is a flap
NOISE_PEOPLE_PER_WEEK = 1
NOISE_INFO_PER_WEEK = 7
MAINTENANCE_RELEASE_MINUTES = 2


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (inf stays inf: a seed that never paged).

    Example
    -------
    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), percentile([1, math.inf], 50)
    (9, 1)
    """
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value == math.inf:
        return "never"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


@dataclass(frozen=True)
class Goal:
    """One goal of one scenario: what it asks, what the seeds measured, and whether it holds."""

    name: str
    target: str
    measured: str
    ok: bool


@dataclass
class ScenarioVerdict:
    """A scenario over its seeds."""

    scenario: Scenario
    verdict: str                       # pass | fail | n/a
    reason: str
    goals: list[Goal] = field(default_factory=list)
    seeds: int = 0
    stats: dict = field(default_factory=dict)          # p50/p90 of the counts, per service
    families: set[str] = field(default_factory=set)    # alarm families that reached ALARM in any seed

    def summary(self) -> dict:
        """Plain data for the JSON report."""
        return {"verdict": self.verdict, "reason": self.reason, "seeds": self.seeds, "stats": self.stats,
                "goals": [{"goal": g.name, "target": g.target, "measured": g.measured, "ok": g.ok} for g in self.goals],
                "families": sorted(self.families)}


def _first_page(outcome: SeedOutcome, group: str, after: float = 0.0) -> float:
    times = [at for at, _ in outcome.pages.get(group, []) if at >= after]
    return min(times) if times else math.inf


def _flaps(times: Sequence[float]) -> int:
    ordered = sorted(times)
    return sum(1 for a, b in zip(ordered, ordered[1:]) if b - a < FLAP_MINUTES)


def _p(values: Sequence[float]) -> dict:
    return {"p50": percentile(values, 50), "p90": percentile(values, 90), "max": max(values) if values else 0}


def _stats(outcomes: Sequence[SeedOutcome], groups: Sequence[str]) -> dict:
    per_group = {}
    for group in groups:
        per_group[group] = {
            "pages": _p([len(o.pages.get(group, [])) for o in outcomes]),
            "people": _p([o.reaching_people(group) for o in outcomes]),
            "info": _p([o.info.get(group, 0) for o in outcomes]),
            "flaps": _p([_flaps([at for at, _ in o.pages.get(group, [])]) for o in outcomes]),
        }
    totals = {
        "pages": _p([sum(len(v) for v in o.pages.values()) for o in outcomes]),
        "people": _p([sum(o.reaching_people(g) for g in groups) for o in outcomes]),
        "info": _p([sum(o.info.values()) for o in outcomes]),
        "pages_per_incident": _p([max((len(o.pages.get(g, [])) for g in o.hit), default=0) for o in outcomes]),
        "flaps": _p([sum(_flaps([at for at, _ in o.pages.get(g, [])]) for g in groups) for o in outcomes]),
    }
    return {"total": totals, "services": per_group}


def judge(env: Environment, scenario: Scenario, outcomes: Sequence[SeedOutcome | None]) -> ScenarioVerdict:
    """Every goal of ``scenario`` over the seeds' outcomes.

    Example
    -------
    >>> from config.loader import load_config
    >>> from tools.alarmsim.scenarios.__main__ import environment
    >>> from tools.alarmsim.scenarios.catalog import scenarios
    >>> from tools.alarmsim.template import alarms_from_templates
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> alarms = alarms_from_templates({"app": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
    ...                                                             "Properties": props}}}})
    >>> env = environment("dev", alarms, load_config("dev"))
    >>> from tools.alarmsim.scenarios.runner import run_seed
    >>> scenario = scenarios()[2]
    >>> judge(env, scenario, [run_seed(env, scenario, s) for s in range(3)]).verdict
    'n/a'
    """
    if scenario.environments == "dev" and not env.dev_like:
        return ScenarioVerdict(scenario, "n/a", "a dev-environment scenario")
    if env.dev_like and (scenario.environments == "paging" or not (scenario.noise_goals or scenario.quiet_goal)):
        return ScenarioVerdict(scenario, "n/a", "incident goals apply where the environment pages (dev: noise only)")
    runs = [o for o in outcomes if o is not None]
    if not runs:
        return ScenarioVerdict(scenario, "n/a", "no AlarmMuteRule in these templates" if scenario.maintenance == "mute"
                               else "nothing to simulate")
    services = {s.name: s for s in env.services}
    hit = runs[0].hit
    if scenario.maintenance == "mute" and not hit:
        return ScenarioVerdict(scenario, "n/a", "no monitored service is in a mute window")
    groups = sorted({g for _, g in env.keys} | {g for o in runs for g in list(o.pages) + list(o.people) + list(o.info)})
    goals: list[Goal] = []
    window_end = runs[0].window[1] if runs[0].window else 0.0
    for name in sorted(hit):
        service = services[name]
        expectation = scenario.expect(service)
        if expectation == PAGE:
            after = window_end if scenario.maintenance else 0.0
            detections = [_first_page(o, name, after) - after for o in runs]
            p90 = percentile(detections, 90)
            target = scenario.page_within(service)
            if scenario.maintenance:
                target = MAINTENANCE_RELEASE_MINUTES
                goals.append(Goal(f"{name} pages after maintenance ends", f"p90 <= {target} min after the end",
                                  f"p50 {_fmt(percentile(detections, 50))}, p90 {_fmt(p90)}", p90 <= target))
            elif target is not None:
                goals.append(Goal(f"{name} pages", f"p90 <= {target:g} min",
                                  f"p50 {_fmt(percentile(detections, 50))}, p90 {_fmt(p90)}", p90 <= target))
            else:
                goals.append(Goal(f"{name} pages", "in 90% of seeds", f"p90 {_fmt(p90)} min", p90 < math.inf))
    for service in env.services:
        expectation = scenario.expect(service) if service.name in hit else NO_PAGE
        if expectation == NO_PAGE:
            worst = max(len(o.pages.get(service.name, [])) for o in runs)
            goals.append(Goal(f"{service.name} never pages", "0 pages in every seed", f"max {worst}", worst == 0))
    for group in groups:
        if env.service(group) is None:
            worst = max(len(o.pages.get(group, [])) for o in runs)
            if worst:
                goals.append(Goal(f"{group} never pages", "0 pages in every seed", f"max {worst}", False))
    if scenario.one_page_per_incident:
        for name in sorted(hit):
            if scenario.expect(services[name]) in (PAGE, EITHER):
                most = max(len(o.pages.get(name, [])) for o in runs)
                flaps = max(_flaps([at for at, _ in o.pages.get(name, [])]) for o in runs)
                goals.append(Goal(f"{name} one page per incident", "<= 1 page, 0 re-sent within 1 h, every seed",
                                  f"max {most} page(s), {flaps} flap(s)", most <= 1 and flaps == 0))
    if scenario.noise_goals:
        weeks = scenario.duration / (7 * 1440)
        for group in groups:
            people = percentile([o.reaching_people(group) / weeks for o in runs], 50)
            info = percentile([o.info.get(group, 0) / weeks for o in runs], 50)
            goals.append(Goal(f"{group} reaches people", f"median <= {NOISE_PEOPLE_PER_WEEK}/week",
                              f"median {_fmt(people)}", people <= NOISE_PEOPLE_PER_WEEK))
            goals.append(Goal(f"{group} info", f"median <= {NOISE_INFO_PER_WEEK}/week", f"median {_fmt(info)}",
                              info <= NOISE_INFO_PER_WEEK))
    if scenario.quiet_goal:
        worst = max(sum(o.reaching_people(g) for g in groups) for o in runs)
        goals.append(Goal("nothing reaches people", "0 in every seed", f"max {worst}", worst == 0))
    if scenario.maintenance:
        covered = sorted(hit) if scenario.maintenance == "mute" else groups
        worst = max(sum(o.in_window.get(g, 0) for g in covered) for o in runs)
        goals.append(Goal("silent during maintenance", "0 reach people in the window, every seed", f"max {worst}",
                          worst == 0))
    if scenario.ticket_within is not None:
        for name in sorted(hit):
            if services[name].availability is None:
                continue
            tickets = [o.first_ticket.get(name, math.inf) for o in runs]
            p90 = percentile(tickets, 90)
            goals.append(Goal(f"{name} opens a ticket", f"p90 <= {scenario.ticket_within} min",
                              f"p50 {_fmt(percentile(tickets, 50))}, p90 {_fmt(p90)}", p90 <= scenario.ticket_within))
    failed = [g for g in goals if not g.ok]
    verdict = "fail" if failed else "pass"
    reason = "; ".join(f"{g.name}: {g.measured} (goal {g.target})" for g in failed[:3]) + \
        (f"; +{len(failed) - 3} more" if len(failed) > 3 else "") if failed else f"{len(goals)} goal(s) met"
    families = set().union(*(o.families for o in runs))
    return ScenarioVerdict(scenario, verdict, reason, goals, len(runs), _stats(runs, groups), families)


def family_goal(env: Environment, verdicts: Sequence[ScenarioVerdict]) -> Goal:
    """Every alarm family of the templates reaches ALARM in at least one scenario (any seed).

    Example
    -------
    >>> from config.loader import load_config
    >>> from tools.alarmsim.scenarios.__main__ import environment
    >>> from tools.alarmsim.scenarios.catalog import scenarios
    >>> from tools.alarmsim.template import alarms_from_templates
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> alarms = alarms_from_templates({"app": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
    ...                                                             "Properties": props}}}})
    >>> env = environment("dev", alarms, load_config("dev"))
    >>> from tools.alarmsim.scenarios.runner import run_seed
    >>> scenario = scenarios()[2]
    >>> verdicts = [judge(env, scenario, [run_seed(env, scenario, 0)])]
    >>> family_goal(env, verdicts).ok  # the errors alarm never reaches ALARM
    False
    """
    from tools.alarmsim.scenarios.runner import family_of
    every = {family_of(a.name) for a in env.alarms.metric_alarms}
    reached = set().union(*(v.families for v in verdicts)) if verdicts else set()
    missing = sorted(every - reached)
    return Goal("every alarm family reaches ALARM", f"{len(every)} families",
                f"{len(every) - len(missing)} reached" + (f"; never: {', '.join(missing)}" if missing else ""),
                not missing)
