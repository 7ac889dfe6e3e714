"""Per-minute metric values for serverless services, driven by a health condition, as numpy arrays.

A :class:`Condition` says how a service (or the monitoring's own machinery) behaves in one minute. The
generator turns a per-minute list of conditions into what CloudWatch would hold for each metric, the way each
AWS service publishes it: Lambda and API Gateway publish only when there is traffic, DynamoDB throttle events,
EventBridge, SNS and asynchronous-invocation failures only when they happen, SQS every minute, a canary once
per run, the cost checker once an hour.

Every metric belongs to a *stream* (one function, API, table, queue, state machine ...) that draws its own
request counts, so a function's Errors never exceed its Invocations and its ColdStart, ErrorLogs and memory
metrics follow the same invocations. Each kind of resource gets traffic that fits what it measures: services
follow a daily curve, state machines their own (lower) execution rate, the alert router only the few
notifications it delivers, the cost checker one sample an hour.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, fields
from typing import Callable, Mapping, Sequence

import numpy as np

from tools.alarmsim.series import Dense, MetricKey, SeriesStore

__all__ = ["Condition", "Profile", "PROD", "DEV", "TRICKLE", "HEALTHY_ERROR_RATIO", "LATENCY_BINS",
           "requests_per_minute", "stream_of", "generate_metric", "model_of", "add_run", "Streams"]

HEALTHY_ERROR_RATIO = 0.0002  # 0.2x burn of a 99.9% objective: a healthy month spends a fifth of its budget
# Quantile bins (edges) used to represent a latency distribution with a few weighted points; the tail is split
# finely so p99 stays accurate.
LATENCY_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0)


@dataclass(frozen=True)
class Condition:
    """How a service behaves in one minute; the defaults are a healthy service.

    The ``router_*``, ``hourly_cost`` and ``maintenance_on`` fields describe the monitoring's own machinery
    (alert router, cost checker, manual maintenance switch) and apply whichever service the incident hits.
    """

    traffic: float = 1.0                   # multiplier on the profile's request rate
    error_ratio: float = HEALTHY_ERROR_RATIO  # share of requests that fail (5xx / Lambda errors)
    client_error_ratio: float = 0.02       # 4xx
    latency_factor: float = 1.0            # multiplier on every latency quantile
    hang_ratio: float = 0.0                # share of invocations that run until the function's timeout (errors)
    throttle_ratio: float = 0.0            # Lambda throttles, share of invocations
    table_throttles_per_minute: float = 0.0  # DynamoDB throttle events
    cold_start_ratio: float = 0.02
    memory_percent: float = 45.0           # Lambda Insights memory utilisation
    stream_stalled: bool = False           # a stream consumer stops: iterator age grows a minute per minute
    queue_stalled: bool = False            # queue consumers stop: the oldest message ages a minute per minute
    dead_letters_per_minute: float = 0.0   # messages landing in the service's dead-letter queues
    async_failures_per_minute: float = 0.0  # DeadLetterErrors / DestinationDeliveryFailures / AsyncEventsDropped
    event_failures_per_minute: float = 0.0  # EventBridge FailedInvocations
    notification_failures_per_minute: float = 0.0  # SNS NumberOfNotificationsFailed
    execution_failure_ratio: float | None = None  # state machine executions failing (None: error_ratio)
    down: bool = False                     # health endpoints fail: every canary run fails
    canary_latency_factor: float = 1.0
    router_error_ratio: float = 0.002      # the alert router: an occasional failed delivery attempt
    router_throttle_ratio: float = 0.0
    router_dead_letters_per_minute: float = 0.0
    hourly_cost: float = 2.5               # the cost checker's estimate, USD per hour
    maintenance_on: bool = False           # the manual maintenance switch
    account_concurrency: float = 150.0     # Lambda concurrency the whole account claims (all workloads, reservations)
    ses_bounce_ratio: float = 0.01         # the account's SES bounce rate (0..1)
    ses_complaint_ratio: float = 0.0002    # the account's SES complaint rate (0..1)
    # The kinds beyond the serverless core (tools/alarmsim/scenarios/estate.py models their metrics). A None
    # means "as the rest of the service": the CDN follows error_ratio; utilisation follows the daily load.
    cdn_error_ratio: float | None = None   # CloudFront 5xx share (an edge or origin-facing failure of its own)
    lambda_target_error_ratio: float | None = None  # errors of a load balancer's Lambda targets
    write_throttle_ratio: float = 0.00005  # Kinesis and Firehose records throttled on the way in
    delivery_stalled: bool = False         # Firehose cannot deliver: the oldest record ages a minute per minute
    unhealthy_host_ratio: float = 0.0      # load balancer targets failing health checks (0..1)
    tasks_stopped_ratio: float = 0.0       # ECS tasks stopped (crash loop) of the desired count (0..1)
    container_cpu_percent: float | None = None     # ECS service CPU (None: follows the load, ~55 % at peak)
    container_memory_percent: float | None = None  # ECS service memory (None: ~55 %)
    db_cpu_percent: float | None = None            # Aurora CPU (None: follows the load, ~50 % at peak)
    db_capacity_percent: float | None = None       # Aurora Serverless v2 ACUs used of the maximum (None: ~60 %)
    s3_error_ratio: float = 0.00005        # S3 5xx (503 Slow Down, 500) share of requests
    storage_deleted_ratio: float = 0.0     # share of a bucket's bytes deleted (a bulk delete)
    schedule_drop_ratio: float = 0.0       # EventBridge Scheduler invocations dropped after their retries
    pipe_failure_ratio: float = 0.0005     # EventBridge Pipes executions failing or timing out
    stream_read_failure_ratio: float = 0.001  # Kinesis GetRecords calls failing (throttled reads, mostly)
    ephemeral_storage_percent: float | None = None  # Fargate task storage used of reserved (None: ~30 %)
    db_writer_down: bool = False           # the Aurora writer is down and no replica took over
    schedule_throttles_per_minute: float = 0.0     # Scheduler invocations (or their targets) throttled
    schedule_dlq_failures_per_minute: float = 0.0  # failed Scheduler invocations that also missed the DLQ


@dataclass(frozen=True)
class Profile:
    """Traffic shape of an environment's services: requests per minute at the daily peak, noise, latency (ms)."""

    name: str
    peak_rpm: float
    trough_ratio: float = 0.35
    noise: float = 0.08
    latency_median_ms: float = 80.0
    latency_sigma: float = 0.6     # lognormal shape: p99 is about 4x the median (~320 ms)
    execution_ratio: float = 0.03  # state machine executions per service request (an order -> one fulfilment)
    router_rpm: float = 0.3        # notifications the alert router delivers per minute (its own low volume)
    flat: bool = False             # no daily curve (a trickle)


PROD = Profile("prod", peak_rpm=900.0)
DEV = Profile("dev", peak_rpm=0.6, trough_ratio=0.1, noise=0.3, router_rpm=0.05)
TRICKLE = Profile("trickle", peak_rpm=1.0, noise=0.0, flat=True, router_rpm=0.3)


def requests_per_minute(profile: Profile, minutes: "np.ndarray") -> "np.ndarray":
    """Expected requests in each epoch minute: a daily curve (peak 15:00 UTC, trough 03:00), before noise.

    Example
    -------
    >>> r = requests_per_minute(PROD, np.array([15 * 60, 3 * 60])); bool(r[0] > 2 * r[1])
    True
    """
    if profile.flat:
        return np.full(len(minutes), profile.peak_rpm)
    hour = (minutes % 1440) / 60.0
    daily = (1 + np.cos((hour - 15.0) / 24.0 * 2 * math.pi)) / 2
    return profile.peak_rpm * (profile.trough_ratio + (1 - profile.trough_ratio) * daily)


_STREAM_DIMENSIONS = (("FunctionName", "fn"), ("function_name", "fn"), ("ApiName", "api"), ("ApiId", "api"),
                      ("TableName", "table"), ("StateMachineArn", "sm"), ("QueueName", "queue"),
                      ("RuleName", "rule"), ("TopicName", "topic"), ("CanaryName", "canary"),
                      ("GraphQLAPIId", "api"), ("TargetGroup", "tg"), ("LoadBalancer", "lb"),
                      ("DistributionId", "cdn"), ("StreamName", "kds"), ("DeliveryStreamName", "firehose"),
                      ("ServiceName", "ecs"), ("DBClusterIdentifier", "db"), ("BucketName", "bucket"),
                      ("ScheduleGroup", "schedule"), ("PipeName", "pipe"), ("ses:configuration-set", "ses"))
# Schedules fire on their own clock, not with the service's requests: attempts per minute of a schedule group.
SCHEDULE_ATTEMPTS_PER_MINUTE = 2.0


def stream_of(key: MetricKey) -> tuple[str, str]:
    """The resource a metric describes: one stream of requests per function, API, table, queue ...

    Example
    -------
    >>> stream_of(MetricKey.of("orders", "ColdStart", {"function_name": "orders-get", "service": "orders"}))
    ('fn', 'orders-get')
    >>> stream_of(MetricKey.of("watchtower/prod/ErrorLogs", "orders-get-ErrorLogs"))
    ('fn', 'orders-get')
    """
    dims = dict(key.dimensions)
    for name, kind in _STREAM_DIMENSIONS:
        if name in dims:
            return kind, dims[name]
    if key.metric_name.endswith("-ErrorLogs"):
        return "fn", key.metric_name[: -len("-ErrorLogs")]
    return "metric", f"{key.namespace}/{key.metric_name}"


def _seed(*parts: object) -> int:
    return zlib.crc32("|".join(str(p) for p in parts).encode())


class Streams:
    """Request counts per stream and minute for one run (scenario, seed), drawn once and shared by metrics.

    ``conditions`` is one :class:`Condition` per minute for the resources an incident hits; ``healthy`` for
    the others.
    """

    def __init__(self, first_minute: int, minutes: int, profile: Profile, seed: int, label: str) -> None:
        self.first = first_minute
        self.minutes = np.arange(first_minute, first_minute + minutes)
        self.profile = profile
        self.seed = seed
        self.label = label
        self._requests: dict[tuple, "np.ndarray"] = {}
        self.curve = requests_per_minute(profile, self.minutes)

    def rng(self, *parts: object) -> "np.random.Generator":
        """A generator of its own for one metric or stream, so adding an alarm never shifts another's draws."""
        return np.random.default_rng([self.seed, _seed(self.label, *parts)])

    def requests(self, stream: tuple[str, str], group: str, traffic: "np.ndarray") -> "np.ndarray":
        """Requests per minute of one stream (Poisson around the profile's rate, with noise)."""
        cache_key = (stream, group)
        if cache_key not in self._requests:
            rng = self.rng("requests", group, *stream)
            kind = stream[0]
            if group == "alerting":
                rate = np.full(len(self.minutes), self.profile.router_rpm)
            elif group in ("cost", "all"):
                rate = np.ones(len(self.minutes))
            elif kind == "schedule":
                rate = np.full(len(self.minutes), SCHEDULE_ATTEMPTS_PER_MINUTE)
            else:
                rate = self.curve * (self.profile.execution_ratio if kind == "sm" else 1.0)
                if self.profile.noise:
                    rate = rate * np.clip(1 + rng.normal(0, self.profile.noise, len(rate)), 0, None)
                rate = rate * traffic
            self._requests[cache_key] = rng.poisson(np.clip(rate, 0, None)).astype(float)
        return self._requests[cache_key]


_FALLBACK = {"execution_failure_ratio": "error_ratio", "cdn_error_ratio": "error_ratio",
             "lambda_target_error_ratio": "error_ratio"}


class _Fields:
    """Condition fields as per-minute arrays, computed on first use (from the few distinct conditions)."""

    def __init__(self, conditions: Sequence[Condition]) -> None:
        distinct: dict[Condition, int] = {}
        self._index = np.array([distinct.setdefault(c, len(distinct)) for c in conditions], dtype=np.int64)
        self._distinct = list(distinct)
        self._cache: dict[str, "np.ndarray"] = {}
        self._names = {f.name for f in fields(Condition)}

    def __getattr__(self, name: str) -> "np.ndarray":
        if name.startswith("_") or name not in self._names:
            raise AttributeError(name)
        if name not in self._cache:
            fallback = _FALLBACK.get(name)
            # None: the field follows another (fallback) or its metric's normal model (NaN, see estate.py)
            per = [getattr(c, name) if getattr(c, name) is not None else
                   (getattr(c, fallback) if fallback else math.nan) for c in self._distinct]
            self._cache[name] = np.array(per, dtype=float)[self._index]
        return self._cache[name]


_COUNTS = {"Invocations", "Count", "ExecutionsStarted", "NumberOfMessagesPublished", "NumberOfMessagesSent",
           "NumberOfMessagesReceived", "NumberOfMessagesDeleted", "Invocations.Count", "ConcurrentExecutions",
           "ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ReturnedItemCount", "MatchedEvents",
           "TriggeredRules", "NumberOfNotificationsDelivered"}
_ERRORS = {"Errors", "5XXError", "5xx", "SystemErrors", "FunctionErrors"}
_CLIENT_ERRORS = {"4XXError", "4xx", "UserErrors"}
_LATENCIES = {"Duration", "Latency", "IntegrationLatency", "SuccessfulRequestLatency"}
_ONLY_WHEN_FAILING = {"DeadLetterErrors", "DestinationDeliveryFailures", "AsyncEventsDropped", "FailedInvocations",
                      "NumberOfNotificationsFailed", "ExecutionsTimedOut", "ExecutionsAborted"}


def _counts(requests, totals) -> Dense:
    """A per-minute count metric: one sample per request, ``totals`` their sum (published with traffic)."""
    published = requests > 0
    return Dense(0, requests.copy(), np.where(published, totals, 0.0), np.where(totals < requests, 0.0, 1.0),
                 np.where(totals > 0, 1.0, 0.0))


def _events(values) -> Dense:
    """Events published only in minutes they happen (one sample per event, value 1)."""
    return Dense(0, values.copy(), values.copy(), np.ones(len(values)), np.ones(len(values)))


def _samples(values, published) -> Dense:
    """One sample in each published minute."""
    count = published.astype(float)
    return Dense(0, count, np.where(published, values, 0.0), values.copy(), values.copy())


def _latency(requests, median, sigma: float, hang_ratio, hang_ms: float) -> Dense:
    """A lognormal latency distribution per minute as weighted points, plus the share that hangs until timeout."""
    mids = np.array([(low + high) / 2 for low, high in zip(LATENCY_BINS, LATENCY_BINS[1:])])
    shares = np.diff(np.array(LATENCY_BINS))
    shape = np.exp(sigma * np.array([_probit(p) for p in mids]))
    values = np.concatenate((median[:, None] * shape[None, :], np.full((len(median), 1), hang_ms)), axis=1)
    weights = np.concatenate(((requests * (1 - hang_ratio))[:, None] * shares[None, :],
                              (requests * hang_ratio)[:, None]), axis=1)
    total = (values * weights).sum(axis=1)
    maximum = np.where(hang_ratio > 0, hang_ms, values[:, -2])
    return Dense(0, requests.copy(), total, values[:, 0].copy(), maximum, values, weights)


def _probit(p: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation; plenty for synthetic latency)."""
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    if p > 1 - 0.02425:
        return -_probit(1 - p)
    q = p - 0.5
    r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)


def _growing(active) -> "np.ndarray":
    """Minutes since the condition became active (0 while inactive): a backlog that ages a minute per minute.

    Example
    -------
    >>> _growing(np.array([0, 1, 1, 0, 1])).tolist()
    [0.0, 1.0, 2.0, 0.0, 1.0]
    """
    on = np.asarray(active, dtype=bool)
    position = np.arange(1, len(on) + 1)
    last_off = np.maximum.accumulate(np.where(on, 0, position))
    return np.where(on, position - last_off, 0).astype(float)


def _binomial(rng, n, p) -> "np.ndarray":
    return rng.binomial(n.astype(np.int64), np.clip(p, 0.0, 1.0)).astype(float)


def model_of(key: MetricKey) -> str | None:
    """The traffic model that generates ``key``, or None when no scenario generates it (the runner then leaves
    the alarms reading it out of the simulation and says so, rather than letting them read a silent 0).

    Example
    -------
    >>> model_of(MetricKey.of("AWS/Lambda", "Errors", {"FunctionName": "f"}))
    'errors'
    >>> model_of(MetricKey.of("AWS/ECS", "RunningTaskCount")) is None
    True
    """
    from tools.alarmsim.scenarios.estate import estate_model

    name, namespace = key.metric_name, key.namespace
    estate = estate_model(key)
    if estate is not None:
        return "estate:" + estate
    if namespace == "CloudWatchSynthetics":
        return "canary-success" if name == "SuccessPercent" else "canary-duration"
    fixed = {"Watchtower/Cost": "cost"}.get(namespace) or _BY_NAME.get(name)
    if fixed:
        return fixed
    if name.endswith("ErrorLogs"):
        return "errors"
    return None


_BY_NAME = {
    "ClaimedAccountConcurrency": "account-concurrency", "Reputation.BounceRate": "ses-reputation",
    "Reputation.ComplaintRate": "ses-reputation", "MaintenanceMode": "maintenance",
    "ApproximateAgeOfOldestMessage": "queue", "ApproximateNumberOfMessagesVisible": "queue",
    "ApproximateNumberOfMessagesNotVisible": "queue",
    **{n: "count" for n in _COUNTS}, **{n: "errors" for n in _ERRORS}, "ExecutionsFailed": "errors",
    "ExecutionsSucceeded": "succeeded", **{n: "client-errors" for n in _CLIENT_ERRORS},
    **{n: "latency" for n in _LATENCIES}, "Throttles": "throttles",
    "ReadThrottleEvents": "table-throttles", "WriteThrottleEvents": "table-throttles",
    "ThrottledRequests": "table-throttles", "ColdStart": "cold-start", "memory_utilization": "memory",
    "IteratorAge": "iterator-age", **{n: "failures" for n in _ONLY_WHEN_FAILING},
}


def generate_metric(key: MetricKey, group: str, streams: Streams, conditions: Sequence[Condition],
                    timeouts_ms: Mapping[str, float] | None = None,
                    cache: dict | None = None, desired_tasks: Mapping[str, float] | None = None) -> Dense:
    """One metric's per-minute arrays for the run, under ``conditions`` (one per minute).

    ``group`` is the service (or ``alerting``, ``cost``, ``all``) whose alarms read the metric; ``timeouts_ms``
    the configured function timeouts (a hanging invocation runs until its timeout); ``desired_tasks`` the
    desired count of each ECS service. A metric no model generates (:func:`model_of` is None) is an error.

    Example
    -------
    >>> s = Streams(0, 60, PROD, seed=1, label="demo")
    >>> errors = generate_metric(MetricKey.of("AWS/Lambda", "Errors", {"FunctionName": "f"}), "orders", s,
    ...                          [Condition(error_ratio=1.0)] * 60)
    >>> calls = generate_metric(MetricKey.of("AWS/Lambda", "Invocations", {"FunctionName": "f"}), "orders", s,
    ...                         [Condition(error_ratio=1.0)] * 60)
    >>> bool((errors.total == calls.total).all())
    True
    """
    model = model_of(key)
    if model is None:
        raise ValueError(f"no traffic model for {key.namespace} {key.metric_name}: scenarios do not generate it")
    if cache is None:
        f = _Fields(conditions)
    else:
        if id(conditions) not in cache:
            cache[id(conditions)] = (_Fields(conditions), conditions)  # keep the list alive while its id is a key
        f = cache[id(conditions)][0]
    name, namespace = key.metric_name, key.namespace
    stream = stream_of(key)
    rng = streams.rng("metric", key.namespace, key.metric_name, key.dimensions)
    router = group == "alerting"
    dense: Dense
    if model.startswith("estate:"):
        from tools.alarmsim.scenarios.estate import generate_estate

        def latency(scale: float) -> Dense:
            requests = streams.requests(stream, group, f.traffic)
            median = streams.profile.latency_median_ms * f.latency_factor * scale
            return _latency(requests, median, streams.profile.latency_sigma, np.zeros(len(requests)), 0.0)

        dense = generate_estate(model.removeprefix("estate:"), key, group, streams, f,
                                lambda: streams.requests(stream, group, f.traffic), latency, desired_tasks)
    elif model == "canary-success":
        runs = (streams.minutes % 5 == 0)
        failed = (f.down > 0) | (rng.random(len(runs)) < f.error_ratio)
        dense = _samples(np.where(failed, 0.0, 100.0), runs)
    elif model == "canary-duration":
        runs = (streams.minutes % 5 == 0)
        value = 900.0 * f.canary_latency_factor * np.exp(rng.normal(0, 0.1, len(runs)))
        dense = _samples(value, runs)
    elif model == "cost":
        hourly = streams.minutes % 60 == 0
        dense = _samples(f.hourly_cost * np.exp(rng.normal(0, 0.05, len(hourly))), hourly)
    elif model == "account-concurrency":  # account-level, every minute
        dense = _samples(f.account_concurrency * np.exp(rng.normal(0, 0.1, len(f.traffic))),
                         np.ones(len(f.traffic), dtype=bool))
    elif model == "ses-reputation":  # rolling rates of the account or of one configuration set
        ratio = f.ses_bounce_ratio if name == "Reputation.BounceRate" else f.ses_complaint_ratio
        dense = _samples(np.clip(ratio * np.exp(rng.normal(0, 0.2, len(ratio))), 0, 1), streams.minutes % 5 == 0)
    elif model == "maintenance":
        dense = _samples(np.where(f.maintenance_on > 0, 1.0, 0.0), np.ones(len(f.traffic), dtype=bool))
    elif model == "queue":
        queue = dict(key.dimensions).get("QueueName", "").lower()
        dead = "dlq" in queue or "dead" in queue
        per_minute = f.router_dead_letters_per_minute if router else f.dead_letters_per_minute
        landed = np.cumsum(rng.poisson(per_minute)) if dead else np.zeros(len(per_minute))
        if name == "ApproximateAgeOfOldestMessage":
            if dead:
                value = np.where(landed > 0, 60.0 * _growing(landed > 0), 0.0)
            else:
                stalled = (f.queue_stalled > 0) | (f.down > 0)
                value = np.clip(rng.normal(20.0, 8.0, len(stalled)), 0, None) + 60.0 * _growing(stalled)
        elif dead:
            value = landed.astype(float)
        else:
            value = rng.poisson(3.0, len(landed)).astype(float) + 30.0 * _growing((f.queue_stalled > 0) | (f.down > 0))
        dense = _samples(value, np.ones(len(value), dtype=bool))
    else:
        requests = streams.requests(stream, group, f.traffic)
        sm = stream[0] == "sm"
        if model == "count":
            dense = _counts(requests, requests)
        elif model == "errors":
            if router:
                ratio = f.router_error_ratio
            elif sm:
                ratio = f.execution_failure_ratio
            else:
                ratio = np.clip(f.error_ratio + f.hang_ratio, 0, 1)
            dense = _counts(requests, _binomial(rng, requests, ratio))
        elif model == "succeeded":
            dense = _counts(requests, requests - _binomial(rng, requests, f.execution_failure_ratio))
        elif model == "client-errors":
            dense = _counts(requests, _binomial(rng, requests, f.client_error_ratio))
        elif model == "latency":
            hang = f.hang_ratio if namespace == "AWS/Lambda" else np.zeros(len(requests))
            timeout = (timeouts_ms or {}).get(stream[1], 30_000.0)
            median = streams.profile.latency_median_ms * f.latency_factor
            dense = _latency(requests, median, streams.profile.latency_sigma, hang, timeout)
        elif model == "throttles":
            dense = _counts(requests, _binomial(rng, requests, f.router_throttle_ratio if router else f.throttle_ratio))
        elif model == "table-throttles":
            dense = _events(rng.poisson(f.table_throttles_per_minute / 2).astype(float))
        elif model == "cold-start":
            dense = _events(_binomial(rng, requests, f.cold_start_ratio))  # Powertools emits ColdStart=1 only
        elif model == "memory":
            value = np.clip(rng.normal(f.memory_percent, 4.0), 1.0, 100.0)
            published = requests > 0
            dense = Dense(0, requests.copy(), np.where(published, value * requests, 0.0), value - 3, value)
        elif model == "iterator-age":
            value = np.clip(rng.normal(800.0, 300.0, len(requests)), 0, None) + \
                60_000.0 * _growing(f.stream_stalled > 0)
            dense = Dense(0, requests.copy(), value * requests, value, value)
        else:  # failures: published only in minutes they happen
            if name in ("DeadLetterErrors", "DestinationDeliveryFailures", "AsyncEventsDropped"):
                rate = f.async_failures_per_minute / 3
            elif name == "FailedInvocations":
                rate = f.event_failures_per_minute
            elif name == "NumberOfNotificationsFailed":
                rate = f.notification_failures_per_minute
            else:
                rate = requests * f.hang_ratio
            dense = _events(rng.poisson(rate).astype(float))
    dense.first = streams.first
    return dense


def add_run(store: SeriesStore, keys: Sequence[tuple[MetricKey, str]], streams: Streams,
            incident: Sequence[Condition], healthy: Sequence[Condition], hit: Callable[[str], bool],
            timeouts_ms: Mapping[str, float] | None = None,
            desired_tasks: Mapping[str, float] | None = None) -> None:
    """Generate every (metric, group) of ``keys`` into ``store``: ``incident`` conditions for the groups ``hit``
    says an incident affects, ``healthy`` (still carrying the machinery's fields) for the others."""
    cache: dict = {}
    for key, group in keys:
        store.add_dense(key, generate_metric(key, group, streams, incident if hit(group) else healthy,
                                             timeouts_ms, cache, desired_tasks))
