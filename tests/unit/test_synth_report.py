"""The synth summary: a malformed template is one line and exit 2, never a traceback."""
from __future__ import annotations

import pytest

from tools import synth_report


@pytest.mark.parametrize("text, expected", [
    ("{bad", "not valid JSON"), ("[1, 2]", "not a CloudFormation template"),
    ('{"Resources": {"A": {"Properties": {}}}}', "not a CloudFormation template"),
    ('{"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": []}}}', "not a CloudFormation template"),
    ("\udc90\udcff binary", "not UTF-8 text")])
def test_a_malformed_template_is_one_line_naming_the_file(tmp_path, capsys, text, expected):
    # GIVEN a cloud-assembly folder whose template is malformed, not an object, or has a resource without a Type
    (tmp_path / "S.template.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    # WHEN the summary runs
    code = synth_report.main([str(tmp_path)])
    # THEN exit 2 and one line naming the file and what was wrong
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and f"{tmp_path / 'S.template.json'}: {expected}" in err


def test_a_template_is_summarized_by_type_and_severity(tmp_path, capsys):
    # GIVEN one template with two alarms (one tagged warning, one named ...-critical) and a topic
    (tmp_path / "S.template.json").write_text(
        '{"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmName": "a-x-critical"}},'
        ' "B": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Tags": [{"Key": "severity", "Value": "warning"}]}},'
        ' "T": {"Type": "AWS::SNS::Topic"}}}')
    # WHEN summarized THEN counts by type and by severity are right
    text = synth_report.summarize(tmp_path)
    assert "S" in text and "3 resources" in text
    assert "Alarms by severity: critical 1, warning 1" in text


def test_log_alarms_count_as_alarms_of_their_severity(tmp_path):
    (tmp_path / "S.template.json").write_text(
        '{"Resources": {"L": {"Type": "AWS::CloudWatch::LogAlarm", "Properties": {"AlarmName": "a-ErrorLogLines-warning"}}}}')
    assert "Alarms by severity: warning 1" in synth_report.summarize(tmp_path)
