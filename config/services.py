"""What to monitor: services and the resources they run on (extended by the monitoring work, issue 4)."""
from __future__ import annotations

from pydantic import Field

from config.base import StrictModel

__all__ = ["ServiceConfig"]


class ServiceConfig(StrictModel):
    """One monitored service."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
