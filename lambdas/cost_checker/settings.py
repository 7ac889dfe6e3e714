"""Settings from environment variables, read once per cold start; a bad value is one clear line."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

__all__ = ["CostCheckerSettings", "SettingsError", "read_settings"]



class SettingsError(ValueError):
    """An environment variable is missing or has a value the checker cannot use."""


@dataclass(frozen=True)
class CostCheckerSettings:
    """What the checker needs to know about its environment.

    Example
    -------
    >>> CostCheckerSettings(environment="prod", namespace="Watchtower/Cost").tag_key
    'Environment'
    """

    environment: str
    namespace: str
    tag_key: str = "Environment"
    top_services: int = 10
    min_hours_for_today_rate: int = 6


def read_settings(env: Mapping[str, str] | None = None) -> CostCheckerSettings:
    """Build CostCheckerSettings from ``env`` (default ``os.environ``).

    Example
    -------
    >>> read_settings({"ENVIRONMENT": "dev", "METRICS_NAMESPACE": "Watchtower/Cost"}).top_services
    10
    """
    env = os.environ if env is None else env
    missing = [k for k in ("ENVIRONMENT", "METRICS_NAMESPACE") if not env.get(k)]
    if missing:
        raise SettingsError(f"missing environment variable(s): {', '.join(missing)}")
    return CostCheckerSettings(
        environment=env["ENVIRONMENT"],
        namespace=env["METRICS_NAMESPACE"],
        tag_key=env.get("COST_TAG_KEY", "Environment") or "Environment",
        top_services=_int(env, "TOP_SERVICES", 10, 1, 50),
        min_hours_for_today_rate=_int(env, "MIN_HOURS_FOR_TODAY_RATE", 6, 1, 23),
    )


def _int(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = env.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{key}={raw!r} is not a whole number (allowed: {low}..{high})") from None
    if not low <= value <= high:
        raise SettingsError(f"{key}={value} is out of range (allowed: {low}..{high})")
    return value
