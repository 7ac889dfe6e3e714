"""Lambda function signals: AWS/Lambda, Lambda Insights, the Powertools ColdStart metric and ERROR logs."""
from __future__ import annotations

from config.services import FunctionRef
from plan.catalog import Threshold
from stacks.monitoring.metrics.common import (
    MetricContext,
    Signal,
    SignalBuilder,
    guarded_percent,
    guarded_success,
    metric,
    total,
)

__all__ = ["function_signals", "error_log_metric_name"]

_NS = "AWS/Lambda"


def error_log_metric_name(fn: FunctionRef) -> str:
    """Name of the metric the ERROR-level log filter of ``fn`` publishes.

    Example
    -------
    >>> error_log_metric_name(FunctionRef(name="orders-api"))
    'orders-api-ErrorLogs'
    """
    return f"{fn.name}-ErrorLogs"


def function_signals(fn: FunctionRef, ctx: MetricContext) -> dict[str, SignalBuilder]:
    """Signals of one function by alarm family; optional ones only when the function declares them.

    Example
    -------
    >>> ctx = MetricContext("watchtower/prod/ErrorLogs", "orders", "orders")
    >>> sorted(function_signals(FunctionRef(name="orders-api"), ctx))  # doctest: +NORMALIZE_WHITESPACE
    ['ColdStarts', 'ErrorLogs', 'HighErrorRate', 'Latency', 'MemoryPressure', 'QuietOutage', 'ServiceDown',
     'Throttles']
    """
    dims = {"FunctionName": fn.name}

    def lam(name: str, statistic: str, t: Threshold):
        return metric(_NS, name, dims, statistic, t.period)

    signals: dict[str, SignalBuilder] = {
        "ServiceDown": lambda t: Signal(guarded_success(lam("Errors", "Sum", t), lam("Invocations", "Sum", t), t,
                                                        f"{fn.name} success %")),
        "QuietOutage": lambda t: Signal(guarded_success(lam("Errors", "Sum", t), lam("Invocations", "Sum", t), t,
                                                        f"{fn.name} success % (quiet)")),
        "HighErrorRate": lambda t: Signal(guarded_percent(lam("Errors", "Sum", t), lam("Invocations", "Sum", t),
                                                          t, f"{fn.name} error %")),
        "Latency": lambda t: Signal(lam("Duration", "p99", t), percentile=True),
        "MemoryPressure": lambda t: Signal(metric("LambdaInsights", "memory_utilization",
                                                  {"function_name": fn.name}, "Maximum", t.period)),
        "ColdStarts": lambda t: Signal(guarded_percent(
            metric(ctx.powertools_namespace, "ColdStart",
                   {"function_name": fn.name, "service": ctx.powertools_service}, "Sum", t.period),
            lam("Invocations", "Sum", t), t, f"{fn.name} cold start %")),
        "Throttles": lambda t: Signal(guarded_percent(lam("Throttles", "Sum", t), lam("Invocations", "Sum", t), t,
                                                      f"{fn.name} throttle %")),
        "ErrorLogs": lambda t: Signal(metric(ctx.error_log_namespace, error_log_metric_name(fn), {}, "Sum",
                                             t.period)),
    }
    if fn.timeout_seconds:
        # The catalog value is a percentage of the timeout; the alarm compares milliseconds.
        ms_per_percent = fn.timeout_seconds * 1000 / 100
        signals["DurationNearTimeout"] = lambda t: Signal(lam("Duration", "p99", t), percentile=True,
                                                          scale=ms_per_percent)
    if fn.stream_source:
        signals["IteratorAge"] = lambda t: Signal(lam("IteratorAge", "Maximum", t))
    if fn.async_invoked:
        signals["AsyncFailures"] = lambda t: Signal(total(
            {"dlq": lam("DeadLetterErrors", "Sum", t), "dest": lam("DestinationDeliveryFailures", "Sum", t),
             "dropped": lam("AsyncEventsDropped", "Sum", t)}, t.period, f"{fn.name} failed async events"))
    return signals
