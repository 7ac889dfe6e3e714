"""SourceAccountMetrics on a bare stack: single-metric and math alarms read the source account; the monitoring
account's own metrics (canaries, the app's namespaces) do not."""
from __future__ import annotations

from aws_cdk import App, Aspects, Aws, Duration, Environment, Stack, aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Template

from stacks.organization.placement import SourceAccountMetrics


def metric(name: str, namespace: str = "AWS/Lambda", statistic: str = "Sum") -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=namespace, metric_name=name, dimensions_map={"FunctionName": "f"},
                             statistic=statistic, period=Duration.minutes(1))


def test_single_metric_and_math_alarms_get_the_account_on_every_query_and_local_metrics_do_not():
    stack = Stack(App(), "Bare", env=Environment(account="111111111111", region="eu-west-1"))
    metric("Errors").create_alarm(stack, "Single", threshold=1, evaluation_periods=1, alarm_name="single")
    metric("Duration", statistic="p99").create_alarm(stack, "Percentile", threshold=1, evaluation_periods=1,
                                                     alarm_name="percentile")
    cloudwatch.MathExpression(expression="e / i", using_metrics={"e": metric("Errors"), "i": metric("Invocations")},
                              period=Duration.minutes(1)).create_alarm(stack, "Math", threshold=1,
                                                                       evaluation_periods=1, alarm_name="math")
    metric("SuccessPercent", namespace="CloudWatchSynthetics", statistic="Average").create_alarm(
        stack, "Canary", threshold=1, evaluation_periods=1, alarm_name="canary")
    metric("MaintenanceMode", namespace="watchtower/dev/Maintenance").create_alarm(
        stack, "Own", threshold=1, evaluation_periods=1, alarm_name="own")
    Aspects.of(stack).add(SourceAccountMetrics("222222222222", own_prefix="watchtower/dev/"))
    alarms = {a["Properties"]["AlarmName"]: a["Properties"]
              for a in Template.from_stack(stack).find_resources("AWS::CloudWatch::Alarm").values()}
    # the single-metric alarm is the one-query form CDK renders for Metric(account=...)
    assert alarms["single"]["Metrics"] == [{
        "Id": "m1", "AccountId": "222222222222", "ReturnData": True,
        "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors",
                                  "Dimensions": [{"Name": "FunctionName", "Value": "f"}]},
                       "Period": 60, "Stat": "Sum"}}]
    assert not {"MetricName", "Namespace", "Statistic", "Period", "Dimensions"} & set(alarms["single"])
    assert alarms["percentile"]["Metrics"][0]["MetricStat"]["Stat"] == "p99"
    math = alarms["math"]["Metrics"]
    assert [q.get("AccountId") for q in math if "MetricStat" in q] == ["222222222222", "222222222222"]
    assert all("AccountId" not in q for q in math if "Expression" in q)
    for local in ("canary", "own"):
        assert "AccountId" not in str(alarms[local]) and alarms[local].get("MetricName")


def _alarms_of_every_shape(stack: Stack) -> None:
    metric("Errors").create_alarm(stack, "Single", threshold=1, evaluation_periods=1, alarm_name="single")
    cloudwatch.Metric(namespace="AWS/SQS", metric_name="ApproximateAgeOfOldestMessage", unit=cloudwatch.Unit.SECONDS,
                      dimensions_map={"QueueName": f"q-{Aws.REGION}"}, statistic="Maximum").create_alarm(
        stack, "Unit", threshold=1, evaluation_periods=1, alarm_name="unit")
    cloudwatch.MathExpression(expression="e / i", using_metrics={"e": metric("Errors"), "i": metric("Invocations")},
                              period=Duration.minutes(1)).create_alarm(stack, "Math", threshold=1,
                                                                       evaluation_periods=1, alarm_name="math")
    metric("MaintenanceMode", namespace="watchtower/dev/Maintenance").create_alarm(
        stack, "Own", threshold=1, evaluation_periods=1, alarm_name="own")


def test_applied_at_build_it_changes_the_alarms_exactly_as_the_aspect_does_at_synth():
    # GIVEN the same alarms (a unit, a dimension holding a pseudo parameter, math, an own metric) in two stacks
    app = App()
    by_aspect, applied = (Stack(app, name, env=Environment(account="111111111111", region="eu-west-1"))
                          for name in ("ByAspect", "Applied"))
    for stack in (by_aspect, applied):
        _alarms_of_every_shape(stack)
    # WHEN one gets the aspect and the other has it applied at once
    Aspects.of(by_aspect).add(SourceAccountMetrics("222222222222", own_prefix="watchtower/dev/"))
    SourceAccountMetrics("222222222222", own_prefix="watchtower/dev/").apply_to(applied)
    # THEN the templates are the same, and the token dimension and the unit survive the rewrite
    aspect_template = Template.from_stack(by_aspect).to_json()
    assert aspect_template == Template.from_stack(applied).to_json()
    unit = next(a["Properties"] for a in aspect_template["Resources"].values()
                if a["Properties"].get("AlarmName") == "unit")
    stat = unit["Metrics"][0]["MetricStat"]
    assert stat["Unit"] == "Seconds" and stat["Stat"] == "Maximum" and unit["Metrics"][0]["AccountId"] == "222222222222"
    region_joined = {"Fn::Join": ["", ["q-", {"Ref": "AWS::Region"}]]}
    assert stat["Metric"]["Dimensions"] == [{"Name": "QueueName", "Value": region_joined}]
    assert not {"Unit", "Statistic", "MetricName"} & set(unit)
