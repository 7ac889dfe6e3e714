"""GIVEN the preview CLI, WHEN run as an operator would (a subprocess, no AWS credentials), THEN it prints
the payload as one JSON document and exits 0, or one line on stderr and exit 2 for input it cannot parse."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lambdas.alert_router.helpers import FIXTURES

ROOT = Path(__file__).resolve().parents[3]
# No credentials, no region, and a proxy that would fail any network call.
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
CLEAN_ENV.update({"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"})


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lambdas.alert_router", *args], cwd=ROOT, env=CLEAN_ENV,
                          input=stdin, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("channel", ["slack", "pagerduty", "teams", "email"])
def test_preview_prints_one_json_document_per_channel(channel):
    result = run("preview", "--channel", channel, str(FIXTURES / "metric_alarm.json"))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload
    if channel == "pagerduty":
        assert payload["event_action"] == "trigger" and payload["routing_key"].startswith("<")
    if channel == "email":
        assert payload["TopicArn"].startswith("<") and payload["MessageAttributes"]["severity"]["StringValue"] == "critical"


@pytest.mark.parametrize("channel", ["slack", "pagerduty", "teams", "email"])
@pytest.mark.parametrize("fixture", ["lambda_action_metric.json", "lambda_action_composite.json"])
def test_preview_renders_a_direct_lambda_alarm_action_payload_for_every_channel(channel, fixture):
    result = run("preview", "--channel", channel, str(FIXTURES / fixture))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    name = json.loads((FIXTURES / fixture).read_text())["alarmData"]["alarmName"]
    assert name in json.dumps(payload)
    if channel == "pagerduty":
        assert payload["event_action"] == "trigger" and payload["dedup_key"].endswith(f":alarm:{name}")
    if channel == "email":
        assert payload["MessageAttributes"]["severity"]["StringValue"] == "critical"


def test_preview_reads_budget_plain_text_from_stdin():
    result = run("preview", "--channel", "email", "-", stdin=(FIXTURES / "budget.txt").read_text())
    assert result.returncode == 0, result.stderr
    assert "watchtower-prod-monthly" in json.loads(result.stdout)["Subject"]


@pytest.mark.parametrize("text", ["not a notification", '{"AlarmName": "x"', '{"hello": "world"}', ""])
def test_unparseable_input_prints_one_line_and_exits_2(text):
    result = run("preview", "--channel", "slack", "-", stdin=text)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_missing_file_is_one_line_exit_2():
    result = run("preview", "--channel", "teams", "/nonexistent/alarm.json")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


LOG_ALARM = json.dumps({"AlarmName": "watchtower-prod-orders-orders-create-ErrorLogLines-warning",
                        "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
                                    "watchtower-prod-orders-orders-create-ErrorLogLines-warning",
                        "NewStateValue": "ALARM", "NewStateReason": "3 of 3 query results above 5",
                        "StateChangeTime": "2026-11-22T05:00:00.000+0000"})


@pytest.mark.parametrize("channel", ["slack", "pagerduty", "teams", "email"])
def test_preview_renders_a_log_alarm_with_its_lines_redacted(tmp_path, channel):
    # GIVEN a log alarm notification and the lines an operator exported from Logs Insights (one with a secret)
    lines = tmp_path / "lines.txt"
    lines.write_text('{"level": "ERROR", "message": "payment declined"}\n'
                     '{"level": "ERROR", "message": "retry failed", "token": "fake-token-for-tests"}\n')
    result = run("preview", "--channel", channel, "--log-lines", str(lines), "-", stdin=LOG_ALARM)
    assert result.returncode == 0, result.stderr
    # THEN the channel's payload shows both lines, the secret value replaced
    text = result.stdout
    assert "payment declined" in text and "retry failed" in text
    assert "fake-token-for-tests" not in text and "redacted" in text


def test_preview_log_lines_file_that_cannot_be_read_is_one_line(tmp_path):
    result = run("preview", "--channel", "slack", "--log-lines", str(tmp_path / "missing.txt"), "-", stdin=LOG_ALARM)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "missing.txt" in result.stderr
