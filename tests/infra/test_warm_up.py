"""Warm-up: every metric alarm that can make a paging composite page waits out the warm-up after it is
created or changed; nothing else gets one (a warning that stays quiet would hide nothing worth hiding)."""
from __future__ import annotations

import pytest
import yaml
from aws_cdk import App, Aspects, Duration, Stack, assertions, aws_cloudwatch as cloudwatch

from config.alarm_features import WarmUpConfig
from config.loader import CONFIG_DIR, ConfigError, load_config
from stacks.alarm_features.warm_up import WarmUp


def _rule_children(rule) -> list[str]:
    if isinstance(rule, dict) and "Fn::Join" in rule:
        return [p["Fn::GetAtt"][0] for p in rule["Fn::Join"][1] if isinstance(p, dict) and "Fn::GetAtt" in p]
    return []


def _paging_metric_alarms(resources: dict) -> set[str]:
    """Logical ids of metric alarms under a composite that acts on the critical topic, at any depth.

    An extra region's canary composite is named ``-critical`` but notifies that region's own topic (people, not
    the pager), so only composites whose actions name the critical alert topic count."""
    paging = [lid for lid, r in resources.items() if r["Type"] == "AWS::CloudWatch::CompositeAlarm"
              and str(r["Properties"].get("AlarmName", "")).endswith("-critical")
              and "alerts-critical" in str(r["Properties"].get("AlarmActions"))]
    found, todo = set(), list(paging)
    while todo:
        for child in _rule_children(resources[todo.pop()]["Properties"]["AlarmRule"]):
            kind = resources[child]["Type"]
            if kind == "AWS::CloudWatch::Alarm":
                found.add(child)
            elif kind == "AWS::CloudWatch::CompositeAlarm":
                todo.append(child)
    return found


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_alarm_behind_a_page_warms_up_and_no_other_does(synth, env):
    cfg = synth.app_config(env)
    behind_pages = 0
    for stack, template in synth.templates(env).items():
        resources = template.get("Resources", {})
        paging = _paging_metric_alarms(resources)
        behind_pages += len(paging)
        for logical_id, resource in resources.items():
            if resource["Type"] != "AWS::CloudWatch::Alarm":
                continue
            props = resource["Properties"]
            warm_up = props.get("WarmUpConfiguration")
            if logical_id in paging:
                assert warm_up == {"WarmUpPeriodDurationInMinutes": cfg.warm_up.minutes,
                                   "OnlyStartEvaluatingAfterWarmUpPeriodEnds": False}, f"{stack}/{logical_id}"
            if not str(props.get("AlarmName", "")).endswith("-critical"):
                assert warm_up is None, f"{stack}/{logical_id} ({props.get('AlarmName')}) does not page"
            if props.get("OKActions"):
                # its warm-up's end would announce a recovery (INSUFFICIENT_DATA -> OK) after every deploy
                assert warm_up is None, f"{stack}/{logical_id} notifies OK itself"
    assert behind_pages > 10 and cfg.warm_up.minutes == 5


def _alarm_template(config: WarmUpConfig, name: str) -> assertions.Template:
    stack = Stack(App(), "S")
    cloudwatch.Alarm(stack, "A", alarm_name=name, threshold=1, evaluation_periods=1,
                     metric=cloudwatch.Metric(namespace="N", metric_name="M", period=Duration.minutes(1)))
    Aspects.of(stack).add(WarmUp(config))
    return assertions.Template.from_stack(stack)


def test_the_warm_up_is_configurable_and_zero_turns_it_off():
    waits = _alarm_template(WarmUpConfig(minutes=30, wait_full_period=True), "x-critical")
    waits.has_resource_properties("AWS::CloudWatch::Alarm", {"WarmUpConfiguration": {
        "WarmUpPeriodDurationInMinutes": 30, "OnlyStartEvaluatingAfterWarmUpPeriodEnds": True}})
    off = _alarm_template(WarmUpConfig(minutes=0), "x-critical")
    off.has_resource_properties("AWS::CloudWatch::Alarm", {"WarmUpConfiguration": assertions.Match.absent()})


def test_a_warm_up_longer_than_cloudwatch_allows_is_one_line(tmp_path):
    data = yaml.safe_load((CONFIG_DIR / "dev.yaml").read_text())
    data["warm_up"] = {"minutes": 2881}
    (tmp_path / "dev.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        load_config("dev", tmp_path)
    (line,) = caught.value.lines
    assert "warm_up.minutes: must be at most 2880 (got 2881)" in line
