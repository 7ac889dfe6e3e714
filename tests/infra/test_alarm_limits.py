"""Every alarm in every environment respects CloudWatch's period and evaluation-window limits (PutMetricAlarm).

CDK and cfn-lint do not check these, so this test does.
"""
from __future__ import annotations

import pytest

ENVIRONMENTS = ("dev", "staging", "prod")
DAY = 86_400


def alarm_periods(props: dict) -> list[int]:
    """The period(s) an alarm evaluates at: its own Period, or each MetricStat's in a metric-math alarm."""
    if "Period" in props:
        return [props["Period"]]
    return [m["MetricStat"]["Period"] for m in props.get("Metrics", []) if "MetricStat" in m] + [
        m["Period"] for m in props.get("Metrics", []) if "Period" in m and "MetricStat" not in m]


def limit_problems(props: dict) -> list[str]:
    problems = []
    periods = set(alarm_periods(props))
    if len(periods) != 1:
        return [f"expected one shared period, got {sorted(periods)}"]
    (period,) = periods
    evaluations = props["EvaluationPeriods"]
    if not (period in (10, 20, 30) or period % 60 == 0):
        problems.append(f"period {period}s is not 10, 20, 30 or a multiple of 60")
    window = period * evaluations
    limit = DAY if period < 3600 else 7 * DAY
    if window > limit:
        problems.append(f"period x evaluations = {window}s exceeds {limit}s")
    if props.get("DatapointsToAlarm", evaluations) > evaluations:
        problems.append("DatapointsToAlarm exceeds EvaluationPeriods")
    metrics = props.get("Metrics", [])
    if sum("MetricStat" in m for m in metrics) > 10 or sum("Expression" in m for m in metrics) > 10:
        problems.append("metric-math alarm with more than 10 metrics or expressions")
    if sum(bool(m.get("ReturnData", "MetricStat" not in m)) for m in metrics) > 1:
        problems.append("metric-math alarm returns more than one series")
    return problems


def test_the_check_itself_catches_an_over_long_window():
    assert limit_problems({"Period": 300, "EvaluationPeriods": 289}) == [
        "period x evaluations = 86700s exceeds 86400s"]
    assert limit_problems({"Period": 3600, "EvaluationPeriods": 72}) == []
    assert limit_problems({"Period": 45, "EvaluationPeriods": 1}) == ["period 45s is not 10, 20, 30 or a multiple of 60"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alarm_is_within_service_limits(synth, env):
    alarms = synth.result(env).resources("AWS::CloudWatch::Alarm")
    bad = {name: p for name, a in alarms.items() if (p := limit_problems(a["Properties"]))
           and "ThresholdMetricId" not in a["Properties"]}
    assert not bad, bad


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_composite_rules_stay_within_limits(synth, env):
    for name, alarm in synth.result(env).resources("AWS::CloudWatch::CompositeAlarm").items():
        rule = alarm["Properties"]["AlarmRule"]
        if isinstance(rule, str):
            assert len(rule) <= 10_240, name
        for state in ("AlarmActions", "OKActions", "InsufficientDataActions"):
            assert len(alarm["Properties"].get(state, [])) <= 5, name
