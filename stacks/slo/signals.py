"""Service level indicators as bad-event ratios (0..1) over one window, from the SLO's source resource.

- availability: failed / all requests (API 5xx / Count, or Lambda Errors / Invocations);
- latency: requests slower than the threshold / all requests, from the percentile-rank statistic
  ``PR(0:threshold)`` (the share of samples at or under the threshold), which CloudWatch accepts in alarms.
"""
from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, aws_cloudwatch as cloudwatch

from config.services import FunctionRef, HttpApiRef, RestApiRef, ServiceResources, SloConfig
from stacks.monitoring.metrics.common import metric
from stacks.slo.windows import SloError

__all__ = ["SliSource", "pick_source", "bad_ratio"]


@dataclass(frozen=True)
class SliSource:
    """Where an SLO's events come from: namespace, dimensions and the request/error/latency metric names."""

    resource: str
    namespace: str
    dimensions: dict[str, str]
    requests: str
    errors: str
    latency: str


def pick_source(service_name: str, slo: SloConfig, resources: ServiceResources) -> SliSource | None:
    """The SLO's source: ``slo.source`` by name, else the first API, else the first function; None if none.

    Example
    -------
    >>> pick_source("orders", SloConfig(), ServiceResources(functions=("orders-api",))).requests
    'Invocations'
    """
    candidates: list[RestApiRef | HttpApiRef | FunctionRef] = [*resources.rest_apis, *resources.http_apis,
                                                              *resources.functions]
    if slo.source is not None:
        chosen = [c for c in candidates if c.name == slo.source]
        if not chosen:
            names = ", ".join(c.name for c in candidates) or "none"
            raise SloError(f"service '{service_name}': slo.source '{slo.source}' is not one of its APIs or "
                           f"functions ({names})")
        candidates = chosen
    if not candidates:
        return None
    ref = candidates[0]
    if isinstance(ref, RestApiRef):
        return SliSource(ref.name, "AWS/ApiGateway", {"ApiName": ref.name, "Stage": ref.stage}, "Count",
                         "5XXError", "Latency")
    if isinstance(ref, HttpApiRef):
        return SliSource(ref.name, "AWS/ApiGateway", {"ApiId": ref.api_id, "Stage": ref.stage}, "Count", "5xx",
                         "Latency")
    return SliSource(ref.name, "AWS/Lambda", {"FunctionName": ref.name}, "Invocations", "Errors", "Duration")


def bad_ratio(source: SliSource, sli: str, window: int, min_events: int, latency_threshold_ms: int,
              min_bad_events: int = 1) -> cloudwatch.MathExpression:
    """Bad events / all events over ``window`` seconds; 0 while fewer than ``min_events`` events or fewer than
    ``min_bad_events`` bad ones arrived (the volume floor alone stops one bad event, not two or three).

    Example
    -------
    >>> source = pick_source("orders", SloConfig(), ServiceResources(functions=(FunctionRef(name="orders-api"),)))
    >>> bad_ratio(source, "availability", 3600, 70, 1000, 5).expression
    'IF(requests >= 70 AND FILL(bad, 0) >= 5, FILL(bad, 0) / requests, 0)'
    """
    requests = metric(source.namespace, source.requests, source.dimensions, "Sum", window)
    if sli == "availability":
        bad = metric(source.namespace, source.errors, source.dimensions, "Sum", window)
        expression = f"IF(requests >= {min_events} AND FILL(bad, 0) >= {min_bad_events}, FILL(bad, 0) / requests, 0)"
        using = {"requests": requests, "bad": bad}
    else:
        within = metric(source.namespace, source.latency, source.dimensions, f"PR(0:{latency_threshold_ms})",
                        window)
        # Slow requests = requests x the share above the threshold (PR gives the share at or under it, in %).
        slow_share = "(100 - FILL(within, 100)) / 100"
        expression = (f"IF(requests >= {min_events} AND requests * {slow_share} >= {min_bad_events}, "
                      f"{slow_share}, 0)")
        using = {"requests": requests, "within": within}
    return cloudwatch.MathExpression(expression=expression, using_metrics=using, period=Duration.seconds(window),
                                     label=f"{source.resource} {sli} bad ratio")
