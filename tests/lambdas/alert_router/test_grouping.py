"""GIVEN a router that groups per service and severity (30 s window, simulated clock shared with moto's SQS),
WHEN notifications arrive, THEN chat and e-mail get one message per group and window listing the alarms, a
single alert is sent alone, PagerDuty is never delayed or grouped, a service's warnings are inhibited while its
page is open, and every notification ends in exactly one final outcome per channel."""
from __future__ import annotations

import json
import threading
from collections import Counter

import pytest

from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text
from tests.lambdas.alert_router.storm import Atomic

ACCOUNT_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"


def alarm(name: str, state: str = "ALARM", reason: str = "Threshold Crossed") -> str:
    doc = json.loads(fixture_text("metric_alarm.json"))
    doc.update({"AlarmName": name, "AlarmArn": ACCOUNT_ARN + name, "NewStateValue": state, "NewStateReason": reason,
                "OldStateValue": "OK" if state == "ALARM" else "ALARM"})
    return json.dumps(doc)


def send(world, router, name, severity, state="ALARM", **kw):
    return router.handle(sns_event(alarm(name, state, **kw), world.topics[severity]), 20_000)["records"]


def outcomes(records):
    return Counter((r["channel"], r["outcome"]) for r in records)


def test_a_single_alert_waits_for_the_window_and_is_then_sent_alone(world, clock):
    router = world.grouping_router(clock)
    arrival = send(world, router, "watchtower-prod-orders-api-Latency-warning", "warning")
    assert outcomes(arrival) == Counter({("slack", "grouped"): 1, ("teams", "grouped"): 1, ("email", "grouped"): 1})
    assert world.receiver.requests == [] and world.emails() == []
    clock.advance(29)
    assert world.flush_due(router) == []  # SQS holds the flush for the whole window
    clock.advance(1)
    final = world.flush_due(router)
    assert outcomes(final) == Counter({("slack", "delivered"): 1, ("teams", "delivered"): 1, ("email", "delivered"): 1})
    [chat] = world.receiver.bodies("/slack")
    # The ordinary one-alert format: its own header, fields and buttons.
    assert chat["attachments"][0]["blocks"][0]["text"]["text"].endswith("watchtower-prod-orders-api-Latency-warning")
    assert [mail["subject"] for mail in world.emails()] == ["ALARM [warning] watchtower-prod-orders-api-Latency-warning"]


def test_alerts_of_one_service_and_severity_become_one_message_per_channel(world, clock):
    router = world.grouping_router(clock)
    names = [f"watchtower-prod-orders-fn{i}-Errors-warning" for i in range(5)]
    for name in names:
        send(world, router, name, "warning")
        clock.advance(4)
    send(world, router, "watchtower-prod-payments-api-Latency-warning", "warning")
    clock.advance(30)
    final = world.flush_due(router)
    assert outcomes(final)[("slack", "delivered")] == 6
    chats = world.receiver.bodies("/slack")
    assert len(chats) == 2  # one per service
    orders = next(c for c in chats if "orders: 5 warning alerts (5 ALARM)" in c["text"])
    listed = json.dumps(orders["attachments"][0]["blocks"])
    assert all(name in listed for name in names)
    [payments] = [c for c in chats if c is not orders]
    assert "watchtower-prod-payments-api-Latency-warning" in payments["text"]  # alone, ordinary format
    assert len(world.receiver.bodies("/teams")) == 2 and len(world.emails()) == 2
    # Every notification has one final record per channel, tied to its group.
    assert {r["group"] for r in final if r["alarm_name"] in names} and all(r["group"] for r in final)


def test_pages_reach_pagerduty_at_once_and_chat_within_the_window(world, clock):
    router = world.grouping_router(clock)
    arrival = send(world, router, "watchtower-prod-orders-service-critical", "critical")
    assert outcomes(arrival) == Counter({("pagerduty", "delivered"): 1, ("slack", "grouped"): 1,
                                         ("email", "grouped"): 1})
    [page] = world.receiver.bodies("/v2/enqueue")
    assert page["event_action"] == "trigger" and page["dedup_key"] == "watchtower-prod-orders"  # the service's page key
    clock.advance(30)
    assert outcomes(world.flush_due(router))[("slack", "delivered")] == 1


def test_an_alert_after_the_flush_opens_the_next_window(world, clock):
    router = world.grouping_router(clock)
    send(world, router, "watchtower-prod-search-a-Errors-warning", "warning")
    clock.advance(30)
    world.flush_due(router)
    send(world, router, "watchtower-prod-search-b-Errors-warning", "warning")
    send(world, router, "watchtower-prod-search-c-Errors-warning", "warning")
    clock.advance(30)
    world.flush_due(router)
    first, second = world.receiver.bodies("/slack")
    assert "search-a" in first["text"] and "search: 2 warning alerts" in second["text"]


def test_warnings_are_inhibited_while_the_service_page_is_open(world, clock):
    router = world.grouping_router(clock)
    # A warning that arrived just before the page is held in its group, then inhibited at the flush.
    send(world, router, "watchtower-prod-orders-fn-Duration-warning", "warning")
    send(world, router, "watchtower-prod-orders-service-critical", "critical")
    during = send(world, router, "watchtower-prod-orders-fn-Throttles-warning", "warning")
    assert {r["outcome"] for r in during} == {"suppressed"}
    assert all("inhibited: orders has a page open (watchtower-prod-orders-service-critical)" in r["detail"]
               for r in during)
    other = send(world, router, "watchtower-prod-payments-fn-Throttles-warning", "warning")
    assert {r["outcome"] for r in other} == {"grouped"}  # another service is not inhibited
    clock.advance(30)
    flushed = world.flush_due(router)
    held = [r for r in flushed if r["alarm_name"] == "watchtower-prod-orders-fn-Duration-warning"]
    assert {r["outcome"] for r in held} == {"suppressed"} and len(held) == 3
    chats = [c["text"] for c in world.receiver.bodies("/slack")]
    assert not any("orders-fn" in text for text in chats)
    assert any("watchtower-prod-orders-service-critical" in text for text in chats)
    # The page resolves: the service's warnings reach people again.
    send(world, router, "watchtower-prod-orders-service-critical", "critical", state="OK")
    after = send(world, router, "watchtower-prod-orders-fn-Errors-warning", "warning")
    assert {r["outcome"] for r in after} == {"grouped"}


def test_an_inhibition_whose_ok_never_came_ends_after_its_maximum(world, clock):
    router = world.grouping_router(clock, page_open_max_seconds=600)
    send(world, router, "watchtower-prod-orders-service-critical", "critical")
    clock.advance(601)
    later = send(world, router, "watchtower-prod-orders-fn-Errors-warning", "warning")
    assert {r["outcome"] for r in later} == {"grouped"}


class _RaceOnRead:
    """A DynamoDB client whose first consistent read of a group item lets another invocation join the group
    before the flush moves it, which is exactly the race the flush's condition must survive."""

    def __init__(self, client, join):
        self._client, self._join, self.fired = client, join, False

    def __getattr__(self, name):
        return getattr(self._client, name)

    def get_item(self, **kwargs):
        item = self._client.get_item(**kwargs)
        if not self.fired and kwargs["Key"]["dedup_id"]["S"].startswith("group#"):
            self.fired = True
            self._join()
        return item


def test_an_arrival_racing_the_flush_is_delivered_not_dropped(world, clock):
    arriving = world.grouping_router(clock)
    send(world, arriving, "watchtower-prod-orders-a-Errors-warning", "warning")
    clock.advance(30)
    racer = _RaceOnRead(world.dynamodb, lambda: send(world, arriving, "watchtower-prod-orders-b-Errors-warning", "warning"))
    flusher = world.grouping_router(clock, dynamodb=racer)
    flushed = world.flush_due(flusher)
    assert racer.fired
    assert {r["alarm_name"] for r in flushed if r["channel"] == "slack"} == {
        "watchtower-prod-orders-a-Errors-warning", "watchtower-prod-orders-b-Errors-warning"}
    [chat] = world.receiver.bodies("/slack")
    assert "orders: 2 warning alerts" in chat["text"]


def test_a_duplicate_flush_message_sends_nothing_twice(world, clock):
    router = world.grouping_router(clock)
    send(world, router, "watchtower-prod-orders-a-Errors-warning", "warning")
    clock.advance(30)
    [message] = world.sqs.receive_message(QueueUrl=world.flush_url)["Messages"]
    event = {"Records": [{"eventSource": "aws:sqs", "messageId": message["MessageId"], "body": message["Body"]}]}
    first = router.handle(event, 20_000)["records"]
    second = router.handle(event, 20_000)["records"]
    assert len(first) == 3 and second == []
    assert len(world.receiver.bodies("/slack")) == 1


def test_a_flush_that_cannot_be_scheduled_delivers_at_once(world, clock):
    class NoFlushQueue:
        def __init__(self, sqs):
            self._sqs = sqs

        def __getattr__(self, name):
            return getattr(self._sqs, name)

        def send_message(self, **kwargs):
            if kwargs["QueueUrl"] == world.flush_url:
                raise ConnectionError("SQS unreachable")
            return self._sqs.send_message(**kwargs)

    router = world.grouping_router(clock, sqs=NoFlushQueue(world.sqs))
    records = send(world, router, "watchtower-prod-orders-a-Errors-warning", "warning")
    assert outcomes(records)[("slack", "delivered")] == 1 and len(world.receiver.bodies("/slack")) == 1


def test_a_group_that_cannot_be_delivered_is_dead_lettered_member_by_member(world, clock):
    world.receiver.behaviour["/slack"] = [500]
    router = world.grouping_router(clock)
    names = [f"watchtower-prod-orders-fn{i}-Errors-warning" for i in range(3)]
    for name in names:
        send(world, router, name, "warning")
    clock.advance(30)
    flushed = world.flush_due(router)
    assert outcomes(flushed)[("slack", "dead_lettered")] == 3 and outcomes(flushed)[("teams", "delivered")] == 3
    letters = world.dead_letters()
    assert sorted(json.loads(letter["sns"]["Message"])["AlarmName"] for letter in letters) == names
    assert {letter["channel"] for letter in letters} == {"slack"}
    fallbacks = [m for m in world.emails() if m["subject"].startswith("Alert router fallback")]
    assert len(fallbacks) == 1 and all(name in fallbacks[0]["body"] for name in names)


def test_a_dead_lettered_member_replays_through_redrive(world, clock):
    world.receiver.behaviour["/slack"] = [500, 500, 500, 200]
    router = world.grouping_router(clock)
    send(world, router, "watchtower-prod-orders-a-Errors-warning", "warning")
    clock.advance(30)
    world.flush_due(router)
    [letter] = world.dead_letters()
    replay = router.handle({"router_redrive": {"dead_letter": letter}}, 20_000)
    assert replay["redrive_ok"] and [r["channel"] for r in replay["records"]] == ["slack"]


def test_a_group_beyond_its_size_limit_counts_the_rest_and_accounts_for_each(world, clock):
    router = world.grouping_router(clock)
    router._groups._members_max = 3
    names = [f"watchtower-prod-orders-fn{i}-Errors-warning" for i in range(7)]
    for name in names:
        send(world, router, name, "warning")
    clock.advance(30)
    flushed = world.flush_due(router)
    assert sorted(r["alarm_name"] for r in flushed if r["channel"] == "slack") == sorted(names)
    assert {r["outcome"] for r in flushed} == {"delivered"}
    [chat] = world.receiver.bodies("/slack")
    assert "orders: 7 warning alerts" in chat["text"] and "4 more" in chat["text"]


def test_concurrent_invocations_open_one_group_and_lose_no_member(world, clock):
    routers = [world.grouping_router(clock, dynamodb=Atomic(world.dynamodb)) for _ in range(4)]
    names = [f"watchtower-prod-search-fn{i}-Errors-warning" for i in range(24)]
    errors = []

    def invoke(index):
        try:
            for name in names[index::4]:
                send(world, routers[index], name, "warning")
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=invoke, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    clock.advance(30)
    flush_messages = world.sqs.receive_message(QueueUrl=world.flush_url, MaxNumberOfMessages=10)["Messages"]
    assert len(flush_messages) == 1  # exactly one invocation opened the group
    event = {"Records": [{"eventSource": "aws:sqs", "messageId": m["MessageId"], "body": m["Body"]}
                         for m in flush_messages]}
    flushed = routers[0].handle(event, 20_000)["records"]
    assert sorted(r["alarm_name"] for r in flushed if r["channel"] == "slack") == sorted(names)
    [chat] = world.receiver.bodies("/slack")
    assert "search: 24 warning alerts" in chat["text"]


def test_a_group_too_big_even_to_count_sends_the_rest_at_once(world, clock):
    router = world.grouping_router(clock)
    router._groups._members_max, router._groups._unlisted_max = 2, 2
    records = [send(world, router, f"watchtower-prod-orders-fn{i}-Errors-warning", "warning") for i in range(5)]
    assert [outcomes(r)[("slack", "grouped")] for r in records] == [1, 1, 1, 1, 0]
    assert outcomes(records[4])[("slack", "delivered")] == 1  # the fifth: not lost, not held
    clock.advance(30)
    flushed = world.flush_due(router)
    assert sorted(r["alarm_name"] for r in flushed if r["channel"] == "slack") == [
        f"watchtower-prod-orders-fn{i}-Errors-warning" for i in range(4)]
