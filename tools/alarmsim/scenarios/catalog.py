"""The incident scenarios: what happens to which services, from when, and what the monitoring should do.

Times are minutes relative to the onset. A burn of b against a service's availability objective fails
b x (1 - objective) of its requests, so every service burns its own budget at the same rate. A constant burn b
on a window W with factor f is caught after about W*f/b (the SRE workbook's limit), so burn scenarios sit at
1.1x each factor (never exactly on it, where detection is a coin flip) and their targets are W*f/b + 3 min of
the pair that should catch them.

Whether a service should page is decided per service, by its objective: 5 % errors for half an hour is a page
at 99.9 % (a 50x burn) and not at 99.5 % (10x, which no page pair catches in 30 minutes).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from config.alarm_features import WarmUpConfig
from tools.alarmsim.scenarios.traffic import Condition

__all__ = ["Scenario", "ServiceInfo", "scenarios", "burn_condition", "spike_expectation", "PAGE_PAIRS",
           "HEALTHY"]

HEALTHY = Condition()
# (long window in minutes, factor) of the SLO page pairs: 1 h at 14.4x, 6 h at 6x.
PAGE_PAIRS = ((60, 14.4), (360, 6.0))
MARGIN = 1.1  # burns sit this far above a factor


@dataclass(frozen=True)
class ServiceInfo:
    """What the scenarios need to know about a monitored service."""

    name: str
    tier: int = 2
    availability: float | None = 99.9   # percent, None: no availability SLO
    latency: float | None = None        # percent of requests within the latency threshold
    kinds: tuple[str, ...] = ()         # the resource kinds it lists (config keys), for kind-specific incidents


PAGE, NO_PAGE, EITHER = "page", "no page", "either"


@dataclass(frozen=True)
class Scenario:
    """One scenario.

    ``condition(offset)`` is the condition of the services the incident hits ``offset`` minutes after the onset
    (before the onset every service is healthy). ``expect(service)`` says whether that service should page
    (``page``), must not (``no page``) or either is defensible (``either``); ``page_within(service)`` gives the
    detection target in minutes (p90 over seeds) when there is one. ``targets`` picks the services the incident
    hits: every one, tier 1 only, or those a maintenance window covers.
    """

    name: str
    title: str
    duration: int
    condition: Callable[[int], Condition]
    expect: Callable[[ServiceInfo], str] = lambda service: NO_PAGE
    page_within: Callable[[ServiceInfo], float | None] = lambda service: None
    targets: str = "all"                 # all | tier1 | muted
    traffic: str = "normal"              # normal (the environment's) | quiet (a dev trickle) | trickle (~1/min)
    burn: float | None = None            # error-budget burn from the onset, against each service's objective
    maintenance: str | None = None       # mute (onset at a mute window's start) | switch (manual, minutes below)
    maintenance_minutes: int = 0
    ticket_within: int | None = None     # an SLO ticket reaches people within this many minutes (p90)
    noise_goals: bool = False            # judge people-reaching and info per service per week (normal days)
    quiet_goal: bool = False             # nothing may reach people (a quiet dev environment)
    one_page_per_incident: bool = True   # at most one page per service, never re-sent within an hour
    environments: str = "any"            # any | dev (a dev-only scenario) | paging (skip in dev)
    families: tuple[str, ...] = field(default_factory=tuple)  # alarm families the scenario is there to exercise
    deploy_at: int | None = None         # minutes after the onset a deploy creates or updates the alarms (warm-up)

    def targets_service(self, service: ServiceInfo) -> bool:
        """Whether the incident hits ``service`` (``muted`` is decided by the runner from the mute rules)."""
        return self.targets == "all" or (self.targets == "tier1" and service.tier == 1) or self.targets == "muted"


# The warm-up a deploy gives paging alarms unless config says otherwise.
DEFAULT_WARM_UP_MINUTES = WarmUpConfig().minutes

def burn_condition(factor: float, objective: float) -> Condition:
    """The condition of a ``factor``x burn of an ``objective`` (percent) availability SLO.

    Example
    -------
    >>> burn_condition(14.4, 99.9).error_ratio
    0.0144
    """
    return Condition(error_ratio=round(factor * (1 - objective / 100.0), 10))


def _after(onset_condition: Condition, until: int | None = None) -> Callable[[int], Condition]:
    return lambda offset: onset_condition if offset >= 0 and (until is None or offset < until) else HEALTHY


def spike_expectation(error_ratio: float, minutes: int) -> Callable[[ServiceInfo], str]:
    """Page when the spike is a page-level burn long enough for the 1 h pair to see it; no page when no pair
    can; either in between (within 10 % of a factor, where detection is a coin flip).

    Example
    -------
    >>> spike_expectation(0.05, 30)(ServiceInfo("a", availability=99.9)), spike_expectation(0.05, 30)(ServiceInfo("b", availability=99.5))
    ('page', 'no page')
    """
    def expect(service: ServiceInfo) -> str:
        if service.availability is None:
            return EITHER
        burn = error_ratio / (1 - service.availability / 100.0)
        catches = [minutes >= window * factor / burn for window, factor in PAGE_PAIRS]
        if any(c and burn >= MARGIN * factor for c, (_, factor) in zip(catches, PAGE_PAIRS)):
            return PAGE
        if not any(c and burn >= factor for c, (_, factor) in zip(catches, PAGE_PAIRS)):
            return NO_PAGE
        return EITHER
    return expect


def _burn_target(burn: float) -> Callable[[ServiceInfo], float | None]:
    """W*f/b + 3 min of the fastest page pair whose factor the burn exceeds by the margin, to the nearest
    minute (the evaluation clock ticks once a minute)."""
    def target(service: ServiceInfo) -> float | None:
        for window, factor in PAGE_PAIRS:
            if burn >= MARGIN * factor - 1e-9:
                return float(round(window * factor / burn + 3))
        return None
    return target


def _burn_expect(burn: float) -> Callable[[ServiceInfo], str]:
    def expect(service: ServiceInfo) -> str:
        if service.availability is None:
            return EITHER
        return PAGE if burn >= MARGIN * PAGE_PAIRS[-1][1] - 1e-9 else NO_PAGE
    return expect


def _burn(factor: float, duration: int, ticket_within: int | None = None) -> Scenario:
    label = f"{factor:g}x"
    expect = _burn_expect(factor)
    title = f"{label} error-budget burn" + (" (ticket, not page)" if ticket_within else "")
    return Scenario(f"burn-{label}", title, duration, lambda offset: HEALTHY, expect=expect,
                    page_within=_burn_target(factor), burn=factor, ticket_within=ticket_within,
                    environments="paging", families=("BurnPage1hLong", "BurnPage1hShort") if factor >= 15 else ())


def _tier1_page(service: ServiceInfo) -> str:
    return PAGE if service.tier == 1 else EITHER


def _latency_page(service: ServiceInfo) -> str:
    return PAGE if service.latency is not None else EITHER


def _creep(offset: int) -> Condition:
    # Every latency quantile grows 3 % a minute, compounding: p99 from ~0.3 s past 10 s after about two hours.
    return HEALTHY if offset < 0 else replace(HEALTHY, latency_factor=min(60.0, 1.03 ** offset),
                                              canary_latency_factor=min(60.0, 1.03 ** offset))


def _outage(start: int, end: int | None) -> Callable[[int], Condition]:
    down = Condition(error_ratio=1.0, down=True)
    return lambda offset: down if offset >= start and (end is None or offset < end) else HEALTHY


def _side(until: int, **changes) -> Callable[[int], Condition]:
    """A failure that shows in one signal and not in the error ratio (what a warning is for)."""
    return _after(replace(HEALTHY, **changes), until)


def _pages_if(kind: str) -> Callable[[ServiceInfo], str]:
    """A tier-1 service with a resource of ``kind`` pages; the others must not (the incident is not theirs)."""
    return lambda service: (PAGE if service.tier == 1 else EITHER) if kind in service.kinds else NO_PAGE


def _either_if(kind: str) -> Callable[[ServiceInfo], str]:
    """A service with a resource of ``kind`` may page (a judgement of its own alarms); the others must not."""
    return lambda service: EITHER if kind in service.kinds else NO_PAGE


def scenarios() -> list[Scenario]:
    """Every scenario.

    Example
    -------
    >>> [s.name for s in scenarios()][:3]
    ['normal-7d', 'quiet-dev', 'hard-outage']
    """
    every = lambda service: PAGE  # noqa: E731
    three = lambda service: 3.0  # noqa: E731
    return [
        Scenario("normal-7d", "7 days of normal, noisy traffic", 7 * 1440, _after(HEALTHY), noise_goals=True,
                 one_page_per_incident=False),
        Scenario("quiet-dev", "a quiet dev environment (2 days, a few requests an hour)", 2 * 1440, _after(HEALTHY),
                 traffic="quiet", quiet_goal=True, environments="dev", one_page_per_incident=False),
        Scenario("hard-outage", "total outage of every service", 120, _outage(0, None), expect=every,
                 page_within=three, families=("ServiceDown", "HighErrorRate", "CanaryFailure", "ErrorLogs")),
        # A deploy during an incident restarts the paging alarms' warm-up (INSUFFICIENT_DATA, no actions): the
        # page still arrives, at most the warm-up (default 5 min) after the outage's usual 3 min.
        Scenario("deploy-during-incident", "a deploy 1 min into a total outage (paging alarms warm up, then page)",
                 120, _outage(0, None), expect=every, page_within=lambda service: 3.0 + DEFAULT_WARM_UP_MINUTES,
                 deploy_at=1, environments="paging"),
        Scenario("quiet-outage", "total outage at ~1 request/min (tier 1 pages within 10 min)", 240, _outage(0, None),
                 expect=_tier1_page, page_within=lambda s: 10.0 if s.tier == 1 else None, traffic="trickle"),
        Scenario("alert-storm", "every service down at once for 3 h (one page each, no re-page)", 180,
                 _outage(0, None), expect=every),
        Scenario("error-spike-5pct", "5% errors for 30 min", 90, _after(Condition(error_ratio=0.05), 30),
                 expect=spike_expectation(0.05, 30)),
        Scenario("error-spike-20pct", "20% errors for 30 min", 90, _after(Condition(error_ratio=0.20), 30),
                 expect=spike_expectation(0.20, 30)),
        _burn(100.0, 60),
        _burn(36.0, 90),
        _burn(15.84, 120),
        _burn(6.6, 420),
        _burn(3.3, 26 * 60, ticket_within=24 * 60),
        _burn(2.0, 8 * 60),
        _burn(1.1, 74 * 60, ticket_within=72 * 60),
        Scenario("latency-creep", "latency creep (+3%/min, p99 past 10 s after ~2 h)", 180, _creep,
                 expect=_latency_page, families=("Latency", "CanaryLatency")),
        Scenario("slow-dependency", "a slow dependency: every request 40x slower for 30 min", 90,
                 _side(30, latency_factor=40.0, canary_latency_factor=15.0), expect=lambda s: EITHER,
                 families=("Latency", "CanaryLatency", "DurationNearTimeout")),
        Scenario("near-timeout", "2% of invocations hang until their timeout for 20 min", 80,
                 _side(20, hang_ratio=0.02), expect=lambda s: EITHER, families=("DurationNearTimeout",)),
        Scenario("traffic-drop", "traffic drops to 10% for 2 h", 180, _after(Condition(traffic=0.1), 120),
                 families=("TrafficDrop",)),
        Scenario("client-errors", "a client release sends 40% bad requests (4xx) for 30 min", 90,
                 _side(30, client_error_ratio=0.4), families=("Api4xxRate", "Bucket4xxRate")),
        Scenario("dynamodb-throttling", "DynamoDB throttling, 40 events/min for 15 min", 60,
                 _side(15, table_throttles_per_minute=40.0), expect=lambda s: EITHER, families=("DatabaseThrottling",)),
        Scenario("dynamodb-single-throttle", "one DynamoDB throttle event every 10 min for an hour", 90,
                 lambda offset: replace(HEALTHY, table_throttles_per_minute=2.0 if 0 <= offset < 60 and offset % 10 == 0
                                        else 0.0)),
        Scenario("lambda-throttling", "Lambda throttles 5% of invocations for 20 min", 60,
                 _side(20, throttle_ratio=0.05), families=("Throttles",)),
        Scenario("cold-start-storm", "a deploy: 45% cold starts for 30 min", 90, _side(30, cold_start_ratio=0.45),
                 families=("ColdStarts",)),
        Scenario("memory-leak", "memory at 92% for 30 min", 90, _side(30, memory_percent=92.0),
                 families=("MemoryPressure",)),
        Scenario("stream-stalled", "a stream consumer stalls for 30 min", 90, _side(30, stream_stalled=True),
                 families=("IteratorAge",)),
        Scenario("queue-backlog", "queue consumers stop for 30 min", 90, _side(30, queue_stalled=True),
                 families=("QueueMessageAge",)),
        Scenario("poison-messages", "poison messages: 1 a minute to the dead-letter queues for 10 min", 60,
                 _side(10, dead_letters_per_minute=1.0), families=("DlqDepth",)),
        Scenario("async-failures", "asynchronous invocations fail (dead-letter/destination/dropped) for 30 min", 90,
                 _side(30, async_failures_per_minute=3.0), families=("AsyncFailures",)),
        Scenario("event-delivery-failures", "EventBridge fails to deliver, 2/min for 30 min", 90,
                 _side(30, event_failures_per_minute=2.0), families=("EventDeliveryFailures",)),
        Scenario("sns-delivery-failures", "SNS fails to deliver, 2/min for 30 min", 90,
                 _side(30, notification_failures_per_minute=2.0), families=("NotificationFailures",)),
        Scenario("workflow-failures", "30% of state machine executions fail for 40 min", 100,
                 _side(40, execution_failure_ratio=0.3), expect=lambda s: EITHER, families=("StepFunctionsFailures",)),
        Scenario("router-failing", "the alert router fails: errors, throttles, dead letters for 30 min", 90,
                 _side(30, router_error_ratio=0.6, router_throttle_ratio=0.3, router_dead_letters_per_minute=0.5),
                 families=("Errors", "Throttles", "DeadLetters")),
        Scenario("cost-spike", "the hourly cost estimate jumps to $25/h for 3 h", 240, _side(180, hourly_cost=25.0),
                 families=("CostAnomaly",)),
        Scenario("account-concurrency", "the account's Lambda concurrency claims 98% of a 1000 quota for 30 min", 60,
                 _side(30, account_concurrency=980.0), families=("AccountConcurrency",)),
        Scenario("ses-reputation", "SES bounces reach 8% and complaints 0.3% for 3 h", 240,
                 _side(180, ses_bounce_ratio=0.08, ses_complaint_ratio=0.003),
                 families=("SesBounceRate", "SesComplaintRate")),
        # The kinds beyond the serverless core: one failure each, in the signal its family watches.
        Scenario("cdn-5xx", "CloudFront answers 20% with 5xx for 30 min (the origin is healthy)", 90,
                 _side(30, cdn_error_ratio=0.2), expect=_pages_if("cloudfront_distributions"),
                 page_within=lambda s: 10.0 if "cloudfront_distributions" in s.kinds and s.tier == 1 else None,
                 families=("HighErrorRate",)),
        Scenario("stream-consumer-behind", "a Kinesis consumer stops reading for 4 h (lag past 10% of retention)",
                 300, _side(240, stream_stalled=True), expect=_either_if("kinesis_streams"),
                 families=("StreamConsumerLag", "IteratorAge")),
        Scenario("ingest-throttling", "5% of Kinesis and Firehose writes throttled for 30 min", 90,
                 _side(30, write_throttle_ratio=0.05),
                 families=("StreamWriteThrottles", "StreamPutFailures", "FirehoseThrottling")),
        Scenario("firehose-stalled", "Firehose cannot deliver to its destination for 1 h", 120,
                 _side(60, delivery_stalled=True), families=("DeliveryFreshness",)),
        Scenario("unhealthy-targets", "half of a load balancer's targets fail health checks for 30 min", 90,
                 _side(30, unhealthy_host_ratio=0.5), families=("UnhealthyTargets",)),
        Scenario("lambda-target-errors", "a Lambda behind a load balancer fails 10% of its requests for 30 min", 90,
                 _side(30, lambda_target_error_ratio=0.10), families=("LambdaTargetErrors",)),
        Scenario("containers-saturated", "an ECS service at 97% CPU and 95% memory for 30 min", 90,
                 _side(30, container_cpu_percent=97.0, container_memory_percent=95.0),
                 families=("CpuUtilization", "MemoryUtilization")),
        Scenario("tasks-crashing", "half of an ECS service's tasks crash-loop for 30 min (below its minimum)", 90,
                 _side(30, tasks_stopped_ratio=0.5), expect=_pages_if("ecs_services"),
                 page_within=lambda s: 10.0 if "ecs_services" in s.kinds and s.tier == 1 else None,
                 families=("RunningTasks",)),
        Scenario("database-saturated", "Aurora at 95% CPU and 97% of its maximum capacity for 30 min", 90,
                 _side(30, db_cpu_percent=95.0, db_capacity_percent=97.0),
                 families=("CpuUtilization", "DatabaseCapacity")),
        Scenario("s3-server-errors", "S3 answers 10% of requests with 5xx for 30 min", 90,
                 _side(30, s3_error_ratio=0.10), families=("BucketServerErrors",)),
        Scenario("bucket-bulk-delete", "a bulk delete removes 60% of a bucket's bytes (seen in the daily size)",
                 2 * 1440, _after(replace(HEALTHY, storage_deleted_ratio=0.6)), families=("BucketStorageAnomaly",)),
        Scenario("schedule-drops", "EventBridge Scheduler drops 20% of invocations for 30 min", 90,
                 _side(30, schedule_drop_ratio=0.2), families=("ScheduleFailures",)),
        Scenario("pipe-failures", "20% of EventBridge Pipes executions fail for 30 min", 90,
                 _side(30, pipe_failure_ratio=0.2), families=("PipeFailures",)),
        Scenario("stream-read-failures", "20% of a Kinesis stream's GetRecords calls fail for 30 min", 90,
                 _side(30, stream_read_failure_ratio=0.2), families=("StreamReadFailures",)),
        Scenario("ephemeral-storage-full", "an ECS service's task storage fills to 95% for 30 min", 90,
                 _side(30, ephemeral_storage_percent=95.0), families=("EphemeralStorage",)),
        Scenario("db-writer-down", "the Aurora writer is down for 10 min and no replica takes over", 60,
                 _side(10, db_writer_down=True), expect=_pages_if("aurora_clusters"),
                 page_within=lambda s: 5.0 if "aurora_clusters" in s.kinds and s.tier == 1 else None,
                 families=("DatabaseWriterDown",)),
        Scenario("schedule-throttling",
                 "Scheduler throttled 10/min and 8 failures a minute miss the dead-letter queue for 30 min", 90,
                 _side(30, schedule_throttles_per_minute=10.0, schedule_dlq_failures_per_minute=8.0),
                 families=("ScheduleThrottles", "ScheduleDlqFailures")),
        Scenario("maintenance-window", "hard outage inside a mute window (ends inside it)", 90,
                 _outage(0, 30), targets="muted", maintenance="mute",
                 # 30 min of total outage spent most of the month's budget: the SLO pairs are still in ALARM when
                 # the window ends, so a released page is the documented behaviour, not noise.
                 expect=lambda s: EITHER),
        Scenario("maintenance-outlast", "outage that starts in a mute window and outlasts it by 30 min", 120,
                 _outage(5, None), expect=every, targets="muted", maintenance="mute"),
        Scenario("maintenance-switch", "manual maintenance for 60 min; an outage from minute 5 outlasts it", 120,
                 lambda offset: replace(_outage(5, None)(offset), maintenance_on=0 <= offset < 60), expect=every,
                 maintenance="switch", maintenance_minutes=60, families=("Maintenance",)),
    ]
