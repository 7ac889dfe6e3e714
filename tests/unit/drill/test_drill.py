"""The fire drill against moto, with the real alert router run in-process.

moto stores alarms and log events but runs no CloudWatch -> SNS -> Lambda path, so the test plays that hop:
after the drill sets alarms to ALARM, each poll routes the ALARM notifications of alarms that moto holds in
ALARM through the real router (moto SNS/SQS/DynamoDB/Secrets Manager and a local HTTP receiver) and writes the
router's log lines into the router's log group in moto, where the drill reads them.
"""
from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.lambdas.alert_router.conftest import REGION, sns_event, world  # noqa: F401 - world is a fixture
from tools.drill import DrillError, exit_code, format_table, router_log_group, run_drill, select_alarms
from tools.drill.__main__ import main

LOG_GROUP = router_log_group("watchtower", "test")
PREFIX = "watchtower-test-"


class _Clock:
    """Simulated time: the drill sleeps on it, and each sleep lets the 'AWS delivery path' run."""

    def __init__(self, on_sleep):
        import time
        self.now = time.time()  # CloudWatch Logs (and moto) refuse events far from the real time
        self.on_sleep = on_sleep

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.on_sleep(self)


class _DeliveryPath:
    """CloudWatch -> SNS -> router Lambda -> CloudWatch Logs, for alarms moto holds in ALARM."""

    def __init__(self, world, cloudwatch, logs, severity_of_topic: dict[str, str]):
        self.world, self.cloudwatch, self.logs = world, cloudwatch, logs
        self.router = world.router()
        self.severity_of_topic = severity_of_topic
        self.routed: set[str] = set()
        self.lines_sent = 0

    def __call__(self, clock: _Clock) -> None:
        for alarm in self.cloudwatch.describe_alarms(StateValue="ALARM")["MetricAlarms"]:
            topics = [t for t in alarm.get("AlarmActions", []) if t in self.severity_of_topic]
            if alarm["AlarmName"] in self.routed or not topics:
                continue
            self.routed.add(alarm["AlarmName"])
            message = json.dumps({
                "AlarmName": alarm["AlarmName"], "AlarmDescription": alarm.get("AlarmDescription", ""),
                "AWSAccountId": "123456789012", "NewStateValue": "ALARM", "OldStateValue": "OK",
                "NewStateReason": alarm.get("StateReason", ""), "StateChangeTime": "2026-11-22T05:00:12.345+0000",
                "Region": "US East (N. Virginia)", "AlarmArn": alarm["AlarmArn"], "AlarmActions": topics,
                "OKActions": [], "InsufficientDataActions": [],
                "Trigger": {"MetricName": alarm.get("MetricName"), "Namespace": alarm.get("Namespace"),
                            "Statistic": "SUM", "Dimensions": [], "Period": 60, "EvaluationPeriods": 1,
                            "ComparisonOperator": alarm.get("ComparisonOperator"), "Threshold": alarm.get("Threshold")},
            })
            self.router.handle(sns_event(message, topics[0]), 20_000)
        lines = self.world.log.getvalue().splitlines()[self.lines_sent:]
        if lines:
            self.logs.put_log_events(logGroupName=LOG_GROUP, logStreamName="router", logEvents=[
                {"timestamp": int(clock.now * 1000), "message": line} for line in lines])
            self.lines_sent += len(lines)


@pytest.fixture()
def account(world):  # noqa: F811 - the router tests' fixture: moto, the receiver and a router factory
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName=LOG_GROUP)
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName="router")
    severity_of_topic = {arn: severity for severity, arn in world.topics.items()}

    def alarm(name: str, topic: str | None, **extra: Any) -> None:
        cloudwatch.put_metric_alarm(
            AlarmName=PREFIX + name, MetricName="Errors", Namespace="AWS/Lambda", Statistic="Sum", Period=60,
            EvaluationPeriods=1, Threshold=0, ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[topic] if topic else [], **extra)

    path = _DeliveryPath(world, cloudwatch, logs, severity_of_topic)
    return world, cloudwatch, logs, alarm, path


def test_every_alarm_with_a_route_is_delivered_and_reset(account):
    # GIVEN a critical and a warning alarm on the severity topics, and an SLO window alarm without actions
    world, cloudwatch, logs, alarm, path = account
    alarm("orders-api-HighErrorRate-critical", world.topics["critical"])
    alarm("orders-api-Latency-warning", world.topics["warning"])
    alarm("orders-slo-availability-BurnPage1hLong-critical", None)
    clock = _Clock(path)
    # WHEN the drill runs over every alarm of the environment
    results = run_drill(cloudwatch, logs, LOG_GROUP, select_alarms(cloudwatch, PREFIX), timeout_s=60, poll_s=5,
                        clock=clock.time, sleep=clock.sleep)
    verdicts = {r.alarm.removeprefix(PREFIX): r.verdict for r in results}
    # THEN both routed alarms were delivered by the router (PagerDuty and Slack for critical), the alarm without
    # an action is skipped with the reason, and the exit code is 0
    assert verdicts["orders-api-HighErrorRate-critical"] == "delivered"
    assert verdicts["orders-api-Latency-warning"] == "delivered"
    assert verdicts["orders-slo-availability-BurnPage1hLong-critical"].startswith("skipped (no ALARM action")
    critical = next(r for r in results if r.alarm.endswith("HighErrorRate-critical"))
    assert {"pagerduty", "slack"} <= {c for c, o in critical.outcomes.items() if o == "delivered"}
    assert world.receiver.bodies("/v2/enqueue"), "PagerDuty received the trigger"
    assert exit_code(results) == 0
    # AND the drilled alarms are back in OK
    states = {a["AlarmName"]: a["StateValue"] for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    assert states[PREFIX + "orders-api-HighErrorRate-critical"] == "OK"


def test_a_dead_lettered_channel_and_an_unrouted_alarm_fail_the_drill(account):
    # GIVEN Slack answering 500 (the router retries, then dead-letters) and an alarm on a topic nobody routes
    world, cloudwatch, logs, alarm, path = account
    world.receiver.behaviour["/slack"] = [500]
    stray = world.sns.create_topic(Name="watchtower-test-stray")["TopicArn"]
    alarm("orders-api-HighErrorRate-critical", world.topics["critical"])
    alarm("orders-api-Stray-warning", stray)
    clock = _Clock(path)
    # WHEN the drill runs with a 30 s timeout
    results = run_drill(cloudwatch, logs, LOG_GROUP, select_alarms(cloudwatch, PREFIX), timeout_s=30, poll_s=5,
                        clock=clock.time, sleep=clock.sleep)
    by_name = {r.alarm.removeprefix(PREFIX): r for r in results}
    # THEN the critical alarm is NOT DELIVERED because Slack dead-lettered it, the stray one has no record at all,
    # the table says so, and the exit code is 1
    assert by_name["orders-api-HighErrorRate-critical"].verdict == "NOT DELIVERED (slack dead_lettered)"
    assert by_name["orders-api-Stray-warning"].verdict == "NOT DELIVERED (no delivery record from the router)"
    table = format_table(results)
    assert "slack=dead_lettered" in table and table.count("NOT DELIVERED") == 2
    assert exit_code(results) == 1


def test_a_chosen_alarm_only_and_unknown_names_are_bad_input(account, capsys, monkeypatch):
    # GIVEN two alarms
    world, cloudwatch, logs, alarm, path = account
    alarm("orders-api-HighErrorRate-critical", world.topics["critical"])
    alarm("orders-api-Latency-warning", world.topics["warning"])
    # WHEN one is chosen THEN only it is drilled
    chosen = select_alarms(cloudwatch, PREFIX, [PREFIX + "orders-api-Latency-warning"])
    assert [r.alarm for r in chosen] == [PREFIX + "orders-api-Latency-warning"]
    # AND an unknown name is a one-line DrillError, and exit 2 from the command line
    with pytest.raises(DrillError, match="not found under prefix"):
        select_alarms(cloudwatch, PREFIX, [PREFIX + "nope"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    assert main(["--env", "test", "--app", "watchtower", "--alarm", PREFIX + "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err and "Traceback" not in err


def test_an_empty_account_is_bad_input(account, capsys, monkeypatch):
    # GIVEN no alarm under the prefix WHEN the command runs THEN exit 2 with one line
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    assert main(["--env", "nothing", "--app", "watchtower"]) == 2
    assert "no alarms named watchtower-nothing-*" in capsys.readouterr().err


def test_actions_suppressors_and_disabled_alarms_are_not_drilled():
    # GIVEN describe_alarms output with a composite whose suppressor is the maintenance switch (moto cannot
    # create composite alarms, so this one case uses a recorded response)
    class Pages:
        def paginate(self, **_: Any):
            yield {"MetricAlarms": [
                {"AlarmName": "w-p-all-maintenance", "ActionsEnabled": True, "AlarmActions": ["info"]},
                {"AlarmName": "w-p-quiet", "ActionsEnabled": False, "AlarmActions": ["info"]}],
                "CompositeAlarms": [{"AlarmName": "w-p-page", "ActionsEnabled": True, "AlarmActions": ["critical"],
                                     "ActionsSuppressor": "arn:aws:cloudwatch:eu-west-1:1:alarm:w-p-all-maintenance"}]}

    class Recorded:
        def get_paginator(self, name: str):
            assert name == "describe_alarms"
            return Pages()

    # WHEN alarms are selected
    results = {r.alarm: r for r in select_alarms(Recorded(), "w-p-")}
    # THEN the suppressor and the disabled alarm are skipped with a reason; the composite is drilled
    assert results["w-p-all-maintenance"].skipped.startswith("ActionsSuppressor")
    assert results["w-p-quiet"].skipped == "actions disabled"
    assert results["w-p-page"].skipped is None
