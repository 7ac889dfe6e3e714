"""Application Signals SLOs appear on the bill: 2 signals per SLI period, priced and marked unverified."""
from __future__ import annotations

from decimal import Decimal as D

from config.cost import EstimateAssumptions
from tools.cost_estimate import estimate
from tools.cost_estimate.prices import load_prices

SLO = {"Type": "AWS::ApplicationSignals::ServiceLevelObjective", "Properties": {
    "Name": "x", "RequestBasedSli": {"RequestBasedSliMetric": {"TotalRequestCountMetric": [
        {"Id": "requests", "MetricStat": {"Period": 60, "Stat": "Sum", "Metric": {"Namespace": "N", "MetricName": "M"}}}]}}}}


def test_two_slos_on_a_one_minute_sli_are_billed_as_signals():
    # GIVEN two request-based SLOs whose SLI has one-minute data points, in a 30-day month
    bill = estimate({"S": {"Resources": {"A": SLO, "B": SLO}}}, EstimateAssumptions(days_per_month=30))
    (line,) = [l for l in bill.lines if l.usage.item == "Application Signals SLOs"]
    # THEN 2 SLOs x 2 signals x 43,200 minutes = 172,800 signals at $1.50 per million
    assert line.usage.quantity == D(172_800)
    assert line.cost == D("0.2592")
    assert "AWS::ApplicationSignals::ServiceLevelObjective" not in bill.not_priced
    # AND the price says it is not verified
    assert load_prices().get("applicationsignals.signal").verified is False
