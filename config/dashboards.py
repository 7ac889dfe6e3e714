"""What the dashboards need beyond services: the layer's business metrics and where runbooks are read (issue 8)."""
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


class DashboardsConfig(StrictModel):
    """Dashboard settings of one environment.

    ``layer_namespace`` must equal the METRICS_NAMESPACE the layer's functions are deployed with.
    """

    layer_namespace: str = Field(default="Observability", pattern=r"^[A-Za-z0-9_./#:-]{1,255}$")
    runbook_base_url: str = Field(
        default="https://github.com/example-org/watchtower/blob/main/docs/runbooks/",
        pattern=r"^https://\S+/$",
        description="where docs/runbooks/<family>.md is read; ends with '/'",
    )
    business_metrics: tuple[BusinessMetric, ...] = ()
