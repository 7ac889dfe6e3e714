"""How the alert router behaves: de-duplication, maintenance windows, retries and the function's size.

Endpoints (which channel gets which severity) live in ``notifications``; this section holds everything else.
``RoutingConfig.maintenance_json()`` is the exact JSON the router Lambda reads from MAINTENANCE_WINDOWS.
"""
from __future__ import annotations

import json
from typing import Literal

from pydantic import Field, model_validator

from config.base import StrictModel
from config.windows import RoutingMaintenanceWindow

__all__ = ["RoutingConfig", "RetryConfig", "RouterFunctionConfig", "GroupingConfig", "InhibitionConfig"]

GroupedChannel = Literal["slack", "teams", "email"]


class RetryConfig(StrictModel):
    """Retries for Slack, PagerDuty and Teams: exponential backoff with jitter on 429, 5xx and timeouts."""

    max_attempts: int = Field(default=4, ge=1, le=10)
    base_delay_ms: int = Field(default=500, ge=0, le=60_000)
    max_delay_ms: int = Field(default=8_000, ge=0, le=300_000)
    http_timeout_ms: int = Field(default=5_000, ge=50, le=300_000)


class RouterFunctionConfig(StrictModel):
    """Size of the router Lambda.

    ``reserved_concurrency`` bounds how hard a storm of alarms hits the webhooks, but Lambda keeps 100 executions
    of the account's quota unreserved: an account with a quota below 100 plus everything reserved (new accounts
    start at 10) refuses the function and the whole alert path rolls back. So it is opt-in; ``make preflight``
    checks what is set against the account's quota.
    """

    memory_mb: int = Field(default=256, ge=128, le=10_240)
    timeout_seconds: int = Field(default=60, ge=10, le=900)
    reserved_concurrency: int | None = Field(
        default=None, ge=1, le=1000,
        description="reserved concurrent executions of the router; default none (unreserved, fits any account)")


class GroupingConfig(StrictModel):
    """Storm handling: notifications of one service and severity arriving within ``window_seconds`` become one
    message per channel listing the alarms (Alertmanager's ``group_by: [service, severity]`` with
    ``group_wait``). PagerDuty is never grouped or delayed: each paging alarm keeps its own incident."""

    window_seconds: int = Field(
        default=30, ge=0, le=900,
        description="Default 30. How long the first notification of a service and severity waits for others "
                    "before one message per channel goes out; a lone alert is then sent alone. 0 turns grouping "
                    "off. Chat and e-mail for a page are delayed by at most this; at most 900 (SQS's longest delay).")
    channels: tuple[GroupedChannel, ...] = Field(
        default=("slack", "teams", "email"),
        description="Default slack, teams and email: the channels that receive one message per group. Channels "
                    "left out get every notification on its own, at once.")


class InhibitionConfig(StrictModel):
    """While a service's page is open (a critical alarm of the service in ALARM), its warnings are symptoms of
    the known cause and are not sent (Alertmanager's inhibit rule, ``equal: [service]``)."""

    warnings_while_paged: bool = Field(
        default=True, description="Default true: hold a service's warning notifications while its page is open.")
    max_page_open_minutes: int = Field(
        default=240, ge=1, le=7 * 24 * 60,
        description="Default 240. A page whose OK never arrived stops inhibiting after this many minutes from "
                    "its last ALARM.")


class RoutingConfig(StrictModel):
    """Router settings that are not endpoints (endpoints live in ``notifications``).

    Example
    -------
    >>> RoutingConfig(dedup_window_seconds=600).retry.max_attempts
    4
    """

    dedup_window_seconds: int = Field(default=300, ge=0, le=86400)
    maintenance_windows: tuple[RoutingMaintenanceWindow, ...] = ()  # the syntax: config/windows.py
    retry: RetryConfig = RetryConfig()
    function: RouterFunctionConfig = RouterFunctionConfig()
    secret_cache_seconds: int = Field(default=300, ge=0, le=86400)
    dlq_retention_days: int = Field(default=14, ge=1, le=14)
    grouping: GroupingConfig = GroupingConfig()
    inhibition: InhibitionConfig = InhibitionConfig()

    @model_validator(mode="after")
    def _retries_fit_the_timeout(self) -> "RoutingConfig":
        # Worst case one channel spends every attempt timing out, plus backoff; it must end before the Lambda does.
        retry = self.retry
        worst_ms = retry.max_attempts * retry.http_timeout_ms + (retry.max_attempts - 1) * retry.max_delay_ms
        if worst_ms > (self.function.timeout_seconds - 5) * 1000:
            # Not fatal at run time (the router stops retrying when time runs out), but the config is then misleading.
            raise ValueError(
                f"retry worst case {worst_ms / 1000:.0f}s (attempts x timeout + backoff) exceeds the router timeout "
                f"{self.function.timeout_seconds}s minus 5s; lower retry.max_attempts/http_timeout_ms or raise "
                "function.timeout_seconds"
            )
        names = [w.name for w in self.maintenance_windows]
        if len(set(names)) != len(names):
            raise ValueError("maintenance window names must be unique")
        return self

    def maintenance_json(self) -> str:
        """MAINTENANCE_WINDOWS for the router Lambda.

        Example
        -------
        >>> RoutingConfig().maintenance_json()
        '[]'
        """
        return json.dumps([w.as_router_doc() for w in self.maintenance_windows], separators=(",", ":"))
