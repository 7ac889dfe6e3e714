"""The manual maintenance switch, flipped against moto's CloudWatch (no AWS account)."""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from config.loader import load_config
from stacks.monitoring.maintenance import maintenance_alarm_name
from stacks.monitoring.switch import main

CFG = load_config("prod")
NAME = maintenance_alarm_name(CFG)


EXTRA = [r for r in CFG.synthetics.extra_regions if r != CFG.region]


@pytest.fixture
def cloudwatch():
    with mock_aws():
        client = boto3.client("cloudwatch", region_name=CFG.region)
        yield client


def _deploy_switch(client, *, extra_regions: bool = True) -> None:
    for region in EXTRA if extra_regions else ():  # the copy in each extra canary region
        _put(boto3.client("cloudwatch", region_name=region), maintenance_alarm_name(CFG, region))
    _put(client, NAME)


def _put(client, name: str) -> None:
    # the same settings the template gives the alarm
    client.put_metric_alarm(AlarmName=name, Namespace="watchtower/prod/Maintenance", MetricName="MaintenanceMode",
                            Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=1,
                            ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="ignore")


def test_on_and_off_reach_the_switch_of_every_extra_canary_region(cloudwatch):
    # GIVEN prod, whose canaries also run in us-east-1 (their alarms are held by that region's switch)
    assert EXTRA == ["us-east-1"]
    _deploy_switch(cloudwatch)
    regional, regional_name = boto3.client("cloudwatch", region_name=EXTRA[0]), maintenance_alarm_name(CFG, EXTRA[0])
    assert main(["prod", "on", "failover"]) == 0
    assert _state(regional, regional_name) == ("ALARM", "failover") and _state(cloudwatch)[0] == "ALARM"
    assert main(["prod", "off"]) == 0
    assert _state(regional, regional_name)[0] == "OK"


def test_a_missing_regional_switch_is_one_line_naming_the_region(cloudwatch, capsys):
    _deploy_switch(cloudwatch, extra_regions=False)
    assert main(["prod", "on"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"maintenance: alarm {maintenance_alarm_name(CFG, EXTRA[0])} does not exist in {EXTRA[0]}: deploy "
        "watchtower-prod first")


def _state(client, name: str = NAME) -> tuple[str, str]:
    alarm = client.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    return alarm["StateValue"], alarm["StateReason"]


def test_on_sets_the_switch_to_alarm_and_off_back_to_ok(cloudwatch, capsys):
    # GIVEN the deployed switch
    _deploy_switch(cloudwatch)
    # WHEN maintenance is switched on with a reason
    assert main(["prod", "on", "database failover drill"]) == 0
    # THEN the alarm is in ALARM with that reason, and off returns it to OK
    assert _state(cloudwatch) == ("ALARM", "database failover drill")
    assert f"{NAME} is now ALARM" in capsys.readouterr().out
    assert main(["prod", "off"]) == 0
    assert _state(cloudwatch)[0] == "OK"


def test_a_missing_alarm_is_one_line_not_a_traceback(cloudwatch, capsys):
    assert main(["prod", "on"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"maintenance: alarm {NAME} does not exist in this account/region: deploy watchtower-prod first"]


@pytest.mark.parametrize(("argv", "message"), [
    (["prod", "maybe"], "maintenance: state must be on or off, got 'maybe'"),
    (["nope", "on"], "maintenance: unknown environment 'nope': known environments are dev, prod, staging"),
])
def test_bad_arguments_are_one_clear_line(argv, message, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == message
