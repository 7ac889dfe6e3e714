"""GIVEN the router in-process with moto and a local webhook server, WHEN notifications arrive, THEN each
channel receives its documented payload, duplicates are delivered once and OK resolves the PagerDuty incident."""
from __future__ import annotations

import json

from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text

ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchtower-prod-orders-api-HighErrorRate-critical"


def outcomes(result):
    return {(r["channel"], r["outcome"]) for r in result["records"]}


def test_critical_alarm_reaches_pagerduty_slack_and_email(world, send):
    result = send(fixture_text("metric_alarm.json"), "critical")
    assert outcomes(result) == {("pagerduty", "delivered"), ("slack", "delivered"), ("email", "delivered")}
    [page] = world.receiver.bodies("/v2/enqueue")
    assert page["event_action"] == "trigger" and page["dedup_key"] == ARN
    assert page["routing_key"] == "R0UTINGKEY0123456789012345678901"
    assert page["payload"]["severity"] == "critical"
    [chat] = world.receiver.bodies("/slack")
    assert chat["attachments"][0]["blocks"][0]["type"] == "header"
    [mail] = world.emails()
    assert mail["severity"] == "critical" and mail["body"].startswith("ALARM (critical)")
    assert world.dead_letters() == []


def test_warning_goes_to_teams_and_not_to_pagerduty(world, send):
    result = send(fixture_text("cost_anomaly.json"), "warning")
    assert outcomes(result) == {("slack", "delivered"), ("teams", "delivered"), ("email", "delivered")}
    assert world.receiver.bodies("/v2/enqueue") == []
    [card] = world.receiver.bodies("/teams")
    assert card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert world.emails()[0]["severity"] == "warning"


def test_topic_decides_severity_over_the_alarm_name(world, send):
    send(fixture_text("metric_alarm.json"), "info")
    assert [p for p, _ in world.receiver.requests] == ["/slack"]
    assert world.emails() == []


def test_duplicate_within_window_is_delivered_once(world, send):
    first = send(fixture_text("metric_alarm.json"), "critical")
    second = send(fixture_text("metric_alarm.json"), "critical")
    assert {r["outcome"] for r in first["records"]} == {"delivered"}
    assert {r["outcome"] for r in second["records"]} == {"deduplicated"}
    assert len(world.receiver.bodies("/v2/enqueue")) == 1 and len(world.receiver.bodies("/slack")) == 1
    assert len(world.emails()) == 1


def test_same_alarm_in_a_new_state_is_not_a_duplicate_and_ok_resolves_pagerduty(world, send):
    send(fixture_text("metric_alarm.json"), "critical")
    result = send(fixture_text("metric_alarm_ok.json"), "critical")
    assert ("pagerduty", "delivered") in outcomes(result)
    trigger, resolve = world.receiver.bodies("/v2/enqueue")
    assert trigger["event_action"] == "trigger"
    assert resolve == {"routing_key": trigger["routing_key"], "event_action": "resolve", "dedup_key": ARN}


def test_a_page_that_fires_again_after_its_resolve_pages_again(world, send):
    # ALARM, OK, ALARM within the de-duplication window: the incident was resolved, so the new ALARM must page.
    send(fixture_text("metric_alarm.json"), "critical")
    send(fixture_text("metric_alarm_ok.json"), "critical")
    again = send(fixture_text("metric_alarm.json"), "critical")
    assert {r["outcome"] for r in again["records"]} == {"delivered"}
    assert [b["event_action"] for b in world.receiver.bodies("/v2/enqueue")] == ["trigger", "resolve", "trigger"]
    repeat = send(fixture_text("metric_alarm.json"), "critical")  # the same state again: a duplicate
    assert {r["outcome"] for r in repeat["records"]} == {"deduplicated"}


def test_expired_dedup_item_does_not_block_a_new_delivery(world):
    clock = [1_000_000.0]
    router = world.router(dedup_window_seconds=300)
    router._dedup._clock = lambda: clock[0]
    event = sns_event(fixture_text("metric_alarm.json"), world.topics["critical"])
    router.handle(event, 20_000)
    clock[0] += 301  # TTL deletion is lazy: the item is still in the table, but expired
    again = router.handle(event, 20_000)
    assert {r["outcome"] for r in again["records"]} == {"delivered"}


def test_insufficient_data_is_not_paged_but_accounted(world, send):
    doc = json.loads(fixture_text("metric_alarm.json"))
    doc["NewStateValue"] = "INSUFFICIENT_DATA"
    result = send(json.dumps(doc), "critical")
    assert ("pagerduty", "suppressed") in outcomes(result)
    assert world.receiver.bodies("/v2/enqueue") == []


def test_delivery_records_are_json_log_lines_with_the_contract_keys(world, send):
    send(fixture_text("metric_alarm.json"), "critical")
    records = [r for r in world.log_records() if r.get("record_type") == "delivery"]
    assert len(records) == 3
    for record in records:
        assert {"alarm_name", "dedup_key", "state", "severity", "channel", "outcome"} <= set(record)
        assert record["alarm_name"] == "watchtower-prod-orders-api-HighErrorRate-critical"
        assert record["dedup_key"] == ARN and record["outcome"] == "delivered"


def test_secret_values_never_reach_the_logs(world, send):
    send(fixture_text("metric_alarm.json"), "critical")
    world.receiver.behaviour["/slack"] = [500]
    send(fixture_text("metric_alarm_ok.json"), "critical")
    logs = world.log.getvalue()
    assert "R0UTINGKEY0123456789012345678901" not in logs
    assert world.receiver.base_url not in logs


def test_secrets_are_cached_between_invocations(world, send):
    send(fixture_text("metric_alarm.json"), "critical")
    world.secrets.put_secret_value(SecretId="test/slack", SecretString="https://changed.invalid/hook")
    send(fixture_text("metric_alarm_ok.json"), "critical")
    assert len(world.receiver.bodies("/slack")) == 2  # the cached URL, not the new one


def test_a_retry_after_one_environment_got_holds_every_other(world):
    """Two execution environments of the router: the first is told to wait 3 s and has no time for it; the
    second, a moment later, waits out the rest of those 3 s before calling Slack instead of earning a 429."""
    world.receiver.behaviour["/slack"] = [(429, {"Retry-After": "3"}), 200]
    first, second = world.router(), world.router()
    hurried = first.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["info"]), 1_000)
    [record] = hurried["records"]
    assert record["outcome"] == "dead_lettered" and "asked to wait 3.0s" in record["detail"]
    slept: list[float] = []
    second._sleep = slept.append
    later = second.handle(sns_event(fixture_text("metric_alarm_ok.json"), world.topics["info"]), 20_000)
    [record] = later["records"]
    assert record["outcome"] == "delivered" and record["attempts"] == 1 and record["throttled"] == 0
    assert len(slept) == 1 and 2.0 < slept[0] <= 3.0
    assert len(world.receiver.bodies("/slack")) == 2  # the 429'd one and the delivered one, nothing in between
