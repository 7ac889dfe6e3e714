"""GIVEN receivers that fail, hang or throttle, and messages that cannot be parsed, WHEN the router handles
them, THEN it retries what is transient, dead-letters what still fails (DLQ + fallback e-mail) and loses nothing."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import pytest

from lambdas.alert_router.maintenance import load_windows
from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text


def by_channel(result):
    return {r["channel"]: r for r in result["records"]}


def test_receiver_returning_500_is_retried_then_dead_lettered_with_fallback(world, send):
    world.receiver.behaviour["/slack"] = [500]
    result = send(fixture_text("metric_alarm.json"), "critical")
    slack = by_channel(result)["slack"]
    assert slack["outcome"] == "dead_lettered" and slack["attempts"] == 3
    assert "HTTP 500" in slack["detail"]
    assert len(world.receiver.bodies("/slack")) == 3
    assert by_channel(result)["pagerduty"]["outcome"] == "delivered"  # other channels are unaffected
    [letter] = world.dead_letters()
    assert letter["channel"] == "slack" and "HTTP 500" in letter["reason"]
    assert json.loads(letter["sns"]["Message"])["AlarmName"] == slack["alarm_name"]  # the original, intact
    mails = world.emails()
    fallback = [m for m in mails if m["subject"].startswith("Alert router fallback")]
    assert len(fallback) == 1 and fallback[0]["severity"] == "critical"
    assert slack["alarm_name"] in fallback[0]["body"]


def test_receiver_that_hangs_times_out_retries_and_dead_letters(world, send):
    world.receiver.behaviour["/v2/enqueue"] = ["hang"]
    result = send(fixture_text("metric_alarm.json"), "critical")
    page = by_channel(result)["pagerduty"]
    assert page["outcome"] == "dead_lettered" and page["attempts"] >= 2
    assert "timed out" in page["detail"].lower() or "timeout" in page["detail"].lower()
    assert [l["channel"] for l in world.dead_letters()] == ["pagerduty"]
    assert by_channel(result)["slack"]["outcome"] == "delivered"


def test_transient_failure_then_success_is_delivered(world, send):
    world.receiver.behaviour["/slack"] = [503, (429, {"Retry-After": "0"}), 200]
    result = send(fixture_text("metric_alarm.json"), "critical")
    assert by_channel(result)["slack"]["outcome"] == "delivered"
    assert by_channel(result)["slack"]["attempts"] == 3
    assert world.dead_letters() == []


def test_client_error_is_not_retried(world, send):
    world.receiver.behaviour["/v2/enqueue"] = [400]
    result = send(fixture_text("metric_alarm.json"), "critical")
    assert by_channel(result)["pagerduty"]["attempts"] == 1
    assert by_channel(result)["pagerduty"]["outcome"] == "dead_lettered"


def test_retries_stop_when_the_lambda_runs_out_of_time(world):
    router = world.router()
    world.receiver.behaviour["/slack"] = ["hang"]
    result = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["info"]), remaining_ms=400)
    slack = by_channel(result)["slack"]
    assert slack["outcome"] == "dead_lettered" and "out of time" in slack["detail"]


def test_missing_secret_dead_letters_that_channel(world):
    router = world.router(routes={"critical": {"slack": "test/does-not-exist", "email": None}})
    result = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["critical"]), 20_000)
    assert by_channel(result)["slack"]["outcome"] == "dead_lettered"
    assert "ResourceNotFoundException" in by_channel(result)["slack"]["detail"]
    assert by_channel(result)["email"]["outcome"] == "delivered"


def test_webhook_secret_with_a_non_https_url_is_refused(world):
    world.secrets.create_secret(Name="test/file-url", SecretString="file:///etc/passwd")
    router = world.router(routes={"info": {"slack": "test/file-url"}})
    result = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["info"]), 20_000)
    assert by_channel(result)["slack"]["outcome"] == "dead_lettered"
    assert "https" in by_channel(result)["slack"]["detail"]


@pytest.mark.parametrize("value", ["https://hooks.example.com/services/T0/B0/S3CR3T extra", "https://hooks.example.com/S3CR3T\tx",
                                   "https://hooks.example.com/S3CR3T\u00e9"])
def test_a_malformed_webhook_secret_is_refused_without_quoting_it(world, value):
    # GIVEN a Slack secret whose URL holds a space, a tab or a non-ASCII character around its token
    world.secrets.create_secret(Name="test/bad-url", SecretString=value)
    router = world.router(routes={"info": {"slack": "test/bad-url"}})
    # WHEN an alert is routed
    result = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["info"]), 20_000)
    # THEN it is dead-lettered at once, and neither the record, the dead letter nor the fallback quotes the token
    slack = by_channel(result)["slack"]
    assert slack["outcome"] == "dead_lettered" and slack["attempts"] == 0
    assert "whitespace, control or non-ASCII" in slack["detail"]
    [letter] = world.dead_letters()
    [mail] = world.emails()
    assert "S3CR3T" not in json.dumps(result) + json.dumps(letter) + json.dumps(mail)


@pytest.mark.parametrize("message", ["garbage", '{"AlarmName": "x", "NewState', '{"unknown": true}', ""])
def test_unparseable_message_goes_to_dlq_and_critical_fallback(world, message):
    router = world.router()
    result = router.handle(sns_event(message, world.topics["info"], message_id="m-1"), 20_000)
    [record] = result["records"]
    assert record["outcome"] == "dead_lettered" and record["channel"] == "router" and record["dedup_key"] == "m-1"
    [letter] = world.dead_letters()
    assert letter["sns"]["Message"] == message and letter["reason"].startswith("unparseable")
    [mail] = world.emails()
    assert mail["severity"] == "critical" and "original message" in mail["body"]
    assert world.receiver.requests == []


def test_event_that_is_not_sns_is_kept_as_unparseable(world):
    result = world.router().handle({"hello": "world"}, 20_000)
    assert [r["outcome"] for r in result["records"]] == ["dead_lettered"]
    assert json.loads(world.dead_letters()[0]["sns"]["Message"]) == {"hello": "world"}


def test_maintenance_window_suppresses_and_logs(world):
    windows = load_windows(json.dumps([{"name": "orders db upgrade", "starts_at": "2026-11-22T04:00:00Z",
                                        "ends_at": "2026-11-22T06:00:00Z", "alarm_patterns": ["*-orders-*"]}]))
    router = world.router(maintenance_windows=tuple(windows))
    router._now = lambda: datetime(2026, 11, 22, 5, 0, tzinfo=timezone.utc)
    result = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["critical"]), 20_000)
    assert {r["outcome"] for r in result["records"]} == {"suppressed"}
    assert all("orders db upgrade" in r["detail"] for r in result["records"])
    assert world.receiver.requests == [] and world.emails() == []
    assert any(line.get("maintenance_window") == "orders db upgrade" for line in world.log_records())
    # Outside the window, or for another alarm, delivery happens.
    router._now = lambda: datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
    after = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["critical"]), 20_000)
    assert {r["outcome"] for r in after["records"]} == {"delivered"}


def test_dedup_table_outage_fails_open(world):
    router = world.router(dedup_table_name="no-such-table")
    result = router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["critical"]), 20_000)
    assert {r["outcome"] for r in result["records"]} == {"delivered"}


def test_every_message_is_accounted_for_under_mixed_failures(world):
    """Twelve notifications of every kind, a Slack that fails, a Teams that hangs, one duplicate and one
    unparseable: each (message, channel) ends in exactly one outcome, and the DLQ holds every dead letter."""
    world.receiver.behaviour["/slack"] = [500]
    world.receiver.behaviour["/teams"] = ["hang"]
    router = world.router()
    inputs = [
        ("metric_alarm.json", "critical"), ("metric_alarm.json", "critical"), ("metric_alarm_ok.json", "critical"),
        ("composite_alarm_suppressed.json", "critical"), ("alarm_state_change_composite.json", "warning"),
        ("cost_anomaly.json", "warning"), ("budget.txt", "warning"), ("xray_insight.json", "warning"),
        ("synthetics_failure.json", "info"), ("budget.txt", "info"),
    ]
    events = [sns_event(fixture_text(name), world.topics[severity]) for name, severity in inputs]
    events += [sns_event("{truncated", world.topics["warning"]), sns_event("", world.topics["info"])]
    records = []
    for event in events:
        records += router.handle(event, 20_000)["records"]
    message_ids = [e["Records"][0]["Sns"]["MessageId"] for e in events]
    per_message = Counter(r["message_id"] for r in records)
    assert set(per_message) == set(message_ids)  # no message without an outcome
    assert all(r["outcome"] in ("delivered", "deduplicated", "suppressed", "dead_lettered") for r in records)
    # exactly one outcome per (message, channel)
    assert len({(r["message_id"], r["channel"]) for r in records}) == len(records)
    counts = Counter(r["outcome"] for r in records)
    # Duplicates: the repeated metric alarm (3 critical channels) and the budget repeated on info. The composite
    # that also arrives as an EventBridge event on the warning topic is held by its suppressor (3 warning channels
    # suppressed): its own action delivers it when the hold ends.
    assert counts["deduplicated"] == 3 + 1
    assert counts["suppressed"] >= 3
    assert len(world.dead_letters()) == counts["dead_lettered"]
    assert counts["dead_lettered"] >= 2 + 9  # two unparseable + every slack/teams delivery


def test_fallback_reaches_someone_when_the_severity_has_no_email(world):
    world.receiver.behaviour["/slack"] = [500]
    router = world.router()  # info routes to Slack only
    router.handle(sns_event(fixture_text("synthetics_failure.json"), world.topics["info"]), 20_000)
    [fallback] = world.emails()
    assert fallback["severity"] == "critical" and fallback["subject"].startswith("Alert router fallback")
    assert [letter["severity"] for letter in world.dead_letters()] == ["info"]  # a redrive replays it as info


def test_fallback_keeps_the_severity_that_has_email(world):
    world.receiver.behaviour["/teams"] = [500]
    world.router().handle(sns_event(fixture_text("cost_anomaly.json"), world.topics["warning"]), 20_000)
    fallbacks = [m for m in world.emails() if m["subject"].startswith("Alert router fallback")]
    assert [m["severity"] for m in fallbacks] == ["warning"]


def test_message_is_never_silently_lost_when_both_dlq_and_fallback_fail(world):
    from lambdas.alert_router.dead_letter import DeliveryLostError

    broken = world.router(dlq_url=world.dlq_url + "-missing", email_topic_arn=world.email_topic + "-missing")
    with pytest.raises(DeliveryLostError):  # Lambda then retries, and finally uses the function's own DLQ
        broken.handle(sns_event("garbage", world.topics["info"]), 20_000)
    half = world.router(dlq_url=world.dlq_url + "-missing")
    result = half.handle(sns_event("garbage", world.topics["info"]), 20_000)  # the fallback e-mail still went
    assert [r["outcome"] for r in result["records"]] == ["dead_lettered"] and len(world.emails()) == 1
