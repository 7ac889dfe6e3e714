"""Metric alarms over time: periods, M out of N, statistics, low-sample percentiles, math, actions."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tests.unit.alarmsim.builders import ERRORS, FUNCTION, INVOCATIONS, T0, metric_alarm, store_of, template, topic
from tools.alarmsim.evaluation import evaluate_range
from tools.alarmsim.series import MetricKey, SeriesStore
from tools.alarmsim.simulator import Simulator
from tools.alarmsim.template import alarms_from_templates


def _run(resources: dict, store: SeriesStore, minutes: int, initial: str = "INSUFFICIENT_DATA", start: int = T0):
    alarms = alarms_from_templates({"S": template(**resources)})
    assert not alarms.warnings, alarms.warnings
    return Simulator(alarms, store, initial).run(start, start + minutes)


def test_two_of_three_alarms_on_non_consecutive_breaches_and_recovers():
    # GIVEN a 1-minute Errors alarm, 2 out of 3, with an SNS action, and errors in minutes 2 and 4
    resources = {"Pager": topic("pager"),
                 "A": metric_alarm("errors", evaluation_periods=3, datapoints=2, AlarmActions=[{"Ref": "Pager"}],
                                   OKActions=[{"Ref": "Pager"}])}
    store = store_of({ERRORS: [0, 0, 5, 0, 5, 0, 0, 0, 0]})
    # WHEN simulated from OK
    transitions = _run(resources, store, 9, initial="OK")
    # THEN no data yet at T0 (INSUFFICIENT_DATA, no action configured), OK once data flows, ALARM when the
    # second breach lands among the last 3 periods, OK when only one breach is left among them
    assert [(t.minute - T0, t.to_state, t.actions) for t in transitions] == [
        (0, "INSUFFICIENT_DATA", ()), (1, "OK", ("pager",)), (5, "ALARM", ("pager",)), (6, "OK", ("pager",))]


def test_period_sum_over_five_minutes_aggregates_samples():
    # GIVEN a 5-minute Sum > 9 alarm and two samples in every minute: 10 per full 5-minute period
    store = SeriesStore()
    for minute in range(10):
        for _ in range(2):
            store.add_sample(ERRORS, T0 + minute, 1.0)
    resources = {"A": metric_alarm("sum5", period=300, threshold=9)}
    # WHEN simulated
    transitions = _run(resources, store, 9)
    # THEN the first full 5-minute period (ending at T0+5) breaches; periods holding fewer minutes do not
    assert [(t.minute - T0, t.to_state) for t in transitions] == [(1, "OK"), (5, "ALARM")]


def test_statistics_decide_the_datapoint():
    # GIVEN the samples 1, 2, 3, 10 in one minute and one alarm per statistic, each just below its value;
    # percentile rank is exclusive on the lower bound and inclusive on the upper (PR(2:10) leaves out the 2)
    store = SeriesStore()
    for value in (1.0, 2.0, 3.0, 10.0):
        store.add_sample(ERRORS, T0, value)
    expected = {"Sum": 16, "Average": 4, "Minimum": 1, "Maximum": 10, "SampleCount": 4, "p50": 2, "p90": 10,
                "PR(:2.5)": 50, "PR(2:10)": 50, "PR(1.5:10)": 75, "PR(:1)": 25}
    resources = {}
    for stat, value in expected.items():
        logical = "".join(c for c in stat if c.isalnum())
        resources[f"{logical}Above"] = metric_alarm(f"{stat}-above", statistic=stat, threshold=value - 0.5)
        resources[f"{logical}Below"] = metric_alarm(f"{stat}-below", statistic=stat, threshold=value + 0.5)
    # WHEN evaluated one minute later
    transitions = _run(resources, store, 1)
    states = {t.alarm: t.to_state for t in transitions if t.minute == T0 + 1}
    # THEN each statistic sits between its two thresholds
    for stat in expected:
        assert states[f"{stat}-above"] == "ALARM", stat
        assert states[f"{stat}-below"] == "OK", stat


def test_low_sample_percentile_ignore_keeps_state_until_enough_samples():
    # GIVEN a p99 latency alarm that ignores low sample counts, 1 slow request per minute, then 1000 at once
    store = SeriesStore()
    for minute in range(3):
        store.add_sample(MetricKey.of("AWS/Lambda", "Duration", FUNCTION), T0 + minute, 9000.0)
    for _ in range(1000):
        store.add_sample(MetricKey.of("AWS/Lambda", "Duration", FUNCTION), T0 + 3, 9000.0)
    ignore = metric_alarm("p99-ignore", metric="Duration", statistic="p99", threshold=5000,
                          EvaluateLowSampleCountPercentile="ignore")
    evaluate = metric_alarm("p99-evaluate", metric="Duration", statistic="p99", threshold=5000,
                            EvaluateLowSampleCountPercentile="evaluate")
    # WHEN simulated from OK
    transitions = _run({"I": ignore, "E": evaluate}, store, 4, initial="OK")
    first = {t.alarm: t.minute - T0 for t in transitions if t.to_state == "ALARM"}
    # THEN 'evaluate' alarms on the first lone sample; 'ignore' waits for the 1000-sample minute (p99 needs 1000)
    assert first == {"p99-evaluate": 1, "p99-ignore": 4}


def test_metric_math_error_rate_with_traffic_guard_and_fill():
    # GIVEN an error-rate alarm: IF(inv >= 10, 100 * FILL(err, 0) / inv, 0) > 5
    resources = {"Rate": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": "rate", "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1, "Threshold": 5,
        "Metrics": [
            {"Id": "expr", "Expression": "IF(inv >= 10, 100 * FILL(err, 0) / inv, 0)", "ReturnData": True},
            {"Id": "err", "ReturnData": False, "MetricStat": {"Period": 60, "Stat": "Sum", "Metric": {
                "Namespace": "AWS/Lambda", "MetricName": "Errors",
                "Dimensions": [{"Name": "FunctionName", "Value": "orders-handler"}]}}},
            {"Id": "inv", "ReturnData": False, "MetricStat": {"Period": 60, "Stat": "Sum", "Metric": {
                "Namespace": "AWS/Lambda", "MetricName": "Invocations",
                "Dimensions": [{"Name": "FunctionName", "Value": "orders-handler"}]}}}]}}}
    # minute 0: 100 calls, no Errors datapoint (FILL -> 0%); 1: 3 of 5 calls fail (guard: too little traffic);
    # 2: 20 of 100 fail (20%)
    store = store_of({INVOCATIONS: [100, 5, 100], ERRORS: [None, 3, 20]})
    # WHEN simulated
    transitions = _run(resources, store, 3)
    # THEN OK, still OK under the guard, ALARM at 20%
    assert [(t.minute - T0, t.to_state) for t in transitions] == [(1, "OK"), (3, "ALARM")]


def test_dynamodb_alarms_ignore_missing_data_whatever_the_template_says():
    # GIVEN a ThrottledRequests alarm that says notBreaching, and throttling in minute 0 only
    key = MetricKey.of("AWS/DynamoDB", "ThrottledRequests", {"TableName": "orders"})
    resources = {"T": metric_alarm("throttles", namespace="AWS/DynamoDB", metric="ThrottledRequests",
                                   dimensions={"TableName": "orders"}, treat="notBreaching")}
    # WHEN the metric stops after the throttle
    transitions = _run(resources, store_of({key: [4]}), 10, initial="OK")
    # THEN the alarm fires and stays in ALARM: CloudWatch ignores missing data for AWS/DynamoDB
    assert [(t.minute - T0, t.to_state) for t in transitions] == [(1, "ALARM")]


def test_disabled_actions_are_reported_as_held():
    # GIVEN an alarm with ActionsEnabled false
    resources = {"P": topic("pager"), "A": metric_alarm("quiet", ActionsEnabled=False, AlarmActions=[{"Ref": "P"}])}
    # WHEN it alarms
    transitions = _run(resources, store_of({ERRORS: [3]}), 1, initial="OK")
    # THEN no action runs and the reason is given
    alarmed = [t for t in transitions if t.to_state == "ALARM"]
    assert alarmed and alarmed[0].actions == () and alarmed[0].held_by == "ActionsEnabled=false"


def test_long_windows_are_evaluated_hourly():
    # GIVEN a 1-hour x 25 alarm (over a day: evaluated at the top of the hour) and a breach from the start
    resources = {"A": metric_alarm("slow", period=3600, evaluation_periods=25, datapoints=1)}
    start = (T0 // 60) * 60 + 7  # seven minutes past an hour
    store = store_of({ERRORS: [1] * 120}, start=start)
    # WHEN simulated for two hours
    transitions = _run(resources, store, 120, initial="OK", start=start)
    # THEN the change lands on the top of the hour
    assert [(t.minute % 60, t.to_state) for t in transitions] == [(0, "ALARM")]


@settings(max_examples=150, deadline=None)
@given(points=st.lists(st.booleans(), min_size=5, max_size=5), n=st.integers(1, 3), data=st.data(),
       mode=st.sampled_from(["missing", "ignore", "breaching", "notBreaching"]))
def test_with_full_data_only_the_last_n_points_count(points, n, data, mode):
    # GIVEN a range without missing points and any M <= N
    m = data.draw(st.integers(1, n))
    # WHEN evaluated under any TreatMissingData
    state = evaluate_range(points, n, m, mode, "INSUFFICIENT_DATA")
    # THEN the state is M-out-of-N over the N most recent points
    assert state == ("ALARM" if sum(points[-n:]) >= m else "OK")


@settings(max_examples=150, deadline=None)
@given(flags=st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=40), stride=st.integers(1, 3),
       n=st.integers(1, 4), data=st.data())
def test_fast_path_agrees_with_the_full_evaluation(flags, stride, n, data):
    # GIVEN any breaching/missing history, period stride and M <= N
    from tools.alarmsim.datapoints import AlarmDatapoints
    m = data.draw(st.integers(1, n))
    points = AlarmDatapoints(0, [None] * len(flags), [0.0] * len(flags), flags)
    # WHEN the precomputed decisions are compared with evaluate_range on the evaluation range (N + 2 points)
    decided = points.decided_states(stride, n, m)
    for at, state in enumerate(decided):
        window = [flags[at - k * stride] if at - k * stride >= 0 else None for k in range(n + 1, -1, -1)]
        # THEN wherever the fast path decides, every TreatMissingData mode agrees with it
        if state is not None:
            assert all(evaluate_range(window, n, m, mode, "OK") == state
                       for mode in ("missing", "ignore", "breaching", "notBreaching"))


def test_anomaly_band_alarm_fires_on_a_traffic_step_and_not_on_steady_traffic():
    # GIVEN a TrafficDrop-style alarm (Count below ANOMALY_DETECTION_BAND(m0, 3), 3 of 3 five-minute periods)
    count = MetricKey.of("AWS/ApiGateway", "Count", {"ApiName": "orders-api"})
    resources = {"Drop": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": "drop", "ComparisonOperator": "LessThanLowerThreshold", "EvaluationPeriods": 3,
        "DatapointsToAlarm": 3, "ThresholdMetricId": "band", "TreatMissingData": "notBreaching",
        "Metrics": [{"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(m0, 3)", "ReturnData": True},
                    {"Id": "m0", "ReturnData": True, "MetricStat": {"Period": 300, "Stat": "Sum", "Metric": {
                        "Namespace": "AWS/ApiGateway", "MetricName": "Count",
                        "Dimensions": [{"Name": "ApiName", "Value": "orders-api"}]}}}]}}}
    import random
    rng = random.Random(3)
    steady = [1000 + rng.gauss(0, 30) for _ in range(240)]
    dropped = steady[:180] + [100 + rng.gauss(0, 10) for _ in range(60)]
    # WHEN steady traffic and traffic that drops to 10% at minute 180 are simulated
    quiet = _run(resources, store_of({count: steady}), 240, initial="OK")
    step = _run(resources, store_of({count: dropped}), 240, initial="OK")
    # THEN steady traffic never alarms; the drop alarms within the three 5-minute periods after it
    assert [t for t in quiet if t.to_state == "ALARM"] == []
    alarmed = [t.minute - T0 for t in step if t.to_state == "ALARM"]
    assert alarmed and 180 < alarmed[0] <= 180 + 20
