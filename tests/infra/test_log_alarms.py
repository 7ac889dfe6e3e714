"""ErrorLogs as log alarms (dev turns them on): one per function, on the function's log group, with the catalog's
threshold, matching lines in the notification, on the warning topic; no metric filter or metric alarm left."""
from __future__ import annotations

from aws_cdk import App, Stack, assertions, aws_sns as sns

from config.alarm_features import LogAlarmsConfig
from config.loader import load_config
from config.services import ServiceConfig
from stacks.monitoring.service_alarms import ServiceAlarms

LOG_ALARM = "AWS::CloudWatch::LogAlarm"


def _expected_groups(cfg) -> set[str]:
    from plan.build import plan_environment

    plan = plan_environment(cfg)
    logged = {(a.service, a.resource) for a in plan.alarms if a.family == "ErrorLogs"}
    return {r.log_group for s in plan.services for r in s.resources if (s.name, r.label) in logged}


def test_dev_builds_every_error_log_alarm_as_a_log_alarm(synth):
    cfg = synth.app_config("dev")
    assert cfg.log_alarms.enabled
    alarms = synth.result("dev").resources(LOG_ALARM)
    groups = [g for a in alarms.values() for g in a["Properties"]["ScheduledQueryConfiguration"]["LogGroupIdentifiers"]]
    assert sorted(groups) == sorted(_expected_groups(cfg)) and groups
    # THEN nothing of the metric-filter pair is left
    filters = synth.result("dev").resources("AWS::Logs::MetricFilter").values()
    assert not [f for f in filters if any(t["MetricNamespace"].endswith("/ErrorLogs")
                                          for t in f["Properties"]["MetricTransformations"])]
    metric_alarms = synth.result("dev").resources("AWS::CloudWatch::Alarm").values()
    assert not [a for a in metric_alarms if "-ErrorLogs-" in str(a["Properties"].get("AlarmName"))]


def test_each_log_alarm_counts_error_lines_with_the_catalog_threshold_and_ships_the_lines(synth):
    for key, alarm in synth.result("dev").resources(LOG_ALARM).items():
        props = alarm["Properties"]
        query = props["ScheduledQueryConfiguration"]
        assert 'level = "ERROR"' in query["QueryString"] and 'level = "CRITICAL"' in query["QueryString"], key
        assert query["AggregationExpression"] == "count(*)"
        # catalog: ErrorLogs warning > 10 lines in 1 of 1 period of 5 minutes
        assert (props["Threshold"], props["QueryResultsToAlarm"], props["QueryResultsToEvaluate"]) == (10, 1, 1)
        assert props["ComparisonOperator"] == "GreaterThanThreshold"
        assert query["ScheduleConfiguration"] == {"ScheduleExpression": "rate(5 minutes)", "StartTimeOffset": 300}
        assert props["ActionLogLineCount"] == 10 and "Fn::GetAtt" in props["ActionLogLineRoleArn"]
        assert props["AlarmName"].endswith("-ErrorLogLines-warning")
        assert props["AlarmDescription"].endswith("/ErrorLogs.md")


def test_log_alarms_notify_the_warning_topic_and_are_no_composite_child(synth):
    for stack, template in synth.templates("dev").items():
        resources = template.get("Resources", {})
        log_ids = [lid for lid, r in resources.items() if r["Type"] == LOG_ALARM]
        rules = " ".join(str(r["Properties"].get("AlarmRule")) for r in resources.values()
                         if r["Type"] == "AWS::CloudWatch::CompositeAlarm")
        for lid in log_ids:
            props = resources[lid]["Properties"]
            assert props["AlarmActions"] == props["OKActions"]
            assert "alerts-warning" in str(props["AlarmActions"]), f"{stack}/{lid}"
            assert f"'{lid}'" not in rules, f"{stack}/{lid} is a composite child"


def test_the_query_role_reads_only_the_monitored_log_groups(synth):
    policies = {k: v for k, v in synth.result("dev").resources("AWS::IAM::Policy").items() if "ErrorLogAlarm" in k}
    assert policies
    for policy in policies.values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Resource"] == "*":
                assert sorted(statement["Action"]) == ["logs:GetQueryResults", "logs:StopQuery"]
            else:
                assert "logs:StartQuery" in statement["Action"] and ":log-group:" in str(statement["Resource"])


def test_turned_off_the_metric_filter_pair_stays():
    cfg = load_config("dev").model_copy(update={"log_alarms": LogAlarmsConfig(enabled=False)})
    stack = Stack(App(), "S")
    service = ServiceConfig(name="svc", resources={"functions": [{"name": "fn"}]})
    ServiceAlarms(stack, "A", cfg=cfg, service=service, resources=service.resources,
                  info_topic=sns.Topic(stack, "Info"))
    template = assertions.Template.from_stack(stack)
    template.resource_count_is(LOG_ALARM, 0)
    template.resource_count_is("AWS::Logs::MetricFilter", 1)


def test_a_big_service_spreads_its_log_groups_over_roles_whose_policies_fit_iam():
    import json

    # GIVEN a service of 90 functions with log alarms on
    cfg = load_config("dev")
    stack = Stack(App(), "S")
    from plan.catalog import FAMILIES as ALARM_FAMILIES

    only_error_logs = {f: {"enabled": False} for f in ALARM_FAMILIES if f != "ErrorLogs"}
    service = ServiceConfig(name="fleet", overrides=only_error_logs,
                            resources={"functions": [{"name": f"fleet-function-{i:03d}"} for i in range(90)]})
    created = ServiceAlarms(stack, "A", cfg=cfg, service=service, resources=service.resources,
                            info_topic=sns.Topic(stack, "Info"), warning_topic=sns.Topic(stack, "Warning"))
    template = assertions.Template.from_stack(stack)
    # THEN 90 log alarms, 3 roles of at most 40 log groups, each inline policy within IAM's 10,240 characters
    assert len(created.log_alarms) == 90
    template.resource_count_is(LOG_ALARM, 90)
    policies = template.find_resources("AWS::IAM::Policy")
    assert len(policies) == 3 and template.find_resources("AWS::IAM::ManagedPolicy") == {}
    for policy in policies.values():
        document = policy["Properties"]["PolicyDocument"]
        (scoped,) = [s for s in document["Statement"] if s["Resource"] != "*"]
        assert len(scoped["Resource"]) <= 40
        # rendered with the longest region and account the ARN can hold
        rendered = json.dumps(document).replace('{"Ref": "AWS::Partition"}', '"aws-us-gov"')
        assert len(rendered) < 10_240, len(rendered)
