"""Cost guardrails (extended by the cost work, issue 7)."""
from __future__ import annotations

from config.base import StrictModel

__all__ = ["CostConfig"]


class CostConfig(StrictModel):
    """Budgets, anomaly thresholds and the hourly-cost alarm."""
