"""SLO burn-rate alarms in the prod templates: windows, thresholds, pair composites and paging."""
from __future__ import annotations

import pytest

from stacks.slo.windows import BURN_PAIRS, burn_threshold, min_events, window_label

ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
# prod.yaml: service -> {sli: objective}
OBJECTIVES = {"orders": {"availability": 99.9, "latency": 99.0},
              "payments": {"availability": 99.95, "latency": 99.9},
              "notifications": {"availability": 99.5}}


def stack_alarms(synth, service: str) -> tuple[dict, dict]:
    resources = synth.templates("prod")[f"watchtower-prod-Monitoring-{service}"]["Resources"]
    by_name = {r["Properties"]["AlarmName"]: (logical_id, r) for logical_id, r in resources.items()
               if r["Type"] in ALARM_TYPES}
    return resources, by_name


def children(rule) -> list[str]:
    return [p["Fn::GetAtt"][0] for p in rule["Fn::Join"][1] if isinstance(p, dict) and "Fn::GetAtt" in p]


@pytest.mark.parametrize(("objective", "factor", "expected"), [
    (99.9, 14.4, 0.0144), (99.9, 6, 0.006), (99.9, 3, 0.003), (99.9, 1, 0.001),
    (99.0, 14.4, 0.144), (99.95, 6, 0.003), (99.5, 1, 0.005), (95.0, 14.4, 0.72),
])
def test_burn_threshold_is_factor_times_the_error_budget(objective, factor, expected):
    assert burn_threshold(factor, objective) == pytest.approx(expected)


def test_one_bad_event_never_breaches_a_window_on_its_own():
    for objective in (99.0, 99.5, 99.9, 99.95, 99.99):
        for pair in BURN_PAIRS:
            threshold = burn_threshold(pair.factor, objective)
            n = min_events(threshold)
            assert 1 / n < threshold <= 1 / (n - 1)


HOUR = 3600
# The SLO alarm design (Google SRE workbook burn-rate pairs), written out here rather than read from stacks.slo.windows: pair -> (long window, short
# window, severity, share of a 30-day budget spent over the long window). factor = share x 30 d / long window.
DESIGN_PAIRS = {
    "Page1h": (HOUR, 5 * 60, "critical", 0.02),
    "Page6h": (6 * HOUR, 30 * 60, "critical", 0.05),
    "Ticket1d": (24 * HOUR, 2 * HOUR, "warning", 0.10),
    "Ticket3d": (72 * HOUR, 6 * HOUR, "warning", 0.10),
}


def test_the_pair_factors_are_the_workbook_ones():
    factors = {name: share * 30 * 24 * HOUR / long for name, (long, _, _, share) in DESIGN_PAIRS.items()}
    assert factors == pytest.approx({"Page1h": 14.4, "Page6h": 6, "Ticket1d": 3, "Ticket3d": 1})


@pytest.mark.parametrize(("service", "sli"), [(s, sli) for s, slis in OBJECTIVES.items() for sli in slis])
def test_each_slo_has_four_pairs_of_window_alarms_with_the_right_thresholds(synth, service, sli):
    _, by_name = stack_alarms(synth, service)
    objective = OBJECTIVES[service][sli]
    for pair_name, (long_window, short_window, severity, share) in DESIGN_PAIRS.items():
        factor = share * 30 * 24 * HOUR / long_window
        for window, which in ((long_window, "Long"), (short_window, "Short")):
            name = f"watchtower-prod-{service}-slo-{sli}-Burn{pair_name}{which}-{severity}"
            props = by_name[name][1]["Properties"]
            assert props["Threshold"] == pytest.approx(factor * (1 - objective / 100)), name
            assert props["EvaluationPeriods"] == 1
            periods = {m["MetricStat"]["Period"] for m in props["Metrics"] if "MetricStat" in m}
            assert periods == {window}, f"{name}: period {periods} for window {window_label(window)}"
            assert not props.get("AlarmActions"), f"{name} must only feed its pair composite"
    # and no other burn-rate alarm: 4 pairs of window alarms plus their 4 AND composites
    assert len([n for n in by_name if f"-{service}-slo-{sli}-Burn" in n]) == 12


def test_pairs_are_and_composites_and_the_page_composite_ors_the_page_pairs(synth):
    resources, by_name = stack_alarms(synth, "orders")
    logical = {name: lid for name, (lid, _) in by_name.items()}
    for pair in BURN_PAIRS:
        severity = "critical" if pair.action == "page" else "warning"
        rule = by_name[f"watchtower-prod-orders-slo-availability-Burn{pair.name}-{severity}"][1]["Properties"][
            "AlarmRule"]
        assert " AND " in "".join(p for p in rule["Fn::Join"][1] if isinstance(p, str))
        assert set(children(rule)) == {logical[f"watchtower-prod-orders-slo-availability-Burn{pair.name}{w}-{severity}"]
                                       for w in ("Long", "Short")}
    page = by_name["watchtower-prod-orders-slo-availability-SloPage-critical"][1]["Properties"]
    assert set(children(page["AlarmRule"])) == {logical["watchtower-prod-orders-slo-availability-BurnPage1h-critical"],
                                                logical["watchtower-prod-orders-slo-availability-BurnPage6h-critical"]}
    assert page["AlarmActions"] and page["OKActions"] and page["ActionsSuppressor"]
    ticket = by_name["watchtower-prod-orders-slo-availability-SloTicket-warning"][1]["Properties"]
    assert "Critical" not in str(ticket["AlarmActions"])


def test_latency_slo_counts_requests_over_the_threshold_by_percentile_rank(synth):
    _, by_name = stack_alarms(synth, "orders")
    props = by_name["watchtower-prod-orders-slo-latency-BurnPage1hShort-critical"][1]["Properties"]
    stats = {m["Id"]: m["MetricStat"]["Stat"] for m in props["Metrics"] if "MetricStat" in m}
    assert stats == {"requests": "Sum", "within": "PR(0:800)"}


def test_a_service_without_latency_objective_gets_availability_alarms_only(synth):
    _, by_name = stack_alarms(synth, "notifications")
    assert not any("slo-latency" in name for name in by_name)
    assert sum("slo-availability-Burn" in name and ("Long" in name or "Short" in name) for name in by_name) == 8
