"""DynamoDB and SQS signals."""
from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch

from config.services import QueueRef, TableRef
from stacks.monitoring.metrics.common import Signal, SignalBuilder, metric, seconds

__all__ = ["table_signals", "queue_signals", "throttled_requests"]


def throttled_requests(table: TableRef, period: int) -> cloudwatch.MathExpression:
    """Read + write throttle events of ``table`` per period, with a value whenever the table has traffic.

    ``ThrottledRequests`` needs an Operation dimension per API call; the two ThrottleEvents metrics cover every
    operation with the table dimension alone. DynamoDB publishes them only when something is throttled, and
    alarms on AWS/DynamoDB always ignore missing data: an expression of those two alone has no value once the
    throttling stops, so the alarm would stay in ALARM. Adding the consumed capacity (published every minute the
    table serves a request) times 0 gives the expression a point, 0 throttles, whenever the table has traffic.

    Example
    -------
    >>> throttled_requests(TableRef(name="orders"), 60).expression  # doctest: +SKIP
    'FILL(reads, 0) + FILL(writes, 0) + 0 * (FILL(rcu, 0) + FILL(wcu, 0))'
    """
    dims = {"TableName": table.name}
    using = {
        "reads": metric("AWS/DynamoDB", "ReadThrottleEvents", dims, "Sum", period),
        "writes": metric("AWS/DynamoDB", "WriteThrottleEvents", dims, "Sum", period),
        "rcu": metric("AWS/DynamoDB", "ConsumedReadCapacityUnits", dims, "Sum", period),
        "wcu": metric("AWS/DynamoDB", "ConsumedWriteCapacityUnits", dims, "Sum", period),
    }
    return cloudwatch.MathExpression(
        expression="FILL(reads, 0) + FILL(writes, 0) + 0 * (FILL(rcu, 0) + FILL(wcu, 0))",
        using_metrics=using, label=f"{table.name} throttled requests", period=seconds(period))


def table_signals(table: TableRef) -> dict[str, SignalBuilder]:
    """DatabaseThrottling as throttled read + write requests per period (see ``throttled_requests``).

    Example
    -------
    >>> list(table_signals(TableRef(name="orders")))
    ['DatabaseThrottling']
    """
    return {"DatabaseThrottling": lambda t: Signal(throttled_requests(table, t.period))}


def queue_signals(queue: QueueRef) -> dict[str, SignalBuilder]:
    """Oldest-message age of the queue and, when it has one, visible messages in its DLQ.

    Example
    -------
    >>> list(queue_signals(QueueRef(name="orders", dlq="orders-dlq")))
    ['QueueMessageAge', 'DlqDepth']
    """
    signals: dict[str, SignalBuilder] = {
        "QueueMessageAge": lambda t: Signal(metric("AWS/SQS", "ApproximateAgeOfOldestMessage",
                                                   {"QueueName": queue.name}, "Maximum", t.period)),
    }
    dlq = queue.dlq
    if dlq:
        signals["DlqDepth"] = lambda t: Signal(metric("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                                                      {"QueueName": dlq}, "Maximum", t.period))
    return signals
