"""Every dashboard, built from one config: limits, known metrics, alarm references and the layout rules."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from config.loader import load_config
from dashboards.catalog import unknown_metrics
from dashboards.limits import GRID_COLUMNS, body_problems
from dashboards.model import AppResources, alarm_refs
from dashboards.registry import DASHBOARDS, build_all
from plan.build import plan_environment
from tests.unit.dashboards.conftest import make_config, make_refs

_DURATION = re.compile(r"^-P(T\d+[HM]|\d+D)$")


def _graphs(body):
    return [w for w in body["widgets"] if w["type"] == "metric" and w["properties"].get("view") != "singleValue"]


@pytest.mark.parametrize("name", list(DASHBOARDS))
def test_body_is_json_within_limits_and_names_only_known_metrics(name, cfg, refs, resources):
    # GIVEN a config with three services and the alarms created for them
    # WHEN the dashboard is built
    body = DASHBOARDS[name](cfg, plan_environment(cfg), refs, resources)
    # THEN it survives a JSON round trip, fits CloudWatch's limits and every metric is AWS's or the layer's
    assert json.loads(json.dumps(body)) == body
    assert body_problems(body) == []
    assert unknown_metrics(cfg, body) == []


@pytest.mark.parametrize("name", list(DASHBOARDS))
def test_layout_rules_hold(name, cfg, refs, resources):
    # GIVEN a built dashboard
    body = DASHBOARDS[name](cfg, plan_environment(cfg), refs, resources)
    # THEN it has a default time range, every graph labels its axis, and rows fill the grid without overlap
    assert _DURATION.match(body["start"]), body["start"]
    for widget in _graphs(body):
        assert widget["properties"]["yAxis"]["left"]["label"].strip(), widget["properties"]["title"]
    rows: dict[int, list[dict]] = {}
    for widget in body["widgets"]:
        rows.setdefault(widget["y"], []).append(widget)
    for y, row in rows.items():
        assert sum(w["width"] for w in row) == GRID_COLUMNS, f"row at y={y} does not fill the grid"
        assert len({w["width"] for w in row}) == 1, f"row at y={y} mixes widths"
        assert len({w["height"] for w in row}) == 1
    ys = sorted(rows)
    for above, below in zip(ys, ys[1:]):
        assert above + rows[above][0]["height"] == below, "rows overlap or leave a gap"


@pytest.mark.parametrize("name", list(DASHBOARDS))
def test_alarm_widgets_reference_only_given_alarms_and_text_links_their_runbooks(name, cfg, refs, resources):
    body = DASHBOARDS[name](cfg, plan_environment(cfg), refs, resources)
    arns = {r.arn: r for r in refs}
    shown = [arn for w in body["widgets"] if w["type"] == "alarm" for arn in w["properties"]["alarms"]]
    assert set(shown) <= set(arns)
    markdown = "\n".join(w["properties"]["markdown"] for w in body["widgets"] if w["type"] == "text")
    for family in {arns[arn].family for arn in shown}:
        assert f"/docs/runbooks/{family}.md)" in markdown, f"{name}: no runbook link for {family}"


def test_operations_shows_every_composite_and_the_alerting_path(cfg, refs, resources):
    body = DASHBOARDS["Operations"](cfg, plan_environment(cfg), refs, resources)
    shown = {arn for w in body["widgets"] if w["type"] == "alarm" for arn in w["properties"]["alarms"]}
    assert {r.arn for r in refs if r.kind == "composite"} <= shown
    titles = [w["properties"].get("title", "") for w in body["widgets"]]
    assert "Alert router: DLQ depth" in titles and "Canary success" in titles and "Service DLQ depth" in titles
    log = next(w for w in body["widgets"] if w["type"] == "log")
    assert "SOURCE '/aws/lambda/orders-api'" in log["properties"]["query"]
    assert "SOURCE '/aws/lambda/watchtower-prod-alert-router'" in log["properties"]["query"]


def test_alarm_thresholds_are_drawn_on_the_graphs_they_watch(cfg, refs):
    body = DASHBOARDS["ServiceOverview"](cfg, plan_environment(cfg), refs, AppResources())
    lines = {(w["properties"]["title"], a["value"]) for w in _graphs(body)
             for a in w["properties"].get("annotations", {}).get("horizontal", [])}
    for service in ("orders", "payments", "search"):
        assert (f"{service}: error rate", 5.0) in lines and (f"{service}: error rate", 10.0) in lines
        assert (f"{service}: latency p50/p95/p99", 10000.0) in lines
        assert (f"{service}: availability", 50.0) in lines
    assert ("payments: availability", 99.5) in lines  # the service's own objective


def test_slo_burn_rates_use_each_window_as_period_and_mark_every_factor(cfg, refs):
    body = DASHBOARDS["SLO"](cfg, plan_environment(cfg), refs, AppResources())
    titles = {w["properties"].get("title") for w in body["widgets"]}
    page = next(w for w in body["widgets"]
                if w["properties"].get("title") == "payments availability: burn rate, page windows")
    periods = {m[-1]["period"] for m in page["properties"]["metrics"] if isinstance(m[0], dict)}
    assert periods == {300, 1800, 3600, 21600}
    assert {a["value"] for a in page["properties"]["annotations"]["horizontal"]} == {14.4, 6.0}
    # 99.5% leaves a budget of 0.005: the expression divides the error ratio by it
    assert any("/0.005" in m[0]["expression"] for m in page["properties"]["metrics"] if isinstance(m[0], dict))
    # every service has an availability and a latency SLO by default
    for service in ("orders", "payments", "search"):
        assert f"{service} latency: burn rate, ticket windows" in titles


def test_slo_events_come_from_the_source_the_slo_alarms_use():
    # GIVEN a service whose SLO is measured at its second function, with a 300 ms latency threshold
    cfg = make_config([{"name": "orders", "resources": {"functions": ["a", "b"]},
                        "slo": {"source": "b", "latency_threshold_ms": 300}}], business=[])
    body = DASHBOARDS["SLO"](cfg, plan_environment(cfg), [], AppResources())
    metrics = [m for w in body["widgets"] for m in w.get("properties", {}).get("metrics", []) if isinstance(m[0], str)]
    # THEN only function b is read, and latency counts requests within 300 ms by percentile rank
    assert {tuple(m[2:4]) for m in metrics} == {("FunctionName", "b")}
    assert {m[-1]["stat"] for m in metrics if m[1] == "Duration"} == {"PR(0:300)"}


def test_service_without_slo_gets_no_slo_row():
    cfg = make_config([{"name": "orders", "resources": {"functions": ["a"]}, "slo": None}], business=[])
    body = DASHBOARDS["SLO"](cfg, plan_environment(cfg), [], AppResources())
    assert not [w for w in body["widgets"] if w["type"] == "metric"]


def test_business_dashboard_charts_declared_metrics_in_the_service_namespace(cfg, refs):
    body = DASHBOARDS["Business"](cfg, plan_environment(cfg), refs, AppResources())
    named = {(m[0], m[1]) for w in body["widgets"] for m in w.get("properties", {}).get("metrics", [])}
    assert named == {("orders", "OrdersPlaced"), ("Payments", "ChargeAmount")}


def test_environment_without_services_still_gets_every_dashboard():
    empty = make_config(services=[], business=[])
    bodies = build_all(empty, plan_environment(empty), [])
    assert set(bodies) == set(DASHBOARDS)
    assert all(body_problems(b) == [] for b in bodies.values())


@settings(max_examples=25, deadline=None)
@given(count=st.integers(min_value=0, max_value=40), with_api=st.booleans())
def test_any_number_of_services_up_to_forty_fits_cloudwatch(count, with_api):
    # GIVEN 0..40 services, each with functions and a table (and an API)
    resources = {"functions": ["a", "b"], "tables": ["t"]}
    if with_api:
        resources["rest_apis"] = ["api"]
    cfg = make_config([{"name": f"svc{i}", "resources": resources} for i in range(count)], business=[])
    # WHEN every dashboard is built with the alarms of those services
    bodies = build_all(cfg, plan_environment(cfg), make_refs(cfg), AppResources(router_function="r", router_dlq="q"))
    # THEN every body fits CloudWatch's limits and names only known metrics
    for name, body in bodies.items():
        assert body_problems(body) == [], name
        assert unknown_metrics(cfg, body) == [], name


def test_demo_business_metrics_of_dev_are_what_the_demo_service_emits():
    # GIVEN dev's declared business metrics and the demo handler's source
    cfg = load_config("dev")
    source = (Path(__file__).resolve().parents[3] / "lambdas" / "demo_service" / "demo_api.py").read_text()
    # THEN every declared metric is one the handler actually emits, so no business graph stays empty
    for item in cfg.dashboards.business_metrics:
        assert f'"{item.name}"' in source, item.name
    body = DASHBOARDS["Business"](cfg, plan_environment(cfg), [], AppResources())
    assert unknown_metrics(cfg, body) == [] and body_problems(body) == []


def test_services_appear_in_config_order_on_every_per_service_dashboard(cfg, refs):
    # GIVEN services listed orders, payments, search
    expected = [s.name for s in cfg.services]
    for name in ("ServiceOverview", "Performance", "SLO"):
        body = DASHBOARDS[name](cfg, plan_environment(cfg), refs, AppResources())
        headers = [w["properties"]["markdown"][3:].split(":")[0].split("\n")[0] for w in body["widgets"]
                   if w["type"] == "text" and w["properties"]["markdown"].startswith("## ")]
        # THEN each dashboard walks them in that order (a reader finds a service at the same place)
        assert [h for h in headers if h in expected] == [s for s in expected if s in headers], name
        # AND every service row holds the same graphs in the same columns
        rows = {}
        for w in body["widgets"]:
            title = w["properties"].get("title", "")
            if ": " in title:
                rows.setdefault(title.split(": ")[0], []).append((w["x"], title.split(": ", 1)[1]))
        layouts = {tuple(v) for k, v in rows.items() if k in expected}
        assert len(layouts) <= 2 if name == "Performance" else len(layouts) == 1, (name, layouts)


def test_recent_errors_read_each_functions_log_group_fifty_per_query():
    # GIVEN 60 functions, one with its own log group
    functions = [{"name": "custom", "log_group": "/custom/logs"}] + [f"f{i}" for i in range(59)]
    cfg = make_config([{"name": "big", "resources": {"functions": functions}}], business=[])
    body = DASHBOARDS["Operations"](cfg, plan_environment(cfg), [], AppResources(router_function="router"))
    queries = [w["properties"]["query"] for w in body["widgets"] if w["type"] == "log"]
    # THEN the 61 log groups are split over two queries within Logs Insights' 50, each group read once
    assert [q.count("SOURCE '") for q in queries] == [50, 11]
    assert "SOURCE '/custom/logs'" in queries[0] and "SOURCE '/aws/lambda/custom'" not in "".join(queries)
    assert body_problems(body) == []


SHOP = "tests/fixtures/service_templates/Shop.template.json"


def test_a_service_declared_only_by_template_gets_its_overview_and_performance_widgets():
    # GIVEN a service that lists no resource and only points at its CloudFormation template
    cfg = make_config([{"name": "shop", "template": SHOP}], business=[])
    plan = plan_environment(cfg)
    refs = alarm_refs(plan, lambda name: f"arn:aws:cloudwatch:eu-west-1:1:alarm:{name}")
    # WHEN its overview and performance dashboards are built from the plan
    overview = DASHBOARDS["ServiceOverview"](cfg, plan, refs, AppResources())
    performance = DASHBOARDS["Performance"](cfg, plan, refs, AppResources())
    # THEN the overview charts the discovered REST API's requests and the discovered alarms' status
    titles = {w["properties"].get("title"): w for w in overview["widgets"]}
    assert [m[3] for m in titles["shop: requests"]["properties"]["metrics"]] == ["shop-rest"]
    shown = [a for w in overview["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]]
    assert any(a.endswith(":alarm:watchtower-prod-shop-shop-rest-HighErrorRate-critical") for a in shown)
    # AND performance charts every discovered function and the discovered table
    charted = {m[3] for w in performance["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]
               if len(m) > 3}
    assert {"shop-api", "shop-mailer", "shop-projector", "shop-worker", "shop-orders"} <= charted
    # AND the recent-errors query reads the discovered functions' log groups
    operations = DASHBOARDS["Operations"](cfg, plan, refs, AppResources())
    query = next(w["properties"]["query"] for w in operations["widgets"] if w["type"] == "log")
    assert "SOURCE '/aws/lambda/shop-worker'" in query
    assert unknown_metrics(cfg, overview) == [] and body_problems(performance) == []
