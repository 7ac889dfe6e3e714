"""The cost stack in every synthesized environment: monitors, subscription, budget, checker and its alarm, and the
alerting topic policy that lets Cost Anomaly Detection and Budgets publish."""
from __future__ import annotations

import json

import pytest

ENVIRONMENTS = ("dev", "staging", "prod")


def _cost(synth, env: str) -> dict:
    return synth.templates(env)[f"watchtower-{env}-Cost"]


def _of_type(template: dict, resource_type: str) -> dict[str, dict]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def _exported_logical_id(synth, env: str, value) -> str:
    """The Alerting stack's topic an ARN names: the ARN is built from the topic's name (a literal, or a Fn::Join
    ending in ':<name>'), never imported from the Alerting stack."""
    assert "Fn::ImportValue" not in json.dumps(value), value
    text = value if isinstance(value, str) else value["Fn::Join"][1][-1]
    name = text.rsplit(":", 1)[-1]
    alerting = synth.templates(env)[f"watchtower-{env}-Alerting"]
    (logical_id,) = [k for k, r in _of_type(alerting, "AWS::SNS::Topic").items()
                     if r["Properties"]["TopicName"] == name]
    return logical_id


def _warning_topic_id(synth, env: str) -> str:
    alerting = synth.templates(env)[f"watchtower-{env}-Alerting"]
    (logical_id,) = [k for k, r in _of_type(alerting, "AWS::SNS::Topic").items()
                     if r["Properties"]["TopicName"] == f"watchtower-{env}-alerts-warning"]
    return logical_id


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_anomaly_monitors_watch_services_and_the_project_tag(synth, env):
    # GIVEN the environment's config / WHEN its templates are read
    cfg = synth.app_config(env)
    monitors = list(_of_type(_cost(synth, env), "AWS::CE::AnomalyMonitor").values())
    # THEN there is a SERVICE monitor where config asks for one, and always a CUSTOM monitor on the Project tag
    service = [m for m in monitors if m["Properties"].get("MonitorDimension") == "SERVICE"]
    assert len(service) == (1 if cfg.cost.anomaly.service_monitor else 0)
    assert all(m["Properties"]["MonitorType"] == "DIMENSIONAL" for m in service)
    (tag,) = [m for m in monitors if m["Properties"]["MonitorType"] == "CUSTOM"]
    assert json.loads(tag["Properties"]["MonitorSpecification"]) == {"Tags": {"Key": "Project", "Values": ["watchtower"]}}


def test_no_shipped_environment_creates_a_second_service_monitor(synth):
    # GIVEN accounts come with AWS's own SERVICE monitor and allow one / THEN no environment adds one by default
    for env in ENVIRONMENTS:
        assert not synth.app_config(env).cost.anomaly.service_monitor, env
        monitors = _of_type(_cost(synth, env), "AWS::CE::AnomalyMonitor").values()
        assert not [m for m in monitors if m["Properties"].get("MonitorDimension") == "SERVICE"], env


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_anomaly_subscription_is_immediate_to_the_warning_topic_above_the_configured_impact(synth, env):
    cfg = synth.app_config(env)
    template = _cost(synth, env)
    (subscription,) = _of_type(template, "AWS::CE::AnomalySubscription").values()
    props = subscription["Properties"]
    # THEN it is IMMEDIATE (the only frequency SNS subscribers accept), with one SNS subscriber: the warning topic
    assert props["Frequency"] == "IMMEDIATE"
    (subscriber,) = props["Subscribers"]
    assert subscriber["Type"] == "SNS"
    assert _exported_logical_id(synth, env, subscriber["Address"]) == _warning_topic_id(synth, env)
    # AND it covers every monitor of the stack
    monitor_ids = set(_of_type(template, "AWS::CE::AnomalyMonitor"))
    assert {arn["Fn::GetAtt"][0] for arn in props["MonitorArnList"]} == monitor_ids
    # AND its threshold is the configured absolute impact
    expression = json.loads(props["ThresholdExpression"])["Dimensions"]
    assert expression["Key"] == "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
    assert expression["MatchOptions"] == ["GREATER_THAN_OR_EQUAL"]
    assert float(expression["Values"][0]) == cfg.cost.anomaly.min_impact_usd


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_monthly_budget_notifies_the_warning_topic_on_actual_and_forecasted_cost(synth, env):
    cfg = synth.app_config(env)
    (budget,) = _of_type(_cost(synth, env), "AWS::Budgets::Budget").values()
    data = budget["Properties"]["Budget"]
    # THEN it is a monthly COST budget at the configured limit, on this environment's tag
    assert (data["BudgetType"], data["TimeUnit"]) == ("COST", "MONTHLY")
    assert data["BudgetLimit"] == {"Amount": cfg.cost.budget.monthly_limit_usd, "Unit": "USD"}
    assert data["CostFilters"] == {"TagKeyValue": [f"user:Environment${env}"]}
    # AND each configured alert is a percentage notification to the warning topic
    notifications = budget["Properties"]["NotificationsWithSubscribers"]
    got = {(n["Notification"]["NotificationType"], n["Notification"]["Threshold"]) for n in notifications}
    assert got == {(a.type, a.percent) for a in cfg.cost.budget.alerts}
    assert {"ACTUAL", "FORECASTED"} <= {t for t, _ in got}
    for n in notifications:
        assert n["Notification"]["ThresholdType"] == "PERCENTAGE"
        (subscriber,) = n["Subscribers"]
        assert subscriber["SubscriptionType"] == "SNS"
        assert _exported_logical_id(synth, env, subscriber["Address"]) == _warning_topic_id(synth, env)


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("service", ["costalerts.amazonaws.com", "budgets.amazonaws.com"])
def test_warning_topic_policy_and_key_let_cost_services_publish(synth, env, service):
    # GIVEN the Alerting template / WHEN reading the warning topic's policy and the topics' key policy
    alerting = synth.templates(env)[f"watchtower-{env}-Alerting"]
    topic_id = _warning_topic_id(synth, env)
    (policy,) = [p for p in _of_type(alerting, "AWS::SNS::TopicPolicy").values()
                 if p["Properties"]["Topics"] == [{"Ref": topic_id}]]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    # THEN the service may sns:Publish to that topic
    assert [s for s in statements if s["Effect"] == "Allow" and s["Principal"] == {"Service": service}
            and s["Action"] == "sns:Publish" and s["Resource"] == {"Ref": topic_id}]
    # AND may use the KMS key the topic is encrypted with
    (key,) = _of_type(alerting, "AWS::KMS::Key").values()
    grants = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Principal") == {"Service": service}]
    assert grants and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(grants[0]["Action"])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_ce_resources_carry_the_cost_allocation_tags_as_resource_tags(synth, env):
    expected = synth.app_config(env).tags.as_dict()
    for kind in ("AWS::CE::AnomalyMonitor", "AWS::CE::AnomalySubscription", "AWS::Budgets::Budget"):
        for resource in _of_type(_cost(synth, env), kind).values():
            tags = {t["Key"]: t["Value"] for t in resource["Properties"]["ResourceTags"]}
            assert {k: tags.get(k) for k in expected} == expected


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_hourly_cost_alarm_warns_above_the_configured_dollars_per_hour(synth, env):
    cfg = synth.app_config(env)
    template = _cost(synth, env)
    (alarm,) = _of_type(template, "AWS::CloudWatch::Alarm").values()
    props = alarm["Properties"]
    # THEN it follows the naming, runbook and tag conventions of every alarm
    assert props["AlarmName"] == f"watchtower-{env}-cost-account-CostAnomaly-warning"
    assert props["AlarmDescription"].endswith("/CostAnomaly.md")
    tags = {t["Key"]: t["Value"] for t in props["Tags"]}
    assert (tags["service"], tags["severity"], tags["env"]) == ("cost", "warning", env)
    # AND it watches the checker's metric at the configured threshold, missing data not breaching
    assert (props["Namespace"], props["MetricName"]) == (cfg.cost.checker.metrics_namespace, "EstimatedHourlyCost")
    assert props["Dimensions"] == [{"Name": "Scope", "Value": "account"}]
    assert props["Threshold"] == cfg.cost.checker.hourly_cost_threshold_usd
    assert (props["ComparisonOperator"], props["TreatMissingData"]) == ("GreaterThanThreshold", "notBreaching")
    assert props["Period"] * props["EvaluationPeriods"] <= 86400
    # AND it notifies the warning topic
    (action,) = props["AlarmActions"]
    assert _exported_logical_id(synth, env, action) == _warning_topic_id(synth, env)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_checker_runs_hourly_with_only_cost_explorer_read_access(synth, env):
    template = _cost(synth, env)
    (function_id, function), = _of_type(template, "AWS::Lambda::Function").items()
    # THEN an EventBridge schedule runs it every hour
    (rule,) = _of_type(template, "AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 hour)"
    assert rule["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    # AND its role may read Cost Explorer and nothing else outside its own log group
    (policy,) = _of_type(template, "AWS::IAM::Policy").values()
    actions = {a for s in policy["Properties"]["PolicyDocument"]["Statement"]
               for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert "ce:GetCostAndUsage" in actions
    assert all(a == "ce:GetCostAndUsage" or a.startswith("logs:") for a in actions)
    # AND the handler gets its settings, and the estimate its metric count, from the template
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["ENVIRONMENT"] == env and variables["METRICS_NAMESPACE"]
    assert function["Properties"]["Handler"] == "cost_checker.handler.handler"
    assert function["Metadata"]["watchtower:cost"]["custom_metrics"] == 4 + synth.app_config(env).cost.checker.top_services
