"""Normal traffic and failures of the resource kinds beyond the serverless core, the way each service publishes.

Streams, APIs, load balancers, containers, databases, the CDN, buckets, schedules and pipes each get what their
metrics hold in a healthy week and under the :class:`~tools.alarmsim.scenarios.traffic.Condition` fields an
incident changes:

- request counts follow the service's daily curve (one stream of requests per API, balancer, target group,
  distribution, Kinesis or Firehose stream, bucket and pipe); a schedule group fires on its own clock;
- errors are drawn from those requests (``error_ratio``; the CDN's own ``cdn_error_ratio``), split between the
  metrics a service counts them in (an ALB's own 5xx and its targets', a WebSocket's integration and execution
  errors, a pipe's failed and timed-out executions) so their sum never exceeds the requests;
- latencies are the generator's lognormal distribution (ALB target response time in seconds);
- gauges are sampled every minute: iterator age and Firehose freshness (a few seconds to minutes, growing a
  minute per minute while stalled), healthy and unhealthy hosts of a target group, ECS running tasks (the
  desired count), CPU and memory of containers and of Aurora, Serverless v2 capacity (following the daily load);
- S3 storage is one sample a day that only grows, unless a bulk delete removes a share;
- Kinesis GetRecords.Success and PutRecord.Success are one sample per call (1 ok, 0 failed), the Aurora
  writer's EngineUptime grows a minute per minute (0 while it is down), Scheduler throttles and dead-letter
  failures are published only when they happen.

Example
-------
>>> from tools.alarmsim.series import MetricKey
>>> estate_model(MetricKey.of("AWS/ECS", "CPUUtilization", {"ClusterName": "c", "ServiceName": "s"}))
'container-cpu'
>>> estate_model(MetricKey.of("AWS/ECS", "SomethingElse")) is None
True
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np

from tools.alarmsim.series import Dense, MetricKey

if TYPE_CHECKING:
    from tools.alarmsim.scenarios.traffic import Streams

__all__ = ["estate_model", "generate_estate", "HOSTS_PER_TARGET_GROUP", "DEFAULT_DESIRED_TASKS",
           "BUCKET_BYTES"]

HOSTS_PER_TARGET_GROUP = 4      # registered targets of a host (instance or IP) target group
DEFAULT_DESIRED_TASKS = 2.0     # an ECS service's desired count when the plan does not say its minimum
BUCKET_BYTES = 4.0e11           # stored bytes of a bucket at the start of the run (grows ~0.3 % a day)
EPHEMERAL_GIB = 20.0            # a Fargate task's ephemeral storage (the default 20 GiB)
READS_PER_MINUTE = 60.0         # GetRecords calls of a stream's consumers (one a second per shard)
WRITER_UPTIME_S = 30 * 86400.0  # the Aurora writer's uptime when the run starts

# (namespace, metric) -> model. Counts are the requests of the metric's stream; "split" models share one draw of
# failures between the metrics named in _SPLITS.
_MODELS: dict[tuple[str, str], str] = {
    ("AWS/AppSync", "Requests"): "count",
    ("AWS/CloudFront", "Requests"): "count",
    ("AWS/CloudFront", "5xxErrorRate"): "cdn-error-rate",
    ("AWS/CloudFront", "OriginLatency"): "latency-ms",
    ("AWS/ApiGateway", "MessageCount"): "count",
    ("AWS/ApiGateway", "IntegrationError"): "split",
    ("AWS/ApiGateway", "ExecutionError"): "split",
    ("AWS/ApplicationELB", "RequestCount"): "count",
    ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"): "split",
    ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"): "split",
    ("AWS/ApplicationELB", "LambdaUserError"): "split",
    ("AWS/ApplicationELB", "LambdaInternalError"): "split",
    ("AWS/ApplicationELB", "TargetResponseTime"): "latency-s",
    ("AWS/ApplicationELB", "HealthyHostCount"): "hosts",
    ("AWS/ApplicationELB", "UnHealthyHostCount"): "hosts",
    ("AWS/Kinesis", "IncomingRecords"): "count",
    ("AWS/Kinesis", "WriteProvisionedThroughputExceeded"): "write-throttles",
    ("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds"): "stream-age",
    ("AWS/Firehose", "IncomingRecords"): "count",
    ("AWS/Firehose", "ThrottledRecords"): "write-throttles",
    ("AWS/ECS", "CPUUtilization"): "container-cpu",
    ("AWS/ECS", "MemoryUtilization"): "container-memory",
    ("ECS/ContainerInsights", "RunningTaskCount"): "running-tasks",
    ("AWS/RDS", "CPUUtilization"): "db-cpu",
    ("AWS/RDS", "ACUUtilization"): "db-capacity",
    ("AWS/S3", "AllRequests"): "count",
    ("AWS/S3", "5xxErrors"): "s3-errors",
    ("AWS/S3", "BucketSizeBytes"): "bucket-bytes",
    ("AWS/Scheduler", "InvocationAttemptCount"): "count",
    ("AWS/Scheduler", "InvocationDroppedCount"): "schedule-drops",
    ("AWS/EventBridge/Pipes", "Invocations"): "count",
    ("AWS/Kinesis", "GetRecords.Success"): "stream-reads",
    ("AWS/Kinesis", "PutRecord.Success"): "stream-puts",
    ("AWS/Kinesis", "PutRecords.TotalRecords"): "count",
    ("AWS/Kinesis", "PutRecords.FailedRecords"): "write-throttles",
    ("AWS/ApiGateway", "ClientError"): "client-errors",
    ("AWS/S3", "4xxErrors"): "client-errors",
    ("ECS/ContainerInsights", "EphemeralStorageUtilized"): "ephemeral-used",
    ("ECS/ContainerInsights", "EphemeralStorageReserved"): "ephemeral-reserved",
    ("AWS/RDS", "EngineUptime"): "engine-uptime",
    ("AWS/Scheduler", "TargetErrorThrottledCount"): "schedule-throttles",
    ("AWS/Scheduler", "InvocationThrottleCount"): "schedule-throttles",
    ("AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount"): "schedule-dlq-failures",
    ("AWS/EventBridge/Pipes", "ExecutionFailed"): "split",
    ("AWS/EventBridge/Pipes", "ExecutionTimeout"): "split",
}
# metric -> (the draw's name, the Condition field of its failure ratio, share of the failures it gets, True for
# that part / False for the rest): the parts of one split come from one draw, so they never exceed the requests.
_SPLITS: dict[tuple[str, str], tuple[str, str, float, bool]] = {
    ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"): ("alb-5xx", "error_ratio", 0.3, True),  # the balancer's own
    ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"): ("alb-5xx", "error_ratio", 0.3, False),
    ("AWS/ApplicationELB", "LambdaInternalError"): ("lambda-target", "lambda_target_error_ratio", 0.3, True),
    ("AWS/ApplicationELB", "LambdaUserError"): ("lambda-target", "lambda_target_error_ratio", 0.3, False),
    ("AWS/ApiGateway", "ExecutionError"): ("websocket", "error_ratio", 0.2, True),
    ("AWS/ApiGateway", "IntegrationError"): ("websocket", "error_ratio", 0.2, False),
    ("AWS/EventBridge/Pipes", "ExecutionTimeout"): ("pipe", "pipe_failure_ratio", 0.2, True),
    ("AWS/EventBridge/Pipes", "ExecutionFailed"): ("pipe", "pipe_failure_ratio", 0.2, False),
}


def estate_model(key: MetricKey) -> str | None:
    """The model that generates ``key`` among the kinds beyond the core (None: not one of theirs).

    Example
    -------
    >>> estate_model(MetricKey.of("AWS/Firehose", "DeliveryToRedshift.DataFreshness", {"DeliveryStreamName": "x"}))
    'freshness'
    """
    if key.namespace == "AWS/Firehose" and key.metric_name.endswith(".DataFreshness"):
        return "freshness"
    return _MODELS.get((key.namespace, key.metric_name))


def _binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return rng.binomial(n.astype(np.int64), np.clip(np.nan_to_num(p), 0.0, 1.0)).astype(float)


def _counts(requests: np.ndarray, totals: np.ndarray) -> Dense:
    published = requests > 0
    return Dense(0, requests.copy(), np.where(published, totals, 0.0), np.where(totals < requests, 0.0, 1.0),
                 np.where(totals > 0, 1.0, 0.0))


def _samples(values: np.ndarray, published: np.ndarray) -> Dense:
    count = published.astype(float)
    return Dense(0, count, np.where(published, values, 0.0), values.copy(), values.copy())


def _growing(active: np.ndarray) -> np.ndarray:
    on = np.asarray(active, dtype=bool)
    position = np.arange(1, len(on) + 1)
    last_off = np.maximum.accumulate(np.where(on, 0, position))
    return np.where(on, position - last_off, 0).astype(float)


def _load(streams: "Streams", traffic: np.ndarray) -> np.ndarray:
    """The service's load, 0..1 of its daily peak (times the incident's traffic factor)."""
    return np.clip(streams.curve / streams.profile.peak_rpm * traffic, 0.0, 2.0) if streams.profile.peak_rpm \
        else np.zeros(len(traffic))


def _or_normal(override: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """The incident's value where it sets one (not NaN), else the normal model's."""
    return np.where(np.isnan(override), normal, override)


def generate_estate(model: str, key: MetricKey, group: str, streams: "Streams", f,
                    requests: Callable[[], np.ndarray], latency: Callable[[float], Dense],
                    desired_tasks: Mapping[str, float] | None = None) -> Dense:
    """One metric of the kinds beyond the core under the per-minute condition fields ``f``.

    ``requests()`` draws the metric's stream of requests; ``latency(scale)`` the generator's latency distribution
    in milliseconds times ``scale``; ``desired_tasks`` the desired count of each ECS service (by service name).

    Example
    -------
    >>> from tools.alarmsim.scenarios.traffic import Condition, PROD, Streams, generate_metric
    >>> s = Streams(0, 60, PROD, seed=1, label="demo")
    >>> key = MetricKey.of("ECS/ContainerInsights", "RunningTaskCount", {"ClusterName": "c", "ServiceName": "web"})
    >>> set(generate_metric(key, "shop", s, [Condition()] * 60, desired_tasks={"web": 3}).maximum.tolist())
    {3.0}
    """
    name, dims = key.metric_name, dict(key.dimensions)
    rng = streams.rng("estate", key.namespace, name, key.dimensions)
    every = np.ones(len(streams.minutes), dtype=bool)
    if model == "count":
        r = requests()
        return _counts(r, r)
    if model == "split":
        draw, ratio, share, first = _SPLITS[(key.namespace, name)]
        r = requests()
        shared = streams.rng("split", draw, *sorted(dims.items()))  # the same draw for every part of the split
        failing = getattr(f, ratio)
        if ratio == "pipe_failure_ratio":  # a pipe whose target is down fails every execution
            failing = np.maximum(failing, f.down)
        bad = _binomial(shared, r, failing)
        part = _binomial(shared, bad, np.full(len(bad), share))
        return _counts(r, part if first else bad - part)
    if model == "cdn-error-rate":
        r = requests()
        errors = _binomial(rng, r, f.cdn_error_ratio)
        published = r > 0
        return _samples(np.where(published, 100.0 * errors / np.maximum(r, 1), 0.0), published)
    if model in ("latency-ms", "latency-s"):
        return latency(0.001 if model == "latency-s" else 1.0)
    if model == "hosts":
        unhealthy = np.round(HOSTS_PER_TARGET_GROUP * np.clip(np.maximum(f.unhealthy_host_ratio, f.down), 0, 1))
        value = unhealthy if name == "UnHealthyHostCount" else HOSTS_PER_TARGET_GROUP - unhealthy
        return _samples(value, every)
    if model == "write-throttles":
        r = requests()
        return _counts(r, _binomial(rng, r, f.write_throttle_ratio))
    if model == "stream-age":  # consumers poll every few seconds: milliseconds behind the tip
        value = np.clip(rng.normal(600.0, 250.0, len(every)), 0, None) + 60_000.0 * _growing(f.stream_stalled > 0)
        return _samples(value, every)
    if model == "freshness":  # seconds: the buffer interval (up to 300 s by default), then growing while stuck
        value = rng.uniform(60.0, 300.0, len(every)) + 60.0 * _growing(f.delivery_stalled > 0)
        return _samples(value, every)
    if model == "container-cpu":
        normal = 15.0 + 40.0 * _load(streams, f.traffic) + rng.normal(0, 3.0, len(every))
        return _samples(np.clip(_or_normal(f.container_cpu_percent, normal), 0, 100), every)
    if model == "container-memory":
        normal = 55.0 + rng.normal(0, 2.0, len(every))
        return _samples(np.clip(_or_normal(f.container_memory_percent, normal), 0, 100), every)
    if model == "running-tasks":
        desired = (desired_tasks or {}).get(dims.get("ServiceName", ""), DEFAULT_DESIRED_TASKS)
        return _samples(np.round(desired * (1 - np.clip(f.tasks_stopped_ratio, 0, 1))), every)
    if model == "db-cpu":
        normal = 10.0 + 40.0 * _load(streams, f.traffic) + rng.normal(0, 4.0, len(every))
        return _samples(np.clip(_or_normal(f.db_cpu_percent, normal), 0, 100), every)
    if model == "db-capacity":
        normal = 20.0 + 40.0 * _load(streams, f.traffic) + rng.normal(0, 3.0, len(every))
        return _samples(np.clip(_or_normal(f.db_capacity_percent, normal), 0, 100), every)
    if model == "s3-errors":
        r = requests()
        return _counts(r, _binomial(rng, r, f.s3_error_ratio))
    if model == "bucket-bytes":  # one sample a day; only a bulk delete makes it smaller
        daily = (streams.minutes % 1440) == 0
        days = (streams.minutes - streams.minutes[0]) / 1440.0
        stored = BUCKET_BYTES * (1.003 ** days) * (1 - np.clip(f.storage_deleted_ratio, 0, 1))
        return _samples(stored, daily)
    if model == "schedule-drops":
        r = requests()
        return _counts(r, _binomial(rng, r, f.schedule_drop_ratio))
    if model == "client-errors":
        r = requests()
        return _counts(r, _binomial(rng, r, f.client_error_ratio))
    if model == "stream-reads":  # 1 per successful GetRecords call, 0 per failed one
        calls = rng.poisson(READS_PER_MINUTE, len(every)).astype(float)
        ok = calls - _binomial(rng, calls, f.stream_read_failure_ratio)
        return Dense(0, calls, ok, np.where(ok < calls, 0.0, 1.0), np.where(ok > 0, 1.0, 0.0))
    if model == "stream-puts":  # 1 per successful PutRecord call, 0 per failed (throttled) one
        calls = requests()
        ok = calls - _binomial(rng, calls, f.write_throttle_ratio)
        return Dense(0, calls.copy(), ok, np.where(ok < calls, 0.0, 1.0), np.where(ok > 0, 1.0, 0.0))
    if model == "ephemeral-used":
        normal = 0.30 * EPHEMERAL_GIB + rng.normal(0, 0.2, len(every))
        used = _or_normal(f.ephemeral_storage_percent / 100.0 * EPHEMERAL_GIB, normal)
        return _samples(np.clip(used, 0, EPHEMERAL_GIB), every)
    if model == "ephemeral-reserved":
        return _samples(np.full(len(every), EPHEMERAL_GIB), every)
    if model == "engine-uptime":  # seconds since the writer started; 0 while it is down, then from 0 again
        down = f.db_writer_down > 0
        since = _growing(~down) * 60.0
        never_down = np.maximum.accumulate(down) == 0
        return _samples(np.where(down, 0.0, np.where(never_down, WRITER_UPTIME_S + since, since)), every)
    if model == "schedule-throttles":
        return _events(rng.poisson(f.schedule_throttles_per_minute / 2).astype(float))
    if model == "schedule-dlq-failures":
        return _events(rng.poisson(f.schedule_dlq_failures_per_minute).astype(float))
    raise ValueError(f"no traffic model {model!r} for {key.namespace} {name}")


def _events(values: np.ndarray) -> Dense:
    """Events published only in minutes they happen (one sample per event, value 1)."""
    return Dense(0, values.copy(), values.copy(), np.ones(len(values)), np.ones(len(values)))
