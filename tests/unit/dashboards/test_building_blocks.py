"""Limits, widgets, layout and the metric allow-list: each fails loudly on what CloudWatch would reject."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from dashboards.catalog import COST_CHECKER_METRICS, known_metric, unknown_metrics
from dashboards.layout import Grid, LayoutError
from dashboards.limits import DashboardLimitError, body_problems, check_body
from dashboards.widgets import WidgetError, alarm_status, expression, graph, log_query, metric, text


def _widget(**overrides):
    return {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "x"}, **overrides}


def test_limits_name_each_breach():
    assert "501 widgets" in body_problems({"widgets": [_widget()] * 501})[0]
    assert "does not fit" in body_problems({"widgets": [_widget(x=20, width=6)]})[0]
    alarms = {"type": "alarm", "x": 0, "y": 0, "width": 24, "height": 3, "properties": {"alarms": ["a"] * 101}}
    assert "101 alarms" in body_problems({"widgets": [alarms]})[0]
    big = _widget(properties={"markdown": "x" * 1_000_001})
    assert "bytes" in body_problems({"widgets": [big]})[0]
    many = {"type": "metric", "x": 0, "y": 0, "width": 24, "height": 6,
            "properties": {"metrics": [["AWS/Lambda", "Errors", {}]] * 501}}
    assert any("501 metrics" in p for p in body_problems({"widgets": [many]}))


def test_check_body_raises_one_line_naming_dashboard_and_breach():
    with pytest.raises(DashboardLimitError) as raised:
        check_body("bad name!", {"widgets": [_widget(width=25)]})
    message = str(raised.value)
    assert "\n" not in message and "bad name!" in message and "24-column grid" in message


def test_graph_rejects_what_cloudwatch_would():
    with pytest.raises(WidgetError, match="unit"):
        graph("t", [metric("AWS/Lambda", "Errors")], unit=" ", region="r")
    with pytest.raises(WidgetError, match="period 90"):
        graph("t", [metric("AWS/Lambda", "Errors")], unit="Count", region="r", period=90)
    with pytest.raises(WidgetError, match="no metrics"):
        graph("t", [], unit="Count", region="r")
    with pytest.raises(WidgetError, match="log group"):
        log_query("t", [], "fields @message", region="r")


@settings(max_examples=50, deadline=None)
@given(count=st.integers(min_value=0, max_value=450))
def test_alarm_status_splits_into_widgets_of_at_most_one_hundred(count):
    arns = [f"arn:{i}" for i in range(count)]
    widgets = alarm_status("All", arns)
    assert [a for w in widgets for a in w["properties"]["alarms"]] == arns
    assert all(1 <= len(w["properties"]["alarms"]) <= 100 for w in widgets)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 8)), max_size=30))
def test_grid_rows_always_fill_24_columns_without_overlap(rows):
    grid = Grid()
    for count, height in rows:
        grid.row([text(str(i)) for i in range(count)], height=height)
    cells = set()
    for w in grid.body("-PT3H")["widgets"]:
        assert w["x"] + w["width"] <= 24
        for dx in range(w["width"]):
            for dy in range(w["height"]):
                assert (w["x"] + dx, w["y"] + dy) not in cells
                cells.add((w["x"] + dx, w["y"] + dy))
    assert len(cells) == 24 * sum(h for _, h in rows)


def test_grid_refuses_rows_it_cannot_lay_out():
    with pytest.raises(LayoutError):
        Grid().row([text("x")] * 5)
    with pytest.raises(LayoutError):
        Grid().row([])


def test_allow_list_knows_aws_layer_and_cost_checker_metrics(cfg):
    assert known_metric(cfg, "AWS/Lambda", "Errors")
    assert not known_metric(cfg, "AWS/Lambda", "Error")
    assert known_metric(cfg, "orders", "ColdStart") and known_metric(cfg, "orders", "OrdersPlaced")
    assert not known_metric(cfg, "orders", "ChargeAmount")  # declared for payments, which writes to Payments
    assert known_metric(cfg, "Payments", "ChargeAmount")
    assert known_metric(cfg, cfg.cost.checker.metrics_namespace, "DailyCost")


def test_search_expressions_must_name_a_known_metric(cfg):
    good = expression("SEARCH('{AWS/Lambda,FunctionName} MetricName=\"Errors\"', 'Sum', 300)", "", "s")
    vague = expression("SEARCH('{AWS/Lambda,FunctionName}', 'Sum', 300)", "", "v")
    body = {"widgets": [{"type": "metric", "properties": {"metrics": [good, vague]}}]}
    assert unknown_metrics(cfg, body) == ["AWS/Lambda/*"]


def test_cost_checker_metric_names_match_what_the_checker_writes():
    emf = pytest.importorskip("lambdas.cost_checker.emf")
    assert COST_CHECKER_METRICS == {emf.HOURLY_METRIC, emf.DAILY_METRIC, emf.TODAY_METRIC}
