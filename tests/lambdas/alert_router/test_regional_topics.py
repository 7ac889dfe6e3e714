"""GIVEN the router in-process (moto, local webhooks) and notifications that arrive through another region's alert
topics, which are not in its TOPIC_SEVERITIES map, WHEN they are routed, THEN each takes the severity its topic's
name ends in, pages or notifies like a home-region alarm, groups with its service and resolves its page."""
from __future__ import annotations

import json
from collections import Counter

from config.loader import load_config
from plan.regions import regional_topic_name
from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text

CFG = load_config("prod")
REGION = "us-east-1"  # an extra region of prod (its canaries; CloudFront's metrics)


def regional_topic(severity: str) -> str:
    return f"arn:aws:sns:{REGION}:123456789012:{regional_topic_name(CFG, REGION, severity)}"


def composite(name: str, state: str = "ALARM") -> str:
    """A composite alarm's SNS notification from the other region (its ARN names that region)."""
    doc = json.loads(fixture_text("metric_alarm.json"))
    for key in ("Trigger", "OKActions", "AlarmActions"):
        doc.pop(key)
    doc.update({"AlarmName": name, "AlarmArn": f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{name}",
                "NewStateValue": state, "OldStateValue": "OK" if state == "ALARM" else "ALARM",
                "AlarmRule": f'ALARM("arn:aws:cloudwatch:{REGION}:123456789012:alarm:{name}-child")',
                "TriggeringChildren": [{"Arn": f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{name}-child",
                                        "State": {"Value": state, "Timestamp": "2026-11-22T05:00:12.345+0000"}}]})
    return json.dumps(doc)


def outcomes(result):
    return Counter((r["channel"], r["outcome"]) for r in result["records"])


def test_a_page_from_another_regions_critical_topic_triggers_and_resolves_pagerduty(world):
    # GIVEN the router knows only the home topics (as deployed: TOPIC_SEVERITIES holds the home ARNs)
    router = world.router()
    assert regional_topic("critical") not in world.settings().topic_severities
    name = "watchtower-prod-web-cdn-us-east-1-Critical-critical"
    # WHEN the us-east-1 paging composite of a region-pinned resource fires, then recovers
    fired = router.handle(sns_event(composite(name), regional_topic("critical")), 20_000)
    resolved = router.handle(sns_event(composite(name, "OK"), regional_topic("critical")), 20_000)
    # THEN it pages (trigger, then resolve with the same key: the us-east-1 alarm's ARN) and reaches chat and e-mail
    assert outcomes(fired) == Counter({("pagerduty", "delivered"): 1, ("slack", "delivered"): 1,
                                       ("email", "delivered"): 1})
    assert {r["channel"] for r in resolved["records"]} >= {"pagerduty"}
    trigger, resolve = world.receiver.bodies("/v2/enqueue")
    assert trigger["event_action"] == "trigger" and resolve["event_action"] == "resolve"
    assert trigger["dedup_key"] == resolve["dedup_key"] == f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{name}"
    assert f"region={REGION}" in json.dumps(trigger)  # the console link opens the alarm's own region
    assert world.dead_letters() == []


def test_an_extra_region_canary_on_the_warning_topic_notifies_without_paging(world):
    # GIVEN an extra-region canary composite (named -critical after the canary's severity) on the warning topic
    router = world.router()
    name = "watchtower-prod-orders-canary-us-east-1-Canary-critical"
    result = router.handle(sns_event(composite(name), regional_topic("warning")), 20_000)
    # THEN the topic decides: warning channels, no page (the home canary is the child that pages the service)
    assert outcomes(result) == Counter({("slack", "delivered"): 1, ("teams", "delivered"): 1,
                                        ("email", "delivered"): 1})
    assert world.receiver.bodies("/v2/enqueue") == []
    assert world.emails()[0]["severity"] == "warning"


def test_extra_region_warnings_group_with_the_services_home_warnings(world, clock):
    # GIVEN a grouping router (30 s window per service and severity)
    router = world.grouping_router(clock)
    home = json.loads(fixture_text("metric_alarm.json"))
    name = "watchtower-prod-orders-api-Latency-warning"
    home.update({"AlarmName": name, "AlarmArn": f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:{name}"})
    # WHEN a home warning and the us-east-1 canary's warning arrive within the window
    first = router.handle(sns_event(json.dumps(home), world.topics["warning"]), 20_000)
    second = router.handle(sns_event(composite("watchtower-prod-orders-canary-us-east-1-Canary-critical"),
                                     regional_topic("warning")), 20_000)
    assert {r["outcome"] for r in first["records"] + second["records"]} == {"grouped"}
    clock.advance(31)
    flushed = world.flush_due(router)
    # THEN both are delivered in one message per channel: the other region's alert joined the service's group
    assert Counter(r["channel"] for r in flushed if r["outcome"] == "delivered") == \
        Counter({"slack": 2, "teams": 2, "email": 2})
    [chat] = world.receiver.bodies("/slack")
    text = json.dumps(chat)
    assert "orders: 2 warning alerts" in text
    assert "watchtower-prod-orders-api-Latency-warning" in text and "canary-us-east-1-Canary-critical" in text
    assert len(world.receiver.bodies("/teams")) == 1 and len(world.emails()) == 1
