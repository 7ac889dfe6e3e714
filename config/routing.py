"""How the alert router behaves (extended by the routing work, issue 5)."""
from __future__ import annotations

from pydantic import Field

from config.base import StrictModel

__all__ = ["RoutingConfig"]


class RoutingConfig(StrictModel):
    """Router settings that are not endpoints (endpoints live in ``notifications``)."""

    dedup_window_seconds: int = Field(default=300, ge=0, le=86400)
