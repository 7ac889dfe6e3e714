"""``make plan``: the inventory, plan.json and ``python -m plan diff`` in words."""
from __future__ import annotations

import json

from config.loader import load_config
from config.services import ServiceConfig
from plan.__main__ import main
from plan.build import plan_environment
from plan.report import describe_changes, plan_json


def _doc(*services: ServiceConfig) -> dict:
    cfg = load_config("prod")
    return plan_json(plan_environment(cfg.model_copy(update={"services": services})))


def test_make_plan_prints_the_inventory_and_writes_a_versioned_plan_json(tmp_path, capsys):
    # WHEN the plan of prod is made into a scratch output directory
    assert main(["prod"], out_root=tmp_path) == 0
    printed = capsys.readouterr().out
    doc = json.loads((tmp_path / "prod" / "plan.json").read_text())
    # THEN plan.json carries its schema version and every alarm with its threshold, window and reach
    assert doc["schema_version"] == 1
    alarm = next(a for a in doc["alarms"] if a["name"] == "watchtower-prod-orders-orders-create-ServiceDown-critical")
    assert (alarm["value"], alarm["period"], alarm["datapoints"], alarm["evaluation_periods"]) == (50, 60, 2, 5)
    assert alarm["pages"] and "watchtower-prod-alerts-critical" in alarm["reaches"]
    # AND the inventory names it with severity, threshold, window and the composite that pages
    line = next(line for line in printed.splitlines() if "orders-create ServiceDown" in line)
    assert "critical" in line and "< 50 %" in line and "2 of 5 x 1 min" in line and "service-Critical" in line


def test_diff_describes_a_threshold_change_an_added_and_a_removed_alarm():
    # GIVEN a service, then the same service with HighErrorRate.warning at 3 %, a queue added, a table removed
    old = _doc(ServiceConfig(name="orders", resources={"functions": ["orders-create"], "tables": ["orders"]}))
    new = _doc(ServiceConfig(name="orders", overrides={"HighErrorRate.warning": {"threshold": 3}},
                             resources={"functions": ["orders-create"], "queues": ["jobs"]}))
    # WHEN the two plans are compared
    lines = describe_changes(old, new)
    # THEN each change reads in words
    assert "orders orders-create HighErrorRate warning: 5 % -> 3 %" in lines
    assert any(line.startswith("orders jobs QueueMessageAge warning: new alarm") for line in lines)
    assert "orders orders DatabaseThrottling critical: removed (watchtower-prod-orders-orders-DatabaseThrottling-critical)" \
        in lines
    # AND the paging composite's lost child is reported too
    assert any(line.startswith("composite watchtower-prod-orders-service-Critical-critical: -1") for line in lines)


def test_diff_of_a_file_that_is_no_plan_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    assert main(["diff", str(bad), str(bad)]) == 2
    assert capsys.readouterr().err.strip().endswith("not a plan.json of schema_version 1 (written by python -m plan ENV)")


def test_plan_json_lands_where_git_ignores_it():
    # GIVEN where make plan writes (cdk.out/ENV/plan.json), THEN git ignores it: trying a config leaves the
    # repository clean
    import subprocess

    from plan.__main__ import REPO

    import pytest

    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=REPO, capture_output=True).returncode:
        pytest.skip("not a git work tree (an exported copy)")
    ignored = subprocess.run(["git", "check-ignore", "-q", "cdk.out/prod/plan.json"], cwd=REPO)
    assert ignored.returncode == 0


def _org_doc() -> dict:
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "organization"
    return plan_json(plan_environment(load_config("org", fixtures)))


def test_plan_json_says_which_account_and_region_each_service_and_alarm_lives_in():
    # GIVEN the organization example: services in source accounts, one in another region
    doc = _org_doc()
    services = {s["name"]: s for s in doc["services"]}
    # THEN each service names its account (and id) and region; a monitoring-account service has none
    assert (services["ledger"]["account"], services["ledger"]["account_id"], services["ledger"]["region"]) == (
        "payments", "333333333333", "us-east-1")
    assert (services["status"]["account"], services["status"]["region"]) == (None, "eu-west-1")
    assert doc["accounts"] == {"shop": "222222222222", "payments": "333333333333", "legacy": "444444444444"}
    # AND every alarm and composite of a source-account service carries the account in its name and fields
    for entry in doc["alarms"] + doc["composites"]:
        account = services.get(entry["service"], {}).get("account")
        assert entry["account"] == account
        if account:
            assert entry["name"].startswith(f"watchtower-org-{account}-{entry['service']}-"), entry["name"]
    # AND an alarm of the other region reaches that region's topics, the ones it really notifies
    page = next(c for c in doc["composites"] if c["name"] == "watchtower-org-payments-ledger-service-Critical-critical")
    assert page["region"] == "us-east-1" and page["actions"] == ["watchtower-org-alerts-us-east-1-critical"]
    assert page["pages"]
    assert doc["regional_topics"]["us-east-1"]["critical"] == "watchtower-org-alerts-us-east-1-critical"
    slo = next(s for s in doc["slos"] if s["service"] == "ledger")
    assert slo["native_name"] == "watchtower-org-payments-ledger-availability"


def test_the_inventory_heads_each_service_with_its_account_and_region():
    from plan.report import inventory

    lines = [line.strip("\n") for line in inventory(_org_doc())]
    head = "ledger in account payments (333333333333), us-east-1: 2 resources (0 discovered), 1 stack(s)"
    assert head in lines
    assert any(line.startswith("status in the monitoring account, eu-west-1:") for line in lines)
    # the composite that pages is shown without the service's name prefix, account included
    assert lines[lines.index(head) + 2].rstrip().endswith(" service-Critical-critical")
