"""Which accounts and regions make discover searches, with which role, and where each service must be found."""
from __future__ import annotations

import pytest

from config.errors import InputError
from config.loader import load_config
from tests.unit.discover.envs import MONITORING, org_env, write_env
from tests.unit.discover.moto_world import ACCOUNTS
from tools.discover.targets import plan_targets


def test_organization_every_account_in_every_region_with_the_role_but_the_callers_own(tmp_path):
    org_env(tmp_path)
    cfg = load_config("lab", tmp_path, lock=False)
    plan = plan_targets(cfg, caller_account=MONITORING, partition="aws-cn", default_region=None)
    assert [(t.account, t.account_id, t.region, t.role_arn) for t in plan.targets] == [
        (None, MONITORING, "us-east-1", None), (None, MONITORING, "eu-west-1", None)] + [
        (name, account_id, region, f"arn:aws-cn:iam::{account_id}:role/watchtower-discovery")
        for name, account_id in ACCOUNTS.items() for region in ("us-east-1", "eu-west-1")]
    assert plan.homes == {"orders": (ACCOUNTS["shop"], "us-east-1"), "payments": (ACCOUNTS["payments"], "eu-west-1"),
                          "search": (ACCOUNTS["search"], "us-east-1")}
    assert plan.account_names == {"orders": "shop", "payments": "payments", "search": "search"}


def test_without_organization_the_callers_account_in_the_region(tmp_path):
    write_env(tmp_path, [{"name": "orders", "discover": True}], region="eu-west-1")
    cfg = load_config("lab", tmp_path, lock=False)
    plan = plan_targets(cfg, caller_account="999999999999", partition="aws", default_region="us-east-1")
    assert [(t.account_id, t.region, t.role_arn) for t in plan.targets] == [("999999999999", "eu-west-1", None)]
    assert plan.homes == {"orders": ("999999999999", "eu-west-1")}


def test_credentials_of_another_account_than_the_configs_are_one_line(tmp_path):
    write_env(tmp_path, [{"name": "orders", "discover": True}], account="111111111111")
    cfg = load_config("lab", tmp_path, lock=False)
    with pytest.raises(InputError, match="is for account 111111111111 but the credentials are for 999999999999"):
        plan_targets(cfg, caller_account="999999999999", partition="aws", default_region="us-east-1")
