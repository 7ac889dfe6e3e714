"""What to monitor: services and the resources they run on (extended by the monitoring work, issue 4)."""
from __future__ import annotations

from pydantic import Field

from config.base import StrictModel
from config.telemetry import CanaryConfig, TracingConfig

__all__ = ["ServiceConfig"]


class ServiceConfig(StrictModel):
    """One monitored service."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    canary: CanaryConfig | None = None  # owned by issue 6 (config/telemetry.py)
    tracing: TracingConfig = TracingConfig()  # owned by issue 6 (config/telemetry.py)
