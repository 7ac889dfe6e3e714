"""GIVEN an alert, WHEN formatted per channel, THEN the payload follows each service's documented format."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from lambdas.alert_router.channels import email_message, fallback_email_message, pagerduty_event, slack_payload, teams_payload
from lambdas.alert_router.channels.pagerduty import pagerduty_dedup_key
from lambdas.alert_router.parsing import parse_message
from tests.lambdas.alert_router.helpers import ALL_FIXTURES, fixture_text

ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchtower-prod-orders-api-HighErrorRate-critical"


def alarm(name="metric_alarm.json", severity=None):
    return parse_message(fixture_text(name), severity)


# ---- Slack Block Kit -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_slack_payload_respects_block_kit_limits(name):
    payload = slack_payload(alarm(name))
    assert isinstance(payload["text"], str) and payload["text"]
    attachment = payload["attachments"][0]
    assert attachment["color"].startswith("#") and len(attachment["color"]) == 7
    blocks = attachment["blocks"]
    assert len(blocks) <= 50
    assert {b["type"] for b in blocks} <= {"header", "section", "context", "actions"}
    header = blocks[0]
    assert header["type"] == "header" and header["text"]["type"] == "plain_text"
    assert len(header["text"]["text"]) <= 150
    for block in blocks:
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "actions":
            for button in block["elements"]:
                assert button["type"] == "button" and button["text"]["type"] == "plain_text"
                assert len(button["text"]["text"]) <= 75 and button["url"].startswith("https://")
                assert button.get("style", "primary") in ("primary", "danger")


def test_slack_colour_follows_state_and_buttons_link_runbook_and_console():
    firing, resolved = slack_payload(alarm()), slack_payload(alarm("metric_alarm_ok.json"))
    assert firing["attachments"][0]["color"] != resolved["attachments"][0]["color"]
    buttons = {b["action_id"]: b["url"] for b in firing["attachments"][0]["blocks"][-1]["elements"]}
    assert buttons["runbook"] == "https://runbooks.example.com/high-error-rate"
    assert "console.aws.amazon.com/cloudwatch" in buttons["console"]
    reason_block = firing["attachments"][0]["blocks"][1]
    assert "Threshold Crossed" in reason_block["text"]["text"]


def test_slack_escapes_mrkdwn_control_characters_and_truncates_long_text():
    alert = replace(alarm(), reason="a < b & c > d " + "x" * 5000, title="t" * 400)
    payload = slack_payload(alert)
    blocks = payload["attachments"][0]["blocks"]
    assert "&lt; b &amp; c &gt;" in blocks[1]["text"]["text"]
    assert len(blocks[0]["text"]["text"]) == 150 and len(blocks[1]["text"]["text"]) == 3000


# ---- PagerDuty Events API v2 -----------------------------------------------------------------------------
def test_pagerduty_trigger_has_required_fields_and_arn_dedup_key():
    event = pagerduty_event(alarm(), "ROUTINGKEY")
    assert event["routing_key"] == "ROUTINGKEY"
    assert event["event_action"] == "trigger"
    assert event["dedup_key"] == ARN
    payload = event["payload"]
    assert payload["severity"] in ("critical", "error", "warning", "info")
    assert payload["severity"] == "critical"
    assert payload["summary"] and len(payload["summary"]) <= 1024
    assert payload["source"] == ARN
    assert payload["timestamp"] == "2026-11-22T05:00:12.345Z"
    assert {"href": "https://runbooks.example.com/high-error-rate", "text": "Runbook"} in event["links"]
    json.dumps(event)  # serialisable as-is


@pytest.mark.parametrize("severity, expected", [("critical", "critical"), ("warning", "warning"), ("info", "info")])
def test_pagerduty_severity_is_mapped(severity, expected):
    assert pagerduty_event(alarm(severity=severity), "k")["payload"]["severity"] == expected


def test_pagerduty_ok_resolves_the_same_incident():
    trigger, resolve = pagerduty_event(alarm(), "k"), pagerduty_event(alarm("metric_alarm_ok.json"), "k")
    assert resolve == {"routing_key": "k", "event_action": "resolve", "dedup_key": trigger["dedup_key"]}


def test_pagerduty_skips_insufficient_data_and_caps_long_dedup_keys():
    assert pagerduty_event(replace(alarm(), state="INSUFFICIENT_DATA"), "k") is None
    long_key = replace(alarm(), dedup_key="arn:aws:cloudwatch:us-east-1:1:alarm:" + "n" * 300)
    key = pagerduty_dedup_key(long_key)
    assert len(key) == 255 and key == pagerduty_dedup_key(long_key)


# ---- Teams -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_teams_payload_is_an_adaptive_card_message(name):
    payload = teams_payload(alarm(name))
    assert payload["type"] == "message"
    attachment = payload["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["type"] == "TextBlock" and card["body"][2]["type"] == "FactSet"
    assert all(set(f) == {"title", "value"} for f in card["body"][2]["facts"])
    assert all(a["type"] == "Action.OpenUrl" and a["url"].startswith("https://") for a in card.get("actions", []))


# ---- E-mail ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_email_subject_fits_sns_rules_and_severity_attribute_is_set(name):
    message = email_message(alarm(name, "warning"))
    subject = message["Subject"]
    assert len(subject) < 100 and subject.isascii() and "\n" not in subject and subject[0].isalnum()
    assert message["MessageAttributes"] == {"severity": {"DataType": "String", "StringValue": "warning"}}
    assert "Reason:" in message["Message"]


def test_email_body_is_readable_plain_text():
    body = email_message(alarm())["Message"]
    assert body.splitlines()[0] == "ALARM (critical): watchtower-prod-orders-api-HighErrorRate-critical"
    assert "Runbook:        https://runbooks.example.com/high-error-rate" in body
    assert "{" not in body.splitlines()[0]


def test_fallback_email_quotes_the_original_and_the_problem():
    message = fallback_email_message("slack: HTTP 500 after 4 attempt(s)", "critical", '{"AlarmName": "x"}')
    assert message["MessageAttributes"]["severity"]["StringValue"] == "critical"
    assert '{"AlarmName": "x"}' in message["Message"] and "HTTP 500" in message["Message"]
    assert len(message["Subject"]) < 100


# ---- grouped messages ----------------------------------------------------------------------------------------
def _group(count, reason="x" * 5000, states=("ALARM",)):
    from lambdas.alert_router.channels.grouped import AlertGroup

    base = alarm()
    alerts = tuple(replace(base, alarm_name=f"watchtower-prod-orders-fn{i}-Errors-warning", reason=reason,
                           state=states[i % len(states)]) for i in range(count))
    return AlertGroup("orders", "warning", alerts, window_seconds=30)


@pytest.mark.parametrize("count", [2, 17, 120])
def test_grouped_slack_message_respects_block_kit_limits_and_counts_everything(count):
    from lambdas.alert_router.channels.grouped import slack_group_payload

    payload = slack_group_payload(_group(count, states=("ALARM", "OK")))
    blocks = payload["attachments"][0]["blocks"]
    assert len(blocks) <= 50 and blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= 150
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    listed = sum(b["text"]["text"].count("watchtower-prod-orders-fn") for b in blocks if b["type"] == "section")
    more = next((b["text"]["text"] for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("…and")), "")
    shown_more = int(more.split()[1]) if more else 0
    assert listed + shown_more == count  # every alert is either listed or counted
    assert payload["text"].startswith(f"[warning] orders: {count} warning alerts (")
    assert payload["attachments"][0]["color"] == "#D13212"  # any ALARM colours the group red


def test_grouped_slack_lines_escape_mrkdwn_and_link_console_and_runbook():
    from lambdas.alert_router.channels.grouped import slack_group_payload

    text = slack_group_payload(_group(2, reason="p99 <5s> & rising"))["attachments"][0]["blocks"][1]["text"]["text"]
    assert "p99 &lt;5s&gt; &amp; rising" in text
    assert "|watchtower-prod-orders-fn0-Errors-warning>" in text and "|runbook>)" in text


def test_grouped_teams_card_and_email_list_every_alert_within_limits():
    from lambdas.alert_router.channels.grouped import email_group_message, teams_group_payload

    group = _group(60)
    card = teams_group_payload(group)["attachments"][0]["content"]
    texts = [b["text"] for b in card["body"]]
    assert sum("watchtower-prod-orders-fn" in t for t in texts) == 50 and "…and 10 more alert(s) in this group" in texts
    assert all(len(t) <= 1000 for t in texts)
    mail = email_group_message(group)
    assert mail["Subject"].startswith("ALARM [warning] orders: 60 warning alerts") and len(mail["Subject"]) < 100
    assert mail["MessageAttributes"]["severity"]["StringValue"] == "warning"
    assert mail["Message"].count("ALARM: watchtower-prod-orders-fn") == 50 and "...and 10 more" in mail["Message"]
