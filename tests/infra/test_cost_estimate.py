"""The cost estimate over real synthesized environments, and the total `make synth` prints."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tools import synth_report
from tools.cost_estimate import estimate
from tools.cost_estimate.bill import cents
from tools.cost_estimate.estimate import assumptions_for


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_estimate_prices_the_cost_checker_from_its_schedule_and_metadata(synth, env):
    # GIVEN the environment's templates and its config assumptions
    assumptions, config_functions = assumptions_for(env)
    bill = estimate(synth.templates(env), assumptions, config_functions=config_functions)
    lines = {line.usage.item: line for line in bill.lines}
    # THEN the checker's hourly schedule gives 24 x days Cost Explorer requests at $0.01
    days = assumptions.days_per_month
    assert lines["Cost Explorer API requests"].usage.quantity == 24 * days
    assert lines["Cost Explorer API requests"].cost == Decimal("0.01") * 24 * days
    # AND its metric count from the template metadata is part of the custom metrics
    assert "(template metadata)" in lines["Custom metrics"].usage.detail
    # AND the alerting key and the budget are on the bill
    assert lines["KMS keys"].usage.quantity >= 1 and lines["Budgets"].usage.quantity == 1
    assert bill.total == sum(bill.by_service.values())


def test_synth_report_prints_the_same_total_as_the_estimate(synth, capsys):
    # GIVEN the dev cloud assembly folder
    outdir = synth.result("dev").outdir
    assumptions, config_functions = assumptions_for("dev")
    expected = cents(estimate(synth.templates("dev"), assumptions, config_functions=config_functions).total)
    # WHEN the synth summary runs on it (the folder is named after the environment)
    assert synth_report.main([str(outdir)]) == 0
    # THEN its last line is the estimated monthly total
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith(f"Estimated monthly cost: ${expected} ")


def test_make_cost_for_the_home_region_prints_the_services_there_and_refuses_accounts(synth, capsys):
    from tools.cost_estimate.__main__ import main

    outdir = str(synth.result("prod").outdir)
    # WHEN prod is priced for its own region (prod has no organization: every service runs there)
    assert main([outdir, "--env", "prod", "--region", "eu-west-1"]) == 0
    printed = capsys.readouterr().out
    # THEN the title says so, every service is listed, and what they share is named as left out
    assert "deploys for region eu-west-1" in printed.splitlines()[0]
    assert "Only region eu-west-1: orders, payments, notifications. Left out: 0 other service(s) ($0.00)" in printed
    # AND an account, or another region, is one line and exit 2, as is asking to track part of the bill
    assert main([outdir, "--env", "prod", "--account", "shop"]) == 2
    assert capsys.readouterr().err.startswith("cost estimate: prod has no organization: section")
    assert main([outdir, "--env", "prod", "--region", "us-east-1"]) == 2
    assert capsys.readouterr().err == "cost estimate: unknown region 'us-east-1' in prod: its services run in eu-west-1\n"
    assert main([outdir, "--env", "prod", "--region", "eu-west-1", "--tracked"]) == 2
