"""Per-service canaries, tracing and log settings (extended by the synthetics/X-Ray/logs work, issue 6)."""
from __future__ import annotations

from config.base import StrictModel

__all__ = ["CanaryConfig", "TracingConfig", "LogsConfig"]


class CanaryConfig(StrictModel):
    """Synthetics canary of one service: base URL, health and critical paths, schedule, extra regions."""


class TracingConfig(StrictModel):
    """X-Ray sampling and groups of one service."""


class LogsConfig(StrictModel):
    """Environment-wide log handling: archive, expiry, Logs Insights queries."""
