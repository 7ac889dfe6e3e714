"""Account-level signals: Lambda's claimed concurrency against the configured quota, SES reputation when SES is
used, as catalog alarms in the environment's Account stack, rolled into a warning composite that reaches people."""
from __future__ import annotations

import json

import pytest
import yaml
from aws_cdk import App, Environment, Stack, aws_cloudwatch as cloudwatch, aws_sns as sns
from aws_cdk.assertions import Match, Template

from config.account import AccountSignalsConfig
from config.loader import CONFIG_DIR, ConfigError, load_config
from plan.account import account_signals, ses_in_use
from stacks.account import AccountSignalAlarms
from tests.synth import cdk_json_context

PROD = load_config("prod")


def _cfg(**account):
    return PROD.model_copy(update={"account_signals": AccountSignalsConfig(**account)})


def test_the_concurrency_alarm_sits_at_90_percent_of_the_configured_quota():
    # GIVEN the default quota (1000) and a raised one  THEN the threshold is 90 % of each, in concurrency units
    assert [(s.family, s.severity, s.threshold.value * s.scale) for s in account_signals(PROD)] == [
        ("AccountConcurrency", "warning", 900.0)]
    raised = account_signals(_cfg(lambda_concurrency_quota=3000))
    assert [s.threshold.value * s.scale for s in raised] == [2700.0]
    # AND an override changes the share (like any catalog family), enabled=false drops it
    assert [s.threshold.value * s.scale for s in account_signals(_cfg(overrides={
        "AccountConcurrency": {"threshold": 80}}))] == [800.0]
    assert account_signals(_cfg(overrides={"AccountConcurrency": {"enabled": False}})) == []
    assert account_signals(_cfg(enabled=False)) == []


def test_ses_reputation_is_alarmed_when_config_switches_it_on():
    assert not ses_in_use(PROD)
    signals = {s.family: s for s in account_signals(_cfg(ses=True))}
    assert sorted(signals) == ["AccountConcurrency", "SesBounceRate", "SesComplaintRate"]
    # SES publishes rates as 0..1: 5 % and 0.1 % are 0.05 and 0.001
    assert signals["SesBounceRate"].threshold.value * signals["SesBounceRate"].scale == pytest.approx(0.05)
    assert signals["SesComplaintRate"].threshold.value * signals["SesComplaintRate"].scale == pytest.approx(0.001)


def test_a_quota_below_what_lambda_allows_is_one_config_line(tmp_path):
    raw = yaml.safe_load((CONFIG_DIR / "prod.yaml").read_text())
    raw["account_signals"] = {"lambda_concurrency_quota": 0}
    (tmp_path / "prod.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError) as error:
        load_config("prod", tmp_path)
    [line] = error.value.lines
    assert "account_signals" in line and "lambda_concurrency_quota" in line and "10" in line


@pytest.fixture(scope="module")
def template():
    stack = Stack(App(context=cdk_json_context()), "Account", env=Environment(account="123456789012",
                                                                              region="eu-west-1"))
    topics = {s: sns.Topic(stack, s.title()) for s in ("critical", "warning", "info")}
    suppressor = cloudwatch.Alarm.from_alarm_name(stack, "Switch", "watchtower-prod-all-maintenance-Maintenance-info")
    AccountSignalAlarms(stack, "Signals", cfg=_cfg(ses=True), signals=account_signals(_cfg(ses=True)),
                        topics=topics, suppressor=suppressor)
    return Template.from_stack(stack)


def test_each_signal_reads_the_accounts_own_metric_without_dimensions(template):
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-prod-account-lambda-AccountConcurrency-warning",
        "Namespace": "AWS/Lambda", "MetricName": "ClaimedAccountConcurrency", "Statistic": "Maximum",
        "Dimensions": Match.absent(), "Period": 60, "EvaluationPeriods": 10, "DatapointsToAlarm": 10,
        "Threshold": 900, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"})
    for metric, threshold in (("Reputation.BounceRate", 0.05), ("Reputation.ComplaintRate", 0.001)):
        template.has_resource_properties("AWS::CloudWatch::Alarm", {
            "Namespace": "AWS/SES", "MetricName": metric, "Statistic": "Average", "Dimensions": Match.absent(),
            "Period": 3600, "Threshold": threshold, "ComparisonOperator": "GreaterThanOrEqualToThreshold"})


def test_they_roll_into_a_warning_composite_that_reaches_people_and_maintenance_holds(template):
    composites = template.find_resources("AWS::CloudWatch::CompositeAlarm")
    [composite] = composites.values()
    props = composite["Properties"]
    assert props["AlarmName"] == "watchtower-prod-account-account-Warning-warning"
    assert props["AlarmActions"] == props["OKActions"]
    [action] = props["AlarmActions"]
    assert action["Ref"].startswith("Warning")
    assert "maintenance-Maintenance-info" in json.dumps(props["ActionsSuppressor"])
    rule = json.dumps(props["AlarmRule"])
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert all(logical in rule for logical in alarms) and len(alarms) == 3
    # AND the children only give chat context (the info topic): the composite is what reaches people
    assert all(a["Properties"]["AlarmActions"][0]["Ref"].startswith("Info") for a in alarms.values())


def test_prod_deploys_the_account_stack_in_the_home_region_after_the_switch(synth):
    templates = synth.templates("prod")
    resources = templates["watchtower-prod-Account"]["Resources"]
    [composite] = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::CompositeAlarm"]
    assert composite["AlarmActions"] == [f"arn:aws:sns:{PROD.region}:{PROD.account}:watchtower-prod-alerts-warning"]
    manifest = json.loads((synth.result("prod").outdir / "manifest.json").read_text())
    assert "watchtower-prod-Maintenance" in manifest["artifacts"]["watchtower-prod-Account"]["dependencies"]
