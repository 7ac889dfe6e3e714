"""Router settings, read once from environment variables set by the CDK stack (names only, never secrets)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Mapping

from .delivery import RetryPolicy
from .maintenance import MaintenanceWindow, load_windows
from .model import SEVERITIES

__all__ = ["RouterSettings", "RouterConfigError", "ROUTABLE_CHANNELS", "GROUPABLE_CHANNELS"]

ROUTABLE_CHANNELS = ("slack", "pagerduty", "teams", "email")
# PagerDuty keeps one incident per alarm (its dedup key), so it is never grouped.
GROUPABLE_CHANNELS = ("slack", "teams", "email")


class RouterConfigError(ValueError):
    """An environment variable the router needs is missing or malformed (the text names it)."""


@dataclass(frozen=True)
class RouterSettings:
    """Everything the router reads from its environment.

    ``routes[severity]`` maps channel -> Secrets Manager secret NAME (None for e-mail, which needs none).
    ``group_window_seconds`` 0 turns grouping off (every notification is sent on its own, at once); above 0,
    ``flush_queue_url`` is the SQS queue whose delayed messages end each window.

    Example
    -------
    >>> RouterSettings.from_env({"ROUTES": '{"critical": {"email": null}}', "DLQ_URL": "q",
    ...     "EMAIL_TOPIC_ARN": "arn:aws:sns:us-east-1:1:e", "DEDUP_TABLE_NAME": "t"}).routes["critical"]
    {'email': None}
    """

    routes: dict[str, dict[str, str | None]]
    dlq_url: str
    email_topic_arn: str
    dedup_table_name: str
    dedup_window_seconds: int = 300
    topic_severities: dict[str, str] = field(default_factory=dict)
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()
    retry: RetryPolicy = RetryPolicy()
    secret_cache_seconds: int = 300
    # Time kept back from the Lambda timeout for the DLQ and the fallback e-mail after retries give up.
    reserve_ms: int = 3000
    sender: str = "alert router"
    group_window_seconds: int = 0
    flush_queue_url: str = ""
    group_channels: tuple[str, ...] = GROUPABLE_CHANNELS
    # Alarm names are ``<alarm_prefix><service>-...``; ``services`` lists the service names to find there.
    alarm_prefix: str = ""
    services: tuple[str, ...] = ()
    inhibit_warnings: bool = True
    page_open_max_seconds: int = 14_400
    # Log alarms are named with one of these signals; their messages carry their matching log lines.
    log_alarm_signals: tuple[str, ...] = ()
    log_lines_max: int = 10
    # Seconds the deadline must have left before the router spends time reading log lines.
    log_lines_budget_s: float = 15.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RouterSettings":
        """Read settings from ``environ`` (default ``os.environ``); raise RouterConfigError naming a bad variable.

        Example
        -------
        >>> settings = RouterSettings.from_env({"DLQ_URL": "https://sqs.eu-west-1.amazonaws.com/1/dlq",
        ...                                     "EMAIL_TOPIC_ARN": "arn:aws:sns:eu-west-1:1:email",
        ...                                     "DEDUP_TABLE_NAME": "dedup"})
        >>> settings.dedup_table_name
        'dedup'
        >>> RouterSettings.from_env({})
        Traceback (most recent call last):
        ...
        alert_router.settings.RouterConfigError: environment variable DLQ_URL is required
        """
        env = os.environ if environ is None else environ

        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise RouterConfigError(f"environment variable {name} is required")
            return value

        def number(name: str, default: int, low: int, high: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise RouterConfigError(f"{name}={raw!r} is not an integer") from None
            if not low <= value <= high:
                raise RouterConfigError(f"{name}={value} is outside {low}..{high}")
            return value

        def json_object(name: str, default: str) -> dict:
            raw = env.get(name, "").strip() or default
            try:
                value = json.loads(raw)
            except ValueError:
                raise RouterConfigError(f"{name} is not valid JSON") from None
            if not isinstance(value, dict):
                raise RouterConfigError(f"{name} must be a JSON object")
            return value

        routes = json_object("ROUTES", "{}")
        for severity, channels in routes.items():
            if severity not in SEVERITIES or not isinstance(channels, dict):
                raise RouterConfigError(f"ROUTES key {severity!r} must be one of {SEVERITIES} mapping to an object")
            for channel, secret in channels.items():
                if channel not in ROUTABLE_CHANNELS:
                    raise RouterConfigError(
                        f"ROUTES.{severity}: unknown channel {channel!r}; allowed: {ROUTABLE_CHANNELS}")
                if channel != "email" and not (isinstance(secret, str) and secret):
                    raise RouterConfigError(f"ROUTES.{severity}.{channel} must be a Secrets Manager secret name")
        topic_severities = json_object("TOPIC_SEVERITIES", "{}")
        if any(value not in SEVERITIES for value in topic_severities.values()):
            raise RouterConfigError(f"TOPIC_SEVERITIES values must be one of {SEVERITIES}")
        def json_list(name: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
            raw = env.get(name, "").strip()
            if not raw:
                return None
            try:
                value = json.loads(raw)
            except ValueError:
                raise RouterConfigError(f"{name} is not valid JSON") from None
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise RouterConfigError(f"{name} must be a JSON list of non-empty strings")
            if allowed is not None and any(v not in allowed for v in value):
                raise RouterConfigError(f"{name}: allowed values are {', '.join(allowed)}")
            return tuple(value)

        def flag(name: str, default: bool) -> bool:
            raw = env.get(name, "").strip().lower()
            if not raw:
                return default
            if raw not in ("true", "false"):
                raise RouterConfigError(f"{name}={raw!r} must be true or false")
            return raw == "true"

        window = number("GROUP_WINDOW_SECONDS", 0, 0, 900)
        group_channels = json_list("GROUP_CHANNELS", GROUPABLE_CHANNELS)
        flush_queue_url = env.get("FLUSH_QUEUE_URL", "").strip()
        if window and not flush_queue_url:
            raise RouterConfigError("FLUSH_QUEUE_URL is required when GROUP_WINDOW_SECONDS is above 0")
        try:
            windows = load_windows(env.get("MAINTENANCE_WINDOWS", "").strip() or "[]")
        except ValueError as exc:
            raise RouterConfigError(f"MAINTENANCE_WINDOWS: {exc}") from None
        return cls(
            routes={severity: dict(channels) for severity, channels in routes.items()},
            dlq_url=required("DLQ_URL"),
            email_topic_arn=required("EMAIL_TOPIC_ARN"),
            dedup_table_name=required("DEDUP_TABLE_NAME"),
            dedup_window_seconds=number("DEDUP_WINDOW_SECONDS", 300, 0, 86400),
            topic_severities=dict(topic_severities),
            maintenance_windows=tuple(windows),
            retry=RetryPolicy(
                max_attempts=number("RETRY_MAX_ATTEMPTS", 4, 1, 10),
                base_delay_ms=number("RETRY_BASE_DELAY_MS", 500, 0, 60_000),
                max_delay_ms=number("RETRY_MAX_DELAY_MS", 8000, 0, 300_000),
                timeout_ms=number("HTTP_TIMEOUT_MS", 5000, 50, 300_000),
            ),
            secret_cache_seconds=number("SECRET_CACHE_SECONDS", 300, 0, 86400),
            reserve_ms=number("DEADLINE_RESERVE_MS", 3000, 0, 60_000),
            sender=env.get("ROUTER_NAME", "").strip() or "alert router",
            group_window_seconds=window,
            flush_queue_url=flush_queue_url,
            group_channels=GROUPABLE_CHANNELS if group_channels is None else group_channels,
            alarm_prefix=env.get("ALARM_PREFIX", "").strip(),
            services=json_list("SERVICES") or (),
            inhibit_warnings=flag("INHIBIT_WARNINGS_WHILE_PAGED", True),
            page_open_max_seconds=number("PAGE_OPEN_MAX_SECONDS", 14_400, 60, 7 * 86_400),
            log_alarm_signals=json_list("LOG_ALARM_SIGNALS") or (),
            log_lines_max=number("LOG_LINES_MAX", 10, 0, 10),
        )
