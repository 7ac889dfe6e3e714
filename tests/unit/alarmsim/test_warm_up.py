"""Warm-up in the simulator: after a deploy creates or updates an alarm with a WarmUpConfiguration, the alarm is
INSUFFICIENT_DATA and runs no actions until the warm-up ends (early, once a window's worth of periods after the
deploy has passed, unless OnlyStartEvaluatingAfterWarmUpPeriodEnds); then it evaluates and acts as usual."""
from __future__ import annotations

from tests.unit.alarmsim.builders import ERRORS, T0, composite, metric_alarm, store_of, template, topic
from tools.alarmsim.scenarios.catalog import DEFAULT_WARM_UP_MINUTES, scenarios
from tools.alarmsim.simulator import Simulator
from tools.alarmsim.template import alarms_from_templates


def _resources(**warm_up):
    return {"Pager": topic("pager"),
            "Down": metric_alarm("down-critical", evaluation_periods=2, AlarmActions=[{"Ref": "Pager"}],
                                 **({"WarmUpConfiguration": warm_up} if warm_up else {}))}


def _run(resources, deploys=(), minutes=20):
    alarms = alarms_from_templates({"S": template(**resources)})
    assert not alarms.warnings, alarms.warnings
    store = store_of({ERRORS: [0] * 5 + [3] * 20})  # errors from minute 5 on
    return Simulator(alarms, store, "OK").run(T0, T0 + minutes, deploys=[T0 + d for d in deploys])


def test_the_template_warm_up_is_read():
    [alarm] = alarms_from_templates({"S": template(**_resources(
        WarmUpPeriodDurationInMinutes=30, OnlyStartEvaluatingAfterWarmUpPeriodEnds=True))}).metric_alarms
    assert (alarm.warm_up_minutes, alarm.warm_up_full) == (30, True)


def test_a_deploy_during_an_incident_holds_the_page_until_the_warm_up_ends():
    # GIVEN errors from minute 5 (the 2-period alarm pages at minute 7 without a deploy)
    plain = [(t.minute - T0, t.to_state, t.actions) for t in _run(_resources(WarmUpPeriodDurationInMinutes=5))]
    assert ("ALARM" in [s for _, s, _ in plain]) and [m for m, s, _ in plain if s == "ALARM"] == [7]
    # WHEN a deploy updates the alarm at minute 8, after it paged
    early = _run(_resources(WarmUpPeriodDurationInMinutes=5), deploys=[8])
    # THEN it is INSUFFICIENT_DATA without actions from minute 8, and pages again once 2 periods have passed
    assert [(t.minute - T0, t.to_state, t.actions, t.held_by) for t in early if t.minute - T0 >= 8] == [
        (8, "INSUFFICIENT_DATA", (), "WarmUp"), (10, "ALARM", ("pager",), None)]
    # AND waiting the whole warm-up out delays it to minute 13
    full = _run(_resources(WarmUpPeriodDurationInMinutes=5, OnlyStartEvaluatingAfterWarmUpPeriodEnds=True),
                deploys=[8])
    assert [(t.minute - T0, t.to_state) for t in full if t.minute - T0 >= 8] == [(8, "INSUFFICIENT_DATA"),
                                                                                 (13, "ALARM")]


def test_alarms_without_warm_up_and_runs_without_deploys_are_unchanged():
    without = [(t.minute, t.to_state) for t in _run(_resources(), deploys=[7])]
    assert without == [(t.minute, t.to_state) for t in _run(_resources())]
    assert [(t.minute, t.to_state) for t in _run(_resources(WarmUpPeriodDurationInMinutes=5))] == without


def test_a_composite_above_a_warming_child_resolves_and_pages_again():
    # GIVEN a paging composite over the alarm (the child itself has no actions)
    resources = {"Pager": topic("pager"),
                 "Down": metric_alarm("down-critical", evaluation_periods=2,
                                      WarmUpConfiguration={"WarmUpPeriodDurationInMinutes": 5}),
                 "Page": composite("page-critical", "ALARM(down-critical)", AlarmActions=[{"Ref": "Pager"}],
                                   OKActions=[{"Ref": "Pager"}])}
    # WHEN a deploy lands after the page THEN the composite resolves while its child warms up, then pages again:
    # what a deploy during an incident costs on call
    page = [(t.minute - T0, t.to_state) for t in _run(resources, deploys=[8]) if t.alarm == "page-critical"]
    assert page == [(7, "ALARM"), (8, "OK"), (10, "ALARM")]


def test_the_deploy_during_incident_scenario_allows_the_warm_up_on_top_of_the_usual_target():
    [scenario] = [s for s in scenarios() if s.name == "deploy-during-incident"]
    assert scenario.deploy_at is not None and scenario.environments == "paging"
    assert scenario.page_within(None) == 3.0 + DEFAULT_WARM_UP_MINUTES == 8.0
