"""Alarm tiles name each alarm by an ARN in the region the alarm lives in: prod's us-east-1 canary alarms sit in
the us-east-1 stack, so their tiles must say us-east-1 (an eu-west-1 ARN shows 'alarm not found')."""
from __future__ import annotations

import json
import re

ARN = re.compile(r"arn:aws:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:([A-Za-z0-9_.-]+)")


def test_every_alarm_tile_uses_the_region_of_the_stack_that_creates_the_alarm(synth):
    templates = synth.templates("prod")
    # GIVEN where each alarm is created
    home_of: dict[str, str] = {}
    for stack, template in templates.items():
        region = "us-east-1" if stack.endswith("-us-east-1") else "eu-west-1"
        for resource in template["Resources"].values():
            if resource["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
                home_of[resource["Properties"]["AlarmName"]] = region
    # WHEN reading every ARN on every dashboard
    tiles: dict[str, set[str]] = {}
    dashboards = templates["watchtower-prod-Dashboards"]["Resources"].items()
    for name, dashboard in dashboards:
        for region, account, alarm in ARN.findall(json.dumps(dashboard["Properties"]["DashboardBody"])):
            tiles.setdefault(alarm, set()).add(region)
            assert account == "123456789012"
    # THEN each alarm is shown with its own region, and the us-east-1 canary alarms are among them
    wrong = {alarm: regions for alarm, regions in tiles.items() if regions != {home_of.get(alarm)}}
    assert wrong == {}
    regional = {a for a in tiles if "-canary-us-east-1-" in a}
    assert regional == {"watchtower-prod-orders-canary-us-east-1-CanaryFailure-critical",
                        "watchtower-prod-orders-canary-us-east-1-CanaryLatency-warning",
                        # the composite that holds them under that region's maintenance switch
                        "watchtower-prod-orders-canary-us-east-1-Canary-critical"}
    shown_on = {name for name, d in dashboards if "canary-us-east-1" in json.dumps(d["Properties"]["DashboardBody"])}
    assert shown_on == {"ServiceOverview", "Operations"}
