"""Maintenance windows as SLO exclusion windows (UTC, AWS cron): every local occurrence is covered."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from config.services import MaintenanceWindow
from plan.slo import SloError
from stacks.slo.exclusions import exclusion_windows

DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Auckland",
         "America/Sao_Paulo", "Asia/Tokyo")
CRON = re.compile(r"^cron\((\d+) (\d+) \? \* ([A-Z,]+) \*\)$")
YEAR = 2026


def _weekday_name(day: datetime) -> str:
    return DAYS[(day.weekday() + 1) % 7]  # Python: Monday 0; cron names start at Sunday


@settings(max_examples=60, deadline=None)
@given(zone=st.sampled_from(ZONES), hour=st.integers(0, 23), minute=st.integers(0, 59),
       duration=st.integers(1, 600), day=st.sampled_from(DAYS))
def test_every_local_occurrence_lies_inside_one_utc_exclusion(zone, hour, minute, duration, day):
    # GIVEN a weekly window in a local time zone
    window = MaintenanceWindow(name="w", cron=f"{minute} {hour} * * {day}", duration_minutes=duration,
                               timezone=zone)
    # WHEN it becomes an exclusion window
    (exclusion,) = exclusion_windows("svc", [window], year=YEAR)
    m, h, days = CRON.match(exclusion.expression).groups()
    start_days = days.split(",")
    # THEN each occurrence over the year, moved to UTC, starts and ends inside an exclusion occurrence
    tz = ZoneInfo(zone)
    local_day = datetime(YEAR, 1, 1)
    for _ in range(365):
        if _weekday_name(local_day) == day:
            start = local_day.replace(hour=hour, minute=minute, tzinfo=tz).astimezone(timezone.utc)
            end = start + timedelta(minutes=duration)
            covered = False
            for back in (0, 1):
                candidate_day = (start - timedelta(days=back)).replace(hour=int(h), minute=int(m), second=0)
                if _weekday_name(candidate_day) in start_days and candidate_day <= start and \
                        end <= candidate_day + timedelta(minutes=exclusion.duration_minutes):
                    covered = True
            assert covered, f"{local_day:%Y-%m-%d} {zone}: {start:%a %H:%M}Z-{end:%H:%M}Z not in {exclusion}"
        local_day += timedelta(days=1)
    # AND it never excludes more than the longest daylight-saving shift beyond the window
    assert exclusion.duration_minutes - duration <= 60


def test_utc_window_maps_field_by_field():
    (exclusion,) = exclusion_windows("svc", [MaintenanceWindow(name="w", cron="15 3 1 * *", duration_minutes=5)])
    assert (exclusion.expression, exclusion.duration_minutes) == ("cron(15 3 1 * ? *)", 5)


@pytest.mark.parametrize(("cron", "zone", "message"), [
    ("0 2 * * 0", "UTC", r"day-of-week '0' must use day names \(SUN, MON, \.\.\. SAT\)"),
    ("0 1,2 * * SUN", "Europe/Berlin", r"minute and hour must be single numbers"),
    ("30 0 15 * *", "Europe/Berlin", r"starts on another day, and days '15 \?' cannot be moved"),
    ("30 0 * 6 SUN", "Europe/Berlin", r"may fall in another month than '6'"),
])
def test_windows_that_cannot_be_excluded_correctly_are_one_line(cron, zone, message):
    window = MaintenanceWindow(name="w", cron=cron, duration_minutes=30, timezone=zone)
    with pytest.raises(SloError, match=message) as caught:
        exclusion_windows("svc", [window], year=YEAR)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("service 'svc': ")
