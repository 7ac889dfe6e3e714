"""The estimate of a small fixture template equals, to the last digit, the bill worked out by hand below."""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from config.cost import EstimateAssumptions
from tools.cost_estimate import estimate

FIXTURE = Path(__file__).parent / "fixtures" / "small.template.json"
ASSUMPTIONS = EstimateAssumptions(invocations_per_function=100_000, log_kb_per_invocation=2.0,
                                  custom_metrics_per_function=6, xray_sampling_rate=0.05, days_per_month=30,
                                  dashboard_free_tier=False)

# The bill by hand (us-east-1 prices from prices.yaml, a 30-day month):
#   alarms, standard:   2 single-metric alarms (periods 60, 300)              2 x 0.10 = 0.20
#   alarms, math:       1 alarm, 3 MetricStats in the expression             3 x 0.10 = 0.30
#   alarms, anomaly:    1 anomaly-detection alarm = 3 alarm metrics          3 x 0.10 = 0.30
#   alarms, high-res:   1 alarm with a 10 s period                           1 x 0.30 = 0.30
#   composites:         2 x 0.50                                                      = 1.00
#   dashboards:         4 x 3.00 (free tier not counted)                              = 12.00
#   custom metrics:     checker 14 (metadata) + demo 6 (layer env) + 3 config functions x 6
#                       + 1 metric filter = 39 x 0.30                                 = 11.70
#   Contributor Insights: 1 rule x 0.50                                               = 0.50
#   logs: invocations   checker 720 (rate(1 hour) x 720 h) + demo 100,000 + provider 0 (custom resource)
#                       = 100,720 x 2 KB = 0.20144 GB x 0.50                          = 0.10072
#   canary runs:        8,640 (rate(5 minutes)) + 60 (cron twice a day) = 8,700 x 0.0012 = 10.44
#   X-Ray recorded:     demo 100,000 x 0.05 = 5,000 + traced canary runs 8,640 = 13,640 x 5.00 / 1e6 = 0.0682
#   X-Ray Insights:     13,640 x 1.00 / 1e6                                           = 0.01364
#   Cost Explorer:      720 requests x 0.01                                           = 7.20
#   anomaly monitor 0, budget 0, KMS key 1 x 1.00                                     = 1.00
#   total                                                                             = 45.12256
BY_HAND = {
    "Alarms: standard": D("0.20"),
    "Alarms: math": D("0.30"),
    "Alarms: anomaly detection": D("0.30"),
    "Alarms: high-resolution": D("0.30"),
    "Composite alarms": D("1.00"),
    "Dashboards": D("12.00"),
    "Custom metrics": D("11.70"),
    "Contributor Insights rules": D("0.50"),
    "Log ingestion": D("0.10072"),
    "Canary runs": D("10.44"),
    "X-Ray traces recorded": D("0.0682"),
    "X-Ray Insights": D("0.01364"),
    "Cost Explorer API requests": D("7.20"),
    "Anomaly monitors": D("0"),
    "Budgets": D("0"),
    "KMS keys": D("1.00"),
    "SNS topics": D("0"),  # a standard topic has no monthly charge
}


@pytest.fixture(scope="module")
def bill():
    # GIVEN the fixture template and fixed assumptions, with 3 service functions listed in config
    # WHEN it is estimated
    return estimate({"Fixture": json.loads(FIXTURE.read_text())}, ASSUMPTIONS, config_functions=3)


def test_every_line_matches_the_hand_computed_bill(bill):
    # THEN every line costs exactly what the hand computation says, and no line is missing or extra
    assert {line.usage.item: line.cost for line in bill.lines} == BY_HAND


def test_total_and_services_match_the_hand_computed_bill(bill):
    # THEN the total and each service's subtotal are exact
    assert bill.total == D("45.12256")
    assert bill.by_service == {
        "CloudWatch": D("26.30"), "CloudWatch Logs": D("0.10072"), "CloudWatch Synthetics": D("10.44"),
        "AWS X-Ray": D("0.08184"), "Cost Explorer": D("7.20"), "AWS KMS": D("1.00"), "AWS Budgets": D("0"),
        "Amazon SNS": D("0"),
    }
    assert bill.data()["total_usd"] == "45.12"


def test_quantities_are_the_hand_counted_ones(bill):
    quantities = {line.usage.item: line.usage.quantity for line in bill.lines}
    assert quantities["Custom metrics"] == 39
    assert quantities["Canary runs"] == 8700
    assert quantities["X-Ray traces recorded"] == 13640
    assert quantities["Log ingestion"] == D("0.20144")


def test_unpriced_types_are_listed_not_dropped(bill):
    # THEN what carries no monthly price here is named with its count
    assert bill.not_priced == {"AWS::Events::Rule": 1, "Custom::Thing": 1}


def test_every_priced_line_shows_its_source(bill):
    text = bill.text("Fixture")
    for line in bill.lines:
        assert line.price.source.startswith("https://")
        assert line.price.source in text
    assert "Estimated monthly total (us-east-1)" in text and "$     45.12" in text


def test_dashboard_free_tier_assumption_removes_three(bill):
    # GIVEN the free tier counted / WHEN re-estimated / THEN 1 dashboard is billed, 9.00 less
    free = estimate({"Fixture": json.loads(FIXTURE.read_text())},
                    ASSUMPTIONS.model_copy(update={"dashboard_free_tier": True}), config_functions=3)
    assert bill.total - free.total == D("9.00")
