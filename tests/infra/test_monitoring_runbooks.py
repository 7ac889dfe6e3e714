"""Runbooks: every alarm of every environment links to a runbook file that exists and says what to do."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from plan.catalog import CATALOG

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "docs" / "runbooks"
ENVIRONMENTS = ("dev", "staging", "prod")
LINK = re.compile(r"(https://\S+)/([A-Za-z0-9_-]+)\.md$")
OWN_FAMILIES = (*CATALOG, "Composite", "Maintenance", "SloBurnRate")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alarm_description_ends_with_a_link_to_an_existing_runbook(synth, env):
    missing = []
    for stack, template in synth.templates(env).items():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] not in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
                continue
            description = resource["Properties"].get("AlarmDescription", "")
            match = LINK.search(description if isinstance(description, str) else "")
            if not match or not (RUNBOOKS / f"{match.group(2)}.md").is_file():
                missing.append(f"{stack}/{logical_id}: {str(description)[-80:]}")
    assert not missing, "alarms without a resolvable runbook link:\n" + "\n".join(missing)


@pytest.mark.parametrize("family", OWN_FAMILIES)
def test_each_family_runbook_says_what_it_means_what_to_check_and_how_to_mitigate(family):
    text = (RUNBOOKS / f"{family}.md").read_text()
    for heading in ("## What it means", "## First checks", "## Mitigation", "## Escalation"):
        assert heading in text, f"{family}.md lacks {heading}"
    assert "```" in text or "X-Ray" in text, f"{family}.md gives no query or trace to start from"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alarm_names_are_unique_within_an_environment(synth, env):
    names = [r["Properties"]["AlarmName"] for t in synth.templates(env).values() for r in t["Resources"].values()
             if r["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
             and isinstance(r["Properties"].get("AlarmName"), str)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, duplicates


def test_dev_monitors_the_demo_service_and_tells_its_function_from_its_api(synth):
    names = {r["Properties"]["AlarmName"] for t in synth.templates("dev").values() for r in t["Resources"].values()
             if r["Type"] == "AWS::CloudWatch::Alarm"}
    # the demo's function and REST API share the name watchtower-dev-demo-api: kind suffixes keep them apart
    assert "watchtower-dev-demo-watchtower-dev-demo-api-fn-ServiceDown-critical" in names
    assert "watchtower-dev-demo-watchtower-dev-demo-api-api-ServiceDown-critical" in names
    assert "watchtower-dev-demo-watchtower-dev-demo-measurements-DatabaseThrottling-critical" in names
