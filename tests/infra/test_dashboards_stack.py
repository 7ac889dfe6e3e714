"""DashboardsStack wiring: inputs read from other stacks, limits enforced at synth, and a full environment
with services whose monitoring alarms appear, thresholds drawn, on the dashboards."""
from __future__ import annotations

import json

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_cloudwatch as cloudwatch

from dashboards.catalog import unknown_metrics
from dashboards.limits import DashboardLimitError, body_problems
from dashboards.model import AlarmRef
from dashboards.preview.resolve import dashboards_in
from plan.build import plan_environment
from stacks.dashboards_stack import DashboardsStack, outside_plan
from tests.synth import synthesize
from tests.unit.dashboards.conftest import make_config


class _RouterLike(Stack):
    """A stack shaped like the routing stack: one alarm outside the plan, its ref with its maker's threshold,
    router names; it also hands over a planned alarm's ref, which the plan already holds."""

    def __init__(self, scope, construct_id, planned: str):
        super().__init__(scope, construct_id)
        alarm = cloudwatch.Alarm(self, "Errors", alarm_name="wt-prod-router-errors", threshold=3,
                                 evaluation_periods=1, metric=cloudwatch.Metric(namespace="AWS/Lambda",
                                                                                metric_name="Errors"))
        self.alarm_refs = [AlarmRef("wt-prod-router-errors", alarm.alarm_arn, "alerting", "critical", "metric",
                                    "alert-router", threshold=3.0),
                           AlarmRef(planned, alarm.alarm_arn, "orders", "critical", "metric", "Latency")]
        self.function_name, self.dlq_name = "wt-prod-router", "wt-prod-router-dlq"


def test_inputs_outside_the_plan_are_the_router_names_and_alarms_the_plan_lacks():
    # GIVEN a plan, and a stack exposing one alarm the plan has and one it has not, and router names
    app = App()
    cfg = make_config()
    plan = plan_environment(cfg)
    router = _RouterLike(app, "Router", planned=plan.alarms[0].name)
    # WHEN the dashboards' inputs outside the plan are read from it
    inputs = outside_plan(cfg, plan, [router])
    # THEN only the alarm the plan lacks is handed over, and the router's function and DLQ are known
    assert [r.name for r in inputs["extra_alarms"]] == ["wt-prod-router-errors"]
    assert (inputs["resources"].router_function, inputs["resources"].router_dlq) == ("wt-prod-router",
                                                                                      "wt-prod-router-dlq")


def test_many_services_split_a_dashboard_into_parts_that_each_fit():
    # GIVEN 80 services with functions and a table: one performance dashboard would need over 500 widgets
    cfg = make_config([{"name": f"s{i:02d}", "resources": {"functions": ["f"], "tables": ["t"]}} for i in range(80)],
                      business=[])
    # WHEN the stack is built
    stack = DashboardsStack(App(), "D", cfg=cfg, plan=plan_environment(cfg))
    # THEN the performance dashboard comes in parts, each within the limits, services in config order
    parts = [name for name in stack.bodies if name.startswith("Performance")]
    assert len(parts) >= 2 and parts[0] == "Performance-1"
    assert all(body_problems(stack.bodies[name]) == [] for name in parts)
    headers = [w["properties"]["markdown"].split("\n")[0] for name in parts for w in stack.bodies[name]["widgets"]
               if w["type"] == "text" and w["properties"]["markdown"].startswith("## ")]
    assert headers == [f"## s{i:02d}" for i in range(80)]
    assert stack.bodies["Performance-1"]["widgets"][0]["properties"]["markdown"].split("\n")[0].endswith(
        f"(part 1 of {len(parts)}: s00 to s{80 // len(parts) - 1:02d})")
    # AND dashboards that fit stay whole, under their stable name
    assert "Cost" in stack.bodies and "Cost-1" not in stack.bodies


def test_a_single_service_too_big_for_cloudwatch_stops_synth_with_one_line():
    # GIVEN one service with 200 functions: its p50/p95/p99 latency graph alone would hold 600 metrics
    cfg = make_config([{"name": "huge", "resources": {"functions": [f"f{i}" for i in range(200)]}}], business=[])
    # WHEN the stack is built THEN it refuses with one line naming the dashboard and the limit
    with pytest.raises(DashboardLimitError) as raised:
        DashboardsStack(App(), "D", cfg=cfg, plan=plan_environment(cfg))
    message = str(raised.value)
    assert "\n" not in message and "ServiceOverview" in message and "at most 500 per widget" in message


@pytest.fixture(scope="module")
def with_services(tmp_path_factory):
    """One synth of an environment with three services, shared by the tests below."""
    services = [
        {"name": "orders", "canary": {"base_url": "https://orders.example.com"},
         "resources": {"functions": ["orders-api"], "tables": ["orders"],
                       "rest_apis": [{"name": "orders-rest", "stage": "prod"}]}},
        {"name": "payments", "resources": {"functions": ["payments-charge"]}},
    ]
    result = synthesize("prod", tmp_path_factory.mktemp("dash-services"), cfg=make_config(services, business=[]))
    assert result.templates, result.error
    return result


def test_monitoring_alarms_of_services_appear_with_their_thresholds(with_services):
    templates = with_services.templates
    bodies = {name: body for t in templates.values() for name, body in dashboards_in(t).items()}
    overview = bodies["watchtower-prod-ServiceOverview"]
    assert body_problems(overview) == [] and unknown_metrics(with_services.cfg, overview) == []
    names = {r["Properties"].get("AlarmName") for t in templates.values() for r in t["Resources"].values()
             if r["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")}
    shown = [a for w in overview["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]]
    # every alarm in the overview is an alarm of the app, named by an ARN in the dashboards' own account/region
    assert shown and all(a.startswith("arn:aws:cloudwatch:") and a.split(":alarm:")[1] in names for a in shown)
    assert any(a.endswith(":alarm:watchtower-prod-orders-service-Critical-critical") for a in shown)
    # and the dashboards import nothing: monitoring stacks stay free to replace or remove alarms
    assert "Fn::ImportValue" not in json.dumps(templates["watchtower-prod-Dashboards"])
    # thresholds of the error-rate alarms are drawn on the error-rate graphs
    lines = [a for w in overview["widgets"] if "error rate" in w["properties"].get("title", "")
             for a in w["properties"].get("annotations", {}).get("horizontal", [])]
    assert any(a["label"].startswith("HighErrorRate") for a in lines), lines


def test_canaries_and_router_of_the_environment_are_charted_on_operations(with_services):
    bodies = {name: body for t in with_services.templates.values() for name, body in dashboards_in(t).items()}
    operations = bodies["watchtower-prod-Operations"]
    widgets = {w["properties"].get("title"): w for w in operations["widgets"]}
    canary = widgets["Canary success"]["properties"]
    # THEN the canary is charted by its deployed name, with the failure alarm's threshold drawn
    assert [m[3] for m in canary["metrics"]] == ["watchtower-prod-orders"]
    assert [a["value"] for a in canary["annotations"]["horizontal"]] == [100.0]
    assert widgets["Alert router: DLQ depth"]["properties"]["metrics"][0][3].endswith("-dlq")


def test_dashboards_spread_over_stacks_by_the_size_their_templates_take(monkeypatch, tmp_path):
    # GIVEN 20 services, no account in the config (alarm ARNs become Fn::Join pieces in the template), and a
    # template budget far below the size of their dashboards, though each body is within CloudWatch's limits
    import stacks.dashboards_stack as module
    budget = 60_000
    cfg = make_config([{"name": f"s{i:02d}", "resources": {"functions": ["f"], "tables": ["t"]}} for i in range(20)],
                      business=[])
    whole = DashboardsStack(App(), "Whole", cfg=cfg, plan=plan_environment(cfg))
    assert whole.sizes["ServiceOverview"] > budget and body_problems(whole.bodies["ServiceOverview"]) == []
    monkeypatch.setattr(module, "DASHBOARDS_TEMPLATE_BUDGET", budget)
    # WHEN the environment's dashboards are built and synthesized
    app = App(outdir=str(tmp_path))
    built = module.build_dashboards(app, cfg, plan=plan_environment(cfg), props=lambda concern: {
        "stack_name": f"watchtower-prod-{concern}"})
    app.synth()
    # THEN they take several stacks, the first named Dashboards, each written template within the budget
    assert list(built)[:2] == ["Dashboards", "Dashboards-2"]
    for concern in built:
        written = (tmp_path / f"watchtower-prod-{concern}.template.json").stat().st_size
        assert written <= budget + 2_000, (concern, written)
    # AND every dashboard is in exactly one of them, the big ones in parts, the small ones in the first stack
    placed = [name for stack in built.values() for name in stack.dashboards]
    assert len(placed) == len(set(placed)) and "ServiceOverview" not in placed
    assert {"ServiceOverview-1", "ServiceOverview-2"} <= set(placed)
    assert {"Business", "Cost"} <= set(built["Dashboards"].dashboards)


def test_a_service_whose_dashboard_cannot_fit_a_template_stops_synth_with_one_line(monkeypatch):
    # GIVEN a template budget smaller than what one service's service overview takes
    import stacks.dashboards_stack as module
    monkeypatch.setattr(module, "DASHBOARDS_TEMPLATE_BUDGET", 3_000)
    cfg = make_config([{"name": "orders", "resources": {"functions": ["f"]}}], business=[])
    # WHEN the stack is built THEN it refuses with one line naming the dashboard and the budget
    with pytest.raises(DashboardLimitError) as raised:
        DashboardsStack(App(), "D", cfg=cfg, plan=plan_environment(cfg))
    assert "\n" not in str(raised.value) and "bytes of template" in str(raised.value)
