"""Maintenance windows: one-off (start/end) or weekly; an alert they cover is suppressed and logged."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from fnmatch import fnmatchcase
from typing import Any

from .model import SEVERITIES, Alert

__all__ = ["MaintenanceWindow", "load_windows", "active_window", "WEEKDAYS"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class MaintenanceWindow:
    """A period in which matching alerts are not delivered.

    Either ``starts_at``/``ends_at`` (one-off, UTC) or ``weekdays`` + ``start_minute`` + ``duration_minutes``
    (weekly, UTC). ``alarm_patterns`` are shell globs on the alert's alarm name; ``severities`` limits it.

    Example
    -------
    >>> MaintenanceWindow("patching", weekdays=(5,), start_minute=120, duration_minutes=60).is_weekly
    True
    """

    name: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    weekdays: tuple[int, ...] = ()
    start_minute: int = 0
    duration_minutes: int = 0
    alarm_patterns: tuple[str, ...] = ("*",)
    severities: tuple[str, ...] = SEVERITIES

    @property
    def is_weekly(self) -> bool:
        """True for a recurring weekly window."""
        return bool(self.weekdays)

    def covers(self, alert: Alert, now: datetime) -> bool:
        """True when ``alert`` at ``now`` (aware UTC) falls in this window.

        Example
        -------
        >>> from alert_router.model import Alert
        >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
        ...               reason="Threshold crossed", alarm_name="api-errors-critical",
        ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
        ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
        >>> text = '[{"name": "db", "starts_at": "2026-12-01T02:00:00Z", "ends_at": "2026-12-01T04:00:00Z"}]'
        >>> window = load_windows(text)[0]
        >>> window.covers(alert, datetime(2026, 12, 1, 3, tzinfo=timezone.utc))
        True
        >>> window.covers(alert, datetime(2026, 12, 1, 5, tzinfo=timezone.utc))
        False
        """
        if alert.severity not in self.severities:
            return False
        if not any(fnmatchcase(alert.alarm_name, pattern) for pattern in self.alarm_patterns):
            return False
        if not self.is_weekly:
            return bool(self.starts_at and self.ends_at and self.starts_at <= now < self.ends_at)
        length = timedelta(minutes=self.duration_minutes)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        # A weekly window may have started on an earlier day and still be running (e.g. Sat 22:00 + 6 h).
        for days_back in range(0, 8):
            day = midnight - timedelta(days=days_back)
            if day.weekday() in self.weekdays:
                start = day + timedelta(minutes=self.start_minute)
                if start <= now < start + length:
                    return True
        return False


def _time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be an ISO-8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{where}={value!r} is not an ISO-8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _window(doc: Any, index: int) -> MaintenanceWindow:
    where = f"window {index}"
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ValueError(f"{where} must be an object with a 'name'")
    patterns = tuple(doc.get("alarm_patterns") or ("*",))
    severities = tuple(doc.get("severities") or SEVERITIES)
    if any(s not in SEVERITIES for s in severities):
        raise ValueError(f"{where}: severities must be among {SEVERITIES}")
    weekly = doc.get("weekly")
    if weekly:
        days = tuple(WEEKDAYS.index(d) for d in weekly.get("days", []) if d in WEEKDAYS)
        if not days or len(days) != len(weekly.get("days", [])):
            raise ValueError(f"{where}: weekly.days must be a non-empty list of {', '.join(WEEKDAYS)}")
        hours, _, minutes = str(weekly.get("start", "")).partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError(f"{where}: weekly.start must be HH:MM (UTC)")
        duration = weekly.get("duration_minutes")
        if not isinstance(duration, int) or not 1 <= duration <= 7 * 24 * 60:
            raise ValueError(f"{where}: weekly.duration_minutes must be 1..10080")
        return MaintenanceWindow(doc["name"], weekdays=days, start_minute=int(hours) * 60 + int(minutes),
                                 duration_minutes=duration, alarm_patterns=patterns, severities=severities)
    starts, ends = _time(doc.get("starts_at"), f"{where}.starts_at"), _time(doc.get("ends_at"), f"{where}.ends_at")
    if ends <= starts:
        raise ValueError(f"{where}: ends_at must be after starts_at")
    return MaintenanceWindow(doc["name"], starts_at=starts, ends_at=ends, alarm_patterns=patterns,
                             severities=severities)


def load_windows(text: str) -> list[MaintenanceWindow]:
    """Parse the MAINTENANCE_WINDOWS JSON list (the shape config/routing.py serialises).

    Example
    -------
    >>> text = '[{"name": "db upgrade", "starts_at": "2026-12-01T02:00:00Z", "ends_at": "2026-12-01T04:00:00Z"}]'
    >>> load_windows(text)[0].name
    'db upgrade'
    """
    docs = json.loads(text)
    if not isinstance(docs, list):
        raise ValueError("must be a JSON list of windows")
    return [_window(doc, index) for index, doc in enumerate(docs)]


def active_window(windows: tuple[MaintenanceWindow, ...] | list[MaintenanceWindow], alert: Alert,
                  now: datetime) -> MaintenanceWindow | None:
    """The first window covering ``alert`` at ``now``, or None.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> active_window([], alert, datetime.now(timezone.utc)) is None
    True
    """
    return next((window for window in windows if window.covers(alert, now)), None)
