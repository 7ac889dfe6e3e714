"""The preview reads bodies back from templates and draws them; bad input gets one line, not a traceback."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st
from PIL import Image

from dashboards.preview.__main__ import alarm_names, main
from dashboards.preview.render import render
from dashboards.preview.resolve import PreviewError, dashboards_in, resolve
from dashboards.preview.text import common_prefix, width_of, wrap
from dashboards.registry import build_all
from plan.build import plan_environment
from tests.unit.dashboards.conftest import make_refs


def test_tokens_become_markers_tests_can_follow():
    value = {"Fn::Join": ["", ['{"a":"', {"Fn::ImportValue": "Exp1"}, '","b":"', {"Fn::GetAtt": ["Al", "Arn"]}, '"}']]}
    assert json.loads(resolve(value)) == {"a": "<import:Exp1>", "b": "<getatt:Al.Arn>"}
    with pytest.raises(PreviewError, match="cannot read back"):
        resolve({"Fn::Sub": "x"})


def test_every_widget_type_is_drawn(cfg, tmp_path, resources):
    bodies = build_all(cfg, plan_environment(cfg), make_refs(cfg), resources)
    for name, body in bodies.items():
        path = render(body, name, tmp_path / f"{name}.png").path
        with Image.open(path) as image:
            rows = max(w["y"] + w["height"] for w in body["widgets"])
            assert image.height > rows * 30  # one grid row is drawn 34 px high
            # a drawn dashboard is not a blank canvas
            assert len(image.getcolors(maxcolors=100_000) or []) > 10


def test_cli_says_what_is_missing_in_one_line(tmp_path, capsys):
    assert main([str(tmp_path), str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "make synth" in error
    assert main([]) == 2


@pytest.mark.parametrize("text, expected", [
    ("{bad", "not valid JSON"), ("[1, 2]", "not a CloudFormation template"),
    ('{"Resources": {"A": 5}}', "not a CloudFormation template"),
    ('{"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard", "Properties": []}}}',
     "not a CloudFormation template")])
def test_an_unreadable_template_file_is_one_line(tmp_path, capsys, text, expected):
    # GIVEN a cloud-assembly folder whose template is malformed or not an object
    (tmp_path / "S.template.json").write_text(text)
    # WHEN the preview runs THEN exit 2 with one line naming the file and what was wrong
    assert main([str(tmp_path), str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "S.template.json" in error and expected in error


def test_an_output_path_that_is_a_file_is_one_line(tmp_path, capsys):
    # GIVEN a valid dashboard template and an OUT_DIR that is an existing file
    body = json.dumps({"widgets": [{"type": "text", "x": 0, "y": 0, "width": 24, "height": 2,
                                    "properties": {"markdown": "hi"}}]})
    template = {"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard",
                                    "Properties": {"DashboardName": "d", "DashboardBody": body}}}}
    (tmp_path / "S.template.json").write_text(json.dumps(template))
    (tmp_path / "out").write_text("")
    # WHEN the preview runs THEN exit 2 with one line, no traceback
    assert main([str(tmp_path), str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "cannot write" in error


def test_a_template_without_valid_body_is_reported(tmp_path):
    template = {"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {"DashboardBody": "{"}}}}
    with pytest.raises(PreviewError, match="not valid JSON"):
        dashboards_in(template)


def test_alarm_names_follow_exports_even_when_logical_ids_repeat_across_stacks():
    # GIVEN two stacks whose composites share a logical id, each exporting its ARN
    def stack(service):
        return {"Resources": {"Critical1": {"Type": "AWS::CloudWatch::CompositeAlarm",
                                            "Properties": {"AlarmName": f"{service}-critical"}}},
                "Outputs": {"Out": {"Value": {"Fn::GetAtt": ["Critical1", "Arn"]},
                                    "Export": {"Name": f"{service}:CriticalArn"}}}}

    names = alarm_names({"orders.template.json": stack("orders"), "payments.template.json": stack("payments")})
    # THEN each export resolves to its own stack's alarm
    assert names["orders:CriticalArn"] == "orders-critical"
    assert names["payments:CriticalArn"] == "payments-critical"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghijklmnop-/_.:% ()0123456789XYZ"), min_size=0, max_size=120),
       st.integers(min_value=20, max_value=400), st.sampled_from([9, 10, 11, 13]))
def test_wrapped_text_keeps_every_character_and_fits(text, width, size):
    # GIVEN any label or title WHEN it is wrapped to a width
    lines = wrap(text, width, size)
    # THEN nothing is lost (only the spaces at the breaks) and each line fits, unless one character is wider
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(width_of(line, size) <= width or len(line) == 1 for line in lines)


@given(st.lists(st.from_regex(r"[a-z]{1,6}(-[a-z]{1,6}){0,4}", fullmatch=True), min_size=2, max_size=12))
def test_the_common_prefix_is_shared_and_leaves_every_name_something(names):
    prefix = common_prefix(names)
    assert all(name.startswith(prefix) and len(name) > len(prefix) for name in names)
    assert prefix == "" or prefix.endswith("-")


def test_a_graph_whose_data_sits_far_below_its_threshold_keeps_the_data_readable(tmp_path):
    # GIVEN a graph of p99 durations (well under 1 s) with a 270 s near-timeout threshold
    body = {"start": "-PT3H", "widgets": [{"type": "metric", "x": 0, "y": 0, "width": 6, "height": 6, "properties": {
        "title": "p99", "view": "timeSeries", "stat": "p99", "period": 300,
        "metrics": [["AWS/Lambda", "Duration", "FunctionName", "f", {"stat": "p99", "label": "f"}]],
        "yAxis": {"left": {"label": "Milliseconds", "min": 0}},
        "annotations": {"horizontal": [{"value": 270000, "label": "DurationNearTimeout warning"}]}}}]}
    (widget,) = render(body, "t", tmp_path / "t.png").widgets
    top = max(widget.values["f"])
    # THEN the axis ends near the data and the threshold is an arrow at the top with its value
    assert widget.y_range[1] < 2 * top
    assert widget.edge_markers == [("DurationNearTimeout warning", 270000, "top")]
    assert widget.text("edge") == ["DurationNearTimeout warning 270k"]
