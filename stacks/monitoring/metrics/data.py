"""DynamoDB and SQS signals."""
from __future__ import annotations

from config.services import QueueRef, TableRef
from stacks.monitoring.metrics.common import Signal, SignalBuilder, metric, total

__all__ = ["table_signals", "queue_signals"]


def table_signals(table: TableRef) -> dict[str, SignalBuilder]:
    """DatabaseThrottling as read + write throttle events: ``ThrottledRequests`` needs an Operation dimension
    per API call, these two cover every operation with the table dimension alone.

    Example
    -------
    >>> list(table_signals(TableRef(name="orders")))
    ['DatabaseThrottling']
    """
    dims = {"TableName": table.name}
    return {
        "DatabaseThrottling": lambda t: Signal(total(
            {"reads": metric("AWS/DynamoDB", "ReadThrottleEvents", dims, "Sum", t.period),
             "writes": metric("AWS/DynamoDB", "WriteThrottleEvents", dims, "Sum", t.period)},
            t.period, f"{table.name} throttled requests")),
    }


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
