"""GIVEN a log alarm (the ErrorLogs family's ``ErrorLogLines`` signal) going to ALARM, WHEN the router routes its
notification, THEN every channel's message shows the alarm's matching log lines: ERROR/CRITICAL lines of the
alarm's log groups within its query window, newest first, redacted and cut to size; a failure to read them
delays or loses nothing.

CloudWatch's documentation says log alarms put matching lines in their notifications but not in which field, so
the router reads the lines itself (DescribeAlarms for the log groups and window, FilterLogEvents for the lines).
moto has CloudWatch Logs but no log alarms, so DescribeAlarms is answered by botocore's Stubber, which checks
every request and response against the service model."""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timezone

import boto3
import pytest
from aws_lambda_powertools import Logger
from botocore.stub import Stubber

from lambdas.alert_router.delivery import RetryPolicy
from lambdas.alert_router.log_lines import LINE_CHARS_MAX, TOTAL_CHARS_MAX, bound_lines, redact
from lambdas.alert_router.router import Router
from tests.lambdas.alert_router.conftest import REGION, sns_event

GROUP = "/aws/lambda/watchtower-prod-orders-create"
NAME = "watchtower-prod-orders-orders-create-ErrorLogLines-critical"
ARN = f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{NAME}"
CHANGED = "2026-11-22T05:00:00.000+0000"
CHANGED_MS = int(datetime(2026, 11, 22, 5, 0, tzinfo=timezone.utc).timestamp() * 1000)
FAKE_PASSWORD = "not-a-real-password-1234"


def _notification(state: str = "ALARM", name: str = NAME) -> str:
    arn = f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{name}"
    return json.dumps({"AlarmName": name, "AlarmArn": arn, "NewStateValue": state, "OldStateValue": "OK",
                       "NewStateReason": "3 of 3 query results were greater than the threshold (5.0)",
                       "StateChangeTime": CHANGED, "AWSAccountId": "123456789012"})


def _log_alarm(groups=(GROUP,), window_s: int = 300) -> dict:
    return {"LogAlarms": [{
        "AlarmName": NAME, "AlarmArn": ARN, "StateValue": "ALARM",
        "ScheduledQueryConfiguration": {
            "QueryString": 'fields @timestamp | filter level = "ERROR" or level = "CRITICAL"',
            "AggregationExpression": "count(*)", "LogGroupIdentifiers": list(groups),
            "ScheduledQueryRoleARN": "arn:aws:iam::123456789012:role/query",
            "ScheduleConfiguration": {"ScheduleExpression": "rate(5 minutes)", "StartTimeOffset": window_s}},
        "QueryResultsToEvaluate": 3, "QueryResultsToAlarm": 3, "Threshold": 5.0,
        "ComparisonOperator": "GreaterThanThreshold"}], "MetricAlarms": [], "CompositeAlarms": []}


def _put(logs, events: list[tuple[int, dict | str]], group: str = GROUP) -> None:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="2026/11/22/[$LATEST]abc")
    logs.put_log_events(logGroupName=group, logStreamName="2026/11/22/[$LATEST]abc", logEvents=[
        {"timestamp": CHANGED_MS + offset_s * 1000, "message": doc if isinstance(doc, str) else json.dumps(doc)}
        for offset_s, doc in sorted(events, key=lambda e: e[0])])


def _router(world, cloudwatch, logs, clock=None, **overrides) -> Router:
    overrides.setdefault("routes", {"critical": {"pagerduty": "test/pagerduty", "slack": "test/slack",
                                                 "teams": "test/teams", "email": None}})
    # A generous HTTP timeout: this test is about the message's content, not about slow receivers.
    overrides.setdefault("retry", RetryPolicy(max_attempts=3, base_delay_ms=10, max_delay_ms=50, timeout_ms=5000))
    settings = world.settings(log_alarm_signals=("ErrorLogLines",), **overrides)
    logger = Logger(service=f"router-test-{uuid.uuid4().hex[:8]}", logger_handler=logging.StreamHandler(world.log))
    extra = {"clock": clock} if clock else {}
    return Router(settings, sqs=world.sqs, sns=world.sns, dynamodb=world.dynamodb, secrets=world.secrets,
                  logger=logger, cloudwatch=cloudwatch, logs=logs, **extra)


@pytest.fixture
def aws(world):
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    return cloudwatch, logs


def test_every_channel_shows_the_error_lines_of_the_window_newest_first_redacted(world, aws):
    cloudwatch, logs = aws
    # GIVEN error lines inside the 5-minute window, one outside it, an INFO line, and a line with a password
    _put(logs, [(-600, {"level": "ERROR", "message": "too old"}),
                (-200, {"level": "ERROR", "message": "payment declined", "order": "o-1"}),
                (-100, {"level": "INFO", "message": "all fine"}),
                (-50, {"level": "CRITICAL", "message": "db down", "password": FAKE_PASSWORD}),
                (-10, "plain text ERROR that is not a structured line")])
    with Stubber(cloudwatch) as stub:
        stub.add_response("describe_alarms", _log_alarm(),
                          {"AlarmNames": [NAME], "AlarmTypes": ["LogAlarm"]})
        # WHEN the log alarm's ALARM notification is routed
        result = _router(world, cloudwatch, logs).handle(sns_event(_notification(), world.topics["critical"]), 20_000)
        stub.assert_no_pending_responses()
    assert {r["outcome"] for r in result["records"]} == {"delivered"}
    # THEN Slack shows a code block of the two error lines, newest first, the password redacted
    [slack] = world.receiver.bodies("/slack")
    [section] = [b for b in slack["attachments"][0]["blocks"]
                 if b["type"] == "section" and "Matching log lines" in b.get("text", {}).get("text", "")]
    text = section["text"]["text"]
    assert text.index("db down") < text.index("payment declined")
    assert "too old" not in text and "all fine" not in text and "plain text" not in text
    assert FAKE_PASSWORD not in json.dumps(slack) and "&lt;redacted&gt;" in text
    # AND PagerDuty, Teams and e-mail carry the same lines, and no channel the password
    [page] = world.receiver.bodies("/v2/enqueue")
    lines = page["payload"]["custom_details"]["log_lines"]
    assert len(lines) == 2 and "db down" in lines[0] and "payment declined" in lines[1]
    [card] = world.receiver.bodies("/teams")
    body = card["attachments"][0]["content"]["body"]
    assert any(b.get("fontType") == "Monospace" and "db down" in b["text"] for b in body)
    [mail] = world.emails()
    assert "Matching log lines (2" in mail["body"] and "payment declined" in mail["body"]
    for channel_body in (json.dumps(page), json.dumps(card), mail["body"]):
        assert FAKE_PASSWORD not in channel_body


def test_lines_are_bounded_in_count_length_and_total(world, aws):
    cloudwatch, logs = aws
    # GIVEN 60 huge error lines
    _put(logs, [(-i, {"level": "ERROR", "message": "x" * 5000, "n": i}) for i in range(1, 61)])
    with Stubber(cloudwatch) as stub:
        stub.add_response("describe_alarms", _log_alarm(), {"AlarmNames": [NAME], "AlarmTypes": ["LogAlarm"]})
        _router(world, cloudwatch, logs).handle(sns_event(_notification(), world.topics["critical"]), 20_000)
    [page] = world.receiver.bodies("/v2/enqueue")
    lines = page["payload"]["custom_details"]["log_lines"]
    # THEN at most 10 lines of at most 400 characters, 2,500 in all, and Slack's section stays within its limit
    assert 0 < len(lines) <= 10 and all(len(line) <= LINE_CHARS_MAX for line in lines)
    assert sum(len(line) + 1 for line in lines) <= TOTAL_CHARS_MAX
    [slack] = world.receiver.bodies("/slack")
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in slack["attachments"][0]["blocks"])


def test_a_failed_lookup_still_delivers_the_alarm_without_lines(world, aws):
    cloudwatch, logs = aws
    with Stubber(cloudwatch) as stub:
        stub.add_client_error("describe_alarms", "AccessDenied", "not allowed", 403)
        result = _router(world, cloudwatch, logs).handle(sns_event(_notification(), world.topics["critical"]), 20_000)
    # THEN every channel got its message, with no lines, and the log says why
    assert {r["outcome"] for r in result["records"]} == {"delivered"} and len(result["records"]) == 4
    [page] = world.receiver.bodies("/v2/enqueue")
    assert "log_lines" not in page["payload"]["custom_details"]
    assert "log lines of" in world.log.getvalue() and "not read" in world.log.getvalue()


def test_metric_alarms_and_ok_notifications_are_not_looked_up(world, aws):
    cloudwatch, logs = aws
    with Stubber(cloudwatch) as stub:  # no responses queued: any DescribeAlarms call would fail the lookup
        router = _router(world, cloudwatch, logs)
        router.handle(sns_event(_notification(name="watchtower-prod-orders-api-HighErrorRate-critical"),
                                world.topics["critical"]), 20_000)
        router.handle(sns_event(_notification(state="OK"), world.topics["critical"]), 20_000)
    assert "not read" not in world.log.getvalue()
    assert all("log_lines" not in (p.get("payload") or {}).get("custom_details", {})
               for p in world.receiver.bodies("/v2/enqueue"))


def test_grouped_messages_show_the_first_lines_of_each_log_alarm(world, aws, clock):
    cloudwatch, logs = aws
    _put(logs, [(-30, {"level": "ERROR", "message": "first failure"}),
                (-20, {"level": "ERROR", "message": "second failure"})])
    warning = NAME.replace("-critical", "-warning")
    with Stubber(cloudwatch) as stub:
        stub.add_response("describe_alarms", _log_alarm(), {"AlarmNames": [warning], "AlarmTypes": ["LogAlarm"]})
        settings = dict(group_window_seconds=30, flush_queue_url=world.flush_url, alarm_prefix="watchtower-prod-",
                        services=("orders",), routes={"warning": {"slack": "test/slack", "email": None}})
        router = _router(world, cloudwatch, logs, clock=clock, **settings)
        other = "watchtower-prod-orders-api-Latency-warning"
        for name in (warning, other):
            router.handle(sns_event(_notification(name=name), world.topics["warning"]), 20_000)
    clock.advance(31)
    records = world.flush_due(router)
    assert {r["outcome"] for r in records} == {"delivered"} and len(records) == 4  # 2 alerts x 2 channels
    [slack] = world.receiver.bodies("/slack")
    text = json.dumps(slack)
    assert "second failure" in text and "first failure" in text
    [mail] = world.emails()
    assert "Log:" in mail["body"] and "second failure" in mail["body"]


def test_redaction_covers_webhooks_keys_tokens_and_secret_fields():
    line = ('{"level": "ERROR", "url": "https://hooks.slack.com/services/T000/B000/XXXX", "api_key": "k-123456", '
            '"auth": "Bearer abcdefghijklmnop", "aws": "AKIA' + "A" * 16 + '", "routing_key": "R0UTING"}')
    cleaned = redact(line)
    for secret in ("hooks.slack.com", "k-123456", "abcdefghijklmnop", "AKIA", "R0UTING"):
        assert secret not in cleaned
    assert json.loads(cleaned)["level"] == "ERROR"  # the structure people read stays intact
    # AND bounding turns newlines into spaces so one log line stays one line
    assert bound_lines(["a\nb\tc"]) == ("a b c",)
