"""A service's maintenance windows as Application Signals SLO exclusion windows.

A maintenance window is ``cron`` (five fields: minute hour day-of-month month day-of-week) in ``timezone``
lasting ``duration_minutes``. An exclusion window is a six-field AWS cron (``cron(min hour dom month dow
year)``, one of dom/dow ``?``) with a duration and no time zone, so the window is moved to UTC. Where the
zone observes daylight saving time the UTC start moves by the DST shift during the year: the exclusion then
starts at the earlier UTC time and lasts longer by the shift, so it always covers the whole window (and at
most an hour more). A schedule that cannot be moved that way (several hours, ranges, steps) is refused with
one line rather than excluded at the wrong time.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aws_cdk import aws_applicationsignals as appsignals

from config.services import MaintenanceWindow
from plan.slo import SloError

__all__ = ["ExclusionWindow", "exclusion_windows", "utc_offsets_minutes", "MAX_EXCLUSION_WINDOWS"]

MAX_EXCLUSION_WINDOWS = 10  # Application Signals: at most 10 exclusion windows per SLO
_UTC_ZONES = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Zulu", "Etc/Zulu", "UCT", "Etc/UCT"}
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_DAY_NAMES = re.compile(r"^(SUN|MON|TUE|WED|THU|FRI|SAT)(,(SUN|MON|TUE|WED|THU|FRI|SAT))*$", re.IGNORECASE)


class ExclusionWindow:
    """One exclusion window: AWS cron expression, duration in minutes and reason.

    Example
    -------
    >>> w = ExclusionWindow("cron(0 2 ? * SUN *)", 60, "weekly patching")
    >>> w.as_property()["Window"]
    {'Duration': 60, 'DurationUnit': 'MINUTE'}
    """

    def __init__(self, expression: str, duration_minutes: int, reason: str) -> None:
        self.expression = expression
        self.duration_minutes = duration_minutes
        self.reason = reason

    def as_property(self) -> dict:
        """The CloudFormation ``ExclusionWindows`` item (no StartTime: it defaults to the creation time, and a
        fixed start would lie in the past on the next update, which Application Signals refuses)."""
        return {"Window": {"Duration": self.duration_minutes, "DurationUnit": "MINUTE"},
                "RecurrenceRule": {"Expression": self.expression}, "Reason": self.reason[:1024]}

    def as_cfn(self) -> appsignals.CfnServiceLevelObjective.ExclusionWindowProperty:
        """``as_property`` as the L1 property object the CDK construct takes."""
        return appsignals.CfnServiceLevelObjective.ExclusionWindowProperty(
            window=appsignals.CfnServiceLevelObjective.WindowProperty(duration=self.duration_minutes,
                                                                       duration_unit="MINUTE"),
            recurrence_rule=appsignals.CfnServiceLevelObjective.RecurrenceRuleProperty(expression=self.expression),
            reason=self.reason[:1024])

    def __repr__(self) -> str:
        return f"ExclusionWindow({self.expression!r}, {self.duration_minutes}, {self.reason!r})"


def utc_offsets_minutes(zone: str, hour: int, minute: int, year: int) -> list[int]:
    """The UTC offsets (minutes) ``zone`` has at ``hour:minute`` local time on the days of ``year`` and the
    next, smallest first.

    Example
    -------
    >>> utc_offsets_minutes("Europe/Berlin", 2, 0, 2026)
    [60, 120]
    >>> utc_offsets_minutes("UTC", 2, 0, 2026)
    [0]
    """
    tz = ZoneInfo(zone)
    day = datetime(year, 1, 1, hour, minute)
    offsets = set()
    for _ in range(731):
        offset = day.replace(tzinfo=tz).utcoffset()
        assert offset is not None
        offsets.add(int(offset.total_seconds() // 60))
        day += timedelta(days=1)
    return sorted(offsets)


def _dow_to_aws(service: str, window: MaintenanceWindow, dow: str) -> str:
    if dow in ("*", "?"):
        return "?"
    if re.search(r"\d", dow.split("#")[0]) and not dow.upper().endswith("L"):
        # Unix cron numbers Sunday 0 (or 7), AWS cron numbers it 1: a number would silently move the window.
        raise SloError(f"service '{service}': maintenance window '{window.name}': day-of-week '{dow}' must use "
                       f"day names (SUN, MON, ... SAT), not numbers, to become an SLO exclusion window")
    return dow.upper()


def _shift_days(service: str, window: MaintenanceWindow, dow: str, dom: str, month: str,
                days: int) -> tuple[str, str]:
    if days == 0:
        return dow, dom
    if month != "*":
        raise SloError(f"service '{service}': maintenance window '{window.name}': in UTC it starts on another day, "
                       f"which may fall in another month than '{month}'; use month '*' or timezone UTC")
    if dow == "?" and dom in ("*", "?"):
        return dow, dom  # every day: a shifted day is still every day
    if dow != "?" and _DAY_NAMES.match(dow):
        names = [_DAYS[(_DAYS.index(d.upper()) + days) % 7] for d in dow.split(",")]
        return ",".join(names), dom
    raise SloError(f"service '{service}': maintenance window '{window.name}': in UTC it starts on another day, "
                   f"and days '{dom} {dow}' cannot be moved; use day names (e.g. SUN,WED) or timezone UTC")


def _exclusion(service: str, window: MaintenanceWindow, year: int) -> ExclusionWindow:
    minute, hour, dom, month, dow = window.cron.split()
    aws_dow = _dow_to_aws(service, window, dow)
    aws_dom = "?" if aws_dow != "?" else ("*" if dom == "?" else dom)
    reason = (f"maintenance window '{window.name}' of {service}: cron {window.cron} {window.timezone}, "
              f"{window.duration_minutes} min")
    if window.timezone in _UTC_ZONES:
        return ExclusionWindow(f"cron({minute} {hour} {aws_dom} {month} {aws_dow} *)", window.duration_minutes,
                               reason)
    if not (minute.isdigit() and hour.isdigit()):
        raise SloError(f"service '{service}': maintenance window '{window.name}' in timezone {window.timezone}: "
                       f"an SLO exclusion window is in UTC, so its minute and hour must be single numbers to be "
                       f"moved there (got '{minute} {hour}'); or use timezone UTC")
    try:
        offsets = utc_offsets_minutes(window.timezone, int(hour), int(minute), year)
    except (ZoneInfoNotFoundError, ValueError):
        raise SloError(f"service '{service}': maintenance window '{window.name}': unknown timezone "
                       f"'{window.timezone}' (use an IANA name such as Europe/Berlin, or UTC)") from None
    # Earliest UTC start over the year is local time minus the largest offset; the longest shift is added.
    start = int(hour) * 60 + int(minute) - offsets[-1]
    days, start = divmod(start, 24 * 60)
    aws_dow, aws_dom = _shift_days(service, window, aws_dow, aws_dom, month, days)
    duration = window.duration_minutes + (offsets[-1] - offsets[0])
    return ExclusionWindow(f"cron({start % 60} {start // 60} {aws_dom} {month} {aws_dow} *)", duration,
                           reason + (f"; in UTC, widened by {offsets[-1] - offsets[0]} min for daylight saving"
                                     if offsets[-1] != offsets[0] else "; in UTC"))


def exclusion_windows(service: str, windows: Sequence[MaintenanceWindow],
                      year: int | None = None) -> list[ExclusionWindow]:
    """Exclusion windows for ``windows`` (UTC, six-field AWS cron), at most ten.

    ``year`` fixes the daylight-saving calendar used for non-UTC zones (default: this year and the next).

    Example
    -------
    >>> exclusion_windows("orders", [MaintenanceWindow(name="db", cron="0 2 * * SUN", duration_minutes=60)])
    [ExclusionWindow('cron(0 2 ? * SUN *)', 60, "maintenance window 'db' of orders: cron 0 2 * * SUN UTC, 60 min")]
    """
    if len(windows) > MAX_EXCLUSION_WINDOWS:
        raise SloError(f"service '{service}': {len(windows)} maintenance windows, but an SLO takes at most "
                       f"{MAX_EXCLUSION_WINDOWS} exclusion windows; merge some, or set slo.native: false")
    year = year or datetime.now(timezone.utc).year
    return [_exclusion(service, w, year) for w in windows]
