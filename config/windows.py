"""The one way config writes a maintenance window, whichever mechanism it feeds.

A window recurs (``cron`` + ``duration_minutes`` in ``timezone``) or, where the mechanism can do it, happens once
(``starts_at`` + ``ends_at``). Two mechanisms read windows, and both stay:

- ``services[].maintenance_windows`` (:class:`ServiceMaintenanceWindow`): recurring windows that mute what of
  the service reaches people (CloudWatch AlarmMuteRules) and are excluded from its SLOs.
- ``routing.maintenance_windows`` (:class:`RoutingMaintenanceWindow`): windows in which the alert router holds
  the notifications they match (logged as suppressed, never sent), recurring or one-off.

The environment-wide manual switch (``make maintenance``) has no config.
"""
from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import datetime, timezone as utc_zone
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from config.base import StrictModel

__all__ = ["WindowSchedule", "ServiceMaintenanceWindow", "RoutingMaintenanceWindow", "WEEKDAYS"]

Severity = Literal["critical", "warning", "info"]
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # cron's order; names, since numbering differs
_ROUTER_DAYS = {"SUN": "sun", "MON": "mon", "TUE": "tue", "WED": "wed", "THU": "thu", "FRI": "fri", "SAT": "sat"}
_CRON_FIELD = re.compile(r"^[A-Za-z0-9*?,/#L-]+$")
_CRON_HELP = "cron must have 5 fields 'minute hour day-of-month month day-of-week', e.g. '0 2 * * SUN'"


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class WindowSchedule(StrictModel):
    """What every window has: a name and, when it recurs, a cron schedule with a duration in a time zone."""

    name: str = Field(min_length=1, max_length=100, description="Required. Names the window in logs and resources.")
    cron: str | None = Field(
        default=None, description="Five cron fields 'minute hour day-of-month month day-of-week' at which the window "
                                  "opens, e.g. '0 2 * * SUN' (day names, not numbers); no default.")
    duration_minutes: int | None = Field(default=None, ge=1, le=21600,
                                         description="How long the window stays open after each start; no default.")
    timezone: str = Field(default="UTC", description="IANA time zone of the cron, e.g. Europe/Berlin; default UTC.")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, timezone: str) -> str:
        # A zone AlarmMuteRule does not know fails only at deploy; the IANA database is the list it accepts.
        if timezone not in _time_zones():
            guess = difflib.get_close_matches(timezone, sorted(_time_zones()), n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise ValueError(f"'{timezone}' is not a time zone; {hint}use an IANA name such as UTC or Europe/Berlin")
        return timezone

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, cron: str | None) -> str | None:
        if cron is not None:
            fields = cron.split()
            if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
                raise ValueError(_CRON_HELP)
        return cron


class ServiceMaintenanceWindow(WindowSchedule):
    """A recurring window of one service: what of it reaches people is muted, and its SLOs exclude the time.

    Example
    -------
    >>> ServiceMaintenanceWindow(name="weekly-db-patching", cron="0 2 * * SUN", duration_minutes=60).timezone
    'UTC'
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$",
                      description="Required. Lower-case, it becomes part of the mute rule's name.")
    cron: str = Field(description="Required. Five cron fields at which the window opens, e.g. '0 2 * * SUN'.")
    duration_minutes: int = Field(ge=1, le=21600, description="Required. How long the window stays open.")

    @model_validator(mode="before")
    @classmethod
    def _recurring_only(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("starts_at" in data or "ends_at" in data):
            raise ValueError("a service's window recurs (cron and duration_minutes); for a one-off, use "
                             "routing.maintenance_windows with starts_at and ends_at, or `make maintenance`")
        return data


class RoutingMaintenanceWindow(WindowSchedule):
    """While the window is open the router holds the notifications it matches (the suppression is logged).

    Recurring (``cron`` + ``duration_minutes``, in UTC: the router keeps UTC time) or one-off (``starts_at`` +
    ``ends_at``, each with its time zone).

    Example
    -------
    >>> window = RoutingMaintenanceWindow(name="patching", cron="0 23 * * SAT,SUN", duration_minutes=120)
    >>> window.as_router_doc()["weekly"]
    {'days': ['sat', 'sun'], 'start': '23:00', 'duration_minutes': 120}
    """

    duration_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60,
                                         description="With cron: how long the window stays open, at most a week.")
    starts_at: datetime | None = Field(default=None, description="One-off window: when it opens, with a time zone.")
    ends_at: datetime | None = Field(default=None, description="One-off window: when it closes, with a time zone.")
    alarm_patterns: tuple[str, ...] = Field(default=("*",), min_length=1,
                                            description="Globs on alarm names; default '*' (every alarm).")
    severities: tuple[Severity, ...] = Field(default=("critical", "warning", "info"), min_length=1,
                                             description="Severities held; default all three.")

    @model_validator(mode="before")
    @classmethod
    def _old_weekly_syntax(cls, data: Any) -> Any:
        # Refused rather than converted: the fix is one copied line, and configs then read as the docs do.
        if isinstance(data, dict) and "weekly" in data:
            raise ValueError(f"'weekly' is the old window syntax; write {_as_cron(data['weekly'])} instead")
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> "RoutingMaintenanceWindow":
        one_off = self.starts_at is not None or self.ends_at is not None
        recurring = self.cron is not None or self.duration_minutes is not None
        if one_off == recurring:
            raise ValueError(f"window '{self.name}': give either starts_at and ends_at, or cron and "
                             "duration_minutes (not both)")
        if one_off:
            if self.starts_at is None or self.ends_at is None:
                raise ValueError(f"window '{self.name}': starts_at and ends_at go together")
            if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
                raise ValueError(f"window '{self.name}': times need a timezone, e.g. 2026-12-01T02:00:00Z")
            if self.ends_at <= self.starts_at:
                raise ValueError(f"window '{self.name}': ends_at must be after starts_at")
        else:
            if self.cron is None or self.duration_minutes is None:
                raise ValueError(f"window '{self.name}': cron and duration_minutes go together")
            self._weekly()  # refuses what the router cannot keep
        return self

    def _weekly(self) -> dict[str, Any]:
        """The recurring window in the router's weekly shape: days, HH:MM start in UTC, duration."""
        where = f"window '{self.name}'"
        if self.timezone != "UTC":
            raise ValueError(f"{where}: the router keeps UTC time, so a routing window's timezone must be UTC "
                             f"(a cron in {self.timezone} would move with daylight saving)")
        minute, hour, day, month, weekday = (self.cron or "").split()
        if not (minute.isdigit() and int(minute) < 60 and hour.isdigit() and int(hour) < 24):
            raise ValueError(f"{where}: a routing window opens once a day, so cron minute and hour must be single "
                             f"numbers, got '{minute} {hour}'")
        if day not in ("*", "?") or month not in ("*", "?"):
            raise ValueError(f"{where}: a routing window recurs weekly, so cron day-of-month and month must be '*'")
        return {"days": _days(where, weekday), "start": f"{int(hour):02d}:{int(minute):02d}",
                "duration_minutes": self.duration_minutes}

    def as_router_doc(self) -> dict[str, Any]:
        """The window as the router Lambda reads it from MAINTENANCE_WINDOWS (lambdas/alert_router/maintenance.py)."""
        doc: dict[str, Any] = {"name": self.name, "alarm_patterns": list(self.alarm_patterns),
                               "severities": list(self.severities)}
        if self.cron is not None:
            doc["weekly"] = self._weekly()
        elif self.starts_at is not None and self.ends_at is not None:  # a one-off window has both (validated)
            doc["starts_at"] = self.starts_at.astimezone(utc_zone.utc).isoformat().replace("+00:00", "Z")
            doc["ends_at"] = self.ends_at.astimezone(utc_zone.utc).isoformat().replace("+00:00", "Z")
        return doc


def _days(where: str, weekday: str) -> list[str]:
    """Cron's day-of-week field (``*``, ``SUN``, ``MON-FRI``, ``SAT,SUN``) as the router's day names."""
    if weekday in ("*", "?"):
        return [_ROUTER_DAYS[d] for d in (*WEEKDAYS[1:], WEEKDAYS[0])]
    days: list[str] = []
    for part in weekday.upper().split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise ValueError(f"{where}: cron day-of-week must be day names (SUN, MON, ... SAT), ranges such as "
                             f"MON-FRI or '*', got '{weekday}'")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
        days += [_ROUTER_DAYS[WEEKDAYS[i]] for i in span if _ROUTER_DAYS[WEEKDAYS[i]] not in days]
    return days


def _as_cron(weekly: Any) -> str:
    """The replacement for an old ``weekly:`` block, as the line to write (best effort on a malformed block)."""
    if not isinstance(weekly, dict):
        return 'cron: "MINUTE HOUR * * DAYS", duration_minutes: N (in UTC)'
    hour, _, minute = str(weekly.get("start", "HH:MM")).partition(":")
    days = ",".join(str(d).upper() for d in weekly.get("days") or ["DAYS"])
    return (f'cron: "{_number(minute, "MINUTE")} {_number(hour, "HOUR")} * * {days}", '
            f"duration_minutes: {weekly.get('duration_minutes', 'N')} (in UTC)")


def _number(text: str, fallback: str) -> str:
    return str(int(text)) if text.isdigit() else fallback
