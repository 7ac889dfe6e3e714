"""Which factory serves which resource kind."""
from __future__ import annotations

from typing import Any, Callable

from stacks.monitoring.metrics.api import api_signals
from stacks.monitoring.metrics.common import MetricContext, SignalBuilder
from stacks.monitoring.metrics.data import queue_signals, table_signals
from stacks.monitoring.metrics.estate import ESTATE_FACTORIES
from stacks.monitoring.metrics.integration import event_rule_signals, state_machine_signals, topic_signals
from stacks.monitoring.metrics.lambda_ import function_signals

__all__ = ["signals_for"]

_FACTORIES: dict[str, Callable[[Any, MetricContext], dict[str, SignalBuilder]]] = {
    "functions": function_signals,
    "rest_apis": lambda ref, _ctx: api_signals(ref),
    "http_apis": lambda ref, _ctx: api_signals(ref),
    "tables": lambda ref, _ctx: table_signals(ref),
    "queues": lambda ref, _ctx: queue_signals(ref),
    "state_machines": lambda ref, _ctx: state_machine_signals(ref),
    "event_rules": lambda ref, _ctx: event_rule_signals(ref),
    "topics": lambda ref, _ctx: topic_signals(ref),
    # the kinds beyond the serverless core (and listed API routes)
    **{kind: (lambda ref, _ctx, factory=factory: factory(ref)) for kind, factory in ESTATE_FACTORIES.items()},
}


def signals_for(kind: str, ref: Any, ctx: MetricContext) -> dict[str, SignalBuilder]:
    """Signals of resource ``ref`` of ``kind`` (a ServiceResources field name), by alarm family.

    Example
    -------
    >>> from config.services import TableRef
    >>> ctx = MetricContext("watchtower/prod/ErrorLogs", "orders", "orders")
    >>> list(signals_for("tables", TableRef(name="orders"), ctx))
    ['DatabaseThrottling']
    """
    return _FACTORIES[kind](ref, ctx)
