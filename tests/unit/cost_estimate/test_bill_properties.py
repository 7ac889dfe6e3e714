"""Properties of the bill: each added resource adds exactly its price; the total is the sum of the services."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings, strategies as st

from config.cost import EstimateAssumptions
from tools.cost_estimate import estimate

ALARM = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Period": 60}}
HIGH_RES = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Period": 30}}
COMPOSITE = {"Type": "AWS::CloudWatch::CompositeAlarm", "Properties": {}}
DASHBOARD = {"Type": "AWS::CloudWatch::Dashboard", "Properties": {}}
CANARY = {"Type": "AWS::Synthetics::Canary", "Properties": {"Schedule": {"Expression": "rate(10 minutes)"}}}


def _template(alarms: int, high_res: int, composites: int, dashboards: int, canaries: int) -> dict:
    resources = {}
    for prefix, body, count in (("A", ALARM, alarms), ("H", HIGH_RES, high_res), ("C", COMPOSITE, composites),
                                ("D", DASHBOARD, dashboards), ("K", CANARY, canaries)):
        resources.update({f"{prefix}{i}": body for i in range(count)})
    return {"S": {"Resources": resources}}


@settings(max_examples=60, deadline=None)
@given(counts=st.tuples(*(st.integers(0, 40) for _ in range(5))))
def test_total_is_the_sum_of_unit_prices_times_counts(counts):
    # GIVEN any mix of alarms, high-resolution alarms, composites, dashboards and 10-minute canaries
    alarms, high_res, composites, dashboards, canaries = counts
    # WHEN estimated over a 30-day month
    bill = estimate(_template(*counts), EstimateAssumptions(days_per_month=30))
    # THEN the total is exactly the list price of each (a 10-minute canary runs 4,320 times at $0.0012)
    expected = (D("0.10") * alarms + D("0.30") * high_res + D("0.50") * composites + D("3.00") * dashboards
                + D("0.0012") * 4320 * canaries)
    assert bill.total == expected
    assert sum(bill.by_service.values()) == bill.total
