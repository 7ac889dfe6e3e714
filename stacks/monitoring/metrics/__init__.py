"""Metric factories, one module per resource kind: each returns ``{family: builder}`` where a builder turns a
resolved Threshold (its period and traffic guard) into the Signal an alarm watches. Metrics are values;
alarms are created in one place (stacks/monitoring/alarm_factory.py)."""
from stacks.monitoring.metrics.common import MetricContext, Signal, SignalBuilder
from stacks.monitoring.metrics.registry import signals_for

__all__ = ["MetricContext", "Signal", "SignalBuilder", "signals_for"]
