"""Base model shared by every config section: unknown keys are errors, values are frozen."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["StrictModel"]


class StrictModel(BaseModel):
    """A frozen pydantic model that rejects unknown keys, so a typo in YAML cannot pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)
