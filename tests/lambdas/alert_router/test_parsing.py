"""GIVEN notifications of every kind that reach the severity topics, WHEN parsed, THEN one alert model results."""
from __future__ import annotations

import json

import pytest

from lambdas.alert_router.model import SEVERITIES, SOURCES, STATES
from lambdas.alert_router.parsing import UnparseableMessageError, parse_message
from tests.lambdas.alert_router.helpers import ALL_FIXTURES, fixture_text


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_parses_into_a_complete_alert(name):
    alert = parse_message(fixture_text(name))
    assert alert.source in SOURCES
    assert alert.state in STATES
    assert alert.severity in SEVERITIES
    assert alert.title and alert.reason and alert.dedup_key and alert.alarm_name
    assert alert.console_url and alert.console_url.startswith("https://")


def test_metric_alarm_keeps_reason_runbook_console_and_arn_as_dedup_key():
    alert = parse_message(fixture_text("metric_alarm.json"))
    assert alert.source == "cloudwatch_alarm"
    assert alert.state == "ALARM" and alert.previous_state == "OK"
    assert alert.severity == "critical"  # from the alarm name suffix when no topic says otherwise
    assert alert.dedup_key == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchtower-prod-orders-api-HighErrorRate-critical"
    assert alert.runbook_url == "https://runbooks.example.com/high-error-rate"
    assert alert.region == "us-east-1" and alert.account == "123456789012"
    assert "#alarmsV2:alarm/watchtower-prod-orders-api-HighErrorRate-critical" in alert.console_url
    assert alert.reason.startswith("Threshold Crossed")
    assert ("Metric", "AWS/ApiGateway/5XXError") in alert.details


def test_topic_severity_overrides_the_name_hint():
    assert parse_message(fixture_text("metric_alarm.json"), "info").severity == "info"


def test_composite_alarm_carries_children_rule_and_actions_suppressed_by():
    alert = parse_message(fixture_text("composite_alarm_suppressed.json"))
    assert alert.source == "cloudwatch_composite_alarm"
    assert alert.actions_suppressed_by == "WaitPeriod"
    labels = dict(alert.details)
    assert labels["Triggered by"] == "watchtower-prod-orders-api-HighErrorRate-critical"
    assert "Actions suppressed" in labels and "WaitPeriod" in labels["Actions suppressed"]


def test_eventbridge_composite_state_change_with_suppressor():
    alert = parse_message(fixture_text("alarm_state_change_composite.json"))
    assert alert.source == "cloudwatch_composite_alarm"
    assert alert.actions_suppressed_by == "Alarm"
    assert alert.dedup_key.endswith(":alarm:watchtower-prod-orders-service-critical")
    assert alert.runbook_url == "https://runbooks.example.com/service-down"
    assert dict(alert.details)["Triggered by"] == "watchtower-prod-orders-api-HighErrorRate-critical"


def test_cost_anomaly_uses_anomaly_id_and_details_link():
    alert = parse_message(fixture_text("cost_anomaly.json"))
    assert alert.source == "cost_anomaly" and alert.state == "ALARM"
    assert alert.dedup_key == "cost-anomaly:12345678-abcd-ef12-3456-987654321a12"
    assert alert.console_url.startswith("https://console.aws.amazon.com/cost-management/")
    assert dict(alert.details)["Total impact"] == "$240.25"
    assert alert.started_at == "2026-11-20T00:00:00Z"


def test_budget_plain_text_is_parsed():
    alert = parse_message(fixture_text("budget.txt"))
    assert alert.source == "budget"
    assert alert.account == "123456789012"
    assert alert.title == "Budget watchtower-prod-monthly: ACTUAL > $800.00"
    assert "$812.40" in alert.reason


def test_xray_insight_active_is_alarm_and_closed_is_ok():
    doc = json.loads(fixture_text("xray_insight.json"))
    assert parse_message(json.dumps(doc)).state == "ALARM"
    doc["detail"]["State"] = "CLOSED"
    closed = parse_message(json.dumps(doc))
    assert closed.state == "OK" and closed.dedup_key == "xray-insight:7b1a2f3e-4d5c-4b6a-8f9e-0a1b2c3d4e5f"
    assert closed.started_at and closed.started_at.startswith("2026-")


def test_synthetics_failure_is_alarm_and_success_is_ok():
    doc = json.loads(fixture_text("synthetics_failure.json"))
    failed = parse_message(json.dumps(doc))
    assert failed.state == "ALARM" and "503" in failed.reason
    doc["detail-type"] = "Synthetics Canary TestRun Successful"
    assert parse_message(json.dumps(doc)).dedup_key == failed.dedup_key
    assert parse_message(json.dumps(doc)).state == "OK"


@pytest.mark.parametrize(
    "message, says",
    [
        ("", "empty"),
        ("hello", "neither JSON nor"),
        ('{"AlarmName": "x", "NewStateValue": "ALARMING"}', "NewStateValue"),
        ('{"foo": 1}', "not a known notification"),
        ("[1, 2]", "neither JSON nor"),
        ('{"AlarmName": "x", "NewStateValue": "ALARM", "Trigger": {"Dimensions": "bad"}', "does not parse"),
        ('{"source": "aws.xray", "detail-type": "AWS X-Ray Insight Update", "detail": []}', "detail"),
    ],
)
def test_unparseable_input_raises_one_line_reason(message, says):
    with pytest.raises(UnparseableMessageError) as caught:
        parse_message(message)
    assert says in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_truncated_fixture_is_unparseable_or_still_a_valid_alert(name):
    text = fixture_text(name)
    for cut in range(0, len(text), max(len(text) // 25, 1)):
        try:
            alert = parse_message(text[:cut])
        except UnparseableMessageError:
            continue
        assert alert.state in STATES
