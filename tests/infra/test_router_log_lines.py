"""GIVEN an environment with log alarms (dev), WHEN synthesized, THEN the router is told which alarms are log alarms
and may read exactly what their messages show: DescribeAlarms on the environment's own alarms and FilterLogEvents
on the log groups the log alarms query; an environment without log alarms gets neither."""
from __future__ import annotations

import json

from stacks.routing.router import log_line_groups


def _router(synth, env):
    functions = synth.result(env).resources("AWS::Lambda::Function")
    [(key, function)] = [(k, f) for k, f in functions.items()
                         if f["Properties"].get("FunctionName") == f"watchtower-{env}-alert-router"]
    return function


def _statements(synth, env):
    return [s for p in synth.result(env).resources("AWS::IAM::Policy").values()
            for s in p["Properties"]["PolicyDocument"]["Statement"]]


def test_dev_router_reads_the_log_alarms_lines_and_nothing_more(synth):
    cfg = synth.app_config("dev")
    variables = _router(synth, "dev")["Properties"]["Environment"]["Variables"]
    assert json.loads(variables["LOG_ALARM_SIGNALS"]) == ["ErrorLogLines"]
    assert variables["LOG_LINES_MAX"] == str(min(cfg.log_alarms.log_lines, 10))
    # THEN every log group a log alarm queries is readable by the router, each by its exact name
    queried = {g for a in synth.result("dev").resources("AWS::CloudWatch::LogAlarm").values()
               for g in a["Properties"]["ScheduledQueryConfiguration"]["LogGroupIdentifiers"]}
    assert queried and queried <= set(log_line_groups(cfg))
    [reads] = [s for s in _statements(synth, "dev") if s["Action"] == "logs:FilterLogEvents"]
    resources = json.dumps(reads["Resource"])
    for group in queried:
        assert f"log-group:{group}\"" in resources
    [lookup] = [s for s in _statements(synth, "dev") if s["Action"] == "cloudwatch:DescribeAlarms"]
    assert "alarm:watchtower-dev-*" in json.dumps(lookup["Resource"])


def test_without_log_alarms_the_router_gets_no_log_rights(synth):
    cfg = synth.app_config("prod")
    assert not cfg.log_alarms.enabled
    variables = _router(synth, "prod")["Properties"]["Environment"]["Variables"]
    assert json.loads(variables["LOG_ALARM_SIGNALS"]) == []
    actions = json.dumps([s["Action"] for s in _statements(synth, "prod")])
    assert "logs:FilterLogEvents" not in actions and "cloudwatch:DescribeAlarms" not in actions
