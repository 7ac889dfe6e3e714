"""``make plan|cost|simulate ACCOUNT=.. REGION=..``: which services an account and a region hold, and one line
naming the known ones for anything else."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from config.loader import load_config
from plan.__main__ import main
from plan.scope import ScopeError, scope_services

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "organization"


@pytest.fixture(scope="module")
def org():
    return load_config("org", FIXTURES)


@pytest.mark.parametrize("account, region, expected", [
    ("shop", None, ("checkout",)),
    ("333333333333", None, ("ledger",)),            # a source account by id
    ("111111111111", None, ("status",)),            # the monitoring account: services without account:
    (None, "us-east-1", ("ledger", "reports")),
    (None, "eu-west-1", ("checkout", "status")),    # the home region holds services that set no region
    ("legacy", "us-east-1", ("reports",)),
    ("legacy", "eu-west-1", ()),                     # a known account and region that share no service
])
def test_an_account_and_a_region_select_the_services_that_run_there(org, account, region, expected):
    assert scope_services(org, account, region) == expected


@pytest.mark.parametrize("account, region, message", [
    ("shopp", None, "unknown account 'shopp' in org: the accounts are shop, payments, legacy (or an account id; "
                    "111111111111, the monitoring account, selects the services without account:)"),
    ("999999999999", None, "unknown account '999999999999' in org"),
    (None, "eu-central-1", "unknown region 'eu-central-1' in org: its services run in eu-west-1, us-east-1"),
])
def test_an_unknown_account_or_region_is_one_line_naming_the_known_ones(org, account, region, message):
    with pytest.raises(ScopeError) as raised:
        scope_services(org, account, region)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_without_an_organization_region_is_the_home_region_and_there_are_no_accounts():
    prod, dev = load_config("prod"), load_config("dev")
    assert scope_services(prod, None, "eu-west-1") == tuple(s.name for s in prod.services)
    with pytest.raises(ScopeError, match="prod has no organization: section"):
        scope_services(prod, "shop", None)
    with pytest.raises(ScopeError, match="dev sets no region"):
        scope_services(dev, None, "eu-west-1")


def test_make_plan_for_one_account_prints_its_services_with_totals_and_keeps_the_whole_plan_json(tmp_path, capsys):
    # WHEN the plan of the organization example is made for the account 'payments'
    assert main(["org", "--account", "payments"], out_root=tmp_path, config_dir=FIXTURES) == 0
    printed = capsys.readouterr().out
    # THEN the inventory heads with the scope and its totals, and lists that account's service only
    head = printed.splitlines()[0]
    assert head.startswith("watchtower org (account payments: 1 of 4 services): ")
    whole = json.loads((tmp_path / "org" / "plan.json").read_text())
    ledger = [a for a in whole["alarms"] if a["service"] == "ledger"]
    assert f": {len(ledger)} alarms, " in head
    assert "\nledger in account payments (333333333333), us-east-1:" in printed
    assert "checkout" not in printed and "reports-builder" not in printed
    # AND plan.json still holds every service (python -m plan diff compares whole environments)
    assert {s["name"] for s in whole["services"]} == {"checkout", "ledger", "reports", "status"}


@pytest.mark.parametrize("argv, error", [
    (["org", "--region", "ap-south-1"], "plan: unknown region 'ap-south-1' in org: its services run in eu-west-1, "
                                         "us-east-1"),
    (["prod", "--account", "shop"], "plan: prod has no organization: section"),
])
def test_make_plan_refuses_an_unknown_scope_in_one_line(tmp_path, capsys, argv, error):
    config_dir = FIXTURES if argv[0] == "org" else None
    assert main(argv, out_root=tmp_path, config_dir=config_dir) == 2
    err = capsys.readouterr().err
    assert err.startswith(error) and err.count("\n") == 1


def test_scope_options_need_a_value_and_apply_to_the_inventory_only(tmp_path, capsys):
    assert main(["prod", "--region"], out_root=tmp_path) == 2
    assert main(["diff", "a.json", "b.json", "--region", "eu-west-1"], out_root=tmp_path) == 2
    assert capsys.readouterr().err.startswith("usage: python -m plan ENV [--account NAME] [--region REGION]")
