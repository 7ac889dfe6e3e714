"""Base model shared by every config section: unknown keys are errors, values are frozen."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["StrictModel", "SECRET_NAME"]

# Secrets Manager names: letters, digits and /_+=.@- only. A ':' (URL, ARN with a value) is rejected on purpose:
# config holds the NAME of a secret, never the webhook URL, routing key or header value itself.
SECRET_NAME = r"^[A-Za-z0-9/_+=.@-]{1,512}$"


class StrictModel(BaseModel):
    """A frozen pydantic model that rejects unknown keys, so a typo in YAML cannot pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)
