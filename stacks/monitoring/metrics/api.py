"""API Gateway signals: REST APIs (ApiName, Stage; 5XXError/4XXError) and HTTP APIs (ApiId, Stage; 5xx/4xx)."""
from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch

from config.services import HttpApiRef, RestApiRef
from plan.catalog import Threshold
from stacks.monitoring.metrics.common import Signal, SignalBuilder, guarded_percent, guarded_success, metric

__all__ = ["api_signals"]

_NS = "AWS/ApiGateway"


def api_signals(api: RestApiRef | HttpApiRef) -> dict[str, SignalBuilder]:
    """Signals of one API stage by alarm family.

    Example
    -------
    >>> sorted(api_signals(RestApiRef(name="orders-api")))
    ['Api4xxRate', 'HighErrorRate', 'Latency', 'QuietOutage', 'ServiceDown', 'TrafficDrop']
    """
    if isinstance(api, HttpApiRef):
        dims, server, client = {"ApiId": api.api_id, "Stage": api.stage}, "5xx", "4xx"
    else:
        dims, server, client = {"ApiName": api.name, "Stage": api.stage}, "5XXError", "4XXError"

    def gw(name: str, statistic: str, t: Threshold) -> cloudwatch.Metric:
        return metric(_NS, name, dims, statistic, t.period)

    return {
        "ServiceDown": lambda t: Signal(guarded_success(gw(server, "Sum", t), gw("Count", "Sum", t), t,
                                                        f"{api.name} success %")),
        "QuietOutage": lambda t: Signal(guarded_success(gw(server, "Sum", t), gw("Count", "Sum", t), t,
                                                        f"{api.name} success % (quiet)")),
        "HighErrorRate": lambda t: Signal(guarded_percent(gw(server, "Sum", t), gw("Count", "Sum", t), t,
                                                          f"{api.name} 5xx %")),
        "Latency": lambda t: Signal(gw("Latency", "p99", t), percentile=True),
        "Api4xxRate": lambda t: Signal(guarded_percent(gw(client, "Sum", t), gw("Count", "Sum", t), t,
                                                       f"{api.name} 4xx %")),
        "TrafficDrop": lambda t: Signal(gw("Count", "Sum", t), anomaly=True),
    }
