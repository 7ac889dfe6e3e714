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
        {"name": "weekly patching", "weekly": {"days": ["sun"], "start": "23:00", "duration_minutes": 120},
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


@pytest.mark.parametrize("window, says", [
    ({"name": "w"}, "either starts_at and ends_at, or weekly"),
    ({"name": "w", "starts_at": "2026-12-01T04:00:00Z", "ends_at": "2026-12-01T02:00:00Z"}, "ends_at must be after"),
    ({"name": "w", "starts_at": "2026-12-01T02:00:00", "ends_at": "2026-12-01T04:00:00"}, "timezone"),
    ({"name": "w", "weekly": {"days": ["sun"], "start": "25:00", "duration_minutes": 10}}, "HH:MM"),
    ({"name": "w", "weekly": {"days": ["funday"], "start": "01:00", "duration_minutes": 10}}, "days"),
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
