"""The organization: section: a valid one loads, every mistake in it is one line, and without it nothing changes."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config.loader import CONFIG_DIR, ConfigError, load_config

ORG = {
    "monitoring_account": "111111111111",
    "organization_id": "o-abcdefghij",
    "accounts": {"shop": "222222222222", "payments": "333333333333", "search": "444444444444"},
    "organizational_units": ["ou-ab12-cdefgh34"],
    "regions": ["eu-west-1", "us-east-1"],
}


def write_env(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((CONFIG_DIR / "dev.yaml").read_text())
    data["region"] = "eu-west-1"
    data["organization"] = yaml.safe_load(yaml.safe_dump(ORG))
    mutate(data)
    (tmp_path / "dev.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


def problems(tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config("dev", tmp_path)
    return caught.value.lines


def place(data: dict, account: str | None = None, region: str | None = None) -> None:
    service = data["services"][0]
    if account is not None:
        service["account"] = account
    if region is not None:
        service["region"] = region


def test_an_organization_with_placed_services_loads(tmp_path):
    # GIVEN an organization and a service in a source account and another region
    write_env(tmp_path, lambda d: place(d, "shop", "us-east-1"))
    # WHEN it loads THEN the service keeps its placement and the regions put the environment's first
    cfg = load_config("dev", tmp_path)
    assert cfg.services[0].account == "shop" and cfg.services[0].region == "us-east-1"
    assert cfg.organization.all_regions(cfg.region) == ("eu-west-1", "us-east-1")
    assert cfg.organization.accounts["shop"] == "222222222222"
    # the OUs are reached by the StackSet, so no account gets its own link stack by default
    assert cfg.organization.link_stack_accounts() == ()


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_without_organization_nothing_is_placed(env):
    cfg = load_config(env)
    assert cfg.organization is None
    assert all(s.account is None and s.region is None for s in cfg.services)


def test_listed_accounts_without_ous_get_a_link_stack_each(tmp_path):
    def mutate(d):
        del d["organization"]["organizational_units"], d["organization"]["organization_id"]
    write_env(tmp_path, mutate)
    cfg = load_config("dev", tmp_path)
    assert sorted(cfg.organization.link_stack_accounts()) == ["payments", "search", "shop"]


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: place(d, "shopp"), "account 'shopp' is not one of organization.accounts (payments, search, shop)"),
    (lambda d: place(d, region="ap-south-1"), "region 'ap-south-1' is not one of the organization's regions"),
    (lambda d: d["organization"]["accounts"].update(shop="22222222222"), "is not a 12-digit account id"),
    (lambda d: d["organization"]["accounts"].update(shop=222222222222), "write the id as quoted text"),
    (lambda d: d["organization"]["accounts"].update(payments="222222222222"), "account ids must be unique"),
    (lambda d: d["organization"]["accounts"].update(Shop_Team="555555555555"), "account name 'Shop_Team'"),
    (lambda d: d["organization"].update(organizational_units=["ou-12"]), "'ou-12' is not an organizational unit"),
    (lambda d: d["organization"].update(monitoring_account="1111"), "organization.monitoring_account"),
    (lambda d: d["organization"].pop("organization_id"), "organizational_units need organization_id"),
    (lambda d: d["organization"].update(regions=["eu-west1"]), "'eu-west1' is not a region name"),
    (lambda d: d["organization"].update(regions=["us-east-1"]), "region (eu-west-1) must be one of"),
    (lambda d: d.update(account="999999999999"), "must be the organization's monitoring_account"),
    (lambda d: d.pop("region"), "organization: needs the environment's region:"),
    (lambda d: (place(d, "shop"), d["services"][0].update(overrides={"ErrorLogs": {"threshold": 1}})),
     "ErrorLogs cannot be enabled for a service in another account"),
    (lambda d: d["organization"]["accounts"].update(own="111111111111"), "is the monitoring account itself"),
    (lambda d: d["organization"].update(link_stacks_for=["legacy"]), "link_stacks_for: 'legacy' is not one of"),
    (lambda d: d["organization"].update(shared_resource_types=["AWS::Logs::LogGroup"]),
     "must include AWS::CloudWatch::Metric"),
    (lambda d: d["organization"].update(shared_resource_types=["AWS::S3::Bucket"]), "shared_resource_types.0"),
])
def test_each_mistake_is_one_line(tmp_path, mutate, expected):
    # GIVEN one mistake in the organization or a service's placement WHEN the config loads THEN one line says it
    write_env(tmp_path, mutate)
    (line,) = problems(tmp_path)
    assert expected in line and "dev.yaml" in line


def test_placement_without_an_organization_is_one_line(tmp_path):
    def mutate(d):
        del d["organization"]
        place(d, "shop")
    write_env(tmp_path, mutate)
    (line,) = problems(tmp_path)
    assert "service 'demo' sets account: or region:, which need an organization: section" in line


def test_fleet_alarms_are_counted_against_the_query_alarm_quota(tmp_path):
    # GIVEN fleet alarms on, in an account that already uses 198 of its 200 query alarms per region
    write_env(tmp_path, lambda d: d["organization"].update(
        fleet_alarms={"enabled": True, "existing_query_alarms": 198}))
    # WHEN it loads THEN the three fleet alarms do not fit, said in one line
    (line,) = problems(tmp_path)
    assert "3 fleet alarms plus 198 existing query alarms per region exceed" in line and "quota of 200" in line


def test_fleet_alarms_that_fit_the_quota_load(tmp_path):
    write_env(tmp_path, lambda d: d["organization"].update(
        fleet_alarms={"enabled": True, "existing_query_alarms": 198, "api_5xx": {"threshold": 1, "enabled": False}}))
    fleet = load_config("dev", tmp_path).organization.fleet_alarms
    assert sorted(fleet.families()) == ["lambda_errors", "lambda_throttles"]


def test_a_dead_letter_queue_fleet_alarm_is_refused_in_one_line_saying_why(tmp_path):
    # GIVEN a config that asks for the dead-letter-queue fleet alarm
    write_env(tmp_path, lambda d: d["organization"].update(
        fleet_alarms={"enabled": True, "dlq_depth": {"threshold": 0}}))
    # THEN it is refused: Metrics Insights cannot select queues by a name pattern
    (line,) = problems(tmp_path)
    assert "fleet_alarms.dlq_depth cannot be enabled" in line and "only with = and !=" in line


def test_a_fleet_alarm_longer_than_three_hours_is_one_line(tmp_path):
    write_env(tmp_path, lambda d: d["organization"].update(
        fleet_alarms={"enabled": True, "lambda_errors": {"threshold": 1, "period_seconds": 3600,
                                                         "evaluation_periods": 4}}))
    (line,) = problems(tmp_path)
    assert "only the last 3 hours" in line and "14400" in line


def test_the_example_organization_passes_the_checks_app_py_makes():
    # The fixture the organization tests synthesize is a config app.py would accept as it is.
    from stacks.monitoring.validation import check_environment

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "organization"
    assert check_environment(load_config("org", fixtures)).problems == []


def test_a_source_account_service_has_errorlogs_off_and_others_keep_it(tmp_path):
    write_env(tmp_path, lambda d: place(d, "shop"))
    service = load_config("dev", tmp_path).services[0]
    assert service.overrides["ErrorLogs"].enabled is False
    assert "ErrorLogs" not in load_config("dev").services[0].overrides
