"""Pure parts of the checker: the hourly estimate, top services, settings."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from lambdas.cost_checker.estimate import hourly_rate, top_services
from lambdas.cost_checker.settings import SettingsError, read_settings

money = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(yesterday=money, today=money, hours=st.floats(min_value=0, max_value=24), min_hours=st.integers(1, 23))
def test_hourly_rate_is_never_above_the_larger_observed_rate(yesterday, today, hours, min_hours):
    # GIVEN any two days of cost and any time of day / WHEN estimating
    rate = hourly_rate(yesterday, today, hours, min_hours)
    # THEN it is yesterday's average, or today's only once enough hours have passed
    assert rate >= yesterday / 24
    if hours < min_hours:
        assert rate == yesterday / 24


def test_hourly_rate_is_unknown_without_data():
    # GIVEN no data for either day, or only a too-young today / THEN there is no estimate
    assert hourly_rate(None, None, 12, 6) is None
    assert hourly_rate(None, 100.0, 2, 6) is None


def test_early_morning_spike_does_not_count():
    # GIVEN a $30 charge booked at midnight, seen at 00:30 / WHEN estimating / THEN it is not read as $60/hour
    assert hourly_rate(24.0, 30.0, 0.5, 6) == 1.0


@settings(max_examples=100, deadline=None)
@given(costs=st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda s: s != "Other"), money, max_size=30),
       limit=st.integers(1, 10))
def test_top_services_keeps_the_total_and_bounds_the_metric_count(costs, limit):
    # GIVEN any costs by service / WHEN keeping the top ones
    kept = top_services(costs, limit)
    # THEN at most limit + 1 series remain and nothing is lost
    assert len(kept) <= limit + 1
    assert sum(kept.values()) == pytest.approx(sum(costs.values()))


@pytest.mark.parametrize(
    "env, message",
    [
        ({"METRICS_NAMESPACE": "N"}, "missing environment variable(s): ENVIRONMENT"),
        ({"ENVIRONMENT": "dev", "METRICS_NAMESPACE": "N", "TOP_SERVICES": "ten"}, "TOP_SERVICES='ten' is not a whole number (allowed: 1..50)"),
        ({"ENVIRONMENT": "dev", "METRICS_NAMESPACE": "N", "TOP_SERVICES": "99"}, "TOP_SERVICES=99 is out of range (allowed: 1..50)"),
    ],
)
def test_bad_settings_are_one_clear_line(env, message):
    # GIVEN a bad environment / WHEN reading settings / THEN the error names the variable and what is allowed
    with pytest.raises(SettingsError) as info:
        read_settings(env)
    assert str(info.value) == message
