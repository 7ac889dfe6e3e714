"""Application Signals SLOs in the prod templates: one per configured SLO, on the very metrics, objective and
window the burn-rate alarms use (both read from the synthesized templates), exclusions from maintenance."""
from __future__ import annotations

import pytest
from aws_cdk import App, Stack, assertions

from config.loader import load_config
from config.services import MaintenanceWindow, ServiceConfig, SloConfig
from stacks.slo.native import NativeSlos
from plan.slo import SloError

SLO_TYPE = "AWS::ApplicationSignals::ServiceLevelObjective"
HOUR = 3600
# Written out rather than imported: pair -> (share of a budget spent over the long window, severity). With the
# SLO's interval P (seconds) the workbook's factor is share x P / long window, so each window alarm's threshold
# must be share x P / long x (1 - goal): a check of objective and window together.
SHARES = {"Page1h": (0.02, "critical"), "Page6h": (0.05, "critical"),
          "Ticket1d": (0.10, "warning"), "Ticket3d": (0.10, "warning")}


def configured_slos(cfg) -> list[tuple[str, str, float]]:
    return [(s.name, sli, objective) for s in cfg.services if s.slo is not None
            for sli, objective in (("availability", s.slo.availability), ("latency", s.slo.latency))
            if objective is not None]


def stat_key(query: dict) -> tuple:
    stat = query["MetricStat"]
    metric = stat["Metric"]
    dims = tuple(sorted((d["Name"], d["Value"]) for d in metric.get("Dimensions", [])))
    return metric["Namespace"], metric["MetricName"], dims, stat["Stat"]


def slo_objects(synth, service: str) -> dict[str, dict]:
    resources = synth.templates("prod")[f"watchtower-prod-Monitoring-{service}"]["Resources"]
    return {r["Properties"]["Name"]: r["Properties"] for r in resources.values() if r["Type"] == SLO_TYPE}


def burn_alarms(synth, service: str, sli: str) -> dict[str, dict]:
    resources = synth.templates("prod")[f"watchtower-prod-Monitoring-{service}"]["Resources"]
    prefix = f"watchtower-prod-{service}-slo-{sli}-Burn"
    return {r["Properties"]["AlarmName"]: r["Properties"] for r in resources.values()
            if r["Type"] == "AWS::CloudWatch::Alarm" and str(r["Properties"].get("AlarmName", "")).startswith(prefix)}


def test_every_configured_slo_in_prod_has_exactly_one_native_slo(synth):
    cfg = synth.app_config("prod")
    expected = {f"watchtower-prod-{service}-{sli}" for service, sli, _ in configured_slos(cfg)}
    found = {props["Name"] for props in (r["Properties"] for r in synth.result("prod").resources(SLO_TYPE).values())}
    assert expected and found == expected


@pytest.mark.parametrize(("service", "sli", "objective"), configured_slos(load_config("prod")))
def test_native_slo_has_the_objective_window_and_metrics_of_the_burn_rate_alarms(synth, service, sli, objective):
    # GIVEN the native SLO and the burn-rate window alarms of one SLI, both as synthesized
    slo = slo_objects(synth, service)[f"watchtower-prod-{service}-{sli}"]
    every_alarm = burn_alarms(synth, service, sli)
    # the pairs' long and short windows; their companions (ShortFloor, LongBand, Budget) only hold or reset a
    # pair, and must read the same metrics (checked below)
    alarms = {n: p for n, p in every_alarm.items() if n.rsplit("-", 1)[0].endswith(("Long", "Short"))}
    assert len(alarms) == 8, sorted(alarms)
    goal = slo["Goal"]
    interval = goal["Interval"]["RollingInterval"]
    # THEN the goal is the configured objective over a rolling 30 days
    assert goal["AttainmentGoal"] == pytest.approx(objective)
    assert (interval["Duration"], interval["DurationUnit"]) == (30, "DAY")
    period_seconds = interval["Duration"] * 24 * HOUR
    budget = 1 - goal["AttainmentGoal"] / 100
    # AND every window alarm's threshold is the workbook factor for that interval and objective
    for name, props in alarms.items():
        pair = next(p for p in SHARES if f"-Burn{p}" in name)
        window = {m["MetricStat"]["Period"] for m in props["Metrics"] if "MetricStat" in m}.pop()
        long_window = window if "Long-" in name else max(
            {m["MetricStat"]["Period"] for m in alarms[name.replace("Short-", "Long-")]["Metrics"] if "MetricStat" in m})
        factor = SHARES[pair][0] * period_seconds / long_window
        assert props["Threshold"] == pytest.approx(factor * budget), name
    # AND the SLO counts the same metrics the alarms divide: total = the alarms' request count
    sli_metric = slo["RequestBasedSli"]["RequestBasedSliMetric"]
    total = [stat_key(q) for q in sli_metric["TotalRequestCountMetric"] if q.get("ReturnData", True)]
    bad_queries = sli_metric["MonitoredRequestCountMetric"]["BadCountMetric"]
    slo_stats = {stat_key(q) for q in sli_metric["TotalRequestCountMetric"] + bad_queries if "MetricStat" in q}
    for name, props in every_alarm.items():
        alarm_stats = {stat_key(m) for m in props["Metrics"] if "MetricStat" in m}
        requests = [stat_key(m) for m in props["Metrics"] if m.get("Id") == "requests"]
        assert alarm_stats == slo_stats, name
        assert total == requests, name
    # AND one burn-rate look-back window per alarm window
    alarm_minutes = {m["MetricStat"]["Period"] // 60 for p in alarms.values() for m in p["Metrics"] if "MetricStat" in m}
    assert {b["LookBackWindowMinutes"] for b in slo["BurnRateConfigurations"]} == alarm_minutes
    assert alarm_minutes == {5, 30, 60, 120, 360, 1440, 4320}


def test_the_latency_slo_counts_slow_requests_as_bad(synth):
    slo = slo_objects(synth, "orders")["watchtower-prod-orders-latency"]
    bad = slo["RequestBasedSli"]["RequestBasedSliMetric"]["MonitoredRequestCountMetric"]["BadCountMetric"]
    returned = [q for q in bad if q.get("ReturnData", True)]
    assert len(returned) == 1 and "Expression" in returned[0]
    stats = {q["Id"]: q["MetricStat"]["Stat"] for q in bad if "MetricStat" in q}
    assert stats == {"requests": "Sum", "within": "PR(0:800)"}  # prod.yaml: latency_threshold_ms 800
    # 1000 requests, 97% within the threshold -> 30 bad requests
    expression = returned[0]["Expression"].replace("FILL(requests, 0)", "1000").replace("FILL(within, 100)", "97")
    assert eval(expression, {"__builtins__": {}}) == pytest.approx(30)


def test_exclusion_windows_follow_the_maintenance_windows(synth):
    cfg = synth.app_config("prod")
    for service in cfg.services:
        for props in slo_objects(synth, service.name).values():
            windows = props.get("ExclusionWindows", [])
            assert len(windows) == len(service.maintenance_windows), service.name
    # prod.yaml: orders patches its database every Sunday 02:00 UTC for 60 minutes
    for props in slo_objects(synth, "orders").values():
        (window,) = props["ExclusionWindows"]
        assert window["RecurrenceRule"]["Expression"] == "cron(0 2 ? * SUN *)"
        assert window["Window"] == {"Duration": 60, "DurationUnit": "MINUTE"}
        assert "weekly-db-patching" in window["Reason"]
        assert "StartTime" not in window  # a fixed start would be in the past at the next update


def _stack_with(service: ServiceConfig) -> assertions.Template:
    cfg = load_config("dev")
    stack = Stack(App(), "S")
    NativeSlos(stack, "Native", cfg=cfg, service=service, resources=service.resources)
    return assertions.Template.from_stack(stack)


def test_no_native_slo_when_turned_off_or_without_a_source():
    fn = {"functions": [{"name": "f"}]}
    off = ServiceConfig(name="svc", resources=fn, slo=SloConfig(native=False))
    assert _stack_with(off).find_resources(SLO_TYPE) == {}
    no_source = ServiceConfig(name="svc", resources={"tables": ["t"]}, slo=SloConfig())
    assert _stack_with(no_source).find_resources(SLO_TYPE) == {}
    only_availability = ServiceConfig(name="svc", resources=fn, slo=SloConfig(latency=None))
    assert len(_stack_with(only_availability).find_resources(SLO_TYPE)) == 1


def test_a_berlin_window_becomes_a_widened_utc_exclusion():
    window = MaintenanceWindow(name="nightly", cron="30 1 * * MON", duration_minutes=30, timezone="Europe/Berlin")
    service = ServiceConfig(name="svc", resources={"functions": [{"name": "f"}]}, maintenance_windows=(window,))
    template = _stack_with(service)
    template.has_resource_properties(SLO_TYPE, {"ExclusionWindows": [{
        # 01:30 Berlin is 23:30 UTC the day before in summer (UTC+2), 00:30 UTC in winter (UTC+1)
        "RecurrenceRule": {"Expression": "cron(30 23 ? * SUN *)"},
        "Window": {"Duration": 90, "DurationUnit": "MINUTE"}, "Reason": assertions.Match.any_value()}]})


def test_more_than_ten_maintenance_windows_is_one_line():
    windows = tuple(MaintenanceWindow(name=f"w{i}", cron=f"0 {i} * * SUN", duration_minutes=10) for i in range(11))
    service = ServiceConfig(name="svc", resources={"functions": [{"name": "f"}]}, maintenance_windows=windows)
    with pytest.raises(SloError, match=r"^service 'svc': 11 maintenance windows, but an SLO takes at most 10 "):
        _stack_with(service)


def test_the_slo_dashboard_links_every_native_slo_in_the_console(synth):
    import json

    dashboards = synth.templates("prod")["watchtower-prod-Dashboards"]["Resources"].values()
    (body,) = [json.loads(r["Properties"]["DashboardBody"]) for r in dashboards
               if r["Type"] == "AWS::CloudWatch::Dashboard" and r["Properties"]["DashboardName"].endswith("-SLO")]
    text = "\n".join(w["properties"]["markdown"] for w in body["widgets"] if w["type"] == "text")
    names = {r["Properties"]["Name"] for r in synth.result("prod").resources(SLO_TYPE).values()}
    for name in names:
        assert f"?region=eu-west-1#application-signals:slo/{name})" in text, name
