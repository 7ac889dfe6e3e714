"""AlarmMuteRule schedules: ``cron(...)`` / ``at(...)`` expressions and ISO-8601 durations, at minute resolution.

CDK writes 5-field cron (minute hour day-of-month month day-of-week, Sunday = 0); EventBridge-style 6-field
cron (with year, Sunday = 1) is accepted too. Times are UTC unless the rule names an IANA timezone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ScheduleError", "MuteSchedule", "parse_duration_minutes"]

_MONTHS = {name: i for i, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_DAYS = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


class ScheduleError(ValueError):
    """A schedule or duration the simulator cannot read; the message says what is allowed."""


def parse_duration_minutes(text: str) -> int:
    """Minutes in an ISO-8601 duration such as ``PT2H`` or ``P1DT30M``.

    Example
    -------
    >>> parse_duration_minutes("PT2H30M")
    150
    """
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not match or not any(match.groups()):
        raise ScheduleError(f"duration {text!r} is not ISO-8601 (allowed: e.g. PT2H, PT30M, P1D)")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return days * 1440 + hours * 60 + minutes + (seconds + 59) // 60


def _field(text: str, low: int, high: int, names: dict[str, int], sunday_is_one: bool = False) -> set[int]:
    if text in ("*", "?"):
        return set(range(low, high + 1))
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1

        def number(token: str) -> int:
            upper = token.upper()
            if upper in names:
                return names[upper]
            if not token.isdigit():
                raise ScheduleError(f"cron field {text!r}: {token!r} is not a number or name")
            value = int(token)
            return (value - 1) % 7 if sunday_is_one else value % 7 if names is _DAYS else value

        if body in ("*", "?"):
            start, end = low, high
        elif "-" in body:
            first, last = body.split("-", 1)
            start, end = number(first), number(last)
        else:
            start = number(body)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return values


@dataclass(frozen=True)
class MuteSchedule:
    """When a mute rule starts muting, and for how long.

    Example
    -------
    >>> s = MuteSchedule.parse("cron(0 2 * * SUN)", "PT2H")
    >>> s.is_muted(datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)), s.is_muted(datetime(2026, 11, 22, 4, 0, tzinfo=timezone.utc))
    (True, False)
    """

    expression: str
    duration_minutes: int
    zone: str = "UTC"
    minutes: frozenset[int] = frozenset()
    hours: frozenset[int] = frozenset()
    days: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()
    weekdays: frozenset[int] = frozenset()
    day_restricted: bool = False
    weekday_restricted: bool = False
    at: datetime | None = None
    start: datetime | None = None
    expire: datetime | None = None

    @classmethod
    def parse(cls, expression: str, duration: str, zone: str | None = None,
              start: datetime | None = None, expire: datetime | None = None) -> "MuteSchedule":
        """Parse ``cron(...)`` or ``at(yyyy-mm-ddThh:mm:ss)`` with a duration.

        Raises
        ------
        ScheduleError
            Unreadable expression, duration or timezone.
        """
        zone_name = zone or "UTC"
        try:
            ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"timezone {zone_name!r} is not an IANA name (allowed: e.g. UTC, Europe/Paris)") from None
        minutes = parse_duration_minutes(duration)
        text = (expression or "").strip()
        if text.startswith("at(") and text.endswith(")"):
            try:
                moment = datetime.fromisoformat(text[3:-1])
            except ValueError:
                raise ScheduleError(f"schedule {text!r}: at() needs yyyy-mm-ddThh:mm:ss") from None
            return cls(text, minutes, zone_name, at=moment.replace(tzinfo=moment.tzinfo or ZoneInfo(zone_name)),
                       start=start, expire=expire)
        if not (text.startswith("cron(") and text.endswith(")")):
            raise ScheduleError(f"schedule {text!r} is not cron(...) or at(...)")
        fields = text[5:-1].split()
        if len(fields) not in (5, 6):
            raise ScheduleError(f"schedule {text!r}: cron needs 5 or 6 fields, got {len(fields)}")
        six = len(fields) == 6
        return cls(
            text, minutes, zone_name,
            minutes=frozenset(_field(fields[0], 0, 59, {})),
            hours=frozenset(_field(fields[1], 0, 23, {})),
            days=frozenset(_field(fields[2], 1, 31, {})),
            months=frozenset(_field(fields[3], 1, 12, _MONTHS)),
            weekdays=frozenset(_field(fields[4], 0, 6, _DAYS, sunday_is_one=six)),
            day_restricted=fields[2] not in ("*", "?"),
            weekday_restricted=fields[4] not in ("*", "?"),
            start=start, expire=expire,
        )

    def fires_at(self, moment: datetime) -> bool:
        """True when the schedule triggers at this minute."""
        if self.at is not None:
            return moment.replace(second=0, microsecond=0) == self.at.astimezone(timezone.utc).replace(second=0, microsecond=0)
        local = moment.astimezone(ZoneInfo(self.zone))
        if local.minute not in self.minutes or local.hour not in self.hours or local.month not in self.months:
            return False
        day_ok = local.day in self.days
        weekday_ok = (local.isoweekday() % 7) in self.weekdays
        if self.day_restricted and self.weekday_restricted:
            return day_ok or weekday_ok
        return day_ok and weekday_ok

    def is_muted(self, moment: datetime) -> bool:
        """True when a trigger in the last ``duration`` minutes covers ``moment`` (and the rule is in force)."""
        if self.start is not None and moment < self.start:
            return False
        if self.expire is not None and moment >= self.expire:
            return False
        base = moment.replace(second=0, microsecond=0)
        return any(self.fires_at(base - timedelta(minutes=back)) for back in range(self.duration_minutes))

    def muted_minutes(self, first_minute: int, last_minute: int) -> set[int]:
        """Epoch minutes in ``[first_minute, last_minute]`` during which the rule mutes."""
        muted: set[int] = set()
        for minute in range(first_minute - self.duration_minutes, last_minute + 1):
            moment = datetime.fromtimestamp(minute * 60, tz=timezone.utc)
            if self.fires_at(moment):
                for covered in range(minute, minute + self.duration_minutes):
                    when = datetime.fromtimestamp(covered * 60, tz=timezone.utc)
                    if first_minute <= covered <= last_minute and (self.start is None or when >= self.start) \
                            and (self.expire is None or when < self.expire):
                        muted.add(covered)
        return muted
