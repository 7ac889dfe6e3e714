"""Run scenarios against an environment's alarms: generate series for the metrics they read, simulate, count.

Every notification that ran is classed by the topic it went to (see :func:`notification_class`): a *page*
(the critical topic), *people* (warning, ops and e-mail topics, other-region topics: someone reads it) or
*info* (chat only). ALARM and OK notifications both count. Each scenario runs over several seeds; what a seed
produced is a :class:`SeedOutcome`, per service; :mod:`tools.alarmsim.scenarios.verdict` judges the seeds.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Sequence

from plan.model import Plan
from tools.alarmsim.evaluation import ALARM, OK
from tools.alarmsim.model import AlarmSet
from tools.alarmsim.scenarios.catalog import HEALTHY, Scenario, ServiceInfo, burn_condition
from tools.alarmsim.scenarios.traffic import DEV, PROD, TRICKLE, Condition, Profile, Streams, add_run, model_of
from tools.alarmsim.series import MetricKey, SeriesStore, minute_of, parse_time
from tools.alarmsim.simulator import Simulator, Transition

__all__ = ["Environment", "environment_of_plan", "simulated", "SeedOutcome", "run_seed", "notification_class",
           "family_of",
           "is_page", "ONSET",
           "WARMUP_MINUTES", "PAGE", "PEOPLE", "INFO"]

ONSET = minute_of(parse_time("2026-03-04T10:00:00Z"))  # a Wednesday morning, near the daily peak
WARMUP_MINUTES = 3 * 1440 + 60   # history before the onset: the longest SLO window (3 days) plus an hour
SETTLE_MINUTES = 7 * 60          # the evaluation clock starts this long before the onset (alarms settle)
PAGE, PEOPLE, INFO = "page", "people", "info"
_INFRA = ("alerting", "cost", "all")   # the monitoring's own machinery: router, cost checker, maintenance switch


def notification_class(action: str) -> str:
    """Who an action reaches, from its topic name: ``...-critical`` pages, ``...-info`` is chat only, every
    other topic (warning, ops, e-mail, another region's canary topic) reaches people.

    Example
    -------
    >>> [notification_class(a) for a in ("arn:aws:sns:eu-west-1:1:watchtower-prod-alerts-critical",
    ...  "watchtower-prod-alerts-info", "watchtower-prod-alerts-ops", "watchtower-prod-canary-alerts-us-east-1")]
    ['page', 'info', 'people', 'people']
    """
    topic = action.rsplit(":", 1)[-1].lower()
    if topic.endswith("critical"):
        return PAGE
    if topic.endswith("info"):
        return INFO
    return PEOPLE


def is_page(transition: Transition) -> bool:
    """True for a change to ALARM whose executed actions include a critical (paging) topic.

    Example
    -------
    >>> is_page(Transition(0, "a", "OK", "ALARM", ("watchtower-prod-alerts-critical",), 0))
    True
    """
    return transition.to_state == ALARM and transition.actions_minute is not None and \
        any(notification_class(a) == PAGE for a in transition.actions)


def family_of(alarm_name: str) -> str:
    """The alarm family: the part before the severity in ``{app}-{env}-{service}-{resource}-{Family}-{severity}``.

    Example
    -------
    >>> family_of("watchtower-prod-orders-orders-api-ServiceDown-critical")
    'ServiceDown'
    """
    parts = alarm_name.rsplit("-", 2)
    return parts[-2] if len(parts) == 3 else alarm_name


@dataclass
class Environment:
    """One environment's alarms and what the runner knows about its services (from the plan, when there is a
    config; see :func:`environment_of_plan`). ``owners`` names the service of every planned alarm."""

    name: str
    alarms: AlarmSet
    prefix: str = ""                                   # "<app>-<env>-"
    services: list[ServiceInfo] = field(default_factory=list)
    timeouts_ms: dict[str, float] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    desired_tasks: dict[str, float] = field(default_factory=dict)  # ECS service -> its desired (minimum) count

    def __post_init__(self) -> None:
        self.alarms = simulated(self.alarms)
        names = sorted((s.name for s in self.services), key=len, reverse=True)
        self._names = names
        self.groups: dict[str, str] = {a: self.group_of(a) for a in self.alarms.names()}
        keys: dict[MetricKey, str] = {}
        for alarm in sorted(self.alarms.metric_alarms, key=lambda a: a.name):
            for metric in alarm.metrics():
                keys.setdefault(metric.key, self.groups[alarm.name])
        self.keys = sorted(keys.items())

    @property
    def dev_like(self) -> bool:
        """A development environment: quiet traffic is its normal, and it is not expected to page."""
        return "dev" in self.name

    def group_of(self, alarm_name: str) -> str:
        """The service an alarm belongs to: the plan's, else a configured service the name starts with, else the
        name's first part (alerting, cost ...: alarms of stacks outside the plan)."""
        if alarm_name in self.owners:
            return self.owners[alarm_name]
        rest = alarm_name[len(self.prefix):] if self.prefix and alarm_name.startswith(self.prefix) else alarm_name
        for name in self._names:
            if rest.startswith(name + "-"):
                return name
        return rest.split("-", 1)[0]

    def service(self, group: str) -> ServiceInfo | None:
        """The configured service of a group (None for the monitoring's own machinery)."""
        return next((s for s in self.services if s.name == group), None)

    def profile(self, scenario: Scenario) -> Profile:
        """Traffic of the scenario: the environment's normal (quiet in dev), a dev trickle, or ~1 request/min."""
        if scenario.traffic == "trickle":
            return TRICKLE
        if scenario.traffic == "quiet" or self.dev_like:
            return DEV
        return PROD

    def muted_groups(self) -> set[str]:
        """Services with at least one alarm in a mute rule."""
        return {self.groups.get(name, self.group_of(name)) for rule in self.alarms.mute_rules for name in rule.alarm_names}


def simulated(alarms: AlarmSet) -> AlarmSet:
    """``alarms`` without the metric alarms that read a metric no scenario generates, each left out with a
    "not simulated" warning (as log alarms are): an alarm reading a silent 0 would look quiet, not untested.

    Example
    -------
    >>> from tools.alarmsim.template import alarms_from_templates
    >>> props = {"AlarmName": "tasks", "Namespace": "AWS/ECS", "MetricName": "PendingTaskCount",
    ...          "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 0,
    ...          "ComparisonOperator": "GreaterThanThreshold"}
    >>> kept = simulated(alarms_from_templates({"S": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
    ...                                                                   "Properties": props}}}}))
    >>> kept.names(), kept.warnings
    ([], ['S/A: not simulated: tasks reads AWS/ECS PendingTaskCount, which no scenario generates'])
    """
    unmodelled = {a.name: next(m.key for m in a.metrics() if model_of(m.key) is None)
                  for a in alarms.metric_alarms if any(model_of(m.key) is None for m in a.metrics())}
    if not unmodelled:
        return alarms
    warnings = [f"{a.stack}/{a.logical_id}: not simulated: {a.name} reads {unmodelled[a.name].namespace} "
                f"{unmodelled[a.name].metric_name}, which no scenario generates"
                for a in alarms.metric_alarms if a.name in unmodelled]
    return AlarmSet([a for a in alarms.metric_alarms if a.name not in unmodelled], list(alarms.composites),
                    list(alarms.mute_rules), [*alarms.warnings, *warnings])


def _kinds(service) -> tuple[str, ...]:
    """The resource kinds a service monitors: planned ones, and those the config lists (region-pinned resources
    such as CloudFront distributions are planned in their own region's stack)."""
    from config.services import RESOURCE_KINDS

    listed = {k for k in RESOURCE_KINDS if getattr(getattr(service.config, "resources", None), k, None)}
    return tuple(sorted(listed | {r.kind for r in service.resources}))


def environment_of_plan(name: str, alarms: AlarmSet, plan: Plan) -> Environment:
    """The runner's view of an environment: its deployed ``alarms`` plus, from ``plan``, each service's tier and
    objectives, the timeout of every function (listed or discovered from ``template:``) and each alarm's service.

    Example
    -------
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> env = environment_of_plan("prod", AlarmSet(), plan_environment(load_config("prod")))
    >>> env.prefix, [(s.name, s.availability) for s in env.services][:1]
    ('watchtower-prod-', [('orders', 99.9)])
    """
    # An objective counts only where the plan alarms on it: a service with no API or function to measure an SLO
    # on has objectives in config but no burn-rate alarm, so nothing would page on its error budget.
    slos = {(slo.service, slo.sli): slo.objective for slo in plan.slos}
    services = [ServiceInfo(s.name, s.config.tier, slos.get((s.name, "availability")), slos.get((s.name, "latency")),
                            _kinds(s)) for s in plan.services]
    timeouts = {r.name: 1000.0 * r.ref.timeout_seconds for s in plan.services for r in s.resources
                if r.kind == "functions" and getattr(r.ref, "timeout_seconds", None)}
    owners = {a.name: a.service for a in plan.alarms} | {c.name: c.service for c in plan.composites}
    # An ECS service runs its desired count; the plan knows the minimum it needs, the smallest desired count.
    tasks = {r.ref.name: float(r.ref.min_running_tasks) for s in plan.services for r in s.resources
             if r.kind == "ecs_services" and getattr(r.ref, "min_running_tasks", None)}
    return Environment(name, alarms, f"{plan.app}-{plan.env}-", services, timeouts, owners, tasks)


@dataclass
class SeedOutcome:
    """What one seed of one scenario produced, per service group.

    Minutes are relative to the onset. ``pages`` holds when each page went out; ``people``/``info`` count
    notifications (ALARM and OK); ``first_ticket`` is the first SLO-ticket notification that reached people;
    ``in_window`` counts what reached people (pages included) while maintenance held the service.
    """

    seed: int
    onset: int
    window: tuple[int, int] | None = None               # maintenance window (minutes after onset), if any
    pages: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    info: dict[str, int] = field(default_factory=dict)
    first_ticket: dict[str, float] = field(default_factory=dict)
    in_window: dict[str, int] = field(default_factory=dict)
    families: set[str] = field(default_factory=set)
    alarms_fired: set[str] = field(default_factory=set)
    hit: set[str] = field(default_factory=set)           # groups the incident hit

    def reaching_people(self, group: str) -> int:
        """Pages and other people-reaching notifications of a group."""
        return len(self.pages.get(group, [])) + self.people.get(group, 0)


def _onset(env: Environment, scenario: Scenario) -> tuple[int, tuple[int, int] | None] | None:
    if scenario.maintenance == "switch":
        return ONSET, (0, scenario.maintenance_minutes)
    if scenario.maintenance != "mute":
        return ONSET, None
    windows = []
    for rule in env.alarms.mute_rules:
        minutes = sorted(rule.schedule.muted_minutes(ONSET, ONSET + 8 * 1440))
        if minutes:
            start = minutes[0]
            end = start
            while end + 1 in set(minutes):
                end += 1
            windows.append((start, end + 1))
    if not windows:
        return None
    start, end = min(windows)
    onset = start + 1
    return onset, (start - onset, end - onset)


@lru_cache(maxsize=4096)
def _infra_only(condition: Condition) -> Condition:
    """A healthy service, with the incident's state of the monitoring's own machinery."""
    return replace(HEALTHY, router_error_ratio=condition.router_error_ratio,
                   router_throttle_ratio=condition.router_throttle_ratio,
                   router_dead_letters_per_minute=condition.router_dead_letters_per_minute,
                   hourly_cost=condition.hourly_cost, maintenance_on=condition.maintenance_on,
                   account_concurrency=condition.account_concurrency, ses_bounce_ratio=condition.ses_bounce_ratio,
                   ses_complaint_ratio=condition.ses_complaint_ratio)


def generate(env: Environment, scenario: Scenario, seed: int, onset: int, hit: set[str]) -> SeriesStore:
    """Series for every metric the alarms read, one-minute resolution, from the warm-up to the scenario's end.

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
    >>> generate(env, scenarios()[2], 0, ONSET, {"demo"}).keys()
    [MetricKey(namespace='app', metric_name='Errors', dimensions=())]
    """
    first = onset - WARMUP_MINUTES
    length = WARMUP_MINUTES + scenario.duration + 1
    streams = Streams(first, length, env.profile(scenario), seed, scenario.name)
    incident = [scenario.condition(minute - onset) for minute in range(first, first + length)]
    healthy = [_infra_only(c) for c in incident]
    store = SeriesStore()
    if scenario.burn is None:
        add_run(store, env.keys, streams, incident, healthy, lambda group: group in hit, env.timeouts_ms,
                env.desired_tasks)
        return store
    # A burn burns each service's own budget at the same rate: its error ratio follows its own objective.
    for group in {g for _, g in env.keys}:
        service = env.service(group)
        keys = [(k, g) for k, g in env.keys if g == group]
        if service is None or service.availability is None or group not in hit:
            add_run(store, keys, streams, healthy, healthy, lambda g: False, env.timeouts_ms, env.desired_tasks)
            continue
        burning = burn_condition(scenario.burn, service.availability)
        burnt = lru_cache(maxsize=64)(lambda c: replace(c, error_ratio=burning.error_ratio))
        conditions = [c if minute < onset else burnt(c) for minute, c in zip(range(first, first + length), healthy)]
        add_run(store, keys, streams, conditions, healthy, lambda g: True, env.timeouts_ms, env.desired_tasks)
    return store


def hit_groups(env: Environment, scenario: Scenario) -> set[str]:
    """The services the incident hits."""
    if scenario.targets == "muted":
        return env.muted_groups() & {s.name for s in env.services}
    return {s.name for s in env.services if scenario.targets_service(s)}


def run_seed(env: Environment, scenario: Scenario, seed: int) -> SeedOutcome | None:
    """Generate, simulate and count one seed of a scenario (None: the scenario does not apply here).

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
    >>> run_seed(env, scenarios()[2], seed=0).pages  # nothing generates app/Errors: no page
    {}
    """
    timing = _onset(env, scenario)
    if timing is None:
        return None
    onset, window = timing
    hit = hit_groups(env, scenario)
    store = generate(env, scenario, seed, onset, hit)
    start, end = onset - SETTLE_MINUTES, onset + scenario.duration
    deploys = () if scenario.deploy_at is None else (onset + scenario.deploy_at,)
    transitions = Simulator(env.alarms, store, OK).run(start, end, deploys=deploys)
    outcome = SeedOutcome(seed, onset, window, hit=hit)
    # The router gives each service one PagerDuty incident: a paging alarm that fires while another paging alarm
    # of the same service is still in ALARM (the home region's composite and the us-east-1 one, say) triggers
    # the incident already open, which PagerDuty merges, so it is no new page; its chat and e-mail still reach
    # people, so it counts there, like a page's OK. Tracked from the first action, settling minutes included.
    open_pages: dict[str, set[str]] = {}
    for t in transitions:
        group = env.groups.get(t.alarm, env.group_of(t.alarm))
        if t.to_state == ALARM and t.minute >= onset:
            outcome.alarms_fired.add(t.alarm)
        if t.actions_minute is None or not t.actions:
            continue
        classes = {notification_class(a) for a in t.actions}
        joins_open_page = False
        if PAGE in classes and t.to_state in (ALARM, OK):
            paging = open_pages.setdefault(group, set())
            joins_open_page = t.to_state == ALARM and bool(paging - {t.alarm})
            if t.to_state == ALARM:
                paging.add(t.alarm)
            else:
                paging.discard(t.alarm)
        if t.actions_minute < onset:
            continue
        at = t.actions_minute - onset
        if PAGE in classes and t.to_state == ALARM and not joins_open_page:
            outcome.pages.setdefault(group, []).append((at, t.alarm))
        elif PAGE in classes or PEOPLE in classes:
            outcome.people[group] = outcome.people.get(group, 0) + 1
        if INFO in classes and not classes & {PAGE, PEOPLE}:
            outcome.info[group] = outcome.info.get(group, 0) + 1
        if classes & {PAGE, PEOPLE} and t.to_state == ALARM and "Ticket" in family_of(t.alarm):
            outcome.first_ticket.setdefault(group, at)
        if window and classes & {PAGE, PEOPLE} and window[0] <= at < window[1]:
            outcome.in_window[group] = outcome.in_window.get(group, 0) + 1
    metric_names = {a.name for a in env.alarms.metric_alarms}
    outcome.families = {family_of(name) for name in outcome.alarms_fired if name in metric_names}
    return outcome


def seeds_of(count: int) -> Sequence[int]:
    """The seeds a run uses: 0 .. count-1 (each scenario mixes its own name in, so seeds differ per scenario)."""
    return range(count)
