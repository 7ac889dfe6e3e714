"""GIVEN the router in-process (moto DynamoDB, a local PagerDuty) and a service whose paging composites live in two
regions (home, and us-east-1 where CloudFront's metrics are), WHEN both fire for one outage and recover, THEN
PagerDuty gets one incident for the service: both triggers carry the service's page key, and only the OK of the
last composite still in ALARM resolves it."""
from __future__ import annotations

import json
from collections import Counter

from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text
from tools.redrive import redrive_request

ACCOUNT = "123456789012"
PREFIX = "watchtower-prod-"
SERVICES = ("web", "web-api", "orders")


def composite(name: str, region: str, state: str = "ALARM") -> str:
    """A composite alarm's SNS notification (its ARN names its region)."""
    doc = json.loads(fixture_text("metric_alarm.json"))
    for key in ("Trigger", "OKActions", "AlarmActions"):
        doc.pop(key)
    arn = f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{name}"
    doc.update({"AlarmName": name, "AlarmArn": arn, "NewStateValue": state,
                "OldStateValue": "OK" if state == "ALARM" else "ALARM", "AlarmRule": f'ALARM("{arn}-child")'})
    return json.dumps(doc)


HOME = ("watchtower-prod-web-Critical-critical", "eu-west-1")
EDGE = ("watchtower-prod-web-us-east-1-Critical-critical", "us-east-1")


def paging_router(world, **overrides):
    return world.router(alarm_prefix=PREFIX, services=SERVICES, **overrides)


def send(world, router, alarm, state="ALARM", message_id=None):
    return router.handle(sns_event(composite(*alarm, state), world.topics["critical"], message_id), 20_000)


def pd_outcome(result):
    [record] = [r for r in result["records"] if r["channel"] == "pagerduty"]
    return record["outcome"]


def events(world):
    return [(b["event_action"], b["dedup_key"]) for b in world.receiver.bodies("/v2/enqueue")]


def test_two_regions_paging_composites_are_one_incident_resolved_by_the_last_ok(world):
    # GIVEN a router that knows the service names
    router = paging_router(world)
    # WHEN the home and the us-east-1 paging composites of web fire for one outage
    first, second = send(world, router, HOME), send(world, router, EDGE)
    # THEN both trigger the service's page key (PagerDuty merges the second into the open alert)
    assert pd_outcome(first) == pd_outcome(second) == "delivered"
    assert events(world) == [("trigger", "watchtower-prod-web"), ("trigger", "watchtower-prod-web")]
    # and each trigger still names its own alarm
    alarms = [b["payload"]["custom_details"]["alarm"] for b in world.receiver.bodies("/v2/enqueue")]
    assert alarms == [f"arn:aws:cloudwatch:{r}:{ACCOUNT}:alarm:{n}" for n, r in (HOME, EDGE)]
    # WHEN the home composite recovers first, THEN nothing is resolved (us-east-1 is still in ALARM)
    assert pd_outcome(send(world, router, HOME, "OK")) == "suppressed"
    assert [a for a, _ in events(world)] == ["trigger", "trigger"]
    # WHEN the us-east-1 composite recovers too, THEN the incident resolves
    assert pd_outcome(send(world, router, EDGE, "OK")) == "delivered"
    assert events(world)[-1] == ("resolve", "watchtower-prod-web")
    # and chat and e-mail are unchanged: every notification reached them
    slack = [b for p, b in world.receiver.requests if p == "/slack"]
    assert len(slack) == 4 and len(world.emails()) == 4
    assert world.dead_letters() == []


def test_a_different_service_gets_its_own_incident(world):
    # GIVEN web's page open
    router = paging_router(world)
    send(world, router, HOME)
    # WHEN a different service (the longest configured name wins: web-api is not web) fires and recovers
    other = ("watchtower-prod-web-api-Critical-critical", "eu-west-1")
    send(world, router, other)
    send(world, router, other, "OK")
    # THEN it triggers and resolves its own key, while web's incident stays open
    assert events(world) == [("trigger", "watchtower-prod-web"), ("trigger", "watchtower-prod-web-api"),
                             ("resolve", "watchtower-prod-web-api")]
    send(world, router, HOME, "OK")
    assert events(world)[-1] == ("resolve", "watchtower-prod-web")


def test_redelivered_notifications_neither_double_count_nor_resolve_twice(world):
    # GIVEN no de-duplication window, so every redelivery reaches PagerDuty's branch
    router = paging_router(world, dedup_window_seconds=0)
    # WHEN the home composite's ALARM arrives twice (two paths), then the us-east-1 one, then each OK twice
    send(world, router, HOME, message_id="a-1")
    send(world, router, HOME, message_id="a-2")
    send(world, router, EDGE)
    outcomes = [pd_outcome(send(world, router, alarm, "OK")) for alarm in (HOME, HOME, EDGE, EDGE)]
    # THEN the repeated ALARM did not count twice (the first OK of home does not resolve; edge's does, once)
    assert outcomes == ["suppressed", "suppressed", "delivered", "suppressed"]
    assert Counter(a for a, _ in events(world)) == Counter({"trigger": 3, "resolve": 1})
    assert {k for _, k in events(world)} == {"watchtower-prod-web"}


def test_an_ok_for_an_alarm_never_recorded_open_resolves_nothing(world):
    # GIVEN web's home composite open
    router = paging_router(world)
    send(world, router, HOME)
    # WHEN an OK arrives for the us-east-1 composite whose ALARM the router never saw
    result = send(world, router, EDGE, "OK")
    # THEN the open incident is not resolved
    assert pd_outcome(result) == "suppressed"
    assert events(world) == [("trigger", "watchtower-prod-web")]


def test_a_failed_resolve_is_dead_lettered_and_its_redrive_still_resolves(world):
    # GIVEN web's page open from one region, and PagerDuty refusing the resolve once
    router = paging_router(world)
    send(world, router, HOME)
    world.receiver.behaviour["/v2/enqueue"] = [400, 200]
    # WHEN the OK's resolve fails
    failed = send(world, router, HOME, "OK")
    assert pd_outcome(failed) == "dead_lettered"
    [letter] = [d for d in world.dead_letters() if d.get("channel") == "pagerduty"]
    # THEN redriving the dead letter resolves (the alarm was put back as open, so it is still the last one)
    redriven = router.handle(redrive_request(json.dumps(letter)), 20_000)
    assert redriven["redrive_ok"] is True
    assert events(world)[-1] == ("resolve", "watchtower-prod-web")


def test_an_alarm_of_no_known_service_keeps_its_own_incident(world):
    # GIVEN a paging alarm outside the naming convention
    router = paging_router(world)
    name = "legacy-db-critical"
    send(world, router, (name, "eu-west-1"))
    send(world, router, (name, "eu-west-1"), "OK")
    # THEN it triggers and resolves by its ARN, as before
    arn = f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:{name}"
    assert events(world) == [("trigger", arn), ("resolve", arn)]
