"""The signal of every (resource kind, alarm family) pair: what the alarm of that family watches on a resource.

The catalog's ``kinds`` column decides where a family applies; this module says how to measure it there.
``signal_for(kind, family, ref, ctx, threshold)`` gives the Signal; ``applies(kind, family, ref)`` is False when
the resource lacks what the family needs (DurationNearTimeout without ``timeout_seconds``, DlqDepth on a queue
without ``dlq``...). A family the catalog lists for a kind this module cannot measure is a ``PlanError``, and a
test walks every catalog row.

Example
-------
>>> from config.services import QueueRef
>>> from plan.catalog import Threshold
>>> ctx = MetricContext("watchtower/prod/ErrorLogs", "orders", "orders")
>>> signal_for("queues", "QueueMessageAge", QueueRef(name="orders"), ctx, Threshold(900, period=300)).metric.name
'ApproximateAgeOfOldestMessage'
>>> applies("queues", "DlqDepth", QueueRef(name="orders"))  # no dlq: no alarm
False
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from config.errors import InputError
from config.services import (
    EventRuleRef,
    FunctionRef,
    HttpApiRef,
    QueueRef,
    RestApiRef,
    StateMachineRef,
    TableRef,
    TopicRef,
)
from plan.catalog import Threshold
from plan.signals import MetricSpec, Signal, guarded_percent, guarded_share, guarded_success, math, metric, total

__all__ = ["MetricContext", "PlanError", "SignalFn", "SIGNALS", "signal_for", "families_of", "families_for", "applies",
           "error_log_metric_name", "state_machine_arn", "throttled_requests"]


class PlanError(InputError):
    """The catalog and the signal factories disagree, or config asks for something the plan cannot build."""


@dataclass(frozen=True)
class MetricContext:
    """What the factories need beyond the resource: where ERROR-log counts and Powertools metrics live.

    Example
    -------
    >>> MetricContext("watchtower/prod/ErrorLogs", "orders", "orders").powertools_service
    'orders'
    """

    error_log_namespace: str
    powertools_namespace: str
    powertools_service: str


SignalFn = Callable[[Any, MetricContext, Threshold], Signal]


def error_log_metric_name(fn: FunctionRef) -> str:
    """Name of the metric the ERROR-level log filter of ``fn`` publishes.

    Example
    -------
    >>> error_log_metric_name(FunctionRef(name="orders-api"))
    'orders-api-ErrorLogs'
    """
    return f"{fn.name}-ErrorLogs"


def state_machine_arn(state_machine: StateMachineRef) -> str:
    """The state machine's ARN in the monitoring stack's account and region (resolved at deploy).

    Example
    -------
    >>> state_machine_arn(StateMachineRef(name="fulfil"))
    'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:fulfil'
    """
    return f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{state_machine.name}"


def throttled_requests(table: TableRef, period: int) -> Any:
    """Read + write throttle events of ``table`` per period, with a value whenever the table has traffic.

    ``ThrottledRequests`` needs an Operation dimension per API call; the two ThrottleEvents metrics cover every
    operation with the table dimension alone. DynamoDB publishes them only when something is throttled, and
    alarms on AWS/DynamoDB always ignore missing data: an expression of those two alone has no value once the
    throttling stops, so the alarm would stay in ALARM. Adding the consumed capacity (published every minute the
    table serves a request) times 0 gives the expression a point, 0 throttles, whenever the table has traffic.

    Example
    -------
    >>> throttled_requests(TableRef(name="orders"), 60).expression
    'FILL(reads, 0) + FILL(writes, 0) + 0 * (FILL(rcu, 0) + FILL(wcu, 0))'
    """
    dims = {"TableName": table.name}
    using = {
        "reads": metric("AWS/DynamoDB", "ReadThrottleEvents", dims, "Sum", period),
        "writes": metric("AWS/DynamoDB", "WriteThrottleEvents", dims, "Sum", period),
        "rcu": metric("AWS/DynamoDB", "ConsumedReadCapacityUnits", dims, "Sum", period),
        "wcu": metric("AWS/DynamoDB", "ConsumedWriteCapacityUnits", dims, "Sum", period),
    }
    return math("FILL(reads, 0) + FILL(writes, 0) + 0 * (FILL(rcu, 0) + FILL(wcu, 0))", using, period,
                f"{table.name} throttled requests")


# --- Lambda functions -------------------------------------------------------------------------------------

def _lam(fn: FunctionRef, name: str, statistic: str, t: Threshold) -> MetricSpec:
    return metric("AWS/Lambda", name, {"FunctionName": fn.name}, statistic, t.period)


def _fn_rate(bad: str, label: str, success: bool = False) -> SignalFn:
    def build(fn: FunctionRef, _ctx: MetricContext, t: Threshold) -> Signal:
        rate = guarded_success if success else guarded_percent
        return Signal(rate(_lam(fn, bad, "Sum", t), _lam(fn, "Invocations", "Sum", t), t, f"{fn.name} {label}"))
    return build


def _cold_starts(fn: FunctionRef, ctx: MetricContext, t: Threshold) -> Signal:
    cold = metric(ctx.powertools_namespace, "ColdStart",
                  {"function_name": fn.name, "service": ctx.powertools_service}, "Sum", t.period)
    return Signal(guarded_percent(cold, _lam(fn, "Invocations", "Sum", t), t, f"{fn.name} cold start %"))


def _near_timeout(fn: FunctionRef, _ctx: MetricContext, t: Threshold) -> Signal:
    # The catalog value is a percentage of the timeout; the alarm compares milliseconds.
    return Signal(_lam(fn, "Duration", "p99", t), percentile=True, scale=(fn.timeout_seconds or 0) * 1000 / 100)


def _async_failures(fn: FunctionRef, _ctx: MetricContext, t: Threshold) -> Signal:
    return Signal(total({"dlq": _lam(fn, "DeadLetterErrors", "Sum", t),
                         "dest": _lam(fn, "DestinationDeliveryFailures", "Sum", t),
                         "dropped": _lam(fn, "AsyncEventsDropped", "Sum", t)}, t.period,
                        f"{fn.name} failed async events"))


_FUNCTION: dict[str, SignalFn] = {
    "ServiceDown": _fn_rate("Errors", "success %", success=True),
    "QuietOutage": _fn_rate("Errors", "success % (quiet)", success=True),
    "HighErrorRate": _fn_rate("Errors", "error %"),
    "Latency": lambda fn, _ctx, t: Signal(_lam(fn, "Duration", "p99", t), percentile=True),
    "MemoryPressure": lambda fn, _ctx, t: Signal(metric("LambdaInsights", "memory_utilization",
                                                        {"function_name": fn.name}, "Maximum", t.period)),
    "ColdStarts": _cold_starts,
    "Throttles": _fn_rate("Throttles", "throttle %"),
    "ErrorLogs": lambda fn, ctx, t: Signal(metric(ctx.error_log_namespace, error_log_metric_name(fn), {}, "Sum",
                                                  t.period)),
    "DurationNearTimeout": _near_timeout,
    "IteratorAge": lambda fn, _ctx, t: Signal(_lam(fn, "IteratorAge", "Maximum", t)),
    "AsyncFailures": _async_failures,
}


# --- API Gateway: REST (ApiName, Stage; 5XXError/4XXError) and HTTP (ApiId, Stage; 5xx/4xx) ----------------

def _api(api: RestApiRef | HttpApiRef) -> tuple[dict[str, str], str, str]:
    if isinstance(api, HttpApiRef):
        return {"ApiId": api.api_id, "Stage": api.stage}, "5xx", "4xx"
    return {"ApiName": api.name, "Stage": api.stage}, "5XXError", "4XXError"


def _gw(api: RestApiRef | HttpApiRef, name: str, statistic: str, t: Threshold) -> MetricSpec:
    return metric("AWS/ApiGateway", name, _api(api)[0], statistic, t.period)


def _api_rate(which: int, label: str, success: bool = False) -> SignalFn:
    def build(api: RestApiRef | HttpApiRef, _ctx: MetricContext, t: Threshold) -> Signal:
        rate = guarded_success if success else guarded_percent
        bad = _api(api)[which]
        assert isinstance(bad, str)
        return Signal(rate(_gw(api, bad, "Sum", t), _gw(api, "Count", "Sum", t), t, f"{api.name} {label}"))
    return build


_API: dict[str, SignalFn] = {
    "ServiceDown": _api_rate(1, "success %", success=True),
    "QuietOutage": _api_rate(1, "success % (quiet)", success=True),
    "HighErrorRate": _api_rate(1, "5xx %"),
    "Latency": lambda api, _ctx, t: Signal(_gw(api, "Latency", "p99", t), percentile=True),
    "Api4xxRate": _api_rate(2, "4xx %"),
    "TrafficDrop": lambda api, _ctx, t: Signal(_gw(api, "Count", "Sum", t), anomaly=True),
}


# --- data and integration ---------------------------------------------------------------------------------

def _dlq_depth(queue: QueueRef, _ctx: MetricContext, t: Threshold) -> Signal:
    return Signal(metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue.dlq or ""}, "Maximum",
                         t.period))


def _sfn_failures(sm: StateMachineRef, _ctx: MetricContext, t: Threshold) -> Signal:
    dims = {"StateMachineArn": state_machine_arn(sm)}
    return Signal(guarded_share(
        {name.lower(): metric("AWS/States", f"Executions{name}", dims, "Sum", t.period)
         for name in ("Failed", "TimedOut", "Aborted")},
        metric("AWS/States", "ExecutionsStarted", dims, "Sum", t.period), t, f"{sm.name} failed executions %"))


def _rule_failures(rule: EventRuleRef, _ctx: MetricContext, t: Threshold) -> Signal:
    dims = {"RuleName": rule.name} if rule.event_bus == "default" else {"EventBusName": rule.event_bus,
                                                                        "RuleName": rule.name}
    return Signal(metric("AWS/Events", "FailedInvocations", dims, "Sum", t.period))


def _topic_failures(topic: TopicRef, _ctx: MetricContext, t: Threshold) -> Signal:
    return Signal(metric("AWS/SNS", "NumberOfNotificationsFailed", {"TopicName": topic.name}, "Sum", t.period))


# Per kind, in the order a resource's alarms are made (which is the order composites list them).
SIGNALS: Mapping[str, Mapping[str, SignalFn]] = {
    "functions": _FUNCTION,
    "rest_apis": _API,
    "http_apis": _API,
    "tables": {"DatabaseThrottling": lambda table, _ctx, t: Signal(throttled_requests(table, t.period))},
    "queues": {
        "QueueMessageAge": lambda q, _ctx, t: Signal(metric("AWS/SQS", "ApproximateAgeOfOldestMessage",
                                                            {"QueueName": q.name}, "Maximum", t.period)),
        "DlqDepth": _dlq_depth,
    },
    "state_machines": {"StepFunctionsFailures": _sfn_failures},
    "event_rules": {"EventDeliveryFailures": _rule_failures},
    "topics": {"NotificationFailures": _topic_failures},
}


# Families that apply to a resource only when it declares what they need; every other pair always applies.
_APPLIES: Mapping[tuple[str, str], Callable[[Any], bool]] = {
    ("functions", "DurationNearTimeout"): lambda fn: bool(fn.timeout_seconds),
    ("functions", "IteratorAge"): lambda fn: fn.stream_source,
    ("functions", "AsyncFailures"): lambda fn: fn.async_invoked,
    ("queues", "DlqDepth"): lambda queue: bool(queue.dlq),
}


def applies(kind: str, family: str, ref: Any) -> bool:
    """Whether ``ref`` has what ``family`` needs on ``kind`` (a timeout, a stream source, a DLQ...).

    Example
    -------
    >>> applies("functions", "DurationNearTimeout", FunctionRef(name="f", timeout_seconds=30))
    True
    """
    check = _APPLIES.get((kind, family))
    return True if check is None else bool(check(ref))


def families_for(kind: str, ref: Any) -> list[str]:
    """The families whose alarms ``ref`` of ``kind`` gets (before overrides), in the order they are made.

    Example
    -------
    >>> families_for("queues", QueueRef(name="jobs", dlq="jobs-dlq"))
    ['QueueMessageAge', 'DlqDepth']
    """
    return [family for family in families_of(kind) if applies(kind, family, ref)]


def families_of(kind: str) -> list[str]:
    """The catalog families that apply to ``kind``, in the order its alarms are made; a family the catalog
    lists for ``kind`` without a signal here is a PlanError.

    Example
    -------
    >>> families_of("queues")
    ['QueueMessageAge', 'DlqDepth']
    """
    from plan.catalog import CATALOG

    listed = [family for family, row in CATALOG.items() if kind in row.kinds]
    measured = SIGNALS.get(kind, {})
    missing = [family for family in listed if family not in measured]
    if missing:
        raise PlanError(f"the catalog lists {', '.join(missing)} for {kind}, but no signal measures "
                        f"{'it' if len(missing) == 1 else 'them'} there (plan/metrics.py)")
    order = list(measured)
    return sorted(listed, key=order.index)


def signal_for(kind: str, family: str, ref: Any, ctx: MetricContext, threshold: Threshold) -> Signal:
    """The Signal of ``family`` on resource ``ref`` of ``kind`` at ``threshold``'s period and guards (for a
    resource ``applies`` accepts)."""
    try:
        build = SIGNALS[kind][family]
    except KeyError:
        raise PlanError(f"no signal measures {family} on {kind} (plan/metrics.py)") from None
    return build(ref, ctx, threshold)
