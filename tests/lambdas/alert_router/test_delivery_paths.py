"""GIVEN the three ways CloudWatch delivers an alarm (SNS, EventBridge ``CloudWatch Alarm State Change``, and the
payload of an alarm action that invokes the function directly), WHEN each reaches the router, THEN the same
alarm becomes the same alert and reaches the same channels, suppression fields included."""
from __future__ import annotations

import json

import pytest

from lambdas.alert_router.parsing import parse_message
from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text

METRIC_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchtower-prod-orders-api-HighErrorRate-critical"
COMPOSITE_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchtower-prod-orders-service-critical"


def outcomes(result):
    return sorted((r["channel"], r["outcome"]) for r in result["records"])


def test_metric_alarm_is_one_alert_whichever_way_it_arrives():
    via_sns = parse_message(fixture_text("metric_alarm.json"))
    via_action = parse_message(fixture_text("lambda_action_metric.json"))
    via_events = parse_message(fixture_text("alarm_state_change_metric.json"))
    for alert in (via_action, via_events):
        assert alert.source == "cloudwatch_alarm"
        assert (alert.dedup_key, alert.state, alert.previous_state, alert.severity) == (
            via_sns.dedup_key, via_sns.state, via_sns.previous_state, via_sns.severity)
        assert alert.runbook_url == via_sns.runbook_url and alert.console_url == via_sns.console_url
        assert alert.account == "123456789012" and alert.region == "us-east-1"
        assert alert.reason == via_sns.reason
        labels = dict(alert.details)
        assert labels["Metric"] == "AWS/ApiGateway/5XXError" and labels["Dimensions"] == "ApiName=orders"
        assert labels["Statistic"] == "Average over 300 s"


def test_composite_lambda_action_keeps_children_rule_and_suppression():
    alert = parse_message(fixture_text("lambda_action_composite.json"))
    assert alert.source == "cloudwatch_composite_alarm"
    assert alert.dedup_key == COMPOSITE_ARN and alert.severity == "critical"
    assert alert.actions_suppressed_by == "ExtensionPeriod"
    labels = dict(alert.details)
    assert labels["Triggered by"] == "watchtower-prod-orders-api-HighErrorRate-critical"
    assert labels["Actions suppressed"] == "ExtensionPeriod: Actions suppressed by ExtensionPeriod"
    assert labels["Actions suppressor"] == "watchtower-prod-maintenance"
    assert labels["Rule"].startswith('ALARM("watchtower-prod-orders-api-HighErrorRate-critical")')
    assert alert.runbook_url == "https://runbooks.example.com/service-down"


def test_lambda_action_with_a_bad_state_is_one_clear_line():
    doc = json.loads(fixture_text("lambda_action_metric.json"))
    doc["alarmData"]["state"]["value"] = "BROKEN"
    with pytest.raises(ValueError) as error:
        parse_message(json.dumps(doc))
    assert "state.value is 'BROKEN'" in str(error.value) and "ALARM, OK, INSUFFICIENT_DATA" in str(error.value)


@pytest.mark.parametrize("fixture", ["lambda_action_metric.json", "alarm_state_change_metric.json"])
def test_direct_invocation_reaches_the_same_channels_as_sns(world, fixture):
    router = world.router()
    result = router.handle(json.loads(fixture_text(fixture)), 20_000)
    assert outcomes(result) == [("email", "delivered"), ("pagerduty", "delivered"), ("slack", "delivered")]
    [page] = world.receiver.bodies("/v2/enqueue")
    assert page["event_action"] == "trigger" and page["dedup_key"] == METRIC_ARN
    # The same alarm arriving again through its topic is the same incident: de-duplicated, not paged twice.
    again = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["critical"]), 20_000)
    assert {r["outcome"] for r in again["records"]} == {"deduplicated"}
    assert len(world.receiver.bodies("/v2/enqueue")) == 1


def test_composite_lambda_action_triggers_then_resolves_one_pagerduty_incident(world):
    router = world.router()
    router.handle(json.loads(fixture_text("lambda_action_composite.json")), 20_000)
    router.handle(json.loads(fixture_text("lambda_action_composite_ok.json")), 20_000)
    trigger, resolve = world.receiver.bodies("/v2/enqueue")
    assert trigger["event_action"] == "trigger" and trigger["dedup_key"] == COMPOSITE_ARN
    assert resolve["event_action"] == "resolve" and resolve["dedup_key"] == COMPOSITE_ARN


def test_direct_payload_that_fails_to_parse_is_dead_lettered_whole(world):
    doc = json.loads(fixture_text("lambda_action_metric.json"))
    del doc["alarmData"]["alarmName"]
    result = world.router().handle(doc, 20_000)
    assert outcomes(result) == [("router", "dead_lettered")]
    [letter] = world.dead_letters()
    assert json.loads(letter["sns"]["Message"]) == doc
    assert letter["sns"]["MessageId"].startswith("sha256:")


def test_a_redelivered_direct_payload_keeps_its_identity(world):
    router = world.router()
    doc = json.loads(fixture_text("lambda_action_metric.json"))
    first = router.handle(doc, 20_000)["records"]
    second = router.handle(doc, 20_000)["records"]
    assert {r["message_id"] for r in first} == {r["message_id"] for r in second}
    assert {r["outcome"] for r in second} == {"deduplicated"}


def test_an_event_whose_actions_cloudwatch_holds_is_left_to_the_alarms_own_action(world):
    """EventBridge reports a composite's change even while its suppressor holds the actions; CloudWatch sends
    the SNS notification (or invokes the Lambda action) when the hold ends, and that one is delivered."""
    router = world.router()
    held = router.handle(json.loads(fixture_text("alarm_state_change_composite.json")), 20_000)
    assert {r["outcome"] for r in held["records"]} == {"suppressed"}
    assert all("actions held by CloudWatch (Alarm)" in r["detail"] for r in held["records"])
    assert world.receiver.requests == []
    released = router.handle(json.loads(fixture_text("lambda_action_composite.json")), 20_000)
    assert ("pagerduty", "delivered") in outcomes(released)  # not blocked as a duplicate of the held event
    [page] = world.receiver.bodies("/v2/enqueue")
    assert page["dedup_key"] == COMPOSITE_ARN
