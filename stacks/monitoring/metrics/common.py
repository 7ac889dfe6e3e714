"""What an alarm outside the plan watches, as a CDK metric (the hourly-cost alarm, the router's health alarms,
extra regions' canary alarms). Alarms in the plan watch a ``plan.signals.CdkSignal``, rendered by
stacks/monitoring/render.py."""
from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_cloudwatch as cloudwatch

__all__ = ["CdkSignal"]


@dataclass(frozen=True)
class CdkSignal:
    """A CDK metric an alarm watches. The alarm threshold is the given value times ``scale``; ``percentile``
    marks a percentile statistic (low sample counts keep the state); ``anomaly`` an anomaly band."""

    metric: cloudwatch.IMetric
    scale: float = 1.0
    percentile: bool = False
    anomaly: bool = False
