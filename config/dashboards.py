"""What the dashboards need beyond services: the business metrics services emit through the layer."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from config.base import StrictModel

__all__ = ["BusinessMetric", "DashboardsConfig"]

# CloudWatch units a business metric may use (the units Powertools' MetricUnit accepts, most common first).
Unit = Literal[
    "Count", "Percent", "Milliseconds", "Seconds", "Microseconds", "Bytes", "Kilobytes", "Megabytes",
    "Count/Second", "Bytes/Second", "None",
]


class BusinessMetric(StrictModel):
    """One business metric a service emits through the layer's ``business_metric(name, value, unit)``."""

    service: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$")
    unit: Unit = "Count"
    stat: Literal["Sum", "Average", "Maximum", "Minimum", "p50", "p90", "p95", "p99"] = "Sum"
    description: str = Field(default="", max_length=200)
    # Where the service's functions write metrics (METRICS_NAMESPACE); default: the service's own namespace.
    namespace: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_./#:-]{1,255}$")


class DashboardsConfig(StrictModel):
    """Dashboard settings of one environment. A business metric lands in its service's metrics namespace."""

    business_metrics: tuple[BusinessMetric, ...] = ()
