"""CDK metrics of alarms outside the plan; the plan's signals are in plan/metrics.py and plan/signals.py."""
from stacks.monitoring.metrics.common import CdkSignal

__all__ = ["CdkSignal"]
