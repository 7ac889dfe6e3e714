"""Cost constructs on a bare Stack, for config variants the environments do not use."""
from __future__ import annotations

import json

from aws_cdk import App, Stack, aws_sns as sns
from aws_cdk.assertions import Match, Template

from config.loader import load_config
from stacks.cost import AnomalyDetection, HourlyCostAlarm, MonthlyBudget
from stacks.cost.anomaly import threshold_expression


def _bare(cost: dict) -> tuple[Stack, sns.Topic, object]:
    base = load_config("dev")
    cfg = base.model_copy(update={"cost": base.cost.model_validate({**base.cost.model_dump(), **cost})})
    stack = Stack(App(), "Bare")
    return stack, sns.Topic(stack, "Warning"), cfg


def test_environment_scoped_alarm_watches_the_environment_series():
    # GIVEN alarm_scope environment / WHEN the alarm is built
    stack, topic, cfg = _bare({"checker": {"alarm_scope": "environment", "hourly_cost_threshold_usd": 2.5}})
    HourlyCostAlarm(stack, "Hourly", cfg=cfg, topic=topic)
    # THEN it watches Scope=<env> and is named for the environment
    Template.from_stack(stack).has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-dev-cost-environment-CostAnomaly-warning",
        "Dimensions": [{"Name": "Scope", "Value": "dev"}],
        "Threshold": 2.5,
        "AlarmDescription": Match.string_like_regexp(r"estimated hourly cost .* > 2\.5 USD/h .*Runbook: https://\S+/CostAnomaly\.md$"),
    })


def test_budget_without_tag_filter_covers_the_whole_account():
    # GIVEN the tag filter turned off and a single forecast alert
    stack, topic, cfg = _bare({"budget": {"filter_on_environment_tag": False,
                                          "alerts": [{"type": "FORECASTED", "percent": 90}]}})
    MonthlyBudget(stack, "Budget", cfg=cfg, topic=topic)
    (budget,) = Template.from_stack(stack).find_resources("AWS::Budgets::Budget").values()
    # THEN no CostFilters, and exactly that notification
    assert "CostFilters" not in budget["Properties"]["Budget"]
    (n,) = budget["Properties"]["NotificationsWithSubscribers"]
    assert n["Notification"]["NotificationType"] == "FORECASTED" and n["Notification"]["Threshold"] == 90


def test_tag_monitor_follows_the_configured_tag_key():
    # GIVEN the tag monitor on CostCenter and no service monitor
    stack, topic, cfg = _bare({"anomaly": {"tag_key": "CostCenter", "service_monitor": False}})
    AnomalyDetection(stack, "Anomaly", cfg=cfg, topic=topic)
    monitors = Template.from_stack(stack).find_resources("AWS::CE::AnomalyMonitor")
    # THEN the one monitor watches CostCenter=CC-1001
    (monitor,) = monitors.values()
    assert json.loads(monitor["Properties"]["MonitorSpecification"]) == {"Tags": {"Key": "CostCenter", "Values": ["CC-1001"]}}


def test_threshold_expression_writes_dollars_without_float_noise():
    assert json.loads(threshold_expression(0.1))["Dimensions"]["Values"] == ["0.1"]
    assert json.loads(threshold_expression(1000.0))["Dimensions"]["Values"] == ["1000"]


def test_cost_stack_without_checker_keeps_anomaly_and_budget_but_no_lambda_or_alarm():
    # GIVEN the checker disabled in config
    from stacks.cost_stack import CostStack

    base = load_config("dev")
    cfg = base.model_copy(update={"cost": base.cost.model_validate({**base.cost.model_dump(), "checker": {"enabled": False}})})
    app = App()
    topic = sns.Topic(Stack(app, "Alerting"), "Warning")
    # WHEN the cost stack is built
    stack = CostStack(app, "Cost", cfg=cfg, warning_topic=topic)
    template = Template.from_stack(stack)
    # THEN monitors, subscription and budget remain; no function, schedule or alarm; nothing for dashboards
    template.resource_count_is("AWS::CE::AnomalySubscription", 1)
    template.resource_count_is("AWS::Budgets::Budget", 1)
    template.resource_count_is("AWS::Lambda::Function", 0)
    template.resource_count_is("AWS::CloudWatch::Alarm", 0)
    assert stack.alarm_refs == [] and stack.checker_function_name == ""


def test_cost_stack_exposes_its_alarm_and_checker_name_for_dashboards():
    from stacks.cost_stack import CostStack

    app = App()
    topic = sns.Topic(Stack(app, "Alerting"), "Warning")
    stack = CostStack(app, "Cost", cfg=load_config("dev"), warning_topic=topic)
    (ref,) = stack.alarm_refs
    assert (ref.family, ref.severity, ref.service) == ("CostAnomaly", "warning", "cost")
    assert stack.checker_function_name == "watchtower-dev-cost-checker"
