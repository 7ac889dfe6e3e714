"""The preview reads bodies back from templates and draws them; bad input gets one line, not a traceback."""
from __future__ import annotations

import json

import pytest
from PIL import Image

from dashboards.preview.__main__ import alarm_names, main
from dashboards.preview.render import render
from dashboards.preview.resolve import PreviewError, dashboards_in, resolve
from dashboards.registry import build_all
from tests.unit.dashboards.conftest import make_refs


def test_tokens_become_markers_tests_can_follow():
    value = {"Fn::Join": ["", ['{"a":"', {"Fn::ImportValue": "Exp1"}, '","b":"', {"Fn::GetAtt": ["Al", "Arn"]}, '"}']]}
    assert json.loads(resolve(value)) == {"a": "<import:Exp1>", "b": "<getatt:Al.Arn>"}
    with pytest.raises(PreviewError, match="cannot read back"):
        resolve({"Fn::Sub": "x"})


def test_every_widget_type_is_drawn(cfg, tmp_path, resources):
    bodies = build_all(cfg, make_refs(cfg), resources)
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
    ('{"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard", "Properties": []}}}', "not a CloudFormation template")])
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
