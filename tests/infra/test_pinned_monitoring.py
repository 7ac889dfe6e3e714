"""Region-pinned resource kinds: their alarms leave the service's home stack for a stack in the pinned region,
roll up there into composites that reach the router through that region's topics, and a config that cannot
work is one line.

Which kinds are pinned is data (``plan.regions.REGION_PINNED_KINDS``: CloudFront distributions, us-east-1).
The catalog rows and metric factories of CloudFront come from the kinds work; until they are in this tree the
mechanism is exercised with a stand-in: DynamoDB tables pinned to us-east-1 (any kind with catalog rows moves
the same way), and the DynamoDB-throttling scenario standing in for a CloudFront 5xx incident.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import plan.regions as regions
from config.loader import load_config
from config.services import ServiceResources
from plan.regions import REGION_PINNED_KINDS, alert_regions, pinned_resources, unpinned_resources
from stacks.monitoring.validation import check_environment

STAND_IN = {"tables": "us-east-1"}
ROOT = Path(__file__).resolve().parents[2]


def test_cloudfront_is_pinned_to_us_east_1_as_data():
    assert REGION_PINNED_KINDS == {"cloudfront_distributions": "us-east-1"}


def test_pinned_kinds_move_out_of_the_home_resources_unless_home_is_the_pinned_region():
    resources = ServiceResources(tables=("orders",), functions=({"name": "orders-api"},))
    assert [t.name for t in pinned_resources(resources, home="eu-west-1", pins=STAND_IN)["us-east-1"].tables] == \
        ["orders"]
    assert unpinned_resources(resources, home="eu-west-1", pins=STAND_IN).tables == ()
    assert [f.name for f in unpinned_resources(resources, home="eu-west-1", pins=STAND_IN).functions] == \
        ["orders-api"]
    # a us-east-1 environment alarms on them at home: nothing moves, no extra region
    assert pinned_resources(resources, home="us-east-1", pins=STAND_IN) == {}
    assert unpinned_resources(resources, home="us-east-1", pins=STAND_IN) == resources


def test_an_environment_without_a_region_listing_a_pinned_resource_is_one_config_line(monkeypatch):
    # GIVEN dev (no region: its stacks deploy wherever the credentials point) and tables pinned elsewhere
    monkeypatch.setattr(regions, "REGION_PINNED_KINDS", STAND_IN)
    cfg = load_config("dev")
    listing = [s for s in cfg.services if s.resources.tables]
    assert listing, "dev lists a table"
    # WHEN it is checked  THEN each such service is one line naming the field and what to do
    problems = [p for p in check_environment(cfg).problems if "exist only in" in p]
    assert problems == [
        f"services.{s.name}.resources.tables: metrics of this kind exist only in us-east-1; set the environment's "
        "region so its us-east-1 stack cannot land in the home region" for s in listing]


def test_the_app_prints_that_line_and_exits_2(tmp_path):
    # The whole path a user sees: app.py with the stand-in pin (a sitecustomize sets it before the app runs)
    (tmp_path / "sitecustomize.py").write_text(
        "import plan.regions as r\nr.REGION_PINNED_KINDS = {'tables': 'us-east-1'}\n")
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin",
                               "CDK_CONTEXT_JSON": json.dumps({"env": "dev"})})
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if "exist only in" in line]
    assert lines and all(line.startswith("config error: config/dev.yaml: services.") for line in lines)
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def pinned_prod(tmp_path_factory):
    """prod synthesized with the stand-in pin, as the CLI would (cdk.json context, cdk-nag on)."""
    from tests.synth import synthesize
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(regions, "REGION_PINNED_KINDS", STAND_IN)
        cfg = load_config("prod")
        result = synthesize("prod", tmp_path_factory.mktemp("pinned"), cfg)
        assert alert_regions(cfg) == ("us-east-1",)
    return result


def test_pinned_alarms_live_in_a_stack_of_the_pinned_region_not_at_home(pinned_prod):
    templates = pinned_prod.templates
    assert {"watchtower-prod-Monitoring-orders-us-east-1", "watchtower-prod-Monitoring-payments-us-east-1"} <= \
        set(templates)
    manifest = json.loads((pinned_prod.outdir / "manifest.json").read_text())
    artifact = manifest["artifacts"]["watchtower-prod-Monitoring-orders-us-east-1"]
    assert artifact["environment"].endswith("/us-east-1")
    assert "watchtower-prod-Alerting-us-east-1" in artifact["dependencies"]

    def alarm_names(stack):
        return {r["Properties"]["AlarmName"] for r in templates[stack]["Resources"].values()
                if r["Type"] == "AWS::CloudWatch::Alarm"}
    pinned = alarm_names("watchtower-prod-Monitoring-orders-us-east-1")
    assert pinned == {"watchtower-prod-orders-orders-DatabaseThrottling-critical"}
    assert not {n for n in alarm_names("watchtower-prod-Monitoring-orders") if "DatabaseThrottling" in n}


def test_pinned_composites_page_through_the_regions_critical_topic_held_by_its_switch(pinned_prod):
    resources = pinned_prod.templates["watchtower-prod-Monitoring-orders-us-east-1"]["Resources"]
    composites = {r["Properties"]["AlarmName"]: r["Properties"] for r in resources.values()
                  if r["Type"] == "AWS::CloudWatch::CompositeAlarm"}
    critical = composites["watchtower-prod-orders-us-east-1-Critical-critical"]
    assert critical["AlarmActions"] == critical["OKActions"] == [
        "arn:aws:sns:us-east-1:123456789012:watchtower-prod-alerts-us-east-1-critical"]
    assert critical["ActionsSuppressor"].endswith(":alarm:watchtower-prod-all-maintenance-us-east-1-Maintenance-info")
    # the service's scheduled windows mute it there too
    [critical_id] = [k for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::CompositeAlarm"
                     and r["Properties"]["AlarmName"] == "watchtower-prod-orders-us-east-1-Critical-critical"]
    mutes = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::AlarmMuteRule"]
    assert mutes and all(critical_id in json.dumps(m) for m in mutes)


def test_pinned_synth_stays_nag_and_lint_clean(pinned_prod):
    assert pinned_prod.error is None
    violations = [v for report in pinned_prod.validation_report.get("pluginReports", [])
                  for v in report.get("violations", [])]
    assert violations == []
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    pinned = [str(p) for name, p in pinned_prod.template_paths.items() if name.endswith("-us-east-1")]
    done = subprocess.run([cfn_lint, "--config-file", str(ROOT / ".cfnlintrc.yaml"), *pinned],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_a_pinned_resource_incident_pages_once_through_the_pinned_region(pinned_prod):
    # GIVEN the simulator reading every template of the assembly (both regions)
    from tools.alarmsim.scenarios.__main__ import environment
    from tools.alarmsim.scenarios.catalog import scenarios
    from tools.alarmsim.scenarios.runner import run_seed
    from tools.alarmsim.template import load_alarms
    env = environment("prod", load_alarms([pinned_prod.outdir]), pinned_prod.cfg)
    scenario = next(s for s in scenarios() if s.name == "dynamodb-throttling")
    # WHEN the stand-in incident (throttling of the pinned tables) runs
    outcomes = [run_seed(env, scenario, seed) for seed in range(3)]
    # THEN orders pages once per seed, by the us-east-1 paging composite, whose action is the regional topic
    for outcome in outcomes:
        assert [alarm for _, alarm in outcome.pages["orders"]] == ["watchtower-prod-orders-us-east-1-Critical-critical"]
    composite = next(c for c in env.alarms.composites if c.name == "watchtower-prod-orders-us-east-1-Critical-critical")
    assert composite.alarm_actions == ("arn:aws:sns:us-east-1:123456789012:watchtower-prod-alerts-us-east-1-critical",)
