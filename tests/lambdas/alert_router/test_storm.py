"""GIVEN an alert storm (200 notifications for 10 services within one simulated minute, several concurrent
router instances, webhooks on 127.0.0.1 that take one request per second and answer 429 with Retry-After
beyond it), WHEN the router handles it with a 30 s grouping window, THEN Slack gets at most one message per
service and severity per window, PagerDuty one trigger per paged service (and the resolve), pages reach chat
within the window, and every notification is accounted for on every channel it is routed to."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from lambdas.alert_router.parsing import parse_message
from tests.lambdas.alert_router.storm import NOTIFICATIONS, PAGED, SERVICES, START, per_service_times, run_storm

WINDOW = 30
ROUTED = {"critical": ("pagerduty", "slack", "email"), "warning": ("slack", "teams", "email"), "info": ("slack",)}


@pytest.fixture(scope="module")
def storm():
    return run_storm(window_seconds=WINDOW)


def test_the_storm_has_the_promised_size_services_span_and_delivery_paths(storm):
    assert len(storm.notifications) == NOTIFICATIONS == 200
    assert {n.name.split("-")[2] for n in storm.notifications} == set(SERVICES)
    assert max(n.at for n in storm.notifications) < 60
    assert {n.via for n in storm.notifications} == {"sns", "lambda_action", "eventbridge"}


@pytest.mark.parametrize("severity", ["critical", "warning", "info"])
def test_slack_gets_at_most_one_message_per_service_and_severity_per_window(storm, severity):
    times = per_service_times(storm, f"/slack/{severity}")
    assert times, f"no {severity} message reached Slack"
    for service, sent in times.items():
        gaps = [later - earlier for earlier, later in zip(sent, sent[1:])]
        assert all(gap >= WINDOW for gap in gaps), (service, sent)
    # The storm's 200 notifications reach Slack as a few dozen messages.
    assert sum(len(t) for t in per_service_times(storm, "/slack/info").values()) <= len(SERVICES)


def test_pagerduty_gets_one_trigger_per_paged_service_and_the_resolve(storm):
    events = [(body["event_action"], body["dedup_key"]) for body, _ in storm.accepted["/v2/enqueue"]]
    triggers = Counter(key for action, key in events if action == "trigger")
    page_key = "watchtower-prod-{}"  # one incident per service, whichever of its paging composites fired
    assert triggers == Counter({page_key.format(svc): 1 for svc in PAGED})
    assert [key for action, key in events if action == "resolve"] == [page_key.format(PAGED[0])]


def test_pages_are_not_delayed_beyond_the_window(storm):
    first_page = {}
    for n in storm.notifications:
        if n.severity == "critical" and n.state == "ALARM":
            first_page.setdefault(n.name.split("-")[2], n.at)
    paged_at = {body["dedup_key"].rsplit(":", 1)[-1].split("-")[2]: at - START for body, at in storm.accepted["/v2/enqueue"]
                if body["event_action"] == "trigger"}
    chat = per_service_times(storm, "/slack/critical")
    for service, arrived in first_page.items():
        assert paged_at[service] - arrived <= 1  # PagerDuty at once
        assert 0 <= chat[service][0] - arrived <= WINDOW + 1  # chat within the window (whole simulated seconds)


def test_a_paged_services_warnings_are_inhibited(storm):
    for svc in PAGED:
        name = f"watchtower-prod-{svc}-service-warning"
        finals = [r for (mid, channel), r in storm.final.items() if r["alarm_name"] == name]
        assert {r["outcome"] for r in finals} == {"suppressed"} and len(finals) == 3
        assert all(r["detail"].startswith(f"inhibited: {svc} has a page open") for r in finals)
    warned = [body["text"] for body, _ in storm.accepted["/slack/warning"]]
    assert not any(f"] {svc}: " in text or f"-{svc}-service-warning" in text for svc in PAGED for text in warned)


def test_every_notification_is_accounted_for_on_every_channel(storm):
    expected = {(n.message_id, channel) for n in storm.notifications for channel in ROUTED[n.severity]}
    assert all(n.message_id for n in storm.notifications)
    assert set(storm.final) == expected
    classes = storm.classes
    assert set(classes) <= {"delivered", "grouped", "deduplicated", "suppressed", "dead_lettered"}, classes
    assert sum(classes.values()) == len(expected)
    # Each class is present, and the ones the storm is built to produce have their exact size.
    assert classes["deduplicated"] == 20 + 6 * 3 + 3 * 3  # re-notified children; pages also sent as action / event
    assert classes["suppressed"] == len(PAGED) * 3  # the paged services' warning composites, on three channels
    assert classes["grouped"] > 100 and classes["delivered"] >= len(PAGED) + 1
    # A group's arrival records and its final records agree: nothing is left "grouped".
    held = [r for r in storm.records if r["outcome"] == "grouped"]
    finals = [r for r in storm.records if r["group"] and r["outcome"] != "grouped"]
    assert Counter((r["message_id"], r["channel"]) for r in held) == Counter((r["message_id"], r["channel"]) for r in finals)


def test_what_cannot_wait_for_retry_after_is_dead_lettered_and_replayable(storm):
    dead = [r for r in storm.final.values() if r["outcome"] == "dead_lettered"]
    assert dead and {r["channel"] for r in dead} == {"teams"}
    # The one 429 asking for two minutes, and what reached that webhook from the same environment meanwhile.
    assert any(re.search(r"HTTP 429 .*asked to wait 1[012]\d\.\ds", r["detail"]) for r in dead)
    assert all("beyond the" in r["detail"] and "s left" in r["detail"] for r in dead)
    assert sorted(l["sns"]["MessageId"] for l in storm.dead_letters) == sorted(r["message_id"] for r in dead)
    for letter in storm.dead_letters:
        assert letter["channel"] == "teams"
        assert parse_message(letter["sns"]["Message"], letter["severity"]).alarm_name == letter["alarm_name"]


def test_webhooks_were_throttled_and_the_router_waited_instead_of_giving_up(storm):
    assert storm.throttled.get("/slack/info", 0) > 0 and storm.throttled.get("/v2/enqueue", 0) > 0
    slack_finals = [r for r in storm.final.values() if r["channel"] == "slack"]
    assert {r["outcome"] for r in slack_finals} <= {"delivered", "deduplicated", "suppressed"}
    assert any(r["throttled"] for r in storm.records if r["channel"] == "slack")
    grouped_texts = [json.dumps(body) for body, _ in storm.accepted["/slack/info"]]
    assert all("notifications grouped within 30s" in text for text in grouped_texts)
