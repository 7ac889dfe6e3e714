"""Signals of the kinds beyond the serverless core (and of listed API routes), as pure specs.

One factory per kind returns ``{family: builder}`` for a resource, where a builder turns a resolved Threshold
into the Signal its alarm watches; families whose metric exists only when something is switched on (S3 request
metrics, Container Insights, CloudFront's additional metrics, Serverless v2 capacity, a listed target group) are
returned only when the reference says it is on. ``ESTATE_SIGNALS`` and ``ESTATE_APPLIES`` put them in the shape
``plan/metrics.py`` registers (kind -> family -> signal function; (kind, family) -> applies).

Example
-------
>>> from plan.catalog import Threshold
>>> ESTATE_SIGNALS["kinesis_streams"]["StreamConsumerLag"](KinesisStreamRef(name="orders"), None,
...                                                         Threshold(50, period=300)).scale
864000.0
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from config.kinds import (
    AppSyncApiRef,
    AuroraClusterRef,
    BucketRef,
    CloudFrontDistributionRef,
    EcsServiceRef,
    FirehoseStreamRef,
    KinesisStreamRef,
    LoadBalancerRef,
    PipeRef,
    ScheduleGroupRef,
    SesConfigurationSetRef,
    WebSocketApiRef,
)
from config.services import ApiRouteRef
from plan.catalog import Threshold
from plan.signals import (
    MetricLike,
    MetricSpec,
    Signal,
    guarded_percent,
    guarded_share,
    guarded_success,
    math,
    metric,
    total,
)

__all__ = ["ESTATE_FACTORIES", "ESTATE_SIGNALS", "ESTATE_APPLIES", "ESTATE_FAMILIES",
           "kinesis_stream_signals", "firehose_stream_signals", "appsync_api_signals",
           "websocket_api_signals", "load_balancer_signals", "ecs_service_signals", "aurora_cluster_signals",
           "cloudfront_signals", "bucket_signals", "schedule_group_signals", "pipe_signals",
           "ses_configuration_set_signals", "api_route_signals"]


SignalBuilder = Callable[[Threshold], Signal]


def _share_of_sum(bad: Mapping[str, MetricSpec], ok: Mapping[str, MetricSpec], t: Threshold,
                  label: str) -> MetricLike:
    """``100 * bad / (bad + ok)`` (sums, missing points 0) once bad + ok reaches ``t.min_requests`` and bad
    ``t.min_bad``, else 0: for services that count the rejected apart from the accepted."""
    bad_sum = "(" + " + ".join(f"FILL({i}, 0)" for i in bad) + ")"
    all_sum = "(" + " + ".join(f"FILL({i}, 0)" for i in (*bad, *ok)) + ")"
    guard = f"{all_sum} >= {t.min_requests}" + (f" AND {bad_sum} >= {t.min_bad}" if t.min_bad else "")
    return math(f"IF({guard}, 100 * {bad_sum} / {all_sum}, 0)", {**bad, **ok}, t.period, label)


# --- streams -------------------------------------------------------------------------------------------------
def kinesis_stream_signals(stream: KinesisStreamRef) -> dict[str, SignalBuilder]:
    """Consumer lag as a share of the retention, throttled writes per record written, failed GetRecords calls
    per call, and records not put per record put.

    Example
    -------
    >>> sorted(kinesis_stream_signals(KinesisStreamRef(name="orders")))
    ['StreamConsumerLag', 'StreamPutFailures', 'StreamReadFailures', 'StreamWriteThrottles']
    """
    dims = {"StreamName": stream.name}
    ms_per_percent = stream.retention_hours * 3_600_000 / 100  # the catalog value is % of the retention

    return {
        "StreamConsumerLag": lambda t: Signal(metric("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", dims,
                                                     "Maximum", t.period), scale=ms_per_percent),
        "StreamWriteThrottles": lambda t: Signal(_share_of_sum(
            {"throttled": metric("AWS/Kinesis", "WriteProvisionedThroughputExceeded", dims, "Sum", t.period)},
            {"written": metric("AWS/Kinesis", "IncomingRecords", dims, "Sum", t.period)}, t,
            f"{stream.name} throttled writes %")),
        "StreamReadFailures": lambda t: Signal(_read_failures(stream.name, dims, t)),
        "StreamPutFailures": lambda t: Signal(_put_failures(stream.name, dims, t)),
    }


def _read_failures(name: str, dims: Mapping[str, str], t: Threshold) -> MetricLike:
    """GetRecords.Success publishes 1 per successful call and 0 per failed one: its Average is the successful
    share and its SampleCount the calls, the guard."""
    return math(f"IF(FILL(calls, 0) >= {t.min_requests}, 100 - 100 * FILL(ok, 1), 0)",
                {"ok": metric("AWS/Kinesis", "GetRecords.Success", dims, "Average", t.period),
                 "calls": metric("AWS/Kinesis", "GetRecords.Success", dims, "SampleCount", t.period)},
                t.period, f"{name} failed reads %")


def _put_failures(name: str, dims: Mapping[str, str], t: Threshold) -> MetricLike:
    """Records not put per record put: failed PutRecord calls (SampleCount - Sum of PutRecord.Success) plus
    PutRecords.FailedRecords, over PutRecord calls plus PutRecords.TotalRecords."""
    bad = "(FILL(calls, 0) - FILL(ok, 0) + FILL(failed, 0))"
    every = "(FILL(calls, 0) + FILL(batched, 0))"
    return math(f"IF({every} >= {t.min_requests}, 100 * {bad} / {every}, 0)",
                {"ok": metric("AWS/Kinesis", "PutRecord.Success", dims, "Sum", t.period),
                 "calls": metric("AWS/Kinesis", "PutRecord.Success", dims, "SampleCount", t.period),
                 "failed": metric("AWS/Kinesis", "PutRecords.FailedRecords", dims, "Sum", t.period),
                 "batched": metric("AWS/Kinesis", "PutRecords.TotalRecords", dims, "Sum", t.period)},
                t.period, f"{name} records not put %")


def firehose_stream_signals(stream: FirehoseStreamRef) -> dict[str, SignalBuilder]:
    """Age of the oldest undelivered record, and throttled records per record put.

    Example
    -------
    >>> sorted(firehose_stream_signals(FirehoseStreamRef(name="clicks")))
    ['DeliveryFreshness', 'FirehoseThrottling']
    """
    dims = {"DeliveryStreamName": stream.name}
    return {
        "DeliveryFreshness": lambda t: Signal(metric("AWS/Firehose", f"DeliveryTo{stream.destination}.DataFreshness",
                                                     dims, "Maximum", t.period)),
        "FirehoseThrottling": lambda t: Signal(_share_of_sum(
            {"throttled": metric("AWS/Firehose", "ThrottledRecords", dims, "Sum", t.period)},
            {"incoming": metric("AWS/Firehose", "IncomingRecords", dims, "Sum", t.period)}, t,
            f"{stream.name} throttled records %")),
    }


# --- APIs, load balancers, the CDN ---------------------------------------------------------------------------
def _request_signals(name: str, bad: Mapping[str, MetricSpec], requests: MetricSpec,
                     latency: MetricSpec | None, latency_scale: float = 1.0) -> dict[str, SignalBuilder]:
    """ServiceDown, HighErrorRate and Latency of something that answers requests."""
    def success(t: Threshold) -> Signal:
        if len(bad) == 1:
            return Signal(guarded_success(next(iter(bad.values())), requests, t, f"{name} success %"))
        bad_sum = " + ".join(f"FILL({i}, 0)" for i in bad)
        return Signal(math(f"IF(requests >= {t.min_requests}, 100 - 100 * ({bad_sum}) / requests, 100)",
                           {**bad, "requests": requests}, t.period, f"{name} success %"))

    signals: dict[str, SignalBuilder] = {
        "ServiceDown": success,
        "HighErrorRate": lambda t: Signal(guarded_share(dict(bad), requests, t, f"{name} 5xx %")),
    }
    if latency is not None:
        signals["Latency"] = lambda t: Signal(latency, percentile=True, scale=latency_scale)
    return signals


def appsync_api_signals(api: AppSyncApiRef) -> dict[str, SignalBuilder]:
    """Success rate, 5xx rate and p99 latency of a GraphQL API (AWS/AppSync, GraphQLAPIId).

    Example
    -------
    >>> sorted(appsync_api_signals(AppSyncApiRef(name="shop", api_id="a" * 26)))
    ['HighErrorRate', 'Latency', 'ServiceDown']
    """
    dims = {"GraphQLAPIId": api.api_id}

    def m(name: str, statistic: str, t: Threshold) -> MetricSpec:
        return metric("AWS/AppSync", name, dims, statistic, t.period)

    return _by_threshold(lambda t: _request_signals(api.name, {"errors": m("5XXError", "Sum", t)},
                                                    m("Requests", "Sum", t), m("Latency", "p99", t)))


def websocket_api_signals(api: WebSocketApiRef) -> dict[str, SignalBuilder]:
    """Failed integrations per message, p99 integration latency and client errors per message of a WebSocket
    API stage.

    Example
    -------
    >>> sorted(websocket_api_signals(WebSocketApiRef(name="chat", api_id="a1b2c3d4e5", stage="live")))
    ['Api4xxRate', 'HighErrorRate', 'Latency']
    """
    dims = {"ApiId": api.api_id, "Stage": api.stage}

    def m(name: str, statistic: str, t: Threshold) -> MetricSpec:
        return metric("AWS/ApiGateway", name, dims, statistic, t.period)

    signals = _by_threshold(lambda t: _request_signals(
        api.name, {"integration": m("IntegrationError", "Sum", t), "execution": m("ExecutionError", "Sum", t)},
        m("MessageCount", "Sum", t), m("IntegrationLatency", "p99", t)))
    signals.pop("ServiceDown")  # a WebSocket stage has no success count per connection: errors per message only
    signals["Api4xxRate"] = lambda t: Signal(guarded_percent(m("ClientError", "Sum", t), m("MessageCount", "Sum", t),
                                                             t, f"{api.name} client errors %"))
    return signals


def load_balancer_signals(lb: LoadBalancerRef) -> dict[str, SignalBuilder]:
    """Success and 5xx rate (the balancer's own and its targets'), p99 target response time, and for the
    listed target groups the share of unhealthy hosts and the Lambda targets' errors per request.

    Example
    -------
    >>> lb = LoadBalancerRef.model_validate({"name": "app/shop/50dc6c495c0c9188",
    ...                                      "target_groups": ["targetgroup/web/73e2d6bc24d8a067"]})
    >>> sorted(load_balancer_signals(lb))
    ['HighErrorRate', 'Latency', 'ServiceDown', 'UnhealthyTargets']
    """
    ns, dims = "AWS/ApplicationELB", {"LoadBalancer": lb.load_balancer}

    def m(name: str, statistic: str, t: Threshold, extra: Mapping[str, str] | None = None) -> MetricSpec:
        return metric(ns, name, {**({"TargetGroup": extra["TargetGroup"]} if extra else {}), **dims}, statistic,
                      t.period)

    # The target response time is in seconds; the catalog's latency is in milliseconds.
    signals = _by_threshold(lambda t: _request_signals(
        lb.name, {"elb": m("HTTPCode_ELB_5XX_Count", "Sum", t), "target": m("HTTPCode_Target_5XX_Count", "Sum", t)},
        m("RequestCount", "Sum", t), m("TargetResponseTime", "p99", t), latency_scale=0.001))
    hosts = [tg for tg in lb.target_groups if not tg.lambda_target]
    lambdas = [tg for tg in lb.target_groups if tg.lambda_target]
    if hosts:
        def unhealthy(t: Threshold) -> Signal:
            using = {}
            for i, tg in enumerate(hosts):
                using[f"u{i}"] = m("UnHealthyHostCount", "Maximum", t, {"TargetGroup": tg.id})
                using[f"h{i}"] = m("HealthyHostCount", "Minimum", t, {"TargetGroup": tg.id})
            bad = " + ".join(f"FILL(u{i}, 0)" for i in range(len(hosts)))
            every = " + ".join(f"FILL(u{i}, 0) + FILL(h{i}, 0)" for i in range(len(hosts)))
            return Signal(math(f"IF(({every}) > 0, 100 * ({bad}) / ({every}), 0)", using, t.period,
                               f"{lb.name} unhealthy targets %"))
        signals["UnhealthyTargets"] = unhealthy
    if lambdas:
        def lambda_errors(t: Threshold) -> Signal:
            bad, requests = {}, {}
            for i, tg in enumerate(lambdas):
                bad[f"user{i}"] = m("LambdaUserError", "Sum", t, {"TargetGroup": tg.id})
                bad[f"internal{i}"] = m("LambdaInternalError", "Sum", t, {"TargetGroup": tg.id})
                requests[f"r{i}"] = m("RequestCount", "Sum", t, {"TargetGroup": tg.id})
            bad_sum = "(" + " + ".join(f"FILL({k}, 0)" for k in bad) + ")"
            all_requests = "(" + " + ".join(f"FILL({k}, 0)" for k in requests) + ")"
            guard = f"{all_requests} >= {t.min_requests}" + (f" AND {bad_sum} >= {t.min_bad}" if t.min_bad else "")
            return Signal(math(f"IF({guard}, 100 * {bad_sum} / {all_requests}, 0)", {**bad, **requests}, t.period,
                               f"{lb.name} Lambda target errors %"))
        signals["LambdaTargetErrors"] = lambda_errors
    return signals


def cloudfront_signals(distribution: CloudFrontDistributionRef) -> dict[str, SignalBuilder]:
    """Success and 5xx rate of a distribution (5xxErrorRate is already a percentage of its requests), and with
    the additional metrics its p99 origin latency. The metrics exist in us-east-1 only (Region=Global).

    Example
    -------
    >>> sorted(cloudfront_signals(CloudFrontDistributionRef(name="E2QWRUHEXAMPLE")))
    ['HighErrorRate', 'ServiceDown']
    """
    dims = {"DistributionId": distribution.name, "Region": "Global"}

    def m(name: str, statistic: str, t: Threshold) -> MetricSpec:
        return metric("AWS/CloudFront", name, dims, statistic, t.period)

    def guard(t: Threshold) -> str:
        return f"FILL(requests, 0) >= {t.min_requests}"

    signals: dict[str, SignalBuilder] = {
        "ServiceDown": lambda t: Signal(math(f"IF({guard(t)}, 100 - FILL(rate, 0), 100)",
                                             {"rate": m("5xxErrorRate", "Average", t),
                                              "requests": m("Requests", "Sum", t)}, t.period,
                                             f"{distribution.name} success %")),
        "HighErrorRate": lambda t: Signal(math(f"IF({guard(t)}, FILL(rate, 0), 0)",
                                               {"rate": m("5xxErrorRate", "Average", t),
                                                "requests": m("Requests", "Sum", t)}, t.period,
                                               f"{distribution.name} 5xx %")),
    }
    if distribution.additional_metrics:
        signals["Latency"] = lambda t: Signal(m("OriginLatency", "p99", t), percentile=True)
    return signals


def api_route_signals(route: ApiRouteRef) -> dict[str, SignalBuilder]:
    """Success rate, 5xx rate and p99 latency of one route: REST routes by Resource and Method, HTTP routes by
    Route (both need the stage's detailed metrics).

    Example
    -------
    >>> from config.services import RestApiRef
    >>> sorted(api_route_signals(ApiRouteRef.of(RestApiRef(name="orders-api"), "POST /orders")))
    ['HighErrorRate', 'Latency', 'ServiceDown']
    """
    if route.api_id:
        dims, server = {"ApiId": route.api_id, "Stage": route.stage, "Route": route.route}, "5xx"
    else:
        dims, server = {"ApiName": route.api, "Stage": route.stage, "Resource": route.path,
                        "Method": route.method}, "5XXError"

    def m(name: str, statistic: str, t: Threshold) -> MetricSpec:
        return metric("AWS/ApiGateway", name, dims, statistic, t.period)

    return _by_threshold(lambda t: _request_signals(route.name, {"errors": m(server, "Sum", t)},
                                                    m("Count", "Sum", t), m("Latency", "p99", t)))


def _by_threshold(make: Callable[[Threshold], dict[str, SignalBuilder]]) -> dict[str, SignalBuilder]:
    """``make(t)`` returns every family's builder for a threshold; this gives per-family builders that call it
    with their own threshold (each family has its own period)."""
    def builder(family: str) -> SignalBuilder:
        return lambda t: make(t)[family](t)
    return {family: builder(family) for family in make(Threshold(0))}


# --- containers and databases --------------------------------------------------------------------------------
def ecs_service_signals(service: EcsServiceRef) -> dict[str, SignalBuilder]:
    """CPU and memory utilization of the service and, with Container Insights, its running tasks.

    Example
    -------
    >>> sorted(ecs_service_signals(EcsServiceRef(cluster="shop", name="web", container_insights=True)))
    ['CpuUtilization', 'EphemeralStorage', 'MemoryUtilization', 'RunningTasks']
    """
    dims = {"ClusterName": service.cluster, "ServiceName": service.name}
    signals: dict[str, SignalBuilder] = {
        "CpuUtilization": lambda t: Signal(metric("AWS/ECS", "CPUUtilization", dims, "Average", t.period)),
        "MemoryUtilization": lambda t: Signal(metric("AWS/ECS", "MemoryUtilization", dims, "Average", t.period)),
    }
    if service.container_insights:
        # The catalog value is a percentage of the service's minimum running tasks.
        signals["RunningTasks"] = lambda t: Signal(metric("ECS/ContainerInsights", "RunningTaskCount", dims,
                                                          "Minimum", t.period),
                                                   scale=service.min_running_tasks / 100)
        if service.launch_type == "FARGATE":  # Container Insights publishes ephemeral storage for Fargate only
            signals["EphemeralStorage"] = lambda t: Signal(math(
                "IF(FILL(reserved, 0) > 0, 100 * FILL(used, 0) / reserved, 0)",
                {"used": metric("ECS/ContainerInsights", "EphemeralStorageUtilized", dims, "Average", t.period),
                 "reserved": metric("ECS/ContainerInsights", "EphemeralStorageReserved", dims, "Average",
                                    t.period)}, t.period, f"{service.name} ephemeral storage %"))
    return signals


def aurora_cluster_signals(cluster: AuroraClusterRef) -> dict[str, SignalBuilder]:
    """CPU of the cluster's instances, the writer's uptime and, for Serverless v2, capacity used of the maximum
    ACUs.

    Example
    -------
    >>> sorted(aurora_cluster_signals(AuroraClusterRef(name="orders-db", serverless_v2=True)))
    ['CpuUtilization', 'DatabaseCapacity', 'DatabaseWriterDown']
    """
    dims = {"DBClusterIdentifier": cluster.name}
    signals: dict[str, SignalBuilder] = {
        "CpuUtilization": lambda t: Signal(metric("AWS/RDS", "CPUUtilization", dims, "Maximum", t.period)),
        "DatabaseWriterDown": lambda t: Signal(metric("AWS/RDS", "EngineUptime", {**dims, "Role": "WRITER"},
                                                      "Average", t.period)),
    }
    if cluster.serverless_v2:
        signals["DatabaseCapacity"] = lambda t: Signal(metric("AWS/RDS", "ACUUtilization", dims, "Maximum",
                                                              t.period))
    return signals


# --- storage, schedules, pipes, e-mail -----------------------------------------------------------------------
def bucket_signals(bucket: BucketRef) -> dict[str, SignalBuilder]:
    """With a request-metrics configuration, 5xx and 4xx responses per request; without, the daily stored
    bytes below their expected band (data deleted in bulk).

    Example
    -------
    >>> list(bucket_signals(BucketRef(name="uploads"))), list(bucket_signals(BucketRef(name="uploads",
    ...                                                                         request_metrics_filter="All")))
    (['BucketStorageAnomaly'], ['BucketServerErrors', 'Bucket4xxRate'])
    """
    if bucket.request_metrics_filter:
        dims = {"BucketName": bucket.name, "FilterId": bucket.request_metrics_filter}

        def rate(name: str, t: Threshold, label: str) -> Signal:
            return Signal(guarded_percent(metric("AWS/S3", name, dims, "Sum", t.period),
                                          metric("AWS/S3", "AllRequests", dims, "Sum", t.period), t,
                                          f"{bucket.name} {label} %"))

        return {"BucketServerErrors": lambda t: rate("5xxErrors", t, "5xx"),
                "Bucket4xxRate": lambda t: rate("4xxErrors", t, "4xx")}
    dims = {"BucketName": bucket.name, "StorageType": "StandardStorage"}
    return {"BucketStorageAnomaly": lambda t: Signal(metric("AWS/S3", "BucketSizeBytes", dims, "Average", t.period),
                                                     anomaly=True)}


def schedule_group_signals(group: ScheduleGroupRef) -> dict[str, SignalBuilder]:
    """Invocations dropped after the retry policy gave up, per attempted invocation; throttled invocations;
    failed invocations that also missed their dead-letter queue.

    Example
    -------
    >>> list(schedule_group_signals(ScheduleGroupRef(name="billing")))
    ['ScheduleFailures', 'ScheduleThrottles', 'ScheduleDlqFailures']
    """
    ns, dims = "AWS/Scheduler", {"ScheduleGroup": group.name}
    return {
        "ScheduleFailures": lambda t: Signal(guarded_share(
            {"dropped": metric(ns, "InvocationDroppedCount", dims, "Sum", t.period)},
            metric(ns, "InvocationAttemptCount", dims, "Sum", t.period), t, f"{group.name} dropped invocations %")),
        "ScheduleThrottles": lambda t: Signal(total(
            {"target": metric(ns, "TargetErrorThrottledCount", dims, "Sum", t.period),
             "invocation": metric(ns, "InvocationThrottleCount", dims, "Sum", t.period)}, t.period,
            f"{group.name} throttled invocations")),
        "ScheduleDlqFailures": lambda t: Signal(metric(ns, "InvocationsFailedToBeSentToDeadLetterCount", dims,
                                                       "Sum", t.period)),
    }


def pipe_signals(pipe: PipeRef) -> dict[str, SignalBuilder]:
    """Failed and timed-out executions per invocation of a pipe.

    Example
    -------
    >>> list(pipe_signals(PipeRef(name="orders-to-sfn")))
    ['PipeFailures']
    """
    ns, dims = "AWS/EventBridge/Pipes", {"PipeName": pipe.name}
    return {"PipeFailures": lambda t: Signal(guarded_share(
        {"failed": metric(ns, "ExecutionFailed", dims, "Sum", t.period),
         "timedout": metric(ns, "ExecutionTimeout", dims, "Sum", t.period)},
        metric(ns, "Invocations", dims, "Sum", t.period), t, f"{pipe.name} failed executions %"))}


def ses_configuration_set_signals(config_set: SesConfigurationSetRef) -> dict[str, SignalBuilder]:
    """Bounce and complaint rates SES computes for the configuration set, as percentages.

    Example
    -------
    >>> sorted(ses_configuration_set_signals(SesConfigurationSetRef(name="receipts")))
    ['EmailBounceRate', 'EmailComplaintRate']
    """
    dims = {"ses:configuration-set": config_set.name}

    def rate(name: str, t: Threshold, label: str) -> Signal:
        return Signal(math("100 * rate", {"rate": metric("AWS/SES", name, dims, "Maximum", t.period)}, t.period,
                           f"{config_set.name} {label} %"))

    return {"EmailBounceRate": lambda t: rate("Reputation.BounceRate", t, "bounce"),
            "EmailComplaintRate": lambda t: rate("Reputation.ComplaintRate", t, "complaint")}


ESTATE_FACTORIES: Mapping[str, Callable[[Any], dict[str, SignalBuilder]]] = {
    "api_routes": api_route_signals,
    "kinesis_streams": kinesis_stream_signals,
    "firehose_streams": firehose_stream_signals,
    "appsync_apis": appsync_api_signals,
    "websocket_apis": websocket_api_signals,
    "load_balancers": load_balancer_signals,
    "ecs_services": ecs_service_signals,
    "aurora_clusters": aurora_cluster_signals,
    "cloudfront_distributions": cloudfront_signals,
    "buckets": bucket_signals,
    "schedule_groups": schedule_group_signals,
    "pipes": pipe_signals,
    "ses_configuration_sets": ses_configuration_set_signals,
}

# Every family each kind can have, in the order its alarms are made (the catalog's kinds column lists the same).
ESTATE_FAMILIES: Mapping[str, tuple[str, ...]] = {
    "api_routes": ("ServiceDown", "HighErrorRate", "Latency"),
    "kinesis_streams": ("StreamConsumerLag", "StreamWriteThrottles", "StreamReadFailures", "StreamPutFailures"),
    "firehose_streams": ("DeliveryFreshness", "FirehoseThrottling"),
    "appsync_apis": ("ServiceDown", "HighErrorRate", "Latency"),
    "websocket_apis": ("HighErrorRate", "Latency", "Api4xxRate"),
    "load_balancers": ("ServiceDown", "HighErrorRate", "Latency", "UnhealthyTargets", "LambdaTargetErrors"),
    "ecs_services": ("CpuUtilization", "MemoryUtilization", "RunningTasks", "EphemeralStorage"),
    "aurora_clusters": ("CpuUtilization", "DatabaseCapacity", "DatabaseWriterDown"),
    "cloudfront_distributions": ("ServiceDown", "HighErrorRate", "Latency"),
    "buckets": ("BucketServerErrors", "Bucket4xxRate", "BucketStorageAnomaly"),
    "schedule_groups": ("ScheduleFailures", "ScheduleThrottles", "ScheduleDlqFailures"),
    "pipes": ("PipeFailures",),
    "ses_configuration_sets": ("EmailBounceRate", "EmailComplaintRate"),
}


def _signal_fn(kind: str, family: str) -> Callable[[Any, Any, Threshold], Signal]:
    def build(ref: Any, _ctx: Any, t: Threshold) -> Signal:
        return ESTATE_FACTORIES[kind](ref)[family](t)
    return build


def _applies_fn(kind: str, family: str) -> Callable[[Any], bool]:
    return lambda ref: family in ESTATE_FACTORIES[kind](ref)


ESTATE_SIGNALS: Mapping[str, Mapping[str, Callable[[Any, Any, Threshold], Signal]]] = {
    kind: {family: _signal_fn(kind, family) for family in families} for kind, families in ESTATE_FAMILIES.items()}
# A family applies to a resource only when its factory offers it (what the reference says is switched on).
ESTATE_APPLIES: Mapping[tuple[str, str], Callable[[Any], bool]] = {
    (kind, family): _applies_fn(kind, family) for kind, families in ESTATE_FAMILIES.items() for family in families}
