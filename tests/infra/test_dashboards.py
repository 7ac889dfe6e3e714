"""The dashboards as synthesized for every environment: limits, metrics, alarm references and previews."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from dashboards.catalog import unknown_metrics
from dashboards.limits import body_problems
from dashboards.preview.__main__ import draw_directory
from dashboards.preview.resolve import MARKER, dashboards_in
from dashboards.registry import DASHBOARDS
from tests.conftest import ENVIRONMENTS

_ALARM_TYPES = {"AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"}


def _deployed(synth, env):
    return {name: body for template in synth.templates(env).values() for name, body in dashboards_in(template).items()}


def _alarm_type(templates, stack, marker_kind, target):
    """The resource type an ARN marker points at, following exports across stacks."""
    if marker_kind == "getatt":
        logical = target.split(".")[0]
        return templates[stack]["Resources"].get(logical, {}).get("Type")
    for other, template in templates.items():
        for output in template.get("Outputs", {}).values():
            if output.get("Export", {}).get("Name") == target:
                logical = output["Value"]["Fn::GetAtt"][0]
                return template["Resources"][logical]["Type"]
    return None


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_dashboard_is_deployed_valid_and_within_limits(synth, env):
    # GIVEN the synthesized environment
    cfg = synth.app_config(env)
    deployed = _deployed(synth, env)
    # THEN each dashboard of the registry is deployed once, under its stable name
    assert set(deployed) == {f"{cfg.app}-{cfg.env}-{name}" for name in DASHBOARDS}
    for name, body in deployed.items():
        # AND its body (as CloudFormation will send it) fits the limits and names only known metrics
        assert body_problems(body) == [], name
        assert unknown_metrics(cfg, body) == [], name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alarm_widget_references_an_alarm_of_the_app(synth, env):
    templates = synth.templates(env)
    # Alarms of other regions (extra-region canaries) are referenced by a literal ARN built from their name.
    named = {r["Properties"].get("AlarmName") for t in templates.values() for r in t.get("Resources", {}).values()
             if r.get("Type") in _ALARM_TYPES}
    checked = 0
    for stack, template in templates.items():
        for name, body in dashboards_in(template).items():
            for widget in (w for w in body["widgets"] if w["type"] == "alarm"):
                for arn in widget["properties"]["alarms"]:
                    found = MARKER.search(arn)
                    if found:
                        assert _alarm_type(templates, stack, found.group(1), found.group(2)) in _ALARM_TYPES, arn
                    else:
                        assert arn.startswith("arn:aws:cloudwatch:") and arn.split(":alarm:")[-1] in named, \
                            f"{name}: alarm {arn} is not an alarm of the app"
                    checked += 1
    alarms = sum(len(synth.result(env).resources(t)) for t in _ALARM_TYPES)
    # Every alarm of the app appears at least once (the Operations "in ALARM" widget lists them all).
    assert checked >= alarms


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_previews_are_drawn_for_every_dashboard(synth, env, tmp_path):
    # WHEN the preview reads the synthesized assembly
    written = [drawing.path for drawing in draw_directory(synth.result(env).outdir, tmp_path)]
    # THEN one readable PNG per deployed dashboard exists
    assert sorted(p.stem for p in written) == sorted(_deployed(synth, env))
    for path in written:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width > 1000 and image.height > 100


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_runbook_link_points_at_a_runbook_in_the_repository(synth, env):
    runbooks = Path(__file__).resolve().parents[2] / "docs" / "runbooks"
    for name, body in _deployed(synth, env).items():
        for widget in (w for w in body["widgets"] if w["type"] == "text"):
            for family in re.findall(r"/docs/runbooks/([^/)]+)\.md\)", widget["properties"]["markdown"]):
                assert (runbooks / f"{family}.md").exists(), f"{name}: no docs/runbooks/{family}.md"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_widgets_query_the_stacks_region(synth, env):
    # GIVEN the deployed template of the dashboards (dev has no region in config: its templates are agnostic)
    cfg = synth.app_config(env)
    text = json.dumps(synth.templates(env)[f"{cfg.app}-{cfg.env}-Dashboards"])
    # THEN no region placeholder survives synth, and agnostic templates ask CloudFormation for the region
    assert "${AWS::Region}" not in text
    if cfg.region is None:
        assert '{"Ref": "AWS::Region"}' in text
    else:
        assert f'\\"region\\":\\"{cfg.region}\\"' in text
