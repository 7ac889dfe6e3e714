"""GIVEN the routing section of an environment's config, WHEN it is validated, THEN bad values are refused
with one clear reason, and maintenance windows reach the router Lambda in the shape it reads."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from config.routing import RoutingConfig
from lambdas.alert_router.maintenance import load_windows
from lambdas.alert_router.model import Alert


def alert(name="watchtower-prod-orders-api-Latency-warning", severity="warning"):
    return Alert(source="cloudwatch_alarm", severity=severity, state="ALARM", title=name, reason="r",
                 alarm_name=name, dedup_key=name, resource=name, occurred_at="")


def test_defaults_match_the_issue():
    routing = RoutingConfig()
    assert routing.dedup_window_seconds == 300 and routing.maintenance_json() == "[]"
    assert routing.grouping.window_seconds == 30
    assert routing.grouping.channels == ("slack", "teams", "email")
    assert routing.inhibition.warnings_while_paged is True and routing.inhibition.max_page_open_minutes == 240


@pytest.mark.parametrize("grouping, says", [
    ({"window_seconds": 901}, "less than or equal to 900"),
    ({"window_seconds": -1}, "greater than or equal to 0"),
    ({"channels": ["pagerduty"]}, "'slack', 'teams' or 'email'"),
])
def test_grouping_refuses_what_the_router_cannot_do(grouping, says):
    with pytest.raises(ValidationError) as caught:
        RoutingConfig.model_validate({"grouping": grouping})
    assert says in str(caught.value)


def test_every_grouping_and_inhibition_option_documents_its_default():
    from config.routing import GroupingConfig, InhibitionConfig

    for model in (GroupingConfig, InhibitionConfig):
        for name, field in model.model_fields.items():
            assert field.description and field.description.startswith("Default "), f"{model.__name__}.{name}"
            assert str(field.default).lower() in field.description.lower() or name == "channels"


def test_windows_round_trip_to_the_router():
    routing = RoutingConfig.model_validate({"maintenance_windows": [
        {"name": "db upgrade", "starts_at": "2026-12-01T02:00:00+01:00", "ends_at": "2026-12-01T04:00:00+01:00",
         "alarm_patterns": ["*-orders-*"]},
        {"name": "weekly patching", "cron": "0 23 * * SUN", "duration_minutes": 120,
         "severities": ["warning", "info"]},
    ]})
    one_off, weekly = load_windows(routing.maintenance_json())
    assert one_off.covers(alert(), datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc))  # 02:30 at +01:00
    assert not one_off.covers(alert(), datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc))
    assert not one_off.covers(alert("watchtower-prod-billing-api-Latency-warning"), datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc))
    # 2026-12-06 is a Sunday; the window runs past midnight into Monday.
    assert weekly.covers(alert(), datetime(2026, 12, 7, 0, 30, tzinfo=timezone.utc))
    assert not weekly.covers(alert(), datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc))
    assert not weekly.covers(alert(severity="critical"), datetime(2026, 12, 7, 0, 30, tzinfo=timezone.utc))


def test_a_recurring_window_covers_each_day_its_cron_names():
    # GIVEN a window every working day at 22:30 UTC for an hour, in the syntax a service's window uses
    routing = RoutingConfig.model_validate({"maintenance_windows": [
        {"name": "nightly", "cron": "30 22 * * MON-FRI", "duration_minutes": 60}]})
    # WHEN the router reads it
    (window,) = load_windows(routing.maintenance_json())
    # THEN Friday night is covered and Saturday night is not (2026-12-04 is a Friday)
    assert window.covers(alert(), datetime(2026, 12, 4, 23, 0, tzinfo=timezone.utc))
    assert not window.covers(alert(), datetime(2026, 12, 5, 23, 0, tzinfo=timezone.utc))


def test_the_old_weekly_syntax_is_refused_with_the_line_to_write_instead():
    # GIVEN a routing window written before the syntax was unified
    old = {"name": "w", "weekly": {"days": ["sat", "sun"], "start": "23:05", "duration_minutes": 90}}
    # WHEN it is validated
    with pytest.raises(ValidationError) as caught:
        RoutingConfig.model_validate({"maintenance_windows": [old]})
    # THEN the error is the replacement, which itself validates to the same window
    assert 'write cron: "5 23 * * SAT,SUN", duration_minutes: 90 (in UTC) instead' in str(caught.value)
    new = RoutingConfig.model_validate({"maintenance_windows": [
        {"name": "w", "cron": "5 23 * * SAT,SUN", "duration_minutes": 90}]})
    assert new.maintenance_windows[0].as_router_doc()["weekly"] == {**old["weekly"], "start": "23:05"}


@pytest.mark.parametrize("window, says", [
    ({"name": "w"}, "either starts_at and ends_at, or cron and duration_minutes"),
    ({"name": "w", "cron": "0 1 * * SUN"}, "cron and duration_minutes go together"),
    ({"name": "w", "starts_at": "2026-12-01T04:00:00Z", "ends_at": "2026-12-01T02:00:00Z"}, "ends_at must be after"),
    ({"name": "w", "starts_at": "2026-12-01T02:00:00", "ends_at": "2026-12-01T04:00:00"}, "timezone"),
    ({"name": "w", "cron": "0 25 * *", "duration_minutes": 10}, "5 fields"),
    ({"name": "w", "cron": "0 1 * * 0", "duration_minutes": 10}, "day names"),
    ({"name": "w", "cron": "0 1 1 * *", "duration_minutes": 10}, "day-of-month and month must be '*'"),
    ({"name": "w", "cron": "0 */2 * * *", "duration_minutes": 10}, "single numbers"),
    ({"name": "w", "cron": "0 1 * * SUN", "duration_minutes": 10, "timezone": "Europe/Berlin"}, "must be UTC"),
    ({"name": "w", "starts_at": "2026-12-01T02:00:00Z", "ends_at": "2026-12-01T04:00:00Z", "severities": ["page"]}, "severities"),
])
def test_bad_windows_are_refused_with_a_reason(window, says):
    with pytest.raises(ValidationError) as caught:
        RoutingConfig.model_validate({"maintenance_windows": [window]})
    assert says in str(caught.value)


def test_retries_that_cannot_fit_the_timeout_are_refused():
    with pytest.raises(ValidationError) as caught:
        RoutingConfig.model_validate({"retry": {"max_attempts": 10, "http_timeout_ms": 30000}})
    assert "exceeds the router timeout" in str(caught.value)
